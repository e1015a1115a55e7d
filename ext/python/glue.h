// glue.h: shared pieces of the CPython binding.
//
// - py::Ref, the one-owner holder for PyObject* (STYLE.md rule 3);
// - MT_BEGIN / MT_END, the one place C++ exceptions become Python ones;
// - the Tensor object layout and wrap/unwrap helpers (Note [Identity]);
// - the fast argument parser used by every METH_FASTCALL entry point.
//
// This directory is the only one that includes Python.h or NumPy headers.
#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <optional>
#include <utility>

#include "../autograd/autograd.h"

namespace py {

// A move-only owning reference. Ref::steal takes over a new reference (the
// result of a call that returns one); Ref::incref adds one to a borrowed
// reference. release() hands the reference back to the caller (to return it
// to CPython or to a function that steals it).
class Ref {
 public:
  Ref() = default;
  static Ref steal(PyObject* p) { return Ref(p); }
  static Ref incref(PyObject* p) {
    Py_XINCREF(p);
    return Ref(p);
  }
  Ref(Ref&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Ref& operator=(Ref&& o) noexcept {
    Ref tmp(std::move(o));
    std::swap(p_, tmp.p_);
    return *this;
  }
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
  ~Ref() { Py_XDECREF(p_); }

  PyObject* get() const { return p_; }
  explicit operator bool() const { return p_ != nullptr; }
  [[nodiscard]] PyObject* release() { return std::exchange(p_, nullptr); }

 private:
  explicit Ref(PyObject* p) : p_(p) {}
  PyObject* p_ = nullptr;
};

// Thrown by helpers after they set a Python error; MT_END passes it through.
struct PythonError {};

// Throws PythonError when p is null (an error is set), else steals p.
inline Ref check(PyObject* p) {
  if (!p) throw PythonError{};
  return Ref::steal(p);
}

// Sets the Python exception matching the C++ exception in flight.
void translate_exception();

}  // namespace py

// Wrap every CPython entry point's body: MT_BEGIN ... MT_END(error_value)
#define MT_BEGIN try {
#define MT_END(errval)           \
  }                              \
  catch (...) {                  \
    ::py::translate_exception(); \
    return errval;               \
  }

namespace mt::py_glue {

// The Python object for a tensor. impl holds one reference; impl->pyobj
// points back here while this object lives (Note [Identity]).
struct PyTensor {
  PyObject_HEAD TensorImpl* impl;
  PyObject* weakrefs;
};

extern PyTypeObject* TensorBaseType;  // _C.TensorBase
extern PyObject* TensorClass;         // minitorch.Tensor (Python subclass), or TensorBaseType
extern PyObject* SizeClass;           // minitorch.Size (a tuple subclass), once registered

inline bool is_tensor(PyObject* o) { return PyObject_TypeCheck(o, TensorBaseType); }
// New reference to the Python object for t (the same object while it lives).
PyObject* wrap(Tensor t);
// Borrowed impl of a Tensor object; TypeError naming `what` otherwise.
Tensor unwrap(PyObject* o, const char* what = "argument");
inline TensorImpl* impl_of(PyObject* o) { return reinterpret_cast<PyTensor*>(o)->impl; }
// Stride of dim d in bytes. Only a dim of size <= 1 can carry an element
// stride so large that stride * itemsize overflows (x[::2**62],
// as_strided): its stride is never used, so 0 stands in for it there.
inline int64_t byte_stride(const TensorImpl* t, int64_t d) {
  int64_t b;
  if (__builtin_mul_overflow(t->strides()[d], t->itemsize(), &b)) return 0;
  return b;
}

// ---- dtype and device objects (dtype_object.cpp) ----
struct PyDType {
  PyObject_HEAD DType dtype;
};
extern PyTypeObject* DTypeType;
PyObject* dtype_object(DType d);  // borrowed
inline bool is_dtype(PyObject* o) { return Py_TYPE(o) == DTypeType; }
DType default_dtype();
void set_default_dtype(DType d);
// minitorch.set_default_device: the device of factory results without device=.
Device default_device();
void set_default_device(Device d);
// Python device object for d (new reference).
PyObject* device_object(Device d);
// Parses a device argument: None (-> cpu), str, int, or minitorch.device.
Device parse_device_arg(PyObject* o);
// dtype from None (-> fallback), a minitorch dtype, or a Python type (float, int, bool).
DType parse_dtype_arg(PyObject* o, DType fallback);
std::optional<DType> parse_optional_dtype(PyObject* o);

// ---- scalars and sizes (args.cpp) ----
// Python/NumPy number -> Scalar; false if o is not a number.
bool to_scalar(PyObject* o, Scalar* out);
Scalar scalar_arg(PyObject* o, const char* what);
int64_t int_arg(PyObject* o, const char* what);
double double_arg(PyObject* o, const char* what);
bool bool_arg(PyObject* o, const char* what);
// Sizes from `*size` varargs or a single sequence argument.
Dims sizes_arg(PyObject* const* args, Py_ssize_t nargs, const char* fname);
Dims int_list_arg(PyObject* o, const char* what);
// Element `pos` of an int list (given as varargs or in a sequence): PyTorch's
// TypeError texts for a non-integer or an int beyond int64.
int64_t int_list_item(PyObject* o, const char* what, Py_ssize_t pos);
PyObject* scalar_to_py(const Scalar& s);
PyObject* sizes_to_tuple(const Dims& d);
PyObject* sizes_to_size(const Dims& d);  // a minitorch.Size (a tuple before it is registered)

// Fast keyword parser for METH_FASTCALL | METH_KEYWORDS. `names` is a
// null-terminated list; the first `npos` may be given positionally. Fills
// out[i] with borrowed references (or null when absent).
struct ArgSpec {
  const char* fname;
  const char* const* names;
  int npos;
  int nrequired;
};
void parse_args(const ArgSpec& spec, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames,
                PyObject** out);

// ---- numpy bridge (numpy_bridge.cpp) ----
bool import_numpy_api();
PyObject* tensor_to_numpy(const Tensor& t, bool force);
Tensor tensor_from_numpy(PyObject* arr, bool warn_readonly);
bool is_ndarray(PyObject* o);
bool is_numpy_scalar(PyObject* o);
// np.bool_ / np.integer / np.floating -> Scalar; false for other NumPy scalars.
bool numpy_scalar_to_scalar(PyObject* o, Scalar* out);
extern PyBufferProcs tensor_as_buffer;
PyObject* array_interface(PyObject* self);
// Switches the ml_dtypes bfloat16 bridge off (true) or on; returns the old
// setting (Note [bfloat16 arrays]).
bool disable_ml_dtypes(bool off);
// Releases a Python object owned by a Storage, from any thread (Note [Threads]).
void release_pyobject(void* ctx, void* data);

// ---- construction (tensor_new.cpp) ----
Tensor tensor_from_data(PyObject* data, std::optional<DType> dtype, Device device);

// ---- module-level tables filled in the other files ----
// Each op family's glue file (ext/python/ops_<family>.cpp) exports a
// Tensor-method table and a module-function table, each ending with a null
// entry, and lists them in method_tables.cpp. Init merges them.
struct MethodTables {
  PyMethodDef* tensor_methods;    // may be null
  PyMethodDef* module_functions;  // may be null
};
extern const MethodTables kMethodTables[];  // terminated by {nullptr, nullptr}
// Fills the op-table rows of kMethodTables (op_entries.cpp); false with a
// Python error set when a row is malformed.
bool build_op_entries();
extern PyMethodDef tensor_methods[];
extern PyGetSetDef tensor_getset[];
extern PyNumberMethods tensor_as_number;
extern PyMappingMethods tensor_as_mapping;
extern PyMethodDef module_functions[];
PyObject* tensor_getitem(PyObject* self, PyObject* index);

}  // namespace mt::py_glue
