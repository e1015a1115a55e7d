// unary.cpp: CPU kernels for the unary ops (ext/core/elementwise_ops.h).
//
// Operands: [out, x]; x has the compute dtype T, out is T (or bool for the
// predicates logical_not, isnan, isinf, isfinite). ext/ops has already
// promoted integer inputs of floating functions (exp, sin, ...) to the
// default float dtype, so those kernels only accept floating types; the type
// sets below say which dtypes each kernel takes. Half and bfloat16 compute in
// float (M) and round once on store.
#include <cmath>
#include <limits>

#include "../core/functors/special.h"
#include "elementwise_loops.h"

namespace mt::cpu {
namespace {

template <typename T>
constexpr bool is_fp = type_bit<T>() == kFloat;

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
  M operator()(M x) const { return -x; }
};
template <typename T>
struct Abs {
  MT_M;
  M operator()(M x) const {
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
  M operator()(M x) const {
    if constexpr (std::is_same_v<T, bool>)
      return x;
    else
      return static_cast<M>((M(0) < x) - (x < M(0)));  // NaN -> 0, as PyTorch
  }
};
template <typename T>
struct Exp {
  MT_M;
  M operator()(M x) const { return std::exp(x); }
};
template <typename T>
struct Exp2 {
  MT_M;
  M operator()(M x) const { return std::exp2(x); }
};
template <typename T>
struct Expm1 {
  MT_M;
  M operator()(M x) const { return std::expm1(x); }
};
template <typename T>
struct Log {
  MT_M;
  M operator()(M x) const { return std::log(x); }
};
template <typename T>
struct Log2 {
  MT_M;
  M operator()(M x) const { return std::log2(x); }
};
template <typename T>
struct Log10 {
  MT_M;
  M operator()(M x) const { return std::log10(x); }
};
template <typename T>
struct Log1p {
  MT_M;
  M operator()(M x) const { return std::log1p(x); }
};
template <typename T>
struct Sqrt {
  MT_M;
  M operator()(M x) const { return std::sqrt(x); }
};
template <typename T>
struct Rsqrt {
  MT_M;
  M operator()(M x) const { return M(1) / std::sqrt(x); }
};
template <typename T>
struct Square {
  MT_M;
  M operator()(M x) const { return static_cast<M>(x * x); }
};
template <typename T>
struct Sin {
  MT_M;
  M operator()(M x) const { return std::sin(x); }
};
template <typename T>
struct Cos {
  MT_M;
  M operator()(M x) const { return std::cos(x); }
};
template <typename T>
struct Tan {
  MT_M;
  M operator()(M x) const { return std::tan(x); }
};
template <typename T>
struct Asin {
  MT_M;
  M operator()(M x) const { return std::asin(x); }
};
template <typename T>
struct Acos {
  MT_M;
  M operator()(M x) const { return std::acos(x); }
};
template <typename T>
struct Atan {
  MT_M;
  M operator()(M x) const { return std::atan(x); }
};
template <typename T>
struct Sinh {
  MT_M;
  M operator()(M x) const { return std::sinh(x); }
};
template <typename T>
struct Cosh {
  MT_M;
  M operator()(M x) const { return std::cosh(x); }
};
template <typename T>
struct Tanh {
  MT_M;
  M operator()(M x) const { return std::tanh(x); }
};
template <typename T>
struct Asinh {
  MT_M;
  M operator()(M x) const { return std::asinh(x); }
};
template <typename T>
struct Acosh {
  MT_M;
  M operator()(M x) const { return std::acosh(x); }
};
template <typename T>
struct Atanh {
  MT_M;
  M operator()(M x) const { return std::atanh(x); }
};
template <typename T>
struct Sigmoid {
  MT_M;
  M operator()(M x) const { return M(1) / (M(1) + std::exp(-x)); }
};
template <typename T>
struct Logit {
  MT_M;
  bool clamp;
  M lo, hi;
  explicit Logit(const ElemArgs& a)
      : clamp(a.flags & 1), lo(static_cast<M>(a.s[0].to_double())), hi(M(1) - lo) {}
  M operator()(M x) const {
    if (clamp) x = x < lo ? lo : (x > hi ? hi : x);  // NaN stays NaN
    return std::log(x / (M(1) - x));
  }
};
template <typename T>
struct Relu {
  MT_M;
  M operator()(M x) const {
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
  M operator()(M x) const {
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
  M operator()(M x) const { return x / (M(1) + std::exp(-x)); }
};
template <typename T>
struct Softplus {
  MT_M;
  M beta, threshold;
  explicit Softplus(const ElemArgs& a)
      : beta(static_cast<M>(a.s[0].to_double())), threshold(static_cast<M>(a.s[1].to_double())) {}
  M operator()(M x) const {
    return x * beta > threshold ? x : std::log1p(std::exp(x * beta)) / beta;
  }
};
template <typename T>
struct Erf {
  MT_M;
  M operator()(M x) const { return std::erf(x); }
};
template <typename T>
struct Erfc {
  MT_M;
  M operator()(M x) const { return std::erfc(x); }
};
// Rounding functions are the identity on integers (exactly, even for int64
// values above 2^53).
template <typename T>
struct Floor {
  MT_M;
  M operator()(M x) const {
    if constexpr (is_fp<T>)
      return std::floor(x);
    else
      return x;
  }
};
template <typename T>
struct Ceil {
  MT_M;
  M operator()(M x) const {
    if constexpr (is_fp<T>)
      return std::ceil(x);
    else
      return x;
  }
};
template <typename T>
struct Trunc {
  MT_M;
  M operator()(M x) const {
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
  M operator()(M x) const {
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
  M operator()(M x) const { return x - std::trunc(x); }
};
template <typename T>
struct Reciprocal {
  MT_M;
  M operator()(M x) const { return M(1) / x; }
};
template <typename T>
struct LogicalNot {
  MT_M;
  bool operator()(M x) const { return !(x != M(0)); }  // NaN is true, so !NaN is false
};
template <typename T>
struct BitwiseNot {
  MT_M;
  M operator()(M x) const {
    if constexpr (std::is_same_v<T, bool>)
      return !x;
    else
      return static_cast<M>(~x);
  }
};
template <typename T>
struct IsNan {
  MT_M;
  bool operator()(M x) const {
    if constexpr (is_fp<T>)
      return x != x;
    else
      return false;
  }
};
template <typename T>
struct IsInf {
  MT_M;
  bool operator()(M x) const {
    if constexpr (is_fp<T>)
      return std::isinf(x);
    else
      return false;
  }
};
template <typename T>
struct IsFinite {
  MT_M;
  bool operator()(M x) const {
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
  M operator()(M x) const {
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
  M operator()(M x) const {
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

}  // namespace

void register_unary(KernelTable& t) {
  auto set = [&t](UnaryOp op, ElemKernel k) { t.unary[op_index(op)] = k; };
#define MT_REG(Op, F, Types) set(UnaryOp::Op, unary_kernel<UnaryOp::Op, F, Types>)
  MT_REG(Neg, Neg, kNoBool);
  MT_REG(Abs, Abs, kNoBool);
  MT_REG(Sign, Sign, kAllTypes);
  MT_REG(Exp, Exp, kFloat);
  MT_REG(Exp2, Exp2, kFloat);
  MT_REG(Expm1, Expm1, kFloat);
  MT_REG(Log, Log, kFloat);
  MT_REG(Log2, Log2, kFloat);
  MT_REG(Log10, Log10, kFloat);
  MT_REG(Log1p, Log1p, kFloat);
  MT_REG(Sqrt, Sqrt, kFloat);
  MT_REG(Rsqrt, Rsqrt, kFloat);
  MT_REG(Square, Square, kNoBool);
  MT_REG(Sin, Sin, kFloat);
  MT_REG(Cos, Cos, kFloat);
  MT_REG(Tan, Tan, kFloat);
  MT_REG(Asin, Asin, kFloat);
  MT_REG(Acos, Acos, kFloat);
  MT_REG(Atan, Atan, kFloat);
  MT_REG(Sinh, Sinh, kFloat);
  MT_REG(Cosh, Cosh, kFloat);
  MT_REG(Tanh, Tanh, kFloat);
  MT_REG(Asinh, Asinh, kFloat);
  MT_REG(Acosh, Acosh, kFloat);
  MT_REG(Atanh, Atanh, kFloat);
  MT_REG(Sigmoid, Sigmoid, kFloat);
  MT_REG(Logit, Logit, kFloat);
  MT_REG(Relu, Relu, kNoBool);
  MT_REG(Gelu, Gelu, kFloat);
  MT_REG(Silu, Silu, kFloat);
  MT_REG(Softplus, Softplus, kFloat);
  MT_REG(Erf, Erf, kFloat);
  MT_REG(Erfc, Erfc, kFloat);
  MT_REG(Floor, Floor, kNoBool);
  MT_REG(Ceil, Ceil, kNoBool);
  MT_REG(Round, Round, kNoBool);
  MT_REG(Trunc, Trunc, kNoBool);
  MT_REG(Frac, Frac, kFloat);
  MT_REG(Reciprocal, Reciprocal, kFloat);
  MT_REG(LogicalNot, LogicalNot, kAllTypes);
  MT_REG(BitwiseNot, BitwiseNot, kBool | kInt);
  MT_REG(IsNan, IsNan, kAllTypes);
  MT_REG(IsInf, IsInf, kAllTypes);
  MT_REG(IsFinite, IsFinite, kAllTypes);
  MT_REG(NanToNum, NanToNum, kAllTypes);
  MT_REG(Clamp, ClampScalar, kNoBool);
  MT_REG(Erfinv, functors::Erfinv, kFloat);
#undef MT_REG
}

}  // namespace mt::cpu
