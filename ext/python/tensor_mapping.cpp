// tensor_mapping.cpp: len(t), t[index], t[index] = value.
//
// The glue only converts the Python index into ops::IndexItems (ints,
// slices, None, Ellipsis, bools, index tensors made from tensors, lists and
// ndarrays); ops::basic_index applies PyTorch's rules (ellipsis expansion,
// bounds, bools) and returns the basic-indexing view plus the advanced
// indices, which ag::index (getitem) or ag::index_put_ (setitem) apply.
// Basic-only indexing returns a view; advanced indexing copies.
#include <limits>

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

using ops::IndexItem;
using Kind = ops::IndexItem::Kind;

bool is_numpy_bool(PyObject* o) {
  Scalar s;
  return is_numpy_scalar(o) && numpy_scalar_to_scalar(o, &s) && s.is_bool();
}

bool is_int_like(PyObject* o) {
  if (PyLong_Check(o)) return !PyBool_Check(o);
  return is_numpy_scalar(o) && PyIndex_Check(o) && !is_numpy_bool(o);
}

// A list index is one advanced index (x[[0, 2]], x[[[0, 1], [1, 2]]]), as
// NumPy reads it and as PyTorch announces for its next releases (PyTorch
// 2.x still reads a list holding sequences or tensors as a tuple, with a
// deprecation warning). A list holding a slice, None or Ellipsis cannot be
// an array, so it is read as a tuple of indices (x[[0, slice(None)]]).
bool sequence_as_tuple(PyObject* o) {
  if (PyTuple_Check(o)) return true;
  if (!PyList_Check(o)) return false;
  Py_ssize_t n = PyList_GET_SIZE(o);
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* it = PyList_GET_ITEM(o, i);
    if (PySlice_Check(it) || it == Py_None || it == Py_Ellipsis) return true;
  }
  return false;
}

[[noreturn]] void bad_index(PyObject* o) {
  // PyTorch reads a str as a sequence of data and fails with TypeError.
  PyErr_Format(PyUnicode_Check(o) || PyBytes_Check(o) ? PyExc_TypeError : PyExc_IndexError,
               "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
               "are valid indices (got %s)",
               Py_TYPE(o)->tp_name);
  throw py::PythonError{};
}

// Converts one Python index item to plain C++; the rules that apply to it
// (dtype checks, bools, ellipsis, bounds) are ext/ops' (ops::basic_index).
// A slice's start or stop: an int beyond int64 clamps (as Python's lists,
// NumPy and PyTorch do); anything else is read as an index argument.
int64_t slice_bound(PyObject* o) {
  if (PyLong_Check(o) && !PyBool_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow)
      return overflow > 0 ? std::numeric_limits<int64_t>::max()
                          : std::numeric_limits<int64_t>::min();
    if (v == -1 && PyErr_Occurred()) throw py::PythonError{};
    return v;
  }
  return int_arg(o, "slice indices");
}

IndexItem classify(PyObject* o, Device device) {
  IndexItem it;
  if (o == Py_None) return it;
  if (o == Py_Ellipsis) {
    it.kind = Kind::Ellipsis;
    return it;
  }
  if (PySlice_Check(o)) {
    auto* sl = reinterpret_cast<PySliceObject*>(o);
    it.kind = Kind::Slice;
    if (sl->start != Py_None) it.start = slice_bound(sl->start);
    if (sl->stop != Py_None) it.stop = slice_bound(sl->stop);
    it.step = sl->step == Py_None ? 1 : int_arg(sl->step, "slice indices");
    return it;
  }
  if (PyBool_Check(o) || is_numpy_bool(o)) {
    it.kind = Kind::Bool;
    it.flag = PyObject_IsTrue(o) == 1;
    return it;
  }
  if (is_int_like(o)) {
    it.kind = Kind::Int;
    it.value = int_arg(o, "index");
    return it;
  }
  if (is_tensor(o)) return ag::index_item_from_tensor(Tensor(impl_of(o)));
  if (is_ndarray(o) || PyList_Check(o) || PyTuple_Check(o) ||
      (PySequence_Check(o) && !PyUnicode_Check(o) && !PyBytes_Check(o) && !is_numpy_scalar(o))) {
    Tensor t = tensor_from_data(o, std::nullopt, device);
    // x[[]]: an empty sequence (read as float) is an empty int64 index, as
    // PyTorch; an empty float tensor stays an IndexError there.
    if (t->numel() == 0 && is_floating(t->dtype())) t = ag::to(t, DType::Int64, device, false);
    return ag::index_item_from_tensor(t);
  }
  bad_index(o);
}

ops::BasicIndex apply_index(const Tensor& self, PyObject* index) {
  if (!sequence_as_tuple(index)) {
    IndexItem single = classify(index, self->device());  // the common case: no allocation
    return ag::basic_index(self, &single, 1);
  }
  py::Ref seq = py::check(PySequence_Fast(index, ""));
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.get());
  std::vector<IndexItem> items;
  items.reserve(n);
  for (Py_ssize_t i = 0; i < n; ++i)
    items.push_back(classify(PySequence_Fast_GET_ITEM(seq.get(), i), self->device()));
  return ag::basic_index(self, items.data(), n);
}

// The items of an index, kept: __setitem__ under autograd records them.
std::vector<IndexItem> index_items(const Tensor& self, PyObject* index) {
  std::vector<IndexItem> items;
  if (!sequence_as_tuple(index)) {
    items.push_back(classify(index, self->device()));
    return items;
  }
  py::Ref seq = py::check(PySequence_Fast(index, ""));
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.get());
  for (Py_ssize_t i = 0; i < n; ++i)
    items.push_back(classify(PySequence_Fast_GET_ITEM(seq.get(), i), self->device()));
  return items;
}

PyObject* M_subscript(PyObject* self, PyObject* index) {
  MT_BEGIN
  Tensor s(impl_of(self));
  ops::BasicIndex r = apply_index(s, index);
  if (r.has_adv) return wrap(ag::index(r.view, r.adv));
  return wrap(r.view);  // a new tensor even for x[...] / x[()]
  MT_END(nullptr)
}

// Drops leading size-1 dims of a value that has more dims than its target
// (x[0] = ones(1, 3) for a row of 3), as PyTorch and NumPy allow.
Tensor strip_leading_ones(Tensor v, int64_t target_dim) {
  int64_t k = 0;
  while (v->dim() - k > target_dim && v->sizes()[k] == 1) ++k;
  if (k == 0) return v;
  Dims lead(k);
  for (int64_t i = 0; i < k; ++i) lead[i] = i;
  return ag::squeeze_dims(v, lead);
}

int M_ass_subscript(PyObject* self, PyObject* index, PyObject* value) {
  MT_BEGIN
  if (!value) {
    PyErr_SetString(PyExc_TypeError, "Tensor does not support item deletion");
    return -1;
  }
  Tensor s(impl_of(self));
  // With autograd the write is recorded on self (CopySlices), so the items are kept.
  std::vector<IndexItem> items;
  bool grad = ag::grad_enabled() &&
              (s->requires_grad() || (is_tensor(value) && impl_of(value)->requires_grad()));
  if (grad) items = index_items(s, index);
  ops::BasicIndex r = grad ? ag::basic_index(s, items.data(), static_cast<int64_t>(items.size()))
                           : apply_index(s, index);
  const Tensor& dst = r.view;
  Scalar sv;
  Tensor v;
  if (is_tensor(value)) {
    v = Tensor(impl_of(value));
    // PyTorch's index_put wants the value's dtype (a basic index converts).
    MT_CHECK(!r.has_adv || v->dtype() == dst->dtype(),
             "Index put requires the source and destination dtypes match, got ",
             info(dst->dtype()).torch_name, " for the destination and ",
             info(v->dtype()).torch_name, " for the source.");
  } else if (to_scalar(value, &sv)) {
    if (!r.has_adv && !grad) {
      ag::fill_(dst, sv);
      return 0;
    }
    v = ag::full(Dims{}, sv, dst->dtype(), dst->device());
  } else {
    v = tensor_from_data(value, dst->dtype(), dst->device());
  }
  if (v->dtype() != dst->dtype() || v->device() != dst->device())
    v = ag::to(v, dst->dtype(), dst->device(), false);
  if (v->storage() == dst->storage()) v = ag::clone(v);  // reading what the write overwrites
  if (grad) {
    ag::setitem_(s, items, r, strip_leading_ones(v, r.has_adv ? 0 : dst->dim()));
  } else if (r.has_adv) {
    // The value's rank is checked against the indexing result inside index_put_.
    ag::index_put_(dst, r.adv, strip_leading_ones(v, 0), false);
  } else {
    ag::copy_(dst, strip_leading_ones(v, dst->dim()));
  }
  return 0;
  MT_END(-1)
}

}  // namespace

PyObject* tensor_getitem(PyObject* self, PyObject* index) { return M_subscript(self, index); }

PyMappingMethods tensor_as_mapping = {M_length, M_subscript, M_ass_subscript};

}  // namespace mt::py_glue
