// factory.cpp: tensors made from nothing (empty, full, arange, random, ...).
#include <cmath>

#include "../core/random.h"
#include "ops.h"

namespace mt::ops {

void check_device(Device d) {
  MT_CHECK(device_available(d.type), "Torch not compiled with CUDA enabled: device '", d.str(),
           "' is not available in this build of minitorch");
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

Tensor arange(double start, double end, double step, DType dtype, Device device) {
  MT_CHECK(step != 0, "step must be nonzero");
  MT_CHECK(std::isfinite(start) && std::isfinite(end), "unsupported range: ", start, " -> ", end);
  MT_CHECK((step > 0 && end >= start) || (step < 0 && end <= start),
           "upper bound and lower bound inconsistent with step sign");
  double n = std::ceil((end - start) / step);
  MT_CHECK(n >= 0 && n < 9.2e18, "invalid size, possible overflow?");
  Tensor t = empty(Dims{static_cast<int64_t>(n)}, dtype, device);
  need(kernel_table(device.type).arange, "arange", device)(t->data(), t->numel(), dtype, start,
                                                           step);
  return t;
}

Tensor linspace(double start, double end, int64_t steps, DType dtype, Device device) {
  MT_CHECK(steps >= 0, "number of steps must be non-negative");
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
template <typename Kernel, typename... Args>
Tensor random_fill(const Dims& sizes, DType dtype, Device device, Kernel kernel, const char* name,
                   Args... args) {
  Tensor t = empty(sizes, dtype, device);
  GeneratorState& g = default_generator();
  uint64_t offset = g.reserve(static_cast<uint64_t>(t->numel()));
  need(kernel, name, device)(t->data(), t->numel(), dtype, args..., g.seed, offset);
  return t;
}
}  // namespace

Tensor rand(const Dims& sizes, DType dtype, Device device) {
  MT_CHECK_KIND(NotImplementedError, is_floating(dtype),
                "\"check_uniform_bounds\" not implemented for '", info(dtype).torch_name, "'");
  return random_fill(sizes, dtype, device, kernel_table(device.type).uniform, "rand", 0.0, 1.0);
}

Tensor randn(const Dims& sizes, DType dtype, Device device) {
  MT_CHECK_KIND(NotImplementedError, is_floating(dtype), "\"normal_kernel\" not implemented for '",
                info(dtype).torch_name, "'");
  return random_fill(sizes, dtype, device, kernel_table(device.type).normal, "randn", 0.0, 1.0);
}

Tensor randint(int64_t low, int64_t high, const Dims& sizes, DType dtype, Device device) {
  MT_CHECK(low < high, "random_ expects 'from' to be less than 'to', but got from=", low,
           " >= to=", high);
  return random_fill(sizes, dtype, device, kernel_table(device.type).randint, "randint", low, high);
}

Tensor randperm(int64_t n, DType dtype, Device device) {
  MT_CHECK(n >= 0, "n must be non-negative, got", n);
  return random_fill(Dims{n}, dtype, device, kernel_table(device.type).randperm, "randperm");
}

}  // namespace mt::ops
