"""The direct kernel for small float matmuls (Note [Small matmul]): values
against a float64 NumPy reference, over the shapes and layouts that take it
(and the ones next to its limits that keep BLAS), batches, addmm/baddbmm's
alpha and beta, and results independent of the thread count."""

import numpy as np
import pytest

import minitorch as mt

SHAPES = [(16, 16, 16), (8, 8, 8), (5, 7, 9), (64, 2, 64), (1, 64, 64), (20, 20, 20),
          (64, 64, 64), (65, 3, 3), (3, 130, 2)]


def _ref(a, b):
    return (a.astype(np.float64) @ b.astype(np.float64))


def _tol(dtype, k):
    return (1e-5 if dtype == "float32" else 1e-12) * max(k, 1) ** 0.5 * 10


@pytest.mark.parametrize("m,k,n", SHAPES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_small_matmul_values(m, k, n, dtype):
    rng = np.random.default_rng(m * 1000 + k * 10 + n)
    a = rng.standard_normal((m, k)).astype(dtype)
    b = rng.standard_normal((k, n)).astype(dtype)
    ref = _ref(a, b)
    tol = _tol(dtype, k)
    got = (mt.tensor(a) @ mt.tensor(b)).numpy()
    assert got.dtype == dtype and got.shape == (m, n)
    np.testing.assert_allclose(got, ref, rtol=tol, atol=tol)
    # A transposed (strided rows), B transposed (goes to BLAS), B flipped
    ta = mt.tensor(np.ascontiguousarray(a.T)).t()
    tb = mt.tensor(np.ascontiguousarray(b.T)).t()
    np.testing.assert_allclose((ta @ mt.tensor(b)).numpy(), ref, rtol=tol, atol=tol)
    np.testing.assert_allclose((mt.tensor(a) @ tb).numpy(), ref, rtol=tol, atol=tol)
    fb = mt.tensor(np.ascontiguousarray(b[::-1])).flip(0)
    np.testing.assert_allclose((mt.tensor(a) @ fb).numpy(), ref, rtol=tol, atol=tol)


@pytest.mark.parametrize("bs,n", [(256, 8), (3, 16), (40, 5)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_small_batched(bs, n, dtype):
    rng = np.random.default_rng(bs + n)
    x = rng.standard_normal((bs, n, n)).astype(dtype)
    y = rng.standard_normal((bs, n, n)).astype(dtype)
    ref = np.matmul(x.astype(np.float64), y.astype(np.float64))
    tol = _tol(dtype, n)
    got = mt.matmul(mt.tensor(x), mt.tensor(y))
    np.testing.assert_allclose(got.numpy(), ref, rtol=tol, atol=tol)
    # broadcast B over the batch, and bmm
    np.testing.assert_allclose(mt.matmul(mt.tensor(x), mt.tensor(y[0])).numpy(),
                               np.matmul(x.astype(np.float64), y[0].astype(np.float64)),
                               rtol=tol, atol=tol)
    np.testing.assert_allclose(mt.bmm(mt.tensor(x), mt.tensor(y)).numpy(), ref, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_small_addmm_alpha_beta(dtype):
    rng = np.random.default_rng(7)
    a = rng.standard_normal((12, 10)).astype(dtype)
    b = rng.standard_normal((10, 14)).astype(dtype)
    c = rng.standard_normal((12, 14)).astype(dtype)
    tol = _tol(dtype, 10)
    for alpha, beta in [(1, 1), (0.5, 2.0), (2.0, 0)]:
        got = mt.addmm(mt.tensor(c), mt.tensor(a), mt.tensor(b), beta=beta, alpha=alpha)
        ref = beta * c.astype(np.float64) + alpha * _ref(a, b)
        np.testing.assert_allclose(got.numpy(), ref, rtol=tol, atol=tol)
    # beta == 0 ignores NaN in the input (BLAS semantics)
    cn = np.full((12, 14), np.nan, dtype)
    got = mt.addmm(mt.tensor(cn), mt.tensor(a), mt.tensor(b), beta=0)
    np.testing.assert_allclose(got.numpy(), _ref(a, b), rtol=tol, atol=tol)
    x = rng.standard_normal((6, 4, 5)).astype(dtype)
    y = rng.standard_normal((6, 5, 3)).astype(dtype)
    z = rng.standard_normal((6, 4, 3)).astype(dtype)
    got = mt.baddbmm(mt.tensor(z), mt.tensor(x), mt.tensor(y), beta=0.5, alpha=3.0)
    ref = 0.5 * z.astype(np.float64) + 3.0 * np.matmul(x.astype(np.float64), y.astype(np.float64))
    np.testing.assert_allclose(got.numpy(), ref, rtol=tol, atol=tol)


def test_small_matmul_thread_count_independent():
    rng = np.random.default_rng(3)
    x = mt.tensor(rng.standard_normal((512, 16, 16)).astype("float32"))
    y = mt.tensor(rng.standard_normal((512, 16, 16)).astype("float32"))
    old = mt.get_num_threads()
    try:
        mt.set_num_threads(1)
        one = mt.matmul(x, y).numpy()
        mt.set_num_threads(2)
        two = mt.matmul(x, y).numpy()
    finally:
        mt.set_num_threads(old)
    np.testing.assert_array_equal(one, two)
