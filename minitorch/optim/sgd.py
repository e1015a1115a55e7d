"""optim.SGD with momentum, dampening, Nesterov, weight decay and maximize."""

from .. import enable_grad, no_grad
from .optimizer import Optimizer


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for g in self.param_groups:
                lr, mom, damp = g["lr"], g["momentum"], g["dampening"]
                wd, nesterov, maximize = g["weight_decay"], g["nesterov"], g["maximize"]
                for p in g["params"]:
                    if p.grad is None:
                        continue
                    d = -p.grad if maximize else p.grad
                    if wd != 0:
                        d = d.add(p, alpha=wd)
                    if mom != 0:
                        st = self.state[p]
                        buf = st.get("momentum_buffer")
                        if buf is None:
                            buf = d.clone().detach()
                            st["momentum_buffer"] = buf
                        else:
                            buf.mul_(mom).add_(d, alpha=1 - damp)
                        d = d.add(buf, alpha=mom) if nesterov else buf
                    p.add_(d, alpha=-lr)
        return loss
