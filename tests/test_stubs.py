"""The type stubs (minitorch/_C.pyi, issue 13 item 5): generated from the op tables,
current, accepted by mypy.stubtest against the built module, and good enough for
mypy to check the examples and catch wrong calls."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import gen_stubs  # noqa: E402


def test_stub_file_is_current():
    with open(gen_stubs.OUT) as f:
        committed = f.read()
    assert committed == gen_stubs.generate(), "run python scripts/gen_stubs.py"
    assert os.path.exists(os.path.join(ROOT, "minitorch", "py.typed"))


def test_every_table_row_has_a_stub():
    import minitorch  # noqa: F401
    from minitorch import _C

    text = gen_stubs.generate()
    for _family, _row, sigs, variants, _flags, aliases in _C._op_table():
        name = sigs.split("(")[0].strip()
        for n in [name] + aliases.split():
            if variants & gen_stubs.FUNCTION:
                assert f"\ndef {n}(" in text, n
            if variants & gen_stubs.METHOD:
                assert f"\n    def {n}(self" in text, n


def test_signature_parsing():
    name, params = gen_stubs.parse_signature(
        "add(Tensor input, Tensor other, *, Scalar alpha=1, Tensor? out=None)"
    )
    assert name == "add"
    assert [p["name"] for p in params] == ["input", "other", "alpha", "out"]
    assert [p["kwonly"] for p in params] == [False, False, True, True]
    assert params[3]["optional"] and params[3]["default"] and not params[1]["default"]
    lines = gen_stubs.render("view", gen_stubs.parse_signature("view(Tensor self, SymInt[] size)")[1],
                             0, "_Tensor", True)
    assert lines == ["def view(self, size: Sequence[_int]) -> _Tensor: ...",
                     "def view(self, *size: _int) -> _Tensor: ..."]


def _mypy(args, tmp_path):
    pytest.importorskip("mypy")
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_stubtest_passes(tmp_path):
    r = _mypy(["mypy.stubtest", "minitorch._C", "--mypy-config-file", os.devnull], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.slow
def test_mypy_checks_examples_and_catches_errors(tmp_path):
    good = tmp_path / "good.py"
    good.write_text(
        "import minitorch as torch\n"
        "x: torch.Tensor = torch.zeros(2, 3)\n"
        "y = x.view(3, 2).sum(dim=0, keepdim=True) + torch.randn((2, 1))\n"
        "z: torch.Tensor = torch.add(x, 1.5, alpha=2)\n"
        "parts = torch.split(x, 1)\n"
        "w: torch.Tensor = parts[0]\n"
        "m = torch.nn.Linear(3, 1)\n"
        "torch.manual_seed(0)\n"
    )
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import minitorch as torch\n"
        "x = torch.zeros(2, 3)\n"
        "n: int = x\n"
        "torch.add(x, 'one')\n"
        "x.view('a')\n"
        "x.to(dtype=3)\n"
    )
    cache = ["--cache-dir", str(tmp_path / "cache"), "--check-untyped-defs"]
    r = _mypy(["mypy", *cache, "examples", str(good)], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    r = _mypy(["mypy", *cache, str(bad)], tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout
    assert 'bad.py:3: error: Incompatible types in assignment (expression has type "Tensor"' in out
    assert "bad.py:4: error: Argument 2 to \"add\" has incompatible type \"str\"" in out
    assert 'bad.py:5: error: Argument 1 to "view" of "TensorBase" has incompatible type "str"' in out
    assert 'bad.py:6: error: No overload variant of "to" of "TensorBase"' in out
