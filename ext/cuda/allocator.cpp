// allocator.cpp: one CachingAllocator (caching_allocator.h, Note [CUDA
// caching allocator]) per device, over cudaMalloc / cudaFree.
#include <memory>
#include <mutex>

#include "cuda.h"

namespace mt::cuda {

namespace {

void* raw_alloc(void* ctx, int64_t nbytes) {
  DeviceGuard guard(static_cast<int>(reinterpret_cast<intptr_t>(ctx)));
  void* p = nullptr;
  cudaError_t err = cudaMalloc(&p, static_cast<size_t>(nbytes));
  if (err == cudaErrorMemoryAllocation) {
    cudaGetLastError();  // clear it: the allocator retries after freeing its cache
    return nullptr;
  }
  MT_CUDA_CHECK(err);
  return p;
}
void raw_free(void* ctx, void* ptr) {
  DeviceGuard guard(static_cast<int>(reinterpret_cast<intptr_t>(ctx)));
  // A segment is only freed when no live tensor uses it; cudaFree waits for
  // the device, so queued kernels have finished with it.
  MT_CUDA_CHECK(cudaFree(ptr));
}
void mem_info(void* ctx, int64_t* free_bytes, int64_t* total_bytes) {
  DeviceGuard guard(static_cast<int>(reinterpret_cast<intptr_t>(ctx)));
  size_t f = 0, t = 0;
  if (cudaMemGetInfo(&f, &t) != cudaSuccess) cudaGetLastError();
  *free_bytes = static_cast<int64_t>(f);
  *total_bytes = static_cast<int64_t>(t);
}

std::mutex g_mu;
std::unique_ptr<CachingAllocator> g_allocators[64];

CachingAllocator& allocator_for(int device) {
  const int d = checked_device(device);
  std::lock_guard<std::mutex> lock(g_mu);
  if (!g_allocators[d]) {
    CachingAllocator::Device dev;
    dev.raw_alloc = raw_alloc;
    dev.raw_free = raw_free;
    dev.mem_info = mem_info;
    dev.ctx = reinterpret_cast<void*>(static_cast<intptr_t>(d));
    dev.index = d;
    g_allocators[d] = std::make_unique<CachingAllocator>(dev);
  }
  return *g_allocators[d];
}

}  // namespace

// The Allocator of the CUDA kernel table. The pointer alone finds its
// device: every allocator is asked in turn (few devices, and free is rare
// compared with kernel work).
void* device_alloc(int64_t nbytes, int device, void* stream) {
  const char* why = unavailable();
  MT_CHECK(why == nullptr, why);
  const int d = checked_device(device);
  if (stream == nullptr) stream = current_stream(d);
  return allocator_for(d).allocate(nbytes, stream);
}

void device_free(void* /*nbytes*/, void* ptr) {
  if (ptr == nullptr) return;
  for (auto& a : g_allocators)
    if (a) a->free(ptr);  // a pointer another device's allocator does not know is ignored
}

MemoryStats memory_stats(int device) {
  if (unavailable() != nullptr) return MemoryStats{};
  return allocator_for(device).stats();
}
void reset_peak_memory_stats(int device) {
  if (unavailable() == nullptr) allocator_for(device).reset_peak();
}
void empty_cache() {
  for (auto& a : g_allocators)
    if (a) a->empty_cache();
}

}  // namespace mt::cuda
