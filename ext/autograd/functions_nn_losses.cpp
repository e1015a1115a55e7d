// functions_nn_losses.cpp: the one-node autograd of the second set of fused
// losses (Note [Fused losses, second set] in ext/ops/nn_losses.cpp).
#include "../ops/nn_losses.h"
#include "formulas.h"
#include "nn_losses.h"

namespace mt::ag {
namespace {

void no_double_backward(const char* op) {
  if (grad_enabled())
    MT_THROW(RuntimeError, op,
             ": double backward (backward with create_graph=True) through the fused op is not "
             "supported");
}

// saved: x, t, lse[, weight]; i: n, c, s, reduction; s[0]: smoothing;
// code: has_weight.
std::vector<Tensor> prob_ce_backward_formula(FnNode& n, std::vector<Tensor>& g) {
  no_double_backward(n.name());
  ops::ProbCeForward f;
  f.sh.n = n.i[0], f.sh.c = n.i[1], f.sh.s = n.i[2];
  f.sh.smoothing = n.s[0].to_double();
  f.x = n.saved_at(0);
  f.t = n.saved_at(1);
  f.lse = n.saved_at(2);
  if (n.code & 1) f.weight = n.saved_at(3);
  std::vector<Tensor> r =
      ops::prob_ce_backward(f, g[0], static_cast<ops::NnReduction>(n.i[3]), n.needs(0), n.needs(1));
  std::vector<Tensor> out(n.next.size());
  for (size_t k = 0; k < 2 && k < out.size(); ++k)
    if (r[k]) out[k] = ops::view(r[k], n.inputs[k].sizes);
  return out;
}

// saved: x, t[, weight] (broadcast); i: reduction, kind; s[0]: param,
// s[1]: divisor; code: has_weight | log_target << 1 | full << 2.
std::vector<Tensor> elem_loss_backward_formula(FnNode& n, std::vector<Tensor>& g) {
  no_double_backward(n.name());
  ops::ElemLossForward f;
  f.x = n.saved_at(0);
  f.t = n.saved_at(1);
  if (n.code & 1) f.weight = n.saved_at(2);
  f.sh.n = f.x->numel();
  f.sh.kind = static_cast<ElemLoss>(n.i[1]);
  f.sh.param = n.s[0].to_double();
  f.sh.log_target = (n.code >> 1) & 1;
  f.sh.full = (n.code >> 2) & 1;
  f.divisor = n.s[1].to_double();
  std::vector<Tensor> r = ops::elem_loss_backward(f, g[0], n.i[0], n.needs(0), n.needs(1));
  // the engine sums each gradient back to its input's shape and dtype
  return {r[0], r[1]};
}

const char* elem_node_name(int64_t kind) {
  switch (kind) {
    case 0:
      return "L1LossBackward0";
    case 1:
      return "SmoothL1LossBackward0";
    case 2:
      return "HuberLossBackward0";
    case 3:
      return "BinaryCrossEntropyBackward0";
    case 4:
      return "KlDivBackward0";
    case 5:
      return "SoftMarginLossBackward0";
    default:
      return "PoissonNllLossBackward0";
  }
}

// saved: weight, indices, offsets[, psw][, argmax]; i: n, noff, bags,
// padding_idx; code: mode | has_psw << 2.
std::vector<Tensor> embedding_bag_backward_formula(FnNode& n, std::vector<Tensor>& g) {
  no_double_backward(n.name());
  ops::EmbBagForward f;
  f.weight = n.saved_at(0);
  f.indices = n.saved_at(1);
  f.offsets = n.saved_at(2);
  size_t k = 3;
  if (n.code & 4) f.psw = n.saved_at(k++);
  f.sh.mode = n.code & 3;
  if (f.sh.mode == 2) f.argmax = n.saved_at(k++);
  f.sh.num = f.weight->sizes()[0], f.sh.dim = f.weight->sizes()[1];
  f.sh.n = n.i[0], f.sh.noff = n.i[1], f.sh.bags = n.i[2], f.sh.padding_idx = n.i[3];
  std::vector<Tensor> r = ops::embedding_bag_backward(f, g[0], n.needs(0), n.needs(1));
  std::vector<Tensor> out(n.next.size());
  if (r[0]) out[0] = r[0];
  if (r[1] && out.size() > 1) out[1] = ops::view(r[1], n.inputs[1].sizes);
  return out;
}

}  // namespace

Tensor prob_cross_entropy_fused(const Tensor& input, const Tensor& target, const Tensor& weight,
                                int64_t reduction, double smoothing) {
  MT_CHECK(reduction >= 0 && reduction <= 2, "cross_entropy: reduction must be 0, 1 or 2, got ",
           reduction);
  ops::ProbCeForward f = ops::prob_ce_forward(input, target, weight,
                                              static_cast<ops::NnReduction>(reduction), smoothing);
  if (!should_record(input.get(), target.get())) return f.out;
  Ptr<FnNode> n =
      make_node("CrossEntropyLossBackward0", prob_ce_backward_formula, {input.get(), target.get()});
  n->i[0] = f.sh.n, n->i[1] = f.sh.c, n->i[2] = f.sh.s, n->i[3] = reduction;
  n->s[0] = Scalar::from_double(smoothing);
  n->code = f.weight ? 1 : 0;
  save(*n, f.x);
  save(*n, f.t);
  save(*n, f.lse);
  if (f.weight) save(*n, f.weight);
  set_history(f.out, *n);
  return f.out;
}

Tensor elem_loss_fused(const Tensor& input, const Tensor& target, const Tensor& weight,
                       int64_t reduction, int64_t kind, double param, int flags) {
  MT_CHECK(kind >= 0 && kind <= 6, "elem_loss: kind must be 0 to 6, got ", kind);
  ops::ElemLossForward f = ops::elem_loss_forward(input, target, weight, reduction,
                                                  static_cast<ElemLoss>(kind), param, flags);
  if (!should_record(input.get(), target.get())) return f.out;
  Ptr<FnNode> n =
      make_node(elem_node_name(kind), elem_loss_backward_formula, {input.get(), target.get()});
  n->i[0] = reduction, n->i[1] = kind;
  n->s[0] = Scalar::from_double(param);
  n->s[1] = Scalar::from_double(f.divisor);
  n->code = (f.weight ? 1 : 0) | ((flags & 3) << 1);
  save(*n, f.x);
  save(*n, f.t);
  if (f.weight) save(*n, f.weight);
  set_history(f.out, *n);
  return f.out;
}

Tensor embedding_bag_fused(const Tensor& weight, const Tensor& indices, const Tensor& offsets,
                           int64_t mode, const Tensor& psw, bool include_last_offset,
                           int64_t padding_idx) {
  ops::EmbBagForward f = ops::embedding_bag_forward(weight, indices, offsets, mode, psw,
                                                    include_last_offset, padding_idx);
  if (!should_record(weight.get(), psw.get())) return f.out;
  Ptr<FnNode> n =
      make_node("EmbeddingBagBackward0", embedding_bag_backward_formula, {weight.get(), psw.get()});
  n->i[0] = f.sh.n, n->i[1] = f.sh.noff, n->i[2] = f.sh.bags, n->i[3] = f.sh.padding_idx;
  n->code = static_cast<int>(mode) | (f.psw ? 4 : 0);
  save(*n, f.weight);
  save(*n, f.indices);
  save(*n, f.offsets);
  if (f.psw) save(*n, f.psw);
  if (f.argmax) save(*n, f.argmax);
  set_history(f.out, *n);
  return f.out;
}

}  // namespace mt::ag
