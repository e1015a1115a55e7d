"""nn.utils.rnn packed sequences: PackedSequence, pack_padded_sequence,
pad_packed_sequence, pack_sequence, unpack_sequence, unpad_sequence, and RNN / LSTM / GRU
on PackedSequence input (output packed, h_n at each sequence's last valid step).
Layouts against hand-written NumPy expectations; values and gradients against PyTorch
with identical weights through oracle.torch()."""

import numpy as np
import oracle
import pytest

import minitorch as mt
import minitorch.nn as nn
from minitorch.nn.utils import rnn as R


def rng(seed):
    return np.random.default_rng(seed)


def f32(r, *shape):
    return r.standard_normal(shape).astype(np.float32)


def test_pack_layout_numpy():
    x = np.arange(12.0).reshape(4, 3, 1)  # (T, B, 1), column b is sequence b
    p = R.pack_padded_sequence(mt.from_numpy(x), [4, 2, 1])
    np.testing.assert_array_equal(p.batch_sizes.numpy(), [3, 2, 1, 1])
    np.testing.assert_array_equal(p.data.numpy()[:, 0], [0, 1, 2, 3, 4, 6, 9])
    assert p.sorted_indices is None and p.unsorted_indices is None
    assert p.batch_sizes.dtype == mt.int64
    padded, lengths = R.pad_packed_sequence(p, padding_value=-1.0)
    np.testing.assert_array_equal(lengths.numpy(), [4, 2, 1])
    want = x.copy()
    want[2:, 1] = -1
    want[1:, 2] = -1
    np.testing.assert_array_equal(padded.numpy(), want)
    # unsorted: sorted by decreasing length (stable), indices both ways
    p = R.pack_padded_sequence(mt.from_numpy(x), [1, 4, 2], enforce_sorted=False)
    np.testing.assert_array_equal(p.sorted_indices.numpy(), [1, 2, 0])
    np.testing.assert_array_equal(p.unsorted_indices.numpy(), [2, 0, 1])
    np.testing.assert_array_equal(p.data.numpy()[:, 0], [1, 2, 0, 4, 5, 7, 10])
    padded, lengths = R.pad_packed_sequence(p, batch_first=True, total_length=6)
    assert tuple(padded.shape) == (3, 6, 1)
    np.testing.assert_array_equal(lengths.numpy(), [1, 4, 2])
    np.testing.assert_array_equal(padded.numpy()[1, :4, 0], x[:, 1, 0])
    # a namedtuple: fields, unpacking, conversions
    data, sizes, s, u = p
    assert data is p.data and p._fields == ("data", "batch_sizes", "sorted_indices",
                                            "unsorted_indices")
    q = p.double()
    assert q.data.dtype == mt.float64 and q.sorted_indices is p.sorted_indices
    assert p.float().data.dtype == mt.float32 and p.to(mt.float64).data.dtype == mt.float64
    assert not p.is_cuda


def test_pack_sequence_roundtrip_and_unpad():
    r = rng(1)
    seqs = [mt.from_numpy(f32(r, n, 2)) for n in (2, 5, 1)]
    p = R.pack_sequence(seqs, enforce_sorted=False)
    for a, b in zip(R.unpack_sequence(p), seqs):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    padded = R.pad_sequence(seqs, batch_first=True)
    for a, b in zip(R.unpad_sequence(padded, mt.tensor([2, 5, 1]), batch_first=True), seqs):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    for a, b in zip(R.unpad_sequence(R.pad_sequence(seqs), [2, 5, 1]), seqs):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_pack_errors():
    x = mt.zeros(3, 2, 1)
    with pytest.raises(RuntimeError, match="sorted in decreasing order"):
        R.pack_padded_sequence(x, [1, 3])
    with pytest.raises(RuntimeError, match="greater than 0"):
        R.pack_padded_sequence(x, [3, 0])
    with pytest.raises(RuntimeError, match="equal to batch_size"):
        R.pack_padded_sequence(x, [3, 2, 1])
    with pytest.raises(RuntimeError, match="exceeds dimension size"):
        R.pack_padded_sequence(x, [4, 1])
    with pytest.raises(RuntimeError, match="sorted in decreasing order"):
        R.pack_sequence([mt.zeros(1), mt.zeros(2)])
    p = R.pack_padded_sequence(x, [3, 1])
    with pytest.raises(ValueError, match="total_length"):
        R.pad_packed_sequence(p, total_length=2)


def test_pack_vs_torch():
    torch = oracle.torch()
    a = f32(rng(2), 5, 4, 3)
    for lens, es, bf in [([5, 3, 3, 1], True, False), ([2, 5, 1, 3], False, False),
                         ([3, 1, 4, 2], False, True)]:
        arr = a.transpose(1, 0, 2).copy() if bf else a
        mi, ti = mt.from_numpy(arr).requires_grad_(), torch.from_numpy(arr).requires_grad_()
        mp = R.pack_padded_sequence(mi, lens, batch_first=bf, enforce_sorted=es)
        tp = torch.nn.utils.rnn.pack_padded_sequence(ti, torch.tensor(lens), batch_first=bf,
                                                     enforce_sorted=es)
        np.testing.assert_array_equal(mp.data.detach().numpy(), tp.data.detach().numpy())
        np.testing.assert_array_equal(mp.batch_sizes.numpy(), tp.batch_sizes.numpy())
        if not es:
            np.testing.assert_array_equal(mp.sorted_indices.numpy(), tp.sorted_indices.numpy())
            np.testing.assert_array_equal(mp.unsorted_indices.numpy(),
                                          tp.unsorted_indices.numpy())
        mo, ml = R.pad_packed_sequence(mp, batch_first=bf, padding_value=0.5, total_length=6)
        to, tl = torch.nn.utils.rnn.pad_packed_sequence(tp, batch_first=bf, padding_value=0.5,
                                                        total_length=6)
        np.testing.assert_array_equal(mo.detach().numpy(), to.detach().numpy())
        np.testing.assert_array_equal(ml.numpy(), tl.numpy())
        g = f32(rng(3), *mo.shape)
        mo.backward(mt.from_numpy(g))
        to.backward(torch.from_numpy(g))
        np.testing.assert_array_equal(mi.grad.numpy(), ti.grad.numpy())


RNNS = ["n.RNN(3, 4, num_layers=2)", "n.RNN(3, 4, nonlinearity='relu', bidirectional=True)",
        "n.LSTM(3, 4, bidirectional=True)", "n.LSTM(3, 4, num_layers=2, batch_first=True)",
        "n.LSTM(3, 5, proj_size=2)", "n.GRU(3, 4, batch_first=True, bidirectional=True)"]


@pytest.mark.parametrize("expr", RNNS)
@pytest.mark.parametrize("with_hx", [False, True])
def test_rnn_packed_vs_torch(expr, with_hx):
    torch = oracle.torch()
    m, t = eval(expr, {"n": nn}), eval(expr, {"n": torch.nn})
    r = rng(4)
    for name, p in m.named_parameters():
        a = f32(r, *p.shape)
        with mt.no_grad():
            p.copy_(mt.from_numpy(a))
        with torch.no_grad():
            t.get_parameter(name).copy_(torch.from_numpy(a))
    bf = m.batch_first
    a = f32(r, *((4, 5, 3) if bf else (5, 4, 3)))
    lens = [2, 5, 1, 3]
    mi, ti = mt.from_numpy(a).requires_grad_(), torch.from_numpy(a).requires_grad_()
    mp = R.pack_padded_sequence(mi, lens, batch_first=bf, enforce_sorted=False)
    tp = torch.nn.utils.rnn.pack_padded_sequence(ti, torch.tensor(lens), batch_first=bf,
                                                 enforce_sorted=False)
    dirs = 2 if m.bidirectional else 1
    hid = m.proj_size if getattr(m, "proj_size", 0) else m.hidden_size
    is_lstm = "LSTM" in expr
    margs, targs = (mp,), (tp,)
    if with_hx:
        h0 = f32(r, m.num_layers * dirs, 4, hid)
        if is_lstm:
            c0 = f32(r, m.num_layers * dirs, 4, m.hidden_size)
            margs += ((mt.from_numpy(h0), mt.from_numpy(c0)),)
            targs += ((torch.from_numpy(h0), torch.from_numpy(c0)),)
        else:
            margs += (mt.from_numpy(h0),)
            targs += (torch.from_numpy(h0),)
    mo, mh = m(*margs)
    to, th = t(*targs)
    assert isinstance(mo, R.PackedSequence)
    np.testing.assert_array_equal(mo.batch_sizes.numpy(), to.batch_sizes.numpy())
    np.testing.assert_array_equal(mo.unsorted_indices.numpy(), to.unsorted_indices.numpy())
    mhs = mh if is_lstm else (mh,)
    ths = th if is_lstm else (th,)
    outs_m = (mo.data,) + tuple(mhs)
    outs_t = (to.data,) + tuple(ths)
    loss_m, loss_t = 0, 0
    for k, (x, y) in enumerate(zip(outs_m, outs_t)):
        np.testing.assert_allclose(x.detach().numpy(), y.detach().numpy(), rtol=1e-5,
                                   atol=1e-5)
        g = f32(rng(10 + k), *x.shape)
        loss_m = loss_m + (x * mt.from_numpy(g)).sum()
        loss_t = loss_t + (y * torch.from_numpy(g)).sum()
    loss_m.backward()
    loss_t.backward()
    np.testing.assert_allclose(mi.grad.numpy(), ti.grad.numpy(), rtol=1e-4, atol=1e-5)
    for name, p in m.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), t.get_parameter(name).grad.numpy(),
                                   rtol=1e-4, atol=1e-5, err_msg=name)
