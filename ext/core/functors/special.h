// special.h: special functions of one argument (today erfinv), shared by the
// CPU backend and a CUDA one (Note [Kernel functors] in common.h).
//
// ext/ops promotes integer and bool inputs to the default float dtype, so
// these functors see floating types only.
#pragma once

#include <cmath>
#include <limits>

#include "common.h"

namespace mt::functors {

// The inverse of erf on [-1, 1]: +-inf at +-1, NaN outside and for NaN.
// Every dtype computes in double and rounds once: a starting value from
// Giles' single-precision approximation ("Approximating the erfinv
// function", GPU Computing Gems, 2011), then Newton steps on erf (for
// |y| <= 0.5) or on erfc (closer to 1, where 1 - |y| is exact and erf's
// slope is tiny), which reach double precision in two or three steps.
MT_HOST_DEVICE inline double erfinv_double(double y) {
  if (y != y || y < -1.0 || y > 1.0) return std::numeric_limits<double>::quiet_NaN();
  if (y == 1.0) return std::numeric_limits<double>::infinity();
  if (y == -1.0) return -std::numeric_limits<double>::infinity();
  if (y == 0.0) return y;  // keeps -0
  const double ay = y < 0 ? -y : y;
  double w = -std::log((1.0 - ay) * (1.0 + ay));
  double p;
  if (w < 5.0) {
    w -= 2.5;
    p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w;
    p = -3.5233877e-06 + p * w;
    p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
  } else {
    w = std::sqrt(w) - 3.0;
    p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
  }
  double x = p * ay;
  const double two_over_sqrt_pi = 1.1283791670955126;
  const double q = 1.0 - ay;  // exact for ay >= 0.5 (Sterbenz)
  for (int i = 0; i < 4; ++i) {
    const double slope = two_over_sqrt_pi * std::exp(-x * x);
    if (!(slope > 0)) break;
    const double step = ay <= 0.5 ? (std::erf(x) - ay) / slope : (q - std::erfc(x)) / slope;
    x -= step;
    if (!(std::fabs(step) > 1e-17 * std::fabs(x))) break;
  }
  return y < 0 ? -x : x;
}

template <typename T>
struct Erfinv {
  using M = opmath_t<T>;
  MT_HOST_DEVICE M operator()(M y) const {
    return static_cast<M>(erfinv_double(static_cast<double>(y)));
  }
};

}  // namespace mt::functors
