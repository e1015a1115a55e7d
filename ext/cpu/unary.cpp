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
#include "../core/functors/unary.h"
#include "elementwise_loops.h"

namespace mt::cpu {

// The functors live in ext/core/functors/unary.h, shared with ext/cuda.
void register_unary(KernelTable& t) {
  using namespace mt::functors;
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
