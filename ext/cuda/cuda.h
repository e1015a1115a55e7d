// cuda.h: the CUDA backend's host-side entry points (device.cpp,
// allocator.cpp, register.cpp), used by its kernels and by the module glue
// in ext/python/cuda/module.cpp. No Python here.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>
#include <vector>

#include "../core/backend.h"
#include "caching_allocator.h"
#include "cuda_check.h"

namespace mt::cuda {

// ---- devices (device.cpp) ----
// Null when a GPU can be used, else why not ("no CUDA driver ..." /
// "no CUDA device ..."); queried once.
const char* unavailable();
int device_count();  // 0 without a driver or GPU
int current_device();
void set_device(int index);
// RuntimeError unless `index` names a visible device (-1: the current one);
// returns the resolved index.
int checked_device(int index);
// Makes `index` current for a scope and restores the previous device.
class DeviceGuard {
 public:
  explicit DeviceGuard(int index);
  ~DeviceGuard();
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int prev_ = -1;
};
// The current stream of a device for this thread (null: the default stream).
cudaStream_t current_stream(int device);
void set_current_stream(int device, cudaStream_t s);
void synchronize(int device);
void memcpy(void* dst, const void* src, int64_t nbytes, CopyKind kind, int device,
            bool non_blocking);

// ---- memory (allocator.cpp) ----
// One CachingAllocator per device (Note [CUDA caching allocator]).
using MemoryStats = CachingAllocator::Stats;
void* device_alloc(int64_t nbytes, int device, void* stream);
void device_free(void* ctx, void* ptr);
MemoryStats memory_stats(int device);
void reset_peak_memory_stats(int device);
void empty_cache();

// ---- cuBLAS (matmul.cpp, Note [cuBLAS at run time]) ----
// Library paths tried first (minitorch/cuda.py passes the nvidia-cublas
// wheel's and the toolkit's); cublas_info() says which one was loaded.
void set_cublas_paths(const std::vector<std::string>& paths);
std::string cublas_info();

// ---- registration (register.cpp) ----
// Fills the CUDA kernel table and hooks of _C; an error message or null.
const char* register_backend(BackendApi* api);

}  // namespace mt::cuda
