// factory.cpp: tensors made from nothing (empty, full, arange, random, ...).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "../core/backend.h"
#include "../core/random.h"
#include "ops.h"
#include "out_plan.h"

namespace mt::ops {

// See Note [CUDA backend registration] in ext/core/backend.h.
void check_device(Device d) {
  if (!d.is_cpu()) check_cuda_usable();
}

Tensor empty(const Dims& sizes, DType dtype, Device device) {
  check_device(device);
  return TensorImpl::empty(sizes, dtype, device);
}

Tensor full(const Dims& sizes, Scalar value, DType dtype, Device device) {
  Tensor t = empty(sizes, dtype, device);
  fill_(t, value);
  return t;
}

namespace {
// True for the integer dtypes, whose arange / linspace / logspace PyTorch
// computes from the arguments converted (truncated) to integers first.
bool int_range_dtype(DType dtype) { return !is_floating(dtype) && dtype != DType::Bool; }

// linspace / logspace check their ends' conversion to an integer dtype as
// PyTorch does (an integral value counts as the Python int it most likely
// was: uint8 takes -1 but not -2.7), then truncate them.
double checked_int_end(double v, DType dtype) {
  check_scalar_converts(v == std::trunc(v) && std::abs(v) < 9.2e18
                            ? Scalar::from_int(static_cast<int64_t>(v))
                            : Scalar::from_double(v),
                        dtype);
  return std::trunc(v);
}
}  // namespace

Tensor arange(double start, double end, double step, DType dtype, Device device) {
  MT_CHECK(std::isfinite(start) && std::isfinite(end), "unsupported range: ", start, " -> ", end);
  // PyTorch's integer arange: int64 computes size and values from the
  // truncated arguments; narrower integer types take the size from the
  // arguments as given and the values from truncated start and step
  // (arange(0, 5, 0.5, dtype=int32) is ten zeros).
  const double given_step = step;
  double n_start = start, n_end = end, n_step = step;
  if (int_range_dtype(dtype)) {
    start = std::trunc(start), step = std::trunc(step);
    if (dtype == DType::Int64) n_start = start, n_end = std::trunc(end), n_step = step;
  }
  // (ValueError only where int64 truncated a nonzero step to 0, as PyTorch.)
  MT_CHECK_KIND(ValueError, n_step != 0 || given_step == 0, "step must be nonzero");
  MT_CHECK(n_step != 0, "step must be nonzero");
  MT_CHECK((n_step > 0 && n_end >= n_start) || (n_step < 0 && n_end <= n_start),
           "upper bound and lower bound inconsistent with step sign");
  double n = std::ceil((n_end - n_start) / n_step);
  MT_CHECK(n >= 0 && n < 9.2e18, "invalid size, possible overflow?");
  Tensor t = empty(Dims{static_cast<int64_t>(n)}, dtype, device);
  need(kernel_table(device.type).arange, "arange", device)(t->data(), t->numel(), dtype, start,
                                                           step);
  return t;
}

Tensor linspace(double start, double end, int64_t steps, DType dtype, Device device) {
  MT_CHECK(steps >= 0, "number of steps must be non-negative");
  if (int_range_dtype(dtype))
    start = checked_int_end(start, dtype), end = checked_int_end(end, dtype);
  Tensor t = empty(Dims{steps}, dtype, device);
  if (steps > 0)
    need(kernel_table(device.type).linspace, "linspace", device)(t->data(), steps, dtype, start,
                                                                 end);
  return t;
}

Tensor eye(int64_t n, int64_t m, DType dtype, Device device) {
  MT_CHECK(n >= 0, "n must be greater or equal to 0, got ", n);
  MT_CHECK(m >= 0, "m must be greater or equal to 0, got ", m);
  Tensor t = full(Dims{n, m}, Scalar::from_int(0), dtype, device);
  int64_t k = std::min(n, m);
  if (k > 0) fill_(t->view(Dims{k}, Dims{m + 1}, 0), Scalar::from_int(1));
  return t;
}

namespace {
// Fills t's memory in order: t is new and dense (contiguous, or a
// permutation of it from empty_like), so its numel elements are one run.
template <typename Kernel, typename... Args>
Tensor random_fill(Tensor t, Kernel kernel, const char* name, Args... args) {
  GeneratorState& g = default_generator();
  uint64_t offset = g.reserve(static_cast<uint64_t>(t->numel()));
  need(kernel, name, t->device())(t->data(), t->numel(), t->dtype(), args..., g.seed, offset);
  return t;
}
template <typename Kernel, typename... Args>
Tensor random_fill(const Dims& sizes, DType dtype, Device device, Kernel kernel, const char* name,
                   Args... args) {
  return random_fill(empty(sizes, dtype, device), kernel, name, args...);
}

void check_uniform(DType dtype) {
  MT_CHECK_KIND(NotImplementedError, is_floating(dtype),
                "\"check_uniform_bounds\" not implemented for '", info(dtype).torch_name, "'");
}
void check_normal(DType dtype) {
  MT_CHECK_KIND(NotImplementedError, is_floating(dtype), "\"normal_kernel\" not implemented for '",
                info(dtype).torch_name, "'");
}

// The CPU stream follows PyTorch's CPU generator draw for draw (Note [CPU
// random streams], cpu/random_mt.h); t is new and dense, filled in memory
// order, from the generator of the call (cpu_generator()).
constexpr int kMtUniform = 0, kMtNormal = 1;  // cpu::rng::Dist
bool cpu_uniform(const Tensor& t) {
  if (!t->device().is_cpu()) return false;
  g_mt_samplers.fill(cpu_generator(), kMtUniform, t->data(), t->numel(), t->dtype(), 0.0, 1.0,
                     true);
  return true;
}
bool cpu_normal(const Tensor& t) {
  if (!t->device().is_cpu()) return false;
  g_mt_samplers.fill(cpu_generator(), kMtNormal, t->data(), t->numel(), t->dtype(), 0.0, 1.0,
                     t->is_contiguous());
  return true;
}
}  // namespace

Tensor rand(const Dims& sizes, DType dtype, Device device) {
  check_uniform(dtype);
  Tensor t = empty(sizes, dtype, device);
  if (cpu_uniform(t)) return t;
  return random_fill(sizes, dtype, device, kernel_table(device.type).uniform, "rand", 0.0, 1.0);
}

Tensor randn(const Dims& sizes, DType dtype, Device device) {
  check_normal(dtype);
  Tensor t = empty(sizes, dtype, device);
  if (cpu_normal(t)) return t;
  return random_fill(sizes, dtype, device, kernel_table(device.type).normal, "randn", 0.0, 1.0);
}

Tensor rand_like(const TensorImpl& like, DType dtype, Device device, MemoryFormat fmt) {
  check_uniform(dtype);
  Tensor t = empty_like(like, dtype, device, fmt);
  if (cpu_uniform(t)) return t;
  return random_fill(t, kernel_table(device.type).uniform, "rand", 0.0, 1.0);
}

Tensor randn_like(const TensorImpl& like, DType dtype, Device device, MemoryFormat fmt) {
  check_normal(dtype);
  Tensor t = empty_like(like, dtype, device, fmt);
  if (cpu_normal(t)) return t;
  return random_fill(t, kernel_table(device.type).normal, "randn", 0.0, 1.0);
}

// PyTorch's bounds check for randint: `low` and `high - 1` must be values
// of the dtype (float16 holds exact integers only up to 2^11), else
// RuntimeError naming the C type as PyTorch does.
static void check_random_range(int64_t lo, int64_t hi, DType dt) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    int64_t min, max;
    const char* ctype;
    if constexpr (std::is_same_v<T, bool>) {
      min = 0, max = 1, ctype = "bool";
    } else if constexpr (std::is_same_v<T, Half>) {
      min = -(int64_t{1} << 11), max = int64_t{1} << 11, ctype = "c10::Half";
    } else if constexpr (std::is_integral_v<T>) {
      min = std::numeric_limits<T>::lowest(), max = std::numeric_limits<T>::max();
      ctype = sizeof(T) == 1   ? (std::is_signed_v<T> ? "signed char" : "unsigned char")
              : sizeof(T) == 2 ? "short int"
              : sizeof(T) == 4 ? "int"
                               : "long int";
    } else {
      return;  // float32/64, bfloat16: PyTorch only warns about precision
    }
    MT_CHECK(lo >= min, "from is out of bounds for ", ctype);
    MT_CHECK(hi - 1 <= max, "to - 1 is out of bounds for ", ctype);
  });
}

Tensor randint(int64_t low, int64_t high, const Dims& sizes, DType dtype, Device device) {
  MT_CHECK(low < high, "random_ expects 'from' to be less than 'to', but got from=", low,
           " >= to=", high);
  check_random_range(low, high, dtype);
  if (device.is_cpu()) {
    Tensor t = empty(sizes, dtype, device);
    g_mt_samplers.from_to(cpu_generator(), t->data(), t->numel(), dtype,
                          static_cast<uint64_t>(high) - static_cast<uint64_t>(low), low);
    return t;
  }
  return random_fill(sizes, dtype, device, kernel_table(device.type).randint, "randint", low, high);
}

Tensor randint_like(const TensorImpl& like, int64_t low, int64_t high, DType dtype, Device device,
                    MemoryFormat fmt) {
  MT_CHECK(low < high, "random_ expects 'from' to be less than 'to', but got from=", low,
           " >= to=", high);
  check_random_range(low, high, dtype);
  Tensor t = empty_like(like, dtype, device, fmt);
  if (device.is_cpu()) {
    g_mt_samplers.from_to(cpu_generator(), t->data(), t->numel(), dtype,
                          static_cast<uint64_t>(high) - static_cast<uint64_t>(low), low);
    return t;
  }
  return random_fill(t, kernel_table(device.type).randint, "randint", low, high);
}

Tensor randperm(int64_t n, DType dtype, Device device) {
  // PyTorch: every value 0..n-1 must be representable in the dtype.
  MT_CHECK_KIND(NotImplementedError, dtype != DType::Bool,
                "\"randperm\" not implemented for 'Bool'");
  MT_CHECK(dtype != DType::Float16 || n <= 2049, "n cannot be greater than 2049 for Half type.");
  MT_CHECK(dtype != DType::Float32 || n <= (int64_t{1} << 24) + 1,
           "n cannot be greater than 2^24+1 for Float type.");
  if (n > 0 && !is_floating(dtype)) {
    dispatch(dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      MT_CHECK(!Scalar::from_int(n - 1).overflows<T>(), "value cannot be converted to type ",
               info(dtype).name, " without overflow");
    });
  }
  if (device.is_cpu()) {
    Tensor t = empty(Dims{n}, dtype, device);
    g_mt_samplers.randperm(cpu_generator(), t->data(), n, dtype);
    return t;
  }
  return random_fill(Dims{n}, dtype, device, kernel_table(device.type).randperm, "randperm");
}

Tensor logspace(double start, double end, int64_t steps, double base, DType dtype, Device device) {
  if (int_range_dtype(dtype))
    start = checked_int_end(start, dtype), end = checked_int_end(end, dtype);
  Tensor x = linspace(start, end, steps, DType::Float64, Device{});
  Tensor p =
      binary(BinaryOp::Pow, {nullptr, Scalar::from_double(base)}, {x.get(), {}}, DType::Float64);
  return to(p, dtype, device, false);
}

int64_t parse_memory_format(const char* name) {
  static const char* const names[] = {"preserve_format", "contiguous_format", "channels_last",
                                      "channels_last_3d"};
  for (int i = 0; i < 4; ++i)
    if (std::strcmp(name, names[i]) == 0) return i;
  MT_THROW(RuntimeError, "unknown memory format ", name);
}

Dims format_strides(const Dims& sizes, MemoryFormat fmt) {
  MT_CHECK(fmt != MemoryFormat::Preserve, "unsupported memory format Preserve");
  if (fmt == MemoryFormat::Contiguous) return contiguous_strides(sizes);
  // channels last: C varies fastest, then the spatial dims in order, then N
  const bool is3d = fmt == MemoryFormat::ChannelsLast3d;
  const int64_t rank = is3d ? 5 : 4;
  MT_CHECK(static_cast<int64_t>(sizes.size()) == rank, "required rank ", rank, " tensor to use ",
           is3d ? "channels_last_3d" : "channels_last", " format");
  Dims st(rank);
  int64_t step = 1;
  st[1] = step;
  step *= std::max<int64_t>(sizes[1], 1);
  for (int64_t d = rank - 1; d >= 2; --d) {
    st[d] = step;
    step *= std::max<int64_t>(sizes[d], 1);
  }
  st[0] = step;
  return st;
}

Dims preserved_strides(const TensorImpl& t) {
  const Dims& sz = t.sizes();
  const Dims& st = t.strides();
  const int64_t nd = static_cast<int64_t>(sz.size());
  bool dense = true;
  for (int64_t d = 0; d < nd && dense; ++d) dense = st[d] >= 0;
  if (dense) {
    // dims of size >= 2 ordered by stride: dense iff each stride is the
    // product of the sizes before it (size-1 dims keep whatever they have)
    std::vector<int64_t> order;
    for (int64_t d = 0; d < nd; ++d)
      if (sz[d] >= 2) order.push_back(d);
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t a, int64_t b) { return st[a] < st[b]; });
    int64_t need = 1;
    for (int64_t d : order) {
      if (st[d] != need) {
        dense = false;
        break;
      }
      need *= sz[d];
    }
  }
  return dense ? st : contiguous_strides(sz);
}

Tensor empty_strided_dense(const Dims& sizes, const Dims& strides, DType dtype, Device device) {
  if (strides == contiguous_strides(sizes)) return empty(sizes, dtype, device);
  Tensor flat = empty(Dims{numel_of(sizes)}, dtype, device);
  return as_strided(flat, sizes, strides, 0);
}

Tensor empty_like(const TensorImpl& like, DType dtype, Device device, MemoryFormat fmt) {
  Dims strides =
      fmt == MemoryFormat::Preserve ? preserved_strides(like) : format_strides(like.sizes(), fmt);
  return empty_strided_dense(like.sizes(), strides, dtype, device);
}

DType factory_out_dtype(const TensorImpl& out, const std::optional<DType>& dtype) {
  if (!dtype) return out.dtype();
  MT_CHECK(*dtype == out.dtype(), "dtype ", info(*dtype).torch_name,
           " does not match dtype of out parameter (", info(out.dtype()).torch_name, ")");
  return *dtype;
}

void resize_out(const Tensor& out, const Dims& sizes) {
  plan_out(out, sizes, out->dtype(), out->device());  // Note [Out planning]
}

}  // namespace mt::ops
