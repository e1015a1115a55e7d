// ops_elementwise.cpp: the elementwise ops as module functions
// (minitorch.add, minitorch.exp, ...) and Tensor methods (t.add, t.add_, ...).
//
// Each entry point is METH_FASTCALL (METH_NOARGS / METH_O where the
// signature allows) and instantiated from a template per op, so a call costs
// one argument scan and one ops call. Three shapes of every op:
//   Function  minitorch.name(input, other, ..., *, out=None)
//   Method    t.name(other, ...)           -> a new tensor
//   InPlace   t.name_(other, ...)          -> t itself (ops::ElemOut inplace)
// Operands may be Tensors, Python or NumPy numbers, or ndarrays (viewed
// without a copy; PyTorch only takes tensors there, which NUMPY_BRIDGE.md
// lists as a deliberate difference). Names and defaults are PyTorch's.
#include "ops_elementwise.h"

#include <cstring>

namespace mt::py_glue {

bool as_operand(PyObject* o, ops::Operand* out, Tensor* hold) {
  if (is_tensor(o)) {
    out->tensor = impl_of(o);
    return true;
  }
  if (to_scalar(o, &out->scalar)) {
    out->tensor = nullptr;
    return true;
  }
  if (is_ndarray(o)) {
    *hold = tensor_from_numpy(o, false);
    out->tensor = hold->get();
    return true;
  }
  return false;
}

namespace {

using Args = PyObject* const*;
enum class Mode { Function, Method, InPlace };

// Python-facing names of the binary ops (for argument errors).
constexpr const char* kBinaryPyNames[] = {
    "add",         "sub",         "mul",         "div",         "div",
    "div",         "remainder",   "fmod",        "pow",         "atan2",
    "maximum",     "minimum",     "fmax",        "fmin",        "eq",
    "ne",          "lt",          "le",          "gt",          "ge",
    "logical_and", "logical_or",  "logical_xor", "bitwise_and", "bitwise_or",
    "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "isclose", "lerp"};
static_assert(sizeof(kBinaryPyNames) / sizeof(kBinaryPyNames[0]) == kNumBinaryOps);

[[noreturn]] void type_error_arg(const char* fname, const char* arg, int pos, PyObject* o) {
  PyErr_Format(PyExc_TypeError, "%s(): argument '%s' (position %d) must be Tensor, not %s", fname,
               arg, pos, Py_TYPE(o)->tp_name);
  throw py::PythonError{};
}

void operand_arg(PyObject* o, ops::Operand* out, Tensor* hold, const char* fname, const char* arg,
                 int pos) {
  if (!as_operand(o, out, hold)) type_error_arg(fname, arg, pos, o);
}

Tensor tensor_arg(PyObject* o, const char* fname, const char* arg, int pos) {
  if (!is_tensor(o)) type_error_arg(fname, arg, pos, o);
  return Tensor(impl_of(o));
}

ops::ElemOut out_arg(PyObject* o, const char* fname) {
  if (!o || o == Py_None) return {};
  if (!is_tensor(o)) {
    PyErr_Format(PyExc_TypeError, "%s(): argument 'out' must be Tensor, not %s", fname,
                 Py_TYPE(o)->tp_name);
    throw py::PythonError{};
  }
  return {impl_of(o), false};
}

// Returns the op's result as Python sees it: self for in-place forms.
PyObject* result(Mode m, PyObject* self, Tensor r) {
  if (m == Mode::InPlace) return Py_NewRef(self);
  return wrap(std::move(r));
}

ops::ElemOut out_for(Mode m, PyObject* self, PyObject* out, const char* fname) {
  if (m == Mode::InPlace) return {impl_of(self), true};
  if (m == Mode::Function) return out_arg(out, fname);
  return {};
}

// ---- unary ----

template <UnaryOp Op>
PyObject* F_unary(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  const char* fname = kUnaryNames[op_index(Op)];
  PyObject* v[2] = {nullptr, nullptr};
  if (nargs == 1 && !kw) {
    v[0] = args[0];
  } else {
    static const char* names[] = {"input", "out", nullptr};
    parse_args({fname, names, 1, 1}, args, nargs, kw, v);
  }
  Tensor x = tensor_arg(v[0], fname, "input", 1);
  return wrap(ag::unary(Op, x, default_dtype(), {}, out_arg(v[1], fname)));
  MT_END(nullptr)
}

template <UnaryOp Op>
PyObject* T_unary(PyObject* self, PyObject*) {
  MT_BEGIN
  return wrap(ag::unary(Op, Tensor(impl_of(self)), default_dtype()));
  MT_END(nullptr)
}

template <UnaryOp Op>
PyObject* T_unary_(PyObject* self, PyObject*) {
  MT_BEGIN
  TensorImpl* t = impl_of(self);
  ag::unary(Op, Tensor(t), default_dtype(), {}, {t, true});
  return Py_NewRef(self);
  MT_END(nullptr)
}

// minitorch.exp_(t) and friends.
template <UnaryOp Op>
PyObject* F_unary_(PyObject*, PyObject* x) {
  MT_BEGIN
  Tensor t = tensor_arg(x, kUnaryNames[op_index(Op)], "input", 1);
  ag::unary(Op, t, default_dtype(), {}, {t.get(), true});
  return Py_NewRef(x);
  MT_END(nullptr)
}

PyObject* F_positive(PyObject*, PyObject* x) {
  MT_BEGIN
  return wrap(ag::positive(tensor_arg(x, "positive", "input", 1)));
  MT_END(nullptr)
}
PyObject* T_positive(PyObject* self, PyObject*) {
  MT_BEGIN
  return wrap(ag::positive(Tensor(impl_of(self))));
  MT_END(nullptr)
}

// Unary ops with parameters: a spec names them and fills ElemArgs.
struct ParamSpec {
  UnaryOp op;
  const char* name;
  const char* const* fn_names;      // input, params..., out
  const char* const* method_names;  // params...
  int npos;                         // params that may be positional
  void (*parse)(PyObject* const* params, ElemArgs* args);
};

template <const ParamSpec& S, Mode M>
PyObject* param_unary(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  PyObject* v[6] = {};
  Tensor x;
  PyObject* const* params;
  int nparams = 0;
  while (S.method_names[nparams]) ++nparams;
  if (M == Mode::Function) {
    parse_args({S.name, S.fn_names, 1 + S.npos, 1}, args, nargs, kw, v);
    x = tensor_arg(v[0], S.name, "input", 1);
    params = v + 1;
  } else {
    parse_args({S.name, S.method_names, S.npos, 0}, args, nargs, kw, v);
    x = Tensor(impl_of(self));
    params = v;
  }
  ElemArgs ea;
  S.parse(params, &ea);
  Tensor r = ag::unary(S.op, x, default_dtype(), ea, out_for(M, self, params[nparams], S.name));
  return result(M, self, std::move(r));
  MT_END(nullptr)
}

bool given(PyObject* o) { return o && o != Py_None; }

const char* kLogitFn[] = {"input", "eps", "out", nullptr};
const char* kLogitM[] = {"eps", nullptr};
void parse_logit(PyObject* const* p, ElemArgs* a) {
  if (given(p[0])) {
    a->s[0] = Scalar::from_double(double_arg(p[0], "logit(): argument 'eps'"));
    a->flags = 1;
  }
}
constexpr ParamSpec kLogit{UnaryOp::Logit, "logit", kLogitFn, kLogitM, 1, parse_logit};

const char* kRoundFn[] = {"input", "decimals", "out", nullptr};
const char* kRoundM[] = {"decimals", nullptr};
void parse_round(PyObject* const* p, ElemArgs* a) {
  a->s[0] = Scalar::from_int(given(p[0]) ? int_arg(p[0], "round(): argument 'decimals'") : 0);
}
constexpr ParamSpec kRound{UnaryOp::Round, "round", kRoundFn, kRoundM, 0, parse_round};

const char* kNanToNumFn[] = {"input", "nan", "posinf", "neginf", "out", nullptr};
const char* kNanToNumM[] = {"nan", "posinf", "neginf", nullptr};
void parse_nan_to_num(PyObject* const* p, ElemArgs* a) {
  a->s[0] = Scalar::from_double(given(p[0]) ? double_arg(p[0], "nan_to_num(): argument 'nan'") : 0);
  if (given(p[1])) {
    a->s[1] = Scalar::from_double(double_arg(p[1], "nan_to_num(): argument 'posinf'"));
    a->flags |= 1;
  }
  if (given(p[2])) {
    a->s[2] = Scalar::from_double(double_arg(p[2], "nan_to_num(): argument 'neginf'"));
    a->flags |= 2;
  }
}
constexpr ParamSpec kNanToNum{UnaryOp::NanToNum, "nan_to_num", kNanToNumFn, kNanToNumM, 3,
                              parse_nan_to_num};

const char* kGeluFn[] = {"input", "approximate", "out", nullptr};
const char* kGeluM[] = {"approximate", nullptr};
void parse_gelu(PyObject* const* p, ElemArgs* a) {
  if (!given(p[0])) return;
  const char* s = PyUnicode_Check(p[0]) ? PyUnicode_AsUTF8(p[0]) : nullptr;
  if (!s) {
    PyErr_SetString(PyExc_TypeError, "gelu(): argument 'approximate' must be str");
    throw py::PythonError{};
  }
  bool is_tanh = std::strcmp(s, "tanh") == 0;
  MT_CHECK(is_tanh || std::strcmp(s, "none") == 0,
           "approximate argument must be either none or tanh.");
  a->flags = is_tanh ? 1 : 0;
}
constexpr ParamSpec kGelu{UnaryOp::Gelu, "gelu", kGeluFn, kGeluM, 1, parse_gelu};

const char* kSoftplusFn[] = {"input", "beta", "threshold", "out", nullptr};
const char* kSoftplusM[] = {"beta", "threshold", nullptr};
void parse_softplus(PyObject* const* p, ElemArgs* a) {
  a->s[0] = Scalar::from_double(given(p[0]) ? double_arg(p[0], "softplus(): argument 'beta'") : 1);
  a->s[1] = Scalar::from_double(given(p[1]) ? double_arg(p[1], "softplus(): argument 'threshold'")
                                            : 20);
}
constexpr ParamSpec kSoftplus{UnaryOp::Softplus, "softplus", kSoftplusFn, kSoftplusM, 2,
                              parse_softplus};

// ---- clamp ----

// clamp(input, min=None, max=None, *, out=None); clamp_min / clamp_max take
// one bound (Which: 0 both, 1 min only, 2 max only).
template <Mode M, int Which>
PyObject* clamp_entry(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* fn_both[] = {"input", "min", "max", "out", nullptr};
  static const char* fn_min[] = {"input", "min", "out", nullptr};
  static const char* fn_max[] = {"input", "max", "out", nullptr};
  const char* const* fn_names = Which == 0 ? fn_both : Which == 1 ? fn_min : fn_max;
  const char* fname = Which == 0 ? "clamp" : Which == 1 ? "clamp_min" : "clamp_max";
  const int nbounds = Which == 0 ? 2 : 1;
  PyObject* v[4] = {};
  Tensor x;
  PyObject** p;
  if (M == Mode::Function) {
    parse_args({fname, fn_names, 1 + nbounds, 1 + (Which != 0)}, args, nargs, kw, v);
    x = tensor_arg(v[0], fname, "input", 1);
    p = v + 1;
  } else {
    parse_args({fname, fn_names + 1, nbounds, Which != 0}, args, nargs, kw, v);
    x = Tensor(impl_of(self));
    p = v;
  }
  ops::Operand lo, hi;
  Tensor hold_lo, hold_hi;
  PyObject* lo_obj = Which == 2 ? nullptr : p[0];
  PyObject* hi_obj = Which == 2 ? p[0] : (Which == 1 ? nullptr : p[1]);
  bool has_lo = given(lo_obj), has_hi = given(hi_obj);
  if (has_lo) operand_arg(lo_obj, &lo, &hold_lo, fname, "min", 2);
  if (has_hi) operand_arg(hi_obj, &hi, &hold_hi, fname, "max", Which == 0 ? 3 : 2);
  Tensor r = ag::clamp(x, has_lo ? &lo : nullptr, has_hi ? &hi : nullptr, default_dtype(),
                       out_for(M, self, p[nbounds], fname));
  return result(M, self, std::move(r));
  MT_END(nullptr)
}

// ---- binary ----

enum class Extra { None, Alpha, Rounding };

constexpr Extra extra_of(BinaryOp op) {
  return op == BinaryOp::Add || op == BinaryOp::Sub ? Extra::Alpha
         : op == BinaryOp::Div                      ? Extra::Rounding
                                                    : Extra::None;
}

BinaryOp rounding_mode(PyObject* o) {
  if (!given(o)) return BinaryOp::Div;
  const char* s = PyUnicode_Check(o) ? PyUnicode_AsUTF8(o) : nullptr;
  if (s && std::strcmp(s, "trunc") == 0) return BinaryOp::DivTrunc;
  if (s && std::strcmp(s, "floor") == 0) return BinaryOp::DivFloor;
  py::Ref r = py::check(PyObject_Repr(o));
  MT_THROW(RuntimeError,
           "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found ",
           PyUnicode_AsUTF8(r.get()));
}

template <BinaryOp Op, Mode M, Extra E = extra_of(Op)>
PyObject* binary_entry(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* fn_alpha[] = {"input", "other", "alpha", "out", nullptr};
  static const char* fn_round[] = {"input", "other", "rounding_mode", "out", nullptr};
  static const char* fn_pow[] = {"input", "exponent", "out", nullptr};
  static const char* fn_plain[] = {"input", "other", "out", nullptr};
  const char* fname = kBinaryPyNames[op_index(Op)];
  const char* other_name = Op == BinaryOp::Pow ? "exponent" : "other";
  const char* const* names = E == Extra::Alpha      ? fn_alpha
                             : E == Extra::Rounding ? fn_round
                             : Op == BinaryOp::Pow  ? fn_pow
                                                    : fn_plain;
  constexpr int nops = M == Mode::Function ? 2 : 1;
  PyObject* v[4] = {nullptr, nullptr, nullptr, nullptr};
  if (nargs == nops && !kw) {
    for (int i = 0; i < nops; ++i) v[i] = args[i];
  } else if (M == Mode::Function) {
    parse_args({fname, names, 2, 2}, args, nargs, kw, v);
  } else {
    // methods take no out=: parse against the names between input and out
    static const char* m_alpha[] = {"other", "alpha", nullptr};
    static const char* m_round[] = {"other", "rounding_mode", nullptr};
    static const char* m_pow[] = {"exponent", nullptr};
    static const char* m_plain[] = {"other", nullptr};
    const char* const* mnames = E == Extra::Alpha      ? m_alpha
                                : E == Extra::Rounding ? m_round
                                : Op == BinaryOp::Pow  ? m_pow
                                                       : m_plain;
    parse_args({fname, mnames, 1, 1}, args, nargs, kw, v);
  }
  ops::Operand a, b;
  Tensor ha, hb;
  if (M == Mode::Function) {
    operand_arg(v[0], &a, &ha, fname, "input", 1);
    operand_arg(v[1], &b, &hb, fname, other_name, 2);
  } else {
    a.tensor = impl_of(self);
    operand_arg(v[0], &b, &hb, fname, other_name, 1);
  }
  PyObject** extra = v + nops;
  ElemArgs ea;
  BinaryOp op = Op;
  if constexpr (E == Extra::Alpha) {
    if (given(*extra)) {
      ea.s[0] = scalar_arg(*extra, "alpha");
      if (!(ea.s[0].is_integral() && ea.s[0].i == 1)) ea.flags = 1;
    }
    ++extra;
  } else if constexpr (E == Extra::Rounding) {
    op = rounding_mode(*extra);
    ++extra;
  }
  Tensor r = ag::binary(op, a, b, default_dtype(), ea, out_for(M, self, *extra, fname));
  return result(M, self, std::move(r));
  MT_END(nullptr)
}

// rsub(input, other, *, alpha=1) = other - alpha * input
PyObject* F_rsub(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "other", "alpha", nullptr};
  PyObject* v[3];
  parse_args({"rsub", names, 2, 2}, args, nargs, kw, v);
  ops::Operand a, b;
  Tensor ha, hb;
  operand_arg(v[0], &a, &ha, "rsub", "input", 1);
  operand_arg(v[1], &b, &hb, "rsub", "other", 2);
  ElemArgs ea;
  if (given(v[2])) {
    ea.s[0] = scalar_arg(v[2], "alpha");
    if (!(ea.s[0].is_integral() && ea.s[0].i == 1)) ea.flags = 1;
  }
  return wrap(ag::binary(BinaryOp::Sub, b, a, default_dtype(), ea));
  MT_END(nullptr)
}

// isclose / allclose (input, other, rtol=1e-05, atol=1e-08, equal_nan=False)
template <bool All, Mode M>
PyObject* close_entry(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "other", "rtol", "atol", "equal_nan", nullptr};
  const char* fname = All ? "allclose" : "isclose";
  PyObject* v[5];
  ops::Operand a, b;
  Tensor ha, hb;
  PyObject** p;
  if (M == Mode::Function) {
    parse_args({fname, names, 5, 2}, args, nargs, kw, v);
    operand_arg(v[0], &a, &ha, fname, "input", 1);
    operand_arg(v[1], &b, &hb, fname, "other", 2);
    p = v + 2;
  } else {
    parse_args({fname, names + 1, 4, 1}, args, nargs, kw, v);
    a.tensor = impl_of(self);
    operand_arg(v[0], &b, &hb, fname, "other", 1);
    p = v + 1;
  }
  double rtol = given(p[0]) ? double_arg(p[0], "rtol") : 1e-05;
  double atol = given(p[1]) ? double_arg(p[1], "atol") : 1e-08;
  bool equal_nan = given(p[2]) && PyObject_IsTrue(p[2]);
  if constexpr (All) {
    MT_CHECK(a.tensor && b.tensor, "allclose(): expected two tensors");
    return PyBool_FromLong(ag::allclose(Tensor(const_cast<TensorImpl*>(a.tensor)),
                                        Tensor(const_cast<TensorImpl*>(b.tensor)), rtol, atol,
                                        equal_nan));
  } else {
    ElemArgs ea;
    ea.s[0] = Scalar::from_double(rtol);
    ea.s[1] = Scalar::from_double(atol);
    ea.flags = equal_nan ? 1 : 0;
    return wrap(ag::binary(BinaryOp::IsClose, a, b, default_dtype(), ea));
  }
  MT_END(nullptr)
}

template <Mode M>
PyObject* equal_entry(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "other", nullptr};
  PyObject* v[2];
  Tensor a, b;
  if (M == Mode::Function) {
    parse_args({"equal", names, 2, 2}, args, nargs, kw, v);
    a = tensor_arg(v[0], "equal", "input", 1);
    b = tensor_arg(v[1], "equal", "other", 2);
  } else {
    parse_args({"equal", names + 1, 1, 1}, args, nargs, kw, v);
    a = Tensor(impl_of(self));
    b = tensor_arg(v[0], "equal", "other", 1);
  }
  return PyBool_FromLong(ag::equal(a, b));
  MT_END(nullptr)
}

// ---- ternary ----

// where(condition, input, other, *, out=None); t.where(condition, other).
// where(condition) alone is nonzero(condition, as_tuple=True).
template <Mode M>
PyObject* where_entry(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"condition", "input", "other", "out", nullptr};
  static const char* mnames[] = {"condition", "other", nullptr};
  PyObject* v[4] = {};
  ops::Operand x, y;
  Tensor hx, hy, hc;
  ops::Operand c;
  if (M == Mode::Function) {
    if (nargs == 1 && !kw) {
      return nonzero_as_tuple(args[0]);
    }
    parse_args({"where", names, 3, 3}, args, nargs, kw, v);
    operand_arg(v[0], &c, &hc, "where", "condition", 1);
    operand_arg(v[1], &x, &hx, "where", "input", 2);
    operand_arg(v[2], &y, &hy, "where", "other", 3);
  } else {
    parse_args({"where", mnames, 2, 2}, args, nargs, kw, v);
    operand_arg(v[0], &c, &hc, "where", "condition", 1);
    x.tensor = impl_of(self);
    operand_arg(v[1], &y, &hy, "where", "other", 2);
  }
  if (!c.tensor) type_error_arg("where", "condition", 1, v[0]);
  return wrap(ag::where(Tensor(const_cast<TensorImpl*>(c.tensor)), x, y, default_dtype(),
                        M == Mode::Function ? out_arg(v[3], "where") : ops::ElemOut{}));
  MT_END(nullptr)
}

// lerp(input, end, weight, *, out=None): weight a number or a tensor.
template <Mode M>
PyObject* lerp_entry(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "end", "weight", "out", nullptr};
  PyObject* v[4] = {};
  ops::Operand s, e, w;
  Tensor hs, he, hw;
  PyObject** p;
  if (M == Mode::Function) {
    parse_args({"lerp", names, 3, 3}, args, nargs, kw, v);
    operand_arg(v[0], &s, &hs, "lerp", "input", 1);
    p = v + 1;
  } else {
    parse_args({"lerp", names + 1, 2, 2}, args, nargs, kw, v);
    s.tensor = impl_of(self);
    p = v;
  }
  operand_arg(p[0], &e, &he, "lerp", "end", 2);
  operand_arg(p[1], &w, &hw, "lerp", "weight", 3);
  ops::ElemOut out = out_for(M, self, p[2], "lerp");
  Tensor r;
  if (!w.tensor) {
    ElemArgs ea;
    ea.s[0] = w.scalar;
    r = ag::binary(BinaryOp::Lerp, s, e, default_dtype(), ea, out);
  } else {
    r = ag::ternary(TernaryOp::Lerp, s, e, w, default_dtype(), {}, out);
  }
  return result(M, self, std::move(r));
  MT_END(nullptr)
}

// addcmul / addcdiv(input, tensor1, tensor2, *, value=1, out=None)
template <TernaryOp Op, Mode M>
PyObject* addc_entry(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "tensor1", "tensor2", "value", "out", nullptr};
  const char* fname = Op == TernaryOp::Addcmul ? "addcmul" : "addcdiv";
  PyObject* v[5] = {};
  ops::Operand a, t1, t2;
  Tensor ha, h1, h2;
  PyObject** p;
  if (M == Mode::Function) {
    parse_args({fname, names, 3, 3}, args, nargs, kw, v);
    operand_arg(v[0], &a, &ha, fname, "input", 1);
    p = v + 1;
  } else {
    parse_args({fname, names + 1, 2, 2}, args, nargs, kw, v);
    a.tensor = impl_of(self);
    p = v;
  }
  operand_arg(p[0], &t1, &h1, fname, "tensor1", 2);
  operand_arg(p[1], &t2, &h2, fname, "tensor2", 3);
  ElemArgs ea;
  ea.s[0] = given(p[2]) ? scalar_arg(p[2], "value") : Scalar::from_int(1);
  Tensor r = ag::ternary(Op, a, t1, t2, default_dtype(), ea, out_for(M, self, p[3], fname));
  return result(M, self, std::move(r));
  MT_END(nullptr)
}

template <typename F>
PyCFunction fn(F f) {
  return reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(f));
}
constexpr int kFast = METH_FASTCALL | METH_KEYWORDS;

}  // namespace

// Tables (method_tables.cpp lists them). MT_UNARY_* expand to the entries
// of one simple unary op; the rest are written out.
#define MT_UNARY_FN(name, Op)                                   \
  {name, fn(F_unary<UnaryOp::Op>), kFast, nullptr},             \
  {name "_", fn(F_unary_<UnaryOp::Op>), METH_O, nullptr}
#define MT_UNARY_METHOD(name, Op)                               \
  {name, fn(T_unary<UnaryOp::Op>), METH_NOARGS, nullptr},       \
  {name "_", fn(T_unary_<UnaryOp::Op>), METH_NOARGS, nullptr}
#define MT_SIMPLE_UNARY(_)                                                                        \
  _("neg", Neg), _("negative", Neg), _("abs", Abs), _("absolute", Abs), _("sign", Sign),         \
  _("exp", Exp), _("exp2", Exp2), _("expm1", Expm1), _("log", Log), _("log2", Log2),             \
  _("log10", Log10), _("log1p", Log1p), _("sqrt", Sqrt), _("rsqrt", Rsqrt), _("square", Square), \
  _("sin", Sin), _("cos", Cos), _("tan", Tan), _("asin", Asin), _("arcsin", Asin),               \
  _("acos", Acos), _("arccos", Acos), _("atan", Atan), _("arctan", Atan), _("sinh", Sinh),        \
  _("cosh", Cosh), _("tanh", Tanh), _("asinh", Asinh), _("arcsinh", Asinh), _("acosh", Acosh),   \
  _("arccosh", Acosh), _("atanh", Atanh), _("arctanh", Atanh), _("sigmoid", Sigmoid),            \
  _("relu", Relu), _("erf", Erf), _("erfc", Erfc), _("floor", Floor), _("ceil", Ceil),           \
  _("trunc", Trunc), _("fix", Trunc), _("frac", Frac), _("reciprocal", Reciprocal),              \
  _("logical_not", LogicalNot), _("bitwise_not", BitwiseNot)
#define MT_BINARY_FN(name, Op) {name, fn(binary_entry<BinaryOp::Op, Mode::Function>), kFast, nullptr}
#define MT_BINARY_METHOD(name, Op)                                         \
  {name, fn(binary_entry<BinaryOp::Op, Mode::Method>), kFast, nullptr},    \
  {name "_", fn(binary_entry<BinaryOp::Op, Mode::InPlace>), kFast, nullptr}
#define MT_BINARY(_)                                                                              \
  _("add", Add), _("sub", Sub), _("subtract", Sub), _("mul", Mul), _("multiply", Mul),           \
  _("div", Div), _("divide", Div), _("floor_divide", DivFloor), _("remainder", Remainder),       \
  _("fmod", Fmod), _("pow", Pow), _("atan2", Atan2), _("arctan2", Atan2), _("eq", Eq),           \
  _("ne", Ne), _("not_equal", Ne), _("lt", Lt), _("less", Lt), _("le", Le), _("less_equal", Le), \
  _("gt", Gt), _("greater", Gt), _("ge", Ge), _("greater_equal", Ge),                            \
  _("logical_and", LogicalAnd), _("logical_or", LogicalOr), _("logical_xor", LogicalXor),        \
  _("bitwise_and", BitwiseAnd), _("bitwise_or", BitwiseOr), _("bitwise_xor", BitwiseXor),        \
  _("bitwise_left_shift", Lshift), _("bitwise_right_shift", Rshift)
#define MT_PARAM(name, Spec, M) {name, fn(param_unary<Spec, M>), kFast, nullptr}

PyMethodDef elementwise_module_functions[] = {
    MT_SIMPLE_UNARY(MT_UNARY_FN),
    {"isnan", fn(F_unary<UnaryOp::IsNan>), kFast, nullptr},
    {"isinf", fn(F_unary<UnaryOp::IsInf>), kFast, nullptr},
    {"isfinite", fn(F_unary<UnaryOp::IsFinite>), kFast, nullptr},
    {"positive", fn(F_positive), METH_O, nullptr},
    {"_silu", fn(F_unary<UnaryOp::Silu>), kFast, nullptr},
    {"_silu_", fn(F_unary_<UnaryOp::Silu>), METH_O, nullptr},
    MT_PARAM("logit", kLogit, Mode::Function),
    MT_PARAM("round", kRound, Mode::Function),
    MT_PARAM("nan_to_num", kNanToNum, Mode::Function),
    MT_PARAM("_gelu", kGelu, Mode::Function),
    MT_PARAM("_softplus", kSoftplus, Mode::Function),
    {"clamp", fn(clamp_entry<Mode::Function, 0>), kFast, nullptr},
    {"clip", fn(clamp_entry<Mode::Function, 0>), kFast, nullptr},
    {"clamp_min", fn(clamp_entry<Mode::Function, 1>), kFast, nullptr},
    {"clamp_max", fn(clamp_entry<Mode::Function, 2>), kFast, nullptr},
    MT_BINARY(MT_BINARY_FN),
    {"true_divide", fn(binary_entry<BinaryOp::Div, Mode::Function, Extra::None>), kFast, nullptr},
    {"maximum", fn(binary_entry<BinaryOp::Maximum, Mode::Function>), kFast, nullptr},
    {"minimum", fn(binary_entry<BinaryOp::Minimum, Mode::Function>), kFast, nullptr},
    {"fmax", fn(binary_entry<BinaryOp::Fmax, Mode::Function>), kFast, nullptr},
    {"fmin", fn(binary_entry<BinaryOp::Fmin, Mode::Function>), kFast, nullptr},
    {"rsub", fn(F_rsub), kFast, nullptr},
    {"isclose", fn(close_entry<false, Mode::Function>), kFast, nullptr},
    {"allclose", fn(close_entry<true, Mode::Function>), kFast, nullptr},
    {"equal", fn(equal_entry<Mode::Function>), kFast, nullptr},
    {"where", fn(where_entry<Mode::Function>), kFast, nullptr},
    {"lerp", fn(lerp_entry<Mode::Function>), kFast, nullptr},
    {"addcmul", fn(addc_entry<TernaryOp::Addcmul, Mode::Function>), kFast, nullptr},
    {"addcdiv", fn(addc_entry<TernaryOp::Addcdiv, Mode::Function>), kFast, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

PyMethodDef elementwise_tensor_methods[] = {
    MT_SIMPLE_UNARY(MT_UNARY_METHOD),
    {"isnan", fn(T_unary<UnaryOp::IsNan>), METH_NOARGS, nullptr},
    {"isinf", fn(T_unary<UnaryOp::IsInf>), METH_NOARGS, nullptr},
    {"isfinite", fn(T_unary<UnaryOp::IsFinite>), METH_NOARGS, nullptr},
    {"positive", fn(T_positive), METH_NOARGS, nullptr},
    MT_PARAM("logit", kLogit, Mode::Method),
    MT_PARAM("logit_", kLogit, Mode::InPlace),
    MT_PARAM("round", kRound, Mode::Method),
    MT_PARAM("round_", kRound, Mode::InPlace),
    MT_PARAM("nan_to_num", kNanToNum, Mode::Method),
    MT_PARAM("nan_to_num_", kNanToNum, Mode::InPlace),
    {"clamp", fn(clamp_entry<Mode::Method, 0>), kFast, nullptr},
    {"clamp_", fn(clamp_entry<Mode::InPlace, 0>), kFast, nullptr},
    {"clip", fn(clamp_entry<Mode::Method, 0>), kFast, nullptr},
    {"clip_", fn(clamp_entry<Mode::InPlace, 0>), kFast, nullptr},
    {"clamp_min", fn(clamp_entry<Mode::Method, 1>), kFast, nullptr},
    {"clamp_min_", fn(clamp_entry<Mode::InPlace, 1>), kFast, nullptr},
    {"clamp_max", fn(clamp_entry<Mode::Method, 2>), kFast, nullptr},
    {"clamp_max_", fn(clamp_entry<Mode::InPlace, 2>), kFast, nullptr},
    MT_BINARY(MT_BINARY_METHOD),
    {"true_divide", fn(binary_entry<BinaryOp::Div, Mode::Method, Extra::None>), kFast, nullptr},
    {"true_divide_", fn(binary_entry<BinaryOp::Div, Mode::InPlace, Extra::None>), kFast, nullptr},
    {"maximum", fn(binary_entry<BinaryOp::Maximum, Mode::Method>), kFast, nullptr},
    {"minimum", fn(binary_entry<BinaryOp::Minimum, Mode::Method>), kFast, nullptr},
    {"fmax", fn(binary_entry<BinaryOp::Fmax, Mode::Method>), kFast, nullptr},
    {"fmin", fn(binary_entry<BinaryOp::Fmin, Mode::Method>), kFast, nullptr},
    {"isclose", fn(close_entry<false, Mode::Method>), kFast, nullptr},
    {"allclose", fn(close_entry<true, Mode::Method>), kFast, nullptr},
    {"equal", fn(equal_entry<Mode::Method>), kFast, nullptr},
    {"where", fn(where_entry<Mode::Method>), kFast, nullptr},
    {"lerp", fn(lerp_entry<Mode::Method>), kFast, nullptr},
    {"lerp_", fn(lerp_entry<Mode::InPlace>), kFast, nullptr},
    {"addcmul", fn(addc_entry<TernaryOp::Addcmul, Mode::Method>), kFast, nullptr},
    {"addcmul_", fn(addc_entry<TernaryOp::Addcmul, Mode::InPlace>), kFast, nullptr},
    {"addcdiv", fn(addc_entry<TernaryOp::Addcdiv, Mode::Method>), kFast, nullptr},
    {"addcdiv_", fn(addc_entry<TernaryOp::Addcdiv, Mode::InPlace>), kFast, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

#undef MT_UNARY_FN
#undef MT_UNARY_METHOD
#undef MT_SIMPLE_UNARY
#undef MT_BINARY_FN
#undef MT_BINARY_METHOD
#undef MT_BINARY
#undef MT_PARAM

PyObject* maximum_minimum(bool is_max, PyObject* input, PyObject* other, PyObject* out) {
  PyObject* args[3] = {input, other, out};
  if (!out || out == Py_None)
    return is_max ? binary_entry<BinaryOp::Maximum, Mode::Function>(nullptr, args, 2, nullptr)
                  : binary_entry<BinaryOp::Minimum, Mode::Function>(nullptr, args, 2, nullptr);
  py::Ref kwnames = py::check(Py_BuildValue("(s)", "out"));
  return is_max ? binary_entry<BinaryOp::Maximum, Mode::Function>(nullptr, args, 2, kwnames.get())
                : binary_entry<BinaryOp::Minimum, Mode::Function>(nullptr, args, 2, kwnames.get());
}

}  // namespace mt::py_glue
