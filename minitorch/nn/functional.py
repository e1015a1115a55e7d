"""minitorch.nn.functional."""

from .. import _C  # noqa: F401
from .._kernel_fallback import fused as _fused_or_host

# ---- elementwise (relu, gelu, silu, softplus, sigmoid, ...) ----
# The activations are C kernels (ext/cpu/unary.cpp); the rarer ones below are
# compositions of elementwise ops.
sigmoid = _C.sigmoid
tanh = _C.tanh
relu_ = _C.relu_



# fused ops, run on the CPU where the device has no kernel yet (minitorch/_kernel_fallback.py)
_dev_point_loss_fused = _fused_or_host(_C._point_loss_fused, "nn.point_loss_forward")
_dev_elem_loss_fused = _fused_or_host(_C._elem_loss_fused, "nn.elem_loss_forward")

def relu(input, inplace=False):
    """max(input, 0) elementwise (NaN propagates)."""
    return _C.relu_(input) if inplace else _C.relu(input)


def gelu(input, approximate="none"):
    """x * Phi(x); ``approximate='tanh'`` uses the tanh formula."""
    return _C._gelu(input, approximate)


def silu(input, inplace=False):
    """x * sigmoid(x)."""
    return _C._silu_(input) if inplace else _C._silu(input)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold."""
    return _C._softplus(input, beta, threshold)


def logsigmoid(input):
    """log(sigmoid(x)) = -softplus(-x), computed stably."""
    return _C.neg(_C._softplus(_C.neg(input), 1.0, 20.0))


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    return _C.clamp_(input, min_val, max_val) if inplace else _C.clamp(input, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return _C.clamp_(input, min_val, max_val)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    out = _C.where(input > 0, input, input * negative_slope)
    return input.copy_(out) if inplace else out


def elu(input, alpha=1.0, inplace=False):
    out = _C.where(input > 0, input, _C.expm1(input) * alpha)
    return input.copy_(out) if inplace else out


def softsign(input):
    return input / (_C.abs(input) + 1)


def tanhshrink(input):
    return input - _C.tanh(input)


def mish(input, inplace=False):
    out = input * _C.tanh(_C._softplus(input, 1.0, 20.0))
    return input.copy_(out) if inplace else out


def hardsigmoid(input, inplace=False):
    out = _C.clamp(input + 3, 0.0, 6.0) / 6
    return input.copy_(out) if inplace else out


def hardswish(input, inplace=False):
    out = input * _C.clamp(input + 3, 0.0, 6.0) / 6
    return input.copy_(out) if inplace else out


def threshold(input, threshold, value, inplace=False):
    out = _C.where(input > threshold, input, value)
    return input.copy_(out) if inplace else out
# ---- end elementwise ----

# ---- reductions (softmax, log_softmax) ----
def _softmax_dim(ndim):
    import warnings

    warnings.warn("Implicit dimension choice for softmax has been deprecated. Change the call to "
                  "include dim=X as an argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim``, computed stably (the max is subtracted first)."""
    if dim is None:
        dim = _softmax_dim(input.dim())
    return _C.softmax(input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(x)) along ``dim``, computed as x - max - log(sum(exp(x - max)))."""
    if dim is None:
        dim = _softmax_dim(input.dim())
    return _C.log_softmax(input, dim, dtype)
# ---- end reductions ----

# ---- shape/index (one_hot) ----
def one_hot(tensor, num_classes=-1):
    """Int64 one-hot encoding: a trailing dim of size num_classes (max + 1 when -1)."""
    return _C._one_hot(tensor, num_classes)
# ---- end shape/index ----

# ---- nn core (linear, losses, dropout) ----
_REDUCTIONS = ("none", "mean", "sum")


def linear(input, weight, bias=None):
    """input @ weight.T + bias."""
    # Note [Linear fast path]: a 2-D input with a bias is one addmm (one op, one
    # autograd node), as in PyTorch; other shapes take matmul and an add.
    if bias is not None and input.dim() == 2 and weight.dim() == 2:
        return _C.addmm(bias, input, weight.t())
    out = _C.matmul(input, weight.mT if weight.dim() == 2 else weight)
    return out if bias is None else out + bias


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _legacy_reduction(size_average, reduce, reduction, stacklevel=3):
    if size_average is None and reduce is None:
        return reduction
    import warnings

    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    out = "none" if not reduce else ("mean" if size_average else "sum")
    warnings.warn("size_average and reduce args will be deprecated, please use "
                  f"reduction='{out}' instead.", stacklevel=stacklevel)
    return out


def _check_loss_shapes(name, input, target):
    if tuple(input.shape) != tuple(target.shape):
        import warnings

        warnings.warn(f"Using a target size ({target.shape}) that is different to the input "
                      f"size ({input.shape}). This will likely lead to incorrect results due "
                      "to broadcasting. Please ensure they have the same size.", stacklevel=3)


_REDUCTION_ENUM = {"none": 0, "mean": 1, "sum": 2}


def _fusable_loss(input, *others):
    """Whether a pointwise loss can take its fused op: tensors of one floating dtype
    on one device (other mixes keep the composite path and its type promotion)."""
    if not isinstance(input, _C.TensorBase) or not input.dtype.is_floating_point:
        return False
    for t in others:
        if t is None:
            continue
        if not isinstance(t, _C.TensorBase) or t.dtype != input.dtype or t.device != input.device:
            return False
    return True


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Squared error (input - target) ** 2, reduced by ``reduction``."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    _check_loss_shapes("mse_loss", input, target)
    if _fusable_loss(input, target, weight):
        # one fused op with one backward node (Note [Fused nn losses and norms])
        return _dev_point_loss_fused(input, target, weight, None, _REDUCTION_ENUM[reduction],
                                    False)
    loss = (input - target) ** 2
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Absolute error |input - target|, reduced by ``reduction``."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    _check_loss_shapes("l1_loss", input, target)
    if _fusable_loss(input, target, weight):
        # one fused op with one backward node (Note [Fused losses, second set])
        return _dev_elem_loss_fused(input, target, weight, _REDUCTION_ENUM[reduction], 0, 0.0,
                                   False)
    loss = _C.abs(input - target)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zeroes each element with probability ``p`` and scales the rest by 1 / (1 - p)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        out = input * 0.0
    else:
        # PyTorch's draw: a Bernoulli(1 - p) keep mask, scaled by 1 / (1 - p).
        noise = _C.empty_like(input).bernoulli_(1.0 - p)
        out = input * (noise / (1.0 - p))
    return input.copy_(out) if inplace else out

# ---- end nn core ----
from ._functional_attention import *  # noqa: E402, F401, F403  (attention, issue 14)
from ._functional_conv import *  # noqa: E402, F401, F403  (convolution, pooling, issue 14)
from ._functional_layers import *  # noqa: E402,F401,F403  (layers block: embedding, norms, pad, ...)
from ._functional_losses import *  # noqa: E402, F401, F403  (losses, issue 9)
from ._functional_norms import *  # noqa: E402, F401, F403  (instance_norm, local_response_norm)
from ._functional_resize import *  # noqa: E402, F401, F403  (interpolate, max_unpool, issue 14)
