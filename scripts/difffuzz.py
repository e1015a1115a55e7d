"""The differential fuzzer: random programs run on minitorch and on PyTorch.

A program is an input tensor (any dtype; 0-d, empty or not; contiguous,
transposed, strided or, on minitorch's side, negative-stride) and one to three
ops drawn from scripts/difffuzz_ops.py (creation, views, elementwise,
reductions, indexing, in-place; their arguments are sometimes invalid on
purpose). Each step's outcome (dtype, shape and values of the result, or the
exception's built-in class) is compared between the two libraries; a program
stops at its first error. Batches run in child processes, so a crash (a
signal, an abort) is caught, attributed to its program, and shrunk to the
shortest program that still crashes.

Usage (from the repository root):

    python scripts/difffuzz.py --programs 100000            # the long mode (needs torch)
    python scripts/difffuzz.py --programs 2000 --seed 1234 --against tests/data/difffuzz_torch.json.gz
    python scripts/difffuzz.py --programs 2000 --seed 1234 --record tests/data/difffuzz_torch.json.gz

``--record`` stores torch's outcomes so that a machine without torch can
compare against them (``--against``); tests/test_difffuzz.py runs the CI
batch that way, and checks each difference is either listed in DELIBERATE
(scripts/difffuzz_ops.py, mirrored in docs/differences-from-pytorch.md) or
already known (tests/data/difffuzz_baseline.json, ``--update-baseline``).
"""

import argparse
import builtins
import gzip
import json
import math
import os
import subprocess
import sys
from collections import Counter

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import difffuzz_ops  # noqa: E402

SHAPES = [(), (0,), (1,), (3,), (4,), (2, 3), (3, 1), (0, 2), (2, 0, 3), (2, 3, 2), (1, 4, 1)]
LAYOUTS = ["contiguous", "contiguous", "transposed", "strided", "negative"]


# ---- programs ----

def program(seed, index):
    """The program `index` of the batch `seed`: a plain dict (JSON-able)."""
    rng = np.random.default_rng([seed, index])
    shape = list(SHAPES[int(rng.integers(len(SHAPES)))])
    dtype = str(rng.choice(difffuzz_ops.DTYPES))
    layout = str(rng.choice(LAYOUTS)) if len(shape) >= 1 and 0 not in shape else "contiguous"
    if layout == "transposed" and len(shape) < 2:
        layout = "strided"
    steps = [[difffuzz_ops.OPS[int(rng.integers(len(difffuzz_ops.OPS)))].name,
              int(rng.integers(1 << 30))] for _ in range(int(rng.integers(1, 4)))]
    return {"input": {"shape": shape, "dtype": dtype, "layout": layout,
                      "seed": int(rng.integers(1 << 30))}, "steps": steps}


def _values(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype == "uint8":
        return rng.integers(0, 12, size=shape).astype(np.uint8)
    if dtype in difffuzz_ops.INTS:
        return rng.integers(-6, 7, size=shape).astype(dtype)
    v = np.round(rng.normal(size=shape) * 3, 2)
    special = rng.random(shape) < 0.1
    picks = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 0.5])[rng.integers(0, 6, size=shape)]
    return np.where(special, picks, v).astype(np.float64 if dtype != "float32" else np.float32)


def _tensor(lib, shape, dtype, seed):
    return lib.tensor(_values(tuple(shape), dtype, seed), dtype=getattr(lib, dtype))


def make_input(lib, spec):
    shape, dtype, layout = spec["shape"], spec["dtype"], spec["layout"]
    if layout == "transposed":
        return _tensor(lib, shape[::-1], dtype, spec["seed"]).permute(
            tuple(range(len(shape) - 1, -1, -1)))
    if layout == "strided":
        wide = shape[:-1] + [shape[-1] * 2]
        return _tensor(lib, wide, dtype, spec["seed"])[..., ::2]
    if layout == "negative":
        t = _tensor(lib, shape, dtype, spec["seed"])
        if lib.__name__ == "minitorch" and dtype != "bfloat16":
            # a real negative-stride view (NumPy's), holding t's values
            arr = np.ascontiguousarray(t.flip(0).numpy())[::-1]
            return lib.from_numpy(arr)
        return t
    return _tensor(lib, shape, dtype, spec["seed"])


def _resolve(lib, a):
    if isinstance(a, dict) and "tensor" in a:
        s = a["tensor"]
        return _tensor(lib, s["shape"], s["dtype"], s["seed"])
    return a


def dtype_name(d):
    return str(d).split(".")[-1]


def outcome(lib, r):
    if isinstance(r, lib.Tensor):
        d = dtype_name(r.dtype)
        x = r.detach()
        vals = x.to(lib.float64 if d != "bool" and d not in difffuzz_ops.INTS else lib.int64)
        return {"dtype": d, "shape": list(r.shape), "values": vals.reshape(-1).tolist()}
    if isinstance(r, (bool, int, float)):
        return {"value": r}
    return {"type": type(r).__name__}


def error_class(e):
    for cls in type(e).__mro__:
        if getattr(builtins, cls.__name__, None) is cls:
            return cls.__name__
    return "Exception"


def run_program(lib, prog):
    """The outcome of each step (a program stops at its first error)."""
    outs = []
    try:
        t = make_input(lib, prog["input"])
    except Exception as e:  # noqa: BLE001 - every exception is an outcome
        return [{"error": error_class(e), "step": "input"}]
    for name, step_seed in prog["steps"]:
        op = difffuzz_ops.op(name)
        d = dtype_name(t.dtype)
        try:
            args, kwargs = op.args(np.random.default_rng(step_seed), tuple(t.shape), d)
            args = [_resolve(lib, a) for a in args]
            r = op.call(lib, t, *args, **kwargs)
            outs.append(outcome(lib, r))
        except Exception as e:  # noqa: BLE001
            outs.append({"error": error_class(e)})
            break
        if not isinstance(r, lib.Tensor):
            break
        t = r
    return outs


# ---- comparing ----

TOL = {"float16": (2e-3, 1e-2), "bfloat16": (1e-2, 4e-2), "float32": (1e-5, 1e-5),
       "float64": (1e-10, 1e-10)}


def _values_equal(a, b, dtype, tol=None):
    if len(a) != len(b):
        return False
    if dtype not in TOL:
        return a == b
    atol, rtol = tol or TOL[dtype]
    for x, y in zip(a, b):
        if math.isnan(x) or math.isnan(y):
            if not (math.isnan(x) and math.isnan(y)):
                return False
        elif math.isinf(x) or math.isinf(y):
            if x != y:
                return False
        elif abs(x - y) > atol + rtol * abs(y):
            return False
    return True


def difference(mine, theirs):
    """None, or (step, kind) of the first step whose outcomes differ. Float
    values are compared with the tolerance of the least precise float dtype of
    the steps so far (a float16 rounding difference may grow in a later
    float64 step)."""
    tol = (0.0, 0.0)
    for i, (m, t) in enumerate(zip(mine, theirs)):
        if m.get("dtype") in TOL:
            tol = tuple(max(x, y) for x, y in zip(tol, TOL[m["dtype"]]))
        if "error" in m or "error" in t:
            if "error" in m and "error" in t:
                if m["error"] != t["error"]:
                    return i, "class"
                return None
            return i, ("raises" if "error" in m else "accepts")
        if "value" in m or "value" in t:
            mv, tv = m.get("value"), t.get("value")
            if mv != tv and not (isinstance(mv, float) and isinstance(tv, float)
                                 and math.isclose(mv, tv, rel_tol=1e-5, abs_tol=1e-6)):
                return i, "values"
            continue
        if m.get("dtype") != t.get("dtype"):
            return i, "dtype"
        if m.get("shape") != t.get("shape"):
            return i, "shape"
        if not _values_equal(m["values"], t["values"], m["dtype"], tol):
            return i, "values"
    if len(mine) != len(theirs):
        return min(len(mine), len(theirs)), "steps"
    return None


# ---- child processes ----

def _child(libname, seed, start, count, only=None):
    lib = __import__(libname)
    out = sys.stdout
    indices = only if only is not None else range(start, start + count)
    for i in indices:
        prog = program(seed, i) if not isinstance(i, dict) else i
        res = run_program(lib, prog)
        out.write(json.dumps({"i": i if not isinstance(i, dict) else -1, "out": res}) + "\n")
        out.flush()


def _spawn(libname, args):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    cmd = [sys.executable, os.path.abspath(__file__), "--child", libname] + [str(a) for a in args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=1800)


def run_batch(libname, seed, start, count):
    """{index: outcomes} for programs [start, start+count), and the crashes:
    {index: returncode}. A crashed child is restarted after the program that
    killed it."""
    results, crashes = {}, {}
    nxt = start
    end = start + count
    while nxt < end:
        p = _spawn(libname, [seed, nxt, end - nxt])
        for line in p.stdout.splitlines():
            rec = json.loads(line)
            results[rec["i"]] = rec["out"]
        done = [i for i in range(nxt, end) if i in results]
        last = max(done) if done else nxt - 1
        if p.returncode == 0:
            break
        crashes[last + 1] = p.returncode
        nxt = last + 2
    return results, crashes


def crashes_alone(libname, prog):
    p = _spawn(libname, ["PROGRAM", json.dumps(prog)])
    return p.returncode != 0


def shrink(libname, prog):
    """The shortest program (fewest steps, simplest input) that still crashes."""
    best = prog
    changed = True
    while changed:
        changed = False
        cands = []
        for k in range(len(best["steps"])):
            if len(best["steps"]) > 1:
                cands.append({**best, "steps": best["steps"][:k] + best["steps"][k + 1:]})
        if best["input"]["layout"] != "contiguous":
            cands.append({**best, "input": {**best["input"], "layout": "contiguous"}})
        for c in cands:
            if crashes_alone(libname, c):
                best, changed = c, True
                break
    return best


# ---- the report ----

def compare_all(seed, n, mine, theirs, deliberate):
    """Counter of (op, kind) over differing programs, and {index: "op:kind"}."""
    kinds, per_program = Counter(), {}
    for i in range(n):
        if i not in mine or i not in theirs:
            continue
        d = difference(mine[i], theirs[i])
        if d is None:
            continue
        step, kind = d
        steps = program(seed, i)["steps"]
        name = steps[step][0] if step < len(steps) else "input"
        if (name, kind) in deliberate or ("*", kind) in deliberate:
            continue
        kinds[(name, kind)] += 1
        per_program[str(i)] = f"{name}:{kind}"
    return kinds, per_program


def deliberate_set():
    return {(op, kind) for op, kind, _ in difffuzz_ops.DELIBERATE}


def load_record(path):
    with gzip.open(path, "rt") as f:
        rec = json.load(f)
    return rec, {int(k): v for k, v in rec["outcomes"].items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    ap.add_argument("--programs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--against", help="compare with torch's recorded outcomes (no torch needed)")
    ap.add_argument("--record", help="write torch's outcomes to this .json.gz")
    ap.add_argument("--json", help="write the summary (kinds, per-program differences) here")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        libname = a.child[0]
        if a.child[1] == "PROGRAM":
            lib = __import__(libname)
            run_program(lib, json.loads(a.child[2]))
            return 0
        _child(libname, int(a.child[1]), int(a.child[2]), int(a.child[3]))
        return 0

    mine, crashes = {}, {}
    for start in range(0, a.programs, a.batch):
        r, c = run_batch("minitorch", a.seed, start, min(a.batch, a.programs - start))
        mine.update(r)
        crashes.update(c)
    if a.against:
        rec, theirs = load_record(a.against)
        if rec["seed"] != a.seed or rec["programs"] < a.programs:
            sys.exit(f"{a.against} holds seed {rec['seed']}, {rec['programs']} programs")
    else:
        theirs = {}
        for start in range(0, a.programs, a.batch):
            r, _ = run_batch("torch", a.seed, start, min(a.batch, a.programs - start))
            theirs.update(r)
        if a.record:
            with gzip.open(a.record, "wt") as f:
                json.dump({"seed": a.seed, "programs": a.programs,
                           "outcomes": {str(k): v for k, v in sorted(theirs.items())}}, f,
                          separators=(",", ":"))
    kinds, per_program = compare_all(a.seed, a.programs, mine, theirs, deliberate_set())
    shrunk = {i: shrink("minitorch", program(a.seed, i)) for i in crashes}
    print(f"difffuzz: seed {a.seed}, {a.programs} programs, {len(crashes)} crashes, "
          f"{len(per_program)} differing programs (deliberate differences excluded)")
    for i, prog in shrunk.items():
        print(f"  CRASH program {i} (exit {crashes[i]}), shrunk: {json.dumps(prog)}")
    by_kind = Counter()
    for (_name, kind), n in kinds.items():
        by_kind[kind] += n
    print("  by kind: " + ", ".join(f"{k} {n}" for k, n in by_kind.most_common()))
    for (name, kind), n in kinds.most_common(40):
        print(f"  {n:6d}  {name}: {kind}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"seed": a.seed, "programs": a.programs,
                       "crashes": {str(i): p for i, p in shrunk.items()},
                       "by_kind": dict(by_kind),
                       "by_op": {f"{n}:{k}": c for (n, k), c in sorted(kinds.items())},
                       "differences": per_program}, f, indent=1, sort_keys=True)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
