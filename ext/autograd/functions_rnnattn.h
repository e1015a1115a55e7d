// functions_rnnattn.h: the differentiable fused recurrent cells
// (functions_rnnattn.cpp, Note [Fused RNN cells] in ext/ops/rnnattn.cpp).
#pragma once

#include <optional>
#include <vector>

#include "autograd.h"

namespace mt::ag {

// (hy, cy)
std::vector<Tensor> fused_lstm_cell(const Tensor& gi, const Tensor& gh, const Tensor& cx);
Tensor fused_gru_cell(const Tensor& gi, const Tensor& gh, const Tensor& hx);
Tensor fused_rnn_cell(const Tensor& gi, const Tensor& gh, bool relu);

// scaled_dot_product_attention without dropout, one fused op and one backward
// node (functions_attention.cpp, ext/ops/attention.cpp).
// mask: null, bool or floating; scale: nullopt for 1/sqrt(E).
Tensor fused_sdpa(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask,
                  bool is_causal, std::optional<double> scale, bool enable_gqa);

}  // namespace mt::ag
