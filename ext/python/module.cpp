// module.cpp: the minitorch._C module: init, and the module-level functions
// (tensor(), random state, the default dtype, ...). The creation functions and
// the dtype utilities are op-table rows (ext/autograd/table_factory.cpp,
// table_dtype.cpp).
//
// Single-phase init: the C++ core keeps process-wide state (kernel tables,
// the default generator, the thread pool), so a second module instance would
// share it anyway; per-module state would add a lookup to every call without
// buying isolation.
#include <chrono>
#include <random>

#include "../core/random.h"
#include "../core/warning.h"
#include "../core/backend.h"
#include "glue.h"

namespace mt::py_glue {

PyObject* SizeClass = nullptr;
bool init_dtypes(PyObject* module);               // dtype_object.cpp
bool init_storage_export_type(PyObject* module);  // numpy_bridge.cpp
PyObject* create_tensor_type(PyObject* module);   // tensor_type.cpp
PyObject* set_device_class(PyObject*, PyObject* cls);

namespace {

using Args = PyObject* const*;

PyObject* finish(Tensor t, PyObject* requires_grad) {
  if (requires_grad && PyObject_IsTrue(requires_grad)) {
    MT_CHECK(is_floating(t->dtype()),
             "Only Tensors of floating point and complex dtype can require gradients");
    t->autograd_or_create().requires_grad = true;
  }
  return wrap(std::move(t));
}

PyObject* F_tensor(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"data", "dtype", "device", "requires_grad", "pin_memory", nullptr};
  PyObject* a[5];
  parse_args({"tensor", names, 1, 1}, args, nargs, kw, a);
  if (is_tensor(a[0])) {
    if (PyErr_WarnEx(PyExc_UserWarning,
                     "To copy construct from a tensor, it is recommended to use "
                     "sourceTensor.detach().clone() or "
                     "sourceTensor.detach().clone().requires_grad_(True), rather than "
                     "minitorch.tensor(sourceTensor).",
                     1) < 0)
      return nullptr;
  }
  Device dev = a[2] && a[2] != Py_None ? parse_device_arg(a[2]) : default_device();
  Tensor t = tensor_from_data(a[0], parse_optional_dtype(a[1]), dev);
  return finish(std::move(t), a[3]);
  MT_END(nullptr)
}

PyObject* F_from_numpy(PyObject*, PyObject* arr) {
  MT_BEGIN
  return wrap(tensor_from_numpy(arr, true));
  MT_END(nullptr)
}

PyObject* F_manual_seed(PyObject*, PyObject* seed) {
  MT_BEGIN
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(seed, &overflow);
  if (v == -1 && PyErr_Occurred()) return nullptr;
  uint64_t s;
  if (overflow) {
    unsigned long long u = PyLong_AsUnsignedLongLong(seed);
    if (PyErr_Occurred()) {
      PyErr_Clear();
      PyErr_SetString(PyExc_ValueError,
                      "Overflow when unpacking long long: seed must be within "
                      "[-0x8000000000000000, 0xffffffffffffffff]");
      return nullptr;
    }
    s = u;
  } else {
    s = static_cast<uint64_t>(v);
  }
  default_generator().seed = s;
  default_generator().offset = 0;
  default_generator().cpu.seed(s);
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_seed(PyObject*, PyObject*) {
  std::random_device rd;
  uint64_t s = (static_cast<uint64_t>(rd()) << 32) ^ rd() ^
               static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  default_generator().seed = s;
  default_generator().offset = 0;
  default_generator().cpu.seed(s);
  return PyLong_FromUnsignedLongLong(s);
}

PyObject* F_initial_seed(PyObject*, PyObject*) {
  return PyLong_FromUnsignedLongLong(default_generator().seed);
}

PyObject* F_get_rng_state(PyObject*, PyObject*) {
  unsigned char buf[MTEngine::kBytes];
  default_generator().cpu.save(buf);
  return Py_BuildValue("(KKy#)", static_cast<unsigned long long>(default_generator().seed),
                       static_cast<unsigned long long>(default_generator().offset),
                       reinterpret_cast<const char*>(buf), static_cast<Py_ssize_t>(sizeof(buf)));
}

PyObject* F_set_rng_state(PyObject*, PyObject* state) {
  if (!PyTuple_Check(state)) {  // PyArg_ParseTuple would raise SystemError
    PyErr_Format(PyExc_TypeError, "set_rng_state(): expected a state from get_rng_state(), got %s",
                 Py_TYPE(state)->tp_name);
    return nullptr;
  }
  unsigned long long s, o;
  const char* buf = nullptr;
  Py_ssize_t len = 0;
  if (!PyArg_ParseTuple(state, "KKy#:set_rng_state", &s, &o, &buf, &len)) return nullptr;
  MTEngine e;
  if (len != static_cast<Py_ssize_t>(MTEngine::kBytes) ||
      !e.load(reinterpret_cast<const unsigned char*>(buf))) {
    PyErr_SetString(PyExc_RuntimeError, "set_rng_state(): invalid CPU generator state");
    return nullptr;
  }
  default_generator().cpu = e;
  default_generator().seed = s;
  default_generator().offset = o;
  Py_RETURN_NONE;
}

PyObject* F_get_default_dtype(PyObject*, PyObject*) {
  return Py_NewRef(dtype_object(default_dtype()));
}

// _get_default_device() -> its text ('cpu', 'cuda:1'); _set_default_device(d)
// takes what device= takes (minitorch/_legacy.py wraps both).
PyObject* F_get_default_device(PyObject*, PyObject*) {
  MT_BEGIN
  return PyUnicode_FromString(default_device().str().c_str());
  MT_END(nullptr)
}

PyObject* F_set_default_device(PyObject*, PyObject* d) {
  MT_BEGIN
  set_default_device(parse_device_arg(d));
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_set_default_dtype(PyObject*, PyObject* d) {
  MT_BEGIN
  if (!is_dtype(d)) {
    PyErr_Format(PyExc_TypeError,
                 "set_default_dtype(): argument 'd' must be minitorch.dtype, not %s",
                 Py_TYPE(d)->tp_name);
    return nullptr;
  }
  DType dt = reinterpret_cast<PyDType*>(d)->dtype;
  MT_CHECK_KIND(
      TypeError,
      dt == DType::Float32 || dt == DType::Float64 || dt == DType::Float16 || dt == DType::BFloat16,
      "only floating-point types are supported as the default type");
  set_default_dtype(dt);
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_set_tensor_class(PyObject*, PyObject* cls) {
  if (!PyType_Check(cls) ||
      !PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(cls), TensorBaseType)) {
    PyErr_SetString(PyExc_TypeError, "_set_tensor_class expects a subclass of TensorBase");
    return nullptr;
  }
  Py_XSETREF(TensorClass, Py_NewRef(cls));
  Py_RETURN_NONE;
}

// _make_subclass(cls, data, require_grad=False): a new object of the
// Tensor subclass `cls` that aliases data's storage (a detached view with its
// own impl, so Note [Identity] still pairs one object with one impl). Used by
// the legacy Tensor(...) constructor for subclasses, and by nn.Parameter as in
// PyTorch.
PyObject* F_make_subclass(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"cls", "data", "require_grad", nullptr};
  PyObject* a[3];
  parse_args({"_make_subclass", names, 3, 2}, args, nargs, kw, a);
  if (!PyType_Check(a[0]) ||
      !PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(a[0]), TensorBaseType)) {
    PyErr_SetString(PyExc_TypeError, "_make_subclass(): cls must be a subclass of Tensor");
    return nullptr;
  }
  Tensor t = ag::detach(unwrap(a[1], "_make_subclass(): argument 'data'"));
  if (a[2] && PyObject_IsTrue(a[2])) {
    MT_CHECK(is_floating(t->dtype()),
             "Only Tensors of floating point and complex dtype can require gradients");
    t->autograd_or_create().requires_grad = true;
  }
  auto* tp = reinterpret_cast<PyTypeObject*>(a[0]);
  PyObject* o = tp->tp_alloc(tp, 0);
  if (!o) return nullptr;
  auto* pt = reinterpret_cast<PyTensor*>(o);
  pt->impl = t.release();
  pt->impl->pyobj = o;
  return o;
  MT_END(nullptr)
}

PyObject* F_set_size_class(PyObject*, PyObject* cls) {
  // sizes_to_size() allocates instances directly: the class must have the
  // tuple's layout exactly (a tuple subclass with __slots__ = ()).
  auto* type = reinterpret_cast<PyTypeObject*>(cls);
  if (!PyType_Check(cls) || !PyType_IsSubtype(type, &PyTuple_Type) ||
      type->tp_basicsize != PyTuple_Type.tp_basicsize || type->tp_dictoffset != 0) {
    PyErr_SetString(PyExc_TypeError,
                    "_set_size_class expects a tuple subclass with __slots__ = ()");
    return nullptr;
  }
  Py_XSETREF(SizeClass, Py_NewRef(cls));
  Py_RETURN_NONE;
}

PyObject* F_is_grad_enabled(PyObject*, PyObject*) { return PyBool_FromLong(ag::grad_enabled()); }
PyObject* F_set_grad_enabled(PyObject*, PyObject* v) {
  int b = PyObject_IsTrue(v);
  if (b < 0) return nullptr;
  ag::set_grad_enabled(b);
  Py_RETURN_NONE;
}

PyObject* F_get_num_threads(PyObject*, PyObject*) { return PyLong_FromLong(num_threads()); }
PyObject* F_set_num_threads(PyObject*, PyObject* n) {
  MT_BEGIN
  if (!PyIndex_Check(n)) {  // PyTorch's class and words
    PyErr_Format(PyExc_RuntimeError, "set_num_threads expects an int, but got %s",
                 Py_TYPE(n)->tp_name);
    return nullptr;
  }
  int64_t v = int_arg(n, "set_num_threads(): argument 'int'");
  MT_CHECK(v > 0, "set_num_threads expects a positive integer");
  set_num_threads(static_cast<int>(v));
  Py_RETURN_NONE;
  MT_END(nullptr)
}

// _tobytes(t) -> bytes of t in row-major order (for pickling).
PyObject* F_tobytes(PyObject*, PyObject* o) {
  MT_BEGIN
  Tensor t = ag::contiguous(unwrap(o, "tensor"));
  if (!t->device().is_cpu()) t = ag::to(t, t->dtype(), Device{}, false);
  return PyBytes_FromStringAndSize(t->data(), t->numel() * t->itemsize());
  MT_END(nullptr)
}

// _frombytes(bytes, dtype, shape) -> a new tensor holding a copy of the bytes.
PyObject* F_frombytes(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *data, *dtype, *shape;
  if (!PyArg_ParseTuple(args, "SOO:_frombytes", &data, &dtype, &shape)) return nullptr;
  DType dt = parse_dtype_arg(dtype, default_dtype());
  Dims sizes = int_list_arg(shape, "shape");
  Tensor t = ag::empty(sizes, dt, Device{});
  Py_ssize_t n = PyBytes_GET_SIZE(data);
  MT_CHECK_KIND(ValueError, n == t->numel() * t->itemsize(), "_frombytes: expected ",
                t->numel() * t->itemsize(), " bytes, got ", n);
  if (n) std::memcpy(t->data(), PyBytes_AS_STRING(data), n);
  return wrap(t);
  MT_END(nullptr)
}

// _missing_kernels(device_type: str) -> list of the kernel-table slots the
// backend left empty (tests check it is [] for every built backend).
PyObject* F_missing_kernels(PyObject*, PyObject* arg) {
  MT_BEGIN
  const char* name = PyUnicode_AsUTF8(arg);
  if (!name) return nullptr;
  std::vector<std::string> missing = missing_kernels(parse_device(name).type);
  py::Ref list = py::Ref::steal(PyList_New(0));
  if (!list) return nullptr;
  for (const std::string& m : missing) {
    py::Ref item = py::Ref::steal(PyUnicode_FromString(m.c_str()));
    if (!item || PyList_Append(list.get(), item.get()) < 0) return nullptr;
  }
  return list.release();
  MT_END(nullptr)
}

// Note [Warnings]: mt::warn from ext/ops becomes a UserWarning; raises (as
// PythonError) when warnings are errors.
void warning_handler(const std::string& message) {
  if (PyErr_WarnEx(PyExc_UserWarning, message.c_str(), 1) < 0) throw py::PythonError{};
}

// Releases the GIL only if this thread holds it (a C++ thread that reaches
// parallel_for without it gets null back, and restore then does nothing).
void* gil_release() { return PyGILState_Check() ? PyEval_SaveThread() : nullptr; }
void gil_restore(void* s) {
  if (s) PyEval_RestoreThread(static_cast<PyThreadState*>(s));
}

#define FAST(name, fn)                                                    \
  {name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(fn)), \
   METH_FASTCALL | METH_KEYWORDS, nullptr}

}  // namespace

// _broadcast_shapes(list of int tuples) -> tuple: minitorch.broadcast_shapes
// normalises its arguments in Python and computes here.
PyObject* F_broadcast_shapes(PyObject*, PyObject* shapes) {
  MT_BEGIN
  py::Ref seq = py::check(PySequence_Fast(shapes, "_broadcast_shapes expects a sequence"));
  std::vector<Dims> v;
  for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq.get()); ++i)
    v.push_back(int_list_arg(PySequence_Fast_GET_ITEM(seq.get(), i), "shape"));
  return sizes_to_tuple(ag::broadcast_shapes(v));
  MT_END(nullptr)
}

// _parse_device("cuda:1") -> ("cuda", 1); ("cpu", None). minitorch.device
// parses its string here, with ext/core's parser (one parser for both).
PyObject* F_parse_device(PyObject*, PyObject* s) {
  MT_BEGIN
  if (!PyUnicode_Check(s)) {
    PyErr_Format(PyExc_TypeError, "device() expects a str, got %s", Py_TYPE(s)->tp_name);
    return nullptr;
  }
  const char* text = PyUnicode_AsUTF8(s);
  if (!text) return nullptr;
  Device d = parse_device(text);
  if (d.index < 0) return Py_BuildValue("(sO)", d.is_cpu() ? "cpu" : "cuda", Py_None);
  return Py_BuildValue("(si)", d.is_cpu() ? "cpu" : "cuda", static_cast<int>(d.index));
  MT_END(nullptr)
}

PyMethodDef module_functions[] = {
    FAST("tensor", F_tensor),
    {"from_numpy", F_from_numpy, METH_O, nullptr},
    {"_manual_seed", F_manual_seed, METH_O, nullptr},
    {"seed", F_seed, METH_NOARGS, nullptr},
    {"initial_seed", F_initial_seed, METH_NOARGS, nullptr},
    {"_get_rng_state", F_get_rng_state, METH_NOARGS, nullptr},
    {"_set_rng_state", F_set_rng_state, METH_O, nullptr},
    {"get_default_dtype", F_get_default_dtype, METH_NOARGS, nullptr},
    {"_get_default_device", F_get_default_device, METH_NOARGS, nullptr},
    {"_set_default_device", F_set_default_device, METH_O, nullptr},
    {"set_default_dtype", F_set_default_dtype, METH_O, nullptr},
    {"_broadcast_shapes", F_broadcast_shapes, METH_O, nullptr},
    {"_parse_device", F_parse_device, METH_O, nullptr},
    {"_set_tensor_class", F_set_tensor_class, METH_O, nullptr},
    {"_set_device_class", set_device_class, METH_O, nullptr},
    {"_set_size_class", F_set_size_class, METH_O, nullptr},
    FAST("_make_subclass", F_make_subclass),
    {"is_grad_enabled", F_is_grad_enabled, METH_NOARGS, nullptr},
    {"_set_grad_enabled", F_set_grad_enabled, METH_O, nullptr},
    {"get_num_threads", F_get_num_threads, METH_NOARGS, nullptr},
    {"set_num_threads", F_set_num_threads, METH_O, nullptr},
    {"_tobytes", F_tobytes, METH_O, nullptr},
    {"_frombytes", F_frombytes, METH_VARARGS, nullptr},
    {"_missing_kernels", F_missing_kernels, METH_O, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

namespace {
PyModuleDef module_def = {PyModuleDef_HEAD_INIT,
                          "minitorch._C",
                          "The C++ core of minitorch.",
                          -1,
                          nullptr,
                          nullptr,
                          nullptr,
                          nullptr,
                          nullptr};
}

}  // namespace mt::py_glue

PyMODINIT_FUNC PyInit__C() {
  using namespace mt::py_glue;
  // A registration failure (a kernel slot left empty) must not abort the
  // interpreter: it becomes ImportError.
  try {
    mt::register_cpu_kernels();
  } catch (const std::exception& e) {
    PyErr_Format(PyExc_ImportError, "minitorch._C: %s", e.what());
    return nullptr;
  }
  mt::set_gil_hooks({gil_release, gil_restore});
  mt::set_warning_handler(warning_handler);
  if (!import_numpy_api()) return nullptr;
  if (!build_op_entries()) {
    // A bad row is an ImportError naming it, never an abort.
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    py::Ref v = py::Ref::steal(value), t = py::Ref::steal(type), b = py::Ref::steal(tb);
    PyErr_Format(PyExc_ImportError, "minitorch._C: %S", v.get() ? v.get() : Py_None);
    return nullptr;
  }
  py::Ref m = py::Ref::steal(PyModule_Create(&module_def));
  if (!m) return nullptr;
  for (const MethodTables* t = kMethodTables; t->tensor_methods || t->module_functions; ++t)
    if (t->module_functions && PyModule_AddFunctions(m.get(), t->module_functions) < 0)
      return nullptr;
  if (!init_dtypes(m.get()) || !init_storage_export_type(m.get())) return nullptr;
  PyObject* tensor_type = create_tensor_type(m.get());
  if (!tensor_type) return nullptr;
  if (PyModule_AddObject(m.get(), "TensorBase", tensor_type) < 0) return nullptr;
  Py_INCREF(tensor_type);  // TensorBaseType / TensorClass keep one reference for the process
  // See Note [CUDA backend registration] in ext/core/backend.h.
  py::Ref api =
      py::Ref::steal(PyCapsule_New(mt::backend_api(), "minitorch._C._backend_api", nullptr));
  if (!api || PyModule_AddObjectRef(m.get(), "_backend_api", api.get()) < 0) return nullptr;
  return m.release();
}
