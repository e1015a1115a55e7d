"""Copying shape ops (issue 4, item 5): cat/stack family, flip family, roll,
rot90, repeat, tile, repeat_interleave, tril/triu, diag, diag_embed, clone.
Values, dtypes and shapes against NumPy and PyTorch over dtypes and layouts;
results never share the input's memory (except the flip views, a documented
difference); PyTorch's errors."""

import numpy as np
import oracle
import pytest
from helpers import NUMPY_DTYPES, dtype_name, make
from helpers import variants as _variants

import minitorch as mt

torch = oracle.torch()

DTYPES = NUMPY_DTYPES


def variants(a):
    return _variants(a, values=True, expanded="always")


def np_of(t):
    return t.float().numpy() if t.dtype == mt.bfloat16 else t.numpy()



def check(r, tr):
    if isinstance(tr, (tuple, list)):
        assert len(r) == len(tr)
        for x, y in zip(r, tr):
            check(x, y)
        return
    assert tuple(r.shape) == tuple(tr.shape)
    assert dtype_name(r.dtype) == dtype_name(tr.dtype)
    np.testing.assert_array_equal(np_of(r), tr.numpy())


COPY_OPS = [
    ("cat0", lambda m, t: m.cat([t, t], 0)),
    ("cat_neg", lambda m, t: m.cat((t, t[:, :1], t), dim=-2)),
    ("concat", lambda m, t: m.concat([t, t], 2)),
    ("concatenate", lambda m, t: m.concatenate([t, t], axis=1)),
    ("stack", lambda m, t: m.stack([t, t, t], 1)),
    ("stack_last", lambda m, t: m.stack([t, t], -1)),
    ("hstack", lambda m, t: m.hstack([t, t])),
    ("vstack", lambda m, t: m.vstack([t, t])),
    ("dstack", lambda m, t: m.dstack([t, t])),
    ("hstack_1d", lambda m, t: m.hstack([t[0, 0], t[1, 1]])),
    ("vstack_1d", lambda m, t: m.vstack([t[0, 0], t[1, 1]])),
    ("dstack_2d", lambda m, t: m.dstack([t[0], t[1]])),
    ("column_stack", lambda m, t: m.column_stack([t[0, :, 0], t[0], t[1, :, 1]])),
    ("roll", lambda m, t: m.roll(t, 1, 0)),
    ("roll_neg", lambda m, t: t.roll(-5, 2)),
    ("roll_flat", lambda m, t: m.roll(t, 7)),
    ("roll_multi", lambda m, t: t.roll((1, -2), (1, 2))),
    ("rot90", lambda m, t: m.rot90(t)),
    ("rot90_k2", lambda m, t: m.rot90(t, 2, (1, 2))),
    ("rot90_k3", lambda m, t: t.rot90(3, [2, 0])),
    ("rot90_neg", lambda m, t: t.rot90(-1)),
    ("rot90_k0", lambda m, t: t.rot90(0)),
    ("repeat", lambda m, t: t.repeat(2, 1, 3)),
    ("repeat_more", lambda m, t: t.repeat(2, 1, 1, 2)),
    ("repeat_tuple", lambda m, t: t.repeat((1, 2, 1))),
    ("repeat_zero", lambda m, t: t.repeat(1, 0, 1)),
    ("tile", lambda m, t: m.tile(t, (2,))),
    ("tile_more", lambda m, t: m.tile(t, (2, 1, 1, 2))),
    ("tile_method", lambda m, t: t.tile(2, 2)),
    ("repeat_interleave", lambda m, t: m.repeat_interleave(t, 2)),
    ("repeat_interleave_dim", lambda m, t: t.repeat_interleave(3, dim=1)),
    ("repeat_interleave_tensor", lambda m, t: t.repeat_interleave(m.tensor([1, 0, 2]), dim=1)),
    ("repeat_interleave_1elem", lambda m, t: t.repeat_interleave(m.tensor([2]), dim=-1)),
    ("tril", lambda m, t: m.tril(t)),
    ("tril_k", lambda m, t: t.tril(1)),
    ("tril_neg", lambda m, t: m.tril(t, diagonal=-2)),
    ("triu", lambda m, t: m.triu(t)),
    ("triu_k", lambda m, t: t.triu(2)),
    ("triu_neg", lambda m, t: m.triu(t, -1)),
    ("diag_2d", lambda m, t: m.diag(t[0])),
    ("diag_2d_k", lambda m, t: m.diag(t[1], 1)),
    ("diag_2d_negk", lambda m, t: t[1].diag(-1)),
    ("diag_1d", lambda m, t: m.diag(t[0, 0])),
    ("diag_1d_k", lambda m, t: m.diag(t[0, 1], 2)),
    ("diag_1d_negk", lambda m, t: m.diag(t[0, 1], -1)),
    ("diag_embed", lambda m, t: m.diag_embed(t)),
    ("diag_embed_off", lambda m, t: t.diag_embed(1, 0, 2)),
    ("diag_embed_neg", lambda m, t: t.diag_embed(-2, -1, 1)),
    ("clone", lambda m, t: t.clone()),
    ("clone_fn", lambda m, t: m.clone(t)),
    ("index_rot", lambda m, t: m.rot90(t, 1, (0, 2))),
]


@pytest.mark.parametrize("dtype", ["float32", "int64", "bool", "uint8", "float16"])
@pytest.mark.parametrize("name,op", COPY_OPS, ids=[n for n, _ in COPY_OPS])
def test_copy_ops_match_torch(name, op, dtype):
    a = make((2, 3, 4), dtype)
    for _, t, tt, _ in variants(a):
        r = op(mt, t)
        check(r, op(torch, tt))
        # a copy: writing into the result never changes the input
        if r.numel() > 0:
            assert not np.shares_memory(np_of(r), np_of(t))


@pytest.mark.parametrize("dtype", DTYPES)
def test_copy_ops_against_numpy(dtype):
    for _, t, _, a in variants(make((3, 4, 5), dtype)):
        np.testing.assert_array_equal(mt.cat([t, t], 1).numpy(), np.concatenate([a, a], 1))
        np.testing.assert_array_equal(mt.stack([t, t], 2).numpy(), np.stack([a, a], 2))
        np.testing.assert_array_equal(mt.roll(t, (2, -1), (0, 2)).numpy(), np.roll(a, (2, -1), (0, 2)))
        np.testing.assert_array_equal(mt.rot90(t, 1, (1, 2)).numpy(), np.rot90(a, 1, (1, 2)))
        np.testing.assert_array_equal(t.repeat(2, 1, 3).numpy(), np.tile(a, (2, 1, 3)))
        np.testing.assert_array_equal(mt.tile(t, (2, 2)).numpy(), np.tile(a, (2, 2)))
        np.testing.assert_array_equal(mt.repeat_interleave(t, 2, 1).numpy(), np.repeat(a, 2, 1))
        np.testing.assert_array_equal(mt.tril(t, 1).numpy(), np.tril(a, 1))
        np.testing.assert_array_equal(mt.triu(t, -1).numpy(), np.triu(a, -1))
        np.testing.assert_array_equal(mt.flip(t, (0, 2)).numpy(), np.flip(a, (0, 2)))
        np.testing.assert_array_equal(mt.fliplr(t).numpy(), np.fliplr(a))
        np.testing.assert_array_equal(mt.flipud(t).numpy(), np.flipud(a))
        np.testing.assert_array_equal(mt.diag(t[0], 1).numpy(), np.diag(a[0], 1))
        np.testing.assert_array_equal(mt.diag(t[0, 0], -2).numpy(), np.diag(a[0, 0], -2))


def test_cat_promotes_and_skips_legacy_empty():
    a = mt.tensor([1, 2], dtype=mt.int32)
    b = mt.tensor([0.5], dtype=mt.float16)
    c = mt.tensor([True])
    r = mt.cat([a, b, c])
    tr = torch.cat([torch.tensor([1, 2], dtype=torch.int32), torch.tensor([0.5], dtype=torch.float16),
                    torch.tensor([True])])
    check(r, tr)
    u8 = mt.tensor([200], dtype=mt.uint8)
    i8 = mt.tensor([-1], dtype=mt.int8)
    assert mt.cat([u8, i8]).dtype == mt.int16
    # legacy empty 1-D tensors next to 2-D ones are skipped
    x = mt.ones(2, 3)
    r = mt.cat([mt.tensor([]), x, mt.zeros(0)], 0)
    assert r.shape == (2, 3)
    assert mt.cat([mt.zeros(0), mt.zeros(0)]).shape == (0,)
    assert mt.cat([mt.zeros(0, 3), x]).shape == (2, 3)
    np.testing.assert_array_equal(mt.cat([x.bfloat16(), x]).float().numpy(), np.ones((4, 3)))
    assert mt.cat([x.bfloat16(), x.half()]).dtype == mt.float32


def test_cat_stack_out():
    out = mt.empty(0)
    r = mt.cat([mt.ones(2), mt.zeros(1)], out=out)
    assert r is out and out.tolist() == [1.0, 1.0, 0.0]
    out = mt.empty(2, 2, dtype=mt.int64)
    mt.stack([mt.tensor([1, 2]), mt.tensor([3, 4])], out=out)
    assert out.tolist() == [[1, 2], [3, 4]]
    with pytest.raises(RuntimeError, match="can't be cast"):
        mt.cat([mt.ones(2)], out=mt.empty(2, dtype=mt.int64))


def test_cat_stack_errors():
    with pytest.raises(RuntimeError, match="expected a non-empty list of Tensors"):
        mt.cat([])
    with pytest.raises(RuntimeError, match="zero-dimensional tensor \\(at position 0\\) cannot be concatenated"):
        mt.cat([mt.tensor(1.0)])
    with pytest.raises(RuntimeError, match="Sizes of tensors must match except in dimension 0. Expected size 3 but got size 2 for tensor number 1"):
        mt.cat([mt.zeros(2, 3), mt.zeros(2, 2)])
    with pytest.raises(RuntimeError, match="Tensors must have same number of dimensions: got 2 and 1"):
        mt.cat([mt.zeros(2, 3), mt.zeros(3)])
    with pytest.raises(IndexError, match="Dimension out of range"):
        mt.cat([mt.zeros(2, 3)], 2)
    with pytest.raises(TypeError):
        mt.cat(mt.zeros(2))
    with pytest.raises(TypeError):
        mt.cat([mt.zeros(2), 1])
    with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size, but got \[2\] at entry 0 and \[3\] at entry 1"):
        mt.stack([mt.zeros(2), mt.zeros(3)])
    with pytest.raises(RuntimeError, match="stack expects a non-empty TensorList"):
        mt.stack([])


def test_other_errors():
    t = mt.zeros(2, 3)
    with pytest.raises(RuntimeError, match="Number of dimensions of repeat dims can not be smaller"):
        t.repeat(2)
    with pytest.raises(RuntimeError, match="shifts and dimensions must align"):
        t.roll((1, 2), 0)
    with pytest.raises(RuntimeError, match="expected total rotation dims == 2"):
        t.rot90(1, (0,))
    with pytest.raises(RuntimeError, match="expected total dims >= 2"):
        mt.zeros(3).rot90()
    with pytest.raises(RuntimeError, match="expected rotation dims to be different"):
        t.rot90(1, (0, 0))
    with pytest.raises(RuntimeError, match="tril: input tensor must have at least 2 dimensions"):
        mt.zeros(3).tril()
    with pytest.raises(RuntimeError, match="diag\\(\\): Supports 1D or 2D tensors. Got 3D"):
        mt.zeros(1, 1, 1).diag()
    with pytest.raises(RuntimeError, match="Input must be >= 2-d."):
        mt.fliplr(mt.zeros(3))
    with pytest.raises(RuntimeError, match="repeats must have the same size as input along dim"):
        t.repeat_interleave(mt.tensor([1, 2]), dim=1)
    with pytest.raises(RuntimeError, match="repeats can not be negative"):
        t.repeat_interleave(-1)
    with pytest.raises(RuntimeError, match="dim 0 appears multiple times in the list of dims"):
        t.flip(0, 0)


def test_repeat_interleave_index_form_and_output_size():
    r = mt.repeat_interleave(mt.tensor([2, 0, 3]))
    assert r.tolist() == torch.repeat_interleave(torch.tensor([2, 0, 3])).tolist()
    x = mt.tensor([[1, 2], [3, 4]])
    assert mt.repeat_interleave(x, mt.tensor([1, 2]), dim=0, output_size=3).tolist() == [
        [1, 2], [3, 4], [3, 4]]
    assert mt.repeat_interleave(mt.tensor(5), 3).tolist() == [5, 5, 5]


def test_tril_triu_in_place_and_version():
    for make_t in [lambda: mt.ones(3, 4), lambda: mt.ones(4, 3).t(), lambda: mt.ones(2, 3, 3)]:
        t = make_t()
        v = t._version
        p = t.data_ptr()
        assert t.tril_(-1) is t
        assert t._version == v + 1 and t.data_ptr() == p
        np.testing.assert_array_equal(t.numpy(), np.tril(np.ones(t.shape), -1))
        t = make_t()
        t.triu_(1)
        np.testing.assert_array_equal(t.numpy(), np.triu(np.ones(t.shape), 1))
    arr = np.ones((2, 2))
    arr.flags.writeable = False
    ro = mt.from_numpy(arr)
    with pytest.raises(RuntimeError, match="read-only"):
        ro.tril_()


def test_flip_is_a_view_here():
    # Documented difference: flip/fliplr/flipud are views with negative strides.
    t = mt.arange(6).reshape(2, 3)
    f = t.flip(1)
    assert f.stride() == (3, -1)
    assert np.shares_memory(f.numpy(), t.numpy())
    assert mt.fliplr(t).stride() == (3, -1) and mt.flipud(t).stride() == (-3, 1)
    # rot90 copies, as in PyTorch, and ends up with PyTorch's strides
    tt = torch.arange(6).reshape(2, 3)
    for k in range(4):
        assert mt.rot90(t, k).stride() == torch.rot90(tt, k).stride()


def test_empty_and_bfloat16_inputs():
    e = mt.zeros(0, 3)
    assert mt.roll(e, 1, 0).shape == (0, 3)
    assert e.repeat(2, 2).shape == (0, 6)
    assert mt.tril(e).shape == (0, 3)
    assert mt.repeat_interleave(e, 2, 1).shape == (0, 6)
    b = mt.arange(6.0).reshape(2, 3).bfloat16()
    np.testing.assert_array_equal(mt.tril(b).float().numpy(), np.tril(np.arange(6.0).reshape(2, 3)))
    np.testing.assert_array_equal(b.roll(1, 1).float().numpy(),
                                  np.roll(np.arange(6.0).reshape(2, 3), 1, 1))


def test_copy_from_python_number_casts_like_a_0d_tensor():
    # PyTorch 2.13 copies a number as a 0-d tensor of its own dtype, so the cast rules
    # apply (int8 wraps), not fill_'s range check.
    x = mt.zeros(2, 3)
    assert x.copy_(2.5) is x and x.tolist() == [[2.5] * 3] * 2
    assert mt.zeros(2, dtype=mt.int8).copy_(300).tolist() == [44, 44]
    assert mt.zeros(2, dtype=mt.int8).copy_(1.7).tolist() == [1, 1]
    assert mt.zeros(2, dtype=mt.bool).copy_(2).tolist() == [True, True]
    assert mt.zeros(2).copy_(True).tolist() == [1.0, 1.0]
    with pytest.raises(TypeError, match="must be Tensor, not str"):
        mt.zeros(2).copy_("a")


def test_size_validates_and_converts_items():
    assert mt.Size([True, np.int64(3), mt.tensor(2)]) == (1, 3, 2)
    assert type(mt.Size(iter([1, 2]))[0]) is int
    assert mt.zeros(2, 3).shape == mt.Size([2, 3]) and type(mt.zeros(2).shape) is mt.Size
    for bad, name in [(1.5, "float"), ("a", "str"), (mt.tensor([1, 2]), "Tensor")]:
        with pytest.raises(TypeError, match=f"item 0 is '{name}'"):
            mt.Size([bad])
    with pytest.raises(TypeError, match="tuple subclass"):
        mt._C._set_size_class(list)
