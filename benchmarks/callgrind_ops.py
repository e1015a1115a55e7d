"""Instructions per call of small ops, counted with valgrind's callgrind.

Timings on a shared machine swing by 2x; instruction counts do not. For each
case this script runs the statement N1 and N2 times in fresh processes under
`valgrind --tool=callgrind` and reports (Ir(N2) - Ir(N1)) / (N2 - N1): the
cost of one call with the start-up, import and set-up cancelled out.

    python benchmarks/callgrind_ops.py                 # minitorch, every case
    python benchmarks/callgrind_ops.py --lib torch     # the same cases in PyTorch
    python benchmarks/callgrind_ops.py --lib numpy
    python benchmarks/callgrind_ops.py --filter add --json out.json

Operands are 3-element float32 tensors (arrays for NumPy). Requires valgrind.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# name -> statement; `a`, `b` are 3-element float32 operands.
CASES = {
    "a + b": "a + b",
    "a + 2.0": "a + 2.0",
    "a.add(b)": "a.add(b)",
    "(a * b).sum()": "(a * b).sum()",
    "a[1:]": "a[1:]",
    "a.view(3)": "a.view(3)",
    # (3, 64, 64): `p` a permuted view of a (64, 64, 3) tensor, `c` contiguous.
    "permuted add": "p + c",
    # nn.Linear(16, 16) on an 8x16 input (the bench.py row; weights require grad).
    "nn.Linear(16, 16)": "lin(x16)",
}
NUMPY_CASES = {"a.add(b)": "np.add(a, b)", "a.view(3)": "a.reshape(3)",
               "nn.Linear(16, 16)": "x16 @ wl.T + bl"}
# Extra operands some cases use, made once in the set-up (not counted).
EXTRA_SETUP = {
    "minitorch": "p = m.rand(64, 64, 3).permute(2, 0, 1)\nc = m.rand(3, 64, 64)\n"
    "lin = m.nn.Linear(16, 16)\nx16 = m.rand(8, 16)\n",
    "torch": "p = m.rand(64, 64, 3).permute(2, 0, 1)\nc = m.rand(3, 64, 64)\n"
    "lin = m.nn.Linear(16, 16)\nx16 = m.rand(8, 16)\n",
    "numpy": "p = np.random.rand(64, 64, 3).astype(np.float32).transpose(2, 0, 1)\n"
    "c = np.random.rand(3, 64, 64).astype(np.float32)\n"
    "wl = np.random.rand(16, 16).astype(np.float32)\nbl = np.random.rand(16).astype(np.float32)\n"
    "x16 = np.random.rand(8, 16).astype(np.float32)\n",
}

SETUP = {
    "minitorch": "import minitorch as m\na = m.tensor([1.0, 2.0, 3.0])\nb = m.tensor([4.0, 5.0, 6.0])\n",
    "torch": "import torch as m\na = m.tensor([1.0, 2.0, 3.0])\nb = m.tensor([4.0, 5.0, 6.0])\n",
    "numpy": "import numpy as np\na = np.array([1.0, 2.0, 3.0], np.float32)\n"
    "b = np.array([4.0, 5.0, 6.0], np.float32)\n",
}

PROGRAM = """{setup}
import sys
n = int(sys.argv[1])
for _ in range(n):
    {stmt}
"""


def instructions(lib, stmt, n, workdir):
    script = os.path.join(workdir, "case.py")
    with open(script, "w") as f:
        f.write(PROGRAM.format(setup=SETUP[lib] + EXTRA_SETUP[lib], stmt=stmt))
    out = os.path.join(workdir, "cg.out")
    # The checkout's in-place build comes first, so an uninstalled tree works.
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    # A fixed hash seed: str hashes change dict probe counts, hence the count.
    # One thread everywhere: callgrind counts every thread, and an idle BLAS
    # thread pool spinning adds a time-dependent count.
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MINITORCH_NUM_THREADS="1",
               PYTHONPATH=path,
               PYTHONHASHSEED="0")
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
                    script, str(n)], check=True, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    with open(out) as f:
        text = f.read()
    m = re.search(r"^(?:summary|totals):\s+(\d+)", text, re.M)
    if not m:
        raise RuntimeError("no instruction total in callgrind output")
    return int(m.group(1))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lib", default="minitorch", choices=sorted(SETUP))
    p.add_argument("--filter", default="")
    p.add_argument("--n1", type=int, default=1000)
    p.add_argument("--n2", type=int, default=11000)
    p.add_argument("--json", help="write {case: instructions per call} here")
    args = p.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("valgrind not found")
    results = {}
    with tempfile.TemporaryDirectory() as d:
        for name, stmt in CASES.items():
            if args.filter not in name:
                continue
            if args.lib == "numpy":
                stmt = NUMPY_CASES.get(name, stmt)
            lo = instructions(args.lib, stmt, args.n1, d)
            hi = instructions(args.lib, stmt, args.n2, d)
            results[name] = (hi - lo) / (args.n2 - args.n1)
            print(f"{name:16s} {results[name]:10.0f} instructions/call ({args.lib})", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
