// ops_linalg.cpp: the LAPACK routines behind minitorch.linalg.
//
// Note [NumPy's LAPACK]
// The OpenBLAS that NumPy's wheels ship (Note [NumPy's BLAS], ops_matmul.cpp)
// carries a full reference LAPACK too, its Fortran symbols renamed
// (scipy_dgesv_64_: 64-bit integers). _lapack_init() finds them the same way
// the GEMM is found: among the loaded shared objects, NumPy's first, with
// dlsym, trying the ILP64 names before the 32-bit ones. minitorch factorises
// nothing itself; where no LAPACK is found every routine raises RuntimeError.
//
// Contract of every _lapack_* entry (minitorch/linalg.py is the only caller):
// the matrices arrive as fresh, contiguous CPU tensors of shape
// (batch, cols, rows) and one float dtype; read row-major that is each
// matrix's column-major layout (Python passes A.mT copies), with leading
// dimension rows. Vectors (tau, singular values, eigenvalues) are
// (batch, k) tensors of the same dtype, pivots and ranks (batch, k) / (batch,)
// int64, and `info` an int64 (batch,) tensor that receives LAPACK's info per
// matrix: the Python side turns a non-zero info into LinAlgError with
// PyTorch's wording. Work arrays are sized by one workspace query per call
// (all matrices of a batch have one shape). LAPACK runs with the GIL released
// (Note [Threads]): only these buffers, which Python keeps alive, are touched.
#include <algorithm>
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

enum Routine {
  kGesv,
  kGetrf,
  kPotrf,
  kPotrs,
  kGeqrf,
  kOrgqr,
  kSyevd,
  kGesdd,
  kGeev,
  kGelsy,
  kGelsd,
  kGelss,
  kGels,
  kGetrs,
  kCount
};
constexpr const char* kRoutineNames[] = {"gesv",  "getrf", "potrf", "potrs", "geqrf",
                                         "orgqr", "syevd", "gesdd", "geev",  "gelsy",
                                         "gelsd", "gelss", "gels",  "getrs"};
static_assert(sizeof(kRoutineNames) / sizeof(kRoutineNames[0]) == kCount, "one name per routine");

void* g_fn[2][kCount] = {};  // [0]: s (float32), [1]: d (float64)
bool g_found = false;
bool g_ilp64 = false;
std::string g_info = "none";

// Symbol spellings, ILP64 first: {prefix, suffix, 64-bit integers}.
struct Spelling {
  const char *prefix, *suffix;
  bool ilp64;
};
constexpr Spelling kSpellings[] = {
    {"scipy_", "_64_", true}, {"", "_64_", true}, {"", "64_", true},
    {"scipy_", "_", false},   {"", "_", false},
};

#if defined(__linux__) || defined(__APPLE__)
bool try_handle(void* h, const std::string& where) {
  for (const Spelling& sp : kSpellings) {
    void* fns[2][kCount];
    bool ok = true;
    for (int t = 0; t < 2 && ok; ++t)
      for (int r = 0; r < kCount && ok; ++r) {
        std::string name = std::string(sp.prefix) + (t ? "d" : "s") + kRoutineNames[r] + sp.suffix;
        fns[t][r] = dlsym(h, name.c_str());
        ok = fns[t][r] != nullptr;
      }
    if (!ok) continue;
    std::copy(&fns[0][0], &fns[0][0] + 2 * kCount, &g_fn[0][0]);
    g_ilp64 = sp.ilp64;
    g_found = true;
    g_info = std::string(sp.prefix) + "dgesv" + sp.suffix + " from " + where;
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

bool has_ci(const std::string& s, const char* needle) {
  std::string lower;
  for (char c : s) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower.find(needle) != std::string::npos;
}

PyObject* F_lapack_init(PyObject*, PyObject*) {
  MT_BEGIN
  if (g_found) Py_RETURN_NONE;
#if defined(__linux__)
  std::vector<std::string> libs;
  dl_iterate_phdr(collect_library, &libs);
  for (int pass = 0; pass < 2 && !g_found; ++pass)
    for (const std::string& lib : libs) {
      bool lapackish = has_ci(lib, "blas") || has_ci(lib, "lapack") || has_ci(lib, "mkl");
      if (!lapackish || (pass == 0) != has_ci(lib, "numpy")) continue;
      void* h = dlopen(lib.c_str(), RTLD_LAZY | RTLD_NOLOAD);
      if (!h) continue;
      bool ok = try_handle(h, lib);
      dlclose(h);  // NOLOAD handle: NumPy keeps the library loaded
      if (ok) break;
    }
#endif
#if defined(__linux__) || defined(__APPLE__)
  if (!g_found) try_handle(RTLD_DEFAULT, "the process's global symbols");
#endif
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_lapack_info(PyObject*, PyObject*) { return PyUnicode_FromString(g_info.c_str()); }

// ---------------------------------------------------------------------------
// Buffers handed in by minitorch/linalg.py (see the contract above).

struct Buf {
  char* p = nullptr;
  int64_t batch = 0, d1 = 1, d2 = 1;  // (batch, d1, d2) or (batch, d1)
  int64_t step = 0;                   // elements per batch entry
};

Buf buf(PyObject* o, DType dtype, int ndim, const char* what) {
  Buf b;
  if (o == Py_None) return b;
  MT_CHECK_KIND(TypeError, is_tensor(o), "_lapack: ", what, " must be a Tensor");
  TensorImpl* t = impl_of(o);
  MT_CHECK(t->device().type == DeviceType::CPU && t->is_contiguous() && t->dtype() == dtype &&
               t->dim() == ndim,
           "_lapack: ", what, " must be a contiguous CPU tensor of the expected dtype and rank");
  t->prepare_write();
  b.p = t->data();
  b.batch = t->size(0);
  if (ndim >= 2) b.d1 = t->size(1);
  if (ndim >= 3) b.d2 = t->size(2);
  b.step = b.d1 * b.d2;
  return b;
}

DType float_dtype(PyObject* a) {
  MT_CHECK_KIND(TypeError, is_tensor(a), "_lapack: expected a Tensor");
  DType d = impl_of(a)->dtype();
  MT_CHECK(d == DType::Float32 || d == DType::Float64, "_lapack: expected float32 or float64");
  MT_CHECK(g_found,
           "linalg: no LAPACK was found (minitorch uses the LAPACK of the OpenBLAS that NumPy "
           "ships; this NumPy build exports none of the names tried)");
  return d;
}

template <typename T>
T* at(const Buf& b, int64_t i) {
  return b.p ? reinterpret_cast<T*>(b.p) + i * b.step : nullptr;
}
int64_t* info_at(const Buf& b, int64_t i) { return reinterpret_cast<int64_t*>(b.p) + i; }

template <typename I>
I lwork_of(double w) {
  return static_cast<I>(std::max(1.0, w));
}

// Runs body(i) for every matrix of the batch with the GIL released.
template <typename F>
void each(int64_t batch, F body) {
  Py_BEGIN_ALLOW_THREADS;
  for (int64_t i = 0; i < batch; ++i) body(i);
  Py_END_ALLOW_THREADS;
}

// Calls fn<T, I>(...) with T from the dtype and I from the library's integer width.
#define LAPACK_DISPATCH(dtype, FN, ...)                                              \
  do {                                                                               \
    if ((dtype) == DType::Float32)                                                   \
      g_ilp64 ? FN<float, int64_t>(__VA_ARGS__) : FN<float, int32_t>(__VA_ARGS__);   \
    else                                                                             \
      g_ilp64 ? FN<double, int64_t>(__VA_ARGS__) : FN<double, int32_t>(__VA_ARGS__); \
  } while (0)

template <typename T>
void* fn(Routine r) {
  return g_fn[sizeof(T) == 8 ? 1 : 0][r];
}

// ---- gesv: A X = B; A (n x n) becomes its LU factors, B (n x nrhs) X ----
template <typename T, typename I>
void run_gesv(Buf a, Buf b, Buf info) {
  using Fn = void (*)(const I*, const I*, T*, const I*, I*, T*, const I*, I*);
  auto f = reinterpret_cast<Fn>(fn<T>(kGesv));
  I n = a.d2, nrhs = b.d1, lda = std::max<I>(1, n);
  std::vector<I> piv(std::max<I>(1, n));
  each(a.batch, [&](int64_t i) {
    I inf = 0;
    f(&n, &nrhs, at<T>(a, i), &lda, piv.data(), at<T>(b, i), &lda, &inf);
    *info_at(info, i) = inf;
  });
}

// ---- getrf: LU of an m x n matrix in place; 1-based pivots ----
template <typename T, typename I>
void run_getrf(Buf a, Buf piv, Buf info) {
  using Fn = void (*)(const I*, const I*, T*, const I*, I*, I*);
  auto f = reinterpret_cast<Fn>(fn<T>(kGetrf));
  I m = a.d2, n = a.d1, lda = std::max<I>(1, m);
  std::vector<I> p(std::max<I>(1, std::min(m, n)));
  each(a.batch, [&](int64_t i) {
    I inf = 0;
    f(&m, &n, at<T>(a, i), &lda, p.data(), &inf);
    int64_t* out = reinterpret_cast<int64_t*>(piv.p) + i * piv.step;
    for (I k = 0; k < std::min(m, n); ++k) out[k] = p[k];
    *info_at(info, i) = inf;
  });
}

// ---- potrf: Cholesky factor in the `uplo` triangle (the other is left as is) ----
template <typename T, typename I>
void run_potrf(Buf a, Buf info, char uplo) {
  using Fn = void (*)(const char*, const I*, T*, const I*, I*, size_t);
  auto f = reinterpret_cast<Fn>(fn<T>(kPotrf));
  I n = a.d2, lda = std::max<I>(1, n);
  each(a.batch, [&](int64_t i) {
    I inf = 0;
    f(&uplo, &n, at<T>(a, i), &lda, &inf, 1);
    *info_at(info, i) = inf;
  });
}

// ---- potrs: solve with a Cholesky factor; B (n x nrhs) becomes X ----
template <typename T, typename I>
void run_potrs(Buf a, Buf b, Buf info, char uplo) {
  using Fn =
      void (*)(const char*, const I*, const I*, const T*, const I*, T*, const I*, I*, size_t);
  auto f = reinterpret_cast<Fn>(fn<T>(kPotrs));
  I n = a.d2, nrhs = b.d1, lda = std::max<I>(1, n);
  each(a.batch, [&](int64_t i) {
    I inf = 0;
    f(&uplo, &n, &nrhs, at<T>(a, i), &lda, at<T>(b, i), &lda, &inf, 1);
    *info_at(info, i) = inf;
  });
}

// ---- geqrf: Householder QR of an m x n matrix in place; tau (min(m, n)) ----
template <typename T, typename I>
void run_geqrf(Buf a, Buf tau, Buf info) {
  using Fn = void (*)(const I*, const I*, T*, const I*, T*, T*, const I*, I*);
  auto f = reinterpret_cast<Fn>(fn<T>(kGeqrf));
  I m = a.d2, n = a.d1, lda = std::max<I>(1, m), q = -1, inf = 0;
  T wq = 0, dummy = 0;
  f(&m, &n, &dummy, &lda, &dummy, &wq, &q, &inf);
  I lwork = lwork_of<I>(wq);
  std::vector<T> work(lwork);
  each(a.batch, [&](int64_t i) {
    I in = 0;
    f(&m, &n, at<T>(a, i), &lda, at<T>(tau, i), work.data(), &lwork, &in);
    *info_at(info, i) = in;
  });
}

// ---- orgqr: the m x n matrix of the first n columns of H1..Hk (k = tau's length) ----
template <typename T, typename I>
void run_orgqr(Buf a, Buf tau, Buf info) {
  using Fn = void (*)(const I*, const I*, const I*, T*, const I*, const T*, T*, const I*, I*);
  auto f = reinterpret_cast<Fn>(fn<T>(kOrgqr));
  I m = a.d2, n = a.d1, k = tau.d1, lda = std::max<I>(1, m), q = -1, inf = 0;
  T wq = 0;
  std::vector<T> probe(1);
  f(&m, &n, &k, probe.data(), &lda, probe.data(), &wq, &q, &inf);
  I lwork = lwork_of<I>(wq);
  std::vector<T> work(lwork);
  each(a.batch, [&](int64_t i) {
    I in = 0;
    f(&m, &n, &k, at<T>(a, i), &lda, at<T>(tau, i), work.data(), &lwork, &in);
    *info_at(info, i) = in;
  });
}

// ---- syevd: eigenvalues (ascending) of a symmetric n x n matrix read from `uplo`;
// with jobz 'V' the matrix becomes the eigenvectors (columns) ----
template <typename T, typename I>
void run_syevd(Buf a, Buf w, Buf info, char jobz, char uplo) {
  using Fn = void (*)(const char*, const char*, const I*, T*, const I*, T*, T*, const I*, I*,
                      const I*, I*, size_t, size_t);
  auto f = reinterpret_cast<Fn>(fn<T>(kSyevd));
  I n = a.d2, lda = std::max<I>(1, n), q = -1, inf = 0, iq = 0;
  T wq = 0, dummy = 0;
  f(&jobz, &uplo, &n, &dummy, &lda, &dummy, &wq, &q, &iq, &q, &inf, 1, 1);
  I lwork = lwork_of<I>(wq), liwork = std::max<I>(1, iq);
  std::vector<T> work(lwork);
  std::vector<I> iwork(liwork);
  each(a.batch, [&](int64_t i) {
    I in = 0;
    f(&jobz, &uplo, &n, at<T>(a, i), &lda, at<T>(w, i), work.data(), &lwork, iwork.data(), &liwork,
      &in, 1, 1);
    *info_at(info, i) = in;
  });
}

// ---- gesdd: SVD of an m x n matrix (destroyed); jobz 'N', 'S' or 'A' ----
template <typename T, typename I>
void run_gesdd(Buf a, Buf s, Buf u, Buf vt, Buf info, char jobz) {
  using Fn = void (*)(const char*, const I*, const I*, T*, const I*, T*, T*, const I*, T*, const I*,
                      T*, const I*, I*, I*, size_t);
  auto f = reinterpret_cast<Fn>(fn<T>(kGesdd));
  I m = a.d2, n = a.d1, lda = std::max<I>(1, m);
  I ldu = std::max<I>(1, u.p ? u.d2 : 1), ldvt = std::max<I>(1, vt.p ? vt.d2 : 1);
  I q = -1, inf = 0;
  T wq = 0, dummy = 0;
  std::vector<I> iwork(std::max<I>(1, 8 * std::min(m, n)));
  f(&jobz, &m, &n, &dummy, &lda, &dummy, &dummy, &ldu, &dummy, &ldvt, &wq, &q, iwork.data(), &inf,
    1);
  I lwork = lwork_of<I>(wq);
  std::vector<T> work(lwork);
  T scratch = 0;
  each(a.batch, [&](int64_t i) {
    I in = 0;
    T* up = u.p ? at<T>(u, i) : &scratch;
    T* vp = vt.p ? at<T>(vt, i) : &scratch;
    f(&jobz, &m, &n, at<T>(a, i), &lda, at<T>(s, i), up, &ldu, vp, &ldvt, work.data(), &lwork,
      iwork.data(), &in, 1);
    *info_at(info, i) = in;
  });
}

// ---- geev: eigenvalues (wr + i wi) and right eigenvectors of a general n x n matrix ----
template <typename T, typename I>
void run_geev(Buf a, Buf wr, Buf wi, Buf vr, Buf info) {
  using Fn = void (*)(const char*, const char*, const I*, T*, const I*, T*, T*, T*, const I*, T*,
                      const I*, T*, const I*, I*, size_t, size_t);
  auto f = reinterpret_cast<Fn>(fn<T>(kGeev));
  char jobvl = 'N', jobvr = vr.p ? 'V' : 'N';
  I n = a.d2, lda = std::max<I>(1, n), one = 1, ldvr = vr.p ? lda : 1, q = -1, inf = 0;
  T wq = 0, dummy = 0;
  f(&jobvl, &jobvr, &n, &dummy, &lda, &dummy, &dummy, &dummy, &one, &dummy, &ldvr, &wq, &q, &inf, 1,
    1);
  I lwork = lwork_of<I>(wq);
  std::vector<T> work(lwork);
  T scratch = 0;
  each(a.batch, [&](int64_t i) {
    I in = 0;
    T* vp = vr.p ? at<T>(vr, i) : &scratch;
    f(&jobvl, &jobvr, &n, at<T>(a, i), &lda, at<T>(wr, i), at<T>(wi, i), &scratch, &one, vp, &ldvr,
      work.data(), &lwork, &in, 1, 1);
    *info_at(info, i) = in;
  });
}

// ---- gelsy: least squares min |A X - B| by complete orthogonal factorisation;
// B is max(m, n) x nrhs and its first n rows become X; rank per matrix ----
template <typename T, typename I>
void run_gelsy(Buf a, Buf b, Buf rank, Buf info, double rcond_d) {
  using Fn = void (*)(const I*, const I*, const I*, T*, const I*, T*, const I*, I*, const T*, I*,
                      T*, const I*, I*);
  auto f = reinterpret_cast<Fn>(fn<T>(kGelsy));
  I m = a.d2, n = a.d1, nrhs = b.d1, lda = std::max<I>(1, m), ldb = std::max<I>(1, b.d2);
  T rcond = static_cast<T>(rcond_d);
  I q = -1, inf = 0, rk = 0;
  T wq = 0, dummy = 0;
  std::vector<I> jpvt(std::max<I>(1, n));
  f(&m, &n, &nrhs, &dummy, &lda, &dummy, &ldb, jpvt.data(), &rcond, &rk, &wq, &q, &inf);
  I lwork = lwork_of<I>(wq);
  std::vector<T> work(lwork);
  each(a.batch, [&](int64_t i) {
    I in = 0, r = 0;
    std::fill(jpvt.begin(), jpvt.end(), I(0));
    f(&m, &n, &nrhs, at<T>(a, i), &lda, at<T>(b, i), &ldb, jpvt.data(), &rcond, &r, work.data(),
      &lwork, &in);
    reinterpret_cast<int64_t*>(rank.p)[i] = r;
    *info_at(info, i) = in;
  });
}

// ---- gelsd / gelss: least squares by the SVD (divide and conquer / QR
// iteration); singular values s (min(m, n)) and the rank per matrix ----
template <typename T, typename I>
void run_gelsd(Buf a, Buf b, Buf s, Buf rank, Buf info, double rcond_d, bool dc) {
  using FnD = void (*)(const I*, const I*, const I*, T*, const I*, T*, const I*, T*, const T*, I*,
                       T*, const I*, I*, I*);
  using FnS = void (*)(const I*, const I*, const I*, T*, const I*, T*, const I*, T*, const T*, I*,
                       T*, const I*, I*);
  auto fd = reinterpret_cast<FnD>(fn<T>(kGelsd));
  auto fs = reinterpret_cast<FnS>(fn<T>(kGelss));
  I m = a.d2, n = a.d1, nrhs = b.d1, lda = std::max<I>(1, m), ldb = std::max<I>(1, b.d2);
  T rcond = static_cast<T>(rcond_d);
  I q = -1, inf = 0, rk = 0, iq = 1;
  T wq = 0, dummy = 0, sdummy[1] = {0};
  if (dc)
    fd(&m, &n, &nrhs, &dummy, &lda, &dummy, &ldb, sdummy, &rcond, &rk, &wq, &q, &iq, &inf);
  else
    fs(&m, &n, &nrhs, &dummy, &lda, &dummy, &ldb, sdummy, &rcond, &rk, &wq, &q, &inf);
  I lwork = lwork_of<I>(wq);
  std::vector<T> work(lwork);
  std::vector<I> iwork(std::max<I>(1, iq));
  each(a.batch, [&](int64_t i) {
    I in = 0, r = 0;
    if (dc)
      fd(&m, &n, &nrhs, at<T>(a, i), &lda, at<T>(b, i), &ldb, at<T>(s, i), &rcond, &r, work.data(),
         &lwork, iwork.data(), &in);
    else
      fs(&m, &n, &nrhs, at<T>(a, i), &lda, at<T>(b, i), &ldb, at<T>(s, i), &rcond, &r, work.data(),
         &lwork, &in);
    reinterpret_cast<int64_t*>(rank.p)[i] = r;
    *info_at(info, i) = in;
  });
}

// ---- gels: least squares by QR (m >= n) or LQ (m < n), A of full rank ----
template <typename T, typename I>
void run_gels(Buf a, Buf b, Buf info) {
  using Fn = void (*)(const char*, const I*, const I*, const I*, T*, const I*, T*, const I*, T*,
                      const I*, I*, size_t);
  auto f = reinterpret_cast<Fn>(fn<T>(kGels));
  char trans = 'N';
  I m = a.d2, n = a.d1, nrhs = b.d1, lda = std::max<I>(1, m), ldb = std::max<I>(1, b.d2);
  I q = -1, inf = 0;
  T wq = 0, dummy = 0;
  f(&trans, &m, &n, &nrhs, &dummy, &lda, &dummy, &ldb, &wq, &q, &inf, 1);
  I lwork = lwork_of<I>(wq);
  std::vector<T> work(lwork);
  each(a.batch, [&](int64_t i) {
    I in = 0;
    f(&trans, &m, &n, &nrhs, at<T>(a, i), &lda, at<T>(b, i), &ldb, work.data(), &lwork, &in, 1);
    *info_at(info, i) = in;
  });
}

// ---- gesv_t: A X = B given A^T column-major (i.e. A row-major, a plain copy
// of a contiguous A, no transposition): getrf of A^T, then getrs('T') ----
template <typename T, typename I>
void run_gesv_t(Buf at_, Buf b, Buf info) {
  using Getrf = void (*)(const I*, const I*, T*, const I*, I*, I*);
  using Getrs = void (*)(const char*, const I*, const I*, const T*, const I*, const I*, T*,
                         const I*, I*, size_t);
  auto getrf = reinterpret_cast<Getrf>(fn<T>(kGetrf));
  auto getrs = reinterpret_cast<Getrs>(fn<T>(kGetrs));
  char trans = 'T';
  I n = at_.d2, nrhs = b.d1, lda = std::max<I>(1, n);
  std::vector<I> piv(std::max<I>(1, n));
  each(at_.batch, [&](int64_t i) {
    I inf = 0;
    getrf(&n, &n, at<T>(at_, i), &lda, piv.data(), &inf);
    if (inf == 0)
      getrs(&trans, &n, &nrhs, at<T>(at_, i), &lda, piv.data(), at<T>(b, i), &lda, &inf, 1);
    *info_at(info, i) = inf;
  });
}

// ---------------------------------------------------------------------------
// Entry points: _lapack_<routine>(tensors..., flags...) -> None.

PyObject* F_gesv(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *a, *b, *info;
  if (!PyArg_ParseTuple(args, "OOO:_lapack_gesv", &a, &b, &info)) return nullptr;
  DType d = float_dtype(a);
  LAPACK_DISPATCH(d, run_gesv, buf(a, d, 3, "A"), buf(b, d, 3, "B"),
                  buf(info, DType::Int64, 1, "info"));
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_getrf(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *a, *piv, *info;
  if (!PyArg_ParseTuple(args, "OOO:_lapack_getrf", &a, &piv, &info)) return nullptr;
  DType d = float_dtype(a);
  LAPACK_DISPATCH(d, run_getrf, buf(a, d, 3, "A"), buf(piv, DType::Int64, 2, "pivots"),
                  buf(info, DType::Int64, 1, "info"));
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_potrf(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *a, *info;
  int upper;
  if (!PyArg_ParseTuple(args, "OOp:_lapack_potrf", &a, &info, &upper)) return nullptr;
  DType d = float_dtype(a);
  // Column-major 'U' is the row-major lower triangle the caller sees transposed.
  LAPACK_DISPATCH(d, run_potrf, buf(a, d, 3, "A"), buf(info, DType::Int64, 1, "info"),
                  upper ? 'U' : 'L');
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_potrs(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *a, *b, *info;
  int upper;
  if (!PyArg_ParseTuple(args, "OOOp:_lapack_potrs", &a, &b, &info, &upper)) return nullptr;
  DType d = float_dtype(a);
  LAPACK_DISPATCH(d, run_potrs, buf(a, d, 3, "A"), buf(b, d, 3, "B"),
                  buf(info, DType::Int64, 1, "info"), upper ? 'U' : 'L');
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_geqrf(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *a, *tau, *info;
  if (!PyArg_ParseTuple(args, "OOO:_lapack_geqrf", &a, &tau, &info)) return nullptr;
  DType d = float_dtype(a);
  LAPACK_DISPATCH(d, run_geqrf, buf(a, d, 3, "A"), buf(tau, d, 2, "tau"),
                  buf(info, DType::Int64, 1, "info"));
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_orgqr(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *a, *tau, *info;
  if (!PyArg_ParseTuple(args, "OOO:_lapack_orgqr", &a, &tau, &info)) return nullptr;
  DType d = float_dtype(a);
  LAPACK_DISPATCH(d, run_orgqr, buf(a, d, 3, "A"), buf(tau, d, 2, "tau"),
                  buf(info, DType::Int64, 1, "info"));
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_syevd(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *a, *w, *info;
  int vectors, upper;
  if (!PyArg_ParseTuple(args, "OOOpp:_lapack_syevd", &a, &w, &info, &vectors, &upper))
    return nullptr;
  DType d = float_dtype(a);
  LAPACK_DISPATCH(d, run_syevd, buf(a, d, 3, "A"), buf(w, d, 2, "w"),
                  buf(info, DType::Int64, 1, "info"), vectors ? 'V' : 'N', upper ? 'U' : 'L');
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_gesdd(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *a, *s, *u, *vt, *info;
  const char* jobz;
  if (!PyArg_ParseTuple(args, "OOOOOs:_lapack_gesdd", &a, &s, &u, &vt, &info, &jobz))
    return nullptr;
  DType d = float_dtype(a);
  MT_CHECK(jobz[0] == 'N' || jobz[0] == 'S' || jobz[0] == 'A', "_lapack_gesdd: bad jobz");
  MT_CHECK(jobz[0] == 'N' || (u != Py_None && vt != Py_None), "_lapack_gesdd: U and VT needed");
  LAPACK_DISPATCH(d, run_gesdd, buf(a, d, 3, "A"), buf(s, d, 2, "S"), buf(u, d, 3, "U"),
                  buf(vt, d, 3, "VT"), buf(info, DType::Int64, 1, "info"), jobz[0]);
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_geev(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *a, *wr, *wi, *vr, *info;
  if (!PyArg_ParseTuple(args, "OOOOO:_lapack_geev", &a, &wr, &wi, &vr, &info)) return nullptr;
  DType d = float_dtype(a);
  LAPACK_DISPATCH(d, run_geev, buf(a, d, 3, "A"), buf(wr, d, 2, "wr"), buf(wi, d, 2, "wi"),
                  buf(vr, d, 3, "VR"), buf(info, DType::Int64, 1, "info"));
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_gelsy(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *a, *b, *rank, *info;
  double rcond;
  if (!PyArg_ParseTuple(args, "OOOOd:_lapack_gelsy", &a, &b, &rank, &info, &rcond)) return nullptr;
  DType d = float_dtype(a);
  LAPACK_DISPATCH(d, run_gelsy, buf(a, d, 3, "A"), buf(b, d, 3, "B"),
                  buf(rank, DType::Int64, 1, "rank"), buf(info, DType::Int64, 1, "info"), rcond);
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_gelsd(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *a, *b, *sv, *rank, *info;
  double rcond;
  int dc;
  if (!PyArg_ParseTuple(args, "OOOOOdp:_lapack_gelsd", &a, &b, &sv, &rank, &info, &rcond, &dc))
    return nullptr;
  DType d = float_dtype(a);
  LAPACK_DISPATCH(d, run_gelsd, buf(a, d, 3, "A"), buf(b, d, 3, "B"), buf(sv, d, 2, "S"),
                  buf(rank, DType::Int64, 1, "rank"), buf(info, DType::Int64, 1, "info"), rcond,
                  dc != 0);
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_gels(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *a, *b, *info;
  if (!PyArg_ParseTuple(args, "OOO:_lapack_gels", &a, &b, &info)) return nullptr;
  DType d = float_dtype(a);
  LAPACK_DISPATCH(d, run_gels, buf(a, d, 3, "A"), buf(b, d, 3, "B"),
                  buf(info, DType::Int64, 1, "info"));
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* F_gesv_t(PyObject*, PyObject* args) {
  MT_BEGIN
  PyObject *a, *b, *info;
  if (!PyArg_ParseTuple(args, "OOO:_lapack_gesv_t", &a, &b, &info)) return nullptr;
  DType d = float_dtype(a);
  LAPACK_DISPATCH(d, run_gesv_t, buf(a, d, 3, "A"), buf(b, d, 3, "B"),
                  buf(info, DType::Int64, 1, "info"));
  Py_RETURN_NONE;
  MT_END(nullptr)
}

}  // namespace

PyMethodDef linalg_module_functions[] = {
    {"_lapack_init", F_lapack_init, METH_NOARGS, nullptr},
    {"_lapack_info", F_lapack_info, METH_NOARGS, nullptr},
    {"_lapack_gesv", F_gesv, METH_VARARGS, nullptr},
    {"_lapack_getrf", F_getrf, METH_VARARGS, nullptr},
    {"_lapack_potrf", F_potrf, METH_VARARGS, nullptr},
    {"_lapack_potrs", F_potrs, METH_VARARGS, nullptr},
    {"_lapack_geqrf", F_geqrf, METH_VARARGS, nullptr},
    {"_lapack_orgqr", F_orgqr, METH_VARARGS, nullptr},
    {"_lapack_syevd", F_syevd, METH_VARARGS, nullptr},
    {"_lapack_gesdd", F_gesdd, METH_VARARGS, nullptr},
    {"_lapack_geev", F_geev, METH_VARARGS, nullptr},
    {"_lapack_gelsy", F_gelsy, METH_VARARGS, nullptr},
    {"_lapack_gelsd", F_gelsd, METH_VARARGS, nullptr},
    {"_lapack_gels", F_gels, METH_VARARGS, nullptr},
    {"_lapack_gesv_t", F_gesv_t, METH_VARARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace mt::py_glue
