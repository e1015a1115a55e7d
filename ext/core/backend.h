// backend.h: how the separately built CUDA module plugs into _C.
//
// Note [CUDA backend registration]
// minitorch._C_cuda is a second extension module, built only where nvcc is
// found (setup.py). _C never links against it: at import, _C_cuda takes the
// capsule `minitorch._C._backend_api` (a BackendApi), checks that both modules
// were built from the same headers (abi and the struct sizes), and fills the
// CUDA KernelTable and the CudaHooks below. Until then (a CPU-only build, or
// before the import), CUDA is "not compiled"; afterwards, whether a GPU can
// be used is asked lazily through CudaHooks::unavailable, so importing
// _C_cuda on a machine without a driver or GPU never fails and never touches
// a device. Everything in _C that needs a GPU goes through check_cuda_usable(),
// which raises RuntimeError saying which of the three cases holds.
//
// Only plain data and function pointers cross the module boundary; code that
// _C_cuda compiles from ext/core must be header-only (inline), since _C
// exports no symbols (tests/test_cuda_cpu_side.py checks _C_cuda has no
// undefined mt:: symbols).
#pragma once

#include <cstdint>

#include "kernels.h"

namespace mt {

// Host <-> device transfers (CudaHooks::memcpy).
enum class CopyKind : int8_t { HostToDevice = 0, DeviceToHost = 1, DeviceToDevice = 2 };

struct CudaHooks {
  // Why no GPU can be used ("no CUDA driver ...", "no CUDA device ..."), or
  // null when one can. Cheap after the first call.
  const char* (*unavailable)() = nullptr;
  int (*device_count)() = nullptr;
  int (*current_device)() = nullptr;
  // Copies nbytes between host and device memory on the current stream of
  // `device`; waits for it unless non_blocking (the host side must then be
  // pinned or the copy is synchronous anyway, as in CUDA).
  void (*memcpy)(void* dst, const void* src, int64_t nbytes, CopyKind kind, int device,
                 bool non_blocking) = nullptr;
};

// Bumped whenever BackendApi, CudaHooks or KernelTable change shape.
inline constexpr uint32_t kBackendAbi = 1;

struct BackendApi {
  uint32_t abi = kBackendAbi;
  uint32_t kernel_table_size = sizeof(KernelTable);
  uint32_t hooks_size = sizeof(CudaHooks);
  uint32_t tensor_iter_size = sizeof(TensorIter);
  KernelTable* cuda_table = nullptr;
  CudaHooks* cuda_hooks = nullptr;
};

// The hooks the CUDA module filled (all null before it is imported).
CudaHooks& cuda_hooks();
// The capsule payload _C hands out (backend.cpp).
BackendApi* backend_api();
// Throws RuntimeError unless a CUDA device can be used: "Torch not compiled
// with CUDA enabled", or the reason CudaHooks::unavailable gives.
void check_cuda_usable();
// d with a "current device" index (-1) replaced by the current CUDA device.
Device resolve_device(Device d);

}  // namespace mt
