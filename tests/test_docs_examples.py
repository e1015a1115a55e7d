"""Every ```python block in docs/*.md and README.md runs as written.

Each block runs on its own, in a fresh namespace, so each must be
self-contained (its own imports). A block that should not run would be
marked ```text or ```console instead."""

import glob
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def _blocks():
    files = sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    files.append(os.path.join(ROOT, "README.md"))
    out = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for m in FENCE.finditer(text):
            line = text.count("\n", 0, m.start()) + 2  # first code line
            rel = os.path.relpath(path, ROOT)
            out.append(pytest.param(path, line, m.group(1), id=f"{rel}:{line}"))
    return out


BLOCKS = _blocks()


def test_docs_have_examples():
    assert any("numpy-interop" in p.id for p in BLOCKS)


@pytest.mark.parametrize("path,line,code", BLOCKS)
def test_doc_example_runs(path, line, code, capsys):
    # Pad with newlines so tracebacks point at the line in the .md file.
    source = "\n" * (line - 1) + code
    exec(compile(source, path, "exec"), {"__name__": "__doc_example__"})


def _readme_command(after):
    """The indented command that follows the line `after` in README.md."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    i = lines.index(after)
    return next(ln.strip() for ln in lines[i + 1:] if ln.startswith("    "))


def test_ci_runs_the_readme_test_command():
    cmd = _readme_command("Fresh machine, tests:")
    assert "pytest" in cmd
    with open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8") as f:
        ci = [ln.strip() for ln in f]
    assert cmd in ci


def test_readme_main_job_is_the_example():
    cmd = _readme_command(
        "Fresh machine, main job (installs, then trains a linear regression and writes "
        "`linear_regression.png`):")
    assert cmd.endswith("python examples/linear_regression.py")
    assert os.path.isfile(os.path.join(ROOT, "examples", "linear_regression.py"))
