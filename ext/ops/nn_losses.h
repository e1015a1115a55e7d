// nn_losses.h: the second set of fused losses (ext/ops/nn_losses.cpp, Note
// [Fused losses, second set]).
#pragma once

#include "nn_fused.h"

namespace mt::ops {

// cross_entropy with class-probability targets.
struct ProbCeForward {
  Tensor out, x, t, weight, lse;  // x, t: contiguous (n, c, s); lse: rows, acc dtype
  ProbCeShape sh;
};
// input (N, C, d1, ...) or (C,) logits, target of the same shape and dtype
// (checked by the caller, minitorch/nn/_functional_losses.py).
ProbCeForward prob_ce_forward(const Tensor& input, const Tensor& target, const Tensor& weight,
                              NnReduction reduction, double smoothing);
// {gx, gt}, each null unless wanted, shaped like x.
std::vector<Tensor> prob_ce_backward(const ProbCeForward& f, const Tensor& grad,
                                     NnReduction reduction, bool want_x, bool want_t);

// l1, smooth_l1, huber, binary_cross_entropy, kl_div: operands broadcast to one
// shape and dtype. reduction 3 is kl_div's batchmean (sum / input.size(0));
// flags: 1 log_target (kl_div) or log_input (poisson_nll), 2 full (poisson_nll).
struct ElemLossForward {
  Tensor out, x, t, weight;  // broadcast, contiguous
  ElemLossShape sh;
  double divisor = 1;  // the mean's (or batchmean's) divisor
};
ElemLossForward elem_loss_forward(const Tensor& input, const Tensor& target, const Tensor& weight,
                                  int64_t reduction, ElemLoss kind, double param, int flags);
std::vector<Tensor> elem_loss_backward(const ElemLossForward& f, const Tensor& grad,
                                       int64_t reduction, bool want_x, bool want_t);

// embedding_bag: weight (num, dim); indices (n) and offsets, int64 or int32;
// mode 0 sum, 1 mean, 2 max; per_sample_weights (n, sum only) may be null;
// padding_idx < 0: none.
struct EmbBagForward {
  Tensor out, weight, indices, offsets, psw, argmax;  // contiguous; argmax: max mode
  EmbBagShape sh;
};
EmbBagForward embedding_bag_forward(const Tensor& weight, const Tensor& indices,
                                    const Tensor& offsets, int64_t mode, const Tensor& psw,
                                    bool include_last_offset, int64_t padding_idx);
// {gw, gpsw}: each null unless wanted; gw in weight's dtype.
std::vector<Tensor> embedding_bag_backward(const EmbBagForward& f, const Tensor& grad, bool want_w,
                                           bool want_psw);

}  // namespace mt::ops
