// nn_fused.h: the ag:: entries of the fused losses, norms and embedding
// (functions_nn_fused.cpp, Note [Fused nn losses and norms] in
// ext/ops/nn_fused.cpp).
#pragma once

#include "autograd.h"

namespace mt::ag {

// reduction: PyTorch's Reduction enum (0 none, 1 mean, 2 sum).
Tensor nll_loss_fused(const Tensor& input, const Tensor& target, const Tensor& weight,
                      int64_t reduction, int64_t ignore_index, double smoothing, bool log_softmax);
// layer_norm (rms false) or rms_norm over the trailing `cols` elements;
// weight and bias may be null (rms_norm takes no bias).
Tensor norm_fused(const Tensor& input, const Tensor& weight, const Tensor& bias, int64_t cols,
                  double eps, bool rms);
// weight[indices]; padding_idx < 0: none.
Tensor embedding_fused(const Tensor& weight, const Tensor& indices, int64_t padding_idx);

// batch_norm: training uses the batch statistics and updates the running
// stats (when given) in place; eval uses the running stats.
Tensor batch_norm_fused(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                        const Tensor& weight, const Tensor& bias, bool training, double momentum,
                        double eps);
Tensor group_norm_fused(const Tensor& input, int64_t groups, const Tensor& weight,
                        const Tensor& bias, double eps);

// mse_loss (logits false) and binary_cross_entropy_with_logits; weight and
// pos_weight may be null; gradients flow to input and target.
Tensor point_loss_fused(const Tensor& input, const Tensor& target, const Tensor& weight,
                        const Tensor& pos_weight, int64_t reduction, bool logits);

}  // namespace mt::ag
