"""The elementwise iterator over every memory layout (Note [Iteration order],
Note [Blocked copies]): results equal NumPy's, bit for bit, whatever order the
iterator visits the elements in. Layouts: permuted, transposed, broadcast
(stride 0), negative strides (flip), offsets (slices), mixes of these with a
contiguous operand, 0-size and 0-d; in-place ops on such views; copies with
and without dtype conversion."""

import numpy as np
import pytest
from helpers import NUMPY_DTYPES, make

import minitorch as mt


def _views(shape, dtype, seed):
    """(name, minitorch view, NumPy values) of one logical array in many layouts."""
    a = make(shape, dtype, seed=seed)
    out = [("contiguous", mt.tensor(a), a)]
    nd = a.ndim
    if nd >= 2:
        perm = tuple(range(1, nd)) + (0,)  # the storage is a moved-axis copy
        inv = tuple(np.argsort(perm))
        c = np.ascontiguousarray(a.transpose(perm))
        out.append(("permuted", mt.tensor(c).permute(*inv), a))
        rev = tuple(range(nd))[::-1]
        out.append(("transposed", mt.tensor(np.ascontiguousarray(a.transpose(rev))).permute(*rev), a))
    if nd >= 1:
        f = np.ascontiguousarray(np.flip(a, -1))
        out.append(("flipped", mt.tensor(f).flip(-1), a))
        fa = np.ascontiguousarray(np.flip(a))
        out.append(("flipped_all", mt.tensor(fa).flip(*range(nd)), a))
        big = np.zeros(tuple(s + 2 for s in a.shape), dtype=a.dtype)
        big[(slice(1, -1),) * nd] = a
        out.append(("offset", mt.tensor(big)[(slice(1, -1),) * nd], a))
        b = make((1,) + a.shape[1:], dtype, seed=seed + 7)
        out.append(("broadcast", mt.tensor(b).expand(*a.shape), np.broadcast_to(b, a.shape)))
    return out


SHAPES = [(3, 64, 64), (5, 7), (2, 3, 4, 5), (17,), (), (0, 4), (4, 1, 6)]


def _eq(t, expected):
    got = t.numpy()
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("shape", SHAPES)
def test_binary_every_layout_pair(shape):
    va = _views(shape, "float32", 1)
    vb = _views(shape, "float32", 2)
    for na, ta, a in va:
        for nb, tb, b in vb:
            _eq(ta + tb, a + b)
            _eq(ta * tb, a * b)
            _eq(ta - 2.5, a - np.float32(2.5))


@pytest.mark.parametrize("dtype", NUMPY_DTYPES)
def test_binary_layouts_all_dtypes(dtype):
    shape = (3, 8, 5)
    op = np.logical_xor if dtype == "bool" else np.add
    mop = mt.logical_xor if dtype == "bool" else mt.add
    for na, ta, a in _views(shape, dtype, 3):
        for nb, tb, b in _views(shape, dtype, 4):
            _eq(mop(ta, tb), op(a, b))
    for na, ta, a in _views(shape, dtype, 5):
        _eq(ta == ta, a == a)


def test_permuted_beside_contiguous_is_the_issue_case():
    p = make((64, 64, 3), "float32", seed=1)
    c = make((3, 64, 64), "float32", seed=2)
    tp = mt.tensor(p).permute(2, 0, 1)
    tc = mt.tensor(c)
    _eq(tp + tc, p.transpose(2, 0, 1) + c)
    _eq(tc + tp, c + p.transpose(2, 0, 1))
    _eq(mt.where(tp > 0, tp, tc), np.where(p.transpose(2, 0, 1) > 0, p.transpose(2, 0, 1), c))


@pytest.mark.parametrize("shape", SHAPES)
def test_unary_and_ternary_layouts(shape):
    for name, t, a in _views(shape, "float64", 6):
        _eq(-t, -a)
        _eq(t.abs(), np.abs(a))
        for n2, t2, b in _views(shape, "float64", 8):
            _eq(mt.where(t > 0, t, t2), np.where(a > 0, a, b))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dst_dtype", ["float32", "float64", "int32", "float16", "uint8"])
def test_copy_layouts(shape, dst_dtype):
    for name, t, a in _views(shape, "float32", 9):
        _eq(t.contiguous(), np.array(a, order="C"))
        _eq(t.clone(), a)
        cast = np.abs(a) if dst_dtype == "uint8" else a
        src = t.abs() if dst_dtype == "uint8" else t
        _eq(src.to(getattr(mt, dst_dtype)), cast.astype(dst_dtype))
        # copy_ into every layout of destination
        for dname, d, _ in _views(shape, dst_dtype, 10):
            if dname == "broadcast":
                continue
            d.copy_(src)
            _eq(d, cast.astype(dst_dtype))


@pytest.mark.parametrize("n,m", [(64, 64), (100, 37), (8, 300), (33, 9)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "bool", "float16"])
def test_blocked_transpose_copies(n, m, dtype):
    a = make((n, m), dtype, seed=11)
    t = mt.tensor(np.ascontiguousarray(a.T)).t()
    _eq(t.contiguous(), a)
    # a batch of transposes, with a flip
    b = make((3, n, m), dtype, seed=12)
    tb = mt.tensor(np.ascontiguousarray(b.transpose(0, 2, 1))).transpose(1, 2).flip(0)
    _eq(tb.contiguous(), np.ascontiguousarray(b[::-1]))
    # into a transposed destination, converting
    d = mt.zeros(m, n, dtype=mt.float64).t()
    d.copy_(mt.tensor(a))
    _eq(d, a.astype("float64"))
    # bfloat16 through float32 (NumPy has no bfloat16)
    if dtype == "float32":
        bf = t.to(mt.bfloat16).contiguous().to(mt.float32)
        _eq(bf, mt.tensor(a).to(mt.bfloat16).to(mt.float32).numpy())


def test_inplace_on_views():
    for name, t, a in _views((4, 6, 5), "float32", 13):
        if name == "broadcast":
            continue
        expected = a.copy()
        for on, o, ov in _views((4, 6, 5), "float32", 14):
            t.add_(o)
            expected = expected + ov
            _eq(t, expected)
        t.mul_(2.0)
        _eq(t, expected * np.float32(2.0))
        t.fill_(3.0)
        _eq(t, np.full(a.shape, 3.0, np.float32))


def test_inplace_self_aliasing():
    a = make((6, 7), "float32", seed=15)
    t = mt.tensor(np.ascontiguousarray(a[::-1].T)).t().flip(0)
    t.add_(t)
    _eq(t, a + a)
    u = mt.tensor(a).flip(1)
    u.mul_(u)
    _eq(u, (a * a)[:, ::-1])


def test_output_layout_unchanged():
    # The result's layout follows the first input of the result's shape
    # (docs/design.md); only the visiting order is new.
    p = mt.rand(64, 64, 3).permute(2, 0, 1)
    c = mt.rand(3, 64, 64)
    assert (p + c).stride() == p.stride()
    assert (c + p).stride() == c.stride()
    assert p.clone().is_contiguous() or p.clone().stride() == p.stride()
