"""The optimizers: SGD, Adam, AdamW, RMSprop, Adagrad, Adamax, NAdam, RAdam.

Each update follows PyTorch's single-tensor (non-foreach) algorithm, so the
results are PyTorch's bit for bit.  Every optimizer runs it fused: one C++
call per parameter group (``_C._fused_sgd_``, ``_fused_adam_``,
``_fused_rmsprop_``, ``_fused_adagrad_``, ``_fused_adamax_``,
``_fused_nadam_``, ``_fused_radam_``; Note [Fused optimizer steps] in
ext/core/functors/optim.h) that makes one pass over each parameter's
elements.  Their Python loops stay as the reference that
tests/test_optim_fused.py compares the fused path against (``_FUSED = False``
selects them).
The ``foreach``/``fused`` options are accepted for compatibility and change
nothing.  ``'step'`` (and NAdam's ``'mu_product'``) are 0-d float32 tensors,
as in PyTorch.
"""

import minitorch
from minitorch import _C

from .optimizer import Optimizer

__all__ = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "NAdam", "RAdam"]

# False: the fused optimizers run their Python reference loops instead of the C++ step.
_FUSED = True


def _check(cond, msg):
    if not cond:
        raise ValueError(msg)


def _check_lr(lr):
    _check(0.0 <= lr, f"Invalid learning rate: {lr}")


def _check_eps(eps):
    _check(0.0 <= eps, f"Invalid epsilon value: {eps}")


def _check_wd(weight_decay):
    _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")


def _check_betas(betas):
    _check(0.0 <= betas[0] < 1.0, f"Invalid beta parameter at index 0: {betas[0]}")
    _check(0.0 <= betas[1] < 1.0, f"Invalid beta parameter at index 1: {betas[1]}")


def _check_unsupported(differentiable=False, capturable=False):
    if differentiable:
        raise NotImplementedError("minitorch.optim: differentiable=True is not supported")
    if capturable:
        raise NotImplementedError("minitorch.optim: capturable=True is not supported")


def _scalar(value=0.0):
    return minitorch.tensor(value, dtype=minitorch.float32)


def _grad_of(p, maximize):
    g = p.grad
    if getattr(g, "is_sparse", False):
        raise RuntimeError("minitorch.optim does not support sparse gradients")
    return -g if maximize else g


def _params_with_grad(group):
    return [p for p in group["params"] if p.grad is not None]


def _bump(state):
    step_t = state["step"]
    step_t += 1
    return step_t.item()


def _zeros(p):
    return minitorch.zeros_like(p)


def _fused_step(opt):
    """One fused C++ call per parameter group (the optimizer's ``_fused_group``)."""
    with minitorch.no_grad():
        for group in opt.param_groups:
            opt._fused_group(group)


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        _check_lr(lr)
        _check(momentum >= 0.0, f"Invalid momentum value: {momentum}")
        _check_wd(weight_decay)
        _check_unsupported(differentiable)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        if _FUSED:
            _fused_step(self)
            return loss
        with minitorch.no_grad():
            for group in self.param_groups:
                lr, mom, damp = group["lr"], group["momentum"], group["dampening"]
                wd, nesterov = group["weight_decay"], group["nesterov"]
                for p in _params_with_grad(group):
                    g = _grad_of(p, group["maximize"])
                    if wd != 0:
                        g = g.add(p, alpha=wd)
                    if mom != 0:
                        state = self.state[p]
                        buf = state.get("momentum_buffer")
                        if buf is None:
                            buf = g.clone().detach()
                            state["momentum_buffer"] = buf
                        else:
                            buf.mul_(mom).add_(g, alpha=1 - damp)
                        g = g.add(buf, alpha=mom) if nesterov else buf
                    p.add_(g, alpha=-lr)
        return loss

    def _fused_group(self, group):
        params = _params_with_grad(group)
        if not params:
            return
        opts = (group["lr"], group["momentum"], group["dampening"], group["weight_decay"],
                group["nesterov"], group["maximize"])
        if group["momentum"] == 0:
            _C._fused_sgd_(params, [p.grad for p in params], None, *opts, False)
            return
        # Parameters with a momentum buffer step together; those without get
        # one, which starts as the (decayed) gradient, in a second call.
        old, new = [], []
        for p in params:
            (new if self.state[p].get("momentum_buffer") is None else old).append(p)
        if old:
            _C._fused_sgd_(old, [p.grad for p in old],
                           [self.state[p]["momentum_buffer"] for p in old], *opts, False)
        if new:
            bufs = [minitorch.empty_like(p.grad) for p in new]
            _C._fused_sgd_(new, [p.grad for p in new], bufs, *opts, True)
            for p, buf in zip(new, bufs):
                self.state[p]["momentum_buffer"] = buf


class Adam(Optimizer):
    """Adam; with ``decoupled_weight_decay=True`` it is AdamW."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        _check_lr(lr)
        _check_eps(eps)
        _check_betas(betas)
        _check_wd(weight_decay)
        _check_unsupported(differentiable, capturable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _init_state(self, p, amsgrad):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = _scalar()
            state["exp_avg"] = _zeros(p)
            state["exp_avg_sq"] = _zeros(p)
            if amsgrad:
                state["max_exp_avg_sq"] = _zeros(p)
        return state

    def _fused_group(self, group):
        params = _params_with_grad(group)
        if not params:
            return
        amsgrad = group["amsgrad"]
        states = [self._init_state(p, amsgrad) for p in params]
        beta1, beta2 = group["betas"]
        _C._fused_adam_(params, [p.grad for p in params], [s["exp_avg"] for s in states],
                        [s["exp_avg_sq"] for s in states],
                        [s["max_exp_avg_sq"] for s in states] if amsgrad else None,
                        [s["step"] for s in states], group["lr"], beta1, beta2, group["eps"],
                        group["weight_decay"], amsgrad, group["maximize"],
                        group["decoupled_weight_decay"])

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        if _FUSED:
            _fused_step(self)
            return loss
        with minitorch.no_grad():
            for group in self.param_groups:
                lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
                wd, amsgrad = group["weight_decay"], group["amsgrad"]
                for p in _params_with_grad(group):
                    g = _grad_of(p, group["maximize"])
                    state = self._init_state(p, amsgrad)
                    step = _bump(state)
                    if wd != 0:
                        if group["decoupled_weight_decay"]:
                            p.mul_(1 - lr * wd)
                        else:
                            g = g.add(p, alpha=wd)
                    m, v = state["exp_avg"], state["exp_avg_sq"]
                    m.lerp_(g, 1 - beta1)
                    v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                    bc1 = 1 - beta1 ** step
                    bc2_sqrt = (1 - beta2 ** step) ** 0.5
                    if amsgrad:
                        vmax = state["max_exp_avg_sq"]
                        vmax.copy_(minitorch.maximum(vmax, v))
                        denom = (vmax.sqrt() / bc2_sqrt).add_(eps)
                    else:
                        denom = (v.sqrt() / bc2_sqrt).add_(eps)
                    p.addcdiv_(m, denom, value=-lr / bc1)
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay (default 1e-2)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)


class RMSprop(Optimizer):
    """RMSprop, optionally centered and with momentum."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        _check_lr(lr)
        _check_eps(eps)
        _check(momentum >= 0.0, f"Invalid momentum value: {momentum}")
        _check_wd(weight_decay)
        _check(alpha >= 0.0, f"Invalid alpha value: {alpha}")
        _check_unsupported(differentiable, capturable)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, p, mom, centered):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = _scalar()
            state["square_avg"] = _zeros(p)
            if mom > 0:
                state["momentum_buffer"] = _zeros(p)
            if centered:
                state["grad_avg"] = _zeros(p)
        return state

    def _fused_group(self, group):
        params = _params_with_grad(group)
        if not params:
            return
        mom, centered = group["momentum"], group["centered"]
        states = [self._init_state(p, mom, centered) for p in params]
        _C._fused_rmsprop_(params, [p.grad for p in params], [s["square_avg"] for s in states],
                           [s["grad_avg"] for s in states] if centered else None,
                           [s["momentum_buffer"] for s in states] if mom > 0 else None,
                           [s["step"] for s in states], group["lr"], group["alpha"],
                           group["eps"], group["weight_decay"], mom, centered, group["maximize"])

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        if _FUSED:
            _fused_step(self)
            return loss
        with minitorch.no_grad():
            for group in self.param_groups:
                lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
                wd, mom, centered = group["weight_decay"], group["momentum"], group["centered"]
                for p in _params_with_grad(group):
                    g = _grad_of(p, group["maximize"])
                    state = self._init_state(p, mom, centered)
                    _bump(state)
                    if wd != 0:
                        g = g.add(p, alpha=wd)
                    sq = state["square_avg"]
                    sq.mul_(alpha).addcmul_(g, g, value=1 - alpha)
                    if centered:
                        ga = state["grad_avg"]
                        ga.lerp_(g, 1 - alpha)
                        avg = sq.addcmul(ga, ga, value=-1).sqrt_()
                    else:
                        avg = sq.sqrt()
                    avg = avg.add_(eps)
                    if mom > 0:
                        buf = state["momentum_buffer"]
                        buf.mul_(mom).addcdiv_(g, avg)
                        p.add_(buf, alpha=-lr)
                    else:
                        p.addcdiv_(g, avg, value=-lr)
        return loss


class Adagrad(Optimizer):
    """Adagrad; its state is created at construction, as in PyTorch."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, foreach=None, *, maximize=False,
                 differentiable=False, fused=None):
        _check_lr(lr)
        _check(0.0 <= lr_decay, f"Invalid lr_decay value: {lr_decay}")
        _check_wd(weight_decay)
        _check(0.0 <= initial_accumulator_value,
               f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        _check_eps(eps)
        _check_unsupported(differentiable)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = _scalar()
                state["sum"] = minitorch.full_like(p, group["initial_accumulator_value"])

    def _fused_group(self, group):
        params = _params_with_grad(group)
        if not params:
            return
        states = [self.state[p] for p in params]
        _C._fused_adagrad_(params, [p.grad for p in params], [s["sum"] for s in states],
                           [s["step"] for s in states], group["lr"], group["lr_decay"],
                           group["weight_decay"], group["eps"], group["maximize"])

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        if _FUSED:
            _fused_step(self)
            return loss
        with minitorch.no_grad():
            for group in self.param_groups:
                lr, lr_decay, eps, wd = (group["lr"], group["lr_decay"], group["eps"],
                                         group["weight_decay"])
                for p in _params_with_grad(group):
                    g = _grad_of(p, group["maximize"])
                    state = self.state[p]
                    step = _bump(state)
                    if wd != 0:
                        g = g.add(p, alpha=wd)
                    clr = lr / (1 + (step - 1) * lr_decay)
                    s = state["sum"]
                    s.addcmul_(g, g, value=1)
                    p.addcdiv_(g, s.sqrt().add_(eps), value=-clr)
        return loss


class Adamax(Optimizer):
    """Adamax (Adam with the infinity norm)."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        _check_eps(eps)
        _check_betas(betas)
        _check_wd(weight_decay)
        _check_unsupported(differentiable, capturable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _init_state(self, p):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = _scalar()
            state["exp_avg"] = _zeros(p)
            state["exp_inf"] = _zeros(p)
        return state

    def _fused_group(self, group):
        params = _params_with_grad(group)
        if not params:
            return
        states = [self._init_state(p) for p in params]
        beta1, beta2 = group["betas"]
        _C._fused_adamax_(params, [p.grad for p in params], [s["exp_avg"] for s in states],
                          [s["exp_inf"] for s in states], [s["step"] for s in states],
                          group["lr"], beta1, beta2, group["eps"], group["weight_decay"],
                          group["maximize"])

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        if _FUSED:
            _fused_step(self)
            return loss
        with minitorch.no_grad():
            for group in self.param_groups:
                lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
                wd = group["weight_decay"]
                for p in _params_with_grad(group):
                    g = _grad_of(p, group["maximize"])
                    state = self._init_state(p)
                    step = _bump(state)
                    if wd != 0:
                        g = g.add(p, alpha=wd)
                    m, u = state["exp_avg"], state["exp_inf"]
                    m.lerp_(g, 1 - beta1)
                    u.copy_(minitorch.maximum(u.mul_(beta2), g.abs().add_(eps)))
                    p.addcdiv_(m, u, value=-lr / (1 - beta1 ** step))
        return loss


class NAdam(Optimizer):
    """Adam with Nesterov momentum (and its momentum-decay schedule)."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        _check_lr(lr)
        _check_eps(eps)
        _check_betas(betas)
        _check_wd(weight_decay)
        _check(0.0 <= momentum_decay, f"Invalid momentum_decay value: {momentum_decay}")
        _check_unsupported(differentiable, capturable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, p):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = _scalar()
            state["mu_product"] = _scalar(1.0)
            state["exp_avg"] = _zeros(p)
            state["exp_avg_sq"] = _zeros(p)
        return state

    def _fused_group(self, group):
        params = _params_with_grad(group)
        if not params:
            return
        states = [self._init_state(p) for p in params]
        beta1, beta2 = group["betas"]
        _C._fused_nadam_(params, [p.grad for p in params], [s["exp_avg"] for s in states],
                         [s["exp_avg_sq"] for s in states], [s["mu_product"] for s in states],
                         [s["step"] for s in states], group["lr"], beta1, beta2, group["eps"],
                         group["weight_decay"], group["momentum_decay"],
                         group["decoupled_weight_decay"], group["maximize"])

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        if _FUSED:
            _fused_step(self)
            return loss
        with minitorch.no_grad():
            for group in self.param_groups:
                lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
                wd, psi = group["weight_decay"], group["momentum_decay"]
                for p in _params_with_grad(group):
                    g = _grad_of(p, group["maximize"])
                    state = self._init_state(p)
                    step = _bump(state)
                    bc2 = 1 - beta2 ** step
                    if wd != 0:
                        if group["decoupled_weight_decay"]:
                            p.mul_(1 - lr * wd)
                        else:
                            g = g.add(p, alpha=wd)
                    mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * psi))
                    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * psi))
                    mu_prod_t = state["mu_product"]
                    mu_prod_t *= mu  # float32, as PyTorch keeps it
                    mu_prod = mu_prod_t.item()
                    m, v = state["exp_avg"], state["exp_avg_sq"]
                    m.lerp_(g, 1 - beta1)
                    v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                    denom = v.div(bc2).sqrt().add_(eps)
                    p.addcdiv_(g, denom, value=-lr * (1.0 - mu) / (1.0 - mu_prod))
                    p.addcdiv_(m, denom, value=-lr * mu_next / (1.0 - mu_prod * mu_next))
        return loss


class RAdam(Optimizer):
    """Rectified Adam."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        _check_lr(lr)
        _check_eps(eps)
        _check_betas(betas)
        _check_wd(weight_decay)
        _check_unsupported(differentiable, capturable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, p):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = _scalar()
            state["exp_avg"] = _zeros(p)
            state["exp_avg_sq"] = _zeros(p)
        return state

    def _fused_group(self, group):
        params = _params_with_grad(group)
        if not params:
            return
        states = [self._init_state(p) for p in params]
        beta1, beta2 = group["betas"]
        _C._fused_radam_(params, [p.grad for p in params], [s["exp_avg"] for s in states],
                         [s["exp_avg_sq"] for s in states], [s["step"] for s in states],
                         group["lr"], beta1, beta2, group["eps"], group["weight_decay"],
                         group["decoupled_weight_decay"], group["maximize"])

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        if _FUSED:
            _fused_step(self)
            return loss
        with minitorch.no_grad():
            for group in self.param_groups:
                lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
                wd = group["weight_decay"]
                for p in _params_with_grad(group):
                    g = _grad_of(p, group["maximize"])
                    state = self._init_state(p)
                    step = _bump(state)
                    if wd != 0:
                        if group["decoupled_weight_decay"]:
                            p.mul_(1 - lr * wd)
                        else:
                            g = g.add(p, alpha=wd)
                    m, v = state["exp_avg"], state["exp_avg_sq"]
                    m.lerp_(g, 1 - beta1)
                    v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                    bc1 = 1 - beta1 ** step
                    bc2 = 1 - beta2 ** step
                    m_hat = m / bc1
                    rho_inf = 2 / (1 - beta2) - 1
                    rho_t = rho_inf - 2 * step * (beta2 ** step) / bc2
                    if rho_t > 5.0:
                        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                                / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                        adaptive = (bc2 ** 0.5) / v.sqrt().add(eps)
                        p.add_(m_hat * lr * adaptive * rect, alpha=-1.0)
                    else:
                        p.add_(m_hat * lr, alpha=-1.0)
        return loss
