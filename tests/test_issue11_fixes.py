"""Issue 11, items 1 and 2: no crash and no silent wrong value where the fuzzer
found them, each against PyTorch (through the recorded oracle) or NumPy.

- 0-d and empty inputs of every op that takes a dim (flip and roll of a 0-d
  tensor crashed; size(d) / stride(d) read past a 0-d tensor's sizes);
- checked scalar conversions (integer clamp bounds, masked_fill, index_fill);
- any/all(dim=()), clamp with a NaN bound, float16/bfloat16 scalar rounding,
  integer arange/linspace/logspace, the float32 2-norm of one huge element,
  topk(0) of a 0-d tensor, float -> int conversions of inf/NaN/out of range;
- a failed masked_scatter_ / indexed assignment leaves the tensor untouched.
"""

import math

import numpy as np
import oracle
import pytest

import minitorch as mt


def name(dt):
    return repr(dt).split(".")[-1]


def outcome(lib, fn, message=False, values=True):
    """What a test can observe of fn(lib): the exception class (and message),
    or the result's shape, dtype and (unless values=False) values."""
    try:
        r = fn(lib)
    except Exception as e:  # compared by class
        return ("raise", type(e).__name__, str(e)) if message else ("raise", type(e).__name__)
    if oracle.isinstance_(r, lib.Tensor):
        dt = name(r.dtype)
        vals = r.float().tolist() if dt == "bfloat16" else r.tolist()
        return ("tensor", tuple(r.shape), dt, repr(vals) if values else None)
    return ("value", repr(r))


def same_as_torch(fn, message=False, values=True):
    torch = oracle.torch()
    ours, theirs = outcome(mt, fn, message, values), outcome(torch, fn, message, values)
    assert ours == theirs
    return ours


# ------------------------------------------------------------------ crashes

@pytest.mark.parametrize("expr", [
    "L.tensor(5).flip(0)", "L.tensor(5).flip(-1)", "L.tensor(5).flip(0, -1)",
    "L.tensor(5).flip(0, 0)", "L.tensor(5).flip(1)", "L.tensor(5).flip(())",
    "L.zeros(2, 3).flip(0, -2)",
    "L.tensor(1.0).roll(1, 0)", "L.tensor(1.0).roll(1, -1)", "L.tensor(1.0).roll(1)",
    "L.tensor(1.0).roll(1, 1)", "L.zeros(0).roll(1, 3)", "L.zeros(2, 0).roll(1, 1)",
    "L.tensor(5).size(0)", "L.tensor(5).size(-1)", "L.tensor(5).stride(0)",
    "L.tensor(5).stride(-1)", "L.tensor(5).size(1)", "L.zeros(2, 3).size(-1)",
    "L.zeros(2, 3).stride(0)", "L.zeros(2, 3).size(2)",
])
def test_zero_dim_crashes(expr):
    same_as_torch(lambda L: eval(expr), message=True)


# ----------------------------------------- audit: every op that takes a dim

def _i64(L, t):
    return L.zeros_like(t, dtype=L.int64)


DIM_OPS = {
    "size": lambda L, t, d: t.size(d),
    "stride": lambda L, t, d: t.stride(d),
    "sum": lambda L, t, d: t.sum(d),
    "sum_keepdim": lambda L, t, d: t.sum(d, keepdim=True),
    "sum_tuple": lambda L, t, d: t.sum(dim=(d,)),
    "sum_dup": lambda L, t, d: t.sum(dim=(d, 0)),
    "mean": lambda L, t, d: t.mean(d),
    "nansum": lambda L, t, d: t.nansum(d),
    "nanmean": lambda L, t, d: t.nanmean(d),
    "prod": lambda L, t, d: t.prod(d),
    "max": lambda L, t, d: t.max(d)[0],
    "max_keepdim": lambda L, t, d: t.max(d, keepdim=True)[1],
    "min": lambda L, t, d: t.min(d)[1],
    "amax": lambda L, t, d: t.amax(d),
    "amin": lambda L, t, d: t.amin((d,)),
    "aminmax": lambda L, t, d: L.aminmax(t, dim=d)[0],
    "argmax": lambda L, t, d: t.argmax(d),
    "argmin": lambda L, t, d: t.argmin(d, keepdim=True),
    "all": lambda L, t, d: t.all(d),
    "any": lambda L, t, d: t.any((d,)),
    "std": lambda L, t, d: t.std(d),
    "var": lambda L, t, d: t.var(d),
    "std_mean": lambda L, t, d: L.std_mean(t, d)[0],
    "var_mean": lambda L, t, d: L.var_mean(t, d)[1],
    "kthvalue": lambda L, t, d: t.kthvalue(1, d)[0],
    "topk1": lambda L, t, d: t.topk(1, d)[0],
    "topk0": lambda L, t, d: t.topk(0, d)[1],
    "sort": lambda L, t, d: t.sort(d)[0],
    "sort_stable": lambda L, t, d: t.sort(dim=d, stable=True)[1],
    "argsort": lambda L, t, d: t.argsort(d),
    "cumsum": lambda L, t, d: t.cumsum(d),
    "cumsum_int": lambda L, t, d: t.long().cumsum(d),
    "cumprod": lambda L, t, d: t.cumprod(d),
    "cummax": lambda L, t, d: t.cummax(d)[0],
    "cummin": lambda L, t, d: t.cummin(d)[1],
    "logsumexp": lambda L, t, d: t.logsumexp(d),
    "norm": lambda L, t, d: t.norm(dim=d),
    "norm1": lambda L, t, d: t.norm(p=1, dim=d),
    "count_nonzero": lambda L, t, d: t.count_nonzero(d),
    "softmax": lambda L, t, d: t.softmax(d),
    "log_softmax": lambda L, t, d: t.log_softmax(d),
    "flip": lambda L, t, d: t.flip(d),
    "roll": lambda L, t, d: t.roll(1, d),
    "narrow": lambda L, t, d: t.narrow(d, 0, 0),
    "select": lambda L, t, d: t.select(d, 0),
    "select_neg": lambda L, t, d: t.select(d, -1),
    "unsqueeze": lambda L, t, d: t.unsqueeze(d),
    "squeeze": lambda L, t, d: t.squeeze(d),
    "transpose": lambda L, t, d: t.transpose(d, 0),
    "swapaxes": lambda L, t, d: t.swapaxes(d, -1),
    "movedim": lambda L, t, d: t.movedim(d, 0),
    "split": lambda L, t, d: len(t.split(1, d)),
    "chunk": lambda L, t, d: len(t.chunk(2, d)),
    "unbind": lambda L, t, d: len(t.unbind(d)),
    "tensor_split": lambda L, t, d: len(t.tensor_split(2, d)),
    "cat": lambda L, t, d: L.cat([t, t], d),
    "stack": lambda L, t, d: L.stack([t, t], d),
    "gather": lambda L, t, d: t.gather(d, _i64(L, t)),
    "scatter": lambda L, t, d: t.scatter(d, _i64(L, t), t),
    "scatter_add": lambda L, t, d: t.scatter_add(d, _i64(L, t), t),
    "index_select": lambda L, t, d: t.index_select(d, L.tensor([], dtype=L.int64)),
    "index_select0": lambda L, t, d: t.index_select(d, L.tensor([0])),
    "index_fill": lambda L, t, d: t.index_fill(d, L.tensor([], dtype=L.int64), 1.0),
    "index_add": lambda L, t, d: t.index_add(d, L.tensor([], dtype=L.int64), t),
    "index_copy": lambda L, t, d: t.index_copy(d, L.tensor([], dtype=L.int64), t),
    "index_add0": lambda L, t, d: t.index_add(d, L.tensor([0]), t),
    "flatten": lambda L, t, d: t.flatten(d),
    "flatten_to": lambda L, t, d: t.flatten(0, d),
    "unflatten": lambda L, t, d: t.unflatten(d, (1, -1)),
    "repeat_interleave": lambda L, t, d: t.repeat_interleave(2, d),
    "diagonal": lambda L, t, d: t.diagonal(0, d, 0),
    "diag_embed": lambda L, t, d: t.diag_embed(0, d, 0),
    "unique": lambda L, t, d: L.unique(t, dim=d),
    "cross": lambda L, t, d: L.cross(t, t, dim=d),
    "normalize": lambda L, t, d: L.nn.functional.normalize(t, dim=d),
    "cosine_similarity": lambda L, t, d: L.nn.functional.cosine_similarity(t, t, dim=d),
}

# Cases that still differ (none today; add with the reason).
KNOWN = set()

KINDS = {"0d": lambda L: L.tensor(5.0), "e0": lambda L: L.zeros(0),
         "e20": lambda L: L.zeros(2, 0), "full": lambda L: L.arange(6.0).reshape(2, 3)}


@pytest.mark.parametrize("d", [0, -1, 1])
@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("op", list(DIM_OPS))
def test_dim_ops_on_zero_dim_and_empty(op, kind, d):
    if (op, kind, d) in KNOWN:
        pytest.skip("known difference in exception class (see KNOWN)")
    # Outcome class, shape and dtype (values are other tests' business).
    same_as_torch(lambda L: DIM_OPS[op](L, KINDS[kind](L), d), values=False)


# ------------------------------------------------- checked scalar conversion

@pytest.mark.parametrize("expr", [
    "L.tensor([100, -100], dtype=L.int8).clamp(max=300)",
    "L.tensor([100, -100], dtype=L.int8).clamp(min=-300)",
    "L.tensor([100, -100], dtype=L.int8).clamp(-300, 300)",
    "L.tensor([100, -100], dtype=L.int8).clip(max=300)",
    "L.tensor([100, -100], dtype=L.int8).clamp_min(300)",
    "L.tensor([100, -100], dtype=L.int8).clamp_max(-300)",
    "L.tensor([100, -100], dtype=L.int8).clamp_(max=300)",
    "L.tensor([100, -100], dtype=L.int8).clamp(max=127)",
    "L.tensor([100, -100], dtype=L.int8).clamp(max=3.5)",
    "L.tensor([100, -100], dtype=L.int8).clamp(max=300.0)",
    "L.tensor([100, -100], dtype=L.int8).clamp(max=1e300)",
    "L.zeros(0, dtype=L.int8).clamp(max=300)",
    "L.tensor([1, 2], dtype=L.uint8).clamp(max=256)",
    "L.tensor([1, 2], dtype=L.uint8).clamp(max=-1)",
    "L.tensor([1, 2], dtype=L.int16).clamp(min=-40000)",
    "L.tensor([1, 2], dtype=L.int32).clamp(max=2**40)",
    "L.tensor([True]).clamp(max=300)",
    "L.tensor([1.0, 2.0], dtype=L.float16).clamp(max=1e10)",
    "L.tensor([1.0, 2.0], dtype=L.float16).clamp(max=70000)",
    "L.tensor([1.0, 2.0], dtype=L.bfloat16).clamp(max=1e39)",
    "L.tensor([1.0, 2.0]).clamp(max=1e300)",
    "L.tensor([1.0, 2.0], dtype=L.float64).clamp(max=1e300)",
    "L.tensor([100, -100], dtype=L.int8).masked_fill(L.tensor([True, False]), 300)",
    "L.tensor([100, -100], dtype=L.int8).masked_fill_(L.tensor([True, False]), 300)",
    "L.tensor([100, -100], dtype=L.int8).masked_fill(L.tensor([True, False]), L.tensor(300))",
    "L.tensor([100, -100], dtype=L.int8).masked_fill(L.tensor([False, False]), 300)",
    "L.zeros(0, dtype=L.int8).masked_fill(L.zeros(0, dtype=L.bool), 300)",
    "L.tensor([100, -100], dtype=L.int8).masked_fill(L.tensor([True, False]), 2.5)",
    "L.tensor([100, -100], dtype=L.int8).masked_fill(L.tensor([True, False]), float('nan'))",
    "L.tensor([1, 2], dtype=L.uint8).masked_fill(L.tensor([True, False]), -1)",
    "L.tensor([1, 2], dtype=L.uint8).masked_fill(L.tensor([True, False]), -256)",
    "L.tensor([1.0, 2.0], dtype=L.float16).masked_fill(L.tensor([True, False]), 1e10)",
    "L.tensor([1.0, 2.0], dtype=L.float16).masked_fill(L.tensor([True, False]), 70000)",
    "L.tensor([1.0, 2.0], dtype=L.float16).masked_fill(L.tensor([True, False]), float('inf'))",
    "L.tensor([1.0, 2.0], dtype=L.float16).masked_fill(L.tensor([True, False]), float('nan'))",
    "L.tensor([1.0, 2.0], dtype=L.bfloat16).masked_fill(L.tensor([True, False]), 1e39)",
    "L.tensor([1.0, 2.0]).masked_fill(L.tensor([True, False]), 1e300)",
    "L.tensor([1.0, 2.0], dtype=L.float64).masked_fill(L.tensor([True, False]), 1e300)",
    "L.tensor([False, True]).masked_fill(L.tensor([True, False]), 300)",
    "L.zeros(2, dtype=L.int8).index_fill(0, L.tensor([0]), 300)",
    "L.zeros(2, dtype=L.float16).index_fill(0, L.tensor([0]), 1e10)",
    "L.zeros(2, dtype=L.float16).index_fill(0, L.tensor([0]), 70000)",
    "L.zeros(2, dtype=L.bfloat16).index_fill(0, L.tensor([0]), 1e300)",
])
def test_checked_scalar_conversion(expr):
    same_as_torch(lambda L: eval(expr), message=True)


# --------------------------------------------------------- any / all (dim=())

@pytest.mark.parametrize("op", ["any", "all"])
@pytest.mark.parametrize("src", ["[[True, False], [True, True]]", "[[0.0, 2.0], [1.0, 0.5]]",
                                 "5.0"])
def test_any_all_empty_dim_tuple_reduces_nothing(op, src):
    same_as_torch(lambda L: getattr(L.tensor(eval(src)), op)(dim=()))
    same_as_torch(lambda L: getattr(L.tensor(eval(src)), op)(dim=(), keepdim=True))
    same_as_torch(lambda L: getattr(L.tensor(eval(src), dtype=L.uint8), op)(dim=()))
    x = np.array(eval(src))
    ours = getattr(mt.tensor(eval(src)), op)(dim=()).numpy()
    np.testing.assert_array_equal(ours, getattr(np, op)(x, axis=()))


# ----------------------------------------------------------- clamp and NaN

@pytest.mark.parametrize("lo, hi", [("nan", 1.0), (0.0, "nan"), ("nan", None), (None, "nan"),
                                    (3.0, 1.0), ("nan", "nan"), (0.0, 1.0)])
def test_clamp_nan_bounds(lo, hi):
    lo = float(lo) if lo == "nan" else lo
    hi = float(hi) if hi == "nan" else hi
    for dt in ["float32", "float64", "float16"]:
        same_as_torch(lambda L: L.tensor([0.5, 2.0, -1.0, math.nan],
                                         dtype=getattr(L, dt)).clamp(lo, hi))
    same_as_torch(lambda L: L.tensor([1, 2, -1]).clamp(lo, hi))


# ------------------------------------- float16 / bfloat16 with a number operand

@pytest.mark.parametrize("dt", ["float16", "bfloat16"])
@pytest.mark.parametrize("expr", [
    "L.zeros(1, dtype=D) < 1e-45", "L.zeros(1, dtype=D) <= -1e-45", "L.zeros(1, dtype=D) == 1e-45",
    "L.ones(1, dtype=D) == 1 + 2**-12", "L.ones(1, dtype=D) != 1 + 2**-12",
    "L.ones(1, dtype=D) > 1 + 2**-12", "1 + 2**-12 <= L.ones(1, dtype=D)",
    "L.zeros(1, dtype=D) < L.tensor(1e-45, dtype=L.float64)",
    "L.full((1,), 3.0, dtype=D) * (1 + 2**-11)", "L.full((1,), 3.0, dtype=D) / (1 + 2**-11)",
    "L.full((1,), 3.0, dtype=D) + 2**-12", "L.full((1,), 3.0, dtype=D) - 2**-11",
    "L.full((1,), 3.0, dtype=D) ** (1 + 2**-11)", "(1 + 2**-11) ** L.full((1,), 3.0, dtype=D)",
    "L.full((1,), 3.0, dtype=D) % (2 + 2**-10)", "L.fmod(L.full((1,), 3.0, dtype=D), 2 + 2**-10)",
    "L.full((1,), 3.0, dtype=D) ** L.tensor(1 + 2**-11, dtype=L.float64)",
    "L.full((1,), 3.0, dtype=D) * L.tensor(1 + 2**-11, dtype=L.float64)",
    "L.zeros(1, dtype=D) + 70000", "L.zeros(1, dtype=D) + L.tensor(70000)",
])
def test_half_scalar_operand_rounding(dt, expr):
    same_as_torch(lambda L: eval(expr, {"L": L, "D": getattr(L, dt)}))


# ------------------------------------------ integer arange / linspace / logspace

@pytest.mark.parametrize("dt", ["int64", "int32", "int16", "int8", "uint8"])
@pytest.mark.parametrize("expr", [
    "L.arange(0.5, 5.7, 1.5, dtype=D)", "L.arange(-2.5, 3, 0.7, dtype=D)",
    "L.arange(0, 5, 0.5, dtype=D)", "L.arange(1.9, dtype=D)", "L.arange(0.1, 1.9, dtype=D)",
    "L.arange(5.5, -2.1, -1.5, dtype=D)", "L.arange(5, 1, -0.5, dtype=D)",
    "L.arange(0, 10, 3, dtype=D)",
    "L.linspace(0.5, 5.7, 5, dtype=D)", "L.linspace(-2.7, 3.9, 7, dtype=D)",
    "L.linspace(0, 10, 4, dtype=D)", "L.linspace(0.9, 0.2, 1, dtype=D)",
    "L.logspace(0.5, 2.7, 4, dtype=D)", "L.logspace(0.5, 2.7, 4, base=2.5, dtype=D)",
    "L.logspace(-1.5, 1.2, 3, base=2, dtype=D)",
])
def test_integer_ranges_convert_arguments_first(dt, expr):
    same_as_torch(lambda L: eval(expr, {"L": L, "D": getattr(L, dt)}), message=True)


# ------------------------------------------------------------------- norms

@pytest.mark.parametrize("expr", [
    "L.tensor([1e30]).norm()", "L.tensor([1e30, 0.0]).norm()", "L.tensor([[1e30], [2e30]]).norm(dim=1)",
    "L.tensor([[1e30, 0.0], [2e30, 0.0]]).norm(dim=1)", "L.tensor([[1e30, 1e30]]).norm(dim=0)",
    "L.tensor([[1e30], [1e30]]).norm(dim=0)", "L.tensor([1e30]).norm(p=3)",
    "L.tensor([1e30]).norm(p=1)", "L.tensor([1e-30]).norm()", "L.tensor([1e-30]).norm(p=3)",
    "L.tensor([1e30]).norm(p=0.5)", "L.tensor([3.0]).norm(p=-2)", "L.tensor([5.0]).norm(p=0)",
    "L.tensor([0.0]).norm(p=-1)", "L.tensor([-3.0]).norm(p=float('inf'))",
    "L.linalg.vector_norm(L.tensor([1e30]))", "L.linalg.vector_norm(L.tensor([[1e30]]), dim=0)",
    "L.linalg.vector_norm(L.tensor([[-1e30]]), dim=0, keepdim=True)",
    "L.tensor(-1e30).norm()", "L.tensor([300.0], dtype=L.float16).norm()",
    "L.tensor([float('nan')]).norm()",
])
def test_norm_of_one_element_is_its_magnitude(expr):
    same_as_torch(lambda L: eval(expr))


# -------------------------------------------------------------- topk of 0-d

@pytest.mark.parametrize("k", [0, 1, 2])
def test_topk_zero_dim(k):
    same_as_torch(lambda L: L.tensor(5.0).topk(k)[0])
    same_as_torch(lambda L: L.tensor(5.0).topk(k, largest=False)[1])


# ------------------------------------------------------- float -> int casts

SPECIAL = [math.inf, -math.inf, math.nan, 1e20, -1e20, 300.0, -1.0, -300.0, 2.0**31, 3e9, -2.5,
           40000.0, 2.0**63, -(2.0**63), 1e10]


@pytest.mark.parametrize("src", ["float32", "float64", "float16", "bfloat16"])
@pytest.mark.parametrize("dst", ["int64", "int32", "int16", "int8", "uint8", "bool"])
def test_float_to_int_conversion_matches_x86_torch(src, dst):
    # PyTorch's result on x86 (its behaviour there is undefined C++, ours is
    # defined: Note [Float to integer casts]).
    same_as_torch(lambda L: L.tensor(SPECIAL, dtype=getattr(L, src)).to(getattr(L, dst)))
    same_as_torch(lambda L: L.tensor(SPECIAL, dtype=getattr(L, src))[::2].to(getattr(L, dst)))


def test_int_of_special_python_floats():
    same_as_torch(lambda L: L.tensor([1.0, 2.0]).to(L.int64).add(3))
    assert mt.tensor([math.inf]).long().tolist() == [-(2**63)]
    assert mt.tensor([math.nan]).int().tolist() == [-(2**31)]


# --------------------------------------------- failed writes leave the tensor

def test_failed_masked_scatter_leaves_tensor_untouched():
    t = mt.arange(6.0)
    before = t.numpy().copy()
    with pytest.raises(RuntimeError):
        t.masked_scatter_(mt.tensor([True] * 6), mt.tensor([9.0, 9.0]))
    np.testing.assert_array_equal(t.numpy(), before)


@pytest.mark.parametrize("index, value", [
    ((mt.tensor([0, 1, 7]),), 9.0),
    ((mt.tensor([0, 1]), mt.tensor([0, 5])), 9.0),
    ((slice(None),), mt.tensor([1.0, 2.0])),
    ((mt.tensor([True, False, True, False, True, False]),), mt.tensor([1.0, 2.0])),
])
def test_failed_indexed_assignment_leaves_tensor_untouched(index, value):
    t = mt.arange(6.0) if len(index) == 1 else mt.arange(6.0).reshape(2, 3)
    before = t.numpy().copy()
    with pytest.raises((IndexError, RuntimeError)):
        t[index] = value
    np.testing.assert_array_equal(t.numpy(), before)


# ------------------------------------- item 2 of the issue: PyTorch's classes

@pytest.mark.parametrize("expr", [
    "L.maximum(L.tensor([1.0, 2.0]), 1)", "L.tensor([1.0, 2.0]).maximum(1)",
    "L.minimum(1.0, L.tensor([1.0, 2.0]))", "L.fmax(1, L.tensor([1.0]))",
    "L.fmin(L.tensor([1.0]), 2.0)", "L.atan2(L.tensor([1.0]), 1.0)",
    "L.logical_and(L.tensor([1.0]), 1)", "L.logical_or(True, L.tensor([True]))",
    "L.logical_xor(L.tensor([True]), False)", "L.lt(0, L.tensor([1.0]))",
    "L.lt(L.tensor([1.0]), 0)", "L.tensor([1.0]).lt(0)", "L.eq(1, L.tensor([1.0]))",
    "L.fmod(2, L.tensor([1.0]))", "L.fmod(L.tensor([3.0]), 2)", "L.add(1, L.tensor([1.0]))",
    "L.remainder(2, L.tensor([3.0]))", "L.pow(2, L.tensor([3.0]))",
    "L.maximum(L.tensor([1.0, 2.0]), L.tensor(1.5))",
    "L.logsumexp(L.tensor([1.0, 2.0]), dim=None)",
    "L.tensor(5.0).mT", "L.tensor([5.0]).mT", "~L.tensor([1.0], dtype=L.float16)",
    "~L.tensor([1.0])", "~L.zeros(0)", "~L.tensor([1, 2])",
    "L.tensor([1.0, 2.0]).kthvalue(3)", "L.tensor(1.0).kthvalue(2)",
    "L.zeros(3).index_fill(0, L.tensor([0.0]), 1)",
    "L.zeros(3).gather(0, L.tensor([0, 1], dtype=L.int32))",
    "L.zeros(3).scatter(0, L.tensor([0, 1], dtype=L.int32), 1.0)",
    "L.zeros(3, 2).scatter_add(0, L.tensor([[0]], dtype=L.int32), L.ones(3, 2))",
    "L.zeros(3, 2).gather(0, L.tensor([], dtype=L.int64))",
    "L.zeros(3, 2).gather(0, L.tensor([], dtype=L.float32))",
    "L.zeros(3, 2).gather(0, L.zeros(2, 0, 2, dtype=L.int64))",
    "L.zeros(3, 2).gather(5, L.tensor([], dtype=L.int64))",
    "L.zeros(3, 2).gather(0, L.tensor([[0.0]]))",
    "L.zeros(3, 2).gather(0, L.tensor([[0]], dtype=L.int16))",
    "L.zeros(3, 2).scatter(0, L.tensor([], dtype=L.float32), 1.0)",
    "L.zeros(3, 2).scatter(0, L.tensor([], dtype=L.int64), L.zeros(3, 2, dtype=L.float64))",
    "L.zeros(3, 2).index_copy(0, L.tensor([0]), L.zeros(2, 2))",
    "L.zeros(3, 2).index_copy(0, L.tensor([0]), L.zeros(2))",
    "L.zeros(3, 2).index_copy(0, L.tensor([0]), L.zeros(1, 3))",
    "L.zeros(3).index_copy(0, L.tensor([0, 1]), L.tensor(1.0))",
    "L.zeros(3, 2).index_add(0, L.tensor([0]), L.zeros(2))",
    "L.zeros(0, 2).index_select(0, L.tensor([0]))",
    "L.zeros(2, 0).index_select(1, L.tensor([0]))",
    "L.tensor(5.0).index_select(0, L.tensor([], dtype=L.int64))",
    "L.tensor(5.0).diag_embed()", "L.tensor(5.0).diag_embed(0, 0, -1)",
    "L.unique(L.tensor(5.0), dim=0)", "L.zeros(0, 2).unique(dim=1)",
    "L.zeros(2, 0, 3).unique(dim=1)",
])
def test_exception_classes_like_torch(expr):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_as_torch(lambda L: eval(expr))


def test_mT_of_zero_dim_warns_and_is_identity():
    t = mt.tensor(5.0)
    with pytest.warns(UserWarning, match="Tensor.mT is deprecated on 0-D tensors"):
        assert t.mT is t


@pytest.mark.parametrize("expr", [
    "x[:2**63]", "x[2**63:]", "x[-2**70:]", "x[:2**64, 1:2**100]", "x[-2**64:-2**63]",
    "x[:, :2**70]",
    "L.zeros(0) & L.zeros(0)", "L.zeros(0, dtype=L.float16) | L.zeros(0, dtype=L.float16)",
    "L.zeros(0) << 1", "L.zeros(0).bitwise_not()", "L.zeros(0, dtype=L.int64) & 1",
    "L.zeros(3)[L.tensor([], dtype=L.float32)]", "L.zeros(3)[[]]", "L.zeros(3)[L.tensor([0.0])]",
    "x.view(L.int8)", "x.view(L.int64)", "x.view(L.float16)", "x.t().view(L.float16)",
    "L.zeros(3).view(L.float64)", "L.zeros(4)[::2].view(L.float64)", "L.tensor(1.0).view(L.float16)",
    "L.zeros(4).view(L.float64)", "L.zeros(2, 4).view(L.int64)", "L.zeros(5)[1:].view(L.float64)",
    "L.zeros(2, 5)[:, 1:].view(L.float64)", "L.zeros(3, 2)[:, :].view(L.uint8).stride()",
    "L.zeros(4, 4)[1:, :2].view(L.int16).stride()", "L.zeros(4, 4)[1:, :2].view(L.int16).storage_offset()",
    "L.arange(4.0).view(L.float64)", "L.arange(4, dtype=L.int16).view(L.uint8)",
    "L.full((2,), 2**70)", "L.zeros(2, dtype=L.int64).fill_(2**64)", "L.zeros(2) + 2**70",
    "x.clamp(max=2**70)", "L.tensor([2**70])",
])
def test_slices_bitwise_view_dtype_overflow_like_torch(expr):
    same_as_torch(lambda L: eval(expr, {"L": L, "x": L.arange(6.0).reshape(2, 3)}),
                  message="view" in expr)


@pytest.mark.parametrize("value, index", [
    ("L.tensor([1, 2])", "L.tensor([0, 1])"), ("L.tensor([1.0, 2.0], dtype=L.float64)", "L.tensor([0, 1])"),
    ("L.tensor([1, 2])", "slice(0, 2)"), ("L.tensor([True, False])", "L.tensor([True, False, True])"),
    ("L.tensor(5)", "L.tensor([0, 1])"), ("L.tensor(5.0, dtype=L.float64)", "0"),
    ("L.tensor([5], dtype=L.int32)", "(L.tensor([0]),)"), ("L.tensor([1.0, 2.0])", "L.tensor([0, 1])"),
    ("7", "L.tensor([0, 1])"),
])
def test_indexed_assignment_dtype_like_torch(value, index):
    def run(L):
        y = L.zeros(3)
        y[eval(index)] = eval(value)
        return y
    same_as_torch(run, message=True)


@pytest.mark.parametrize("expr", [
    "L.arange(2**70)", "L.full((1,), -2**70)", "x.sum(2**70)", "x.sum((2**70,))", "x.view(2**70)",
    "x.view(2, 2**70)", "x[2**70]", "x.clamp(min=-2**70)", "x.masked_fill(x > 1, 2**70)",
    "L.tensor(2**70)", "x.pow(2**70)", "x * 2**64", "x.index_fill(0, L.tensor([0]), 2**70)",
    "x.add(1, alpha=2**70)", "L.linspace(0, 2**70, 3)", "x.expand(2**70, 3)", "x.roll(2**70, 0)",
    "x.roll((2**70,), 0)", "x.narrow(0, 2**70, 1)", "x.topk(2**70)", "L.eye(2**70)",
    "x.repeat(2**70)", "x.unsqueeze(2**70)", "x.permute(0, 2**70)", "x.amax((0, 2**70))",
])
def test_python_int_overflow_class_like_torch(expr):
    same_as_torch(lambda L: eval(expr, {"L": L, "x": L.arange(6.0).reshape(2, 3)}))


def test_signbit_matches_torch():
    torch = oracle.torch()
    vals = [-0.0, 0.0, float("nan"), -float("nan"), -1.5, 2.0, float("-inf")]
    for dt in ("float32", "float64", "float16", "bfloat16"):
        # (the sign of a NaN converted to a 16-bit float is not kept by PyTorch's conversion)
        v = vals if dt in ("float32", "float64") else vals[:3] + vals[4:]
        a = mt.tensor(v, dtype=getattr(mt, dt)).signbit().numpy()
        b = torch.tensor(v, dtype=getattr(torch, dt)).signbit().numpy()
        np.testing.assert_array_equal(a, b)
    for dt in ("int64", "int8", "uint8", "bool"):
        a = mt.signbit(mt.tensor([-2, 0, 3], dtype=getattr(mt, dt))).numpy()
        b = torch.signbit(torch.tensor([-2, 0, 3], dtype=getattr(torch, dt))).numpy()
        np.testing.assert_array_equal(a, b)
    assert mt.signbit(mt.zeros(2, 0)).shape == (2, 0)
