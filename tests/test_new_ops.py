"""logaddexp, logaddexp2, hypot, xlogy, heaviside, copysign, nextafter,
erfinv, cross / linalg.cross and scatter_reduce: values against NumPy (or a
NumPy reference where NumPy has no such function) and everything against
PyTorch through the recorded oracle (tests/oracle.py): result dtypes,
special values, broadcasting, non-contiguous operands, out=, in-place forms
and error classes and messages."""

import math
import warnings

import numpy as np
import oracle
import pytest
from elementwise_helpers import (
    DTYPES,
    FLOATS,
    LAYOUTS,
    assert_close,
    dtype_name,
    np_values,
    to_mt,
    to_np,
    to_torch,
    with_layout,
)

import minitorch as mt

BINARY = ["logaddexp", "logaddexp2", "hypot", "xlogy", "heaviside", "copysign", "nextafter"]
# NumPy's ufunc of the same name (xlogy has none: see xlogy_ref).
NUMPY_UFUNC = {n: getattr(np, n) for n in BINARY if n != "xlogy"}
SHAPE = (4, 6)
INF, NAN = math.inf, math.nan


def _torch():
    return oracle.torch()


def xlogy_ref(x, y):
    """x * log(y), 0 where x == 0 unless y is NaN (PyTorch's and SciPy's rule)."""
    with np.errstate(all="ignore"):
        r = x * np.log(y)
    r = np.where(x == 0, 0, r)
    return np.where(np.isnan(y), np.nan, r).astype(r.dtype)


def assert_same_error(mfn, err):
    """mfn raises the class and the message of the torch exception err."""
    with pytest.raises(type(err)) as info:
        mfn()
    assert str(info.value) == str(err)


def compare_torch(mfn, tfn, exact=False, rtol=None, atol=None):
    """minitorch's outcome equals torch's: the same values and dtype, or the
    same exception class and message."""
    try:
        want = tfn()
    except Exception as e:  # noqa: BLE001 - torch's outcome is the spec
        assert_same_error(mfn, e)
        return None
    got = mfn()
    assert_close(got, want, exact=exact, rtol=rtol, atol=atol)
    return got


# ---- binary elementwise ----

def _atol(name):
    """logaddexp(2) of operands of size ~10 with a result near 0 cancel: an
    ulp of the operands, not of the result (PyTorch's vectorised exp/log1p
    round differently from libm's)."""
    return 4e-6 if name.startswith("logaddexp") else None


def _exact(name, dt):
    return name in ("heaviside", "copysign", "nextafter") or (
        name == "hypot" and dt == "float64")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", BINARY)
def test_binary_same_dtype_matches_torch(name, dtype):
    torch = _torch()
    a, b = np_values(SHAPE, dtype, seed=1), np_values(SHAPE, dtype, seed=2)
    try:
        want = getattr(torch, name)(to_torch(a, dtype), to_torch(b, dtype))
    except Exception as e:  # noqa: BLE001
        assert_same_error(lambda: getattr(mt, name)(to_mt(a, dtype), to_mt(b, dtype)), e)
        return
    for la in LAYOUTS:
        for lb in LAYOUTS:
            got = getattr(mt, name)(with_layout(a, dtype, la), with_layout(b, dtype, lb))
            assert_close(got, want, exact=_exact(name, dtype_name(want.dtype)))


PAIRS = [("int64", "float32"), ("bool", "int64"), ("int32", "int64"), ("uint8", "int8"),
         ("float16", "float32"), ("bfloat16", "float16"), ("float32", "float64"),
         ("bool", "float16"), ("int64", "bfloat16")]


@pytest.mark.parametrize("da,db", PAIRS)
@pytest.mark.parametrize("name", BINARY)
def test_binary_promotion_matches_torch(name, da, db):
    torch = _torch()
    # No NaN in copysign's bfloat16 operands: torch converts float NaN to a
    # bfloat16 NaN with the sign bit set, which copysign then reads.
    special = not (name == "copysign" and "bfloat16" in (da, db))
    a, b = np_values(SHAPE, da, seed=3, special=special), np_values(SHAPE, db, seed=4, special=special)
    for x, y, dx, dy in ((a, b, da, db), (b, a, db, da)):
        compare_torch(lambda: getattr(mt, name)(to_mt(x, dx), to_mt(y, dy)),
                      lambda: getattr(torch, name)(to_torch(x, dx), to_torch(y, dy)),
                      exact=_exact(name, "other"), rtol=2e-2 if "16" in dx + dy else None,
                      atol=_atol(name))


@pytest.mark.parametrize("name", BINARY)
def test_binary_zero_dim_operands_match_torch(name):
    # A 0-d tensor of a higher category lifts the result to the default
    # dtype of that category; of the same category it does not promote.
    torch = _torch()
    a = np_values(SHAPE, "float32", seed=5)
    for dt, v in (("float64", 1.5), ("int64", 2), ("float16", -0.5)):
        compare_torch(lambda: getattr(mt, name)(to_mt(a, "float32"), mt.tensor(v, dtype=getattr(mt, dt))),
                      lambda: getattr(torch, name)(to_torch(a, "float32"),
                                                   torch.tensor(v, dtype=getattr(torch, dt))),
                      atol=_atol(name))
    i = np_values(SHAPE, "int32", seed=6)
    compare_torch(lambda: getattr(mt, name)(to_mt(i, "int32"), mt.tensor(0.25)),
                  lambda: getattr(torch, name)(to_torch(i, "int32"), torch.tensor(0.25)))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", BINARY)
def test_binary_matches_numpy_with_broadcasting(name, dtype):
    a = np_values((4, 1), dtype, seed=7, special=False)
    b = np_values((1, 5), dtype, seed=8, special=False)
    a = np.concatenate([a, np.array([[INF], [-INF], [NAN], [0.0], [-0.0]], dtype)], 0)
    b = np.concatenate([b, np.array([[INF, -INF, NAN, 0.0]], dtype)], 1)
    if name == "xlogy":
        b = np.abs(b)  # log of a negative number is NaN either way
        want = xlogy_ref(a, b)
    elif name == "heaviside":
        want = np.heaviside(a, b)
        want[np.isnan(a[:, 0])] = 0  # NaN input: PyTorch gives 0, NumPy NaN
    else:
        with np.errstate(all="ignore"):
            want = NUMPY_UFUNC[name](a, b)
    got = getattr(mt, name)(mt.tensor(a), mt.tensor(b))
    assert dtype_name(got.dtype) == dtype and got.shape == want.shape
    g = to_np(got)
    if name in ("copysign", "nextafter", "heaviside"):
        np.testing.assert_array_equal(g, want)
        np.testing.assert_array_equal(np.signbit(g), np.signbit(want))
    else:
        np.testing.assert_allclose(g, want, rtol=1e-6 if dtype == "float32" else 1e-14,
                                   equal_nan=True)


def test_special_values():
    torch = _torch()
    cases = {
        "logaddexp": ([-INF, INF, INF, NAN, -INF, 1e30, -1e30], [-INF, INF, -INF, 1.0, 3.0, 1e30, 5.0]),
        "logaddexp2": ([-INF, INF, INF, NAN, -INF, 1e30, 1.0], [-INF, INF, -INF, 1.0, 3.0, 1e30, 1.0]),
        "hypot": ([INF, NAN, -INF, NAN, 3.0, 1e300, 0.0], [NAN, INF, 1.0, 1.0, -4.0, 1e300, -0.0]),
        "xlogy": ([0.0, 0.0, 1.0, 0.0, NAN, 2.0, 0.0, 3.0, -0.0], [0.0, NAN, NAN, INF, 0.0, INF, -1.0, 0.0, 5.0]),
        "copysign": ([1.0, 2.0, -3.0, 0.0, INF, NAN], [-0.0, 0.0, NAN, -1.0, -2.0, -1.0]),
        "nextafter": ([1.0, 0.0, 0.0, NAN, INF, -0.0, 1.0, 2.0], [2.0, 1.0, -1.0, 0.0, 0.0, 0.0, NAN, 2.0]),
        "heaviside": ([-1.0, 0.0, 2.0, NAN, -0.0, INF, -INF], [5.0, 6.0, 7.0, 8.0, 0.5, 0.0, 1.0]),
    }
    for name, (x, y) in cases.items():
        for dt in ("float32", "float64"):
            got = getattr(mt, name)(mt.tensor(x, dtype=getattr(mt, dt)), mt.tensor(y, dtype=getattr(mt, dt)))
            want = getattr(torch, name)(torch.tensor(x, dtype=getattr(torch, dt)),
                                        torch.tensor(y, dtype=getattr(torch, dt)))
            assert_close(got, want, exact=name != "logaddexp2" and name != "logaddexp")
            g, w = to_np(got), to_np(want)
            np.testing.assert_array_equal(np.signbit(g[~np.isnan(w)]), np.signbit(w[~np.isnan(w)]))
    # The explicit rules the issue names.
    assert mt.xlogy(mt.tensor(0.0), mt.tensor(0.0)).item() == 0.0
    assert math.isnan(mt.xlogy(mt.tensor(0.0), mt.tensor(NAN)).item())
    assert mt.logaddexp(mt.tensor(-INF), mt.tensor(-INF)).item() == -INF
    assert mt.logaddexp(mt.tensor(INF), mt.tensor(INF)).item() == INF
    assert mt.logaddexp2(mt.tensor(-INF), mt.tensor(-INF)).item() == -INF
    assert mt.hypot(mt.tensor(INF), mt.tensor(NAN)).item() == INF


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_nextafter_steps_one_ulp(dtype):
    torch = _torch()
    x = [1.0, 0.0, 0.0, -1.0, 65504.0 if dtype == "float16" else 3.0, -2.5, 1e-3, 1.0]
    y = [2.0, 1.0, -1.0, 0.0, INF, -INF, 0.0, 1.0]
    got = mt.nextafter(mt.tensor(x, dtype=getattr(mt, dtype)), mt.tensor(y, dtype=getattr(mt, dtype)))
    want = torch.nextafter(torch.tensor(x, dtype=getattr(torch, dtype)),
                           torch.tensor(y, dtype=getattr(torch, dtype)))
    assert_close(got, want, exact=True)
    if dtype != "bfloat16":
        np.testing.assert_array_equal(to_np(got), np.nextafter(np.array(x, dtype), np.array(y, dtype)))


def test_number_operands():
    # xlogy and copysign take a Number in PyTorch (xlogy on either side);
    # the elementwise rows take numbers for every Tensor parameter.
    torch = _torch()
    f = np_values(SHAPE, "float32", seed=9)
    i = np_values(SHAPE, "int64", seed=10)
    h = np_values(SHAPE, "float16", seed=11)
    cases = [
        (lambda m, t: m.xlogy(t(i, "int64"), 2.5)),
        (lambda m, t: m.xlogy(t(f, "float32"), 2)),
        (lambda m, t: m.xlogy(3, t(h, "float16"))),
        (lambda m, t: m.xlogy(t(h, "float16"), 3.5)),
        (lambda m, t: m.xlogy(2, t(i, "int64"))),
        (lambda m, t: m.xlogy(t(f, "float32"), True)),
        (lambda m, t: m.copysign(t(i, "int64"), -1)),
        (lambda m, t: m.copysign(t(f, "float32"), -0.0)),
        (lambda m, t: m.copysign(t(np_values(SHAPE, "bool", seed=1), "bool"), False)),
        (lambda m, t: t(f, "float32").xlogy(2)),
        (lambda m, t: t(i, "int64").copysign(-2.5)),
    ]
    for case in cases:
        compare_torch(lambda: case(mt, to_mt), lambda: case(torch, to_torch))
    # heaviside's values must be a Tensor (PyTorch's signature), of the input's dtype.
    with pytest.raises(TypeError, match="must be Tensor"):
        mt.heaviside(mt.tensor([-1.0, 0.0, 2.0]), 0.5)
    assert mt.heaviside(mt.tensor([-1.0, 0.0, 2.0]), mt.tensor(0.5)).tolist() == [0.0, 0.5, 1.0]
    with pytest.raises(RuntimeError, match="heaviside is not yet implemented for tensors with different dtypes"):
        mt.heaviside(mt.tensor([-1, 0, 2]), mt.tensor(0.5))


@pytest.mark.parametrize("name", BINARY)
def test_out_and_in_place(name):
    torch = _torch()
    a, b = np_values(SHAPE, "float32", seed=12), np_values(SHAPE, "float32", seed=13)
    # out= of the result dtype, of a wider float, of an integer dtype (refused
    # for float results), and of another shape (resized).
    for dt, shape in (("float32", SHAPE), ("float64", SHAPE), ("int64", SHAPE), ("float32", (2,))):
        mo = mt.zeros(shape, dtype=getattr(mt, dt))
        to = torch.zeros(shape, dtype=getattr(torch, dt))
        r = compare_torch(lambda: getattr(mt, name)(to_mt(a, "float32"), to_mt(b, "float32"), out=mo),
                          lambda: getattr(torch, name)(to_torch(a, "float32"), to_torch(b, "float32"), out=to),
                          exact=_exact(name, dt), atol=_atol(name))
        if r is not None:
            assert r is mo
    has_inplace = hasattr(torch.Tensor, name + "_")
    assert hasattr(mt.Tensor, name + "_") == has_inplace
    assert hasattr(mt.Tensor, name) and hasattr(mt, name)
    assert hasattr(mt, name + "_") == hasattr(torch, name + "_")
    if not has_inplace:
        return
    for da, db in (("float32", "float32"), ("float64", "int64"), ("int64", "float32"),
                   ("float32", "float64")):
        x, y = np_values(SHAPE, da, seed=14), np_values(SHAPE, db, seed=15)
        mx, tx = with_layout(x, da, "transposed"), to_torch(np.ascontiguousarray(x.T), da).t()
        try:
            want = getattr(tx, name + "_")(to_torch(y, db))
        except Exception as e:  # noqa: BLE001
            assert_same_error(lambda: getattr(mx, name + "_")(to_mt(y, db)), e)
            continue
        got = getattr(mx, name + "_")(to_mt(y, db))
        assert got is mx
        assert_close(mx, want, exact=_exact(name, da))
    # In place with a broadcast operand.
    x = np_values(SHAPE, "float64", seed=16)
    mx, tx = to_mt(x, "float64"), to_torch(x, "float64")
    getattr(mx, name + "_")(to_mt(x[:1], "float64"))
    getattr(tx, name + "_")(to_torch(x[:1], "float64"))
    assert_close(mx, tx, exact=_exact(name, "float64"))
    # ... but the receiver cannot be broadcast.
    compare_torch(lambda: getattr(to_mt(x[:1], "float64"), name + "_")(to_mt(x, "float64")),
                  lambda: getattr(to_torch(x[:1], "float64"), name + "_")(to_torch(x, "float64")))


def test_xlogy_function_in_place():
    torch = _torch()
    x = np_values(SHAPE, "float32", seed=17)
    mx, tx = to_mt(x, "float32"), to_torch(x, "float32")
    assert mt.xlogy_(mx, 2) is mx
    torch.xlogy_(tx, 2)
    assert_close(mx, tx)
    with pytest.raises(TypeError):
        mt.xlogy_(2, to_mt(x, "float32"))


def test_ufuncs_dispatch_to_minitorch():
    a = mt.tensor(np_values(SHAPE, "float32", seed=18))
    b = mt.tensor(np_values(SHAPE, "float32", seed=19))
    for name, uf in NUMPY_UFUNC.items():
        r = uf(a, b)
        assert isinstance(r, mt.Tensor), name
        np.testing.assert_array_equal(to_np(r), to_np(getattr(mt, name)(a, b)))
        out = mt.empty(SHAPE)
        assert uf(a, b, out=out) is out
        np.testing.assert_array_equal(to_np(out), to_np(r))
    # int operands: PyTorch's promotion, not NumPy's
    i = mt.tensor([1, -2, 3])
    assert np.copysign(i, mt.tensor([-1, 1, -1])).dtype == mt.float32
    assert np.heaviside(i, i).dtype == mt.int64


def test_binary_errors_match_torch():
    torch = _torch()
    f, g = np_values((3,), "float32", seed=20), np_values((2,), "float32", seed=21)
    for name in BINARY:
        compare_torch(lambda: getattr(mt, name)(to_mt(f, "float32"), to_mt(g, "float32")),
                      lambda: getattr(torch, name)(to_torch(f, "float32"), to_torch(g, "float32")))
        if name in ("xlogy", "copysign"):
            # PyTorch's Number overloads make its message "invalid combination
            # of arguments"; minitorch's rows take numbers for every Tensor
            # parameter and name the argument instead.
            with pytest.raises(TypeError, match="must be Tensor, not str"):
                getattr(mt, name)(to_mt(f, "float32"), "a")
            with pytest.raises(TypeError, match="missing 1 required positional arguments"):
                getattr(mt, name)(to_mt(f, "float32"))
            continue
        compare_torch(lambda: getattr(mt, name)(to_mt(f, "float32"), "a"),
                      lambda: getattr(torch, name)(to_torch(f, "float32"), "a"))
        compare_torch(lambda: getattr(mt, name)(to_mt(f, "float32")),
                      lambda: getattr(torch, name)(to_torch(f, "float32")))


# ---- erfinv ----

@pytest.mark.parametrize("dtype", DTYPES)
def test_erfinv_matches_torch(dtype):
    torch = _torch()
    if dtype in FLOATS:
        v = np.array([0.0, -0.0, 0.5, -0.5, 0.9, -0.999, 1.0, -1.0, 1.5, -2.0, NAN, INF, 1e-30,
                      0.1, 0.3, 0.7, 0.99, 0.9999, -1e-5, 0.25], np.float64)
        v = v.astype("float32" if dtype != "float64" else "float64")
    else:
        v = np_values((20,), dtype, seed=22)
    for layout in ("contiguous", "strided"):
        compare_torch(lambda: with_layout(v.reshape(4, 5), dtype, layout).erfinv(),
                      lambda: torch.erfinv(to_torch(v.reshape(4, 5), dtype)),
                      rtol={"float16": 2e-3, "bfloat16": 1.6e-2, "float32": 1e-6,
                            "float64": 1e-14}.get(dtype))


def test_erfinv_inverts_erf():
    y = np.concatenate([np.linspace(-0.999999, 0.999999, 2001), 1 - np.logspace(-15, -1, 50),
                        np.logspace(-300, -1, 30)])
    x = to_np(mt.erfinv(mt.tensor(y)))
    back = np.array([math.erf(v) for v in x])
    np.testing.assert_allclose(back, y, rtol=2e-15, atol=0)  # erf is flat near 1
    # erfinv(erf(x)) for x where erf is not flat
    xs = np.linspace(-4, 4, 801)
    ys = np.array([math.erf(v) for v in xs])
    ok = np.abs(ys) < 0.99
    np.testing.assert_allclose(to_np(mt.erfinv(mt.tensor(ys[ok]))), xs[ok], rtol=1e-13, atol=1e-15)
    assert to_np(mt.erfinv(mt.tensor([-0.0]))).tolist() == [-0.0]
    assert np.signbit(to_np(mt.erfinv(mt.tensor([-0.0])))[0])


def test_erfinv_variants():
    torch = _torch()
    v = np.array([0.1, -0.4, 0.8], np.float32)
    mx, tx = mt.tensor(v), torch.tensor(v)
    assert mx.erfinv_() is mx
    tx.erfinv_()
    assert_close(mx, tx)
    o = mt.empty(3, dtype=mt.float64)
    assert mt.erfinv(mt.tensor(v), out=o) is o
    assert_close(o, torch.erfinv(torch.tensor(v), out=torch.empty(3, dtype=torch.float64)))
    compare_torch(lambda: mt.tensor([1, 2]).erfinv_(), lambda: torch.tensor([1, 2]).erfinv_())
    compare_torch(lambda: mt.erfinv(mt.tensor(v), out=mt.empty(3, dtype=mt.int64)),
                  lambda: torch.erfinv(torch.tensor(v), out=torch.empty(3, dtype=torch.int64)))
    assert hasattr(mt, "erfinv_") == hasattr(torch, "erfinv_")


# ---- cross ----

def _cross_values(shape, dtype, seed):
    v = np_values(shape, dtype, seed=seed, special=False)
    if dtype in FLOATS:
        v = np.round(v * 4) / 4  # exact products and differences, even in float16
    return v


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16", "int64", "int32",
                                   "int8", "uint8", "int16", "bool"])
def test_linalg_cross_matches_torch_and_numpy(dtype):
    torch = _torch()
    a, b = _cross_values((4, 3), dtype, 23), _cross_values((4, 3), dtype, 24)
    got = compare_torch(lambda: mt.linalg.cross(to_mt(a, dtype), to_mt(b, dtype)),
                        lambda: torch.linalg.cross(to_torch(a, dtype), to_torch(b, dtype)),
                        exact=True)
    if got is not None and dtype not in ("bfloat16", "bool"):
        np.testing.assert_array_equal(to_np(got), np.cross(a, b).astype(dtype))
    for la in LAYOUTS:
        for lb in LAYOUTS:
            if got is None:
                continue
            r = mt.linalg.cross(with_layout(a, dtype, la), with_layout(b, dtype, lb))
            np.testing.assert_array_equal(to_np(r), to_np(got))


def test_cross_dims_and_broadcasting():
    torch = _torch()
    a = _cross_values((2, 3, 4), "float64", 25)
    b = _cross_values((1, 3, 4), "float64", 26)
    c = _cross_values((3, 3, 3), "float64", 27)
    cases = [
        lambda m, t: m.linalg.cross(t(a, "float64"), t(b, "float64"), dim=1),
        lambda m, t: m.linalg.cross(t(a, "float64"), t(b, "float64"), dim=-2),
        lambda m, t: m.cross(t(a, "float64"), t(b, "float64"), dim=1),
        lambda m, t: m.cross(t(a, "float64"), t(b, "float64"), 1),
        lambda m, t: t(a, "float64").cross(t(b, "float64"), dim=-2),
        lambda m, t: m.linalg.cross(t(c, "float64"), t(c[::-1].copy(), "float64")),
        lambda m, t: m.linalg.cross(t(c, "float64"), t(c[:1].copy(), "float64"), dim=1),
        lambda m, t: m.cross(t(c, "float64"), t(c[::-1].copy(), "float64"), dim=0),
    ]
    for case in cases:
        got = compare_torch(lambda: case(mt, to_mt), lambda: case(torch, to_torch), exact=True)
        assert got is not None
    np.testing.assert_array_equal(to_np(mt.linalg.cross(to_mt(a, "float64"), to_mt(b, "float64"), dim=1)),
                                  np.cross(a, b, axis=1))
    # non-contiguous, expanded and flipped operands
    ma = mt.tensor(np.ascontiguousarray(np.swapaxes(a, 0, 2))).permute(2, 1, 0)
    mb = mt.tensor(b).expand(2, 3, 4)
    np.testing.assert_array_equal(to_np(mt.linalg.cross(ma, mb, dim=1)), np.cross(a, b, axis=1))
    mc = mt.tensor(np.ascontiguousarray(c[::-1])).flip(0)
    np.testing.assert_array_equal(to_np(mt.linalg.cross(mc, mc.flip(2))), np.cross(c, c[..., ::-1]))


def test_cross_default_dim_is_deprecated():
    torch = _torch()
    x = _cross_values((3, 3), "float32", 28)
    y = _cross_values((3, 3), "float32", 29)
    cases = [((4, 3, 3), (4, 3, 3)), ((2, 3), (1, 3)), ((3, 2), (1, 2)), ((2, 4), (2, 4)),
             ((3, 3), (2, 3)), ((2, 3), (3,))]
    for sa, sb in cases:
        a, b = _cross_values(sa, "float32", 30), _cross_values(sb, "float32", 31)
        compare_torch(lambda: mt.cross(to_mt(a, "float32"), to_mt(b, "float32")),
                      lambda: torch.cross(to_torch(a, "float32"), to_torch(b, "float32")), exact=True)
    # dim=None is the first dim of size 3 of input (dim 0 here), not linalg's -1
    r = mt.cross(mt.tensor(x), mt.tensor(x.T.copy()))
    np.testing.assert_array_equal(to_np(r), np.cross(x, x.T, axis=0))
    with pytest.warns(UserWarning, match="Using torch.cross without specifying the dim arg is deprecated"):
        mt.cross(mt.tensor(x), mt.tensor(y))
    with pytest.warns(UserWarning, match="is deprecated"):
        mt.tensor(x).cross(mt.tensor(y))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mt.cross(mt.tensor(x), mt.tensor(y), dim=1)
        mt.linalg.cross(mt.tensor(x), mt.tensor(y))
        # a warning turned into an error by a filter raises it
        with pytest.raises(UserWarning):
            mt.cross(mt.tensor(x), mt.tensor(y))


def test_cross_errors_and_out_match_torch():
    torch = _torch()
    f3 = _cross_values((2, 3), "float32", 32)
    cases = [
        lambda m, t: m.linalg.cross(t(np.ones((3, 2), np.float32), "float32"), t(np.ones((3, 2), np.float32), "float32")),
        lambda m, t: m.linalg.cross(t(f3, "float32"), t(f3[0], "float32")),
        lambda m, t: m.linalg.cross(t(f3, "float32"), t(np.ones((4, 3)), "float64")),
        lambda m, t: m.linalg.cross(t(f3, "float32"), t(f3, "float64")),
        lambda m, t: m.linalg.cross(t(f3, "int64"), t(f3, "float32")),
        lambda m, t: m.linalg.cross(t(f3, "bool"), t(f3, "bool")),
        lambda m, t: m.linalg.cross(t(f3[0], "float32"), t(f3[0], "float32"), dim=1),
        lambda m, t: m.linalg.cross(t(f3[0], "float32"), t(f3[0], "float32"), dim=-2),
        lambda m, t: m.linalg.cross(m.ones(()), m.ones(())),
        lambda m, t: m.linalg.cross(t(f3, "float32"), t(f3, "float32"), out=m.empty(2, 3, dtype=m.float64)),
        lambda m, t: m.linalg.cross(t(f3, "float32"), t(f3, "float32"), out=m.empty(2, 3, dtype=m.int32)),
        lambda m, t: m.linalg.cross(t(f3, "bool"), t(f3, "bool"), out=m.empty(2, 3)),
        lambda m, t: m.linalg.cross(t(f3, "float32"), 2),
        lambda m, t: m.linalg.cross(t(f3, "float32")),
        lambda m, t: m.linalg.cross(t(f3, "float32"), t(f3, "float32"), dim=None),
        lambda m, t: m.cross(t(f3, "float32"), t(f3, "float32"), dim=2),
        lambda m, t: m.cross(t(np.ones((2, 4), np.float32), "float32"), t(np.ones((2, 4), np.float32), "float32"), dim=1),
        lambda m, t: m.cross(t(np.ones((0, 3), np.float32), "float32"), t(np.ones((0, 3), np.float32), "float32"), dim=1),
    ]
    for case in cases:
        compare_torch(lambda: case(mt, to_mt), lambda: case(torch, to_torch), exact=True)
    # out= of the right dtype: written, resized when its shape differs
    for shape in ((2, 3), (0,), (5,)):
        mo, to = mt.zeros(shape), torch.zeros(shape)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = mt.linalg.cross(to_mt(f3, "float32"), to_mt(f3[::-1].copy(), "float32"), out=mo)
            torch.linalg.cross(to_torch(f3, "float32"), to_torch(f3[::-1].copy(), "float32"), out=to)
        assert r is mo
        assert_close(mo, to, exact=True)
    with pytest.warns(UserWarning, match="An output with one or more elements was resized"):
        mt.linalg.cross(to_mt(f3, "float32"), to_mt(f3, "float32"), out=mt.zeros(5))
    # out= may be one of the inputs
    ma = to_mt(f3, "float32")
    mt.linalg.cross(ma, to_mt(f3[::-1].copy(), "float32"), out=ma)
    np.testing.assert_array_equal(to_np(ma), np.cross(f3, f3[::-1]))


# ---- scatter_reduce ----

def scatter_reduce_ref(self, dim, index, src, reduce, include_self=True):
    """NumPy reference: each src[i] (i over index's shape) reduced into
    self[i with i[dim] replaced by index[i]]."""
    out = self.copy()
    integral = out.dtype.kind in "biu"
    groups = {}
    for pos in np.ndindex(*index.shape):
        tgt = list(pos)
        tgt[dim] = int(index[pos])
        groups.setdefault(tuple(tgt), []).append(src[pos])
    for tgt, vals in groups.items():
        vals = list(vals) + ([self[tgt]] if include_self else [])
        if reduce == "sum":
            v = vals[0]
            for x in vals[1:]:
                v = (v + x) if out.dtype != bool else (v or x)
        elif reduce == "prod":
            v = vals[0]
            for x in vals[1:]:
                v = (v * x) if out.dtype != bool else (v and x)
        elif reduce == "mean":
            total = sum(int(x) if integral else float(x) for x in vals)
            v = total // len(vals) if integral else total / len(vals)
        elif reduce in ("amax", "amin"):
            fl = [float(x) for x in vals]
            if any(math.isnan(x) for x in fl):
                v = np.nan
            else:
                v = max(vals) if reduce == "amax" else min(vals)
        out[tgt] = v
    return out


REDUCES = ["sum", "prod", "mean", "amax", "amin"]


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", REDUCES)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "int16", "uint8", "bool",
                                   "float16", "bfloat16"])
def test_scatter_reduce_matches_torch(dtype, reduce, include_self):
    torch = _torch()
    if dtype == "bool" and reduce == "mean":  # message: see test_scatter_reduce_errors_match_torch
        with pytest.raises(NotImplementedError):
            mt.ones(3, dtype=mt.bool).scatter_reduce(0, mt.tensor([0]), mt.ones(1, dtype=mt.bool),
                                                     "mean", include_self=include_self)
        return
    rng = np.random.default_rng(33)
    self_ = np_values((4, 5), dtype, seed=34, special=False)
    src = np_values((6, 5), dtype, seed=35, special=False)
    if dtype in ("int64", "int32", "int16", "uint8") and reduce == "prod":
        src = (np.abs(src) % 3 + 1).astype(dtype)  # keep products exact
    if dtype in FLOATS:
        self_, src = np.round(self_), np.round(src)
    index = rng.integers(0, 4, (5, 5))
    for dim, idx in ((0, index), (1, index.T.copy() % 5)):
        got = compare_torch(
            lambda: to_mt(self_, dtype).scatter_reduce(dim, mt.tensor(idx), to_mt(src, dtype), reduce,
                                                       include_self=include_self),
            lambda: to_torch(self_, dtype).scatter_reduce(dim, torch.tensor(idx), to_torch(src, dtype),
                                                          reduce, include_self=include_self),
            exact=dtype not in ("float16", "bfloat16") or reduce in ("amax", "amin"))
        if got is not None and dtype in ("float64", "int64", "int32", "bool"):
            want = scatter_reduce_ref(self_.astype(dtype), dim, idx, src.astype(dtype), reduce,
                                      include_self)
            np.testing.assert_allclose(to_np(got), want, rtol=1e-12)


def test_scatter_reduce_layouts_and_forms():
    torch = _torch()
    self_ = np_values((5, 4), "float64", seed=36, special=False)
    src = np_values((5, 6), "float64", seed=37, special=False)
    idx = np.random.default_rng(38).integers(0, 4, (3, 6))
    want = scatter_reduce_ref(self_, 1, idx, src, "sum")
    # non-contiguous self, index and src
    ms = with_layout(self_, "float64", "transposed")
    mi = mt.tensor(np.ascontiguousarray(idx[:, ::-1])).flip(1)
    msrc = with_layout(src, "float64", "strided")
    for reduce in REDUCES:
        for include_self in (True, False):
            r = ms.scatter_reduce(1, mi, msrc, reduce, include_self=include_self)
            np.testing.assert_allclose(to_np(r), scatter_reduce_ref(self_, 1, idx, src, reduce, include_self),
                                       rtol=1e-12)
    np.testing.assert_allclose(to_np(ms), self_)  # out of place leaves self alone
    # function, keyword arguments, int32 index, negative dim
    r = mt.scatter_reduce(mt.tensor(self_), -1, mt.tensor(idx.astype(np.int32)), mt.tensor(src),
                          reduce="sum", include_self=True)
    np.testing.assert_allclose(to_np(r), want, rtol=1e-12)
    # in place, on a non-contiguous receiver
    ms = with_layout(self_, "float64", "flipped")
    assert ms.scatter_reduce_(1, mt.tensor(idx), mt.tensor(src), "sum") is ms
    np.testing.assert_allclose(to_np(ms), want, rtol=1e-12)
    # out=: written, resized, exact dtype
    for shape in ((5, 4), (2,), (0,)):
        mo, to = mt.zeros(shape, dtype=mt.float64), torch.zeros(shape, dtype=torch.float64)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = mt.scatter_reduce(mt.tensor(self_), 1, mt.tensor(idx), mt.tensor(src), "amax", out=mo)
            torch.scatter_reduce(torch.tensor(self_), 1, torch.tensor(idx), torch.tensor(src), "amax", out=to)
        assert r is mo
        assert_close(mo, to, exact=True)
    # out= the same view as self is allowed
    ms = mt.tensor(self_)
    mt.scatter_reduce(ms, 1, mt.tensor(idx), mt.tensor(src), "sum", out=ms)
    np.testing.assert_allclose(to_np(ms), want, rtol=1e-12)
    # 0-d tensors count as vectors of one; an empty index changes nothing
    compare_torch(lambda: mt.tensor(5.0).scatter_reduce(0, mt.tensor(0), mt.tensor(3.0), "sum"),
                  lambda: torch.tensor(5.0).scatter_reduce(0, torch.tensor(0), torch.tensor(3.0), "sum"))
    compare_torch(lambda: mt.tensor([5.0]).scatter_reduce(0, mt.tensor(0), mt.tensor(3.0), "prod"),
                  lambda: torch.tensor([5.0]).scatter_reduce(0, torch.tensor(0), torch.tensor(3.0), "prod"))
    compare_torch(lambda: mt.tensor(self_).scatter_reduce(1, mt.tensor(np.zeros((0, 6), np.int64)), mt.tensor(src), "mean", include_self=False),
                  lambda: torch.tensor(self_).scatter_reduce(1, torch.tensor(np.zeros((0, 6), np.int64)), torch.tensor(src), "mean", include_self=False))


def test_scatter_reduce_special_values():
    torch = _torch()
    cases = [
        ([1.0, 2.0], [0, 0, 1], [NAN, 1.0, 3.0], "amax", True),
        ([NAN, 2.0], [0, 0, 1], [5.0, 1.0, 3.0], "amin", True),
        ([NAN, 2.0], [0, 0, 1], [5.0, 1.0, 3.0], "amin", False),
        ([1.0, 2.0, 5.0], [0, 0], [1.0, 1.0], "amax", False),
        ([1.0, 2.0], [0, 0, 1], [-INF, 1.0, INF], "sum", True),
        ([1.0, 2.0], [0, 0, 1], [1.0, 1.0, 3.0], "mean", False),
        ([7, -7, 7], [0, 1], [2, 2], "mean", True),
        ([7, -7, 7], [0, 1], [2, 2], "mean", False),
        ([10, 20, 30, 40], [0, 1, 0, 1, 2, 1], [1, 2, 3, 4, 5, 6], "max", True),
        ([10, 20, 30, 40], [0, 1, 0, 1, 2, 1], [1, 2, 3, 4, 5, 6], "min", False),
        ([1, 2], [0, 0, 1], [2**62, 2**62, 3], "sum", True),
    ]
    for s, i, v, reduce, inc in cases:
        compare_torch(lambda: mt.tensor(s).scatter_reduce(0, mt.tensor(i), mt.tensor(v), reduce, include_self=inc),
                      lambda: torch.tensor(s).scatter_reduce(0, torch.tensor(i), torch.tensor(v), reduce, include_self=inc),
                      exact=True)
    h = compare_torch(
        lambda: mt.tensor([1.0, 2.0], dtype=mt.float16).scatter_reduce(
            0, mt.tensor([0, 0, 1]), mt.tensor([1.0, 2.0, 3.0], dtype=mt.float16), "mean"),
        lambda: torch.tensor([1.0, 2.0], dtype=torch.float16).scatter_reduce(
            0, torch.tensor([0, 0, 1]), torch.tensor([1.0, 2.0, 3.0], dtype=torch.float16), "mean"),
        exact=True)
    assert h is not None


def test_scatter_reduce_errors_match_torch():
    torch = _torch()
    x = np.array([10, 20, 30, 40])
    idx = np.array([0, 1, 0, 1, 2, 1])
    src = np.array([1, 2, 3, 4, 5, 6])
    cases = [
        lambda m: m.tensor(x).scatter_reduce(0, m.tensor(idx), m.tensor(src), "foo"),
        lambda m: m.tensor(x).scatter_reduce(0, m.tensor(idx).float(), m.tensor(src), "sum"),
        lambda m: m.tensor(x).scatter_reduce(0, m.tensor(idx), m.tensor(src).float(), "sum"),
        lambda m: m.tensor(x).scatter_reduce(1, m.tensor(idx), m.tensor(src), "sum"),
        lambda m: m.tensor(x).scatter_reduce(0, m.tensor(idx).view(2, 3), m.tensor(src), "sum"),
        lambda m: m.tensor(x).scatter_reduce(0, m.tensor(idx), m.tensor(src).view(2, 3), "sum"),
        lambda m: m.tensor(x).scatter_reduce(0, m.tensor(idx), m.tensor(src)[:2], "sum"),
        lambda m: m.tensor(x).view(2, 2).scatter_reduce(0, m.tensor(idx).view(2, 3), m.tensor(src).view(2, 3), "sum"),
        lambda m: m.tensor(x).view(2, 2).scatter_reduce(1, m.tensor([[0, 0, 0]]), m.tensor(src).view(3, 2), "sum"),
        lambda m: m.tensor(x).scatter_reduce(0, m.tensor([5]), m.tensor(src), "sum"),
        lambda m: m.tensor(x).scatter_reduce(0, m.tensor([-1]), m.tensor(src), "amax"),
        lambda m: m.tensor(x).scatter_reduce(0, m.tensor(idx), 5, "sum"),
        lambda m: m.tensor(x).scatter_reduce(0, m.tensor(idx), m.tensor(src), "sum", True),
        lambda m: m.tensor(x).scatter_reduce(0, m.tensor(idx), m.tensor(src), "sum", out=m.tensor(x)),
        lambda m: m.tensor(x).scatter_reduce(0, m.tensor(idx)),
        lambda m: m.scatter_reduce(m.tensor(x), 0, m.tensor(idx), m.tensor(src), "sum", out=m.empty(4)),
    ]
    for case in cases:
        compare_torch(lambda: case(mt), lambda: case(torch), exact=True)
    # PyTorch's message names its CPU kernel (scatter_gather_tensor_cpu_reduce_mean);
    # ops' messages are device-neutral (tests/test_source_lint.py).
    with pytest.raises(NotImplementedError, match="\"scatter_gather_tensor_reduce_mean\" not "
                       "implemented for 'Bool'"):
        mt.tensor(x).bool().scatter_reduce(0, mt.tensor(idx), mt.tensor(src).bool(), "mean")
    # (PyTorch names the in-place form scatter_reduce_ here; minitorch's
    # parser names the op.)
    with pytest.raises(TypeError, match="argument 'include_self' must be bool, not int"):
        mt.tensor(x).scatter_reduce_(0, mt.tensor(idx), mt.tensor(src), "mean", include_self=2)
    # out= overlapping an input other than as self itself
    for which in ("src", "index"):
        ms, mi, msrc = mt.tensor(x), mt.tensor(idx), mt.tensor(src)
        ts, ti, tsrc = torch.tensor(x), torch.tensor(idx), torch.tensor(src)
        compare_torch(lambda: mt.scatter_reduce(ms, 0, mi, msrc, "sum", out=msrc if which == "src" else mi),
                      lambda: torch.scatter_reduce(ts, 0, ti, tsrc, "sum", out=tsrc if which == "src" else ti))
