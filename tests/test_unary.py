"""Unary elementwise ops: values, result dtypes and errors against PyTorch
(when installed) and NumPy, over every dtype and over non-contiguous,
negative-stride, strided and expanded inputs; methods, in-place forms, out=."""

import numpy as np
import oracle
import pytest
from elementwise_helpers import (
    DTYPES,
    FLOATS,
    LAYOUTS,
    assert_close,
    np_values,
    to_mt,
    to_np,
    to_torch,
    with_layout,
)
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch as mt
import minitorch.nn.functional as F

SIMPLE = ["neg", "abs", "sign", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt",
          "rsqrt", "square", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
          "asinh", "acosh", "atanh", "sigmoid", "relu", "erf", "erfc", "floor", "ceil", "round",
          "trunc", "frac", "reciprocal", "logical_not", "bitwise_not", "isnan", "isinf",
          "isfinite", "nan_to_num", "positive"]
EXACT = {"neg", "abs", "sign", "square", "relu", "floor", "ceil", "round", "trunc", "frac",
         "logical_not", "bitwise_not", "isnan", "isinf", "isfinite", "nan_to_num", "positive"}
SHAPE = (4, 6)


def _torch():
    return oracle.torch()


def _check_against(mfn, tfn, dtype, exact, layouts=LAYOUTS, arr=None):
    arr = np_values(SHAPE, dtype) if arr is None else arr
    try:
        want = tfn(to_torch(arr, dtype))
    except Exception as e:  # minitorch raises the same class
        with pytest.raises(type(e)):
            mfn(to_mt(arr, dtype))
        return
    for layout in layouts:
        assert_close(mfn(with_layout(arr, dtype, layout)), want, exact=exact)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", SIMPLE)
def test_unary_matches_torch(name, dtype):
    torch = _torch()
    _check_against(getattr(mt, name), getattr(torch, name), dtype, name in EXACT)


PARAM_CASES = {
    "logit_eps": (lambda m: m.logit(eps=0.2), lambda t: t.logit(eps=0.2)),
    "logit": (lambda m: mt.logit(m), lambda t: t.logit()),
    "round_2": (lambda m: mt.round(m, decimals=2), lambda t: t.round(decimals=2)),
    "round_-1": (lambda m: m.round(decimals=-1), lambda t: t.round(decimals=-1)),
    "nan_to_num": (lambda m: mt.nan_to_num(m, nan=1.5, posinf=2.0, neginf=-3.0),
                   lambda t: t.nan_to_num(nan=1.5, posinf=2.0, neginf=-3.0)),
    "nan_to_num_default": (lambda m: m.nan_to_num(), lambda t: t.nan_to_num()),
    "clamp_both": (lambda m: mt.clamp(m, -1, 2), lambda t: t.clamp(-1, 2)),
    "clamp_float_min": (lambda m: m.clamp(min=0.5), lambda t: t.clamp(min=0.5)),
    "clamp_max": (lambda m: mt.clip(m, max=3), lambda t: t.clip(max=3)),
    "clamp_inverted": (lambda m: m.clamp(2, -1), lambda t: t.clamp(2, -1)),
    "clamp_min_fn": (lambda m: mt.clamp_min(m, 1), lambda t: t.clamp_min(1)),
    "gelu": (lambda m: F.gelu(m), None),
    "gelu_tanh": (lambda m: F.gelu(m, approximate="tanh"), None),
    "silu": (lambda m: F.silu(m), None),
    "softplus": (lambda m: F.softplus(m, beta=2.0, threshold=5.0), None),
    "relu_F": (lambda m: F.relu(m), None),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", sorted(PARAM_CASES))
def test_param_unary_matches_torch(case, dtype):
    torch = _torch()
    TF = torch.nn.functional

    mfn, tfn = PARAM_CASES[case]
    if tfn is None:
        name = case.split("_")[0]
        kw = {"approximate": "tanh"} if case == "gelu_tanh" else {}
        if case == "softplus":
            kw = {"beta": 2.0, "threshold": 5.0}
        tfn = lambda t: getattr(TF, name)(t, **kw)  # noqa: E731
    exact = case.startswith(("round", "nan_to_num", "clamp", "relu"))
    arr = None
    if case.startswith("gelu"):
        # PyTorch's vectorised gelu gives nan at +inf (we give inf) and its erf
        # differs by ~1e-7 absolute from libm's where 1 + erf(x) cancels; for
        # negative x we compute x/2 * erfc(-x/sqrt 2), which keeps the tiny
        # values PyTorch's formula rounds to 0 (Note [Vector math]).
        arr = np_values(SHAPE, dtype, special=False)
        if dtype not in FLOATS:
            with pytest.raises(NotImplementedError):
                tfn(to_torch(arr, dtype))
            with pytest.raises(NotImplementedError):
                mfn(to_mt(arr, dtype))
            return
        torch_out = tfn(to_torch(arr, dtype))
        for layout in ["contiguous", "flipped"]:
            got = mfn(with_layout(arr, dtype, layout))
            assert_close(got, torch_out, atol=1e-6)
        return
    _check_against(mfn, tfn, dtype, exact, layouts=["contiguous", "flipped"], arr=arr)


NUMPY_EQUIV = {
    "neg": np.negative, "abs": np.abs, "exp": np.exp, "exp2": np.exp2, "expm1": np.expm1,
    "log": np.log, "log2": np.log2, "log10": np.log10, "log1p": np.log1p, "sqrt": np.sqrt,
    "square": np.square, "sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin,
    "acos": np.arccos, "atan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh,
    "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh, "floor": np.floor,
    "ceil": np.ceil, "round": np.round, "trunc": np.trunc, "reciprocal": np.reciprocal,
    "logical_not": np.logical_not, "isnan": np.isnan, "isinf": np.isinf,
    "isfinite": np.isfinite, "nan_to_num": np.nan_to_num, "sign": np.sign,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "rsqrt": lambda x: 1 / np.sqrt(x),
    "relu": lambda x: np.where(np.isnan(x) | (x > 0), x, 0).astype(x.dtype),
    "frac": lambda x: x - np.trunc(x),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(NUMPY_EQUIV))
def test_unary_matches_numpy(name, dtype):
    arr = np_values(SHAPE, dtype, special=name != "sign")  # np.sign(nan) is nan, torch's 0
    want = NUMPY_EQUIV[name](arr)
    with np.errstate(all="ignore"):
        for layout in LAYOUTS:
            got = getattr(mt, name)(with_layout(arr, dtype, layout))
            rtol = 1e-5 if dtype == "float32" else 1e-12
            assert_close(got, np.asarray(want), exact=name in EXACT, rtol=rtol)


@pytest.mark.parametrize("dtype", ["uint8", "int32", "int64", "bool"])
def test_float_functions_promote_integers(dtype):
    arr = np_values(SHAPE, dtype)
    got = mt.exp(to_mt(arr, dtype))
    assert got.dtype == mt.float32
    np.testing.assert_allclose(to_np(got), np.exp(arr.astype(np.float64)), rtol=1e-6)
    mt.set_default_dtype(mt.float64)
    try:
        assert mt.sqrt(to_mt(arr, dtype)).dtype == mt.float64
    finally:
        mt.set_default_dtype(mt.float32)


def test_expanded_input():
    base = mt.tensor([[1.0, -2.0, 3.0]]).expand(4, 3)
    assert base.stride() == (0, 1)
    np.testing.assert_array_equal(mt.abs(base).numpy(), np.abs(np.broadcast_to([[1, -2, 3]],
                                                                               (4, 3))))


def test_zero_d_and_empty():
    assert mt.exp(mt.tensor(0.0)).item() == 1.0
    assert mt.exp(mt.tensor(0.0)).shape == ()
    e = mt.sin(mt.zeros(0, 3))
    assert e.shape == (0, 3) and e.dtype == mt.float32


# hypothesis: any shape, any permutation, flips and steps, viewed zero-copy
@st.composite
def strided_arrays(draw):
    ndim = draw(st.integers(0, 4))
    shape = tuple(draw(st.lists(st.integers(0, 5), min_size=ndim, max_size=ndim)))
    steps = [draw(st.sampled_from([1, 2, -1, -2])) for _ in shape]
    base_shape = tuple(s * abs(k) for s, k in zip(shape, steps))
    base = np.random.default_rng(len(shape)).standard_normal(base_shape)
    view = base[tuple(slice(None, None, k) for k in steps)]
    perm = draw(st.permutations(range(ndim)))
    return np.asarray(np.transpose(view, perm))


@settings(max_examples=60, deadline=None)
@given(arr=strided_arrays(), name=st.sampled_from(["exp", "abs", "neg", "floor", "tanh"]))
def test_hypothesis_layouts(arr, name):
    t = mt.from_numpy(arr)
    np.testing.assert_allclose(getattr(mt, name)(t).numpy(), NUMPY_EQUIV[name](arr), rtol=1e-12)


# ---- methods, in-place, out= ----

@pytest.mark.parametrize("name", ["exp", "abs", "neg", "sigmoid", "floor", "relu", "sqrt"])
def test_method_and_inplace_forms(name):
    arr = np_values(SHAPE, "float32", special=False)
    want = getattr(mt, name)(to_mt(arr, "float32"))
    t = to_mt(arr, "float32")
    np.testing.assert_array_equal(getattr(t, name)().numpy(), want.numpy())
    v = t._version
    r = getattr(t, name + "_")()
    assert r is t and t._version > v
    np.testing.assert_array_equal(t.numpy(), want.numpy())
    u = to_mt(arr, "float32")
    assert getattr(mt, name + "_")(u) is u
    np.testing.assert_array_equal(u.numpy(), want.numpy())


def test_inplace_on_view_writes_through():
    base = mt.zeros(3, 4)
    col = base.t()[1]
    col.add_(1.0)
    col.exp_()
    np.testing.assert_allclose(base.numpy()[:, 1], np.e)
    assert base.numpy()[:, 0].sum() == 0


def test_inplace_float_function_on_integer_refuses():
    t = mt.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired "
                                           "output type Long"):
        t.exp_()
    assert t.tolist() == [1, 2, 3]


def test_out_argument():
    x = mt.tensor([1.0, 4.0, 9.0])
    o = mt.empty(3)
    assert mt.sqrt(x, out=o) is o
    assert o.tolist() == [1.0, 2.0, 3.0]
    o2 = mt.empty(0)
    mt.neg(x, out=o2)
    assert o2.tolist() == [-1.0, -4.0, -9.0]
    o3 = mt.empty(3, dtype=mt.float64)  # float32 result cast into float64 out
    mt.sqrt(x, out=o3)
    assert o3.dtype == mt.float64 and o3.tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(RuntimeError, match="can't be cast"):
        mt.sqrt(x, out=mt.empty(3, dtype=mt.int64))
    with pytest.raises(TypeError):
        mt.sqrt(x, out=[1, 2, 3])


def test_read_only_refuses_inplace():
    a = np.arange(4.0)
    a.flags.writeable = False
    t = mt.from_numpy(a)
    v = t._version
    with pytest.raises(RuntimeError, match="read-only"):
        t.neg_()
    assert t._version == v
    assert mt.neg(t).tolist() == [-0.0, -1.0, -2.0, -3.0]  # reading is fine


def test_inplace_into_expanded_refuses():
    t = mt.zeros(3).expand(2, 3)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        t.exp_()


# ---- errors and special values ----

def test_errors_match_pytorch():
    b = mt.tensor([True, False])
    with pytest.raises(RuntimeError, match="Negation, the `-` operator, on a bool tensor"):
        -b
    with pytest.raises(RuntimeError, match=r"The `\+` operator, on a bool tensor"):
        +b
    with pytest.raises(NotImplementedError, match="not implemented for 'Float'"):
        mt.bitwise_not(mt.ones(2))
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        mt.frac(mt.tensor([1]))
    with pytest.raises(RuntimeError, match="Boolean inputs not supported for relu"):
        mt.relu(b)
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        F.gelu(mt.ones(2), approximate="x")
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max' must not be None"):
        mt.clamp(mt.ones(2))
    with pytest.raises(TypeError, match="must be Tensor"):
        mt.exp([1.0, 2.0])


def test_special_values():
    x = mt.tensor([float("nan"), float("inf"), -float("inf"), -0.0, 0.5])
    assert mt.sign(x).tolist()[0] == 0.0  # PyTorch: sign(nan) = 0
    r = mt.relu(x).tolist()
    assert np.isnan(r[0]) and r[1] == float("inf") and r[2] == 0.0
    assert mt.clamp(x, 0, 1).isnan().tolist() == [True, False, False, False, False]
    assert mt.round(mt.tensor([0.5, 1.5, 2.5, -0.5])).tolist() == [0.0, 2.0, 2.0, -0.0]
    h = mt.nan_to_num(x.half()).tolist()
    assert h[:3] == [0.0, 65504.0, -65504.0]
    assert mt.abs(mt.tensor([-128], dtype=mt.int8)).tolist() == [-128]  # wraps, as PyTorch
    assert mt.floor(mt.tensor([2**62 + 1])).tolist() == [2**62 + 1]  # exact on int64
    assert mt.positive(x) is x


@pytest.mark.parametrize("dtype", FLOATS)
def test_half_types_round_once(dtype):
    x = to_mt(np.array([0.1, 1.7, -2.3], np.float32), dtype)
    want = np.exp(to_np(x).astype(np.float64))
    got = to_np(mt.exp(x)).astype(np.float64)
    np.testing.assert_allclose(got, want, rtol={"float16": 1e-3, "bfloat16": 8e-3}.get(dtype,
                                                                                         1e-6))


def test_threads_give_identical_results():
    x = mt.from_numpy(np.random.default_rng(1).standard_normal(200_003).astype(np.float32))
    n = mt.get_num_threads()
    try:
        mt.set_num_threads(1)
        one = mt.tanh(x[::-1]).numpy().copy()
        mt.set_num_threads(4)
        many = mt.tanh(x[::-1]).numpy()
    finally:
        mt.set_num_threads(n)
    assert one.tobytes() == many.tobytes()
    np.testing.assert_allclose(one, np.tanh(x.numpy()[::-1]), rtol=1e-6)
