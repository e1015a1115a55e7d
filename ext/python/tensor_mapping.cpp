// tensor_mapping.cpp: len(t), t[index], t[index] = value.
//
// An index is split the way PyTorch splits it:
// - basic items (ints, slices with any step, None, Ellipsis) apply first as
//   views: an int selects (removing the dim), a slice narrows (a negative
//   step gives negative strides, as NumPy; PyTorch refuses those), None
//   unsqueezes;
// - advanced items (integer/bool tensors, lists, ndarrays, Python bools)
//   are collected per dim of that view and handed to ops::index (getitem)
//   or ops::index_put_ (setitem), which apply PyTorch's result-shape rules:
//   adjacent advanced indices put their broadcast shape in place, separated
//   ones put it first. Ints count as basic even next to advanced indices
//   (as PyTorch, unlike NumPy).
// Basic-only indexing returns a view; advanced indexing copies.
#include "ops_shape.h"

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

enum class Item : int8_t { None, Ellipsis, Int, Slice, Bool, Adv };

// One index item, classified; `tensor` holds the index tensor for Adv.
struct IndexItem {
  Item kind;
  PyObject* obj;
  Tensor tensor;
  bool bool_value = false;
};

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

IndexItem classify(PyObject* o, Device device) {
  if (o == Py_None) return {Item::None, o, Tensor()};
  if (o == Py_Ellipsis) return {Item::Ellipsis, o, Tensor()};
  if (PySlice_Check(o)) return {Item::Slice, o, Tensor()};
  if (PyBool_Check(o) || is_numpy_bool(o)) {
    IndexItem it{Item::Bool, o, Tensor()};
    it.bool_value = PyObject_IsTrue(o) == 1;
    return it;
  }
  if (is_int_like(o)) return {Item::Int, o, Tensor()};
  Tensor t;
  if (is_tensor(o)) {
    t = Tensor(impl_of(o));
  } else if (is_ndarray(o) || PyList_Check(o) || PyTuple_Check(o) ||
             (PySequence_Check(o) && !PyUnicode_Check(o) && !PyBytes_Check(o) &&
              !is_numpy_scalar(o))) {
    t = tensor_from_data(o, std::nullopt, device);
  } else {
    bad_index(o);
  }
  // x[[]] (an empty float list or tensor) indexes with an empty int64 index, as PyTorch.
  if (t->numel() == 0 && is_floating(t->dtype())) t = ag::to(t, DType::Int64, device, false);
  DType dt = t->dtype();
  if (is_floating(dt)) {
    PyErr_SetString(PyExc_IndexError,
                    "tensors used as indices must be long, int, byte or bool tensors");
    throw py::PythonError{};
  }
  if (t->dim() == 0) {
    if (dt == DType::Bool || dt == DType::UInt8) {  // a 0-d mask acts as a Python bool
      IndexItem it{Item::Bool, o, Tensor()};
      it.bool_value = ops::item(t).i != 0;
      return it;
    }
    return {Item::Int, o, Tensor()};
  }
  return {Item::Adv, o, t};
}

// The view after basic indexing plus, when advanced items were present, the
// per-dim index list for ops::index / ops::index_put_ (null = whole dim).
struct Indexed {
  Tensor view;
  std::vector<Tensor> adv;
  bool has_adv = false;
};

// Dims an item consumes from the indexed tensor.
int64_t consumed_dims(const IndexItem& it) {
  switch (it.kind) {
    case Item::Int:
    case Item::Slice:
      return 1;
    case Item::Adv:
      return (it.tensor->dtype() == DType::Bool || it.tensor->dtype() == DType::UInt8)
                 ? it.tensor->dim()
                 : 1;
    default:
      return 0;
  }
}

Indexed apply_index(const Tensor& self, PyObject* index) {
  IndexItem single[1];
  std::vector<IndexItem> many;
  IndexItem* items;
  Py_ssize_t n;
  if (sequence_as_tuple(index)) {
    py::Ref seq = py::check(PySequence_Fast(index, ""));
    n = PySequence_Fast_GET_SIZE(seq.get());
    many.reserve(n);
    for (Py_ssize_t i = 0; i < n; ++i)
      many.push_back(classify(PySequence_Fast_GET_ITEM(seq.get(), i), self->device()));
    items = many.data();
  } else {
    single[0] = classify(index, self->device());
    items = single;
    n = 1;
  }
  int64_t consumed = 0;
  bool seen_ellipsis = false;
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (items[i].kind == Item::Ellipsis) {
      MT_CHECK_KIND(IndexError, !seen_ellipsis, "an index can only have a single ellipsis ('...')");
      seen_ellipsis = true;
    }
    consumed += consumed_dims(items[i]);
  }
  if (self->dim() == 0 && n == 1 && items[0].kind == Item::Int)
    MT_THROW(IndexError, "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
  MT_CHECK_KIND(IndexError, consumed <= self->dim(), "too many indices for tensor of dimension ",
                self->dim());

  Indexed r;
  Tensor t = self;
  int64_t dim = 0;       // dim of the current view the next item applies to
  int64_t real_dim = 0;  // dim of self, for error messages (as PyTorch reports it)
  // r.adv gets an entry per view dim once the first advanced item shows up.
  auto whole_dims = [&](int64_t k) {
    if (r.has_adv)
      for (int64_t j = 0; j < k; ++j) r.adv.push_back(Tensor());
  };
  auto start_adv = [&]() {
    if (!r.has_adv) r.adv.assign(dim, Tensor());
    r.has_adv = true;
  };
  for (Py_ssize_t i = 0; i < n; ++i) {
    const IndexItem& it = items[i];
    switch (it.kind) {
      case Item::Ellipsis: {
        int64_t k = self->dim() - consumed;
        whole_dims(k);
        dim += k;
        real_dim += k;
        break;
      }
      case Item::None:
        t = ag::unsqueeze(t, dim);
        whole_dims(1);
        ++dim;
        break;
      case Item::Bool: {
        // A scalar bool adds a dim of size 1 and indexes it with [0] or [].
        t = ag::unsqueeze(t, dim);
        start_adv();
        r.adv.push_back(ops::from_host_int64(it.bool_value ? std::vector<int64_t>{0}
                                                           : std::vector<int64_t>{},
                                             t->device()));
        ++dim;
        break;
      }
      case Item::Slice: {
        auto* sl = reinterpret_cast<PySliceObject*>(it.obj);
        std::optional<int64_t> b, e;
        if (sl->start != Py_None) b = int_arg(sl->start, "slice indices");
        if (sl->stop != Py_None) e = int_arg(sl->stop, "slice indices");
        int64_t step = sl->step == Py_None ? 1 : int_arg(sl->step, "slice indices");
        t = ag::slice(t, dim, b, e, step);
        whole_dims(1);
        ++dim;
        ++real_dim;
        break;
      }
      case Item::Int: {
        int64_t idx = int_arg(it.obj, "index");
        int64_t size = t->sizes()[dim];
        MT_CHECK_KIND(IndexError, idx >= -size && idx < size, "index ", idx,
                      " is out of bounds for dimension ", real_dim, " with size ", size);
        t = ag::select(t, dim, idx);
        ++real_dim;
        break;
      }
      case Item::Adv: {
        start_adv();
        r.adv.push_back(it.tensor);
        int64_t k = consumed_dims(it);
        dim += k;
        real_dim += k;
        break;
      }
    }
  }
  r.view = t;
  return r;
}

PyObject* M_subscript(PyObject* self, PyObject* index) {
  MT_BEGIN
  Tensor s(impl_of(self));
  Indexed r = apply_index(s, index);
  if (r.has_adv) return wrap(ag::index(r.view, r.adv));
  if (r.view.get() == s.get()) r.view = ag::detach(r.view);  // x[...] / x[()] give a new view
  return wrap(r.view);
  MT_END(nullptr)
}

// Drops leading size-1 dims of a value that has more dims than its target
// (x[0] = ones(1, 3) for a row of 3), as PyTorch and NumPy allow.
Tensor strip_leading_ones(Tensor v, int64_t target_dim) {
  int64_t k = 0;
  while (v->dim() - k > target_dim && v->sizes()[k] == 1) ++k;
  if (k == 0) return v;
  Dims sz(v->sizes().begin() + k, v->sizes().end()), st(v->strides().begin() + k, v->strides().end());
  return v->view(sz, st, v->offset());
}

int M_ass_subscript(PyObject* self, PyObject* index, PyObject* value) {
  MT_BEGIN
  if (!value) {
    PyErr_SetString(PyExc_TypeError, "Tensor does not support item deletion");
    return -1;
  }
  Tensor s(impl_of(self));
  Indexed r = apply_index(s, index);
  const Tensor& dst = r.view;
  Scalar sv;
  Tensor v;
  if (is_tensor(value)) {
    v = Tensor(impl_of(value));
  } else if (to_scalar(value, &sv)) {
    if (!r.has_adv) {
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
  if (r.has_adv) {
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
