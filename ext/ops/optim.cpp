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
                 std::initializer_list<const std::vector<Tensor>*> state,
                 std::initializer_list<const char*> names) {
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
  MT_CHECK(steps.size() == params.size(), "_fused_adam_: expected ", params.size(),
           " steps (one per parameter), got ", steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    const Tensor& t = steps[i];
    MT_CHECK(t && t->dim() == 0 && t->dtype() == DType::Float32 && t->device().is_cpu(),
             "_fused_adam_: step ", i, " must be a 0-d float32 CPU tensor");
  }
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    // The step count: a float32 0-d tensor bumped by one, as `step_t += 1`.
    const Tensor& step_t = steps[i];
    step_t->prepare_write();
    float* sp = reinterpret_cast<float*>(step_t->data());
    *sp = *sp + 1.0f;
    const double step = *sp;
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

}  // namespace mt::ops
