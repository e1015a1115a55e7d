// attention.cpp: the CPU kernels of the fused scaled_dot_product_attention
// (core/kernels_nn.h SdpaArgs; Note [Fused attention] in ext/ops/attention.cpp).
//
// Forward: one task per (query head, block of kQBlock queries), over
// parallel_for. A task walks the keys in blocks: scores = scale * Q_blk K_blk^T
// (a GEMM), the mask and the causal rule applied, then the online softmax
// (running row max m and sum l; the partial output is rescaled by
// exp(m_old - m_new) when the max grows) and O += P V_blk (a GEMM). Only a
// kQBlock x key-block tile of scores exists at a time. The row's logsumexp
// m + log(l) is kept for the backward.
//
// Backward: one task per kv head (its group of query heads runs inside it, so
// dK and dV are summed in one fixed order): per query block D = rowsum(dO * O),
// and per key block P = exp(scores - lse) recomputed, dV += P^T dO,
// dP = dO V^T, dS = P * (dP - D), dQ += scale dS K, dK += scale dS^T Q.
//
// Every task's result depends only on its inputs and the fixed block sizes, so
// results are bitwise equal for every thread count. The tile GEMMs go to the
// BLAS NumPy ships (kept at most 64*64*64 multiply-adds, the size OpenBLAS runs
// on the calling thread), or a plain loop without one.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "../core/kernels_nn.h"
#include "../core/parallel.h"
#include "vecmath.h"

namespace mt::cpu {

namespace {

constexpr int64_t kQBlock = 64;
constexpr int64_t kTileWork = 64 * 64 * 64;

// Row-major C (m x n, ldc) = alpha op(A) op(B) + beta C.
template <typename T>
void tile_gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
               const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  const BlasGemm& blas = kernel_table(DeviceType::CPU).blas;
  if constexpr (std::is_same_v<T, float>) {
    if (blas.sgemm) return blas.sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  } else {
    if (blas.dgemm) return blas.dgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }
  std::vector<T> row(static_cast<size_t>(n));
  for (int64_t i = 0; i < m; ++i) {
    std::fill(row.begin(), row.end(), T(0));
    for (int64_t p = 0; p < k; ++p) {
      const T av = ta ? a[p * lda + i] : a[i * lda + p];
      if (tb) {
        for (int64_t j = 0; j < n; ++j) row[j] += av * b[j * ldb + p];
      } else {
        const T* br = b + p * ldb;
        for (int64_t j = 0; j < n; ++j) row[j] += av * br[j];
      }
    }
    T* cr = c + i * ldc;
    for (int64_t j = 0; j < n; ++j) cr[j] = alpha * row[j] + (beta == T(0) ? T(0) : beta * cr[j]);
  }
}

int64_t key_block(const SdpaArgs& a) {
  const int64_t width = std::max<int64_t>({a.E, a.Ev, 1});
  return std::clamp<int64_t>(kTileWork / (kQBlock * width), 16, 512);
}

// The kv row offset (in rows of S) of query head bh.
int64_t kv_of(const SdpaArgs& a, int64_t bh) {
  const int64_t b = bh / a.heads, h = bh % a.heads;
  return b * a.kv_heads + h / (a.heads / a.kv_heads);
}

// scores (rows x cols, row stride cols) of queries i0.. and keys j0..: the mask
// added or applied and the causal rule; masked entries are -inf.
template <typename T>
void mask_scores(const SdpaArgs& a, int64_t bh, int64_t i0, int64_t rows, int64_t j0, int64_t cols,
                 T* sc) {
  const T ninf = -std::numeric_limits<T>::infinity();
  if (a.mask) {
    const int64_t b = bh / a.heads, h = bh % a.heads;
    const int64_t base = b * a.mask_sb + h * a.mask_sh;
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t off = base + (i0 + r) * a.mask_sl + j0 * a.mask_ss;
      T* s = sc + r * cols;
      if (a.mask_bool) {
        const bool* m = static_cast<const bool*>(a.mask) + off;
        for (int64_t c = 0; c < cols; ++c)
          if (!m[c * a.mask_ss]) s[c] = ninf;
      } else {
        const T* m = static_cast<const T*>(a.mask) + off;
        for (int64_t c = 0; c < cols; ++c) s[c] += m[c * a.mask_ss];
      }
    }
  }
  if (a.causal) {
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t first = std::max<int64_t>(i0 + r + 1 - j0, 0);  // first masked column
      T* s = sc + r * cols;
      for (int64_t c = first; c < cols; ++c) s[c] = ninf;
    }
  }
}

// max of n values (-inf for none), over 16 independent lanes so it vectorises.
template <typename T>
T row_max(const T* x, int64_t n) {
  constexpr int kLanes = 16;
  T lane[kLanes];
  for (int u = 0; u < kLanes; ++u) lane[u] = -std::numeric_limits<T>::infinity();
  int64_t c = 0;
  for (; c + kLanes <= n; c += kLanes)
    for (int u = 0; u < kLanes; ++u) lane[u] = x[c + u] > lane[u] ? x[c + u] : lane[u];
  for (; c < n; ++c) lane[0] = x[c] > lane[0] ? x[c] : lane[0];
  T m = lane[0];
  for (int u = 1; u < kLanes; ++u) m = lane[u] > m ? lane[u] : m;
  return m;
}

// y = exp(x - m) over n values; returns their sum.
double exp_sum(const float* x, float* y, int64_t n, float m) {
  return vecmath::exp_shift_sum(x, y, n, m);
}
double exp_sum(const double* x, double* y, int64_t n, double m) {
  for (int64_t c = 0; c < n; ++c) y[c] = x[c] - m;
  vecmath::map(vecmath::Fn::Exp, y, y, n);
  double s = 0;
  for (int64_t c = 0; c < n; ++c) s += y[c];
  return s;
}

// The number of keys query block [i0, i0 + rows) sees under the causal rule.
int64_t keys_seen(const SdpaArgs& a, int64_t i0, int64_t rows) {
  return a.causal ? std::min<int64_t>(a.S, i0 + rows) : a.S;
}

template <typename T>
void forward(const SdpaArgs& a) {
  const int64_t L = a.L, S = a.S, E = a.E, Ev = a.Ev, KB = key_block(a);
  const int64_t nqb = (L + kQBlock - 1) / kQBlock;
  const T* q = static_cast<const T*>(a.q);
  const T* k = static_cast<const T*>(a.k);
  const T* v = static_cast<const T*>(a.v);
  T* out = static_cast<T*>(a.out);
  T* lse = static_cast<T*>(a.lse);
  const T scale = static_cast<T>(a.scale);
  const T inf = std::numeric_limits<T>::infinity();
  parallel_for(0, a.batch * a.heads * nqb, 1, [&](int64_t t0, int64_t t1) {
    std::vector<T> sc(static_cast<size_t>(kQBlock * KB)), acc(static_cast<size_t>(kQBlock * Ev));
    std::vector<T> mx(kQBlock), sum(kQBlock);
    for (int64_t task = t0; task < t1; ++task) {
      const int64_t bh = task / nqb, i0 = (task % nqb) * kQBlock;
      const int64_t rows = std::min(kQBlock, L - i0);
      const int64_t kvr = kv_of(a, bh);
      const T* qb = q + (bh * L + i0) * E;
      const T* kb = k + kvr * S * E;
      const T* vb = v + kvr * S * Ev;
      std::fill(acc.begin(), acc.begin() + rows * Ev, T(0));
      std::fill(mx.begin(), mx.end(), -inf);
      std::fill(sum.begin(), sum.end(), T(0));
      const int64_t seen = keys_seen(a, i0, rows);
      for (int64_t j0 = 0; j0 < seen; j0 += KB) {
        const int64_t cols = std::min(KB, S - j0);
        T* s = sc.data();
        tile_gemm<T>(false, true, rows, cols, E, scale, qb, E, kb + j0 * E, E, T(0), s, cols);
        mask_scores<T>(a, bh, i0, rows, j0, cols, s);
        for (int64_t r = 0; r < rows; ++r) {
          T* sr = s + r * cols;
          const T bm = row_max(sr, cols);
          const T mnew = std::max(mx[r], bm);
          if (mnew == -inf) {  // every key so far masked: nothing to add
            std::fill(sr, sr + cols, T(0));
            continue;
          }
          const T corr = mx[r] == -inf ? T(0) : std::exp(mx[r] - mnew);
          const T ps = static_cast<T>(exp_sum(sr, sr, cols, mnew));
          sum[r] = sum[r] * corr + ps;
          if (corr != T(1)) {
            T* ar = acc.data() + r * Ev;
            for (int64_t c = 0; c < Ev; ++c) ar[c] *= corr;
          }
          mx[r] = mnew;
        }
        tile_gemm<T>(false, false, rows, Ev, cols, T(1), s, cols, vb + j0 * Ev, Ev, T(1),
                     acc.data(), Ev);
      }
      T* ob = out + (bh * L + i0) * Ev;
      T* lb = lse + bh * L + i0;
      for (int64_t r = 0; r < rows; ++r) {
        const T l = sum[r];
        const T inv = l > T(0) ? T(1) / l : T(0);
        for (int64_t c = 0; c < Ev; ++c) ob[r * Ev + c] = acc[r * Ev + c] * inv;
        lb[r] = l > T(0) ? mx[r] + std::log(l) : inf;
      }
    }
  });
}

template <typename T>
void backward(const SdpaArgs& a) {
  const int64_t L = a.L, S = a.S, E = a.E, Ev = a.Ev, KB = key_block(a);
  const int64_t group = a.heads / a.kv_heads;
  const T* q = static_cast<const T*>(a.q);
  const T* k = static_cast<const T*>(a.k);
  const T* v = static_cast<const T*>(a.v);
  const T* out = static_cast<const T*>(a.out);
  const T* lse = static_cast<const T*>(a.lse);
  const T* dout = static_cast<const T*>(a.dout);
  T* dq = static_cast<T*>(a.dq);
  T* dk = static_cast<T*>(a.dk);
  T* dv = static_cast<T*>(a.dv);
  const T scale = static_cast<T>(a.scale);
  std::fill(dq, dq + a.batch * a.heads * L * E, T(0));
  std::fill(dk, dk + a.batch * a.kv_heads * S * E, T(0));
  std::fill(dv, dv + a.batch * a.kv_heads * S * Ev, T(0));
  parallel_for(0, a.batch * a.kv_heads, 1, [&](int64_t t0, int64_t t1) {
    std::vector<T> p(static_cast<size_t>(kQBlock * KB)), dp(static_cast<size_t>(kQBlock * KB));
    std::vector<T> dd(kQBlock);
    for (int64_t kvr = t0; kvr < t1; ++kvr) {
      const int64_t b = kvr / a.kv_heads, hk = kvr % a.kv_heads;
      const T* kb = k + kvr * S * E;
      const T* vb = v + kvr * S * Ev;
      T* dkb = dk + kvr * S * E;
      T* dvb = dv + kvr * S * Ev;
      for (int64_t h = hk * group; h < (hk + 1) * group; ++h) {
        const int64_t bh = b * a.heads + h;
        for (int64_t i0 = 0; i0 < L; i0 += kQBlock) {
          const int64_t rows = std::min(kQBlock, L - i0);
          const T* qb = q + (bh * L + i0) * E;
          const T* ob = out + (bh * L + i0) * Ev;
          const T* gb = dout + (bh * L + i0) * Ev;
          const T* lb = lse + bh * L + i0;
          T* dqb = dq + (bh * L + i0) * E;
          for (int64_t r = 0; r < rows; ++r) {
            T s = 0;
            for (int64_t c = 0; c < Ev; ++c) s += gb[r * Ev + c] * ob[r * Ev + c];
            dd[r] = s;
          }
          const int64_t seen = keys_seen(a, i0, rows);
          for (int64_t j0 = 0; j0 < seen; j0 += KB) {
            const int64_t cols = std::min(KB, S - j0);
            T* pp = p.data();
            tile_gemm<T>(false, true, rows, cols, E, scale, qb, E, kb + j0 * E, E, T(0), pp, cols);
            mask_scores<T>(a, bh, i0, rows, j0, cols, pp);
            for (int64_t r = 0; r < rows; ++r) {
              T* pr = pp + r * cols;
              const T l = lb[r];
              for (int64_t c = 0; c < cols; ++c) pr[c] -= l;  // -inf where masked or l = inf
            }
            vecmath::map(vecmath::Fn::Exp, pp, pp, rows * cols);
            tile_gemm<T>(true, false, cols, Ev, rows, T(1), pp, cols, gb, Ev, T(1), dvb + j0 * Ev,
                         Ev);
            T* ds = dp.data();
            tile_gemm<T>(false, true, rows, cols, Ev, T(1), gb, Ev, vb + j0 * Ev, Ev, T(0), ds,
                         cols);
            for (int64_t r = 0; r < rows; ++r)
              for (int64_t c = 0; c < cols; ++c)
                ds[r * cols + c] = pp[r * cols + c] * (ds[r * cols + c] - dd[r]);
            tile_gemm<T>(false, false, rows, E, cols, scale, ds, cols, kb + j0 * E, E, T(1), dqb,
                         E);
            tile_gemm<T>(true, false, cols, E, rows, scale, ds, cols, qb, E, T(1), dkb + j0 * E, E);
          }
        }
      }
    }
  });
}

}  // namespace

void register_attention_kernels(NnKernelTable& t) {
  t.sdpa_forward = [](const SdpaArgs& a) {
    if (a.dtype == DType::Float64)
      forward<double>(a);
    else
      forward<float>(a);
  };
  t.sdpa_backward = [](const SdpaArgs& a) {
    if (a.dtype == DType::Float64)
      backward<double>(a);
    else
      backward<float>(a);
  };
}

}  // namespace mt::cpu
