// table_elementwise.cpp: the elementwise family's op table (Note [Op tables]).
//
// One row per op: signature(s), variants, aliases, NumPy ufunc names, the
// family enum value and the impl adapter. Impls read the parsed arguments by
// the position of the parameter in the (function) signature, and call ag::.
// Promotion rules and accepted dtypes stay in ext/ops (rule_of in
// ops/unary.cpp, promote.cpp) for now.
#include <cstring>

#include "op_tables.h"

namespace mt::optable {

namespace {

Tensor tensor_at(const OpArgs& a, int i) { return Tensor(const_cast<TensorImpl*>(a.v[i].tensor)); }

// A Tensor parameter that takes no number (where's condition).
Tensor require_tensor(const OpDef& def, const OpArgs& a, int i, const char* name, int pos) {
  if (a.v[i].tensor) return tensor_at(a, i);
  const char* type = a.v[i].kind == Scalar::Kind::Bool    ? "bool"
                     : a.v[i].kind == Scalar::Kind::Float ? "float"
                                                          : "int";
  MT_THROW(TypeError, def.name, "(): argument '", name, "' (position ", pos,
           ") must be Tensor, not ", type);
}

// ---- unary ----

Result unary(const OpDef& def, OpArgs& a) {
  return {ag::unary(static_cast<UnaryOp>(def.code), tensor_at(a, 0), a.default_float, {}, a.out)};
}

Result positive(const OpDef&, OpArgs& a) { return {ag::positive(tensor_at(a, 0))}; }

// logit(input, eps=None)
Result logit(const OpDef& def, OpArgs& a) {
  ElemArgs ea;
  if (a.has(1)) {
    ea.s[0] = Scalar::from_double(a.v[1].d);
    ea.flags = 1;
  }
  return {ag::unary(static_cast<UnaryOp>(def.code), tensor_at(a, 0), a.default_float, ea, a.out)};
}

// round(input, *, decimals=0)
Result round(const OpDef& def, OpArgs& a) {
  ElemArgs ea;
  ea.s[0] = Scalar::from_int(a.v[1].i);
  return {ag::unary(static_cast<UnaryOp>(def.code), tensor_at(a, 0), a.default_float, ea, a.out)};
}

// nan_to_num(input, nan=0.0, posinf=None, neginf=None)
Result nan_to_num(const OpDef& def, OpArgs& a) {
  ElemArgs ea;
  ea.s[0] = Scalar::from_double(a.v[1].d);
  if (a.has(2)) {
    ea.s[1] = Scalar::from_double(a.v[2].d);
    ea.flags |= 1;
  }
  if (a.has(3)) {
    ea.s[2] = Scalar::from_double(a.v[3].d);
    ea.flags |= 2;
  }
  return {ag::unary(static_cast<UnaryOp>(def.code), tensor_at(a, 0), a.default_float, ea, a.out)};
}

// _gelu(input, approximate='none')
Result gelu(const OpDef& def, OpArgs& a) {
  ElemArgs ea;
  bool is_tanh = std::strcmp(a.v[1].str, "tanh") == 0;
  MT_CHECK(is_tanh || std::strcmp(a.v[1].str, "none") == 0,
           "approximate argument must be either none or tanh.");
  ea.flags = is_tanh ? 1 : 0;
  return {ag::unary(static_cast<UnaryOp>(def.code), tensor_at(a, 0), a.default_float, ea, a.out)};
}

// _softplus(input, beta=1, threshold=20)
Result softplus(const OpDef& def, OpArgs& a) {
  ElemArgs ea;
  ea.s[0] = Scalar::from_double(a.v[1].d);
  ea.s[1] = Scalar::from_double(a.v[2].d);
  return {ag::unary(static_cast<UnaryOp>(def.code), tensor_at(a, 0), a.default_float, ea, a.out)};
}

// clamp(input, min=None, max=None); clamp_min (code 1) / clamp_max (code 2)
// take one required bound.
Result clamp(const OpDef& def, OpArgs& a) {
  ops::Operand lo, hi;
  bool has_lo, has_hi;
  if (def.code == 0) {
    has_lo = a.has(1), has_hi = a.has(2);
    if (has_lo) lo = a.v[1].operand();
    if (has_hi) hi = a.v[2].operand();
  } else {
    has_lo = def.code == 1, has_hi = def.code == 2;
    (has_lo ? lo : hi) = a.v[1].operand();
  }
  return {ag::clamp(tensor_at(a, 0), has_lo ? &lo : nullptr, has_hi ? &hi : nullptr,
                    a.default_float, a.out)};
}

// ---- binary ----

Result binary(const OpDef& def, OpArgs& a) {
  return {ag::binary(static_cast<BinaryOp>(def.code), a.v[0].operand(), a.v[1].operand(),
                     a.default_float, {}, a.out)};
}

// add / sub (input, other, *, alpha=1)
Result binary_alpha(const OpDef& def, OpArgs& a) {
  ElemArgs ea;
  if (a.has(2)) {
    ea.s[0] = a.v[2].scalar();
    if (!(ea.s[0].is_integral() && ea.s[0].i == 1)) ea.flags = 1;
  }
  return {ag::binary(static_cast<BinaryOp>(def.code), a.v[0].operand(), a.v[1].operand(),
                     a.default_float, ea, a.out)};
}

// div(input, other, *, rounding_mode=None)
Result div(const OpDef&, OpArgs& a) {
  BinaryOp op = BinaryOp::Div;
  if (a.has(2)) {
    const char* s = a.v[2].str;
    if (std::strcmp(s, "trunc") == 0)
      op = BinaryOp::DivTrunc;
    else if (std::strcmp(s, "floor") == 0)
      op = BinaryOp::DivFloor;
    else
      MT_THROW(RuntimeError,
               "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '", s,
               "'");
  }
  return {ag::binary(op, a.v[0].operand(), a.v[1].operand(), a.default_float, {}, a.out)};
}

// rsub(input, other, *, alpha=1) = other - alpha * input
Result rsub(const OpDef&, OpArgs& a) {
  ElemArgs ea;
  if (a.has(2)) {
    ea.s[0] = a.v[2].scalar();
    if (!(ea.s[0].is_integral() && ea.s[0].i == 1)) ea.flags = 1;
  }
  return {ag::binary(BinaryOp::Sub, a.v[1].operand(), a.v[0].operand(), a.default_float, ea)};
}

// isclose / allclose (input, other, rtol=1e-05, atol=1e-08, equal_nan=False)
Result isclose(const OpDef&, OpArgs& a) {
  ElemArgs ea;
  ea.s[0] = Scalar::from_double(a.v[2].d);
  ea.s[1] = Scalar::from_double(a.v[3].d);
  ea.flags = a.v[4].b ? 1 : 0;
  return {ag::binary(BinaryOp::IsClose, a.v[0].operand(), a.v[1].operand(), a.default_float, ea)};
}

Result allclose(const OpDef&, OpArgs& a) {
  MT_CHECK(a.v[0].tensor && a.v[1].tensor, "allclose(): expected two tensors");
  return Result::of_bool(
      ag::allclose(tensor_at(a, 0), tensor_at(a, 1), a.v[2].d, a.v[3].d, a.v[4].b));
}

Result equal(const OpDef&, OpArgs& a) {
  return Result::of_bool(ag::equal(tensor_at(a, 0), tensor_at(a, 1)));
}

// xlogy: also torch.xlogy_(input, other), whose `input` must be a tensor
// (the parser lets a number through for kNumberOperands rows).
Result xlogy(const OpDef& def, OpArgs& a) {
  if (a.out.inplace && !a.out.t)
    MT_THROW(TypeError, def.name, "_(): argument 'input' (position 1) must be Tensor, not ",
             a.v[0].kind == Scalar::Kind::Float  ? "float"
             : a.v[0].kind == Scalar::Kind::Bool ? "bool"
                                                 : "int");
  return binary(def, a);
}

// ---- ternary ----

// where(condition, input, other); where(condition) is nonzero(condition, as_tuple=True).
Result where(const OpDef& def, OpArgs& a) {
  Tensor c = require_tensor(def, a, 0, "condition", 1);
  if (a.overload == 1) {
    Result r;
    r.kind = Result::Kind::TensorTuple;
    // A 0-d input counts as a vector of one here, as in PyTorch.
    r.tensors = ag::unbind(ag::nonzero(c->dim() == 0 ? ag::reshape(c, Dims{1}) : c), 1);
    return r;
  }
  return {ag::where(c, a.v[1].operand(), a.v[2].operand(), a.default_float, a.out)};
}

// lerp(input, end, weight): weight a number or a tensor.
Result lerp(const OpDef&, OpArgs& a) {
  ops::Operand s = a.v[0].operand(), e = a.v[1].operand(), w = a.v[2].operand();
  if (!w.tensor) {
    ElemArgs ea;
    ea.s[0] = w.scalar;
    return {ag::binary(BinaryOp::Lerp, s, e, a.default_float, ea, a.out)};
  }
  return {ag::ternary(TernaryOp::Lerp, s, e, w, a.default_float, {}, a.out)};
}

// addcmul / addcdiv (input, tensor1, tensor2, *, value=1)
Result addc(const OpDef& def, OpArgs& a) {
  ElemArgs ea;
  ea.s[0] = a.v[3].scalar();
  return {ag::ternary(static_cast<TernaryOp>(def.code), a.v[0].operand(), a.v[1].operand(),
                      a.v[2].operand(), a.default_float, ea, a.out)};
}

constexpr uint8_t kFMI = kFunction | kMethod | kInPlace;
constexpr uint8_t kUnaryAll = kFunction | kFunctionInPlace | kMethod | kInPlace;
constexpr uint8_t kFM = kFunction | kMethod;
constexpr uint8_t kN = kNumberOperands;
constexpr uint8_t kNT = kArrayOperands;                 // Tensor-only in PyTorch
constexpr uint8_t kNO = kArrayOperands | kNumberOther;  // a number only as `other`

#define MT_U(op) static_cast<int>(UnaryOp::op)
#define MT_B(op) static_cast<int>(BinaryOp::op)
#define MT_T(op) static_cast<int>(TernaryOp::op)
// A plain unary op: name(Tensor input, *, Tensor? out=None), all four variants.
#define MT_UNARY(name, Op, aliases, ufuncs)               \
  {name,      name "(Tensor input, *, Tensor? out=None)", \
   kUnaryAll, 0,                                          \
   aliases,   ufuncs,                                     \
   MT_U(Op),  unary,                                      \
   nullptr}
// A plain binary op: name(Tensor input, Tensor other, *, Tensor? out=None).
#define MT_BINARY_F(name, Op, variants, aliases, ufuncs, flags)        \
  {name,     name "(Tensor input, Tensor other, *, Tensor? out=None)", \
   variants, flags,                                                    \
   aliases,  ufuncs,                                                   \
   MT_B(Op), binary,                                                   \
   nullptr}
#define MT_BINARY(name, Op, variants, aliases, ufuncs) \
  MT_BINARY_F(name, Op, variants, aliases, ufuncs, kN)

}  // namespace

const OpDef kElementwiseOps[] = {
    // ---- unary ----
    MT_UNARY("neg", Neg, "negative", "negative"),
    MT_UNARY("abs", Abs, "absolute", "absolute"),
    MT_UNARY("sign", Sign, "", "sign"),
    MT_UNARY("exp", Exp, "", "exp"),
    MT_UNARY("exp2", Exp2, "", "exp2"),
    MT_UNARY("expm1", Expm1, "", "expm1"),
    MT_UNARY("log", Log, "", "log"),
    MT_UNARY("log2", Log2, "", "log2"),
    MT_UNARY("log10", Log10, "", "log10"),
    MT_UNARY("log1p", Log1p, "", "log1p"),
    MT_UNARY("sqrt", Sqrt, "", "sqrt"),
    MT_UNARY("rsqrt", Rsqrt, "", ""),
    MT_UNARY("square", Square, "", "square"),
    MT_UNARY("sin", Sin, "", "sin"),
    MT_UNARY("cos", Cos, "", "cos"),
    MT_UNARY("tan", Tan, "", "tan"),
    MT_UNARY("asin", Asin, "arcsin", "arcsin"),
    MT_UNARY("acos", Acos, "arccos", "arccos"),
    MT_UNARY("atan", Atan, "arctan", "arctan"),
    MT_UNARY("sinh", Sinh, "", "sinh"),
    MT_UNARY("cosh", Cosh, "", "cosh"),
    MT_UNARY("tanh", Tanh, "", "tanh"),
    MT_UNARY("asinh", Asinh, "arcsinh", "arcsinh"),
    MT_UNARY("acosh", Acosh, "arccosh", "arccosh"),
    MT_UNARY("atanh", Atanh, "arctanh", "arctanh"),
    MT_UNARY("sigmoid", Sigmoid, "", ""),
    MT_UNARY("relu", Relu, "", ""),
    MT_UNARY("erf", Erf, "", ""),
    MT_UNARY("erfc", Erfc, "", ""),
    MT_UNARY("floor", Floor, "", "floor"),
    MT_UNARY("ceil", Ceil, "", "ceil"),
    MT_UNARY("trunc", Trunc, "fix", "trunc"),
    MT_UNARY("frac", Frac, "", ""),
    MT_UNARY("reciprocal", Reciprocal, "", ""),
    MT_UNARY("logical_not", LogicalNot, "", "logical_not"),
    MT_UNARY("bitwise_not", BitwiseNot, "", "invert"),
    {"erfinv", "erfinv(Tensor input, *, Tensor? out=None)", kFMI, 0, "", "", MT_U(Erfinv), unary,
     nullptr},
    {"isnan", "isnan(Tensor input, *, Tensor? out=None)", kFM, 0, "", "isnan", MT_U(IsNan), unary,
     nullptr},
    {"isinf", "isinf(Tensor input, *, Tensor? out=None)", kFM, 0, "", "isinf", MT_U(IsInf), unary,
     nullptr},
    {"isfinite", "isfinite(Tensor input, *, Tensor? out=None)", kFM, 0, "", "isfinite",
     MT_U(IsFinite), unary, nullptr},
    {"positive", "positive(Tensor input)", kFM, 0, "", "positive", 0, positive, nullptr},
    {"_silu", "_silu(Tensor input, *, Tensor? out=None)", kFunction | kFunctionInPlace, 0, "", "",
     MT_U(Silu), unary, nullptr},
    {"logit", "logit(Tensor input, float? eps=None, *, Tensor? out=None)", kFMI, 0, "", "",
     MT_U(Logit), logit, nullptr},
    {"round", "round(Tensor input, *, int decimals=0, Tensor? out=None)", kFMI, 0, "", "rint",
     MT_U(Round), round, nullptr},
    {"nan_to_num",
     "nan_to_num(Tensor input, float nan=0.0, float? posinf=None, float? neginf=None, *, "
     "Tensor? out=None)",
     kFMI, 0, "", "", MT_U(NanToNum), nan_to_num, nullptr},
    {"_gelu", "_gelu(Tensor input, str approximate='none', *, Tensor? out=None)", kFunction, 0, "",
     "", MT_U(Gelu), gelu, nullptr},
    {"_softplus",
     "_softplus(Tensor input, float beta=1.0, float threshold=20.0, *, Tensor? out=None)",
     kFunction, 0, "", "", MT_U(Softplus), softplus, nullptr},
    {"clamp", "clamp(Tensor input, Tensor? min=None, Tensor? max=None, *, Tensor? out=None)", kFMI,
     kN, "clip", "", 0, clamp, nullptr},
    {"clamp_min", "clamp_min(Tensor input, Tensor min, *, Tensor? out=None)", kFMI, kN, "", "", 1,
     clamp, nullptr},
    {"clamp_max", "clamp_max(Tensor input, Tensor max, *, Tensor? out=None)", kFMI, kN, "", "", 2,
     clamp, nullptr},
    // ---- binary ----
    {"add", "add(Tensor input, Tensor other, *, Scalar alpha=1, Tensor? out=None)", kFMI, kN, "",
     "add", MT_B(Add), binary_alpha, nullptr},
    {"sub", "sub(Tensor input, Tensor other, *, Scalar alpha=1, Tensor? out=None)", kFMI, kN,
     "subtract", "subtract", MT_B(Sub), binary_alpha, nullptr},
    MT_BINARY("mul", Mul, kFMI, "multiply", "multiply"),
    {"div", "div(Tensor input, Tensor other, *, str? rounding_mode=None, Tensor? out=None)", kFMI,
     kN, "divide", "divide", MT_B(Div), div, nullptr},
    MT_BINARY("true_divide", Div, kFMI, "", "true_divide"),
    MT_BINARY("floor_divide", DivFloor, kFMI, "", "floor_divide"),
    MT_BINARY("remainder", Remainder, kFMI, "", "remainder"),
    MT_BINARY_F("fmod", Fmod, kFMI, "", "fmod", kNO),
    {"pow", "pow(Tensor input, Tensor exponent, *, Tensor? out=None)", kFMI, kN, "", "power",
     MT_B(Pow), binary, nullptr},
    MT_BINARY_F("atan2", Atan2, kFMI, "arctan2", "arctan2", kNT),
    MT_BINARY_F("maximum", Maximum, kFM, "", "maximum", kNT),
    MT_BINARY_F("minimum", Minimum, kFM, "", "minimum", kNT),
    MT_BINARY_F("fmax", Fmax, kFM, "", "fmax", kNT),
    MT_BINARY_F("fmin", Fmin, kFM, "", "fmin", kNT),
    MT_BINARY_F("eq", Eq, kFMI, "", "equal", kNO),
    MT_BINARY_F("ne", Ne, kFMI, "not_equal", "not_equal", kNO),
    MT_BINARY_F("lt", Lt, kFMI, "less", "less", kNO),
    MT_BINARY_F("le", Le, kFMI, "less_equal", "less_equal", kNO),
    MT_BINARY_F("gt", Gt, kFMI, "greater", "greater", kNO),
    MT_BINARY_F("ge", Ge, kFMI, "greater_equal", "greater_equal", kNO),
    MT_BINARY_F("logical_and", LogicalAnd, kFMI, "", "logical_and", kNT),
    MT_BINARY_F("logical_or", LogicalOr, kFMI, "", "logical_or", kNT),
    MT_BINARY_F("logical_xor", LogicalXor, kFMI, "", "logical_xor", kNT),
    MT_BINARY("bitwise_and", BitwiseAnd, kFMI, "", "bitwise_and"),
    MT_BINARY("bitwise_or", BitwiseOr, kFMI, "", "bitwise_or"),
    MT_BINARY("bitwise_xor", BitwiseXor, kFMI, "", "bitwise_xor"),
    MT_BINARY("bitwise_left_shift", Lshift, kFMI, "", "left_shift"),
    MT_BINARY("bitwise_right_shift", Rshift, kFMI, "", "right_shift"),
    {"rsub", "rsub(Tensor input, Tensor other, *, Scalar alpha=1)", kFunction, kNO, "", "", 0, rsub,
     nullptr},
    {"isclose",
     "isclose(Tensor input, Tensor other, float rtol=1e-05, float atol=1e-08, bool "
     "equal_nan=False)",
     kFM, kNT, "", "", MT_B(IsClose), isclose, nullptr},
    {"allclose",
     "allclose(Tensor input, Tensor other, float rtol=1e-05, float atol=1e-08, bool "
     "equal_nan=False)",
     kFM, kN, "", "", 0, allclose, nullptr},
    {"equal", "equal(Tensor input, Tensor other)", kFM, 0, "", "", 0, equal, nullptr},
    MT_BINARY_F("logaddexp", LogAddExp, kFM, "", "logaddexp", kNT),
    MT_BINARY_F("logaddexp2", LogAddExp2, kFM, "", "logaddexp2", kNT),
    MT_BINARY_F("hypot", Hypot, kFMI, "", "hypot", kNT),
    {"xlogy", "xlogy(Tensor input, Tensor other, *, Tensor? out=None)", kFMI | kFunctionInPlace, kN,
     "", "", MT_B(Xlogy), xlogy, nullptr},
    {"heaviside", "heaviside(Tensor input, Tensor values, *, Tensor? out=None)", kFMI, kNT, "",
     "heaviside", MT_B(Heaviside), binary, nullptr},
    MT_BINARY_F("copysign", Copysign, kFMI, "", "copysign", kNO),
    MT_BINARY_F("nextafter", Nextafter, kFMI, "", "nextafter", kNT),
    // ---- ternary ----
    {"where",
     "where(Tensor condition, Tensor input, Tensor other, *, Tensor? out=None)\n"
     "where(Tensor condition)",
     kFM, kN, "", "", MT_T(Where), where, nullptr},
    {"lerp", "lerp(Tensor input, Tensor end, Tensor weight, *, Tensor? out=None)", kFMI, kN, "", "",
     MT_T(Lerp), lerp, nullptr},
    {"addcmul",
     "addcmul(Tensor input, Tensor tensor1, Tensor tensor2, *, Scalar value=1, Tensor? out=None)",
     kFMI, kN, "", "", MT_T(Addcmul), addc, nullptr},
    {"addcdiv",
     "addcdiv(Tensor input, Tensor tensor1, Tensor tensor2, *, Scalar value=1, Tensor? out=None)",
     kFMI, kN, "", "", MT_T(Addcdiv), addc, nullptr},
};
static_assert(sizeof(kElementwiseOps) / sizeof(kElementwiseOps[0]) == kNumElementwiseOps,
              "kNumElementwiseOps in op_tables.h must match the rows");

#undef MT_U
#undef MT_B
#undef MT_T
#undef MT_UNARY
#undef MT_BINARY

}  // namespace mt::optable
