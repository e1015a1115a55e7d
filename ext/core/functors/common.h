// common.h: pieces every functor header uses.
//
// Note [Kernel functors]
// A functor F<T> is templated on the storage type T, computes in
// M = opmath_t<T> and returns M (bool for predicates). Its call operator is
// MT_HOST_DEVICE and never throws or allocates, so a CUDA backend can run the
// same code in a __global__ kernel: checks that need an error (integer
// division by zero, say) run in ext/ops before any kernel starts, and a
// functor handed such input anyway returns a harmless value instead of
// trapping. Functors with parameters are built on the host from ElemArgs
// (their constructors are host-only) and are trivially copyable, so a
// backend may pass them to a device by value.
#pragma once

#include <type_traits>

#include "../dtype.h"
#include "../elementwise_ops.h"
#include "../macros.h"
#include "../scalar.h"

namespace mt::functors {

// Whether T is a floating storage type (float, double, Half, BFloat16).
template <typename T>
inline constexpr bool is_fp = !std::is_integral_v<T>;

// A Scalar as a kernel computing on T sees it. Floating types take the
// value in opmath precision (PyTorch reads a wrapped number the same way:
// `half_t * 0.1` multiplies by 0.1f, not by half(0.1)); integers wrap.
template <typename T>
opmath_t<T> scalar_as(const Scalar& s) {
  using M = opmath_t<T>;
  if constexpr (std::is_same_v<T, bool>)
    return s.to<bool>();
  else if constexpr (std::is_integral_v<T>)
    return s.to<T>();
  else
    return static_cast<M>(s.to_double());
}

// -x without signed-overflow UB (two's-complement wrap).
template <typename M>
MT_HOST_DEVICE inline M wrapping_neg(M x) {
  using U = std::make_unsigned_t<M>;
  return static_cast<M>(U(0) - static_cast<U>(x));
}

// a + b, a - b and a * b with two's-complement wrap for signed integers, as
// PyTorch's kernels behave (signed overflow is UB in C++, so the math is done
// in the unsigned type of the promoted operands: int16 * int16 goes through
// unsigned int, never through a signed int that could overflow). Floats and
// bool are computed as written.
template <typename M>
using wrap_unsigned_t = std::make_unsigned_t<decltype(M() + M())>;
template <typename M>
constexpr bool wraps_v = std::is_integral_v<M> && std::is_signed_v<M>;
template <typename M>
MT_HOST_DEVICE inline M wrapping_add(M a, M b) {
  if constexpr (wraps_v<M>)
    return static_cast<M>(static_cast<wrap_unsigned_t<M>>(a) + static_cast<wrap_unsigned_t<M>>(b));
  else
    return static_cast<M>(a + b);
}
template <typename M>
MT_HOST_DEVICE inline M wrapping_sub(M a, M b) {
  if constexpr (wraps_v<M>)
    return static_cast<M>(static_cast<wrap_unsigned_t<M>>(a) - static_cast<wrap_unsigned_t<M>>(b));
  else
    return static_cast<M>(a - b);
}
template <typename M>
MT_HOST_DEVICE inline M wrapping_mul(M a, M b) {
  if constexpr (wraps_v<M>)
    return static_cast<M>(static_cast<wrap_unsigned_t<M>>(a) * static_cast<wrap_unsigned_t<M>>(b));
  else
    return static_cast<M>(a * b);
}

// start + w * (end - start), from the nearer end for |w| >= 0.5 so lerp(a,
// b, 1) == b exactly (PyTorch's formula).
template <typename M>
MT_HOST_DEVICE inline M lerp(M a, M b, M w) {
  const M aw = w < M(0) ? -w : w;
  return aw < M(0.5) ? a + w * (b - a) : b - (b - a) * (M(1) - w);
}

}  // namespace mt::functors
