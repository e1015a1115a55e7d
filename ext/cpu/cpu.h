// cpu.h: entry points of the CPU backend, called only by register.cpp.
#pragma once

#include "../core/kernels.h"

namespace mt::cpu {

void copy(const TensorIter& it);
void fill(const TensorIter& it, Scalar value);
void arange(char* out, int64_t n, DType dt, double start, double step);
void linspace(char* out, int64_t n, DType dt, double start, double end);
void uniform(char* out, int64_t n, DType dt, double lo, double hi, uint64_t seed, uint64_t offset);
void normal(char* out, int64_t n, DType dt, double mean, double std, uint64_t seed,
            uint64_t offset);
void randint(char* out, int64_t n, DType dt, int64_t low, int64_t high, uint64_t seed,
             uint64_t offset);
void randperm(char* out, int64_t n, DType dt, uint64_t seed, uint64_t offset);

// ---- elementwise ----
// Fill KernelTable::unary / binary / ternary (unary.cpp, binary_*.cpp,
// ternary.cpp); missing_kernels() checks afterwards that every slot is set.
void register_unary(KernelTable& t);
void register_binary_arith(KernelTable& t);
void register_binary_divide(KernelTable& t);
void register_binary_compare(KernelTable& t);
void register_binary_logic(KernelTable& t);
void register_binary_float(KernelTable& t);
void register_ternary(KernelTable& t);
// Fill KernelTable::sgd_step / adam_step / rmsprop_step / adagrad_step (optim.cpp).
void register_optim(KernelTable& t);
// ---- end elementwise ----

// ---- reductions ----
// reduce.cpp, reduce_scan.cpp; see ext/core/reduce_plan.h.
void reduce(const ReducePlan& plan, const ReduceArgs& args);
void scan(const ReducePlan& plan, const ReduceArgs& args);
void softmax(const ReducePlan& plan, const ReduceArgs& args);
// ---- end reductions ----

// ---- shape/index ----
// index.cpp
bool index_offsets(const TensorIter& it, int64_t size, int64_t stride, bool wrap,
                   int64_t* bad_index);
void index_gather(const TensorIter& it);
void index_scatter(const TensorIter& it, KernelTable::ScatterOp op, Scalar alpha);
void masked_fill(const TensorIter& it, Scalar value);
int64_t nonzero_count(const TensorIter& it);
void nonzero(const TensorIter& it, const int64_t* sizes, int64_t ndim, int64_t* out);
void triangle(char* data, DType dt, int64_t batch, int64_t rows, int64_t cols, int64_t k,
              bool lower);
// sort.cpp
void sort(char* values, int64_t* indices, DType dt, int64_t rows, int64_t len, bool descending);
void topk(const char* src, DType dt, int64_t rows, int64_t len, int64_t k, bool largest,
          char* values, int64_t* indices);
void lexsort_rows(const char* data, DType dt, int64_t n, int64_t row_len, int64_t* perm);
int64_t unique_runs(const char* data, DType dt, int64_t n, int64_t row_len, int64_t* group,
                    int64_t* first);
void searchsorted(const char* seq, const int64_t* sorter, int64_t seq_rows, int64_t len,
                  const char* vals, int64_t rows, int64_t m, DType dt, char* out, DType out_dt,
                  bool right);
// ---- end shape/index ----

// ---- matmul ----
void gemm(const GemmArgs& g);  // matmul.cpp
// ---- end matmul ----

}  // namespace mt::cpu
