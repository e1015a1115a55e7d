// copy.cu: CUDA copy (with dtype conversion), fill, device-to-device bytes,
// arange and linspace. The CUDA twin of ext/cpu/copy.cpp and the fill half
// of ext/cpu/factory.cpp.
//
// copy: iterator [dst, src] of any dtypes and strides on one device;
// conversions go through the source's opmath type and static_cast, exactly
// as the CPU kernel does (16-bit floats through float). A same-dtype
// contiguous copy is one cudaMemcpyAsync.
#include "elementwise.cuh"

namespace mt::cuda {

namespace {

template <typename D, typename S>
struct CopyOp {
  __device__ void operator()(char* const* p) const { store<D>(p[0], load<S>(p[1])); }
};

template <typename T>
struct FillOp {
  T value;  // the stored bits (Half and BFloat16 are plain structs)
  __device__ void operator()(char* const* p) const { *reinterpret_cast<T*>(p[0]) = value; }
};

// out[i] = T(start + i * step) over a contiguous buffer.
template <typename T>
__global__ void arange_kernel(char* out, int64_t n, double start, double step) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) store<T>(out + i * sizeof(T), start + static_cast<double>(i) * step);
}

// Symmetric evaluation, as the CPU kernel (and PyTorch): both ends are exact.
template <typename T>
__global__ void linspace_kernel(char* out, int64_t n, double start, double end) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n) return;
  double v = start;
  if (n > 1) {
    const double step = (end - start) / static_cast<double>(n - 1);
    v = i < n / 2 ? start + step * static_cast<double>(i)
                  : end - step * static_cast<double>(n - 1 - i);
  }
  if constexpr (std::is_integral_v<T>)
    store<T>(out + i * sizeof(T), static_cast<int64_t>(v));
  else
    store<T>(out + i * sizeof(T), v);
}

unsigned blocks_for(int64_t n) {
  MT_CHECK(n / 256 < (int64_t{1} << 31), "tensor too large for one CUDA launch");
  return static_cast<unsigned>((n + 255) / 256);
}

}  // namespace

void copy_bytes(void* dst, const void* src, int64_t nbytes) {
  if (nbytes == 0) return;
  MT_CUDA_CHECK(cudaMemcpyAsync(dst, src, static_cast<size_t>(nbytes), cudaMemcpyDeviceToDevice,
                                current_stream(-1)));
}

void copy(const TensorIter& it) {
  const DType dt = it.dtype(0), st = it.dtype(1);
  bool contiguous = it.ndim() <= 1;
  for (int k = 0; k < 2 && contiguous && it.ndim() == 1; ++k)
    contiguous = it.byte_stride(k, 0) == itemsize_of(it.dtype(k));
  if (dt == st && contiguous) {
    DeviceGuard guard(it.device().index);
    MT_CUDA_CHECK(cudaMemcpyAsync(it.data(0), it.data(1),
                                  static_cast<size_t>(it.numel() * itemsize_of(dt)),
                                  cudaMemcpyDeviceToDevice, current_stream(it.device().index)));
    return;
  }
  dispatch(dt, [&](auto dtag) {
    using D = typename decltype(dtag)::type;
    dispatch(st, [&](auto stag) {
      using S = typename decltype(stag)::type;
      launch_elementwise<2>(it, CopyOp<D, S>{});
    });
  });
}

void fill(const TensorIter& it, Scalar value) {
  dispatch(it.dtype(0), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch_elementwise<1>(it, FillOp<T>{value.to<T>()});
  });
}

void arange(char* out, int64_t n, DType dt, double start, double step) {
  if (n == 0) return;
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    arange_kernel<T><<<blocks_for(n), 256, 0, current_stream(-1)>>>(out, n, start, step);
    MT_CUDA_LAUNCH_CHECK();
  });
}

void linspace(char* out, int64_t n, DType dt, double start, double end) {
  if (n == 0) return;
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    linspace_kernel<T><<<blocks_for(n), 256, 0, current_stream(-1)>>>(out, n, start, end);
    MT_CUDA_LAUNCH_CHECK();
  });
}

}  // namespace mt::cuda
