"""Indexing ops (issue 4, item 5): gather, scatter(_add), index_select/add/
copy/fill, index_put, masked_fill/scatter/select, take, nonzero, where(cond),
one_hot. Values against PyTorch and NumPy over dtypes and layouts; in-place
forms bump the version counter, refuse read-only tensors and return self;
PyTorch's errors."""

import numpy as np
import oracle
import pytest
from helpers import NUMPY_DTYPES, dtype_name, make, variants

import minitorch as mt
import minitorch.nn.functional as F

torch = oracle.torch()

DTYPES = NUMPY_DTYPES



def check(r, tr, rtol=0):
    if isinstance(tr, (tuple, list)):
        assert len(r) == len(tr)
        for x, y in zip(r, tr):
            check(x, y, rtol)
        return
    assert tuple(r.shape) == tuple(tr.shape)
    assert dtype_name(r.dtype) == dtype_name(tr.dtype)
    if rtol:
        np.testing.assert_allclose(r.numpy().astype(np.float64), tr.numpy().astype(np.float64),
                                   rtol=rtol)
    else:
        np.testing.assert_array_equal(r.numpy(), tr.numpy())


# Ops written once for both libraries; `a` is a (3, 4, 5) tensor.
OPS = [
    ("gather0", lambda m, a: m.gather(a, 0, m.tensor([[[0, 2, 1, 0, 2]], [[1, 1, 1, 1, 1]]]))),
    ("gather_last", lambda m, a: a.gather(-1, m.tensor([[[4, 0], [3, 3], [0, 1], [2, 2]]] * 3))),
    ("gather_small", lambda m, a: a.gather(1, m.tensor([[[3]], [[0]]]))),
    ("scatter_src", lambda m, a: a.scatter(1, m.tensor([[[3, 0, 1, 2, 0]]]), a.flip(0)[:1, :1])),
    ("scatter_value", lambda m, a: m.scatter(a, 2, m.tensor([[[4, 0]], [[1, 1]]]), 7)),
    ("scatter_kw", lambda m, a: a.scatter(dim=0, index=m.tensor([[[2]]]), value=3)),
    ("scatter_add", lambda m, a: m.scatter_add(a, 1, m.tensor([[[1, 1, 2, 0, 1]]] * 2), a[:2, :1])),
    ("scatter_add_dup", lambda m, a: a.scatter_add(0, m.tensor([[[0, 0]], [[0, 0]]]), a[:2, :1, :2])),
    ("scatter_reduce_add", lambda m, a: a.scatter(2, m.tensor([[[0, 0, 1]]]), a[:1, :1, :3], reduce="add")),
    ("scatter_reduce_mul", lambda m, a: a.scatter(2, m.tensor([[[1, 1]]]), a[:1, :1, 3:], reduce="multiply")),
    ("index_select", lambda m, a: m.index_select(a, 1, m.tensor([3, 0, 0]))),
    ("index_select_i32", lambda m, a: a.index_select(-1, m.tensor([4, 1], dtype=m.int32))),
    ("index_select_empty", lambda m, a: a.index_select(0, m.tensor([], dtype=m.int64))),
    ("index_select_0d", lambda m, a: a.index_select(0, m.tensor(2))),
    ("index_add", lambda m, a: m.index_add(a, 0, m.tensor([2, 0, 2]), a)),
    ("index_add_alpha", lambda m, a: a.index_add(2, m.tensor([1, 1]), a[..., :2], alpha=2)),
    ("index_copy", lambda m, a: m.index_copy(a, 1, m.tensor([3, 1]), a[:, :2])),
    ("index_fill", lambda m, a: m.index_fill(a, 1, m.tensor([0, 2]), 5)),
    ("index_fill_neg", lambda m, a: a.index_fill(-1, m.tensor([-1]), m.tensor(1))),
    ("index_put", lambda m, a: m.index_put(a, (m.tensor([0, 2]), m.tensor([1, 3])), a[0, 0, :1])),
    ("index_put_acc", lambda m, a: a.index_put((m.tensor([0, 0, 2]),), a[:1], accumulate=True)),
    ("take", lambda m, a: m.take(a, m.tensor([[0, 59], [-1, 17]]))),
    ("take_method", lambda m, a: a.take(m.tensor(5))),
    ("nonzero", lambda m, a: m.nonzero(a)),
    ("nonzero_tuple", lambda m, a: m.nonzero(a, as_tuple=True)),
    ("argwhere", lambda m, a: m.argwhere(a)),
    ("where_cond", lambda m, a: m.where(a)),
]


@pytest.mark.parametrize("dtype", ["float32", "int64", "bool", "float16", "uint8"])
@pytest.mark.parametrize("name,op", OPS, ids=[n for n, _ in OPS])
def test_index_ops_match_torch(name, op, dtype):
    if dtype == "bool" and ("add" in name or "mul" in name):
        pytest.skip("arithmetic on bool")
    a = make((3, 4, 5), dtype)
    # Accumulating duplicates in float16 rounds per step here; PyTorch's CPU
    # kernel rounds once at the end, so allow an ulp or so.
    rtol = 2e-3 if dtype == "float16" and ("add" in name or "mul" in name) else 0
    for _, t, tt in variants(a):
        check(op(mt, t), op(torch, tt), rtol)


def test_index_put_with_none_matches_setitem():
    a = make((3, 4, 5), "float32")
    t = mt.tensor(a)
    t.index_put_((None, mt.tensor([1, 3])), mt.tensor(a[:, :1]))
    tt = torch.from_numpy(a.copy())
    tt[:, torch.tensor([1, 3])] = torch.from_numpy(a[:, :1])
    check(t, tt)


MASK_OPS = [
    ("masked_fill", lambda m, a, k: m.masked_fill(a, k, 3)),
    ("masked_fill_0d", lambda m, a, k: a.masked_fill(k, m.tensor(1))),
    ("masked_fill_bcast", lambda m, a, k: a[0].masked_fill(k, 2)),
    ("masked_select", lambda m, a, k: m.masked_select(a, k)),
    ("masked_select_bcast", lambda m, a, k: m.masked_select(a[:1], k)),
    ("masked_scatter", lambda m, a, k: m.masked_scatter(a, k, a.flip(0))),
    ("masked_scatter_method", lambda m, a, k: a[0, 0].masked_scatter(k[0, 0], a.flip(2)[1, 1])),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,op", MASK_OPS, ids=[n for n, _ in MASK_OPS])
def test_masked_ops_match_torch(name, op, dtype):
    a = make((3, 4, 5), dtype)
    mask = make((3, 4, 5), "bool", seed=1)
    for _, t, tt in variants(a):
        for _, k, tk in variants(mask)[:3]:
            check(op(mt, t, k), op(torch, tt, tk))


@pytest.mark.parametrize("dtype", DTYPES)
def test_against_numpy(dtype):
    a = make((4, 5), dtype)
    for _, t, _ in variants(a):
        idx = np.array([[3, 0, 1, 2, 0], [1, 1, 1, 1, 3]])
        np.testing.assert_array_equal(t.gather(0, mt.tensor(idx)).numpy(),
                                      np.take_along_axis(a, idx, 0))
        np.testing.assert_array_equal(t.index_select(1, mt.tensor([4, 0])).numpy(), a[:, [4, 0]])
        np.testing.assert_array_equal(mt.take(t, mt.tensor([19, -20, 7])).numpy(),
                                      np.take(a, [19, -20, 7]))
        np.testing.assert_array_equal(mt.nonzero(t).numpy(), np.argwhere(a))
        for x, y in zip(mt.nonzero(t, as_tuple=True), np.nonzero(a)):
            np.testing.assert_array_equal(x.numpy(), y)
        m = make((4, 5), "bool", seed=3)
        np.testing.assert_array_equal(t.masked_select(mt.tensor(m)).numpy(), a[m])
        want = a.copy()
        want[m] = 1
        np.testing.assert_array_equal(t.masked_fill(mt.tensor(m), 1).numpy(), want)


def in_place_cases():
    idx = mt.tensor([[0, 1]])
    return [
        ("scatter_", lambda t: t.scatter_(0, idx, mt.ones(1, 2))),
        ("scatter_value", lambda t: t.scatter_(1, idx, 2.0)),
        ("scatter_add_", lambda t: t.scatter_add_(1, idx, mt.ones(1, 2))),
        ("index_add_", lambda t: t.index_add_(0, mt.tensor([1]), mt.ones(1, 3))),
        ("index_copy_", lambda t: t.index_copy_(1, mt.tensor([2]), mt.ones(2, 1))),
        ("index_fill_", lambda t: t.index_fill_(1, mt.tensor([0]), -1.0)),
        ("index_put_", lambda t: t.index_put_((mt.tensor([1]),), mt.tensor(5.0))),
        ("masked_fill_", lambda t: t.masked_fill_(mt.tensor([True, False, True]), 4.0)),
        ("masked_scatter_", lambda t: t.masked_scatter_(mt.tensor([True, False, True]), mt.ones(4))),
        ("tril_", lambda t: t.tril_()),
    ]


@pytest.mark.parametrize("name,op", in_place_cases(), ids=[n for n, _ in in_place_cases()])
def test_in_place_forms(name, op):
    def tmake(m):
        return m.arange(6.0).reshape(2, 3)

    t = tmake(mt)
    alias = t.view(-1)
    v = t._version
    ptr = t.data_ptr()
    assert op(t) is t
    assert t._version == v + 1 == alias._version
    assert t.data_ptr() == ptr
    # same values as PyTorch's in-place op
    tt = tmake(torch)
    tname = name.split("_value")[0]
    mt_args = {
        "scatter_": (0, torch.tensor([[0, 1]]), torch.ones(1, 2)),
        "scatter": (1, torch.tensor([[0, 1]]), 2.0),
        "scatter_add_": (1, torch.tensor([[0, 1]]), torch.ones(1, 2)),
        "index_add_": (0, torch.tensor([1]), torch.ones(1, 3)),
        "index_copy_": (1, torch.tensor([2]), torch.ones(2, 1)),
        "index_fill_": (1, torch.tensor([0]), -1.0),
        "index_put_": ((torch.tensor([1]),), torch.tensor(5.0)),
        "masked_fill_": (torch.tensor([True, False, True]), 4.0),
        "masked_scatter_": (torch.tensor([True, False, True]), torch.ones(4)),
        "tril_": (),
    }[tname]
    getattr(tt, tname if tname != "scatter" else "scatter_")(*mt_args)
    np.testing.assert_array_equal(t.numpy(), tt.numpy())
    # read-only tensors refuse
    arr = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    arr.flags.writeable = False
    ro = mt.from_numpy(arr)
    with pytest.raises(RuntimeError, match="read-only"):
        op(ro)
    np.testing.assert_array_equal(arr, np.arange(6.0).reshape(2, 3))


def test_out_of_place_forms_do_not_touch_input():
    t = mt.arange(6.0).reshape(2, 3)
    v = t._version
    t.scatter(1, mt.tensor([[0]]), 9.0)
    t.index_add(0, mt.tensor([0]), mt.ones(1, 3))
    t.masked_fill(mt.tensor([True, True, True]), 0.0)
    t.index_put((mt.tensor([0]),), mt.tensor(1.0))
    assert t._version == v
    assert t.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]


def test_scatter_aliasing_and_duplicates():
    t = mt.arange(5.0)
    t.scatter_(0, mt.tensor([1, 0, 3]), t)   # reads the old values
    assert t.tolist() == [1.0, 0.0, 2.0, 2.0, 4.0]
    acc = mt.zeros(3)
    acc.index_add_(0, mt.tensor([0, 0, 2, 0]), mt.ones(4))
    assert acc.tolist() == [3.0, 0.0, 1.0]
    h = mt.zeros(2, dtype=mt.float16)
    h.scatter_add_(0, mt.tensor([1, 1, 1]), mt.tensor([0.5, 0.25, 0.25], dtype=mt.float16))
    assert h.tolist() == [0.0, 1.0]
    b = mt.zeros(3).bfloat16()
    b.index_fill_(0, mt.tensor([2]), 1.5)
    assert b.float().tolist() == [0.0, 0.0, 1.5]


def test_nonzero_edge_cases():
    check(mt.nonzero(mt.tensor(3)), torch.nonzero(torch.tensor(3)))
    check(mt.nonzero(mt.tensor(0)), torch.nonzero(torch.tensor(0)))
    check(mt.nonzero(mt.tensor(3), as_tuple=True), torch.nonzero(torch.tensor(3), as_tuple=True))
    check(mt.nonzero(mt.zeros(0, 3)), torch.nonzero(torch.zeros(0, 3)))
    check(mt.nonzero(mt.tensor([np.nan, 0.0, -0.0, 1.0])),
          torch.nonzero(torch.tensor([np.nan, 0.0, -0.0, 1.0])))
    big = np.zeros(100_000, bool)
    big[[5, 77_777, 99_999]] = True
    check(mt.nonzero(mt.tensor(big)), torch.nonzero(torch.from_numpy(big)))
    check(mt.where(mt.tensor([[0, 1], [2, 0]])), torch.where(torch.tensor([[0, 1], [2, 0]])))


def test_one_hot():
    x = [[0, 2], [1, 1]]
    check(F.one_hot(mt.tensor(x)), torch.nn.functional.one_hot(torch.tensor(x)))
    check(F.one_hot(mt.tensor(x), 5), torch.nn.functional.one_hot(torch.tensor(x), 5))
    check(F.one_hot(mt.tensor(2), 3), torch.nn.functional.one_hot(torch.tensor(2), 3))
    check(F.one_hot(mt.tensor([], dtype=mt.int64), 3),
          torch.nn.functional.one_hot(torch.tensor([], dtype=torch.int64), 3))
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes."):
        F.one_hot(mt.tensor([3]), 3)
    with pytest.raises(RuntimeError, match="Class values must be non-negative."):
        F.one_hot(mt.tensor([-1]))
    with pytest.raises(RuntimeError, match="one_hot is only applicable to index tensor"):
        F.one_hot(mt.tensor([1.0]))
    with pytest.raises(RuntimeError, match="Can not infer total number of classes from empty tensor."):
        F.one_hot(mt.tensor([], dtype=mt.int64))


def test_errors():
    t = mt.zeros(2, 3)
    i = mt.tensor([[0, 1]])
    with pytest.raises(RuntimeError, match="gather\\(\\): Expected dtype int32/int64 for index"):
        t.gather(0, i.short())
    np.testing.assert_array_equal(t.gather(0, i.int()).numpy(), [[0.0, 0.0]])
    with pytest.raises(RuntimeError, match="index 5 is out of bounds for dimension 1 with size 3"):
        t.gather(1, mt.tensor([[5]]))
    with pytest.raises(RuntimeError, match="index -1 is out of bounds for dimension 0 with size 2"):
        t.gather(0, mt.tensor([[-1]]))
    with pytest.raises(RuntimeError, match="Index tensor must have the same number of dimensions"):
        t.gather(0, mt.tensor([0]))
    with pytest.raises(RuntimeError, match="Size does not match at dimension 1"):
        t.gather(0, mt.tensor([[0, 0, 0, 0]]))
    with pytest.raises(RuntimeError, match="scatter\\(\\): Expected self.dtype to be equal to src.dtype"):
        t.scatter(0, i, mt.ones(1, 2, dtype=mt.float64))
    with pytest.raises(RuntimeError, match="reduce argument must be either add or multiply"):
        t.scatter(0, i, 1.0, reduce="max")
    with pytest.raises(IndexError, match="index 3 is out of bounds for dimension 1 with size 3"):
        t.index_select(1, mt.tensor([3]))
    with pytest.raises(RuntimeError, match="index_select\\(\\): Expected dtype int32 or int64 for index"):
        t.index_select(1, mt.tensor([1.0]))
    with pytest.raises(IndexError, match="Index is supposed to be a vector"):
        t.index_select(1, mt.tensor([[1]]))
    with pytest.raises(RuntimeError, match="must have the same scalar type"):
        t.index_add_(0, mt.tensor([0]), mt.ones(1, 3, dtype=mt.float64))
    with pytest.raises(RuntimeError, match="Number of indices \\(2\\) should be equal to source.size\\(dim\\) \\(1\\)"):
        t.index_add_(0, mt.tensor([0, 1]), mt.ones(1, 3))
    with pytest.raises(RuntimeError, match="masked_fill_ only supports boolean masks"):
        t.masked_fill_(mt.ones(2, 3), 1.0)
    with pytest.raises(RuntimeError, match="only supports a 0-dimensional value tensor"):
        t.masked_fill(mt.tensor([True, False, True]), mt.tensor([1.0]))
    with pytest.raises(RuntimeError, match="cannot be broadcast"):
        t.masked_fill_(mt.tensor([[[True]]]), 1.0)
    with pytest.raises(RuntimeError, match="masked_scatter_: expected source to have at least 2 elements"):
        t.masked_scatter_(mt.tensor([True, False, False]), mt.ones(1))
    with pytest.raises(IndexError, match="out of bounds for dimension 0 with size 6"):
        t.take(mt.tensor([6]))
    with pytest.raises(RuntimeError, match="Index put requires the source and destination dtypes match"):
        t.index_put_((mt.tensor([0]),), mt.tensor(1))
    with pytest.raises(TypeError):
        t.index_select(0, [0, 1])
