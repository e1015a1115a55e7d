// cuda_check.h: every CUDA runtime call is checked (STYLE rule 9).
//
// MT_CUDA_CHECK(call) turns a failing cudaError_t into mt::Error
// (RuntimeError) naming the call text, file and line; MT_CUDA_LAUNCH_CHECK()
// follows every kernel launch. (llm.c's cudaCheck, ggml's CUDA_CHECK.)
#pragma once

#include <cuda_runtime_api.h>

#include "../core/error.h"

namespace mt::cuda {

[[noreturn]] inline void cuda_fail(cudaError_t err, const char* call, const char* file, int line) {
  if (err == cudaErrorMemoryAllocation) cudaGetLastError();  // not sticky: clear it
  MT_THROW(RuntimeError, "CUDA error: ", cudaGetErrorString(err), " (", cudaGetErrorName(err),
           ") in ", call, " at ", file, ":", line);
}

}  // namespace mt::cuda

#define MT_CUDA_CHECK(call)                                           \
  do {                                                                \
    cudaError_t mt_cuda_err_ = (call);                                \
    if (mt_cuda_err_ != cudaSuccess)                                  \
      ::mt::cuda::cuda_fail(mt_cuda_err_, #call, __FILE__, __LINE__); \
  } while (0)

#define MT_CUDA_LAUNCH_CHECK() MT_CUDA_CHECK(cudaGetLastError())
