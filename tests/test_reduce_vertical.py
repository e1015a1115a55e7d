"""The session-10 reduction paths: one-pass blocked argmax/argmin, vertical
(dim=0 of a C-order matrix) argmax/argmin and var/std, AVX2 max/min and
1-/2-norm lane sums. Values against NumPy; bitwise equal for any thread count."""

import numpy as np
import pytest

import minitorch


@pytest.fixture
def restore_threads():
    n = minitorch.get_num_threads()
    yield
    minitorch.set_num_threads(n)


def rng():
    return np.random.default_rng(10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fn", ["argmax", "argmin"])
def test_arg_blocked_ties_and_nan(dtype, fn):
    a = rng().standard_normal(20_000).astype(dtype)
    ext = 50.0 if fn == "argmax" else -50.0
    a[[7_000, 9_000, 15_000]] = ext          # ties across scan blocks: first wins
    t = minitorch.from_numpy(a.copy())
    assert getattr(t, fn)().item() == 7_000
    a[12_345] = np.nan                        # a NaN in a later block wins
    a[18_000] = np.nan
    t = minitorch.from_numpy(a.copy())
    assert getattr(t, fn)().item() == 12_345
    b = np.full(5000, -np.inf if fn == "argmax" else np.inf, dtype)
    assert getattr(minitorch.from_numpy(b), fn)().item() == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fn", ["argmax", "argmin"])
def test_arg_dim0_vertical(dtype, fn):
    a = rng().integers(0, 4, (300, 70)).astype(dtype)   # many ties
    a[5, 3] = np.nan
    a[9, 3] = np.nan
    t = minitorch.from_numpy(a)
    got = getattr(t, fn)(0).numpy()
    want = getattr(np, fn)(a, 0)                          # NumPy: first NaN, first tie
    np.testing.assert_array_equal(got, want)
    got_k = getattr(t, fn)(0, keepdim=True).numpy()
    np.testing.assert_array_equal(got_k, want[None])
    # 3-d, reducing the two outer dims (row-major index over them)
    b = rng().standard_normal((6, 50, 40)).astype(dtype)
    got3 = getattr(minitorch.from_numpy(b), "amax" if fn == "argmax" else "amin")((0, 1)).numpy()
    np.testing.assert_array_equal(got3, b.max((0, 1)) if fn == "argmax" else b.min((0, 1)))
    mx = minitorch.from_numpy(b).max(0) if fn == "argmax" else minitorch.from_numpy(b).min(0)
    np.testing.assert_array_equal(mx.indices.numpy(), getattr(np, fn)(b, 0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("correction", [0, 1])
def test_var_std_dim0_vertical(dtype, correction):
    a = (rng().standard_normal((1000, 65)) * 3 + 1e4).astype(dtype)  # big mean: no cancellation
    t = minitorch.from_numpy(a)
    ref = a.astype(np.float64).var(0, ddof=correction)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(t.var(0, correction=correction).numpy(), ref, rtol=tol)
    np.testing.assert_allclose(t.std(0, correction=correction).numpy(), np.sqrt(ref), rtol=tol)
    s, m = minitorch.var_mean(t, 0, correction=correction)
    np.testing.assert_allclose(m.numpy(), a.astype(np.float64).mean(0), rtol=1e-6)
    np.testing.assert_allclose(s.numpy(), ref, rtol=tol)
    c = a.copy()
    c[10, 2] = np.nan
    c[20, 4] = np.inf
    v = minitorch.from_numpy(c).var(0).numpy()
    assert np.isnan(v[2]) and np.isnan(v[4]) and np.isfinite(v[3])
    one = minitorch.from_numpy(a[:1]).var(0).numpy()     # n - correction <= 0
    assert np.all(np.isnan(one)) or correction == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_norms_contiguous_and_strided(dtype):
    a = rng().standard_normal(100_003).astype(dtype)
    t = minitorch.from_numpy(a)
    a64 = a.astype(np.float64)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for p in (1, 2, 3, float("inf")):
        want = np.linalg.norm(a64, p)
        np.testing.assert_allclose(minitorch.linalg.vector_norm(t, p).item(), want, rtol=tol)
        np.testing.assert_allclose(minitorch.linalg.vector_norm(t.flip(0), p).item(), want,
                                   rtol=tol)
        np.testing.assert_allclose(minitorch.linalg.vector_norm(t[::3], p).item(),
                                   np.linalg.norm(a64[::3], p), rtol=tol)
    m = a[:100_000].reshape(400, 250)
    np.testing.assert_allclose(minitorch.from_numpy(m).norm(dim=1).numpy(),
                               np.linalg.norm(m.astype(np.float64), axis=1), rtol=tol)
    np.testing.assert_allclose(minitorch.from_numpy(m).norm(dim=0).numpy(),
                               np.linalg.norm(m.astype(np.float64), axis=0), rtol=tol)
    b = a.copy()
    b[777] = np.nan
    assert np.isnan(minitorch.from_numpy(b).norm().item())
    b[777] = np.inf
    assert minitorch.from_numpy(b).norm().item() == np.inf


def test_amax_amin_nan_and_layouts():
    a = rng().standard_normal((512, 300)).astype(np.float32)
    t = minitorch.from_numpy(a)
    for d in (0, 1):
        np.testing.assert_array_equal(t.amax(d).numpy(), a.max(d))
        np.testing.assert_array_equal(t.amin(d).numpy(), a.min(d))
        np.testing.assert_array_equal(t.t().amax(d).numpy(), a.T.max(d))
    b = a.copy()
    b[100, 7] = np.nan
    r = minitorch.from_numpy(b).amax(0).numpy()
    assert np.isnan(r[7]) and not np.isnan(np.delete(r, 7)).any()
    assert np.isnan(minitorch.from_numpy(b).amin().item())
    with pytest.raises(IndexError):
        minitorch.zeros(0, 3).argmax(0)


CASES = {
    "argmax_all": lambda t: t.argmax(),
    "argmin_dim0": lambda t: t.argmin(0),
    "amax_dim0": lambda t: t.amax(0),
    "var_dim0": lambda t: t.var(0),
    "std_dim0": lambda t: t.std(0, correction=0),
    "norm1": lambda t: t.norm(1),
    "norm2_dim0": lambda t: t.norm(dim=0),
    "norm2_dim1": lambda t: t.norm(dim=1),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bitwise_across_threads(case, restore_threads):
    a = np.random.default_rng(3).standard_normal((2000, 300)).astype(np.float32)
    t = minitorch.from_numpy(a)
    minitorch.set_num_threads(1)
    one = CASES[case](t).numpy()
    for n in (2, 3):
        minitorch.set_num_threads(n)
        assert CASES[case](t).numpy().tobytes() == one.tobytes()
