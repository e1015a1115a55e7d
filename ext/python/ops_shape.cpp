// ops_shape.cpp: Python entry points of the shape ops the op tables
// (ext/autograd/table_shape.cpp) cannot declare yet: those taking two int
// lists (movedim, as_strided, roll; OpArgs holds one) or tensors as varargs
// (broadcast_tensors).
#include <vector>

#include "glue.h"

#define MT_FASTCALL(name, fn)                                             \
  {name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(fn)), \
   METH_FASTCALL | METH_KEYWORDS, nullptr}

namespace mt::py_glue {

namespace {

using Args = PyObject* const*;
using FastImpl = PyObject* (*)(Args, Py_ssize_t, PyObject*);

// The Tensor method is the module function with self prepended, so both
// spellings parse arguments identically.
PyObject* call_as_method(FastImpl f, PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  Py_ssize_t total = nargs + (kw ? PyTuple_GET_SIZE(kw) : 0);
  PyObject* small[16];
  std::vector<PyObject*> big;
  PyObject** buf = small;
  if (total + 1 > 16) {
    big.resize(total + 1);
    buf = big.data();
  }
  buf[0] = self;
  for (Py_ssize_t i = 0; i < total; ++i) buf[i + 1] = args[i];
  return f(buf, nargs + 1, kw);
}

// A list or tuple of tensors; TypeError naming the function otherwise.
std::vector<Tensor> tensor_list_arg(PyObject* o, const char* fname) {
  if (!PyList_Check(o) && !PyTuple_Check(o)) {
    PyErr_Format(PyExc_TypeError, "%s(): argument 'tensors' must be tuple of Tensors, not %s",
                 fname, Py_TYPE(o)->tp_name);
    throw py::PythonError{};
  }
  py::Ref seq = py::check(PySequence_Fast(o, ""));
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.get());
  std::vector<Tensor> out;
  out.reserve(n);
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = PySequence_Fast_GET_ITEM(seq.get(), i);
    if (!is_tensor(item)) {
      PyErr_Format(PyExc_TypeError,
                   "%s(): expected Tensor as element %zd in argument 0, but got %s", fname, i,
                   Py_TYPE(item)->tp_name);
      throw py::PythonError{};
    }
    out.push_back(Tensor(impl_of(item)));
  }
  return out;
}

// New reference: a tuple of tensors.
PyObject* tensor_tuple(const std::vector<Tensor>& ts) {
  py::Ref t = py::check(PyTuple_New(static_cast<Py_ssize_t>(ts.size())));
  for (size_t i = 0; i < ts.size(); ++i)
    PyTuple_SET_ITEM(t.get(), i, py::check(wrap(ts[i])).release());
  return t.release();
}

template <FastImpl F>
PyObject* as_method(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  return call_as_method(F, self, args, nargs, kw);
}

inline Tensor input_arg(PyObject* o) { return unwrap(o, "input"); }
inline bool present(PyObject* o) { return o && o != Py_None; }

PyObject* F_broadcast_tensors(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  MT_CHECK_KIND(TypeError, !kw || PyTuple_GET_SIZE(kw) == 0,
                "broadcast_tensors() takes no keyword arguments");
  std::vector<Tensor> ts;
  if (nargs == 1 && !is_tensor(args[0])) {
    ts = tensor_list_arg(args[0], "broadcast_tensors");
  } else {
    for (Py_ssize_t i = 0; i < nargs; ++i) ts.push_back(unwrap(args[i], "tensors"));
  }
  return tensor_tuple(ag::broadcast_tensors(ts));
  MT_END(nullptr)
}

PyObject* F_movedim(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "source", "destination", nullptr};
  PyObject* a[3];
  parse_args({"movedim", names, 3, 3}, args, nargs, kw, a);
  return wrap(ag::movedim(input_arg(a[0]), int_list_arg(a[1], "source"),
                          int_list_arg(a[2], "destination")));
  MT_END(nullptr)
}

PyObject* F_as_strided(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "size", "stride", "storage_offset", nullptr};
  PyObject* a[4];
  parse_args({"as_strided", names, 4, 3}, args, nargs, kw, a);
  std::optional<int64_t> off;
  if (present(a[3])) off = int_arg(a[3], "storage_offset");
  return wrap(ag::as_strided(input_arg(a[0]), int_list_arg(a[1], "size"),
                             int_list_arg(a[2], "stride"), off));
  MT_END(nullptr)
}

PyObject* F_roll(Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"input", "shifts", "dims", nullptr};
  PyObject* a[3];
  parse_args({"roll", names, 3, 2}, args, nargs, kw, a);
  Dims dims = present(a[2]) ? int_list_arg(a[2], "dims") : Dims{};
  return wrap(ag::roll(input_arg(a[0]), int_list_arg(a[1], "shifts"), dims));
  MT_END(nullptr)
}

PyObject* T_as_strided_(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"size", "stride", "storage_offset", nullptr};
  PyObject* a[3];
  parse_args({"as_strided_", names, 3, 2}, args, nargs, kw, a);
  std::optional<int64_t> off;
  if (a[2] && a[2] != Py_None) off = int_arg(a[2], "storage_offset");
  ag::as_strided_(Tensor(impl_of(self)), int_list_arg(a[0], "size"), int_list_arg(a[1], "stride"),
                  off);
  return Py_NewRef(self);
  MT_END(nullptr)
}

}  // namespace

// Read by method_tables.cpp.
PyMethodDef shape_tensor_methods[] = {
    MT_FASTCALL("movedim", as_method<F_movedim>),
    MT_FASTCALL("moveaxis", as_method<F_movedim>),
    MT_FASTCALL("as_strided", as_method<F_as_strided>),
    MT_FASTCALL("as_strided_", T_as_strided_),
    MT_FASTCALL("roll", as_method<F_roll>),
    {nullptr, nullptr, 0, nullptr},
};

namespace {
// The module function: the same implementation without a receiver.
template <FastImpl F>
PyObject* as_function(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  return F(args, nargs, kw);
}
}  // namespace

PyMethodDef shape_module_functions[] = {
    MT_FASTCALL("broadcast_tensors", F_broadcast_tensors),
    MT_FASTCALL("movedim", as_function<F_movedim>),
    MT_FASTCALL("moveaxis", as_function<F_movedim>),
    MT_FASTCALL("as_strided", as_function<F_as_strided>),
    MT_FASTCALL("roll", as_function<F_roll>),
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace mt::py_glue
