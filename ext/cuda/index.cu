// index.cu: CUDA kernels of the index family (Note [Index offsets] in
// ext/ops/index.cpp; operand layouts in ext/core/kernels.h): index_offsets,
// index_gather, index_scatter, masked_fill and nonzero_count (which ext/ops
// also uses to refuse integer division by zero before a kernel runs). nonzero
// and the sort family are NotImplementedError on CUDA for now.
//
// index_scatter runs in parallel: with duplicate offsets, Assign keeps one of
// the written values (which one is not fixed, as in PyTorch's CUDA
// index_put_), and Add sums them with atomics (exact for integers; for floats
// the order, hence the last bits, may vary). Add is there for float32,
// float64, int32 and int64; the other dtypes and Multiply/Maximum/Minimum are
// NotImplementedError on CUDA for now.
//
// index_offsets: iterator [acc int64 (output), index (integer)]; an index
// out of range is not an error inside the kernel: the first thread to see
// one records it in a device word, the host reads it back (one sync) and
// returns false, and ext/ops raises IndexError. Which bad index is reported
// when there are several is not fixed (the CPU reports the first).
//
// nonzero_count: iterator [input] (its one "output" operand), any dtype and
// layout; returns how many elements are nonzero (NaN counts), waiting for
// the GPU. Integer counting, so the result is exact whatever the order.
#include "../core/functors/common.h"
#include "elementwise.cuh"

namespace mt::cuda {

namespace {

template <typename T>
struct CountNonzeroElem {
  unsigned long long* count;
  __device__ void operator()(char* const* p) const {
    if (load<T>(p[0]) != opmath_t<T>(0)) atomicAdd(count, 1ull);
  }
};

template <typename I>
struct OffsetsElem {
  int64_t size, stride;
  bool wrap;
  int* failed;
  long long* bad;
  __device__ void operator()(char* const* p) const {
    const int64_t v = static_cast<int64_t>(*reinterpret_cast<const I*>(p[1]));
    const int64_t w = (wrap && v < 0) ? v + size : v;
    if (w < 0 || w >= size) {
      if (atomicCAS(failed, 0, 1) == 0) *bad = v;
      return;
    }
    *reinterpret_cast<int64_t*>(p[0]) += w * stride;
  }
};

// Moves bytes: dispatched on the item size, not the dtype.
template <typename U>
struct GatherElem {
  __device__ void operator()(char* const* p) const {
    const int64_t off = *reinterpret_cast<const int64_t*>(p[2]);
    *reinterpret_cast<U*>(p[0]) = *reinterpret_cast<const U*>(p[1] + off * int64_t(sizeof(U)));
  }
};

template <typename U>
struct ScatterAssignElem {
  __device__ void operator()(char* const* p) const {
    const int64_t off = *reinterpret_cast<const int64_t*>(p[2]);
    *reinterpret_cast<U*>(p[0] + off * int64_t(sizeof(U))) = *reinterpret_cast<const U*>(p[1]);
  }
};

// dst[off] += alpha * src; A is the type atomicAdd takes for T.
template <typename T, typename A>
struct ScatterAddElem {
  T alpha;
  __device__ void operator()(char* const* p) const {
    const int64_t off = *reinterpret_cast<const int64_t*>(p[2]);
    const T x = *reinterpret_cast<const T*>(p[1]);
    atomicAdd(reinterpret_cast<A*>(p[0] + off * int64_t(sizeof(T))),
              static_cast<A>(functors::wrapping_mul(alpha, x)));
  }
};

template <typename T>
struct MaskedFillElem {
  T value;
  __device__ void operator()(char* const* p) const {
    if (*reinterpret_cast<const bool*>(p[1])) *reinterpret_cast<T*>(p[0]) = value;
  }
};

template <typename F>
void dispatch_bits(int64_t itemsize, F&& f) {
  switch (itemsize) {
    case 1:
      return f(TypeTag<uint8_t>{});
    case 2:
      return f(TypeTag<uint16_t>{});
    case 4:
      return f(TypeTag<uint32_t>{});
    case 8:
      return f(TypeTag<unsigned long long>{});
  }
  MT_THROW(RuntimeError, "unsupported item size ", itemsize);
}

}  // namespace

bool index_offsets(const TensorIter& it, int64_t size, int64_t stride, bool wrap,
                   int64_t* bad_index) {
  const DType idt = it.dtype(1);
  MT_CHECK(idt != DType::Bool && !is_floating(idt), "index_offsets: integer index expected");
  if (it.numel() == 0) return true;
  const int device = it.device().index < 0 ? current_device() : it.device().index;
  DeviceGuard guard(device);
  cudaStream_t stream = current_stream(device);
  struct Flag {
    int failed;
    long long bad;
  };
  auto* flag = static_cast<Flag*>(device_alloc(sizeof(Flag), device, stream));
  Flag host{0, 0};
  cudaError_t err = cudaMemsetAsync(flag, 0, sizeof(Flag), stream);
  if (err == cudaSuccess) {
    try {
      dispatch(idt, [&](auto tag) {
        using I = typename decltype(tag)::type;
        if constexpr (std::is_integral_v<I> && !std::is_same_v<I, bool>)
          launch_elementwise<2>(it, OffsetsElem<I>{size, stride, wrap, &flag->failed, &flag->bad});
      });
    } catch (...) {
      device_free(nullptr, flag);
      throw;
    }
    err = cudaMemcpyAsync(&host, flag, sizeof(Flag), cudaMemcpyDeviceToHost, stream);
    if (err == cudaSuccess) err = cudaStreamSynchronize(stream);
  }
  device_free(nullptr, flag);
  MT_CUDA_CHECK(err);
  if (host.failed) *bad_index = host.bad;
  return host.failed == 0;
}

void index_gather(const TensorIter& it) {
  dispatch_bits(itemsize_of(it.dtype(0)), [&](auto tag) {
    using U = typename decltype(tag)::type;
    launch_elementwise<3>(it, GatherElem<U>{});
  });
}

void index_scatter(const TensorIter& it, KernelTable::ScatterOp op, Scalar alpha) {
  using Op = KernelTable::ScatterOp;
  const DType dt = it.dtype(0);
  if (op == Op::Assign) {
    dispatch_bits(itemsize_of(dt), [&](auto tag) {
      using U = typename decltype(tag)::type;
      launch_elementwise<3>(it, ScatterAssignElem<U>{});
    });
    return;
  }
  MT_CHECK_KIND(NotImplementedError,
                op == Op::Add && (dt == DType::Float32 || dt == DType::Float64 ||
                                  dt == DType::Int32 || dt == DType::Int64),
                "this scatter reduction is not implemented for CUDA tensors of dtype ",
                info(dt).name, " yet");
  if (dt == DType::Float32)
    launch_elementwise<3>(it, ScatterAddElem<float, float>{alpha.to<float>()});
  else if (dt == DType::Float64)
    launch_elementwise<3>(it, ScatterAddElem<double, double>{alpha.to<double>()});
  else if (dt == DType::Int32)
    launch_elementwise<3>(it, ScatterAddElem<int32_t, int>{alpha.to<int32_t>()});
  else  // two's-complement addition: the unsigned atomic adds int64 exactly
    launch_elementwise<3>(it, ScatterAddElem<int64_t, unsigned long long>{alpha.to<int64_t>()});
}

void masked_fill(const TensorIter& it, Scalar value) {
  MT_CHECK(it.dtype(1) == DType::Bool, "masked_fill: mask must be bool");
  dispatch(it.dtype(0), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch_elementwise<2>(it, MaskedFillElem<T>{value.to<T>()});
  });
}

int64_t nonzero_count(const TensorIter& it) {
  if (it.numel() == 0) return 0;
  const int device = it.device().index < 0 ? current_device() : it.device().index;
  DeviceGuard guard(device);
  cudaStream_t stream = current_stream(device);
  auto* count =
      static_cast<unsigned long long*>(device_alloc(sizeof(unsigned long long), device, stream));
  unsigned long long host = 0;
  cudaError_t err = cudaMemsetAsync(count, 0, sizeof(unsigned long long), stream);
  if (err == cudaSuccess) {
    try {
      dispatch(it.dtype(0), [&](auto tag) {
        using T = typename decltype(tag)::type;
        launch_elementwise<1>(it, CountNonzeroElem<T>{count});
      });
    } catch (...) {
      device_free(nullptr, count);
      throw;
    }
    err = cudaMemcpyAsync(&host, count, sizeof(host), cudaMemcpyDeviceToHost, stream);
    if (err == cudaSuccess) err = cudaStreamSynchronize(stream);
  }
  device_free(nullptr, count);
  MT_CUDA_CHECK(err);
  return static_cast<int64_t>(host);
}

}  // namespace mt::cuda
