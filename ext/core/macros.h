// macros.h: annotations shared by host-only and CUDA builds.
//
// MT_HOST_DEVICE marks code that both the CPU backend (g++) and a CUDA
// backend (nvcc) compile: the elementwise and reduction functors in
// ext/core/functors/. Under g++ it expands to nothing.
#pragma once

#ifdef __CUDACC__
#define MT_HOST_DEVICE __host__ __device__
#else
#define MT_HOST_DEVICE
#endif
