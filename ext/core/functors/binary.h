// binary.h: the math of the binary elementwise ops (ext/core/elementwise_ops.h),
// one functor per op, shared by the CPU backend and a CUDA one (Note [Kernel
// functors] in common.h).
//
// Integer division and remainder by zero are refused by ext/ops before any
// kernel runs (RuntimeError "ZeroDivisionError", as PyTorch); the functors
// return 0 for them rather than trap. x / -1 is computed as a wrapping
// negation so INT_MIN / -1 cannot raise SIGFPE either.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "common.h"

namespace mt::functors {

#define MT_M using M = opmath_t<T>

template <typename M>
MT_HOST_DEVICE inline M abs_(M x) {
  return x < M(0) ? -x : x;
}

template <typename T>
struct Add {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b) const { return wrapping_add(a, b); }
};
template <typename T>
struct AddAlpha {
  MT_M;
  M alpha;
  explicit AddAlpha(const ElemArgs& args) : alpha(scalar_as<T>(args.s[0])) {}
  MT_HOST_DEVICE M operator()(M a, M b) const { return wrapping_add(a, wrapping_mul(alpha, b)); }
};
template <typename T>
struct Sub {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b) const { return wrapping_sub(a, b); }
};
template <typename T>
struct SubAlpha {
  MT_M;
  M alpha;
  explicit SubAlpha(const ElemArgs& args) : alpha(scalar_as<T>(args.s[0])) {}
  MT_HOST_DEVICE M operator()(M a, M b) const { return wrapping_sub(a, wrapping_mul(alpha, b)); }
};
template <typename T>
struct Mul {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b) const { return wrapping_mul(a, b); }
};
template <typename T>
struct Div {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b) const { return a / b; }
};
template <typename T>
struct DivTrunc {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b) const {
    if constexpr (is_fp<T>) {
      return std::trunc(a / b);
    } else {
      if (b == M(0)) return M(0);  // refused in ext/ops (Note [Kernel functors])
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
  MT_HOST_DEVICE M operator()(M a, M b) const {
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
      if (b == M(0)) return M(0);  // refused in ext/ops (Note [Kernel functors])
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
  MT_HOST_DEVICE M operator()(M a, M b) const {
    if constexpr (is_fp<T>) {
      M mod = std::fmod(a, b);
      if (mod != M(0) && ((b < M(0)) != (mod < M(0)))) mod += b;
      return mod;
    } else {
      if (b == M(0)) return M(0);  // refused in ext/ops (Note [Kernel functors])
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
  MT_HOST_DEVICE M operator()(M a, M b) const {
    if constexpr (is_fp<T>) {
      return std::fmod(a, b);
    } else {
      if (b == M(0)) return M(0);  // refused in ext/ops (Note [Kernel functors])
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
  MT_HOST_DEVICE M operator()(M a, M b) const {
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
  MT_HOST_DEVICE M operator()(M a, M b) const { return std::atan2(a, b); }
};
template <typename T>
struct Maximum {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b) const {
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
  MT_HOST_DEVICE M operator()(M a, M b) const {
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
  MT_HOST_DEVICE M operator()(M a, M b) const {
    if constexpr (is_fp<T>)
      return std::fmax(a, b);
    else
      return a > b ? a : b;
  }
};
template <typename T>
struct Fmin {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b) const {
    if constexpr (is_fp<T>)
      return std::fmin(a, b);
    else
      return a < b ? a : b;
  }
};
template <typename T>
struct Eq {
  MT_M;
  MT_HOST_DEVICE bool operator()(M a, M b) const { return a == b; }
};
template <typename T>
struct Ne {
  MT_M;
  MT_HOST_DEVICE bool operator()(M a, M b) const { return a != b; }
};
template <typename T>
struct Lt {
  MT_M;
  MT_HOST_DEVICE bool operator()(M a, M b) const { return a < b; }
};
template <typename T>
struct Le {
  MT_M;
  MT_HOST_DEVICE bool operator()(M a, M b) const { return a <= b; }
};
template <typename T>
struct Gt {
  MT_M;
  MT_HOST_DEVICE bool operator()(M a, M b) const { return a > b; }
};
template <typename T>
struct Ge {
  MT_M;
  MT_HOST_DEVICE bool operator()(M a, M b) const { return a >= b; }
};
template <typename T>
struct LogicalAnd {
  MT_M;
  MT_HOST_DEVICE bool operator()(M a, M b) const { return (a != M(0)) && (b != M(0)); }
};
template <typename T>
struct LogicalOr {
  MT_M;
  MT_HOST_DEVICE bool operator()(M a, M b) const { return (a != M(0)) || (b != M(0)); }
};
template <typename T>
struct LogicalXor {
  MT_M;
  MT_HOST_DEVICE bool operator()(M a, M b) const { return (a != M(0)) != (b != M(0)); }
};
template <typename T>
struct BitwiseAnd {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b) const { return static_cast<M>(a & b); }
};
template <typename T>
struct BitwiseOr {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b) const { return static_cast<M>(a | b); }
};
template <typename T>
struct BitwiseXor {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b) const { return static_cast<M>(a ^ b); }
};
// Shifts by a negative amount or by the bit width or more give 0 (left) or
// the sign fill (right), as PyTorch.
template <typename T>
struct Lshift {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b) const {
    using U = std::make_unsigned_t<M>;
    constexpr int64_t bits = sizeof(M) * 8;
    if (static_cast<int64_t>(b) < 0 || static_cast<int64_t>(b) >= bits) return 0;
    return static_cast<M>(static_cast<U>(a) << b);
  }
};
template <typename T>
struct Rshift {
  MT_M;
  MT_HOST_DEVICE M operator()(M a, M b) const {
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
  MT_HOST_DEVICE bool operator()(M a, M b) const {
    if (a == b) return true;
    if constexpr (is_fp<T>) {
      if (a != a || b != b) return equal_nan && a != a && b != b;
      auto rnd = [](M v) { return static_cast<M>(static_cast<T>(v)); };
      M allowed = rnd(static_cast<M>(atol) + rnd(abs_(rnd(static_cast<M>(rtol) * b))));
      M actual = rnd(abs_(a - b));
      return std::isfinite(actual) && actual <= allowed;
    } else {
      double allowed = static_cast<float>(atol + abs_(static_cast<float>(rtol * double(b))));
      double actual = abs_(double(a) - double(b));
      return actual <= allowed;
    }
  }
};
template <typename T>
struct LerpScalar {
  MT_M;
  M w;
  explicit LerpScalar(const ElemArgs& a) : w(static_cast<M>(a.s[0].to_double())) {}
  MT_HOST_DEVICE M operator()(M a, M b) const { return lerp(a, b, w); }
};

#undef MT_M

}  // namespace mt::functors
