// copy.cpp: CPU copy (with dtype conversion) and fill.
//
// copy: iterator operands [dst, src] of any dtypes, any strides. Same-dtype
// contiguous runs become memcpy; the rest convert element by element through
// static_cast (16-bit floats through float), floating -> integer through
// convert_value (Note [Float to integer casts]). When dst and src disagree on
// which of the two inner dims is the fast one (a transpose), the copy runs in
// square tiles (Note [Blocked copies]).
#include <algorithm>
#include <cstring>
#include <type_traits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cpu.h"

namespace mt::cpu {

namespace {

// Note [Blocked copies]
// A transposing copy (dst contiguous along one dim, src along the other)
// walked row by row touches a new cache line of the strided operand for every
// element, and on large matrices each line is evicted before its neighbours
// are used. The copy instead runs over kTile x kTile tiles of the two inner
// iterator dims: a tile's lines of both operands stay in L1 while it is
// copied. Outer dims (a batch of transposes) are walked tile row by tile row;
// the tile rows are split across threads. Each element is converted as in
// the plain loop, so the result is the same; same-dtype 4-byte elements
// (float32, int32) move through 4x4 SSE2 register transposes, bits unchanged.
// 64x64 tiles beat 32x32 ones on the 2048x2048 float32 case
// (docs/performance.md).
constexpr int64_t kTile = 64;

int64_t mag(int64_t s) { return s < 0 ? -s : s; }

bool transposing(const TensorIter& it) {
  if (it.ndim() < 2 || it.shape()[0] < 8 || it.shape()[1] < 8) return false;
  const int64_t d0 = mag(it.byte_stride(0, 0)), d1 = mag(it.byte_stride(0, 1));
  const int64_t s0 = mag(it.byte_stride(1, 0)), s1 = mag(it.byte_stride(1, 1));
  if (d0 == 0 || d1 == 0 || s0 == 0 || s1 == 0) return false;
  return (d0 < d1) != (s0 < s1);
}

#if defined(__SSE2__)
// 4 rows of 4 contiguous 4-byte elements at x (row stride xs) transposed into
// 4 rows of 4 at o (row stride os): bits are moved, never converted.
inline void transpose4x4(char* o, int64_t os, const char* x, int64_t xs) {
  __m128 r0 = _mm_loadu_ps(reinterpret_cast<const float*>(x));
  __m128 r1 = _mm_loadu_ps(reinterpret_cast<const float*>(x + xs));
  __m128 r2 = _mm_loadu_ps(reinterpret_cast<const float*>(x + 2 * xs));
  __m128 r3 = _mm_loadu_ps(reinterpret_cast<const float*>(x + 3 * xs));
  _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
  _mm_storeu_ps(reinterpret_cast<float*>(o), r0);
  _mm_storeu_ps(reinterpret_cast<float*>(o + os), r1);
  _mm_storeu_ps(reinterpret_cast<float*>(o + 2 * os), r2);
  _mm_storeu_ps(reinterpret_cast<float*>(o + 3 * os), r3);
}
#endif

template <typename D, typename S>
void blocked_copy(const TensorIter& it) {
  const int64_t n0 = it.shape()[0], n1 = it.shape()[1];
  const int64_t d0 = it.byte_stride(0, 0), d1 = it.byte_stride(0, 1);
  const int64_t s0 = it.byte_stride(1, 0), s1 = it.byte_stride(1, 1);
  const int64_t nd = it.ndim();
  int64_t outer = 1;
  for (int64_t d = 2; d < nd; ++d) outer *= it.shape()[d];
  const int64_t rows = (n1 + kTile - 1) / kTile;  // tile rows per 2-d slice
  const int64_t grain = std::max<int64_t>(1, kGrainSize / (kTile * n0));
  parallel_for(0, outer * rows, grain, [&](int64_t b, int64_t e) {
    for (int64_t u = b; u < e; ++u) {
      // the slice's base pointers: one div/mod per outer dim, per tile row
      char* dst = it.data(0);
      const char* src = it.data(1);
      int64_t rem = u / rows;
      for (int64_t d = 2; d < nd; ++d) {
        const int64_t i = rem % it.shape()[d];
        rem /= it.shape()[d];
        dst += i * it.byte_stride(0, d);
        src += i * it.byte_stride(1, d);
      }
      const int64_t j0 = (u % rows) * kTile, j1 = std::min(n1, j0 + kTile);
      auto plain = [&](int64_t ia, int64_t ib, int64_t ja, int64_t jb) {
        for (int64_t j = ja; j < jb; ++j) {
          char* o = dst + j * d1 + ia * d0;
          const char* x = src + j * s1 + ia * s0;
          for (int64_t i = ia; i < ib; ++i, o += d0, x += s0)
            *reinterpret_cast<D*>(o) =
                convert_value<D>(static_cast<opmath_t<S>>(*reinterpret_cast<const S*>(x)));
        }
      };
      for (int64_t i0 = 0; i0 < n0; i0 += kTile) {
        const int64_t i1 = std::min(n0, i0 + kTile);
#if defined(__SSE2__)
        // same-dtype 4-byte elements, each operand contiguous along one of
        // the two dims: 4x4 register transposes, the ragged edges plainly
        if constexpr (std::is_same_v<D, S> && sizeof(D) == 4) {
          const bool a = d0 == 4 && s1 == 4, b = d1 == 4 && s0 == 4;
          if (a || b) {
            const int64_t i4 = i0 + (i1 - i0) / 4 * 4, j4 = j0 + (j1 - j0) / 4 * 4;
            for (int64_t j = j0; j < j4; j += 4)
              for (int64_t i = i0; i < i4; i += 4) {
                if (a)
                  transpose4x4(dst + i * 4 + j * d1, d1, src + i * s0 + j * 4, s0);
                else
                  transpose4x4(dst + i * d0 + j * 4, d0, src + i * 4 + j * s1, s1);
              }
            plain(i4, i1, j0, j1);
            plain(i0, i4, j4, j1);
            continue;
          }
        }
#endif
        plain(i0, i1, j0, j1);
      }
    }
  });
}

}  // namespace

void copy(const TensorIter& it) {
  DType dt = it.dtype(0), st = it.dtype(1);
  if (transposing(it)) {
    dispatch(dt, [&](auto dtag) {
      using D = typename decltype(dtag)::type;
      dispatch(st, [&](auto stag) { blocked_copy<D, typename decltype(stag)::type>(it); });
    });
    return;
  }
  if (dt == st && it.is_contiguous()) {
    int64_t isz = itemsize_of(dt);
    char* dst = it.data(0);
    const char* src = it.data(1);
    parallel_for(0, it.numel(), kGrainSize * 4, [&](int64_t b, int64_t e) {
      std::memcpy(dst + b * isz, src + b * isz, (e - b) * isz);
    });
    return;
  }
  dispatch(dt, [&](auto dtag) {
    using D = typename decltype(dtag)::type;
    dispatch(st, [&](auto stag) {
      using S = typename decltype(stag)::type;
      it.for_each([](int64_t n, char** p, const int64_t* s) {
        char* d = p[0];
        const char* x = p[1];
        if (s[0] == sizeof(D) && s[1] == sizeof(S)) {
          D* dd = reinterpret_cast<D*>(d);
          const S* xx = reinterpret_cast<const S*>(x);
          for (int64_t i = 0; i < n; ++i) dd[i] = convert_value<D>(static_cast<opmath_t<S>>(xx[i]));
        } else {
          for (int64_t i = 0; i < n; ++i, d += s[0], x += s[1])
            *reinterpret_cast<D*>(d) =
                convert_value<D>(static_cast<opmath_t<S>>(*reinterpret_cast<const S*>(x)));
        }
      });
    });
  });
}

void fill(const TensorIter& it, Scalar value) {
  dispatch(it.dtype(0), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = value.to<T>();
    it.for_each([v](int64_t n, char** p, const int64_t* s) {
      if (s[0] == sizeof(T)) {
        T* d = reinterpret_cast<T*>(p[0]);
        for (int64_t i = 0; i < n; ++i) d[i] = v;
      } else {
        char* d = p[0];
        for (int64_t i = 0; i < n; ++i, d += s[0]) *reinterpret_cast<T*>(d) = v;
      }
    });
  });
}

}  // namespace mt::cpu
