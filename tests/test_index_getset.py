"""Indexing (issue 4, item 6): t[index] and t[index] = value.

Basic indexing (ints, slices with any step, None, Ellipsis) gives views,
checked against NumPy (negative steps included; PyTorch refuses those).
Advanced indexing (int/bool tensors, lists, ndarrays, Python bools) copies
and follows PyTorch's result-shape rules, checked against PyTorch, and
against NumPy where the two agree. Hypothesis draws shapes and indices."""

import numpy as np
import oracle
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch as mt

torch = oracle.torch()


def np_of(t):
    return t.float().numpy() if t.dtype == mt.bfloat16 else t.numpy()


def layouts(a):
    """(minitorch tensor, torch tensor) pairs holding a in several layouts."""
    out = [(mt.tensor(a), torch.from_numpy(a.copy()))]
    if a.ndim >= 2:
        rev = tuple(range(a.ndim))[::-1]
        c = np.ascontiguousarray(a.transpose(rev))
        out.append((mt.tensor(c).permute(rev), torch.from_numpy(c).permute(rev)))
    f = np.ascontiguousarray(np.flip(a, 0))
    out.append((mt.tensor(f).flip(0), torch.from_numpy(f).flip(0)))
    r = np.repeat(a, 2, axis=-1)
    out.append((mt.tensor(r)[..., ::2], torch.from_numpy(r)[..., ::2]))
    return out


A = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)

BASIC = [
    (1,), (-1,), (slice(None),), (slice(1, None),), (slice(None, None, 2),),
    (slice(None, None, -1),), (slice(3, 0, -2),), (slice(-1, None, -3),), (slice(10, -10, -1),),
    (0, 1), (1, slice(None), 2), (Ellipsis, 1), (Ellipsis,), (), (None,), (None, 0, None),
    (0, Ellipsis, None, slice(None, None, -1)), (slice(5, 1),), (slice(None), None, slice(1, 3)),
    (np.int64(1), np.int32(-1)), (np.intp(0), Ellipsis),
]


@pytest.mark.parametrize("idx", BASIC, ids=[repr(i) for i in BASIC])
def test_basic_indexing_views_match_numpy(idx):
    for t, _ in layouts(A):
        r = t[idx]
        want = A[idx]
        assert r.shape == want.shape
        np.testing.assert_array_equal(r.numpy(), want)
        if r.numel() > 0:
            assert np.shares_memory(r.numpy(), t.numpy())


def test_basic_indexing_single_objects():
    t = mt.tensor(A)
    np.testing.assert_array_equal(t[1].numpy(), A[1])
    np.testing.assert_array_equal(t[::-1].numpy(), A[::-1])
    assert t[::-1].stride()[0] < 0
    assert t[...] is not t and t[...].data_ptr() == t.data_ptr()
    assert t[mt.tensor(1)].shape == (3, 4, 5)  # a 0-d integer tensor acts as an int
    np.testing.assert_array_equal(t[mt.tensor(1)].numpy(), A[1])
    s = mt.tensor(3.0)
    assert s[None].shape == (1,) and s[...].shape == () and s[()].item() == 3.0


ADVANCED = [
    ([0, 1],),
    ([[0, 1], [1, 0]],),
    (slice(None), [2, 0, 1]),
    (slice(None), [0, 2], [1, 3]),
    ([0, 1], slice(None), [1, 2]),           # separated: broadcast dims go first
    ([0, 1], slice(None), slice(None), [1, 2]),
    (Ellipsis, [0, -1]),
    ([1], [2], [3], [4]),
    (slice(None), None, [0, 2]),
    ([[0], [1]], slice(None), [[0, 1, 2]]),
    ([],),
    (slice(None), [], slice(1, 3)),
    (0, [0, 2]),                              # an int next to an advanced index: basic first
    ([0, 1], 1),
    (slice(None), [0, 1], 0),
    (True,),
    (False,),
    (Ellipsis, True),
    (None, [1, 0], None),
]


def to_torch_index(idx):
    return tuple(torch.tensor(i, dtype=torch.int64) if isinstance(i, list) else i for i in idx)


@pytest.mark.parametrize("idx", ADVANCED, ids=[repr(i) for i in ADVANCED])
def test_advanced_indexing_matches_torch(idx):
    for t, tt in layouts(A):
        want = tt[to_torch_index(idx)]
        for form in (idx, tuple(mt.tensor(i, dtype=mt.int64) if isinstance(i, list) else i
                                for i in idx),
                     tuple(np.array(i, dtype=np.int64) if isinstance(i, list) else i for i in idx)):
            r = t[form]
            assert r.shape == tuple(want.shape)
            np.testing.assert_array_equal(r.numpy(), want.numpy())
            if r.numel() > 0:
                assert not np.shares_memory(r.numpy(), t.numpy())  # advanced indexing copies


def test_advanced_indexing_index_dtypes_and_layouts():
    a = np.arange(12.0).reshape(3, 4)
    t = mt.tensor(a)
    for dt in [mt.int64, mt.int32, mt.int16, mt.int8]:
        i = mt.tensor([2, 0, -1]).to(dt)
        np.testing.assert_array_equal(t[i].numpy(), a[[2, 0, -1]])
        np.testing.assert_array_equal(t[:, i].numpy(), a[:, [2, 0, -1]])
    # non-contiguous / negative-stride / expanded index tensors
    base = mt.tensor([[0, 1, 2], [2, 1, 0]])
    for i, ai in [(base.t(), np.array([[0, 2], [1, 1], [2, 0]])), (base.flip(1), [[2, 1, 0], [0, 1, 2]]),
                  (mt.tensor([1]).expand(4), [1, 1, 1, 1])]:
        np.testing.assert_array_equal(t[i].numpy(), a[np.array(ai)])


MASKS = [
    lambda a: a > 50,
    lambda a: (a > 50)[..., 0],
    lambda a: (a.sum(-1) > 100),
    lambda a: np.zeros(a.shape[:1], bool),
]


@pytest.mark.parametrize("k", range(len(MASKS)))
def test_bool_mask_indexing(k):
    for t, tt in layouts(A):
        a = t.numpy().copy()
        m = MASKS[k](a)
        for form in (mt.tensor(m), m, m.tolist()):
            r = t[form]
            np.testing.assert_array_equal(r.numpy(), a[m])
            np.testing.assert_array_equal(r.numpy(), tt[torch.from_numpy(m)].numpy())
        # mask in the middle, with a slice before it
        m2 = MASKS[k](a[0])
        np.testing.assert_array_equal(t[:, m2].numpy(), a[:, m2])
        # uint8 masks index as bool masks (as PyTorch)
        np.testing.assert_array_equal(t[mt.tensor(m.astype(np.uint8))].numpy(), a[m])
    # a mask combined with an int index tensor
    b = mt.tensor(A)
    m = np.array([True, False, True])
    np.testing.assert_array_equal(b[:, m, [0, 1]].numpy(),
                                  torch.from_numpy(A)[:, torch.from_numpy(m), [0, 1]].numpy())
    np.testing.assert_array_equal(b[mt.tensor(True)].numpy(), A[None])


def test_index_errors():
    t = mt.zeros(2, 3)
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 1 with size 3"):
        t[0, 5]
    with pytest.raises(IndexError, match="index -3 is out of bounds for dimension 0 with size 2"):
        t[-3]
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 2"):
        t[[0, 5]]
    with pytest.raises(IndexError, match="index 3 is out of bounds for dimension 1 with size 3"):
        t[:, mt.tensor([3])]
    with pytest.raises(IndexError, match="too many indices for tensor of dimension 2"):
        t[0, 0, 0]
    with pytest.raises(IndexError, match=r"The shape of the mask \[3\] at index 0 does not match"):
        t[mt.tensor([True, False, True])]
    with pytest.raises(IndexError, match=r"shape mismatch: indexing tensors could not be broadcast together with shapes \[2\], \[3\]"):
        t[[0, 1], [0, 1, 2]]
    with pytest.raises(IndexError, match="only integers, slices"):
        t[1.5]
    with pytest.raises(TypeError, match="only integers, slices"):  # TypeError, as PyTorch
        t["a"]
    with pytest.raises(IndexError, match="tensors used as indices must be long, int, byte or bool"):
        t[mt.tensor([1.0])]
    with pytest.raises(IndexError, match="single ellipsis"):
        t[..., ...]
    with pytest.raises(IndexError, match="invalid index of a 0-dim tensor"):
        mt.tensor(1.0)[0]
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        t[::0]
    with pytest.raises(TypeError):
        del t[0]


def test_setitem_basic():
    a = np.arange(24.0).reshape(2, 3, 4)
    for t, _ in layouts(a):
        n = t.numpy().copy()
        v0 = t._version
        t[0, 1] = 7.0
        n[0, 1] = 7.0
        t[:, ::-2, 1] = mt.tensor([100.0, 200.0])
        n[:, ::-2, 1] = [100.0, 200.0]
        t[..., 0] = np.array([[1.0, 2.0, 3.0]])
        n[..., 0] = [[1.0, 2.0, 3.0]]
        t[1] = mt.zeros(1, 3, 4)  # leading size-1 dims of the value are dropped
        n[1] = 0
        t[0, 0] = [9, 8, 7, 6]                    # a list is converted to t's dtype
        n[0, 0] = [9, 8, 7, 6]
        np.testing.assert_array_equal(t.numpy(), n)
        assert t._version > v0


def test_setitem_advanced():
    a = np.arange(24.0).reshape(2, 3, 4)
    for t, tt in layouts(a):
        tt = tt.clone()
        n = t.numpy().copy()
        t[[0, 1], :, [1, 2]] = 5.0
        n[[0, 1], :, [1, 2]] = 5.0
        # (values of the destination's dtype: PyTorch's index_put requires it)
        t[:, [2, 0]] = mt.tensor([[1.0], [2.0]], dtype=t.dtype).unsqueeze(0)   # broadcast value
        n[:, [2, 0]] = np.array([[1.0], [2.0]])[None]
        m = n > 10
        t[mt.tensor(m)] = -1.0
        n[m] = -1.0
        t[0, [True, False, True]] = mt.tensor([3.0, 4.0, 5.0, 6.0], dtype=t.dtype)
        n[0, [True, False, True]] = [3.0, 4.0, 5.0, 6.0]
        t[1, mt.tensor([[0], [2]]), mt.tensor([[1, 3]])] = mt.tensor([[10.0, 11.0], [12.0, 13.0]],
                                                                     dtype=t.dtype)
        n[1, [[0], [2]], [[1, 3]]] = [[10.0, 11.0], [12.0, 13.0]]
        t[True] = t[True]  # value aliasing the destination
        np.testing.assert_array_equal(t.numpy(), n)


def test_setitem_dtype_conversion_and_duplicates():
    t = mt.zeros(4, dtype=mt.int64)
    with pytest.raises(RuntimeError, match="Index put requires the source and destination dtypes "
                       "match, got Long for the destination and Float for the source"):
        t[[0, 1]] = mt.tensor([1.7, -2.2])  # PyTorch's index_put wants equal dtypes
    assert t.tolist() == [0, 0, 0, 0]
    t[[0, 1]] = 1.7  # a number converts (truncation), as PyTorch
    t[1:2] = mt.tensor([-2.2])  # and so does a basic index's value
    assert t.tolist() == [1, -2, 0, 0]
    t[[3, 3, 3]] = mt.tensor([5, 6, 7])  # duplicates: the last write wins (deterministic here)
    assert t[3].item() == 7
    h = mt.zeros(3, dtype=mt.float16)
    h[mt.tensor([True, False, True])] = 2.5
    assert h.tolist() == [2.5, 0.0, 2.5]
    b = mt.zeros(3).bfloat16()
    b[1:] = 1.5
    assert b.float().tolist() == [0.0, 1.5, 1.5]


def test_setitem_overlap_matches_numpy():
    t = mt.arange(6.0)
    n = np.arange(6.0)
    t[1:] = t[:-1]
    n[1:] = n[:-1].copy()
    np.testing.assert_array_equal(t.numpy(), n)
    t = mt.arange(6.0)
    t[[1, 2, 3]] = t[:3].flip(0)
    assert t.tolist() == [0.0, 2.0, 1.0, 0.0, 4.0, 5.0]


def test_setitem_errors_and_read_only():
    t = mt.zeros(2, 3)
    with pytest.raises(RuntimeError):
        t[0] = mt.ones(2)
    with pytest.raises(RuntimeError, match="shape mismatch: value tensor of shape \\[4\\] cannot be broadcast to indexing result of shape \\[2\\]"):
        t[[0, 1], [0, 1]] = mt.ones(4)
    with pytest.raises(IndexError, match="out of bounds"):
        t[[0, 2]] = 1.0
    arr = np.zeros((2, 2))
    arr.flags.writeable = False
    ro = mt.from_numpy(arr)
    for idx in [0, (slice(None), 1), [0, 1], (np.array([True, False]),)]:
        with pytest.raises(RuntimeError, match="read-only"):
            ro[idx] = 1.0
    assert (arr == 0).all()


def test_version_counter_bumps_on_setitem():
    t = mt.zeros(4)
    v = t.view(2, 2)
    before = t._version
    t[0] = 1.0
    assert t._version == v._version == before + 1
    t[[1, 2]] = 2.0
    assert t._version == before + 2
    t[mt.tensor([True, False, False, True])] = mt.tensor([3.0, 4.0])
    assert t._version == before + 3


# ---- hypothesis: random shapes and index tuples against PyTorch ----

@st.composite
def shape_and_index(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4)))
    items = []
    dim = 0
    n_items = draw(st.integers(1, len(shape) + 1))
    used_ellipsis = False
    for _ in range(n_items):
        if dim >= len(shape):
            if draw(st.booleans()):
                items.append(None)
            break
        kind = draw(st.sampled_from(["int", "slice", "none", "list", "mask", "ellipsis"]))
        size = shape[dim]
        if kind == "int":
            items.append(draw(st.integers(-size, size - 1)))
            dim += 1
        elif kind == "slice":
            start = draw(st.none() | st.integers(-size - 1, size + 1))
            stop = draw(st.none() | st.integers(-size - 1, size + 1))
            step = draw(st.none() | st.integers(1, 3))
            items.append(slice(start, stop, step))
            dim += 1
        elif kind == "none":
            items.append(None)
        elif kind == "list":
            items.append(draw(st.lists(st.integers(-size, size - 1), min_size=0, max_size=3)))
            dim += 1
        elif kind == "mask":
            items.append(draw(st.lists(st.booleans(), min_size=size, max_size=size)))
            dim += 1
        elif kind == "ellipsis" and not used_ellipsis:
            items.append(Ellipsis)
            used_ellipsis = True
            dim = len(shape) - (n_items - len(items))
            dim = max(dim, 0)
    return shape, tuple(items)


def torch_index(idx):
    out = []
    for i in idx:
        if isinstance(i, list):
            if i and isinstance(i[0], bool):
                out.append(torch.tensor(i, dtype=torch.bool))
            else:
                out.append(torch.tensor(i, dtype=torch.int64))
        else:
            out.append(i)
    return tuple(out)


def mt_index(idx):
    return tuple(mt.tensor(i, dtype=mt.bool if i and isinstance(i[0], bool) else mt.int64)
                 if isinstance(i, list) else i for i in idx)


@settings(max_examples=150, deadline=None)
@given(shape_and_index(), st.sampled_from(["contiguous", "transposed", "negative"]))
def test_hypothesis_getitem_setitem_match_torch(si, layout):
    shape, idx = si
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    tt = torch.from_numpy(a.copy())
    try:
        want = tt[torch_index(idx)]
    except (IndexError, RuntimeError) as e:
        with pytest.raises(type(e)):
            mt.tensor(a)[mt_index(idx)]
        return
    if layout == "contiguous":
        t = mt.tensor(a)
    elif layout == "transposed":
        rev = tuple(range(a.ndim))[::-1]
        t = mt.tensor(np.ascontiguousarray(a.transpose(rev))).permute(rev)
    else:
        t = mt.tensor(np.ascontiguousarray(np.flip(a, 0))).flip(0)
    got = t[mt_index(idx)]
    assert tuple(got.shape) == tuple(want.shape)
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    # setitem with a broadcast value of the result's shape
    val = np.asarray(np.arange(want.numel(), dtype=np.float64).reshape(tuple(want.shape)) + 1000)
    tt[torch_index(idx)] = torch.from_numpy(val)
    t[mt_index(idx)] = mt.tensor(val)
    np.testing.assert_array_equal(t.numpy(), tt.numpy())
    t[mt_index(idx)] = -1.0
    tt[torch_index(idx)] = -1.0
    np.testing.assert_array_equal(t.numpy(), tt.numpy())
