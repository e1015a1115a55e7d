"""nn.init additions: dirac_, trunc_normal_, orthogonal_ (PyTorch's formulas)."""

import math
import warnings

import numpy as np

from .. import _C
from ..autograd import no_grad


def _gen_kw(tensor, generator):
    kw = {"dtype": tensor.dtype}
    if generator is not None:
        kw["generator"] = generator
    return kw


def dirac_(tensor, groups=1):
    """Fills a 3-, 4- or 5-D conv weight with the Dirac delta (identity convolution),
    per group."""
    dims = tensor.dim()
    if dims not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tuple(tensor.shape)
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per_group = sizes[0] // groups
    min_dim = min(out_per_group, sizes[1])
    centre = tuple(s // 2 for s in sizes[2:])
    with no_grad():
        tensor.zero_()
        for g in range(groups):
            for d in range(min_dim):
                tensor[(g * out_per_group + d, d) + centre] = 1
    return tensor


def _norm_cdf(x):
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fills ``tensor`` with N(mean, std**2) draws truncated to [a, b], by the
    inverse CDF of a uniform draw between cdf(a) and cdf(b)."""
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    lo = _norm_cdf((a - mean) / std)
    hi = _norm_cdf((b - mean) / std)
    u = _C.rand(*tensor.shape, **_gen_kw(tensor, generator)) * (2 * hi - 2 * lo) + (2 * lo - 1)
    vals = (_C.erfinv(u) * (std * math.sqrt(2.0)) + mean).clamp(min=a, max=b)
    with no_grad():
        tensor.copy_(vals)
    return tensor


def orthogonal_(tensor, gain=1, generator=None):
    """Fills ``tensor`` (2-D or more, trailing dims flattened) with a (semi-)orthogonal
    matrix: the Q of a QR decomposition of a standard normal draw, column signs fixed
    by diag(R). The QR runs in NumPy (minitorch.linalg has no qr yet)."""
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    kw = _gen_kw(tensor, generator)
    kw["dtype"] = _C.float64
    flat = _C.randn(rows, cols, **kw).numpy()
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    with no_grad():
        tensor.copy_(_C.from_numpy(np.ascontiguousarray(q * gain)).reshape(*tensor.shape)
                     .to(tensor.dtype))
    return tensor
