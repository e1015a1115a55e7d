// nn_losses.cpp: CPU kernels of the second set of fused losses (Note [Fused
// losses, second set] in ext/ops/nn_losses.cpp): cross_entropy with class
// probabilities, and the elementwise l1, smooth_l1, huber,
// binary_cross_entropy and kl_div, and embedding_bag. Rows (and elements) are independent and a
// row's sums run in one fixed order, so results do not depend on the thread
// count.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "../core/kernels_nn.h"
#include "../core/parallel.h"
#include "elementwise_loops.h"
#include "nn_kernel_util.h"
#include "vecmath.h"

namespace mt::cpu {
namespace {

using namespace nnk;  // acc_t, vm_t, cptr, mptr, lane_sum, row_grain

// ---- cross_entropy with probability targets ----
// Row r's classes (stride S) as A values in buf.
template <typename T, typename A>
void load(const T* p, int64_t C, int64_t S, A* buf) {
  for (int64_t c = 0; c < C; ++c) buf[c] = static_cast<A>(p[c * S]);
}

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

// log(sum_c exp(x_c)) of a row held as V, the exponentials by vecmath into
// `e`, summed in A.
template <typename A, typename V>
A row_lse(const V* x, int64_t C, V* e) {
  V mx = lane_max(x, C);
  if (!std::isfinite(mx)) mx = 0;
  for (int64_t c = 0; c < C; ++c) e[c] = x[c] - mx;
  vecmath::map(vecmath::Fn::Exp, e, e, C);
  return std::log(lane_sum<A>(C, [&](int64_t c) { return static_cast<A>(e[c]); })) +
         static_cast<A>(mx);
}

// The row sums the loss needs, in A: sum_c w_c t_c x_c, sum_c w_c t_c and
// sum_c w_c x_c (w = 1 without a weight).
template <typename A, typename V>
void row_sums(const V* x, const V* t, const A* w, int64_t C, A& wtx, A& wt, A& wx) {
  if (w) {
    wtx = lane_sum<A>(C, [&](int64_t c) { return w[c] * static_cast<A>(t[c]) * x[c]; });
    wt = lane_sum<A>(C, [&](int64_t c) { return w[c] * static_cast<A>(t[c]); });
    wx = lane_sum<A>(C, [&](int64_t c) { return w[c] * static_cast<A>(x[c]); });
  } else {
    wtx = lane_sum<A>(C, [&](int64_t c) { return static_cast<A>(t[c]) * x[c]; });
    wt = lane_sum<A>(C, [&](int64_t c) { return static_cast<A>(t[c]); });
    wx = lane_sum<A>(C, [&](int64_t c) { return static_cast<A>(x[c]); });
  }
}

template <typename T, typename A>
std::vector<A> weights_as(const T* wp, int64_t C, A& wsum) {
  std::vector<A> wa(wp ? static_cast<size_t>(C) : 0);
  for (int64_t c = 0; c < static_cast<int64_t>(wa.size()); ++c) wa[c] = static_cast<A>(wp[c]);
  wsum = wp ? lane_sum<A>(C, [&](int64_t c) { return wa[c]; }) : static_cast<A>(C);
  return wa;
}

template <typename T>
void prob_ce_forward_t(const ProbCeShape& sh, const TensorImpl& x, const TensorImpl& t,
                       const TensorImpl* weight, const TensorImpl& loss, const TensorImpl& lse) {
  using A = acc_t<T>;
  using V = vm_t<T>;
  const T* xp = cptr<T>(x);
  const T* tp = cptr<T>(t);
  A* lp = mptr<A>(loss);
  A* sp = mptr<A>(lse);
  const int64_t C = sh.c, S = sh.s;
  const A keep = A(1) - static_cast<A>(sh.smoothing);
  const A spread = static_cast<A>(sh.smoothing) / static_cast<A>(C);
  A wsum;
  const std::vector<A> wa = weights_as<T, A>(weight ? cptr<T>(*weight) : nullptr, C, wsum);
  const A* wv = wa.empty() ? nullptr : wa.data();
  parallel_for(0, sh.n * S, row_grain(C), [&](int64_t b, int64_t e) {
    std::vector<V> xb(static_cast<size_t>(C)), tb(static_cast<size_t>(C)),
        eb(static_cast<size_t>(C));
    for (int64_t r = b; r < e; ++r) {
      const int64_t off = (r / S) * C * S + r % S;
      load(xp + off, C, S, xb.data());
      load(tp + off, C, S, tb.data());
      const A lz = row_lse<A>(xb.data(), C, eb.data());
      sp[r] = lz;
      A wtx, wt, wx;
      row_sums<A>(xb.data(), tb.data(), wv, C, wtx, wt, wx);
      // -sum_c w_c t'_c (x_c - lz), t' = keep t + spread
      lp[r] = -(keep * (wtx - lz * wt) + spread * (wx - lz * wsum));
    }
  });
}

template <typename T>
void prob_ce_backward_t(const ProbCeShape& sh, const TensorImpl& x, const TensorImpl& t,
                        const TensorImpl* weight, const TensorImpl& lse, const TensorImpl& g,
                        const TensorImpl* gx, const TensorImpl* gt) {
  using A = acc_t<T>;
  using V = vm_t<T>;
  const T* xp = cptr<T>(x);
  const T* tp = cptr<T>(t);
  const A* sp = cptr<A>(lse);
  const A* gp = cptr<A>(g);
  const bool g_scalar = g.numel() == 1;
  T* gxp = gx ? mptr<T>(*gx) : nullptr;
  T* gtp = gt ? mptr<T>(*gt) : nullptr;
  const int64_t C = sh.c, S = sh.s;
  const A keep = A(1) - static_cast<A>(sh.smoothing);
  const A spread = static_cast<A>(sh.smoothing) / static_cast<A>(C);
  A wsum;
  const std::vector<A> wa = weights_as<T, A>(weight ? cptr<T>(*weight) : nullptr, C, wsum);
  const A* wv = wa.empty() ? nullptr : wa.data();
  parallel_for(0, sh.n * S, row_grain(C), [&](int64_t b, int64_t e) {
    std::vector<V> xb(static_cast<size_t>(C)), tb(static_cast<size_t>(C)),
        eb(static_cast<size_t>(C));
    std::vector<T> ob(S == 1 ? 0 : static_cast<size_t>(C));
    for (int64_t r = b; r < e; ++r) {
      const int64_t off = (r / S) * C * S + r % S;
      load(xp + off, C, S, xb.data());
      load(tp + off, C, S, tb.data());
      const A gr = g_scalar ? gp[0] : gp[r];
      const A lz = sp[r];
      if (gtp) {
        // d/dt_c = -(1 - smoothing) w_c logp_c
        T* orow = S == 1 ? gtp + off : ob.data();
        const A k = -gr * keep;
        for (int64_t c = 0; c < C; ++c)
          orow[c] = static_cast<T>(k * (wv ? wv[c] : A(1)) * (static_cast<A>(xb[c]) - lz));
        if (S != 1)
          for (int64_t c = 0; c < C; ++c) gtp[off + c * S] = ob[c];
      }
      if (!gxp) continue;
      // d/dx_c = softmax_c * sum_k w_k t'_k - w_c t'_c
      const A wt = wv ? lane_sum<A>(C, [&](int64_t c) { return wv[c] * static_cast<A>(tb[c]); })
                      : lane_sum<A>(C, [&](int64_t c) { return static_cast<A>(tb[c]); });
      const A gs = gr * (keep * wt + spread * wsum);
      const A gk = gr * keep, gsp = gr * spread;
      const V lzv = static_cast<V>(lz);
      for (int64_t c = 0; c < C; ++c) eb[c] = xb[c] - lzv;
      vecmath::map(vecmath::Fn::Exp, eb.data(), eb.data(), C);
      T* orow = S == 1 ? gxp + off : ob.data();
      if (wv) {
        for (int64_t c = 0; c < C; ++c)
          orow[c] = static_cast<T>(gs * static_cast<A>(eb[c]) -
                                   (gk * static_cast<A>(tb[c]) + gsp) * wv[c]);
      } else {
        for (int64_t c = 0; c < C; ++c)
          orow[c] = static_cast<T>(gs * static_cast<A>(eb[c]) - gk * static_cast<A>(tb[c]) - gsp);
      }
      if (S != 1)
        for (int64_t c = 0; c < C; ++c) gxp[off + c * S] = ob[c];
    }
  });
}

void prob_ce_forward(const ProbCeShape& sh, const TensorImpl& x, const TensorImpl& t,
                     const TensorImpl* weight, const TensorImpl& loss, const TensorImpl& lse) {
  dispatch_elem<kFloat>(x.dtype(), "cross_entropy", [&](auto tag) {
    prob_ce_forward_t<typename decltype(tag)::type>(sh, x, t, weight, loss, lse);
  });
}

void prob_ce_backward(const ProbCeShape& sh, const TensorImpl& x, const TensorImpl& t,
                      const TensorImpl* weight, const TensorImpl& lse, const TensorImpl& g,
                      const TensorImpl* gx, const TensorImpl* gt) {
  dispatch_elem<kFloat>(x.dtype(), "cross_entropy_backward", [&](auto tag) {
    prob_ce_backward_t<typename decltype(tag)::type>(sh, x, t, weight, lse, g, gx, gt);
  });
}

// ---- elementwise losses ----
template <typename A>
A sign(A v) {
  return v > 0 ? A(1) : (v < 0 ? A(-1) : A(0));
}

template <typename A>
A clamped_log(A v) {
  return std::max(std::log(v), A(-100));
}

template <typename A>
A elem_loss(const ElemLossShape& sh, A x, A t) {
  const A p = static_cast<A>(sh.param);
  switch (sh.kind) {
    case ElemLoss::L1:
      return std::fabs(x - t);
    case ElemLoss::SmoothL1: {
      const A z = std::fabs(x - t);
      return z < p ? A(0.5) * z * z / p : z - A(0.5) * p;
    }
    case ElemLoss::Huber: {
      const A z = std::fabs(x - t);
      return z < p ? A(0.5) * z * z : p * (z - A(0.5) * p);
    }
    case ElemLoss::Bce:
      return -(t * clamped_log(x) + (A(1) - t) * clamped_log(A(1) - x));
    case ElemLoss::KlDiv:
      if (sh.log_target) return std::exp(t) * (t - x);
      return (t > 0 ? t * std::log(t) : (t == 0 ? A(0) : std::log(t))) - t * x;
    case ElemLoss::SoftMargin: {
      // log(1 + exp(-t x)), stably
      const A z = -t * x;
      return std::log1p(std::exp(-std::fabs(z))) + (z > 0 ? z : A(0));
    }
    case ElemLoss::PoissonNll: {
      A l = sh.log_target ? std::exp(x) - t * x : x - t * std::log(x + p);
      if (sh.full && t > 1)
        l += t * std::log(t) - t + A(0.5) * std::log(A(2) * A(3.14159265358979323846) * t);
      return l;
    }
  }
  return A(0);
}

// {d/dx, d/dt} of one element's loss.
template <typename A>
void elem_grad(const ElemLossShape& sh, A x, A t, A& dx, A& dt) {
  const A p = static_cast<A>(sh.param);
  switch (sh.kind) {
    case ElemLoss::L1:
      dx = sign(x - t);
      break;
    case ElemLoss::SmoothL1: {
      const A d = x - t;
      dx = std::fabs(d) < p ? d / p : sign(d);
      break;
    }
    case ElemLoss::Huber: {
      const A d = x - t;
      dx = std::fabs(d) < p ? d : p * sign(d);
      break;
    }
    case ElemLoss::Bce:
      dx = (x - t) / std::max((A(1) - x) * x, A(1e-12));
      dt = clamped_log(A(1) - x) - clamped_log(x);
      return;
    case ElemLoss::KlDiv:
      if (sh.log_target) {
        dx = -std::exp(t);
        dt = std::exp(t) * (t - x + A(1));
      } else {
        dx = -t;
        dt = t > 0 ? std::log(t) + A(1) - x : A(0);
      }
      return;
    case ElemLoss::SoftMargin: {
      // sigmoid(t x) - 1 = -sigmoid(-t x), stably
      const A z = t * x;
      const A ez = std::exp(-std::fabs(z));
      const A sneg = z >= 0 ? ez / (A(1) + ez) : A(1) / (A(1) + ez);
      dx = -t * sneg;
      dt = -x * sneg;
      return;
    }
    case ElemLoss::PoissonNll:
      if (sh.log_target) {
        dx = std::exp(x) - t;
        dt = -x;
      } else {
        dx = A(1) - t / (x + p);
        dt = -std::log(x + p);
      }
      if (sh.full && t > 1) dt += std::log(t) + A(0.5) / t;
      return;
  }
  dt = -dx;
}

template <typename T>
void elem_loss_forward_t(const ElemLossShape& sh, const TensorImpl& x, const TensorImpl& t,
                         const TensorImpl* weight, const TensorImpl& loss) {
  using A = acc_t<T>;
  const T* xp = cptr<T>(x);
  const T* tp = cptr<T>(t);
  const T* wp = weight ? cptr<T>(*weight) : nullptr;
  A* lp = mptr<A>(loss);
  parallel_for(0, sh.n, kGrainSize, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const A l = elem_loss<A>(sh, static_cast<A>(xp[i]), static_cast<A>(tp[i]));
      lp[i] = wp ? l * static_cast<A>(wp[i]) : l;
    }
  });
}

template <typename T>
void elem_loss_backward_t(const ElemLossShape& sh, const TensorImpl& x, const TensorImpl& t,
                          const TensorImpl* weight, const TensorImpl& g, const TensorImpl* gx,
                          const TensorImpl* gt) {
  using A = acc_t<T>;
  const T* xp = cptr<T>(x);
  const T* tp = cptr<T>(t);
  const T* wp = weight ? cptr<T>(*weight) : nullptr;
  const A* gp = cptr<A>(g);
  const bool g_scalar = g.numel() == 1;
  T* gxp = gx ? mptr<T>(*gx) : nullptr;
  T* gtp = gt ? mptr<T>(*gt) : nullptr;
  parallel_for(0, sh.n, kGrainSize, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      A gi = g_scalar ? gp[0] : gp[i];
      if (wp) gi *= static_cast<A>(wp[i]);
      A dx = 0, dt = 0;
      elem_grad<A>(sh, static_cast<A>(xp[i]), static_cast<A>(tp[i]), dx, dt);
      if (gxp) gxp[i] = static_cast<T>(gi * dx);
      if (gtp) gtp[i] = static_cast<T>(gi * dt);
    }
  });
}

void elem_loss_forward(const ElemLossShape& sh, const TensorImpl& x, const TensorImpl& t,
                       const TensorImpl* weight, const TensorImpl& loss) {
  dispatch_elem<kFloat>(x.dtype(), "elem_loss", [&](auto tag) {
    elem_loss_forward_t<typename decltype(tag)::type>(sh, x, t, weight, loss);
  });
}

void elem_loss_backward(const ElemLossShape& sh, const TensorImpl& x, const TensorImpl& t,
                        const TensorImpl* weight, const TensorImpl& g, const TensorImpl* gx,
                        const TensorImpl* gt) {
  dispatch_elem<kFloat>(x.dtype(), "elem_loss_backward", [&](auto tag) {
    elem_loss_backward_t<typename decltype(tag)::type>(sh, x, t, weight, g, gx, gt);
  });
}

// ---- embedding_bag ----
void bag_bounds(const EmbBagShape& sh, const int64_t* off, int64_t b, int64_t& lo, int64_t& hi) {
  lo = std::min(std::max<int64_t>(off[b], 0), sh.n);
  hi = b + 1 < sh.noff ? std::min(std::max(off[b + 1], lo), sh.n) : sh.n;
}

template <typename T>
void embedding_bag_forward_t(const EmbBagShape& sh, const TensorImpl& weight,
                             const TensorImpl& indices, const TensorImpl& offsets,
                             const TensorImpl* psw, const TensorImpl& out,
                             const TensorImpl* argmax) {
  using A = acc_t<T>;
  const T* wp = cptr<T>(weight);
  const int64_t* ip = cptr<int64_t>(indices);
  const int64_t* op = cptr<int64_t>(offsets);
  const T* pp = psw ? cptr<T>(*psw) : nullptr;
  T* yp = mptr<T>(out);
  int64_t* ap = argmax ? mptr<int64_t>(*argmax) : nullptr;
  const int64_t D = sh.dim;
  const int64_t avg = sh.bags ? std::max<int64_t>(1, sh.n / sh.bags) : 1;
  parallel_for(0, sh.bags, row_grain(D * avg), [&](int64_t b, int64_t e) {
    std::vector<A> acc(static_cast<size_t>(D));
    for (int64_t bag = b; bag < e; ++bag) {
      int64_t lo, hi;
      bag_bounds(sh, op, bag, lo, hi);
      T* yr = yp + bag * D;
      int64_t* ar = ap ? ap + bag * D : nullptr;
      int64_t count = 0;
      if (sh.mode == 2) {
        for (int64_t d = 0; d < D; ++d) ar[d] = -1;
        for (int64_t i = lo; i < hi; ++i) {
          const int64_t k = ip[i];
          if (k == sh.padding_idx) continue;
          const T* wr = wp + k * D;
          for (int64_t d = 0; d < D; ++d) {
            const A v = static_cast<A>(wr[d]);
            if (ar[d] < 0 || v > acc[d]) {
              acc[d] = v;
              ar[d] = k;
            }
          }
          ++count;
        }
        for (int64_t d = 0; d < D; ++d) yr[d] = ar[d] < 0 ? T(0) : static_cast<T>(acc[d]);
        continue;
      }
      std::fill(acc.begin(), acc.end(), A(0));
      for (int64_t i = lo; i < hi; ++i) {
        const int64_t k = ip[i];
        if (k == sh.padding_idx) continue;
        const T* wr = wp + k * D;
        if (pp) {
          const A s = static_cast<A>(pp[i]);
          for (int64_t d = 0; d < D; ++d) acc[d] += s * static_cast<A>(wr[d]);
        } else {
          for (int64_t d = 0; d < D; ++d) acc[d] += static_cast<A>(wr[d]);
        }
        ++count;
      }
      const A scale = (sh.mode == 1 && count > 0) ? A(1) / static_cast<A>(count) : A(1);
      for (int64_t d = 0; d < D; ++d) yr[d] = static_cast<T>(acc[d] * scale);
    }
  });
}

template <typename T>
void embedding_bag_backward_t(const EmbBagShape& sh, const TensorImpl& g, const TensorImpl& weight,
                              const TensorImpl& indices, const TensorImpl& offsets,
                              const TensorImpl* psw, const TensorImpl* argmax, const TensorImpl* gw,
                              const TensorImpl* gpsw) {
  using A = acc_t<T>;
  const T* gp = cptr<T>(g);
  const T* wp = cptr<T>(weight);
  const int64_t* ip = cptr<int64_t>(indices);
  const int64_t* op = cptr<int64_t>(offsets);
  const T* pp = psw ? cptr<T>(*psw) : nullptr;
  const int64_t* ap = argmax ? cptr<int64_t>(*argmax) : nullptr;
  const int64_t D = sh.dim;
  if (gw) {
    A* gwp = mptr<A>(*gw);
    // each thread owns a block of columns and walks every bag in order, so the
    // sums into a weight row run in one fixed order for every thread count.
    // One block per thread (at least 8 columns, a cache line of doubles): each
    // block re-reads the indices and scatters into every touched row, so more,
    // narrower blocks would only repeat the cache misses.
    const int64_t work = std::max<int64_t>(1, (sh.n + sh.bags) * D);
    const int64_t threads = work < kGrainSize ? 1 : std::max(num_threads(), 1);
    const int64_t cols = std::max<int64_t>(8, (D + threads - 1) / threads);
    parallel_for(0, D, cols, [&](int64_t c0, int64_t c1) {
      for (int64_t bag = 0; bag < sh.bags; ++bag) {
        const T* gr = gp + bag * D;
        if (sh.mode == 2) {
          const int64_t* ar = ap + bag * D;
          for (int64_t d = c0; d < c1; ++d)
            if (ar[d] >= 0) gwp[ar[d] * D + d] += static_cast<A>(gr[d]);
          continue;
        }
        int64_t lo, hi;
        bag_bounds(sh, op, bag, lo, hi);
        A scale = 1;
        if (sh.mode == 1) {
          int64_t count = 0;
          for (int64_t i = lo; i < hi; ++i) count += ip[i] != sh.padding_idx;
          if (count > 0) scale = A(1) / static_cast<A>(count);
        }
        for (int64_t i = lo; i < hi; ++i) {
          const int64_t k = ip[i];
          if (k == sh.padding_idx) continue;
          const A s = pp ? scale * static_cast<A>(pp[i]) : scale;
          A* dst = gwp + k * D;
          for (int64_t d = c0; d < c1; ++d) dst[d] += s * static_cast<A>(gr[d]);
        }
      }
    });
  }
  if (gpsw) {
    T* qp = mptr<T>(*gpsw);
    parallel_for(0, sh.bags, row_grain(D), [&](int64_t b, int64_t e) {
      for (int64_t bag = b; bag < e; ++bag) {
        int64_t lo, hi;
        bag_bounds(sh, op, bag, lo, hi);
        const T* gr = gp + bag * D;
        for (int64_t i = lo; i < hi; ++i) {
          const int64_t k = ip[i];
          const T* wr = wp + k * D;
          qp[i] = k == sh.padding_idx ? T(0) : static_cast<T>(lane_sum<A>(D, [&](int64_t d) {
            return static_cast<A>(gr[d]) * static_cast<A>(wr[d]);
          }));
        }
      }
    });
  }
}

void check_bag_indices(const EmbBagShape& sh, const TensorImpl& indices) {
  const int64_t* ip = cptr<int64_t>(indices);
  for (int64_t i = 0; i < sh.n; ++i)
    if (ip[i] < 0 || ip[i] >= sh.num)
      MT_THROW(RuntimeError, "Index ", i, " of input takes value ", ip[i],
               " which is not in the valid range [0, ", sh.num, ")");
}

void embedding_bag_forward(const EmbBagShape& sh, const TensorImpl& weight,
                           const TensorImpl& indices, const TensorImpl& offsets,
                           const TensorImpl* psw, const TensorImpl& out, const TensorImpl* argmax) {
  check_bag_indices(sh, indices);
  dispatch_elem<kFloat>(weight.dtype(), "embedding_bag", [&](auto tag) {
    embedding_bag_forward_t<typename decltype(tag)::type>(sh, weight, indices, offsets, psw, out,
                                                          argmax);
  });
}

void embedding_bag_backward(const EmbBagShape& sh, const TensorImpl& g, const TensorImpl& weight,
                            const TensorImpl& indices, const TensorImpl& offsets,
                            const TensorImpl* psw, const TensorImpl* argmax, const TensorImpl* gw,
                            const TensorImpl* gpsw) {
  dispatch_elem<kFloat>(weight.dtype(), "embedding_bag_backward", [&](auto tag) {
    embedding_bag_backward_t<typename decltype(tag)::type>(sh, g, weight, indices, offsets, psw,
                                                           argmax, gw, gpsw);
  });
}

}  // namespace

void register_nn_losses(NnKernelTable& t) {
  t.prob_ce_forward = prob_ce_forward;
  t.prob_ce_backward = prob_ce_backward;
  t.elem_loss_forward = elem_loss_forward;
  t.elem_loss_backward = elem_loss_backward;
  t.embedding_bag_forward = embedding_bag_forward;
  t.embedding_bag_backward = embedding_bag_backward;
}

}  // namespace mt::cpu
