"""Op specs for the API fuzzer (tests/test_fuzz.py). Not a test module.

Each spec says how to draw valid arguments for a tensor of a given shape,
how to call the op on a minitorch tensor, and what NumPy computes for the
same program on the model array. A later issue that adds ops appends specs:

- VIEW_OPS: the result must alias its input exactly as the NumPy view does
  (same bytes, same strides): the fuzzer then writes through either and
  checks both sides.
- NEW_OPS: the result is a new tensor (no aliasing with any input); the
  model is any NumPy expression giving the expected values and dtype.
  Elementwise / reduction ops go here, e.g.
      NewOp("neg", lambda d, sh: (), lambda t: -t, lambda x: -x, dtypes=NUMERIC)

`draw` is hypothesis' data.draw; an args function returns None when the op
does not apply to that shape.
"""

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from hypothesis import strategies as st

import minitorch as _mt

ALL_DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
              "float32", "float64"]
NP_MODEL_DTYPE = {"bfloat16": "float32"}  # NumPy has no bfloat16; values stay exact in it


def np_dtype(name):
    return np.dtype(NP_MODEL_DTYPE.get(name, name))


@dataclass
class ViewOp:
    name: str
    args: Callable  # (draw, shape) -> tuple | None
    mt: Callable  # (tensor, *args) -> tensor view
    np: Callable  # (ndarray, *args) -> ndarray view (None: NumPy cannot view -> mt must raise)


@dataclass
class NewOp:
    name: str
    args: Callable
    mt: Callable
    np: Callable
    dtypes: list = field(default_factory=lambda: list(ALL_DTYPES))


def _dim(draw, shape, extra=0):
    n = max(len(shape) + extra, 1)
    return draw(st.integers(-n, n - 1))


def _transpose(draw, sh):
    return (_dim(draw, sh), _dim(draw, sh))


def _permute(draw, sh):
    return tuple(draw(st.permutations(range(len(sh))))) if sh else None


def _expand(draw, sh):
    lead = draw(st.lists(st.integers(0, 3), max_size=2))
    new = [draw(st.integers(0, 3)) if s == 1 else draw(st.sampled_from([s, -1])) for s in sh]
    return tuple(lead + new)


def _np_expand(x, *sizes):
    lead = len(sizes) - x.ndim
    shape, strides = [], []
    for i, s in enumerate(sizes):
        if i < lead:
            shape.append(s)
            strides.append(0)
        else:
            have = x.shape[i - lead]
            want = have if s == -1 else s
            shape.append(want)
            strides.append(x.strides[i - lead] if have == want else 0)
    return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=x.flags.writeable)


def _narrow(draw, sh):
    if not sh:
        return None
    d = _dim(draw, sh)
    size = sh[d]
    start = draw(st.integers(-size, size)) if size else 0
    s0 = start + size if start < 0 else start
    return (d, start, draw(st.integers(0, size - s0)))


def _np_narrow(x, d, start, length):
    d %= x.ndim
    s0 = start + x.shape[d] if start < 0 else start
    idx = [slice(None)] * x.ndim
    idx[d] = slice(s0, s0 + length)
    return x[tuple(idx)]


def _select(draw, sh):
    if not sh:
        return None
    d = _dim(draw, sh)
    if sh[d] == 0:
        return None
    return (d, draw(st.integers(-sh[d], sh[d] - 1)))


def _np_select(x, d, i):
    idx = [slice(None)] * x.ndim
    idx[d % x.ndim] = i
    return x[tuple(idx) + (Ellipsis,)]  # the Ellipsis keeps a 0-d result a view


def _index(draw, sh):
    """A basic index: ints and slices (any step sign) for some dims, Nones
    anywhere, and optionally a leading Ellipsis (then the ints and slices
    apply to the trailing dims)."""
    k = draw(st.integers(0, len(sh)))
    ellipsis = draw(st.booleans())
    sizes = sh[len(sh) - k:] if ellipsis else sh[:k]
    items = []
    for size in sizes:
        if size > 0 and draw(st.booleans()):
            items.append(draw(st.integers(-size, size - 1)))
        else:
            lim = size + 2
            items.append(slice(draw(st.none() | st.integers(-lim, lim)),
                               draw(st.none() | st.integers(-lim, lim)),
                               draw(st.none() | st.integers(-3, 3).filter(bool))))
    for _ in range(draw(st.integers(0, 2))):
        items.insert(draw(st.integers(0, len(items))), None)
    if ellipsis:
        items.insert(0, Ellipsis)
    return (tuple(items),)


def _np_getitem(x, index):
    # An index of ints only makes NumPy return a scalar copy; a trailing
    # Ellipsis (a no-op otherwise) keeps it a 0-d view.
    return x[index if Ellipsis in index else index + (Ellipsis,)]


def _flip(draw, sh):
    if not sh:
        return ()
    return tuple(draw(st.lists(st.integers(0, len(sh) - 1), unique=True, max_size=len(sh))))


def _np_flip(x, *dims):
    return np.flip(x, axis=dims) if dims else x[...]


def _squeeze(draw, sh):
    return (draw(st.none() | st.integers(-max(len(sh), 1), max(len(sh), 1) - 1)),)


def _np_squeeze(x, d):
    if d is None:
        return np.squeeze(x)
    if x.ndim == 0:
        return x[...]
    return np.squeeze(x, axis=d) if x.shape[d] == 1 else x[...]


def _mt_squeeze(t, d):
    return t.squeeze() if d is None else t.squeeze(d)


def _view_shape(draw, sh):
    n = int(np.prod(sh))
    if n == 0:
        return None
    dims, rest = [], n
    for _ in range(draw(st.integers(0, 3))):
        divs = [k for k in range(1, rest + 1) if rest % k == 0]
        k = draw(st.sampled_from(divs))
        dims.append(k)
        rest //= k
    dims.append(rest)
    dims = draw(st.permutations(dims))
    if draw(st.booleans()):
        dims = list(dims)
        dims[draw(st.integers(0, len(dims) - 1))] = -1
    return tuple(dims)


def _np_view(x, *shape):
    """NumPy's reshape without a copy, or None when a copy would be needed."""
    y = x.view()
    try:
        y.shape = shape
    except AttributeError:
        return None
    return y


def _as_strided(draw, sh, reach):
    """Sizes/strides/offset that stay inside the view's own reachable range."""
    lo, hi = reach
    if hi < lo:
        return None
    nd = draw(st.integers(0, 3))
    off = draw(st.integers(lo, hi))
    sizes, strides, extent = [], [], 0
    for _ in range(nd):
        size = draw(st.integers(0, 3))
        stride = draw(st.integers(0, 4))
        if size > 1 and off + extent + (size - 1) * stride > hi:
            stride = 0
        extent += (size - 1) * stride if size else 0
        sizes.append(size)
        strides.append(stride)
    return (tuple(sizes), tuple(strides), off)


VIEW_OPS = [
    ViewOp("transpose", _transpose, lambda t, a, b: t.transpose(a, b),
           lambda x, a, b: np.swapaxes(x, a, b) if x.ndim else x[...]),
    ViewOp("permute", _permute, lambda t, *p: t.permute(*p), lambda x, *p: np.transpose(x, p)),
    ViewOp("expand", _expand, lambda t, *s: t.expand(*s), _np_expand),
    ViewOp("narrow", _narrow, lambda t, *a: t.narrow(*a), _np_narrow),
    ViewOp("select", _select, lambda t, *a: t.select(*a), _np_select),
    ViewOp("getitem", _index, lambda t, i: t[i], lambda x, i: _np_getitem(x, i)),
    ViewOp("flip", _flip, lambda t, *d: t.flip(*d), _np_flip),
    ViewOp("unsqueeze", lambda d, sh: (_dim(d, sh, 1),), lambda t, d: t.unsqueeze(d),
           lambda x, d: np.expand_dims(x, d)),
    ViewOp("squeeze", _squeeze, _mt_squeeze, _np_squeeze),
    ViewOp("t", lambda d, sh: () if len(sh) <= 2 else None, lambda t: t.t(), lambda x: x.T[...]),
    ViewOp("T", lambda d, sh: (), lambda t: t.T, lambda x: x.T[...]),
    ViewOp("detach", lambda d, sh: (), lambda t: t.detach(), lambda x: x[...]),
    ViewOp("view", _view_shape, lambda t, *s: t.view(*s), _np_view),
    # as_strided is special-cased by the machine (it needs the storage offset).
]

NEW_OPS = [
    NewOp("clone", lambda d, sh: (), lambda t: t.clone(memory_format=_mt.contiguous_format),
          lambda x: x.copy()),
    NewOp("clone_of_flip", lambda d, sh: (),
          lambda t: t.flip(*range(t.dim())).clone(memory_format=_mt.contiguous_format),
          lambda x: np.flip(x).copy()),
]
