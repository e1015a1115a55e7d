"""The sanitizer run is live: in a sanitizer build (scripts/sanitize.sh) a
deliberate heap out-of-bounds read must kill the process with an
AddressSanitizer report. In a normal build the helper does not exist and the
test is skipped."""

import os
import subprocess
import sys

import pytest

import minitorch

sanitized = hasattr(minitorch._C, "_debug_out_of_bounds")


def test_debug_helper_absent_from_normal_builds():
    # scripts/sanitize.sh sets MINITORCH_SANITIZED; elsewhere the helper must not exist.
    if os.environ.get("MINITORCH_SANITIZED"):
        assert sanitized, "sanitize.sh ran the suite against a build without the sanitizers"
    else:
        assert not sanitized
        assert "_debug_out_of_bounds" not in dir(minitorch)


@pytest.mark.skipif(not sanitized, reason="needs a MINITORCH_SANITIZE build (scripts/sanitize.sh)")
def test_asan_catches_heap_out_of_bounds():
    code = "import minitorch; minitorch._C._debug_out_of_bounds(); print('survived')"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0, r.stdout + r.stderr
    assert "survived" not in r.stdout
    assert "AddressSanitizer" in r.stderr
    assert "heap-buffer-overflow" in r.stderr
