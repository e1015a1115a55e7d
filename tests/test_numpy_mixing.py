"""Mixing tensors with NumPy (NUMPY_BRIDGE.md "Protocols", reference 4.6-4.7
and 7.35-7.38): operators with ndarrays in either order, NumPy scalars,
NumPy ufuncs on tensors (__array_ufunc__ and its fallback), __array_wrap__."""

import operator
import warnings

import numpy as np
import oracle
import pytest
from elementwise_helpers import assert_close, dtype_name

import minitorch as mt

OPS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv,
       operator.mod, operator.pow, operator.lt, operator.le, operator.gt, operator.ge,
       operator.eq, operator.ne]


def _torch():
    return oracle.torch()


@pytest.mark.parametrize("op", OPS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("tdt,adt", [("float32", "float64"), ("int32", "float32"),
                                     ("int64", "int8"), ("uint8", "int8"), ("float16", "int64"),
                                     ("bool", "int32")])
def test_operators_with_ndarray_are_symmetric_with_torch_promotion(op, tdt, adt):
    torch = _torch()
    a = (np.arange(1, 7).reshape(2, 3) % 4 + 1).astype(adt)
    tv = (np.arange(6)[::-1].reshape(2, 3) % 3 + 1).astype(tdt)
    m = mt.tensor(tv)
    t = torch.from_numpy(tv.copy())
    for f in (lambda x, y: op(x, y), lambda x, y: op(y, x)):
        try:
            want = f(t, torch.from_numpy(a.copy()))
        except Exception as e:
            with pytest.raises(type(e)):
                f(m, a)
            continue
        got = f(m, a)
        assert isinstance(got, mt.Tensor), type(got)
        assert_close(got, want, exact=op not in (operator.truediv, operator.pow))


def test_ndarray_operand_is_viewed_not_copied():
    a = np.arange(4.0)
    t = mt.ones(4)
    t += a  # the array is read in place
    assert t.tolist() == [1.0, 2.0, 3.0, 4.0]
    b = np.ones(4)
    b += t  # ndarray in-place with a tensor operand: writes into b, stays an ndarray
    assert isinstance(b, np.ndarray) and b.tolist() == [2.0, 3.0, 4.0, 5.0]
    # broadcasting and negative strides on the array side
    x = mt.zeros(2, 3) + np.arange(3.0)[::-1]
    assert x.tolist() == [[2.0, 1.0, 0.0]] * 2


def test_zero_d_ndarray_is_a_zero_d_tensor_and_numpy_scalars_are_scalars():
    i32 = mt.tensor([1, 2], dtype=mt.int32)
    assert (i32 + np.array(2.0)).dtype == mt.float64  # 0-d float64 tensor, higher category
    assert (np.array(2.0) + i32).dtype == mt.float64
    assert (i32 + np.float64(2.0)).dtype == mt.float32  # wrapped number
    f = mt.ones(3)
    for s in (np.float64(2), np.float32(2), np.int64(2), np.int32(2), np.int16(2), np.uint8(2)):
        for r in (f * s, s * f):
            assert isinstance(r, mt.Tensor) and r.dtype == mt.float32 and r.tolist() == [2.0] * 3
    for dt in (mt.int8, mt.int16, mt.int32, mt.int64, mt.uint8):
        assert (mt.ones(2, dtype=dt) + np.int64(3)).dtype == dt
        assert (np.int64(3) + mt.ones(2, dtype=dt)).dtype == dt


def test_numpy_bool_scalar_is_a_bool():
    b = mt.tensor([True, False])
    assert (b + np.bool_(True)).dtype == mt.bool  # as `b + True`
    assert (mt.tensor([1, 2]) * np.bool_(True)).dtype == mt.int64


def test_comparisons_with_ndarray_both_ways():
    t = mt.tensor([1.0, 2.0, 3.0])
    a = np.array([3.0, 2.0, 1.0])
    for got, want in [(t == a, [False, True, False]), (a == t, [False, True, False]),
                      (t < a, [True, False, False]), (a < t, [False, False, True]),
                      (a != t, [True, False, True]), (a >= t, [True, True, False])]:
        assert isinstance(got, mt.Tensor) and got.dtype == mt.bool
        assert got.tolist() == want


def test_functions_accept_ndarrays():
    t = mt.tensor([1.0, 2.0])
    assert mt.add(t, np.array([1.0, 1.0])).tolist() == [2.0, 3.0]
    assert mt.maximum(np.array([3.0, 0.0]), t).tolist() == [3.0, 2.0]


# ---- __array_ufunc__ ----

MAPPED = [np.add, np.subtract, np.multiply, np.divide, np.floor_divide, np.remainder, np.power,
          np.maximum, np.minimum, np.fmax, np.fmin, np.arctan2, np.equal, np.not_equal, np.less,
          np.less_equal, np.greater, np.greater_equal, np.logical_and, np.logical_or]
MAPPED_UNARY = [np.negative, np.absolute, np.sign, np.exp, np.exp2, np.expm1, np.log, np.log2,
                np.log10, np.log1p, np.sqrt, np.square, np.sin, np.cos, np.tan, np.arcsin,
                np.arctan, np.sinh, np.cosh, np.tanh, np.arcsinh, np.floor, np.ceil,
                np.trunc, np.rint, np.logical_not, np.isnan, np.isinf, np.isfinite]


@pytest.mark.parametrize("uf", MAPPED, ids=lambda u: u.__name__)
def test_mapped_binary_ufuncs_return_tensors(uf):
    x = mt.tensor([[0.5, 2.0, 3.0], [4.0, 0.25, 6.0]])
    a = np.array([1.5, 2.0, 0.5])
    with np.errstate(all="ignore"):
        for args in [(x, a), (a, x), (x, x), (x, 2.0), (np.float64(2.0), x)]:
            got = uf(*args)
            assert isinstance(got, mt.Tensor), (uf, type(got))
            np_args = [v.numpy() if isinstance(v, mt.Tensor) else v for v in args]
            want = uf(*np_args)
            assert got.dtype == mt.from_numpy(np.asarray(want)).dtype or \
                want.dtype == np.float64  # minitorch keeps float32 where NumPy widens
            np.testing.assert_allclose(got.numpy().astype(np.float64), want, rtol=1e-6)


@pytest.mark.parametrize("uf", MAPPED_UNARY, ids=lambda u: u.__name__)
def test_mapped_unary_ufuncs_return_tensors(uf):
    x = mt.tensor([0.5, -0.25, 0.75])
    got = uf(x)
    assert isinstance(got, mt.Tensor)
    with np.errstate(all="ignore"):
        want = uf(x.numpy())
    assert got.dtype == mt.from_numpy(np.asarray(want)).dtype
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)


def test_ufunc_follows_pytorch_promotion():
    torch = _torch()
    i = mt.tensor([1, 4, 9])
    assert np.sqrt(i).dtype == mt.float32  # as torch.sqrt, not NumPy's float64
    assert dtype_name(np.sqrt(i).dtype) == dtype_name(torch.sqrt(torch.tensor([1, 4, 9])).dtype)
    assert np.greater(i, 2).dtype == mt.bool  # bool stays bool (PyTorch gives uint8)
    assert np.add(mt.ones(2), np.ones(2, np.float64)).dtype == mt.float64


def test_ufunc_out_argument():
    x = mt.tensor([1.0, 4.0])
    o = mt.empty(2)
    assert np.sqrt(x, out=o) is o and o.tolist() == [1.0, 2.0]
    assert np.add(x, 1, out=(o,)) is o and o.tolist() == [2.0, 5.0]
    arr = np.empty(2, np.float32)
    assert np.multiply(x, 2, out=arr) is arr and arr.tolist() == [2.0, 8.0]
    with pytest.raises(RuntimeError, match="can't be cast"):
        np.sqrt(x, out=mt.empty(2, dtype=mt.int64))
    assert isinstance(np.sqrt(x, out=(None,)), mt.Tensor)
    h = mt.empty(2)
    assert np.hypot(x, x, out=h) is h  # fallback writes through a zero-copy view
    np.testing.assert_allclose(h.numpy(), np.hypot([1.0, 4.0], [1.0, 4.0]))


def test_ufunc_fallback_uses_numpy_on_views():
    x = mt.tensor([1.0, 8.0, 27.0])
    r = np.cbrt(x)  # no minitorch op: NumPy's loop on a view
    assert isinstance(r, mt.Tensor)
    np.testing.assert_allclose(r.numpy(), [1.0, 2.0, 3.0])
    assert isinstance(np.hypot(x, np.ones(3)), mt.Tensor)
    s = np.add.reduce(x)  # ufunc methods fall back too
    assert isinstance(s, mt.Tensor) and s.shape == () and s.item() == 36.0
    acc = np.add.accumulate(x)
    assert acc.tolist() == [1.0, 9.0, 36.0]
    y = mt.zeros(3)
    np.add.at(y, [0, 0, 2], 1.0)  # writes into the tensor through its view
    assert y.tolist() == [2.0, 0.0, 1.0]
    d = np.add(x, x, dtype=np.float64)  # keywords minitorch lacks: NumPy computes
    assert isinstance(d, mt.Tensor) and d.dtype == mt.float64
    q, r2 = np.divmod(x, 5.0)
    assert q.tolist() == [0.0, 1.0, 5.0] and r2.tolist() == [1.0, 3.0, 2.0]
    b = mt.ones(2, dtype=mt.bfloat16)  # NumPy lacks bfloat16: computed through float32
    assert np.cbrt(b).tolist() == [1.0, 1.0]


def test_ufunc_fallback_refuses_tensors_requiring_grad():
    x = mt.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="requires grad"):
        np.cbrt(x)


def test_unknown_types_defer():
    class Other:
        __array_ufunc__ = None

        def __radd__(self, other):
            return "other"

    assert mt.ones(2) + Other() == "other"


def test_array_wrap_numpy2_signature():
    t = mt.ones(2)
    w = t.__array_wrap__(np.array([True, False]), None, False)
    assert isinstance(w, mt.Tensor) and w.dtype == mt.bool
    z = t.__array_wrap__(np.array(3.0), None, True)
    assert isinstance(z, mt.Tensor) and z.shape == ()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = np.delete(mt.arange(5), 0)
        assert isinstance(r, mt.Tensor) and r.tolist() == [1, 2, 3, 4]
        np.sin(t)
        np.array(t)


def test_no_reference_leaks():
    import sys

    t = mt.ones(3)
    a = np.ones(3)
    s = 2.5
    before = (sys.getrefcount(t), sys.getrefcount(a), sys.getrefcount(s))
    for _ in range(200):
        t + a
        a + t
        t < a
        np.sin(t)
        t * s
        t += a
        mt.add(t, a, alpha=2)
        with pytest.raises(TypeError):
            t + "x"
        with pytest.raises(RuntimeError):
            mt.ones(2) + a
    assert (sys.getrefcount(t), sys.getrefcount(a), sys.getrefcount(s)) == before
