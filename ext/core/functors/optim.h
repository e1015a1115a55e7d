// functors/optim.h: the per-element update rules of the fused optimizers
// (minitorch.optim's SGD, Adam/AdamW, RMSprop, Adagrad, Adamax, NAdam and
// RAdam; ext/ops/optim.cpp drives them).
//
// Note [Fused optimizer steps]
// PyTorch's CPU optimizers run their single-tensor algorithm: per parameter,
// a handful of elementwise ops, each rounding its result to the parameter's
// dtype. minitorch runs the whole step of a parameter group as one call, one
// pass over each parameter's elements, yet gives the same bits: a functor
// below does exactly those ops, in the same order and opmath precision, and
// rounds to the storage type T (`r`) wherever PyTorch's loop would store an
// intermediate tensor (a no-op for float32 and float64). The per-tensor
// scalars (bias corrections, the decoupled decay factor) are worked out in
// double by the caller, as Python works them out in PyTorch's loop.
// minitorch/optim/_algorithms.py keeps that loop as the reference that
// tests/test_optim_fused.py compares against bit for bit. MT_HOST_DEVICE, no
// throws, no allocation (Note [Kernel functors]), so a CUDA kernel can share
// them.
#pragma once

#include <cmath>

#include "binary.h"
#include "common.h"

namespace mt {

// The options of one SGD call (a parameter group), as the Python side holds
// them. `first`: the momentum buffers start this step (they become the
// gradient itself, as in PyTorch).
struct SgdStep {
  double lr = 0, momentum = 0, dampening = 0, weight_decay = 0;
  bool nesterov = false, maximize = false, first = false;
};

// The options of one Adam/AdamW update of one parameter; step_size =
// lr / (1 - beta1^t) and bc2_sqrt = (1 - beta2^t)^0.5 for that parameter's
// step count t; decay = 1 - lr * weight_decay (decoupled only).
struct AdamStep {
  double lr = 0, beta1 = 0, beta2 = 0, eps = 0, weight_decay = 0;
  double step_size = 0, bc2_sqrt = 0, decay = 1;
  bool amsgrad = false, maximize = false, decoupled = false;
};

// The options of one RMSprop call (a parameter group).
struct RmspropStep {
  double lr = 0, alpha = 0, eps = 0, weight_decay = 0, momentum = 0;
  bool centered = false, maximize = false;
};

// The options of one Adagrad update of one parameter; clr = lr / (1 + (t - 1)
// * lr_decay) for that parameter's step count t.
struct AdagradStep {
  double lr = 0, lr_decay = 0, weight_decay = 0, eps = 0, clr = 0;
  bool maximize = false;
};

// The options of one Adamax update of one parameter; neg_clr = -lr / (1 -
// beta1^t) for that parameter's step count t.
struct AdamaxStep {
  double lr = 0, beta1 = 0, beta2 = 0, eps = 0, weight_decay = 0, neg_clr = 0;
  bool maximize = false;
};

// The options of one NAdam update of one parameter; bc2 = 1 - beta2^t, decay
// = 1 - lr * weight_decay (decoupled only), and the two addcdiv factors
// coef_g = -lr (1 - mu_t) / (1 - mu_prod) and coef_m = -lr mu_{t+1} / (1 -
// mu_prod mu_{t+1}) for that parameter's step count and momentum product.
struct NadamStep {
  double lr = 0, beta1 = 0, beta2 = 0, eps = 0, weight_decay = 0, momentum_decay = 0;
  double bc2 = 1, decay = 1, coef_g = 0, coef_m = 0;
  bool decoupled = false, maximize = false;
};

// The options of one RAdam update of one parameter; bc1 = 1 - beta1^t,
// bc2_sqrt = (1 - beta2^t)^0.5, and `rectify` with its factor `rect` when the
// variance is tractable (rho_t > 5) at that parameter's step count t.
struct RadamStep {
  double lr = 0, beta1 = 0, beta2 = 0, eps = 0, weight_decay = 0;
  double bc1 = 1, bc2_sqrt = 1, rect = 1, decay = 1;
  bool rectify = false, decoupled = false, maximize = false;
};

}  // namespace mt

namespace mt::functors {

// Rounds an opmath value to the storage type and back.
template <typename T>
MT_HOST_DEVICE inline opmath_t<T> round_to(opmath_t<T> x) {
  return static_cast<opmath_t<T>>(static_cast<T>(x));
}

// The first steps of Adam's family: the sign for maximize, then the weight
// decay, either decoupled (p *= decay) or added to the gradient.
template <typename T>
MT_HOST_DEVICE inline void decay_step(opmath_t<T>& p, opmath_t<T>& g, bool maximize,
                                      opmath_t<T> weight_decay, bool decoupled, opmath_t<T> decay) {
  if (maximize) g = -g;
  if (weight_decay != opmath_t<T>(0)) {
    if (decoupled)
      p = round_to<T>(p * decay);
    else
      g = round_to<T>(g + weight_decay * p);
  }
}

template <typename T>
struct SgdUpdate {
  using M = opmath_t<T>;
  M lr, momentum, one_minus_dampening, weight_decay;
  bool has_momentum, nesterov, maximize, first;

  explicit SgdUpdate(const SgdStep& s)
      : lr(static_cast<M>(s.lr)),
        momentum(static_cast<M>(s.momentum)),
        one_minus_dampening(static_cast<M>(1 - s.dampening)),
        weight_decay(static_cast<M>(s.weight_decay)),
        has_momentum(s.momentum != 0),
        nesterov(s.nesterov),
        maximize(s.maximize),
        first(s.first) {}

  // p, g, buf: one element of the parameter, its gradient, its momentum
  // buffer (ignored without momentum). Updates p and buf.
  MT_HOST_DEVICE void operator()(M& p, M g, M& buf) const {
    if (maximize) g = -g;
    if (weight_decay != M(0)) g = round_to<T>(g + weight_decay * p);
    if (has_momentum) {
      buf = first ? g : round_to<T>(round_to<T>(buf * momentum) + one_minus_dampening * g);
      g = nesterov ? round_to<T>(g + momentum * buf) : buf;
    }
    p = round_to<T>(p + (-lr) * g);
  }
};

template <typename T>
struct AdamUpdate {
  using M = opmath_t<T>;
  M decay, one_minus_beta1, beta2, one_minus_beta2, eps, weight_decay, neg_step_size, bc2_sqrt;
  bool amsgrad, maximize, decoupled;

  explicit AdamUpdate(const AdamStep& s)
      : decay(static_cast<M>(s.decay)),
        one_minus_beta1(static_cast<M>(1 - s.beta1)),
        beta2(static_cast<M>(s.beta2)),
        one_minus_beta2(static_cast<M>(1 - s.beta2)),
        eps(static_cast<M>(s.eps)),
        weight_decay(static_cast<M>(s.weight_decay)),
        neg_step_size(static_cast<M>(-s.step_size)),
        bc2_sqrt(static_cast<M>(s.bc2_sqrt)),
        amsgrad(s.amsgrad),
        maximize(s.maximize),
        decoupled(s.decoupled) {}

  // p, g, m, v, vmax: one element of the parameter, its gradient, exp_avg,
  // exp_avg_sq and max_exp_avg_sq (ignored without amsgrad).
  MT_HOST_DEVICE void operator()(M& p, M g, M& m, M& v, M& vmax) const {
    decay_step<T>(p, g, maximize, weight_decay, decoupled, decay);
    m = round_to<T>(lerp(m, g, one_minus_beta1));
    v = round_to<T>(round_to<T>(v * beta2) + one_minus_beta2 * g * g);
    M s = v;
    if (amsgrad) {
      // maximum(): NaN wins
      vmax = (vmax != vmax || v != v) ? (vmax != vmax ? vmax : v) : (vmax < v ? v : vmax);
      s = vmax;
    }
    const M denom = round_to<T>(round_to<T>(round_to<T>(std::sqrt(s)) / bc2_sqrt) + eps);
    p = round_to<T>(p + neg_step_size * m / denom);
  }
};

template <typename T>
struct RmspropUpdate {
  using M = opmath_t<T>;
  M alpha, one_minus_alpha, eps, weight_decay, momentum, neg_lr;
  bool has_momentum, centered, maximize;

  explicit RmspropUpdate(const RmspropStep& s)
      : alpha(static_cast<M>(s.alpha)),
        one_minus_alpha(static_cast<M>(1 - s.alpha)),
        eps(static_cast<M>(s.eps)),
        weight_decay(static_cast<M>(s.weight_decay)),
        momentum(static_cast<M>(s.momentum)),
        neg_lr(static_cast<M>(-s.lr)),
        has_momentum(s.momentum > 0),
        centered(s.centered),
        maximize(s.maximize) {}

  // p, g, sq, ga, buf: one element of the parameter, its gradient, square_avg,
  // grad_avg (ignored unless centered) and momentum_buffer (ignored without
  // momentum).
  MT_HOST_DEVICE void operator()(M& p, M g, M& sq, M& ga, M& buf) const {
    if (maximize) g = -g;
    if (weight_decay != M(0)) g = round_to<T>(g + weight_decay * p);
    sq = round_to<T>(round_to<T>(sq * alpha) + one_minus_alpha * g * g);
    M avg;
    if (centered) {
      ga = round_to<T>(lerp(ga, g, one_minus_alpha));
      avg = round_to<T>(std::sqrt(round_to<T>(sq + M(-1) * ga * ga)));
    } else {
      avg = round_to<T>(std::sqrt(sq));
    }
    avg = round_to<T>(avg + eps);
    if (has_momentum) {
      buf = round_to<T>(round_to<T>(buf * momentum) + M(1) * g / avg);
      p = round_to<T>(p + neg_lr * buf);
    } else {
      p = round_to<T>(p + neg_lr * g / avg);
    }
  }
};

template <typename T>
struct AdagradUpdate {
  using M = opmath_t<T>;
  M weight_decay, eps, neg_clr;
  bool maximize;

  explicit AdagradUpdate(const AdagradStep& s)
      : weight_decay(static_cast<M>(s.weight_decay)),
        eps(static_cast<M>(s.eps)),
        neg_clr(static_cast<M>(-s.clr)),
        maximize(s.maximize) {}

  // p, g, sum: one element of the parameter, its gradient and its state_sum.
  MT_HOST_DEVICE void operator()(M& p, M g, M& sum) const {
    if (maximize) g = -g;
    if (weight_decay != M(0)) g = round_to<T>(g + weight_decay * p);
    sum = round_to<T>(sum + M(1) * g * g);
    const M denom = round_to<T>(round_to<T>(std::sqrt(sum)) + eps);
    p = round_to<T>(p + neg_clr * g / denom);
  }
};

template <typename T>
struct AdamaxUpdate {
  using M = opmath_t<T>;
  M one_minus_beta1, beta2, eps, weight_decay, neg_clr;
  bool maximize;

  explicit AdamaxUpdate(const AdamaxStep& s)
      : one_minus_beta1(static_cast<M>(1 - s.beta1)),
        beta2(static_cast<M>(s.beta2)),
        eps(static_cast<M>(s.eps)),
        weight_decay(static_cast<M>(s.weight_decay)),
        neg_clr(static_cast<M>(s.neg_clr)),
        maximize(s.maximize) {}

  // p, g, m, u: one element of the parameter, its gradient, exp_avg, exp_inf.
  MT_HOST_DEVICE void operator()(M& p, M g, M& m, M& u) const {
    decay_step<T>(p, g, maximize, weight_decay, false, M(1));
    m = round_to<T>(lerp(m, g, one_minus_beta1));
    const M scaled = round_to<T>(u * beta2);
    const M norm = round_to<T>(std::abs(g) + eps);
    u = Maximum<T>{}(scaled, norm);
    p = round_to<T>(p + neg_clr * m / u);
  }
};

template <typename T>
struct NadamUpdate {
  using M = opmath_t<T>;
  M one_minus_beta1, beta2, one_minus_beta2, eps, weight_decay, decay, bc2, coef_g, coef_m;
  bool maximize, decoupled;

  explicit NadamUpdate(const NadamStep& s)
      : one_minus_beta1(static_cast<M>(1 - s.beta1)),
        beta2(static_cast<M>(s.beta2)),
        one_minus_beta2(static_cast<M>(1 - s.beta2)),
        eps(static_cast<M>(s.eps)),
        weight_decay(static_cast<M>(s.weight_decay)),
        decay(static_cast<M>(s.decay)),
        bc2(static_cast<M>(s.bc2)),
        coef_g(static_cast<M>(s.coef_g)),
        coef_m(static_cast<M>(s.coef_m)),
        maximize(s.maximize),
        decoupled(s.decoupled) {}

  // p, g, m, v: one element of the parameter, its gradient, exp_avg, exp_avg_sq.
  MT_HOST_DEVICE void operator()(M& p, M g, M& m, M& v) const {
    decay_step<T>(p, g, maximize, weight_decay, decoupled, decay);
    m = round_to<T>(lerp(m, g, one_minus_beta1));
    v = round_to<T>(round_to<T>(v * beta2) + one_minus_beta2 * g * g);
    const M denom = round_to<T>(round_to<T>(std::sqrt(round_to<T>(v / bc2))) + eps);
    p = round_to<T>(p + coef_g * g / denom);
    p = round_to<T>(p + coef_m * m / denom);
  }
};

template <typename T>
struct RadamUpdate {
  using M = opmath_t<T>;
  M one_minus_beta1, beta2, one_minus_beta2, eps, weight_decay, decay, bc1, bc2_sqrt, lr, rect;
  bool rectify, maximize, decoupled;

  explicit RadamUpdate(const RadamStep& s)
      : one_minus_beta1(static_cast<M>(1 - s.beta1)),
        beta2(static_cast<M>(s.beta2)),
        one_minus_beta2(static_cast<M>(1 - s.beta2)),
        eps(static_cast<M>(s.eps)),
        weight_decay(static_cast<M>(s.weight_decay)),
        decay(static_cast<M>(s.decay)),
        bc1(static_cast<M>(s.bc1)),
        bc2_sqrt(static_cast<M>(s.bc2_sqrt)),
        lr(static_cast<M>(s.lr)),
        rect(static_cast<M>(s.rect)),
        rectify(s.rectify),
        maximize(s.maximize),
        decoupled(s.decoupled) {}

  // p, g, m, v: one element of the parameter, its gradient, exp_avg, exp_avg_sq.
  MT_HOST_DEVICE void operator()(M& p, M g, M& m, M& v) const {
    decay_step<T>(p, g, maximize, weight_decay, decoupled, decay);
    m = round_to<T>(lerp(m, g, one_minus_beta1));
    v = round_to<T>(round_to<T>(v * beta2) + one_minus_beta2 * g * g);
    M update = round_to<T>(round_to<T>(m / bc1) * lr);
    if (rectify) {
      const M adaptive = round_to<T>(bc2_sqrt / round_to<T>(round_to<T>(std::sqrt(v)) + eps));
      update = round_to<T>(round_to<T>(update * adaptive) * rect);
    }
    p = round_to<T>(p + M(-1) * update);
  }
};

}  // namespace mt::functors
