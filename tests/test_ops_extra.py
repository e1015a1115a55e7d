"""The less common functions of minitorch/_ops_extra.py: median, nanmedian, diff,
trace, sgn, deg2rad, rad2deg, sinc, gcd, lcm, frexp, ldexp. Values against NumPy,
dtypes and errors against PyTorch (recorded oracle), gradients by finite
differences."""

import numpy as np
import oracle
import pytest

import minitorch as mt

torch = oracle.torch()

RNG = np.random.default_rng(7)


def _lower_median(a, axis):
    s = np.sort(a, axis=axis)
    k = (a.shape[axis] - 1) // 2
    return np.take(s, k, axis=axis)


@pytest.mark.parametrize("shape,dim", [((7,), 0), ((4, 6), 1), ((4, 6), 0), ((3, 5, 2), -2)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int16"])
def test_median_values_and_indices(shape, dim, dtype):
    a = RNG.permutation(np.prod(shape)).reshape(shape).astype(dtype)  # distinct values
    t = mt.from_numpy(a)
    r = mt.median(t, dim)
    np.testing.assert_array_equal(r.values.numpy(), _lower_median(a, dim))
    np.testing.assert_array_equal(np.take_along_axis(a, np.expand_dims(r.indices.numpy(), dim),
                                                     dim).squeeze(dim), r.values.numpy())
    assert mt.median(t).item() == _lower_median(a.reshape(-1), 0)
    tt = torch.from_numpy(a)
    rt = torch.median(tt, dim, keepdim=True)
    rk = t.median(dim, keepdim=True)
    assert rk.values.tolist() == rt.values.tolist() and rk.indices.tolist() == rt.indices.tolist()
    assert rk.values.dtype.__repr__().split(".")[-1] == repr(rt.values.dtype).split(".")[-1]


def test_median_and_nanmedian_with_nans():
    nan = float("nan")
    rows = [[3.0, nan, 1.0, 2.0], [2.0, 5.0, 4.0, 9.0], [nan, nan, 4.0, 1.0]]
    t, tt = mt.tensor(rows), torch.tensor(rows)
    for f in ("median", "nanmedian"):
        got, want = getattr(mt, f)(t, 1), getattr(torch, f)(tt, 1)
        np.testing.assert_array_equal(got.values.numpy(), np.array(want.values.tolist()))
        assert got.indices.tolist() == want.indices.tolist()
        assert np.array_equal(getattr(mt, f)(t).numpy(), np.array(getattr(torch, f)(tt).tolist()),
                              equal_nan=True)
    assert mt.nanmedian(mt.tensor([nan, nan])).isnan().item()
    assert mt.median(mt.tensor([])).isnan().item()


def test_median_gradient_reaches_the_chosen_element():
    x = mt.tensor([[4.0, 1.0, 3.0], [0.5, 2.0, 9.0]], dtype=mt.float64, requires_grad=True)
    (mt.median(x, 1).values * mt.tensor([1.0, 10.0], dtype=mt.float64)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0, 1], [0, 10, 0]])
    y = mt.tensor([5.0, 1.0, 3.0], requires_grad=True)
    mt.median(y).backward()
    assert y.grad.tolist() == [0.0, 0.0, 1.0]


@pytest.mark.parametrize("call", [
    "m.median(m.ones(2, 0), 1)", "m.median(m.ones(2, 3), 2)", "m.median(m.tensor([True]))",
    "m.nanmedian(m.ones(0, 2), 0)", "m.diff(m.tensor(1.0))", "m.diff(m.ones(3), n=-1)",
    "m.diff(m.ones(3), prepend=1)", "m.trace(m.ones(3))", "m.trace(m.ones(2, 2, dtype=m.bool))",
    "m.gcd(m.ones(2), m.ones(2))", "m.lcm(m.tensor([True]), m.tensor([False]))",
    "m.frexp(m.tensor([1, 2]))"])
def test_errors_match_pytorch(call):
    def outcome(m):
        try:
            eval(call, {"m": m})
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            return type(e).__name__
        return "ok"
    assert outcome(mt) == outcome(torch) != "ok"


@pytest.mark.parametrize("n", [0, 1, 2, 5])
@pytest.mark.parametrize("dim", [0, -1])
def test_diff_matches_numpy(n, dim):
    a = RNG.standard_normal((4, 5))
    pre = RNG.standard_normal((4, 5)[:dim % 2] + (1,) + (4, 5)[dim % 2 + 1:])
    t = mt.from_numpy(a)
    np.testing.assert_allclose(mt.diff(t, n, dim).numpy(), np.diff(a, n, dim))
    np.testing.assert_allclose(t.diff(n, dim, prepend=mt.from_numpy(pre)).numpy(),
                               np.diff(a, n, dim, prepend=pre))
    b = np.array([True, False, False, True])
    assert mt.diff(mt.from_numpy(b)).tolist() == torch.diff(torch.from_numpy(b)).tolist()
    ints = np.array([1, 4, 9, 16], dtype=np.int32)
    d = mt.diff(mt.from_numpy(ints), 2)
    assert d.tolist() == np.diff(ints, 2).tolist() and d.dtype == mt.int32


def test_diff_gradient():
    x = mt.tensor([1.0, 4.0, 2.0, 8.0], dtype=mt.float64, requires_grad=True)
    assert mt.autograd.gradcheck(lambda v: mt.diff(v, 2), (x,))


def test_trace():
    a = RNG.standard_normal((3, 4))
    assert mt.trace(mt.from_numpy(a)).item() == pytest.approx(np.trace(a))
    i = mt.arange(12, dtype=mt.int32).reshape(4, 3)
    assert i.trace().item() == 12 and i.trace().dtype == mt.int64
    x = mt.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    x.trace().backward()
    assert x.grad.tolist() == [[1.0, 0.0], [0.0, 1.0]]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
def test_angle_conversions_and_sinc(dtype):
    a = (RNG.standard_normal(9) * 200).astype(dtype)
    a[0] = 0
    t, tt = mt.from_numpy(a), torch.from_numpy(a)
    for f in ("deg2rad", "rad2deg", "sinc"):
        got, want = getattr(mt, f)(t), getattr(torch, f)(tt)
        assert repr(got.dtype).split(".")[-1] == repr(want.dtype).split(".")[-1]
        ref = getattr(np, f)(a.astype(np.float64))
        tol = 1e-12 if dtype == "float64" else 2e-6
        np.testing.assert_allclose(got.numpy(), ref, rtol=tol, atol=tol)
    assert mt.sinc(mt.tensor([0.0])).item() == 1.0
    assert mt.sgn(mt.tensor([-2, 0, 3])).tolist() == [-1, 0, 1]


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8"])
def test_gcd_lcm_match_numpy(dtype):
    info = np.iinfo(dtype)
    lo = 0 if info.min == 0 else -60
    a = RNG.integers(lo, 60, 50).astype(dtype)
    b = RNG.integers(lo, 60, 50).astype(dtype)
    a[:3], b[:3] = [0, 0, 7], [0, 5, 0]
    g = mt.gcd(mt.from_numpy(a), mt.from_numpy(b))
    assert g.dtype == getattr(mt, dtype) and g.tolist() == np.gcd(a, b).tolist()
    small_a, small_b = a % 11, b % 11
    assert mt.lcm(mt.from_numpy(small_a), mt.from_numpy(small_b)).tolist() == \
        np.lcm(small_a, small_b).tolist()
    assert mt.gcd(mt.tensor([12, 18]), mt.tensor(8)).tolist() == [4, 2]
    with pytest.raises(TypeError, match="must be Tensor, not int"):
        mt.gcd(mt.tensor([12]), 8)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_frexp_and_ldexp_match_numpy(dtype):
    a = np.concatenate([RNG.standard_normal(20) * 1e3, [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0,
                                                         0.5, 2.0**-20]]).astype(dtype)
    m, e = mt.frexp(mt.from_numpy(a))
    nm, ne = np.frexp(a)
    np.testing.assert_array_equal(m.numpy(), nm)
    assert e.dtype == mt.int32
    np.testing.assert_array_equal(e.numpy()[np.isfinite(a)], ne[np.isfinite(a)])
    back = mt.ldexp(m, e)
    np.testing.assert_array_equal(back.numpy()[np.isfinite(a)], a[np.isfinite(a)])
    assert mt.ldexp(mt.tensor([1]), mt.tensor([3])).tolist() == \
        torch.ldexp(torch.tensor([1]), torch.tensor([3])).tolist()


def test_float_power_is_float64():
    a = np.array([1.5, 2.0, -3.0])
    got = mt.float_power(mt.from_numpy(a.astype(np.float32)), 2)
    assert got.dtype == mt.float64
    np.testing.assert_array_equal(got.numpy(), np.float_power(a.astype(np.float32), 2))
    assert mt.tensor([2, 3]).float_power(mt.tensor([0.5])).dtype == mt.float64
    assert mt.float_power(2, mt.tensor([3])).tolist() == [8.0]


@pytest.mark.parametrize("name", ["logaddexp", "logaddexp2", "hypot", "nextafter", "heaviside",
                                  "isclose", "gcd", "lcm", "ldexp", "copysign", "rsub"])
def test_number_operands_follow_pytorchs_signature(name):
    def outcomes(m):
        x = m.ones(2)
        out = []
        for a, b in ((x, 2.0), (2.0, x)):
            try:
                getattr(m, name)(a, b)
                out.append("ok")
            except Exception as e:  # noqa: BLE001 - the class is what is compared
                out.append(type(e).__name__)
        return out
    assert outcomes(mt) == outcomes(torch)


@pytest.mark.parametrize("call", [
    "m.frac(m.zeros(0, dtype=m.int64))", "m.abs(m.zeros(0, 3, dtype=m.bool))",
    "m.hypot(m.zeros(0, dtype=m.int8), m.zeros(0, dtype=m.int8))",
    "m.lerp(m.zeros(0, dtype=m.int32), m.zeros(0, dtype=m.int32), 0.5)",
    "m.zeros(0, dtype=m.int8).remainder(0)", "m.zeros(0, 2, dtype=m.int64) // 0",
    "m.zeros(0, dtype=m.int64) % m.zeros(0, dtype=m.int64)", "m.zeros(2, dtype=m.int64) // 0",
    "m.topk(m.ones(3, dtype=m.bool), 1)", "m.kthvalue(m.ones(3, dtype=m.bool), 1)"])
def test_empty_inputs_keep_dtype_checks_but_divide_nothing(call):
    # A dtype the kernel refuses is refused at every size (as PyTorch does); a zero
    # divisor only matters where something is divided.
    def outcome(m):
        try:
            r = eval(call, {"m": m})
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            return type(e).__name__
        return ("ok", list(r.shape), str(r.dtype).split(".")[-1])
    assert outcome(mt) == outcome(torch)
