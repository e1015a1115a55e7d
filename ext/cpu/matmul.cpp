// matmul.cpp: the CPU batched GEMM kernel (KernelTable::gemm).
//
// Contract (see GemmArgs in core/kernels.h): for every batch index,
// C = beta*C + alpha*A@B with A m x k, B k x n, C m x n, all strided (element
// strides, possibly zero or negative). C never overlaps A or B.
//
// Note [CPU BLAS]
// float32/float64 problems go to a tuned BLAS when one has been registered in
// KernelTable::blas (the glue registers NumPy's OpenBLAS at import; see
// docs/design.md "CPU matmul" for why and the measurements). BLAS takes each
// matrix with unit stride along rows or along columns and a leading dimension
// >= its width; such operands are passed without copying, with a transpose flag
// where the unit stride is along columns. Operands BLAS cannot describe
// (negative, zero or doubly strided) are packed into a contiguous buffer first;
// a C it cannot describe is computed in a buffer and copied back. Batch dims
// along which B does not move (B expanded, e.g. (b, m, k) @ (k, n)) are folded
// into m when A and C allow it, so that case is a single large GEMM. The GIL is
// released around the BLAS calls (GilRelease) so other Python threads run.
//
// Everything else (integers, bool, float16, bfloat16, tiny float problems, and
// float when no BLAS is registered) uses the blocked kernel below: panels of B
// and A are converted to the accumulation type (float for 16-bit floats, uint64
// for integers, so sums wrap modulo 2^bits exactly as a narrow accumulator
// would) and each row of C is accumulated as a sum of scaled B rows, an inner
// loop over contiguous memory that the compiler vectorises. Each element of C
// is accumulated by one task in increasing k order, so results do not depend
// on the thread count.
#include <algorithm>
#include <memory>
#include <type_traits>

#include "cpu.h"

namespace mt::cpu {
namespace {

// ---------------------------------------------------------------------------
// Accumulation types and conversions.

template <typename T>
using acc_t = std::conditional_t<std::is_integral_v<T>, uint64_t, opmath_t<T>>;

template <typename T>
inline acc_t<T> load(const char* p) {
  T v = *reinterpret_cast<const T*>(p);
  if constexpr (std::is_integral_v<T>)
    return static_cast<uint64_t>(static_cast<int64_t>(v));  // sign-extends; wraps mod 2^64
  else
    return static_cast<acc_t<T>>(v);
}

template <typename T>
inline void store(char* p, acc_t<T> v) {
  if constexpr (std::is_same_v<T, bool>)
    *reinterpret_cast<T*>(p) = v != 0;
  else if constexpr (std::is_integral_v<T>)
    *reinterpret_cast<T*>(p) = static_cast<T>(v);  // modular (C++20)
  else
    *reinterpret_cast<T*>(p) = static_cast<T>(v);
}

// alpha/beta converted to the dtype first (an int64 addmm truncates alpha=1.5 to 1).
template <typename T>
inline acc_t<T> scalar_acc(const Scalar& s) {
  T v = s.to<T>();
  if constexpr (std::is_integral_v<T>)
    return static_cast<uint64_t>(static_cast<int64_t>(v));
  else
    return static_cast<acc_t<T>>(v);
}

// Byte offsets of batch index `lin` (row-major over g.batch) in A, B and C.
inline void batch_offsets(const GemmArgs& g, int64_t lin, int64_t isz, int64_t* oa, int64_t* ob,
                          int64_t* oc) {
  int64_t a = 0, b = 0, c = 0;
  for (int64_t d = g.batch.size() - 1; d >= 0; --d) {
    int64_t i = lin % g.batch[d];
    lin /= g.batch[d];
    a += i * g.a_bs[d];
    b += i * g.b_bs[d];
    c += i * g.c_bs[d];
  }
  *oa = a * isz;
  *ob = b * isz;
  *oc = c * isz;
}

// C = beta * C (beta == 0 writes zeros without reading C): the k == 0 case.
template <typename T>
void scale_c(const GemmArgs& g) {
  const int64_t isz = sizeof(T), nb = numel_of(g.batch);
  const acc_t<T> beta = scalar_acc<T>(g.beta);
  const bool zero = beta == acc_t<T>(0);
  for (int64_t bi = 0; bi < nb; ++bi) {
    int64_t oa, ob, oc;
    batch_offsets(g, bi, isz, &oa, &ob, &oc);
    for (int64_t i = 0; i < g.m; ++i)
      for (int64_t j = 0; j < g.n; ++j) {
        char* p = g.c + oc + (i * g.c_rs + j * g.c_cs) * isz;
        store<T>(p, zero ? acc_t<T>(0) : beta * load<T>(p));
      }
  }
}

// ---------------------------------------------------------------------------
// The blocked kernel (any dtype).

constexpr int64_t kMB = 32;   // rows of C per task
constexpr int64_t kNB = 256;  // columns of C per accumulator block
constexpr int64_t kKB = 128;  // depth of a packed panel

// Tiny problems: straight dot products, no buffers (the per-call cost of a
// 2x2 matmul is dominated by what happens around the arithmetic). Same
// accumulation order as gemm_blocked, so the two agree bitwise.
template <typename T>
void gemm_direct(const GemmArgs& g) {
  using A = acc_t<T>;
  const int64_t isz = sizeof(T), nbatch = numel_of(g.batch);
  const A alpha = scalar_acc<T>(g.alpha), beta = scalar_acc<T>(g.beta);
  const bool use_beta = beta != A(0);
  for (int64_t bi = 0; bi < nbatch; ++bi) {
    int64_t oa, ob, oc;
    batch_offsets(g, bi, isz, &oa, &ob, &oc);
    for (int64_t i = 0; i < g.m; ++i) {
      const char* arow = g.a + oa + i * g.a_rs * isz;
      for (int64_t j = 0; j < g.n; ++j) {
        const char* bcol = g.b + ob + j * g.b_cs * isz;
        A sum(0);
        for (int64_t p = 0; p < g.k; ++p)
          sum += load<T>(arow + p * g.a_cs * isz) * load<T>(bcol + p * g.b_rs * isz);
        char* out = g.c + oc + (i * g.c_rs + j * g.c_cs) * isz;
        store<T>(out, use_beta ? alpha * sum + beta * load<T>(out) : alpha * sum);
      }
    }
  }
}

// Note [Small matmul]
// float32/float64 problems with every side at most kSmallSide and few
// multiply-adds per matrix (16x16, batches of 8x8) cost less computed in place
// than through a BLAS call, whose fixed cost (argument checks, buffer set-up,
// one call per batch element) dominates at these sizes. Each row of C is
// accumulated in a stack buffer as a sum of scaled rows of B (contiguous rows
// of B and C: the inner loop over j vectorises), in increasing k order.
// Batches are split across threads above the grain size; results do not
// depend on the thread count. Larger problems keep BLAS.
constexpr int64_t kSmallSide = 64;
constexpr int64_t kSmallMaxWork = 8192;  // multiply-adds per matrix

bool small_gemm(const GemmArgs& g) {
  return (g.dtype == DType::Float32 || g.dtype == DType::Float64) && g.m <= kSmallSide &&
         g.n <= kSmallSide && g.k <= kSmallSide && g.m * g.n * g.k <= kSmallMaxWork &&
         g.b_cs == 1 && g.c_cs == 1;
}

// One batch range of gemm_small; N > 0 is n known at compile time (the inner
// loops unroll fully), N == 0 any n <= kSmallSide.
template <typename T, int N>
void gemm_small_range(const GemmArgs& g, int64_t b0, int64_t b1) {
  const int64_t m = g.m, n = N > 0 ? N : g.n, k = g.k;
  const T alpha = g.alpha.to<T>(), beta = g.beta.to<T>();
  const bool use_beta = beta != T(0);
  const bool one_batch_dim = g.batch.size() == 1;
  T acc[kSmallSide];
  for (int64_t bi = b0; bi < b1; ++bi) {
    int64_t oa, ob, oc;
    if (one_batch_dim) {
      oa = bi * g.a_bs[0];
      ob = bi * g.b_bs[0];
      oc = bi * g.c_bs[0];
    } else {
      batch_offsets(g, bi, 1, &oa, &ob, &oc);  // element offsets
    }
    const T* a = reinterpret_cast<const T*>(g.a) + oa;
    const T* b = reinterpret_cast<const T*>(g.b) + ob;
    T* c = reinterpret_cast<T*>(g.c) + oc;
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) acc[j] = T(0);
      const T* arow = a + i * g.a_rs;
      for (int64_t p = 0; p < k; ++p) {
        const T av = arow[p * g.a_cs];
        const T* __restrict__ brow = b + p * g.b_rs;
        for (int64_t j = 0; j < n; ++j) acc[j] += av * brow[j];
      }
      T* crow = c + i * g.c_rs;
      if (use_beta) {
        for (int64_t j = 0; j < n; ++j) crow[j] = alpha * acc[j] + beta * crow[j];
      } else {
        for (int64_t j = 0; j < n; ++j) crow[j] = alpha * acc[j];
      }
    }
  }
}

template <typename T>
void gemm_small(const GemmArgs& g) {
  const int64_t nbatch = numel_of(g.batch), work = g.m * g.n * g.k;
  auto body = [&](int64_t b0, int64_t b1) {
    switch (g.n) {
      case 4:
        return gemm_small_range<T, 4>(g, b0, b1);
      case 8:
        return gemm_small_range<T, 8>(g, b0, b1);
      case 16:
        return gemm_small_range<T, 16>(g, b0, b1);
      case 32:
        return gemm_small_range<T, 32>(g, b0, b1);
      default:
        return gemm_small_range<T, 0>(g, b0, b1);
    }
  };
  if (nbatch * work <= kGrainSize) return body(0, nbatch);
  parallel_for(0, nbatch, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(work, 1)), body);
}

template <typename T>
void gemm_blocked(const GemmArgs& g) {
  using A = acc_t<T>;
  const int64_t m = g.m, n = g.n, k = g.k, isz = sizeof(T);
  const int64_t nbatch = numel_of(g.batch);
  const int64_t mblocks = (m + kMB - 1) / kMB;
  const A alpha = scalar_acc<T>(g.alpha), beta = scalar_acc<T>(g.beta);
  const bool use_beta = beta != A(0);
  const int64_t nbw = std::min(n, kNB), kbw = std::min(k, kKB), mbw = std::min(m, kMB);
  const int64_t work = mbw * n * k;  // multiply-adds per task
  const int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(work, 1));

  parallel_for(0, nbatch * mblocks, grain, [&](int64_t t0, int64_t t1) {
    std::unique_ptr<A[]> bpack(new A[kbw * nbw]);
    std::unique_ptr<A[]> apack(new A[mbw * kbw]);
    std::unique_ptr<A[]> acc(new A[mbw * nbw]);
    for (int64_t task = t0; task < t1; ++task) {
      int64_t oa, ob, oc;
      batch_offsets(g, task / mblocks, isz, &oa, &ob, &oc);
      const char* a = g.a + oa;
      const char* b = g.b + ob;
      char* c = g.c + oc;
      const int64_t i0 = (task % mblocks) * kMB, i1 = std::min(m, i0 + kMB), mi = i1 - i0;
      for (int64_t j0 = 0; j0 < n; j0 += kNB) {
        const int64_t j1 = std::min(n, j0 + kNB), nj = j1 - j0;
        std::fill(acc.get(), acc.get() + mi * nbw, A(0));
        for (int64_t p0 = 0; p0 < k; p0 += kKB) {
          const int64_t p1 = std::min(k, p0 + kKB), kp = p1 - p0;
          for (int64_t p = 0; p < kp; ++p) {
            const char* brow = b + ((p0 + p) * g.b_rs + j0 * g.b_cs) * isz;
            A* dst = bpack.get() + p * nbw;
            for (int64_t j = 0; j < nj; ++j) dst[j] = load<T>(brow + j * g.b_cs * isz);
          }
          for (int64_t i = 0; i < mi; ++i) {
            const char* arow = a + ((i0 + i) * g.a_rs + p0 * g.a_cs) * isz;
            A* dst = apack.get() + i * kbw;
            for (int64_t p = 0; p < kp; ++p) dst[p] = load<T>(arow + p * g.a_cs * isz);
          }
          for (int64_t i = 0; i < mi; ++i) {
            A* __restrict__ crow = acc.get() + i * nbw;
            const A* arow = apack.get() + i * kbw;
            for (int64_t p = 0; p < kp; ++p) {
              const A av = arow[p];
              const A* __restrict__ brow = bpack.get() + p * nbw;
              for (int64_t j = 0; j < nj; ++j) crow[j] += av * brow[j];
            }
          }
        }
        for (int64_t i = 0; i < mi; ++i) {
          const A* crow = acc.get() + i * nbw;
          char* out = c + ((i0 + i) * g.c_rs + j0 * g.c_cs) * isz;
          const int64_t step = g.c_cs * isz;
          if (use_beta) {
            for (int64_t j = 0; j < nj; ++j)
              store<T>(out + j * step, alpha * crow[j] + beta * load<T>(out + j * step));
          } else {
            for (int64_t j = 0; j < nj; ++j) store<T>(out + j * step, alpha * crow[j]);
          }
        }
      }
    }
  });
}

// ---------------------------------------------------------------------------
// The BLAS path (float32 / float64).

// A rows x cols matrix with strides (rs, cs) as BLAS sees it: unit stride
// along rows (row-major, trans = false) or along columns (trans = true) and a
// leading dimension of at least the stored width. False if neither fits.
struct BlasView {
  bool trans;
  int64_t ld;
};
inline bool blas_view(int64_t rows, int64_t cols, int64_t rs, int64_t cs, BlasView* v) {
  if (cols == 1 || cs == 1) {
    int64_t ld = rows == 1 ? std::max<int64_t>(cols, 1) : rs;
    if (ld >= std::max<int64_t>(cols, 1)) {
      *v = {false, ld};
      return true;
    }
  }
  if (rows == 1 || rs == 1) {
    int64_t ld = cols == 1 ? std::max<int64_t>(rows, 1) : cs;
    if (ld >= std::max<int64_t>(rows, 1)) {
      *v = {true, ld};
      return true;
    }
  }
  return false;
}

// Copies a strided rows x cols matrix into a contiguous row-major buffer.
template <typename T>
void pack(T* dst, const T* src, int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) dst[i * cols + j] = src[i * rs + j * cs];
}

template <typename T>
void blas_call(const BlasGemm& blas, bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha,
               const T* a, int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  if constexpr (std::is_same_v<T, float>)
    blas.sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  else
    blas.dgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// One row-major GEMM C (m x n, unit column stride, ldc) from strided A and B.
template <typename T>
void blas_one(const BlasGemm& blas, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
              int64_t a_rs, int64_t a_cs, const T* b, int64_t b_rs, int64_t b_cs, T beta, T* c,
              int64_t ldc) {
  BlasView va, vb;
  std::unique_ptr<T[]> abuf, bbuf;
  if (!blas_view(m, k, a_rs, a_cs, &va)) {
    abuf.reset(new T[m * k]);
    pack(abuf.get(), a, m, k, a_rs, a_cs);
    a = abuf.get();
    va = {false, std::max<int64_t>(k, 1)};
  }
  if (!blas_view(k, n, b_rs, b_cs, &vb)) {
    bbuf.reset(new T[k * n]);
    pack(bbuf.get(), b, k, n, b_rs, b_cs);
    b = bbuf.get();
    vb = {false, std::max<int64_t>(n, 1)};
  }
  blas_call<T>(blas, va.trans, vb.trans, m, n, k, alpha, a, va.ld, b, vb.ld, beta, c, ldc);
}

// One strided GEMM through BLAS, whatever C's layout.
template <typename T>
void blas_strided(const BlasGemm& blas, const GemmArgs& g, const T* a, const T* b, T* c, T alpha,
                  T beta) {
  const int64_t m = g.m, n = g.n, k = g.k;
  BlasView vc;
  if (blas_view(m, n, g.c_rs, g.c_cs, &vc)) {
    if (!vc.trans) {
      blas_one<T>(blas, m, n, k, alpha, a, g.a_rs, g.a_cs, b, g.b_rs, g.b_cs, beta, c, vc.ld);
    } else {
      // C is column-major: compute C^T (n x m, row-major) = B^T @ A^T.
      blas_one<T>(blas, n, m, k, alpha, b, g.b_cs, g.b_rs, a, g.a_cs, g.a_rs, beta, c, vc.ld);
    }
    return;
  }
  std::unique_ptr<T[]> cbuf(new T[m * n]);
  if (beta != T(0)) pack(cbuf.get(), c, m, n, g.c_rs, g.c_cs);
  blas_one<T>(blas, m, n, k, alpha, a, g.a_rs, g.a_cs, b, g.b_rs, g.b_cs, beta, cbuf.get(),
              std::max<int64_t>(n, 1));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) c[i * g.c_rs + j * g.c_cs] = cbuf[i * n + j];
}

template <typename T>
void gemm_blas(const BlasGemm& blas, const GemmArgs& g) {
  const T alpha = g.alpha.to<T>(), beta = g.beta.to<T>();
  const int64_t nbatch = numel_of(g.batch);
  GilRelease nogil;  // Note [Threads]: nothing below touches Python
  for (int64_t bi = 0; bi < nbatch; ++bi) {
    int64_t oa, ob, oc;
    batch_offsets(g, bi, sizeof(T), &oa, &ob, &oc);
    blas_strided<T>(blas, g, reinterpret_cast<const T*>(g.a + oa),
                    reinterpret_cast<const T*>(g.b + ob), reinterpret_cast<T*>(g.c + oc), alpha,
                    beta);
  }
}

// Drops size-1 batch dims and folds batch dims along which B stays put into m
// (A's and C's rows then continue evenly across batches): (b, m, k) @ (k, n)
// becomes one (b*m, k) @ (k, n) GEMM.
GemmArgs simplify(const GemmArgs& g0) {
  GemmArgs g = g0;
  g.batch = Dims();
  g.a_bs = Dims();
  g.b_bs = Dims();
  g.c_bs = Dims();
  for (int64_t d = 0; d < g0.batch.size(); ++d) {
    if (g0.batch[d] == 1) continue;
    g.batch.push_back(g0.batch[d]);
    g.a_bs.push_back(g0.a_bs[d]);
    g.b_bs.push_back(g0.b_bs[d]);
    g.c_bs.push_back(g0.c_bs[d]);
  }
  while (!g.batch.empty()) {
    int64_t d = g.batch.size() - 1;
    if (g.m == 1) {  // row stride is free when there is one row
      g.a_rs = g.a_bs[d];
      g.c_rs = g.c_bs[d];
    }
    if (g.b_bs[d] != 0 || g.a_bs[d] != g.m * g.a_rs || g.c_bs[d] != g.m * g.c_rs) break;
    g.m *= g.batch[d];
    g.batch.erase(d);
    g.a_bs.erase(d);
    g.b_bs.erase(d);
    g.c_bs.erase(d);
  }
  return g;
}

// Below this many multiply-adds per matrix, a BLAS call costs more than the
// direct loops (OpenBLAS's small-matrix path is fast: they break even near
// 4x4x4; docs/design.md "CPU matmul").
constexpr int64_t kBlasMinWork = 128;
// Up to this many multiply-adds in all, gemm_direct beats packing panels.
constexpr int64_t kDirectMaxWork = 1024;

// Whether every size and stride fits the BLAS's integer type (LP64 BLAS: 2^31-1).
bool blas_fits(const GemmArgs& g, int64_t max_dim) {
  for (int64_t v : {g.m, g.n, g.k, g.a_rs, g.a_cs, g.b_rs, g.b_cs, g.c_rs, g.c_cs})
    if (v > max_dim || -v > max_dim) return false;
  return true;
}

}  // namespace

void gemm(const GemmArgs& g0) {
  if (g0.m == 0 || g0.n == 0 || numel_of(g0.batch) == 0) return;
  GemmArgs g = simplify(g0);
  if (g.k == 0) {
    dispatch(g.dtype, [&](auto tag) { scale_c<typename decltype(tag)::type>(g); });
    return;
  }
  const int64_t work = g.m * g.n * g.k;
  const BlasGemm& blas = kernel_table(DeviceType::CPU).blas;
  if (work >= kBlasMinWork && small_gemm(g)) {  // Note [Small matmul]
    if (g.dtype == DType::Float32) return gemm_small<float>(g);
    return gemm_small<double>(g);
  }
  if (work >= kBlasMinWork && blas_fits(g, blas.max_dim)) {
    if (g.dtype == DType::Float32 && blas.sgemm) return gemm_blas<float>(blas, g);
    if (g.dtype == DType::Float64 && blas.dgemm) return gemm_blas<double>(blas, g);
  }
  dispatch(g.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (work * numel_of(g.batch) <= kDirectMaxWork)
      gemm_direct<T>(g);
    else
      gemm_blocked<T>(g);
  });
}

}  // namespace mt::cpu
