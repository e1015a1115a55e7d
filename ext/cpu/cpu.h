// cpu.h: entry points of the CPU backend, called only by register.cpp.
#pragma once

#include "../core/kernels.h"

namespace mt::cpu {

void copy(const TensorIter& it);
void fill(const TensorIter& it, Scalar value);
void arange(char* out, int64_t n, DType dt, double start, double step);
void linspace(char* out, int64_t n, DType dt, double start, double end);
void uniform(char* out, int64_t n, DType dt, double lo, double hi, uint64_t seed,
             uint64_t offset);
void normal(char* out, int64_t n, DType dt, double mean, double std, uint64_t seed,
            uint64_t offset);
void randint(char* out, int64_t n, DType dt, int64_t low, int64_t high, uint64_t seed,
             uint64_t offset);
void randperm(char* out, int64_t n, DType dt, uint64_t seed, uint64_t offset);

// ---- elementwise ----
// Fill KernelTable::unary / binary / ternary (unary.cpp, binary.cpp, ternary.cpp).
void register_unary(KernelTable& t);
void register_binary(KernelTable& t);
void register_ternary(KernelTable& t);
// ---- end elementwise ----

// ---- reductions ----
// ---- end reductions ----

// ---- shape/index ----
// ---- end shape/index ----

// ---- matmul ----
// ---- end matmul ----

}  // namespace mt::cpu
