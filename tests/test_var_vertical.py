"""var/std/var_mean over dim 0 of C-order tensors (the structure-of-arrays
path of Note [Vertical var] in ext/cpu/reduce_stats.cpp): values against
NumPy in float64, special values, and bitwise-equal results for every thread
count."""

import numpy as np
import pytest

import minitorch as m

SHAPES = [(4096, 1024), (129, 513), (300, 7), (1, 5), (2, 3, 1030), (257, 1000)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", SHAPES)
def test_values_and_thread_equality(dtype, shape):
    rng = np.random.default_rng(sum(shape))
    a = (rng.standard_normal(shape) * 3 + 100).astype(dtype)
    t = m.from_numpy(a)
    ref = a.astype(np.float64).var(0, ddof=1) if shape[0] > 1 else None
    old = m.get_num_threads()
    try:
        got = {}
        for n in (1, 2, 3):
            m.set_num_threads(n)
            v, mean = m.var_mean(t, 0)
            got[n] = (t.var(0).numpy(), t.std(0, correction=0).numpy(), v.numpy(), mean.numpy())
    finally:
        m.set_num_threads(old)
    for n in (2, 3):
        for x, y in zip(got[1], got[n]):
            np.testing.assert_array_equal(x, y)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got[1][3], a.astype(np.float64).mean(0), rtol=tol)
    np.testing.assert_allclose(got[1][1], a.astype(np.float64).std(0), rtol=tol)
    if ref is None:
        assert np.isnan(got[1][0]).all()  # n - correction = 0
    else:
        np.testing.assert_allclose(got[1][0], ref, rtol=tol)
        np.testing.assert_array_equal(got[1][0], got[1][2])


def test_special_values():
    a = np.ones((300, 4), np.float32)
    a[17, 0] = np.nan
    a[200, 1] = np.inf
    a[:, 2] = np.arange(300, dtype=np.float32)
    v = m.from_numpy(a).var(0).numpy()
    assert np.isnan(v[0]) and np.isnan(v[1])
    assert v[2] == np.float32(np.arange(300.0).var(ddof=1)) and v[3] == 0.0
