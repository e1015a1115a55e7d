"""The fused recurrent cells (Note [Fused RNN cells]): minitorch._C._fused_lstm_cell,
_fused_gru_cell and _fused_rnn_cell against NumPy's gate formulas and PyTorch's
composite cells (recorded oracle), gradcheck in float64, the nn layers and Cell
modules with float32 weights against PyTorch, thread-count equality, and errors."""

import numpy as np
import oracle
import pytest

import minitorch
from minitorch import _C


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _np_lstm(gi, gh, c):
    i, f, g, o = np.split(gi + gh, 4, axis=-1)
    c1 = _sig(f) * c + _sig(i) * np.tanh(g)
    return _sig(o) * np.tanh(c1), c1


def _np_gru(gi, gh, h):
    ir, iz, in_ = np.split(gi, 3, axis=-1)
    hr, hz, hn = np.split(gh, 3, axis=-1)
    r, z = _sig(ir + hr), _sig(iz + hz)
    n = np.tanh(in_ + r * hn)
    return (1 - z) * n + z * h


def _inputs(gates, batch=5, hidden=7, seed=0):
    r = np.random.default_rng(seed)
    return (r.standard_normal((batch, gates * hidden)) * 2,
            r.standard_normal((batch, gates * hidden)) * 2, r.standard_normal((batch, hidden)))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_forward_matches_numpy(dtype):
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-13)
    gi, gh, c = (a.astype(dtype) for a in _inputs(4))
    hy, cy = _C._fused_lstm_cell(*(minitorch.from_numpy(a) for a in (gi, gh, c)))
    h_ref, c_ref = _np_lstm(gi, gh, c)
    assert hy.dtype == getattr(minitorch, dtype) and tuple(hy.shape) == (5, 7)
    np.testing.assert_allclose(hy.numpy(), h_ref, **tol)
    np.testing.assert_allclose(cy.numpy(), c_ref, **tol)
    gi, gh, h = (a.astype(dtype) for a in _inputs(3))
    hy = _C._fused_gru_cell(*(minitorch.from_numpy(a) for a in (gi, gh, h)))
    np.testing.assert_allclose(hy.numpy(), _np_gru(gi, gh, h), **tol)
    gi, gh, _ = (a.astype(dtype) for a in _inputs(1))
    a, b = minitorch.from_numpy(gi), minitorch.from_numpy(gh)
    np.testing.assert_allclose(_C._fused_rnn_cell(a, b).numpy(), np.tanh(gi + gh), **tol)
    np.testing.assert_allclose(_C._fused_rnn_cell(a, b, True).numpy(), np.maximum(gi + gh, 0),
                               **tol)


def _torch_cells(torch, kind, gi, gh, s):
    if kind == "lstm":
        i, f, g, o = (gi + gh).chunk(4, -1)
        c = f.sigmoid() * s + i.sigmoid() * g.tanh()
        return [o.sigmoid() * c.tanh(), c]
    if kind == "gru":
        ir, iz, in_ = gi.chunk(3, -1)
        hr, hz, hn = gh.chunk(3, -1)
        r, z = (ir + hr).sigmoid(), (iz + hz).sigmoid()
        n = (in_ + r * hn).tanh()
        return [(1 - z) * n + z * s]
    return [(gi + gh).relu() if kind == "relu" else (gi + gh).tanh()]


def _mt_cells(kind, gi, gh, s=None):
    if kind == "lstm":
        return list(_C._fused_lstm_cell(gi, gh, s))
    if kind == "gru":
        return [_C._fused_gru_cell(gi, gh, s)]
    return [_C._fused_rnn_cell(gi, gh, kind == "relu")]


KINDS = {"lstm": 4, "gru": 3, "tanh": 1, "relu": 1}


@pytest.mark.parametrize("kind", list(KINDS))
def test_gradients_match_torch(kind):
    torch = oracle.torch()
    arrays = _inputs(KINDS[kind], seed=1)
    weights = [np.random.default_rng(9 + k).standard_normal((5, 7)) for k in range(2)]
    res = []
    for lib, cells in ((minitorch, _mt_cells), (torch, None)):
        ts = [lib.tensor(a, dtype=lib.float64, requires_grad=True) for a in arrays]
        outs = cells(kind, *ts) if cells else _torch_cells(torch, kind, *ts)
        loss = sum((o * lib.tensor(w)).sum() for o, w in zip(outs, weights))
        loss.backward()
        res.append(([o.detach().numpy().copy() for o in outs],
                    [t.grad.numpy().copy() if t.grad is not None else None for t in ts]))
    for a, b in zip(res[0][0], res[1][0]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-13)
    for k, (a, b) in enumerate(zip(res[0][1], res[1][1])):
        if kind in ("tanh", "relu") and k == 2:
            continue  # the Elman cell takes no state
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("kind", list(KINDS))
def test_gradcheck(kind):
    arrays = _inputs(KINDS[kind], batch=2, hidden=3, seed=2)
    ts = [minitorch.tensor(a, dtype=minitorch.float64, requires_grad=True) for a in arrays]
    if kind in ("tanh", "relu"):
        ts = ts[:2]
        if kind == "relu":  # keep away from the kink
            ts = [minitorch.tensor(np.where(np.abs(a) < 0.2, 0.5, a), requires_grad=True)
                  for a in arrays[:2]]
    assert minitorch.autograd.gradcheck(lambda *xs: tuple(_mt_cells(kind, *xs)), ts)


def test_one_node_per_step_and_no_double_backward():
    gi, gh, c = (minitorch.tensor(a, requires_grad=True) for a in _inputs(4))
    hy, cy = _C._fused_lstm_cell(gi, gh, c)
    assert hy.grad_fn.name() == "FusedLstmCellBackward0" and cy.grad_fn is hy.grad_fn
    assert _C._fused_gru_cell(*(minitorch.tensor(a, requires_grad=True)
                                for a in _inputs(3))).grad_fn.name() == "FusedGruCellBackward0"
    with pytest.raises(RuntimeError, match="double backward"):
        minitorch.autograd.grad(hy.sum(), gi, create_graph=True)
    with minitorch.no_grad():
        assert _C._fused_lstm_cell(gi, gh, c)[0].grad_fn is None


def test_reduced_precision_computes_in_float32():
    gi, gh, c = _inputs(4)
    ref_h, ref_c = _np_lstm(gi, gh, c)
    for dt in (minitorch.float16, minitorch.bfloat16):
        ts = [minitorch.tensor(a, dtype=dt, requires_grad=True) for a in (gi, gh, c)]
        hy, cy = _C._fused_lstm_cell(*ts)
        assert hy.dtype == dt and cy.dtype == dt
        np.testing.assert_allclose(hy.float().detach().numpy(), ref_h, atol=0.05)
        (hy.sum() + cy.sum()).backward()
        assert ts[0].grad.dtype == dt and ts[2].grad.dtype == dt


def test_errors():
    gi, gh, c = (minitorch.tensor(a, dtype=minitorch.float32) for a in _inputs(4))
    with pytest.raises(RuntimeError, match="gates of shape"):
        _C._fused_lstm_cell(gi[:, :8], gh, c)
    with pytest.raises(RuntimeError, match="same dtype"):
        _C._fused_lstm_cell(gi, gh.double(), c)
    with pytest.raises(RuntimeError, match="floating-point"):
        _C._fused_gru_cell(*(minitorch.zeros(2, 3 * k, dtype=minitorch.int64) for k in (3, 3, 1)))
    with pytest.raises(RuntimeError, match="2-D state"):
        _C._fused_gru_cell(minitorch.zeros(2, 9), minitorch.zeros(2, 9), minitorch.zeros(2, 3, 1))
    with pytest.raises(RuntimeError, match="same shape"):
        _C._fused_rnn_cell(minitorch.zeros(2, 3), minitorch.zeros(2, 4))
    with pytest.raises(TypeError):
        _C._fused_rnn_cell(minitorch.zeros(2, 3))


def test_thread_count_equality():
    gi, gh, c = (minitorch.tensor(a, dtype=minitorch.float32)
                 for a in _inputs(4, batch=64, hidden=300, seed=3))
    prev = minitorch.get_num_threads()
    try:
        outs = []
        for n in (1, 2, 3):
            minitorch.set_num_threads(n)
            ts = [t.clone().requires_grad_() for t in (gi, gh, c)]
            hy, cy = _C._fused_lstm_cell(*ts)
            (hy * 1.5 + cy).sum().backward()
            outs.append([hy.detach().numpy(), cy.detach().numpy()] + [t.grad.numpy() for t in ts])
    finally:
        minitorch.set_num_threads(prev)
    for o in outs[1:]:
        for a, b in zip(outs[0], o):
            assert np.array_equal(a, b)


MODULES = [
    ("LSTM", (6, 8), dict(num_layers=2, bidirectional=True, proj_size=3)),
    ("GRU", (6, 8), dict(batch_first=True, num_layers=2)),
    ("RNN", (6, 8), dict(nonlinearity="relu")),
]


@pytest.mark.parametrize("name, args, kw", MODULES, ids=[m[0] for m in MODULES])
def test_float32_modules_match_torch(name, args, kw):
    torch = oracle.torch()
    x = np.random.default_rng(11).standard_normal((5, 3, 6)).astype(np.float32)
    res = []
    for lib in (minitorch, torch):
        lib.manual_seed(0)
        m = getattr(lib.nn, name)(*args, **kw)
        xt = lib.tensor(x, requires_grad=True)
        out, h = m(xt)
        hs = h if name == "LSTM" else (h,)
        (out.sum() + sum(s.pow(2).sum() for s in hs)).backward()
        res.append((out.detach().numpy().copy(), xt.grad.numpy().copy(),
                    m.weight_hh_l0.grad.numpy().copy()))
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-6)


def test_packed_and_cells_match_torch():
    torch = oracle.torch()
    r = np.random.default_rng(12)
    seqs = [r.standard_normal((n, 4)) for n in (5, 2, 4)]
    xc = r.standard_normal((3, 4))
    res = []
    for lib in (minitorch, torch):
        lib.manual_seed(3)
        lstm = lib.nn.LSTM(4, 5, bidirectional=True).double()
        cells = [lib.nn.LSTMCell(4, 5).double(), lib.nn.GRUCell(4, 5).double(),
                 lib.nn.RNNCell(4, 5, nonlinearity="tanh").double()]
        ts = [lib.tensor(s, requires_grad=True) for s in seqs]
        packed = lib.nn.utils.rnn.pack_sequence(ts, enforce_sorted=False)
        out, (h, c) = lstm(packed)
        padded, _ = lib.nn.utils.rnn.pad_packed_sequence(out)
        x = lib.tensor(xc, requires_grad=True)
        hc = cells[0](x)
        loss = padded.sum() + h.pow(2).sum() + c.sum() + hc[0].sum() + hc[1].pow(2).sum()
        loss = loss + cells[1](x).pow(2).sum() + cells[2](x[0]).sum()
        loss.backward()
        res.append([padded.detach().numpy().copy(), h.detach().numpy().copy(),
                    ts[1].grad.numpy().copy(), x.grad.numpy().copy(),
                    cells[1].weight_hh.grad.numpy().copy()])
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_dropout_between_layers_runs():
    minitorch.manual_seed(0)
    m = minitorch.nn.GRU(4, 5, num_layers=2, dropout=0.5)
    x = minitorch.randn(3, 2, 4)
    m.train()
    a, _ = m(x)
    m.eval()
    b, _ = m(x)
    c, _ = m(x)
    assert np.array_equal(b.detach().numpy(), c.detach().numpy())
    assert not np.array_equal(a.detach().numpy(), b.detach().numpy())
