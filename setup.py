"""Build script for minitorch's C++ extension(s), and the build layer that compiles them.

Contract of the build layer (BuildExt, see docs/building.md):

- minitorch._C is built from every .cpp under ext/{core,cpu,ops,autograd,python}.
  A CUDA extension joins it through cuda_extension() (none exists yet).
- Each source is compiled by its own job; jobs run in parallel on a thread pool of
  min(cores, MemAvailable / 2 GiB) workers, at least 1 (env MAX_JOBS overrides).
- A source is recompiled only when it is stale: its object is missing, or older than
  the source or any header named in its dependency file (written by the compiler with
  -MMD/-MD -MF obj.d; a missing .d counts as stale), or the compile command differs
  from the one recorded next to the object (obj.cmd), so switching CI, sanitizer or
  debug flags rebuilds without --force. The module is relinked only when an object
  changed (or --force).
- Compile rules by suffix: .cpp/.cc use the C++ compiler Python was configured with
  (its sysconfig flags, minus -g in release builds), .cu uses nvcc. ccache is used as a
  launcher when it is on PATH.
- Each build writes minitorch/_build_info.py (git-ignored; write_build_info): the
  compiler and its version, the flags, NumPy's version, whether the CUDA module was
  built, with nvcc's version and the architectures. minitorch.utils.collect_env() reads
  it, and says "unknown" where it is absent (an installed copy built another way).
- Env: CI=true adds -Werror; MINITORCH_SANITIZE=address,undefined builds with the
  sanitizers (and -g); MINITORCH_DEBUG=1 keeps -g; MINITORCH_CUDA=0/1 (see
  cuda_extension()); MAX_JOBS caps the parallel jobs.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from glob import glob

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CompileError

ROOT = os.path.dirname(os.path.abspath(__file__))
GIB = 1 << 30
MEMORY_PER_JOB = 2 * GIB  # the heaviest translation unit peaks at about 1.7 GB


def env_flag(name):
    return os.environ.get(name, "").lower() in ("1", "true", "yes")


def sources(*dirs, suffix=".cpp"):
    out = []
    for d in dirs:
        out += sorted(glob(os.path.join("ext", d, "*" + suffix)))
    return out


def compile_args():
    args = ["-std=c++20", "-O3", "-Wall", "-Wextra", "-fvisibility=hidden"]
    if env_flag("CI"):
        args.append("-Werror")
    sanitize = os.environ.get("MINITORCH_SANITIZE")
    if sanitize:
        # -fno-wrapv undoes the -fwrapv that Python's own CFLAGS add, so that
        # UBSan reports signed overflow in size/stride arithmetic instead of
        # letting it wrap silently (our code never relies on wrapping).
        args += [f"-fsanitize={sanitize}", "-fno-omit-frame-pointer",
                 "-fno-sanitize-recover=undefined", "-fno-wrapv", "-O1", "-g",
                 "-DMINITORCH_SANITIZE=1"]
    return args


def link_args():
    sanitize = os.environ.get("MINITORCH_SANITIZE")
    return [f"-fsanitize={sanitize}"] if sanitize else []


# --- helpers of the build layer (unit-tested by tests/test_build.py) --------------------


def keep_debug_info():
    return bool(os.environ.get("MINITORCH_SANITIZE")) or env_flag("MINITORCH_DEBUG")


def strip_debug(argv):
    """argv without -g, -g1..-g3, -ggdb (Python's sysconfig CFLAGS carry -g)."""
    return [a for a in argv if not (a == "-g" or a.startswith("-ggdb")
                                    or (a.startswith("-g") and a[2:].isdigit()))]


def available_memory():
    """MemAvailable from /proc/meminfo in bytes, or None where it cannot be read."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def job_count(cores=None, memory=None):
    """Parallel compile jobs: MAX_JOBS, else min(cores, memory / 2 GiB), at least 1."""
    if os.environ.get("MAX_JOBS"):
        return max(1, int(os.environ["MAX_JOBS"]))
    if cores is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
            else (os.cpu_count() or 1)
    if memory is None:
        memory = available_memory()
    jobs = cores if memory is None else min(cores, memory // MEMORY_PER_JOB)
    return max(1, jobs)


def parse_depfile(path):
    """The prerequisites named in a Make-style dependency file (gcc -MMD, nvcc -MD)."""
    with open(path) as f:
        text = f.read().replace("\\\n", " ")
    deps = []
    for rule in text.splitlines():
        if ":" not in rule:
            continue
        body = rule.split(":", 1)[1]  # "target: dep dep ..."; targets are our .o paths
        word, escaped = "", False
        for ch in body + " ":
            if escaped:  # "\ " is a space inside a path
                word, escaped = word + ch, False
            elif ch == "\\":
                escaped = True
            elif ch.isspace():
                if word:
                    deps.append(word.replace("$$", "$"))
                word = ""
            else:
                word += ch
    return deps


def is_stale(src, obj, argv):
    """True when obj must be recompiled from src with the command argv."""
    if not os.path.exists(obj):
        return True
    try:
        with open(obj + ".cmd") as f:
            if json.load(f) != argv:
                return True
        deps = parse_depfile(os.path.splitext(obj)[0] + ".d")
    except (OSError, ValueError):
        return True  # no record of how, or from what, the object was built
    built = os.path.getmtime(obj)
    for dep in [src, *deps]:
        if not os.path.exists(dep) or os.path.getmtime(dep) > built:
            return True
    return False


def find_nvcc():
    """nvcc from $CUDA_HOME/bin, else the toolkit's standard place, else PATH (or None)."""
    candidates = []
    if os.environ.get("CUDA_HOME"):
        candidates.append(os.path.join(os.environ["CUDA_HOME"], "bin", "nvcc"))
    candidates.append("/usr/local/cuda/bin/nvcc")
    for candidate in candidates:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("nvcc")


def cuda_arch_flags(spec=None):
    """nvcc -gencode flags: SASS for each architecture, plus PTX of the newest one so
    later GPUs can JIT it. spec: MINITORCH_CUDA_ARCH ("90", "80;90", "8.0,9.0"),
    default sm_80 and sm_90."""
    spec = spec if spec is not None else os.environ.get("MINITORCH_CUDA_ARCH", "80;90")
    archs = {a.strip().replace(".", "") for a in spec.replace(",", ";").split(";") if a.strip()}
    if not archs or not all(a.isdigit() for a in archs):
        raise ValueError(f"MINITORCH_CUDA_ARCH: expected numbers like '80;90', got {spec!r}")
    archs = sorted(archs, key=int)
    flags = []
    for a in archs[:-1]:
        flags += ["-gencode", f"arch=compute_{a},code=sm_{a}"]
    a = archs[-1]
    flags += ["-gencode", f"arch=compute_{a},code=[sm_{a},compute_{a}]"]
    return flags


def cxx_command(compiler_so, src, obj, pp_opts, extra, debug):
    """The command that compiles one C++ source (with its dependency file)."""
    base = list(compiler_so) if debug else strip_debug(compiler_so)
    dep = os.path.splitext(obj)[0] + ".d"
    return base + pp_opts + ["-MMD", "-MF", dep, "-c", src, "-o", obj] + list(extra)


def nvcc_command(nvcc, src, obj, pp_opts, extra, debug):
    """The command that compiles one CUDA source with nvcc (with its dependency file)."""
    dep = os.path.splitext(obj)[0] + ".d"
    host = "-fPIC,-fvisibility=hidden,-Wall,-Wextra"
    if env_flag("CI"):
        host += ",-Werror"  # one -Xcompiler list: a separate "-Xcompiler -Werror" is misparsed
    args = [nvcc, "-std=c++20", "-O3", "--expt-relaxed-constexpr", "-Xcompiler", host]
    if debug:
        args += ["-g"]
    if env_flag("CI"):
        args += ["-Werror=all-warnings"]
    return args + pp_opts + ["-MD", "-MF", dep, "-c", src, "-o", obj] + list(extra)


def run_jobs(jobs, workers, launcher=(), log=print):
    """Run compile jobs [(src, obj, argv)] on a pool; returns {src: seconds}.

    Each job's output is printed in one piece when it ends, so parallel warnings do not
    interleave. The first failure stops jobs not yet started and raises CompileError."""
    times = {}

    def one(job):
        src, obj, argv = job
        os.makedirs(os.path.dirname(obj) or ".", exist_ok=True)
        start = time.monotonic()
        proc = subprocess.run(list(launcher) + argv, capture_output=True, text=True)
        took = time.monotonic() - start
        log(f"{shlex.join(argv)}\n  [{took:.1f} s] {src}" + ("\n" + proc.stdout + proc.stderr
                                                          if proc.stdout or proc.stderr else ""))
        if proc.returncode != 0:
            raise CompileError(f"compiling {src} failed (exit status {proc.returncode})")
        with open(obj + ".cmd", "w") as f:
            json.dump(argv, f)
        times[src] = took

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(one, job) for job in jobs]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for fut in done:
            if fut.exception() is not None:
                for other in futures:
                    other.cancel()
                raise fut.exception()
    return times


def _first_line(argv):
    """The first line of `argv`'s output (a tool's --version), or None if it fails."""
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = (proc.stdout or proc.stderr).strip().splitlines()
    return lines[0].strip() if proc.returncode == 0 and lines else None


def build_info(compiler_so, cuda_ext):
    """What collect_env() reports about this build (plain str/bool/list values).
    compiler_so: the C++ compile command (launcher removed); cuda_ext: the CUDA
    Extension being built, or None."""
    import platform

    import numpy as np

    info = {
        "compiler": compiler_so[0],
        "compiler_version": _first_line([compiler_so[0], "--version"]) or "unknown",
        "cxx_flags": " ".join(compile_args()),
        "python_cflags": " ".join(compiler_so[1:] if keep_debug_info()
                                  else strip_debug(compiler_so[1:])),
        "link_flags": " ".join(link_args()),
        "sanitize": os.environ.get("MINITORCH_SANITIZE", ""),
        "debug": keep_debug_info(),
        "ci": env_flag("CI"),
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "platform": platform.platform(),
        "cuda_built": cuda_ext is not None,
        "nvcc": None,
        "nvcc_version": None,
        "cuda_archs": [],
        "built_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    }
    if cuda_ext is not None:
        nvcc = find_nvcc()
        info["nvcc"] = nvcc
        out = None
        if nvcc is not None:
            try:
                out = subprocess.run([nvcc, "--version"], capture_output=True, text=True,
                                     timeout=30).stdout
            except (OSError, subprocess.SubprocessError):
                out = None
        release = [ln for ln in (out or "").splitlines() if "release" in ln]
        info["nvcc_version"] = release[-1].strip() if release else "unknown"
        flags = getattr(cuda_ext, "nvcc_args", [])
        codes = [f.split("code=")[1].strip("[]") for f in flags if "code=" in f]
        info["cuda_archs"] = [c for group in codes for c in group.split(",")]
    return info


def write_build_info(path, info):
    """Write info as the module minitorch/_build_info.py (BUILD_INFO = {...}); rewrites
    the file only when its text changes."""
    text = ('"""Generated by setup.py (build_info); not in git. Read by '
            'minitorch.utils.collect_env()."""\n\nBUILD_INFO = {\n')
    for key, value in info.items():
        text += f"    {key!r}: {value!r},\n"
    text += "}\n"
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(path, "w") as f:
        f.write(text)


class BuildExt(build_ext):
    """Compiles each extension's stale sources in parallel, then links if needed."""

    def run(self):
        super().run()
        if self.compiler is None or not self.extensions:
            return
        compiler_so = getattr(self.compiler, "compiler_so_cxx", None) or self.compiler.compiler_so
        if os.path.basename(compiler_so[0]) == "ccache":
            compiler_so = compiler_so[1:]
        cuda = next((e for e in self.extensions if e.name == "minitorch._C_cuda"), None)
        c_ext = next((e for e in self.extensions if e.name == "minitorch._C"), None)
        if c_ext is None:
            return
        # Next to the built _C (in place: minitorch/; otherwise build/lib.../minitorch/).
        out_dir = os.path.dirname(self.get_ext_fullpath(c_ext.name))
        write_build_info(os.path.join(out_dir, "_build_info.py"),
                         build_info(list(compiler_so), cuda))

    def build_extension(self, ext):
        compiler = self.compiler
        compiler_so = getattr(compiler, "compiler_so_cxx", None) or compiler.compiler_so
        launcher = []
        if os.path.basename(compiler_so[0]) == "ccache":
            launcher, compiler_so = [compiler_so[0]], compiler_so[1:]
        elif shutil.which("ccache") and not env_flag("CCACHE_DISABLE"):
            launcher = ["ccache"]  # optional: fast rebuilds after a branch switch
        pp_opts = [f"-I{d}" for d in list(ext.include_dirs) + list(compiler.include_dirs)]
        pp_opts += [f"-D{name}" if value is None else f"-D{name}={value}"
                    for name, value in ext.define_macros]
        pp_opts += [f"-U{name}" for name in ext.undef_macros]
        debug = self.debug or keep_debug_info()

        objects, jobs = [], []
        for src in sorted(ext.sources):
            obj = os.path.join(self.build_temp, os.path.splitext(src)[0] + ".o")
            if src.endswith(".cu"):
                nvcc = find_nvcc()
                if nvcc is None:
                    raise CompileError(f"{src}: nvcc not found ($CUDA_HOME/bin, "
                                       "/usr/local/cuda/bin or PATH)")
                argv = nvcc_command(nvcc, src, obj, pp_opts, getattr(ext, "nvcc_args", []),
                                    debug)
            else:
                argv = cxx_command(compiler_so, src, obj, pp_opts, ext.extra_compile_args, debug)
            objects.append(obj)
            if self.force or is_stale(src, obj, argv):
                jobs.append((src, obj, argv))

        ext_path = self.get_ext_fullpath(ext.name)
        workers = min(job_count(), len(jobs) or 1)
        print(f"building '{ext.name}': {len(jobs)} of {len(objects)} sources to compile, "
              f"{workers} parallel jobs", flush=True)
        # Heaviest first, so the longest job does not start last (size stands in for cost).
        jobs.sort(key=lambda job: -os.path.getsize(job[0]))
        times = run_jobs(jobs, workers, launcher,
                         log=lambda text: print(text, flush=True))
        if times:
            slowest = sorted(times.items(), key=lambda kv: -kv[1])[:5]
            print("slowest: " + ", ".join(f"{s} {t:.0f} s" for s, t in slowest), flush=True)

        up_to_date = os.path.exists(ext_path) and all(
            os.path.getmtime(o) <= os.path.getmtime(ext_path) for o in objects)
        if jobs or self.force or not up_to_date:
            compiler.link_shared_object(
                objects + list(ext.extra_objects or []), ext_path,
                libraries=self.get_libraries(ext), library_dirs=ext.library_dirs,
                runtime_library_dirs=ext.runtime_library_dirs,
                extra_postargs=ext.extra_link_args or [],
                export_symbols=self.get_export_symbols(ext), debug=debug,
                build_temp=self.build_temp, target_lang=ext.language or "c++")


def cuda_extension():
    """The CUDA extension (minitorch._C_cuda), or None when it is not to be built.

    Built from ext/cuda (.cu by nvcc, .cpp by the C++ compiler) and its CPython glue
    ext/python/cuda when nvcc is found (find_nvcc). MINITORCH_CUDA=0 skips it;
    MINITORCH_CUDA=1 makes a missing nvcc an error. cudart is linked statically, and
    cuBLAS is not linked at all (see docs/design.md, CUDA backend), so the module needs
    only the NVIDIA driver at run time; without one it still imports. It registers its
    kernel table with _C through a capsule at import (Note [CUDA backend registration])."""
    mode = os.environ.get("MINITORCH_CUDA", "")
    cu_sources = sources("cuda", suffix=".cu")
    if mode == "0" or not cu_sources:
        return None
    nvcc = find_nvcc()
    if nvcc is None:
        if mode == "1":
            sys.exit("MINITORCH_CUDA=1 but nvcc is not in $CUDA_HOME/bin, /usr/local/cuda/bin "
                     "or on PATH")
        return None
    cuda_home = os.path.dirname(os.path.dirname(os.path.realpath(nvcc)))
    ext = Extension(
        "minitorch._C_cuda",
        sources=cu_sources + sources("cuda") + sources(os.path.join("python", "cuda")),
        include_dirs=[os.path.join(cuda_home, "include")],
        library_dirs=[os.path.join(cuda_home, "lib64")],
        libraries=["cudart_static", "dl", "rt", "pthread"],
        extra_compile_args=compile_args(),
        extra_link_args=link_args(),
        language="c++",
    )
    # .cu files only (BuildExt). 186: "pointless comparison of unsigned integer with
    # zero", which the shared functors make on purpose for every integer type
    # (g++ does not warn there).
    ext.nvcc_args = ["-diag-suppress=186"] + cuda_arch_flags()
    return ext


def extensions():
    import numpy as np

    exts = [
        Extension(
            "minitorch._C",
            sources=sources("core", "cpu", "ops", "autograd", "python"),
            include_dirs=[np.get_include()],
            extra_compile_args=compile_args(),
            extra_link_args=link_args(),
            language="c++",
        ),
    ]
    cuda = cuda_extension()
    return exts + ([cuda] if cuda is not None else [])


if __name__ == "__main__":  # tests/test_build.py imports this file for its helpers
    setup(ext_modules=extensions(), cmdclass={"build_ext": BuildExt})
