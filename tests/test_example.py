"""examples/linear_regression.py runs from any directory, fits the line it
drew (slope near 3, intercept near 2) and writes its plot there."""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_linear_regression_example(tmp_path):
    pytest.importorskip("matplotlib")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    env["MPLBACKEND"] = "Agg"
    env.setdefault("MPLCONFIGDIR", str(tmp_path / "mplconfig"))
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "linear_regression.py")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    png = tmp_path / "linear_regression.png"
    assert png.is_file()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert str(png) in proc.stdout
    slope = float(re.search(r"slope = (-?[\d.]+)", proc.stdout).group(1))
    intercept = float(re.search(r"intercept = (-?[\d.]+)", proc.stdout).group(1))
    assert abs(slope - 3.0) < 0.1
    assert abs(intercept - 2.0) < 0.5


def test_example_fit_matches_numpy_lstsq():
    """The closed-form fit done with minitorch ops equals NumPy's lstsq."""
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).resolve().parent.parent / "examples" / "linear_regression.py"
    spec = importlib.util.spec_from_file_location("linear_regression_example", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    x, y = mod.make_data()
    a = np.stack([x.numpy(), np.ones(x.shape[0])], axis=1)
    want = np.linalg.lstsq(a, y.numpy(), rcond=None)[0]
    got = mod.fit_least_squares(x, y)
    np.testing.assert_allclose(got, want, rtol=1e-10)
