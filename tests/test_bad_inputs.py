"""Runs every row of the bad-input table (tests/bad_inputs.py).

For each row: minitorch raises the recorded class, which is one of the
allowed classes (or PyTorch's own class for the same call); the call
corrupts none of the fixtures it was given (values, shape, strides, dtype)
and leaks no reference to them. Where PyTorch is installed, it raises the
class recorded for it, so the PyTorch column of docs/errors.md stays true.
"""

import sys

import numpy as np
import oracle
import pytest
from bad_inputs import ALLOWED, CANDIDATES, FIXTURES, make_namespace, outcome
from bad_inputs_expected import EXPECTED

import minitorch


@pytest.fixture(autouse=True)
def _no_ml_dtypes():
    """The recorded outcomes are PyTorch's contract without ml_dtypes (bf16 .numpy() is a
    TypeError); see Note [bfloat16 arrays]."""
    old = minitorch._C._disable_ml_dtypes(True)
    yield
    minitorch._C._disable_ml_dtypes(old)


def snapshot(o):
    if isinstance(o, np.ndarray):
        return ("ndarray", o.copy(), o.shape, o.strides, o.dtype, o.flags.writeable)
    return (tuple(o.shape), o.stride(), o.storage_offset(), o.dtype, o.tolist(), o.requires_grad,
            o.data_ptr())


def same(a, b):
    if a[0] == "ndarray":
        return (b[0] == "ndarray" and np.array_equal(a[1], b[1], equal_nan=True)
                and a[2:] == b[2:])
    return a == b


def allowed_outcome(expr, mt, th):
    if mt == "ok" or mt in ALLOWED:
        return True
    if mt == th:  # e.g. int(tensor(inf)) -> OverflowError, as in PyTorch and Python
        return True
    # CPython's class for a refused buffer export (memoryview, np.frombuffer).
    return mt == "BufferError" and expr.startswith("memoryview(")


def test_table_complete():
    missing = [e for e in CANDIDATES if e not in EXPECTED]
    stale = [e for e in EXPECTED if e not in CANDIDATES]
    assert not missing, f"rows without a recorded outcome (python tests/bad_inputs.py --record): {missing}"
    assert not stale, f"recorded outcomes for rows that no longer exist: {stale}"


@pytest.mark.parametrize("expr", CANDIDATES)
def test_bad_input(expr):
    ns = make_namespace(minitorch)
    before = {k: snapshot(ns[k]) for k in FIXTURES}
    refs = {k: sys.getrefcount(ns[k]) for k in FIXTURES}
    got = outcome(expr, ns)
    want, torch_want = EXPECTED[expr]
    assert got == want, f"{expr}: raised {got}, the table records {want}"
    assert allowed_outcome(expr, got, torch_want), f"{expr}: {got} is not an allowed outcome"
    # Counted outside `assert`: pytest's rewriting keeps subexpressions alive.
    after = {k: sys.getrefcount(ns[k]) for k in FIXTURES}
    leaked = [k for k in FIXTURES if after[k] != refs[k]]
    assert not leaked, f"{expr} leaked/stole references to {leaked}"
    changed = [k for k in FIXTURES if not same(snapshot(ns[k]), before[k])]
    assert not changed, f"{expr} changed fixtures {changed}"


@pytest.mark.parametrize("expr", [e for e in CANDIDATES if EXPECTED.get(e, ("", "n/a"))[1] != "n/a"])
def test_torch_outcome_recorded(expr):
    torch = oracle.torch()
    got = outcome(expr, make_namespace(torch))
    assert got == EXPECTED[expr][1], f"PyTorch now gives {got} for {expr}"
