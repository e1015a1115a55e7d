"""minitorch.utils.data: datasets, random_split, samplers, collation, DataLoader
(single process and worker processes). Collation dtypes/values and the DataLoader's
option errors are compared with torch through the oracle; sampler statistics and
batching against the index arithmetic they must follow."""

import collections
import os
import warnings

import numpy as np
import oracle
import pytest

import minitorch as mt
from minitorch.utils import data as D


def name(dt):
    return repr(dt).split(".")[-1]


def describe(lib, r):
    """A comparable description of a (nested) collate result."""
    if oracle.isinstance_(r, lib.Tensor):
        return ("tensor", name(r.dtype), tuple(r.shape), r.tolist())
    for cls in (list, tuple):
        if oracle.isinstance_(r, cls):
            return (cls.__name__, [describe(lib, x) for x in r])
    return ("value", r)


# ---- datasets ----

def test_tensor_dataset_and_errors():
    x, y = mt.arange(12.).reshape(6, 2), mt.arange(6)
    ds = D.TensorDataset(x, y)
    assert len(ds) == 6
    a, b = ds[4]
    assert a.tolist() == [8.0, 9.0] and b.item() == 4
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        D.TensorDataset(x, mt.arange(5))


def test_stack_concat_subset():
    s = D.StackDataset(list(range(4)), "abcd")
    assert s[2] == (2, "c") and len(s) == 4
    k = D.StackDataset(n=list(range(3)), c="xyz")
    assert k[1] == {"n": 1, "c": "y"}
    with pytest.raises(ValueError, match="Size mismatch between datasets"):
        D.StackDataset([1, 2], [1])
    with pytest.raises(ValueError, match="both types"):
        D.StackDataset([1], a=[1])
    c = D.ConcatDataset([list(range(3)), list(range(10, 15)), [99]])
    assert len(c) == 9 and c.cumulative_sizes == [3, 8, 9]
    assert [c[i] for i in range(9)] == [0, 1, 2, 10, 11, 12, 13, 14, 99]
    assert c[-1] == 99 and c[-9] == 0
    with pytest.raises(ValueError, match="absolute value of index"):
        c[-10]
    plus = D.TensorDataset(mt.arange(2)) + D.TensorDataset(mt.arange(3))
    assert isinstance(plus, D.ConcatDataset) and len(plus) == 5
    sub = D.Subset(list("abcdef"), [5, 0, 3])
    assert len(sub) == 3 and [sub[i] for i in range(3)] == ["f", "a", "d"]
    assert sub.__getitems__([2, 0]) == ["d", "f"]


def test_random_split_lengths_and_fractions():
    ds = list(range(10))
    g = mt.Generator().manual_seed(3)
    parts = D.random_split(ds, [3, 7], generator=g)
    assert [len(p) for p in parts] == [3, 7]
    got = [p[i] for p in parts for i in range(len(p))]
    assert sorted(got) == ds  # a partition
    # the order is the generator's permutation, split at the offsets
    perm = mt.randperm(10, generator=mt.Generator().manual_seed(3)).tolist()
    assert got == perm
    again = D.random_split(ds, [3, 7], generator=mt.Generator().manual_seed(3))
    assert [list(p.indices) for p in again] == [list(p.indices) for p in parts]
    # fractions: floor(n*f) each, then the remainder round-robin from the first
    fr = D.random_split(list(range(11)), [0.3, 0.3, 0.4], generator=g)
    assert [len(p) for p in fr] == [4, 3, 4]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        z = D.random_split(list(range(1)), [0.1, 0.9], generator=g)
    assert [len(p) for p in z] == [1, 0] and any("index 1 is 0" in str(x.message) for x in w)
    with pytest.raises(ValueError, match="Sum of input lengths"):
        D.random_split(ds, [3, 3])


def test_random_split_lengths_as_torch():
    torch = oracle.torch()
    for lengths in ([0.5, 0.5], [0.3, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25], [2, 5]):
        theirs = [len(p) for p in torch.utils.data.random_split(list(range(7)), lengths)]
        ours = [len(p) for p in D.random_split(list(range(7)), lengths)]
        assert ours == theirs


# ---- samplers ----

def test_sequential_and_batch_sampler():
    assert list(D.SequentialSampler(range(5))) == [0, 1, 2, 3, 4]
    b = D.BatchSampler(D.SequentialSampler(range(7)), 3, False)
    assert list(b) == [[0, 1, 2], [3, 4, 5], [6]] and len(b) == 3
    b = D.BatchSampler(range(7), 3, True)
    assert list(b) == [[0, 1, 2], [3, 4, 5]] and len(b) == 2
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        D.BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean value"):
        D.BatchSampler(range(3), 2, 1)


def test_random_sampler():
    g = mt.Generator().manual_seed(1)
    s = D.RandomSampler(range(10), generator=g)
    a = list(s)
    assert sorted(a) == list(range(10)) and len(s) == 10
    b = list(s)  # the generator moves on: a different permutation
    assert sorted(b) == list(range(10)) and a != b
    long = list(D.RandomSampler(range(4), num_samples=10, generator=g))
    assert len(long) == 10 and sorted(long[:4]) == [0, 1, 2, 3] and sorted(long[4:8]) == [0, 1, 2, 3]
    rep = list(D.RandomSampler(range(3), replacement=True, num_samples=100, generator=g))
    assert len(rep) == 100 and set(rep) == {0, 1, 2}
    mt.manual_seed(5)
    x = list(D.RandomSampler(range(20)))
    mt.manual_seed(5)
    assert list(D.RandomSampler(range(20))) == x
    with pytest.raises(TypeError, match="replacement should be a boolean value"):
        D.RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        D.RandomSampler(range(3), num_samples=0)


def test_subset_and_weighted_sampler():
    g = mt.Generator().manual_seed(2)
    idx = [10, 20, 30, 40]
    got = list(D.SubsetRandomSampler(idx, generator=g))
    assert sorted(got) == idx
    w = [1.0, 0.0, 3.0]
    draws = list(D.WeightedRandomSampler(w, 4000, generator=g))
    counts = np.bincount(draws, minlength=3)
    assert counts[1] == 0 and abs(counts[2] / 4000 - 0.75) < 0.04
    nr = list(D.WeightedRandomSampler([1.0, 2.0, 0.0, 4.0], 3, replacement=False, generator=g))
    assert sorted(nr) == [0, 1, 3]
    with pytest.raises(RuntimeError):
        list(D.WeightedRandomSampler([1.0, 0.0], 2, replacement=False, generator=g))
    with pytest.raises(ValueError, match="weights should be a 1d sequence"):
        D.WeightedRandomSampler([[1.0]], 1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        D.WeightedRandomSampler([1.0], 0)


# ---- collation ----

COLLATE_CASES = {
    "ints": lambda lib: [1, 2, 3],
    "floats": lambda lib: [1.5, 2.0],
    "bools": lambda lib: [True, False],
    "np_f32": lambda lib: [np.ones((2, 3), np.float32), np.zeros((2, 3), np.float32)],
    "np_i16": lambda lib: [np.arange(3, dtype=np.int16), np.arange(3, 6, dtype=np.int16)],
    "np_scalars": lambda lib: [np.float32(1.5), np.float32(2.5)],
    "tensors": lambda lib: [lib.arange(4).reshape(2, 2), lib.ones(2, 2, dtype=lib.int64)],
    "tuples": lambda lib: [(1, 2.0, "a"), (3, 4.0, "b")],
    "lists": lambda lib: [[1, 2], [3, 4]],
    "f64_tensors": lambda lib: [lib.tensor([1.0, 2.0], dtype=lib.float64)] * 3,
}


@pytest.mark.parametrize("case", sorted(COLLATE_CASES))
def test_default_collate_as_torch(case):
    torch = oracle.torch()
    mk = COLLATE_CASES[case]
    ours = describe(mt, D.default_collate(mk(mt)))
    theirs = describe(torch, torch.utils.data.default_collate(mk(torch)))
    assert ours == theirs


def test_default_collate_structures_and_errors():
    Point = collections.namedtuple("Point", "x y")
    r = D.default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert type(r) is Point and r.x.tolist() == [1, 3] and r.y.dtype == mt.float64
    d = D.default_collate([{"a": np.arange(2), "s": "p"}, {"a": np.arange(2, 4), "s": "q"}])
    assert d["a"].tolist() == [[0, 1], [2, 3]] and d["a"].dtype == mt.int64
    assert d["s"] == ["p", "q"]
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal"):
        D.default_collate([[1, 2], [1]])
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors"):
        D.default_collate([object(), object()])
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors"):
        D.default_collate([np.array(["a"]), np.array(["b"])])


def test_default_convert():
    c = D.default_convert({"a": np.arange(3.0), "b": (np.int32(4), "s"), "c": 5})
    assert c["a"].dtype == mt.float64 and c["a"].tolist() == [0.0, 1.0, 2.0]
    assert isinstance(c["b"], list) and c["b"][0].dtype == mt.int32 and c["b"][1] == "s"
    assert c["c"] == 5
    t = mt.ones(2)
    assert D.default_convert(t) is t
    s = np.array(["x"])
    assert D.default_convert(s) is s


# ---- DataLoader ----

def _ds(n=10):
    return D.TensorDataset(mt.arange(n * 2.0).reshape(n, 2), mt.arange(n))


def test_loader_batches_drop_last_len():
    dl = D.DataLoader(_ds(), batch_size=4)
    batches = list(dl)
    assert len(dl) == 3 and [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7],
                                                                 [8, 9]]
    assert batches[0][0].shape == (4, 2) and batches[0][0].dtype == mt.float32
    dl = D.DataLoader(_ds(), batch_size=4, drop_last=True)
    assert len(dl) == 2 and [b[1].tolist() for b in dl] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    # batch_size=None: no batching, samples converted one by one
    nb = list(D.DataLoader([np.float64(1.0), np.float64(2.0)], batch_size=None))
    assert [b.item() for b in nb] == [1.0, 2.0] and nb[0].dtype == mt.float64
    # plain Python data collated like torch: ints int64
    assert [b.tolist() for b in D.DataLoader(list(range(5)), batch_size=2)] == [[0, 1], [2, 3],
                                                                                [4]]
    cf = D.DataLoader(range(5), batch_size=2, collate_fn=lambda b: sum(b), pin_memory=True)
    assert list(cf) == [1, 5, 4]


def test_loader_shuffle_reproducible():
    def epoch(**kw):
        return [i for b in D.DataLoader(_ds(), batch_size=3, shuffle=True, **kw)
                for i in b[1].tolist()]
    mt.manual_seed(0)
    a = epoch()
    mt.manual_seed(0)
    assert epoch() == a and sorted(a) == list(range(10))
    g = mt.Generator().manual_seed(7)
    b = epoch(generator=g)
    assert epoch(generator=g.manual_seed(7)) == b and sorted(b) == list(range(10))


def test_loader_sampler_and_batch_sampler():
    dl = D.DataLoader(list(range(6)), sampler=[5, 4, 3, 2, 1, 0], batch_size=2)
    assert [b.tolist() for b in dl] == [[5, 4], [3, 2], [1, 0]]
    dl = D.DataLoader(list(range(6)), batch_sampler=[[0, 5], [1], [2, 3, 4]])
    assert [b.tolist() for b in dl] == [[0, 5], [1], [2, 3, 4]] and len(dl) == 3


def test_loader_iterable_dataset():
    class Stream(D.IterableDataset):
        def __iter__(self):
            return iter(range(7))
    assert [b.tolist() for b in D.DataLoader(Stream(), batch_size=3)] == [[0, 1, 2], [3, 4, 5],
                                                                          [6]]
    assert [b.tolist() for b in D.DataLoader(Stream(), batch_size=3, drop_last=True)] == [
        [0, 1, 2], [3, 4, 5]]


OPTION_CASES = {
    "sampler_shuffle": dict(sampler=[0, 1], shuffle=True),
    "batch_sampler_bs": dict(batch_sampler=[[0]], batch_size=2),
    "batch_sampler_drop": dict(batch_sampler=[[0]], drop_last=True),
    "none_drop_last": dict(batch_size=None, drop_last=True),
    "neg_workers": dict(num_workers=-1),
    "neg_timeout": dict(timeout=-1),
    "prefetch_no_workers": dict(prefetch_factor=2),
    "persistent_no_workers": dict(persistent_workers=True),
}


@pytest.mark.parametrize("case", sorted(OPTION_CASES))
def test_loader_option_errors_as_torch(case):
    torch = oracle.torch()
    kw = OPTION_CASES[case]

    def outcome(lib):
        try:
            lib.utils.data.DataLoader(list(range(4)), **kw)
        except Exception as e:
            return type(e).__name__, str(e)
        return None
    ours, theirs = outcome(mt), outcome(torch)
    assert ours == theirs and ours[0] == "ValueError"


def _iterable_option_messages(lib):
    class S(lib.utils.data.IterableDataset):
        def __iter__(self):
            return iter(range(3))
    msgs = []
    for kw in (dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])):
        with pytest.raises(ValueError) as e:
            lib.utils.data.DataLoader(S(), **kw)
        msgs.append(str(e.value).split(", but got")[0])
    return msgs


def test_loader_iterable_option_errors():
    assert _iterable_option_messages(mt) == [
        f"DataLoader with IterableDataset: expected unspecified {o} option"
        for o in ("shuffle", "sampler", "batch_sampler")]


@pytest.mark.torch_live
def test_loader_iterable_option_errors_live():
    torch = oracle.real_torch()
    assert _iterable_option_messages(mt) == _iterable_option_messages(torch)


def test_loader_frozen_attributes():
    dl = D.DataLoader(_ds(), batch_size=2)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after "
                                         "DataLoader is initialized"):
        dl.batch_size = 3


# ---- worker processes ----

class _Squares(D.Dataset):
    def __len__(self):
        return 9

    def __getitem__(self, i):
        info = D.get_worker_info()
        return {"x": mt.full((2,), float(i * i)), "w": -1 if info is None else info.id,
                "pid": os.getpid()}


def _init(worker_id):
    assert D.get_worker_info().id == worker_id


def test_workers_order_and_values():
    dl = D.DataLoader(_Squares(), batch_size=2, num_workers=2, worker_init_fn=_init)
    batches = list(dl)
    assert len(batches) == 5
    xs = [v for b in batches for v in b["x"][:, 0].tolist()]
    assert xs == [float(i * i) for i in range(9)]  # order kept
    assert batches[0]["x"].dtype == mt.float32 and batches[0]["x"].shape == (2, 2)
    # batches are dealt to the workers round-robin, each batch's samples from one worker
    assert [b["w"].tolist() for b in batches] == [[0, 0], [1, 1], [0, 0], [1, 1], [0]]
    assert all(p != os.getpid() for b in batches for p in b["pid"].tolist())
    assert D.get_worker_info() is None


def test_workers_shuffle_persistent_and_iterable():
    mt.manual_seed(3)
    single = [b.tolist() for b in D.DataLoader(list(range(8)), batch_size=3, shuffle=True)]
    mt.manual_seed(3)
    dl = D.DataLoader(list(range(8)), batch_size=3, shuffle=True, num_workers=2,
                      persistent_workers=True)
    first = [b.tolist() for b in dl]
    assert first == single  # workers change where batches are built, not which
    second = [b.tolist() for b in dl]  # the same worker processes, a new epoch
    assert sorted(sum(second, [])) == list(range(8))

    class Split(D.IterableDataset):
        def __iter__(self):
            info = D.get_worker_info()
            return iter(range(info.id, 7, info.num_workers))
    got = [b.tolist() for b in D.DataLoader(Split(), batch_size=2, num_workers=2)]
    assert got == [[0, 2], [1, 3], [4, 6], [5]]


def _boom(i):
    raise KeyError(f"bad {i}")


class _Bad(D.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i == 2:
            raise KeyError(f"bad {i}")
        return i


def test_worker_error_reraised():
    with pytest.raises(KeyError, match="Caught KeyError in DataLoader worker process"):
        list(D.DataLoader(_Bad(), batch_size=1, num_workers=2))


def test_shared_memory_transfer_round_trip():
    from minitorch.utils.data import _worker
    before = set(os.listdir("/dev/shm")) if os.path.isdir("/dev/shm") else None
    t = mt.arange(12, dtype=mt.int32).reshape(3, 4)[:, 1:]  # a non-contiguous view
    fn, args = _worker._reduce_tensor(t)
    if before is None:  # no /dev/shm: tensors are pickled
        assert fn is not _worker._rebuild_from_shm
        return
    assert fn is _worker._rebuild_from_shm and os.path.exists(args[0])
    r = fn(*args)
    assert not os.path.exists(args[0])  # the name is gone once mapped
    assert r.dtype == mt.int32 and r.tolist() == np.arange(12).reshape(3, 4)[:, 1:].tolist()
    r[0, 0] = 100  # a writable mapping
    assert r[0, 0].item() == 100
    g = mt.ones(2, requires_grad=True)
    assert _worker._reduce_tensor(g)[0] is not _worker._rebuild_from_shm
    list(D.DataLoader(_Squares(), batch_size=3, num_workers=2))
    assert set(os.listdir("/dev/shm")) <= before  # nothing left behind
