"""minitorch.nn.functional."""

from .. import _C  # noqa: F401

# ---- elementwise (relu, gelu, silu, softplus, sigmoid, ...) ----
# The activations are C kernels (ext/cpu/unary.cpp); the rarer ones below are
# compositions of elementwise ops.
sigmoid = _C.sigmoid
tanh = _C.tanh
relu_ = _C.relu_


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


def linear(input, weight, bias=None):
    """input @ weight.T + bias (PyTorch's nn.functional.linear)."""
    out = input.matmul(weight.t())
    return out if bias is None else out + bias


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Mean squared error, reduction 'mean', 'sum' or 'none'."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    d = (input - target) ** 2
    if reduction == "mean":
        return d.mean()
    return d.sum() if reduction == "sum" else d
