"""The oracle's own checks (tests/oracle.py): a record replays without torch, and with
torch a changed outcome fails as drift. The records of every torch-using test are
compared by conftest.py's hook on each run with torch; this proves that check bites."""

import json

import numpy as np
import oracle
import pytest


def _run_probe(module):
    torch = oracle.torch()
    return (torch.tensor([1.0, 2.0]) * 3).numpy(), str(torch.float32)


@pytest.fixture
def probe_state(monkeypatch):
    outer = oracle._cur
    monkeypatch.setattr(oracle, "_files", dict(oracle._files))
    monkeypatch.setattr(oracle, "_written", {})
    yield
    oracle._cur = outer


def _record_probe(module, key):
    oracle.REGEN, regen = True, oracle.REGEN
    try:
        oracle.begin(module, key, "probe.py")
        got = _run_probe(module)
        assert oracle.end() is None
    finally:
        oracle.REGEN = regen
    rec = oracle._written.pop(module)[key]
    stored = json.loads(json.dumps({"n": rec["n"], "d": rec["d"],
                                    "e": [[k, *v] for k, v in sorted(rec["e"].items())]}))
    stored["e"] = {e[0]: tuple(e[1:]) for e in stored["e"]}
    oracle._files[module] = {key: stored}
    return got, stored


def test_drift_fails_and_records_replay(probe_state, monkeypatch):
    oracle.real_torch()  # recording needs torch: skips without it
    module, key = "_oracle_probe", "probe"
    got, stored = _record_probe(module, key)
    np.testing.assert_array_equal(got[0], np.array([3.0, 6.0], dtype=np.float32))
    assert got[1] == "torch.float32"

    # Unchanged record, torch running: no drift.
    oracle.begin(module, key, "probe.py")
    _run_probe(module)
    assert oracle.end() is None

    # Replay (as without torch): the recorded outcomes come back.
    monkeypatch.setattr(oracle, "LIVE", False)
    oracle.begin(module, key, "probe.py")
    again = _run_probe(module)
    assert oracle.end() is None
    np.testing.assert_array_equal(again[0], got[0])
    assert again[0].dtype == got[0].dtype and again[1] == got[1]
    monkeypatch.setattr(oracle, "LIVE", True)

    # torch's outcome no longer matches the record: drift.
    for step, (h, kind, v) in stored["e"].items():
        if kind == "v" and v == "torch.float32":
            stored["e"][step] = (h, kind, "torch.float64")
    oracle.begin(module, key, "probe.py")
    _run_probe(module)
    msg = oracle.end()
    assert msg is not None and msg.startswith(f"oracle drift for {key}")


def test_no_torch_switch_hides_torch():
    if not oracle.NO_TORCH:
        pytest.skip("only under MINITORCH_TEST_NO_TORCH=1")
    assert not oracle.is_live() and oracle.optional_torch() is None
    with pytest.raises(ImportError):
        import torch  # noqa: F401
