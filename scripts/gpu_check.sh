#!/usr/bin/env bash
# gpu_check.sh: the CUDA backend's check on a machine with a GPU (issue 10, item 7).
#
# Builds minitorch with CUDA in place (pip install --no-build-isolation -e .; no
# network needed: numpy, pytest and setuptools must already be installed), runs
# tests/cuda (every CUDA op against the CPU result) and the CPU-side CUDA tests,
# runs compute-sanitizer memcheck on a short subset where it is installed, times a
# few GPU rows side by side with torch when a CUDA torch is importable, and writes
# everything under $OUT (default ./gpu_check_out): build.log, tests.log, junit.xml,
# memcheck.log, bench.txt, summary.txt. Exits non-zero when the build or a test
# fails. Budget: under 8 minutes on one GPU and 16 cores.
#
# Env: MINITORCH_CUDA_ARCH (default: the GPU's own compute capability, so only one
#      architecture is compiled), MAX_JOBS (parallel compiles), PYTHON.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${OUT:-$ROOT/gpu_check_out}"
PY="${PYTHON:-python}"
mkdir -p "$OUT"
cd "$ROOT"
start=$(date +%s)
summary() { echo "$*" | tee -a "$OUT/summary.txt"; }
: > "$OUT/summary.txt"

nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1 || true
if [ -z "${MINITORCH_CUDA_ARCH:-}" ]; then
  cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d ' .')
  export MINITORCH_CUDA_ARCH="${cap:-90}"
fi
summary "gpu_check: $(head -c 200 "$OUT/nvidia-smi.txt" | tr '\n' ' ' | cut -c1-120)"
summary "arch: $MINITORCH_CUDA_ARCH, python: $($PY --version 2>&1)"

# 1. Build (MINITORCH_CUDA=1: a missing nvcc is an error here).
export MINITORCH_CUDA=1
if ! MAX_JOBS="${MAX_JOBS:-16}" "$PY" -m pip install --no-build-isolation --no-deps -v -e . \
    > "$OUT/build.log" 2>&1; then
  tail -40 "$OUT/build.log"
  summary "BUILD FAILED (see build.log)"
  exit 1
fi
built=$(date +%s)
summary "build: ok in $((built - start)) s"
"$PY" -c "import minitorch as mt; print('is_available', mt.cuda.is_available(), \
'device_count', mt.cuda.device_count(), 'name', mt.cuda.get_device_name() if \
mt.cuda.is_available() else None)" 2>&1 | tee -a "$OUT/summary.txt"

# 2. Tests: tests/cuda and the CPU-side CUDA tests (the latter skip on a GPU box).
timeout 300 "$PY" -m pytest tests/cuda tests/test_cuda_cpu_side.py tests/test_build.py -q \
  -p no:cacheprovider -x --junitxml="$OUT/junit.xml" > "$OUT/tests.log" 2>&1
rc=$?
tail -5 "$OUT/tests.log" | tee -a "$OUT/summary.txt"
summary "tests: exit status $rc"

# 3. compute-sanitizer memcheck on a short subset (when installed).
CS="$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)"
if [ -x "$CS" ]; then
  timeout 120 "$CS" --tool memcheck --leak-check no --error-exitcode 9 "$PY" -m pytest \
    tests/cuda/test_cuda_ops.py -q -p no:cacheprovider -x \
    -k "round_trip or strided_and_broadcast or binary_matches_cpu and float32 or sum_matches" \
    > "$OUT/memcheck.log" 2>&1
  summary "memcheck: exit status $? ($(grep -c 'Invalid' "$OUT/memcheck.log") invalid accesses)"
else
  summary "memcheck: compute-sanitizer not found, skipped"
fi

# 4. Benchmark rows side by side with torch (when a CUDA torch is importable).
timeout 120 "$PY" - > "$OUT/bench.txt" 2>&1 <<'PYEOF'
import time
import minitorch as mt
try:
    import torch
    assert torch.cuda.is_available()
except Exception as e:  # noqa: BLE001
    torch = None
    print("torch with CUDA unavailable:", e)

def timeit(lib, fn, reps=20):
    fn(); lib.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(reps):
        fn()
    lib.cuda.synchronize()
    return (time.perf_counter() - t) / reps

def rows(lib):
    n = 64 * 2**20
    a = lib.ones(n, device="cuda"); b = lib.ones(n, device="cuda")
    p = lib.ones(4096, 16384, device="cuda").t()  # permuted: meets a row-major operand
    q = lib.ones(16384, 4096, device="cuda")
    m = lib.ones(4096, 4096, device="cuda")
    mb = m.to(lib.bfloat16)
    s = lib.ones(3, device="cuda")
    return {
        "add 64M f32": timeit(lib, lambda: a + b),
        "sum 64M f32": timeit(lib, lambda: a.sum()),
        "add permuted 64M": timeit(lib, lambda: p + q),
        "matmul 4096 f32": timeit(lib, lambda: m @ m, 5),
        "matmul 4096 bf16": timeit(lib, lambda: mb @ mb, 5),
        "add 3 elems (host time)": timeit(lib, lambda: s + s, 2000),
    }

ours = rows(mt)
theirs = rows(torch) if torch is not None else {}
print(f"{'row':28s} {'minitorch':>12s} {'torch':>12s} {'torch/minitorch':>16s}")
for k, v in ours.items():
    t = theirs.get(k)
    print(f"{k:28s} {v*1e3:10.3f}ms {t*1e3 if t else float('nan'):10.3f}ms "
          f"{(t / v) if t else float('nan'):16.2f}")
PYEOF
summary "bench: exit status $? (bench.txt)"
cat "$OUT/bench.txt" >> "$OUT/summary.txt"
summary "total: $(( $(date +%s) - start )) s"
exit "$rc"
