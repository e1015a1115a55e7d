// ternary.h: the math of the ternary elementwise ops with tensor operands
// (clamp, lerp, addcmul, addcdiv; `where` only selects), shared by
// ext/cpu/ternary.cpp and ext/cuda/ternary.cu (Note [Kernel functors]).
// Operands (x, a, b) of the compute type T, computed in M = opmath_t<T>.
#pragma once

#include <cmath>
#include <limits>

#include "common.h"

namespace mt::functors {

#define MT_M using M = opmath_t<T>

template <typename T>
struct ClampTensor {
  MT_M;
  MT_HOST_DEVICE M operator()(M x, M lo, M hi) const {
    if constexpr (is_fp<T>) {
      if (lo != lo || hi != hi) return std::numeric_limits<M>::quiet_NaN();
      if (x != x) return x;
    }
    if (x < lo) x = lo;
    return x > hi ? hi : x;
  }
};
template <typename T>
struct LerpTensor {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b, M w) const {
    return (w < M(0) ? -w : w) < M(0.5) ? a + w * (b - a) : b - (b - a) * (M(1) - w);
  }
};
template <typename T>
struct Addcmul {
  MT_M;
  M value;
  explicit Addcmul(const ElemArgs& a) : value(scalar_as<T>(a.s[0])) {}
  MT_HOST_DEVICE M operator()(M x, M t1, M t2) const { return static_cast<M>(x + value * t1 * t2); }
};
template <typename T>
struct Addcdiv {
  MT_M;
  M value;
  explicit Addcdiv(const ElemArgs& a) : value(scalar_as<T>(a.s[0])) {}
  MT_HOST_DEVICE M operator()(M x, M t1, M t2) const { return static_cast<M>(x + value * t1 / t2); }
};

#undef MT_M

}  // namespace mt::functors
