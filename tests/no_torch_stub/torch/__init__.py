"""Stands in for an absent torch under MINITORCH_TEST_NO_TORCH=1: tests/oracle.py puts
this directory first on PYTHONPATH, so subprocesses the tests start see no torch
either (in the test process itself sys.modules["torch"] = None does that)."""

raise ImportError("torch is hidden by MINITORCH_TEST_NO_TORCH=1 (tests/oracle.py)")
