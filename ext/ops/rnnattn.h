// rnnattn.h: the fused recurrent cells (rnnattn.cpp, Note [Fused RNN cells]).
// A header of its own, so adding these ops rebuilds only the files that use them.
#pragma once

#include "ops.h"

namespace mt::ops {

// One LSTM step from the projected gates: gi = x W_ih^T + b_ih and
// gh = h W_hh^T + b_hh, both (batch, 4 hidden), and cx (batch, hidden).
// ws (when wanted) is the workspace the backward reads.
struct LstmCellResult {
  Tensor hy, cy, ws;
};
LstmCellResult fused_lstm_cell(const Tensor& gi, const Tensor& gh, const Tensor& cx, bool want_ws);
// The gradients of the pre-activation gates (for gi and gh alike) and of cx.
void fused_lstm_cell_backward(const Tensor& dhy, const Tensor& dcy, const Tensor& ws,
                              const Tensor& cx, Tensor* dgates, Tensor* dcx);

// One GRU step: gi, gh (batch, 3 hidden), hx (batch, hidden).
struct GruCellResult {
  Tensor hy, ws;
};
GruCellResult fused_gru_cell(const Tensor& gi, const Tensor& gh, const Tensor& hx, bool want_ws);
void fused_gru_cell_backward(const Tensor& dhy, const Tensor& ws, const Tensor& hx, Tensor* dgi,
                             Tensor* dgh, Tensor* dhx);

// One Elman step: tanh(gi + gh), or relu(gi + gh); gi, gh (batch, hidden).
Tensor fused_rnn_cell(const Tensor& gi, const Tensor& gh, bool relu);
// The gradient of the pre-activation from hy (the step's output).
Tensor fused_rnn_cell_backward(const Tensor& dhy, const Tensor& hy, bool relu);

}  // namespace mt::ops

namespace mt::ops {

// scaled_dot_product_attention without dropout (attention.cpp, Note [Fused
// attention]). query (..., Hq, L, E), key (..., Hk, S, E), value (..., Hk, S, Ev)
// with equal leading dims, Hk == Hq unless enable_gqa (then Hq % Hk == 0); mask:
// null, bool, or floating, broadcastable to (..., Hq, L, S). The saved fields are
// what the backward reads.
struct SdpaResult {
  Tensor out;
  Tensor q, k, v, mask, out_c, lse;  // compute-dtype contiguous operands and results
  int64_t batch = 0, heads = 0, kv_heads = 0;
  double scale = 1.0;
};
SdpaResult fused_sdpa(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask,
                      bool is_causal, std::optional<double> scale, bool enable_gqa);
// dq, dk, dv in the dtypes and shapes of query, key and value (dtypes given).
void fused_sdpa_backward(const Tensor& dout, const SdpaResult& s, bool is_causal,
                         const Dims& q_sizes, const Dims& k_sizes, const Dims& v_sizes, DType dtype,
                         Tensor* dq, Tensor* dk, Tensor* dv);

}  // namespace mt::ops
