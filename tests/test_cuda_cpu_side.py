"""The CUDA backend seen from a machine without a GPU (issue 10, items 1-4).

Runs everywhere: `import minitorch` works, minitorch.cuda reports no GPU the way
PyTorch does (is_available False, 0 devices, memory statistics 0, seeding accepted),
and everything that needs a GPU raises RuntimeError saying which of "not compiled
with CUDA", "no CUDA driver" or "no CUDA device" holds. Where the CUDA module was
built, its import must not crash without a driver, its caching allocator is checked
over a fake device (`_allocator_sim`), and the module must not depend on _C's
(unexported) symbols. On a machine with a GPU, tests/cuda/ takes over.
"""

import os
import shutil
import subprocess
import sys

import pytest

import minitorch as mt
from minitorch import cuda

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_C_cuda = cuda._C_cuda
pytestmark = pytest.mark.skipif(cuda.is_available(), reason="a GPU is present: see tests/cuda")

REASONS = ("not compiled with CUDA", "no CUDA driver", "no CUDA device")


def expected_reason():
    if _C_cuda is None:
        return "not compiled with CUDA"
    reason = _C_cuda._unavailable_reason()
    assert reason is not None
    hits = [r for r in REASONS if r in reason]
    assert len(hits) == 1, reason
    return hits[0]


def run_python(code):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env, cwd=ROOT)


def test_queries_report_no_gpu():
    assert cuda.is_available() is False
    assert cuda.device_count() == 0
    assert cuda.is_initialized() is False


@pytest.mark.parametrize("make", [
    lambda: mt.zeros(2, device="cuda"),
    lambda: mt.ones(2, 3, device="cuda:0"),
    lambda: mt.empty(4, device=mt.device("cuda")),
    lambda: mt.full((2,), 1.5, device="cuda"),
    lambda: mt.arange(5, device="cuda"),
    lambda: mt.tensor([1.0, 2.0], device="cuda"),
    lambda: mt.zeros(2).cuda(),
    lambda: mt.zeros(2).cuda(0),
    lambda: mt.zeros(2).to("cuda"),
    lambda: mt.zeros(2).to(mt.device("cuda", 0)),
    lambda: mt.zeros(2).to(device="cuda", dtype=mt.float64),
    lambda: mt.zeros(3).to("cuda:0", non_blocking=True),
], ids=["zeros", "ones", "empty", "full", "arange", "tensor", "cuda()", "cuda(0)", "to(str)",
        "to(device)", "to(device,dtype)", "to(non_blocking)"])
def test_creating_a_cuda_tensor_says_why_it_cannot(make):
    with pytest.raises(RuntimeError) as info:
        make()
    assert expected_reason() in str(info.value)


def test_cuda_method_refuses_a_cpu_device():
    with pytest.raises(RuntimeError, match="Invalid device, must be cuda device"):
        mt.zeros(2).cuda("cpu")


def test_a_build_without_the_cuda_module_says_not_compiled():
    # _C_cuda blocked: as in a build made with MINITORCH_CUDA=0.
    r = run_python(
        "import sys; sys.modules['minitorch._C_cuda'] = None\n"
        "import minitorch as mt\n"
        "assert not mt.cuda.is_available() and mt.cuda.device_count() == 0\n"
        "for f in (lambda: mt.zeros(2, device='cuda'), lambda: mt.zeros(2).cuda(),\n"
        "          lambda: mt.zeros(2).to('cuda'), mt.cuda.current_device):\n"
        "    try:\n"
        "        f()\n"
        "    except RuntimeError as e:\n"
        "        assert 'not compiled with CUDA' in str(e), e\n"
        "    else:\n"
        "        raise SystemExit('no error')\n"
        "print('ok')\n")
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stdout + r.stderr


@pytest.mark.skipif(_C_cuda is None, reason="CUDA module not built")
def test_importing_the_cuda_module_without_a_driver_does_not_crash():
    r = run_python("import minitorch._C_cuda as c; print(c.device_count(), "
                   "c._unavailable_reason() is not None)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["0", "True"]


@pytest.mark.parametrize("name", ["current_device", "get_device_name", "get_device_properties",
                                  "get_device_capability", "synchronize", "current_stream",
                                  "default_stream", "Stream", "Event", "initial_seed"])
def test_functions_that_need_a_gpu_raise_runtime_error(name):
    with pytest.raises(RuntimeError) as info:
        getattr(cuda, name)()
    assert expected_reason() in str(info.value)


def test_device_and_set_device_need_a_gpu():
    with pytest.raises(RuntimeError):
        cuda.set_device(0)
    with pytest.raises(RuntimeError):
        with cuda.device(0):
            pass
    with cuda.device(None):  # no device to switch to: nothing happens, as in PyTorch
        pass
    with cuda.stream(None) as s:
        assert s is None


def test_seeding_is_accepted_without_a_gpu():
    # PyTorch: these silently do nothing where CUDA is unavailable.
    assert cuda.manual_seed(1) is None
    assert cuda.manual_seed_all(2) is None
    assert cuda.seed() is None
    assert cuda.seed_all() is None


def test_memory_statistics_are_zero_without_a_gpu():
    # torch 2.13 (CPU build): every counter is 0, memory_stats() an empty dict, and
    # empty_cache() does nothing.
    for f in (cuda.memory_allocated, cuda.max_memory_allocated, cuda.memory_reserved,
              cuda.max_memory_reserved):
        assert f() == 0
        assert f(0) == 0
    assert dict(cuda.memory_stats()) == {}
    assert cuda.empty_cache() is None
    assert cuda.reset_peak_memory_stats() is None  # (PyTorch's CPU build fails here)
    summary = cuda.memory_summary()
    assert "Allocated memory" in summary and "0.00 MiB" in summary


def test_numpy_message_for_a_cuda_tensor_matches_the_bridge():
    # No CUDA tensor can exist here; the message is checked in tests/cuda. The
    # device check of the bridge still comes first for CPU tensors.
    assert mt.zeros(2).numpy().tolist() == [0.0, 0.0]


# ---- the caching allocator over a fake device -------------------------------------

MIB = 1 << 20
needs_module = pytest.mark.skipif(_C_cuda is None, reason="CUDA module not built")


def sim(capacity, ops):
    return _C_cuda._allocator_sim(capacity, ops)


@needs_module
def test_allocator_reuses_a_freed_block_without_a_new_segment():
    offs, stats = sim(64 * MIB, [("alloc", 1000), ("free", 0), ("alloc", 1000), ("alloc", 600)])
    assert offs[0] == offs[1] == 0  # the same block back
    assert offs[2] == 1024  # rounded to 512: the next block of the same 2 MiB segment
    assert stats["allocation.all.allocated"] == 3


@needs_module
def test_allocator_size_classes_and_rounding():
    # small requests share a 2 MiB segment; a large one gets a 20 MiB segment, whose
    # rest serves the next large request; one of 10 MiB or more gets its own segment,
    # rounded to 2 MiB.
    offs, stats = sim(1 << 30, [("alloc", 1), ("alloc", 513), ("alloc", 3 * MIB),
                                ("alloc", 11 * MIB + 5), ("alloc", 11 * MIB)])
    assert offs[1] - offs[0] == 512
    assert offs[2] == 2 * MIB  # a new segment after the small one
    assert offs[3] == 5 * MIB  # split from the rest of that 20 MiB segment
    assert offs[4] == 22 * MIB  # no room left there: a new 12 MiB segment
    assert stats["reserved_bytes.all.peak"] == 2 * MIB + 20 * MIB + 12 * MIB


@needs_module
def test_allocator_splits_and_merges_blocks():
    ops = [("alloc", 4 * MIB), ("alloc", 4 * MIB), ("free", 0), ("free", 1),
           ("alloc", 8 * MIB)]  # both halves merge back: fits the first segment again
    offs, stats = sim(1 << 30, ops)
    assert offs == [0, 4 * MIB, 0]
    assert stats["reserved_bytes.all.peak"] == 20 * MIB


@needs_module
def test_allocator_keeps_streams_apart():
    offs, _ = sim(1 << 30, [("alloc", 1000, 1), ("free", 0), ("alloc", 1000, 2),
                            ("alloc", 1000, 1)])
    assert offs[1] != offs[0]  # a block freed on stream 1 is not handed to stream 2
    assert offs[2] == offs[0]


@needs_module
def test_allocator_frees_its_cache_and_retries_before_running_out():
    ops = [("alloc", 12 * MIB), ("free", 0), ("alloc", 14 * MIB)]
    offs, stats = sim(16 * MIB, ops)  # the cached 12 MiB segment must go first
    assert isinstance(offs[1], int)
    assert stats["num_alloc_retries"] == 1 and stats["num_ooms"] == 0


@needs_module
def test_allocator_out_of_memory_message():
    offs, stats = sim(30 * MIB, [("alloc", 24 * MIB), ("alloc", 8 * MIB)])
    msg = offs[1]
    assert isinstance(msg, str)
    assert msg.startswith("CUDA out of memory. Tried to allocate 8.00 MiB.")
    assert "total capacity of 30.00 MiB" in msg
    assert "24.00 MiB is allocated by minitorch" in msg
    assert f"requested {8 * MIB} bytes, allocated {24 * MIB} bytes, reserved {24 * MIB} bytes" \
        in msg
    assert stats["num_ooms"] == 1 and stats["num_alloc_retries"] == 1


@needs_module
def test_allocator_statistics_and_empty_cache():
    ops = [("alloc", 1000), ("alloc", 3000), ("free", 0)]
    _, stats = sim(1 << 30, ops + [("empty",)])
    # at the end every block is freed and the cache emptied
    assert stats["allocated_bytes.all.current"] == 0
    assert stats["allocated_bytes.all.peak"] == 1024 + 3072
    assert stats["reserved_bytes.all.current"] == 0
    assert stats["reserved_bytes.all.peak"] == 2 * MIB


@needs_module
def test_allocator_sim_rejects_bad_scripts():
    with pytest.raises(IndexError):
        sim(MIB, [("free", 3)])
    with pytest.raises(ValueError):
        sim(MIB, [("grow", 1)])
    with pytest.raises(TypeError):
        sim(MIB, "alloc")


@needs_module
def test_cuda_module_needs_no_symbol_of_C():
    # _C exports nothing but PyInit__C; a call from _C_cuda into _C's non-inline
    # code would only fail at import on the user's machine.
    nm = shutil.which("nm")
    if nm is None:
        pytest.skip("nm not installed")
    r = subprocess.run([nm, "-D", "--undefined-only", "-C", _C_cuda.__file__],
                       capture_output=True, text=True)
    bad = [line for line in r.stdout.splitlines() if "mt::" in line]
    assert bad == []


@needs_module
def test_cuda_kernel_table_is_registered():
    missing = set(mt._C._missing_kernels("cuda"))
    for slot in ("allocator.alloc", "allocator.free", "copy", "copy_bytes", "fill", "arange",
                 "linspace", "softmax", "binary.add", "binary.mul", "binary.eq", "unary.exp", "reduce",
                 "gemm", "ternary.where", "ternary.clamp", "ternary.addcmul", "nonzero_count", "index_offsets",
                 "index_gather", "index_scatter", "masked_fill"):
        assert slot not in missing


@needs_module
def test_cublas_is_not_loaded_before_a_matmul():
    assert "not loaded" in _C_cuda._cublas_info() or "libcublas" in _C_cuda._cublas_info()
