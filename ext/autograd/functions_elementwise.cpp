// functions_elementwise.cpp: the elementwise family's ag:: entries and
// backward formulas, one short case per op (STYLE.md rule 11). Node names
// are PyTorch's (AddBackward0, ...).
#include <cmath>

#include "formulas.h"

namespace mt::ag {

namespace {

using ops::ElemOut;
using ops::Operand;

constexpr double kLn2 = 0.69314718055994530942;
constexpr double kLn10 = 2.30258509299404568402;
constexpr double kPi = 3.14159265358979323846;

Operand opnd(const Tensor& t) { return {t.get(), {}}; }
Operand opnd(double v) { return {nullptr, Scalar::from_double(v)}; }

Tensor pow_scalar(const Tensor& x, double e) {
  return ag::binary(BinaryOp::Pow, opnd(x), opnd(e), x->dtype());
}

// Which saved tensors a unary formula reads: the input, the result, or none.
enum class Uses { None, Input, Result };

Uses unary_uses(UnaryOp op) {
  switch (op) {
    case UnaryOp::Exp:
    case UnaryOp::Exp2:
    case UnaryOp::Expm1:
    case UnaryOp::Sqrt:
    case UnaryOp::Rsqrt:
    case UnaryOp::Tan:
    case UnaryOp::Tanh:
    case UnaryOp::Sigmoid:
    case UnaryOp::Relu:
    case UnaryOp::Reciprocal:
      return Uses::Result;
    case UnaryOp::Neg:
    case UnaryOp::Sign:
    case UnaryOp::Floor:
    case UnaryOp::Ceil:
    case UnaryOp::Round:
    case UnaryOp::Trunc:
    case UnaryOp::Frac:
      return Uses::None;
    default:
      return Uses::Input;
  }
}

const char* unary_name(UnaryOp op) {
  switch (op) {
#define MT_CASE(E, N) \
  case UnaryOp::E:    \
    return N;
    MT_CASE(Neg, "NegBackward0")
    MT_CASE(Abs, "AbsBackward0")
    MT_CASE(Sign, "SignBackward0")
    MT_CASE(Exp, "ExpBackward0")
    MT_CASE(Exp2, "Exp2Backward0")
    MT_CASE(Expm1, "Expm1Backward0")
    MT_CASE(Log, "LogBackward0")
    MT_CASE(Log2, "Log2Backward0")
    MT_CASE(Log10, "Log10Backward0")
    MT_CASE(Log1p, "Log1PBackward0")
    MT_CASE(Sqrt, "SqrtBackward0")
    MT_CASE(Rsqrt, "RsqrtBackward0")
    MT_CASE(Square, "PowBackward0")
    MT_CASE(Sin, "SinBackward0")
    MT_CASE(Cos, "CosBackward0")
    MT_CASE(Tan, "TanBackward0")
    MT_CASE(Asin, "AsinBackward0")
    MT_CASE(Acos, "AcosBackward0")
    MT_CASE(Atan, "AtanBackward0")
    MT_CASE(Sinh, "SinhBackward0")
    MT_CASE(Cosh, "CoshBackward0")
    MT_CASE(Tanh, "TanhBackward0")
    MT_CASE(Asinh, "AsinhBackward0")
    MT_CASE(Acosh, "AcoshBackward0")
    MT_CASE(Atanh, "AtanhBackward0")
    MT_CASE(Sigmoid, "SigmoidBackward0")
    MT_CASE(Logit, "LogitBackward0")
    MT_CASE(Relu, "ReluBackward0")
    MT_CASE(Gelu, "GeluBackward0")
    MT_CASE(Silu, "SiluBackward0")
    MT_CASE(Softplus, "SoftplusBackward0")
    MT_CASE(Erf, "ErfBackward0")
    MT_CASE(Erfc, "ErfcBackward0")
    MT_CASE(Floor, "FloorBackward0")
    MT_CASE(Ceil, "CeilBackward0")
    MT_CASE(Round, "RoundBackward0")
    MT_CASE(Trunc, "TruncBackward0")
    MT_CASE(Frac, "FracBackward0")
    MT_CASE(Reciprocal, "ReciprocalBackward0")
    MT_CASE(NanToNum, "NanToNumBackward0")
    MT_CASE(Clamp, "ClampBackward1")
#undef MT_CASE
    default:
      return nullptr;  // not differentiable (bool or integer results)
  }
}

std::vector<Tensor> unary_backward(FnNode& n, std::vector<Tensor>& grads) {
  const Tensor& g = grads[0];
  auto op = static_cast<UnaryOp>(n.code);
  Uses uses = unary_uses(op);
  Tensor x = uses == Uses::Input ? n.saved_at(0) : Tensor();
  Tensor y = uses == Uses::Result ? n.saved_at(0) : Tensor();
  const ElemArgs& a = n.args;
  switch (op) {
    case UnaryOp::Neg:
      return {neg(g)};
    case UnaryOp::Abs:
      return {mul(g, un(UnaryOp::Sign, x))};
    case UnaryOp::Sign:
    case UnaryOp::Floor:
    case UnaryOp::Ceil:
    case UnaryOp::Round:
    case UnaryOp::Trunc:
      return {zeros_like(g)};
    case UnaryOp::Frac:
      return {g};
    case UnaryOp::Exp:
      return {mul(g, y)};
    case UnaryOp::Exp2:
      return {mul(mul(g, y), kLn2)};
    case UnaryOp::Expm1:
      return {mul(g, add(y, 1.0))};
    case UnaryOp::Log:
      return {div(g, x)};
    case UnaryOp::Log2:
      return {div(g, mul(x, kLn2))};
    case UnaryOp::Log10:
      return {div(g, mul(x, kLn10))};
    case UnaryOp::Log1p:
      return {div(g, add(x, 1.0))};
    case UnaryOp::Sqrt:
      return {div(g, mul(y, 2.0))};
    case UnaryOp::Rsqrt:
      return {mul(mul(g, pow_scalar(y, 3.0)), -0.5)};
    case UnaryOp::Square:
      return {mul(g, mul(x, 2.0))};
    case UnaryOp::Sin:
      return {mul(g, un(UnaryOp::Cos, x))};
    case UnaryOp::Cos:
      return {neg(mul(g, un(UnaryOp::Sin, x)))};
    case UnaryOp::Tan:
      return {mul(g, add(mul(y, y), 1.0))};
    case UnaryOp::Asin:
      return {mul(g, un(UnaryOp::Rsqrt, rsub(1.0, mul(x, x))))};
    case UnaryOp::Acos:
      return {neg(mul(g, un(UnaryOp::Rsqrt, rsub(1.0, mul(x, x)))))};
    case UnaryOp::Atan:
      return {div(g, add(mul(x, x), 1.0))};
    case UnaryOp::Sinh:
      return {mul(g, un(UnaryOp::Cosh, x))};
    case UnaryOp::Cosh:
      return {mul(g, un(UnaryOp::Sinh, x))};
    case UnaryOp::Tanh:
      return {mul(g, rsub(1.0, mul(y, y)))};
    case UnaryOp::Asinh:
      return {mul(g, un(UnaryOp::Rsqrt, add(mul(x, x), 1.0)))};
    case UnaryOp::Acosh:
      return {mul(g, un(UnaryOp::Rsqrt, add(mul(x, x), -1.0)))};
    case UnaryOp::Atanh:
      return {div(g, rsub(1.0, mul(x, x)))};
    case UnaryOp::Sigmoid:
      return {mul(g, mul(y, rsub(1.0, y)))};
    case UnaryOp::Logit: {
      Tensor d = div(g, mul(x, rsub(1.0, x)));
      if (a.flags & 1) {  // eps: zero outside [eps, 1 - eps]
        double eps = a.s[0].to_double();
        Tensor outside = ops::binary(BinaryOp::LogicalOr, opnd(cmp(BinaryOp::Lt, x, eps)),
                                     opnd(cmp(BinaryOp::Gt, x, 1.0 - eps)), x->dtype());
        return {zero_where(outside, d)};
      }
      Tensor outside = ops::binary(BinaryOp::LogicalOr, opnd(cmp(BinaryOp::Lt, x, 0.0)),
                                   opnd(cmp(BinaryOp::Gt, x, 1.0)), x->dtype());
      return {ag::where(outside, opnd(NAN), opnd(d), d->dtype())};
    }
    case UnaryOp::Relu:
      return {keep_where(cmp(BinaryOp::Gt, y, 0.0), g)};
    case UnaryOp::Gelu: {
      if (a.flags & 1) {  // tanh approximation
        const double k = std::sqrt(2.0 / kPi), c = 0.044715;
        Tensor x2 = mul(x, x);
        Tensor inner = mul(mul(x, add(mul(x2, c), 1.0)), k);
        Tensor t = un(UnaryOp::Tanh, inner);
        Tensor left = mul(add(t, 1.0), 0.5);
        Tensor dinner = mul(add(mul(x2, 3.0 * c), 1.0), k);
        Tensor right = mul(mul(mul(x, rsub(1.0, mul(t, t))), dinner), 0.5);
        return {mul(g, add(left, right))};
      }
      Tensor cdf = mul(add(un(UnaryOp::Erf, mul(x, 1.0 / std::sqrt(2.0))), 1.0), 0.5);
      Tensor pdf = mul(un(UnaryOp::Exp, mul(mul(x, x), -0.5)), 1.0 / std::sqrt(2.0 * kPi));
      return {mul(g, add(cdf, mul(x, pdf)))};
    }
    case UnaryOp::Silu: {
      Tensor s = un(UnaryOp::Sigmoid, x);
      return {mul(g, mul(s, add(mul(x, rsub(1.0, s)), 1.0)))};
    }
    case UnaryOp::Softplus: {
      double beta = a.s[0].to_double(), threshold = a.s[1].to_double();
      Tensor bx = mul(x, beta);
      return {ag::where(cmp(BinaryOp::Gt, bx, threshold), opnd(g),
                        opnd(mul(g, un(UnaryOp::Sigmoid, bx))), g->dtype())};
    }
    case UnaryOp::Erf:
      return {mul(g, mul(un(UnaryOp::Exp, neg(mul(x, x))), 2.0 / std::sqrt(kPi)))};
    case UnaryOp::Erfc:
      return {mul(g, mul(un(UnaryOp::Exp, neg(mul(x, x))), -2.0 / std::sqrt(kPi)))};
    case UnaryOp::Reciprocal:
      return {neg(mul(g, mul(y, y)))};
    case UnaryOp::NanToNum:
      return {keep_where(ops::unary(UnaryOp::IsFinite, x, x->dtype()), g)};
    case UnaryOp::Clamp: {  // scalar bounds: the gradient passes where min <= x <= max
      Tensor in = ops::full(x->sizes(), Scalar::from_bool(true), DType::Bool, x->device());
      if (a.flags & 1)
        in = ops::binary(BinaryOp::LogicalAnd, opnd(in),
                         opnd(cmp(BinaryOp::Ge, x, a.s[0].to_double())), x->dtype());
      if (a.flags & 2)
        in = ops::binary(BinaryOp::LogicalAnd, opnd(in),
                         opnd(cmp(BinaryOp::Le, x, a.s[1].to_double())), x->dtype());
      return {keep_where(in, g)};
    }
    default:
      MT_THROW(RuntimeError, "the derivative for '", kUnaryNames[op_index(op)],
               "' is not implemented.");
  }
}

// out= / in place with autograd: checks before the op runs.
bool check_elem_out(const char* opname, ElemOut out, bool record) {
  if (!out.t || !grad_enabled()) return record;
  if (!out.inplace) {
    if (record || out.t->requires_grad()) throw_out_with_grad(opname);
    return false;
  }
  check_inplace(out.t);
  return record || out.t->requires_grad();
}

}  // namespace

Tensor unary(UnaryOp op, const Tensor& x, DType default_float, const ElemArgs& args, ElemOut out) {
  bool record = should_record(x.get());
  if (!out.t && !record) return ops::unary(op, x, default_float, args, out);
  const char* name = unary_name(op);
  record = check_elem_out(kUnaryNames[op_index(op)], out, record) && name;
  if (!record) return ops::unary(op, x, default_float, args, out);
  Uses uses = unary_uses(op);
  Ptr<FnNode> n = make_node(name, unary_backward, {x.get()});
  n->code = static_cast<int>(op);
  n->args = args;
  // In place and the formula reads the input: keep a copy of the old value
  // (with its history, for double backward).
  if (uses == Uses::Input) save(*n, out.inplace ? ag::clone(x) : x);
  Tensor r = ops::unary(op, x, default_float, args, out);
  if (!is_floating(r->dtype())) return r;
  set_history(r, *n);
  if (uses == Uses::Result) save(*n, r, true);
  return r;
}

// ---- binary ----

namespace {

// Saved: [0] = a (tensor or null), [1] = b, [2] = the result (pow only).
// s[0], s[1]: the scalar operands. i[0]: which operand was a scalar (-1 none).
std::vector<Tensor> binary_backward(FnNode& n, std::vector<Tensor>& grads) {
  const Tensor& g = grads[0];
  auto op = static_cast<BinaryOp>(n.code);
  auto A = [&] { return n.saved[0].data ? n.saved_at(0) : Tensor(); };
  auto B = [&] { return n.saved[1].data ? n.saved_at(1) : Tensor(); };
  const bool a_scalar = n.i[0] == 0, b_scalar = n.i[0] == 1;
  const double sa = n.s[0].to_double(), sb = n.s[1].to_double();
  std::vector<Tensor> r(2);
  switch (op) {
    case BinaryOp::Add:
    case BinaryOp::Sub: {
      double alpha = (n.args.flags & 1) ? n.args.s[0].to_double() : 1.0;
      double sign = op == BinaryOp::Sub ? -1.0 : 1.0;
      if (n.needs(0)) r[0] = g;
      if (n.needs(1)) r[1] = alpha * sign == 1.0 ? g : mul(g, alpha * sign);
      return r;
    }
    case BinaryOp::Mul:
      if (n.needs(0)) r[0] = b_scalar ? mul(g, sb) : mul(g, B());
      if (n.needs(1)) r[1] = a_scalar ? mul(g, sa) : mul(g, A());
      return r;
    case BinaryOp::Div: {
      if (n.needs(0)) r[0] = b_scalar ? mul(g, 1.0 / sb) : div(g, B());
      if (n.needs(1)) {
        Tensor b = B();
        Tensor num = a_scalar ? mul(g, -sa) : neg(mul(g, A()));
        r[1] = div(num, mul(b, b));
      }
      return r;
    }
    case BinaryOp::DivTrunc:
    case BinaryOp::DivFloor:
      if (n.needs(0)) r[0] = zeros_like(g);
      if (n.needs(1)) r[1] = zeros_like(g);
      return r;
    case BinaryOp::Remainder:
    case BinaryOp::Fmod: {
      if (n.needs(0)) r[0] = g;
      if (n.needs(1)) {
        BinaryOp q = op == BinaryOp::Remainder ? BinaryOp::DivFloor : BinaryOp::DivTrunc;
        Operand oa = a_scalar ? opnd(sa) : opnd(A());
        Tensor quot = ops::binary(q, oa, opnd(B()), g->dtype());
        r[1] = neg(mul(g, quot));
      }
      return r;
    }
    case BinaryOp::Pow: {
      Tensor y = n.saved_at(2);
      if (n.needs(0)) {  // d/da a^b = b a^(b-1), 0 where b == 0
        Tensor a = A();
        if (b_scalar) {
          r[0] = sb == 0.0 ? zeros_like(g) : mul(mul(g, pow_scalar(a, sb - 1.0)), sb);
        } else {
          Tensor b = B();
          Tensor d =
              mul(mul(g, b), ag::binary(BinaryOp::Pow, opnd(a), opnd(add(b, -1.0)), g->dtype()));
          r[0] = zero_where(cmp(BinaryOp::Eq, b, 0.0), d);
        }
      }
      if (n.needs(1)) {  // d/db a^b = a^b log a, 0 where a == 0 and b >= 0
        Tensor b = B();
        if (a_scalar) {
          Tensor d = mul(mul(g, y), std::log(sa));
          r[1] = sa == 0.0 ? zero_where(cmp(BinaryOp::Ge, b, 0.0), d) : d;
        } else {
          Tensor a = A();
          Tensor d = mul(mul(g, y), un(UnaryOp::Log, a));
          Tensor z = ops::binary(BinaryOp::LogicalAnd, opnd(cmp(BinaryOp::Eq, a, 0.0)),
                                 opnd(cmp(BinaryOp::Ge, b, 0.0)), g->dtype());
          r[1] = zero_where(z, d);
        }
      }
      return r;
    }
    case BinaryOp::Atan2: {
      Tensor a = A(), b = B();
      Tensor den = add(mul(a, a), mul(b, b));
      if (n.needs(0)) r[0] = mul(g, div(b, den));
      if (n.needs(1)) r[1] = mul(g, div(neg(a), den));
      return r;
    }
    case BinaryOp::Maximum:
    case BinaryOp::Minimum: {
      // Ties split the gradient evenly (PyTorch's rule).
      Tensor a = A(), b = B();
      Tensor eq = cmp(BinaryOp::Eq, a, b);
      Tensor half = ag::where(eq, opnd(mul(g, 0.5)), opnd(g), g->dtype());
      BinaryOp lose_a = op == BinaryOp::Maximum ? BinaryOp::Lt : BinaryOp::Gt;
      BinaryOp lose_b = op == BinaryOp::Maximum ? BinaryOp::Gt : BinaryOp::Lt;
      if (n.needs(0)) r[0] = zero_where(cmp(lose_a, a, b), half);
      if (n.needs(1)) r[1] = zero_where(cmp(lose_b, a, b), half);
      return r;
    }
    case BinaryOp::Fmax:
    case BinaryOp::Fmin: {
      Tensor a = A(), b = B();
      BinaryOp wins = op == BinaryOp::Fmax ? BinaryOp::Ge : BinaryOp::Le;
      Tensor a_wins = ops::binary(BinaryOp::LogicalOr, opnd(cmp(wins, a, b)),
                                  opnd(ops::unary(UnaryOp::IsNan, b, g->dtype())), g->dtype());
      if (n.needs(0)) r[0] = keep_where(a_wins, g);
      if (n.needs(1)) r[1] = zero_where(a_wins, g);
      return r;
    }
    case BinaryOp::Lerp: {
      double w = n.args.s[0].to_double();
      if (n.needs(0)) r[0] = mul(g, 1.0 - w);
      if (n.needs(1)) r[1] = mul(g, w);
      return r;
    }
    default:
      MT_THROW(RuntimeError, "the derivative for '", kBinaryNames[op_index(op)],
               "' is not implemented.");
  }
}

const char* binary_name(BinaryOp op, bool a_scalar, bool b_scalar) {
  switch (op) {
    case BinaryOp::Add:
      return "AddBackward0";
    case BinaryOp::Sub:
      return a_scalar ? "RsubBackward1" : "SubBackward0";
    case BinaryOp::Mul:
      return "MulBackward0";
    case BinaryOp::Div:
      return a_scalar ? "MulBackward0" : "DivBackward0";
    case BinaryOp::DivTrunc:
    case BinaryOp::DivFloor:
      return "DivBackward2";
    case BinaryOp::Remainder:
      return b_scalar ? "RemainderBackward0" : "RemainderBackward1";
    case BinaryOp::Fmod:
      return b_scalar ? "FmodBackward0" : "FmodBackward1";
    case BinaryOp::Pow:
      return b_scalar ? "PowBackward0" : a_scalar ? "PowBackward2" : "PowBackward1";
    case BinaryOp::Atan2:
      return "Atan2Backward0";
    case BinaryOp::Maximum:
      return "MaximumBackward0";
    case BinaryOp::Minimum:
      return "MinimumBackward0";
    case BinaryOp::Fmax:
      return "FmaxBackward0";
    case BinaryOp::Fmin:
      return "FminBackward0";
    case BinaryOp::Lerp:
      return "LerpBackward0";
    default:
      return nullptr;  // comparisons, logical and bitwise ops: not differentiable
  }
}

bool binary_saves(BinaryOp op, int which, bool other_needs) {
  switch (op) {
    case BinaryOp::Add:
    case BinaryOp::Sub:
    case BinaryOp::DivTrunc:
    case BinaryOp::DivFloor:
    case BinaryOp::Lerp:
      return false;
    case BinaryOp::Mul:
      return other_needs;  // a is needed for b's gradient and the other way round
    case BinaryOp::Div:
      return which == 1 || other_needs;
    case BinaryOp::Remainder:
    case BinaryOp::Fmod:
      return other_needs || which == 1;
    default:
      return true;
  }
}

}  // namespace

Tensor binary(BinaryOp op, const Operand& a, const Operand& b, DType default_float, ElemArgs args,
              ElemOut out) {
  bool record = should_record(a.tensor, b.tensor);
  if (!out.t && !record) return ops::binary(op, a, b, default_float, args, out);
  const bool a_scalar = !a.tensor, b_scalar = !b.tensor;
  const char* name = binary_name(op, a_scalar, b_scalar);
  record = check_elem_out(kBinaryNames[op_index(op)], out, record) && name;
  if (!record) return ops::binary(op, a, b, default_float, args, out);
  Ptr<FnNode> n = make_node(name, binary_backward, {a.tensor, b.tensor});
  n->code = static_cast<int>(op);
  n->args = args;
  n->i[0] = a_scalar ? 0 : b_scalar ? 1 : -1;
  n->s[0] = a.scalar;
  n->s[1] = b.scalar;
  // Saved operands (copies of an operand the op overwrites in place).
  auto keep = [&](const TensorImpl* t, int which) {
    bool other_needs = n->needs(1 - which);
    if (!t || !binary_saves(op, which, other_needs)) {
      n->saved.push_back({});
      return;
    }
    Tensor tt(const_cast<TensorImpl*>(t));
    save(*n, out.inplace && t == out.t ? ag::clone(tt) : tt);
  };
  keep(a.tensor, 0);
  keep(b.tensor, 1);
  Tensor r = ops::binary(op, a, b, default_float, args, out);
  if (!is_floating(r->dtype())) return r;
  set_history(r, *n);
  if (op == BinaryOp::Pow) save(*n, r, true);
  return r;
}

// ---- ternary, clamp, where ----

namespace {

// Saved: the three operands ([k] empty for a scalar); s[k] their scalars.
std::vector<Tensor> ternary_backward(FnNode& n, std::vector<Tensor>& grads) {
  const Tensor& g = grads[0];
  auto T = [&](int k) { return n.saved[k].data ? n.saved_at(k) : Tensor(); };
  std::vector<Tensor> r(3);
  switch (static_cast<TernaryOp>(n.code)) {
    case TernaryOp::Where: {
      Tensor c = T(0);
      if (n.needs(1)) r[1] = keep_where(c, g);
      if (n.needs(2)) r[2] = zero_where(c, g);
      return r;
    }
    case TernaryOp::Clamp: {  // clamp(x, lo, hi) with tensor (or absent) bounds
      Tensor x = T(0), lo = T(1), hi = T(2);
      Tensor in = ops::full(x->sizes(), Scalar::from_bool(true), DType::Bool, x->device());
      if (lo)
        in =
            ops::binary(BinaryOp::LogicalAnd, opnd(in), opnd(cmp(BinaryOp::Ge, x, lo)), g->dtype());
      if (hi)
        in =
            ops::binary(BinaryOp::LogicalAnd, opnd(in), opnd(cmp(BinaryOp::Le, x, hi)), g->dtype());
      if (n.needs(0)) r[0] = keep_where(in, g);
      if (n.needs(1)) r[1] = keep_where(cmp(BinaryOp::Lt, x, lo), g);
      if (n.needs(2)) r[2] = keep_where(cmp(BinaryOp::Gt, x, hi), g);
      return r;
    }
    case TernaryOp::Lerp: {  // a + w (b - a)
      Tensor a = T(0), b = T(1), w = T(2);
      if (n.needs(0)) r[0] = mul(g, rsub(1.0, w));
      if (n.needs(1)) r[1] = mul(g, w);
      if (n.needs(2)) r[2] = mul(g, sub(b, a));
      return r;
    }
    case TernaryOp::Addcmul: {  // self + v t1 t2
      double v = n.args.s[0].to_double();
      if (n.needs(0)) r[0] = g;
      if (n.needs(1)) r[1] = mul(mul(g, T(2)), v);
      if (n.needs(2)) r[2] = mul(mul(g, T(1)), v);
      return r;
    }
    case TernaryOp::Addcdiv: {  // self + v t1 / t2
      double v = n.args.s[0].to_double();
      Tensor t2 = T(2);
      if (n.needs(0)) r[0] = g;
      if (n.needs(1)) r[1] = mul(div(g, t2), v);
      if (n.needs(2)) r[2] = mul(div(mul(g, T(1)), mul(t2, t2)), -v);
      return r;
    }
  }
  return r;
}

const char* ternary_name(TernaryOp op) {
  switch (op) {
    case TernaryOp::Where:
      return "WhereBackward0";
    case TernaryOp::Clamp:
      return "ClampBackward0";
    case TernaryOp::Lerp:
      return "LerpBackward1";
    case TernaryOp::Addcmul:
      return "AddcmulBackward0";
    case TernaryOp::Addcdiv:
      return "AddcdivBackward0";
  }
  return nullptr;
}

// Which operands a ternary formula reads (bit k: operand k).
int ternary_saves(TernaryOp op) {
  switch (op) {
    case TernaryOp::Where:
      return 1;
    case TernaryOp::Addcmul:
    case TernaryOp::Addcdiv:
      return 6;
    default:
      return 7;
  }
}

Tensor record_ternary(TernaryOp op, const TensorImpl* a, const TensorImpl* b, const TensorImpl* c,
                      ElemOut out, Tensor (*run)(void*), void* ctx, bool grad_a = true,
                      const ElemArgs* args = nullptr) {
  Ptr<FnNode> n = make_node(ternary_name(op), ternary_backward, {grad_a ? a : nullptr, b, c});
  n->code = static_cast<int>(op);
  if (args) n->args = *args;
  int k = 0;
  for (const TensorImpl* t : {a, b, c}) {
    if (!t || !(ternary_saves(op) >> k++ & 1)) {
      n->saved.push_back({});
      continue;
    }
    Tensor tt(const_cast<TensorImpl*>(t));
    save(*n, out.inplace && t == out.t ? ag::clone(tt) : tt);
  }
  Tensor r = run(ctx);
  if (is_floating(r->dtype())) set_history(r, *n);
  return r;
}

}  // namespace

Tensor ternary(TernaryOp op, const Operand& a, const Operand& b, const Operand& c,
               DType default_float, const ElemArgs& args, ElemOut out) {
  bool record = should_record(a.tensor, b.tensor, c.tensor);
  if (!out.t && !record) return ops::ternary(op, a, b, c, default_float, args, out);
  record = check_elem_out(kTernaryNames[op_index(op)], out, record);
  if (!record) return ops::ternary(op, a, b, c, default_float, args, out);
  struct Ctx {
    TernaryOp op;
    const Operand &a, &b, &c;
    DType df;
    const ElemArgs& args;
    ElemOut out;
  } ctx{op, a, b, c, default_float, args, out};
  bool grad_a = op != TernaryOp::Where;
  Tensor r = record_ternary(
      op, a.tensor, b.tensor, c.tensor, out,
      [](void* p) {
        auto* x = static_cast<Ctx*>(p);
        return ops::ternary(x->op, x->a, x->b, x->c, x->df, x->args, x->out);
      },
      &ctx, grad_a, &args);
  return r;
}

Tensor clamp(const Tensor& x, const Operand* lo, const Operand* hi, DType default_float,
             ElemOut out) {
  bool tensor_bounds = (lo && lo->tensor) || (hi && hi->tensor);
  const TensorImpl* lt = lo ? lo->tensor : nullptr;
  const TensorImpl* ht = hi ? hi->tensor : nullptr;
  bool record = should_record(x.get(), lt, ht);
  if (!out.t && !record) return ops::clamp(x, lo, hi, default_float, out);
  record = check_elem_out("clamp", out, record);
  if (!record) return ops::clamp(x, lo, hi, default_float, out);
  if (!tensor_bounds) {  // scalar bounds: the unary formula
    Ptr<FnNode> n = make_node("ClampBackward1", unary_backward, {x.get()});
    n->code = static_cast<int>(UnaryOp::Clamp);
    if (lo) {
      n->args.s[0] = lo->scalar;
      n->args.flags |= 1;
    }
    if (hi) {
      n->args.s[1] = hi->scalar;
      n->args.flags |= 2;
    }
    save(*n, out.inplace ? ag::clone(x) : x);
    Tensor r = ops::clamp(x, lo, hi, default_float, out);
    if (is_floating(r->dtype())) set_history(r, *n);
    return r;
  }
  struct Ctx {
    const Tensor& x;
    const Operand *lo, *hi;
    DType df;
    ElemOut out;
  } ctx{x, lo, hi, default_float, out};
  return record_ternary(
      TernaryOp::Clamp, x.get(), lt, ht, out,
      [](void* p) {
        auto* c = static_cast<Ctx*>(p);
        return ops::clamp(c->x, c->lo, c->hi, c->df, c->out);
      },
      &ctx);
}

Tensor where(const Tensor& cond, const Operand& x, const Operand& y, DType default_float,
             ElemOut out) {
  bool record = should_record(x.tensor, y.tensor);
  if (!out.t && !record) return ops::where(cond, x, y, default_float, out);
  record = check_elem_out("where", out, record);
  if (!record) return ops::where(cond, x, y, default_float, out);
  struct Ctx {
    const Tensor& cond;
    const Operand &x, &y;
    DType df;
    ElemOut out;
  } ctx{cond, x, y, default_float, out};
  return record_ternary(
      TernaryOp::Where, cond.get(), x.tensor, y.tensor, out,
      [](void* p) {
        auto* c = static_cast<Ctx*>(p);
        return ops::where(c->cond, c->x, c->y, c->df, c->out);
      },
      &ctx, /*grad_a=*/false);
}

}  // namespace mt::ag
