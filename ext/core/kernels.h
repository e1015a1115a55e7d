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

#include "device.h"
#include "iterator.h"
#include "scalar.h"
#include "storage.h"

namespace mt {

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
  // (entries for ops/unary.cpp, ops/binary.cpp go here)
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
  // (entries for ops/index.cpp, ops/sort.cpp, ... go here)
  // ---- end shape/index ----

  // ---- matmul family ----
  // (entries for ops/matmul.cpp go here)
  // ---- end matmul ----
};

// The table for a device type (never null; entries may be).
KernelTable& kernel_table(DeviceType type);
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
