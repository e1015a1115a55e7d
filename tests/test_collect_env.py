"""Diagnostics (issue 13 item 6): ``python -m minitorch``, ``minitorch.utils.collect_env()``
and ``minitorch.__config__.show()`` print the version, the build (from the generated
minitorch/_build_info.py), BLAS/LAPACK, the SIMD level, NumPy, threads and CUDA, and
never fail when a part is missing."""

import importlib.util
import io
import os
import subprocess
import sys

import numpy as np
import pytest

import minitorch
from minitorch.utils import _collect_env as ce

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def report():
    return minitorch.utils.get_pretty_env_info()


def test_python_m_minitorch_prints_every_section():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    proc = subprocess.run([sys.executable, "-m", "minitorch"], capture_output=True, text=True,
                          timeout=120, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for needle in (f"minitorch version: {minitorch.__version__}", "Build:", "compiler:",
                   "flags:", "CUDA built:", f"NumPy at run time: {np.__version__}",
                   "SIMD:", "threads: ", "BLAS:", "LAPACK:", "CUDA module built:",
                   "CUDA driver:", "CUDA available:"):
        assert needle in out, (needle, out)


def test_collect_env_show_and_the_string_agree(capsys):
    minitorch.utils.collect_env()
    printed = capsys.readouterr().out
    assert printed == report() + "\n"
    assert minitorch.__config__.show() == report()
    buf = io.StringIO()
    assert minitorch.utils.collect_env(file=buf) is None
    assert buf.getvalue() == printed
    par = minitorch.__config__.parallel_info()
    assert f"minitorch.get_num_threads(): {minitorch.get_num_threads()}" in par


def test_values_match_the_running_process():
    text = report()
    assert f"threads: {minitorch.get_num_threads()} " in text
    blas = minitorch._C._blas_info()
    if " from " in blas:
        path = os.path.realpath(blas.split(" from ")[1].split(" (")[0])
        assert f"in {path}" in text
    if minitorch.cuda.is_available():
        assert f"{minitorch.cuda.device_count()} device(s)" in text
    else:
        assert "CUDA available: no (" in text


def test_build_info_is_reported_when_present():
    info = ce._build_info()
    if info is None:
        pytest.skip("minitorch/_build_info.py absent (not built in place by this setup.py)")
    text = report()
    assert f"compiler: {info['compiler']} ({info['compiler_version']})" in text
    assert f"flags: {info['cxx_flags']}" in text
    assert f"NumPy at build time: {info['numpy_version']}" in text
    assert ("CUDA built: yes" in text) == bool(info["cuda_built"])


def test_missing_build_info_reads_unknown(monkeypatch):
    monkeypatch.setitem(sys.modules, "minitorch._build_info", None)  # import fails
    text = report()
    assert "unknown (minitorch/_build_info.py is absent" in text
    assert "minitorch version:" in text and "BLAS:" in text


def test_missing_parts_never_raise(monkeypatch, tmp_path):
    def boom():
        raise RuntimeError("broken")

    monkeypatch.setattr(minitorch._C, "_blas_info", boom)
    monkeypatch.setattr(minitorch._C, "_lapack_info", boom)
    monkeypatch.setattr(minitorch.cuda, "_unavailable_reason", boom)
    model, flags = ce._cpu_flags(str(tmp_path / "no_cpuinfo"))
    assert model is None and flags == set()
    text = report()
    assert "BLAS: unknown (RuntimeError: broken)" in text
    assert "LAPACK: unknown (RuntimeError: broken)" in text
    assert "CUDA devices: unknown (RuntimeError: broken)" in text


def test_cuda_devices_are_listed(monkeypatch):
    """With a (simulated) visible GPU, each device is listed with its properties."""
    props = minitorch.cuda._DeviceProperties("Fake GPU", 9, 0, 80 * 2**30, 132)
    monkeypatch.setattr(minitorch.cuda, "_unavailable_reason", lambda: None)
    monkeypatch.setattr(minitorch.cuda, "device_count", lambda: 2)
    monkeypatch.setattr(minitorch.cuda, "get_device_properties", lambda i: props)
    text = "\n".join(ce._cuda({"cuda_built": True, "nvcc_version":
                               "Cuda compilation tools, release 13.0, V13.0.88",
                               "cuda_archs": ["sm_80", "sm_90"]}))
    assert "CUDA available: yes, 2 device(s)" in text
    assert "cuda:1: Fake GPU, compute capability 9.0, 80.0 GiB, 132 SMs" in text
    assert "CUDA runtime: 13.0 (cudart linked statically" in text
    assert "CUDA archs: sm_80, sm_90" in text


def test_cpu_flags_parse(tmp_path):
    p = tmp_path / "cpuinfo"
    p.write_text("processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: fpu sse2 avx2 fma\n\n"
                 "processor\t: 1\nmodel name\t: Test CPU\nflags\t\t: fpu\n")
    model, flags = ce._cpu_flags(str(p))
    assert model == "Test CPU" and flags == {"fpu", "sse2", "avx2", "fma"}


def _setup_module():
    spec = importlib.util.spec_from_file_location("minitorch_setup_env",
                                                  os.path.join(ROOT, "setup.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_setup_writes_an_importable_build_info(tmp_path, monkeypatch):
    build = _setup_module()
    monkeypatch.delenv("MINITORCH_SANITIZE", raising=False)
    monkeypatch.delenv("CI", raising=False)
    info = build.build_info([sys.executable, "-O2", "-g"], None)
    assert info["compiler"] == sys.executable and info["cuda_built"] is False
    assert info["compiler_version"].startswith("Python ")  # `python --version`
    assert info["python_cflags"] == "-O2"  # -g stripped in a release build
    assert info["numpy_version"] == np.__version__ and info["cuda_archs"] == []
    path = tmp_path / "_build_info.py"
    build.write_build_info(str(path), info)
    first = path.stat().st_mtime_ns
    build.write_build_info(str(path), info)  # unchanged text: not rewritten
    assert path.stat().st_mtime_ns == first
    spec = importlib.util.spec_from_file_location("bi", str(path))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.BUILD_INFO == info


def test_setup_build_info_of_a_cuda_extension(monkeypatch):
    build = _setup_module()
    monkeypatch.setattr(build, "find_nvcc", lambda: None)

    class Ext:
        nvcc_args = ["-diag-suppress=186"] + build.cuda_arch_flags("80;90")

    info = build.build_info(["c++"], Ext())
    assert info["cuda_built"] is True and info["nvcc"] is None
    assert info["nvcc_version"] == "unknown"
    assert info["cuda_archs"] == ["sm_80", "sm_90", "compute_90"]
    assert isinstance(info["compiler_version"], str)
