"""Less common PyTorch functions, composed from minitorch's ops.

Each is a function of ``minitorch`` and, where PyTorch has it, a Tensor method:
``median``, ``nanmedian``, ``diff``, ``trace``, ``sgn``, ``deg2rad``,
``rad2deg``, ``sinc``, ``gcd``, ``lcm``, ``frexp``, ``ldexp``, ``float_power``. They are built
from ops that have autograd (sort, gather, narrow, where, ...), so gradients
flow wherever PyTorch defines them; ``gcd``, ``lcm`` and ``frexp``'s exponent
are integer results, with no gradient.

Dtypes, shapes and errors follow PyTorch. Where several elements tie for the
median, ``median(dim)``'s index is the first of them in the input (a stable
sort); PyTorch documents the index as not necessarily the first, so for ties
the two may name different, equal elements.
"""

import math

from . import _C
from . import return_types as _rt

__all__ = ["median", "nanmedian", "diff", "trace", "sgn", "deg2rad", "rad2deg", "sinc", "gcd",
           "lcm", "frexp", "ldexp", "float_power"]

_METHODS = __all__

_TYPE_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
               "int64": "Long", "float16": "Half", "bfloat16": "BFloat16", "float32": "Float",
               "float64": "Double"}


def _type_name(dtype):
    return _TYPE_NAMES.get(str(dtype).rsplit(".", 1)[-1], str(dtype))


def _not_for(op, dtype):
    return NotImplementedError(f'"{op}" not implemented for \'{_type_name(dtype)}\'')


def _float_result(x):
    """Integer and bool inputs compute in the default float dtype, as PyTorch's unary
    float ops do."""
    return x if x.dtype.is_floating_point else x.to(_C.get_default_dtype())


# ---------------------------------------------------------------- median

def _median(input, dim, keepdim, ignore_nan, name):
    if input.dtype == _C.bool:
        raise _not_for(name, input.dtype)
    floating = input.dtype.is_floating_point
    if dim is None:
        flat = input.reshape(-1)
        if flat.numel() == 0:
            if not floating:  # PyTorch returns an arbitrary number here
                raise RuntimeError(f"{name}() of an empty {_type_name(input.dtype)} tensor has "
                                   "no value (an empty float tensor gives nan)")
            return _C.full((), math.nan, dtype=input.dtype, device=input.device)
        values, idx = _median_along(flat, 0, ignore_nan, floating)
        return values.reshape(())
    if input.dim() == 0:
        _check_dim(dim, 0)
        return getattr(_rt, name)((input.clone(),
                                   _C.zeros((), dtype=_C.int64, device=input.device)))
    d = _check_dim(dim, input.dim())
    if input.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    values, idx = _median_along(input, d, ignore_nan, floating)
    if not keepdim:
        values, idx = values.squeeze(d), idx.squeeze(d)
    return getattr(_rt, name)((values, idx))


def _check_dim(dim, ndim):
    n = max(ndim, 1)
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"median(): argument 'dim' must be int, not {type(dim).__name__}")
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim % n


def _median_along(x, d, ignore_nan, floating):
    """The lower median along dim d, kept as a size-1 dim: (values, indices)."""
    n = x.shape[d]
    order = x.detach().argsort(dim=d, stable=True)  # NaNs sort last
    if floating:
        nans = x.detach().isnan().sum(dim=d, keepdim=True)
        if ignore_nan:
            k = ((n - nans - 1) // 2).clamp_min(0)
        else:
            # a row with a NaN has the NaN as its median (the first NaN of the row)
            k = _C.where(nans > 0, n - nans, _C.full_like(nans, (n - 1) // 2))
    else:
        shape = list(x.shape)
        shape[d] = 1
        k = _C.full(shape, (n - 1) // 2, dtype=_C.int64, device=x.device)
    idx = order.gather(d, k)
    return x.gather(d, idx), idx


def median(input, dim=None, keepdim=False):
    """The lower median of all elements (a 0-d tensor), or ``(values, indices)``
    along ``dim``. A NaN makes the median NaN."""
    return _median(input, dim, keepdim, False, "median")


def nanmedian(input, dim=None, keepdim=False):
    """``median`` that ignores NaNs (NaN only where a row is all NaN)."""
    return _median(input, dim, keepdim, True, "nanmedian")


# ---------------------------------------------------------------- diff, trace

def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference along ``dim`` (``!=`` for bool tensors)."""
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    for arg, what in ((prepend, "prepend"), (append, "append")):
        if arg is not None and not isinstance(arg, _C.TensorBase):
            raise TypeError(f"diff(): argument '{what}' must be Tensor, not {type(arg).__name__}")
    d = _check_dim(dim, input.dim())
    x = input
    if n == 0:  # as PyTorch and NumPy: the input itself, prepend/append ignored
        return x
    if prepend is not None or append is not None:
        x = _C.cat([t for t in (prepend, x, append) if t is not None], d)
    for _ in range(n):
        length = x.shape[d]
        if length == 0:
            break
        hi, lo = x.narrow(d, 1, length - 1), x.narrow(d, 0, length - 1)
        x = _C.logical_xor(hi, lo) if x.dtype == _C.bool else hi - lo
    return x


def trace(input):
    """The sum of a matrix's main diagonal (integers sum in int64)."""
    if input.dim() != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.dim()}")
    if input.dtype == _C.bool:
        raise _not_for("trace", input.dtype)
    return input.diagonal().sum()


# ---------------------------------------------------------------- elementwise

def sgn(input):
    """The sign of each element (for real tensors, ``sign``)."""
    return _C.sign(input)


def deg2rad(input):
    """Degrees to radians (integers and bools give the default float dtype)."""
    x = _float_result(input)
    return x * (math.pi / 180.0)


def rad2deg(input):
    """Radians to degrees (integers and bools give the default float dtype)."""
    x = _float_result(input)
    return x * (180.0 / math.pi)


def sinc(input):
    """The normalised sinc, sin(pi x) / (pi x), with sinc(0) = 1."""
    x = _float_result(input)
    px = x * math.pi
    zero = x == 0
    safe = _C.where(zero, _C.ones_like(px), px)
    return _C.where(zero, _C.ones_like(px), safe.sin() / safe)


def _tensors(op, **args):
    """PyTorch's TypeError for a non-Tensor where its signature names a Tensor."""
    for i, (what, v) in enumerate(args.items()):
        if not isinstance(v, _C.TensorBase):
            raise TypeError(f"{op}(): argument '{what}' (position {i + 1}) must be Tensor, not "
                            f"{type(v).__name__}")


def _int_pair(op, input, other):
    _tensors(op, input=input, other=other)
    a, b = input, other
    dt = _C.result_type(a, b)
    if dt.is_floating_point or dt == _C.bool:
        raise _not_for(op, dt)
    a, b = _C.broadcast_tensors(a.to(dt), b.to(dt))
    return a, b


def gcd(input, other):
    """The elementwise greatest common divisor of integer tensors (non-negative;
    gcd(0, 0) = 0)."""
    a, b = _int_pair("gcd", input, other)
    a, b = a.abs(), b.abs()
    while bool((b != 0).any()):
        nz = b != 0
        r = _C.where(nz, a % _C.where(nz, b, _C.ones_like(b)), _C.zeros_like(a))
        a, b = _C.where(nz, b, a), r
    return a


def lcm(input, other):
    """The elementwise least common multiple of integer tensors (non-negative;
    lcm with 0 is 0)."""
    a, b = _int_pair("lcm", input, other)
    g = gcd(a, b)
    safe = _C.where(g == 0, _C.ones_like(g), g)
    return (a // safe * b).abs()


def frexp(input):
    """Mantissa in [0.5, 1) (same dtype) and int32 exponent with
    ``input == mantissa * 2 ** exponent``."""
    if not input.dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    import numpy as np

    x = input.detach()
    host = x.cpu()
    wide = host.float() if host.dtype == _C.bfloat16 else host
    m, e = np.frexp(wide.numpy())
    mantissa = _C.from_numpy(np.ascontiguousarray(m)).to(input.dtype).to(input.device)
    exponent = _C.from_numpy(np.ascontiguousarray(e.astype(np.int32))).to(input.device)
    return _rt.frexp((mantissa, exponent))


def ldexp(input, other):
    """``input * 2 ** other`` (a float result)."""
    _tensors("ldexp", input=input, other=other)
    return input * _C.pow(2.0, other)


def float_power(input, exponent):
    """``input ** exponent`` computed in float64 (the result is float64)."""
    if not isinstance(input, _C.TensorBase) and not isinstance(exponent, _C.TensorBase):
        raise TypeError("float_power(): at least one of 'input' and 'exponent' must be a Tensor")
    def wide(v):
        return v.to(_C.float64) if isinstance(v, _C.TensorBase) else float(v)
    return _C.pow(wide(input), wide(exponent))


def _install(tensor_cls):
    """Bind the Tensor methods (called from minitorch/__init__.py)."""
    for name in _METHODS:
        if not hasattr(tensor_cls, name):
            setattr(tensor_cls, name, globals()[name])
