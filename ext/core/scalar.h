// scalar.h: a Python-free number (bool, integer or floating).
//
// Scalars take part in type promotion as "wrapped numbers" (PyTorch's weak
// scalars): see result_type in ext/ops.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "dtype.h"
#include "macros.h"

namespace mt {

// Note [Float to integer casts]
// C++ leaves a floating value outside an integer type's range (and NaN)
// without a defined conversion. PyTorch's CPU result there is what x86's
// truncating conversion gives: int64 takes INT64_MIN; narrower integer
// types convert through int32 (INT32_MIN when out of its range) and keep
// the low bits (int8 of 300.0 is 44, uint8 of -1.0 is 255, int16 of inf is
// 0). float_to_int gives those results with defined operations only; bool
// is v != 0 (NaN is true).
template <typename I, typename F>
MT_HOST_DEVICE inline I float_to_int(F v) {
  if constexpr (std::is_same_v<I, bool>) {
    return v != F(0);
  } else if constexpr (sizeof(I) == 8) {
    if (!(v >= F(-9223372036854775808.0) && v < F(9223372036854775808.0)))
      return static_cast<I>(std::numeric_limits<int64_t>::min());
    return static_cast<I>(static_cast<int64_t>(v));
  } else {
    if (!(v >= F(-2147483648.0) && v < F(2147483648.0)))
      return static_cast<I>(std::numeric_limits<int32_t>::min());
    return static_cast<I>(static_cast<int32_t>(v));
  }
}

// static_cast<D>(v), except floating -> integer, which is float_to_int.
template <typename D, typename S>
MT_HOST_DEVICE inline D convert_value(S v) {
  if constexpr (std::is_integral_v<D> && std::is_floating_point_v<S>)
    return float_to_int<D>(v);
  else
    return static_cast<D>(v);
}

struct Scalar {
  enum class Kind : int8_t { Bool, Int, Float };
  Kind kind = Kind::Int;
  union {
    int64_t i;
    double d;
  };

  Scalar() : i(0) {}
  static Scalar from_bool(bool b) {
    Scalar s;
    s.kind = Kind::Bool;
    s.i = b;
    return s;
  }
  static Scalar from_int(int64_t v) {
    Scalar s;
    s.kind = Kind::Int;
    s.i = v;
    return s;
  }
  static Scalar from_double(double v) {
    Scalar s;
    s.kind = Kind::Float;
    s.d = v;
    return s;
  }

  bool is_floating() const { return kind == Kind::Float; }
  bool is_integral() const { return kind == Kind::Int; }
  bool is_bool() const { return kind == Kind::Bool; }
  double to_double() const { return kind == Kind::Float ? d : static_cast<double>(i); }
  int64_t to_int() const { return kind == Kind::Float ? float_to_int<int64_t>(d) : i; }

  // Converts to a kernel's C type (through the opmath type for 16-bit floats).
  template <typename T>
  T to() const {
    if constexpr (std::is_same_v<T, bool>) {
      return kind == Kind::Float ? d != 0 : i != 0;
    } else if (kind == Kind::Float) {
      if constexpr (std::is_integral_v<T>)
        return float_to_int<T>(d);  // Note [Float to integer casts]
      return static_cast<T>(static_cast<opmath_t<T>>(d));
    } else {
      return static_cast<T>(static_cast<opmath_t<T>>(i));
    }
  }

  // PyTorch's checked conversion: would writing this value into a T lose it?
  // Integral T: the value must lie in T's range (NaN and infinities never
  // do); unsigned T also takes negatives down to -max, which wrap as two's
  // complement (PyTorch lets uint8 take -1). float and half: a finite
  // floating value beyond the type's range overflows (infinity, NaN and
  // integers convert). bool, bfloat16 and double never overflow. Callers
  // raise "value cannot be converted to type ... without overflow".
  template <typename T>
  bool overflows() const {
    using L = std::numeric_limits<T>;
    if (kind == Kind::Bool || std::is_same_v<T, bool>) return false;
    if constexpr (std::is_integral_v<T>) {
      if (kind == Kind::Float) {
        if (std::isnan(d)) return true;
        // (double)max rounds up to 2^63 for 64-bit T, which is already out of range.
        if (sizeof(T) == 8 && d >= 9223372036854775808.0) return true;
        return d < static_cast<double>(L::lowest()) || d > static_cast<double>(L::max());
      }
      if constexpr (std::is_unsigned_v<T>) {
        return i > static_cast<int64_t>(L::max()) ||
               (i < 0 && -static_cast<uint64_t>(i) > static_cast<uint64_t>(L::max()));
      } else {
        return i < static_cast<int64_t>(L::lowest()) || i > static_cast<int64_t>(L::max());
      }
    } else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, Half>) {
      // float: +-FLT_MAX; half: +-65504. Integers never count (PyTorch rounds them).
      double max = 65504.0;
      if constexpr (std::is_same_v<T, float>) max = static_cast<double>(L::max());
      return kind == Kind::Float && std::isfinite(d) && (d > max || d < -max);
    } else {
      return false;
    }
  }

  // c10's checked conversion, which masked_fill, index_fill and clamp's
  // scalar bounds apply: integral T as overflows(); a floating T narrower
  // than double (half, bfloat16, float) refuses every finite value beyond
  // its largest, integers included, and takes NaN and the infinities.
  template <typename T>
  bool overflows_checked() const {
    if constexpr (std::is_integral_v<T>) {
      return overflows<T>();
    } else if constexpr (std::is_same_v<T, double>) {
      return false;
    } else {
      if (kind == Kind::Bool) return false;
      double v = to_double(), max = 65504.0;  // half
      if constexpr (std::is_same_v<T, float>)
        max = static_cast<double>(std::numeric_limits<float>::max());
      if constexpr (std::is_same_v<T, BFloat16>) max = 3.3895313892515355e38;
      return std::isfinite(v) && (v > max || v < -max);
    }
  }
};

}  // namespace mt
