"""softmax, log_softmax and logsumexp over the last dim on the vector exp
(ext/cpu/vecmath.h exp_shift_sum): values against float64 NumPy, special
rows (NaN, +-inf, all -inf), and bitwise-equal results for every thread
count and layout."""

import numpy as np
import pytest

import minitorch as m


def _ref_softmax(x):
    x = x.astype(np.float64)
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _ref_lse(x):
    x = x.astype(np.float64)
    mx = x.max(-1, keepdims=True)
    return (mx + np.log(np.exp(x - mx).sum(-1, keepdims=True)))[..., 0]


@pytest.mark.parametrize("n", [1, 7, 16, 255, 256, 257, 1024, 3001])
def test_values_against_float64(n):
    rng = np.random.default_rng(n)
    x = (rng.standard_normal((9, n)) * 8).astype(np.float32)
    t = m.from_numpy(x)
    ref = _ref_softmax(x)
    got = t.softmax(-1).numpy()
    # exp within 4 ULP, one sum, one scale, plus the rounding of x - max in
    # float32, which exp turns into a relative error of up to |x - max| ulps
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-30)
    np.testing.assert_allclose(t.log_softmax(-1).numpy(), np.log(ref), rtol=2e-6, atol=2e-6)
    np.testing.assert_allclose(t.logsumexp(-1).numpy(), _ref_lse(x), rtol=2e-6, atol=2e-6)


def test_special_rows():
    nan, inf = float("nan"), float("inf")
    x = np.array([[0.0, nan, 1.0], [0.0, inf, 1.0], [-inf, -inf, -inf], [-inf, 0.0, -inf],
                  [1e30, -1e30, 0.0]], dtype=np.float32)
    s = m.from_numpy(x).softmax(-1).numpy()
    assert np.isnan(s[0]).all()
    assert np.isnan(s[1]).any()  # inf - inf, as PyTorch
    assert np.isnan(s[2]).all()
    np.testing.assert_array_equal(s[3], [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(s[4], [1.0, 0.0, 0.0])
    lse = m.from_numpy(x).logsumexp(-1).numpy()
    assert np.isnan(lse[0]) and lse[1] == inf and lse[2] == -inf and lse[3] == 0.0


def test_same_bits_for_every_thread_count_and_layout():
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((300, 1031)) * 5).astype(np.float32)
    t = m.from_numpy(x)
    old = m.get_num_threads()
    try:
        res = {}
        for k in (1, 2, 3):
            m.set_num_threads(k)
            res[k] = [t.softmax(-1).numpy(), t.log_softmax(-1).numpy(),
                      t.logsumexp(-1).numpy(), m.from_numpy(x.ravel()).logsumexp(0).numpy()]
        for k in (2, 3):
            for a, b in zip(res[1], res[k]):
                np.testing.assert_array_equal(a, b)
    finally:
        m.set_num_threads(old)
    # a row taken out of a bigger tensor gives the bits it had inside it
    np.testing.assert_array_equal(t[5:6].softmax(-1).numpy(), res[1][0][5:6])
