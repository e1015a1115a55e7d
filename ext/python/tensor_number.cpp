// tensor_number.cpp: the number protocol. For now the conversions of
// one-element tensors (bool, float, int, index); the arithmetic operators
// arrive with the operator library.
#include "glue.h"

namespace mt::py_glue {

namespace {

Scalar single(PyObject* self, const char* what) {
  TensorImpl* t = impl_of(self);
  MT_CHECK(t->numel() == 1, what, t->numel() == 0 ? " of Tensor with no values is ambiguous"
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

}  // namespace

PyNumberMethods tensor_as_number = [] {
  PyNumberMethods m{};
  m.nb_bool = N_bool;
  m.nb_float = N_float;
  m.nb_int = N_int;
  m.nb_index = N_index;
  return m;
}();

}  // namespace mt::py_glue
