// tensor_mapping.cpp: len(t), t[index], t[index] = value.
//
// Basic indexing (ints, slices with any step, None, Ellipsis, True/False,
// and tuples of them) always returns a view, as in NumPy; a negative step
// gives negative strides. Advanced indexing (tensors, lists, masks) comes
// with the operator library; until then it raises NotImplementedError.
#include "glue.h"

namespace mt::py_glue {

namespace {

Py_ssize_t M_length(PyObject* self) {
  TensorImpl* t = impl_of(self);
  if (t->dim() == 0) {
    PyErr_SetString(PyExc_TypeError, "len() of a 0-d tensor");
    return -1;
  }
  return t->sizes()[0];
}

bool is_int_index(PyObject* o) {
  if (PyLong_Check(o)) return !PyBool_Check(o);
  if (is_tensor(o)) {
    TensorImpl* t = impl_of(o);
    return t->dim() == 0 && is_integral(t->dtype(), false);
  }
  return is_numpy_scalar(o) && PyIndex_Check(o) && !PyBool_Check(o);
}

// A bool index (True/False, np.bool_) adds a dim of size 1 or 0, as None does.
int bool_index(PyObject* o) {  // -1: not a bool; else its value
  if (PyBool_Check(o)) return o == Py_True;
  Scalar s;
  if (is_numpy_scalar(o) && to_scalar(o, &s) && s.is_bool()) return s.i != 0;
  return -1;
}

// Raises the error PyTorch gives for an index that is neither basic nor
// advanced (IndexError for floats and other objects, TypeError for str),
// and NotImplementedError for advanced indices, which arrive later.
[[noreturn]] void bad_index(PyObject* o) {
  if (PyUnicode_Check(o) || PyBytes_Check(o))
    MT_THROW(TypeError, "invalid index of type ", Py_TYPE(o)->tp_name);
  if (is_tensor(o) && impl_of(o)->dim() == 0 && is_floating(impl_of(o)->dtype()))
    MT_THROW(IndexError, "tensors used as indices must be long, int, byte or bool tensors");
  if (is_tensor(o) || is_ndarray(o) || PyList_Check(o) || PyTuple_Check(o) || PySequence_Check(o))
    MT_THROW(NotImplementedError,
             "advanced indexing (tensors, lists, arrays or boolean masks as indices) is not "
             "implemented yet; got an index of type ", Py_TYPE(o)->tp_name);
  MT_THROW(IndexError,
           "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
           "valid indices (got ", Py_TYPE(o)->tp_name, ")");
}

// Applies a basic index; returns the view.
Tensor apply_index(const Tensor& self, PyObject* index) {
  PyObject* single[1] = {index};
  PyObject* const* items = single;
  Py_ssize_t n = 1;
  if (PyTuple_Check(index)) {
    items = &PyTuple_GET_ITEM(index, 0);
    n = PyTuple_GET_SIZE(index);
  }
  // Count dims consumed (ints and slices) to expand the Ellipsis.
  int64_t consumed = 0;
  bool seen_ellipsis = false;
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* o = items[i];
    if (o == Py_Ellipsis) {
      MT_CHECK_KIND(IndexError, !seen_ellipsis, "an index can only have a single ellipsis ('...')");
      seen_ellipsis = true;
    } else if (o != Py_None && bool_index(o) < 0) {
      if (!is_int_index(o) && !PySlice_Check(o)) bad_index(o);
      ++consumed;
    }
  }
  MT_CHECK_KIND(IndexError, consumed <= self->dim(), "too many indices for tensor of dimension ",
                self->dim());
  Tensor t = self;
  int64_t dim = 0;
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* o = items[i];
    if (o == Py_Ellipsis) {
      dim += self->dim() - consumed;
    } else if (o == Py_None) {
      t = ag::unsqueeze(t, dim);
      ++dim;
    } else if (int b = bool_index(o); b >= 0) {
      t = ag::unsqueeze(t, dim);
      if (!b) t = ag::narrow(t, dim, 0, 0);  // x[False]: the same view with no rows
      ++dim;
    } else if (PySlice_Check(o)) {
      auto* sl = reinterpret_cast<PySliceObject*>(o);
      std::optional<int64_t> b, e;
      if (sl->start != Py_None) b = int_arg(sl->start, "slice start");
      if (sl->stop != Py_None) e = int_arg(sl->stop, "slice stop");
      int64_t step = sl->step == Py_None ? 1 : int_arg(sl->step, "slice step");
      t = ag::slice(t, dim, b, e, step);
      ++dim;
    } else {
      int64_t idx = int_arg(o, "index");
      int64_t size = t->sizes()[dim];
      MT_CHECK_KIND(IndexError, idx >= -size && idx < size, "index ", idx,
                    " is out of bounds for dimension ", dim, " with size ", size);
      t = ag::select(t, dim, idx);
    }
  }
  if (t.get() == self.get()) t = ag::detach(t);  // x[...] / x[()] still give a new view
  return t;
}

PyObject* M_subscript(PyObject* self, PyObject* index) {
  MT_BEGIN
  return wrap(apply_index(Tensor(impl_of(self)), index));
  MT_END(nullptr)
}

int M_ass_subscript(PyObject* self, PyObject* index, PyObject* value) {
  MT_BEGIN
  if (!value) {
    PyErr_SetString(PyExc_TypeError, "Tensor does not support item deletion");
    return -1;
  }
  Tensor dst = apply_index(Tensor(impl_of(self)), index);
  Scalar s;
  if (is_tensor(value)) {
    ag::copy_(dst, Tensor(impl_of(value)));
  } else if (to_scalar(value, &s)) {
    ag::fill_(dst, s);
  } else {
    Tensor src = tensor_from_data(value, dst->dtype(), Device{});
    ag::copy_(dst, src);
  }
  return 0;
  MT_END(-1)
}

}  // namespace

PyObject* tensor_getitem(PyObject* self, PyObject* index) { return M_subscript(self, index); }

PyMappingMethods tensor_as_mapping = {M_length, M_subscript, M_ass_subscript};

}  // namespace mt::py_glue
