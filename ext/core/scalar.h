// scalar.h: a Python-free number (bool, integer or floating).
//
// Scalars take part in type promotion as "wrapped numbers" (PyTorch's weak
// scalars): see result_type in ext/ops.
#pragma once

#include <cstdint>

#include "dtype.h"

namespace mt {

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
  int64_t to_int() const { return kind == Kind::Float ? static_cast<int64_t>(d) : i; }

  // Converts to a kernel's C type (through the opmath type for 16-bit floats).
  template <typename T>
  T to() const {
    if constexpr (std::is_same_v<T, bool>) {
      return kind == Kind::Float ? d != 0 : i != 0;
    } else if (kind == Kind::Float) {
      return static_cast<T>(static_cast<opmath_t<T>>(d));
    } else {
      return static_cast<T>(static_cast<opmath_t<T>>(i));
    }
  }
};

}  // namespace mt
