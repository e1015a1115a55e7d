"""Kernels a CUDA backend can share (issue 7): the functor headers compile
for nvcc, never throw, every kernel-table slot is registered, and integer
division by zero is refused before any kernel runs."""
import os
import pathlib
import shutil
import subprocess

import numpy as np
import pytest

import minitorch as mt
from minitorch import _C

ROOT = pathlib.Path(__file__).resolve().parent.parent
FUNCTORS = ROOT / "ext" / "core" / "functors"


def test_every_cpu_kernel_slot_is_registered():
    assert _C._missing_kernels("cpu") == []


def test_missing_kernels_reports_an_unbuilt_backend():
    missing = _C._missing_kernels("cuda")
    if mt.cuda._C_cuda is not None:
        # minitorch._C_cuda registered itself at import: only ops without a CUDA
        # kernel yet are missing (tests/test_cuda_cpu_side.py checks the rest).
        assert "allocator.alloc" not in missing and "binary.add" not in missing
        assert "sort" in missing
        return
    # Nothing registers a CUDA table in a CPU-only build: every slot is empty.
    assert "allocator.alloc" in missing and "binary.add" in missing and "unary.exp" in missing


def test_functor_headers_never_throw():
    for path in FUNCTORS.glob("*.h"):
        text = path.read_text()
        for bad in ("MT_CHECK", "MT_THROW", "throw ", "detail::fail"):
            assert bad not in text, f"{path.name} uses {bad}"


@pytest.mark.parametrize("dtype", [mt.int64, mt.int32, mt.uint8, mt.int8])
def test_integer_division_by_zero_raises_before_the_kernel(dtype):
    a = mt.tensor([7, 8, 9], dtype=dtype)
    zero_in_tensor = mt.tensor([1, 0, 1], dtype=dtype)
    for fn in (lambda x, y: x // y, lambda x, y: x % y, mt.fmod,
               lambda x, y: mt.div(x, y, rounding_mode="trunc")):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            fn(a, zero_in_tensor)
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            fn(a, 0)
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            fn(a, mt.tensor(0, dtype=dtype))          # 0-d tensor divisor
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            fn(a.reshape(3, 1), mt.tensor([[2, 0]], dtype=dtype))  # broadcast divisor


def test_out_is_untouched_when_division_by_zero_is_refused():
    a = mt.tensor([7, 8, 9])
    out = mt.tensor([-1, -1, -1])
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        mt.floor_divide(a, mt.tensor([1, 1, 0]), out=out)
    assert out.tolist() == [-1, -1, -1]


def test_division_without_zero_divisors_still_matches_numpy():
    rng = np.random.default_rng(0)
    x = rng.integers(-50, 50, size=(4, 5)).astype(np.int64)
    y = rng.integers(1, 9, size=(5,)).astype(np.int64) * rng.choice([-1, 1], size=5)
    a, b = mt.tensor(x), mt.tensor(y)
    assert (a // b).tolist() == (x // y).tolist()
    assert (a % b).tolist() == (x % y).tolist()
    assert mt.fmod(a, b).tolist() == np.fmod(x, y).tolist()
    # a number as dividend, tensor divisor
    assert (100 // b).tolist() == (100 // y).tolist()
    # floating division by zero is not an error
    assert mt.tensor([1.0]).div(0.0).tolist() == [float("inf")]
    assert (mt.tensor([5.0]) // 0.0).tolist() == [float("inf")]


NVCC = shutil.which("nvcc") or ("/usr/local/cuda/bin/nvcc"
                                if os.path.exists("/usr/local/cuda/bin/nvcc") else None)

CU_SOURCE = r"""
#include "binary.h"

using namespace mt::functors;

template <template <typename> class F, typename T>
__global__ void apply(const T* a, const T* b, T* out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = static_cast<T>(F<T>{}(a[i], b[i]));
}

template <template <typename> class F, typename T>
__global__ void predicate(const T* a, const T* b, bool* out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = F<T>{}(a[i], b[i]);
}

template __global__ void apply<Add, float>(const float*, const float*, float*, int);
template __global__ void apply<Mul, double>(const double*, const double*, double*, int);
template __global__ void apply<DivFloor, float>(const float*, const float*, float*, int);
template __global__ void apply<DivFloor, int64_t>(const int64_t*, const int64_t*, int64_t*, int);
template __global__ void apply<Remainder, double>(const double*, const double*, double*, int);
template __global__ void apply<Remainder, int32_t>(const int32_t*, const int32_t*, int32_t*, int);
template __global__ void apply<Fmod, float>(const float*, const float*, float*, int);
template __global__ void apply<Pow, float>(const float*, const float*, float*, int);
template __global__ void apply<Pow, int64_t>(const int64_t*, const int64_t*, int64_t*, int);
template __global__ void apply<Atan2, double>(const double*, const double*, double*, int);
template __global__ void apply<Maximum, float>(const float*, const float*, float*, int);
template __global__ void apply<Fmin, double>(const double*, const double*, double*, int);
template __global__ void apply<Lshift, int32_t>(const int32_t*, const int32_t*, int32_t*, int);
template __global__ void apply<Rshift, int64_t>(const int64_t*, const int64_t*, int64_t*, int);
template __global__ void apply<BitwiseXor, uint8_t>(const uint8_t*, const uint8_t*, uint8_t*, int);
template __global__ void predicate<Lt, float>(const float*, const float*, bool*, int);
template __global__ void predicate<LogicalXor, int64_t>(const int64_t*, const int64_t*, bool*,
                                                        int);
"""


@pytest.mark.skipif(NVCC is None, reason="nvcc not installed")
def test_functor_headers_compile_for_nvcc(tmp_path):
    src = tmp_path / "functors_check.cu"
    src.write_text(CU_SOURCE)
    cmd = [NVCC, "-std=c++20", "--expt-relaxed-constexpr", "-x", "cu", "-c",
           f"-I{FUNCTORS}", str(src), "-o", str(tmp_path / "functors_check.o")]
    # nvcc's front end crashes with the sanitizer run's LD_PRELOADed libasan.
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
