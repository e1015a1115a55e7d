// binary_float.h: the math of logaddexp, logaddexp2, hypot, xlogy, heaviside,
// copysign and nextafter (ext/core/elementwise_ops.h), shared by the CPU
// backend and a CUDA one (Note [Kernel functors] in common.h).
//
// All but heaviside are floating functions: ext/ops hands them floating
// operands only (xlogy and copysign promote integers to the default float
// dtype there; the others refuse integers with NotImplementedError, as
// PyTorch's CPU kernels do). Half and bfloat16 compute in float, except
// nextafter, which steps in the storage type's own bit pattern.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "common.h"

namespace mt::functors {

#define MT_M using M = opmath_t<T>

// log(exp(a) + exp(b)) without overflow: the larger operand plus
// log1p(exp(smaller - larger)). Equal infinities return themselves (the
// formula would compute inf - inf); NaN in either operand gives NaN.
template <typename T>
struct LogAddExp {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b) const {
    if (a != a || b != b) return a + b;
    if (a == b && std::isinf(a)) return a;
    const M hi = a > b ? a : b, lo = a > b ? b : a;
    return hi + std::log1p(std::exp(lo - hi));
  }
};
// log2(2^a + 2^b), the same way in base 2.
template <typename T>
struct LogAddExp2 {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b) const {
    if (a != a || b != b) return a + b;
    if (a == b && std::isinf(a)) return a;
    const M hi = a > b ? a : b, lo = a > b ? b : a;
    return hi + std::log1p(std::exp2(lo - hi)) * M(1.4426950408889634);  // 1 / ln 2
  }
};
// sqrt(a^2 + b^2) without intermediate overflow; an infinite operand wins
// over NaN (C's hypot, as PyTorch and NumPy).
template <typename T>
struct Hypot {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b) const { return std::hypot(a, b); }
};
// x * log(y), with 0 where x == 0 (even for y == 0 or inf) unless y is NaN.
template <typename T>
struct Xlogy {
  MT_M;
  MT_HOST_DEVICE M operator()(M x, M y) const {
    if (y != y) return y;
    if (x == M(0)) return M(0);
    return x * std::log(y);
  }
};
// 0 for x < 0 (and NaN), `values` where x == 0, 1 for x > 0; every dtype.
template <typename T>
struct Heaviside {
  MT_M;
  MT_HOST_DEVICE M operator()(M x, M v) const {
    if (x == M(0)) return v;
    return static_cast<M>(x > M(0));
  }
};
// |a| with the sign bit of b (NaN's sign bit counts: copysign(1, -nan) = -1).
template <typename T>
struct Copysign {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b) const { return std::copysign(a, b); }
};
// The next value of T after a in the direction of b. float and double use
// C's nextafter; half and bfloat16 step their 16-bit pattern (computing in
// float would round the step away). The result is exact in T, so the loop's
// conversion back to T is lossless.
template <typename T>
struct Nextafter {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b) const {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      return std::nextafter(a, b);
    } else {
      if (a != a || b != b) return a + b;
      if (a == b) return b;
      const T ta = static_cast<T>(a);
      uint16_t bits;
      std::memcpy(&bits, &ta, sizeof(bits));
      if (a == M(0)) {
        // the smallest subnormal, with b's sign
        bits = static_cast<uint16_t>(b < M(0) ? 0x8001u : 0x0001u);
      } else if ((a < b) == (a > M(0))) {
        ++bits;  // away from zero
      } else {
        --bits;  // towards zero
      }
      T r;
      std::memcpy(&r, &bits, sizeof(bits));
      return static_cast<M>(r);
    }
  }
};

#undef MT_M

}  // namespace mt::functors
