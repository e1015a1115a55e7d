// module.cpp: the CPython module minitorch._C_cuda (built by setup.py only
// where nvcc is found). Importing it registers the CUDA backend with _C
// through the capsule _C._backend_api (Note [CUDA backend registration]) and
// touches no device: on a machine without a driver or GPU the import
// succeeds and is_available() is False. The functions here back
// minitorch/cuda.py; streams and events travel as integer handles.
#include "../../cuda/cuda.h"
#include "../glue.h"

namespace {

using mt::cuda::MemoryStats;

// The entry-point wrapper of this module (glue.h's MT_END needs _C's
// translate_exception, which _C does not export).
#define MT_CUDA_BEGIN try {
#define MT_CUDA_END(errval)                                                                      \
  }                                                                                              \
  catch (const mt::Error& e) {                                                                   \
    PyErr_SetString(e.kind() == mt::ErrorKind::TypeError             ? PyExc_TypeError           \
                    : e.kind() == mt::ErrorKind::ValueError          ? PyExc_ValueError          \
                    : e.kind() == mt::ErrorKind::IndexError          ? PyExc_IndexError          \
                    : e.kind() == mt::ErrorKind::NotImplementedError ? PyExc_NotImplementedError \
                                                                     : PyExc_RuntimeError,       \
                    e.what());                                                                   \
    return errval;                                                                               \
  }                                                                                              \
  catch (const py::PythonError&) {                                                               \
    return errval;                                                                               \
  }                                                                                              \
  catch (const std::exception& e) {                                                              \
    PyErr_SetString(PyExc_RuntimeError, e.what());                                               \
    return errval;                                                                               \
  }

bool int_arg(PyObject* o, long* out) {
  *out = PyLong_AsLong(o);
  return !(*out == -1 && PyErr_Occurred());
}

void* handle(PyObject* o) {
  void* p = PyLong_AsVoidPtr(o);
  if (p == nullptr && PyErr_Occurred()) throw py::PythonError{};
  return p;
}

void require_gpu() {
  const char* why = mt::cuda::unavailable();
  MT_CHECK(why == nullptr, why);
}

PyObject* F_unavailable_reason(PyObject*, PyObject*) {
  const char* why = mt::cuda::unavailable();
  if (why == nullptr) Py_RETURN_NONE;
  return PyUnicode_FromString(why);
}

PyObject* F_device_count(PyObject*, PyObject*) {
  MT_CUDA_BEGIN
  return PyLong_FromLong(mt::cuda::device_count());
  MT_CUDA_END(nullptr)
}

PyObject* F_current_device(PyObject*, PyObject*) {
  MT_CUDA_BEGIN
  return PyLong_FromLong(mt::cuda::current_device());
  MT_CUDA_END(nullptr)
}

PyObject* F_set_device(PyObject*, PyObject* arg) {
  MT_CUDA_BEGIN
  long d;
  if (!int_arg(arg, &d)) return nullptr;
  mt::cuda::set_device(static_cast<int>(d));
  Py_RETURN_NONE;
  MT_CUDA_END(nullptr)
}

PyObject* F_synchronize(PyObject*, PyObject* arg) {
  MT_CUDA_BEGIN
  long d;
  if (!int_arg(arg, &d)) return nullptr;
  mt::cuda::synchronize(static_cast<int>(d));
  Py_RETURN_NONE;
  MT_CUDA_END(nullptr)
}

// (name, major, minor, total_memory, multi_processor_count)
PyObject* F_device_properties(PyObject*, PyObject* arg) {
  MT_CUDA_BEGIN
  long d;
  if (!int_arg(arg, &d)) return nullptr;
  const int index = mt::cuda::checked_device(static_cast<int>(d));
  cudaDeviceProp p;
  MT_CUDA_CHECK(cudaGetDeviceProperties(&p, index));
  return Py_BuildValue("(siiLi)", p.name, p.major, p.minor,
                       static_cast<long long>(p.totalGlobalMem), p.multiProcessorCount);
  MT_CUDA_END(nullptr)
}

PyObject* stats_dict(const MemoryStats& s) {
  return Py_BuildValue(
      "{sLsLsLsLsLsLsLsL}", "allocated_bytes.all.current", static_cast<long long>(s.allocated),
      "allocated_bytes.all.peak", static_cast<long long>(s.max_allocated),
      "reserved_bytes.all.current", static_cast<long long>(s.reserved), "reserved_bytes.all.peak",
      static_cast<long long>(s.max_reserved), "num_alloc_retries",
      static_cast<long long>(s.num_alloc_retries), "num_ooms", static_cast<long long>(s.num_ooms),
      "allocation.all.allocated", static_cast<long long>(s.num_allocs), "segment.all.current",
      static_cast<long long>(s.num_segments));
}

PyObject* F_memory_stats(PyObject*, PyObject* arg) {
  MT_CUDA_BEGIN
  long d;
  if (!int_arg(arg, &d)) return nullptr;
  return stats_dict(mt::cuda::memory_stats(static_cast<int>(d)));
  MT_CUDA_END(nullptr)
}

PyObject* F_reset_peak_memory_stats(PyObject*, PyObject* arg) {
  MT_CUDA_BEGIN
  long d;
  if (!int_arg(arg, &d)) return nullptr;
  mt::cuda::reset_peak_memory_stats(static_cast<int>(d));
  Py_RETURN_NONE;
  MT_CUDA_END(nullptr)
}

PyObject* F_empty_cache(PyObject*, PyObject*) {
  MT_CUDA_BEGIN
  mt::cuda::empty_cache();
  Py_RETURN_NONE;
  MT_CUDA_END(nullptr)
}

// ---- streams and events (integer handles; 0 is the default stream) ----
PyObject* F_stream_create(PyObject*, PyObject* arg) {
  MT_CUDA_BEGIN
  long d;
  if (!int_arg(arg, &d)) return nullptr;
  require_gpu();
  mt::cuda::DeviceGuard guard(mt::cuda::checked_device(static_cast<int>(d)));
  cudaStream_t s;
  MT_CUDA_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  return PyLong_FromVoidPtr(s);
  MT_CUDA_END(nullptr)
}

PyObject* F_stream_destroy(PyObject*, PyObject* arg) {
  MT_CUDA_BEGIN
  void* s = handle(arg);
  if (s) MT_CUDA_CHECK(cudaStreamDestroy(static_cast<cudaStream_t>(s)));
  Py_RETURN_NONE;
  MT_CUDA_END(nullptr)
}

PyObject* F_stream_query(PyObject*, PyObject* arg) {
  MT_CUDA_BEGIN
  require_gpu();
  cudaError_t e = cudaStreamQuery(static_cast<cudaStream_t>(handle(arg)));
  if (e == cudaErrorNotReady) {
    cudaGetLastError();
    Py_RETURN_FALSE;
  }
  MT_CUDA_CHECK(e);
  Py_RETURN_TRUE;
  MT_CUDA_END(nullptr)
}

PyObject* F_stream_synchronize(PyObject*, PyObject* arg) {
  MT_CUDA_BEGIN
  require_gpu();
  MT_CUDA_CHECK(cudaStreamSynchronize(static_cast<cudaStream_t>(handle(arg))));
  Py_RETURN_NONE;
  MT_CUDA_END(nullptr)
}

// _current_stream(device) -> handle
PyObject* F_current_stream(PyObject*, PyObject* arg) {
  MT_CUDA_BEGIN
  long d;
  if (!int_arg(arg, &d)) return nullptr;
  require_gpu();
  return PyLong_FromVoidPtr(
      mt::cuda::current_stream(mt::cuda::checked_device(static_cast<int>(d))));
  MT_CUDA_END(nullptr)
}

// _set_stream(device, handle)
PyObject* F_set_stream(PyObject*, PyObject* args) {
  MT_CUDA_BEGIN
  long d;
  PyObject* h;
  if (!PyArg_ParseTuple(args, "lO:_set_stream", &d, &h)) return nullptr;
  require_gpu();
  mt::cuda::set_current_stream(static_cast<int>(d), static_cast<cudaStream_t>(handle(h)));
  Py_RETURN_NONE;
  MT_CUDA_END(nullptr)
}

PyObject* F_event_create(PyObject*, PyObject* arg) {
  MT_CUDA_BEGIN
  require_gpu();
  cudaEvent_t e;
  MT_CUDA_CHECK(cudaEventCreateWithFlags(
      &e, PyObject_IsTrue(arg) ? cudaEventDefault : cudaEventDisableTiming));
  return PyLong_FromVoidPtr(e);
  MT_CUDA_END(nullptr)
}

PyObject* F_event_destroy(PyObject*, PyObject* arg) {
  MT_CUDA_BEGIN
  void* e = handle(arg);
  if (e) MT_CUDA_CHECK(cudaEventDestroy(static_cast<cudaEvent_t>(e)));
  Py_RETURN_NONE;
  MT_CUDA_END(nullptr)
}

// _event_record(event, stream)
PyObject* F_event_record(PyObject*, PyObject* args) {
  MT_CUDA_BEGIN
  PyObject *e, *s;
  if (!PyArg_ParseTuple(args, "OO:_event_record", &e, &s)) return nullptr;
  MT_CUDA_CHECK(
      cudaEventRecord(static_cast<cudaEvent_t>(handle(e)), static_cast<cudaStream_t>(handle(s))));
  Py_RETURN_NONE;
  MT_CUDA_END(nullptr)
}

PyObject* F_event_synchronize(PyObject*, PyObject* arg) {
  MT_CUDA_BEGIN
  MT_CUDA_CHECK(cudaEventSynchronize(static_cast<cudaEvent_t>(handle(arg))));
  Py_RETURN_NONE;
  MT_CUDA_END(nullptr)
}

PyObject* F_event_query(PyObject*, PyObject* arg) {
  MT_CUDA_BEGIN
  cudaError_t err = cudaEventQuery(static_cast<cudaEvent_t>(handle(arg)));
  if (err == cudaErrorNotReady) {
    cudaGetLastError();
    Py_RETURN_FALSE;
  }
  MT_CUDA_CHECK(err);
  Py_RETURN_TRUE;
  MT_CUDA_END(nullptr)
}

// _event_elapsed(start, end) -> milliseconds
PyObject* F_event_elapsed(PyObject*, PyObject* args) {
  MT_CUDA_BEGIN
  PyObject *a, *b;
  if (!PyArg_ParseTuple(args, "OO:_event_elapsed", &a, &b)) return nullptr;
  float ms = 0;
  MT_CUDA_CHECK(cudaEventElapsedTime(&ms, static_cast<cudaEvent_t>(handle(a)),
                                     static_cast<cudaEvent_t>(handle(b))));
  return PyFloat_FromDouble(ms);
  MT_CUDA_END(nullptr)
}

// _stream_wait_event(stream, event)
PyObject* F_stream_wait_event(PyObject*, PyObject* args) {
  MT_CUDA_BEGIN
  PyObject *s, *e;
  if (!PyArg_ParseTuple(args, "OO:_stream_wait_event", &s, &e)) return nullptr;
  MT_CUDA_CHECK(cudaStreamWaitEvent(static_cast<cudaStream_t>(handle(s)),
                                    static_cast<cudaEvent_t>(handle(e)), 0));
  Py_RETURN_NONE;
  MT_CUDA_END(nullptr)
}

// ---- _allocator_sim: the caching allocator over a fake device, for tests ----
// _allocator_sim(capacity, ops) where ops is a list of ("alloc", nbytes,
// stream), ("free", i) (i = the index of an earlier alloc) or ("empty",).
// Returns (offsets, stats): each alloc's offset into the fake device's
// address space (or the error message), and the final stats dict.
struct FakeDevice {
  int64_t capacity = 0, used = 0, next = 0;
  std::map<uintptr_t, int64_t> live;
};
void* fake_alloc(void* ctx, int64_t n) {
  auto* d = static_cast<FakeDevice*>(ctx);
  if (d->used + n > d->capacity) return nullptr;
  d->used += n;
  const uintptr_t p = 0x10000000u + static_cast<uintptr_t>(d->next);
  d->next += n;
  d->live[p] = n;
  return reinterpret_cast<void*>(p);
}
void fake_free(void* ctx, void* p) {
  auto* d = static_cast<FakeDevice*>(ctx);
  auto it = d->live.find(reinterpret_cast<uintptr_t>(p));
  if (it == d->live.end()) return;
  d->used -= it->second;
  d->live.erase(it);
}
void fake_info(void* ctx, int64_t* f, int64_t* t) {
  auto* d = static_cast<FakeDevice*>(ctx);
  *f = d->capacity - d->used;
  *t = d->capacity;
}

PyObject* F_allocator_sim(PyObject*, PyObject* args) {
  MT_CUDA_BEGIN
  long long capacity;
  PyObject* ops;
  if (!PyArg_ParseTuple(args, "LO!:_allocator_sim", &capacity, &PyList_Type, &ops)) return nullptr;
  FakeDevice dev;
  dev.capacity = capacity;
  mt::cuda::CachingAllocator::Device d;
  d.raw_alloc = fake_alloc;
  d.raw_free = fake_free;
  d.mem_info = fake_info;
  d.ctx = &dev;
  mt::cuda::CachingAllocator alloc(d);
  std::vector<void*> ptrs;
  py::Ref results = py::check(PyList_New(0));
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(ops); ++i) {
    PyObject* op = PyList_GET_ITEM(ops, i);
    const char* kind;
    long long a = 0, b = 0;
    if (!PyArg_ParseTuple(op, "s|LL:_allocator_sim op", &kind, &a, &b)) return nullptr;
    const std::string k = kind;
    if (k == "alloc") {
      py::Ref r;
      try {
        void* p = alloc.allocate(a, reinterpret_cast<void*>(static_cast<intptr_t>(b)));
        ptrs.push_back(p);
        r = py::check(PyLong_FromLongLong(
            p ? static_cast<long long>(reinterpret_cast<uintptr_t>(p) - 0x10000000u) : -1));
      } catch (const mt::Error& e) {
        ptrs.push_back(nullptr);
        r = py::check(PyUnicode_FromString(e.what()));
      }
      if (PyList_Append(results.get(), r.get()) < 0) return nullptr;
    } else if (k == "free") {
      if (a < 0 || a >= static_cast<long long>(ptrs.size())) {
        PyErr_SetString(PyExc_IndexError, "_allocator_sim: free of an unknown allocation");
        return nullptr;
      }
      alloc.free(ptrs[a]);
      ptrs[a] = nullptr;
    } else if (k == "empty") {
      alloc.empty_cache();
    } else {
      PyErr_Format(PyExc_ValueError, "_allocator_sim: unknown op '%s'", kind);
      return nullptr;
    }
  }
  for (void* p : ptrs) alloc.free(p);  // the fake device's blocks go with it
  alloc.empty_cache();
  py::Ref stats = py::check(stats_dict(alloc.stats()));
  return Py_BuildValue("(OO)", results.get(), stats.get());
  MT_CUDA_END(nullptr)
}

// _cublas_set_paths(list of str): where to look for libcublas first.
PyObject* F_cublas_set_paths(PyObject*, PyObject* arg) {
  MT_CUDA_BEGIN
  py::Ref seq = py::check(PySequence_Fast(arg, "_cublas_set_paths expects a list of str"));
  std::vector<std::string> paths;
  for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq.get()); ++i) {
    const char* s = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(seq.get(), i));
    if (!s) return nullptr;
    paths.emplace_back(s);
  }
  mt::cuda::set_cublas_paths(paths);
  Py_RETURN_NONE;
  MT_CUDA_END(nullptr)
}

PyObject* F_cublas_info(PyObject*, PyObject*) {
  MT_CUDA_BEGIN
  return PyUnicode_FromString(mt::cuda::cublas_info().c_str());
  MT_CUDA_END(nullptr)
}

#define MT_METH(name, fn, flags) {name, reinterpret_cast<PyCFunction>(fn), flags, nullptr}
PyMethodDef functions[] = {
    MT_METH("_unavailable_reason", F_unavailable_reason, METH_NOARGS),
    MT_METH("device_count", F_device_count, METH_NOARGS),
    MT_METH("current_device", F_current_device, METH_NOARGS),
    MT_METH("set_device", F_set_device, METH_O),
    MT_METH("synchronize", F_synchronize, METH_O),
    MT_METH("_device_properties", F_device_properties, METH_O),
    MT_METH("memory_stats", F_memory_stats, METH_O),
    MT_METH("reset_peak_memory_stats", F_reset_peak_memory_stats, METH_O),
    MT_METH("empty_cache", F_empty_cache, METH_NOARGS),
    MT_METH("_stream_create", F_stream_create, METH_O),
    MT_METH("_stream_destroy", F_stream_destroy, METH_O),
    MT_METH("_stream_query", F_stream_query, METH_O),
    MT_METH("_stream_synchronize", F_stream_synchronize, METH_O),
    MT_METH("_stream_wait_event", F_stream_wait_event, METH_VARARGS),
    MT_METH("_current_stream", F_current_stream, METH_O),
    MT_METH("_set_stream", F_set_stream, METH_VARARGS),
    MT_METH("_event_create", F_event_create, METH_O),
    MT_METH("_event_destroy", F_event_destroy, METH_O),
    MT_METH("_event_record", F_event_record, METH_VARARGS),
    MT_METH("_event_synchronize", F_event_synchronize, METH_O),
    MT_METH("_event_query", F_event_query, METH_O),
    MT_METH("_event_elapsed", F_event_elapsed, METH_VARARGS),
    MT_METH("_allocator_sim", F_allocator_sim, METH_VARARGS),
    MT_METH("_cublas_set_paths", F_cublas_set_paths, METH_O),
    MT_METH("_cublas_info", F_cublas_info, METH_NOARGS),
    {nullptr, nullptr, 0, nullptr},
};
#undef MT_METH

PyModuleDef module_def = {PyModuleDef_HEAD_INIT,
                          "minitorch._C_cuda",
                          "The CUDA backend of minitorch (registers itself with _C at import).",
                          -1,
                          functions,
                          nullptr,
                          nullptr,
                          nullptr,
                          nullptr};

}  // namespace

PyMODINIT_FUNC PyInit__C_cuda() {
  // PyCapsule_Import imports minitorch._C (already loaded by minitorch) itself.
  auto* api = static_cast<mt::BackendApi*>(PyCapsule_Import("minitorch._C._backend_api", 0));
  if (!api) return nullptr;
  if (const char* err = mt::cuda::register_backend(api)) {
    PyErr_SetString(PyExc_ImportError, err);
    return nullptr;
  }
  return PyModule_Create(&module_def);
}
