"""Memory stays flat over long loops of bridge conversions and op calls.

Bounds (stated here, checked below):
- RSS: 1,000,000 iterations may grow the process by at most 16 MiB after a
  warm-up, i.e. < 17 bytes per iteration: a leak of even one small C++ or
  Python object per call (Storage, Dims buffer, a tuple) exceeds it.
- tracemalloc: 50,000 iterations may grow Python-allocated memory by at most
  64 KiB (under 1.4 bytes per iteration: no Python object may leak per call).
The 1,000,000-iteration loops take 5-30 s here and many minutes under the
sanitizers, so they are marked `slow` (scripts/sanitize.sh skips them); the
shorter tracemalloc loops always run.
"""

import gc
import os
import tracemalloc

import numpy as np
import pytest

import minitorch as m

RSS_BOUND = 16 * 2**20
TRACE_BOUND = 64 * 2**10


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def bridge_step(a, t):
    b = t.numpy()  # tensor -> array (zero copy)
    u = m.from_numpy(a)  # array -> tensor (zero copy)
    v = m.from_numpy(a[::-1])  # negative strides
    w = m.tensor(a[:2])  # copying constructor
    return b, u, v, w


def op_step(a, t):
    r = t.transpose(0, 1)[1:, ::-1].clone()
    t[0, 0] = 1.5
    z = m.zeros(2, 2, dtype=m.int32)
    z.copy_(r[:, :2].int())
    try:  # an error path each iteration, too
        t.view(5)
    except RuntimeError:
        pass
    return r, z.tolist(), t.shape, t.stride()


STEPS = {"bridge": bridge_step, "ops": op_step}


def loop(step, n):
    a = np.arange(6.0).reshape(2, 3)
    t = m.zeros(2, 3)
    for _ in range(n):
        step(a, t)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(STEPS))
def test_rss_flat_over_a_million_iterations(name):
    step = STEPS[name]
    loop(step, 20_000)  # warm-up: allocator pools, caches
    gc.collect()
    before = rss()
    loop(step, 1_000_000)
    gc.collect()
    grown = rss() - before
    assert grown < RSS_BOUND, f"{name}: RSS grew by {grown / 2**20:.1f} MiB over 1e6 iterations"


@pytest.mark.parametrize("name", list(STEPS))
def test_python_allocations_flat(name):
    step = STEPS[name]
    loop(step, 2_000)
    gc.collect()
    tracemalloc.start()
    try:
        loop(step, 1_000)
        gc.collect()
        before, _ = tracemalloc.get_traced_memory()
        n = 50_000 if not os.environ.get("MINITORCH_SANITIZED") else 5_000
        loop(step, n)
        gc.collect()
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - before < TRACE_BOUND, f"{name}: +{after - before} bytes over {n} iterations"
