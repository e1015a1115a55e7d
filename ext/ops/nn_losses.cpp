// nn_losses.cpp: the second set of fused losses: shapes, dtypes and devices
// here, the arithmetic in the device's NnKernelTable slots (the `losses`
// block of core/kernels_nn.h).
//
// Note [Fused losses, second set]
// cross_entropy with class-probability targets, l1_loss, smooth_l1_loss,
// huber_loss, binary_cross_entropy, kl_div, soft_margin_loss,
// poisson_nll_loss and embedding_bag follow Note [Fused nn losses
// and norms]: one forward kernel call, one backward node whose formula is one
// kernel call, float32 accumulated in float64 (float16 and bfloat16 in
// float32), rows and elements independent so the result is bitwise the same
// for every thread count, and no double backward. The probability-target
// cross entropy keeps the rows' log-sum-exp; its input gradient is
// g * (softmax * sum_c w_c t'_c - w t') with t' the smoothed target
// (1 - ls) t + ls / C, and its target gradient -g (1 - ls) w logp. Its mean
// divides by the number of rows (N * d1 * ...), whatever the weights, as
// PyTorch's does. The elementwise losses share one kernel pair, selected by
// ElemLoss; their gradients reach both input and target. embedding_bag's
// weight gradient is a scatter-add into rows that bags share: each thread owns
// a block of columns and walks the bags in order, so every sum runs in one
// fixed order whatever the thread count.
#include "nn_losses.h"

#include <algorithm>

namespace mt::ops {

namespace {

void same_device(const Tensor& a, const Tensor& b, const char* op, const char* what) {
  if (b && b->device() != a->device())
    MT_THROW(RuntimeError, op, ": expected ", what, " to be on ", a->device().str(), ", got ",
             b->device().str());
}

const char* elem_name(ElemLoss k) {
  switch (k) {
    case ElemLoss::L1:
      return "l1_loss";
    case ElemLoss::SmoothL1:
      return "smooth_l1_loss";
    case ElemLoss::Huber:
      return "huber_loss";
    case ElemLoss::Bce:
      return "binary_cross_entropy";
    case ElemLoss::KlDiv:
      return "kl_div";
    case ElemLoss::SoftMargin:
      return "soft_margin_loss";
    case ElemLoss::PoissonNll:
      return "poisson_nll_loss";
  }
  return "loss";
}

Tensor reduce_rows(const Tensor& loss, int64_t reduction, double divisor, DType dt,
                   const Device& dev) {
  if (reduction == 0) return to(loss, dt, dev, false);
  Tensor s = sum(loss, std::nullopt, false, std::nullopt);
  if (reduction != 2) s = mul(s, Scalar::from_double(1.0 / divisor));
  return to(s, dt, dev, false);
}

}  // namespace

ProbCeForward prob_ce_forward(const Tensor& input, const Tensor& target, const Tensor& weight,
                              NnReduction reduction, double smoothing) {
  const char* op = "cross_entropy";
  const DType dt = input->dtype();
  MT_CHECK(is_floating(dt), op, ": expected a floating point input, got ", info(dt).name);
  MT_CHECK(target->dtype() == dt, op, ": expected target of dtype ", info(dt).name, ", got ",
           info(target->dtype()).name);
  MT_CHECK(input->dim() >= 1, op, ": expected an input of 1 or more dimensions");
  MT_CHECK(target->sizes() == input->sizes(), op,
           ": expected target of the input's shape with class probabilities, got ", target->sizes(),
           " and ", input->sizes());
  same_device(input, target, op, "target");
  same_device(input, weight, op, "weight");
  ProbCeForward f;
  ProbCeShape& sh = f.sh;
  const Dims& is = input->sizes();
  if (input->dim() == 1) {
    sh.n = 1, sh.c = is[0], sh.s = 1;
  } else {
    sh.n = is[0], sh.c = is[1], sh.s = 1;
    for (int64_t d = 2; d < input->dim(); ++d) sh.s *= is[d];
  }
  sh.smoothing = smoothing;
  const Device dev = input->device();
  f.x = contiguous(input);
  f.t = contiguous(target);
  if (weight) {
    MT_CHECK(weight->numel() == sh.c, op, ": expected weight with ", sh.c, " elements, got ",
             weight->sizes());
    f.weight = contiguous(to(reshape(weight, Dims{sh.c}), dt, dev, false));
  }
  const int64_t rows = sh.n * sh.s;
  const DType acc = nn_acc_dtype(dt);
  Tensor loss = empty(Dims{rows}, acc, dev);
  f.lse = empty(Dims{rows}, acc, dev);
  need(nn_kernel_table(dev.type).prob_ce_forward, op, dev)(sh, *f.x, *f.t, f.weight.get(), *loss,
                                                           *f.lse);
  Dims out_shape = input->sizes();
  out_shape.erase(input->dim() == 1 ? 0 : 1);
  const auto red = static_cast<int64_t>(reduction);
  f.out = reduce_rows(red == 0 ? reshape(loss, out_shape) : loss, red,
                      static_cast<double>(std::max<int64_t>(rows, 0)), dt, dev);
  return f;
}

std::vector<Tensor> prob_ce_backward(const ProbCeForward& f, const Tensor& grad,
                                     NnReduction reduction, bool want_x, bool want_t) {
  const Device dev = f.x->device();
  const DType dt = f.x->dtype();
  const int64_t rows = f.sh.n * f.sh.s;
  Tensor g = to(grad, nn_acc_dtype(dt), dev, false);
  if (reduction == NnReduction::Mean)
    g = mul(g, Scalar::from_double(1.0 / static_cast<double>(rows)));
  g = contiguous(reshape(g, Dims{reduction == NnReduction::None ? rows : 1}));
  Tensor gx = want_x ? empty(f.x->sizes(), dt, dev) : Tensor();
  Tensor gt = want_t ? empty(f.x->sizes(), dt, dev) : Tensor();
  need(nn_kernel_table(dev.type).prob_ce_backward, "cross_entropy_backward", dev)(
      f.sh, *f.x, *f.t, f.weight.get(), *f.lse, *g, gx.get(), gt.get());
  return {gx, gt};
}

ElemLossForward elem_loss_forward(const Tensor& input, const Tensor& target, const Tensor& weight,
                                  int64_t reduction, ElemLoss kind, double param, int flags) {
  const char* op = elem_name(kind);
  MT_CHECK(reduction >= 0 && reduction <= 3, op, ": reduction must be 0, 1, 2 or 3, got ",
           reduction);
  const DType dt = input->dtype();
  MT_CHECK(is_floating(dt), op, ": expected a floating point input, got ", info(dt).name);
  MT_CHECK(target->dtype() == dt && (!weight || weight->dtype() == dt), op,
           ": expected input, target and weight of one dtype");
  same_device(input, target, op, "target");
  same_device(input, weight, op, "weight");
  std::vector<Dims> shapes = {input->sizes(), target->sizes()};
  if (weight) shapes.push_back(weight->sizes());
  const Dims shape = broadcast_shapes(shapes);
  const Device dev = input->device();
  auto prep = [&](const Tensor& t) { return t ? contiguous(expand(t, shape)) : Tensor(); };
  ElemLossForward f;
  f.x = prep(input);
  f.t = prep(target);
  f.weight = prep(weight);
  f.sh.n = checked_numel(shape);
  f.sh.kind = kind;
  f.sh.param = param;
  f.sh.log_target = (flags & 1) != 0;
  f.sh.full = (flags & 2) != 0;
  if (reduction == 3)
    f.divisor = input->dim() ? static_cast<double>(input->sizes()[0]) : 1.0;
  else
    f.divisor = static_cast<double>(f.sh.n);
  Tensor loss = empty(shape, nn_acc_dtype(dt), dev);
  need(nn_kernel_table(dev.type).elem_loss_forward, op, dev)(f.sh, *f.x, *f.t, f.weight.get(),
                                                             *loss);
  f.out = reduce_rows(loss, reduction, f.divisor, dt, dev);
  return f;
}

std::vector<Tensor> elem_loss_backward(const ElemLossForward& f, const Tensor& grad,
                                       int64_t reduction, bool want_x, bool want_t) {
  const Device dev = f.x->device();
  const DType dt = f.x->dtype();
  Tensor g = to(grad, nn_acc_dtype(dt), dev, false);
  if (reduction == 1 || reduction == 3) g = mul(g, Scalar::from_double(1.0 / f.divisor));
  g = contiguous(reduction == 0 ? g : reshape(g, Dims{1}));
  Tensor gx = want_x ? empty(f.x->sizes(), dt, dev) : Tensor();
  Tensor gt = want_t ? empty(f.x->sizes(), dt, dev) : Tensor();
  need(nn_kernel_table(dev.type).elem_loss_backward, "elem_loss_backward", dev)(
      f.sh, *f.x, *f.t, f.weight.get(), *g, gx.get(), gt.get());
  return {gx, gt};
}

EmbBagForward embedding_bag_forward(const Tensor& weight, const Tensor& indices,
                                    const Tensor& offsets, int64_t mode, const Tensor& psw,
                                    bool include_last_offset, int64_t padding_idx) {
  const char* op = "embedding_bag";
  MT_CHECK(weight->dim() == 2, op, ": 'weight' must be 2-D, got ", weight->dim(), "-D");
  MT_CHECK(is_floating(weight->dtype()), op, ": expected a floating point weight, got ",
           info(weight->dtype()).name);
  MT_CHECK(mode >= 0 && mode <= 2, op, ": mode must be 0 (sum), 1 (mean) or 2 (max), got ", mode);
  MT_CHECK(indices->dim() == 1 && offsets->dim() == 1, op,
           ": expected 1-D indices and offsets, got ", indices->sizes(), " and ", offsets->sizes());
  for (const Tensor* t : {&indices, &offsets})
    MT_CHECK((*t)->dtype() == DType::Int64 || (*t)->dtype() == DType::Int32, op,
             ": expected indices and offsets of dtype Long or Int, got ", info((*t)->dtype()).name);
  MT_CHECK(!psw || mode == 0, op, ": per_sample_weights is only supported for mode='sum'");
  same_device(weight, indices, op, "indices");
  same_device(weight, offsets, op, "offsets");
  same_device(weight, psw, op, "per_sample_weights");
  const Device dev = weight->device();
  EmbBagForward f;
  EmbBagShape& sh = f.sh;
  sh.num = weight->sizes()[0], sh.dim = weight->sizes()[1];
  sh.n = indices->numel();
  sh.noff = offsets->numel();
  sh.bags = include_last_offset ? std::max<int64_t>(sh.noff - 1, 0) : sh.noff;
  sh.mode = static_cast<int>(mode);
  sh.padding_idx = padding_idx;
  f.weight = contiguous(weight);
  f.indices = contiguous(to(indices, DType::Int64, dev, false));
  f.offsets = contiguous(to(offsets, DType::Int64, dev, false));
  if (psw) {
    MT_CHECK(psw->numel() == sh.n, op, ": expected per_sample_weights with ", sh.n,
             " elements, got ", psw->sizes());
    f.psw = contiguous(to(reshape(psw, Dims{sh.n}), weight->dtype(), dev, false));
  }
  f.out = empty(Dims{sh.bags, sh.dim}, weight->dtype(), dev);
  if (mode == 2) f.argmax = empty(Dims{sh.bags, sh.dim}, DType::Int64, dev);
  need(nn_kernel_table(dev.type).embedding_bag_forward, op, dev)(
      sh, *f.weight, *f.indices, *f.offsets, f.psw.get(), *f.out, f.argmax.get());
  return f;
}

std::vector<Tensor> embedding_bag_backward(const EmbBagForward& f, const Tensor& grad, bool want_w,
                                           bool want_psw) {
  const Device dev = f.weight->device();
  const DType dt = f.weight->dtype();
  Tensor g = contiguous(to(grad, dt, dev, false));
  Tensor gw =
      want_w ? full(f.weight->sizes(), Scalar::from_double(0.0), nn_acc_dtype(dt), dev) : Tensor();
  Tensor gp = want_psw && f.psw ? empty(Dims{f.sh.n}, dt, dev) : Tensor();
  need(nn_kernel_table(dev.type).embedding_bag_backward, "embedding_bag_backward", dev)(
      f.sh, *g, *f.weight, *f.indices, *f.offsets, f.psw.get(), f.argmax.get(), gw.get(), gp.get());
  if (gw) gw = to(gw, dt, dev, false);
  return {gw, gp};
}

}  // namespace mt::ops
