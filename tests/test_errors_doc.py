"""docs/errors.md is generated from the bad-input table; it must be current."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_errors_doc_is_up_to_date():
    r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_errors_doc.py"),
                        "--check"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
