// tensor_new.cpp: minitorch.tensor(data): nested sequences, scalars, arrays.
//
// Always copies. Two passes over nested Python data: the first finds the
// shape (ValueError on ragged input, as PyTorch words it) and the dtype (the
// promotion of every leaf's own type: float -> default dtype, int -> int64,
// bool -> bool, a NumPy scalar -> its dtype); the second writes the leaves
// straight into the new tensor's buffer.
#include "glue.h"

namespace mt::py_glue {

Tensor copy_from_numpy(PyObject* obj);                 // numpy_bridge.cpp
std::optional<DType> numpy_scalar_dtype(PyObject* o);  // numpy_bridge.cpp

namespace {

constexpr int kMaxDepth = 64;

[[noreturn]] void bad_leaf(PyObject* o) {
  PyErr_Format(PyExc_TypeError, "new(): invalid data type '%s'", Py_TYPE(o)->tp_name);
  throw py::PythonError{};
}

// The dtype one leaf asks for.
DType leaf_dtype(PyObject* o) {
  if (PyFloat_Check(o)) return default_dtype();
  if (PyBool_Check(o)) return DType::Bool;
  if (PyLong_Check(o)) return DType::Int64;
  if (is_tensor(o)) return impl_of(o)->dtype();
  if (is_numpy_scalar(o)) {
    auto d = numpy_scalar_dtype(o);
    if (!d) bad_leaf(o);
    return *d;
  }
  bad_leaf(o);
}

bool is_sequence(PyObject* o) {
  return PyList_Check(o) || PyTuple_Check(o) ||
         (PySequence_Check(o) && !PyUnicode_Check(o) && !PyBytes_Check(o) && !is_tensor(o) &&
          !is_numpy_scalar(o) && !PyFloat_Check(o) && !PyLong_Check(o));
}

// Pass 1: shape from the first element at each depth.
void infer_shape(PyObject* o, Dims& shape, int depth) {
  MT_CHECK_KIND(ValueError, depth < kMaxDepth, "too many dimensions in nested data");
  if (is_tensor(o)) {
    for (int64_t s : impl_of(o)->sizes()) shape.push_back(s);
    return;
  }
  if (!is_sequence(o)) return;
  py::Ref seq = py::check(PySequence_Fast(o, "not a sequence"));
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.get());
  shape.push_back(n);
  if (n > 0) infer_shape(PySequence_Fast_GET_ITEM(seq.get(), 0), shape, depth + 1);
}

// Pass 1b: check raggedness and accumulate the dtype.
void scan(PyObject* o, const Dims& shape, int64_t depth, std::optional<DType>& dt) {
  if (depth == shape.size()) {
    if (is_tensor(o)) {
      MT_CHECK_KIND(ValueError, impl_of(o)->dim() == 0, "expected a number at dim ", depth);
    } else if (is_sequence(o)) {
      MT_THROW(ValueError, "expected a number, got a sequence at dim ", depth);
    }
    DType d = leaf_dtype(o);
    dt = dt ? promote_types(*dt, d) : d;
    return;
  }
  if (is_tensor(o)) {
    TensorImpl* t = impl_of(o);
    MT_CHECK_KIND(ValueError, t->dim() == shape.size() - depth, "expected sequence of length ",
                  shape[depth], " at dim ", depth, " (got a tensor of ", t->dim(), " dims)");
    for (int64_t i = 0; i < t->dim(); ++i)
      MT_CHECK_KIND(ValueError, t->sizes()[i] == shape[depth + i], "expected sequence of length ",
                    shape[depth + i], " at dim ", depth + i, " (got ", t->sizes()[i], ")");
    dt = dt ? promote_types(*dt, t->dtype()) : t->dtype();
    return;
  }
  if (!is_sequence(o)) {
    PyErr_Format(PyExc_TypeError, "not a sequence");
    throw py::PythonError{};
  }
  py::Ref seq = py::check(PySequence_Fast(o, "not a sequence"));
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.get());
  MT_CHECK_KIND(ValueError, n == shape[depth], "expected sequence of length ", shape[depth],
                " at dim ", depth, " (got ", n, ")");
  PyObject** items = PySequence_Fast_ITEMS(seq.get());
  if (depth + 1 == shape.size()) {
    // leaves: fast path for homogeneous Python floats / ints
    bool all_float = true, all_int = true;
    for (Py_ssize_t i = 0; i < n; ++i) {
      all_float = all_float && PyFloat_CheckExact(items[i]);
      all_int = all_int && PyLong_CheckExact(items[i]);
    }
    if (n > 0 && (all_float || all_int)) {
      DType d = all_float ? default_dtype() : DType::Int64;
      dt = dt ? promote_types(*dt, d) : d;
      return;
    }
  }
  for (Py_ssize_t i = 0; i < n; ++i) scan(items[i], shape, depth + 1, dt);
}

template <typename T>
void store(char* p, PyObject* o) {
  T* out = reinterpret_cast<T*>(p);
  if (PyFloat_CheckExact(o)) {
    *out = static_cast<T>(static_cast<opmath_t<T>>(PyFloat_AS_DOUBLE(o)));
    return;
  }
  Scalar s;
  if (to_scalar(o, &s)) {
    *out = s.to<T>();
    return;
  }
  if (is_tensor(o)) {
    *out = ops::item(Tensor(impl_of(o))).to<T>();
    return;
  }
  bad_leaf(o);
}

// Pass 2: write leaves in row-major order; returns the advanced pointer.
template <typename T>
char* fill(PyObject* o, const Dims& shape, int64_t depth, char* p) {
  if (depth == shape.size()) {
    store<T>(p, o);
    return p + sizeof(T);
  }
  if (is_tensor(o)) {
    Tensor src(impl_of(o));
    // Pass 1 checked the shape, but Python code run since (a sequence's
    // __iter__) may have resized the tensor: never write past the buffer.
    bool same = src->dim() == shape.size() - depth;
    for (int64_t i = 0; same && i < src->dim(); ++i) same = src->sizes()[i] == shape[depth + i];
    MT_CHECK_KIND(ValueError, same, "a tensor in the data changed shape during conversion");
    Tensor dst = make<TensorImpl>(
        Storage::borrow(p, src->numel() * static_cast<int64_t>(sizeof(T)), Device{}, nullptr,
                        nullptr),
        src->sizes(), contiguous_strides(src->sizes()), 0, DTypeOf<T>::value);
    ops::copy_(dst, src);
    return p + src->numel() * sizeof(T);
  }
  py::Ref seq = py::check(PySequence_Fast(o, "not a sequence"));
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.get());
  // Pass 1 checked every length, but a sequence may give different items
  // the second time (a custom __iter__, or one that mutates another list):
  // a longer one would write past the end of the buffer.
  MT_CHECK_KIND(ValueError, n == shape[depth], "expected sequence of length ", shape[depth],
                " at dim ", depth, " (got ", n, "): the data changed during conversion");
  PyObject** items = PySequence_Fast_ITEMS(seq.get());
  if (depth + 1 == shape.size()) {
    for (Py_ssize_t i = 0; i < n; ++i, p += sizeof(T)) store<T>(p, items[i]);
    return p;
  }
  for (Py_ssize_t i = 0; i < n; ++i) p = fill<T>(items[i], shape, depth + 1, p);
  return p;
}

}  // namespace

Tensor tensor_from_data(PyObject* data, std::optional<DType> dtype, Device device) {
  ops::check_device(device);
  Tensor t;
  if (is_tensor(data)) {
    t = ops::clone(Tensor(impl_of(data)));
  } else if (is_ndarray(data)) {
    t = copy_from_numpy(data);
  }
  if (t) {
    DType want = dtype.value_or(t->dtype());
    return ops::to(t, want, device, false);
  }
  Dims shape;
  infer_shape(data, shape, 0);
  std::optional<DType> inferred;
  if (numel_of(shape) > 0 || shape.empty()) scan(data, shape, 0, inferred);
  DType dt = dtype.value_or(inferred.value_or(default_dtype()));
  Tensor out = TensorImpl::empty(shape, dt, Device{});
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (out->numel() > 0) fill<T>(data, shape, 0, out->data());
  });
  return device.is_cpu() ? out : ops::to(out, dt, device, false);
}

}  // namespace mt::py_glue
