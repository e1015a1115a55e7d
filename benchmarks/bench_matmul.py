"""Matmul benchmark rows: minitorch vs PyTorch vs NumPy, side by side in one run.

    python benchmarks/bench_matmul.py            # prints a table and the ratios

Each row times the same operation on the same data in all three libraries,
interleaving them and keeping the best of several repeats (the machine may be
shared). ``rows()`` returns the measurements for benchmarks/bench.py.
"""

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import minitorch  # noqa: E402

try:
    import torch
except ImportError:  # the table then shows only minitorch and NumPy
    torch = None


def _best(fn, number, repeat):
    fn()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def _time_all(fns, number, repeat=7):
    """Best time per call of each fn, measured round-robin so drift hits all alike."""
    best = {k: float("inf") for k in fns}
    for k, f in fns.items():
        f()
    for _ in range(repeat):
        for k, f in fns.items():
            best[k] = min(best[k], _best(f, number, 1))
    return best


def _square(n, number):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    ma, mb = minitorch.from_numpy(a), minitorch.from_numpy(b)
    fns = {"minitorch": lambda: ma @ mb, "numpy": lambda: a @ b}
    if torch is not None:
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        fns["torch"] = lambda: ta @ tb
    return _time_all(fns, number)


def rows():
    out = []
    for n, number in ((512, 20), (1024, 5)):
        out.append((f"matmul {n}x{n} float32", _square(n, number)))
    a = np.ones((2, 2), np.float32)
    ma = minitorch.from_numpy(a)
    fns = {"minitorch": lambda: ma @ ma, "numpy": lambda: a @ a}
    if torch is not None:
        ta = torch.from_numpy(a)
        fns["torch"] = lambda: ta @ ta
    out.append(("matmul 2x2 float32 (per call)", _time_all(fns, 20000)))
    return out


def main():
    print(f"BLAS: {minitorch._C._blas_info()}")
    if torch is not None:
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"{'row':34s} {'minitorch':>11s} {'torch':>11s} {'numpy':>11s} {'mt/torch':>9s} "
          f"{'mt/numpy':>9s}")
    for name, t in rows():
        tt = t.get("torch", float("nan"))
        print(f"{name:34s} {t['minitorch'] * 1e6:9.2f}us {tt * 1e6:9.2f}us "
              f"{t['numpy'] * 1e6:9.2f}us {t['minitorch'] / tt:9.3f} "
              f"{t['minitorch'] / t['numpy']:9.3f}")


if __name__ == "__main__":
    main()
