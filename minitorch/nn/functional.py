"""minitorch.nn.functional."""

from .. import _C  # noqa: F401

# ---- elementwise (relu, gelu, silu, softplus, sigmoid, ...) ----
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
# ---- end shape/index ----
