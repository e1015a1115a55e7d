// rnnattn.cpp: the fused recurrent cells.
//
// Note [Fused RNN cells]
// nn.LSTM / GRU / RNN (minitorch/nn/modules/rnn.py) project the whole input
// sequence with one GEMM (gi = x W_ih^T + b_ih for every step), then run one
// GEMM per step for the hidden projection (gh = h W_hh^T + b_hh) and one of
// these ops for all the pointwise gate math of the step: sigmoid, tanh,
// c' = f c + i g and h' = o tanh(c') for the LSTM; r, z, n and
// h' = (1 - z) n + z h for the GRU (gh keeps b_hn inside r * (W_hn h + b_hn),
// PyTorch's formula); tanh or relu of gi + gh for the Elman cell. Each is one
// kernel (core/kernels_nn.h) and one backward node (ext/autograd/
// functions_rnnattn.cpp) that saves a workspace of the activated gates
// (float32 for float16/bfloat16 inputs, which compute in float32), so a step
// records two nodes (addmm and the cell) instead of about a dozen. The
// backward kernel returns the gradient of the pre-activation gates, which is
// the gradient of gi and of gh alike. Double backward through a cell node is
// refused with a RuntimeError (the formula is a kernel, not ag:: ops).
#include "rnnattn.h"

#include "../core/kernels_nn.h"

namespace mt::ops {

namespace {

// The dtype the kernels compute in: float32 and float64 as they are,
// float16/bfloat16 in float32.
DType compute_dtype(DType d) { return d == DType::Float64 ? DType::Float64 : DType::Float32; }

Tensor as_compute(const Tensor& t, DType cd) {
  Tensor r = t->dtype() == cd ? t : to(t, cd, t->device(), false);
  return r->is_contiguous() ? r : contiguous(r);
}

Tensor as_dtype(const Tensor& t, DType d) {
  return t->dtype() == d ? t : to(t, d, t->device(), false);
}

void check_cell(const char* op, const Tensor& gi, const Tensor& gh, const Tensor& state,
                int64_t gates) {
  MT_CHECK(gi && gh && state, op, "(): expected tensors");
  MT_CHECK(is_floating(gi->dtype()), op, "(): expected a floating-point tensor, got ",
           info(gi->dtype()).torch_name);
  MT_CHECK(gh->dtype() == gi->dtype() && state->dtype() == gi->dtype(), op,
           "(): expected all tensors to have the same dtype, got ", info(gi->dtype()).torch_name,
           ", ", info(gh->dtype()).torch_name, " and ", info(state->dtype()).torch_name);
  MT_CHECK(gh->device() == gi->device() && state->device() == gi->device(), op,
           "(): expected all tensors to be on the same device, got ", gi->device().str(), ", ",
           gh->device().str(), " and ", state->device().str());
  MT_CHECK(state->dim() == 2, op, "(): expected a 2-D state (batch, hidden), got ", state->dim(),
           "-D");
  const int64_t batch = state->sizes()[0], hidden = state->sizes()[1];
  const Dims want{batch, gates * hidden};
  MT_CHECK(gi->sizes() == want && gh->sizes() == want, op, "(): expected gates of shape [", batch,
           ", ", gates * hidden, "], got input_gates ", gi->dim(), "-D [",
           gi->dim() ? gi->sizes()[0] : 0, ", ...] and hidden_gates ", gh->dim(), "-D");
}

}  // namespace

LstmCellResult fused_lstm_cell(const Tensor& gi, const Tensor& gh, const Tensor& cx, bool want_ws) {
  check_cell("_fused_lstm_cell", gi, gh, cx, 4);
  const DType dt = gi->dtype(), cd = compute_dtype(dt);
  const Device dev = gi->device();
  auto kernel = need(nn_kernel_table(dev.type).lstm_cell, "_fused_lstm_cell", dev);
  const int64_t batch = cx->sizes()[0], hidden = cx->sizes()[1];
  Tensor a = as_compute(gi, cd), b = as_compute(gh, cd), c = as_compute(cx, cd);
  Tensor hy = empty({batch, hidden}, cd, dev), cy = empty({batch, hidden}, cd, dev);
  Tensor ws = empty({batch, 5 * hidden}, cd, dev);
  if (batch * hidden > 0)
    kernel(cd, batch, hidden, a->data(), b->data(), c->data(), hy->data(), cy->data(), ws->data());
  return {as_dtype(hy, dt), as_dtype(cy, dt), want_ws ? ws : Tensor()};
}

void fused_lstm_cell_backward(const Tensor& dhy, const Tensor& dcy, const Tensor& ws,
                              const Tensor& cx, Tensor* dgates, Tensor* dcx) {
  const DType dt = cx->dtype(), cd = ws->dtype();
  const Device dev = ws->device();
  auto kernel =
      need(nn_kernel_table(dev.type).lstm_cell_backward, "_fused_lstm_cell_backward", dev);
  const int64_t batch = cx->sizes()[0], hidden = cx->sizes()[1];
  Tensor a = as_compute(dhy, cd), b = as_compute(dcy, cd), c = as_compute(cx, cd);
  Tensor dg = empty({batch, 4 * hidden}, cd, dev), dc = empty({batch, hidden}, cd, dev);
  if (batch * hidden > 0)
    kernel(cd, batch, hidden, a->data(), b->data(), ws->data(), c->data(), dg->data(), dc->data());
  *dgates = as_dtype(dg, dt);
  *dcx = as_dtype(dc, dt);
}

GruCellResult fused_gru_cell(const Tensor& gi, const Tensor& gh, const Tensor& hx, bool want_ws) {
  check_cell("_fused_gru_cell", gi, gh, hx, 3);
  const DType dt = gi->dtype(), cd = compute_dtype(dt);
  const Device dev = gi->device();
  auto kernel = need(nn_kernel_table(dev.type).gru_cell, "_fused_gru_cell", dev);
  const int64_t batch = hx->sizes()[0], hidden = hx->sizes()[1];
  Tensor a = as_compute(gi, cd), b = as_compute(gh, cd), c = as_compute(hx, cd);
  Tensor hy = empty({batch, hidden}, cd, dev), ws = empty({batch, 4 * hidden}, cd, dev);
  if (batch * hidden > 0)
    kernel(cd, batch, hidden, a->data(), b->data(), c->data(), hy->data(), ws->data());
  return {as_dtype(hy, dt), want_ws ? ws : Tensor()};
}

void fused_gru_cell_backward(const Tensor& dhy, const Tensor& ws, const Tensor& hx, Tensor* dgi,
                             Tensor* dgh, Tensor* dhx) {
  const DType dt = hx->dtype(), cd = ws->dtype();
  const Device dev = ws->device();
  auto kernel = need(nn_kernel_table(dev.type).gru_cell_backward, "_fused_gru_cell_backward", dev);
  const int64_t batch = hx->sizes()[0], hidden = hx->sizes()[1];
  Tensor a = as_compute(dhy, cd), c = as_compute(hx, cd);
  Tensor di = empty({batch, 3 * hidden}, cd, dev), dh = empty({batch, 3 * hidden}, cd, dev);
  Tensor d0 = empty({batch, hidden}, cd, dev);
  if (batch * hidden > 0)
    kernel(cd, batch, hidden, a->data(), ws->data(), c->data(), di->data(), dh->data(), d0->data());
  *dgi = as_dtype(di, dt);
  *dgh = as_dtype(dh, dt);
  *dhx = as_dtype(d0, dt);
}

Tensor fused_rnn_cell(const Tensor& gi, const Tensor& gh, bool relu) {
  MT_CHECK(gi && gh, "_fused_rnn_cell(): expected tensors");
  MT_CHECK(is_floating(gi->dtype()), "_fused_rnn_cell(): expected a floating-point tensor, got ",
           info(gi->dtype()).torch_name);
  MT_CHECK(gh->dtype() == gi->dtype(),
           "_fused_rnn_cell(): expected both tensors to have the same dtype, got ",
           info(gi->dtype()).torch_name, " and ", info(gh->dtype()).torch_name);
  MT_CHECK(gh->device() == gi->device(),
           "_fused_rnn_cell(): expected both tensors to be on the same device");
  MT_CHECK(gi->sizes() == gh->sizes(), "_fused_rnn_cell(): expected gates of the same shape");
  const DType dt = gi->dtype(), cd = compute_dtype(dt);
  const Device dev = gi->device();
  auto kernel = need(nn_kernel_table(dev.type).rnn_cell, "_fused_rnn_cell", dev);
  Tensor a = as_compute(gi, cd), b = as_compute(gh, cd);
  Tensor hy = empty(gi->sizes(), cd, dev);
  if (hy->numel() > 0) kernel(cd, hy->numel(), a->data(), b->data(), relu, hy->data());
  return as_dtype(hy, dt);
}

Tensor fused_rnn_cell_backward(const Tensor& dhy, const Tensor& hy, bool relu) {
  const DType dt = hy->dtype(), cd = compute_dtype(dt);
  const Device dev = hy->device();
  auto kernel = need(nn_kernel_table(dev.type).rnn_cell_backward, "_fused_rnn_cell_backward", dev);
  Tensor a = as_compute(dhy, cd), b = as_compute(hy, cd);
  Tensor d = empty(hy->sizes(), cd, dev);
  if (d->numel() > 0) kernel(cd, d->numel(), a->data(), b->data(), relu, d->data());
  return as_dtype(d, dt);
}

}  // namespace mt::ops
