// tensor_methods.cpp: Tensor methods implemented in C that are not op-table
// rows: attribute-like queries (size, stride, dim, ...), conversions to
// Python (item, tolist, numpy), set_, the new_* factories and
// requires_grad_. The methods that are ops (view, to, fill_, ...) are rows of
// ext/autograd/table_shape.cpp. Pure-Python methods live in minitorch/_tensor.py.
#include <cstring>

#include "glue.h"

namespace mt::py_glue {

namespace {

using Args = PyObject* const*;

inline Tensor self_t(PyObject* self) { return Tensor(impl_of(self)); }

PyObject* T_size(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"dim", nullptr};
  PyObject* a[1];
  parse_args({"size", names, 1, 0}, args, nargs, kw, a);
  TensorImpl* t = impl_of(self);
  if (a[0] && a[0] != Py_None)
    return PyLong_FromLongLong(t->size(wrap_dim_strict(int_arg(a[0], "dim"), t->dim())));
  return sizes_to_size(t->sizes());
  MT_END(nullptr)
}

PyObject* T_stride(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"dim", nullptr};
  PyObject* a[1];
  parse_args({"stride", names, 1, 0}, args, nargs, kw, a);
  TensorImpl* t = impl_of(self);
  if (a[0] && a[0] != Py_None)
    return PyLong_FromLongLong(t->stride(wrap_dim_strict(int_arg(a[0], "dim"), t->dim())));
  return sizes_to_tuple(t->strides());
  MT_END(nullptr)
}

PyObject* T_dim(PyObject* self, PyObject*) { return PyLong_FromLongLong(impl_of(self)->dim()); }
PyObject* T_numel(PyObject* self, PyObject*) { return PyLong_FromLongLong(impl_of(self)->numel()); }
PyObject* T_storage_offset(PyObject* self, PyObject*) {
  return PyLong_FromLongLong(impl_of(self)->offset());
}
PyObject* T_element_size(PyObject* self, PyObject*) {
  return PyLong_FromLongLong(impl_of(self)->itemsize());
}
// is_contiguous(memory_format=contiguous_format). The memory_format objects
// are minitorch/_legacy.py's; their str() ends in the format's name.
PyObject* T_is_contiguous(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  if (!nargs && !kw) return PyBool_FromLong(impl_of(self)->is_contiguous());
  static const char* names[] = {"memory_format", nullptr};
  PyObject* a[1];
  parse_args({"is_contiguous", names, 0, 0}, args, nargs, kw, a);  // keyword-only
  if (!a[0]) return PyBool_FromLong(impl_of(self)->is_contiguous());
  if (std::strcmp(Py_TYPE(a[0])->tp_name, "memory_format") != 0) {
    PyErr_Format(PyExc_TypeError,
                 "is_contiguous(): argument 'memory_format' must be minitorch.memory_format, "
                 "not %s",
                 Py_TYPE(a[0])->tp_name);
    return nullptr;
  }
  py::Ref text = py::check(PyObject_Str(a[0]));
  const char* str = PyUnicode_AsUTF8(text.get());
  if (!str) return nullptr;
  const char* dot = std::strrchr(str, '.');
  auto fmt = static_cast<ops::MemoryFormat>(ag::parse_memory_format(dot ? dot + 1 : str));
  return PyBool_FromLong(ag::is_contiguous_as(*impl_of(self), fmt));
  MT_END(nullptr)
}
PyObject* T_data_ptr(PyObject* self, PyObject*) {
  return PyLong_FromVoidPtr(impl_of(self)->data());
}
PyObject* T_is_floating_point(PyObject* self, PyObject*) {
  return PyBool_FromLong(is_floating(impl_of(self)->dtype()));
}
PyObject* T_is_read_only(PyObject* self, PyObject*) {
  return PyBool_FromLong(impl_of(self)->storage()->read_only());
}

PyObject* T_item(PyObject* self, PyObject*) {
  MT_BEGIN
  return scalar_to_py(ag::item(self_t(self)));
  MT_END(nullptr)
}

// tolist: nested lists of Python numbers in row-major order.
template <typename T>
PyObject* to_py(const char* p) {
  T v = *reinterpret_cast<const T*>(p);
  if constexpr (std::is_same_v<T, bool>)
    return PyBool_FromLong(v);
  else if constexpr (std::is_integral_v<T>)
    return PyLong_FromLongLong(static_cast<long long>(v));
  else
    return PyFloat_FromDouble(static_cast<double>(static_cast<opmath_t<T>>(v)));
}
template <typename T>
PyObject* tolist_rec(const TensorImpl* t, const char* p, int64_t d) {
  if (d == t->dim()) return to_py<T>(p);
  int64_t n = t->sizes()[d];
  int64_t step = byte_stride(t, d);
  py::Ref list = py::check(PyList_New(n));
  for (int64_t i = 0; i < n; ++i)
    PyList_SET_ITEM(list.get(), i, py::check(tolist_rec<T>(t, p + i * step, d + 1)).release());
  return list.release();
}
PyObject* T_tolist(PyObject* self, PyObject*) {
  MT_BEGIN
  Tensor t = self_t(self);
  if (!t->device().is_cpu()) t = ag::to(t, t->dtype(), Device{}, false);
  return dispatch(t->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    return tolist_rec<T>(t.get(), t->data(), 0);
  });
  MT_END(nullptr)
}

PyObject* T_numpy(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  bool force = false;
  if (nargs || kw) {
    static const char* names[] = {"force", nullptr};
    PyObject* a[1];
    parse_args({"numpy", names, 0, 0}, args, nargs, kw, a);
    if (a[0]) force = bool_arg(a[0], "force");
  }
  return tensor_to_numpy(self_t(self), force);
  MT_END(nullptr)
}

// set_(source): re-points self at source's storage and view (or an empty
// storage when no source). The old storage is only dereferenced, so arrays
// exported from it keep their bytes (Note [Storage export]).
PyObject* T_set_(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"source", "storage_offset", "size", "stride", nullptr};
  PyObject* a[4];
  parse_args({"set_", names, 4, 0}, args, nargs, kw, a);
  Tensor t(impl_of(self));
  if (!a[0]) {
    ag::set_(t);
    return Py_NewRef(self);
  }
  Tensor src = unwrap(a[0], "set_(): argument 'source'");
  if (a[1]) {
    MT_CHECK(a[2], "set_(): size is required with storage_offset");
    Dims size = int_list_arg(a[2], "size");
    Dims stride = a[3] ? int_list_arg(a[3], "stride") : contiguous_strides(size);
    ag::set_(t, src, int_arg(a[1], "storage_offset"), size, stride);
  } else {
    ag::set_(t, src);
  }
  return Py_NewRef(self);
  MT_END(nullptr)
}

// new_* : like the factory functions, defaulting to self's dtype and device.
// Sizes come as varargs, one sequence, or size=; new_full's fill value is
// its second positional argument or fill_value=.
PyObject* new_like(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw, const char* fname,
                   int kind) {
  // kind: 0 empty, 1 zeros, 2 ones, 3 full
  static const char* names[] = {"dtype",      "device", "requires_grad", "layout",
                                "pin_memory", "size",   "fill_value",    nullptr};
  PyObject* a[7];
  parse_args({fname, names, 0, 0}, args + nargs, 0, kw, a);
  PyObject* fill = a[6];
  Py_ssize_t nsize = nargs;
  if (kind == 3) {
    if (nargs >= 2) {
      if (fill) {
        PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument 'fill_value'", fname);
        return nullptr;
      }
      fill = args[1];
    }
    if (nargs > 2) {
      PyErr_Format(PyExc_TypeError, "%s() takes 2 positional arguments but %zd were given", fname,
                   nargs);
      return nullptr;
    }
    nsize = std::min<Py_ssize_t>(nargs, 1);
    if (!fill) {
      PyErr_Format(PyExc_TypeError, "%s() missing required argument 'fill_value'", fname);
      return nullptr;
    }
  }
  Dims sizes;
  if (a[5]) {
    if (nsize) {
      PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument 'size'", fname);
      return nullptr;
    }
    sizes = int_list_arg(a[5], "size");
  } else {
    if (kind == 3 && nsize == 0) {
      PyErr_Format(PyExc_TypeError, "%s() missing required argument 'size'", fname);
      return nullptr;
    }
    sizes = sizes_arg(args, nsize, fname);
  }
  TensorImpl* t = impl_of(self);
  DType dt = parse_dtype_arg(a[0], t->dtype());
  Device dev = a[1] ? parse_device_arg(a[1]) : t->device();
  Tensor out;
  if (kind == 0)
    out = ag::empty(sizes, dt, dev);
  else if (kind == 3)
    out = ag::full(sizes, scalar_arg(fill, "fill_value"), dt, dev);
  else
    out = ag::full(sizes, Scalar::from_int(kind == 2), dt, dev);
  if (a[2] && PyObject_IsTrue(a[2])) {
    MT_CHECK(is_floating(dt),
             "Only Tensors of floating point and complex dtype can require "
             "gradients");
    out->autograd_or_create().requires_grad = true;
  }
  return wrap(out);
}
PyObject* T_new_empty(PyObject* s, Args a, Py_ssize_t n, PyObject* k) {
  MT_BEGIN return new_like(s, a, n, k, "new_empty", 0);
  MT_END(nullptr)
}
PyObject* T_new_zeros(PyObject* s, Args a, Py_ssize_t n, PyObject* k) {
  MT_BEGIN return new_like(s, a, n, k, "new_zeros", 1);
  MT_END(nullptr)
}
PyObject* T_new_ones(PyObject* s, Args a, Py_ssize_t n, PyObject* k) {
  MT_BEGIN return new_like(s, a, n, k, "new_ones", 2);
  MT_END(nullptr)
}
PyObject* T_new_full(PyObject* s, Args a, Py_ssize_t n, PyObject* k) {
  MT_BEGIN
  if (n >= 1 && is_tensor(a[0])) {
    PyErr_SetString(PyExc_TypeError, "new_full(): argument 'size' must be tuple of ints");
    return nullptr;
  }
  return new_like(s, a, n, k, "new_full", 3);
  MT_END(nullptr)
}

PyObject* T_new_tensor(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"data", "dtype", "device", "requires_grad", nullptr};
  PyObject* a[4];
  parse_args({"new_tensor", names, 1, 1}, args, nargs, kw, a);
  TensorImpl* t = impl_of(self);
  DType dt = parse_dtype_arg(a[1], t->dtype());
  Device dev = a[2] ? parse_device_arg(a[2]) : t->device();
  Tensor out = tensor_from_data(a[0], dt, dev);
  if (a[3] && PyObject_IsTrue(a[3])) {
    MT_CHECK(is_floating(dt), "only Tensors of floating point dtype can require gradients");
    out->autograd_or_create().requires_grad = true;
  }
  return wrap(out);
  MT_END(nullptr)
}

PyObject* T_requires_grad_(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"requires_grad", nullptr};
  PyObject* a[1];
  parse_args({"requires_grad_", names, 1, 0}, args, nargs, kw, a);
  bool v = a[0] ? PyObject_IsTrue(a[0]) : true;
  TensorImpl* t = impl_of(self);
  if (v)
    MT_CHECK(is_floating(t->dtype()), "only Tensors of floating point dtype can require gradients");
  if (v || t->autograd()) t->autograd_or_create().requires_grad = v;
  return Py_NewRef(self);
  MT_END(nullptr)
}

#define FAST(name, fn)                                                    \
  {name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(fn)), \
   METH_FASTCALL | METH_KEYWORDS, nullptr}
#define NOARGS(name, fn) {name, reinterpret_cast<PyCFunction>(fn), METH_NOARGS, nullptr}

}  // namespace

PyMethodDef tensor_methods[] = {
    FAST("size", T_size),
    FAST("stride", T_stride),
    NOARGS("dim", T_dim),
    NOARGS("ndimension", T_dim),
    NOARGS("numel", T_numel),
    NOARGS("nelement", T_numel),
    NOARGS("storage_offset", T_storage_offset),
    NOARGS("element_size", T_element_size),
    FAST("is_contiguous", T_is_contiguous),
    NOARGS("data_ptr", T_data_ptr),
    NOARGS("is_floating_point", T_is_floating_point),
    NOARGS("_is_read_only", T_is_read_only),
    NOARGS("item", T_item),
    NOARGS("tolist", T_tolist),
    FAST("numpy", T_numpy),
    FAST("set_", T_set_),
    FAST("new_empty", T_new_empty),
    FAST("new_zeros", T_new_zeros),
    FAST("new_ones", T_new_ones),
    FAST("new_full", T_new_full),
    FAST("new_tensor", T_new_tensor),
    FAST("requires_grad_", T_requires_grad_),
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace mt::py_glue
