"""Reductions (sum, mean, prod, max/min, all/any, var/std, norms, logsumexp,
count_nonzero) against NumPy, and result dtypes/shapes against PyTorch."""

import math
import warnings

import numpy as np
import oracle
import pytest

import minitorch

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
          "float64"]
FLOATS = ["float16", "bfloat16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]
RTOL = {"float16": 2e-3, "bfloat16": 1e-2, "float32": 2e-5, "float64": 1e-12}
DIMS = [None, 0, -1, (0, 2), (-1, 0), [1], ()]


def rng():
    return np.random.default_rng(1234)


def base_array(dtype, shape=(4, 6, 5), nan=False):
    r = rng()
    if dtype == "bool":
        return r.random(shape) > 0.4
    if dtype in INTS:
        lo = 0 if dtype == "uint8" else -3
        return r.integers(lo, 4, size=shape).astype(dtype)
    a = r.standard_normal(shape) * 2
    if nan:
        a.flat[::7] = np.nan
    return a.astype("float32" if dtype == "bfloat16" else dtype)


# Views of a base array: NumPy describes the layout, from_numpy shares it.
LAYOUTS = {
    "contig": lambda a: a,
    "permuted": lambda a: np.transpose(a, (2, 0, 1)),
    "negative": lambda a: a[::-1, :, ::-2],
    "expanded": lambda a: np.broadcast_to(a[:, :1, :], a.shape),
    "sliced": lambda a: a[1:, ::2, 1:4],
}


def make(a, dtype):
    """(tensor, numpy reference array) with the same values and layout."""
    if dtype == "bfloat16":
        t = minitorch.from_numpy(np.ascontiguousarray(a)).to(minitorch.bfloat16)
        return t, t.float().numpy().astype(np.float64)
    return minitorch.from_numpy(a), a


def to_np(t):
    if t.dtype == minitorch.bfloat16:
        return t.float().numpy()
    return t.numpy()


def axis_of(dim):
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return None
    return tuple(dim) if isinstance(dim, (tuple, list)) else dim


def kwargs_of(dim, keepdim):
    kw = {"keepdim": keepdim}
    if dim is not None:
        kw["dim"] = dim
    return kw


def assert_close(got, want, dtype, rtol=None, atol=None):
    got = to_np(got)
    want = np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    if dtype in FLOATS:
        r = RTOL[dtype] if rtol is None else rtol
        np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=r,
                                   atol=r if atol is None else atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, want)


def ref_input(a, dtype):
    return a.astype(np.float64) if dtype in FLOATS else a


# ---------------------------------------------------------------- sum family

@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_sum(dtype, layout):
    t, a = make(LAYOUTS[layout](base_array(dtype)), dtype)
    for dim in DIMS:
        for keepdim in (False, True):
            r = t.sum(**kwargs_of(dim, keepdim))
            acc = np.float64 if dtype in FLOATS else np.int64
            want = np.sum(a.astype(acc), axis=axis_of(dim), keepdims=keepdim)
            assert_close(r, want, dtype)
            want_dtype = minitorch.int64 if dtype in INTS + ["bool"] else t.dtype
            assert r.dtype == want_dtype


@pytest.mark.parametrize("dtype", DTYPES)
def test_nansum_prod_count_nonzero(dtype):
    t, a = make(LAYOUTS["permuted"](base_array(dtype, nan=True)), dtype)
    acc = np.float64 if dtype in FLOATS else np.int64
    for dim in DIMS:
        ax = axis_of(dim)
        for keepdim in (False, True):
            kw = kwargs_of(dim, keepdim)
            assert_close(minitorch.nansum(t, **kw),
                         np.nansum(a.astype(acc), axis=ax, keepdims=keepdim), dtype)
            r = minitorch.count_nonzero(t, dim=dim)
            assert r.dtype == minitorch.int64
            np.testing.assert_array_equal(r.numpy(), np.count_nonzero(a, axis=ax))
    small = np.clip(a.astype(acc), -2, 2) if dtype in FLOATS else a
    t2, small_ref = make(small.astype(a.dtype), dtype) if dtype != "bfloat16" else (t, a)
    for dim in (None, 0, -1, 1):
        for keepdim in (False, True):
            r = t2.prod(dim, keepdim) if dim is not None else t2.prod()
            want = np.prod(small_ref.astype(acc), axis=dim, keepdims=keepdim if dim is not None
                           else False)
            assert_close(r, want, dtype, rtol=1e-2 if dtype in ("float16", "bfloat16") else None)


@pytest.mark.parametrize("layout", ["contig", "negative", "expanded"])
@pytest.mark.parametrize("dtype", FLOATS)
def test_mean_nanmean(dtype, layout):
    t, a = make(LAYOUTS[layout](base_array(dtype, nan=True)), dtype)
    a64 = a.astype(np.float64)
    for dim in DIMS:
        ax = axis_of(dim)
        for keepdim in (False, True):
            kw = kwargs_of(dim, keepdim)
            assert_close(t.mean(**kw), np.mean(a64, axis=ax, keepdims=keepdim), dtype)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices
                want = np.nanmean(a64, axis=ax, keepdims=keepdim)
            assert_close(t.nanmean(**kw), want, dtype)
            assert t.mean(**kw).dtype == t.dtype


def test_mean_dtype_arg_and_int_error():
    i = minitorch.arange(6).reshape(2, 3)
    with pytest.raises(RuntimeError, match=r"mean\(\): could not infer output dtype. Input dtype "
                                           "must be either a floating point or complex dtype. "
                                           "Got: Long"):
        i.mean()
    with pytest.raises(RuntimeError, match="Optional dtype must be either a floating point"):
        i.float().mean(dtype=minitorch.int64)
    r = i.mean(dtype=minitorch.float64)
    assert r.dtype == minitorch.float64 and r.item() == 2.5
    with pytest.raises(RuntimeError, match="nanmean"):
        i.nanmean()
    h = minitorch.ones(5000, dtype=minitorch.float16)
    assert h.mean().item() == 1.0 and h.mean().dtype == minitorch.float16
    assert h.mean(dtype=minitorch.float32).dtype == minitorch.float32


def test_sum_dtype_arg_and_out():
    x = minitorch.arange(6.0).reshape(2, 3)
    i = minitorch.arange(6).reshape(2, 3).int()
    assert i.sum().dtype == minitorch.int64
    assert i.sum(dtype=minitorch.int32).dtype == minitorch.int32
    assert minitorch.sum(i, dtype=minitorch.float16).item() == 15.0
    assert minitorch.full((300,), 1, dtype=minitorch.int8).sum(dtype=minitorch.int8).item() == 44
    assert x.sum(dtype=minitorch.bool).item() is True
    out = minitorch.empty(3, dtype=minitorch.float64)
    r = minitorch.sum(x, 0, out=out)
    assert r is out and out.tolist() == [3.0, 5.0, 7.0]
    out = minitorch.empty(7)
    minitorch.sum(x, 1, out=out)  # resized
    assert out.shape == (2,) and out.tolist() == [3.0, 12.0]
    out = minitorch.empty(3, dtype=minitorch.int64)
    assert minitorch.sum(x, 0, out=out).tolist() == [3, 5, 7]
    out = minitorch.empty(2, dtype=minitorch.float64)
    assert minitorch.mean(x, 1, out=out).tolist() == [1.0, 4.0]
    assert minitorch.prod(x, 0).tolist() == [0.0, 4.0, 10.0]
    assert minitorch.prod(x, 1, True, dtype=minitorch.float64).dtype == minitorch.float64


def test_large_sum_accuracy():
    a = rng().random(4_000_003).astype(np.float32)
    t = minitorch.from_numpy(a)
    exact = a.astype(np.float64).sum()
    got = t.sum().item()
    assert abs(got - exact) / exact < 1e-6
    assert abs(t.mean().item() - exact / a.size) / (exact / a.size) < 1e-6
    # sums along an outer dim (vertical path) are accurate too
    b = a[:4_000_000].reshape(100_000, 40)
    got = minitorch.from_numpy(b).sum(0).numpy().astype(np.float64)
    np.testing.assert_allclose(got, b.astype(np.float64).sum(0), rtol=1e-6)


# ----------------------------------------------------------------- max / min

@pytest.mark.parametrize("layout", ["contig", "permuted", "negative", "expanded"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_amax_amin(dtype, layout):
    t, a = make(LAYOUTS[layout](base_array(dtype, nan=True)), dtype)
    for dim in DIMS:
        for keepdim in (False, True):
            kw = kwargs_of(dim, keepdim)
            ax = axis_of(dim)
            assert_close(t.amax(**kw), np.max(a, axis=ax, keepdims=keepdim), dtype, rtol=0)
            assert_close(minitorch.amin(t, **kw), np.min(a, axis=ax, keepdims=keepdim), dtype,
                         rtol=0)
            assert t.amax(**kw).dtype == t.dtype
    assert_close(t.max(), np.max(a), dtype, rtol=0)
    assert_close(minitorch.min(t), np.min(a), dtype, rtol=0)
    mn, mx = minitorch.aminmax(t)
    assert_close(mn, np.min(a), dtype, rtol=0)
    assert_close(mx, np.max(a), dtype, rtol=0)
    r = t.aminmax(dim=1, keepdim=True)
    assert_close(r.min, np.min(a, axis=1, keepdims=True), dtype, rtol=0)
    assert_close(r.max, np.max(a, axis=1, keepdims=True), dtype, rtol=0)


def _first_index(a, axis, kind):
    """Reference argmax/argmin: first NaN if any, else first extreme."""
    return (np.argmax if kind == "max" else np.argmin)(a, axis=axis)


@pytest.mark.parametrize("layout", ["contig", "permuted", "negative", "sliced"])
@pytest.mark.parametrize("dtype", [d for d in DTYPES if d != "bool"])
def test_argmax_argmin_and_max_dim(dtype, layout):
    t, a = make(LAYOUTS[layout](base_array(dtype, nan=True)), dtype)
    for kind in ("max", "min"):
        arg = getattr(minitorch, "arg" + kind)
        r = arg(t)
        assert r.dtype == minitorch.int64 and r.shape == ()
        assert r.item() == _first_index(a, None, kind)
        assert arg(t, keepdim=True).shape == (1, 1, 1)
        for dim in (0, 1, -1):
            for keepdim in (False, True):
                want = _first_index(a, dim, kind)
                if keepdim:
                    want = np.expand_dims(want, dim)
                np.testing.assert_array_equal(arg(t, dim, keepdim).numpy(), want)
                values, indices = getattr(t, kind)(dim, keepdim)
                np.testing.assert_array_equal(indices.numpy(), want)
                ref = (np.max if kind == "max" else np.min)(a, axis=dim, keepdims=keepdim)
                assert_close(values, ref, dtype, rtol=0)


def test_max_ties_nan_and_bool():
    r = minitorch.tensor([3.0, 1.0, 3.0]).max(0)
    assert r.values.item() == 3.0 and r.indices.item() == 0
    r = minitorch.tensor([1.0, 1.0, 3.0]).min(0)
    assert r.indices.item() == 0
    nan = float("nan")
    r = minitorch.tensor([1.0, nan, 3.0, nan]).max(0)
    assert math.isnan(r.values.item()) and r.indices.item() == 1
    assert minitorch.tensor([1.0, nan, 0.0]).argmin().item() == 1
    assert math.isnan(minitorch.tensor([1.0, nan]).amax().item())
    b = minitorch.tensor([True, False])
    assert b.max().item() is True and b.min().item() is False
    assert b.max(0).indices.item() == 0
    with pytest.raises(RuntimeError, match="does not support bool"):
        b.argmax()
    h = minitorch.tensor([1.0, nan], dtype=minitorch.bfloat16).max(0)
    assert math.isnan(h.values.item()) and h.indices.item() == 1
    z = minitorch.tensor(3.0)
    r = z.max(0)
    assert r.values.item() == 3.0 and r.indices.item() == 0 and r.indices.shape == ()


def test_return_types():
    x = minitorch.arange(6.0).reshape(2, 3)
    r = x.max(1)
    assert type(r) is minitorch.return_types.max
    assert isinstance(r, tuple) and len(r) == 2
    values, indices = r
    assert values is r.values and indices is r.indices and r[0] is r.values
    assert "minitorch.return_types.max" in repr(r) and "indices=" in repr(r)
    assert type(minitorch.min(x, 0)) is minitorch.return_types.min
    r = minitorch.aminmax(x)
    assert type(r) is minitorch.return_types.aminmax and r.min.item() == 0 and r.max.item() == 5
    r = x.cummax(1)
    assert type(r) is minitorch.return_types.cummax and r.values.shape == (2, 3)
    import minitorch.return_types as rt

    assert rt.cummin is minitorch.return_types.cummin


def test_max_out_and_elementwise_form():
    x = minitorch.arange(6.0).reshape(2, 3)
    v, i = minitorch.empty(0), minitorch.empty(0, dtype=minitorch.int64)
    r = minitorch.max(x, 0, out=(v, i))
    assert r.values is v and r.indices is i and v.tolist() == [3.0, 4.0, 5.0]
    with pytest.raises(RuntimeError, match="Expected out tensor to have dtype"):
        minitorch.max(x, 0, out=(minitorch.empty(3, dtype=minitorch.float64), i))
    with pytest.raises(RuntimeError, match="Expected the dtype for input and out to match"):
        minitorch.amax(x, 0, out=minitorch.empty(3, dtype=minitorch.int64))
    if hasattr(minitorch, "maximum"):
        np.testing.assert_array_equal(minitorch.max(x, x.flip(0)).numpy(),
                                      np.maximum(x.numpy(), x.flip(0).numpy()))
    else:
        with pytest.raises(NotImplementedError):
            minitorch.max(x, x)


# ------------------------------------------------------------------ all / any

@pytest.mark.parametrize("dtype", DTYPES)
def test_all_any(dtype):
    t, a = make(LAYOUTS["permuted"](base_array(dtype, nan=True)), dtype)
    want_dtype = minitorch.uint8 if dtype == "uint8" else minitorch.bool
    for dim in DIMS:
        for keepdim in (False, True):
            kw = kwargs_of(dim, keepdim)
            ax = () if dim == () else axis_of(dim)  # all/any(dim=()) reduce nothing, as NumPy
            r = t.all(**kw)
            assert r.dtype == want_dtype
            np.testing.assert_array_equal(r.numpy().astype(bool),
                                          np.all(a != 0, axis=ax, keepdims=keepdim))
            r = minitorch.any(t, **kw)
            np.testing.assert_array_equal(r.numpy().astype(bool),
                                          np.any(a != 0, axis=ax, keepdims=keepdim))
    with pytest.raises(RuntimeError, match="all only supports bool tensor for result"):
        minitorch.all(minitorch.ones(3), 0, out=minitorch.empty(()))


# ------------------------------------------------------------------ var / std

@pytest.mark.parametrize("layout", ["contig", "permuted", "expanded"])
@pytest.mark.parametrize("dtype", FLOATS)
def test_var_std(dtype, layout):
    t, a = make(LAYOUTS[layout](base_array(dtype)), dtype)
    a64 = a.astype(np.float64)
    for dim in DIMS:
        ax = axis_of(dim)
        for keepdim in (False, True):
            for correction in (0, 1, 2.5):
                kw = dict(kwargs_of(dim, keepdim), correction=correction)
                with np.errstate(all="ignore"):
                    v = np.var(a64, axis=ax, ddof=correction, keepdims=keepdim)
                assert_close(t.var(**kw), v, dtype)
                assert_close(minitorch.std(t, **kw), np.sqrt(v), dtype)
                s, m = minitorch.std_mean(t, **kw)
                assert_close(s, np.sqrt(v), dtype)
                assert_close(m, np.mean(a64, axis=ax, keepdims=keepdim), dtype)
                vv, m = minitorch.var_mean(t, **kw)
                assert_close(vv, v, dtype)


def test_var_signatures_match_torch():
    torch = oracle.torch()
    a = base_array("float32")[0]
    x, tx = minitorch.from_numpy(a), torch.from_numpy(a)
    calls = [
        lambda m, t: m.var(t),
        lambda m, t: t.var(),
        lambda m, t: t.var(False),
        lambda m, t: t.var(0, False),
        lambda m, t: t.var(0, True, True),
        lambda m, t: t.var(dim=1, unbiased=False),
        lambda m, t: t.std(1, correction=0, keepdim=True),
        lambda m, t: m.std(t, None, keepdim=True),
        lambda m, t: t.var(correction=0.5),
        lambda m, t: m.var_mean(t, 1)[0],
        lambda m, t: m.std_mean(t, dim=(0, 1), correction=0)[1],
    ]
    for call in calls:
        got, want = call(minitorch, x), call(torch, tx)
        assert got.shape == tuple(want.shape)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5)
    assert type(minitorch.var_mean(x)) is tuple


def test_var_errors_and_edge_cases():
    with pytest.raises(RuntimeError, match="std and var only support floating point"):
        minitorch.arange(4).var()
    with pytest.raises(RuntimeError, match="std_mean only support floating point"):
        minitorch.std_mean(minitorch.arange(4))
    assert math.isnan(minitorch.tensor([1.0]).var().item())
    assert math.isnan(minitorch.empty(0).var().item())
    assert minitorch.tensor([1.0, 2.0]).var(correction=2).item() == math.inf
    assert minitorch.tensor([5.0, 5.0, 5.0]).var().item() == 0.0
    big = minitorch.tensor([1e8 + 1.0, 1e8 + 2.0, 1e8 + 3.0], dtype=minitorch.float64)
    assert big.var().item() == pytest.approx(1.0, rel=1e-12)


# ---------------------------------------------------------------------- norms

NORM_ORDS = [2, 1, math.inf, -math.inf, 0, 3.5, -1, 0.5]


def np_norm(a, ord, axis, keepdims):
    a = np.abs(a.astype(np.float64))
    if ord == math.inf:
        return np.max(a, axis=axis, keepdims=keepdims)
    if ord == -math.inf:
        return np.min(a, axis=axis, keepdims=keepdims)
    if ord == 0:
        return np.sum(a != 0, axis=axis, keepdims=keepdims).astype(np.float64)
    with np.errstate(divide="ignore"):
        return np.sum(a ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("ord", NORM_ORDS)
def test_vector_norm(dtype, ord):
    t, a = make(LAYOUTS["negative"](base_array(dtype)), dtype)
    for dim in (None, 0, -1, (0, 2)):
        for keepdim in (False, True):
            r = minitorch.linalg.vector_norm(t, ord, dim, keepdim)
            assert r.dtype == t.dtype
            assert_close(r, np_norm(a, ord, axis_of(dim), keepdim), dtype,
                         rtol=RTOL[dtype] * 5)
    if ord in (2, 1, math.inf):
        assert_close(t.norm(p=ord), np_norm(a, ord, None, False), dtype, rtol=RTOL[dtype] * 5)


def test_norm_variants():
    x = minitorch.arange(6.0).reshape(2, 3)
    a = x.numpy().astype(np.float64)
    assert x.norm().item() == pytest.approx(np.sqrt((a ** 2).sum()), rel=1e-6)
    assert x.norm(p="fro").item() == pytest.approx(np.sqrt((a ** 2).sum()), rel=1e-6)
    np.testing.assert_allclose(x.norm(p="fro", dim=1).numpy(), np.linalg.norm(a, axis=1),
                               rtol=1e-6)
    np.testing.assert_allclose(minitorch.norm(x, 1, 1, True).numpy(),
                               np.abs(a).sum(1, keepdims=True), rtol=1e-6)
    assert minitorch.norm(x, dtype=minitorch.float64).dtype == minitorch.float64
    with pytest.raises(NotImplementedError):
        x.norm(p="nuc")
    with pytest.raises(RuntimeError, match="Order abc not supported"):
        x.norm(p="abc")
    with pytest.raises(RuntimeError, match="Expected a floating point or complex tensor"):
        minitorch.linalg.vector_norm(minitorch.arange(3))
    with pytest.raises(RuntimeError, match="dtype should be floating point"):
        minitorch.linalg.vector_norm(x, dtype=minitorch.int64)
    with pytest.raises(RuntimeError, match="without narrowing"):
        minitorch.linalg.vector_norm(x.double(), dtype=minitorch.float32)
    with pytest.raises(RuntimeError, match="cannot compute the inf norm on an empty tensor"):
        minitorch.linalg.vector_norm(minitorch.empty(0), ord=math.inf)
    with pytest.raises(RuntimeError, match="on the dimension 0"):
        minitorch.empty(0, 3).norm(p=math.inf, dim=0)
    assert minitorch.empty(0, 3).norm(p=math.inf, dim=1).shape == (0,)
    assert minitorch.linalg.vector_norm(minitorch.empty(0)).item() == 0.0
    with pytest.raises(TypeError):
        minitorch.linalg.vector_norm(x, ord="fro")
    # linalg.norm: vector and the SVD-free matrix norms
    np.testing.assert_allclose(minitorch.linalg.norm(x).item(), np.linalg.norm(a), rtol=1e-6)
    for ord in ("fro", 1, -1, math.inf, -math.inf):
        np.testing.assert_allclose(minitorch.linalg.norm(x, ord).item(), np.linalg.norm(a, ord),
                                   rtol=1e-6)
    np.testing.assert_allclose(minitorch.linalg.norm(x, 3, dim=1).numpy(),
                               np.linalg.norm(a, 3, axis=1), rtol=1e-5)


# ------------------------------------------------------------------ logsumexp

@pytest.mark.parametrize("dtype", FLOATS + ["int64", "bool"])
def test_logsumexp(dtype):
    t, a = make(LAYOUTS["permuted"](base_array(dtype)), dtype)
    a64 = a.astype(np.float64)
    for dim in (0, -1, (0, 2), [1]):
        for keepdim in (False, True):
            ax = axis_of(dim)
            m = np.max(a64, axis=ax, keepdims=True)
            want = np.log(np.sum(np.exp(a64 - m), axis=ax, keepdims=True)) + m
            if not keepdim:
                want = np.squeeze(want, axis=ax)
            r = minitorch.logsumexp(t, dim, keepdim)
            want_dtype = t.dtype if dtype in FLOATS else minitorch.float32
            assert r.dtype == want_dtype
            assert_close(r, want, dtype if dtype in FLOATS else "float32")


def test_logsumexp_special_values():
    inf, nan = math.inf, math.nan
    assert minitorch.logsumexp(minitorch.tensor([inf, 1.0]), 0).item() == inf
    assert minitorch.logsumexp(minitorch.tensor([-inf, -inf]), 0).item() == -inf
    assert math.isnan(minitorch.logsumexp(minitorch.tensor([inf, nan]), 0).item())
    assert minitorch.logsumexp(minitorch.empty(0), 0).item() == -inf
    big = minitorch.tensor([1000.0, 1000.0])
    assert minitorch.logsumexp(big, 0).item() == pytest.approx(1000 + math.log(2))
    # long rows are merged across leaves with rescaling
    a = rng().standard_normal(10_000) * 50
    got = minitorch.logsumexp(minitorch.from_numpy(a), 0).item()
    m = a.max()
    assert got == pytest.approx(m + np.log(np.exp(a - m).sum()), rel=1e-12)
    with pytest.raises(RuntimeError, match="Expected floating point type for result"):
        minitorch.logsumexp(big, 0, out=minitorch.empty((), dtype=minitorch.int64))


# ---------------------------------------------------------------- empty input

def test_empty_reductions():
    e = minitorch.empty(0)
    assert e.sum().item() == 0.0 and e.prod().item() == 1.0
    assert minitorch.empty(0, dtype=minitorch.int32).sum().dtype == minitorch.int64
    assert math.isnan(e.mean().item())
    assert e.all().item() is True and e.any().item() is False
    assert minitorch.count_nonzero(e).item() == 0
    z = minitorch.empty(2, 0)
    assert z.sum(1).tolist() == [0.0, 0.0] and z.prod(1).tolist() == [1.0, 1.0]
    assert z.sum(0).shape == (0,)
    assert z.amax(0).shape == (0,)
    v, i = minitorch.empty(0, 3).max(1)
    assert v.shape == (0,) and i.dtype == minitorch.int64
    with pytest.raises(RuntimeError, match=r"max\(\): Expected reduction dim to be specified for "
                                           r"input.numel\(\) == 0"):
        e.max()
    with pytest.raises(RuntimeError, match="amin"):
        e.amin()
    with pytest.raises(IndexError, match=r"max\(\): Expected reduction dim 0 to have non-zero"):
        minitorch.empty(0, 3).max(0)
    with pytest.raises(IndexError, match=r"amax\(\): Expected reduction dim 1 to have non-zero"):
        z.amax(1)
    with pytest.raises(IndexError, match=r"argmax\(\): Expected reduction dim to be specified"):
        e.argmax()
    with pytest.raises(IndexError, match="argmin"):
        minitorch.empty(0, 3).argmin(0)
    with pytest.raises(RuntimeError, match="cannot compute aminmax over an empty dimension"):
        e.aminmax()
    with pytest.raises(IndexError, match="aminmax"):
        minitorch.empty(0, 3).aminmax(dim=0)


# --------------------------------------------------------------- bad arguments

def test_dim_errors():
    x = minitorch.ones(2, 3)
    for fn in (lambda: x.sum(2), lambda: x.mean(-3), lambda: x.amax(5), lambda: x.max(2),
               lambda: x.argmax(2), lambda: x.var(3), lambda: x.cumsum(2), lambda: x.softmax(-3),
               lambda: x.all(2), lambda: minitorch.logsumexp(x, 4), lambda: x.prod(2),
               lambda: minitorch.count_nonzero(x, 9)):
        with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range "
                                             r"of \[-2, 1\]"):
            fn()
    for fn in (lambda: x.sum((0, 0)), lambda: x.sum((0, -2)), lambda: x.amax((1, -1)),
               lambda: minitorch.count_nonzero(x, (0, 0))):
        with pytest.raises(RuntimeError, match="dim 0 appears multiple times|dim 1 appears"):
            fn()
    with pytest.raises(TypeError):
        x.sum(1.0)
    with pytest.raises(TypeError):
        x.sum("a")
    with pytest.raises(TypeError):
        minitorch.logsumexp(x)
    with pytest.raises(TypeError):
        x.cumsum()
    with pytest.raises(TypeError):
        minitorch.sum([1, 2])
    s = minitorch.tensor(3.0)
    assert s.sum(0).item() == 3.0 and s.sum(-1).item() == 3.0
    with pytest.raises(IndexError, match=r"\[-1, 0\]"):
        s.sum(1)


def test_tiny_sum_values():
    t = minitorch.tensor([1.0, 2.0, 3.0])
    assert t.sum().item() == 6.0
    assert t.sum().shape == ()
    assert minitorch.tensor([True, True, False]).sum().item() == 2


# --------------------------------------------------------- against PyTorch

TORCH_OPS = {
    "sum": lambda m, t: m.sum(t, 1),
    "sum_all": lambda m, t: t.sum(),
    "nansum": lambda m, t: m.nansum(t, (0, 1), keepdim=True),
    "prod": lambda m, t: t.prod(1),
    "amax": lambda m, t: t.amax(0),
    "max": lambda m, t: t.max(),
    "max_dim": lambda m, t: t.max(1)[1],
    "argmin": lambda m, t: t.argmin(),
    "all": lambda m, t: t.all(1),
    "any": lambda m, t: m.any(t),
    "count_nonzero": lambda m, t: m.count_nonzero(t, 0),
    "cumsum": lambda m, t: t.cumsum(0),
    "cumprod": lambda m, t: m.cumprod(t, 1),
    "cummax": lambda m, t: t.cummax(1)[0],
    "logsumexp": lambda m, t: m.logsumexp(t, 1),
}


@pytest.mark.parametrize("op", list(TORCH_OPS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_result_dtype_and_shape_match_torch(op, dtype):
    torch = oracle.torch()
    a = base_array(dtype, shape=(3, 4))
    if dtype == "bool" and op in ("argmin",):
        pytest.skip("torch rejects bool here (checked elsewhere)")
    if dtype == "bfloat16":
        x = minitorch.from_numpy(a).to(minitorch.bfloat16)
        tx = torch.from_numpy(a).to(torch.bfloat16)
    else:
        x, tx = minitorch.from_numpy(a), torch.from_numpy(a)
    try:
        want = TORCH_OPS[op](torch, tx)
    except (RuntimeError, NotImplementedError) as e:
        with pytest.raises(type(e)):
            TORCH_OPS[op](minitorch, x)
        return
    got = TORCH_OPS[op](minitorch, x)
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    assert got.shape == tuple(want.shape)
    g = got.float().numpy() if dtype == "bfloat16" else got.numpy()
    w = want.float().numpy() if dtype == "bfloat16" else want.numpy()
    np.testing.assert_allclose(g.astype(np.float64), w.astype(np.float64), rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_simd_paths_with_nan_and_inf(dtype):
    r = rng()
    a = r.standard_normal(100_003).astype(dtype)
    t = minitorch.from_numpy(a)
    assert t.amax().item() == a.max() and t.argmax().item() == a.argmax()
    assert t.amin().item() == a.min() and t.argmin().item() == a.argmin()
    a[77_777] = np.inf
    a[88_888] = np.inf
    assert t.amax().item() == np.inf and t.argmax().item() == 77_777
    a[99_999] = -np.inf
    assert t.amin().item() == -np.inf and t.argmin().item() == 99_999
    a[55_555] = np.nan
    a[66_666] = np.nan
    assert math.isnan(t.amax().item()) and math.isnan(t.min().item())
    assert t.argmax().item() == 55_555 and t.argmin().item() == 55_555
    assert math.isnan(minitorch.logsumexp(t, 0).item())
    # vertical layout: NaN and inf in single columns
    b = r.standard_normal((1000, 70)).astype(dtype)
    b[500, 5] = np.nan
    b[3, 9] = np.inf
    tb = minitorch.from_numpy(b)
    np.testing.assert_array_equal(tb.amax(0).numpy(), b.max(0))
    np.testing.assert_array_equal(tb.amin(0).numpy(), b.min(0))
    np.testing.assert_array_equal(tb.max(0).indices.numpy(), b.argmax(0))
    mn, mx = tb.aminmax(dim=0)
    np.testing.assert_array_equal(mx.numpy(), b.max(0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = b.astype(np.float64).sum(0)
    np.testing.assert_allclose(tb.sum(0).numpy().astype(np.float64), want, rtol=RTOL[dtype] * 10,
                               atol=RTOL[dtype] * 10)
    sm = tb.softmax(1).numpy()
    assert np.isnan(sm[500]).all() and np.isnan(sm[3]).all() and not np.isnan(sm[4]).any()
