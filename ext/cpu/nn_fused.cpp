// nn_fused.cpp: CPU kernels of the fused losses and norms (Note [Fused nn
// losses and norms] in ext/ops/nn_fused.cpp). Rows are independent and each
// row's sums run in one fixed order, so results do not depend on the thread
// count; the weight and bias gradients of the norms are summed per fixed
// block of rows, then the blocks in order.
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "../core/parallel.h"
#include "elementwise_loops.h"
#include "nn_fused.h"
#include "vecmath.h"

namespace mt::cpu {
namespace {

template <typename T>
using acc_t = std::conditional_t<(sizeof(T) >= 4), double, float>;

// opmath of T as vecmath takes it (float or double).
template <typename T>
using vm_t = std::conditional_t<std::is_same_v<T, double>, double, float>;

template <typename T>
const T* cptr(const TensorImpl& t) {
  return reinterpret_cast<const T*>(t.data());
}
template <typename T>
T* mptr(const TensorImpl& t) {
  return reinterpret_cast<T*>(t.data());
}

// Rows per parallel block: about kGrainSize elements each.
int64_t row_grain(int64_t cols) {
  return std::max<int64_t>(1, kGrainSize / std::max<int64_t>(cols, 1));
}

// ---- nll / cross entropy ----
void check_targets(const NllShape& sh, const TensorImpl& target) {
  const int64_t* tp = cptr<int64_t>(target);
  const int64_t rows = sh.n * sh.s;
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t t = tp[r];
    if (t != sh.ignore_index && (t < 0 || t >= sh.c))
      MT_THROW(IndexError, "Target ", t, " is out of bounds.");
  }
}

template <typename T>
void nll_forward_t(const NllShape& sh, const TensorImpl& x, const TensorImpl& target,
                   const TensorImpl* weight, const TensorImpl& loss, const TensorImpl& wrow,
                   const TensorImpl& lse) {
  using A = acc_t<T>;
  using V = vm_t<T>;
  const T* xp = cptr<T>(x);
  const T* wp = weight ? cptr<T>(*weight) : nullptr;
  const int64_t* tp = cptr<int64_t>(target);
  A* lp = mptr<A>(loss);
  A* wr = mptr<A>(wrow);
  A* sp = mptr<A>(lse);
  const int64_t C = sh.c, S = sh.s;
  A wsum_all = 0;  // sum of the class weights (label smoothing)
  for (int64_t c = 0; c < C; ++c) wsum_all += wp ? static_cast<A>(wp[c]) : A(1);
  const A ls = static_cast<A>(sh.smoothing);
  parallel_for(0, sh.n * S, row_grain(C), [&](int64_t b, int64_t e) {
    std::vector<V> buf(static_cast<size_t>(sh.log_softmax ? C : 0));
    for (int64_t r = b; r < e; ++r) {
      const int64_t n = r / S, s = r % S;
      const T* row = xp + n * C * S + s;  // element c at row[c * S]
      const int64_t t = tp[r];
      A l = 0;
      if (sh.log_softmax) {
        V mx = -std::numeric_limits<V>::infinity();
        for (int64_t c = 0; c < C; ++c) mx = std::max(mx, static_cast<V>(row[c * S]));
        if (!std::isfinite(mx)) mx = 0;
        for (int64_t c = 0; c < C; ++c) buf[c] = static_cast<V>(row[c * S]) - mx;
        vecmath::map(vecmath::Fn::Exp, buf.data(), buf.data(), C);
        A se = 0;
        for (int64_t c = 0; c < C; ++c) se += buf[c];
        const A lz = std::log(se) + static_cast<A>(mx);
        sp[r] = lz;
        if (t == sh.ignore_index) {
          lp[r] = 0;
          wr[r] = 0;
          continue;
        }
        const A wt = wp ? static_cast<A>(wp[t]) : A(1);
        l = wt * (lz - static_cast<A>(row[t * S]));
        if (ls > 0) {
          A sm = 0;  // -sum_c w_c logp_c
          for (int64_t c = 0; c < C; ++c)
            sm += (wp ? static_cast<A>(wp[c]) : A(1)) * (lz - static_cast<A>(row[c * S]));
          l = (1 - ls) * l + ls / static_cast<A>(C) * sm;
        }
        lp[r] = l;
        wr[r] = wt;
      } else {
        if (t == sh.ignore_index) {
          lp[r] = 0;
          wr[r] = 0;
          continue;
        }
        const A wt = wp ? static_cast<A>(wp[t]) : A(1);
        lp[r] = -wt * static_cast<A>(row[t * S]);
        wr[r] = wt;
      }
    }
  });
  (void)wsum_all;
}

template <typename T>
void nll_backward_t(const NllShape& sh, const TensorImpl& x, const TensorImpl& target,
                    const TensorImpl* weight, const TensorImpl& lse, const TensorImpl& g,
                    const TensorImpl& gx) {
  using A = acc_t<T>;
  using V = vm_t<T>;
  const T* xp = cptr<T>(x);
  const T* wp = weight ? cptr<T>(*weight) : nullptr;
  const int64_t* tp = cptr<int64_t>(target);
  const A* sp = cptr<A>(lse);
  const A* gp = cptr<A>(g);
  const bool g_scalar = g.numel() == 1;
  T* op = mptr<T>(gx);
  const int64_t C = sh.c, S = sh.s;
  A wsum_all = 0;
  for (int64_t c = 0; c < C; ++c) wsum_all += wp ? static_cast<A>(wp[c]) : A(1);
  const A ls = static_cast<A>(sh.smoothing);
  parallel_for(0, sh.n * S, row_grain(C), [&](int64_t b, int64_t e) {
    std::vector<V> buf(static_cast<size_t>(sh.log_softmax ? C : 0));
    for (int64_t r = b; r < e; ++r) {
      const int64_t n = r / S, s = r % S;
      const T* row = xp + n * C * S + s;
      T* orow = op + n * C * S + s;
      const int64_t t = tp[r];
      if (t == sh.ignore_index) {
        for (int64_t c = 0; c < C; ++c) orow[c * S] = T(0);
        continue;
      }
      const A gr = g_scalar ? gp[0] : gp[r];
      const A wt = wp ? static_cast<A>(wp[t]) : A(1);
      if (!sh.log_softmax) {
        for (int64_t c = 0; c < C; ++c) orow[c * S] = T(0);
        orow[t * S] = static_cast<T>(-gr * wt);
        continue;
      }
      const V lz = static_cast<V>(sp[r]);
      for (int64_t c = 0; c < C; ++c) buf[c] = static_cast<V>(row[c * S]) - lz;
      vecmath::map(vecmath::Fn::Exp, buf.data(), buf.data(), C);
      // d/dx_c: (1 - ls) wt (p_c - [c == t]) + ls / C (W p_c - w_c)
      const A a = (1 - ls) * wt * gr;
      const A bsm = ls / static_cast<A>(C) * gr;
      for (int64_t c = 0; c < C; ++c) {
        const A p = static_cast<A>(buf[c]);
        A v = a * p;
        if (ls > 0) v += bsm * (wsum_all * p - (wp ? static_cast<A>(wp[c]) : A(1)));
        orow[c * S] = static_cast<T>(v);
      }
      orow[t * S] = static_cast<T>(static_cast<A>(orow[t * S]) - a);
    }
  });
}

void nll_forward(const NllShape& sh, const TensorImpl& x, const TensorImpl& target,
                 const TensorImpl* weight, const TensorImpl& loss, const TensorImpl& wrow,
                 const TensorImpl& lse) {
  check_targets(sh, target);
  dispatch_elem<kFloat>(x.dtype(), "nll_loss_forward", [&](auto tag) {
    nll_forward_t<typename decltype(tag)::type>(sh, x, target, weight, loss, wrow, lse);
  });
}

void nll_backward(const NllShape& sh, const TensorImpl& x, const TensorImpl& target,
                  const TensorImpl* weight, const TensorImpl& lse, const TensorImpl& g,
                  const TensorImpl& gx) {
  dispatch_elem<kFloat>(x.dtype(), "nll_loss_backward", [&](auto tag) {
    nll_backward_t<typename decltype(tag)::type>(sh, x, target, weight, lse, g, gx);
  });
}

// ---- layer_norm / rms_norm ----
template <typename T>
void norm_forward_t(const NormShape& sh, const TensorImpl& x, const TensorImpl* weight,
                    const TensorImpl* bias, const TensorImpl& y, const TensorImpl& mean,
                    const TensorImpl& rstd) {
  using A = acc_t<T>;
  const T* xp = cptr<T>(x);
  const T* wp = weight ? cptr<T>(*weight) : nullptr;
  const T* bp = bias ? cptr<T>(*bias) : nullptr;
  T* yp = mptr<T>(y);
  A* mp = mptr<A>(mean);
  A* rp = mptr<A>(rstd);
  const int64_t D = sh.cols;
  parallel_for(0, sh.rows, row_grain(D), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const T* xr = xp + r * D;
      T* yr = yp + r * D;
      A mu = 0;
      if (!sh.rms) {
        for (int64_t j = 0; j < D; ++j) mu += static_cast<A>(xr[j]);
        mu /= static_cast<A>(D);
      }
      A ss = 0;
      for (int64_t j = 0; j < D; ++j) {
        const A d = static_cast<A>(xr[j]) - mu;
        ss += d * d;
      }
      const A rs = A(1) / std::sqrt(ss / static_cast<A>(D) + static_cast<A>(sh.eps));
      mp[r] = mu;
      rp[r] = rs;
      for (int64_t j = 0; j < D; ++j) {
        A v = (static_cast<A>(xr[j]) - mu) * rs;
        if (wp) v *= static_cast<A>(wp[j]);
        if (bp) v += static_cast<A>(bp[j]);
        yr[j] = static_cast<T>(v);
      }
    }
  });
}

template <typename T>
void norm_backward_t(const NormShape& sh, const TensorImpl& g, const TensorImpl& x,
                     const TensorImpl* weight, const TensorImpl& mean, const TensorImpl& rstd,
                     const TensorImpl* gx, const TensorImpl* gw, const TensorImpl* gb) {
  using A = acc_t<T>;
  const T* gp = cptr<T>(g);
  const T* xp = cptr<T>(x);
  const T* wp = weight ? cptr<T>(*weight) : nullptr;
  const A* mp = cptr<A>(mean);
  const A* rp = cptr<A>(rstd);
  T* gxp = gx ? mptr<T>(*gx) : nullptr;
  const int64_t D = sh.cols, R = sh.rows;
  const int64_t grain = row_grain(D);
  const int64_t nblocks = num_chunks(R, grain);
  const bool params = gw || gb;
  // per block partial sums of g * xhat (weight) and g (bias)
  std::vector<A> part(params ? static_cast<size_t>(nblocks * 2 * D) : 0, A(0));
  parallel_for(0, nblocks, 1, [&](int64_t kb, int64_t ke) {
    for (int64_t k = kb; k < ke; ++k) {
      const int64_t r0 = k * grain, r1 = std::min(R, r0 + grain);
      A* pw = params ? part.data() + k * 2 * D : nullptr;
      A* pb = params ? pw + D : nullptr;
      for (int64_t r = r0; r < r1; ++r) {
        const T* xr = xp + r * D;
        const T* gr = gp + r * D;
        const A mu = mp[r], rs = rp[r];
        if (params) {
          for (int64_t j = 0; j < D; ++j) {
            const A gj = static_cast<A>(gr[j]);
            pw[j] += gj * (static_cast<A>(xr[j]) - mu) * rs;
            pb[j] += gj;
          }
        }
        if (!gxp) continue;
        // dxhat = g w; gx = rs (dxhat - mean(dxhat) - xhat mean(dxhat xhat))
        A s1 = 0, s2 = 0;
        for (int64_t j = 0; j < D; ++j) {
          const A dh = static_cast<A>(gr[j]) * (wp ? static_cast<A>(wp[j]) : A(1));
          const A xh = (static_cast<A>(xr[j]) - mu) * rs;
          s1 += dh;
          s2 += dh * xh;
        }
        const A inv = A(1) / static_cast<A>(D);
        s1 = sh.rms ? A(0) : s1 * inv;
        s2 *= inv;
        T* gxr = gxp + r * D;
        for (int64_t j = 0; j < D; ++j) {
          const A dh = static_cast<A>(gr[j]) * (wp ? static_cast<A>(wp[j]) : A(1));
          const A xh = (static_cast<A>(xr[j]) - mu) * rs;
          gxr[j] = static_cast<T>(rs * (dh - s1 - xh * s2));
        }
      }
    }
  });
  if (!params) return;
  A* gwp = gw ? mptr<A>(*gw) : nullptr;
  A* gbp = gb ? mptr<A>(*gb) : nullptr;
  for (int64_t j = 0; j < D; ++j) {
    A sw = 0, sb = 0;
    for (int64_t k = 0; k < nblocks; ++k) {
      sw += part[k * 2 * D + j];
      sb += part[k * 2 * D + D + j];
    }
    if (gwp) gwp[j] = sw;
    if (gbp) gbp[j] = sb;
  }
}

void norm_forward(const NormShape& sh, const TensorImpl& x, const TensorImpl* weight,
                  const TensorImpl* bias, const TensorImpl& y, const TensorImpl& mean,
                  const TensorImpl& rstd) {
  dispatch_elem<kFloat>(x.dtype(), sh.rms ? "rms_norm" : "layer_norm", [&](auto tag) {
    norm_forward_t<typename decltype(tag)::type>(sh, x, weight, bias, y, mean, rstd);
  });
}

void norm_backward(const NormShape& sh, const TensorImpl& g, const TensorImpl& x,
                   const TensorImpl* weight, const TensorImpl& mean, const TensorImpl& rstd,
                   const TensorImpl* gx, const TensorImpl* gw, const TensorImpl* gb) {
  dispatch_elem<kFloat>(
      x.dtype(), sh.rms ? "rms_norm_backward" : "layer_norm_backward", [&](auto tag) {
        norm_backward_t<typename decltype(tag)::type>(sh, g, x, weight, mean, rstd, gx, gw, gb);
      });
}

}  // namespace

void register_nn_fused(NnKernelTable& t) {
  t.nll_forward = nll_forward;
  t.nll_backward = nll_backward;
  t.norm_forward = norm_forward;
  t.norm_backward = norm_backward;
}

}  // namespace mt::cpu
