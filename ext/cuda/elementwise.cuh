// elementwise.cuh: the CUDA launcher for elementwise kernels, and the device
// loads/stores of every dtype.
//
// A kernel is an "element op": a small trivially copyable struct whose
//     __device__ void operator()(char* const* p) const
// reads its inputs at p[nout..] and writes its outputs at p[0..nout) for one
// element (usually it wraps a shared functor from ext/core/functors, STYLE
// rule 6). launch_elementwise takes the coalesced TensorIter that ext/ops
// built (so broadcasting, negative and zero strides are already resolved
// into byte strides) and runs the op over every element:
// - one-dimensional problems (contiguous tensors, simple broadcasts, a
//   strided 1-d view) compute each pointer as base + i * stride;
// - the rest turn the linear index into per-operand byte offsets with one
//   division per coalesced dim.
// Each block covers kBlock * kUnroll elements, thread t taking t, t + kBlock,
// ... so every memory access of a warp is coalesced. Launches go to the
// current stream of the iterator's device and are checked (STYLE rule 9).
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <type_traits>

#include "../core/dtype.h"
#include "../core/iterator.h"
#include "cuda.h"

namespace mt::cuda {

// ---- device loads and stores: every storage type, computed in opmath ----
template <typename T>
__device__ inline opmath_t<T> load(const char* p) {
  if constexpr (std::is_same_v<T, Half>)
    return __half2float(__ushort_as_half(*reinterpret_cast<const unsigned short*>(p)));
  else if constexpr (std::is_same_v<T, BFloat16>)
    return __bfloat162float(__ushort_as_bfloat16(*reinterpret_cast<const unsigned short*>(p)));
  else
    return *reinterpret_cast<const T*>(p);
}
template <typename T, typename M>
__device__ inline void store(char* p, M v) {
  if constexpr (std::is_same_v<T, Half>)
    *reinterpret_cast<unsigned short*>(p) =
        __half_as_ushort(__float2half_rn(static_cast<float>(v)));
  else if constexpr (std::is_same_v<T, BFloat16>)
    *reinterpret_cast<unsigned short*>(p) =
        __bfloat16_as_ushort(__float2bfloat16_rn(static_cast<float>(v)));
  else
    *reinterpret_cast<T*>(p) = static_cast<T>(v);
}

// ---- launch geometry ----
inline constexpr int kBlock = 128;
inline constexpr int kUnroll = 4;
inline constexpr int kMaxDims = 16;  // coalesced dims an iterator may have here

template <int N>
struct Layout {
  char* base[N];
  int64_t strides[N][kMaxDims];  // byte strides, innermost dim first
  int64_t sizes[kMaxDims];
  int ndim;
};

template <int N, typename Op>
__global__ void elementwise_kernel(int64_t n, Layout<N> L, Op op) {
  const int64_t start = static_cast<int64_t>(blockIdx.x) * (kBlock * kUnroll) + threadIdx.x;
  char* p[N];
  if (L.ndim <= 1) {  // unrolled: independent loads in flight
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int64_t i = start + static_cast<int64_t>(u) * kBlock;
      if (i < n) {
#pragma unroll
        for (int k = 0; k < N; ++k) p[k] = L.base[k] + i * L.strides[k][0];
        op(p);
      }
    }
    return;
  }
  // Strided: not unrolled, which keeps the code (and nvcc's time) small.
#pragma unroll 1
  for (int u = 0; u < kUnroll; ++u) {
    const int64_t i = start + static_cast<int64_t>(u) * kBlock;
    if (i >= n) return;
#pragma unroll
    for (int k = 0; k < N; ++k) p[k] = L.base[k];
    int64_t rem = i;
    for (int d = 0; d < L.ndim; ++d) {
      const int64_t idx = rem % L.sizes[d];
      rem /= L.sizes[d];
#pragma unroll
      for (int k = 0; k < N; ++k) p[k] += idx * L.strides[k][d];
    }
    op(p);
  }
}

// Fills a Layout from operands [first, first + N) of `it`; `slot` maps
// operand k of the layout to iterator operand slot[k], or -1 for a dummy
// operand (a Scalar standing for an input) with no data and stride 0.
template <int N>
Layout<N> make_layout(const TensorIter& it, const int (&slot)[N]) {
  MT_CHECK(it.ndim() <= kMaxDims, "CUDA kernels take tensors of at most ", kMaxDims,
           " non-coalescable dims, got ", it.ndim());
  Layout<N> L{};
  L.ndim = static_cast<int>(it.ndim());
  for (int d = 0; d < L.ndim; ++d) L.sizes[d] = it.shape()[d];
  for (int k = 0; k < N; ++k) {
    L.base[k] = slot[k] >= 0 ? it.data(slot[k]) : nullptr;
    for (int d = 0; d < L.ndim; ++d)
      L.strides[k][d] = slot[k] >= 0 ? it.byte_stride(slot[k], d) : 0;
    if (L.ndim == 0) L.strides[k][0] = 0;
  }
  return L;
}

template <int N, typename Op>
void launch_layout(const TensorIter& it, const Layout<N>& L, const Op& op) {
  const int64_t n = it.numel();
  if (n == 0) return;
  DeviceGuard guard(it.device().index);
  const int64_t per_block = kBlock * kUnroll;
  const int64_t blocks = (n + per_block - 1) / per_block;
  MT_CHECK(blocks < (int64_t{1} << 31), "tensor too large for one CUDA launch");
  elementwise_kernel<N, Op>
      <<<static_cast<unsigned>(blocks), kBlock, 0, current_stream(it.device().index)>>>(n, L, op);
  MT_CUDA_LAUNCH_CHECK();
}

// Runs op over every element; the iterator's operands map one to one.
template <int N, typename Op>
void launch_elementwise(const TensorIter& it, const Op& op) {
  int slot[N];
  for (int k = 0; k < N; ++k) slot[k] = k;
  launch_layout<N>(it, make_layout<N>(it, slot), op);
}

// The one elementwise dtype dispatch: binds T for dtypes in `Types` (bit 1
// bool, 2 integers, 4 floating, as ext/cpu), else NotImplementedError with
// PyTorch's wording ("add_cuda" not implemented for 'Bool'). kNo16 leaves out
// Half and BFloat16 (a functor whose math needs their host-only conversions).
enum TypeSet : unsigned { kBool = 1, kInt = 2, kFloat = 4, kNoBool = 6, kAllTypes = 7, kNo16 = 8 };
template <typename T>
inline constexpr bool is_16bit_float = std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;
template <typename T>
constexpr unsigned type_bit() {
  if constexpr (std::is_same_v<T, bool>)
    return kBool;
  else if constexpr (std::is_integral_v<T>)
    return kInt;
  else
    return kFloat;
}
template <unsigned Types, typename Body>
void dispatch_elem(DType dt, const char* name, Body&& body) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr ((Types & type_bit<T>()) != 0 && !((Types & kNo16) && is_16bit_float<T>))
      body(tag);
    else
      MT_THROW(NotImplementedError, "\"", name, "_cuda\" not implemented for '",
               info(dt).torch_name, "'");
  });
}

}  // namespace mt::cuda
