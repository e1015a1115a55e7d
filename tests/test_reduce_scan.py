"""Scans (cumsum, cumprod, cummax, cummin) and softmax / log_softmax against
NumPy, and against PyTorch where installed."""

import math
import warnings

import numpy as np
import oracle
import pytest
from test_reduce import DTYPES, FLOATS, INTS, LAYOUTS, RTOL, assert_close, base_array, make

import minitorch
import minitorch.nn.functional as F


@pytest.mark.parametrize("layout", ["contig", "permuted", "negative", "expanded"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_cumsum_cumprod(dtype, layout):
    t, a = make(LAYOUTS[layout](base_array(dtype)), dtype)
    acc = np.float64 if dtype in FLOATS else np.int64
    small = a
    if dtype in FLOATS:  # keep products in range
        small = np.clip(a, -1.5, 1.5)
        t, small = make(small.astype(a.dtype), dtype) if dtype != "bfloat16" else (t, a)
    for dim in (0, 1, -1):
        r = t.cumsum(dim)
        assert r.dtype == (minitorch.int64 if dtype in INTS + ["bool"] else t.dtype)
        assert_close(r, np.cumsum(small.astype(acc), axis=dim), dtype,
                     rtol=RTOL.get(dtype, 0) * 4)
        r = minitorch.cumprod(t, dim)
        rt = 2e-2 if dtype in ("float16", "bfloat16") else RTOL.get(dtype, 0) * 4
        assert_close(r, np.cumprod(small.astype(acc), axis=dim), dtype, rtol=rt, atol=1e-3)


def test_cumsum_dtype_out_and_0d():
    i = minitorch.arange(6).reshape(2, 3)
    assert i.int().cumsum(0).dtype == minitorch.int64
    r = i.cumsum(1, dtype=minitorch.float32)
    assert r.dtype == minitorch.float32 and r.tolist() == [[0, 1, 3], [3, 7, 12]]
    assert minitorch.tensor([True, False]).cumprod(0).tolist() == [1, 0]
    out = minitorch.empty(2, 3, dtype=minitorch.float64)
    assert minitorch.cumsum(i.float(), 0, out=out) is out
    assert out.tolist() == [[0, 1, 2], [3, 5, 7]]
    s = minitorch.tensor(3.0)
    assert s.cumsum(0).item() == 3.0 and s.cumsum(0).shape == ()
    assert minitorch.empty(0, 3).cumsum(0).shape == (0, 3)
    h = minitorch.ones(3000, dtype=minitorch.float16).cumsum(0)
    assert h[-1].item() == 3000.0


@pytest.mark.parametrize("dtype", DTYPES)
def test_cummax_cummin_values(dtype):
    t, a = make(LAYOUTS["permuted"](base_array(dtype, nan=True)), dtype)
    for dim in (0, 1, -1):
        r = t.cummax(dim)
        assert r.indices.dtype == minitorch.int64 and r.values.dtype == t.dtype
        assert_close(r.values, np.maximum.accumulate(a, axis=dim), dtype, rtol=0)
        r = minitorch.cummin(t, dim)
        assert_close(r.values, np.minimum.accumulate(a, axis=dim), dtype, rtol=0)
        # the index points at an element holding the running value
        idx = r.indices.numpy()
        picked = np.take_along_axis(a, idx, axis=dim)
        np.testing.assert_array_equal(picked, np.minimum.accumulate(a, axis=dim))


def test_cummax_indices_match_torch():
    torch = oracle.torch()
    nan = float("nan")
    cases = [[1.0, 3.0, 2.0, nan, 5.0], [2.0, 1.0, 1.0, 3.0], [nan, 1.0, nan, 0.0], [1, 3, 3, 2]]
    for c in cases:
        for op in ("cummax", "cummin"):
            got = getattr(minitorch.tensor(c), op)(0)
            want = getattr(torch.tensor(c), op)(0)
            np.testing.assert_array_equal(got.values.numpy(), want.values.numpy())
            np.testing.assert_array_equal(got.indices.numpy(), want.indices.numpy())
    a = base_array("int16", shape=(5, 7))
    for dim in (0, 1):
        got = minitorch.from_numpy(a).cummin(dim)
        want = torch.from_numpy(a).cummin(dim)
        np.testing.assert_array_equal(got.indices.numpy(), want.indices.numpy())
    r = minitorch.empty(0).cummax(0)
    assert r.values.shape == (0,) and r.indices.dtype == minitorch.int64


def np_softmax(a, axis):
    a = a.astype(np.float64)
    m = np.max(a, axis=axis, keepdims=True)
    e = np.exp(a - m)
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("layout", ["contig", "permuted", "negative"])
@pytest.mark.parametrize("dtype", FLOATS)
def test_softmax_log_softmax(dtype, layout):
    t, a = make(LAYOUTS[layout](base_array(dtype) * 10), dtype)
    for dim in (0, 1, -1):
        want = np_softmax(a, dim)
        r = t.softmax(dim)
        assert r.dtype == t.dtype and r.shape == t.shape
        assert_close(r, want, dtype, atol=RTOL[dtype])
        assert_close(minitorch.log_softmax(t, dim), np.log(want), dtype, atol=RTOL[dtype] * 10)
        assert_close(F.softmax(t, dim=dim), want, dtype, atol=RTOL[dtype])
        assert_close(F.log_softmax(t, dim), np.log(want), dtype, atol=RTOL[dtype] * 10)


def test_softmax_special_and_dtype():
    inf = math.inf
    assert minitorch.tensor([-inf, 0.0]).log_softmax(0).tolist() == [-inf, 0.0]
    assert minitorch.tensor([-inf, 0.0]).softmax(0).tolist() == [0.0, 1.0]
    assert all(math.isnan(v) for v in minitorch.tensor([-inf, -inf]).softmax(0).tolist())
    big = minitorch.tensor([1000.0, 1000.0])
    assert big.softmax(0).tolist() == [0.5, 0.5]
    x = minitorch.arange(6.0).reshape(2, 3)
    r = minitorch.softmax(x, 1, dtype=minitorch.float64)
    assert r.dtype == minitorch.float64
    assert x.half().softmax(1, dtype=minitorch.float32).dtype == minitorch.float32
    assert minitorch.softmax(minitorch.tensor(2.0), 0).item() == 1.0
    assert minitorch.empty(0, 3).softmax(0).shape == (0, 3)
    with pytest.raises(NotImplementedError):
        minitorch.arange(6).softmax(0)
    with pytest.raises(NotImplementedError):
        minitorch.log_softmax(x, 0, dtype=minitorch.int64)
    with pytest.raises(TypeError):
        minitorch.softmax(x)
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        r = F.softmax(minitorch.ones(2, 3, 4))
    np.testing.assert_allclose(r.numpy(), np.full((2, 3, 4), 0.5))  # dim 0 for 3-D
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_allclose(F.log_softmax(x, None, 3, minitorch.float64).numpy(),
                                   np.log(np_softmax(x.numpy(), 1)), rtol=1e-12)


def test_softmax_matches_torch():
    torch = oracle.torch()
    a = base_array("float32", shape=(3, 5, 4)) * 5
    for dim in (0, 1, 2):
        for dtype in ("float32", "float16", "float64"):
            x = minitorch.from_numpy(a).to(getattr(minitorch, dtype))
            tx = torch.from_numpy(a).to(getattr(torch, dtype))
            np.testing.assert_allclose(x.softmax(dim).double().numpy(),
                                       tx.softmax(dim).double().numpy(), rtol=2e-3, atol=1e-3)
            np.testing.assert_allclose(x.log_softmax(dim).double().numpy(),
                                       tx.log_softmax(dim).double().numpy(), rtol=2e-3, atol=1e-2)
