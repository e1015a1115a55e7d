// functions_rnnattn.cpp: the fused recurrent cells' ag:: entries and their
// backward nodes (Note [Fused RNN cells] in ext/ops/rnnattn.cpp). Each
// formula is a kernel, so a graph made with create_graph=True through a cell
// is refused: double backward goes through the composite cells only.
#include "functions_rnnattn.h"

#include "../ops/rnnattn.h"
#include "formulas.h"

namespace mt::ag {

namespace {

void no_double_backward(const char* node) {
  MT_CHECK(!grad_enabled(), node,
           ": double backward (create_graph=True) through a fused recurrent cell is not "
           "supported");
}

// saved: ws, cx. Gradients: gi, gh (the same pre-activation gradient), cx.
std::vector<Tensor> lstm_backward(FnNode& n, std::vector<Tensor>& g) {
  no_double_backward(n.name());
  Tensor ws = n.saved_at(0), cx = n.saved_at(1);
  Tensor dgates, dcx;
  ops::fused_lstm_cell_backward(g[0], g[1], ws, cx, &dgates, &dcx);
  return {dgates, dgates, dcx};
}

// saved: ws, hx. Gradients: gi, gh, hx.
std::vector<Tensor> gru_backward(FnNode& n, std::vector<Tensor>& g) {
  no_double_backward(n.name());
  Tensor ws = n.saved_at(0), hx = n.saved_at(1);
  Tensor dgi, dgh, dhx;
  ops::fused_gru_cell_backward(g[0], ws, hx, &dgi, &dgh, &dhx);
  return {dgi, dgh, dhx};
}

// saved: hy (the output); i[0] = relu.
std::vector<Tensor> rnn_backward(FnNode& n, std::vector<Tensor>& g) {
  no_double_backward(n.name());
  Tensor d = ops::fused_rnn_cell_backward(g[0], n.saved_at(0), n.i[0] != 0);
  return {d, d};
}

}  // namespace

std::vector<Tensor> fused_lstm_cell(const Tensor& gi, const Tensor& gh, const Tensor& cx) {
  const bool record = should_record(gi.get(), gh.get(), cx.get());
  ops::LstmCellResult r = ops::fused_lstm_cell(gi, gh, cx, record);
  if (record) {
    Ptr<FnNode> n =
        make_node("FusedLstmCellBackward0", lstm_backward, {gi.get(), gh.get(), cx.get()});
    set_history(r.hy, *n);
    set_history(r.cy, *n);
    save(*n, r.ws);
    save(*n, cx);
  }
  return {r.hy, r.cy};
}

Tensor fused_gru_cell(const Tensor& gi, const Tensor& gh, const Tensor& hx) {
  const bool record = should_record(gi.get(), gh.get(), hx.get());
  ops::GruCellResult r = ops::fused_gru_cell(gi, gh, hx, record);
  if (record) {
    Ptr<FnNode> n =
        make_node("FusedGruCellBackward0", gru_backward, {gi.get(), gh.get(), hx.get()});
    set_history(r.hy, *n);
    save(*n, r.ws);
    save(*n, hx);
  }
  return r.hy;
}

Tensor fused_rnn_cell(const Tensor& gi, const Tensor& gh, bool relu) {
  const bool record = should_record(gi.get(), gh.get());
  Tensor hy = ops::fused_rnn_cell(gi, gh, relu);
  if (record) {
    Ptr<FnNode> n = make_node(relu ? "FusedRnnReluCellBackward0" : "FusedRnnTanhCellBackward0",
                              rnn_backward, {gi.get(), gh.get()});
    n->i[0] = relu;
    set_history(hy, *n);
    save(*n, hy, true);
  }
  return hy;
}

}  // namespace mt::ag
