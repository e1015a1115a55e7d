"""Test helpers shared by the test modules: dtype lists, deterministic NumPy
inputs (`make`), the same values as minitorch and torch tensors in several
memory layouts (`variants`), and `dtype_name`.  torch comes from the oracle
(tests/oracle.py), so these work with or without torch installed."""

import numpy as np
import oracle

import minitorch as mt

# Every dtype minitorch has, and the ones NumPy can hold (no bfloat16).
DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
          "float64"]
NUMPY_DTYPES = ["float32", "float64", "int64", "int32", "int16", "int8", "uint8", "bool",
                "float16"]


def dtype_name(d):
    """'float32' for minitorch.float32, torch.float32 or 'float32'."""
    return str(d).split(".")[-1]


def make(shape, dtype, seed=0, distinct=False, int_high=100):
    """Deterministic values: bools, floats ~ N(0, 10), integers in [0, int_high);
    distinct=True gives distinct integer-valued entries (for sort tests)."""
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if distinct:
        n = int(np.prod(shape))
        top = {"int8": 127, "uint8": 255}.get(dtype, 10_000)
        return rng.permutation(top)[:n].reshape(shape).astype(dtype)
    if dtype.startswith("float"):
        return (rng.standard_normal(shape) * 10).astype(dtype)
    return rng.integers(0, int_high, size=shape).astype(dtype)


def variants(a, values=False, expanded=None):
    """(layout, minitorch tensor, torch tensor with the same layout[, NumPy values]).

    Layouts: contiguous, transposed (ndim >= 2), negative strides (minitorch's
    flip is a view; torch gets a contiguous copy) and a stepped slice (ndim >= 1),
    and with expanded="always" (or "nonempty": only when a.shape[0] > 0) an
    expanded (stride 0) tensor whose values are a[:1] broadcast.  values=True
    appends the NumPy values each tensor holds."""
    torch = oracle.torch()
    out = [("contiguous", mt.tensor(a), torch.from_numpy(a.copy()), a)]
    if a.ndim >= 2:
        rev = tuple(range(a.ndim))[::-1]
        c = np.ascontiguousarray(a.transpose(rev))
        out.append(("transposed", mt.tensor(c).permute(rev), torch.from_numpy(c).permute(rev), a))
    if a.ndim >= 1:
        f = np.ascontiguousarray(np.flip(a, 0))
        out.append(("negative", mt.tensor(f).flip(0), torch.from_numpy(f).flip(0), a))
        r = np.repeat(a, 2, axis=-1)
        out.append(("step", mt.tensor(r)[..., ::2], torch.from_numpy(r)[..., ::2], a))
        if expanded == "always" or (expanded == "nonempty" and a.shape[0] > 0):
            e = np.broadcast_to(a[:1], a.shape)
            out.append(("expanded", mt.tensor(a[:1].copy()).expand(*a.shape),
                        torch.from_numpy(a[:1].copy()).expand(*a.shape), e))
    return out if values else [v[:3] for v in out]


def raised_text(expr, mod, tensor, exc=TypeError):
    """The message of the `exc` that ``eval(expr)`` raises, with ``m`` = mod and
    ``t`` = tensor (the parser-error tests)."""
    import pytest

    with pytest.raises(exc) as info:
        eval(expr, {"m": mod, "t": tensor})
    return str(info.value)
