"""instance_norm (on the fused group_norm and batch_norm ops) and local_response_norm
(composed of minitorch tensor ops)."""

import minitorch as _mt

from ._functional_layers import _dev_batch_norm_fused, _dev_group_norm_fused

__all__ = ["instance_norm", "local_response_norm"]


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Normalises each channel of each sample over its spatial dimensions.

    Fused (Note [Fused losses, second set]): with the input's statistics it is the fused
    group_norm with one group per channel; with the running statistics it is the fused
    eval-mode batch_norm. Each is one op with one backward node.
    """
    if input.dim() < 3:
        raise ValueError(f"expected at least 3D input (got {input.dim()}D input)")
    n, c = input.shape[:2]
    spatial = input.numel() // max(n * c, 1)
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise RuntimeError("Expected running_mean and running_var to be defined when "
                               "use_input_stats is false")
        return _dev_batch_norm_fused(input, running_mean, running_var, weight, bias, False, 0.0,
                                     float(eps))
    if spatial == 1:
        raise ValueError("Expected more than 1 spatial element when training, got input "
                         f"size {list(input.shape)}")
    if running_mean is not None or running_var is not None:
        # PyTorch's update: each instance's stats, averaged over the batch
        with _mt.no_grad():
            dims = tuple(range(2, input.dim()))
            var, mean = _mt.var_mean(input.detach(), dim=dims, correction=0)
            m = momentum
            if running_mean is not None:
                running_mean.mul_(1 - m).add_(mean.mean(0).to(running_mean.dtype) * m)
            if running_var is not None:
                unbiased = var * (spatial / (spatial - 1))
                running_var.mul_(1 - m).add_(unbiased.mean(0).to(running_var.dtype) * m)
    return _dev_group_norm_fused(input, int(c), weight, bias, float(eps))


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Divides each channel by (k + alpha/size * sum of squares over ``size`` neighbouring
    channels) ** beta; the window is zero-padded, size//2 channels before."""
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    c = input.shape[1]
    sq = input * input
    before, after = size // 2, (size - 1) // 2
    parts = []
    if before:
        parts.append(_mt.zeros((sq.shape[0], before) + tuple(sq.shape[2:]), dtype=sq.dtype))
    parts.append(sq)
    if after:
        parts.append(_mt.zeros((sq.shape[0], after) + tuple(sq.shape[2:]), dtype=sq.dtype))
    padded = _mt.cat(parts, 1) if len(parts) > 1 else sq
    acc = padded.narrow(1, 0, c)
    for j in range(1, size):
        acc = acc + padded.narrow(1, j, c)
    div = (acc * (alpha / size) + k) ** beta
    return input / div
