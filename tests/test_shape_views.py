"""View ops (issue 4, item 5): values against NumPy and PyTorch, storage
sharing exactly where PyTorch shares, and PyTorch's errors."""

import numpy as np
import oracle
import pytest
from helpers import NUMPY_DTYPES, make
from helpers import variants as _variants

import minitorch as mt

torch = oracle.torch()

DTYPES = NUMPY_DTYPES


def variants(a):
    return _variants(a, values=True, expanded="nonempty")


def np_of(t):
    return t.float().numpy() if t.dtype == mt.bfloat16 else t.numpy()


def shares(x, y):
    return np.shares_memory(np_of(x), np_of(y))


def torch_shares(x, y):
    return x.untyped_storage().data_ptr() == y.untyped_storage().data_ptr()


def check_same(r, tr, src=None, tsrc=None, view_expected=None):
    """r (minitorch) matches tr (torch): values, shape, dtype, and sharing."""
    if isinstance(tr, (tuple, list)):
        assert isinstance(r, tuple) and len(r) == len(tr)
        for a, b in zip(r, tr):
            check_same(a, b, src, tsrc, view_expected)
        return
    assert tuple(r.shape) == tuple(tr.shape)
    assert str(r.dtype).split(".")[-1] == str(tr.dtype).split(".")[-1]
    np.testing.assert_array_equal(np_of(r), tr.numpy())
    if src is not None:
        expected = torch_shares(tr, tsrc) if view_expected is None else view_expected
        if r.numel() > 0:
            assert shares(r, src) == expected


# (name, op(m, t)) written once for both libraries
VIEW_OPS = [
    ("reshape", lambda m, t: m.reshape(t, (-1,))),
    ("reshape_method", lambda m, t: t.reshape(t.shape[0], -1)),
    ("view_last", lambda m, t: t.contiguous().view(-1)),
    ("view_as", lambda m, t: t.contiguous().view_as(t.contiguous().reshape(-1))),
    ("reshape_as", lambda m, t: t.reshape_as(m.zeros(t.numel()))),
    ("flatten", lambda m, t: m.flatten(t)),
    ("flatten_1", lambda m, t: t.flatten(1)),
    ("flatten_0_1", lambda m, t: t.flatten(0, 1)),
    ("ravel", lambda m, t: m.ravel(t)),
    ("unflatten", lambda m, t: t.unflatten(2, (2, -1))),
    ("squeeze", lambda m, t: m.squeeze(t.unsqueeze(0).unsqueeze(-1))),
    ("squeeze_dim", lambda m, t: t.unsqueeze(1).squeeze(1)),
    ("squeeze_tuple", lambda m, t: m.squeeze(t.unsqueeze(0).unsqueeze(-1), (0, -1))),
    ("squeeze_method_tuple", lambda m, t: t.unsqueeze(0).squeeze((0, 1))),
    ("unsqueeze", lambda m, t: m.unsqueeze(t, -1)),
    ("transpose", lambda m, t: m.transpose(t, 0, -1)),
    ("swapaxes", lambda m, t: m.swapaxes(t, 0, 1)),
    ("swapdims", lambda m, t: t.swapdims(0, 1)),
    ("t", lambda m, t: m.t(t[0])),
    ("T", lambda m, t: t.T),
    ("mT", lambda m, t: t.mT),
    ("permute", lambda m, t: m.permute(t, (2, 0, 1))),
    ("permute_varargs", lambda m, t: t.permute(1, 2, 0)),
    ("movedim", lambda m, t: m.movedim(t, 0, -1)),
    ("movedim_tuple", lambda m, t: t.movedim((0, 1), (2, 0))),
    ("moveaxis", lambda m, t: m.moveaxis(t, -1, 0)),
    ("expand", lambda m, t: t[:, :1].expand(-1, 5, -1)),
    ("expand_as", lambda m, t: t[:1].expand_as(t)),
    ("broadcast_to", lambda m, t: m.broadcast_to(t[0], (2, 4, 3, 4))),
    ("broadcast_tensors", lambda m, t: m.broadcast_tensors(t[:, :1], t[0])),
    ("as_strided", lambda m, t: m.as_strided(t.contiguous(), (2, 2), (1, 2), 1)),
    ("narrow", lambda m, t: m.narrow(t, 1, 1, 2)),
    ("select", lambda m, t: m.select(t, 2, -1)),
    ("unbind", lambda m, t: m.unbind(t, 1)),
    ("split_int", lambda m, t: m.split(t, 2, dim=2)),
    ("split_list", lambda m, t: t.split([1, 3], -1)),
    ("chunk", lambda m, t: m.chunk(t, 3, 2)),
    ("tensor_split_int", lambda m, t: m.tensor_split(t, 3, dim=2)),
    ("tensor_split_list", lambda m, t: t.tensor_split([1, 3], 2)),
    ("tensor_split_neg", lambda m, t: t.tensor_split([-1, 1, 5], 2)),
    ("tensor_split_tensor", lambda m, t: m.tensor_split(t, m.tensor([1, 2]), 2)),
    ("tensor_split_0d", lambda m, t: m.tensor_split(t, m.tensor(2), 2)),
    ("diagonal", lambda m, t: m.diagonal(t)),
    ("diagonal_off", lambda m, t: t.diagonal(1, 1, 2)),
    ("diagonal_neg", lambda m, t: t.diagonal(offset=-1, dim1=-1, dim2=0)),
    ("diagonal_far", lambda m, t: t.diagonal(7)),
]


@pytest.mark.parametrize("dtype", ["float32", "int64", "bool", "float16"])
@pytest.mark.parametrize("name,op", VIEW_OPS, ids=[n for n, _ in VIEW_OPS])
def test_view_ops_match_torch(name, op, dtype):
    a = make((2, 3, 4), dtype)
    for layout, t, tt, _ in variants(a):
        if name.startswith("view") and not t.is_contiguous():
            continue
        if layout == "negative":
            # torch's flip copied, so torch never shares here; values must agree.
            check_same(op(mt, t), op(torch, tt))
        else:
            check_same(op(mt, t), op(torch, tt), t, tt)


@pytest.mark.parametrize("dtype", DTYPES)
def test_flatten_and_reshape_against_numpy(dtype):
    for _, t, _, a in variants(make((3, 4, 5), dtype)):
        np.testing.assert_array_equal(t.reshape(-1, 5).numpy(), a.reshape(-1, 5))
        np.testing.assert_array_equal(mt.flatten(t, 1).numpy(), a.reshape(3, 20))
        np.testing.assert_array_equal(t.movedim(0, -1).numpy(), np.moveaxis(a, 0, -1))
        np.testing.assert_array_equal(t.diagonal(1, 0, 2).numpy(), np.diagonal(a, 1, 0, 2))
        np.testing.assert_array_equal(t.swapaxes(0, 2).numpy(), np.swapaxes(a, 0, 2))
        for x, y in zip(t.tensor_split(3, 1), np.array_split(a, 3, 1)):
            np.testing.assert_array_equal(x.numpy(), y)
        for x, y in zip(t.tensor_split([1, -1], 2), np.split(a, [1, -1], 2)):
            np.testing.assert_array_equal(x.numpy(), y)


def test_bfloat16_views():
    a = make((2, 3, 4), "float32")
    t = mt.tensor(a).to(mt.bfloat16)
    np.testing.assert_array_equal(t.flatten(1).float().numpy(),
                                  mt.tensor(a).to(mt.bfloat16).float().numpy().reshape(2, 12))
    assert t.movedim(0, 2).dtype == mt.bfloat16
    assert t.permute(2, 0, 1).data_ptr() == t.data_ptr()


def test_flatten_edge_cases():
    s = mt.tensor(3.0)
    assert s.flatten().shape == (1,)
    t = mt.zeros(2, 3)
    assert t.flatten(1, 1) is t  # PyTorch returns the input itself
    assert mt.zeros(0, 3).flatten().shape == (0,)
    with pytest.raises(RuntimeError, match="start_dim cannot come after end_dim"):
        t.flatten(1, 0)
    with pytest.raises(IndexError, match="Dimension out of range"):
        t.flatten(0, 2)


def test_view_errors():
    t = mt.zeros(2, 3)
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        t.t().view(-1)
    with pytest.raises(RuntimeError, match=r"shape '\[4, 2\]' is invalid for input of size 6"):
        t.reshape(4, 2)
    with pytest.raises(RuntimeError, match="unflatten: Provided sizes"):
        t.unflatten(1, (2, 2))
    with pytest.raises(RuntimeError, match=r"movedim: Invalid source or destination dims"):
        t.movedim((0, 1), (0,))
    with pytest.raises(RuntimeError, match="repeated dim in `source`"):
        t.movedim((0, 0), (0, 1))
    with pytest.raises(RuntimeError, match="diagonal dimensions cannot be identical"):
        t.diagonal(0, 1, 1)
    with pytest.raises(RuntimeError, match="split_with_sizes expects split_sizes to sum exactly to 3"):
        t.split([1, 1], 1)
    with pytest.raises(RuntimeError, match="chunk expects `chunks` to be greater than 0"):
        t.chunk(0)
    with pytest.raises(RuntimeError, match="number of sections must be larger than 0"):
        t.tensor_split(0)
    with pytest.raises(RuntimeError, match="must match the existing size"):
        t.expand(3, 3)
    with pytest.raises(RuntimeError, match="Shape mismatch"):
        mt.broadcast_shapes((2, 3), (3, 2))
    with pytest.raises(IndexError):
        mt.unbind(mt.tensor(1.0))
    with pytest.raises(RuntimeError, match="t\\(\\) expects a tensor with <= 2 dimensions"):
        mt.t(mt.zeros(1, 2, 3))
    with pytest.raises(IndexError, match="Dimension out of range"):
        t.squeeze((0, 2))


def test_split_chunk_match_torch_edge_sizes():
    for n in [0, 1, 5, 6, 7]:
        a = np.arange(n, dtype=np.float32)
        t, tt = mt.tensor(a), torch.from_numpy(a)
        for k in [1, 2, 3, 4, 7]:
            check_same(t.split(k), tt.split(k))
            check_same(t.chunk(k), tt.chunk(k))
            check_same(t.tensor_split(k), tt.tensor_split(k))


def test_broadcast_shapes_and_tensors():
    assert mt.broadcast_shapes((2, 1), (3,), ()) == (2, 3)
    assert mt.broadcast_shapes(5, (2, 1)) == torch.broadcast_shapes(5, (2, 1))
    a, b = mt.broadcast_tensors(mt.zeros(2, 1), mt.ones(3))
    assert a.shape == b.shape == (2, 3)
    assert a.stride() == (1, 0) and b.stride() == (0, 1)
    with pytest.raises(RuntimeError):
        mt.broadcast_tensors(mt.zeros(2), mt.zeros(3))


def test_in_place_view_ops():
    t = mt.arange(6.0).reshape(2, 3)
    ptr = t.data_ptr()
    assert t.t_() is t and t.shape == (3, 2) and t.data_ptr() == ptr
    t.unsqueeze_(0)
    assert t.shape == (1, 3, 2)
    t.squeeze_()
    t.transpose_(0, 1)
    np.testing.assert_array_equal(t.numpy(), np.arange(6.0).reshape(2, 3))


def test_atleast_and_meshgrid():
    s = mt.tensor(1.0)
    assert mt.atleast_1d(s).shape == (1,)
    assert mt.atleast_2d(mt.zeros(3)).shape == (1, 3)
    assert mt.atleast_3d(mt.zeros(3)).shape == (1, 3, 1)
    assert mt.atleast_3d(mt.zeros(2, 3)).shape == (2, 3, 1)
    x, y, z = mt.arange(3), mt.arange(4), mt.arange(2)
    for indexing in ["ij", "xy"]:
        got = mt.meshgrid(x, y, z, indexing=indexing)
        want = np.meshgrid(np.arange(3), np.arange(4), np.arange(2), indexing=indexing)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g.numpy(), w)
            assert shares(g, x) or shares(g, y) or shares(g, z)  # expanded views
    with pytest.raises(ValueError, match="indexing must be one of"):
        mt.meshgrid(x, indexing="ab")
    np.testing.assert_array_equal(
        mt.cartesian_prod(x, z).numpy(),
        torch.cartesian_prod(torch.arange(3), torch.arange(2)).numpy())


def test_view_shares_version_counter():
    t = mt.zeros(2, 3)
    v = t.flatten()
    w = t.T
    before = t._version
    v.fill_(1.0)
    assert t._version == w._version == before + 1
