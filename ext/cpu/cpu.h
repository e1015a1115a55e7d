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
// ---- end elementwise ----

// ---- reductions ----
// reduce.cpp, reduce_scan.cpp; see ext/core/reduce_plan.h.
void reduce(const ReducePlan& plan, const ReduceArgs& args);
void scan(const ReducePlan& plan, const ReduceArgs& args);
void softmax(const ReducePlan& plan, const ReduceArgs& args);
// ---- end reductions ----

// ---- shape/index ----
// ---- end shape/index ----

// ---- matmul ----
// ---- end matmul ----

}  // namespace mt::cpu
