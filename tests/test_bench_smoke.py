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
