"""examples/cnn_digits.py and examples/char_lstm.py (issue 14's examples) run as
scripts with few steps: per-epoch / per-step progress lines, learning (the
accuracy rises above chance, the loss falls), the loss plot written."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _run(script, args, tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.setdefault("MPLCONFIGDIR", str(tmp_path / "mplconfig"))
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / script)] + args, cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_cnn_digits_learns(tmp_path):
    out = _run("cnn_digits.py", ["--epochs", "4"], tmp_path)
    lines = re.findall(r"Epoch (\d)/4  loss ([\d.]+)  train ([\d.]+)  test ([\d.]+)  time", out)
    assert [int(e) for e, *_ in lines] == [1, 2, 3, 4]
    losses = [float(loss) for _, loss, _, _ in lines]
    assert losses[-1] < losses[0]
    acc = float(re.search(r"Test accuracy: ([\d.]+)", out).group(1))
    assert acc > 0.5  # ten classes: chance is 0.1


def test_char_lstm_learns_and_plots(tmp_path):
    pytest.importorskip("matplotlib")
    out = _run("char_lstm.py", ["--steps", "60", "--log-every", "20"], tmp_path)
    losses = [float(v) for v in re.findall(r"step \d+/60  loss ([\d.]+)", out)]
    assert len(losses) == 3 and losses[-1] < losses[0]
    assert re.search(r"sample: Mary had.{80}", out)
    assert (tmp_path / "char_lstm.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
