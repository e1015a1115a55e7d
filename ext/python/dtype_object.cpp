// dtype_object.cpp: minitorch.dtype objects, the default dtype, and device
// argument parsing.
//
// One immutable dtype object exists per DType; they are compared by
// identity. The device class is written in Python (minitorch/_device.py) and
// registered here; C code converts through its string form.
#include "glue.h"

namespace mt::py_glue {

PyTypeObject* DTypeType = nullptr;
namespace {
PyObject* g_dtypes[kNumDTypes] = {};
PyObject* g_device_class = nullptr;
PyObject* g_cpu_device = nullptr;
DType g_default_dtype = DType::Float32;
Device g_default_device;  // set_default_device; factories read it per call

PyObject* DType_repr(PyObject* self) {
  return PyUnicode_FromFormat("minitorch.%s", info(reinterpret_cast<PyDType*>(self)->dtype).name);
}
PyObject* DType_reduce(PyObject* self, PyObject*) {
  return PyUnicode_FromString(info(reinterpret_cast<PyDType*>(self)->dtype).name);
}
PyObject* DType_is_floating(PyObject* self, void*) {
  return PyBool_FromLong(is_floating(reinterpret_cast<PyDType*>(self)->dtype));
}
PyObject* DType_is_signed(PyObject* self, void*) {
  return PyBool_FromLong(is_signed(reinterpret_cast<PyDType*>(self)->dtype));
}
PyObject* DType_is_complex(PyObject*, void*) { Py_RETURN_FALSE; }
PyObject* DType_itemsize(PyObject* self, void*) {
  return PyLong_FromLong(itemsize_of(reinterpret_cast<PyDType*>(self)->dtype));
}
// PyTorch's C++ name ("Float", "Long"): from the one dtype list in ext/core/dtype.h.
PyObject* DType_torch_name(PyObject* self, void*) {
  return PyUnicode_FromString(info(reinterpret_cast<PyDType*>(self)->dtype).torch_name);
}
PyObject* DType_to_real(PyObject* self, PyObject*) {
  Py_INCREF(self);
  return self;
}

PyGetSetDef dtype_getset[] = {
    {"is_floating_point", DType_is_floating, nullptr, nullptr, nullptr},
    {"is_signed", DType_is_signed, nullptr, nullptr, nullptr},
    {"is_complex", DType_is_complex, nullptr, nullptr, nullptr},
    {"itemsize", DType_itemsize, nullptr, nullptr, nullptr},
    {"_torch_name", DType_torch_name, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};
PyMethodDef dtype_methods[] = {
    {"__reduce__", DType_reduce, METH_NOARGS, nullptr},
    {"to_real", DType_to_real, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};
}  // namespace

PyObject* dtype_object(DType d) { return g_dtypes[static_cast<int>(d)]; }
DType default_dtype() { return g_default_dtype; }
void set_default_dtype(DType d) { g_default_dtype = d; }
Device default_device() { return g_default_device; }
void set_default_device(Device d) { g_default_device = d; }

// Creates the dtype type and one object per dtype, added to the module as
// _C.float32 etc. Returns false with an error set on failure.
bool init_dtypes(PyObject* module) {
  PyType_Slot slots[] = {
      {Py_tp_repr, reinterpret_cast<void*>(DType_repr)},
      {Py_tp_getset, dtype_getset},
      {Py_tp_methods, dtype_methods},
      {0, nullptr},
  };
  // Only the objects made here exist: dtypes compare by identity.
  PyType_Spec spec = {"minitorch.dtype", sizeof(PyDType), 0,
                      Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION, slots};
  PyObject* type = PyType_FromModuleAndSpec(module, &spec, nullptr);
  if (!type) return false;
  DTypeType = reinterpret_cast<PyTypeObject*>(type);
  if (PyModule_AddObjectRef(module, "dtype", type) < 0) return false;
  for (int i = 0; i < kNumDTypes; ++i) {
    PyObject* o = DTypeType->tp_alloc(DTypeType, 0);
    if (!o) return false;
    reinterpret_cast<PyDType*>(o)->dtype = static_cast<DType>(i);
    g_dtypes[i] = o;  // kept for the life of the process
    if (PyModule_AddObjectRef(module, kDTypeInfo[i].name, o) < 0) return false;
  }
  return true;
}

std::optional<DType> parse_optional_dtype(PyObject* o) {
  if (!o || o == Py_None) return std::nullopt;
  if (is_dtype(o)) return reinterpret_cast<PyDType*>(o)->dtype;
  if (o == reinterpret_cast<PyObject*>(&PyFloat_Type)) return DType::Float64;
  if (o == reinterpret_cast<PyObject*>(&PyLong_Type)) return DType::Int64;
  if (o == reinterpret_cast<PyObject*>(&PyBool_Type)) return DType::Bool;
  PyErr_Format(PyExc_TypeError, "dtype must be minitorch.dtype, not %s", Py_TYPE(o)->tp_name);
  throw py::PythonError{};
}

DType parse_dtype_arg(PyObject* o, DType fallback) {
  auto d = parse_optional_dtype(o);
  return d ? *d : fallback;
}

PyObject* device_object(Device d) {
  if (d.is_cpu() && g_cpu_device) {
    Py_INCREF(g_cpu_device);
    return g_cpu_device;
  }
  if (!g_device_class) return PyUnicode_FromString(d.str().c_str());
  return py::check(PyObject_CallFunction(g_device_class, "s", d.str().c_str())).release();
}

Device parse_device_arg(PyObject* o) {
  if (!o || o == Py_None) return Device{};
  if (o == g_cpu_device) return Device{};
  if (PyUnicode_Check(o)) {
    const char* s = PyUnicode_AsUTF8(o);
    if (!s) throw py::PythonError{};
    return parse_device(s);
  }
  if (PyLong_Check(o)) {
    long v = PyLong_AsLong(o);
    MT_CHECK(v >= 0, "Device index must not be negative");
    return Device{DeviceType::CUDA, static_cast<int8_t>(v)};
  }
  if (g_device_class && PyObject_TypeCheck(o, reinterpret_cast<PyTypeObject*>(g_device_class))) {
    py::Ref s = py::check(PyObject_Str(o));
    return parse_device(PyUnicode_AsUTF8(s.get()));
  }
  PyErr_Format(PyExc_TypeError, "device must be a str, int or minitorch.device, not %s",
               Py_TYPE(o)->tp_name);
  throw py::PythonError{};
}

PyObject* set_device_class(PyObject*, PyObject* cls) {
  MT_BEGIN
  Py_XSETREF(g_device_class, Py_NewRef(cls));
  Py_XSETREF(g_cpu_device, py::check(PyObject_CallFunction(cls, "s", "cpu")).release());
  Py_RETURN_NONE;
  MT_END(nullptr)
}

}  // namespace mt::py_glue
