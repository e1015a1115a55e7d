// nn_fused.h: the fused losses, norms and embedding of ext/ops/nn_fused.cpp
// (Note [Fused nn losses and norms]).
#pragma once

#include "../core/kernels_nn.h"
#include "ops.h"

namespace mt::ops {

// The dtype the fused kernels accumulate in: float64 for float32 and
// float64, float32 for float16 and bfloat16.
DType nn_acc_dtype(DType dt);

// PyTorch's Reduction enum: 0 none, 1 mean, 2 sum.
enum class NnReduction : int64_t { None = 0, Mean = 1, Sum = 2 };

// What the nll/cross-entropy forward computed, and what its backward needs.
struct NllForward {
  Tensor out;           // the loss (reduced, or shaped like the target)
  Tensor x, target;     // contiguous input; int64 contiguous target
  Tensor weight;        // contiguous, input's dtype (or null)
  Tensor lse;           // per-row log-sum-exp (acc dtype)
  Tensor total_weight;  // 0-d sum of the rows' weights (acc dtype)
  NllShape sh;
};
// input (N, C, d1, ...) or (C,) logits (log_softmax) or log-probabilities;
// target (N, d1, ...) or () class indices (int64 or uint8). Shapes are
// checked by the caller (minitorch/nn/_functional_losses.py), devices here.
NllForward nll_forward(const Tensor& input, const Tensor& target, const Tensor& weight,
                       NnReduction reduction, int64_t ignore_index, double smoothing,
                       bool log_softmax);
// The input gradient, shaped like x.
Tensor nll_backward(const NllShape& sh, const Tensor& x, const Tensor& target, const Tensor& weight,
                    const Tensor& lse, const Tensor& total_weight, const Tensor& grad,
                    NnReduction reduction);

// layer_norm (rms false) and rms_norm over the trailing `cols` elements.
struct NormForward {
  Tensor out, x, weight, mean, rstd;  // x, weight: contiguous; mean, rstd: acc dtype (rows)
  NormShape sh;
};
NormForward norm_forward(const Tensor& input, const Tensor& weight, const Tensor& bias,
                         int64_t cols, double eps, bool rms);
// {gx, gw, gb}: each null unless wanted; gw and gb (cols) in the acc dtype.
std::vector<Tensor> norm_backward(const NormShape& sh, const Tensor& grad, const Tensor& x,
                                  const Tensor& weight, const Tensor& mean, const Tensor& rstd,
                                  bool want_x, bool want_w, bool want_b);

// batch_norm (running stats updated in place when training) and group_norm.
struct ChannelNormForward {
  Tensor out, x, weight, mean, rstd;  // x, weight: contiguous; mean, rstd: acc dtype
  ChannelNormShape sh;
};
ChannelNormForward batch_norm_forward(const Tensor& input, const Tensor& running_mean,
                                      const Tensor& running_var, const Tensor& weight,
                                      const Tensor& bias, bool training, double momentum,
                                      double eps);
ChannelNormForward group_norm_forward(const Tensor& input, int64_t groups, const Tensor& weight,
                                      const Tensor& bias, double eps);
// {gx, gw, gb}: each null unless wanted; gw and gb (c) in the acc dtype.
std::vector<Tensor> channel_norm_backward(const ChannelNormShape& sh, const Tensor& grad,
                                          const Tensor& x, const Tensor& weight, const Tensor& mean,
                                          const Tensor& rstd, bool want_x, bool want_w,
                                          bool want_b);

// mse_loss and binary_cross_entropy_with_logits: every operand broadcast to
// one shape and one floating dtype (the caller checks they share it).
struct PointLossForward {
  Tensor out, x, t, weight, pos_weight;  // broadcast, contiguous
  PointLossShape sh;
};
PointLossForward point_loss_forward(const Tensor& input, const Tensor& target, const Tensor& weight,
                                    const Tensor& pos_weight, NnReduction reduction, bool logits);
// {gx, gt}, each null unless wanted, in the broadcast shape.
std::vector<Tensor> point_loss_backward(const PointLossForward& f, const Tensor& grad,
                                        NnReduction reduction, bool want_x, bool want_t);

}  // namespace mt::ops
