"""The differential fuzzer (scripts/difffuzz.py) in CI: a fixed batch of random
programs on minitorch, compared with PyTorch's outcomes recorded in
tests/data/difffuzz_torch.json.gz (checked against torch itself where it is
installed). No program may crash minitorch, and every difference must be
deliberate (scripts/difffuzz_ops.py DELIBERATE, mirrored in
docs/differences-from-pytorch.md) or already known
(tests/data/difffuzz_baseline.json: the open ones, to be fixed; a fix that
removes one is welcome, a new one fails).

After a change that alters outcomes on purpose, regenerate with torch installed:
    python scripts/difffuzz.py --programs 2000 --seed 1234 \\
        --record tests/data/difffuzz_torch.json.gz --json tests/data/difffuzz_baseline.json
"""

import json
import os
import sys

import oracle
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import difffuzz  # noqa: E402
import difffuzz_ops  # noqa: E402

SEED, PROGRAMS = 1234, 2000
RECORD = os.path.join(HERE, "data", "difffuzz_torch.json.gz")
BASELINE = os.path.join(HERE, "data", "difffuzz_baseline.json")
DOC = os.path.join(ROOT, "docs", "differences-from-pytorch.md")


@pytest.fixture(scope="module")
def mine():
    results, crashes = difffuzz.run_batch("minitorch", SEED, 0, PROGRAMS)
    return results, crashes


def test_no_program_crashes(mine):
    results, crashes = mine
    shrunk = {i: difffuzz.shrink("minitorch", difffuzz.program(SEED, i)) for i in crashes}
    assert not crashes, f"programs that crash minitorch (shrunk): {shrunk}"
    assert len(results) == PROGRAMS


def test_differences_are_deliberate_or_known(mine):
    results, _ = mine
    rec, theirs = difffuzz.load_record(RECORD)
    assert rec["seed"] == SEED and rec["programs"] == PROGRAMS
    _, per_program = difffuzz.compare_all(SEED, PROGRAMS, results, theirs,
                                          difffuzz.deliberate_set())
    with open(BASELINE) as f:
        known = json.load(f)["differences"]
    new = {i: k for i, k in per_program.items() if known.get(i) != k}
    detail = {i: (k, difffuzz.program(SEED, int(i))) for i, k in list(new.items())[:5]}
    assert not new, (f"{len(new)} new differences from PyTorch (first: {detail}); fix them, or "
                     "list them in DELIBERATE, or regenerate the baseline (see the module doc)")


def test_record_is_torchs_outcome():
    oracle.real_torch()
    results, _ = difffuzz.run_batch("torch", SEED, 0, PROGRAMS)
    _, recorded = difffuzz.load_record(RECORD)
    drift = [i for i in range(PROGRAMS) if difffuzz.difference(results[i], recorded[i])]
    assert not drift, f"torch's outcomes changed for programs {drift[:10]}: regenerate the record"


def test_deliberate_table_is_in_the_docs():
    with open(DOC) as f:
        text = f.read()
    begin, end = "<!-- difffuzz:begin -->", "<!-- difffuzz:end -->"
    assert begin in text and end in text
    section = text[text.index(begin) + len(begin):text.index(end)].strip()
    assert section == difffuzz_ops.deliberate_markdown().strip()


def _out(dtype="float32", shape=(2,), values=(1.0, 2.0)):
    return {"dtype": dtype, "shape": list(shape), "values": list(values)}


@pytest.mark.parametrize("mine_, theirs_, want", [
    ([_out()], [_out()], None),
    ([_out(values=(1.0, float("nan")))], [_out(values=(1.0, float("nan")))], None),
    ([_out(values=(1.0, 2.0 + 1e-7))], [_out()], None),
    ([_out(values=(1.0, 2.1))], [_out()], (0, "values")),
    ([_out(values=(1.0, float("inf")))], [_out()], (0, "values")),
    ([_out(dtype="float64")], [_out()], (0, "dtype")),
    ([_out(shape=(1, 2))], [_out()], (0, "shape")),
    ([_out("int64", values=(1, 2))], [_out("int64", values=(1, 3))], (0, "values")),
    ([{"error": "IndexError"}], [{"error": "RuntimeError"}], (0, "class")),
    ([{"error": "IndexError"}], [{"error": "IndexError"}], None),
    ([_out(), {"error": "TypeError"}], [_out(), _out()], (1, "raises")),
    ([_out()], [{"error": "TypeError"}], (0, "accepts")),
    ([{"value": 3}], [{"value": 4}], (0, "values")),
])
def test_difference(mine_, theirs_, want):
    assert difffuzz.difference(mine_, theirs_) == want


def test_programs_are_reproducible_and_cover_the_kinds():
    assert difffuzz.program(SEED, 7) == difffuzz.program(SEED, 7)
    assert difffuzz.program(SEED, 7) != difffuzz.program(SEED, 8)
    progs = [difffuzz.program(SEED, i) for i in range(PROGRAMS)]
    kinds = {difffuzz_ops.op(name).kind for p in progs for name, _ in p["steps"]}
    assert kinds == {"view", "elementwise", "reduction", "indexing", "inplace"}
    assert {p["input"]["dtype"] for p in progs} == set(difffuzz_ops.DTYPES)
    assert {p["input"]["layout"] for p in progs} == {"contiguous", "transposed", "strided",
                                                      "negative"}
    assert any(p["input"]["shape"] == [] for p in progs)
    assert any(0 in p["input"]["shape"] for p in progs)


def test_crash_is_caught_and_shrunk(monkeypatch):
    # The self-test op `_abort` (registered only under this variable) kills
    # the child process; the batch goes on after it, and shrinking keeps the
    # one step that crashes.
    monkeypatch.setenv("MINITORCH_DIFFFUZZ_SELFTEST", "1")
    prog = {"input": {"shape": [2, 3], "dtype": "float32", "layout": "transposed", "seed": 1},
            "steps": [["neg", 1], ["_abort", 2], ["sum", 3]]}
    assert difffuzz.crashes_alone("minitorch", prog)
    small = difffuzz.shrink("minitorch", prog)
    assert small["steps"] == [["_abort", 2]]
    assert small["input"]["layout"] == "contiguous"
    assert not difffuzz.crashes_alone("minitorch", {**prog, "steps": [["neg", 1]]})
