"""The CPU allocator's small-block cache (Note [Small-block cache] in ext/cpu/register.cpp).

Freed blocks of up to 1 KiB are kept per thread and handed out again; these
tests check that reuse never shows stale data where an op promises
contents, that blocks may cross threads, and that threads ending with full
caches are fine.
"""

import threading

import numpy as np

import minitorch


def test_reused_blocks_are_initialised():
    for n in (1, 3, 16, 255, 256):
        junk = [minitorch.full((n,), 7.0) for _ in range(40)]
        del junk  # fills the cache with blocks holding 7.0
        z = minitorch.zeros(n)
        np.testing.assert_array_equal(z.numpy(), np.zeros(n, np.float32))
        o = minitorch.ones(n, dtype=minitorch.int64)
        np.testing.assert_array_equal(o.numpy(), np.ones(n, np.int64))
        a = minitorch.arange(n)
        np.testing.assert_array_equal(a.numpy(), np.arange(n))


def test_results_stay_distinct_buffers():
    # Each live tensor owns its own block: no two results alias.
    live = [minitorch.tensor([float(i)] * 3) + 0 for i in range(100)]
    ptrs = {t.data_ptr() for t in live}
    assert len(ptrs) == 100
    for i, t in enumerate(live):
        assert t.tolist() == [float(i)] * 3


def test_blocks_cross_threads_and_threads_exit():
    made = []

    def worker(k):
        # allocate here, free some here (fills this thread's cache), hand others out
        for _ in range(200):
            minitorch.ones(5) * k
        made.extend(minitorch.full((4,), float(k)) for _ in range(20))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted({t[0].item() for t in made}) == [0.0, 1.0, 2.0, 3.0]
    # freed on the main thread, after the threads that allocated them ended
    del made[:]
    x = minitorch.zeros(4)
    assert x.tolist() == [0.0] * 4


def test_large_and_small_sizes_round_trip():
    for n in (0, 1, 63, 64, 65, 1023, 1024, 1025, 100_000):
        a = np.arange(n, dtype=np.float64)
        t = minitorch.tensor(a) * 2
        np.testing.assert_array_equal(t.numpy(), a * 2)
