// functions_optim.cpp: the autograd side of the fused optimizer steps. They
// are not differentiable: an optimizer runs them under no_grad, and one run
// where they would be recorded is refused before anything is written.
#include "formulas.h"

namespace mt::ag {
namespace {

void check_not_recorded(const std::vector<Tensor>& params) {
  if (!grad_enabled()) return;
  for (const Tensor& p : params) {
    if (!should_record(p.get())) continue;
    check_inplace(p.get());  // a leaf: PyTorch's in-place-on-a-leaf error
    MT_THROW(RuntimeError,
             "a fused optimizer step is not differentiable: run it under minitorch.no_grad()");
  }
}

}  // namespace

void fused_sgd_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                const std::vector<Tensor>& bufs, const SgdStep& s) {
  check_not_recorded(params);
  ops::fused_sgd_(params, grads, bufs, s);
}

void fused_adam_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                 const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
                 const std::vector<Tensor>& max_exp_avg_sqs, const std::vector<Tensor>& steps,
                 const AdamStep& opts) {
  check_not_recorded(params);
  ops::fused_adam_(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps, opts);
}

void fused_rmsprop_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                    const std::vector<Tensor>& square_avgs, const std::vector<Tensor>& grad_avgs,
                    const std::vector<Tensor>& momentum_buffers, const std::vector<Tensor>& steps,
                    const RmspropStep& s) {
  check_not_recorded(params);
  ops::fused_rmsprop_(params, grads, square_avgs, grad_avgs, momentum_buffers, steps, s);
}

void fused_adagrad_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                    const std::vector<Tensor>& state_sums, const std::vector<Tensor>& steps,
                    const AdagradStep& opts) {
  check_not_recorded(params);
  ops::fused_adagrad_(params, grads, state_sums, steps, opts);
}

void fused_adamax_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                   const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_infs,
                   const std::vector<Tensor>& steps, const AdamaxStep& opts) {
  check_not_recorded(params);
  ops::fused_adamax_(params, grads, exp_avgs, exp_infs, steps, opts);
}

void fused_nadam_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                  const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
                  const std::vector<Tensor>& mu_products, const std::vector<Tensor>& steps,
                  const NadamStep& opts) {
  check_not_recorded(params);
  ops::fused_nadam_(params, grads, exp_avgs, exp_avg_sqs, mu_products, steps, opts);
}

void fused_radam_(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                  const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
                  const std::vector<Tensor>& steps, const RadamStep& opts) {
  check_not_recorded(params);
  ops::fused_radam_(params, grads, exp_avgs, exp_avg_sqs, steps, opts);
}

}  // namespace mt::ag
