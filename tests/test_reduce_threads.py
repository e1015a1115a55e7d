"""Reductions give bitwise identical results for any thread count (fixed
chunking, partials combined in chunk order), and hypothesis-generated shapes,
dims and strides agree with NumPy."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch


@pytest.fixture
def restore_threads():
    n = minitorch.get_num_threads()
    yield
    minitorch.set_num_threads(n)


def bits(t):
    a = t.numpy()
    return np.atleast_1d(a).view(np.uint8) if a.dtype != bool else a


CASES = {
    "sum_all": lambda t: t.sum(),
    "mean_all": lambda t: t.mean(),
    "var_all": lambda t: t.var(),
    "std_mean": lambda t: minitorch.std_mean(t)[1],
    "norm2": lambda t: t.norm(),
    "norm3": lambda t: minitorch.linalg.vector_norm(t, 3),
    "logsumexp": lambda t: minitorch.logsumexp(t, (0, 1)),
    "nansum": lambda t: t.nansum(),
    "amax": lambda t: t.amax(),
    "argmax": lambda t: t.argmax(),
    "prod": lambda t: t.prod(1),
    "sum_dim0": lambda t: t.sum(0),            # vertical: many columns
    "sum_dim1": lambda t: t.sum(1),            # few outputs, long rows: chunked
    "mean_dim1_T": lambda t: t.t().mean(0),    # strided rows
    "var_dim1": lambda t: t.var(1),
    "cumsum": lambda t: t.cumsum(1),
    "softmax": lambda t: t.softmax(1),
    "sum_flip": lambda t: t.flip(1).sum(),
    "count_nonzero": lambda t: minitorch.count_nonzero(t, 1),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bitwise_identical_across_thread_counts(case, restore_threads):
    a = np.random.default_rng(7).standard_normal((4, 300_001)).astype(np.float32)
    t = minitorch.from_numpy(a)
    fn = CASES[case]
    minitorch.set_num_threads(1)
    one = fn(t)
    results = []
    for n in (2, 4, 3):
        minitorch.set_num_threads(n)
        results.append(fn(t))
    for r in results:
        assert np.array_equal(bits(one), bits(r)), case


def test_vertical_and_outer_parallel_identical(restore_threads):
    a = np.random.default_rng(3).standard_normal((70_000, 37)).astype(np.float32)
    t = minitorch.from_numpy(a)
    outs = {}
    for n in (1, 4):
        minitorch.set_num_threads(n)
        outs[n] = [t.sum(0), t.sum(1), t.amax(0), t.t().sum(1), t.mean((0, 1)),
                   t.half().sum(0), minitorch.from_numpy(a.astype(np.int32)).sum(0)]
    for x, y in zip(outs[1], outs[4]):
        assert np.array_equal(bits(x.float() if x.dtype == minitorch.float16 else x),
                              bits(y.float() if y.dtype == minitorch.float16 else y))
    np.testing.assert_allclose(outs[1][0].numpy(), a.astype(np.float64).sum(0), rtol=1e-5)


@st.composite
def strided_case(draw):
    ndim = draw(st.integers(0, 4))
    shape = tuple(draw(st.lists(st.integers(0, 5), min_size=ndim, max_size=ndim)))
    a = np.random.default_rng(draw(st.integers(0, 1000))).standard_normal(shape)
    # a random permutation and random flips give arbitrary (also negative) strides
    perm = draw(st.permutations(range(ndim)))
    a = np.transpose(a, perm)
    for d in range(ndim):
        if draw(st.booleans()):
            a = np.flip(a, d)
    if ndim and draw(st.booleans()):
        d = draw(st.integers(0, ndim - 1))
        a = np.broadcast_to(np.take(a, [0], axis=d) if a.shape[d] else a, a.shape)
    dims = draw(st.one_of(st.none(), st.lists(st.integers(0, max(ndim - 1, 0)), unique=True,
                                              max_size=ndim)))
    if ndim == 0:
        dims = draw(st.sampled_from([None, [0], [-1]]))
    keepdim = draw(st.booleans())
    return a, dims, keepdim


@settings(max_examples=60, deadline=None)
@given(strided_case())
def test_hypothesis_sum_mean_amax(case):
    a, dims, keepdim = case
    t = minitorch.from_numpy(a)
    axis = None if not dims else tuple(d % max(a.ndim, 1) for d in dims) if a.ndim else None
    kw = {"keepdim": keepdim}
    if dims is not None:
        kw["dim"] = dims
    want = np.sum(a, axis=axis, keepdims=keepdim)
    got = t.sum(**kw)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-12)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy: mean of empty slice
        np.testing.assert_allclose(t.mean(**kw).numpy(), np.mean(a, axis=axis, keepdims=keepdim),
                                   rtol=1e-12, atol=1e-12)
    reduced_empty = a.size == 0 and (axis is None or any(a.shape[d] == 0 for d in
                                                         np.atleast_1d(axis)))
    if not reduced_empty:
        np.testing.assert_array_equal(t.amax(**kw).numpy(), np.max(a, axis=axis, keepdims=keepdim))
    if a.size:
        np.testing.assert_array_equal(t.argmax().numpy(), np.argmax(a))
    if a.ndim and a.shape[-1]:
        v, i = t.min(-1, keepdim)
        np.testing.assert_array_equal(i.numpy(), np.argmin(a, axis=-1, keepdims=keepdim))
        np.testing.assert_array_equal(v.numpy(), np.min(a, axis=-1, keepdims=keepdim))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_contiguous_and_strided_sums_are_bitwise_equal(dtype):
    # The contiguous SIMD path (AVX2 where available) and the strided loop
    # fold the same lanes in the same order.
    a = np.random.default_rng(5).standard_normal(1_000_003).astype(dtype)
    wide = np.zeros(2 * a.size, dtype=dtype)
    wide[::2] = a
    x, y = minitorch.from_numpy(a), minitorch.from_numpy(wide[::2])
    assert not y.is_contiguous()
    for fn in (lambda t: t.sum(), lambda t: t.mean(), lambda t: t[:777].sum()):
        assert np.array_equal(bits(fn(x)), bits(fn(y)))
