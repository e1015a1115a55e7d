"""Instructions per call of a few hot-path statements, measured with callgrind.

Usage: python benchmarks/callgrind_ops.py            (runs valgrind, prints a table)
       python benchmarks/callgrind_ops.py CASE N     (the loop valgrind runs)

Each case runs N iterations under callgrind for N=1000 and N=11000; the
per-call cost is (Ir(11000) - Ir(1000)) / 10000, which cancels start-up.
Instruction counts are stable on a noisy machine, unlike timings.
"""
import os
import subprocess
import sys
import tempfile

CASES = {
    "a + b": "a + b",
    "a + 2.0": "a + 2.0",
    "a.add(b)": "a.add(b)",
    "(a * b).sum()": "(a * b).sum()",
    "a[1:]": "a[1:]",
    "a.view(3)": "a.view(3)",
}


def loop(case, n):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import minitorch

    a = minitorch.tensor([1.0, 2.0, 3.0])
    b = minitorch.tensor([4.0, 5.0, 6.0])
    code = compile(f"for _ in range({n}):\n    {CASES[case]}\n", "<case>", "exec")
    exec(code, {"a": a, "b": b})


def ir(case, n):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                        sys.executable, __file__, case, str(n)],
                       check=True, capture_output=True)
        with open(out) as f:
            for line in f:
                if line.startswith(("summary:", "totals:")):
                    return int(line.split()[1])
    raise RuntimeError("no totals in callgrind output")


def main():
    if len(sys.argv) == 3:
        loop(sys.argv[1], int(sys.argv[2]))
        return
    cases = sys.argv[1:] or list(CASES)
    for c in cases:
        per = (ir(c, 11000) - ir(c, 1000)) / 10000
        print(f"{c:16s} {per:10.1f}", flush=True)


if __name__ == "__main__":
    main()
