// tensor_getset.cpp: Tensor properties (shape, dtype, requires_grad, ...).
#include "../autograd/node.h"
#include "glue.h"

namespace mt::py_glue {

PyObject* wrap_node(ag::Node* n);  // autograd_glue.cpp

namespace {

PyObject* G_shape(PyObject* self, void*) {
  MT_BEGIN
  return sizes_to_size(impl_of(self)->sizes());
  MT_END(nullptr)
}
PyObject* G_dtype(PyObject* self, void*) { return Py_NewRef(dtype_object(impl_of(self)->dtype())); }
PyObject* G_device(PyObject* self, void*) {
  MT_BEGIN
  return device_object(impl_of(self)->device());
  MT_END(nullptr)
}
PyObject* G_ndim(PyObject* self, void*) { return PyLong_FromLongLong(impl_of(self)->dim()); }
PyObject* G_is_cuda(PyObject* self, void*) {
  return PyBool_FromLong(impl_of(self)->device().is_cuda());
}
PyObject* G_is_cpu(PyObject* self, void*) {
  return PyBool_FromLong(impl_of(self)->device().is_cpu());
}
PyObject* G_itemsize(PyObject* self, void*) {
  return PyLong_FromLongLong(impl_of(self)->itemsize());
}
PyObject* G_nbytes(PyObject* self, void*) {
  TensorImpl* t = impl_of(self);
  return PyLong_FromLongLong(t->numel() * t->itemsize());
}
PyObject* G_version(PyObject* self, void*) { return PyLong_FromLongLong(impl_of(self)->version()); }

PyObject* G_is_leaf(PyObject* self, void*) { return PyBool_FromLong(ag::is_leaf(impl_of(self))); }
PyObject* G_grad_fn(PyObject* self, void*) {
  MT_BEGIN
  return wrap_node(ag::current_grad_fn(impl_of(self)));
  MT_END(nullptr)
}
PyObject* G_retains_grad(PyObject* self, void*) {
  ag::Meta* m = ag::meta_if(impl_of(self));
  return PyBool_FromLong(m && m->retains_grad);
}

PyObject* G_requires_grad(PyObject* self, void*) {
  return PyBool_FromLong(impl_of(self)->requires_grad());
}
int S_requires_grad(PyObject* self, PyObject* value, void*) {
  MT_BEGIN
  if (!value) {
    PyErr_SetString(PyExc_RuntimeError, "requires_grad must be a bool");  // PyTorch's
    return -1;
  }
  if (!PyBool_Check(value)) {
    PyErr_Format(PyExc_RuntimeError, "requires_grad must be a bool, not %s",
                 Py_TYPE(value)->tp_name);
    return -1;
  }
  TensorImpl* t = impl_of(self);
  bool v = value == Py_True;
  if (!ag::is_leaf(t)) {
    MT_CHECK(v,
             "you can only change requires_grad flags of leaf variables. If you want to use a "
             "computed variable in a subgraph that doesn't require differentiation use "
             "var_no_grad = var.detach().");
    return 0;
  }
  if (v)
    MT_CHECK(is_floating(t->dtype()),
             "only Tensors of floating point and complex dtype can require gradients");
  if (v || t->autograd()) t->autograd_or_create().requires_grad = v;
  return 0;
  MT_END(-1)
}

PyObject* G_grad(PyObject* self, void*) {
  MT_BEGIN
  ag::Meta* am = ag::meta_if(impl_of(self));
  if (am && am->grad_fn && !am->retains_grad &&
      PyErr_WarnEx(PyExc_UserWarning,
                   "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
                   "Its .grad attribute won't be populated during autograd.backward(). If you "
                   "indeed want the .grad field to be populated for a non-leaf Tensor, use "
                   ".retain_grad() on the non-leaf Tensor.",
                   1) < 0)
    return nullptr;
  AutogradMeta* m = impl_of(self)->autograd();
  if (!m || !m->grad) Py_RETURN_NONE;
  return wrap(m->grad);
  MT_END(nullptr)
}
int S_grad(PyObject* self, PyObject* value, void*) {
  MT_BEGIN
  TensorImpl* t = impl_of(self);
  if (!value || value == Py_None) {
    if (t->autograd()) t->autograd()->grad = Tensor();
    return 0;
  }
  Tensor g = unwrap(value, "assigned grad");
  MT_CHECK(g->dtype() == t->dtype(), "assigned grad has data of a different type");
  MT_CHECK(g->device() == t->device(), "assigned grad has data located on a different device");
  MT_CHECK(g->sizes() == t->sizes(), "assigned grad has data of a different size");
  t->autograd_or_create().grad = g;
  return 0;
  MT_END(-1)
}

// .data: a detached alias; assigning re-points this tensor at the other's data.
PyObject* G_data(PyObject* self, void*) {
  MT_BEGIN
  return wrap(ag::detach(Tensor(impl_of(self))));
  MT_END(nullptr)
}
int S_data(PyObject* self, PyObject* value, void*) {
  MT_BEGIN
  if (!value) {
    PyErr_SetString(PyExc_TypeError, "cannot delete data");
    return -1;
  }
  Tensor src = unwrap(value, "data");
  ag::set_data(Tensor(impl_of(self)), src);  // Note [Storage export]
  return 0;
  MT_END(-1)
}

// __array_interface__: see array_interface in numpy_bridge.cpp.
PyObject* G_array_interface(PyObject* self, void*) {
  MT_BEGIN
  return array_interface(self);
  MT_END(nullptr)
}

PyObject* G_T(PyObject* self, void*) {
  MT_BEGIN
  Tensor t(impl_of(self));
  Dims order(t->dim());
  for (int64_t i = 0; i < t->dim(); ++i) order[i] = t->dim() - 1 - i;
  return wrap(ag::permute(t, order));
  MT_END(nullptr)
}
PyObject* G_mT(PyObject* self, void*) {
  MT_BEGIN
  Tensor t(impl_of(self));
  if (t->dim() == 0) {  // PyTorch: deprecated, the identity, and a warning
    if (PyErr_WarnEx(PyExc_UserWarning,
                     "Tensor.mT is deprecated on 0-D tensors. This function is the identity in "
                     "these cases.",
                     1) < 0)
      return nullptr;
    return Py_NewRef(self);
  }
  MT_CHECK(t->dim() >= 2, "tensor.mT is only supported on matrices or batches of matrices. Got ",
           t->dim(), "-D tensor.");
  return wrap(ag::transpose(t, -2, -1));
  MT_END(nullptr)
}

}  // namespace

PyGetSetDef tensor_getset[] = {
    {"shape", G_shape, nullptr, nullptr, nullptr},
    {"dtype", G_dtype, nullptr, nullptr, nullptr},
    {"device", G_device, nullptr, nullptr, nullptr},
    {"ndim", G_ndim, nullptr, nullptr, nullptr},
    {"is_cuda", G_is_cuda, nullptr, nullptr, nullptr},
    {"is_cpu", G_is_cpu, nullptr, nullptr, nullptr},
    {"itemsize", G_itemsize, nullptr, nullptr, nullptr},
    {"nbytes", G_nbytes, nullptr, nullptr, nullptr},
    {"_version", G_version, nullptr, nullptr, nullptr},
    {"is_leaf", G_is_leaf, nullptr, nullptr, nullptr},
    {"grad_fn", G_grad_fn, nullptr, nullptr, nullptr},
    {"requires_grad", G_requires_grad, S_requires_grad, nullptr, nullptr},
    {"retains_grad", G_retains_grad, nullptr, nullptr, nullptr},
    {"grad", G_grad, S_grad, nullptr, nullptr},
    {"data", G_data, S_data, nullptr, nullptr},
    {"T", G_T, nullptr, nullptr, nullptr},
    {"__array_interface__", G_array_interface, nullptr, nullptr, nullptr},
    {"mT", G_mT, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

}  // namespace mt::py_glue
