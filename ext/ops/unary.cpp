// unary.cpp: unary elementwise ops and clamp with scalar bounds.
//
// Type rules (PyTorch's): floating functions (exp, sin, sqrt, sigmoid, ...)
// of integer or bool input compute in the default float dtype; predicates
// (isnan, logical_not, ...) write bool; square of bool is int64; the rest
// keep the input dtype, and the kernel refuses dtypes the op does not
// support (NotImplementedError naming the op and dtype). clamp promotes the
// input with its scalar bounds like a binary op.
#include "elementwise_plan.h"

namespace mt::ops {
namespace {

enum class Rule : uint8_t { Same, FloatPromote, BoolOut };

Rule rule_of(UnaryOp op) {
  switch (op) {
    case UnaryOp::Exp:
    case UnaryOp::Exp2:
    case UnaryOp::Expm1:
    case UnaryOp::Log:
    case UnaryOp::Log2:
    case UnaryOp::Log10:
    case UnaryOp::Log1p:
    case UnaryOp::Sqrt:
    case UnaryOp::Rsqrt:
    case UnaryOp::Sin:
    case UnaryOp::Cos:
    case UnaryOp::Tan:
    case UnaryOp::Asin:
    case UnaryOp::Acos:
    case UnaryOp::Atan:
    case UnaryOp::Sinh:
    case UnaryOp::Cosh:
    case UnaryOp::Tanh:
    case UnaryOp::Asinh:
    case UnaryOp::Acosh:
    case UnaryOp::Atanh:
    case UnaryOp::Sigmoid:
    case UnaryOp::Logit:
    case UnaryOp::Erf:
    case UnaryOp::Erfc:
    case UnaryOp::Reciprocal:
    case UnaryOp::Erfinv:
      return Rule::FloatPromote;
    case UnaryOp::LogicalNot:
    case UnaryOp::IsNan:
    case UnaryOp::IsInf:
    case UnaryOp::IsFinite:
      return Rule::BoolOut;
    default:
      return Rule::Same;
  }
}

// The dtype the kernel computes in.
DType compute_dtype(UnaryOp op, const Tensor& x, DType default_float, const ElemArgs& args) {
  const DType dt = x->dtype();
  switch (op) {
    case UnaryOp::Neg:
      MT_CHECK(dt != DType::Bool,
               "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
               "to invert a mask, use the `~` or `logical_not()` operator instead.");
      break;
    case UnaryOp::Relu:
      MT_CHECK(dt != DType::Bool, "Boolean inputs not supported for relu");
      break;
    case UnaryOp::Square:
      if (dt == DType::Bool) return DType::Int64;  // square is pow(x, 2)
      break;
    case UnaryOp::Round:
      MT_CHECK_KIND(NotImplementedError, args.s[0].to_int() == 0 || is_floating(dt),
                    "\"round\" not implemented for '", info(dt).torch_name, "'");
      break;
    case UnaryOp::Clamp: {
      Operand o[3] = {{x.get(), {}}, {nullptr, args.s[0]}, {nullptr, args.s[1]}};
      int n = 1;
      if (args.flags & 1) o[n++] = o[1];
      if (args.flags & 2) o[n++] = o[2];
      const DType r = result_type(o, n, default_float);
      // PyTorch converts each bound to the result dtype, checked (int8
      // clamp(max=300) raises rather than wrapping the bound to 44).
      if (args.flags & 1) check_scalar_converts(args.s[0], r);
      if (args.flags & 2) check_scalar_converts(args.s[1], r);
      return r;
    }
    default:
      break;
  }
  if (rule_of(op) == Rule::FloatPromote && !is_floating(dt)) return default_float;
  return dt;
}

}  // namespace

Tensor unary(UnaryOp op, const Tensor& x, DType default_float, const ElemArgs& args, ElemOut out) {
  const DType ct = compute_dtype(op, x, default_float, args);
  const DType kernel_dtype = rule_of(op) == Rule::BoolOut ? DType::Bool : ct;
  Tensor in = elem::cast(x, ct);
  elem::OutPlan plan =
      elem::plan_out(x->sizes(), kernel_dtype, kernel_dtype, x->device(), out, x.get());
  // An empty tensor still goes through the kernel (over no elements): its dtype
  // check refuses what it refuses for every size, as PyTorch does (frac of an
  // empty int tensor raises).
  if (plan.target->numel() != 0) elem::separate_from_out(in, plan);
  const Device d = x->device();
  need(kernel_table(d.type).unary[op_index(op)], kUnaryNames[op_index(op)], d)(
      TensorIter::build({plan.target.get()}, {in.get()}, true), args);
  return elem::finish(plan);
}

Tensor positive(const Tensor& x) {
  MT_CHECK(x->dtype() != DType::Bool, "The `+` operator, on a bool tensor is not supported.");
  return x;
}

Tensor clamp(const Tensor& x, const Operand* lo, const Operand* hi, DType default_float,
             ElemOut out) {
  MT_CHECK(lo || hi, "torch.clamp: At least one of 'min' or 'max' must not be None");
  if ((!lo || !lo->tensor) && (!hi || !hi->tensor)) {
    ElemArgs args;
    if (lo) {
      args.s[0] = lo->scalar;
      args.flags |= 1;
    }
    if (hi) {
      args.s[1] = hi->scalar;
      args.flags |= 2;
    }
    return unary(UnaryOp::Clamp, x, default_float, args, out);
  }
  // Tensor bounds: one bound is maximum / minimum (which propagate NaN as
  // clamp does); two are the ternary kernel.
  const Operand self{x.get(), {}};
  if (!hi) return binary(BinaryOp::Maximum, self, *lo, default_float, {}, out);
  if (!lo) return binary(BinaryOp::Minimum, self, *hi, default_float, {}, out);
  return ternary(TernaryOp::Clamp, self, *lo, *hi, default_float, {}, out);
}

}  // namespace mt::ops
