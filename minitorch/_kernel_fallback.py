"""Running a fused op on the CPU for a device that has no kernel for it yet.

The fused nn ops (losses, norms, embedding, convolution, pooling) and the fused
optimizer steps call kernel-table slots that only the CPU registers today; the
CUDA table (ext/cuda/register.cpp) leaves them null, and calling a null slot
raises NotImplementedError. So that a model on a GPU still trains, the Python
wrappers route such a call through the CPU: the tensor arguments are copied to
the CPU with ``.to(copy=True)`` (differentiable, so gradients flow back to the
device through the copies' backward nodes), the op runs there, and its tensor
results are copied back. Arguments the op changes in place (batch_norm's
running statistics) are copied back into the caller's tensors. It costs two
transfers per call, and is meant to last only until the device registers the
slot: ``_C._missing_kernels(device)`` is asked once per device type, so a slot
the CUDA table fills later takes the device path with no change here.

The optimizers use their Python reference loops instead (built from ops every
device has), see minitorch/optim/_algorithms.py.
"""

from . import _C

_missing = {}  # device type -> frozenset of the kernel-table slots it lacks


def missing_kernels(device_type):
    """The kernel-table slots (``'adam_step'``, ``'nn.nll_forward'``, ...) that
    ``device_type`` has no kernel for; empty for the CPU."""
    got = _missing.get(device_type)
    if got is None:
        try:
            got = frozenset(_C._missing_kernels(device_type))
        except (RuntimeError, ValueError, NotImplementedError):
            got = frozenset()
        _missing[device_type] = got
    return got


def _device_of(args):
    for a in args:
        if isinstance(a, _C.TensorBase):
            return a.device
    return None


def _to(x, device):
    if isinstance(x, _C.TensorBase):
        return x.to(device, copy=True)
    if isinstance(x, (tuple, list)) and any(isinstance(v, _C.TensorBase) for v in x):
        return type(x)(_to(v, device) for v in x)
    return x


def fused(fn, slot, mutates=()):
    """``fn`` (a fused _C op taking tensors among its positional arguments), run on
    the CPU when the first tensor argument's device lacks kernel ``slot``.
    ``mutates``: positions of arguments the op writes in place."""

    def call(*args):
        dev = _device_of(args)
        if dev is None or slot not in missing_kernels(dev.type):
            return fn(*args)
        host = [_to(a, "cpu") for a in args]
        out = fn(*host)
        for i in mutates:
            if isinstance(args[i], _C.TensorBase):
                args[i].copy_(host[i])
        return _to(out, dev)

    call.__name__ = getattr(fn, "__name__", "fused")
    call.__doc__ = fn.__doc__
    call.__wrapped__ = fn
    return call
