"""``minitorch.__config__``: how this minitorch was built, as ``torch.__config__``.

``show()`` returns the environment report of ``minitorch.utils.collect_env()`` as a
string (PyTorch's ``show()`` returns its string too: ``print(minitorch.__config__.show())``);
``parallel_info()`` the threading part of it."""

import os


def show():
    """The build and environment report as a string."""
    from .utils._collect_env import get_pretty_env_info

    return get_pretty_env_info()


def parallel_info():
    """Thread settings as a string, as ``torch.__config__.parallel_info()``."""
    import minitorch

    lines = [f"minitorch.get_num_threads(): {minitorch.get_num_threads()}",
             f"logical CPUs: {os.cpu_count()}"]
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        lines.append(f"{var} : {os.environ.get(var, '[not set]')}")
    return "\n".join(lines) + "\n"
