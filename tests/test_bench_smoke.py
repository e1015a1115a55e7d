"""benchmarks/bench.py runs end to end and prints a Markdown table row.

No timing is asserted: the machine is shared and timings are not a test."""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_bench_quick_prints_a_row():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "benchmarks", "bench.py"), "--quick", "--filter",
         "item"],
        capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "| case | minitorch | torch | numpy | minitorch/torch | minitorch/numpy |" in lines
    rows = [ln for ln in lines if ln.startswith("| t.item()")]
    assert len(rows) == 1, proc.stdout
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert len(cells) == 6
    assert re.fullmatch(r"[\d.]+ (ns|µs|ms|s)", cells[1])  # minitorch time with a unit
    assert re.fullmatch(r"[\d.]+ (ns|µs|ms|s)", cells[3])  # numpy time
    assert re.fullmatch(r"[\d.]+x", cells[5])


def test_bench_unknown_filter_fails():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "benchmarks", "bench.py"), "--quick", "--filter",
         "no such case"],
        capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert proc.returncode == 2
    assert "no case matches" in proc.stderr


def _load_bench():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "_bench_under_test", os.path.join(ROOT, "benchmarks", "bench.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _as_array(x):
    import numpy as np
    if hasattr(x, "detach") and not isinstance(x, np.ndarray):
        x = x.detach()
    if hasattr(x, "numpy") and not isinstance(x, np.ndarray):
        x = x.numpy()
    return np.asarray(x)


def test_bench_cases_compute_the_same_thing():
    """Every in-process case runs once per library (no timing), and the
    libraries agree on the result's shape and values: the rows compare
    equivalent operations."""
    import numpy as np
    bench = _load_bench()
    checked = 0
    for case in bench.CASES:
        if case.kind != "call":
            continue
        state = case.setup()
        results = {}
        for lib in bench.LIBS:
            factory = getattr(case, lib)
            if factory is None or (lib == "torch" and bench.torch is None):
                continue
            results[lib] = _as_array(factory(state)())
        # The autograd rows have no NumPy entry: torch is their reference.
        ref = results["numpy"] if "numpy" in results else results.get("torch")
        if ref is None:
            continue
        for lib, got in results.items():
            assert got.shape == ref.shape, (case.name, lib, got.shape, ref.shape)
            if not getattr(case, "same_values", True):
                continue  # random rows: each library its own numbers
            # float32 sums over up to 4M elements differ by summation order
            tol = 1e-3 * max(1.0, float(np.max(np.abs(ref))) if ref.size else 1.0)
            np.testing.assert_allclose(got, ref, rtol=1e-4, atol=tol,
                                       err_msg=f"{case.name}: {lib}")
        checked += 1
    assert checked >= 15
