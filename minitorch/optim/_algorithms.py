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
from minitorch._kernel_fallback import missing_kernels

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


def _check_adam_args(lr, eps, betas, weight_decay):
    _check_lr(lr)
    _check_eps(eps)
    _check_betas(betas)
    _check_wd(weight_decay)


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


def _weight_decay(p, g, lr, wd, decoupled):
    """L2 (into the gradient) or decoupled (AdamW: shrink the parameter) weight decay."""
    if wd != 0:
        if decoupled:
            p.mul_(1 - lr * wd)
        else:
            g = g.add(p, alpha=wd)
    return g


def _adam_moments(state, g, beta1, beta2):
    """Adam's first and second moment updates, in place; returns both."""
    m, v = state["exp_avg"], state["exp_avg_sq"]
    m.lerp_(g, 1 - beta1)
    v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
    return m, v


def _zeros(p):
    return minitorch.zeros_like(p)


class _GroupStepper(Optimizer):
    """``step()`` for every optimizer here: per parameter group, one fused C++ call
    (``_fused_group``) or, with ``_FUSED = False``, the Python reference loop
    (``_reference_group``). ``_STATE`` names the zero-initialised state tensors
    that ``_init_state`` makes beside ``'step'``."""

    _STATE = ()
    _KERNEL = ""  # the kernel-table slot of the fused step ("adam_step")

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        with minitorch.no_grad():
            for group in self.param_groups:
                if _FUSED and self._device_has_kernel(group):
                    self._fused_group(group)
                else:
                    self._reference_group(group)
        return loss

    def _device_has_kernel(self, group):
        # A device whose kernel table lacks the fused step (CUDA, today) runs the
        # reference loop, which only uses ops every device has.
        for p in group["params"]:
            return self._KERNEL not in missing_kernels(p.device.type)
        return True

    def _state_keys(self, group):
        return self._STATE

    def _init_state(self, p, group):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = _scalar()
            for key in self._state_keys(group):
                state[key] = _zeros(p)
        return state

    def _group_state(self, group, *keys):
        """The group's parameters with a gradient, their gradients, then one list
        per state key (initialising state on first use), and the step tensors."""
        params = _params_with_grad(group)
        states = [self._init_state(p, group) for p in params]
        return (params, [p.grad for p in params],
                *([s[k] for s in states] for k in keys), [s["step"] for s in states])


class SGD(_GroupStepper):
    """Stochastic gradient descent, with optional (Nesterov) momentum."""

    _KERNEL = "sgd_step"

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

    def _reference_group(self, group):
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


class Adam(_GroupStepper):
    """Adam; with ``decoupled_weight_decay=True`` it is AdamW."""

    _KERNEL = "adam_step"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        _check_adam_args(lr, eps, betas, weight_decay)
        _check_unsupported(differentiable, capturable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _state_keys(self, group):
        return ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if group["amsgrad"] else ())

    def _fused_group(self, group):
        amsgrad = group["amsgrad"]
        params, grads, *bufs, steps = self._group_state(group, *self._state_keys(group))
        if not params:
            return
        m, v, vmax = bufs if amsgrad else (*bufs, None)
        beta1, beta2 = group["betas"]
        _C._fused_adam_(params, grads, m, v, vmax, steps, group["lr"], beta1, beta2,
                        group["eps"], group["weight_decay"], amsgrad, group["maximize"],
                        group["decoupled_weight_decay"])

    def _reference_group(self, group):
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        wd, amsgrad = group["weight_decay"], group["amsgrad"]
        for p in _params_with_grad(group):
            g = _grad_of(p, group["maximize"])
            state = self._init_state(p, group)
            step = _bump(state)
            g = _weight_decay(p, g, lr, wd, group["decoupled_weight_decay"])
            m, v = _adam_moments(state, g, beta1, beta2)
            bc1 = 1 - beta1 ** step
            bc2_sqrt = (1 - beta2 ** step) ** 0.5
            if amsgrad:
                vmax = state["max_exp_avg_sq"]
                vmax.copy_(minitorch.maximum(vmax, v))
                denom = (vmax.sqrt() / bc2_sqrt).add_(eps)
            else:
                denom = (v.sqrt() / bc2_sqrt).add_(eps)
            p.addcdiv_(m, denom, value=-lr / bc1)


class AdamW(Adam):
    """Adam with decoupled weight decay (default 1e-2)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)


class RMSprop(_GroupStepper):
    """RMSprop, optionally centered and with momentum."""

    _KERNEL = "rmsprop_step"

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

    def _state_keys(self, group):
        return (("square_avg",) + (("momentum_buffer",) if group["momentum"] > 0 else ())
                + (("grad_avg",) if group["centered"] else ()))

    def _fused_group(self, group):
        mom, centered = group["momentum"], group["centered"]
        params, grads, sq, *bufs, steps = self._group_state(group, *self._state_keys(group))
        if not params:
            return
        buf = bufs.pop(0) if mom > 0 else None
        grad_avg = bufs.pop(0) if centered else None
        _C._fused_rmsprop_(params, grads, sq, grad_avg, buf, steps, group["lr"],
                           group["alpha"], group["eps"], group["weight_decay"], mom, centered,
                           group["maximize"])

    def _reference_group(self, group):
        lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
        wd, mom, centered = group["weight_decay"], group["momentum"], group["centered"]
        for p in _params_with_grad(group):
            g = _grad_of(p, group["maximize"])
            state = self._init_state(p, group)
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


class Adagrad(_GroupStepper):
    """Adagrad; its state is created at construction, as in PyTorch."""

    _KERNEL = "adagrad_step"

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

    def _reference_group(self, group):
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


class Adamax(_GroupStepper):
    """Adamax (Adam with the infinity norm)."""

    _KERNEL = "adamax_step"

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        _check_adam_args(lr, eps, betas, weight_decay)
        _check_unsupported(differentiable, capturable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    _STATE = ("exp_avg", "exp_inf")

    def _fused_group(self, group):
        params, grads, m, u, steps = self._group_state(group, *self._STATE)
        if params:
            beta1, beta2 = group["betas"]
            _C._fused_adamax_(params, grads, m, u, steps, group["lr"], beta1, beta2,
                              group["eps"], group["weight_decay"], group["maximize"])

    def _reference_group(self, group):
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        wd = group["weight_decay"]
        for p in _params_with_grad(group):
            g = _grad_of(p, group["maximize"])
            state = self._init_state(p, group)
            step = _bump(state)
            if wd != 0:
                g = g.add(p, alpha=wd)
            m, u = state["exp_avg"], state["exp_inf"]
            m.lerp_(g, 1 - beta1)
            u.copy_(minitorch.maximum(u.mul_(beta2), g.abs().add_(eps)))
            p.addcdiv_(m, u, value=-lr / (1 - beta1 ** step))


class NAdam(_GroupStepper):
    """Adam with Nesterov momentum (and its momentum-decay schedule)."""

    _KERNEL = "nadam_step"

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        _check_adam_args(lr, eps, betas, weight_decay)
        _check(0.0 <= momentum_decay, f"Invalid momentum_decay value: {momentum_decay}")
        _check_unsupported(differentiable, capturable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        state = self.state[p]
        if len(state) == 0:  # PyTorch's key order: step, mu_product, exp_avg, exp_avg_sq
            state["step"] = _scalar()
            state["mu_product"] = _scalar(1.0)
            state["exp_avg"] = _zeros(p)
            state["exp_avg_sq"] = _zeros(p)
        return state

    def _fused_group(self, group):
        params, grads, m, v, mu, steps = self._group_state(group, "exp_avg", "exp_avg_sq",
                                                           "mu_product")
        if params:
            beta1, beta2 = group["betas"]
            _C._fused_nadam_(params, grads, m, v, mu, steps, group["lr"], beta1, beta2,
                             group["eps"], group["weight_decay"], group["momentum_decay"],
                             group["decoupled_weight_decay"], group["maximize"])

    def _reference_group(self, group):
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        wd, psi = group["weight_decay"], group["momentum_decay"]
        for p in _params_with_grad(group):
            g = _grad_of(p, group["maximize"])
            state = self._init_state(p, group)
            step = _bump(state)
            bc2 = 1 - beta2 ** step
            g = _weight_decay(p, g, lr, wd, group["decoupled_weight_decay"])
            mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * psi))
            mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * psi))
            mu_prod_t = state["mu_product"]
            mu_prod_t *= mu  # float32, as PyTorch keeps it
            mu_prod = mu_prod_t.item()
            m, v = _adam_moments(state, g, beta1, beta2)
            denom = v.div(bc2).sqrt().add_(eps)
            p.addcdiv_(g, denom, value=-lr * (1.0 - mu) / (1.0 - mu_prod))
            p.addcdiv_(m, denom, value=-lr * mu_next / (1.0 - mu_prod * mu_next))


class RAdam(_GroupStepper):
    """Rectified Adam."""

    _KERNEL = "radam_step"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        _check_adam_args(lr, eps, betas, weight_decay)
        _check_unsupported(differentiable, capturable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    _STATE = ("exp_avg", "exp_avg_sq")

    def _fused_group(self, group):
        params, grads, m, v, steps = self._group_state(group, *self._STATE)
        if params:
            beta1, beta2 = group["betas"]
            _C._fused_radam_(params, grads, m, v, steps, group["lr"], beta1, beta2,
                             group["eps"], group["weight_decay"],
                             group["decoupled_weight_decay"], group["maximize"])

    def _reference_group(self, group):
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        wd = group["weight_decay"]
        for p in _params_with_grad(group):
            g = _grad_of(p, group["maximize"])
            state = self._init_state(p, group)
            step = _bump(state)
            g = _weight_decay(p, g, lr, wd, group["decoupled_weight_decay"])
            m, v = _adam_moments(state, g, beta1, beta2)
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
