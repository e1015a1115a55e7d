// module.cpp: the minitorch._C module: init, and the module-level functions
// (creation, random state, dtype utilities).
//
// Single-phase init: the C++ core keeps process-wide state (kernel tables,
// the default generator, the thread pool), so a second module instance would
// share it anyway; per-module state would add a lookup to every call without
// buying isolation.
#include <chrono>
#include <random>

#include "../core/random.h"
#include "glue.h"

namespace mt::py_glue {

PyObject* SizeClass = nullptr;
bool init_dtypes(PyObject* module);               // dtype_object.cpp
bool init_storage_export_type(PyObject* module);  // numpy_bridge.cpp
PyObject* create_tensor_type(PyObject* module);   // tensor_type.cpp
PyObject* set_device_class(PyObject*, PyObject* cls);

namespace {

using Args = PyObject* const*;

// Common keyword arguments of factory functions.
struct FactoryKw {
  PyObject* dtype = nullptr;
  PyObject* device = nullptr;
  PyObject* requires_grad = nullptr;
};

PyObject* finish(Tensor t, PyObject* requires_grad) {
  if (requires_grad && PyObject_IsTrue(requires_grad)) {
    MT_CHECK(is_floating(t->dtype()),
             "Only Tensors of floating point and complex dtype can require gradients");
    t->autograd_or_create().requires_grad = true;
  }
  return wrap(std::move(t));
}

// Splits fast-call args into positional sizes and the factory keywords.
FactoryKw factory_kw(const char* fname, Args args, Py_ssize_t nargs, PyObject* kwnames,
                     PyObject** extra = nullptr, const char* extra_name = nullptr) {
  static const char* names_plain[] = {"dtype", "device", "requires_grad", "layout", "pin_memory",
                                      "out", "memory_format", "generator", nullptr};
  const char* names_extra[] = {"dtype",  "device", "requires_grad", "layout",   "pin_memory",
                               "out",    "memory_format", "generator", extra_name, nullptr};
  PyObject* a[9];
  parse_args({fname, extra_name ? names_extra : names_plain, 0, 0}, args + nargs, 0, kwnames, a);
  MT_CHECK_KIND(NotImplementedError, !a[5] || a[5] == Py_None, fname,
                "(): out= is not supported yet");
  if (extra) *extra = extra_name ? a[8] : nullptr;
  return FactoryKw{a[0], a[1], a[2]};
}

PyObject* F_empty(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  FactoryKw k = factory_kw("empty", args, nargs, kw);
  Dims sizes = sizes_arg(args, nargs, "empty");
  return finish(ag::empty(sizes, parse_dtype_arg(k.dtype, default_dtype()),
                          parse_device_arg(k.device)),
                k.requires_grad);
  MT_END(nullptr)
}

template <int V>
PyObject* F_const(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  const char* name = V ? "ones" : "zeros";
  FactoryKw k = factory_kw(name, args, nargs, kw);
  Dims sizes = sizes_arg(args, nargs, name);
  return finish(ag::full(sizes, Scalar::from_int(V), parse_dtype_arg(k.dtype, default_dtype()),
                         parse_device_arg(k.device)),
                k.requires_grad);
  MT_END(nullptr)
}

PyObject* F_full(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"size", "fill_value", "dtype", "device", "requires_grad",
                                "layout", "pin_memory", "out", nullptr};
  PyObject* a[8];
  parse_args({"full", names, 2, 2}, args, nargs, kw, a);
  Dims sizes = int_list_arg(a[0], "full(): argument 'size'");
  Scalar v = scalar_arg(a[1], "full(): argument 'fill_value'");
  // PyTorch infers the dtype from the fill value: bool -> bool, int -> int64,
  // float -> the default dtype.
  DType dt = parse_dtype_arg(a[2], ops::scalar_dtype(v, default_dtype()));
  return finish(ag::full(sizes, v, dt, parse_device_arg(a[3])), a[4]);
  MT_END(nullptr)
}

PyObject* F_arange(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"start", "end", "step", "dtype", "device", "requires_grad",
                                "layout", "pin_memory", "out", nullptr};
  PyObject* a[9];
  parse_args({"arange", names, 3, 0}, args, nargs, kw, a);
  PyObject *start = a[0], *end = a[1], *step = a[2];
  if (nargs == 1 && !end) {  // arange(end)
    end = start;
    start = nullptr;
  }
  if (!end) {
    PyErr_SetString(PyExc_TypeError, "arange() missing required argument 'end'");
    return nullptr;
  }
  bool any_float = false;
  double vals[3] = {0.0, 0.0, 1.0};
  PyObject* objs[3] = {start, end, step};
  for (int i = 0; i < 3; ++i) {
    if (!objs[i]) continue;
    Scalar s = scalar_arg(objs[i], "arange() argument");
    any_float = any_float || s.is_floating();
    vals[i] = s.to_double();
  }
  DType dt = parse_dtype_arg(a[3], any_float ? default_dtype() : DType::Int64);
  return finish(ag::arange(vals[0], vals[1], vals[2], dt, parse_device_arg(a[4])), a[5]);
  MT_END(nullptr)
}

PyObject* F_linspace(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"start", "end", "steps", "dtype", "device", "requires_grad",
                                "layout", "pin_memory", "out", nullptr};
  PyObject* a[9];
  parse_args({"linspace", names, 3, 3}, args, nargs, kw, a);
  DType dt = parse_dtype_arg(a[3], default_dtype());
  return finish(ag::linspace(double_arg(a[0], "start"), double_arg(a[1], "end"),
                             int_arg(a[2], "steps"), dt, parse_device_arg(a[4])),
                a[5]);
  MT_END(nullptr)
}

PyObject* F_eye(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"n", "m", "dtype", "device", "requires_grad", "layout",
                                "pin_memory", "out", nullptr};
  PyObject* a[8];
  parse_args({"eye", names, 2, 1}, args, nargs, kw, a);
  int64_t n = int_arg(a[0], "n");
  int64_t m = a[1] && a[1] != Py_None ? int_arg(a[1], "m") : n;
  return finish(ag::eye(n, m, parse_dtype_arg(a[2], default_dtype()), parse_device_arg(a[3])),
                a[4]);
  MT_END(nullptr)
}

template <int Normal>
PyObject* F_rand(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  const char* name = Normal ? "randn" : "rand";
  FactoryKw k = factory_kw(name, args, nargs, kw);
  Dims sizes = sizes_arg(args, nargs, name);
  DType dt = parse_dtype_arg(k.dtype, default_dtype());
  Device dev = parse_device_arg(k.device);
  return finish(Normal ? ag::randn(sizes, dt, dev) : ag::rand(sizes, dt, dev), k.requires_grad);
  MT_END(nullptr)
}

PyObject* F_randint(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"low", "high", "size", "dtype", "device", "requires_grad",
                                "layout", "pin_memory", "generator", "out", nullptr};
  PyObject* a[10];
  parse_args({"randint", names, 3, 0}, args, nargs, kw, a);
  PyObject *low = a[0], *high = a[1], *size = a[2];
  if (nargs == 2 && !size) {  // randint(high, size)
    size = high;
    high = low;
    low = nullptr;
  }
  if (!high || !size) {
    PyErr_SetString(PyExc_TypeError,
                    "randint() missing required arguments: expected randint(low=0, high, size)");
    return nullptr;
  }
  int64_t lo = low ? int_arg(low, "low") : 0;
  DType dt = parse_dtype_arg(a[3], DType::Int64);
  return finish(ag::randint(lo, int_arg(high, "high"), int_list_arg(size, "size"), dt,
                            parse_device_arg(a[4])),
                a[5]);
  MT_END(nullptr)
}

PyObject* F_randperm(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"n", "dtype", "device", "requires_grad", "layout", "pin_memory",
                                "generator", "out", nullptr};
  PyObject* a[8];
  parse_args({"randperm", names, 1, 1}, args, nargs, kw, a);
  return finish(ag::randperm(int_arg(a[0], "n"), parse_dtype_arg(a[1], DType::Int64),
                             parse_device_arg(a[2])),
                a[3]);
  MT_END(nullptr)
}

PyObject* F_tensor(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"data", "dtype", "device", "requires_grad", "pin_memory",
                                nullptr};
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
  Tensor t = tensor_from_data(a[0], parse_optional_dtype(a[1]), parse_device_arg(a[2]));
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
      PyErr_SetString(PyExc_RuntimeError,
                      "Overflow when unpacking long: seed must be within [-0x8000000000000000, "
                      "0xffffffffffffffff]");
      return nullptr;
    }
    s = u;
  } else {
    s = static_cast<uint64_t>(v);
  }
  default_generator().seed = s;
  default_generator().offset = 0;
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_seed(PyObject*, PyObject*) {
  std::random_device rd;
  uint64_t s = (static_cast<uint64_t>(rd()) << 32) ^ rd() ^
               static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  default_generator().seed = s;
  default_generator().offset = 0;
  return PyLong_FromUnsignedLongLong(s);
}

PyObject* F_initial_seed(PyObject*, PyObject*) {
  return PyLong_FromUnsignedLongLong(default_generator().seed);
}

PyObject* F_get_rng_state(PyObject*, PyObject*) {
  return Py_BuildValue("(KK)", static_cast<unsigned long long>(default_generator().seed),
                       static_cast<unsigned long long>(default_generator().offset));
}

PyObject* F_set_rng_state(PyObject*, PyObject* state) {
  if (!PyTuple_Check(state)) {  // PyArg_ParseTuple would raise SystemError
    PyErr_Format(PyExc_TypeError, "set_rng_state(): expected a state from get_rng_state(), got %s",
                 Py_TYPE(state)->tp_name);
    return nullptr;
  }
  unsigned long long s, o;
  if (!PyArg_ParseTuple(state, "KK:set_rng_state", &s, &o)) return nullptr;
  default_generator().seed = s;
  default_generator().offset = o;
  Py_RETURN_NONE;
}

PyObject* F_get_default_dtype(PyObject*, PyObject*) {
  return Py_NewRef(dtype_object(default_dtype()));
}

PyObject* F_set_default_dtype(PyObject*, PyObject* d) {
  MT_BEGIN
  if (!is_dtype(d)) {
    PyErr_Format(PyExc_TypeError, "set_default_dtype(): argument 'd' must be minitorch.dtype, not %s",
                 Py_TYPE(d)->tp_name);
    return nullptr;
  }
  DType dt = reinterpret_cast<PyDType*>(d)->dtype;
  MT_CHECK_KIND(TypeError, dt == DType::Float32 || dt == DType::Float64 || dt == DType::Float16 ||
                               dt == DType::BFloat16,
                "only floating-point types are supported as the default type");
  set_default_dtype(dt);
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_promote_types(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"type1", "type2", nullptr};
  PyObject* a[2];
  parse_args({"promote_types", names, 2, 2}, args, nargs, kw, a);
  for (int i = 0; i < 2; ++i)
    if (!is_dtype(a[i])) {
      PyErr_Format(PyExc_TypeError, "promote_types(): argument 'type%d' must be minitorch.dtype, not %s",
                   i + 1, Py_TYPE(a[i])->tp_name);
      return nullptr;
    }
  return Py_NewRef(dtype_object(promote_types(reinterpret_cast<PyDType*>(a[0])->dtype,
                                              reinterpret_cast<PyDType*>(a[1])->dtype)));
  MT_END(nullptr)
}

ops::Operand operand(PyObject* o, const char* what) {
  ops::Operand op;
  if (is_tensor(o)) {
    op.tensor = impl_of(o);
    return op;
  }
  if (!to_scalar(o, &op.scalar)) {
    PyErr_Format(PyExc_TypeError, "%s must be a Tensor or a number, not %s", what,
                 Py_TYPE(o)->tp_name);
    throw py::PythonError{};
  }
  return op;
}

PyObject* F_result_type(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"tensor1", "tensor2", nullptr};
  PyObject* a[2];
  parse_args({"result_type", names, 2, 2}, args, nargs, kw, a);
  ops::Operand ops_[2] = {operand(a[0], "tensor1"), operand(a[1], "tensor2")};
  return Py_NewRef(dtype_object(ops::result_type(ops_, 2, default_dtype())));
  MT_END(nullptr)
}

PyObject* F_can_cast(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"from_", "to", nullptr};
  PyObject* a[2];
  parse_args({"can_cast", names, 2, 2}, args, nargs, kw, a);
  if (!is_dtype(a[0]) || !is_dtype(a[1])) {
    PyErr_SetString(PyExc_TypeError, "can_cast(): arguments must be minitorch.dtype");
    return nullptr;
  }
  return PyBool_FromLong(can_cast(reinterpret_cast<PyDType*>(a[0])->dtype,
                                  reinterpret_cast<PyDType*>(a[1])->dtype));
  MT_END(nullptr)
}

PyObject* F_set_tensor_class(PyObject*, PyObject* cls) {
  if (!PyType_Check(cls) || !PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(cls), TensorBaseType)) {
    PyErr_SetString(PyExc_TypeError, "_set_tensor_class expects a subclass of TensorBase");
    return nullptr;
  }
  Py_XSETREF(TensorClass, Py_NewRef(cls));
  Py_RETURN_NONE;
}

PyObject* F_set_size_class(PyObject*, PyObject* cls) {
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

void* gil_release() { return PyEval_SaveThread(); }
void gil_restore(void* s) { PyEval_RestoreThread(static_cast<PyThreadState*>(s)); }

#define FAST(name, fn) \
  {name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(fn)), METH_FASTCALL | METH_KEYWORDS, nullptr}

}  // namespace

PyMethodDef module_functions[] = {
    FAST("empty", F_empty),
    FAST("zeros", F_const<0>),
    FAST("ones", F_const<1>),
    FAST("full", F_full),
    FAST("arange", F_arange),
    FAST("linspace", F_linspace),
    FAST("eye", F_eye),
    FAST("rand", F_rand<0>),
    FAST("randn", F_rand<1>),
    FAST("randint", F_randint),
    FAST("randperm", F_randperm),
    FAST("tensor", F_tensor),
    {"from_numpy", F_from_numpy, METH_O, nullptr},
    {"_manual_seed", F_manual_seed, METH_O, nullptr},
    {"seed", F_seed, METH_NOARGS, nullptr},
    {"initial_seed", F_initial_seed, METH_NOARGS, nullptr},
    {"_get_rng_state", F_get_rng_state, METH_NOARGS, nullptr},
    {"_set_rng_state", F_set_rng_state, METH_O, nullptr},
    {"get_default_dtype", F_get_default_dtype, METH_NOARGS, nullptr},
    {"set_default_dtype", F_set_default_dtype, METH_O, nullptr},
    FAST("promote_types", F_promote_types),
    FAST("result_type", F_result_type),
    FAST("can_cast", F_can_cast),
    {"_set_tensor_class", F_set_tensor_class, METH_O, nullptr},
    {"_set_device_class", set_device_class, METH_O, nullptr},
    {"_set_size_class", F_set_size_class, METH_O, nullptr},
    {"is_grad_enabled", F_is_grad_enabled, METH_NOARGS, nullptr},
    {"_set_grad_enabled", F_set_grad_enabled, METH_O, nullptr},
    {"get_num_threads", F_get_num_threads, METH_NOARGS, nullptr},
    {"set_num_threads", F_set_num_threads, METH_O, nullptr},
    {"_tobytes", F_tobytes, METH_O, nullptr},
    {"_frombytes", F_frombytes, METH_VARARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

namespace {
PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "minitorch._C",
                          "The C++ core of minitorch.", -1, nullptr,
                          nullptr, nullptr, nullptr, nullptr};
}

}  // namespace mt::py_glue

PyMODINIT_FUNC PyInit__C() {
  using namespace mt::py_glue;
  mt::register_cpu_kernels();
  mt::set_gil_hooks({gil_release, gil_restore});
  if (!import_numpy_api()) return nullptr;
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
  return m.release();
}
