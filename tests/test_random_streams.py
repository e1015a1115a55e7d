"""minitorch's CPU random streams against PyTorch's for the same seed.

The recorded streams come from tests/data/gen_random_streams.py (torch's CPU
generator); the live test repeats a few with torch when it is installed.
float32 normals may differ by a few ulps: PyTorch's vectorised Box-Muller uses
its own log/sin/cos, so those compare with a tolerance of 1e-6.
"""

import json
import pathlib

import numpy as np
import pytest

import minitorch as m

DATA = json.loads(pathlib.Path(__file__).with_name("data").joinpath("random_streams.json").read_text())


def _draw(op, dt, n):
    d = getattr(m, dt)
    if op == "rand":
        return m.rand(n, dtype=d)
    if op == "randn":
        return m.randn(n, dtype=d)
    if op == "uniform_":
        return m.empty(n, dtype=d).uniform_(-0.3, 0.7)
    if op == "normal_":
        return m.empty(n, dtype=d).normal_(0.5, 2.0)
    if op == "bernoulli_":
        return m.empty(n, dtype=d).bernoulli_(0.3)
    if op == "normal_T":
        return m.empty(3, n, dtype=d).T.normal_()
    raise AssertionError(op)


def _check(op, dt, got, want):
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    if dt == "float32" and ("norm" in op or op == "randn"):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    elif op == "uniform_" and dt == "float64":  # PyTorch fuses x * (to - from) + from
        np.testing.assert_allclose(got, want, rtol=1e-15, atol=1e-16)
    else:
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("row", DATA["streams"], ids=lambda r: f"{r['op']}-{r['dtype']}-{r['n']}")
def test_recorded_stream(row):
    m.manual_seed(row["n"])
    for want in row["values"]:
        got = _draw(row["op"], row["dtype"], row["n"])
        _check(row["op"], row["dtype"], got.reshape(-1).tolist(), want)


def test_linear_init_equals_torch_recorded():
    m.manual_seed(0)
    lin = m.nn.Linear(3, 2)
    rec = DATA["linear_3_2_seed0"]
    np.testing.assert_array_equal(lin.weight.detach().numpy(), np.float32(rec["weight"]))
    np.testing.assert_array_equal(lin.bias.detach().numpy(), np.float32(rec["bias"]))


def test_live_against_torch():
    torch = pytest.importorskip("torch")
    for seed, shape in [(0, (3, 2)), (7, (30, 20)), (123, (1, 1))]:
        torch.manual_seed(seed)
        m.manual_seed(seed)
        a, b = torch.nn.Linear(*shape), m.nn.Linear(*shape)
        np.testing.assert_array_equal(a.weight.detach().numpy(), b.weight.detach().numpy())
        np.testing.assert_array_equal(a.bias.detach().numpy(), b.bias.detach().numpy())
    x = np.random.default_rng(0).random((4, 50)).astype(np.float32)
    torch.manual_seed(5)
    m.manual_seed(5)
    want = torch.nn.functional.dropout(torch.from_numpy(x), 0.3).numpy()
    np.testing.assert_array_equal(m.nn.functional.dropout(m.from_numpy(x), 0.3).numpy(), want)
    for n in (5, 16, 1000, 1001):
        torch.manual_seed(n)
        m.manual_seed(n)
        np.testing.assert_array_equal(m.rand(n).numpy(), torch.rand(n).numpy())
        np.testing.assert_array_equal(m.randn(n, dtype=m.float64).numpy(),
                                      torch.randn(n, dtype=torch.float64).numpy())
        np.testing.assert_allclose(m.randn(2, n).numpy(), torch.randn(2, n).numpy(), rtol=1e-6, atol=1e-6)


def test_state_round_trip_restores_the_stream():
    m.manual_seed(11)
    m.randn(3)  # leaves a cached normal in the state
    state = m.get_rng_state()
    a = [m.rand(5).tolist(), m.randn(3).tolist(), m.rand(3, dtype=m.float64).tolist()]
    m.rand(1000)
    m.set_rng_state(state)
    b = [m.rand(5).tolist(), m.randn(3).tolist(), m.rand(3, dtype=m.float64).tolist()]
    assert a == b


def test_manual_seed_resets_the_cached_normal():
    m.manual_seed(4)
    first = m.randn(1).item()
    m.randn(1)
    m.manual_seed(4)
    assert m.randn(1).item() == first


def test_distribution_sanity():
    m.manual_seed(0)
    u = m.empty(20000, dtype=m.float64).uniform_(-2.0, 3.0).numpy()
    assert u.min() >= -2.0 and u.max() < 3.0
    assert abs(u.mean() - 0.5) < 0.05 and abs(u.var() - 25 / 12) < 0.1
    z = m.empty(20000).normal_(1.5, 0.5).numpy()
    assert abs(z.mean() - 1.5) < 0.02 and abs(z.std() - 0.5) < 0.02
    b = m.empty(20000).bernoulli_(0.25).numpy()
    assert set(np.unique(b)) <= {0.0, 1.0} and abs(b.mean() - 0.25) < 0.015
    r = m.rand(20000).numpy()
    assert r.min() >= 0.0 and r.max() < 1.0 and abs(r.mean() - 0.5) < 0.01
    # from == to gives the one value
    assert m.empty(10).uniform_(0.25, 0.25).tolist() == [0.25] * 10


def test_error_cases():
    with pytest.raises(RuntimeError, match="p to be in"):
        m.empty(3).bernoulli_(1.5)
    with pytest.raises(RuntimeError, match="p to be in"):
        m.empty(3).bernoulli_(-0.1)
    with pytest.raises(RuntimeError, match="from=1"):
        m.empty(3).uniform_(1.0, 0.0)
    with pytest.raises(RuntimeError, match="std >= 0"):
        m.empty(3).normal_(0.0, -1.0)
    with pytest.raises(NotImplementedError):
        m.zeros(3, dtype=m.int64).normal_()
    with pytest.raises(TypeError, match="ByteTensor"):
        m.set_rng_state((0, 0, b"short"))
    with pytest.raises(RuntimeError, match="CPUGeneratorImplState of size 5056"):
        m.set_rng_state(m.zeros(10, dtype=m.uint8))
