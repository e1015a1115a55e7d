"""The build layer in setup.py: dependency tracking, -g stripping, the job cap, the nvcc rule.

The helpers are unit-tested on files in a temporary directory; the extension itself is
never rebuilt here. setup.py is imported under another name, so setup() does not run.
"""

import importlib.util
import json
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_spec = importlib.util.spec_from_file_location("minitorch_setup", os.path.join(ROOT, "setup.py"))
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)


def _write(path, text=""):
    with open(path, "w") as f:
        f.write(text)


def _age(path, seconds):
    """Set path's mtime `seconds` into the past (relative to now)."""
    st = os.stat(path)
    os.utime(path, (st.st_atime - seconds, st.st_mtime - seconds))


def test_parse_depfile_continuations_and_escapes(tmp_path):
    dep = tmp_path / "a.d"
    _write(dep, "build/a.o: ext/a.cpp ext/core/a.h \\\n  ext/my\\ dir/b.h \\\n ext/c$$.h\n")
    assert build.parse_depfile(dep) == ["ext/a.cpp", "ext/core/a.h", "ext/my dir/b.h",
                                        "ext/c$.h"]


def _fresh_object(tmp_path):
    """A source including a header, and an up-to-date object/.d/.cmd for it."""
    src, hdr, obj = tmp_path / "a.cpp", tmp_path / "a.h", tmp_path / "a.o"
    _write(src, '#include "a.h"\n')
    _write(hdr, "")
    _age(src, 100)
    _age(hdr, 100)
    argv = ["g++", "-c", str(src), "-o", str(obj)]
    _write(obj)
    _write(tmp_path / "a.d", f"{obj}: {src} \\\n {hdr}\n")
    _write(str(obj) + ".cmd", json.dumps(argv))
    return str(src), str(hdr), str(obj), argv


def test_up_to_date_object_is_not_stale(tmp_path):
    src, _, obj, argv = _fresh_object(tmp_path)
    assert not build.is_stale(src, obj, argv)


def test_newer_included_header_makes_object_stale(tmp_path):
    src, hdr, obj, argv = _fresh_object(tmp_path)
    _age(obj, 50)  # header (100 s old) is still older than the object (50 s old)...
    assert not build.is_stale(src, obj, argv)
    os.utime(hdr)  # ... until it is edited
    assert build.is_stale(src, obj, argv)


def test_newer_source_missing_header_depfile_or_command_change_make_stale(tmp_path):
    src, hdr, obj, argv = _fresh_object(tmp_path)
    assert build.is_stale(src, obj, argv + ["-DNEW"])  # flags changed
    os.utime(src)
    assert build.is_stale(src, obj, argv)
    _age(src, 100)
    os.remove(hdr)
    assert build.is_stale(src, obj, argv)  # a header that vanished
    _write(hdr)
    _age(hdr, 100)
    assert not build.is_stale(src, obj, argv)
    os.remove(tmp_path / "a.d")
    assert build.is_stale(src, obj, argv)  # no dependency file: rebuild
    assert build.is_stale(src, str(tmp_path / "missing.o"), argv)


def test_release_commands_carry_no_debug_info():
    assert build.strip_debug(["gcc", "-DNDEBUG", "-g", "-fwrapv", "-g3", "-ggdb", "-O3"]) == [
        "gcc", "-DNDEBUG", "-fwrapv", "-O3"]
    argv = build.cxx_command(["g++", "-g", "-O3", "-fPIC"], "a.cpp", "b/a.o", ["-Ix"], ["-Wall"],
                             debug=False)
    assert "-g" not in argv
    assert argv[argv.index("-MF") + 1] == "b/a.d" and "-MMD" in argv
    assert "-g" in build.cxx_command(["g++", "-g"], "a.cpp", "a.o", [], [], debug=True)


def test_debug_info_kept_for_sanitizer_and_debug_builds(monkeypatch):
    monkeypatch.delenv("MINITORCH_SANITIZE", raising=False)
    monkeypatch.delenv("MINITORCH_DEBUG", raising=False)
    assert not build.keep_debug_info()
    monkeypatch.setenv("MINITORCH_DEBUG", "1")
    assert build.keep_debug_info()
    monkeypatch.delenv("MINITORCH_DEBUG")
    monkeypatch.setenv("MINITORCH_SANITIZE", "address,undefined")
    assert build.keep_debug_info()


def test_job_count_capped_by_memory_and_cores(monkeypatch):
    monkeypatch.delenv("MAX_JOBS", raising=False)
    gib = 1 << 30
    assert build.job_count(cores=16, memory=5 * gib) == 2
    assert build.job_count(cores=2, memory=64 * gib) == 2
    assert build.job_count(cores=8, memory=gib) == 1  # at least one
    assert build.job_count() >= 1
    monkeypatch.setenv("MAX_JOBS", "3")
    assert build.job_count(cores=1, memory=gib) == 3


def test_cuda_extension_skipped_with_minitorch_cuda_0(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MINITORCH_CUDA", "0")
    assert build.cuda_extension() is None


def _fake_nvcc(directory):
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "nvcc")
    _write(path, "#!/bin/sh\n")
    os.chmod(path, 0o755)
    return path


def test_nvcc_found_in_cuda_home_first_then_the_standard_place_then_path(tmp_path, monkeypatch):
    home = _fake_nvcc(str(tmp_path / "home" / "bin"))
    on_path = _fake_nvcc(str(tmp_path / "path"))
    monkeypatch.setenv("CUDA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PATH", str(tmp_path / "path"))
    assert build.find_nvcc() == home
    monkeypatch.setenv("CUDA_HOME", str(tmp_path / "nowhere"))
    standard = "/usr/local/cuda/bin/nvcc"
    expected = standard if os.access(standard, os.X_OK) else on_path
    assert build.find_nvcc() == expected
    monkeypatch.delenv("CUDA_HOME")
    assert build.find_nvcc() == expected


def test_missing_nvcc_is_an_error_only_with_minitorch_cuda_1(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(build, "find_nvcc", lambda: None)
    monkeypatch.delenv("MINITORCH_CUDA", raising=False)
    assert build.cuda_extension() is None
    monkeypatch.setenv("MINITORCH_CUDA", "1")
    with pytest.raises(SystemExit, match="nvcc"):
        build.cuda_extension()


def test_cuda_extension_sources_and_static_cudart(monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("MINITORCH_CUDA", raising=False)
    monkeypatch.delenv("MINITORCH_CUDA_ARCH", raising=False)
    monkeypatch.setattr(build, "find_nvcc", lambda: _fake_nvcc(str(tmp_path / "cuda" / "bin")))
    ext = build.cuda_extension()
    assert ext.name == "minitorch._C_cuda"
    assert "ext/cuda/copy.cu" in ext.sources and "ext/python/cuda/module.cpp" in ext.sources
    assert not any(s.startswith("ext/cpu") or s.startswith("ext/ops") for s in ext.sources)
    assert "cudart_static" in ext.libraries and "cudart" not in ext.libraries
    assert not any("cublas" in lib for lib in ext.libraries)  # loaded at run time
    assert ext.nvcc_args[-4:] == build.cuda_arch_flags("80;90")


def test_nvcc_warnings_are_errors_in_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")
    argv = build.nvcc_command("nvcc", "a.cu", "a.o", ["-Ix"], [], debug=False)
    assert "-Werror=all-warnings" in argv
    host = argv[argv.index("-Xcompiler") + 1]
    assert host.split(",")[-1] == "-Werror" and argv.count("-Xcompiler") == 1
    if build.find_nvcc() is None:
        return
    src = tmp_path / "w.cu"
    _write(src, "__global__ void k(float* x) { x[0] = 1.0f; }\n")
    argv = build.nvcc_command(build.find_nvcc(), str(src), str(tmp_path / "w.o"),
                              [f"-I{tmp_path}"], ["-gencode", "arch=compute_90,code=sm_90"],
                              debug=False)
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    r = subprocess.run(argv, capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 0, r.stdout + r.stderr


def test_cuda_arch_flags():
    assert build.cuda_arch_flags("80;90") == [
        "-gencode", "arch=compute_80,code=sm_80",
        "-gencode", "arch=compute_90,code=[sm_90,compute_90]"]
    assert build.cuda_arch_flags("90") == ["-gencode", "arch=compute_90,code=[sm_90,compute_90]"]
    assert build.cuda_arch_flags("9.0, 8.0") == build.cuda_arch_flags("80;90")
    with pytest.raises(ValueError, match="MINITORCH_CUDA_ARCH"):
        build.cuda_arch_flags("sm_90")


def test_run_jobs_compiles_and_records_command(tmp_path):
    gxx = "g++"
    src, obj = tmp_path / "t.cpp", tmp_path / "o" / "t.o"
    _write(src, "int f() { return 1; }\n")
    argv = build.cxx_command([gxx, "-fPIC"], str(src), str(obj), [], [], debug=False)
    times = build.run_jobs([(str(src), str(obj), argv)], workers=1, log=lambda text: None)
    assert set(times) == {str(src)} and obj.exists()
    assert not build.is_stale(str(src), str(obj), argv)
    _write(src, "int f( { return 1; }\n")
    with pytest.raises(build.CompileError):
        build.run_jobs([(str(src), str(obj), argv)], workers=1, log=lambda text: None)


@pytest.mark.skipif(build.find_nvcc() is None, reason="nvcc not found")
def test_nvcc_rule_compiles_a_cu_file(tmp_path, monkeypatch):
    # nvcc's front end crashes with the sanitizer run's LD_PRELOADed libasan.
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    # Compile only (there may be no GPU): a kernel and a host launcher.
    monkeypatch.setenv("CI", "true")  # warnings are errors, as in CI
    hdr, src = tmp_path / "scale.cuh", tmp_path / "scale.cu"
    _write(hdr, "__host__ __device__ inline float twice(float x) { return 2.0f * x; }\n")
    _write(src, '#include "scale.cuh"\n'
                "__global__ void scale(float* x, int n) {\n"
                "  int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
                "  if (i < n) x[i] = twice(x[i]);\n"
                "}\n"
                "void launch(float* x, int n) { scale<<<(n + 255) / 256, 256>>>(x, n); }\n")
    obj = tmp_path / "build" / "scale.o"
    argv = build.nvcc_command(build.find_nvcc(), str(src), str(obj), [f"-I{tmp_path}"], [],
                              debug=False)
    build.run_jobs([(str(src), str(obj), argv)], workers=2, log=lambda text: None)
    assert obj.exists()
    assert str(hdr) in [os.path.abspath(d) for d in build.parse_depfile(tmp_path / "build"
                                                                         / "scale.d")]
    assert not build.is_stale(str(src), str(obj), argv)
    os.utime(hdr, (os.path.getmtime(obj) + 10,) * 2)
    assert build.is_stale(str(src), str(obj), argv)
    symbols = subprocess.run(["nm", "-C", str(obj)], capture_output=True, text=True).stdout
    assert "launch(float*, int)" in symbols
