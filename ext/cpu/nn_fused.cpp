// nn_fused.cpp: CPU kernels of the fused losses and norms (Note [Fused nn
// losses and norms] in ext/ops/nn_fused.cpp). Rows are independent and each
// row's sums run in one fixed order, so results do not depend on the thread
// count; the weight and bias gradients of the norms are summed per fixed
// block of rows, then the blocks in order.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "../core/parallel.h"
#include "elementwise_loops.h"
#include "nn_kernel_util.h"
#include "nn_fused.h"
#include "vecmath.h"

namespace mt::cpu {
namespace {

using namespace nnk;  // acc_t, vm_t, cptr, mptr, lane_sum, row_grain

template <typename V>
V lane_max(const V* x, int64_t n) {
  V acc[8];
  for (V& a : acc) a = -std::numeric_limits<V>::infinity();
  int64_t j = 0;
  for (; j + 8 <= n; j += 8)
    for (int k = 0; k < 8; ++k) acc[k] = x[j + k] > acc[k] ? x[j + k] : acc[k];
  V m = -std::numeric_limits<V>::infinity();
  for (; j < n; ++j) m = x[j] > m ? x[j] : m;
  for (V a : acc) m = a > m ? a : m;
  return m;
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

// Row r of x (class c at row[c * S]) as a contiguous V array: the row itself
// when it already is one, else a copy in `buf`.
template <typename T, typename V>
const V* load_row(const T* row, int64_t C, int64_t S, std::vector<V>& buf) {
  if constexpr (std::is_same_v<T, V>) {
    if (S == 1) return row;
  }
  for (int64_t c = 0; c < C; ++c) buf[c] = static_cast<V>(row[c * S]);
  return buf.data();
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
  const A ls = static_cast<A>(sh.smoothing);
  // the class weights as A, and their sum (label smoothing)
  std::vector<A> wa(wp ? static_cast<size_t>(C) : 0);
  for (int64_t c = 0; c < static_cast<int64_t>(wa.size()); ++c) wa[c] = static_cast<A>(wp[c]);
  const A wsum_all = wp ? lane_sum<A>(C, [&](int64_t c) { return wa[c]; }) : static_cast<A>(C);
  parallel_for(0, sh.n * S, row_grain(C), [&](int64_t b, int64_t e) {
    std::vector<V> xbuf(static_cast<size_t>(C)), ebuf(static_cast<size_t>(C));
    for (int64_t r = b; r < e; ++r) {
      const int64_t n = r / S, s = r % S;
      const int64_t t = tp[r];
      const bool ignored = t == sh.ignore_index;
      const A wt = ignored ? A(0) : (wp ? wa[t] : A(1));
      wr[r] = wt;
      if (!sh.log_softmax) {
        lp[r] = ignored ? A(0) : -wt * static_cast<A>(xp[(n * C + t) * S + s]);
        continue;
      }
      const V* xr = load_row<T, V>(xp + n * C * S + s, C, S, xbuf);
      V mx = lane_max(xr, C);
      if (!std::isfinite(mx)) mx = 0;
      for (int64_t c = 0; c < C; ++c) ebuf[c] = xr[c] - mx;
      vecmath::map(vecmath::Fn::Exp, ebuf.data(), ebuf.data(), C);
      const A lz = std::log(lane_sum<A>(C, [&](int64_t c) { return static_cast<A>(ebuf[c]); })) +
                   static_cast<A>(mx);
      sp[r] = lz;
      if (ignored) {
        lp[r] = 0;
        continue;
      }
      A l = wt * (lz - static_cast<A>(xr[t]));
      if (ls > 0) {
        // -sum_c w_c logp_c = W lz - sum_c w_c x_c
        const A wx = wp ? lane_sum<A>(C, [&](int64_t c) { return wa[c] * static_cast<A>(xr[c]); })
                        : lane_sum<A>(C, [&](int64_t c) { return static_cast<A>(xr[c]); });
        l = (1 - ls) * l + ls / static_cast<A>(C) * (wsum_all * lz - wx);
      }
      lp[r] = l;
    }
  });
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
  const A ls = static_cast<A>(sh.smoothing);
  std::vector<A> wa(wp ? static_cast<size_t>(C) : 0);
  for (int64_t c = 0; c < static_cast<int64_t>(wa.size()); ++c) wa[c] = static_cast<A>(wp[c]);
  const A wsum_all = wp ? lane_sum<A>(C, [&](int64_t c) { return wa[c]; }) : static_cast<A>(C);
  parallel_for(0, sh.n * S, row_grain(C), [&](int64_t b, int64_t e) {
    std::vector<V> xbuf(static_cast<size_t>(C)), ebuf(static_cast<size_t>(C));
    std::vector<T> obuf(S == 1 ? 0 : static_cast<size_t>(C));
    for (int64_t r = b; r < e; ++r) {
      const int64_t n = r / S, s = r % S;
      T* orow = S == 1 ? op + n * C : obuf.data();
      const int64_t t = tp[r];
      if (t == sh.ignore_index) {
        for (int64_t c = 0; c < C; ++c) orow[c] = T(0);
      } else if (!sh.log_softmax) {
        const A gr = g_scalar ? gp[0] : gp[r];
        for (int64_t c = 0; c < C; ++c) orow[c] = T(0);
        orow[t] = static_cast<T>(-gr * (wp ? wa[t] : A(1)));
      } else {
        const A gr = g_scalar ? gp[0] : gp[r];
        const A wt = wp ? wa[t] : A(1);
        const V* xr = load_row<T, V>(xp + n * C * S + s, C, S, xbuf);
        const V lz = static_cast<V>(sp[r]);
        for (int64_t c = 0; c < C; ++c) ebuf[c] = xr[c] - lz;
        vecmath::map(vecmath::Fn::Exp, ebuf.data(), ebuf.data(), C);
        // d/dx_c: (1 - ls) wt (p_c - [c == t]) + ls / C (W p_c - w_c)
        const A a = (1 - ls) * wt * gr;
        if (ls > 0) {
          const A bsm = ls / static_cast<A>(C) * gr;
          const A pc = a + bsm * wsum_all;
          if (wp) {
            for (int64_t c = 0; c < C; ++c)
              orow[c] = static_cast<T>(pc * static_cast<A>(ebuf[c]) - bsm * wa[c]);
          } else {
            for (int64_t c = 0; c < C; ++c)
              orow[c] = static_cast<T>(pc * static_cast<A>(ebuf[c]) - bsm);
          }
          orow[t] = static_cast<T>(pc * static_cast<A>(ebuf[t]) - bsm * (wp ? wa[t] : A(1)) - a);
        } else {
          for (int64_t c = 0; c < C; ++c) orow[c] = static_cast<T>(a * static_cast<A>(ebuf[c]));
          orow[t] = static_cast<T>(a * static_cast<A>(ebuf[t]) - a);
        }
      }
      if (S != 1) {
        T* dst = op + n * C * S + s;
        for (int64_t c = 0; c < C; ++c) dst[c * S] = orow[c];
      }
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
  const A invd = A(1) / static_cast<A>(D);
  parallel_for(0, sh.rows, row_grain(D), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const T* xr = xp + r * D;
      T* yr = yp + r * D;
      const A mu =
          sh.rms ? A(0) : lane_sum<A>(D, [&](int64_t j) { return static_cast<A>(xr[j]); }) * invd;
      const A ss = lane_sum<A>(D, [&](int64_t j) {
        const A d = static_cast<A>(xr[j]) - mu;
        return d * d;
      });
      const A rs = A(1) / std::sqrt(ss * invd + static_cast<A>(sh.eps));
      mp[r] = mu;
      rp[r] = rs;
      if (wp && bp) {
        for (int64_t j = 0; j < D; ++j)
          yr[j] = static_cast<T>((static_cast<A>(xr[j]) - mu) * rs * static_cast<A>(wp[j]) +
                                 static_cast<A>(bp[j]));
      } else if (wp) {
        for (int64_t j = 0; j < D; ++j)
          yr[j] = static_cast<T>((static_cast<A>(xr[j]) - mu) * rs * static_cast<A>(wp[j]));
      } else if (bp) {
        for (int64_t j = 0; j < D; ++j)
          yr[j] = static_cast<T>((static_cast<A>(xr[j]) - mu) * rs + static_cast<A>(bp[j]));
      } else {
        for (int64_t j = 0; j < D; ++j) yr[j] = static_cast<T>((static_cast<A>(xr[j]) - mu) * rs);
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
  const A invd = A(1) / static_cast<A>(D);
  std::vector<A> wa(wp ? static_cast<size_t>(D) : 0);
  for (int64_t j = 0; j < static_cast<int64_t>(wa.size()); ++j) wa[j] = static_cast<A>(wp[j]);
  // per block partial sums of g * xhat (weight) and g (bias)
  std::vector<A> part(params ? static_cast<size_t>(nblocks * 2 * D) : 0, A(0));
  parallel_for(0, nblocks, 1, [&](int64_t kb, int64_t ke) {
    std::vector<A> dh(static_cast<size_t>(D)), xh(static_cast<size_t>(D));
    for (int64_t k = kb; k < ke; ++k) {
      const int64_t r0 = k * grain, r1 = std::min(R, r0 + grain);
      A* pw = params ? part.data() + k * 2 * D : nullptr;
      A* pb = params ? pw + D : nullptr;
      for (int64_t r = r0; r < r1; ++r) {
        const T* xr = xp + r * D;
        const T* gr = gp + r * D;
        const A mu = mp[r], rs = rp[r];
        for (int64_t j = 0; j < D; ++j) xh[j] = (static_cast<A>(xr[j]) - mu) * rs;
        if (params) {
          for (int64_t j = 0; j < D; ++j) {
            const A gj = static_cast<A>(gr[j]);
            pw[j] += gj * xh[j];
            pb[j] += gj;
          }
        }
        if (!gxp) continue;
        // dxhat = g w; gx = rs (dxhat - mean(dxhat) - xhat mean(dxhat xhat))
        if (wp) {
          for (int64_t j = 0; j < D; ++j) dh[j] = static_cast<A>(gr[j]) * wa[j];
        } else {
          for (int64_t j = 0; j < D; ++j) dh[j] = static_cast<A>(gr[j]);
        }
        const A s1 = sh.rms ? A(0) : lane_sum<A>(D, [&](int64_t j) { return dh[j]; }) * invd;
        const A s2 = lane_sum<A>(D, [&](int64_t j) { return dh[j] * xh[j]; }) * invd;
        T* gxr = gxp + r * D;
        for (int64_t j = 0; j < D; ++j) gxr[j] = static_cast<T>(rs * (dh[j] - s1 - xh[j] * s2));
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

// ---- batch_norm / group_norm ----
// x (n, c, s); the statistic k's elements: batch_norm channel k, the runs
// x[i, k, :] for every i; group_norm row k = (i, grp), one contiguous run of
// (c / groups) * s elements starting at k * (c / groups) * s.
template <typename T>
void channel_norm_forward_t(const ChannelNormShape& sh, const TensorImpl& x,
                            const TensorImpl* weight, const TensorImpl* bias, const TensorImpl& y,
                            const TensorImpl& mean, const TensorImpl& rstd,
                            const TensorImpl* var_out) {
  using A = acc_t<T>;
  const T* xp = cptr<T>(x);
  const T* wp = weight ? cptr<T>(*weight) : nullptr;
  const T* bp = bias ? cptr<T>(*bias) : nullptr;
  T* yp = mptr<T>(y);
  A* mp = mptr<A>(mean);
  A* rp = mptr<A>(rstd);
  A* vp = var_out ? mptr<A>(*var_out) : nullptr;
  const int64_t N = sh.n, C = sh.c, S = sh.s;
  if (sh.groups == 0) {
    const int64_t M = N * S;
    const A invm = A(1) / static_cast<A>(std::max<int64_t>(M, 1));
    parallel_for(0, C, row_grain(M), [&](int64_t b, int64_t e) {
      for (int64_t c = b; c < e; ++c) {
        A mu, rs;
        if (sh.use_input_stats) {
          A sum = 0;
          for (int64_t i = 0; i < N; ++i) {
            const T* run = xp + (i * C + c) * S;
            sum += lane_sum<A>(S, [&](int64_t j) { return static_cast<A>(run[j]); });
          }
          mu = sum * invm;
          A ss = 0;
          for (int64_t i = 0; i < N; ++i) {
            const T* run = xp + (i * C + c) * S;
            ss += lane_sum<A>(S, [&](int64_t j) {
              const A d = static_cast<A>(run[j]) - mu;
              return d * d;
            });
          }
          const A var = ss * invm;
          if (vp) vp[c] = var;
          rs = A(1) / std::sqrt(var + static_cast<A>(sh.eps));
          mp[c] = mu;
          rp[c] = rs;
        } else {  // eval: mean holds the running mean, rstd the running variance
          mu = mp[c];
          rs = A(1) / std::sqrt(rp[c] + static_cast<A>(sh.eps));
          rp[c] = rs;
        }
        const A sc = wp ? rs * static_cast<A>(wp[c]) : rs;
        const A sh0 = (bp ? static_cast<A>(bp[c]) : A(0)) - mu * sc;
        for (int64_t i = 0; i < N; ++i) {
          const T* run = xp + (i * C + c) * S;
          T* out = yp + (i * C + c) * S;
          for (int64_t j = 0; j < S; ++j)
            out[j] = static_cast<T>(static_cast<A>(run[j]) * sc + sh0);
        }
      }
    });
    return;
  }
  const int64_t G = sh.groups, CG = C / G, L = CG * S;
  const A invl = A(1) / static_cast<A>(std::max<int64_t>(L, 1));
  parallel_for(0, N * G, row_grain(L), [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; ++k) {
      const T* run = xp + k * L;
      T* out = yp + k * L;
      const A mu = lane_sum<A>(L, [&](int64_t j) { return static_cast<A>(run[j]); }) * invl;
      const A ss = lane_sum<A>(L, [&](int64_t j) {
        const A d = static_cast<A>(run[j]) - mu;
        return d * d;
      });
      const A rs = A(1) / std::sqrt(ss * invl + static_cast<A>(sh.eps));
      mp[k] = mu;
      rp[k] = rs;
      const int64_t c0 = (k % G) * CG;
      for (int64_t cc = 0; cc < CG; ++cc) {
        const int64_t c = c0 + cc;
        const A sc = wp ? rs * static_cast<A>(wp[c]) : rs;
        const A sh0 = (bp ? static_cast<A>(bp[c]) : A(0)) - mu * sc;
        const T* xr = run + cc * S;
        T* yr = out + cc * S;
        for (int64_t j = 0; j < S; ++j) yr[j] = static_cast<T>(static_cast<A>(xr[j]) * sc + sh0);
      }
    }
  });
}

template <typename T>
void channel_norm_backward_t(const ChannelNormShape& sh, const TensorImpl& g, const TensorImpl& x,
                             const TensorImpl* weight, const TensorImpl& mean,
                             const TensorImpl& rstd, const TensorImpl* gx, const TensorImpl* gw,
                             const TensorImpl* gb) {
  using A = acc_t<T>;
  const T* gp = cptr<T>(g);
  const T* xp = cptr<T>(x);
  const T* wp = weight ? cptr<T>(*weight) : nullptr;
  const A* mp = cptr<A>(mean);
  const A* rp = cptr<A>(rstd);
  T* gxp = gx ? mptr<T>(*gx) : nullptr;
  A* gwp = gw ? mptr<A>(*gw) : nullptr;
  A* gbp = gb ? mptr<A>(*gb) : nullptr;
  const int64_t N = sh.n, C = sh.c, S = sh.s;
  const int64_t G = sh.groups, CG = G ? C / G : 1;
  // the statistic of channel c in sample i
  auto stat = [&](int64_t i, int64_t c) { return G ? i * G + c / CG : c; };
  // per channel: sum g (gb) and sum g xhat (gw); independent across channels
  std::vector<A> sg(static_cast<size_t>(C)), sgx(static_cast<size_t>(C));
  parallel_for(0, C, row_grain(N * S), [&](int64_t b, int64_t e) {
    for (int64_t c = b; c < e; ++c) {
      A a1 = 0, a2 = 0;
      for (int64_t i = 0; i < N; ++i) {
        const int64_t k = stat(i, c);
        const A mu = mp[k], rs = rp[k];
        const T* gr = gp + (i * C + c) * S;
        const T* xr = xp + (i * C + c) * S;
        a1 += lane_sum<A>(S, [&](int64_t j) { return static_cast<A>(gr[j]); });
        a2 += lane_sum<A>(S, [&](int64_t j) {
          return static_cast<A>(gr[j]) * ((static_cast<A>(xr[j]) - mu) * rs);
        });
      }
      sg[c] = a1;
      sgx[c] = a2;
      if (gbp) gbp[c] = a1;
      if (gwp) gwp[c] = a2;
    }
  });
  if (!gxp) return;
  if (G == 0) {
    const int64_t M = N * S;
    const A invm = A(1) / static_cast<A>(std::max<int64_t>(M, 1));
    parallel_for(0, C, row_grain(M), [&](int64_t b, int64_t e) {
      for (int64_t c = b; c < e; ++c) {
        const A mu = mp[c], rs = rp[c];
        const A w = wp ? static_cast<A>(wp[c]) : A(1);
        const A m1 = sg[c] * invm, m2 = sgx[c] * invm;
        for (int64_t i = 0; i < N; ++i) {
          const T* gr = gp + (i * C + c) * S;
          const T* xr = xp + (i * C + c) * S;
          T* out = gxp + (i * C + c) * S;
          if (sh.use_input_stats) {
            for (int64_t j = 0; j < S; ++j) {
              const A xh = (static_cast<A>(xr[j]) - mu) * rs;
              out[j] = static_cast<T>(w * rs * (static_cast<A>(gr[j]) - m1 - xh * m2));
            }
          } else {
            for (int64_t j = 0; j < S; ++j) out[j] = static_cast<T>(w * rs * static_cast<A>(gr[j]));
          }
        }
      }
    });
    return;
  }
  const int64_t L = CG * S;
  const A invl = A(1) / static_cast<A>(std::max<int64_t>(L, 1));
  parallel_for(0, N * G, row_grain(L), [&](int64_t b, int64_t e) {
    std::vector<A> dh(static_cast<size_t>(L)), xh(static_cast<size_t>(L));
    for (int64_t k = b; k < e; ++k) {
      const T* gr = gp + k * L;
      const T* xr = xp + k * L;
      const A mu = mp[k], rs = rp[k];
      const int64_t c0 = (k % G) * CG;
      for (int64_t cc = 0; cc < CG; ++cc) {
        const A w = wp ? static_cast<A>(wp[c0 + cc]) : A(1);
        for (int64_t j = cc * S; j < (cc + 1) * S; ++j) {
          dh[j] = static_cast<A>(gr[j]) * w;
          xh[j] = (static_cast<A>(xr[j]) - mu) * rs;
        }
      }
      const A s1 = lane_sum<A>(L, [&](int64_t j) { return dh[j]; }) * invl;
      const A s2 = lane_sum<A>(L, [&](int64_t j) { return dh[j] * xh[j]; }) * invl;
      T* out = gxp + k * L;
      for (int64_t j = 0; j < L; ++j) out[j] = static_cast<T>(rs * (dh[j] - s1 - xh[j] * s2));
    }
  });
}

void channel_norm_forward(const ChannelNormShape& sh, const TensorImpl& x, const TensorImpl* weight,
                          const TensorImpl* bias, const TensorImpl& y, const TensorImpl& mean,
                          const TensorImpl& rstd, const TensorImpl* var_out) {
  dispatch_elem<kFloat>(x.dtype(), sh.groups ? "group_norm" : "batch_norm", [&](auto tag) {
    channel_norm_forward_t<typename decltype(tag)::type>(sh, x, weight, bias, y, mean, rstd,
                                                         var_out);
  });
}

void channel_norm_backward(const ChannelNormShape& sh, const TensorImpl& g, const TensorImpl& x,
                           const TensorImpl* weight, const TensorImpl& mean, const TensorImpl& rstd,
                           const TensorImpl* gx, const TensorImpl* gw, const TensorImpl* gb) {
  dispatch_elem<kFloat>(x.dtype(), sh.groups ? "group_norm_backward" : "batch_norm_backward",
                        [&](auto tag) {
                          channel_norm_backward_t<typename decltype(tag)::type>(
                              sh, g, x, weight, mean, rstd, gx, gw, gb);
                        });
}

// ---- mse_loss / binary_cross_entropy_with_logits ----
// softplus(-x) = log(1 + exp(-x)), without overflow or cancellation.
template <typename A>
A softplus_neg(A x) {
  return std::log1p(std::exp(-std::fabs(x))) + (x < 0 ? -x : A(0));
}

template <typename T>
void point_loss_forward_t(const PointLossShape& sh, const TensorImpl& x, const TensorImpl& t,
                          const TensorImpl* weight, const TensorImpl* pos_weight,
                          const TensorImpl& loss) {
  using A = acc_t<T>;
  const T* xp = cptr<T>(x);
  const T* tp = cptr<T>(t);
  const T* wp = weight ? cptr<T>(*weight) : nullptr;
  const T* pp = pos_weight ? cptr<T>(*pos_weight) : nullptr;
  A* lp = mptr<A>(loss);
  parallel_for(0, sh.n, kGrainSize, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const A xv = static_cast<A>(xp[i]), tv = static_cast<A>(tp[i]);
      A l;
      if (sh.logits) {
        const A lw = pp ? A(1) + (static_cast<A>(pp[i]) - A(1)) * tv : A(1);
        l = (A(1) - tv) * xv + lw * softplus_neg(xv);
      } else {
        const A d = xv - tv;
        l = d * d;
      }
      lp[i] = wp ? l * static_cast<A>(wp[i]) : l;
    }
  });
}

template <typename T>
void point_loss_backward_t(const PointLossShape& sh, const TensorImpl& x, const TensorImpl& t,
                           const TensorImpl* weight, const TensorImpl* pos_weight,
                           const TensorImpl& g, const TensorImpl* gx, const TensorImpl* gt) {
  using A = acc_t<T>;
  const T* xp = cptr<T>(x);
  const T* tp = cptr<T>(t);
  const T* wp = weight ? cptr<T>(*weight) : nullptr;
  const T* pp = pos_weight ? cptr<T>(*pos_weight) : nullptr;
  const A* gp = cptr<A>(g);
  const bool g_scalar = g.numel() == 1;
  T* gxp = gx ? mptr<T>(*gx) : nullptr;
  T* gtp = gt ? mptr<T>(*gt) : nullptr;
  parallel_for(0, sh.n, kGrainSize, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const A xv = static_cast<A>(xp[i]), tv = static_cast<A>(tp[i]);
      A gi = g_scalar ? gp[0] : gp[i];
      if (wp) gi *= static_cast<A>(wp[i]);
      if (sh.logits) {
        const A pw = pp ? static_cast<A>(pp[i]) : A(1);
        const A lw = A(1) + (pw - A(1)) * tv;
        // sigmoid(-x), stably
        const A ex = std::exp(-std::fabs(xv));
        const A sneg = xv >= 0 ? ex / (A(1) + ex) : A(1) / (A(1) + ex);
        if (gxp) gxp[i] = static_cast<T>(gi * ((A(1) - tv) - lw * sneg));
        if (gtp) gtp[i] = static_cast<T>(gi * (-xv + (pw - A(1)) * softplus_neg(xv)));
      } else {
        const A d = A(2) * (xv - tv) * gi;
        if (gxp) gxp[i] = static_cast<T>(d);
        if (gtp) gtp[i] = static_cast<T>(-d);
      }
    }
  });
}

void point_loss_forward(const PointLossShape& sh, const TensorImpl& x, const TensorImpl& t,
                        const TensorImpl* weight, const TensorImpl* pos_weight,
                        const TensorImpl& loss) {
  dispatch_elem<kFloat>(
      x.dtype(), sh.logits ? "binary_cross_entropy_with_logits" : "mse_loss", [&](auto tag) {
        point_loss_forward_t<typename decltype(tag)::type>(sh, x, t, weight, pos_weight, loss);
      });
}

void point_loss_backward(const PointLossShape& sh, const TensorImpl& x, const TensorImpl& t,
                         const TensorImpl* weight, const TensorImpl* pos_weight,
                         const TensorImpl& g, const TensorImpl* gx, const TensorImpl* gt) {
  dispatch_elem<kFloat>(
      x.dtype(), sh.logits ? "binary_cross_entropy_with_logits_backward" : "mse_loss_backward",
      [&](auto tag) {
        point_loss_backward_t<typename decltype(tag)::type>(sh, x, t, weight, pos_weight, g, gx,
                                                            gt);
      });
}

}  // namespace

void register_nn_fused(NnKernelTable& t) {
  t.nll_forward = nll_forward;
  t.nll_backward = nll_backward;
  t.norm_forward = norm_forward;
  t.norm_backward = norm_backward;
  t.channel_norm_forward = channel_norm_forward;
  t.channel_norm_backward = channel_norm_backward;
  t.point_loss_forward = point_loss_forward;
  t.point_loss_backward = point_loss_backward;
}

}  // namespace mt::cpu
