// table_rnnattn.cpp: the rnnattn family's op table (Note [Op tables]): the
// fused recurrent cells (Note [Fused RNN cells] in ext/ops/rnnattn.cpp),
// private functions of minitorch._C that nn.LSTM / GRU / RNN and their Cell
// modules call once per time step.
#include "functions_rnnattn.h"
#include "table_util.h"

namespace mt::optable {

namespace {

// _fused_lstm_cell(input_gates, hidden_gates, cx) -> (hy, cy)
Result fused_lstm_cell(const OpDef&, OpArgs& a) {
  return tensor_tuple(ag::fused_lstm_cell(tensor_at(a, 0), tensor_at(a, 1), tensor_at(a, 2)));
}

// _fused_gru_cell(input_gates, hidden_gates, hx) -> hy
Result fused_gru_cell(const OpDef&, OpArgs& a) {
  return {ag::fused_gru_cell(tensor_at(a, 0), tensor_at(a, 1), tensor_at(a, 2))};
}

// _fused_rnn_cell(input_gates, hidden_gates, relu=False) -> hy
Result fused_rnn_cell(const OpDef&, OpArgs& a) {
  return {ag::fused_rnn_cell(tensor_at(a, 0), tensor_at(a, 1), a.v[2].b)};
}

// _fused_scaled_dot_product_attention(query, key, value, attn_mask=None,
//   is_causal=False, scale=None, enable_gqa=False)
Result fused_sdpa(const OpDef&, OpArgs& a) {
  Tensor mask = a.has(3) && a.v[3].tensor ? tensor_at(a, 3) : Tensor();
  std::optional<double> scale;
  if (a.has(5)) scale = a.v[5].d;
  return {ag::fused_sdpa(tensor_at(a, 0), tensor_at(a, 1), tensor_at(a, 2), mask, a.v[4].b, scale,
                         a.v[6].b)};
}

}  // namespace

const OpDef kRnnAttnOps[] = {
    {"_fused_lstm_cell", "_fused_lstm_cell(Tensor input_gates, Tensor hidden_gates, Tensor cx)",
     kFunction, 0, "", "", 0, fused_lstm_cell, nullptr},
    {"_fused_gru_cell", "_fused_gru_cell(Tensor input_gates, Tensor hidden_gates, Tensor hx)",
     kFunction, 0, "", "", 0, fused_gru_cell, nullptr},
    {"_fused_rnn_cell", "_fused_rnn_cell(Tensor input_gates, Tensor hidden_gates, bool relu=False)",
     kFunction, 0, "", "", 0, fused_rnn_cell, nullptr},
    {"_fused_scaled_dot_product_attention",
     "_fused_scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? "
     "attn_mask=None, bool is_causal=False, float? scale=None, bool enable_gqa=False)",
     kFunction, 0, "", "", 0, fused_sdpa, nullptr},
};
static_assert(sizeof(kRnnAttnOps) / sizeof(kRnnAttnOps[0]) == kNumRnnAttnOps,
              "kNumRnnAttnOps in op_tables.h must match the rows");

}  // namespace mt::optable
