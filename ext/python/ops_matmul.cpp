// ops_matmul.cpp: the parts of the matmul family's glue that are not op-table
// rows (those are in ext/autograd/table_matmul.cpp): tensordot and _einsum,
// whose arguments no signature describes, the @ operator, and the
// registration of NumPy's BLAS as the CPU GEMM provider.
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

#include "../core/parallel.h"
#include "glue.h"

namespace mt::py_glue {

namespace {

using Args = PyObject* const*;

Tensor tensor_or_null(PyObject* o, const char* what) {
  if (!o || o == Py_None) return Tensor();
  return unwrap(o, what);
}

// tensordot(a, b, dims=2, out=None): dims an int, a pair of int lists, or a
// one-element tensor.
PyObject* F_tensordot(PyObject*, Args args, Py_ssize_t nargs, PyObject* kw) {
  MT_BEGIN
  static const char* names[] = {"a", "b", "dims", "out", nullptr};
  PyObject* a[4];
  parse_args({"tensordot", names, 3, 2}, args, nargs, kw, a);
  Tensor x = unwrap(a[0], "argument 'a'"), y = unwrap(a[1], "argument 'b'");
  PyObject* dims = a[2];
  // out=: Note [Out planning] (ext/ops/out_plan.h), in ops::tensordot.
  Tensor out = tensor_or_null(a[3], "argument 'out'");
  return wrap([&] {
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
  }());
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

// Note [BLAS threads]
// OpenBLAS splits every GEMM above about 2^18 multiply-adds across its own
// threads, which spin while they wait. For the mid-sized GEMMs of an RNN time
// loop (16x256 @ 256x1024: 2^22) that costs more than it gains even on an idle
// machine, and on a loaded one the spinning threads steal the cores: LSTM(128,
// 256) over 32 steps took 2.2 s with OpenBLAS's 2 threads against 0.1 s with
// one (docs/performance.md). So each call below kBlasSerialWork multiply-adds
// runs on one thread, and larger calls on at most minitorch.get_num_threads()
// (as PyTorch's set_num_threads governs its BLAS): the adapter lowers
// OpenBLAS's thread count for the call and restores it after (about 0.5 us,
// only for calls OpenBLAS would split), so NumPy, which shares the library,
// keeps its own setting. OpenBLAS's count is process-wide: a concurrent call
// from another thread may run on fewer threads meanwhile, never with other
// values (OpenBLAS splits a GEMM by rows and columns of C, never along k, so
// the result does not depend on its thread count).
constexpr int64_t kBlasSerialWork = int64_t(1) << 23;
constexpr int64_t kBlasSplitWork = int64_t(1) << 18;  // OpenBLAS's own serial limit

using SetThreadsFn = void (*)(int);
using GetThreadsFn = int (*)();
SetThreadsFn g_set_threads = nullptr;
GetThreadsFn g_get_threads = nullptr;

// The thread count a GEMM of `work` multiply-adds should run on.
int blas_threads_for(int64_t work) { return work < kBlasSerialWork ? 1 : mt::num_threads(); }

template <typename T, typename I>
void cblas_gemm(void* fn, bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
                int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  using Fn = void (*)(int, int, int, I, I, I, T, const T*, I, const T*, I, T, T*, I);
  auto call = [&] {
    reinterpret_cast<Fn>(fn)(kRowMajor, ta ? kTrans : kNoTrans, tb ? kTrans : kNoTrans,
                             static_cast<I>(m), static_cast<I>(n), static_cast<I>(k), alpha, a,
                             static_cast<I>(lda), b, static_cast<I>(ldb), beta, c,
                             static_cast<I>(ldc));
  };
  const int64_t work = m * n * k;
  if (!g_set_threads || work <= kBlasSplitWork) return call();
  const int prev = g_get_threads(), want = blas_threads_for(work);
  if (want >= prev) return call();
  g_set_threads(want);
  call();  // a C function: nothing to unwind past the restore
  g_set_threads(prev);
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
  const char *s, *d, *config, *set_threads, *get_threads;
  bool ilp64;
};
constexpr Names kNames[] = {
    {"scipy_cblas_sgemm64_", "scipy_cblas_dgemm64_", "scipy_openblas_get_config64_",
     "scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_", true},
    {"cblas_sgemm64_", "cblas_dgemm64_", "openblas_get_config64_", "openblas_set_num_threads64_",
     "openblas_get_num_threads64_", true},
    {"scipy_cblas_sgemm", "scipy_cblas_dgemm", "scipy_openblas_get_config",
     "scipy_openblas_set_num_threads", "scipy_openblas_get_num_threads", false},
    {"cblas_sgemm", "cblas_dgemm", "openblas_get_config", "openblas_set_num_threads",
     "openblas_get_num_threads", false},
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
    // Note [BLAS threads]: both or neither (a BLAS without them keeps its own policy).
    void* st = dlsym(h, nm.set_threads);
    void* gt = dlsym(h, nm.get_threads);
    if (st && gt) {
      g_set_threads = reinterpret_cast<SetThreadsFn>(st);
      g_get_threads = reinterpret_cast<GetThreadsFn>(gt);
    }
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
    FAST("tensordot", F_tensordot),
    {"_einsum", F_einsum, METH_VARARGS, nullptr},
    {"_blas_init", F_blas_init, METH_NOARGS, nullptr},
    {"_blas_info", F_blas_info, METH_NOARGS, nullptr},
    {"_set_blas_enabled", F_set_blas_enabled, METH_O, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace mt::py_glue
