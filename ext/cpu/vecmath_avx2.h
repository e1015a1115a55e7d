// vecmath_avx2.h: hand-written AVX2+FMA float32 kernels for the functions
// where libmvec's AVX2 variant is slow (Note [Hand-written tanh and sigmoid]
// in vecmath_avx2.cpp). Call only when the CPU has AVX2 and FMA.
#pragma once

#include <cstdint>

namespace mt::cpu::vecmath::avx2 {

void tanh_f(const float* x, float* y, int64_t n);
// the same tanh and sigmoid on AVX-512F (same results); call only when the
// CPU has it
void tanh_f16(const float* x, float* y, int64_t n);
void sigmoid_f16(const float* x, float* y, int64_t n);
// float64 tanh (same form): 4 lanes (AVX2+FMA), 8 lanes (AVX-512F), same results
void tanh_d(const double* x, double* y, int64_t n);
void tanh_d8(const double* x, double* y, int64_t n);
void sigmoid_f(const float* x, float* y, int64_t n);

}  // namespace mt::cpu::vecmath::avx2
