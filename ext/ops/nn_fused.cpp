// nn_fused.cpp: the fused losses and norms: shapes, dtypes and devices here,
// the arithmetic in the device's NnKernelTable slots.
//
// Note [Fused nn losses and norms]
// cross_entropy with class indices, nll_loss, layer_norm and rms_norm are
// each one forward kernel call and one backward node (ext/autograd/
// functions_nn_fused.cpp) whose formula is one kernel call, not a chain of
// tensor ops. Their kernels take contiguous tensors and accumulate in
// nn_acc_dtype (float64 for float32), one row at a time; rows are independent
// and each row is summed in one fixed order, so the result is bitwise the same
// for every thread count. The forward keeps what the backward needs: the
// rows' log-sum-exp and the total target weight (cross_entropy), the rows'
// mean and 1/std (the norms). The backward formulas are not differentiable
// again: backward(create_graph=True) through them raises RuntimeError.
// Embedding's node (index_select forward, index_add_ backward with the
// padding_idx row zeroed) needs no kernel of its own.
#include "nn_fused.h"

namespace mt::ops {

namespace {

void same_device(const Tensor& a, const Tensor& b, const char* op, const char* what) {
  if (b && b->device() != a->device())
    MT_THROW(RuntimeError, op, ": expected ", what, " to be on ", a->device().str(), ", got ",
             b->device().str());
}

Tensor flat_param(const Tensor& w, DType dt, int64_t n, const char* op, const char* what) {
  if (!w) return w;
  MT_CHECK(w->numel() == n, op, ": expected ", what, " with ", n, " elements, got ", w->sizes());
  return contiguous(to(reshape(w, Dims{n}), dt, w->device(), false));
}

}  // namespace

DType nn_acc_dtype(DType dt) {
  return (dt == DType::Float16 || dt == DType::BFloat16) ? DType::Float32 : DType::Float64;
}

NllForward nll_forward(const Tensor& input, const Tensor& target, const Tensor& weight,
                       NnReduction reduction, int64_t ignore_index, double smoothing,
                       bool log_softmax) {
  const char* op = log_softmax ? "cross_entropy" : "nll_loss";
  MT_CHECK(is_floating(input->dtype()), op, ": expected a floating point input, got ",
           info(input->dtype()).name);
  MT_CHECK(target->dtype() == DType::Int64 || target->dtype() == DType::UInt8, op,
           ": expected target dtype to be Long or Byte, but got ", info(target->dtype()).name);
  MT_CHECK(input->dim() >= 1, op, ": expected an input of 1 or more dimensions");
  same_device(input, target, op, "target");
  same_device(input, weight, op, "weight");
  NllForward f;
  NllShape& sh = f.sh;
  const Dims& is = input->sizes();
  if (input->dim() == 1) {
    sh.n = 1, sh.c = is[0], sh.s = 1;
  } else {
    sh.n = is[0], sh.c = is[1], sh.s = 1;
    for (int64_t d = 2; d < input->dim(); ++d) sh.s *= is[d];
  }
  sh.ignore_index = ignore_index;
  sh.smoothing = log_softmax ? smoothing : 0.0;
  sh.log_softmax = log_softmax;
  MT_CHECK(target->numel() == sh.n * sh.s, op, ": target has ", target->numel(),
           " elements, expected ", sh.n * sh.s);
  const DType dt = input->dtype(), acc = nn_acc_dtype(dt);
  const Device dev = input->device();
  f.x = contiguous(input);
  f.target = contiguous(to(target, DType::Int64, dev, false));
  f.weight = flat_param(weight, dt, sh.c, op, "weight");
  const int64_t rows = sh.n * sh.s;
  Tensor loss = empty(Dims{rows}, acc, dev);
  Tensor wrow = empty(Dims{rows}, acc, dev);
  f.lse = empty(Dims{rows}, acc, dev);
  need(nn_kernel_table(dev.type).nll_forward, op, dev)(sh, *f.x, *f.target, f.weight.get(), *loss,
                                                       *wrow, *f.lse);
  f.total_weight = sum(wrow, std::nullopt, false, std::nullopt);
  switch (reduction) {
    case NnReduction::None:
      f.out = to(reshape(loss, target->sizes()), dt, dev, false);
      break;
    case NnReduction::Sum:
      f.out = to(sum(loss, std::nullopt, false, std::nullopt), dt, dev, false);
      break;
    case NnReduction::Mean:
      f.out = to(div(sum(loss, std::nullopt, false, std::nullopt), f.total_weight), dt, dev, false);
      break;
  }
  return f;
}

Tensor nll_backward(const NllShape& sh, const Tensor& x, const Tensor& target, const Tensor& weight,
                    const Tensor& lse, const Tensor& total_weight, const Tensor& grad,
                    NnReduction reduction) {
  const Device dev = x->device();
  const DType acc = nn_acc_dtype(x->dtype());
  Tensor g = to(grad, acc, dev, false);
  if (reduction == NnReduction::None)
    g = contiguous(reshape(g, Dims{sh.n * sh.s}));
  else if (reduction == NnReduction::Mean)
    g = contiguous(div(g, total_weight));
  else
    g = contiguous(g);
  Tensor gx = empty(x->sizes(), x->dtype(), dev);
  need(nn_kernel_table(dev.type).nll_backward, "nll_loss_backward", dev)(
      sh, *x, *target, weight.get(), *lse, *g, *gx);
  return gx;
}

NormForward norm_forward(const Tensor& input, const Tensor& weight, const Tensor& bias,
                         int64_t cols, double eps, bool rms) {
  const char* op = rms ? "rms_norm" : "layer_norm";
  MT_CHECK(is_floating(input->dtype()), op, ": expected a floating point input, got ",
           info(input->dtype()).name);
  same_device(input, weight, op, "weight");
  same_device(input, bias, op, "bias");
  NormForward f;
  NormShape& sh = f.sh;
  sh.cols = cols;
  sh.rows = cols ? input->numel() / cols : 0;
  sh.eps = eps;
  sh.rms = rms;
  const DType dt = input->dtype(), acc = nn_acc_dtype(dt);
  const Device dev = input->device();
  f.x = contiguous(input);
  f.weight = flat_param(weight, dt, cols, op, "weight");
  Tensor b = flat_param(bias, dt, cols, op, "bias");
  f.out = empty(input->sizes(), dt, dev);
  f.mean = empty(Dims{sh.rows}, acc, dev);
  f.rstd = empty(Dims{sh.rows}, acc, dev);
  need(nn_kernel_table(dev.type).norm_forward, op, dev)(sh, *f.x, f.weight.get(), b.get(), *f.out,
                                                        *f.mean, *f.rstd);
  return f;
}

std::vector<Tensor> norm_backward(const NormShape& sh, const Tensor& grad, const Tensor& x,
                                  const Tensor& weight, const Tensor& mean, const Tensor& rstd,
                                  bool want_x, bool want_w, bool want_b) {
  const Device dev = x->device();
  const DType acc = nn_acc_dtype(x->dtype());
  Tensor g = contiguous(to(grad, x->dtype(), dev, false));
  Tensor gx = want_x ? empty(x->sizes(), x->dtype(), dev) : Tensor();
  Tensor gw = want_w ? empty(Dims{sh.cols}, acc, dev) : Tensor();
  Tensor gb = want_b ? empty(Dims{sh.cols}, acc, dev) : Tensor();
  need(nn_kernel_table(dev.type).norm_backward,
       sh.rms ? "rms_norm_backward" : "layer_norm_backward",
       dev)(sh, *g, *x, weight.get(), *mean, *rstd, gx.get(), gw.get(), gb.get());
  return {gx, gw, gb};
}

namespace {

ChannelNormShape channel_shape(const Tensor& input, const char* op) {
  MT_CHECK(is_floating(input->dtype()), op, ": expected a floating point input, got ",
           info(input->dtype()).name);
  MT_CHECK(input->dim() >= 2, op, ": expected an input of 2 or more dimensions, got ",
           input->dim());
  ChannelNormShape sh;
  const Dims& is = input->sizes();
  sh.n = is[0], sh.c = is[1], sh.s = 1;
  for (int64_t d = 2; d < input->dim(); ++d) sh.s *= is[d];
  return sh;
}

}  // namespace

ChannelNormForward batch_norm_forward(const Tensor& input, const Tensor& running_mean,
                                      const Tensor& running_var, const Tensor& weight,
                                      const Tensor& bias, bool training, double momentum,
                                      double eps) {
  const char* op = "batch_norm";
  ChannelNormForward f;
  f.sh = channel_shape(input, op);
  ChannelNormShape& sh = f.sh;
  sh.eps = eps;
  sh.use_input_stats = training;
  same_device(input, running_mean, op, "running_mean");
  same_device(input, running_var, op, "running_var");
  same_device(input, weight, op, "weight");
  same_device(input, bias, op, "bias");
  const DType dt = input->dtype(), acc = nn_acc_dtype(dt);
  const Device dev = input->device();
  f.x = contiguous(input);
  f.weight = flat_param(weight, dt, sh.c, op, "weight");
  Tensor b = flat_param(bias, dt, sh.c, op, "bias");
  f.out = empty(input->sizes(), dt, dev);
  Tensor var;
  if (training) {
    f.mean = empty(Dims{sh.c}, acc, dev);
    f.rstd = empty(Dims{sh.c}, acc, dev);
    if (running_var) var = empty(Dims{sh.c}, acc, dev);
  } else {
    MT_CHECK(running_mean && running_var, op,
             ": running_mean and running_var must be defined in evaluation mode");
    MT_CHECK(running_mean->numel() == sh.c && running_var->numel() == sh.c, op,
             ": expected running_mean and running_var with ", sh.c, " elements");
    f.mean = contiguous(to(reshape(running_mean, Dims{sh.c}), acc, dev, true));
    f.rstd = contiguous(to(reshape(running_var, Dims{sh.c}), acc, dev, true));
  }
  if (running_mean)
    MT_CHECK(running_mean->numel() == sh.c, op, ": expected running_mean with ", sh.c,
             " elements, got ", running_mean->sizes());
  if (running_var)
    MT_CHECK(running_var->numel() == sh.c, op, ": expected running_var with ", sh.c,
             " elements, got ", running_var->sizes());
  need(nn_kernel_table(dev.type).channel_norm_forward, op, dev)(
      sh, *f.x, f.weight.get(), b.get(), *f.out, *f.mean, *f.rstd, var.get());
  if (training) {
    const double m = momentum;
    if (running_mean) {
      Tensor upd =
          add(mul(running_mean, Scalar::from_double(1 - m)),
              mul(to(reshape(f.mean, running_mean->sizes()), running_mean->dtype(), dev, false),
                  Scalar::from_double(m)));
      copy_(running_mean, upd);
    }
    if (running_var) {
      const int64_t count = sh.n * sh.s;
      const double unbias =
          count > 1 ? static_cast<double>(count) / static_cast<double>(count - 1) : 1.0;
      Tensor upd = add(mul(running_var, Scalar::from_double(1 - m)),
                       mul(to(reshape(var, running_var->sizes()), running_var->dtype(), dev, false),
                           Scalar::from_double(m * unbias)));
      copy_(running_var, upd);
    }
  }
  return f;
}

ChannelNormForward group_norm_forward(const Tensor& input, int64_t groups, const Tensor& weight,
                                      const Tensor& bias, double eps) {
  const char* op = "group_norm";
  ChannelNormForward f;
  f.sh = channel_shape(input, op);
  ChannelNormShape& sh = f.sh;
  MT_CHECK(groups > 0 && sh.c % groups == 0, op,
           ": expected the number of channels to be divisible by num_groups, got ", sh.c, " and ",
           groups);
  sh.groups = groups;
  sh.eps = eps;
  same_device(input, weight, op, "weight");
  same_device(input, bias, op, "bias");
  const DType dt = input->dtype(), acc = nn_acc_dtype(dt);
  const Device dev = input->device();
  f.x = contiguous(input);
  f.weight = flat_param(weight, dt, sh.c, op, "weight");
  Tensor b = flat_param(bias, dt, sh.c, op, "bias");
  f.out = empty(input->sizes(), dt, dev);
  f.mean = empty(Dims{sh.n * groups}, acc, dev);
  f.rstd = empty(Dims{sh.n * groups}, acc, dev);
  need(nn_kernel_table(dev.type).channel_norm_forward, op, dev)(sh, *f.x, f.weight.get(), b.get(),
                                                                *f.out, *f.mean, *f.rstd, nullptr);
  return f;
}

std::vector<Tensor> channel_norm_backward(const ChannelNormShape& sh, const Tensor& grad,
                                          const Tensor& x, const Tensor& weight, const Tensor& mean,
                                          const Tensor& rstd, bool want_x, bool want_w,
                                          bool want_b) {
  const Device dev = x->device();
  const DType acc = nn_acc_dtype(x->dtype());
  Tensor g = contiguous(to(grad, x->dtype(), dev, false));
  Tensor gx = want_x ? empty(x->sizes(), x->dtype(), dev) : Tensor();
  Tensor gw = want_w ? empty(Dims{sh.c}, acc, dev) : Tensor();
  Tensor gb = want_b ? empty(Dims{sh.c}, acc, dev) : Tensor();
  need(nn_kernel_table(dev.type).channel_norm_backward,
       sh.groups ? "group_norm_backward" : "batch_norm_backward",
       dev)(sh, *g, *x, weight.get(), *mean, *rstd, gx.get(), gw.get(), gb.get());
  return {gx, gw, gb};
}

PointLossForward point_loss_forward(const Tensor& input, const Tensor& target, const Tensor& weight,
                                    const Tensor& pos_weight, NnReduction reduction, bool logits) {
  const char* op = logits ? "binary_cross_entropy_with_logits" : "mse_loss";
  const DType dt = input->dtype();
  MT_CHECK(is_floating(dt), op, ": expected a floating point input, got ", info(dt).name);
  same_device(input, target, op, "target");
  same_device(input, weight, op, "weight");
  same_device(input, pos_weight, op, "pos_weight");
  std::vector<Dims> shapes = {input->sizes(), target->sizes()};
  if (weight) shapes.push_back(weight->sizes());
  if (pos_weight) shapes.push_back(pos_weight->sizes());
  const Dims shape = broadcast_shapes(shapes);
  const Device dev = input->device();
  auto prep = [&](const Tensor& t) {
    return t ? contiguous(expand(to(t, dt, dev, false), shape)) : Tensor();
  };
  PointLossForward f;
  f.x = prep(input);
  f.t = prep(target);
  f.weight = prep(weight);
  f.pos_weight = prep(pos_weight);
  f.sh.n = checked_numel(shape);
  f.sh.logits = logits;
  Tensor loss = empty(shape, nn_acc_dtype(dt), dev);
  need(nn_kernel_table(dev.type).point_loss_forward, op, dev)(f.sh, *f.x, *f.t, f.weight.get(),
                                                              f.pos_weight.get(), *loss);
  switch (reduction) {
    case NnReduction::None:
      f.out = to(loss, dt, dev, false);
      break;
    case NnReduction::Sum:
      f.out = to(sum(loss, std::nullopt, false, std::nullopt), dt, dev, false);
      break;
    case NnReduction::Mean:
      f.out = to(mean(loss, std::nullopt, false, std::nullopt), dt, dev, false);
      break;
  }
  return f;
}

std::vector<Tensor> point_loss_backward(const PointLossForward& f, const Tensor& grad,
                                        NnReduction reduction, bool want_x, bool want_t) {
  const Device dev = f.x->device();
  const DType dt = f.x->dtype();
  Tensor g = to(grad, nn_acc_dtype(dt), dev, false);
  if (reduction == NnReduction::Mean)
    g = mul(g, Scalar::from_double(1.0 / static_cast<double>(f.sh.n)));
  g = contiguous(reduction == NnReduction::None ? g : reshape(g, Dims{1}));
  Tensor gx = want_x ? empty(f.x->sizes(), dt, dev) : Tensor();
  Tensor gt = want_t ? empty(f.x->sizes(), dt, dev) : Tensor();
  need(nn_kernel_table(dev.type).point_loss_backward,
       f.sh.logits ? "binary_cross_entropy_with_logits_backward" : "mse_loss_backward",
       dev)(f.sh, *f.x, *f.t, f.weight.get(), f.pos_weight.get(), *g, gx.get(), gt.get());
  return {gx, gt};
}

}  // namespace mt::ops
