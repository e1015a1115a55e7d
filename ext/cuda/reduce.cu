// reduce.cu: CUDA reductions of the sum family (sum, nansum, mean, prod,
// all, any, count_nonzero) and amax/amin (KernelTable::reduce; other kinds are NotImplementedError
// for now), argmax/argmin and max/min along a dim with indices, and softmax / log_softmax
// (KernelTable::softmax). The CUDA twin of ext/cpu/reduce.cpp, with the same accumulation types:
// int64 for integers and bool, float for float16/bfloat16, the type itself for float32/float64.
// out[0] has the input's dtype, or int64 for the sum/prod of an integral input (Note [Reduction
// plan]).
//
// Each block reduces one chunk of one output's inner positions: threads
// stride over the chunk, then fold their values in shared memory in a fixed
// tree. Outputs with many inner positions are split into several chunks
// whose partial results a second kernel folds in chunk order. The split
// depends only on the plan's sizes, never on the GPU, so a reduction gives
// the same bits on every run and every device (Note [Deterministic
// reductions]).
#include <cstdint>
#include <limits>

#include "../core/functors/common.h"
#include "../core/reduce_plan.h"
#include "elementwise.cuh"

namespace mt::cuda {

namespace {

constexpr int kReduceBlock = 256;
constexpr int64_t kChunk = kReduceBlock * 16;  // inner positions per block when split
constexpr int64_t kMaxChunks = 1024;

struct ReduceLayout {
  int n_outer = 0, n_inner = 0;
  int64_t outer[kMaxDims], outer_in[kMaxDims], outer_out[kMaxDims];
  int64_t outer_out2[kMaxDims];  // the second output's strides (indices of max(dim))
  int64_t inner[kMaxDims], inner_in[kMaxDims];
};

template <class T>
using sum_acc_t = std::conditional_t<std::is_floating_point_v<opmath_t<T>>, opmath_t<T>, int64_t>;

enum class Fold { Sum, NanSum, Prod, Max, Min, All, Any, Count };

// The value an input element contributes: itself, or (All, Any, Count) whether
// it is nonzero (NaN is).
template <class A, Fold K, class T>
__device__ inline A element(const char* p) {
  if constexpr (K == Fold::All || K == Fold::Any || K == Fold::Count)
    return A(load<T>(p) != opmath_t<T>(0) ? 1 : 0);
  else
    return static_cast<A>(load<T>(p));
}

template <class A, Fold K>
struct Folder {
  __device__ static A identity() {
    if constexpr (K == Fold::Prod || K == Fold::All)
      return A(1);
    else if constexpr (K == Fold::Max)
      return std::numeric_limits<A>::has_infinity ? -std::numeric_limits<A>::infinity()
                                                  : std::numeric_limits<A>::lowest();
    else if constexpr (K == Fold::Min)
      return std::numeric_limits<A>::has_infinity ? std::numeric_limits<A>::infinity()
                                                  : std::numeric_limits<A>::max();
    else
      return A(0);
  }
  __device__ static A fold(A a, A v) {
    if constexpr (K == Fold::All) {
      return static_cast<A>(a & v);
    } else if constexpr (K == Fold::Any) {
      return static_cast<A>(a | v);
    } else if constexpr (K == Fold::Sum || K == Fold::NanSum || K == Fold::Count) {
      if constexpr (K == Fold::NanSum && std::is_floating_point_v<A>) v = v == v ? v : A(0);
      return functors::wrapping_add(a, v);  // int64 wraps, as PyTorch
    } else if constexpr (K == Fold::Prod) {
      return functors::wrapping_mul(a, v);
    } else if constexpr (K == Fold::Max) {
      return (v != v || v > a) ? v : a;  // NaN propagates
    } else {
      return (v != v || v < a) ? v : a;
    }
  }
};

// Block b = (outer o, chunk c): folds inner positions [c * chunk, ...) of
// output o. nchunks == 1: stores the result; else writes partial[o * nchunks + c].
template <class T, class A, class O, Fold K>
__global__ void reduce_kernel(const char* in, char* out, ReduceLayout L, int64_t inner_numel,
                              int64_t chunk, int64_t nchunks, A* partial, bool mean) {
  __shared__ A shared[kReduceBlock];
  const int64_t o = blockIdx.x;
  const int64_t c = blockIdx.y;
  int64_t in_off = 0, out_off = 0, rem = o;
  for (int d = 0; d < L.n_outer; ++d) {
    const int64_t idx = rem % L.outer[d];
    rem /= L.outer[d];
    in_off += idx * L.outer_in[d];
    out_off += idx * L.outer_out[d];
  }
  const int64_t begin = c * chunk;
  const int64_t end = begin + chunk < inner_numel ? begin + chunk : inner_numel;
  A acc = Folder<A, K>::identity();
  if (L.n_inner <= 1) {  // one reduced dim (or none): no index arithmetic
    const int64_t step = L.n_inner == 1 ? L.inner_in[0] : 0;
    for (int64_t i = begin + threadIdx.x; i < end; i += kReduceBlock)
      acc = Folder<A, K>::fold(acc, element<A, K, T>(in + in_off + i * step));
  } else {
    for (int64_t i = begin + threadIdx.x; i < end; i += kReduceBlock) {
      int64_t off = in_off, r = i;
      for (int d = 0; d < L.n_inner; ++d) {
        off += (r % L.inner[d]) * L.inner_in[d];
        r /= L.inner[d];
      }
      acc = Folder<A, K>::fold(acc, element<A, K, T>(in + off));
    }
  }
  shared[threadIdx.x] = acc;
  __syncthreads();
  for (int s = kReduceBlock / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s)
      shared[threadIdx.x] = Folder<A, K>::fold(shared[threadIdx.x], shared[threadIdx.x + s]);
    __syncthreads();
  }
  if (threadIdx.x != 0) return;
  acc = shared[0];
  if (nchunks > 1) {
    partial[o * nchunks + c] = acc;
    return;
  }
  if constexpr (std::is_floating_point_v<A>)
    if (mean) acc = acc / static_cast<A>(inner_numel);
  store<O>(out + out_off, acc);
}

// One thread per output: folds its partial results in chunk order.
template <class A, class O, Fold K>
__global__ void finish_kernel(char* out, ReduceLayout L, int64_t outer_numel, int64_t nchunks,
                              const A* partial, int64_t inner_numel, bool mean) {
  const int64_t o = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (o >= outer_numel) return;
  int64_t out_off = 0, rem = o;
  for (int d = 0; d < L.n_outer; ++d) {
    out_off += (rem % L.outer[d]) * L.outer_out[d];
    rem /= L.outer[d];
  }
  A acc = Folder<A, K>::identity();
  for (int64_t c = 0; c < nchunks; ++c) acc = Folder<A, K>::fold(acc, partial[o * nchunks + c]);
  if constexpr (std::is_floating_point_v<A>)
    if (mean) acc = acc / static_cast<A>(inner_numel);
  store<O>(out + out_off, acc);
}

ReduceLayout make_reduce_layout(const ReducePlan& p) {
  MT_CHECK(p.outer.size() <= kMaxDims && p.inner.size() <= kMaxDims,
           "CUDA reductions take at most ", kMaxDims, " coalesced dims");
  ReduceLayout L;
  L.n_outer = static_cast<int>(p.outer.size());
  L.n_inner = static_cast<int>(p.inner.size());
  for (int d = 0; d < L.n_outer; ++d) {
    L.outer[d] = p.outer[d];
    L.outer_in[d] = p.outer_in[d];
    L.outer_out[d] = p.outer_out[0][d];
  }
  for (int d = 0; d < L.n_inner; ++d) {
    L.inner[d] = p.inner[d];
    L.inner_in[d] = p.inner_in[d];
  }
  return L;
}

template <class T, class A, class O, Fold K>
void run(const ReducePlan& p, bool mean) {
  if (p.outer_numel == 0) return;
  MT_CHECK(p.outer_numel < (int64_t{1} << 31), "too many outputs for one CUDA reduction");
  const ReduceLayout L = make_reduce_layout(p);
  const int device = current_device();
  cudaStream_t stream = current_stream(device);
  // Split only when there are few outputs to spread over the GPU.
  int64_t nchunks = 1;
  if (p.outer_numel < 1024 && p.inner_numel > 2 * kChunk)
    nchunks = std::min<int64_t>(kMaxChunks, (p.inner_numel + kChunk - 1) / kChunk);
  const int64_t chunk = (p.inner_numel + nchunks - 1) / nchunks;
  A* partial = nullptr;
  const int64_t partial_bytes = p.outer_numel * nchunks * static_cast<int64_t>(sizeof(A));
  if (nchunks > 1) partial = static_cast<A*>(device_alloc(partial_bytes, device, stream));
  dim3 grid(static_cast<unsigned>(p.outer_numel), static_cast<unsigned>(nchunks));
  reduce_kernel<T, A, O, K><<<grid, kReduceBlock, 0, stream>>>(p.in, p.out[0], L, p.inner_numel,
                                                               chunk, nchunks, partial, mean);
  cudaError_t err = cudaGetLastError();
  if (err == cudaSuccess && nchunks > 1) {
    const unsigned blocks = static_cast<unsigned>((p.outer_numel + 127) / 128);
    finish_kernel<A, O, K><<<blocks, 128, 0, stream>>>(p.out[0], L, p.outer_numel, nchunks, partial,
                                                       p.inner_numel, mean);
    err = cudaGetLastError();
  }
  // The partials go back to the cache; later work on this stream is ordered after.
  if (partial) device_free(nullptr, partial);
  MT_CUDA_CHECK(err);
}

template <class T, Fold K>
void run_int64_or_same(const ReducePlan& p, const char* name, bool mean = false) {
  using A = std::conditional_t<K == Fold::Max || K == Fold::Min, opmath_t<T>, sum_acc_t<T>>;
  if (p.out_dtype[0] == p.in_dtype) return run<T, A, T, K>(p, mean);
  if constexpr (!std::is_same_v<T, int64_t>)
    if (p.out_dtype[0] == DType::Int64 && K != Fold::Max && K != Fold::Min)
      return run<T, A, int64_t, K>(p, mean);
  MT_THROW(RuntimeError, name, ": output dtype must match the input dtype");
}

// softmax / log_softmax: one block per line (outer position) along the one
// inner dim: the line's max, then the sum of exp(x - max) in opmath, then
// the outputs. A NaN anywhere in the line makes the line NaN, as on the CPU.
template <class T>
__global__ void softmax_kernel(const char* in, char* out, ReduceLayout L, int64_t n, int64_t si,
                               int64_t so, bool take_log) {
  using A = opmath_t<T>;
  __shared__ A shared[kReduceBlock];
  int64_t in_off = 0, out_off = 0, rem = blockIdx.x;
  for (int d = 0; d < L.n_outer; ++d) {
    const int64_t idx = rem % L.outer[d];
    rem /= L.outer[d];
    in_off += idx * L.outer_in[d];
    out_off += idx * L.outer_out[d];
  }
  const char* x = in + in_off;
  char* y = out + out_off;
  A m = -std::numeric_limits<A>::infinity();
  for (int64_t i = threadIdx.x; i < n; i += kReduceBlock) {
    const A v = load<T>(x + i * si);
    if (v > m || v != v) m = v;
  }
  shared[threadIdx.x] = m;
  __syncthreads();
  for (int s = kReduceBlock / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) {
      const A o = shared[threadIdx.x + s];
      if (o > shared[threadIdx.x] || o != o) shared[threadIdx.x] = o;
    }
    __syncthreads();
  }
  m = shared[0];
  __syncthreads();
  A sum = 0;
  for (int64_t i = threadIdx.x; i < n; i += kReduceBlock) sum += exp(load<T>(x + i * si) - m);
  shared[threadIdx.x] = sum;
  __syncthreads();
  for (int s = kReduceBlock / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) shared[threadIdx.x] += shared[threadIdx.x + s];
    __syncthreads();
  }
  sum = shared[0];
  const A lse = log(sum), inv = A(1) / sum;
  for (int64_t i = threadIdx.x; i < n; i += kReduceBlock) {
    const A v = load<T>(x + i * si) - m;
    store<T>(y + i * so, take_log ? v - lse : exp(v) * inv);
  }
}

// argmax / argmin / max(dim) / min(dim): one block per output folds (value,
// position) pairs; the first extreme wins, and a NaN beats every number (the
// first NaN), as on the CPU. Folding by position makes the result the same
// whatever the thread count.
template <class A, bool kMax>
__device__ inline bool better(A v, int64_t i, A bv, int64_t bi) {
  if (bv != bv) return v != v && i < bi;  // best is NaN: only an earlier NaN beats it
  if (v != v) return true;
  if (kMax ? v > bv : v < bv) return true;
  return v == bv && i < bi;
}

template <class T, bool kMax>
__global__ void arg_kernel(const char* in, char* vals, char* idxs, ReduceLayout L, int64_t n) {
  using A = opmath_t<T>;
  __shared__ A sv[kReduceBlock];
  __shared__ int64_t si[kReduceBlock];
  int64_t in_off = 0, v_off = 0, i_off = 0, rem = blockIdx.x;
  for (int d = 0; d < L.n_outer; ++d) {
    const int64_t idx = rem % L.outer[d];
    rem /= L.outer[d];
    in_off += idx * L.outer_in[d];
    v_off += idx * L.outer_out[d];
    i_off += idx * L.outer_out2[d];
  }
  A bv;
  if constexpr (std::numeric_limits<A>::has_infinity)
    bv = kMax ? -std::numeric_limits<A>::infinity() : std::numeric_limits<A>::infinity();
  else
    bv = kMax ? std::numeric_limits<A>::lowest() : std::numeric_limits<A>::max();
  int64_t bi = INT64_MAX;
  for (int64_t i = threadIdx.x; i < n; i += kReduceBlock) {
    int64_t off = in_off, r = i;
    for (int d = 0; d < L.n_inner; ++d) {
      off += (r % L.inner[d]) * L.inner_in[d];
      r /= L.inner[d];
    }
    const A v = load<T>(in + off);
    if (bi == INT64_MAX || better<A, kMax>(v, i, bv, bi)) {
      bv = v;
      bi = i;
    }
  }
  sv[threadIdx.x] = bv;
  si[threadIdx.x] = bi;
  __syncthreads();
  for (int s = kReduceBlock / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s && si[threadIdx.x + s] != INT64_MAX &&
        (si[threadIdx.x] == INT64_MAX || better<A, kMax>(sv[threadIdx.x + s], si[threadIdx.x + s],
                                                         sv[threadIdx.x], si[threadIdx.x]))) {
      sv[threadIdx.x] = sv[threadIdx.x + s];
      si[threadIdx.x] = si[threadIdx.x + s];
    }
    __syncthreads();
  }
  if (threadIdx.x != 0) return;
  if (vals) store<T>(vals + v_off, sv[0]);
  *reinterpret_cast<int64_t*>(idxs + i_off) = si[0];
}

template <class T, bool kMax>
void run_arg(const ReducePlan& p, bool with_values) {
  if (p.outer_numel == 0) return;
  MT_CHECK(p.outer_numel < (int64_t{1} << 31), "too many outputs for one CUDA reduction");
  MT_CHECK(p.inner_numel > 0, "cannot reduce over an empty dimension");
  ReduceLayout L = make_reduce_layout(p);
  const int iout = with_values ? 1 : 0;
  MT_CHECK(p.out_dtype[iout] == DType::Int64, "argmax/argmin: int64 indices expected");
  for (int d = 0; d < L.n_outer; ++d) L.outer_out2[d] = p.outer_out[iout][d];
  const int device = current_device();
  arg_kernel<T, kMax>
      <<<static_cast<unsigned>(p.outer_numel), kReduceBlock, 0, current_stream(device)>>>(
          p.in, with_values ? p.out[0] : nullptr, p.out[iout], L, p.inner_numel);
  MT_CUDA_LAUNCH_CHECK();
}

}  // namespace

void softmax(const ReducePlan& p, const ReduceArgs& a) {
  MT_CHECK(is_floating(p.in_dtype) && p.out_dtype[0] == p.in_dtype,
           "softmax: floating input and output of the same dtype expected");
  MT_CHECK(p.inner.size() == 1, "softmax: one inner dim expected");
  if (p.outer_numel == 0 || p.inner[0] == 0) return;
  MT_CHECK(p.outer_numel < (int64_t{1} << 31), "too many lines for one CUDA softmax");
  const ReduceLayout L = make_reduce_layout(p);
  const int device = current_device();
  dispatch(p.in_dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<opmath_t<T>>) {
      softmax_kernel<T>
          <<<static_cast<unsigned>(p.outer_numel), kReduceBlock, 0, current_stream(device)>>>(
              p.in, p.out[0], L, p.inner[0], p.inner_in[0], p.inner_out[0][0],
              a.kind == ReduceKind::LogSoftmax);
      MT_CUDA_LAUNCH_CHECK();
    }
  });
}

void reduce(const ReducePlan& p, const ReduceArgs& a) {
  dispatch(p.in_dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    switch (a.kind) {
      case ReduceKind::Sum:
        return run_int64_or_same<T, Fold::Sum>(p, "sum");
      case ReduceKind::NanSum:
        return run_int64_or_same<T, Fold::NanSum>(p, "nansum");
      case ReduceKind::Prod:
        return run_int64_or_same<T, Fold::Prod>(p, "prod");
      case ReduceKind::Mean:
        if constexpr (std::is_floating_point_v<opmath_t<T>>)
          return run_int64_or_same<T, Fold::Sum>(p, "mean", true);
        else
          MT_THROW(RuntimeError, "mean: floating input expected");
      case ReduceKind::Max:
        return run_int64_or_same<T, Fold::Max>(p, "amax");
      case ReduceKind::Min:
        return run_int64_or_same<T, Fold::Min>(p, "amin");
      case ReduceKind::All:
      case ReduceKind::Any: {
        const bool all = a.kind == ReduceKind::All;
        if (p.out_dtype[0] == DType::UInt8)
          return all ? run<T, uint8_t, uint8_t, Fold::All>(p, false)
                     : run<T, uint8_t, uint8_t, Fold::Any>(p, false);
        MT_CHECK(p.out_dtype[0] == DType::Bool, "all/any: output must be bool");
        return all ? run<T, uint8_t, bool, Fold::All>(p, false)
                   : run<T, uint8_t, bool, Fold::Any>(p, false);
      }
      case ReduceKind::CountNonzero:
        MT_CHECK(p.out_dtype[0] == DType::Int64, "count_nonzero: int64 output expected");
        return run<T, int64_t, int64_t, Fold::Count>(p, false);
      case ReduceKind::ArgMax:
        return run_arg<T, true>(p, false);
      case ReduceKind::ArgMin:
        return run_arg<T, false>(p, false);
      case ReduceKind::MaxWithIndex:
        MT_CHECK(p.out_dtype[0] == p.in_dtype, "max: values must have the input's dtype");
        return run_arg<T, true>(p, true);
      case ReduceKind::MinWithIndex:
        MT_CHECK(p.out_dtype[0] == p.in_dtype, "min: values must have the input's dtype");
        return run_arg<T, false>(p, true);
      default:
        MT_THROW(NotImplementedError, "this reduction is not implemented for CUDA tensors yet");
    }
  });
}

}  // namespace mt::cuda
