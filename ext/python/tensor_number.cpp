// tensor_number.cpp: the number protocol and rich comparison.
//
// - conversions of one-element tensors (bool, float, int, index); other
//   sizes raise PyTorch's classes (bool -> RuntimeError, float/int ->
//   ValueError, index -> TypeError);
// - the arithmetic and bitwise operators, reflected and in place, and the six
//   comparisons. Each accepts a Tensor, a Python or NumPy number, or an
//   ndarray (viewed without a copy, so `t + a` and `a + t` agree and use
//   PyTorch's promotion; see NUMPY_BRIDGE.md "Protocols"), and returns
//   NotImplemented for anything else, so Python can try the other operand.
//
// These are the per-op hot path: no Python-level work, no argument tuples.
// In-place operators follow PyTorch's in-place rules (ops::ElemOut).
#include "ops_elementwise.h"

namespace mt::py_glue {

namespace {

Scalar single(PyObject* self, const char* what) {
  TensorImpl* t = impl_of(self);
  MT_CHECK(t->numel() == 1, what,
           t->numel() == 0 ? " of Tensor with no values is ambiguous"
                           : " of Tensor with more than one value is ambiguous");
  return ops::item(Tensor(t));
}

int N_bool(PyObject* self) {
  MT_BEGIN
  Scalar s = single(self, "Boolean value");
  return s.is_floating() ? s.d != 0.0 : s.i != 0;
  MT_END(-1)
}

PyObject* N_float(PyObject* self) {
  MT_BEGIN
  TensorImpl* t = impl_of(self);
  MT_CHECK_KIND(ValueError, t->numel() == 1,
                "only one element tensors can be converted to Python scalars");
  return PyFloat_FromDouble(ops::item(Tensor(t)).to_double());
  MT_END(nullptr)
}

PyObject* N_int(PyObject* self) {
  MT_BEGIN
  TensorImpl* t = impl_of(self);
  MT_CHECK_KIND(ValueError, t->numel() == 1,
                "only one element tensors can be converted to Python scalars");
  Scalar s = ops::item(Tensor(t));
  if (s.is_floating()) return PyLong_FromDouble(s.d);
  return PyLong_FromLongLong(s.i);
  MT_END(nullptr)
}

PyObject* N_index(PyObject* self) {
  MT_BEGIN
  TensorImpl* t = impl_of(self);
  if (t->numel() != 1 || is_floating(t->dtype())) {
    PyErr_SetString(PyExc_TypeError,
                    "only integer tensors of a single element can be converted to an index");
    return nullptr;
  }
  return PyLong_FromLongLong(ops::item(Tensor(t)).to_int());
  MT_END(nullptr)
}

// a op b, either operand being the tensor (CPython calls the slot for the
// reflected form too, with the operands in source order).
template <BinaryOp Op>
PyObject* N_binary(PyObject* a, PyObject* b) {
  MT_BEGIN
  ops::Operand oa, ob;
  Tensor ha, hb;
  if (!as_operand(a, &oa, &ha) || !as_operand(b, &ob, &hb)) Py_RETURN_NOTIMPLEMENTED;
  return wrap(ag::binary(Op, oa, ob, default_dtype()));
  MT_END(nullptr)
}

// self op= other: writes into self (PyTorch's in-place casting rule).
template <BinaryOp Op>
PyObject* N_inplace(PyObject* self, PyObject* other) {
  MT_BEGIN
  ops::Operand ob;
  Tensor hb;
  if (!is_tensor(self) || !as_operand(other, &ob, &hb)) Py_RETURN_NOTIMPLEMENTED;
  TensorImpl* t = impl_of(self);
  ag::binary(Op, ops::Operand{t, {}}, ob, default_dtype(), {}, ops::ElemOut{t, true});
  return Py_NewRef(self);
  MT_END(nullptr)
}

PyObject* N_power(PyObject* a, PyObject* b, PyObject* mod) {
  if (mod != Py_None) Py_RETURN_NOTIMPLEMENTED;
  return N_binary<BinaryOp::Pow>(a, b);
}
PyObject* N_inplace_power(PyObject* a, PyObject* b, PyObject* mod) {
  if (mod != Py_None) Py_RETURN_NOTIMPLEMENTED;
  return N_inplace<BinaryOp::Pow>(a, b);
}

template <UnaryOp Op>
PyObject* N_unary(PyObject* self) {
  MT_BEGIN
  return wrap(ag::unary(Op, Tensor(impl_of(self)), default_dtype()));
  MT_END(nullptr)
}

// `~`: PyTorch refuses floating tensors with a TypeError (bitwise_not
// itself raises NotImplementedError from its kernel).
PyObject* N_invert(PyObject* self) {
  MT_BEGIN
  Tensor t(impl_of(self));
  MT_CHECK_KIND(TypeError, !is_floating(t->dtype()),
                "~ (operator.invert) is only implemented on integer and Boolean-type tensors");
  return wrap(ag::unary(UnaryOp::BitwiseNot, t, default_dtype()));
  MT_END(nullptr)
}

PyObject* N_positive(PyObject* self) {
  MT_BEGIN
  return wrap(ag::positive(Tensor(impl_of(self))));
  MT_END(nullptr)
}

// ==, !=, <, <=, >, >= as bool tensors. CPython passes the tensor as self
// (for `3 < t` it calls t's slot with the swapped operator).
PyObject* Tensor_richcompare(PyObject* self, PyObject* other, int op) {
  MT_BEGIN
  static constexpr BinaryOp kOps[] = {BinaryOp::Lt, BinaryOp::Le, BinaryOp::Eq,
                                      BinaryOp::Ne, BinaryOp::Gt, BinaryOp::Ge};
  static_assert(Py_LT == 0 && Py_LE == 1 && Py_EQ == 2 && Py_NE == 3 && Py_GT == 4 && Py_GE == 5);
  ops::Operand oa, ob;
  Tensor ha, hb;
  if (op < 0 || op > 5 || !as_operand(self, &oa, &ha) || !as_operand(other, &ob, &hb))
    Py_RETURN_NOTIMPLEMENTED;
  return wrap(ag::binary(kOps[op], oa, ob, default_dtype()));
  MT_END(nullptr)
}

template <typename F>
void* slot_fn(F f) {
  return reinterpret_cast<void*>(f);
}

}  // namespace

PyNumberMethods tensor_as_number = [] {
  PyNumberMethods m{};
  m.nb_bool = N_bool;
  m.nb_float = N_float;
  m.nb_int = N_int;
  m.nb_index = N_index;
  return m;
}();

// Appended to TensorBase's slots by tensor_type.cpp.
extern const PyType_Slot tensor_operator_slots[];
const PyType_Slot tensor_operator_slots[] = {
    {Py_nb_add, slot_fn(N_binary<BinaryOp::Add>)},
    {Py_nb_subtract, slot_fn(N_binary<BinaryOp::Sub>)},
    {Py_nb_multiply, slot_fn(N_binary<BinaryOp::Mul>)},
    {Py_nb_true_divide, slot_fn(N_binary<BinaryOp::Div>)},
    {Py_nb_floor_divide, slot_fn(N_binary<BinaryOp::DivFloor>)},
    {Py_nb_remainder, slot_fn(N_binary<BinaryOp::Remainder>)},
    {Py_nb_power, slot_fn(N_power)},
    {Py_nb_and, slot_fn(N_binary<BinaryOp::BitwiseAnd>)},
    {Py_nb_or, slot_fn(N_binary<BinaryOp::BitwiseOr>)},
    {Py_nb_xor, slot_fn(N_binary<BinaryOp::BitwiseXor>)},
    {Py_nb_lshift, slot_fn(N_binary<BinaryOp::Lshift>)},
    {Py_nb_rshift, slot_fn(N_binary<BinaryOp::Rshift>)},
    {Py_nb_inplace_add, slot_fn(N_inplace<BinaryOp::Add>)},
    {Py_nb_inplace_subtract, slot_fn(N_inplace<BinaryOp::Sub>)},
    {Py_nb_inplace_multiply, slot_fn(N_inplace<BinaryOp::Mul>)},
    {Py_nb_inplace_true_divide, slot_fn(N_inplace<BinaryOp::Div>)},
    {Py_nb_inplace_floor_divide, slot_fn(N_inplace<BinaryOp::DivFloor>)},
    {Py_nb_inplace_remainder, slot_fn(N_inplace<BinaryOp::Remainder>)},
    {Py_nb_inplace_power, slot_fn(N_inplace_power)},
    {Py_nb_inplace_and, slot_fn(N_inplace<BinaryOp::BitwiseAnd>)},
    {Py_nb_inplace_or, slot_fn(N_inplace<BinaryOp::BitwiseOr>)},
    {Py_nb_inplace_xor, slot_fn(N_inplace<BinaryOp::BitwiseXor>)},
    {Py_nb_inplace_lshift, slot_fn(N_inplace<BinaryOp::Lshift>)},
    {Py_nb_inplace_rshift, slot_fn(N_inplace<BinaryOp::Rshift>)},
    {Py_nb_negative, slot_fn(N_unary<UnaryOp::Neg>)},
    {Py_nb_positive, slot_fn(N_positive)},
    {Py_nb_absolute, slot_fn(N_unary<UnaryOp::Abs>)},
    {Py_nb_invert, slot_fn(N_invert)},
    {Py_tp_richcompare, slot_fn(Tensor_richcompare)},
    {0, nullptr},
};

}  // namespace mt::py_glue
