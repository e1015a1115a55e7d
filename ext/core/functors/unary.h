// unary.h: the math of the unary elementwise ops (ext/core/elementwise_ops.h),
// one functor per op, shared by the CPU backend (ext/cpu/unary.cpp) and the
// CUDA one (ext/cuda/unary.cu); see Note [Kernel functors] in common.h.
// Operands: x of the compute type T (computed in M = opmath_t<T>); the
// result is M, or bool for the predicates.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "common.h"

namespace mt::functors {

// Largest finite value of T (nan_to_num's default for +inf).
template <typename T>
opmath_t<T> max_finite() {
  if constexpr (std::is_same_v<T, Half>)
    return 65504.0f;
  else if constexpr (std::is_same_v<T, BFloat16>)
    return bf16_to_float(0x7f7f);
  else
    return std::numeric_limits<T>::max();
}

#define MT_M using M = opmath_t<T>

template <typename T>
struct Neg {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return -x; }
};
template <typename T>
struct Abs {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const {
    if constexpr (is_fp<T>)
      return std::abs(x);
    else if constexpr (std::is_unsigned_v<T>)
      return x;
    else
      return x < 0 ? -x : x;  // wraps for the minimum, as PyTorch
  }
};
template <typename T>
struct Sign {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const {
    if constexpr (std::is_same_v<T, bool>)
      return x;
    else
      return static_cast<M>((M(0) < x) - (x < M(0)));  // NaN -> 0, as PyTorch
  }
};
template <typename T>
struct Exp {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::exp(x); }
};
template <typename T>
struct Exp2 {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::exp2(x); }
};
template <typename T>
struct Expm1 {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::expm1(x); }
};
template <typename T>
struct Log {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::log(x); }
};
template <typename T>
struct Log2 {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::log2(x); }
};
template <typename T>
struct Log10 {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::log10(x); }
};
template <typename T>
struct Log1p {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::log1p(x); }
};
template <typename T>
struct Sqrt {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::sqrt(x); }
};
template <typename T>
struct Rsqrt {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return M(1) / std::sqrt(x); }
};
template <typename T>
struct Square {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return static_cast<M>(x * x); }
};
template <typename T>
struct Sin {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::sin(x); }
};
template <typename T>
struct Cos {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::cos(x); }
};
template <typename T>
struct Tan {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::tan(x); }
};
template <typename T>
struct Asin {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::asin(x); }
};
template <typename T>
struct Acos {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::acos(x); }
};
template <typename T>
struct Atan {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::atan(x); }
};
template <typename T>
struct Sinh {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::sinh(x); }
};
template <typename T>
struct Cosh {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::cosh(x); }
};
template <typename T>
struct Tanh {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::tanh(x); }
};
template <typename T>
struct Asinh {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::asinh(x); }
};
template <typename T>
struct Acosh {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::acosh(x); }
};
template <typename T>
struct Atanh {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::atanh(x); }
};
template <typename T>
struct Sigmoid {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return M(1) / (M(1) + std::exp(-x)); }
};
template <typename T>
struct Logit {
  MT_M;
  bool clamp;
  M lo, hi;
  explicit Logit(const ElemArgs& a)
      : clamp(a.flags & 1), lo(static_cast<M>(a.s[0].to_double())), hi(M(1) - lo) {}
  MT_HOST_DEVICE M operator()(M x) const {
    if (clamp) x = x < lo ? lo : (x > hi ? hi : x);  // NaN stays NaN
    return std::log(x / (M(1) - x));
  }
};
template <typename T>
struct Relu {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const {
    if constexpr (is_fp<T>)
      return (x > M(0) || x != x) ? x : M(0);  // NaN propagates
    else
      return x > M(0) ? x : M(0);
  }
};
template <typename T>
struct Gelu {
  MT_M;
  bool tanh_approx;
  explicit Gelu(const ElemArgs& a) : tanh_approx(a.flags & 1) {}
  MT_HOST_DEVICE M operator()(M x) const {
    if (tanh_approx) {
      const M k = M(0.7978845608028654);  // sqrt(2 / pi)
      return M(0.5) * x * (M(1) + std::tanh(k * (x + M(0.044715) * x * x * x)));
    }
    return x * M(0.5) * (M(1) + std::erf(x * M(0.7071067811865476)));
  }
};
template <typename T>
struct Silu {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return x / (M(1) + std::exp(-x)); }
};
template <typename T>
struct Softplus {
  MT_M;
  M beta, threshold;
  explicit Softplus(const ElemArgs& a)
      : beta(static_cast<M>(a.s[0].to_double())), threshold(static_cast<M>(a.s[1].to_double())) {}
  MT_HOST_DEVICE M operator()(M x) const {
    return x * beta > threshold ? x : std::log1p(std::exp(x * beta)) / beta;
  }
};
template <typename T>
struct Erf {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::erf(x); }
};
template <typename T>
struct Erfc {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return std::erfc(x); }
};
// Rounding functions are the identity on integers (exactly, even for int64
// values above 2^53).
template <typename T>
struct Floor {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const {
    if constexpr (is_fp<T>)
      return std::floor(x);
    else
      return x;
  }
};
template <typename T>
struct Ceil {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const {
    if constexpr (is_fp<T>)
      return std::ceil(x);
    else
      return x;
  }
};
template <typename T>
struct Trunc {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const {
    if constexpr (is_fp<T>)
      return std::trunc(x);
    else
      return x;
  }
};
// Round half to even (nearbyint in the default rounding mode). With decimals
// d > 0: nearbyint(x * 10^d) / 10^d; with d < 0: nearbyint(x / 10^-d) * 10^-d,
// as PyTorch computes it.
template <typename T>
struct Round {
  MT_M;
  int64_t decimals;
  M ten_pow;
  explicit Round(const ElemArgs& a) : decimals(a.s[0].to_int()) {
    ten_pow =
        static_cast<M>(std::pow(10.0, static_cast<double>(decimals < 0 ? -decimals : decimals)));
  }
  MT_HOST_DEVICE M operator()(M x) const {
    if constexpr (is_fp<T>) {
      if (decimals == 0) return std::nearbyint(x);
      if (decimals > 0) return std::nearbyint(x * ten_pow) / ten_pow;
      return std::nearbyint(x / ten_pow) * ten_pow;
    } else {
      return x;
    }
  }
};
template <typename T>
struct Frac {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return x - std::trunc(x); }
};
template <typename T>
struct Reciprocal {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const { return M(1) / x; }
};
template <typename T>
struct LogicalNot {
  MT_M;
  MT_HOST_DEVICE bool operator()(M x) const {
    return !(x != M(0));
  }  // NaN is true, so !NaN is false
};
template <typename T>
struct BitwiseNot {
  MT_M;
  MT_HOST_DEVICE M operator()(M x) const {
    if constexpr (std::is_same_v<T, bool>)
      return !x;
    else
      return static_cast<M>(~x);
  }
};
template <typename T>
struct IsNan {
  MT_M;
  MT_HOST_DEVICE bool operator()(M x) const {
    if constexpr (is_fp<T>)
      return x != x;
    else
      return false;
  }
};
template <typename T>
struct IsInf {
  MT_M;
  MT_HOST_DEVICE bool operator()(M x) const {
    if constexpr (is_fp<T>)
      return std::isinf(x);
    else
      return false;
  }
};
template <typename T>
struct IsFinite {
  MT_M;
  MT_HOST_DEVICE bool operator()(M x) const {
    if constexpr (is_fp<T>)
      return std::isfinite(x);
    else
      return true;
  }
};
// Replacement values are rounded to T first, as PyTorch does (a posinf too
// large for half becomes inf).
template <typename T>
struct NanToNum {
  MT_M;
  M nan, posinf, neginf;
  explicit NanToNum(const ElemArgs& a) {
    if constexpr (is_fp<T>) {
      nan = static_cast<M>(static_cast<T>(static_cast<M>(a.s[0].to_double())));
      posinf = (a.flags & 1) ? static_cast<M>(static_cast<T>(static_cast<M>(a.s[1].to_double())))
                             : max_finite<T>();
      neginf = (a.flags & 2) ? static_cast<M>(static_cast<T>(static_cast<M>(a.s[2].to_double())))
                             : -max_finite<T>();
    } else {
      nan = posinf = neginf = M();
    }
  }
  MT_HOST_DEVICE M operator()(M x) const {
    if constexpr (is_fp<T>) {
      if (x != x) return nan;
      if (std::isinf(x)) return x > 0 ? posinf : neginf;
    }
    return x;
  }
};
// clamp(x, min, max) = min(max(x, min), max): with min > max every element
// becomes max; a NaN input or bound gives NaN, as PyTorch.
template <typename T>
struct ClampScalar {
  MT_M;
  bool has_lo, has_hi;
  M lo, hi;
  explicit ClampScalar(const ElemArgs& a)
      : has_lo(a.flags & 1),
        has_hi(a.flags & 2),
        lo(scalar_as<T>(a.s[0])),
        hi(scalar_as<T>(a.s[1])) {}
  MT_HOST_DEVICE M operator()(M x) const {
    if constexpr (is_fp<T>) {
      if (x != x) return x;
      if (has_lo && !(x >= lo)) x = lo;  // a NaN lo makes x NaN, which stays
      if (has_hi && !(x <= hi) && x == x) x = hi;
    } else {
      if (has_lo && x < lo) x = lo;
      if (has_hi && x > hi) x = hi;
    }
    return x;
  }
};

#undef MT_M

}  // namespace mt::functors
