// nn_losses.h: the ag:: entries of the second set of fused losses
// (functions_nn_losses.cpp, Note [Fused losses, second set] in
// ext/ops/nn_losses.cpp).
#pragma once

#include "autograd.h"

namespace mt::ag {

// cross_entropy against class probabilities; weight may be null; gradients
// flow to input and target. reduction: 0 none, 1 mean, 2 sum.
Tensor prob_cross_entropy_fused(const Tensor& input, const Tensor& target, const Tensor& weight,
                                int64_t reduction, double smoothing);
// kind: ElemLoss (0 l1, 1 smooth_l1, 2 huber, 3 binary_cross_entropy,
// 4 kl_div, 5 soft_margin, 6 poisson_nll); reduction 3 is batchmean; flags:
// 1 log_target / log_input, 2 full.
Tensor elem_loss_fused(const Tensor& input, const Tensor& target, const Tensor& weight,
                       int64_t reduction, int64_t kind, double param, int flags);

// embedding_bag (mode 0 sum, 1 mean, 2 max); per_sample_weights may be null;
// padding_idx < 0: none. Gradients flow to weight and per_sample_weights.
Tensor embedding_bag_fused(const Tensor& weight, const Tensor& indices, const Tensor& offsets,
                           int64_t mode, const Tensor& psw, bool include_last_offset,
                           int64_t padding_idx);

}  // namespace mt::ag
