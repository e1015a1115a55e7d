"""nn.Parameter: a Tensor subclass that a Module registers as a parameter."""

from .._tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor, requires_grad=True by default, sharing `data`'s memory."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from .. import empty
            data = empty(0)
        return Tensor._make_subclass(cls, data.detach(), requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)

    def __reduce_ex__(self, proto):
        return (Parameter, (self.detach(), self.requires_grad))


def zero_grads(params, set_to_none=True):
    """Module.zero_grad and Optimizer.zero_grad: drop (or zero, detached) each .grad."""
    for p in params:
        if p.grad is not None:
            if set_to_none:
                p.grad = None
            else:
                p.grad.detach_()
                p.grad.zero_()
