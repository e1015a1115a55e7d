// dtype.h: the dtypes, declared once.
//
// MT_FORALL_DTYPES lists every dtype with its C type, enum name, the Python
// name (minitorch.<name>), PyTorch's internal name (used in error messages
// such as "result type Float can't be cast to the desired output type Long"),
// its category and the NumPy kind character. Everything else (enum, item
// sizes, names, the dispatch helper) is generated from this list. No other
// switch on dtype should exist; use mt::dispatch.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "error.h"
#include "half.h"

namespace mt {

// _(ctype, Enum, python_name, torch_name, category, numpy_kind)
// category: 0 bool, 1 integer, 2 floating.
#define MT_FORALL_DTYPES(_)                                   \
  _(bool, Bool, "bool", "Bool", 0, 'b')                       \
  _(uint8_t, UInt8, "uint8", "Byte", 1, 'u')                  \
  _(int8_t, Int8, "int8", "Char", 1, 'i')                     \
  _(int16_t, Int16, "int16", "Short", 1, 'i')                 \
  _(int32_t, Int32, "int32", "Int", 1, 'i')                   \
  _(int64_t, Int64, "int64", "Long", 1, 'i')                  \
  _(::mt::Half, Float16, "float16", "Half", 2, 'f')           \
  _(::mt::BFloat16, BFloat16, "bfloat16", "BFloat16", 2, '-') \
  _(float, Float32, "float32", "Float", 2, 'f')               \
  _(double, Float64, "float64", "Double", 2, 'f')

enum class DType : int8_t {
#define MT_ENUM(ct, E, py, th, cat, kind) E,
  MT_FORALL_DTYPES(MT_ENUM)
#undef MT_ENUM
};

inline constexpr int kNumDTypes = 0
#define MT_COUNT(ct, E, py, th, cat, kind) +1
    MT_FORALL_DTYPES(MT_COUNT)
#undef MT_COUNT
    ;
static_assert(kNumDTypes == 10, "update the promotion table when adding a dtype");

enum class Category : int8_t { Bool = 0, Integer = 1, Floating = 2 };

struct DTypeInfo {
  const char* name;        // "float32"
  const char* torch_name;  // "Float"
  int8_t itemsize;
  Category category;
  char numpy_kind;  // 'b', 'u', 'i', 'f'; '-' = no NumPy equivalent
};

inline constexpr std::array<DTypeInfo, kNumDTypes> kDTypeInfo = {{
#define MT_INFO(ct, E, py, th, cat, kind) {py, th, sizeof(ct), Category(cat), kind},
    MT_FORALL_DTYPES(MT_INFO)
#undef MT_INFO
}};

constexpr const DTypeInfo& info(DType d) { return kDTypeInfo[static_cast<int>(d)]; }
constexpr int64_t itemsize_of(DType d) { return info(d).itemsize; }
constexpr Category category(DType d) { return info(d).category; }
constexpr bool is_floating(DType d) { return category(d) == Category::Floating; }
constexpr bool is_integral(DType d, bool include_bool) {
  return category(d) == Category::Integer || (include_bool && d == DType::Bool);
}
constexpr bool is_signed(DType d) { return d != DType::Bool && d != DType::UInt8; }

// C++ type -> DType
template <typename T>
struct DTypeOf;
#define MT_DTYPE_OF(ct, E, py, th, cat, kind) \
  template <>                                 \
  struct DTypeOf<ct> {                        \
    static constexpr DType value = DType::E;  \
  };
MT_FORALL_DTYPES(MT_DTYPE_OF)
#undef MT_DTYPE_OF

template <typename T>
struct TypeTag {
  using type = T;
};

// dispatch(dt, f) calls f(TypeTag<scalar_t>{}) for the dtype's C type.
// Usage:  dispatch(dt, [&](auto tag) { using scalar_t = typename decltype(tag)::type; ... });
template <typename F>
decltype(auto) dispatch(DType dt, F&& f) {
  switch (dt) {
#define MT_CASE(ct, E, py, th, cat, kind) \
  case DType::E:                          \
    return f(TypeTag<ct>{});
    MT_FORALL_DTYPES(MT_CASE)
#undef MT_CASE
  }
  MT_THROW(RuntimeError, "unknown dtype");
}

// "opmath" type: the type kernels compute in (float for 16-bit floats).
template <typename T>
struct OpMath {
  using type = T;
};
template <>
struct OpMath<Half> {
  using type = float;
};
template <>
struct OpMath<BFloat16> {
  using type = float;
};
template <typename T>
using opmath_t = typename OpMath<T>::type;

// PyTorch's promote_types table restricted to minitorch's dtypes.
// Order: b1 u1 i1 i2 i4 i8 f2 bf f4 f8 (the enum order).
namespace detail {
#define b1 DType::Bool
#define u1 DType::UInt8
#define i1 DType::Int8
#define i2 DType::Int16
#define i4 DType::Int32
#define i8 DType::Int64
#define f2 DType::Float16
#define bf DType::BFloat16
#define f4 DType::Float32
#define f8 DType::Float64
inline constexpr DType kPromote[kNumDTypes][kNumDTypes] = {
    /* b1 */ {b1, u1, i1, i2, i4, i8, f2, bf, f4, f8},
    /* u1 */ {u1, u1, i2, i2, i4, i8, f2, bf, f4, f8},
    /* i1 */ {i1, i2, i1, i2, i4, i8, f2, bf, f4, f8},
    /* i2 */ {i2, i2, i2, i2, i4, i8, f2, bf, f4, f8},
    /* i4 */ {i4, i4, i4, i4, i4, i8, f2, bf, f4, f8},
    /* i8 */ {i8, i8, i8, i8, i8, i8, f2, bf, f4, f8},
    /* f2 */ {f2, f2, f2, f2, f2, f2, f2, f4, f4, f8},
    /* bf */ {bf, bf, bf, bf, bf, bf, f4, bf, f4, f8},
    /* f4 */ {f4, f4, f4, f4, f4, f4, f4, f4, f4, f8},
    /* f8 */ {f8, f8, f8, f8, f8, f8, f8, f8, f8, f8},
};
#undef b1
#undef u1
#undef i1
#undef i2
#undef i4
#undef i8
#undef f2
#undef bf
#undef f4
#undef f8
}  // namespace detail

constexpr DType promote_types(DType a, DType b) {
  return detail::kPromote[static_cast<int>(a)][static_cast<int>(b)];
}

// PyTorch's canCast: may a value of type `from` be written into `to` by an
// in-place op or out=? Floating -> integral and non-bool -> bool are refused.
constexpr bool can_cast(DType from, DType to) {
  if (is_floating(from) && !is_floating(to)) return false;
  if (from != DType::Bool && to == DType::Bool) return false;
  return true;
}

}  // namespace mt
