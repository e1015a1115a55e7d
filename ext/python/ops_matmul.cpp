// ops_matmul.cpp: Python bindings of the matmul family (module functions,
// Tensor methods, the @ operator) and the registration of NumPy's BLAS as the
// CPU GEMM provider.
//
// Note [NumPy's BLAS]
// NumPy's wheels ship OpenBLAS as a shared library next to the package
// (numpy.libs/libscipy_openblas64_-<hash>.so) with its CBLAS symbols renamed
// (scipy_cblas_sgemm64_: 64-bit integers). Importing NumPy loads it, so
// _blas_init() (called once by minitorch/_ops_matmul.py at import) finds the
// loaded library among the process's shared objects, preferring one under
// NumPy's directory, and looks its sgemm/dgemm up with dlsym. The CPU kernel
// calls them directly: no NumPy array, no Python call, no GIL on the hot path.
// Other builds of NumPy (a system BLAS, MKL, 32-bit integer OpenBLAS) export
// other names, tried in order; where none is found (or off Linux/macOS),
// float matmul falls back to minitorch's own blocked kernel. docs/design.md
// "CPU matmul" compares this with calling NumPy through its C API and with
// linking a BLAS at build time.
#include <cstring>
#include <string>
#include <vector>

#if defined(__linux__) || defined(__APPLE__)
#include <dlfcn.h>
#endif
#if defined(__linux__)
#include <link.h>
#endif

#include "glue.h"

namespace mt::py_glue {

namespace {

using Args = PyObject* const*;

// ---------------------------------------------------------------------------
// Arguments

Tensor tensor_or_null(PyObject* o, const char* what) {
  if (!o || o == Py_None) return Tensor();
  return unwrap(o, what);
}

Scalar scalar_or(PyObject* o, const char* what, int64_t dflt) {
  return o ? scalar_arg(o, what) : Scalar::from_int(dflt);
}

// Runs f(out) and returns its result; warns as PyTorch does when an out= that
// had elements was resized to a different shape.
template <typename F>
PyObject* with_out(PyObject* out_obj, F&& f) {
  Tensor out = tensor_or_null(out_obj, "argument 'out'");
  Dims before = out ? out->sizes() : Dims{};
  int64_t had = out ? out->numel() : 0;
  Tensor r = f(out);
  if (out && had != 0 && out->sizes() != before) {
    std::ostringstream msg;
    msg << "An output with one or more elements was resized since it had shape " << before
        << ", which does not match the required output shape " << out->sizes()
        << ". Resizing outputs that have elements is deprecated; resize it to zero elements "
           "first with t.resize_(0) to reuse it.";
    if (PyErr_WarnEx(PyExc_UserWarning, msg.str().c_str(), 1) < 0) throw py::PythonError{};
  }
  return wrap(std::move(r));
}

using BinOp = Tensor (*)(const Tensor&, const Tensor&, const Tensor&);

// f(input, other, *, out=None) as a module function.
PyObject* binary_fn(const char* fname, const char* a1, const char* a2, BinOp f, Args args,
                    Py_ssize_t nargs, PyObject* kw) {
  const char* names[] = {a1, a2, "out", nullptr};
  PyObject* a[3];
  parse_args({fname, names, 2, 2}, args, nargs, kw, a);
  Tensor x = unwrap(a[0], "argument 'input'");
  Tensor y = unwrap(a[1], "argument 'other'");
  return with_out(a[2], [&](const Tensor& out) { return f(x, y, out); });
}

// self.f(other) as a Tensor method.
PyObject* binary_method(const char* fname, const char* a2, BinOp f, PyObject* self, Args args,
                        Py_ssize_t nargs, PyObject* kw) {
  const char* names[] = {a2, nullptr};
  PyObject* a[1];
  parse_args({fname, names, 1, 1}, args, nargs, kw, a);
  return wrap(f(Tensor(impl_of(self)), unwrap(a[0], "argument 'other'"), Tensor()));
}

Tensor matmul_(const Tensor& a, const Tensor& b, const Tensor& o) { return ag::matmul(a, b, o); }
Tensor mm_(const Tensor& a, const Tensor& b, const Tensor& o) { return ag::mm(a, b, o); }
Tensor bmm_(const Tensor& a, const Tensor& b, const Tensor& o) { return ag::bmm(a, b, o); }
Tensor mv_(const Tensor& a, const Tensor& b, const Tensor& o) { return ag::mv(a, b, o); }
Tensor dot_(const Tensor& a, const Tensor& b, const Tensor& o) { return ag::dot(a, b, o); }
Tensor vdot_(const Tensor& a, const Tensor& b, const Tensor& o) { return ag::vdot(a, b, o); }
Tensor inner_(const Tensor& a, const Tensor& b, const Tensor& o) { return ag::inner(a, b, o); }
Tensor outer_(const Tensor& a, const Tensor& b, const Tensor& o) { return ag::outer(a, b, o); }

#define MT_BINARY(NAME, FN, A2)                                                   \
  PyObject* F_##NAME(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {      \
    MT_BEGIN                                                                      \
    return binary_fn(#NAME, "input", A2, FN, args, nargs, kw);                    \
    MT_END(nullptr)                                                               \
  }                                                                               \
  PyObject* T_##NAME(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) { \
    MT_BEGIN                                                                      \
    return binary_method(#NAME, A2, FN, self, args, nargs, kw);                   \
    MT_END(nullptr)                                                               \
  }

MT_BINARY(matmul, matmul_, "other")
MT_BINARY(mm, mm_, "mat2")
MT_BINARY(bmm, bmm_, "mat2")
MT_BINARY(mv, mv_, "vec")
MT_BINARY(dot, dot_, "tensor")
MT_BINARY(vdot, vdot_, "other")
MT_BINARY(inner, inner_, "other")
MT_BINARY(outer, outer_, "vec2")
MT_BINARY(ger, outer_, "vec2")
#undef MT_BINARY

// addmm / addmv / baddbmm: f(input, x, y, *, beta=1, alpha=1, out=None).
using AddOp = Tensor (*)(const Tensor&, const Tensor&, const Tensor&, Scalar, Scalar,
                         const Tensor&);
using AddOpInplace = Tensor (*)(const Tensor&, const Tensor&, const Tensor&, Scalar, Scalar);

Tensor addmm_f(const Tensor& i, const Tensor& x, const Tensor& y, Scalar b, Scalar a,
               const Tensor& o) {
  return ag::addmm(i, x, y, b, a, o);
}
Tensor addmv_f(const Tensor& i, const Tensor& x, const Tensor& y, Scalar b, Scalar a,
               const Tensor& o) {
  return ag::addmv(i, x, y, b, a, o);
}
Tensor baddbmm_f(const Tensor& i, const Tensor& x, const Tensor& y, Scalar b, Scalar a,
                 const Tensor& o) {
  return ag::baddbmm(i, x, y, b, a, o);
}
Tensor addmm_i(const Tensor& s, const Tensor& x, const Tensor& y, Scalar b, Scalar a) {
  return ag::addmm_(s, x, y, b, a);
}
Tensor addmv_i(const Tensor& s, const Tensor& x, const Tensor& y, Scalar b, Scalar a) {
  return ag::addmv_(s, x, y, b, a);
}
Tensor baddbmm_i(const Tensor& s, const Tensor& x, const Tensor& y, Scalar b, Scalar a) {
  return ag::baddbmm_(s, x, y, b, a);
}

PyObject* add_fn(const char* fname, const char* n1, const char* n2, AddOp f, Args args,
                 Py_ssize_t nargs, PyObject* kw) {
  const char* names[] = {"input", n1, n2, "beta", "alpha", "out", nullptr};
  PyObject* a[6];
  parse_args({fname, names, 3, 3}, args, nargs, kw, a);
  Tensor in = unwrap(a[0], "argument 'input'");
  Tensor x = unwrap(a[1], n1), y = unwrap(a[2], n2);
  Scalar beta = scalar_or(a[3], "argument 'beta'", 1);
  Scalar alpha = scalar_or(a[4], "argument 'alpha'", 1);
  return with_out(a[5], [&](const Tensor& out) { return f(in, x, y, beta, alpha, out); });
}

PyObject* add_method(const char* fname, const char* n1, const char* n2, AddOp f, AddOpInplace fi,
                     PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  const char* names[] = {n1, n2, "beta", "alpha", nullptr};
  PyObject* a[4];
  parse_args({fname, names, 2, 2}, args, nargs, kw, a);
  Tensor s(impl_of(self));
  Tensor x = unwrap(a[0], n1), y = unwrap(a[1], n2);
  Scalar beta = scalar_or(a[2], "argument 'beta'", 1);
  Scalar alpha = scalar_or(a[3], "argument 'alpha'", 1);
  if (fi) {
    fi(s, x, y, beta, alpha);
    return Py_NewRef(self);
  }
  return wrap(f(s, x, y, beta, alpha, Tensor()));
}

#define MT_ADD(NAME, N1, N2)                                                         \
  PyObject* F_##NAME(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {         \
    MT_BEGIN                                                                         \
    return add_fn(#NAME, N1, N2, NAME##_f, args, nargs, kw);                         \
    MT_END(nullptr)                                                                  \
  }                                                                                  \
  PyObject* T_##NAME(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {    \
    MT_BEGIN                                                                         \
    return add_method(#NAME, N1, N2, NAME##_f, nullptr, self, args, nargs, kw);      \
    MT_END(nullptr)                                                                  \
  }                                                                                  \
  PyObject* T_##NAME##_(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) { \
    MT_BEGIN                                                                         \
    return add_method(#NAME "_", N1, N2, NAME##_f, NAME##_i, self, args, nargs, kw); \
    MT_END(nullptr)                                                                  \
  }

MT_ADD(addmm, "mat1", "mat2")
MT_ADD(addmv, "mat", "vec")
MT_ADD(baddbmm, "batch1", "batch2")
#undef MT_ADD

// tensordot(a, b, dims=2, out=None): dims an int, a pair of int lists, or a
// one-element tensor.
PyObject* F_tensordot(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"a", "b", "dims", "out", nullptr};
  PyObject* a[4];
  parse_args({"tensordot", names, 3, 2}, args, nargs, kw, a);
  Tensor x = unwrap(a[0], "argument 'a'"), y = unwrap(a[1], "argument 'b'");
  PyObject* dims = a[2];
  return with_out(a[3], [&](const Tensor& out) {
    if (!dims) return ag::tensordot(x, y, 2, out);
    if (is_tensor(dims) && impl_of(dims)->numel() == 1 && !is_floating(impl_of(dims)->dtype()))
      return ag::tensordot(x, y, ops::item(Tensor(impl_of(dims))).to_int(), out);
    if (PyLong_Check(dims) && !PyBool_Check(dims))
      return ag::tensordot(x, y, int_arg(dims, "dims"), out);
    if ((PyTuple_Check(dims) || PyList_Check(dims)) && PySequence_Size(dims) == 2) {
      py::Ref d0 = py::check(PySequence_GetItem(dims, 0));
      py::Ref d1 = py::check(PySequence_GetItem(dims, 1));
      auto as_list = [](PyObject* o) {
        if (PyLong_Check(o)) return Dims{int_arg(o, "dims")};
        return int_list_arg(o, "dims");
      };
      return ag::tensordot(x, y, as_list(d0.get()), as_list(d1.get()), out);
    }
    py::Ref r = py::check(PyObject_Repr(dims));
    MT_THROW(RuntimeError,
             "tensordot expects dims to be int or tuple[list[int], list[int]] or "
             "list[list[int]] containing two lists, but got dims=",
             PyUnicode_AsUTF8(r.get()));
  });
  MT_END(nullptr)
}

// _einsum(equation, operands): the C part of minitorch.einsum (the Python
// wrapper accepts the operands as varargs or one list, and the sublist form).
PyObject* F_einsum(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *eq, *seq;
  if (!PyArg_ParseTuple(args, "UO:_einsum", &eq, &seq)) return nullptr;
  py::Ref fast = py::check(PySequence_Fast(seq, "einsum(): operands must be a sequence"));
  std::vector<Tensor> ops;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(fast.get());
  for (Py_ssize_t i = 0; i < n; ++i)
    ops.push_back(unwrap(PySequence_Fast_GET_ITEM(fast.get(), i), "einsum(): operand"));
  const char* s = PyUnicode_AsUTF8(eq);
  if (!s) return nullptr;
  return wrap(ag::einsum(s, ops));
  MT_END(nullptr)
}

// ---------------------------------------------------------------------------
// The @ operator

// An operand of @: a Tensor, or an ndarray viewed zero-copy (mixing with NumPy
// is symmetric, NUMPY_BRIDGE.md "Protocols"); anything else -> NotImplemented.
bool matmul_operand(PyObject* o, Tensor* t) {
  if (is_tensor(o)) {
    *t = Tensor(impl_of(o));
    return true;
  }
  if (is_ndarray(o)) {
    *t = tensor_from_numpy(o, false);
    return true;
  }
  return false;
}

}  // namespace

PyObject* tensor_matmul(PyObject* a, PyObject* b) {
  MT_BEGIN
  Tensor x, y;
  if (!matmul_operand(a, &x) || !matmul_operand(b, &y)) Py_RETURN_NOTIMPLEMENTED;
  return wrap(ag::matmul(x, y, Tensor()));
  MT_END(nullptr)
}

// `t @= m` rebinds t to t @ m, as in PyTorch (which has no in-place matmul:
// the result's shape may differ, and other views of t keep their values).
PyObject* tensor_inplace_matmul(PyObject* a, PyObject* b) { return tensor_matmul(a, b); }

namespace {

// ---------------------------------------------------------------------------
// Note [NumPy's BLAS]: finding and calling it.

enum { kRowMajor = 101, kNoTrans = 111, kTrans = 112 };

void* g_sgemm = nullptr;
void* g_dgemm = nullptr;
bool g_ilp64 = false;
std::string g_blas_info = "none";
bool g_blas_enabled = true;

template <typename T, typename I>
void cblas_gemm(void* fn, bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
                int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  using Fn = void (*)(int, int, int, I, I, I, T, const T*, I, const T*, I, T, T*, I);
  reinterpret_cast<Fn>(fn)(kRowMajor, ta ? kTrans : kNoTrans, tb ? kTrans : kNoTrans,
                           static_cast<I>(m), static_cast<I>(n), static_cast<I>(k), alpha, a,
                           static_cast<I>(lda), b, static_cast<I>(ldb), beta, c,
                           static_cast<I>(ldc));
}
template <typename I>
void sgemm_adapter(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                   int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  cblas_gemm<float, I>(g_sgemm, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
template <typename I>
void dgemm_adapter(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
                   int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  cblas_gemm<double, I>(g_dgemm, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void install_blas() {
  BlasGemm& blas = kernel_table(DeviceType::CPU).blas;
  if (!g_blas_enabled || !g_sgemm || !g_dgemm) {
    blas = BlasGemm{};
    return;
  }
  if (g_ilp64) {
    blas = BlasGemm{sgemm_adapter<int64_t>, dgemm_adapter<int64_t>, INT64_MAX};
  } else {
    blas = BlasGemm{sgemm_adapter<int32_t>, dgemm_adapter<int32_t>, INT32_MAX};
  }
}

#if defined(__linux__) || defined(__APPLE__)
struct Names {
  const char *s, *d, *config;
  bool ilp64;
};
constexpr Names kNames[] = {
    {"scipy_cblas_sgemm64_", "scipy_cblas_dgemm64_", "scipy_openblas_get_config64_", true},
    {"cblas_sgemm64_", "cblas_dgemm64_", "openblas_get_config64_", true},
    {"scipy_cblas_sgemm", "scipy_cblas_dgemm", "scipy_openblas_get_config", false},
    {"cblas_sgemm", "cblas_dgemm", "openblas_get_config", false},
};

// Looks the GEMM symbols up in one library handle; true when found.
bool try_handle(void* h, const std::string& where) {
  for (const Names& nm : kNames) {
    void* s = dlsym(h, nm.s);
    void* d = dlsym(h, nm.d);
    if (!s || !d) continue;
    g_sgemm = s;
    g_dgemm = d;
    g_ilp64 = nm.ilp64;
    g_blas_info = std::string(nm.s) + " from " + where;
    using ConfigFn = const char* (*)();
    if (void* cfg = dlsym(h, nm.config))
      g_blas_info += " (" + std::string(reinterpret_cast<ConfigFn>(cfg)()) + ")";
    return true;
  }
  return false;
}
#endif

#if defined(__linux__)
int collect_library(struct dl_phdr_info* info, size_t, void* data) {
  if (info->dlpi_name && info->dlpi_name[0])
    static_cast<std::vector<std::string>*>(data)->push_back(info->dlpi_name);
  return 0;
}
#endif

bool contains_ci(const std::string& s, const char* needle) {
  std::string lower;
  for (char c : s) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower.find(needle) != std::string::npos;
}

PyObject* F_blas_init(PyObject*, PyObject*) {
  MT_BEGIN
  if (g_sgemm) Py_RETURN_NONE;
#if defined(__linux__)
  std::vector<std::string> libs;
  dl_iterate_phdr(collect_library, &libs);
  // NumPy's own BLAS first (Note [NumPy's BLAS]), then any other loaded BLAS.
  for (int pass = 0; pass < 2 && !g_sgemm; ++pass)
    for (const std::string& lib : libs) {
      bool blasish = contains_ci(lib, "blas") || contains_ci(lib, "mkl");
      if (!blasish || (pass == 0) != contains_ci(lib, "numpy")) continue;
      void* h = dlopen(lib.c_str(), RTLD_LAZY | RTLD_NOLOAD);
      if (!h) continue;
      bool ok = try_handle(h, lib);
      dlclose(h);  // NOLOAD handle: the library stays loaded (NumPy holds it)
      if (ok) break;
    }
#endif
#if defined(__linux__) || defined(__APPLE__)
  if (!g_sgemm) try_handle(RTLD_DEFAULT, "the process's global symbols");
#endif
  install_blas();
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_blas_info(PyObject*, PyObject*) {
  std::string s = g_blas_enabled ? g_blas_info : "disabled (" + g_blas_info + ")";
  return PyUnicode_FromString(s.c_str());
}

// _set_blas_enabled(flag) -> previous flag. Tests use it to run float
// problems through the blocked kernel too.
PyObject* F_set_blas_enabled(PyObject*, PyObject* flag) {
  int v = PyObject_IsTrue(flag);
  if (v < 0) return nullptr;
  bool prev = g_blas_enabled;
  g_blas_enabled = v;
  install_blas();
  return PyBool_FromLong(prev);
}

#define FAST(name, fn)                                                    \
  {name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(fn)), \
   METH_FASTCALL | METH_KEYWORDS, nullptr}

}  // namespace

PyMethodDef matmul_module_functions[] = {
    FAST("matmul", F_matmul),
    FAST("mm", F_mm),
    FAST("bmm", F_bmm),
    FAST("mv", F_mv),
    FAST("dot", F_dot),
    FAST("vdot", F_vdot),
    FAST("inner", F_inner),
    FAST("outer", F_outer),
    FAST("ger", F_ger),
    FAST("addmm", F_addmm),
    FAST("addmv", F_addmv),
    FAST("baddbmm", F_baddbmm),
    FAST("tensordot", F_tensordot),
    {"_einsum", F_einsum, METH_VARARGS, nullptr},
    {"_blas_init", F_blas_init, METH_NOARGS, nullptr},
    {"_blas_info", F_blas_info, METH_NOARGS, nullptr},
    {"_set_blas_enabled", F_set_blas_enabled, METH_O, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

PyMethodDef matmul_tensor_methods[] = {
    FAST("matmul", T_matmul),     FAST("mm", T_mm),
    FAST("bmm", T_bmm),           FAST("mv", T_mv),
    FAST("dot", T_dot),           FAST("vdot", T_vdot),
    FAST("inner", T_inner),       FAST("outer", T_outer),
    FAST("ger", T_ger),           FAST("addmm", T_addmm),
    FAST("addmm_", T_addmm_),     FAST("addmv", T_addmv),
    FAST("addmv_", T_addmv_),     FAST("baddbmm", T_baddbmm),
    FAST("baddbmm_", T_baddbmm_), {nullptr, nullptr, 0, nullptr},
};

}  // namespace mt::py_glue
