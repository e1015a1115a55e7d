// dlpack.cpp: Tensor.__dlpack__, Tensor.__dlpack_device__ and from_dlpack.
//
// Note [DLPack exchange]
// Export: a capsule holds one heap block with the managed tensor (legacy
// "dltensor", or "dltensor_versioned" when the consumer passes
// max_version >= (1, 0)), its shape and strides, and one reference to the
// tensor's Storage counted as an export (Note [Storage export]). The block's
// deleter drops both and needs no GIL, so a consumer may call it from any
// thread. The capsule's destructor calls the deleter only while the capsule
// still has its fresh name; a consumer renames it to "used_..." when it takes
// ownership.
// Import: the capsule is checked completely (device, dtype, shape, strides,
// alignment, and the lowest and highest reachable byte addresses, which must
// not wrap) before it is renamed, so a refused capsule stays the producer's.
// Then a borrowed Storage spanning exactly the reachable bytes owns the
// managed tensor and calls its deleter once, when the last view dies. A
// deleter reached without the GIL is queued as a pending call and run with
// the GIL held (producers such as NumPy's touch Python objects). A capsule
// of our own export is not wrapped twice: the tensor views the original
// Storage directly and the block is released at once.
#include <cstdarg>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

#include "dlpack_abi.h"
#include "glue.h"

#if PY_VERSION_HEX >= 0x030D0000
#define MT_DL_FINALIZING() Py_IsFinalizing()
#else
#define MT_DL_FINALIZING() _Py_IsFinalizing()
#endif

namespace mt::py_glue {

namespace {

namespace dl = ::mt::dlpack;

using Args = PyObject* const*;

constexpr const char* kLegacyName = "dltensor";
constexpr const char* kVersionedName = "dltensor_versioned";
constexpr const char* kUsedLegacyName = "used_dltensor";
constexpr const char* kUsedVersionedName = "used_dltensor_versioned";
constexpr int kMaxDims = 1024;

template <class M>
struct Names;
template <>
struct Names<dl::ManagedTensor> {
  static constexpr const char* fresh = kLegacyName;
  static constexpr const char* used = kUsedLegacyName;
};
template <>
struct Names<dl::ManagedTensorVersioned> {
  static constexpr const char* fresh = kVersionedName;
  static constexpr const char* used = kUsedVersionedName;
};

[[noreturn]] void dl_raise(PyObject* kind, const char* fmt, ...) {
  va_list va;
  va_start(va, fmt);
  PyErr_FormatV(kind, fmt, va);
  va_end(va);
  throw py::PythonError{};
}

// ---- dtypes ----
dl::DataType dl_dtype(DType d) {
  const DTypeInfo& in = info(d);
  uint8_t bits = static_cast<uint8_t>(in.itemsize * 8);
  uint8_t code = d == DType::BFloat16   ? dl::kBfloat
                 : in.numpy_kind == 'b' ? dl::kBool
                 : in.numpy_kind == 'u' ? dl::kUInt
                 : in.numpy_kind == 'i' ? dl::kInt
                                        : dl::kFloat;
  return {code, bits, 1};
}

std::optional<DType> dtype_from_dl(dl::DataType t) {
  if (t.lanes != 1) return std::nullopt;
  for (int i = 0; i < kNumDTypes; ++i) {
    dl::DataType c = dl_dtype(static_cast<DType>(i));
    if (c.code == t.code && c.bits == t.bits) return static_cast<DType>(i);
  }
  return std::nullopt;
}

// ---- export ----
template <class M>
struct Block {
  M m;
  Storage* storage;  // one reference, one export
  int64_t* dims() { return reinterpret_cast<int64_t*>(this + 1); }
};
static_assert(sizeof(Block<dl::ManagedTensor>) % alignof(int64_t) == 0);
static_assert(sizeof(Block<dl::ManagedTensorVersioned>) % alignof(int64_t) == 0);

template <class M>
void export_deleter(M* m) {
  auto* b = reinterpret_cast<Block<M>*>(m);  // m is the first member
  Storage* s = b->storage;
  b->~Block<M>();
  ::operator delete(b);
  s->remove_export();
  s->decref();  // may release a Python owner: release_pyobject copes without the GIL
}

template <class M>
void capsule_destructor(PyObject* cap) {
  if (!PyCapsule_IsValid(cap, Names<M>::fresh)) return;  // consumed: the consumer owns it
  auto* m = static_cast<M*>(PyCapsule_GetPointer(cap, Names<M>::fresh));
  if (m && m->deleter) m->deleter(m);
}

dl::Tensor* tensor_of(dl::ManagedTensor* m) { return &m->dl_tensor; }
dl::Tensor* tensor_of(dl::ManagedTensorVersioned* m) { return &m->dl_tensor; }

void set_header(dl::ManagedTensor*, bool, bool) {}
void set_header(dl::ManagedTensorVersioned* m, bool read_only, bool copied) {
  m->version = {dl::kMajorVersion, dl::kMinorVersion};
  m->flags = (read_only ? dl::kFlagReadOnly : 0) | (copied ? dl::kFlagIsCopied : 0);
}

template <class M>
PyObject* make_capsule(const Tensor& t, bool copied) {
  const int nd = static_cast<int>(t->dim());
  size_t bytes = sizeof(Block<M>) + 2 * static_cast<size_t>(nd) * sizeof(int64_t);
  auto* b = new (::operator new(bytes)) Block<M>();
  b->storage = t->storage().get();
  b->storage->incref();
  b->storage->add_export();
  int64_t* dims = b->dims();
  for (int i = 0; i < nd; ++i) {
    dims[i] = t->sizes()[i];
    dims[nd + i] = t->strides()[i];
  }
  dl::Tensor* d = tensor_of(&b->m);
  d->data = t->data();
  d->device = {dl::kCPU, 0};
  d->ndim = nd;
  d->dtype = dl_dtype(t->dtype());
  d->shape = nd ? dims : nullptr;
  d->strides = nd ? dims + nd : nullptr;
  d->byte_offset = 0;
  b->m.manager_ctx = nullptr;
  b->m.deleter = export_deleter<M>;
  set_header(&b->m, t->storage()->read_only(), copied);
  PyObject* cap = PyCapsule_New(&b->m, Names<M>::fresh, capsule_destructor<M>);
  if (!cap) {
    export_deleter<M>(&b->m);
    throw py::PythonError{};
  }
  return cap;
}

bool is_int(PyObject* o) { return PyLong_Check(o) && !PyBool_Check(o); }

// (device_type, device_id) from a Python pair.
dl::Device parse_dl_device(PyObject* o, const char* what) {
  if (!PyTuple_Check(o) || PyTuple_GET_SIZE(o) != 2)
    dl_raise(PyExc_TypeError, "%s must be a tuple (device_type, device_id), got %s", what,
             Py_TYPE(o)->tp_name);
  int overflow = 0;
  long long ty = PyLong_AsLongLongAndOverflow(PyTuple_GET_ITEM(o, 0), &overflow);
  if (ty == -1 && PyErr_Occurred()) throw py::PythonError{};
  long long id = PyLong_AsLongLongAndOverflow(PyTuple_GET_ITEM(o, 1), &overflow);
  if (id == -1 && PyErr_Occurred()) throw py::PythonError{};
  if (overflow || ty < INT32_MIN || ty > INT32_MAX || id < INT32_MIN || id > INT32_MAX)
    dl_raise(PyExc_ValueError, "%s out of range", what);
  return {static_cast<int32_t>(ty), static_cast<int32_t>(id)};
}

PyObject* T_dlpack(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  PyObject* a[4] = {nullptr, nullptr, nullptr, nullptr};
  if (nargs || kw) {
    static const char* names[] = {"stream", "max_version", "dl_device", "copy", nullptr};
    parse_args({"__dlpack__", names, 0, 0}, args, nargs, kw, a);
  }
  Tensor t(impl_of(self));
  if (t->requires_grad())
    dl_raise(PyExc_BufferError, "Can't export tensors that require gradient, use tensor.detach()");
  PyObject* stream = a[0] && a[0] != Py_None ? a[0] : nullptr;
  if (stream && !is_int(stream)) dl_raise(PyExc_TypeError, "stream must be ``int`` or ``none``");
  bool versioned = false;
  if (a[1] && a[1] != Py_None) {
    if (!PyTuple_Check(a[1]) || PyTuple_GET_SIZE(a[1]) != 2)
      dl_raise(PyExc_TypeError, "max_version must be None or a tuple (major, minor), got %s",
               Py_TYPE(a[1])->tp_name);
    long long major = PyLong_AsLongLong(PyTuple_GET_ITEM(a[1], 0));
    if (major == -1 && PyErr_Occurred()) throw py::PythonError{};
    versioned = major >= 1;
  }
  int copy = -1;  // -1: copy only if needed
  if (a[3] && a[3] != Py_None) copy = bool_arg(a[3], "copy") ? 1 : 0;
  bool need_copy = copy == 1;
  if (a[2] && a[2] != Py_None) {
    dl::Device want = parse_dl_device(a[2], "dl_device");
    if (want.device_type != dl::kCPU || want.device_id != 0)
      dl_raise(
          PyExc_BufferError,
          "minitorch can export DLPack tensors only to the CPU, dl_device=(1, 0); got (%d, %d)",
          static_cast<int>(want.device_type), static_cast<int>(want.device_id));
    if (!t->device().is_cpu()) {
      if (copy == 0)
        dl_raise(PyExc_BufferError,
                 "can't export a %s tensor to the CPU without a copy (copy=False was given)",
                 t->device().str().c_str());
      t = ag::to(t, t->dtype(), Device{}, true);
      need_copy = false;
      copy = 1;
    }
  }
  if (!t->device().is_cpu())
    dl_raise(PyExc_BufferError,
             "DLPack export of %s tensors is not supported yet; pass dl_device=(1, 0) to get a CPU "
             "copy, or call .cpu() first",
             t->device().str().c_str());
  if (stream) {
    int overflow = 0;
    if (PyLong_AsLongLongAndOverflow(stream, &overflow) != -1 || overflow)
      dl_raise(PyExc_AssertionError, "stream should be None on cpu.");
  }
  if (!versioned && t->storage()->read_only() && !need_copy) {
    // The legacy capsule cannot say "read-only": hand out a private copy.
    if (copy == 0)
      dl_raise(PyExc_BufferError,
               "a read-only tensor can't be exported through a legacy DLPack capsule without a "
               "copy; ask for max_version=(1, 0) or allow a copy");
    need_copy = true;
  }
  if (need_copy) {
    t = ag::clone(t);
    t->storage()->set_read_only(false);
    copy = 1;
  }
  return versioned ? make_capsule<dl::ManagedTensorVersioned>(t, copy == 1)
                   : make_capsule<dl::ManagedTensor>(t, copy == 1);
  MT_END(nullptr)
}

PyObject* T_dlpack_device(PyObject* self, PyObject*) {
  MT_BEGIN
  Device d = impl_of(self)->device();
  int type = d.is_cpu() ? dl::kCPU : dl::kCUDA;
  int index = d.is_cpu() || d.index < 0 ? 0 : d.index;
  return Py_BuildValue("(ii)", type, index);
  MT_END(nullptr)
}

// ---- import: running a producer's deleter ----
struct PendingDeleter {
  void (*run)(void*);
  void* m;
};
std::mutex g_pending_mu;
std::vector<PendingDeleter> g_pending;

template <class M>
void run_deleter(void* p) {
  M* m = static_cast<M*>(p);
  if (!m->deleter) return;
  // The deleter may run Python code (NumPy's drops its array): keep an error
  // that is being raised right now out of its way.
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  m->deleter(m);
  PyErr_Restore(type, value, tb);
}

int drain_pending(void*) {
  std::vector<PendingDeleter> todo;
  {
    std::lock_guard<std::mutex> lk(g_pending_mu);
    todo.swap(g_pending);
  }
  for (const PendingDeleter& d : todo) d.run(d.m);
  return 0;
}

// ReleaseFn of a Storage that borrows a producer's bytes.
template <class M>
void release_managed(void* ctx, void*) {
  if (PyGILState_Check()) {
    run_deleter<M>(ctx);
    return;
  }
  // At shutdown the producer may be gone with the interpreter: leak.
  if (MT_DL_FINALIZING()) return;
  // No GIL (a kernel worker, a foreign thread): waiting for it here could
  // deadlock against a thread that holds it while waiting for us, so the
  // deleter runs from the interpreter's pending-call queue (Note [Threads]).
  {
    std::lock_guard<std::mutex> lk(g_pending_mu);
    g_pending.push_back({run_deleter<M>, ctx});
  }
  Py_AddPendingCall(drain_pending, nullptr);
}

// ---- import ----
template <class M>
Tensor import_managed(PyObject* cap, M* m, bool read_only) {
  const dl::Tensor& d = *tensor_of(m);
  const int32_t dev = d.device.device_type;
  if (dev == dl::kCUDA || dev == dl::kROCM || dev == dl::kCUDAManaged)
    dl_raise(PyExc_BufferError,
             "from_dlpack: importing device memory (DLPack device type %d) is not supported yet; "
             "copy the tensor to the CPU in the producer first",
             static_cast<int>(dev));
  if (dev != dl::kCPU && dev != dl::kCUDAHost)
    dl_raise(PyExc_BufferError, "from_dlpack: unsupported DLPack device type %d",
             static_cast<int>(dev));
  if (d.ndim < 0 || d.ndim > kMaxDims)
    dl_raise(PyExc_BufferError, "from_dlpack: invalid number of dimensions %d",
             static_cast<int>(d.ndim));
  std::optional<DType> dt = dtype_from_dl(d.dtype);
  if (!dt) {
    if (d.dtype.code == dl::kComplex)
      dl_raise(PyExc_BufferError, "from_dlpack: minitorch has no complex dtypes (complex%d)",
               static_cast<int>(d.dtype.bits));
    dl_raise(PyExc_BufferError,
             "from_dlpack: unsupported DLPack dtype (code %d, bits %d, lanes %d); minitorch takes "
             "bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32 and float64",
             static_cast<int>(d.dtype.code), static_cast<int>(d.dtype.bits),
             static_cast<int>(d.dtype.lanes));
  }
  const int nd = d.ndim;
  if (nd > 0 && !d.shape) dl_raise(PyExc_BufferError, "from_dlpack: shape is null");
  Dims sizes(nd);
  int64_t numel = 1;
  for (int i = 0; i < nd; ++i) {
    if (d.shape[i] < 0)
      dl_raise(PyExc_BufferError, "from_dlpack: negative size %lld in dim %d",
               static_cast<long long>(d.shape[i]), i);
    sizes[i] = d.shape[i];
    if (__builtin_mul_overflow(numel, sizes[i], &numel))
      dl_raise(PyExc_BufferError, "from_dlpack: the number of elements overflows int64");
  }
  Dims strides = d.strides && nd > 0 ? Dims(d.strides, d.strides + nd) : contiguous_strides(sizes);
  const int64_t isz = itemsize_of(*dt);
  uintptr_t addr = reinterpret_cast<uintptr_t>(d.data);
  if (__builtin_add_overflow(addr, d.byte_offset, &addr))
    dl_raise(PyExc_BufferError, "from_dlpack: data + byte_offset overflows");
  int64_t lo = 0, hi = 0;
  uintptr_t base = addr;
  int64_t nbytes = 0;
  if (numel > 0) {
    if (!d.data) dl_raise(PyExc_BufferError, "from_dlpack: data is null for a non-empty tensor");
    if (addr % static_cast<uintptr_t>(isz) != 0)
      dl_raise(PyExc_BufferError,
               "from_dlpack: data is not aligned to its element size (%d bytes), so it can't be "
               "shared",
               static_cast<int>(isz));
    reachable_range(sizes, strides, &lo, &hi);  // RuntimeError when it overflows
    int64_t lo_b, hi_b, span;
    if (__builtin_mul_overflow(lo, isz, &lo_b) || __builtin_mul_overflow(hi, isz, &hi_b) ||
        __builtin_sub_overflow(hi_b, lo_b, &span) || __builtin_add_overflow(span, isz, &nbytes))
      dl_raise(PyExc_BufferError, "from_dlpack: the strides reach beyond the address space");
    // lo_b <= 0 <= hi_b: the lowest and highest bytes must not wrap around.
    uintptr_t down = uintptr_t{0} - static_cast<uintptr_t>(lo_b);  // |lo_b|, no signed overflow
    uintptr_t up = static_cast<uintptr_t>(hi_b);
    uintptr_t top;
    if (down > addr || __builtin_add_overflow(addr, up, &top) ||
        __builtin_add_overflow(top, static_cast<uintptr_t>(isz - 1), &top))
      dl_raise(PyExc_BufferError, "from_dlpack: the strides reach beyond the address space");
    base = addr - down;
  } else {
    strides = contiguous_strides(sizes);
  }
  // Our own export: view the original Storage; the block goes at once.
  if (m->deleter == export_deleter<M>) {
    Storage* s = reinterpret_cast<Block<M>*>(m)->storage;
    Ptr<Storage> storage(s);
    int64_t off = (static_cast<int64_t>(addr - reinterpret_cast<uintptr_t>(s->data()))) / isz;
    if (PyCapsule_SetName(cap, Names<M>::used) < 0) throw py::PythonError{};
    m->deleter(m);
    Tensor out =
        make<TensorImpl>(std::move(storage), std::move(sizes), std::move(strides), off, *dt);
    return out;
  }
  // Consumed from here on: the Storage owns m and runs its deleter once.
  if (PyCapsule_SetName(cap, Names<M>::used) < 0) throw py::PythonError{};
  Ptr<Storage> storage;
  try {
    storage =
        Storage::borrow(reinterpret_cast<void*>(base), nbytes, Device{}, release_managed<M>, m);
  } catch (...) {
    run_deleter<M>(m);
    throw;
  }
  storage->set_read_only(read_only);
  return make<TensorImpl>(std::move(storage), std::move(sizes), std::move(strides), -lo, *dt);
}

Tensor tensor_from_capsule(PyObject* cap) {
  if (PyCapsule_IsValid(cap, kVersionedName)) {
    auto* m = static_cast<dl::ManagedTensorVersioned*>(PyCapsule_GetPointer(cap, kVersionedName));
    if (!m) throw py::PythonError{};
    if (m->version.major != dl::kMajorVersion)
      dl_raise(PyExc_BufferError,
               "from_dlpack: unsupported DLPack version %u.%u (minitorch reads major version %u)",
               m->version.major, m->version.minor, dl::kMajorVersion);
    return import_managed(cap, m, (m->flags & dl::kFlagReadOnly) != 0);
  }
  if (PyCapsule_IsValid(cap, kLegacyName)) {
    auto* m = static_cast<dl::ManagedTensor*>(PyCapsule_GetPointer(cap, kLegacyName));
    if (!m) throw py::PythonError{};
    return import_managed(cap, m, false);
  }
  if (!PyCapsule_CheckExact(cap))
    dl_raise(PyExc_TypeError,
             "from_dlpack: expected a DLPack capsule or an object with __dlpack__, "
             "got %s",
             Py_TYPE(cap)->tp_name);
  const char* name = PyCapsule_GetName(cap);
  if (!name && PyErr_Occurred()) throw py::PythonError{};
  if (name &&
      (std::strcmp(name, kUsedLegacyName) == 0 || std::strcmp(name, kUsedVersionedName) == 0))
    dl_raise(PyExc_RuntimeError,
             "from_dlpack: this DLPack capsule was already consumed; a capsule can become a tensor "
             "only once");
  dl_raise(PyExc_RuntimeError,
           "from_dlpack: invalid DLPack capsule (named '%s', expected 'dltensor' or "
           "'dltensor_versioned')",
           name ? name : "<null>");
}

PyObject* intern(const char* s) {
  PyObject* o = PyUnicode_InternFromString(s);
  if (!o) throw py::PythonError{};
  return o;  // kept for the process
}

// obj.__dlpack__(**kwargs), dropping keywords an older producer rejects
// with TypeError: first max_version, then copy, then dl_device (the order
// the array API suggests). *copy_handled says whether copy reached it.
PyObject* call_dlpack(PyObject* method, PyObject* copy, PyObject* dl_device, bool* copy_handled) {
  static PyObject* k_max = intern("max_version");
  static PyObject* k_copy = intern("copy");
  static PyObject* k_dev = intern("dl_device");
  static PyObject* v_max = Py_BuildValue("(ii)", dl::kMajorVersion, dl::kMinorVersion);
  if (!v_max) throw py::PythonError{};
  bool use_max = true, use_copy = copy != nullptr, use_dev = dl_device != nullptr;
  for (int attempt = 0;; ++attempt) {
    PyObject* vals[3];
    PyObject* keys[3];
    int n = 0;
    if (use_max) keys[n] = k_max, vals[n++] = v_max;
    if (use_copy) keys[n] = k_copy, vals[n++] = copy;
    if (use_dev) keys[n] = k_dev, vals[n++] = dl_device;
    py::Ref kwnames;
    static PyObject* only_max = PyTuple_Pack(1, k_max);  // the usual call, kept for the process
    if (n == 1 && use_max && only_max) {
      kwnames = py::Ref::incref(only_max);
    } else if (n) {
      kwnames = py::check(PyTuple_New(n));
      for (int i = 0; i < n; ++i) {
        Py_INCREF(keys[i]);
        PyTuple_SET_ITEM(kwnames.get(), i, keys[i]);
      }
    }
    PyObject* r = PyObject_Vectorcall(method, vals, 0, kwnames.get());
    if (r) {
      *copy_handled = use_copy;
      return r;
    }
    if (!PyErr_ExceptionMatches(PyExc_TypeError) || n == 0) throw py::PythonError{};
    PyErr_Clear();
    if (use_max)
      use_max = false;
    else if (use_copy)
      use_copy = false;
    else
      use_dev = false;
  }
}

PyObject* F_from_dlpack(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"ext_tensor", "device", "copy", nullptr};
  PyObject* a[3] = {nullptr, nullptr, nullptr};
  if (nargs == 1 && !kw)
    a[0] = args[0];
  else
    parse_args({"from_dlpack", names, 1, 1}, args, nargs, kw, a);
  PyObject* obj = a[0];
  PyObject* device = a[1] && a[1] != Py_None ? a[1] : nullptr;
  PyObject* copy = a[2] && a[2] != Py_None ? a[2] : nullptr;
  if (PyCapsule_CheckExact(obj)) {
    if (device || copy)
      dl_raise(PyExc_ValueError,
               "from_dlpack: device= and copy= need the producer object, not a capsule");
    return wrap(tensor_from_capsule(obj));
  }
  static PyObject* k_dlpack = intern("__dlpack__");
  static PyObject* k_dlpack_device = intern("__dlpack_device__");
  py::Ref method = py::Ref::steal(PyObject_GetAttr(obj, k_dlpack));
  if (!method) {
    if (!PyErr_ExceptionMatches(PyExc_AttributeError)) throw py::PythonError{};
    PyErr_Clear();
    dl_raise(PyExc_TypeError,
             "from_dlpack: expected a DLPack capsule or an object with __dlpack__, got %s",
             Py_TYPE(obj)->tp_name);
  }
  dl::Device ext{dl::kCPU, 0};
  py::Ref dev_method = py::Ref::steal(PyObject_GetAttr(obj, k_dlpack_device));
  if (dev_method) {
    py::Ref r = py::check(PyObject_CallNoArgs(dev_method.get()));
    ext = parse_dl_device(r.get(), "__dlpack_device__()");
  } else {
    if (!PyErr_ExceptionMatches(PyExc_AttributeError)) throw py::PythonError{};
    PyErr_Clear();
  }
  if (ext.device_type != dl::kCPU && ext.device_type != dl::kCUDAHost)
    dl_raise(PyExc_BufferError,
             "from_dlpack: importing from DLPack device type %d is not supported yet; only CPU "
             "memory can be shared",
             static_cast<int>(ext.device_type));
  bool want_copy = copy && bool_arg(copy, "copy");
  Device target{};
  bool cross = false;
  py::Ref dl_device;
  if (device) {
    target = parse_device_arg(device);
    cross = !target.is_cpu();
    if (cross && copy && !want_copy)
      dl_raise(PyExc_ValueError,
               "cannot move DLPack tensor from device (%d, %d) to %s without copying. Set "
               "copy=None or copy=True.",
               static_cast<int>(ext.device_type), static_cast<int>(ext.device_id),
               target.str().c_str());
    if (!cross) dl_device = py::check(Py_BuildValue("(ii)", dl::kCPU, 0));
  }
  bool copy_handled = false;
  py::Ref cap = py::check(call_dlpack(method.get(), copy, dl_device.get(), &copy_handled));
  Tensor t = tensor_from_capsule(cap.get());
  if (want_copy && !copy_handled && !cross) t = ag::clone(t);
  if (cross) t = ag::to(t, t->dtype(), target, false);
  return wrap(std::move(t));
  MT_END(nullptr)
}

// _C._disable_ml_dtypes(flag): tests only; see Note [bfloat16 arrays].
PyObject* F_disable_ml_dtypes(PyObject*, PyObject* flag) {
  MT_BEGIN
  return PyBool_FromLong(disable_ml_dtypes(bool_arg(flag, "flag")));
  MT_END(nullptr)
}

#define DL_FAST(name, fn)                                                 \
  {name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(fn)), \
   METH_FASTCALL | METH_KEYWORDS, nullptr}

}  // namespace

PyMethodDef dlpack_tensor_methods[] = {
    DL_FAST("__dlpack__", T_dlpack),
    {"__dlpack_device__", T_dlpack_device, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

PyMethodDef dlpack_module_functions[] = {
    DL_FAST("from_dlpack", F_from_dlpack),
    {"_disable_ml_dtypes", F_disable_ml_dtypes, METH_O, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace mt::py_glue
