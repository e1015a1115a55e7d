// functions_nn_fused.cpp: the one-node autograd of the fused losses, norms and
// embedding (Note [Fused nn losses and norms] in ext/ops/nn_fused.cpp).
#include "../ops/nn_fused.h"
#include "formulas.h"
#include "nn_fused.h"

namespace mt::ag {
namespace {

void no_double_backward(const char* op) {
  if (grad_enabled())
    MT_THROW(RuntimeError, op,
             ": double backward (backward with create_graph=True) through the fused op is not "
             "supported");
}

// saved: x, target, lse, total_weight[, weight]; i: n, c, s, ignore_index;
// s[0]: smoothing; code: reduction | log_softmax << 4 | has_weight << 5.
std::vector<Tensor> nll_backward_formula(FnNode& n, std::vector<Tensor>& g) {
  no_double_backward(n.name());
  NllShape sh;
  sh.n = n.i[0], sh.c = n.i[1], sh.s = n.i[2], sh.ignore_index = n.i[3];
  sh.smoothing = n.s[0].to_double();
  sh.log_softmax = (n.code >> 4) & 1;
  const bool has_weight = (n.code >> 5) & 1;
  const auto red = static_cast<ops::NnReduction>(n.code & 15);
  Tensor w = has_weight ? n.saved_at(4) : Tensor();
  Tensor gx = ops::nll_backward(sh, n.saved_at(0), n.saved_at(1), w, n.saved_at(2), n.saved_at(3),
                                g[0], red);
  return {ops::view(gx, n.inputs[0].sizes)};
}

// saved: x, mean, rstd[, weight]; i: rows, cols, rms, has_weight; s[0]: eps.
std::vector<Tensor> norm_backward_formula(FnNode& n, std::vector<Tensor>& g) {
  no_double_backward(n.name());
  NormShape sh;
  sh.rows = n.i[0], sh.cols = n.i[1], sh.rms = n.i[2] != 0;
  sh.eps = n.s[0].to_double();
  const bool has_weight = n.i[3] != 0;
  Tensor w = has_weight ? n.saved_at(3) : Tensor();
  std::vector<Tensor> r = ops::norm_backward(sh, g[0], n.saved_at(0), w, n.saved_at(1),
                                             n.saved_at(2), n.needs(0), n.needs(1), n.needs(2));
  std::vector<Tensor> out(n.next.size());
  if (r[0]) out[0] = ops::view(r[0], n.inputs[0].sizes);
  for (size_t k = 1; k < 3 && k < out.size(); ++k)
    if (r[k])
      out[k] =
          ops::view(ops::to(r[k], n.inputs[k].dtype, r[k]->device(), false), n.inputs[k].sizes);
  return out;
}

// saved: x, mean, rstd[, weight]; i: n, c, s, groups; code: use_input_stats
// | has_weight << 1; s[0]: eps.
std::vector<Tensor> channel_norm_backward_formula(FnNode& n, std::vector<Tensor>& g) {
  no_double_backward(n.name());
  ChannelNormShape sh;
  sh.n = n.i[0], sh.c = n.i[1], sh.s = n.i[2], sh.groups = n.i[3];
  sh.use_input_stats = n.code & 1;
  sh.eps = n.s[0].to_double();
  Tensor w = (n.code & 2) ? n.saved_at(3) : Tensor();
  std::vector<Tensor> r = ops::channel_norm_backward(
      sh, g[0], n.saved_at(0), w, n.saved_at(1), n.saved_at(2), n.needs(0), n.needs(1), n.needs(2));
  std::vector<Tensor> out(n.next.size());
  if (r[0]) out[0] = ops::view(r[0], n.inputs[0].sizes);
  for (size_t k = 1; k < 3 && k < out.size(); ++k)
    if (r[k])
      out[k] =
          ops::view(ops::to(r[k], n.inputs[k].dtype, r[k]->device(), false), n.inputs[k].sizes);
  return out;
}

Tensor record_channel_norm(const char* name, ops::ChannelNormForward& f, const Tensor& input,
                           const Tensor& weight, const Tensor& bias) {
  if (!should_record(input.get(), weight.get(), bias.get())) return f.out;
  Ptr<FnNode> n =
      make_node(name, channel_norm_backward_formula, {input.get(), weight.get(), bias.get()});
  n->i[0] = f.sh.n, n->i[1] = f.sh.c, n->i[2] = f.sh.s, n->i[3] = f.sh.groups;
  n->code = (f.sh.use_input_stats ? 1 : 0) | (f.weight ? 2 : 0);
  n->s[0] = Scalar::from_double(f.sh.eps);
  save(*n, f.x);
  save(*n, f.mean);
  save(*n, f.rstd);
  if (f.weight) save(*n, f.weight);
  set_history(f.out, *n);
  return f.out;
}

// saved: x, t[, weight][, pos_weight] (broadcast); i[0]: reduction;
// code: logits | has_weight << 1 | has_pos_weight << 2.
std::vector<Tensor> point_loss_backward_formula(FnNode& n, std::vector<Tensor>& g) {
  no_double_backward(n.name());
  ops::PointLossForward f;
  f.x = n.saved_at(0);
  f.t = n.saved_at(1);
  size_t k = 2;
  if (n.code & 2) f.weight = n.saved_at(k++);
  if (n.code & 4) f.pos_weight = n.saved_at(k++);
  f.sh.n = f.x->numel();
  f.sh.logits = n.code & 1;
  std::vector<Tensor> r = ops::point_loss_backward(f, g[0], static_cast<ops::NnReduction>(n.i[0]),
                                                   n.needs(0), n.needs(1));
  // the engine sums each gradient back to its input's shape and dtype
  return {r[0], r[1]};
}

// saved: flat int64 indices; i[0]: padding_idx (or -1).
std::vector<Tensor> embedding_backward_formula(FnNode& n, std::vector<Tensor>& g) {
  no_double_backward(n.name());
  const Dims& ws = n.inputs[0].sizes;
  Tensor idx = n.saved_at(0);
  Tensor gw = ops::full(ws, Scalar::from_double(0.0), g[0]->dtype(), g[0]->device());
  Tensor src = ops::reshape(ops::contiguous(g[0]), Dims{idx->numel(), ws[1]});
  ops::index_add_(gw, 0, idx, src, Scalar::from_double(1.0));
  if (n.i[0] >= 0) ops::fill_(ops::select(gw, 0, n.i[0]), Scalar::from_double(0.0));
  return {gw};
}

}  // namespace

Tensor nll_loss_fused(const Tensor& input, const Tensor& target, const Tensor& weight,
                      int64_t reduction, int64_t ignore_index, double smoothing, bool log_softmax) {
  MT_CHECK(reduction >= 0 && reduction <= 2, "nll_loss: reduction must be 0, 1 or 2, got ",
           reduction);
  const auto red = static_cast<ops::NnReduction>(reduction);
  ops::NllForward f =
      ops::nll_forward(input, target, weight, red, ignore_index, smoothing, log_softmax);
  if (!should_record(input.get())) return f.out;
  Ptr<FnNode> n = make_node(log_softmax ? "CrossEntropyLossBackward0" : "NllLossBackward0",
                            nll_backward_formula, {input.get()});
  n->i[0] = f.sh.n, n->i[1] = f.sh.c, n->i[2] = f.sh.s, n->i[3] = f.sh.ignore_index;
  n->s[0] = Scalar::from_double(f.sh.smoothing);
  n->code = static_cast<int>(reduction) | (log_softmax ? 16 : 0) | (f.weight ? 32 : 0);
  save(*n, f.x);
  save(*n, f.target);
  save(*n, f.lse);
  save(*n, f.total_weight);
  if (f.weight) save(*n, f.weight);
  set_history(f.out, *n);
  return f.out;
}

Tensor norm_fused(const Tensor& input, const Tensor& weight, const Tensor& bias, int64_t cols,
                  double eps, bool rms) {
  ops::NormForward f = ops::norm_forward(input, weight, bias, cols, eps, rms);
  if (!should_record(input.get(), weight.get(), bias.get())) return f.out;
  Ptr<FnNode> n = make_node(rms ? "RmsNormBackward0" : "NativeLayerNormBackward0",
                            norm_backward_formula, {input.get(), weight.get(), bias.get()});
  n->i[0] = f.sh.rows, n->i[1] = f.sh.cols, n->i[2] = rms, n->i[3] = f.weight ? 1 : 0;
  n->s[0] = Scalar::from_double(eps);
  save(*n, f.x);
  save(*n, f.mean);
  save(*n, f.rstd);
  if (f.weight) save(*n, f.weight);
  set_history(f.out, *n);
  return f.out;
}

Tensor batch_norm_fused(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                        const Tensor& weight, const Tensor& bias, bool training, double momentum,
                        double eps) {
  ops::ChannelNormForward f = ops::batch_norm_forward(input, running_mean, running_var, weight,
                                                      bias, training, momentum, eps);
  return record_channel_norm("NativeBatchNormBackward0", f, input, weight, bias);
}

Tensor group_norm_fused(const Tensor& input, int64_t groups, const Tensor& weight,
                        const Tensor& bias, double eps) {
  ops::ChannelNormForward f = ops::group_norm_forward(input, groups, weight, bias, eps);
  return record_channel_norm("NativeGroupNormBackward0", f, input, weight, bias);
}

Tensor point_loss_fused(const Tensor& input, const Tensor& target, const Tensor& weight,
                        const Tensor& pos_weight, int64_t reduction, bool logits) {
  MT_CHECK(reduction >= 0 && reduction <= 2, "reduction must be 0, 1 or 2, got ", reduction);
  const auto red = static_cast<ops::NnReduction>(reduction);
  ops::PointLossForward f = ops::point_loss_forward(input, target, weight, pos_weight, red, logits);
  if (!should_record(input.get(), target.get())) return f.out;
  Ptr<FnNode> n = make_node(logits ? "BinaryCrossEntropyWithLogitsBackward0" : "MseLossBackward0",
                            point_loss_backward_formula, {input.get(), target.get()});
  n->i[0] = reduction;
  n->code = (logits ? 1 : 0) | (f.weight ? 2 : 0) | (f.pos_weight ? 4 : 0);
  save(*n, f.x);
  save(*n, f.t);
  if (f.weight) save(*n, f.weight);
  if (f.pos_weight) save(*n, f.pos_weight);
  set_history(f.out, *n);
  return f.out;
}

Tensor embedding_fused(const Tensor& weight, const Tensor& indices, int64_t padding_idx) {
  MT_CHECK(weight->dim() == 2, "'weight' must be 2-D, got ", weight->dim(), "-D");
  Tensor idx = ops::contiguous(
      ops::to(ops::reshape(indices, Dims{-1}), DType::Int64, indices->device(), false));
  Dims out_sizes = indices->sizes();
  out_sizes.push_back(weight->sizes()[1]);
  Tensor out = ops::reshape(ops::index_select(weight, 0, idx), out_sizes);
  if (!should_record(weight.get())) return out;
  Ptr<FnNode> n = make_node("EmbeddingBackward0", embedding_backward_formula, {weight.get()});
  n->i[0] = padding_idx;
  save(*n, idx);
  set_history(out, *n);
  return out;
}

}  // namespace mt::ag
