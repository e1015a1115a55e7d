// binary.cpp: CPU kernels for the binary ops (ext/core/elementwise.h).
//
// Operands: [out, a, b] with a and b in the compute dtype T, or [out, x] plus
// a Scalar standing for a or b (ElemArgs::scalar_pos). out is T, or bool for
// the predicates. Integer division and remainder by zero raise RuntimeError
// "ZeroDivisionError" as PyTorch does; they never trap: x / -1 is computed as
// a wrapping negation so INT_MIN / -1 cannot raise SIGFPE.
#include <cmath>
#include <type_traits>

#include "elementwise.h"

namespace mt::cpu {
namespace {

template <typename T>
constexpr bool is_fp = type_bit<T>() == kFloat;

#define MT_M using M = opmath_t<T>

// -x without signed-overflow UB (two's-complement wrap).
template <typename M>
M wrapping_neg(M x) {
  using U = std::make_unsigned_t<M>;
  return static_cast<M>(U(0) - static_cast<U>(x));
}

template <typename M>
void check_nonzero(M b) {
  MT_CHECK(b != 0, "ZeroDivisionError");
}

template <typename T>
struct Add {
  MT_M;
  M operator()(M a, M b) const { return static_cast<M>(a + b); }
};
template <typename T>
struct AddAlpha {
  MT_M;
  M alpha;
  explicit AddAlpha(const ElemArgs& args) : alpha(scalar_as<T>(args.s[0])) {}
  M operator()(M a, M b) const { return static_cast<M>(a + alpha * b); }
};
template <typename T>
struct Sub {
  MT_M;
  M operator()(M a, M b) const { return static_cast<M>(a - b); }
};
template <typename T>
struct SubAlpha {
  MT_M;
  M alpha;
  explicit SubAlpha(const ElemArgs& args) : alpha(scalar_as<T>(args.s[0])) {}
  M operator()(M a, M b) const { return static_cast<M>(a - alpha * b); }
};
template <typename T>
struct Mul {
  MT_M;
  M operator()(M a, M b) const { return static_cast<M>(a * b); }
};
template <typename T>
struct Div {
  MT_M;
  M operator()(M a, M b) const { return a / b; }
};
template <typename T>
struct DivTrunc {
  MT_M;
  M operator()(M a, M b) const {
    if constexpr (is_fp<T>) {
      return std::trunc(a / b);
    } else {
      check_nonzero(b);
      if (std::is_signed_v<M> && b == M(-1)) return wrapping_neg(a);
      return static_cast<M>(a / b);
    }
  }
};
// Python's floor division. Floats use CPython's algorithm (via fmod), which
// is exact where floor(a / b) would round: -7.0 // 2 == -4, 1 // 0.1 == 9.
template <typename T>
struct DivFloor {
  MT_M;
  M operator()(M a, M b) const {
    if constexpr (is_fp<T>) {
      if (b == M(0)) return a / b;
      M mod = std::fmod(a, b);
      M div = (a - mod) / b;
      if (mod != M(0) && ((b < M(0)) != (mod < M(0)))) div -= M(1);
      M floordiv;
      if (div != M(0)) {
        floordiv = std::floor(div);
        if (div - floordiv > M(0.5)) floordiv += M(1);
      } else {
        floordiv = std::copysign(M(0), a / b);
      }
      return floordiv;
    } else {
      check_nonzero(b);
      if constexpr (std::is_signed_v<M>) {
        if (b == M(-1)) return wrapping_neg(a);
        M q = static_cast<M>(a / b);
        M r = static_cast<M>(a % b);
        if (r != 0 && ((r < 0) != (b < 0))) --q;
        return q;
      } else {
        return static_cast<M>(a / b);
      }
    }
  }
};
// Python's %: the result takes the divisor's sign.
template <typename T>
struct Remainder {
  MT_M;
  M operator()(M a, M b) const {
    if constexpr (is_fp<T>) {
      M mod = std::fmod(a, b);
      if (mod != M(0) && ((b < M(0)) != (mod < M(0)))) mod += b;
      return mod;
    } else {
      check_nonzero(b);
      if constexpr (std::is_signed_v<M>) {
        if (b == M(-1)) return M(0);
        M r = static_cast<M>(a % b);
        if (r != 0 && ((r < 0) != (b < 0))) r = static_cast<M>(r + b);
        return r;
      } else {
        return static_cast<M>(a % b);
      }
    }
  }
};
// C's fmod: the result takes the dividend's sign.
template <typename T>
struct Fmod {
  MT_M;
  M operator()(M a, M b) const {
    if constexpr (is_fp<T>) {
      return std::fmod(a, b);
    } else {
      check_nonzero(b);
      if (std::is_signed_v<M> && b == M(-1)) return M(0);
      return static_cast<M>(a % b);
    }
  }
};
// Integer powers by squaring; a negative exponent gives 1 for base 1, +-1
// for base -1 and 0 otherwise (ext/ops refuses a negative *scalar* exponent).
template <typename T>
struct Pow {
  MT_M;
  M operator()(M a, M b) const {
    if constexpr (is_fp<T>) {
      return std::pow(a, b);
    } else if constexpr (std::is_same_v<T, bool>) {
      return b ? a : true;
    } else {
      if constexpr (std::is_signed_v<M>) {
        if (b < 0) {
          if (a == 1) return 1;
          if (a == -1) return (b % 2 == 0) ? 1 : -1;
          return 0;
        }
      }
      using U = std::make_unsigned_t<M>;
      U result = 1, base = static_cast<U>(a);
      for (M e = b; e != 0; e = static_cast<M>(e >> 1)) {
        if (e & 1) result = static_cast<U>(result * base);
        base = static_cast<U>(base * base);
      }
      return static_cast<M>(result);
    }
  }
};
template <typename T>
struct Atan2 {
  MT_M;
  M operator()(M a, M b) const { return std::atan2(a, b); }
};
template <typename T>
struct Maximum {
  MT_M;
  M operator()(M a, M b) const {
    if constexpr (is_fp<T>) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return a > b ? a : b;
  }
};
template <typename T>
struct Minimum {
  MT_M;
  M operator()(M a, M b) const {
    if constexpr (is_fp<T>) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return a < b ? a : b;
  }
};
template <typename T>
struct Fmax {
  MT_M;
  M operator()(M a, M b) const {
    if constexpr (is_fp<T>) return std::fmax(a, b);
    else return a > b ? a : b;
  }
};
template <typename T>
struct Fmin {
  MT_M;
  M operator()(M a, M b) const {
    if constexpr (is_fp<T>) return std::fmin(a, b);
    else return a < b ? a : b;
  }
};
template <typename T>
struct Eq {
  MT_M;
  bool operator()(M a, M b) const { return a == b; }
};
template <typename T>
struct Ne {
  MT_M;
  bool operator()(M a, M b) const { return a != b; }
};
template <typename T>
struct Lt {
  MT_M;
  bool operator()(M a, M b) const { return a < b; }
};
template <typename T>
struct Le {
  MT_M;
  bool operator()(M a, M b) const { return a <= b; }
};
template <typename T>
struct Gt {
  MT_M;
  bool operator()(M a, M b) const { return a > b; }
};
template <typename T>
struct Ge {
  MT_M;
  bool operator()(M a, M b) const { return a >= b; }
};
template <typename T>
struct LogicalAnd {
  MT_M;
  bool operator()(M a, M b) const { return (a != M(0)) && (b != M(0)); }
};
template <typename T>
struct LogicalOr {
  MT_M;
  bool operator()(M a, M b) const { return (a != M(0)) || (b != M(0)); }
};
template <typename T>
struct LogicalXor {
  MT_M;
  bool operator()(M a, M b) const { return (a != M(0)) != (b != M(0)); }
};
template <typename T>
struct BitwiseAnd {
  MT_M;
  M operator()(M a, M b) const { return static_cast<M>(a & b); }
};
template <typename T>
struct BitwiseOr {
  MT_M;
  M operator()(M a, M b) const { return static_cast<M>(a | b); }
};
template <typename T>
struct BitwiseXor {
  MT_M;
  M operator()(M a, M b) const { return static_cast<M>(a ^ b); }
};
// Shifts by a negative amount or by the bit width or more give 0 (left) or
// the sign fill (right), as PyTorch.
template <typename T>
struct Lshift {
  MT_M;
  M operator()(M a, M b) const {
    using U = std::make_unsigned_t<M>;
    constexpr int64_t bits = sizeof(M) * 8;
    if (static_cast<int64_t>(b) < 0 || static_cast<int64_t>(b) >= bits) return 0;
    return static_cast<M>(static_cast<U>(a) << b);
  }
};
template <typename T>
struct Rshift {
  MT_M;
  M operator()(M a, M b) const {
    constexpr int64_t max_shift = sizeof(M) * 8 - std::is_signed_v<M>;
    if (static_cast<int64_t>(b) < 0 || static_cast<int64_t>(b) >= max_shift)
      return static_cast<M>(a >> max_shift);
    return static_cast<M>(a >> b);
  }
};
// |a - b| <= atol + |rtol * b| (finite), or a == b, or both NaN with
// equal_nan. Intermediates round to T as PyTorch's tensor formula does.
template <typename T>
struct IsClose {
  MT_M;
  double rtol, atol;
  bool equal_nan;
  explicit IsClose(const ElemArgs& a)
      : rtol(a.s[0].to_double()), atol(a.s[1].to_double()), equal_nan(a.flags & 1) {}
  bool operator()(M a, M b) const {
    if (a == b) return true;
    if constexpr (is_fp<T>) {
      if (a != a || b != b) return equal_nan && a != a && b != b;
      auto rnd = [](M v) { return static_cast<M>(static_cast<T>(v)); };
      M allowed = rnd(static_cast<M>(atol) + rnd(std::abs(rnd(static_cast<M>(rtol) * b))));
      M actual = rnd(std::abs(a - b));
      return std::isfinite(actual) && actual <= allowed;
    } else {
      double allowed = static_cast<float>(atol + std::abs(static_cast<float>(rtol * double(b))));
      double actual = std::abs(double(a) - double(b));
      return actual <= allowed;
    }
  }
};
// start + w * (end - start), from the nearer end for |w| >= 0.5 so lerp(a,
// b, 1) == b exactly (PyTorch's formula).
template <typename M>
inline M lerp(M a, M b, M w) {
  return std::abs(w) < M(0.5) ? a + w * (b - a) : b - (b - a) * (M(1) - w);
}
template <typename T>
struct LerpScalar {
  MT_M;
  M w;
  explicit LerpScalar(const ElemArgs& a) : w(static_cast<M>(a.s[0].to_double())) {}
  M operator()(M a, M b) const { return lerp(a, b, w); }
};

// Add and Sub pick the plain functor unless alpha != 1, so the common case
// carries no multiply.
template <BinaryOp Op, template <typename> class Plain, template <typename> class WithAlpha,
          unsigned Types>
void alpha_kernel(const TensorIter& it, const ElemArgs& args) {
  if (args.flags & 1) binary_kernel<Op, WithAlpha, Types>(it, args);
  else binary_kernel<Op, Plain, Types>(it, args);
}

#undef MT_M

}  // namespace

void register_binary(KernelTable& t) {
  auto set = [&t](BinaryOp op, ElemKernel k) { t.binary[op_index(op)] = k; };
#define MT_REG(Op, F, Types) set(BinaryOp::Op, binary_kernel<BinaryOp::Op, F, Types>)
  set(BinaryOp::Add, alpha_kernel<BinaryOp::Add, Add, AddAlpha, kAllTypes>);
  set(BinaryOp::Sub, alpha_kernel<BinaryOp::Sub, Sub, SubAlpha, kNoBool>);
  MT_REG(Mul, Mul, kAllTypes);
  MT_REG(Div, Div, kFloat);
  MT_REG(DivTrunc, DivTrunc, kNoBool);
  MT_REG(DivFloor, DivFloor, kNoBool);
  MT_REG(Remainder, Remainder, kNoBool);
  MT_REG(Fmod, Fmod, kNoBool);
  MT_REG(Pow, Pow, kAllTypes);
  MT_REG(Atan2, Atan2, kFloat);
  MT_REG(Maximum, Maximum, kAllTypes);
  MT_REG(Minimum, Minimum, kAllTypes);
  MT_REG(Fmax, Fmax, kAllTypes);
  MT_REG(Fmin, Fmin, kAllTypes);
  MT_REG(Eq, Eq, kAllTypes);
  MT_REG(Ne, Ne, kAllTypes);
  MT_REG(Lt, Lt, kAllTypes);
  MT_REG(Le, Le, kAllTypes);
  MT_REG(Gt, Gt, kAllTypes);
  MT_REG(Ge, Ge, kAllTypes);
  MT_REG(LogicalAnd, LogicalAnd, kAllTypes);
  MT_REG(LogicalOr, LogicalOr, kAllTypes);
  MT_REG(LogicalXor, LogicalXor, kAllTypes);
  MT_REG(BitwiseAnd, BitwiseAnd, kBool | kInt);
  MT_REG(BitwiseOr, BitwiseOr, kBool | kInt);
  MT_REG(BitwiseXor, BitwiseXor, kBool | kInt);
  MT_REG(Lshift, Lshift, kInt);
  MT_REG(Rshift, Rshift, kInt);
  MT_REG(IsClose, IsClose, kAllTypes);
  MT_REG(Lerp, LerpScalar, kFloat);
#undef MT_REG
  for (ElemKernel k : t.binary) MT_CHECK(k != nullptr, "a binary CPU kernel is not registered");
}

}  // namespace mt::cpu
