// elementwise_ops.h: the elementwise op family as the kernel tables see it.
//
// Each elementwise op is a value of UnaryOp, BinaryOp or TernaryOp, declared
// once in the X-macro lists below (enum name, kernel name used in messages
// such as `"bitwise_and_cpu" not implemented for 'Float'`). A backend
// registers one kernel per op in KernelTable::unary / binary / ternary, all
// with the signature ElemKernel.
//
// Contract between ext/ops and the kernels (see ext/ops/unary.cpp and
// ext/ops/binary.cpp, which establish it):
// - the iterator's operands are [out, in0, in1, ...]; every input already has
//   the op's compute dtype (the last input's dtype), except where's condition
//   (bool). The output has the compute dtype, or bool for predicates
//   (comparisons, logical ops, isnan, isclose, ...);
// - a binary op may get one input as a Scalar instead of a tensor
//   (ElemArgs::scalar_pos), so `t + 2.0` costs no tensor allocation; the
//   kernel converts it to the compute type once;
// - op parameters (alpha, eps, clamp bounds, ...) travel in ElemArgs::s,
//   their presence in ElemArgs::flags, as each list entry documents.
#pragma once

#include <cstdint>

#include "iterator.h"
#include "scalar.h"

namespace mt {

// _(Enum, kernel_name)
#define MT_FORALL_UNARY_OPS(_)                                                         \
  _(Neg, "neg")                                                                        \
  _(Abs, "abs")                                                                        \
  _(Sign, "sign")                                                                      \
  _(Exp, "exp")                                                                        \
  _(Exp2, "exp2")                                                                      \
  _(Expm1, "expm1")                                                                    \
  _(Log, "log")                                                                        \
  _(Log2, "log2")                                                                      \
  _(Log10, "log10")                                                                    \
  _(Log1p, "log1p")                                                                    \
  _(Sqrt, "sqrt")                                                                      \
  _(Rsqrt, "rsqrt")                                                                    \
  _(Square, "square")                                                                  \
  _(Sin, "sin")                                                                        \
  _(Cos, "cos")                                                                        \
  _(Tan, "tan")                                                                        \
  _(Asin, "asin")                                                                      \
  _(Acos, "acos")                                                                      \
  _(Atan, "atan")                                                                      \
  _(Sinh, "sinh")                                                                      \
  _(Cosh, "cosh")                                                                      \
  _(Tanh, "tanh")                                                                      \
  _(Asinh, "asinh")                                                                    \
  _(Acosh, "acosh")                                                                    \
  _(Atanh, "atanh")                                                                    \
  _(Sigmoid, "sigmoid")                                                                \
  _(Logit, "logit") /* s0 = eps when flags & 1 */                                      \
  _(Relu, "relu")                                                                      \
  _(Gelu, "gelu") /* flags & 1: tanh approximation */                                  \
  _(Silu, "silu")                                                                      \
  _(Softplus, "softplus") /* s0 = beta, s1 = threshold */                              \
  _(Erf, "erf")                                                                        \
  _(Erfc, "erfc")                                                                      \
  _(Floor, "floor")                                                                    \
  _(Ceil, "ceil")                                                                      \
  _(Round, "round") /* s0 = decimals (int) */                                          \
  _(Trunc, "trunc")                                                                    \
  _(Frac, "frac")                                                                      \
  _(Reciprocal, "reciprocal")                                                          \
  _(LogicalNot, "logical_not") /* -> bool */                                           \
  _(BitwiseNot, "bitwise_not")                                                         \
  _(IsNan, "isnan")         /* -> bool */                                              \
  _(IsInf, "isinf")         /* -> bool */                                              \
  _(IsFinite, "isfinite")   /* -> bool */                                              \
  _(NanToNum, "nan_to_num") /* s0 = nan, s1 = posinf (flags & 1), s2 = neginf (& 2) */ \
  _(Clamp, "clamp")         /* s0 = min (flags & 1), s1 = max (flags & 2) */           \
  _(Erfinv, "erfinv")

// a op b. Predicates (Eq ... Ge, Logical*, IsClose) write bool.
#define MT_FORALL_BINARY_OPS(_)                                                            \
  _(Add, "add") /* s0 = alpha when flags & 1 */                                            \
  _(Sub, "sub") /* s0 = alpha when flags & 1 */                                            \
  _(Mul, "mul")                                                                            \
  _(Div, "div_true")                                                                       \
  _(DivTrunc, "div_trunc")                                                                 \
  _(DivFloor, "div_floor")                                                                 \
  _(Remainder, "remainder")                                                                \
  _(Fmod, "fmod")                                                                          \
  _(Pow, "pow")                                                                            \
  _(Atan2, "atan2")                                                                        \
  _(Maximum, "maximum")                                                                    \
  _(Minimum, "minimum")                                                                    \
  _(Fmax, "fmax")                                                                          \
  _(Fmin, "fmin")                                                                          \
  _(Eq, "eq")                                                                              \
  _(Ne, "ne")                                                                              \
  _(Lt, "lt")                                                                              \
  _(Le, "le")                                                                              \
  _(Gt, "gt")                                                                              \
  _(Ge, "ge")                                                                              \
  _(LogicalAnd, "logical_and")                                                             \
  _(LogicalOr, "logical_or")                                                               \
  _(LogicalXor, "logical_xor")                                                             \
  _(BitwiseAnd, "bitwise_and")                                                             \
  _(BitwiseOr, "bitwise_or")                                                               \
  _(BitwiseXor, "bitwise_xor")                                                             \
  _(Lshift, "lshift")                                                                      \
  _(Rshift, "rshift")                                                                      \
  _(IsClose, "isclose")         /* s0 = rtol, s1 = atol (doubles), flags & 1: equal_nan */ \
  _(Lerp, "lerp_kernel_scalar") /* s0 = weight */                                          \
  _(LogAddExp, "logaddexp")                                                                \
  _(LogAddExp2, "logaddexp2")                                                              \
  _(Hypot, "hypot")                                                                        \
  _(Xlogy, "xlogy")                                                                        \
  _(Heaviside, "heaviside")                                                                \
  _(Copysign, "copysign")                                                                  \
  _(Nextafter, "nextafter")

// f(in0, in1, in2).
#define MT_FORALL_TERNARY_OPS(_)                                \
  _(Where, "where") /* in0 is the bool condition */             \
  _(Clamp, "clamp") /* clamp(x, min, max) with tensor bounds */ \
  _(Lerp, "lerp_kernel_tensor")                                 \
  _(Addcmul, "addcmul") /* s0 = value */                        \
  _(Addcdiv, "addcdiv") /* s0 = value */

#define MT_ELEM_ENUM(E, name) E,
enum class UnaryOp : uint8_t { MT_FORALL_UNARY_OPS(MT_ELEM_ENUM) };
enum class BinaryOp : uint8_t { MT_FORALL_BINARY_OPS(MT_ELEM_ENUM) };
enum class TernaryOp : uint8_t { MT_FORALL_TERNARY_OPS(MT_ELEM_ENUM) };
#undef MT_ELEM_ENUM

#define MT_ELEM_COUNT(E, name) +1
inline constexpr int kNumUnaryOps = 0 MT_FORALL_UNARY_OPS(MT_ELEM_COUNT);
inline constexpr int kNumBinaryOps = 0 MT_FORALL_BINARY_OPS(MT_ELEM_COUNT);
inline constexpr int kNumTernaryOps = 0 MT_FORALL_TERNARY_OPS(MT_ELEM_COUNT);
#undef MT_ELEM_COUNT
static_assert(kNumUnaryOps == 47 && kNumBinaryOps == 37 && kNumTernaryOps == 5,
              "update the per-op tables in ext/ops and the backends when adding an op");

#define MT_ELEM_NAME(E, name) name,
inline constexpr const char* kUnaryNames[kNumUnaryOps] = {MT_FORALL_UNARY_OPS(MT_ELEM_NAME)};
inline constexpr const char* kBinaryNames[kNumBinaryOps] = {MT_FORALL_BINARY_OPS(MT_ELEM_NAME)};
inline constexpr const char* kTernaryNames[kNumTernaryOps] = {MT_FORALL_TERNARY_OPS(MT_ELEM_NAME)};
#undef MT_ELEM_NAME

constexpr int op_index(UnaryOp op) { return static_cast<int>(op); }
constexpr int op_index(BinaryOp op) { return static_cast<int>(op); }
constexpr int op_index(TernaryOp op) { return static_cast<int>(op); }

// Parameters of one elementwise call (see the lists above).
struct ElemArgs {
  Scalar s[3];
  uint8_t flags = 0;
  // A binary op's input given as a number: it stands for input `scalar_pos`
  // (0 or 1); the iterator then holds [out, other input]. -1: both tensors.
  int8_t scalar_pos = -1;
  Scalar operand;
};

using ElemKernel = void (*)(const TensorIter& it, const ElemArgs& args);

}  // namespace mt
