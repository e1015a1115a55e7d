// numpy_bridge.cpp: Tensor.numpy(), from_numpy, __array_interface__, the
// buffer protocol, and the release of Python objects that own a Storage's
// bytes.
//
// Note [Storage export] (see ext/core/storage.h): an array made from a
// tensor keeps a _StorageExport object as its base (for the buffer protocol,
// as the exporting object; for __array_interface__, as the `data` buffer
// that NumPy keeps as base); that object owns a reference to the Storage and
// counts one export. It never references the tensor, so t.set_(...) or
// t.resize_(...) can never free bytes an array still reads.
//
// Built against NumPy >= 2 headers with NPY_TARGET_VERSION set to 1.22, so
// one binary imports under NumPy 1.x and 2.x. This is the only file that
// includes the NumPy headers.
#define NPY_NO_DEPRECATED_API NPY_1_22_API_VERSION
#define NPY_TARGET_VERSION NPY_1_22_API_VERSION
#include <numpy/arrayobject.h>
#include <numpy/arrayscalars.h>

#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "glue.h"

#if PY_VERSION_HEX >= 0x030D0000
#define MT_IS_FINALIZING() Py_IsFinalizing()
#else
#define MT_IS_FINALIZING() _Py_IsFinalizing()
#endif

namespace mt::py_glue {

namespace {

// NumPy type number and PEP 3118 format for each dtype, derived from the
// kind/itemsize columns of MT_FORALL_DTYPES (-1 / null: no NumPy equivalent).
int g_typenum[kNumDTypes];
const char* g_format[kNumDTypes];

int typenum_for(char kind, int size) {
  switch (kind) {
    case 'b':
      return NPY_BOOL;
    case 'u':
      return size == 1 ? NPY_UINT8 : size == 2 ? NPY_UINT16 : size == 4 ? NPY_UINT32 : NPY_UINT64;
    case 'i':
      return size == 1 ? NPY_INT8 : size == 2 ? NPY_INT16 : size == 4 ? NPY_INT32 : NPY_INT64;
    case 'f':
      return size == 2 ? NPY_HALF : size == 4 ? NPY_FLOAT32 : NPY_FLOAT64;
    default:
      return -1;
  }
}
const char* format_for(char kind, int size) {
  switch (kind) {
    case 'b':
      return "?";
    case 'u':
      return size == 1 ? "B" : size == 2 ? "H" : size == 4 ? "I" : "Q";
    case 'i':
      return size == 1 ? "b" : size == 2 ? "h" : size == 4 ? "i" : "q";
    case 'f':
      return size == 2 ? "e" : size == 4 ? "f" : "d";
    default:
      return nullptr;
  }
}

// Note [bfloat16 arrays]
// NumPy has no bfloat16, but ml_dtypes registers one (a user-defined NumPy
// type, kind 'V', 2 bytes). When ml_dtypes is importable, bfloat16 tensors
// export as zero-copy ml_dtypes.bfloat16 arrays and such arrays import as
// bfloat16 tensors; without it .numpy() keeps PyTorch's TypeError and says
// that installing ml_dtypes enables it. ml_dtypes is imported on first need
// only (never at `import minitorch`); a failed import is retried next time.
// Tests switch the bridge off (_C._disable_ml_dtypes) to check the
// behaviour without ml_dtypes in the same process.
int g_bf16_typenum = -1;
bool g_bf16_disabled = false;

int bf16_typenum() {
  if (g_bf16_disabled) return -1;
  if (g_bf16_typenum >= 0) return g_bf16_typenum;
  PyObject *type, *value, *tb;  // keep an error in flight out of the way
  PyErr_Fetch(&type, &value, &tb);
  py::Ref mod = py::Ref::steal(PyImport_ImportModule("ml_dtypes"));
  py::Ref ty = mod ? py::Ref::steal(PyObject_GetAttrString(mod.get(), "bfloat16")) : py::Ref();
  PyArray_Descr* d = nullptr;
  if (ty && PyArray_DescrConverter(ty.get(), &d) == NPY_SUCCEED && d) {
    py::Ref hold = py::Ref::steal(reinterpret_cast<PyObject*>(d));
    if (d->kind == 'V' && PyDataType_ELSIZE(d) == 2) g_bf16_typenum = d->type_num;
  }
  PyErr_Clear();
  PyErr_Restore(type, value, tb);
  return g_bf16_typenum;
}

// NumPy type number of a dtype; -1 when NumPy cannot hold it.
int typenum_of(DType dt) {
  return dt == DType::BFloat16 ? bf16_typenum() : g_typenum[static_cast<int>(dt)];
}

// NumPy dtype -> DType, matched by kind and item size (so np.longlong,
// np.intc and friends map on every platform); nullopt if unsupported.
std::optional<DType> dtype_from_descr(PyArray_Descr* d) {
  for (int i = 0; i < kNumDTypes; ++i) {
    const DTypeInfo& in = kDTypeInfo[i];
    if (in.numpy_kind == d->kind && in.itemsize == PyDataType_ELSIZE(d))
      return static_cast<DType>(i);
  }
  // A user-defined type can only be ml_dtypes.bfloat16 if ml_dtypes is loaded.
  if (d->type_num >= NPY_USERDEF && d->kind == 'V' && PyDataType_ELSIZE(d) == 2 &&
      d->type_num == bf16_typenum())
    return DType::BFloat16;
  return std::nullopt;
}

[[noreturn]] void unsupported_dtype(PyArray_Descr* d) {
  PyErr_Format(PyExc_TypeError,
               "can't convert np.ndarray of type %s. The only supported types are: float64, "
               "float32, float16, int64, int32, int16, int8, uint8, and bool.",
               d->typeobj->tp_name);
  throw py::PythonError{};
}

// ---- _StorageExport: the owner object behind exported arrays and buffers ----
struct PyStorageExport {
  PyObject_HEAD Storage* storage;  // owned reference; one export counted
  Py_ssize_t* shape_strides;       // buffer protocol only: shape then strides
  char format[2];
};
PyTypeObject* StorageExportType = nullptr;

void StorageExport_dealloc(PyObject* self) {
  auto* e = reinterpret_cast<PyStorageExport*>(self);
  PyTypeObject* tp = Py_TYPE(self);
  delete[] e->shape_strides;
  if (e->storage) {
    e->storage->remove_export();
    e->storage->decref();
  }
  tp->tp_free(self);
  Py_DECREF(tp);
}

// New exporter owning a reference to s (and counting one export).
py::Ref new_export(const Ptr<Storage>& s) {
  py::Ref o = py::check(StorageExportType->tp_alloc(StorageExportType, 0));
  auto* e = reinterpret_cast<PyStorageExport*>(o.get());
  s->incref();
  s->add_export();
  e->storage = s.get();
  e->shape_strides = nullptr;
  return o;
}

// ---- deferred release of Python owners (Note [Threads]) ----
std::mutex g_pending_mu;
std::vector<PyObject*> g_pending;

int drain_pending(void*) {
  std::vector<PyObject*> todo;
  {
    std::lock_guard<std::mutex> lk(g_pending_mu);
    todo.swap(g_pending);
  }
  for (PyObject* o : todo) Py_DECREF(o);
  return 0;
}

}  // namespace

bool disable_ml_dtypes(bool off) { return std::exchange(g_bf16_disabled, off); }

void release_pyobject(void* ctx, void*) {
  PyObject* o = static_cast<PyObject*>(ctx);
  // At interpreter shutdown the object may already be gone with its
  // interpreter; leaking is the only safe choice.
  if (MT_IS_FINALIZING()) return;
  if (PyGILState_Check()) {
    Py_DECREF(o);
    return;
  }
  // A thread without the GIL (a kernel worker, a foreign thread): taking the
  // GIL here could deadlock against a thread that holds it while waiting for
  // us, so hand the reference to the interpreter's pending-call queue.
  {
    std::lock_guard<std::mutex> lk(g_pending_mu);
    g_pending.push_back(o);
  }
  Py_AddPendingCall(drain_pending, nullptr);
}

bool import_numpy_api() {
  if (PyArray_ImportNumPyAPI() < 0) return false;
  for (int i = 0; i < kNumDTypes; ++i) {
    g_typenum[i] = typenum_for(kDTypeInfo[i].numpy_kind, kDTypeInfo[i].itemsize);
    g_format[i] = format_for(kDTypeInfo[i].numpy_kind, kDTypeInfo[i].itemsize);
  }
  return true;
}

// The exporter's own buffer: all bytes of its storage, flat unsigned bytes,
// read-only when the storage is. Serves __array_interface__'s `data`.
static int StorageExport_getbuffer(PyObject* self, Py_buffer* view, int flags) {
  Storage* s = reinterpret_cast<PyStorageExport*>(self)->storage;
  if (!s->device().is_cpu()) {
    PyErr_SetString(PyExc_BufferError, "can't export device memory through the buffer protocol");
    view->obj = nullptr;
    return -1;
  }
  return PyBuffer_FillInfo(view, self, s->data(), s->nbytes(), s->read_only() ? 1 : 0, flags);
}

bool init_storage_export_type(PyObject* module) {
  PyType_Slot slots[] = {
      {Py_tp_dealloc, reinterpret_cast<void*>(StorageExport_dealloc)},
      {Py_bf_getbuffer, reinterpret_cast<void*>(StorageExport_getbuffer)},
      {Py_tp_doc, const_cast<char*>("Keeps a tensor's storage alive for an exported array or "
                                    "buffer. See Note [Storage export].")},
      {0, nullptr},
  };
  PyType_Spec spec = {"minitorch._C._StorageExport", sizeof(PyStorageExport), 0, Py_TPFLAGS_DEFAULT,
                      slots};
  PyObject* t = PyType_FromModuleAndSpec(module, &spec, nullptr);
  if (!t) return false;
  StorageExportType = reinterpret_cast<PyTypeObject*>(t);
  return PyModule_AddObjectRef(module, "_StorageExport", t) == 0;
}

bool is_ndarray(PyObject* o) { return PyArray_Check(o); }
bool is_numpy_scalar(PyObject* o) { return PyArray_IsScalar(o, Generic); }

bool numpy_scalar_to_scalar(PyObject* o, Scalar* out) {
  if (PyArray_IsScalar(o, Bool)) {
    *out = Scalar::from_bool(PyArrayScalar_VAL(o, Bool) != 0);
    return true;
  }
  if (PyArray_IsScalar(o, Integer)) {
    py::Ref i = py::check(PyNumber_Index(o));
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(i.get(), &overflow);
    if (overflow) {
      PyErr_SetString(PyExc_RuntimeError, "Overflow when unpacking long");
      throw py::PythonError{};
    }
    *out = Scalar::from_int(v);
    return true;
  }
  if (PyArray_IsScalar(o, Floating)) {
    double v = PyFloat_AsDouble(o);
    if (v == -1.0 && PyErr_Occurred()) throw py::PythonError{};
    *out = Scalar::from_double(v);
    return true;
  }
  return false;
}

// The dtype a NumPy scalar or 0-d array carries, if minitorch has it.
std::optional<DType> numpy_scalar_dtype(PyObject* o) {
  PyArray_Descr* d = PyArray_DescrFromScalar(o);
  if (!d) throw py::PythonError{};
  py::Ref hold = py::Ref::steal(reinterpret_cast<PyObject*>(d));
  return dtype_from_descr(d);
}

PyObject* tensor_to_numpy(const Tensor& t0, bool force) {
  Tensor t = t0;
  if (force) {
    if (!t->device().is_cpu()) t = ag::to(t, t->dtype(), Device{}, false);
  } else {
    MT_CHECK_KIND(TypeError, t->device().is_cpu(), "can't convert ", t->device().str(),
                  " device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host "
                  "memory first.");
    MT_CHECK(!(t->requires_grad() && ag::grad_enabled()),
             "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
             "instead.");
  }
  int typenum = typenum_of(t->dtype());
  MT_CHECK_KIND(TypeError, typenum >= 0, "Got unsupported ScalarType ", info(t->dtype()).torch_name,
                ": NumPy has no bfloat16. Install ml_dtypes (pip install ml_dtypes) to get "
                "zero-copy ml_dtypes.bfloat16 arrays, or convert first, e.g. "
                "tensor.float().numpy()");
  int nd = static_cast<int>(t->dim());
  MT_CHECK_KIND(ValueError, nd <= NPY_MAXDIMS, "numpy(): number of dimensions must be within [0, ",
                NPY_MAXDIMS, "], got ", nd);
  npy_intp dims[NPY_MAXDIMS], strides[NPY_MAXDIMS];
  for (int i = 0; i < nd; ++i) {
    dims[i] = t->sizes()[i];
    strides[i] = byte_stride(t.get(), i);
  }
  int flags = t->storage()->read_only() ? 0 : NPY_ARRAY_WRITEABLE;
  py::Ref base = new_export(t->storage());
  py::Ref arr = py::check(
      PyArray_New(&PyArray_Type, nd, dims, typenum, strides, t->data(), 0, flags, nullptr));
  if (PyArray_SetBaseObject(reinterpret_cast<PyArrayObject*>(arr.get()), base.release()) < 0)
    throw py::PythonError{};
  return arr.release();
}

Tensor tensor_from_numpy(PyObject* obj, bool warn_readonly) {
  (void)warn_readonly;
  if (!PyArray_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "expected np.ndarray (got %s)", Py_TYPE(obj)->tp_name);
    throw py::PythonError{};
  }
  auto* a = reinterpret_cast<PyArrayObject*>(obj);
  PyArray_Descr* descr = PyArray_DESCR(a);
  std::optional<DType> dt = dtype_from_descr(descr);
  if (!dt) unsupported_dtype(descr);
  MT_CHECK_KIND(ValueError, PyArray_ISNBO(descr->byteorder),
                "given numpy array has byte order different from the native byte order. "
                "Conversion between byte orders is currently not supported; use "
                "array.astype(array.dtype.newbyteorder('=')) first.");
  const int nd = PyArray_NDIM(a);
  const int64_t isz = itemsize_of(*dt);
  const npy_intp* shape = PyArray_DIMS(a);
  const npy_intp* bstrides = PyArray_STRIDES(a);
  Dims sizes(nd), strides(nd);
  int64_t numel = 1;
  for (int i = 0; i < nd; ++i) numel *= shape[i];
  Dims cstrides;
  for (int i = 0; i < nd; ++i) sizes[i] = shape[i];
  if (numel == 0) {
    strides = contiguous_strides(sizes);  // no element is reachable; any strides do
  } else {
    for (int i = 0; i < nd; ++i) {
      if (shape[i] == 1) {  // the stride of a size-1 dim is never used
        strides[i] = 0;
        continue;
      }
      MT_CHECK_KIND(ValueError, bstrides[i] % isz == 0,
                    "given numpy array strides not a multiple of the element byte size. Copy the "
                    "numpy array to reallocate the memory.");
      strides[i] = bstrides[i] / isz;
    }
  }
  char* data = static_cast<char*>(PyArray_DATA(a));
  MT_CHECK_KIND(ValueError,
                numel == 0 || reinterpret_cast<uintptr_t>(data) % static_cast<uintptr_t>(isz) == 0,
                "given numpy array is not aligned to its element size (", isz,
                " bytes), so it cannot be shared. Copy it first, e.g. np.ascontiguousarray(a) "
                "or a.copy().");
  if (numel > 0 && nd > 0) {
    // size-1 dims: give them a harmless contiguous-looking stride
    Dims cs = contiguous_strides(sizes);
    for (int i = 0; i < nd; ++i)
      if (shape[i] == 1) strides[i] = cs[i];
  }
  int64_t lo = 0, hi = 0;
  reachable_range(sizes, strides, &lo, &hi);
  char* base = data + lo * isz;
  int64_t nbytes = numel == 0 ? 0 : (hi - lo + 1) * isz;
  Py_INCREF(obj);  // owned by the storage from here on; released by release_pyobject
  Ptr<Storage> storage = Storage::borrow(base, nbytes, Device{}, release_pyobject, obj);
  storage->set_read_only(!PyArray_ISWRITEABLE(a));
  return make<TensorImpl>(std::move(storage), std::move(sizes), std::move(strides), -lo, *dt);
}

// The array as a tensor: a zero-copy view when from_numpy can share it,
// otherwise (non-native byte order, odd strides, misaligned data) a native,
// aligned copy. Used by tensor(ndarray) and by ndarrays nested in lists,
// which copy anyway. Unsupported dtypes raise from_numpy's TypeError.
Tensor numpy_readable(PyObject* obj) {
  try {
    return tensor_from_numpy(obj, false);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::ValueError) throw;
  }
  auto* a = reinterpret_cast<PyArrayObject*>(obj);
  std::optional<DType> dt = dtype_from_descr(PyArray_DESCR(a));
  if (!dt) unsupported_dtype(PyArray_DESCR(a));
  PyArray_Descr* native = PyArray_DescrFromType(typenum_of(*dt));
  if (!native) throw py::PythonError{};
  // PyArray_FromArray steals the descr reference
  py::Ref c = py::check(PyArray_FromArray(a, native, NPY_ARRAY_C_CONTIGUOUS | NPY_ARRAY_ALIGNED));
  return tensor_from_numpy(c.get(), false);
}

// The minitorch dtype of an ndarray (from_numpy's TypeError if it has none).
DType ndarray_dtype(PyObject* obj) {
  PyArray_Descr* d = PyArray_DESCR(reinterpret_cast<PyArrayObject*>(obj));
  std::optional<DType> dt = dtype_from_descr(d);
  if (!dt) unsupported_dtype(d);
  return *dt;
}

// Appends an ndarray's shape to `out`.
void ndarray_shape(PyObject* obj, Dims& out) {
  auto* a = reinterpret_cast<PyArrayObject*>(obj);
  for (int i = 0; i < PyArray_NDIM(a); ++i) out.push_back(PyArray_DIMS(a)[i]);
}

// __array_interface__ (version 3). `data` is a _StorageExport, which
// exposes the storage's bytes through the buffer protocol; NumPy keeps that
// object as the new array's base, so the array holds the Storage and counts
// as an export (Note [Storage export]) for as long as it lives. A raw
// (pointer, readonly) pair would leave the array pointing into bytes that
// t.set_()/t.resize_() could free.
PyObject* array_interface(PyObject* self) {
  Tensor t(impl_of(self));
  MT_CHECK_KIND(TypeError, t->device().is_cpu(), "can't convert ", t->device().str(),
                " device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host "
                "memory first.");
  MT_CHECK(!(t->requires_grad() && ag::grad_enabled()),
           "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
           "instead.");
  const DTypeInfo& in = info(t->dtype());
  if (t->dtype() == DType::BFloat16 && bf16_typenum() >= 0) {
    // A typestr cannot name ml_dtypes.bfloat16: "no interface" sends NumPy on
    // to __array__, which returns .numpy() (Note [bfloat16 arrays]).
    PyErr_SetString(PyExc_AttributeError, "bfloat16 tensors have no __array_interface__");
    throw py::PythonError{};
  }
  MT_CHECK_KIND(TypeError, g_typenum[static_cast<int>(t->dtype())] >= 0,
                "Got unsupported ScalarType ", in.torch_name,
                ": NumPy has no bfloat16. Convert first, e.g. tensor.float().numpy()");
  const int64_t isz = t->itemsize();
  const bool little = NPY_BYTE_ORDER == NPY_LITTLE_ENDIAN;
  std::string typestr;
  typestr += isz == 1 ? '|' : (little ? '<' : '>');
  typestr += in.numpy_kind;
  typestr += std::to_string(isz);
  py::Ref shape = py::check(sizes_to_tuple(t->sizes()));
  py::Ref strides;
  if (t->is_contiguous()) {
    strides = py::Ref::incref(Py_None);
  } else {
    Dims bs(t->dim());
    for (int64_t i = 0; i < t->dim(); ++i) bs[i] = t->strides()[i] * isz;
    strides = py::check(sizes_to_tuple(bs));
  }
  py::Ref data = new_export(t->storage());
  py::Ref offset = py::check(PyLong_FromLongLong(t->offset() * isz));
  py::Ref ts = py::check(PyUnicode_FromString(typestr.c_str()));
  py::Ref version = py::check(PyLong_FromLong(3));
  py::Ref d = py::check(PyDict_New());
  if (PyDict_SetItemString(d.get(), "shape", shape.get()) < 0 ||
      PyDict_SetItemString(d.get(), "typestr", ts.get()) < 0 ||
      PyDict_SetItemString(d.get(), "data", data.get()) < 0 ||
      PyDict_SetItemString(d.get(), "offset", offset.get()) < 0 ||
      PyDict_SetItemString(d.get(), "strides", strides.get()) < 0 ||
      PyDict_SetItemString(d.get(), "version", version.get()) < 0)
    throw py::PythonError{};
  return d.release();
}

// ---- buffer protocol ----
namespace {
int Tensor_getbuffer(PyObject* self, Py_buffer* view, int flags) {
  MT_BEGIN
  TensorImpl* t = impl_of(self);
  if (!t->device().is_cpu()) {
    PyErr_SetString(PyExc_BufferError, "can't export a CUDA tensor through the buffer protocol");
    return -1;
  }
  if (t->requires_grad() && ag::grad_enabled()) {
    PyErr_SetString(PyExc_BufferError, "can't export a tensor that requires grad; use .detach()");
    return -1;
  }
  const char* fmt = g_format[static_cast<int>(t->dtype())];
  if (!fmt) {
    PyErr_SetString(PyExc_BufferError, "bfloat16 has no buffer-protocol format; use .float()");
    return -1;
  }
  bool ro = t->storage()->read_only();
  if ((flags & PyBUF_WRITABLE) && ro) {
    PyErr_SetString(PyExc_BufferError, "tensor is read-only");
    return -1;
  }
  int nd = static_cast<int>(t->dim());
  // A consumer that asks for C, Fortran or any contiguity reads the bytes
  // without looking at strides, so a strided view must be refused, not served.
  const bool c_contig = t->is_contiguous();
  bool f_contig = t->numel() <= 1;
  if (!f_contig) {
    f_contig = true;
    int64_t expected = 1;
    for (int i = 0; i < nd; ++i) {
      if (t->sizes()[i] != 1 && t->strides()[i] != expected) f_contig = false;
      expected *= t->sizes()[i];
    }
  }
  const bool want_c = (flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS;
  const bool want_f = (flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS;
  const bool want_any = (flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS;
  const bool strided = (flags & PyBUF_STRIDES) == PyBUF_STRIDES;
  if ((!strided && !c_contig) || (want_c && !c_contig) || (want_f && !f_contig) ||
      (want_any && !c_contig && !f_contig)) {
    PyErr_SetString(PyExc_BufferError,
                    want_f ? "tensor is not Fortran contiguous"
                           : "tensor is not contiguous; request strides or call .contiguous()");
    return -1;
  }
  py::Ref owner = new_export(t->storage());
  auto* e = reinterpret_cast<PyStorageExport*>(owner.get());
  e->shape_strides = new Py_ssize_t[2 * nd + 1];
  for (int i = 0; i < nd; ++i) {
    e->shape_strides[i] = t->sizes()[i];
    e->shape_strides[nd + i] = byte_stride(t, i);
  }
  e->format[0] = fmt[0];
  e->format[1] = 0;
  view->buf = t->data();
  view->obj = owner.release();
  view->len = t->numel() * t->itemsize();
  view->itemsize = t->itemsize();
  view->readonly = ro;
  view->ndim = nd;
  view->format = (flags & PyBUF_FORMAT) ? e->format : nullptr;
  view->shape = (flags & PyBUF_ND) == PyBUF_ND ? e->shape_strides : nullptr;
  view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? e->shape_strides + nd : nullptr;
  view->suboffsets = nullptr;
  view->internal = nullptr;
  return 0;
  MT_END(-1)
}
}  // namespace

PyBufferProcs tensor_as_buffer = {Tensor_getbuffer, nullptr};

}  // namespace mt::py_glue
