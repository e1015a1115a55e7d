"""Sorting and searching (issue 4, item 5): sort, argsort, topk, kthvalue,
unique, searchsorted, bucketize. Values and named-tuple results against
PyTorch and NumPy over dtypes and layouts, NaN ordering, and errors."""

import numpy as np
import oracle
import pytest
from helpers import NUMPY_DTYPES, dtype_name, variants
from helpers import make as _make
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch as mt

torch = oracle.torch()

DTYPES = NUMPY_DTYPES


def make(shape, dtype, seed=0, distinct=False):
    return _make(shape, dtype, seed, distinct=distinct, int_high=20)


def check(r, tr):
    if isinstance(tr, (tuple, list)):
        assert len(r) == len(tr)
        for x, y in zip(r, tr):
            check(x, y)
        return
    assert tuple(r.shape) == tuple(tr.shape)
    assert dtype_name(r.dtype) == dtype_name(tr.dtype)
    np.testing.assert_array_equal(r.numpy(), tr.numpy())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_stable_matches_torch(dtype, dim, descending):
    a = make((4, 6, 5), dtype)  # many ties: stable order must agree
    for _, t, tt in variants(a):
        r = mt.sort(t, dim, descending, stable=True)
        want = torch.sort(tt, dim=dim, descending=descending, stable=True)
        assert type(r).__name__ == "sort"
        check(r.values, want.values)
        check(r.indices, want.indices)
        assert r.values.is_contiguous() and r.indices.is_contiguous()
        check(t.argsort(dim=dim, descending=descending, stable=True),
              torch.argsort(tt, dim=dim, descending=descending, stable=True))
        if not descending:
            np.testing.assert_array_equal(r.values.numpy(), np.sort(a, axis=dim, kind="stable"))
            np.testing.assert_array_equal(r.indices.numpy(), np.argsort(a, axis=dim, kind="stable"))


def test_sort_nan_and_special_values():
    x = [3.0, float("nan"), -float("inf"), 1.0, float("nan"), float("inf"), -0.0, 0.0]
    for dt in [mt.float32, mt.float64, mt.float16]:
        t = mt.tensor(x, dtype=dt)
        tt = torch.tensor(x, dtype=getattr(torch, dtype_name(dt)))
        for desc in [False, True]:
            r = t.sort(descending=desc, stable=True)
            w = tt.sort(descending=desc, stable=True)
            np.testing.assert_array_equal(r.values.numpy(), w.values.numpy())
            np.testing.assert_array_equal(r.indices.numpy(), w.indices.numpy())
    b = mt.tensor([1.0, 2.0, float("nan")]).bfloat16()
    assert b.sort(descending=True).indices.tolist() == [2, 1, 0]


def test_sort_edge_shapes():
    check(mt.sort(mt.tensor(2.0)).values, torch.sort(torch.tensor(2.0)).values)
    check(mt.sort(mt.tensor(2.0)).indices, torch.sort(torch.tensor(2.0)).indices)
    check(mt.sort(mt.zeros(0, 3), 0).values, torch.sort(torch.zeros(0, 3), 0).values)
    v, i = mt.sort(mt.zeros(3, 0))
    assert v.shape == i.shape == (3, 0)
    big = make((70_000,), "float32", seed=5)
    check(mt.sort(mt.tensor(big)).values, torch.sort(torch.from_numpy(big)).values)


@pytest.mark.parametrize("dtype", [d for d in DTYPES if d != "bool"])  # torch refuses bool
def test_topk_kthvalue(dtype):
    a = make((4, 6, 5), dtype, distinct=True)
    for _, t, tt in variants(a):
        for k in [0, 1, 3]:
            for largest in [True, False]:
                r = t.topk(k, dim=1, largest=largest)
                w = tt.topk(k, dim=1, largest=largest)
                assert type(r).__name__ == "topk"
                check(r.values, w.values)
                check(r.indices, w.indices)
                # indices always point at the values
                np.testing.assert_array_equal(t.gather(1, r.indices).numpy(), r.values.numpy())
        for k in [1, 4]:
            for keepdim in [False, True]:
                r = mt.kthvalue(t, k, 1, keepdim)
                w = torch.kthvalue(tt, k, 1, keepdim)
                assert type(r).__name__ == "kthvalue"
                check(r, tuple(w))
                want = np.take(np.sort(a, 1), [k - 1] if keepdim else k - 1, 1)
                np.testing.assert_array_equal(r.values.numpy(), want)


def test_topk_nan_and_ties():
    x = torch.tensor([1.0, float("nan"), 3.0, 3.0])
    r = mt.topk(mt.tensor(x.numpy()), 2)
    w = torch.topk(x, 2)
    np.testing.assert_array_equal(r.values.numpy(), w.values.numpy())
    assert r.indices[0].item() == 1
    assert mt.topk(mt.tensor([2, 2, 2]), 2).indices.tolist() == [0, 1]  # ties by position
    check(mt.topk(mt.tensor(5.0), 1).values, torch.topk(torch.tensor(5.0), 1).values)
    check(mt.kthvalue(mt.tensor(5.0), 1).values, torch.kthvalue(torch.tensor(5.0), 1).values)


@pytest.mark.parametrize("dtype", DTYPES)
def test_unique(dtype):
    a = make((3, 4, 5), dtype)
    for _, t, tt in variants(a):
        check(mt.unique(t), torch.unique(tt))
        r = t.unique(return_inverse=True, return_counts=True)
        w = torch.unique(tt, return_inverse=True, return_counts=True)
        check(r, w)
        u, inv, cnt = np.unique(a, return_inverse=True, return_counts=True)
        np.testing.assert_array_equal(r[0].numpy(), u)
        np.testing.assert_array_equal(r[1].numpy(), inv.reshape(a.shape))
        np.testing.assert_array_equal(r[2].numpy(), cnt)
        check(mt.unique(t, sorted=False, return_counts=True),
              torch.unique(tt, sorted=True, return_counts=True))


@pytest.mark.parametrize("dtype", ["float32", "int64", "bool", "uint8"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_unique_dim(dtype, dim):
    rng = np.random.default_rng(2)
    a = rng.integers(0, 2, size=(5, 4, 3)).astype(dtype)
    for _, t, tt in variants(a):
        r = mt.unique(t, dim=dim, return_inverse=True, return_counts=True)
        w = torch.unique(tt, dim=dim, return_inverse=True, return_counts=True)
        check(r, w)
        np.testing.assert_array_equal(r[0].numpy(), np.unique(a, axis=dim))


def test_unique_edge_cases():
    check(mt.unique(mt.tensor([], dtype=mt.int64), return_inverse=True, return_counts=True),
          torch.unique(torch.tensor([], dtype=torch.int64), return_inverse=True, return_counts=True))
    check(mt.unique(mt.tensor(3)), torch.unique(torch.tensor(3)))
    nan = float("nan")
    r = mt.unique(mt.tensor([nan, 1.0, nan]))
    assert r.shape == torch.unique(torch.tensor([nan, 1.0, nan])).shape
    check(mt.unique(mt.tensor([-0.0, 0.0])), torch.unique(torch.tensor([-0.0, 0.0])))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "uint8", "float16"])
def test_searchsorted_bucketize(dtype):
    seq = np.sort(make((9,), dtype, seed=3))
    vals = make((3, 4), dtype, seed=4)
    for right in [False, True]:
        side = "right" if right else "left"
        for _, v, tv in variants(vals):
            r = mt.searchsorted(mt.tensor(seq), v, right=right)
            w = torch.searchsorted(torch.from_numpy(seq), tv, right=right)
            check(r, w)
            np.testing.assert_array_equal(r.numpy(), np.searchsorted(seq, vals, side=side))
            check(mt.searchsorted(mt.tensor(seq), v, side=side, out_int32=True),
                  torch.searchsorted(torch.from_numpy(seq), tv, side=side, out_int32=True))
            check(mt.bucketize(v, mt.tensor(seq), right=right),
                  torch.bucketize(tv, torch.from_numpy(seq), right=right))
    # N-D boundaries: row i of values searches row i of the sequence
    seq2 = np.sort(make((3, 6), dtype, seed=5), axis=-1)
    for _, s, ts in variants(seq2)[:2]:
        check(mt.searchsorted(s, mt.tensor(vals)), torch.searchsorted(ts, torch.from_numpy(vals)))


def test_searchsorted_scalars_sorter_and_mixed_dtypes():
    seq = mt.tensor([1, 3, 5, 7])
    tseq = torch.tensor([1, 3, 5, 7])
    check(mt.searchsorted(seq, 4), torch.searchsorted(tseq, 4))
    check(mt.searchsorted(seq, 4.5, right=True), torch.searchsorted(tseq, 4.5, right=True))
    check(mt.bucketize(3, seq), torch.bucketize(3, tseq))
    check(mt.searchsorted(seq, mt.tensor([2.5, 7.0])), torch.searchsorted(tseq, torch.tensor([2.5, 7.0])))
    unsorted = [5.0, 1.0, 7.0, 3.0]
    sorter = [1, 3, 0, 2]
    check(mt.searchsorted(mt.tensor(unsorted), mt.tensor([0.0, 3.0, 8.0]), sorter=mt.tensor(sorter)),
          torch.searchsorted(torch.tensor(unsorted), torch.tensor([0.0, 3.0, 8.0]),
                             sorter=torch.tensor(sorter)))
    nan = float("nan")
    check(mt.searchsorted(mt.tensor([1.0, 2.0]), mt.tensor([nan])),
          torch.searchsorted(torch.tensor([1.0, 2.0]), torch.tensor([nan])))
    check(mt.searchsorted(mt.tensor([], dtype=mt.float32), mt.tensor([1.0])),
          torch.searchsorted(torch.tensor([]), torch.tensor([1.0])))


def test_sort_search_errors():
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        mt.zeros(3).topk(4)
    with pytest.raises(RuntimeError, match="kthvalue\\(\\): selected number k out of range for dimension 0"):
        mt.zeros(3).kthvalue(4)
    with pytest.raises(IndexError, match="Dimension out of range"):
        mt.zeros(3).sort(1)
    with pytest.raises(RuntimeError, match="side and right can't be set to opposites"):
        mt.searchsorted(mt.zeros(3), mt.zeros(1), right=True, side="left")
    with pytest.raises(RuntimeError, match="side can only be 'left' or 'right'"):
        mt.searchsorted(mt.zeros(3), mt.zeros(1), side="middle")
    with pytest.raises(RuntimeError, match="boundaries tensor should be 1 dimension or the first N-1"):
        mt.searchsorted(mt.zeros(2, 3), mt.zeros(3, 3))
    with pytest.raises(RuntimeError, match="boundaries tensor must be 1 dimension"):
        mt.bucketize(mt.zeros(3), mt.zeros(2, 2))
    with pytest.raises(RuntimeError, match="sorter must be a tensor of long dtype"):
        mt.searchsorted(mt.zeros(3), mt.zeros(1), sorter=mt.tensor([0, 1, 2], dtype=mt.int32))
    with pytest.raises(RuntimeError, match="boundary and sorter must have the same size"):
        mt.searchsorted(mt.zeros(3), mt.zeros(1), sorter=mt.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="out of range"):
        mt.searchsorted(mt.zeros(3), mt.zeros(1), sorter=mt.tensor([0, 1, 5]))
    with pytest.raises(TypeError):
        mt.sort(mt.zeros(3), descending=1)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=0, max_size=30), st.booleans())
def test_hypothesis_sort_unique_search(xs, desc):
    a = np.array(xs, dtype=np.int64)
    t, tt = mt.tensor(a), torch.from_numpy(a.copy())
    check(mt.sort(t, descending=desc, stable=True), tuple(torch.sort(tt, descending=desc, stable=True)))
    check(mt.unique(t, return_inverse=True, return_counts=True),
          torch.unique(tt, return_inverse=True, return_counts=True))
    s = np.sort(a)
    for side in ["left", "right"]:
        np.testing.assert_array_equal(
            mt.searchsorted(mt.tensor(s), mt.arange(-6, 7), side=side).numpy(),
            np.searchsorted(s, np.arange(-6, 7), side=side))
