"""minitorch.cuda: queries about the CUDA backend.

The CUDA backend is a separate extension (minitorch._C_cuda) built only where
nvcc is found. Without it (or without a driver) everything here reports that
no GPU is available, and creating a CUDA tensor raises RuntimeError.
"""


def _backend():
    try:
        from . import _C_cuda  # noqa: F401
    except ImportError:
        return None
    return _C_cuda


def is_available():
    """True when the CUDA backend is built and a GPU is visible."""
    b = _backend()
    return bool(b is not None and b.device_count() > 0)


def device_count():
    """Number of visible GPUs (0 without the CUDA backend)."""
    b = _backend()
    return b.device_count() if b is not None else 0


def synchronize(device=None):
    """Waits for all queued GPU work (no-op without the CUDA backend)."""
    b = _backend()
    if b is not None:
        b.synchronize()
