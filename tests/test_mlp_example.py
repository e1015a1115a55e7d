"""examples/mlp_classifier.py: the two-moons MLP (DataLoader, CrossEntropyLoss, Adam)
runs as a script with few epochs, prints a line per epoch, writes its PNG, and learns
the training set (accuracy checked by re-computing it here in NumPy)."""

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
EXAMPLE = ROOT / "examples" / "mlp_classifier.py"


def _load():
    spec = importlib.util.spec_from_file_location("mlp_classifier_example", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_mlp_example_runs_and_writes_its_plot(tmp_path):
    pytest.importorskip("matplotlib")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.setdefault("MPLCONFIGDIR", str(tmp_path / "mplconfig"))
    proc = subprocess.run([sys.executable, str(EXAMPLE), "--epochs", "4", "--batch-size", "32"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    png = tmp_path / "mlp_classifier.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lines = re.findall(r"Epoch (\d+)/4  loss ([\d.]+)  accuracy ([\d.]+)  time ([\d.]+)s",
                       proc.stdout)
    assert [int(e) for e, *_ in lines] == [1, 2, 3, 4]
    assert float(lines[-1][1]) < float(lines[0][1])
    acc = float(re.search(r"Training-set accuracy: ([\d.]+)", proc.stdout).group(1))
    assert acc > 0.85


def test_mlp_learns_the_moons():
    mod = _load()
    X, y = mod.make_moons()
    assert X.shape == (1000, 2) and set(np.unique(y)) == {0, 1}
    model = mod.train(X, y, epochs=5, lr=0.01, batch_size=64, log=lambda s: None)
    with minitorch.no_grad():
        logits = model(minitorch.from_numpy(X)).numpy()
    acc = float((logits.argmax(1) == y).mean())
    assert acc > 0.85
    assert mod.accuracy(model, X, y) == pytest.approx(acc)
    # the loss the model reports is NumPy's cross entropy of its logits
    lp = logits - logits.max(1, keepdims=True)
    lp = lp - np.log(np.exp(lp).sum(1, keepdims=True))
    want = -lp[np.arange(len(y)), y].mean()
    got = minitorch.nn.CrossEntropyLoss()(minitorch.from_numpy(logits), minitorch.from_numpy(y))
    np.testing.assert_allclose(got.item(), want, rtol=1e-5)
