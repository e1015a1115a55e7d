"""RNN, LSTM, GRU and their cells against PyTorch (recorded oracle): the same
initial weights from the same seed, outputs, final states and gradients;
parameter names, reprs and errors."""

import numpy as np
import oracle
import pytest

import minitorch

CASES = [
    ("LSTM", (5, 7), dict()),
    ("LSTM", (5, 7), dict(num_layers=2, bidirectional=True)),
    ("LSTM", (5, 7), dict(batch_first=True, proj_size=3)),
    ("GRU", (5, 6), dict(num_layers=2, batch_first=True)),
    ("GRU", (5, 6), dict(bidirectional=True, bias=False)),
    ("RNN", (5, 4), dict()),
    ("RNN", (5, 4), dict(nonlinearity="relu", num_layers=2, bidirectional=True)),
]


def _run(lib, name, args, kw, x, with_hx, listf=list):
    lib.manual_seed(0)
    m = getattr(lib.nn, name)(*args, **kw).double()
    xt = lib.tensor(x, dtype=lib.float64, requires_grad=True)
    hx = None
    if with_hx:
        dirs = 2 if kw.get("bidirectional") else 1
        layers = kw.get("num_layers", 1)
        real = kw.get("proj_size", 0) or args[1]
        batch = x.shape[0] if kw.get("batch_first") else x.shape[1]
        r = np.random.default_rng(5)
        h0 = lib.tensor(r.standard_normal((layers * dirs, batch, real)), dtype=lib.float64)
        hx = h0
        if name == "LSTM":
            hx = (h0, lib.tensor(r.standard_normal((layers * dirs, batch, args[1])),
                                 dtype=lib.float64))
    out, h = m(xt, hx)
    hs = (h[0], h[1]) if name == "LSTM" else (h,)
    loss = (out * lib.tensor(np.random.default_rng(7).standard_normal(tuple(out.shape)))).sum()
    for s in hs:
        loss = loss + s.sum() * 0.5
    loss.backward()
    names = listf(m.state_dict().keys())
    grads = [getattr(m, n).grad.numpy().copy() for n in names]
    return (out.detach().numpy().copy(), [s.detach().numpy().copy() for s in hs],
            xt.grad.numpy().copy(), grads, names, repr(m))


@pytest.mark.parametrize("with_hx", [False, True])
@pytest.mark.parametrize("name, args, kw", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_matches_torch(name, args, kw, with_hx):
    torch = oracle.torch()
    x = np.random.default_rng(3).standard_normal((4, 3, args[0]))
    a = _run(minitorch, name, args, kw, x, with_hx)
    b = _run(torch, name, args, kw, x, with_hx, torch.builtins.list)
    np.testing.assert_allclose(a[0], b[0], rtol=1e-10, atol=1e-12)
    for s, t in zip(a[1], b[1]):
        np.testing.assert_allclose(s, t, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a[2], b[2], rtol=1e-9, atol=1e-11)
    assert a[4] == list(b[4])
    for g, h in zip(a[3], b[3]):
        np.testing.assert_allclose(g, h, rtol=1e-9, atol=1e-11)
    assert a[5] == b[5]


def test_unbatched_input():
    torch = oracle.torch()
    x = np.random.default_rng(4).standard_normal((6, 3))
    outs = []
    for lib in (minitorch, torch):
        lib.manual_seed(1)
        m = lib.nn.GRU(3, 5).double()
        out, h = m(lib.tensor(x))
        outs.append((out.detach().numpy().copy(), h.detach().numpy().copy()))
    assert outs[0][0].shape == (6, 5) and outs[0][1].shape == (1, 5)
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-10)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-10)


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_match_torch(name):
    torch = oracle.torch()
    x = np.random.default_rng(6).standard_normal((3, 4))
    res = []
    for lib in (minitorch, torch):
        lib.manual_seed(2)
        cell = getattr(lib.nn, name)(4, 5).double()
        xt = lib.tensor(x, requires_grad=True)
        h = cell(xt)
        h = cell(xt, h)
        first = h[0] if name == "LSTMCell" else h
        first.sum().backward()
        res.append((first.detach().numpy().copy(), xt.grad.numpy().copy(), repr(cell)))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-10)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-10)
    assert res[0][2] == res[1][2]


def test_state_dict_loads_into_torch_layout():
    torch = oracle.torch()
    m = minitorch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    t = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    keys = list(m.state_dict())
    assert keys == list(torch.builtins.list(t.state_dict().keys()))
    assert [tuple(v.shape) for v in m.state_dict().values()] == [
        tuple(getattr(t, k).shape) for k in keys]


def test_errors():
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        minitorch.nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="only supported for LSTM"):
        minitorch.nn.GRU(3, 4, proj_size=2)
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        minitorch.nn.LSTM(3, 4, dropout=2)
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        minitorch.nn.GRU(3, 4, dropout=0.5)
    m = minitorch.nn.LSTM(3, 4)
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size"):
        m(minitorch.zeros(5, 2, 4))
    with pytest.raises(ValueError, match="Expected input to be 2D or 3D"):
        m(minitorch.zeros(5))
    with pytest.raises(RuntimeError, match="Expected hidden size"):
        m(minitorch.zeros(5, 2, 3), (minitorch.zeros(1, 3, 4), minitorch.zeros(1, 2, 4)))
