"""The GIL is released around every kernel above the grain, also with one
thread (Note [GIL release] in ext/core/parallel.cpp).

No timings: the switch interval is raised far above the test's length, so
the main thread never hands the GIL over between bytecodes. A counter thread
can then advance while the main thread runs a bracketed op only if the op
itself releases the GIL.
"""

import sys
import threading

import numpy as np
import pytest

import minitorch as m

N = 8 * 1024 * 1024


def count_during(op, repeats=3):
    """How far a Python counter thread advanced while op() ran `repeats`
    times on the main thread."""
    counter = [0]
    stop = threading.Event()
    started = threading.Event()

    def spin():
        started.set()
        while not stop.is_set():
            counter[0] += 1
            stop.wait(0.0005)  # gives the GIL back between counts

    old = sys.getswitchinterval()
    t = threading.Thread(target=spin, daemon=True)
    t.start()
    started.wait(10)
    try:
        sys.setswitchinterval(30.0)
        stop.wait(0.05)  # every waiter now waits with the new interval
        c0 = counter[0]
        for _ in range(repeats):
            op()
        c1 = counter[0]
    finally:
        sys.setswitchinterval(old)
        stop.set()
        t.join(10)
    return c1 - c0


@pytest.fixture
def one_thread():
    old = m.get_num_threads()
    m.set_num_threads(1)
    yield
    m.set_num_threads(old)


def test_big_elementwise_and_sum_release_the_gil_with_one_thread(one_thread):
    a = m.rand(N)
    b = m.rand(N)
    # Many repeats: on a loaded machine the counter thread may need a while to be
    # scheduled; without a GIL release it cannot advance however long this runs.
    assert count_during(lambda: (a * b).exp().sum(), repeats=20) > 0


def test_big_reduction_alone_releases_the_gil(one_thread):
    a = m.rand(N)
    assert count_during(lambda: a.sum(), repeats=60) > 0


def test_small_ops_keep_the_gil(one_thread):
    # Below the grain the op runs inline without releasing: the counter
    # thread cannot run between the main thread's bytecodes.
    a = m.rand(1000)
    assert count_during(lambda: [(a * a).exp().sum() for _ in range(50)], repeats=1) == 0


def test_results_and_errors_are_unchanged_with_the_gil_released(one_thread):
    x = np.random.default_rng(0).standard_normal(200_000).astype(np.float32)
    t = m.from_numpy(x)
    np.testing.assert_allclose((t * t).exp().numpy(), np.exp(x * x), rtol=4e-7)
    # An error raised by an op on a big input still comes back as its Python
    # exception after the kernel released and retook the GIL.
    with pytest.raises(RuntimeError):
        m.ones(N).view(3, -1)
    with pytest.raises(RuntimeError):
        m.ones(N) + m.ones(N - 1)
    assert (t + 1).sum().item() == pytest.approx(float(x.astype(np.float64).sum() + x.size), rel=1e-5)
