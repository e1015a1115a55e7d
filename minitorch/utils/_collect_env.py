"""The environment report that bug reports ask for: ``minitorch.utils.collect_env()``,
``python -m minitorch`` and ``minitorch.__config__.show()`` all print it.

Each section is gathered on its own and never raises: a part that cannot be found
(no _build_info.py in an installed copy built another way, no CUDA driver, no
/proc/cpuinfo) reads "unknown" or says why, so the report always comes out.
"""

import ctypes
import os
import platform
import sys


def _build_info():
    try:
        from minitorch._build_info import BUILD_INFO
    except Exception:  # absent (not built by setup.py here) or unreadable
        return None
    return dict(BUILD_INFO)


def _cpu_flags(path="/proc/cpuinfo"):
    """(model name, set of feature flags) from /proc/cpuinfo, or (None, empty set)."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return None, set()
    model, flags = None, set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and model is None:
            model = value.strip()
        elif key in ("flags", "Features") and not flags:
            flags = set(value.split())
    return model, flags


_SHOWN_FEATURES = ("sse2", "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw",
                   "avx512_bf16", "avx512_fp16", "amx_bf16", "neon", "asimd", "sve")


def _simd(flags):
    """The SIMD level the kernels use, as chosen at run time."""
    from minitorch import _C

    for name in ("_simd_level", "_cpu_capability"):  # a future dispatcher may say itself
        fn = getattr(_C, name, None)
        if callable(fn):
            try:
                return str(fn())
            except Exception:
                pass
    machine = platform.machine().lower()
    if machine in ("x86_64", "amd64"):
        red = "avx2" if "avx2" in flags else "sse2"
        return (f"baseline (x86-64 SSE2, compiler-vectorised) for elementwise kernels; "
                f"reductions: {red} (chosen at run time)")
    return f"baseline ({machine})"


def _blas():
    from minitorch import _C

    lines = []
    try:
        info = _C._blas_info()
    except Exception as e:  # noqa: BLE001
        info = f"unknown ({type(e).__name__}: {e})"
    symbol, _, rest = info.partition(" from ")
    if rest:
        path, _, version = rest.partition(" (")
        lines.append(f"BLAS: {symbol} in {os.path.realpath(path)}")
        if version:
            lines.append(f"BLAS version: {version.rstrip(')')}")
    else:
        lines.append(f"BLAS: {info} (matmul of float32/float64 uses the C++ kernel)")
    try:
        lapack = _C._lapack_info()
    except Exception as e:  # noqa: BLE001
        lapack = f"unknown ({type(e).__name__}: {e})"
    symbol, _, path = lapack.partition(" from ")
    lines.append(f"LAPACK: {symbol} in {os.path.realpath(path)}" if path
                 else f"LAPACK: {lapack}")
    try:
        import threadpoolctl

        for pool in threadpoolctl.threadpool_info():
            if pool.get("user_api") == "blas":
                lines.append(f"BLAS threads: {pool.get('num_threads')} "
                             f"({pool.get('internal_api')}, {pool.get('threading_layer')}, "
                             f"{pool.get('architecture')})")
                break
    except Exception:  # noqa: BLE001  (optional)
        pass
    return lines


def _cuda_driver_version():
    """The CUDA driver's version (cuDriverGetVersion from libcuda), or a reason."""
    try:
        lib = ctypes.CDLL("libcuda.so.1")
    except OSError:
        return "none (libcuda.so.1 not found)"
    v = ctypes.c_int(0)
    try:
        rc = lib.cuDriverGetVersion(ctypes.byref(v))
    except AttributeError:
        return "unknown (libcuda has no cuDriverGetVersion)"
    if rc != 0:
        return f"unknown (cuDriverGetVersion returned {rc})"
    return f"{v.value // 1000}.{v.value % 1000 // 10}"


def _nvidia_kernel_driver():
    try:
        with open("/proc/driver/nvidia/version") as f:
            first = f.readline().strip()
    except OSError:
        return None
    return first or None


def _cuda(build):
    import minitorch

    lines = []
    built = minitorch.cuda._C_cuda is not None
    lines.append(f"CUDA module built: {'yes' if built else 'no'}")
    if build is not None and build.get("cuda_built"):
        nvcc = build.get("nvcc_version") or "unknown"
        release = nvcc.partition("release ")[2].partition(",")[0]
        lines.append(f"CUDA runtime: {release or nvcc} (cudart linked statically; {nvcc})")
        lines.append(f"CUDA archs: {', '.join(build.get('cuda_archs') or []) or 'unknown'}")
    lines.append(f"CUDA driver: {_cuda_driver_version()}")
    kernel = _nvidia_kernel_driver()
    if kernel:
        lines.append(f"NVIDIA kernel driver: {kernel}")
    try:
        why = minitorch.cuda._unavailable_reason()
        if why is not None:
            lines.append(f"CUDA available: no ({why})")
            return lines
        n = minitorch.cuda.device_count()
        lines.append(f"CUDA available: yes, {n} device(s)")
        for i in range(n):
            p = minitorch.cuda.get_device_properties(i)
            lines.append(f"  cuda:{i}: {p.name}, compute capability {p.major}.{p.minor}, "
                         f"{p.total_memory / 2**30:.1f} GiB, {p.multi_processor_count} SMs")
        if built:
            lines.append(f"cuBLAS: {minitorch.cuda._C_cuda._cublas_info()}")
    except Exception as e:  # noqa: BLE001
        lines.append(f"CUDA devices: unknown ({type(e).__name__}: {e})")
    return lines


def get_env_info():
    """The report as a list of lines."""
    import numpy as np

    import minitorch

    lines = [f"minitorch version: {minitorch.__version__}",
             f"minitorch location: {os.path.dirname(os.path.abspath(minitorch.__file__))}",
             f"Python: {platform.python_version()} ({sys.executable})",
             f"OS: {platform.platform()}"]
    build = _build_info()
    lines.append("")
    lines.append("Build:")
    if build is None:
        lines.append("  unknown (minitorch/_build_info.py is absent: this copy was not built "
                     "by setup.py build_ext)")
    else:
        lines += [f"  compiler: {build.get('compiler')} ({build.get('compiler_version')})",
                  f"  flags: {build.get('cxx_flags')}",
                  f"  Python's flags: {build.get('python_cflags', 'unknown')}",
                  f"  sanitizers: {build.get('sanitize') or 'none'}; debug info: "
                  f"{'yes' if build.get('debug') else 'no'}; warnings as errors: "
                  f"{'yes' if build.get('ci') else 'no'}",
                  f"  CUDA built: {'yes' if build.get('cuda_built') else 'no'}"
                  + (f" (nvcc {build.get('nvcc')}, {build.get('nvcc_version')}; archs "
                     f"{', '.join(build.get('cuda_archs') or [])})" if build.get("cuda_built")
                     else ""),
                  f"  NumPy at build time: {build.get('numpy_version')}",
                  f"  built: {build.get('built_at')}"]
    lines.append(f"NumPy at run time: {np.__version__}")
    lines.append("")
    model, flags = _cpu_flags()
    lines.append(f"CPU: {model or platform.processor() or platform.machine()}")
    shown = [f for f in _SHOWN_FEATURES if f in flags]
    lines.append(f"CPU features: {' '.join(shown) if shown else 'unknown'}")
    for name, fn in (("SIMD", lambda: _simd(flags)),):
        try:
            lines.append(f"{name}: {fn()}")
        except Exception as e:  # noqa: BLE001
            lines.append(f"{name}: unknown ({type(e).__name__}: {e})")
    try:
        lines.append(f"threads: {minitorch.get_num_threads()} (minitorch.get_num_threads()); "
                     f"{os.cpu_count()} logical CPUs")
    except Exception as e:  # noqa: BLE001
        lines.append(f"threads: unknown ({type(e).__name__}: {e})")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(var):
            lines.append(f"{var}={os.environ[var]}")
    try:
        lines += _blas()
    except Exception as e:  # noqa: BLE001
        lines.append(f"BLAS: unknown ({type(e).__name__}: {e})")
    lines.append("")
    try:
        lines += _cuda(build)
    except Exception as e:  # noqa: BLE001
        lines.append(f"CUDA: unknown ({type(e).__name__}: {e})")
    return lines


def get_pretty_env_info():
    """The report as one string."""
    return "\n".join(get_env_info())


def collect_env(file=None):
    """Print the environment report (version, build, BLAS, SIMD, NumPy, threads, CUDA)
    to ``file`` (default stdout). ``get_pretty_env_info()`` returns it as a string."""
    print(get_pretty_env_info(), file=file if file is not None else sys.stdout)
