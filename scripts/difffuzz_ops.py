"""The op registry of the differential fuzzer (scripts/difffuzz.py).

An op is a name, a kind, and two functions:

- ``args(rng, shape, dtype)`` draws the op's arguments (a tuple of positional
  arguments and a dict of keywords, all plain Python/JSON values) for an input
  of that shape and dtype name. It may draw invalid ones on purpose (a dim out
  of range, a bad dtype): then both libraries must raise the same class.
- ``call(lib, t, *args, **kwargs)`` runs the op with ``lib`` being the
  minitorch or the torch module; ``lib.float32`` and friends give dtypes.

A later issue that adds ops registers them here with ``register(...)``.

``DELIBERATE`` lists the differences that are intended (each with the reason);
docs/differences-from-pytorch.md carries the same table, between the
``difffuzz`` markers, and tests/test_difffuzz.py checks that the two agree.
"""

import os
from dataclasses import dataclass
from typing import Callable

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
          "float32", "float64"]
FLOATS = ["float16", "bfloat16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]


@dataclass
class Op:
    name: str
    kind: str  # creation, view, elementwise, reduction, indexing, inplace
    args: Callable
    call: Callable


OPS = []
_BY_NAME = {}


def register(name, kind, args, call):
    """Adds an op to the fuzzer (names are unique)."""
    if name in _BY_NAME:
        raise ValueError(f"difffuzz: op {name!r} is registered twice")
    op = Op(name, kind, args, call)
    OPS.append(op)
    _BY_NAME[name] = op
    return op


def op(name):
    return _BY_NAME[name]


# ---- argument helpers ----

def _dim(rng, shape, allow_bad=True):
    nd = max(len(shape), 1)
    if allow_bad and rng.random() < 0.08:
        return int(rng.choice([nd, -nd - 1, nd + 2]))
    return int(rng.integers(-nd, nd))


def _none(rng, shape, dtype):
    return (), {}


def _scalar(rng, dtype):
    r = rng.random()
    if r < 0.3:
        return int(rng.integers(-3, 4))
    if r < 0.5:
        return bool(rng.integers(0, 2))
    return float(round(rng.normal() * 2, 3))


def _other(rng, shape, dtype):
    """The second operand of a binary op: a number, or a tensor spec (shape
    broadcastable or not, possibly another dtype), built by the program runner."""
    if rng.random() < 0.4:
        return _scalar(rng, dtype)
    r = rng.random()
    if r < 0.6 or not shape:
        oshape = list(shape)
    elif r < 0.8:
        oshape = list(shape[1:])  # broadcasts
    elif r < 0.9:
        oshape = [1] * len(shape)
    else:
        oshape = list(shape[:-1]) + [shape[-1] + 1]  # does not broadcast
    odtype = dtype if rng.random() < 0.6 else str(rng.choice(DTYPES))
    return {"tensor": {"shape": oshape, "dtype": odtype, "seed": int(rng.integers(1 << 30))}}


def _binary_args(rng, shape, dtype):
    return (_other(rng, shape, dtype),), {}


def _dim_keep(rng, shape, dtype):
    kw = {"keepdim": bool(rng.integers(0, 2))}
    return (_dim(rng, shape),), kw


def _opt_dim(rng, shape, dtype):
    if rng.random() < 0.3:
        return (), {}
    return _dim_keep(rng, shape, dtype)


def _clamp_args(rng, shape, dtype):
    lo = _scalar(rng, dtype) if rng.random() < 0.8 else None
    hi = _scalar(rng, dtype) if rng.random() < 0.8 else None
    return (), {"min": lo, "max": hi}


def _transpose_args(rng, shape, dtype):
    return (_dim(rng, shape), _dim(rng, shape)), {}


def _permute_args(rng, shape, dtype):
    p = list(rng.permutation(len(shape)))
    if p and rng.random() < 0.1:
        p[0] = p[-1]  # repeated dim: invalid
    return (tuple(int(x) for x in p),), {}


def _view_args(rng, shape, dtype):
    n = 1
    for s in shape:
        n *= s
    r = rng.random()
    if r < 0.4:
        return ((-1,),), {}
    if r < 0.7 and n > 0 and n % 2 == 0:
        return ((2, -1),), {}
    if r < 0.85:
        return ((n,),), {}
    return ((n + 1,),), {}  # wrong numel


def _narrow_args(rng, shape, dtype):
    d = _dim(rng, shape)
    size = shape[d] if shape and -len(shape) <= d < len(shape) else 1
    start = int(rng.integers(-size - 1, size + 2))
    length = int(rng.integers(0, size + 2))
    return (d, start, length), {}


def _select_args(rng, shape, dtype):
    d = _dim(rng, shape)
    size = shape[d] if shape and -len(shape) <= d < len(shape) else 1
    return (d, int(rng.integers(-size - 1, size + 1))), {}


def _unsqueeze_args(rng, shape, dtype):
    nd = len(shape) + 1
    return (int(rng.integers(-nd - 1, nd + 1)),), {}


def _expand_args(rng, shape, dtype):
    out = [2] + [s if rng.random() < 0.8 else -1 for s in shape]
    if shape and rng.random() < 0.15:
        out[-1] = shape[-1] + 2  # cannot expand a non-1 dim
    return (tuple(out),), {}


def _flip_args(rng, shape, dtype):
    nd = max(len(shape), 1)
    dims = tuple(int(x) for x in rng.choice(range(-nd, nd), size=min(nd, 2), replace=False))
    return (dims,), {}


def _roll_args(rng, shape, dtype):
    if rng.random() < 0.3:
        return (int(rng.integers(-3, 4)),), {}
    return (int(rng.integers(-3, 4)), _dim(rng, shape)), {}


def _index_int(rng, shape, dtype):
    size = shape[0] if shape else 0
    return (int(rng.integers(-size - 1, size + 1)),), {}


def _index_slice(rng, shape, dtype):
    size = shape[0] if shape else 0
    a = int(rng.integers(-size - 2, size + 2))
    b = int(rng.integers(-size - 2, size + 2))
    step = int(rng.choice([1, 1, 2, 3, 0]))  # 0: invalid
    return (a, b, step), {}


def _index_tensor(rng, shape, dtype):
    size = shape[0] if shape else 1
    idx = [int(x) for x in rng.integers(-size - 1, size + 1, size=int(rng.integers(0, 4)))]
    return (idx,), {}


def _index_select_args(rng, shape, dtype):
    d = _dim(rng, shape)
    size = shape[d] if shape and -len(shape) <= d < len(shape) else 1
    idx = [int(x) for x in rng.integers(0, size + 1, size=int(rng.integers(0, 4)))]
    return (d, idx), {}


def _fill_value(rng, shape, dtype):
    return (_scalar(rng, dtype),), {}


def _masked_fill_args(rng, shape, dtype):
    return (int(rng.integers(1 << 30)), _scalar(rng, dtype)), {}


def _mask(lib, t, seed):
    import numpy as np
    m = np.random.default_rng(seed).random(tuple(t.shape)) < 0.5
    return lib.tensor(m)


def _setitem_args(rng, shape, dtype):
    size = shape[0] if shape else 0
    return (int(rng.integers(-size - 1, size + 1)), _scalar(rng, dtype)), {}


def _setitem(lib, t, i, v):
    t[i] = v
    return t


def _to_args(rng, shape, dtype):
    return (str(rng.choice(DTYPES)),), {}


# ---- the ops ----

for _name in ["neg", "abs", "sqrt", "exp", "log", "sin", "tanh", "sigmoid", "relu", "floor",
              "round", "sign", "reciprocal", "logical_not", "bitwise_not", "isnan", "square",
              "trunc", "exp2", "log1p", "signbit", "isfinite", "rsqrt", "frac", "erf"]:
    register(_name, "elementwise", _none, lambda lib, t, _n=_name: getattr(t, _n)())

for _name in ["add", "sub", "mul", "div", "floor_divide", "remainder", "pow", "maximum", "minimum",
              "eq", "ne", "lt", "ge", "bitwise_and", "bitwise_or", "bitwise_xor", "logical_and",
              "logical_or", "atan2", "fmod", "true_divide", "hypot", "fmax", "copysign"]:
    register(_name, "elementwise", _binary_args,
             lambda lib, t, o, _n=_name: getattr(lib, _n)(t, o))

register("clamp", "elementwise", _clamp_args, lambda lib, t, **kw: t.clamp(**kw))
register("nan_to_num", "elementwise", _none, lambda lib, t: t.nan_to_num())
register("to", "elementwise", _to_args, lambda lib, t, d: t.to(getattr(lib, d)))

for _name in ["sum", "mean", "prod", "amax", "amin", "argmax", "argmin", "std", "var", "any",
              "all", "logsumexp", "nansum", "count_nonzero"]:
    register(_name, "reduction", _opt_dim if _name not in ("logsumexp",) else _dim_keep,
             lambda lib, t, *a, _n=_name, **kw: getattr(t, _n)(*a, **kw))
register("max_dim", "reduction", _dim_keep, lambda lib, t, d, **kw: t.max(d, **kw)[0])
register("min_dim", "reduction", _dim_keep, lambda lib, t, d, **kw: t.min(d, **kw)[1])
register("cumsum", "reduction", lambda r, s, d: ((_dim(r, s),), {}),
         lambda lib, t, d: t.cumsum(d))
register("cumprod", "reduction", lambda r, s, d: ((_dim(r, s),), {}),
         lambda lib, t, d: t.cumprod(d))
register("softmax", "reduction", lambda r, s, d: ((_dim(r, s),), {}),
         lambda lib, t, d: t.softmax(d))
register("norm", "reduction", _none, lambda lib, t: t.norm())
register("sort", "reduction", lambda r, s, d: ((_dim(r, s),), {}),
         lambda lib, t, d: t.sort(d)[0])

register("view", "view", _view_args, lambda lib, t, s: t.view(s))
register("reshape", "view", _view_args, lambda lib, t, s: t.reshape(s))
register("transpose", "view", _transpose_args, lambda lib, t, a, b: t.transpose(a, b))
register("permute", "view", _permute_args, lambda lib, t, p: t.permute(p))
register("squeeze", "view", _none, lambda lib, t: t.squeeze())
register("squeeze_dim", "view", lambda r, s, d: ((_dim(r, s),), {}),
         lambda lib, t, d: t.squeeze(d))
register("unsqueeze", "view", _unsqueeze_args, lambda lib, t, d: t.unsqueeze(d))
register("flatten", "view", _none, lambda lib, t: t.flatten())
register("narrow", "view", _narrow_args, lambda lib, t, d, s, n: t.narrow(d, s, n))
register("select", "view", _select_args, lambda lib, t, d, i: t.select(d, i))
register("expand", "view", _expand_args, lambda lib, t, s: t.expand(s))
register("t", "view", _none, lambda lib, t: t.t())
register("diagonal", "view", _none, lambda lib, t: t.diagonal())
register("flip", "view", _flip_args, lambda lib, t, d: t.flip(d))
register("roll", "view", _roll_args, lambda lib, t, *a: t.roll(*a))
register("contiguous", "view", _none, lambda lib, t: t.contiguous())

register("getitem_int", "indexing", _index_int, lambda lib, t, i: t[i])
register("getitem_slice", "indexing", _index_slice, lambda lib, t, a, b, s: t[a:b:s])
register("getitem_tensor", "indexing", _index_tensor,
         lambda lib, t, i: t[lib.tensor(i, dtype=lib.int64)])
register("getitem_mask", "indexing", lambda r, s, d: ((int(r.integers(1 << 30)),), {}),
         lambda lib, t, seed: t[_mask(lib, t, seed)])
register("index_select", "indexing", _index_select_args,
         lambda lib, t, d, i: t.index_select(d, lib.tensor(i, dtype=lib.int64)))
register("masked_fill", "indexing", _masked_fill_args,
         lambda lib, t, seed, v: t.masked_fill(_mask(lib, t, seed), v))
register("take", "indexing", _index_tensor, lambda lib, t, i: t.take(lib.tensor(i)))

register("add_", "inplace", _binary_args, lambda lib, t, o: t.add_(o))
register("mul_", "inplace", _binary_args, lambda lib, t, o: t.mul_(o))
register("clamp_", "inplace", _clamp_args, lambda lib, t, **kw: t.clamp_(**kw))
register("fill_", "inplace", _fill_value, lambda lib, t, v: t.fill_(v))
register("zero_", "inplace", _none, lambda lib, t: t.zero_())
register("setitem", "inplace", _setitem_args, _setitem)
register("masked_fill_", "inplace", _masked_fill_args,
         lambda lib, t, seed, v: t.masked_fill_(_mask(lib, t, seed), v))

# A self-test op for tests/test_difffuzz.py: kills the process, as a crash
# would. Never drawn into programs (it is not in OPS).
if os.environ.get("MINITORCH_DIFFFUZZ_SELFTEST") == "1":
    _BY_NAME["_abort"] = Op("_abort", "selftest", _none, lambda lib, t: os.abort())

# The differences that are intended: (op, kind of difference, reason). Kinds:
# "class" (both raise, different classes), "raises" (only minitorch raises),
# "accepts" (only torch raises), "dtype", "shape", "values".
DELIBERATE = [
    # None yet: every difference the fuzzer finds today is a bug to fix
    # (tests/data/difffuzz_baseline.json lists the open ones).
]


KIND_TEXT = {"class": "raises another exception class", "raises": "raises where PyTorch returns",
             "accepts": "returns where PyTorch raises", "dtype": "another result dtype",
             "shape": "another result shape", "values": "other values"}


def deliberate_markdown():
    """The DELIBERATE table as docs/differences-from-pytorch.md carries it."""
    lines = ["| op | minitorch | why |", "|---|---|---|"]
    for name, kind, why in DELIBERATE:
        lines.append(f"| `{name}` | {KIND_TEXT[kind]} | {why} |")
    return "\n".join(lines) + "\n"
