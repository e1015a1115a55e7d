// copy.cpp: CPU copy (with dtype conversion) and fill.
//
// copy: iterator operands [dst, src] of any dtypes, any strides. Same-dtype
// contiguous runs become memcpy; the rest convert element by element through
// static_cast (16-bit floats through float), floating -> integer through
// convert_value (Note [Float to integer casts]).
#include <cstring>

#include "cpu.h"

namespace mt::cpu {

void copy(const TensorIter& it) {
  DType dt = it.dtype(0), st = it.dtype(1);
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
          for (int64_t i = 0; i < n; ++i)
            *reinterpret_cast<D*>(d + i * s[0]) = convert_value<D>(
                static_cast<opmath_t<S>>(*reinterpret_cast<const S*>(x + i * s[1])));
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
        for (int64_t i = 0; i < n; ++i) *reinterpret_cast<T*>(p[0] + i * s[0]) = v;
      }
    });
  });
}

}  // namespace mt::cpu
