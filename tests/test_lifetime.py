"""Who keeps what alive across the NumPy bridge (Note [Storage export]).

An array made by t.numpy() holds the tensor's Storage (not the tensor); a
tensor made by from_numpy(a) holds a. Either side may die first; re-pointing
a tensor (set_, resize_, .data =) never frees bytes an array still reads, and
resizing works again once every export has died.
"""

import gc
import itertools
import os
import subprocess
import sys
import threading
import weakref

import numpy as np
import oracle
import pytest

import minitorch as mt

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def churn():
    """Allocate and free enough that freed memory would be reused and scribbled on."""
    junk = [mt.full((64,), -7.0) for _ in range(200)]
    junk += [np.full(64, -7.0) for _ in range(200)]
    del junk


# ---------------------------------------------------------- either order


def test_numpy_array_outlives_tensor():
    t = mt.arange(6.0)
    a = t.numpy()
    del t
    gc.collect()
    churn()
    assert a.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    a[0] = 10
    assert a[0] == 10


def test_tensor_outlives_numpy_array():
    t = mt.arange(6.0)
    a = t.numpy()
    a[1] = 9
    del a
    gc.collect()
    churn()
    assert t.tolist() == [0.0, 9.0, 2.0, 3.0, 4.0, 5.0]
    t[2] = 8
    assert t[2].item() == 8


def test_from_numpy_tensor_outlives_array():
    a = np.arange(5.0)
    t = mt.from_numpy(a)
    del a
    gc.collect()
    churn()
    assert t.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    t[4] = -1
    assert t.numpy()[4] == -1


def test_array_outlives_from_numpy_tensor():
    a = np.arange(5.0)
    t = mt.from_numpy(a)
    t[0] = 3
    del t
    gc.collect()
    churn()
    assert a.tolist() == [3.0, 1.0, 2.0, 3.0, 4.0]


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_chain_deleted_in_any_order(order):
    # src -> t (from_numpy) -> b (numpy) -> u (from_numpy of b); all share bytes
    src = np.arange(8.0)
    ref = weakref.ref(src)
    t = mt.from_numpy(src)
    b = t.numpy()
    u = mt.from_numpy(b)[2:]
    objs = {0: src, 1: t, 2: b, 3: u}
    del src, t, b, u
    expected = list(np.arange(8.0))
    for step, k in enumerate(order):
        del objs[k]
        gc.collect()
        churn()
        for j, o in objs.items():
            vals = o.tolist()
            assert vals == (expected[2:] if j == 3 else expected)
        if objs:
            # the survivors still write through to each other
            first = next(iter(objs.values()))
            first[-1] = step
            expected[-1] = float(step)
            for o in objs.values():
                assert o[-1].item() == step if isinstance(o, mt.Tensor) else o[-1] == step
            assert ref() is not None
            del first, o
    gc.collect()
    assert ref() is None


def test_weakref_to_source_dies_exactly_when_tensor_and_views_die():
    src = np.arange(10.0)
    ref = weakref.ref(src)
    t = mt.from_numpy(src)
    views = [t[1:], t.t(), t[::-2], t.view(2, 5), t.expand(3, 10), t.numpy(), np.asarray(t)]
    del src
    gc.collect()
    assert ref() is not None
    del t
    gc.collect()
    while views:
        assert ref() is not None
        views.pop()
        gc.collect()
    assert ref() is None


def test_weakref_to_source_dies_after_memoryview_release():
    src = np.arange(4.0)
    ref = weakref.ref(src)
    t = mt.from_numpy(src)
    m = memoryview(t)
    del src, t
    gc.collect()
    assert ref() is not None
    m.release()
    del m
    gc.collect()
    assert ref() is None


def test_tensor_in_a_reference_cycle_is_collected():
    src = np.arange(3.0)
    ref = weakref.ref(src)
    t = mt.from_numpy(src)
    t.me = t  # a cycle through the tensor's __dict__
    del src, t
    gc.collect()
    assert ref() is None


# ------------------------------------------------ re-pointing after export


def test_set_after_export_keeps_array_bytes():
    t = mt.arange(1000.0)
    a = t.numpy()
    t.set_(mt.zeros(3))
    gc.collect()
    churn()
    assert a.tolist() == [float(i) for i in range(1000)]
    a[5] = -1  # still writable, and no longer seen by t
    assert t.tolist() == [0.0, 0.0, 0.0]


def test_set_without_source_after_export():
    t = mt.arange(10.0)
    a = t[3:].numpy()
    t.set_()
    churn()
    assert t.shape == (0,)
    assert a.tolist() == [float(i) for i in range(3, 10)]


def test_data_assignment_after_export_keeps_array_bytes():
    t = mt.arange(100.0)
    a = t.numpy()
    t.data = mt.ones(2)
    gc.collect()
    churn()
    assert a.tolist() == [float(i) for i in range(100)]
    assert t.tolist() == [1.0, 1.0]


def test_resize_after_export_keeps_array_bytes():
    t = mt.arange(10.0)
    a = t.numpy()
    t.resize_(2, 2)  # shrinking keeps the same bytes
    churn()
    assert a.tolist() == [float(i) for i in range(10)]
    assert t.tolist() == [[0.0, 1.0], [2.0, 3.0]]


@pytest.mark.parametrize(
    "export",
    [
        lambda t: t.numpy(),
        lambda t: t[2:].numpy(),
        lambda t: t.t().numpy(),
        lambda t: np.asarray(t),
        lambda t: memoryview(t),
        lambda t: np.asarray(type("H", (), {"__array_interface__": t.__array_interface__})()),
    ],
    ids=["numpy", "view_numpy", "t_numpy", "asarray", "memoryview", "array_interface"],
)
def test_growing_resize_refused_while_export_lives(export):
    t = mt.arange(12.0).reshape(3, 4)
    e = export(t)
    with pytest.raises(RuntimeError, match="resize"):
        t.resize_(100, 100)
    # a failed resize leaves the metadata exactly as it was
    assert t.shape == (3, 4) and t.stride() == (4, 1) and t.storage_offset() == 0
    assert t.tolist() == np.arange(12.0).reshape(3, 4).tolist()
    if isinstance(e, memoryview):
        e.release()
    del e
    gc.collect()
    t.resize_(100, 100)  # works again once the export is gone
    assert t.shape == (100, 100)
    assert t.view(-1)[:12].tolist() == [float(i) for i in range(12)]


def test_growing_resize_refused_while_any_of_two_exports_lives():
    t = mt.arange(4.0)
    a, b = t.numpy(), t.numpy()
    del a
    gc.collect()
    with pytest.raises(RuntimeError):
        t.resize_(50)
    del b
    gc.collect()
    assert t.resize_(50).shape == (50,)


def test_resize_export_counted_per_storage_not_per_view():
    t = mt.arange(8.0)
    v = t[4:]
    a = v.numpy()
    with pytest.raises(RuntimeError):
        t.resize_(1000)
    with pytest.raises(RuntimeError):
        v.resize_(1000)
    del a
    gc.collect()
    t.resize_(1000)


def test_from_numpy_tensor_is_not_resizable():
    a = np.arange(4.0)
    t = mt.from_numpy(a)
    with pytest.raises(RuntimeError) as e:
        t.resize_(10)
    assert "Trying to resize storage that is not resizable" in str(e.value)
    assert t.shape == (4,) and t.tolist() == [0.0, 1.0, 2.0, 3.0]
    del a
    gc.collect()
    with pytest.raises(RuntimeError, match="not resizable"):
        t.resize_(10)  # the array is still the owner: never resizable
    assert t.shape == (4,)
    assert t.resize_(2).tolist() == [0.0, 1.0]  # shrinking needs no new bytes


def test_resize_failure_matches_torch_message():
    torch = oracle.torch()
    with pytest.raises(RuntimeError) as e:
        torch.from_numpy(np.zeros(3)).resize_(10)
    with pytest.raises(RuntimeError) as f:
        mt.from_numpy(np.zeros(3)).resize_(10)
    assert str(e.value).splitlines()[0] == str(f.value)


def test_set_releases_from_numpy_source():
    src = np.arange(3.0)
    ref = weakref.ref(src)
    t = mt.from_numpy(src)
    del src
    t.set_(mt.zeros(2, dtype=mt.float64))
    gc.collect()
    assert ref() is None and t.tolist() == [0.0, 0.0]


# ------------------------------------------------------------ threads


def _drop_in_thread(box):
    th = threading.Thread(target=box.clear)
    th.start()
    th.join(timeout=20)
    return th


def test_dropping_last_reference_in_thread_does_not_deadlock():
    src = np.arange(100.0)
    ref = weakref.ref(src)
    box = [mt.from_numpy(src)[::2]]
    del src
    th = _drop_in_thread(box)
    assert not th.is_alive()
    gc.collect()
    assert ref() is None


def test_dropping_last_export_in_thread_does_not_deadlock():
    t = mt.arange(100.0)
    box = [t.numpy(), memoryview(t)]
    del t
    th = _drop_in_thread(box)
    assert not th.is_alive()


def test_many_threads_create_and_drop_shared_tensors():
    errors = []

    def work():
        try:
            for i in range(300):
                a = np.full(16, float(i))
                t = mt.from_numpy(a)
                b = t.numpy()
                del a, t
                assert b[3] == i
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert not any(th.is_alive() for th in threads)
    assert not errors


# ------------------------------------------------------- interpreter exit

EXIT_SCRIPT = r"""
import threading, time
import numpy as np
import minitorch as mt

A = np.arange(10.0)
T = mt.from_numpy(A)
V = T[::2]
B = mt.arange(5.0).numpy()
M = memoryview(mt.ones(3))
RO = np.arange(3.0)
RO.flags.writeable = False
TRO = mt.from_numpy(RO)
I = np.asarray(type("H", (), {"__array_interface__": mt.ones(2).__array_interface__})())

class Holder:
    pass

H = Holder()
H.t = mt.from_numpy(np.ones(4))
H.self = H  # a cycle that only the final collection breaks
H.t.cycle = H

def keep(x):
    time.sleep(3600)

D = threading.Thread(target=keep, args=(mt.from_numpy(np.ones(8)),), daemon=True)
D.start()
print("ok", flush=True)
"""


def test_interpreter_exit_with_live_shared_tensors():
    r = subprocess.run([sys.executable, "-c", EXIT_SCRIPT], cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"


def test_interpreter_exit_in_dev_mode():
    r = subprocess.run([sys.executable, "-X", "dev", "-c", EXIT_SCRIPT], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


# ---------------------------------------------------------------- leaks


def _rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _cycle():
    a = np.ones(16)
    t = mt.from_numpy(a)
    b = t.numpy()
    c = mt.tensor(b)
    d = np.asarray(c)
    e = mt.as_tensor(d)
    with memoryview(e):
        pass
    f = mt.asarray(a, dtype=mt.float32)
    g = np.asarray(type("H", (), {"__array_interface__": f.__array_interface__})())
    return g


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc")
@pytest.mark.slow  # RSS is meaningless under ASan (its quarantine holds freed memory)
def test_rss_flat_over_100k_cycles():
    for _ in range(5000):  # warm-up: allocator pools, caches
        _cycle()
    gc.collect()
    before = _rss()
    for _ in range(100_000):
        _cycle()
    gc.collect()
    growth = _rss() - before
    assert growth < 20 * 2**20, f"RSS grew by {growth / 2**20:.1f} MiB"
