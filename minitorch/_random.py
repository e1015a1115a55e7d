"""In-place samplers on Tensor (uniform_, normal_, bernoulli_) drawn from the
CPU generator so that, for the same seed, they give PyTorch's numbers.

PyTorch fills a tensor in the order its TensorIterator walks it: dimensions
sorted by stride, i.e. memory order for a dense (possibly permuted) tensor.
Each sampler here draws a contiguous block in that order and copies it in.
"""

import struct

from . import _C
from .autograd import no_grad


def _f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def _walk_order(t):
    """A permutation of t's dims, largest stride first (the fill order)."""
    dims = list(range(t.dim()))
    return sorted(dims, key=lambda d: -t.stride(d)) if dims else dims


def _fill(t, sample):
    """Copies ``sample(shape)`` (a contiguous tensor) into t in walk order."""
    order = _walk_order(t)
    view = t.permute(*order) if order else t
    with no_grad():
        view.copy_(sample(tuple(view.shape)))
    return t


def _check_float(t, name):
    if not t.dtype.is_floating_point:
        raise NotImplementedError(f"\"{name}\" not implemented for '{t.dtype}'")


def uniform_(self, from_=0.0, to=1.0, *, generator=None):
    """Fills self with U(from, to) draws."""
    _check_float(self, "check_uniform_bounds")
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={from_} > to={to}")
    if self.dtype == _C.float64:
        return _fill(self, lambda s: _C.rand(*s, dtype=_C.float64) * (to - from_) + from_)
    # PyTorch computes x * (to - from) + from as one fused multiply-add in
    # float: the product of two floats is exact in double, so this matches.
    lo, hi = _f32(from_), _f32(to)
    span = _f32(hi - lo)
    return _fill(self, lambda s: (_C.rand(*s, dtype=_C.float32).double() * span + lo).to(self.dtype))


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fills self with N(mean, std**2) draws."""
    _check_float(self, "normal_kernel")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    n = self.numel()
    if n >= 16 and self.is_contiguous() and self.dtype in (_C.float32, _C.float64):
        return _fill(self, lambda s: _C.randn(*s, dtype=self.dtype) * std + mean)

    # PyTorch's per-element path: double Box-Muller with a cached second
    # value; drawing in chunks under 16 keeps randn on that path.
    def sample(shape):
        parts = [_C.randn(min(15, n - i), dtype=_C.float64) for i in range(0, n, 15)]
        flat = _C.cat(parts) if parts else _C.empty(0, dtype=_C.float64)
        return (flat * std + mean).reshape(shape).to(self.dtype)

    return _fill(self, sample)


def bernoulli_(self, p=0.5, *, generator=None):
    """Sets each element to 1 with probability p (a float), else 0."""
    if not isinstance(p, (int, float)) or isinstance(p, bool):
        raise TypeError("bernoulli_(): only a float probability is supported here")
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return _fill(self, lambda s: (_C.rand(*s, dtype=_C.float64) < p).to(self.dtype))


def _install(tensor_class):
    tensor_class.uniform_ = uniform_
    tensor_class.normal_ = normal_
    tensor_class.bernoulli_ = bernoulli_
