// tensor_new.cpp: minitorch.tensor(data): nested sequences, scalars, arrays.
//
// Always copies. Two passes over nested Python data: the first finds the
// shape (ValueError on ragged input, as PyTorch words it) and, unless a dtype
// was given, the dtype (the promotion of every leaf's own type: float ->
// default dtype, int -> int64, bool -> bool, a NumPy scalar -> its dtype,
// a tensor or ndarray -> its dtype); the second writes the leaves straight
// into the new tensor's buffer. Tensors and ndarrays inside the data are
// copied as blocks, not element by element.
//
// Errors follow PyTorch's classes: ragged lengths -> ValueError; a sequence
// where a number belongs -> TypeError; a str/bytes leaf -> TypeError; any
// other leaf whose dtype cannot be inferred -> RuntimeError ("Could not infer
// dtype of X"), or TypeError when a dtype was given; an integer that does not
// fit the target integral dtype -> RuntimeError ("value cannot be converted
// to type uint8 without overflow"); a Python int beyond int64 -> ValueError.
#include "glue.h"

namespace mt::py_glue {

Tensor numpy_readable(PyObject* arr);                  // numpy_bridge.cpp
DType ndarray_dtype(PyObject* arr);                    // numpy_bridge.cpp
void ndarray_shape(PyObject* arr, Dims& out);          // numpy_bridge.cpp
std::optional<DType> numpy_scalar_dtype(PyObject* o);  // numpy_bridge.cpp

namespace {

constexpr int kMaxDepth = 64;

[[noreturn]] void bad_leaf(PyObject* o, bool inferring) {
  if (PyUnicode_Check(o) || PyBytes_Check(o) || is_numpy_scalar(o))
    PyErr_Format(PyExc_TypeError, "new(): invalid data type '%s'", Py_TYPE(o)->tp_name);
  else if (inferring)
    PyErr_Format(PyExc_RuntimeError, "Could not infer dtype of %s", Py_TYPE(o)->tp_name);
  else
    PyErr_Format(PyExc_TypeError, "must be real number, not %s", Py_TYPE(o)->tp_name);
  throw py::PythonError{};
}

// The dtype one leaf asks for. NumPy scalars come first: np.float64 is a
// subclass of float but keeps its own dtype (as PyTorch).
DType leaf_dtype(PyObject* o) {
  if (is_numpy_scalar(o)) {
    auto d = numpy_scalar_dtype(o);
    if (!d) bad_leaf(o, true);
    return *d;
  }
  if (PyBool_Check(o)) return DType::Bool;
  if (PyFloat_Check(o)) return default_dtype();
  if (PyLong_Check(o)) return DType::Int64;
  if (is_tensor(o)) return impl_of(o)->dtype();
  if (is_ndarray(o)) return ndarray_dtype(o);
  bad_leaf(o, true);
}

bool is_sequence(PyObject* o) {
  return PyList_Check(o) || PyTuple_Check(o) ||
         (PySequence_Check(o) && !PyUnicode_Check(o) && !PyBytes_Check(o) && !is_tensor(o) &&
          !is_ndarray(o) && !is_numpy_scalar(o) && !PyFloat_Check(o) && !PyLong_Check(o));
}

// Tensors and ndarrays are blocks: their dims join the shape.
bool block_dims(PyObject* o, Dims& dims) {
  if (is_tensor(o)) {
    dims = impl_of(o)->sizes();
    return true;
  }
  if (is_ndarray(o)) {
    dims = Dims{};
    ndarray_shape(o, dims);
    return true;
  }
  return false;
}

// Pass 1: shape from the first element at each depth.
void infer_shape(PyObject* o, Dims& shape, int depth) {
  MT_CHECK_KIND(ValueError, depth < kMaxDepth, "too many dimensions in nested data");
  Dims block;
  if (block_dims(o, block)) {
    for (int64_t s : block) shape.push_back(s);
    return;
  }
  if (!is_sequence(o)) return;
  py::Ref seq = py::check(PySequence_Fast(o, "not a sequence"));
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.get());
  shape.push_back(n);
  if (n > 0) infer_shape(PySequence_Fast_GET_ITEM(seq.get(), 0), shape, depth + 1);
}

void accumulate(std::optional<DType>& dt, DType d) { dt = dt ? promote_types(*dt, d) : d; }

// Pass 1b: checks raggedness and (when `infer`) accumulates the dtype.
void scan(PyObject* o, const Dims& shape, int64_t depth, bool infer, std::optional<DType>& dt) {
  Dims block;
  bool is_block = block_dims(o, block);
  if (depth == shape.size()) {
    if ((is_block && !block.empty()) || is_sequence(o)) {
      PyErr_Format(PyExc_TypeError,
                   "new(): expected a number at dim %lld but got a %s with elements (the data "
                   "is ragged)",
                   static_cast<long long>(depth), Py_TYPE(o)->tp_name);
      throw py::PythonError{};
    }
    if (infer) accumulate(dt, leaf_dtype(o));
    return;
  }
  if (is_block) {
    const int64_t rest = shape.size() - depth;
    MT_CHECK_KIND(ValueError, block.size() == rest, "expected sequence of length ", shape[depth],
                  " at dim ", depth, " (got a ", block.size(), "-dimensional ", Py_TYPE(o)->tp_name,
                  ")");
    for (int64_t i = 0; i < rest; ++i)
      MT_CHECK_KIND(ValueError, block[i] == shape[depth + i], "expected sequence of length ",
                    shape[depth + i], " at dim ", depth + i, " (got ", block[i], ")");
    if (infer) accumulate(dt, leaf_dtype(o));
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
      if (infer) accumulate(dt, all_float ? default_dtype() : DType::Int64);
      return;
    }
  }
  for (Py_ssize_t i = 0; i < n; ++i) scan(items[i], shape, depth + 1, infer, dt);
}

template <typename T>
[[noreturn]] void overflow_error() {
  PyErr_Format(PyExc_RuntimeError, "value cannot be converted to type %s without overflow",
               info(DTypeOf<T>::value).name);
  throw py::PythonError{};
}

// Writes one number, refusing values an integral T cannot hold (PyTorch's
// checked conversion; floating targets round or become inf, as PyTorch).
template <typename T>
void store_scalar(T* out, const Scalar& s) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (s.overflows<T>()) overflow_error<T>();
  }
  *out = s.to<T>();
}

template <typename T>
void store(char* p, PyObject* o) {
  T* out = reinterpret_cast<T*>(p);
  if (PyFloat_CheckExact(o)) {
    store_scalar<T>(out, Scalar::from_double(PyFloat_AS_DOUBLE(o)));
    return;
  }
  if (PyLong_Check(o) && !PyBool_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (v == -1 && PyErr_Occurred()) throw py::PythonError{};
    if (!overflow) {
      store_scalar<T>(out, Scalar::from_int(v));
      return;
    }
    if constexpr (std::is_floating_point_v<opmath_t<T>>) {
      double d = PyLong_AsDouble(o);  // OverflowError past double's range
      if (d == -1.0 && PyErr_Occurred()) throw py::PythonError{};
      *out = static_cast<T>(static_cast<opmath_t<T>>(d));
      return;
    } else {
      PyErr_SetString(PyExc_ValueError, "Overflow when unpacking long long");
      throw py::PythonError{};
    }
  }
  Scalar s;
  if (to_scalar(o, &s)) {
    store_scalar<T>(out, s);
    return;
  }
  if (is_tensor(o)) {
    store_scalar<T>(out, ops::item(Tensor(impl_of(o))));
    return;
  }
  if (is_ndarray(o)) {
    store_scalar<T>(out, ops::item(numpy_readable(o)));
    return;
  }
  bad_leaf(o, false);
}

// Copies a tensor (or ndarray) block into the row-major buffer at p, which
// lies inside out's (contiguous, offset 0) buffer.
template <typename T>
char* fill_block(const Tensor& out, const Tensor& src, const Dims& shape, int64_t depth, char* p) {
  // Pass 1 checked the shape, but Python code run since (a sequence's
  // __iter__) may have resized the tensor: never write past the buffer.
  bool same = src->dim() == shape.size() - depth;
  for (int64_t i = 0; same && i < src->dim(); ++i) same = src->sizes()[i] == shape[depth + i];
  MT_CHECK_KIND(ValueError, same, "a tensor in the data changed shape during conversion");
  Tensor dst = ag::as_strided(out, src->sizes(), contiguous_strides(src->sizes()),
                              static_cast<int64_t>((p - out->data()) / sizeof(T)));
  ag::copy_(dst, src);
  return p + src->numel() * sizeof(T);
}

// Pass 2: write leaves in row-major order; returns the advanced pointer.
template <typename T>
char* fill(const Tensor& out, PyObject* o, const Dims& shape, int64_t depth, char* p) {
  if (depth == shape.size()) {
    store<T>(p, o);
    return p + sizeof(T);
  }
  if (is_tensor(o)) return fill_block<T>(out, Tensor(impl_of(o)), shape, depth, p);
  if (is_ndarray(o)) return fill_block<T>(out, numpy_readable(o), shape, depth, p);
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
  for (Py_ssize_t i = 0; i < n; ++i) p = fill<T>(out, items[i], shape, depth + 1, p);
  return p;
}

}  // namespace

Tensor tensor_from_data(PyObject* data, std::optional<DType> dtype, Device device) {
  ag::check_device(device);
  // Whole tensors and arrays: one strided copy (ops::to with copy=true never aliases).
  if (is_tensor(data)) {
    Tensor t(impl_of(data));
    return ag::to(t, dtype.value_or(t->dtype()), device, true);
  }
  if (is_ndarray(data)) {
    Tensor v = numpy_readable(data);
    return ag::to(v, dtype.value_or(v->dtype()), device, true);
  }
  Dims shape;
  infer_shape(data, shape, 0);
  std::optional<DType> inferred;
  if (numel_of(shape) > 0 || shape.empty()) scan(data, shape, 0, !dtype.has_value(), inferred);
  DType dt = dtype.value_or(inferred.value_or(default_dtype()));
  Tensor out = ag::empty(shape, dt, Device{});
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (out->numel() > 0) fill<T>(out, data, shape, 0, out->data());
  });
  return device.is_cpu() ? out : ag::to(out, dt, device, false);
}

}  // namespace mt::py_glue
