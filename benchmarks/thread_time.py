"""Single-thread ratios by CPU time of the timing thread (time.thread_time),
for a loaded machine: time the thread spends descheduled does not count, so
the figures hold steadier than wall-clock timings while others build.

    python benchmarks/thread_time.py
    MINITORCH_VECMATH=avx2 python benchmarks/thread_time.py   # cap the vector level

Cases: tanh and sigmoid of 4M float32 (uniform in [-2, 2)), var and std over
dim 0 of a (4096, 1024) float32 matrix. minitorch, NumPy and PyTorch each run
one thread; each figure is the best of 15 calls, and the ratio is taken three
times, interleaved.
"""

import os
import time

import numpy as np

import minitorch as mt

try:
    import torch
except ImportError:  # the NumPy ratios alone
    torch = None


def best_ms(f, k=15):
    best = float("inf")
    for _ in range(k):
        t0 = time.thread_time()
        f()
        best = min(best, time.thread_time() - t0)
    return best * 1e3


def main():
    mt.set_num_threads(1)
    if torch is not None:
        torch.set_num_threads(1)
    x = np.random.default_rng(0).uniform(-2, 2, 4 << 20).astype(np.float32)
    m = np.random.default_rng(1).standard_normal((4096, 1024)).astype(np.float32)
    a, am = mt.from_numpy(x), mt.from_numpy(m)
    t = torch.from_numpy(x) if torch is not None else None
    tm = torch.from_numpy(m) if torch is not None else None
    cases = [
        ("tanh, 4M float32", a.tanh, lambda: np.tanh(x), t.tanh if t is not None else None),
        ("sigmoid, 4M float32", a.sigmoid, lambda: 1 / (1 + np.exp(-x)),
         t.sigmoid if t is not None else None),
        ("var(0), 4096x1024", lambda: am.var(0), lambda: m.var(0, ddof=1),
         (lambda: tm.var(0)) if tm is not None else None),
        ("std(0), 4096x1024", lambda: am.std(0), lambda: m.std(0, ddof=1),
         (lambda: tm.std(0)) if tm is not None else None),
    ]
    level = os.environ.get("MINITORCH_VECMATH", "default")
    print(f"vector level cap: {level}")
    print("| case | minitorch ms | NumPy ms | torch ms | /NumPy | /torch | /faster |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, fm, fn, ft in cases:
        rows = []
        for _ in range(3):
            tmt, tnp = best_ms(fm), best_ms(fn)
            tto = best_ms(ft) if ft is not None else float("nan")
            rows.append((tmt, tnp, tto))
        tmt, tnp, tto = (min(r[i] for r in rows) for i in range(3))
        faster = min(tnp, tto) if ft is not None else tnp
        print(f"| {name} | {tmt:.2f} | {tnp:.2f} | {tto:.2f} | {tmt / tnp:.2f}x | "
              f"{tmt / tto:.2f}x | {tmt / faster:.2f}x |")


if __name__ == "__main__":
    main()
