// args.cpp: argument parsing helpers for the fast-call entry points.
#include <cstring>

#include "glue.h"

namespace mt::py_glue {

void parse_args(const ArgSpec& spec, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames,
                PyObject** out) {
  int nnames = 0;
  while (spec.names[nnames]) ++nnames;
  for (int i = 0; i < nnames; ++i) out[i] = nullptr;
  if (nargs > spec.npos) {
    PyErr_Format(PyExc_TypeError, "%s() takes %d positional argument%s but %zd %s given",
                 spec.fname, spec.npos, spec.npos == 1 ? "" : "s", nargs,
                 nargs == 1 ? "was" : "were");
    throw py::PythonError{};
  }
  for (Py_ssize_t i = 0; i < nargs; ++i) out[i] = args[i];
  if (kwnames) {
    Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t k = 0; k < nkw; ++k) {
      PyObject* key = PyTuple_GET_ITEM(kwnames, k);
      const char* name = PyUnicode_AsUTF8(key);
      if (!name) throw py::PythonError{};
      int found = -1;
      for (int i = 0; i < nnames; ++i)
        if (std::strcmp(name, spec.names[i]) == 0) found = i;
      if (found < 0) {
        PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%s'", spec.fname,
                     name);
        throw py::PythonError{};
      }
      if (out[found]) {
        PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", spec.fname,
                     name);
        throw py::PythonError{};
      }
      out[found] = args[nargs + k];
    }
  }
  for (int i = 0; i < spec.nrequired; ++i) {
    if (!out[i]) {
      PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s'", spec.fname,
                   spec.names[i]);
      throw py::PythonError{};
    }
  }
}

bool to_scalar(PyObject* o, Scalar* out) {
  if (PyBool_Check(o)) {
    *out = Scalar::from_bool(o == Py_True);
    return true;
  }
  if (PyLong_CheckExact(o) || (PyLong_Check(o))) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) {  // PyTorch's class and words for a number beyond int64
      PyErr_SetString(PyExc_OverflowError, "int too big to convert");
      throw py::PythonError{};
    }
    if (v == -1 && PyErr_Occurred()) throw py::PythonError{};
    *out = Scalar::from_int(v);
    return true;
  }
  if (PyFloat_Check(o)) {
    *out = Scalar::from_double(PyFloat_AS_DOUBLE(o));
    return true;
  }
  if (is_numpy_scalar(o)) return numpy_scalar_to_scalar(o, out);
  return false;
}

Scalar scalar_arg(PyObject* o, const char* what) {
  Scalar s;
  if (to_scalar(o, &s)) return s;
  if (is_tensor(o) && impl_of(o)->numel() == 1) return ops::item(Tensor(impl_of(o)));
  PyErr_Format(PyExc_TypeError, "%s must be a number, not %s", what, Py_TYPE(o)->tp_name);
  throw py::PythonError{};
}

int64_t int_arg(PyObject* o, const char* what) {
  if (PyLong_Check(o) && !PyBool_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) {
      // PyTorch's class for an int argument beyond int64 is ValueError
      // (CPython's would be OverflowError).
      PyErr_Format(PyExc_ValueError, "%s: Overflow when unpacking long long", what);
      throw py::PythonError{};
    }
    if (v == -1 && PyErr_Occurred()) throw py::PythonError{};
    return v;
  }
  if (!PyFloat_Check(o) && !PyBool_Check(o) && !is_tensor(o) && PyIndex_Check(o)) {
    py::Ref i = py::check(PyNumber_Index(o));
    return int_arg(i.get(), what);
  }
  if (is_tensor(o) && impl_of(o)->numel() == 1 && !is_floating(impl_of(o)->dtype()) &&
      impl_of(o)->dtype() != DType::Bool && impl_of(o)->dim() == 0) {
    return ops::item(Tensor(impl_of(o))).to_int();
  }
  PyErr_Format(PyExc_TypeError, "%s must be int, not %s", what, Py_TYPE(o)->tp_name);
  throw py::PythonError{};
}

double double_arg(PyObject* o, const char* what) {
  Scalar s;
  if (to_scalar(o, &s)) return s.to_double();
  if (is_tensor(o) && impl_of(o)->numel() == 1) return ops::item(Tensor(impl_of(o))).to_double();
  PyErr_Format(PyExc_TypeError, "%s must be a number, not %s", what, Py_TYPE(o)->tp_name);
  throw py::PythonError{};
}

bool bool_arg(PyObject* o, const char* what) {
  if (PyBool_Check(o)) return o == Py_True;
  PyErr_Format(PyExc_TypeError, "%s must be bool, not %s", what, Py_TYPE(o)->tp_name);
  throw py::PythonError{};
}

namespace {
// An element of an int list beyond int64: PyTorch's class there is TypeError
// (int_arg alone raises ValueError, as PyTorch does for a single int).
int64_t list_item(PyObject* o, const char* what, Py_ssize_t pos) {
  try {
    return int_arg(o, what);
  } catch (const py::PythonError&) {
    if (PyErr_ExceptionMatches(PyExc_ValueError)) {
      PyErr_Clear();
      PyErr_Format(PyExc_TypeError,
                   "%s failed to unpack the object at pos %zd with error \"Overflow when "
                   "unpacking long long\"",
                   what, pos + 1);
    }
    throw;
  }
}
}  // namespace

Dims int_list_arg(PyObject* o, const char* what) {
  // A bare int beyond int64 is PyTorch's ValueError; inside a sequence its
  // TypeError "failed to unpack the object at pos ...".
  if (PyLong_Check(o) || (is_numpy_scalar(o) && PyIndex_Check(o))) return Dims{int_arg(o, what)};
  if (is_tensor(o)) {
    PyErr_Format(PyExc_TypeError, "%s must be tuple of ints, not Tensor", what);
    throw py::PythonError{};
  }
  py::Ref seq = py::check(PySequence_Fast(o, ""));
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.get());
  Dims d(n);
  PyObject** items = PySequence_Fast_ITEMS(seq.get());
  for (Py_ssize_t i = 0; i < n; ++i) d[i] = int_list_item(items[i], what, i);
  return d;
}

int64_t int_list_item(PyObject* o, const char* what, Py_ssize_t pos) {
  bool int_like;
  if (is_tensor(o)) {
    const TensorImpl* t = impl_of(o);
    int_like = t->dim() == 0 && !is_floating(t->dtype()) && t->dtype() != DType::Bool;
  } else {
    int_like = !PyFloat_Check(o) && !PyBool_Check(o) && PyIndex_Check(o);
  }
  if (!int_like) {  // PyTorch's text, pos counted from 1
    PyErr_Format(PyExc_TypeError,
                 "%s failed to unpack the object at pos %zd with error \"type must be tuple of "
                 "ints,but got %s\"",
                 what, pos + 1, is_tensor(o) ? "Tensor" : Py_TYPE(o)->tp_name);
    throw py::PythonError{};
  }
  return list_item(o, what, pos);
}

Dims sizes_arg(PyObject* const* args, Py_ssize_t nargs, const char* fname) {
  if (nargs == 1 && !PyLong_Check(args[0]) && !is_numpy_scalar(args[0])) {
    if (PySequence_Check(args[0])) return int_list_arg(args[0], "size");
    PyErr_Format(PyExc_TypeError, "%s(): argument 'size' must be tuple of ints, not %s", fname,
                 Py_TYPE(args[0])->tp_name);
    throw py::PythonError{};
  }
  Dims d(nargs);
  for (Py_ssize_t i = 0; i < nargs; ++i) {
    if (!PyLong_Check(args[i]) && !(is_numpy_scalar(args[i]) && PyIndex_Check(args[i]))) {
      PyErr_Format(PyExc_TypeError,
                   "%s(): argument 'size' must be tuple of ints, but found element of type %s at "
                   "pos %zd",
                   fname, Py_TYPE(args[i])->tp_name, i);
      throw py::PythonError{};
    }
    d[i] = list_item(args[i], "size", i);
  }
  return d;
}

PyObject* scalar_to_py(const Scalar& s) {
  switch (s.kind) {
    case Scalar::Kind::Bool:
      return PyBool_FromLong(s.i);
    case Scalar::Kind::Int:
      return PyLong_FromLongLong(s.i);
    case Scalar::Kind::Float:
      return PyFloat_FromDouble(s.d);
  }
  Py_RETURN_NONE;
}

PyObject* sizes_to_tuple(const Dims& d) {
  py::Ref t = py::check(PyTuple_New(d.size()));
  for (int64_t i = 0; i < d.size(); ++i)
    PyTuple_SET_ITEM(t.get(), i, py::check(PyLong_FromLongLong(d[i])).release());
  return t.release();
}

// minitorch.Size is a tuple subclass with no __dict__ (__slots__ = ()), so
// its instances have the tuple's layout: allocate one of it directly and fill
// its items, as tuple's own subtype constructor does. That skips Size.__new__
// (which validates user input) and the temporary tuple on the path of every
// `.shape`.
PyObject* sizes_to_size(const Dims& d) {
  if (!SizeClass) return sizes_to_tuple(d);
  auto* type = reinterpret_cast<PyTypeObject*>(SizeClass);
  py::Ref t = py::check(type->tp_alloc(type, d.size()));
  for (int64_t i = 0; i < d.size(); ++i)
    PyTuple_SET_ITEM(t.get(), i, py::check(PyLong_FromLongLong(d[i])).release());
  return t.release();
}

}  // namespace mt::py_glue
