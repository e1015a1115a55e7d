// kernels.h: the per-device kernel tables.
//
// ext/ops computes shapes and dtypes once for all devices, then calls the
// kernel registered for the tensor's device in this table. Each backend
// (ext/cpu, ext/cuda) fills its table at load time (register_cpu_kernels(),
// or through a capsule for the separately built CUDA module), so ops never
// include a backend. Kernels take plain data: iterators, pointers, sizes,
// dtypes, Scalars. A missing kernel is a NotImplementedError naming the op.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "device.h"
#include "elementwise_ops.h"
#include "iterator.h"
#include "scalar.h"
#include "storage.h"

namespace mt {

// ---- matmul family (types) ----
// One GEMM problem per index of `batch` (an odometer over batch sizes):
//     C[b] = beta * C[b] + alpha * A[b] @ B[b],   A[b]: m x k, B[b]: k x n, C[b]: m x n.
// Pointers are the first element of each operand; strides are in ELEMENTS and
// may be zero (expanded operands) or negative (flipped ones). beta == 0 means
// C is not read (NaN there is ignored), as in BLAS. k == 0 gives C = beta*C.
// alpha and beta are converted to the dtype first (as PyTorch does: an int64
// addmm with alpha=1.5 uses alpha=1).
struct GemmArgs {
  DType dtype = DType::Float32;
  int64_t m = 0, n = 0, k = 0;
  char* a = nullptr;
  char* b = nullptr;
  char* c = nullptr;
  int64_t a_rs = 0, a_cs = 0, b_rs = 0, b_cs = 0, c_rs = 0, c_cs = 0;  // row/col strides
  Dims batch;                                                          // batch sizes (may be empty)
  Dims a_bs, b_bs, c_bs;                                               // per-batch-dim strides
  Scalar alpha = Scalar::from_int(1), beta = Scalar::from_int(0);
};

// Row-major, CBLAS-style GEMM of a BLAS library with 64-bit sizes:
// C = alpha * op(A) @ op(B) + beta * C, op(X) = X or X^T (trans_*), unit stride
// along rows of each stored matrix, leading dimensions lda/ldb/ldc.
using SGemmFn = void (*)(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                         const float* a, int64_t lda, const float* b, int64_t ldb, float beta,
                         float* c, int64_t ldc);
using DGemmFn = void (*)(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha,
                         const double* a, int64_t lda, const double* b, int64_t ldb, double beta,
                         double* c, int64_t ldc);
struct BlasGemm {
  SGemmFn sgemm = nullptr;
  DGemmFn dgemm = nullptr;
  int64_t max_dim = 0;  // largest m, n, k, ld* the library takes (LP64: 2^31 - 1)
};
// ---- end matmul (types) ----

struct KernelTable {
  Allocator allocator;
  // dst[i] = src[i] with conversion; the iterator has 1 output, 1 input.
  void (*copy)(const TensorIter& it) = nullptr;
  // Copies raw bytes between two buffers of this device.
  void (*copy_bytes)(void* dst, const void* src, int64_t nbytes) = nullptr;
  // out[i] = value; iterator with 1 output.
  void (*fill)(const TensorIter& it, Scalar value) = nullptr;
  // Contiguous out of n elements: out[i] = start + i * step (linspace: the
  // second half counts back from `end` so the last value is exactly `end`).
  void (*arange)(char* out, int64_t n, DType dt, double start, double step) = nullptr;
  void (*linspace)(char* out, int64_t n, DType dt, double start, double end) = nullptr;
  // Random fills of a contiguous buffer from Philox(seed, offset).
  void (*uniform)(char* out, int64_t n, DType dt, double lo, double hi, uint64_t seed,
                  uint64_t offset) = nullptr;
  void (*normal)(char* out, int64_t n, DType dt, double mean, double std, uint64_t seed,
                 uint64_t offset) = nullptr;
  void (*randint)(char* out, int64_t n, DType dt, int64_t low, int64_t high, uint64_t seed,
                  uint64_t offset) = nullptr;
  void (*randperm)(char* out, int64_t n, DType dt, uint64_t seed, uint64_t offset) = nullptr;

  // ---- unary / binary / ternary elementwise (issue: operator library) ----
  // One kernel per op, indexed by op_index(op); see ext/core/elementwise_ops.h.
  ElemKernel unary[kNumUnaryOps] = {};
  ElemKernel binary[kNumBinaryOps] = {};
  ElemKernel ternary[kNumTernaryOps] = {};
  // ---- end elementwise ----

  // ---- reductions ----
  // Plans and kinds live in reduce_plan.h (Note [Reduction plan]); the
  // elaborated `struct` names keep this table free of that include.
  // reduce: one result per outer position over all inner positions.
  void (*reduce)(const struct ReducePlan& plan, const struct ReduceArgs& args) = nullptr;
  // scan: cumulative op along the plan's single inner dim.
  void (*scan)(const struct ReducePlan& plan, const struct ReduceArgs& args) = nullptr;
  // softmax / log_softmax along the plan's single inner dim.
  void (*softmax)(const struct ReducePlan& plan, const struct ReduceArgs& args) = nullptr;
  // ---- end reductions ----

  // ---- shape, copying and indexing ops ----
  // See Note [Index offsets] in ext/ops/index.cpp: gather, scatter, advanced
  // indexing, index_select/add/copy/fill and take all become "element at
  // base + offset", with the offsets computed first into an int64 tensor.
  // Maximum / Minimum (scatter_reduce's amax / amin) propagate NaN.
  enum class ScatterOp : int8_t { Assign, Add, Multiply, Maximum, Minimum };
  // Iterator [acc int64 (output), index (any integer dtype)]:
  //   acc += index * stride, after wrapping a negative index by `size` when
  //   `wrap`. An index outside the valid range is not an exception (kernels
  //   never throw): the kernel returns false and stores one such index in
  //   *bad_index (acc is then partly updated); the caller raises.
  bool (*index_offsets)(const TensorIter& it, int64_t size, int64_t stride, bool wrap,
                        int64_t* bad_index) = nullptr;
  // Iterator [out, src, off int64]; out and src have the same dtype:
  //   out = the element `off` elements away from src.
  void (*index_gather)(const TensorIter& it) = nullptr;
  // Iterator [dst, src, off int64]; same dtype: the element `off` elements
  // away from dst (op)= src (Add adds alpha * src). Runs serially, so
  // duplicate offsets apply in iteration order (the last write wins).
  void (*index_scatter)(const TensorIter& it, ScatterOp op, Scalar alpha) = nullptr;
  // Iterator [self (output), mask bool]: self = value where mask.
  void (*masked_fill)(const TensorIter& it, Scalar value) = nullptr;
  // Iterator [input] (built as its one "output"): number of nonzero elements.
  int64_t (*nonzero_count)(const TensorIter& it) = nullptr;
  // Iterator [input] over `sizes` (ndim dims, row-major): writes the
  // multi-index of each nonzero element in order to out ([count, ndim] int64).
  void (*nonzero)(const TensorIter& it, const int64_t* sizes, int64_t ndim, int64_t* out) = nullptr;
  // values: contiguous [rows, len], sorted in place along each row (stable;
  // NaN above every number, as PyTorch); indices [rows, len] receives the
  // original positions.
  void (*sort)(char* values, int64_t* indices, DType dt, int64_t rows, int64_t len,
               bool descending) = nullptr;
  // src: contiguous [rows, len]; values/indices: contiguous [rows, k], the k
  // largest (smallest) of each row, largest (smallest) first, ties by position.
  void (*topk)(const char* src, DType dt, int64_t rows, int64_t len, int64_t k, bool largest,
               char* values, int64_t* indices) = nullptr;
  // data: contiguous [n, row_len]: perm[0..n) = the row order that sorts the
  // rows lexicographically (stable).
  void (*lexsort_rows)(const char* data, DType dt, int64_t n, int64_t row_len,
                       int64_t* perm) = nullptr;
  // data: contiguous sorted [n, row_len]. group[i] = number of the run of equal
  // rows that row i belongs to; first[g] = the first row of run g, and
  // first[count] = n. Returns count. (first holds n + 1 entries.)
  int64_t (*unique_runs)(const char* data, DType dt, int64_t n, int64_t row_len, int64_t* group,
                         int64_t* first) = nullptr;
  // seq: contiguous [rows or 1, len] sorted (through `sorter`, [rows or 1, len]
  // int64, when not null); vals: contiguous [rows, m]; out: [rows, m] of
  // out_dt (Int64 or Int32). Row r of vals searches row r of seq, or row 0
  // when seq has one row. right: first position whose value is > v (else >= v).
  void (*searchsorted)(const char* seq, const int64_t* sorter, int64_t seq_rows, int64_t len,
                       const char* vals, int64_t rows, int64_t m, DType dt, char* out, DType out_dt,
                       bool right) = nullptr;
  // data: contiguous [batch, rows, cols]; zeroes what tril (lower) or triu
  // keeps out: lower keeps j <= i + k, upper keeps j >= i + k.
  void (*triangle)(char* data, DType dt, int64_t batch, int64_t rows, int64_t cols, int64_t k,
                   bool lower) = nullptr;
  // ---- end shape/index ----

  // ---- matmul family ----
  // Batched strided GEMM, see GemmArgs. c never overlaps a or b (ops/matmul.cpp
  // guarantees it). Errors (none expected) are mt::Error.
  void (*gemm)(const GemmArgs& g) = nullptr;
  // A tuned BLAS for float32/float64, or nulls. Found at import by whoever can
  // (the glue finds NumPy's OpenBLAS; see Note [CPU BLAS] in cpu/matmul.cpp);
  // the CPU gemm kernel uses it when set.
  BlasGemm blas;
  // ---- end matmul ----

  // ---- fused optimizer steps (ext/ops/optim.cpp, Note [Fused optimizer steps]) ----
  // Iterator [param (output), grad, momentum_buffer] (the buffer is the
  // parameter again when the step has no momentum), one float dtype: updates
  // param and buffer in place.
  void (*sgd_step)(const TensorIter& it, const struct SgdStep& s) = nullptr;
  // Iterator [param (output), grad, exp_avg, exp_avg_sq, max_exp_avg_sq] (the
  // last is exp_avg_sq again without amsgrad): updates all but grad in place.
  void (*adam_step)(const TensorIter& it, const struct AdamStep& s) = nullptr;
  // Iterator [param (output), grad, square_avg, grad_avg, momentum_buffer]
  // (the last two are square_avg again when not centered / without momentum).
  void (*rmsprop_step)(const TensorIter& it, const struct RmspropStep& s) = nullptr;
  // Iterator [param (output), grad, state_sum].
  void (*adagrad_step)(const TensorIter& it, const struct AdagradStep& s) = nullptr;
  // Iterator [param (output), grad, exp_avg, exp_inf].
  void (*adamax_step)(const TensorIter& it, const struct AdamaxStep& s) = nullptr;
  // Iterator [param (output), grad, exp_avg, exp_avg_sq] (NAdam and RAdam).
  void (*nadam_step)(const TensorIter& it, const struct NadamStep& s) = nullptr;
  void (*radam_step)(const TensorIter& it, const struct RadamStep& s) = nullptr;
  // ---- end fused optimizer steps ----
};

// The table for a device type (never null; entries may be). The tables are
// an array indexed by DeviceType (kernels.cpp).
KernelTable& kernel_table(DeviceType type);
// Names of the slots of `type`'s table that are still null ("allocator",
// "copy", "unary.exp", "binary.add", ...). A backend's registration calls it
// last and refuses to load when it is not empty; tests check it too.
std::vector<std::string> missing_kernels(DeviceType type);
// Whether a backend has registered itself for this device type.
bool device_available(DeviceType type);

inline const Allocator& allocator(DeviceType type) {
  const Allocator& a = kernel_table(type).allocator;
  MT_CHECK(a.alloc != nullptr, "Torch not compiled with CUDA enabled");
  return a;
}
inline void copy_bytes(Device d, void* dst, const void* src, int64_t nbytes) {
  kernel_table(d.type).copy_bytes(dst, src, nbytes);
}

// Fetches a kernel, raising NotImplementedError if the device lacks it.
template <typename Fn>
Fn need(Fn fn, const char* op, Device d) {
  MT_CHECK_KIND(NotImplementedError, fn != nullptr, "'", op, "' is not implemented for device '",
                d.str(), "'");
  return fn;
}

// Implemented by ext/cpu; called once by the module's init.
void register_cpu_kernels();

}  // namespace mt
