// nn_losses.cpp: CPU kernels of the second set of fused losses (Note [Fused
// losses, second set] in ext/ops/nn_losses.cpp): cross_entropy with class
// probabilities, and the elementwise l1, smooth_l1, huber,
// binary_cross_entropy and kl_div. Rows (and elements) are independent and a
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

namespace mt::cpu {
namespace {

template <typename T>
using acc_t = std::conditional_t<(sizeof(T) >= 4), double, float>;

template <typename T>
const T* cptr(const TensorImpl& t) {
  return reinterpret_cast<const T*>(t.data());
}
template <typename T>
T* mptr(const TensorImpl& t) {
  return reinterpret_cast<T*>(t.data());
}

// sum_{j < n} f(j) over 8 partial sums added in a fixed tree.
template <typename A, typename F>
A lane_sum(int64_t n, F&& f) {
  A acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t j = 0;
  for (; j + 8 <= n; j += 8)
    for (int k = 0; k < 8; ++k) acc[k] += f(j + k);
  A tail = 0;
  for (; j < n; ++j) tail += f(j);
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
}

int64_t row_grain(int64_t cols) {
  return std::max<int64_t>(1, kGrainSize / std::max<int64_t>(cols, 1));
}

// ---- cross_entropy with probability targets ----
// Row r's classes (stride S) as A values in buf.
template <typename T, typename A>
void load(const T* p, int64_t C, int64_t S, A* buf) {
  for (int64_t c = 0; c < C; ++c) buf[c] = static_cast<A>(p[c * S]);
}

template <typename A>
A row_lse(const A* x, int64_t C) {
  A mx = -std::numeric_limits<A>::infinity();
  for (int64_t c = 0; c < C; ++c) mx = x[c] > mx ? x[c] : mx;
  if (!std::isfinite(mx)) mx = 0;
  return std::log(lane_sum<A>(C, [&](int64_t c) { return std::exp(x[c] - mx); })) + mx;
}

template <typename T>
void prob_ce_forward_t(const ProbCeShape& sh, const TensorImpl& x, const TensorImpl& t,
                       const TensorImpl* weight, const TensorImpl& loss, const TensorImpl& lse) {
  using A = acc_t<T>;
  const T* xp = cptr<T>(x);
  const T* tp = cptr<T>(t);
  const T* wp = weight ? cptr<T>(*weight) : nullptr;
  A* lp = mptr<A>(loss);
  A* sp = mptr<A>(lse);
  const int64_t C = sh.c, S = sh.s;
  const A keep = A(1) - static_cast<A>(sh.smoothing);
  const A spread = static_cast<A>(sh.smoothing) / static_cast<A>(C);
  parallel_for(0, sh.n * S, row_grain(C), [&](int64_t b, int64_t e) {
    std::vector<A> xb(static_cast<size_t>(C)), tb(static_cast<size_t>(C));
    for (int64_t r = b; r < e; ++r) {
      const int64_t off = (r / S) * C * S + r % S;
      load(xp + off, C, S, xb.data());
      load(tp + off, C, S, tb.data());
      const A lz = row_lse(xb.data(), C);
      sp[r] = lz;
      // -sum_c w_c t'_c (x_c - lz)
      lp[r] = -lane_sum<A>(C, [&](int64_t c) {
        const A tw = (keep * tb[c] + spread) * (wp ? static_cast<A>(wp[c]) : A(1));
        return tw * (xb[c] - lz);
      });
    }
  });
}

template <typename T>
void prob_ce_backward_t(const ProbCeShape& sh, const TensorImpl& x, const TensorImpl& t,
                        const TensorImpl* weight, const TensorImpl& lse, const TensorImpl& g,
                        const TensorImpl* gx, const TensorImpl* gt) {
  using A = acc_t<T>;
  const T* xp = cptr<T>(x);
  const T* tp = cptr<T>(t);
  const T* wp = weight ? cptr<T>(*weight) : nullptr;
  const A* sp = cptr<A>(lse);
  const A* gp = cptr<A>(g);
  const bool g_scalar = g.numel() == 1;
  T* gxp = gx ? mptr<T>(*gx) : nullptr;
  T* gtp = gt ? mptr<T>(*gt) : nullptr;
  const int64_t C = sh.c, S = sh.s;
  const A keep = A(1) - static_cast<A>(sh.smoothing);
  const A spread = static_cast<A>(sh.smoothing) / static_cast<A>(C);
  parallel_for(0, sh.n * S, row_grain(C), [&](int64_t b, int64_t e) {
    std::vector<A> xb(static_cast<size_t>(C)), tw(static_cast<size_t>(C));
    for (int64_t r = b; r < e; ++r) {
      const int64_t off = (r / S) * C * S + r % S;
      load(xp + off, C, S, xb.data());
      load(tp + off, C, S, tw.data());
      const A gr = g_scalar ? gp[0] : gp[r];
      const A lz = sp[r];
      if (gtp) {
        // d/dt_c = -(1 - smoothing) w_c logp_c
        for (int64_t c = 0; c < C; ++c)
          gtp[off + c * S] =
              static_cast<T>(-gr * keep * (wp ? static_cast<A>(wp[c]) : A(1)) * (xb[c] - lz));
      }
      if (!gxp) continue;
      for (int64_t c = 0; c < C; ++c)
        tw[c] = (keep * tw[c] + spread) * (wp ? static_cast<A>(wp[c]) : A(1));
      // d/dx_c = softmax_c * sum_k w_k t'_k - w_c t'_c
      const A tsum = lane_sum<A>(C, [&](int64_t c) { return tw[c]; });
      for (int64_t c = 0; c < C; ++c)
        gxp[off + c * S] = static_cast<T>(gr * (std::exp(xb[c] - lz) * tsum - tw[c]));
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

}  // namespace

void register_nn_losses(NnKernelTable& t) {
  t.prob_ce_forward = prob_ce_forward;
  t.prob_ce_backward = prob_ce_backward;
  t.elem_loss_forward = elem_loss_forward;
  t.elem_loss_backward = elem_loss_backward;
}

}  // namespace mt::cpu
