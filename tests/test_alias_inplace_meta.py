"""alias (x[...], x[()], t() of <2-d), the in-place metadata ops
(squeeze_, unsqueeze_, transpose_, t_, as_strided_, resize_, set_) and
masked_scatter, each against NumPy and, where installed, PyTorch."""

import numpy as np
import oracle
import pytest

import minitorch as mt


def _torch():
    return oracle.torch()


@pytest.mark.parametrize("make_view", [lambda x: x[...], lambda x: x[()], lambda x: x.t()])
@pytest.mark.parametrize("shape", [(3,), ()])
def test_alias_shares_data_and_version(make_view, shape):
    x = mt.arange(3.0) if shape else mt.tensor(2.0)
    v = make_view(x)
    assert v is not x
    assert v.shape == x.shape and v.stride() == x.stride()
    assert v.data_ptr() == x.data_ptr()
    np.testing.assert_array_equal(v.numpy(), x.numpy())
    before = x._version
    v.add_(1)
    assert x._version == v._version == before + 1
    np.testing.assert_array_equal(x.numpy(), v.numpy())
    x.mul_(2)
    assert x._version == v._version == before + 2


def test_alias_of_2d_ellipsis_is_new_view():
    x = mt.arange(6.0).view(2, 3)
    v = x[...]
    assert v is not x and v.data_ptr() == x.data_ptr() and v.shape == (2, 3)


def _check_same(m, t):
    assert tuple(m.shape) == tuple(t.shape)
    assert tuple(m.stride()) == tuple(t.stride())
    assert m.storage_offset() == t.storage_offset()
    np.testing.assert_array_equal(m.numpy(), t.numpy())


META_CASES = [
    ("squeeze_", lambda L: L.arange(6.0).view(1, 2, 1, 3), lambda t: t.squeeze_()),
    ("squeeze_dim", lambda L: L.arange(6.0).view(1, 2, 1, 3), lambda t: t.squeeze_(2)),
    ("squeeze_dims", lambda L: L.arange(6.0).view(1, 2, 1, 3), lambda t: t.squeeze_((0, 2))),
    ("unsqueeze_", lambda L: L.arange(6.0).view(2, 3), lambda t: t.unsqueeze_(1)),
    ("unsqueeze_neg", lambda L: L.arange(6.0).view(2, 3), lambda t: t.unsqueeze_(-1)),
    ("transpose_", lambda L: L.arange(24.0).view(2, 3, 4), lambda t: t.transpose_(0, 2)),
    ("t_", lambda L: L.arange(6.0).view(2, 3), lambda t: t.t_()),
    ("t_1d", lambda L: L.arange(3.0), lambda t: t.t_()),
    ("as_strided_", lambda L: L.arange(12.0), lambda t: t.as_strided_((3, 2), (1, 3), 1)),
    ("as_strided_nooff", lambda L: L.arange(12.0)[2:], lambda t: t.as_strided_((2, 2), (2, 1))),
    ("resize_shrink", lambda L: L.arange(6.0), lambda t: t.resize_(2, 2)),
    ("resize_same", lambda L: L.arange(6.0), lambda t: t.resize_(3, 2)),
]


@pytest.mark.parametrize("name,make,op", META_CASES, ids=[c[0] for c in META_CASES])
def test_inplace_meta_vs_torch(name, make, op):
    torch = _torch()
    m, t = make(mt), make(torch)
    rm, rt = op(m), op(t)
    assert rm is m and oracle.same(rt, t)
    _check_same(m, t)


@pytest.mark.parametrize("name,make,op", META_CASES, ids=[c[0] for c in META_CASES])
def test_inplace_meta_keeps_storage_and_matches_numpy(name, make, op):
    m = make(mt)
    base = m.data_ptr() - m.storage_offset() * m.element_size()
    v = m._version
    op(m)
    assert m._version == v  # metadata only: no data write
    if True:  # none of these cases grows the storage
        assert m.data_ptr() - m.storage_offset() * m.element_size() == base
    # The same geometry as a NumPy view over the tensor's buffer.
    flat = np.asarray(m.contiguous().numpy())
    np.testing.assert_array_equal(m.numpy(), flat)
    assert m.numpy().strides == tuple(s * m.element_size() for s in m.stride())


def test_squeeze_unsqueeze_transpose_vs_numpy():
    a = np.arange(6.0).reshape(1, 2, 1, 3)
    m = mt.from_numpy(a.copy())
    m.squeeze_()
    np.testing.assert_array_equal(m.numpy(), np.squeeze(a))
    m.unsqueeze_(0)
    np.testing.assert_array_equal(m.numpy(), np.expand_dims(np.squeeze(a), 0))
    m.transpose_(0, 2)
    np.testing.assert_array_equal(m.numpy(), np.swapaxes(np.expand_dims(np.squeeze(a), 0), 0, 2))
    m2 = mt.arange(12.0)
    m2.as_strided_((3, 2), (1, 3), 1)
    np.testing.assert_array_equal(
        m2.numpy(), np.lib.stride_tricks.as_strided(np.arange(12.0)[1:], (3, 2), (8, 24)))


@pytest.mark.parametrize("op,exc", [
    (lambda t: t.squeeze_(5), IndexError),
    (lambda t: t.unsqueeze_(7), IndexError),
    (lambda t: t.transpose_(0, 9), IndexError),
    (lambda t: t.view(1, 2, 3).t_(), RuntimeError),
    (lambda t: t.as_strided_((10,), (1,), 0), RuntimeError),
    (lambda t: t.as_strided_((2,), (1,), -1), RuntimeError),
])
def test_inplace_meta_errors_leave_tensor_unchanged(op, exc):
    t = mt.arange(6.0)
    with pytest.raises(exc):
        op(t)
    assert t.shape == (6,) and t.stride() == (1,) and t.storage_offset() == 0


@pytest.mark.parametrize("op", [
    lambda t: t.squeeze_(5), lambda t: t.unsqueeze_(7), lambda t: t.transpose_(0, 9),
    lambda t: t.view(1, 2, 3).t_(), lambda t: t.as_strided_((10,), (1,), 0),
])
def test_inplace_meta_error_classes_vs_torch(op):
    torch = _torch()
    with pytest.raises(Exception) as et:
        op(torch.arange(6.0))
    with pytest.raises(et.type):
        op(mt.arange(6.0))


def test_resize_refuses_exported_storage_and_set_keeps_export():
    t = mt.arange(4.0)
    a = t.numpy()
    with pytest.raises(RuntimeError):
        t.resize_(100)
    assert t.shape == (4,)
    src = mt.arange(10.0)
    t.set_(src)
    assert t.data_ptr() == src.data_ptr() and t.shape == (10,)
    np.testing.assert_array_equal(a, [0, 1, 2, 3])  # the array still reads its bytes
    t.set_(src, 2, (2, 2), (1, 2))
    np.testing.assert_array_equal(t.numpy(), [[2, 4], [3, 5]])
    t.set_()
    assert t.shape == (0,)
    with pytest.raises(RuntimeError):
        t.set_(mt.arange(3))  # dtype mismatch
    del a


def test_set_vs_torch():
    torch = _torch()
    for L in (mt, torch):
        src = L.arange(10.0)
        t = L.empty(0)
        t.set_(src, 2, (2, 2), (1, 2))
        np.testing.assert_array_equal(t.numpy(), [[2, 4], [3, 5]])
        with pytest.raises(RuntimeError):
            t.set_(src, 9, (2, 2), (1, 2))


def test_data_setter_goes_through_set():
    t = mt.zeros(3)
    src = mt.arange(5.0)
    t.data = src
    assert t.data_ptr() == src.data_ptr() and t.shape == (5,)
    t.data = mt.arange(3)  # another dtype: swapped too, as in PyTorch (test_legacy_api.py)
    assert t.dtype == mt.int64 and t.tolist() == [0, 1, 2]
    g = mt.zeros(2, requires_grad=True)
    with pytest.raises(RuntimeError):
        g.data = mt.arange(3)  # requires grad: floating-point data only


@pytest.mark.parametrize("shape,mshape", [((2, 3), (2, 3)), ((2, 3), (3,)), ((3,), (2, 3)),
                                          ((4,), (4,)), ((), ())])
def test_masked_scatter_vs_numpy_and_torch(shape, mshape):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(np.float32)
    m = rng.random(mshape) > 0.4
    full = np.broadcast_shapes(shape, mshape)
    src = np.arange(int(np.prod(full)) + 2, dtype=np.float32)
    exp = np.broadcast_to(x, full).copy()
    exp[np.broadcast_to(m, full)] = src[: int(np.broadcast_to(m, full).sum())]
    r = mt.masked_scatter(mt.tensor(x), mt.tensor(m), mt.tensor(src))
    np.testing.assert_array_equal(r.numpy(), exp)
    r2 = mt.tensor(x).masked_scatter(mt.tensor(m), mt.tensor(src))
    np.testing.assert_array_equal(r2.numpy(), exp)
    if shape == full:
        t = mt.tensor(x)
        assert t.masked_scatter_(mt.tensor(m), mt.tensor(src)) is t
        np.testing.assert_array_equal(t.numpy(), exp)
    torch = oracle.torch()
    rt = torch.masked_scatter(torch.tensor(x), torch.tensor(m), torch.tensor(src))
    np.testing.assert_array_equal(r.numpy(), rt.numpy())


@pytest.mark.parametrize("fn", [
    lambda L: L.masked_scatter(L.zeros(3), L.tensor([1, 0, 1]), L.ones(3)),  # not bool
    lambda L: L.masked_scatter(L.zeros(3), L.tensor([True, True, True]), L.ones(2)),  # short
    lambda L: L.masked_scatter(L.zeros(3), L.tensor([True, False]), L.ones(3)),  # shape
])
def test_masked_scatter_errors(fn):
    with pytest.raises(RuntimeError):
        fn(mt)
    torch = oracle.torch()
    with pytest.raises(RuntimeError):
        fn(torch)


@pytest.mark.parametrize("fn,exc", [
    (lambda L: L.arange(3.0)[5], IndexError),
    (lambda L: L.arange(3.0)[0, 0], IndexError),
    (lambda L: L.tensor(1.0)[0], IndexError),
    (lambda L: L.arange(3.0)[L.tensor([0.5])], IndexError),
    (lambda L: L.arange(3.0)["a"], TypeError),
])
def test_index_error_classes(fn, exc):
    with pytest.raises(exc):
        fn(mt)
    torch = oracle.torch()
    with pytest.raises(exc):
        fn(torch)


def test_double_ellipsis_is_index_error():
    # PyTorch 2.x accepts x[..., ...]; minitorch keeps NumPy's IndexError.
    with pytest.raises(IndexError, match="single ellipsis"):
        mt.arange(3.0)[..., ...]


def test_where_cond_and_max_pair_use_cpp():
    c = mt.tensor([[True, False], [False, True]])
    r = mt.where(c)
    assert isinstance(r, tuple) and len(r) == 2
    np.testing.assert_array_equal(r[0].numpy(), [0, 1])
    np.testing.assert_array_equal(r[1].numpy(), [0, 1])
    a, b = mt.tensor([1.0, 5.0]), mt.tensor([3.0, 2.0])
    np.testing.assert_array_equal(mt.max(a, b).numpy(), [3, 5])
    np.testing.assert_array_equal(mt.min(a, b).numpy(), [1, 2])
    out = mt.empty(2)
    assert mt.max(a, b, out=out) is out
    np.testing.assert_array_equal(out.numpy(), [3, 5])


def test_sort_topk_kthvalue_return_types():
    x = mt.tensor([3.0, 1.0, 2.0])
    for r, name in ((x.sort(), "sort"), (x.topk(2), "topk"), (x.kthvalue(1), "kthvalue")):
        assert type(r) is getattr(mt.return_types, name)
        assert isinstance(r, tuple) and len(r) == 2
        v, i = r
        assert r.values is v and r.indices is i
        assert f"minitorch.return_types.{name}" in repr(r)
