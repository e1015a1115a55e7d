"""Autograd engine properties: memory stays flat over many forward/backward
loops, backward runs concurrently on separate graphs from Python threads,
saved tensors are freed by backward (kept by retain_graph), deep graphs
neither overflow the stack on backward nor on destruction, and a graph makes
no reference cycles for the garbage collector to find."""

import gc
import os
import threading
import time
import weakref

import numpy as np
import pytest

import minitorch as mt

RSS_BOUND = 8 * 2**20


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _step(w, x, m):
    # Elementwise, reductions, matmul, views and the functions_*2 formulas;
    # one create_graph pass so double-backward graphs are freed too.
    y = ((w * x + 1.0) ** 2).mean() + (m @ m.t()).sum() * 1e-3
    y = y + mt.linalg.vector_norm(w, 3) + (x * w).prod() * 0 + mt.einsum("ij,ij->", m, m)
    y = y + w.view(10, 100)[1:].softmax(1).sum() + mt.var_mean(m, 1)[0].sum()
    y.backward()
    g, = mt.autograd.grad((w ** 3).sum(), w, create_graph=True)
    g.sum().backward()
    w.grad = None
    m.grad = None


@pytest.mark.slow  # about 10 s on a loaded 2-core machine
def test_rss_flat_over_10000_forward_backward_loops():
    rng = np.random.default_rng(0)
    w = mt.from_numpy(rng.standard_normal(1000).astype(np.float32)).requires_grad_()
    x = mt.from_numpy(rng.standard_normal(1000).astype(np.float32))
    m = mt.from_numpy(rng.standard_normal((8, 16)).astype(np.float32)).requires_grad_()
    for _ in range(500):  # warm-up: allocator caches
        _step(w, x, m)
    gc.collect()
    before = rss()
    t0 = time.perf_counter()
    for _ in range(10_000):
        _step(w, x, m)
    elapsed = time.perf_counter() - t0
    gc.collect()
    grown = rss() - before
    # Leaking one 4 KB gradient per loop would grow RSS by ~40 MiB.
    assert grown < RSS_BOUND, f"RSS grew by {grown / 2**20:.1f} MiB over 10000 loops"
    assert elapsed < 60, elapsed


def test_two_threads_backward_on_separate_graphs():
    rng = np.random.default_rng(1)
    vals = [rng.uniform(0.5, 1.5, (64, 32)) for _ in range(2)]
    errors = []
    barrier = threading.Barrier(2)

    def work(k):
        try:
            v = vals[k]
            barrier.wait()
            for it in range(200):
                a = mt.from_numpy(v.copy()).requires_grad_()
                if k == 0:
                    y = (a.exp() * a).sum()
                    want = np.exp(v) * (v + 1)
                else:
                    y = (a @ a.t()).sum() + a.prod(0).sum()
                    want = 2 * np.ones((64, 64)) @ v + np.prod(v, 0) / v
                y.backward()
                np.testing.assert_allclose(a.grad.numpy(), want, rtol=1e-10)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append((k, repr(e)))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def _saved_probe():
    """w (a leaf), y = sum(w * z) where z wraps an ndarray that only the
    graph's saved tensor keeps alive; returns (w, y, weakref to the array)."""
    w = mt.ones(4, requires_grad=True)
    arr = np.arange(4.0, dtype=np.float32)
    ref = weakref.ref(arr)
    y = (w * mt.from_numpy(arr)).sum()
    del arr
    gc.collect()
    return w, y, ref


def test_saved_tensors_die_after_backward():
    w, y, ref = _saved_probe()
    assert ref() is not None  # saved for w's gradient
    y.backward()
    assert ref() is None  # freed by backward, while y and its graph still live
    assert y.grad_fn is not None
    assert w.grad.tolist() == [0.0, 1.0, 2.0, 3.0]
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_retain_graph_keeps_saved_tensors_until_the_graph_dies():
    w, y, ref = _saved_probe()
    y.backward(retain_graph=True)
    assert ref() is not None
    y.backward()
    assert w.grad.tolist() == [0.0, 2.0, 4.0, 6.0]
    assert ref() is None


def test_saved_tensors_die_with_an_unused_graph():
    w, y, ref = _saved_probe()
    del y
    gc.collect()
    assert ref() is None


def test_deep_chain_backward_and_destruction_do_not_overflow():
    a = mt.ones(1, requires_grad=True)
    x = a
    for _ in range(100_000):
        x = x * 1.0 + 0.0
    x.sum().backward()
    assert a.grad.tolist() == [1.0]
    del x
    # A deep graph dropped without backward: destruction alone.
    x = a
    for _ in range(100_000):
        x = x.exp() * 0.5
    ref = weakref.ref(x.grad_fn)
    del x
    gc.collect()
    assert ref() is None


def test_a_graph_makes_no_reference_cycles():
    gc.collect()
    gc.disable()
    try:
        a = mt.ones(3, 4, requires_grad=True)
        b = mt.ones(4, requires_grad=True)
        y = ((a * b).exp() @ b).prod() + mt.linalg.vector_norm(a) + mt.einsum("ij,j->", a, b)
        fns = [y.grad_fn]
        while fns:  # walk (and so create Python objects for) the whole graph
            fns = [f for fn in fns for f, _ in fn.next_functions if f is not None]
        y.retain_grad()
        y.backward(retain_graph=True)
        g, = mt.autograd.grad(y, a, create_graph=True)
        g.sum().backward()
        del a, b, y, g, fns
        assert gc.collect() == 0
    finally:
        gc.enable()
