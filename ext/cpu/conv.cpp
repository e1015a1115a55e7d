// conv.cpp: the CPU im2col / col2im kernels (NnKernelTable::im2col, col2im;
// layouts in core/kernels_nn.h, their use in Note [Convolution as GEMM],
// ext/ops/conv.cpp).
//
// Both split the work by image plane (one sample's channel) with
// parallel_for. A plane is read (im2col) or written (col2im) by exactly one
// task, which visits the taps in a fixed order, so results are bitwise the
// same for every thread count. Along the last spatial dim each tap's valid
// output range is computed once, so the inner loop is a plain copy (memcpy at
// stride 1) or add with no bounds test; out-of-image taps are zero-filled.
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "../core/kernels_nn.h"
#include "../core/parallel.h"

namespace mt {
namespace {

// The output positions o in [0, out) whose input position o * stride + off
// lies in [0, size): [*lo, *hi) (empty when none).
inline void valid_range(int64_t size, int64_t stride, int64_t off, int64_t out, int64_t* lo,
                        int64_t* hi) {
  int64_t a = off < 0 ? (-off + stride - 1) / stride : 0;
  int64_t last = size - 1 - off;  // o * stride <= last
  int64_t h = last < 0 ? 0 : last / stride + 1;
  *lo = std::min(a, out);
  *hi = std::max(std::min(h, out), *lo);
}

struct Plan {
  int64_t C, K, L, plane;
  int64_t grain;  // planes per parallel_for chunk
};

Plan plan_of(const ConvGeom& g) {
  Plan p;
  p.C = g.channels;
  p.K = g.kernel[0] * g.kernel[1] * g.kernel[2];
  p.L = g.out[0] * g.out[1] * g.out[2];
  p.plane = g.size[0] * g.size[1] * g.size[2];
  p.grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, p.K * p.L));
  return p;
}

// Calls f(out_row_offset, in_row_offset, lo, hi, off_x) for every run of the
// last dim of tap k (lo..hi the valid output range, off_x the input offset of
// output 0), and zero(out_offset, count) for output positions with no input.
template <typename Run, typename Zero>
void for_tap(const ConvGeom& g, int64_t k, Run&& run, Zero&& zero) {
  const int64_t kz = k / (g.kernel[1] * g.kernel[2]);
  const int64_t ky = (k / g.kernel[2]) % g.kernel[1];
  const int64_t kx = k % g.kernel[2];
  const int64_t offz = kz * g.dilation[0] - g.padding[0];
  const int64_t offy = ky * g.dilation[1] - g.padding[1];
  const int64_t offx = kx * g.dilation[2] - g.padding[2];
  int64_t zlo, zhi, ylo, yhi, xlo, xhi;
  valid_range(g.size[0], g.stride[0], offz, g.out[0], &zlo, &zhi);
  valid_range(g.size[1], g.stride[1], offy, g.out[1], &ylo, &yhi);
  valid_range(g.size[2], g.stride[2], offx, g.out[2], &xlo, &xhi);
  const int64_t o1 = g.out[1], o2 = g.out[2];
  for (int64_t oz = 0; oz < g.out[0]; ++oz) {
    if (oz < zlo || oz >= zhi) {
      zero(oz * o1 * o2, o1 * o2);
      continue;
    }
    const int64_t iz = oz * g.stride[0] + offz;
    for (int64_t oy = 0; oy < o1; ++oy) {
      const int64_t orow = (oz * o1 + oy) * o2;
      if (oy < ylo || oy >= yhi) {
        zero(orow, o2);
        continue;
      }
      const int64_t iy = oy * g.stride[1] + offy;
      if (xlo > 0) zero(orow, xlo);
      if (xhi > xlo) run(orow, (iz * g.size[1] + iy) * g.size[2], xlo, xhi, offx);
      if (xhi < o2) zero(orow + xhi, o2 - xhi);
    }
  }
}

template <typename T>
void im2col_t(const ConvGeom& g, const T* img, int64_t nb, int64_t img_bs, T* col) {
  const Plan p = plan_of(g);
  const int64_t row_len = nb * p.L, sx = g.stride[2];
  parallel_for(0, nb * p.C, p.grain, [&](int64_t b, int64_t e) {
    for (int64_t q = b; q < e; ++q) {
      const int64_t n = q / p.C, c = q % p.C;
      const T* src = img + n * img_bs + c * p.plane;
      for (int64_t k = 0; k < p.K; ++k) {
        T* dst = col + (c * p.K + k) * row_len + n * p.L;
        for_tap(
            g, k,
            [&](int64_t orow, int64_t irow, int64_t lo, int64_t hi, int64_t offx) {
              T* d = dst + orow;
              const T* s = src + irow + offx;
              if (sx == 1) {
                std::memcpy(d + lo, s + lo, (hi - lo) * sizeof(T));
              } else {
                for (int64_t o = lo; o < hi; ++o) d[o] = s[o * sx];
              }
            },
            [&](int64_t off, int64_t count) { std::memset(dst + off, 0, count * sizeof(T)); });
      }
    }
  });
}

template <typename T>
void col2im_t(const ConvGeom& g, const T* col, int64_t nb, T* img, int64_t img_bs) {
  using A = opmath_t<T>;
  const Plan p = plan_of(g);
  const int64_t row_len = nb * p.L, sx = g.stride[2];
  parallel_for(0, nb * p.C, p.grain, [&](int64_t b, int64_t e) {
    for (int64_t q = b; q < e; ++q) {
      const int64_t n = q / p.C, c = q % p.C;
      T* dst = img + n * img_bs + c * p.plane;
      std::memset(dst, 0, p.plane * sizeof(T));  // all-zero bits are 0 in every float type
      for (int64_t k = 0; k < p.K; ++k) {
        const T* src = col + (c * p.K + k) * row_len + n * p.L;
        for_tap(
            g, k,
            [&](int64_t orow, int64_t irow, int64_t lo, int64_t hi, int64_t offx) {
              const T* s = src + orow;
              T* d = dst + irow + offx;
              for (int64_t o = lo; o < hi; ++o)
                d[o * sx] = static_cast<T>(static_cast<A>(d[o * sx]) + static_cast<A>(s[o]));
            },
            [](int64_t, int64_t) {});
      }
    }
  });
}

void im2col(const ConvGeom& g, DType dt, const char* img, int64_t nb, int64_t img_bs, char* col) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    im2col_t<T>(g, reinterpret_cast<const T*>(img), nb, img_bs, reinterpret_cast<T*>(col));
  });
}

void col2im(const ConvGeom& g, DType dt, const char* col, int64_t nb, char* img, int64_t img_bs) {
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    // ext/ops/conv.cpp calls it for floating dtypes only.
    if constexpr (std::is_floating_point_v<opmath_t<T>>)
      col2im_t<T>(g, reinterpret_cast<const T*>(col), nb, reinterpret_cast<T*>(img), img_bs);
  });
}

}  // namespace

void register_cpu_conv_kernels(NnKernelTable& t) {
  t.im2col = im2col;
  t.col2im = col2im;
}

}  // namespace mt
