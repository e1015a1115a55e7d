// half.h: 16-bit floating types stored as raw bits, computed in float.
//
// Kernels compute half and bfloat16 in float ("opmath") and round on store,
// as PyTorch and NumPy do. Conversions are written out with bit operations so
// they need no compiler extension (_Float16 / __bf16 availability differs
// between compilers and targets). Rounding is round-to-nearest-even; NaN stays
// NaN, overflow goes to infinity.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

namespace mt {

inline uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float bits_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

inline float half_to_float(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t man = h & 0x3ffu;
  if (exp == 0x1f) return bits_float(sign | 0x7f800000u | (man << 13));  // inf / nan
  if (exp == 0) {
    if (man == 0) return bits_float(sign);
    // subnormal: value = man * 2^-24
    float v = static_cast<float>(man) * 5.9604644775390625e-08f;
    return sign ? -v : v;
  }
  return bits_float(sign | ((exp + 112) << 23) | (man << 13));
}

inline uint16_t float_to_half(float f) {
  uint32_t u = float_bits(f);
  uint32_t sign = (u >> 16) & 0x8000u;
  uint32_t abs = u & 0x7fffffffu;
  if (abs >= 0x7f800000u) {  // inf or nan
    return static_cast<uint16_t>(sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u : 0u));
  }
  if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds to inf
  if (abs < 0x38800000u) {                    // subnormal half or zero: round(|f| / 2^-24)
    float v = bits_float(abs) * 16777216.0f;  // exact scaling by 2^24
    // round half to even via the float adder
    float r = (v + 8388608.0f) - 8388608.0f;
    return static_cast<uint16_t>(sign | static_cast<uint32_t>(r));
  }
  uint32_t mant_odd = (abs >> 13) & 1u;
  abs += 0xc8000fffu + mant_odd;  // rebias exponent (-112 << 23) and round to nearest even
  return static_cast<uint16_t>(sign | (abs >> 13));
}

inline float bf16_to_float(uint16_t b) { return bits_float(static_cast<uint32_t>(b) << 16); }

inline uint16_t float_to_bf16(float f) {
  uint32_t u = float_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((u >> 16) | 0x40u);  // quiet nan
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}

struct FromBits {};

// Half and BFloat16 convert implicitly to and from every arithmetic type
// through float, so generic kernel code can treat them like float.
#define MT_DEFINE_16BIT_FLOAT(Name, to_float, from_float)                                        \
  struct Name {                                                                                  \
    uint16_t x;                                                                                  \
    Name() = default;                                                                            \
    constexpr Name(uint16_t bits, FromBits) : x(bits) {}                                         \
    Name(float f) : x(from_float(f)) {}                                                          \
    template <typename T,                                                                        \
              typename = std::enable_if_t<std::is_arithmetic_v<T> && !std::is_same_v<T, float>>> \
    Name(T v) : x(from_float(static_cast<float>(v))) {}                                          \
    operator float() const { return to_float(x); }                                               \
  };
MT_DEFINE_16BIT_FLOAT(Half, half_to_float, float_to_half)
MT_DEFINE_16BIT_FLOAT(BFloat16, bf16_to_float, float_to_bf16)
#undef MT_DEFINE_16BIT_FLOAT

static_assert(sizeof(Half) == 2 && sizeof(BFloat16) == 2);

}  // namespace mt
