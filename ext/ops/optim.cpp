// optim.cpp: the fused optimizer steps, one call per parameter group (Note
// [Fused optimizer steps] in ext/core/functors/optim.h). The lists are
// checked whole before anything is written, so a bad list leaves every
// parameter and buffer as it was; then each parameter gets one kernel pass on
// its device.
#include <cmath>

#include "../core/functors/optim.h"
#include "ops.h"

namespace mt::ops {
namespace {

// `t` is the state tensor `what` of parameter i: same shape, dtype, device.
void check_like(const Tensor& p, const Tensor& t, const char* op, const char* what, size_t i) {
  MT_CHECK(t, op, ": ", what, " ", i, " is missing");
  MT_CHECK(t->sizes() == p->sizes(), op, ": ", what, " ", i, " has shape ", t->sizes(),
           " but its parameter has shape ", p->sizes());
  MT_CHECK(t->dtype() == p->dtype(), op, ": ", what, " ", i, " has dtype ", info(t->dtype()).name,
           " but its parameter has dtype ", info(p->dtype()).name);
  MT_CHECK(t->device() == p->device(), op, ": ", what, " ", i, " is on ", t->device().str(),
           " but its parameter is on ", p->device().str());
}

void check_lists(const char* op, const std::vector<Tensor>& params,
                 const std::vector<const std::vector<Tensor>*>& state,
                 const std::vector<const char*>& names) {
  auto name = names.begin();
  for (const std::vector<Tensor>* list : state) {
    MT_CHECK(list->size() == params.size(), op, ": expected ", params.size(), " ", *name,
             " (one per parameter), got ", list->size());
    ++name;
  }
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    MT_CHECK(is_floating(p->dtype()), op, ": parameter ", i,
             " must have a floating point dtype, got ", info(p->dtype()).name);
    name = names.begin();
    for (const std::vector<Tensor>* list : state) check_like(p, (*list)[i], op, *name++, i);
  }
}

// steps: one 0-d float32 CPU tensor per parameter (PyTorch's `state["step"]`).
void check_steps(const char* op, const std::vector<Tensor>& params,
                 const std::vector<Tensor>& steps) {
  MT_CHECK(steps.size() == params.size(), op, ": expected ", params.size(),
           " steps (one per parameter), got ", steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    const Tensor& t = steps[i];
    MT_CHECK(t && t->dim() == 0 && t->dtype() == DType::Float32 && t->device().is_cpu(), op,
             ": step ", i, " must be a 0-d float32 CPU tensor");
  }
}

// The step count: a float32 0-d tensor bumped by one, as `step_t += 1`; the
// new count, as `step_t.item()` gives it.
double bump(const Tensor& step_t) {
  step_t->prepare_write();
  float* sp = reinterpret_cast<float*>(step_t->data());
  *sp = *sp + 1.0f;
  return *sp;
}

}  // namespace

void fused_sgd_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                const std::vector<Tensor>& bufs, const SgdStep& s) {
  const bool momentum = s.momentum != 0;
  if (momentum)
    check_lists("_fused_sgd_", params, {&grads, &bufs}, {"grads", "momentum_buffers"});
  else
    check_lists("_fused_sgd_", params, {&grads}, {"grads"});
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    const Tensor& b = momentum ? bufs[i] : p;
    p->prepare_write();
    if (momentum) b->prepare_write();
    if (p->numel() == 0) continue;
    TensorIter it = TensorIter::build({p.get()}, {grads[i].get(), b.get()});
    need(kernel_table(p->device().type).sgd_step, "_fused_sgd_", p->device())(it, s);
  }
}

void fused_adam_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                 const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
                 const std::vector<Tensor>& max_exp_avg_sqs, const std::vector<Tensor>& steps,
                 const AdamStep& opts) {
  if (opts.amsgrad)
    check_lists("_fused_adam_", params, {&grads, &exp_avgs, &exp_avg_sqs, &max_exp_avg_sqs},
                {"grads", "exp_avgs", "exp_avg_sqs", "max_exp_avg_sqs"});
  else
    check_lists("_fused_adam_", params, {&grads, &exp_avgs, &exp_avg_sqs},
                {"grads", "exp_avgs", "exp_avg_sqs"});
  check_steps("_fused_adam_", params, steps);
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    const double step = bump(steps[i]);
    AdamStep s = opts;
    s.step_size = opts.lr / (1 - std::pow(opts.beta1, step));
    s.bc2_sqrt = std::pow(1 - std::pow(opts.beta2, step), 0.5);
    s.decay = 1 - opts.lr * opts.weight_decay;
    const Tensor& vmax = opts.amsgrad ? max_exp_avg_sqs[i] : exp_avg_sqs[i];
    p->prepare_write();
    exp_avgs[i]->prepare_write();
    exp_avg_sqs[i]->prepare_write();
    if (opts.amsgrad) vmax->prepare_write();
    if (p->numel() == 0) continue;
    TensorIter it = TensorIter::build(
        {p.get()}, {grads[i].get(), exp_avgs[i].get(), exp_avg_sqs[i].get(), vmax.get()});
    need(kernel_table(p->device().type).adam_step, "_fused_adam_", p->device())(it, s);
  }
}

void fused_rmsprop_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                    const std::vector<Tensor>& square_avgs, const std::vector<Tensor>& grad_avgs,
                    const std::vector<Tensor>& momentum_buffers, const std::vector<Tensor>& steps,
                    const RmspropStep& s) {
  const bool momentum = s.momentum > 0;
  std::vector<const std::vector<Tensor>*> lists = {&grads, &square_avgs};
  std::vector<const char*> names = {"grads", "square_avgs"};
  if (s.centered) lists.push_back(&grad_avgs), names.push_back("grad_avgs");
  if (momentum) lists.push_back(&momentum_buffers), names.push_back("momentum_buffers");
  check_lists("_fused_rmsprop_", params, lists, names);
  check_steps("_fused_rmsprop_", params, steps);
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    bump(steps[i]);
    const Tensor& sq = square_avgs[i];
    const Tensor& ga = s.centered ? grad_avgs[i] : sq;
    const Tensor& buf = momentum ? momentum_buffers[i] : sq;
    p->prepare_write();
    sq->prepare_write();
    if (s.centered) ga->prepare_write();
    if (momentum) buf->prepare_write();
    if (p->numel() == 0) continue;
    TensorIter it = TensorIter::build({p.get()}, {grads[i].get(), sq.get(), ga.get(), buf.get()});
    need(kernel_table(p->device().type).rmsprop_step, "_fused_rmsprop_", p->device())(it, s);
  }
}

void fused_adagrad_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                    const std::vector<Tensor>& state_sums, const std::vector<Tensor>& steps,
                    const AdagradStep& opts) {
  check_lists("_fused_adagrad_", params, {&grads, &state_sums}, {"grads", "state_sums"});
  check_steps("_fused_adagrad_", params, steps);
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    const double step = bump(steps[i]);
    AdagradStep s = opts;
    s.clr = opts.lr / (1 + (step - 1) * opts.lr_decay);
    p->prepare_write();
    state_sums[i]->prepare_write();
    if (p->numel() == 0) continue;
    TensorIter it = TensorIter::build({p.get()}, {grads[i].get(), state_sums[i].get()});
    need(kernel_table(p->device().type).adagrad_step, "_fused_adagrad_", p->device())(it, s);
  }
}

void fused_adamax_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                   const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_infs,
                   const std::vector<Tensor>& steps, const AdamaxStep& opts) {
  check_lists("_fused_adamax_", params, {&grads, &exp_avgs, &exp_infs},
              {"grads", "exp_avgs", "exp_infs"});
  check_steps("_fused_adamax_", params, steps);
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    const double step = bump(steps[i]);
    AdamaxStep s = opts;
    s.neg_clr = -opts.lr / (1 - std::pow(opts.beta1, step));
    p->prepare_write();
    exp_avgs[i]->prepare_write();
    exp_infs[i]->prepare_write();
    if (p->numel() == 0) continue;
    TensorIter it =
        TensorIter::build({p.get()}, {grads[i].get(), exp_avgs[i].get(), exp_infs[i].get()});
    need(kernel_table(p->device().type).adamax_step, "_fused_adamax_", p->device())(it, s);
  }
}

void fused_nadam_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                  const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
                  const std::vector<Tensor>& mu_products, const std::vector<Tensor>& steps,
                  const NadamStep& opts) {
  check_lists("_fused_nadam_", params, {&grads, &exp_avgs, &exp_avg_sqs},
              {"grads", "exp_avgs", "exp_avg_sqs"});
  check_steps("_fused_nadam_", params, steps);
  check_steps("_fused_nadam_", params, mu_products);
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    const double step = bump(steps[i]);
    NadamStep s = opts;
    s.bc2 = 1 - std::pow(opts.beta2, step);
    s.decay = 1 - opts.lr * opts.weight_decay;
    const double mu = opts.beta1 * (1.0 - 0.5 * std::pow(0.96, step * opts.momentum_decay));
    const double mu_next =
        opts.beta1 * (1.0 - 0.5 * std::pow(0.96, (step + 1) * opts.momentum_decay));
    // The momentum product stays a float32 tensor, as in PyTorch.
    mu_products[i]->prepare_write();
    float* mp = reinterpret_cast<float*>(mu_products[i]->data());
    *mp = *mp * static_cast<float>(mu);
    const double mu_prod = *mp;
    s.coef_g = -opts.lr * (1.0 - mu) / (1.0 - mu_prod);
    s.coef_m = -opts.lr * mu_next / (1.0 - mu_prod * mu_next);
    p->prepare_write();
    exp_avgs[i]->prepare_write();
    exp_avg_sqs[i]->prepare_write();
    if (p->numel() == 0) continue;
    TensorIter it =
        TensorIter::build({p.get()}, {grads[i].get(), exp_avgs[i].get(), exp_avg_sqs[i].get()});
    need(kernel_table(p->device().type).nadam_step, "_fused_nadam_", p->device())(it, s);
  }
}

void fused_radam_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                  const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
                  const std::vector<Tensor>& steps, const RadamStep& opts) {
  check_lists("_fused_radam_", params, {&grads, &exp_avgs, &exp_avg_sqs},
              {"grads", "exp_avgs", "exp_avg_sqs"});
  check_steps("_fused_radam_", params, steps);
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    const double step = bump(steps[i]);
    RadamStep s = opts;
    s.decay = 1 - opts.lr * opts.weight_decay;
    s.bc1 = 1 - std::pow(opts.beta1, step);
    const double bc2 = 1 - std::pow(opts.beta2, step);
    const double rho_inf = 2 / (1 - opts.beta2) - 1;
    const double rho_t = rho_inf - 2 * step * std::pow(opts.beta2, step) / bc2;
    s.rectify = rho_t > 5.0;
    if (s.rectify) {
      s.rect = std::pow(
          (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t), 0.5);
      s.bc2_sqrt = std::pow(bc2, 0.5);
    }
    p->prepare_write();
    exp_avgs[i]->prepare_write();
    exp_avg_sqs[i]->prepare_write();
    if (p->numel() == 0) continue;
    TensorIter it =
        TensorIter::build({p.get()}, {grads[i].get(), exp_avgs[i].get(), exp_avg_sqs[i].get()});
    need(kernel_table(p->device().type).radam_step, "_fused_radam_", p->device())(it, s);
  }
}

}  // namespace mt::ops
