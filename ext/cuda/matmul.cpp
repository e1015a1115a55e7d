// matmul.cpp: CUDA GEMM (KernelTable::gemm) through cuBLAS, loaded at run
// time.
//
// Note [cuBLAS at run time]
// cuBLAS is not linked: the build machine's toolkit has no cuBLAS, and a
// link would tie the module to one cuBLAS major version. The first CUDA
// matmul dlopens libcublas from, in order, the paths minitorch/cuda.py
// registered (the `nvidia-cublas` wheel's lib directory, which a CUDA build
// of PyTorch installs, and $CUDA_HOME/lib64), then the dynamic loader's own
// search (LD_LIBRARY_PATH, ldconfig), and looks the few functions it needs
// up with dlsym, as the CPU path finds NumPy's OpenBLAS (Note [CPU BLAS]).
// The handful of cuBLAS enum values used are spelled out below (they are
// part of cuBLAS's stable ABI). Where no cuBLAS is found, a CUDA matmul is
// a RuntimeError saying so; everything else works.
//
// Layout: GemmArgs is row-major with element strides. cuBLAS is column
// major, so a row-major C (unit column stride) is computed as
// C^T = B^T A^T, and a column-major C directly; each operand must have a
// unit stride along one of its dims (a strided or flipped view is
// NotImplementedError for now: make it contiguous first). float32 runs
// cublasSgemm with the default math mode (no TF32, as PyTorch's default),
// float64 cublasDgemm, float16/bfloat16 cublasGemmEx with float
// accumulation. The batch is a loop of launches on the current stream.
#include <dlfcn.h>

#include <climits>
#include <mutex>
#include <string>
#include <vector>

#include "cuda.h"

namespace mt::cuda {

namespace {

using Handle = void*;
using Status = int;
constexpr int kOpN = 0, kOpT = 1;      // cublasOperation_t
constexpr int kR16F = 2, kR16BF = 14;  // cudaDataType_t
constexpr int kCompute32F = 68;        // CUBLAS_COMPUTE_32F
constexpr int kGemmDefault = -1;       // CUBLAS_GEMM_DEFAULT

struct Cublas {
  Status (*create)(Handle*) = nullptr;
  Status (*set_stream)(Handle, cudaStream_t) = nullptr;
  Status (*sgemm)(Handle, int, int, int, int, int, const float*, const float*, int, const float*,
                  int, const float*, float*, int) = nullptr;
  Status (*dgemm)(Handle, int, int, int, int, int, const double*, const double*, int, const double*,
                  int, const double*, double*, int) = nullptr;
  Status (*gemm_ex)(Handle, int, int, int, int, int, const void*, const void*, int, int,
                    const void*, int, int, const void*, void*, int, int, int, int) = nullptr;
  std::string where;  // the library, or why none was loaded
};

std::mutex g_mu;
std::vector<std::string> g_paths;  // registered by minitorch/cuda.py
Cublas g_cublas;
bool g_tried = false;

template <typename Fn>
bool lookup(void* h, const char* name, Fn* out) {
  *out = reinterpret_cast<Fn>(dlsym(h, name));
  return *out != nullptr;
}

bool try_load(const std::string& path) {
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) return false;
  Cublas c;
  if (lookup(h, "cublasCreate_v2", &c.create) && lookup(h, "cublasSetStream_v2", &c.set_stream) &&
      lookup(h, "cublasSgemm_v2", &c.sgemm) && lookup(h, "cublasDgemm_v2", &c.dgemm) &&
      lookup(h, "cublasGemmEx", &c.gemm_ex)) {
    c.where = path;
    g_cublas = c;
    return true;  // the handle stays open for the process
  }
  dlclose(h);
  return false;
}

const Cublas& cublas() {
  std::lock_guard<std::mutex> lock(g_mu);
  if (!g_tried) {
    g_tried = true;
    std::vector<std::string> candidates = g_paths;
    for (const char* name : {"libcublas.so.13", "libcublas.so.12", "libcublas.so"})
      candidates.push_back(name);
    for (const std::string& p : candidates)
      if (try_load(p)) break;
    if (!g_cublas.create)
      g_cublas.where =
          "not found (install the nvidia-cublas wheel or put the CUDA toolkit's "
          "lib64 on LD_LIBRARY_PATH)";
  }
  MT_CHECK(g_cublas.create != nullptr, "CUDA matmul needs cuBLAS, which was ", g_cublas.where);
  return g_cublas;
}

#define MT_CUBLAS_CHECK(call)                                                            \
  do {                                                                                   \
    Status mt_st_ = (call);                                                              \
    MT_CHECK(mt_st_ == 0, "cuBLAS error ", mt_st_, " in ", #call, " at ", __FILE__, ":", \
             __LINE__);                                                                  \
  } while (0)

Handle handle_for(int device) {
  thread_local Handle handles[64] = {};
  MT_CHECK(device >= 0 && device < 64, "invalid CUDA device ", device);
  if (!handles[device]) MT_CUBLAS_CHECK(cublas().create(&handles[device]));
  return handles[device];
}

// One operand as cuBLAS sees it: the op applied to a column-major matrix.
struct Operand {
  int op;
  int64_t ld;
};

// A rows x cols row-major view with element strides (rs, cs), described as
// the column-major matrix X^T (so X^T = op(stored), ld), or false.
bool as_transposed(int64_t rows, int64_t cols, int64_t rs, int64_t cs, Operand* out) {
  if (cols <= 1) cs = 1;
  if (rows <= 1) rs = cols > 1 ? cols : 1;
  if (cs == 1 && rs >= (cols > 1 ? cols : 1)) {
    *out = {kOpN, rs};  // X^T is col-major k x m with ld rs
    return true;
  }
  if (rs == 1 && cs >= (rows > 1 ? rows : 1)) {
    *out = {kOpT, cs};  // X is col-major with ld cs; X^T = transpose of it
    return true;
  }
  return false;
}

void check_int(int64_t v) {
  MT_CHECK_KIND(NotImplementedError, v <= INT_MAX, "CUDA matmul dims above 2^31 - 1");
}

}  // namespace

void set_cublas_paths(const std::vector<std::string>& paths) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_paths = paths;
}

std::string cublas_info() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_tried ? g_cublas.where : std::string("not loaded yet");
}

void gemm(const GemmArgs& g) {
  if (g.m == 0 || g.n == 0) return;
  MT_CHECK_KIND(NotImplementedError,
                g.dtype == DType::Float32 || g.dtype == DType::Float64 ||
                    g.dtype == DType::Float16 || g.dtype == DType::BFloat16,
                "\"addmm_cuda\" not implemented for '", info(g.dtype).torch_name, "'");
  const Cublas& cb = cublas();
  const int device = current_device();
  Handle h = handle_for(device);
  MT_CUBLAS_CHECK(cb.set_stream(h, current_stream(device)));

  // Column-major problem: C' (M x N) = op(A') op(B').
  Operand ta, tb, tc;
  const bool c_row = as_transposed(g.m, g.n, g.c_rs, g.c_cs, &tc) && tc.op == kOpN;
  const char *pa, *pb;
  int64_t M, N;
  Operand oa, ob;
  bool ok;
  if (c_row) {  // C^T (n x m) = B^T (n x k) A^T (k x m)
    ok = as_transposed(g.k, g.n, g.b_rs, g.b_cs, &tb) &&
         as_transposed(g.m, g.k, g.a_rs, g.a_cs, &ta);
    oa = tb;
    ob = ta;
    pa = g.b;
    pb = g.a;
    M = g.n;
    N = g.m;
  } else {  // C col-major: C (m x n) = A B; a row-major operand is a transposed col-major one
    Operand cT;
    ok = as_transposed(g.n, g.m, g.c_cs, g.c_rs, &cT) && cT.op == kOpN;
    tc = cT;
    Operand aT, bT;
    ok = ok && as_transposed(g.k, g.m, g.a_cs, g.a_rs, &aT) &&
         as_transposed(g.n, g.k, g.b_cs, g.b_rs, &bT);
    oa = aT;
    ob = bT;
    pa = g.a;
    pb = g.b;
    M = g.m;
    N = g.n;
  }
  MT_CHECK_KIND(NotImplementedError, ok,
                "CUDA matmul of operands without a unit stride (call .contiguous() first)");
  for (int64_t v : {g.m, g.n, g.k, oa.ld, ob.ld, tc.ld}) check_int(v);

  const int64_t isz = itemsize_of(g.dtype);
  const int64_t nbatch = numel_of(g.batch);
  const int64_t nd = g.batch.size();
  std::vector<int64_t> idx(nd, 0);
  for (int64_t bi = 0; bi < nbatch; ++bi) {
    int64_t offa = 0, offb = 0, offc = 0;
    for (int64_t d = 0; d < nd; ++d) {
      offa += idx[d] * g.a_bs[d];
      offb += idx[d] * g.b_bs[d];
      offc += idx[d] * g.c_bs[d];
    }
    const char* A = (c_row ? pa + offb * isz : pa + offa * isz);
    const char* B = (c_row ? pb + offa * isz : pb + offb * isz);
    char* C = g.c + offc * isz;
    const int m = static_cast<int>(M), n = static_cast<int>(N), k = static_cast<int>(g.k);
    const int lda = static_cast<int>(oa.ld), ldb = static_cast<int>(ob.ld);
    const int ldc = static_cast<int>(tc.ld);
    if (g.dtype == DType::Float64) {
      const double al = g.alpha.to_double(), be = g.beta.to_double();
      MT_CUBLAS_CHECK(cb.dgemm(h, oa.op, ob.op, m, n, k, &al, reinterpret_cast<const double*>(A),
                               lda, reinterpret_cast<const double*>(B), ldb, &be,
                               reinterpret_cast<double*>(C), ldc));
    } else if (g.dtype == DType::Float32) {
      const float al = static_cast<float>(g.alpha.to_double());
      const float be = static_cast<float>(g.beta.to_double());
      MT_CUBLAS_CHECK(cb.sgemm(h, oa.op, ob.op, m, n, k, &al, reinterpret_cast<const float*>(A),
                               lda, reinterpret_cast<const float*>(B), ldb, &be,
                               reinterpret_cast<float*>(C), ldc));
    } else {
      const int t = g.dtype == DType::Float16 ? kR16F : kR16BF;
      const float al = static_cast<float>(g.alpha.to_double());
      const float be = static_cast<float>(g.beta.to_double());
      MT_CUBLAS_CHECK(cb.gemm_ex(h, oa.op, ob.op, m, n, k, &al, A, t, lda, B, t, ldb, &be, C, t,
                                 ldc, kCompute32F, kGemmDefault));
    }
    for (int64_t d = nd - 1; d >= 0; --d) {
      if (++idx[d] < g.batch[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace mt::cuda
