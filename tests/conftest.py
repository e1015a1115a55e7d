"""Test configuration: the `slow` marker and the hypothesis budgets.

Hypothesis profiles (chosen automatically, or with HYPOTHESIS_PROFILE):
- "ci" (default): the fuzz budget CI can afford (about 2 minutes in total);
- "sanitize": a smaller budget for scripts/sanitize.sh, whose build runs
  several times slower (MINITORCH_SANITIZED=1 selects it);
- MINITORCH_FUZZ_EXAMPLES=N raises max_examples to N for a longer hunt.
"""

import os

import oracle
import pytest
from hypothesis import HealthCheck, settings


def _oracle_key(item):
    return item.module.__name__, item.nodeid.split("::", 1)[1], item.nodeid.split("::", 1)[0]


def pytest_itemcollected(item):
    if hasattr(item, "module"):
        module, key, _ = _oracle_key(item)
        oracle.collected(module, key)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Each test's torch calls form one oracle cassette (tests/oracle.py)."""
    if not hasattr(item, "module"):
        return (yield)
    live_only = (getattr(item.obj, "is_hypothesis_test", False)
                 or item.get_closest_marker("torch_live") is not None)
    oracle.begin(*_oracle_key(item), live_only=live_only)
    try:
        res = yield
    finally:
        msg = oracle.end()
    if msg:
        pytest.fail(msg, pytrace=False)
    return res


def pytest_sessionfinish(session):
    if oracle.REGEN and os.environ.get("PYTEST_XDIST_WORKER"):
        raise RuntimeError("regenerate the oracle records with -n0")
    oracle.save()


def pytest_configure(config):
    config.addinivalue_line("markers", "torch_live: its torch calls are not a reproducible "
                            "sequence, so they are not recorded (tests/oracle.py)")
    config.addinivalue_line("markers", "slow: takes more than ~30 s; skipped by the sanitizer run")


_common = dict(deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
settings.register_profile("ci", max_examples=300, stateful_step_count=40, **_common)
settings.register_profile("sanitize", max_examples=40, stateful_step_count=30, **_common)
_n = os.environ.get("MINITORCH_FUZZ_EXAMPLES")
settings.register_profile("long", max_examples=int(_n) if _n else 1000, stateful_step_count=60,
                          **_common)

# For debugging a failure quickly: no shrinking, stop at the first bug.
settings.register_profile("quick", max_examples=60, stateful_step_count=40,
                          phases=[p for p in settings.default.phases if p.name != "shrink"],
                          report_multiple_bugs=False, **_common)

if _n:
    settings.load_profile("long")
elif os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
elif os.environ.get("MINITORCH_SANITIZED"):
    settings.load_profile("sanitize")
else:
    settings.load_profile("ci")

