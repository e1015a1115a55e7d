"""minitorch.cuda: devices, memory, streams and events of the CUDA backend.

The backend is a separate extension, minitorch._C_cuda, built only where nvcc is
found; `import minitorch` imports it when present (it registers its kernels with _C
and touches no GPU). Without it, or without a driver or GPU, ``is_available()`` is
False, ``device_count()`` 0, the memory statistics 0 and the seeding functions do
nothing, as in PyTorch; everything that needs a GPU raises RuntimeError saying
which of "not compiled with CUDA", "no CUDA driver" or "no CUDA device" holds.
"""

import collections

from ._device import device as _device_cls

try:  # See Note [CUDA backend registration] in ext/core/backend.h.
    from . import _C_cuda
except ImportError:  # a CPU-only build
    _C_cuda = None



def _cublas_candidates():
    """Where libcublas may live, best first (Note [cuBLAS at run time] in
    ext/cuda/matmul.cpp): the nvidia-cublas wheel (installed with a CUDA build of
    PyTorch), then the toolkit of $CUDA_HOME / /usr/local/cuda."""
    import glob
    import os
    import sys

    found = []
    for base in sys.path:
        for sub in ("nvidia/cublas/lib", "nvidia/cu13/lib", "nvidia/cu12/lib"):
            found += sorted(glob.glob(os.path.join(base or ".", sub, "libcublas.so*")),
                            reverse=True)
    for home in (os.environ.get("CUDA_HOME"), "/usr/local/cuda"):
        if home:
            found += sorted(glob.glob(os.path.join(home, "lib64", "libcublas.so*")),
                            reverse=True)
    return [f for f in found if "Lt" not in os.path.basename(f)]


if _C_cuda is not None:
    _C_cuda._cublas_set_paths(_cublas_candidates())

_NOT_COMPILED = ("Torch not compiled with CUDA enabled (this build of minitorch has no CUDA "
                 "backend: not compiled with CUDA)")

_DeviceProperties = collections.namedtuple(
    "_CudaDeviceProperties", ["name", "major", "minor", "total_memory", "multi_processor_count"])


def _unavailable_reason():
    if _C_cuda is None:
        return _NOT_COMPILED
    return _C_cuda._unavailable_reason()


def _lazy_init():
    """Raises RuntimeError unless a GPU can be used."""
    why = _unavailable_reason()
    if why is not None:
        raise RuntimeError(why)


def is_available():
    """True when the CUDA backend is built and a GPU is visible."""
    return _unavailable_reason() is None


def is_initialized():
    return is_available()


def device_count():
    """Number of visible GPUs (0 without the CUDA backend, a driver or a GPU)."""
    return _C_cuda.device_count() if _C_cuda is not None else 0


def _index(device, optional=True):
    """The device index for a device argument (None / int / str / device) of this module."""
    if device is None:
        if optional:
            _lazy_init()
            return _C_cuda.current_device()
        raise ValueError("Expected a cuda device, but got: None")
    if isinstance(device, int):
        index = device
    else:
        d = _device_cls(device) if isinstance(device, (str, _device_cls)) else None
        if d is None:
            raise ValueError(f"Expected a cuda device, but got: {device!r}")
        if d.type != "cuda":
            raise ValueError(f"Expected a cuda device, but got: {d}")
        index = d.index
    _lazy_init()
    if index is None or index < 0:
        return _C_cuda.current_device()
    if index >= device_count():
        raise RuntimeError(f"CUDA error: invalid device ordinal (device {index} requested, "
                           f"{device_count()} visible)")
    return index


def current_device():
    _lazy_init()
    return _C_cuda.current_device()


def set_device(device):
    index = _index(device)
    _C_cuda.set_device(index)


class device:
    """Context manager that makes a CUDA device current: ``with minitorch.cuda.device(1):``.
    ``device(None)`` (or a negative index) does nothing."""

    def __init__(self, device):
        self.idx = -1 if device is None else (device if isinstance(device, int)
                                              else _device_cls(device).index or 0)
        self.prev_idx = -1

    def __enter__(self):
        if self.idx < 0:
            return self
        self.prev_idx = current_device()
        if self.prev_idx != self.idx:
            set_device(self.idx)
        return self

    def __exit__(self, *exc):
        if self.idx >= 0 and self.prev_idx != self.idx:
            set_device(self.prev_idx)
        return False


def get_device_properties(device=None):
    index = _index(device)
    return _DeviceProperties(*_C_cuda._device_properties(index))


def get_device_name(device=None):
    return get_device_properties(device).name


def get_device_capability(device=None):
    p = get_device_properties(device)
    return (p.major, p.minor)


def synchronize(device=None):
    """Waits for all queued work on the device."""
    index = _index(device)
    _C_cuda.synchronize(index)


# ---- random numbers: accepted and ignored without a GPU, as PyTorch ----
# (The per-device Philox generators belong to the random-numbers work; until then
# the seed is remembered so initial_seed() reports it.)
_seed = [0]


def manual_seed(seed):
    _seed[0] = int(seed)


def manual_seed_all(seed):
    _seed[0] = int(seed)


def seed():
    pass


def seed_all():
    pass


def initial_seed():
    _lazy_init()
    return _seed[0]


# ---- memory (Note [CUDA caching allocator] in ext/cuda/caching_allocator.h) ----
def memory_stats(device=None):
    """The caching allocator's counters (an empty dict without a GPU, as PyTorch)."""
    if not is_available():
        return collections.OrderedDict()
    index = _index(device)
    return collections.OrderedDict(sorted(_C_cuda.memory_stats(index).items()))


def _stat(name, device):
    return memory_stats(device).get(name, 0)


def memory_allocated(device=None):
    """Bytes held by live tensors on the device (0 without a GPU)."""
    return _stat("allocated_bytes.all.current", device)


def max_memory_allocated(device=None):
    return _stat("allocated_bytes.all.peak", device)


def memory_reserved(device=None):
    """Bytes the caching allocator holds from the driver (0 without a GPU)."""
    return _stat("reserved_bytes.all.current", device)


def max_memory_reserved(device=None):
    return _stat("reserved_bytes.all.peak", device)


def reset_peak_memory_stats(device=None):
    """Peaks restart from the current values (nothing to do without a GPU)."""
    if is_available():
        index = _index(device)
        _C_cuda.reset_peak_memory_stats(index)


def empty_cache():
    """Returns cached, unused blocks to the driver (nothing to do without a GPU)."""
    if is_available():
        _C_cuda.empty_cache()


def memory_summary(device=None, abbreviated=False):
    """A short table of the allocator's counters."""
    stats = memory_stats(device)

    def mib(n):
        return f"{n / 2**20:10.2f} MiB"

    lines = ["|" + "=" * 60 + "|",
             "|{:^60}|".format("minitorch CUDA memory summary, device "
                               + (str(_index(device)) if stats else "(none)")),
             "|" + "-" * 60 + "|"]
    rows = [("Allocated memory", "allocated_bytes.all.current", "allocated_bytes.all.peak"),
            ("Reserved memory", "reserved_bytes.all.current", "reserved_bytes.all.peak")]
    lines.append("| {:<28}|{:>15}|{:>15}|".format("Metric", "Cur Usage", "Peak Usage"))
    for title, cur, peak in rows:
        lines.append("| {:<28}|{:>15}|{:>15}|".format(title, mib(stats.get(cur, 0)),
                                                      mib(stats.get(peak, 0))))
    for title, key in [("Allocation retries", "num_alloc_retries"), ("OOMs", "num_ooms")]:
        lines.append("| {:<28}|{:>31}|".format(title, stats.get(key, 0)))
    lines.append("|" + "=" * 60 + "|")
    return "\n".join(lines) + "\n"


# ---- streams and events ----
class Stream:
    """A CUDA stream (``Stream()`` makes a new one on the current device)."""

    def __init__(self, device=None, priority=0, _handle=None, _owned=True):
        self.device_index = _index(device)
        if _handle is None:
            _handle = _C_cuda._stream_create(self.device_index)
        else:
            _owned = False
        self.cuda_stream = _handle
        self._owned = _owned

    @property
    def device(self):
        return _device_cls("cuda", self.device_index)

    def query(self):
        return _C_cuda._stream_query(self.cuda_stream)

    def synchronize(self):
        _C_cuda._stream_synchronize(self.cuda_stream)

    def wait_event(self, event):
        _C_cuda._stream_wait_event(self.cuda_stream, event._handle)

    def wait_stream(self, stream):
        """Work queued on self after this call waits for the work queued on stream."""
        self.wait_event(stream.record_event())

    def record_event(self, event=None):
        event = Event() if event is None else event
        event.record(self)
        return event

    def __eq__(self, other):
        return isinstance(other, Stream) and other.cuda_stream == self.cuda_stream

    def __hash__(self):
        return hash((self.cuda_stream, self.device_index))

    def __repr__(self):
        return f"<minitorch.cuda.Stream device={self.device} cuda_stream={self.cuda_stream:#x}>"

    def __del__(self):
        if getattr(self, "_owned", False) and _C_cuda is not None:
            try:
                _C_cuda._stream_destroy(self.cuda_stream)
            except Exception:
                pass


def current_stream(device=None):
    index = _index(device)
    return Stream(index, _handle=_C_cuda._current_stream(index))


def default_stream(device=None):
    return Stream(_index(device), _handle=0)


def set_stream(stream):
    if stream is not None:
        _C_cuda._set_stream(stream.device_index, stream.cuda_stream)


class stream:
    """Context manager making a stream current: ``with minitorch.cuda.stream(s):``.
    ``stream(None)`` does nothing (as PyTorch)."""

    def __init__(self, stream):
        self.stream = stream
        self.prev = None

    def __enter__(self):
        if self.stream is not None:
            self.prev = current_stream(self.stream.device_index)
            set_stream(self.stream)
        return self.stream

    def __exit__(self, *exc):
        if self.stream is not None:
            set_stream(self.prev)
        return False


class Event:
    """A CUDA event: ``record()``, ``synchronize()``, ``query()``, ``elapsed_time(end)``."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        _lazy_init()
        self.enable_timing = enable_timing
        self._handle = _C_cuda._event_create(bool(enable_timing))

    def record(self, stream=None):
        stream = current_stream() if stream is None else stream
        _C_cuda._event_record(self._handle, stream.cuda_stream)

    def wait(self, stream=None):
        (current_stream() if stream is None else stream).wait_event(self)

    def query(self):
        return _C_cuda._event_query(self._handle)

    def synchronize(self):
        _C_cuda._event_synchronize(self._handle)

    def elapsed_time(self, end_event):
        """Milliseconds between this event and end_event (both recorded and complete)."""
        return _C_cuda._event_elapsed(self._handle, end_event._handle)

    def __del__(self):
        if getattr(self, "_handle", None) and _C_cuda is not None:
            try:
                _C_cuda._event_destroy(self._handle)
            except Exception:
                pass
