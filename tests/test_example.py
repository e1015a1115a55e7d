"""examples/linear_regression.py (the seed program, the README's main job):
it trains nn.Linear with MSELoss and SGD, prints its progress and the learned
weight and bias, and writes its plot into the working directory. The
closed-form least-squares fit of the same data is the oracle."""

import importlib.util
import os
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

import minitorch

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "linear_regression.py"


def _load():
    spec = importlib.util.spec_from_file_location("linear_regression_example", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _lstsq(X, y):
    a = np.concatenate([X, np.ones_like(X)], axis=1)
    return np.linalg.lstsq(a, y, rcond=None)[0][:, 0]


def test_seed_program_runs_and_writes_its_plot(tmp_path):
    pytest.importorskip("matplotlib")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.setdefault("MPLCONFIGDIR", str(tmp_path / "mplconfig"))
    proc = subprocess.run([sys.executable, str(EXAMPLE), "--epochs", "30"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    png = tmp_path / "linear_regression.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert str(png) in proc.stdout
    losses = [float(v) for v in re.findall(r"Epoch \[\d+/30\], Loss: ([\d.]+)", proc.stdout)]
    assert len(losses) == 3 and losses[0] > losses[-1]  # one line per 10 epochs, decreasing
    assert re.search(r"Learned weight: -?[\d.]+, bias: -?[\d.]+", proc.stdout)


def test_seed_program_learns_the_line():
    # 2,000 epochs at lr 0.1 reach the least-squares line of the noisy data,
    # which is itself within 0.05 of the true weight 2 and bias 1.
    mod = _load()
    X, y = mod.make_data()
    minitorch.manual_seed(0)
    model, _ = mod.train(X, y, epochs=2000, lr=0.1, log=lambda s: None)
    w, b = model.linear.weight.item(), model.linear.bias.item()
    assert abs(w - 2) < 0.05 and abs(b - 1) < 0.05
    want = _lstsq(X, y)
    np.testing.assert_allclose([w, b], want, atol=2e-3)


def test_seed_program_loss_matches_numpy_gradient_descent():
    # The same 100 SGD steps written out in NumPy from the model's own initial
    # weights: MSE gradient 2/N * sum((wx + b - y) * [x, 1]).
    mod = _load()
    X, y = mod.make_data()
    minitorch.manual_seed(1)
    init = mod.LinearRegression()
    w0, b0 = init.linear.weight.item(), init.linear.bias.item()
    minitorch.manual_seed(1)
    model, _ = mod.train(X, y, epochs=100, lr=0.01, log=lambda s: None)
    Xf, yf = X.astype(np.float32), y.astype(np.float32)
    w, b = np.float32(w0), np.float32(b0)
    for _ in range(100):
        r = w * Xf + b - yf
        gw = np.float32(2) * np.mean(r * Xf, dtype=np.float32)
        gb = np.float32(2) * np.mean(r, dtype=np.float32)
        w, b = w - np.float32(0.01) * gw, b - np.float32(0.01) * gb
    np.testing.assert_allclose([model.linear.weight.item(), model.linear.bias.item()], [w, b],
                               rtol=1e-5)
