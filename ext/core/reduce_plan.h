// reduce_plan.h: what ext/ops hands a device's reduction, scan and softmax
// kernels (the `reduce`, `scan`, `softmax` entries of KernelTable).
//
// Note [Reduction plan]
// A reduction maps an input to one output element per "outer" position (the
// kept dims), each computed from the input elements at the "inner" positions
// (the reduced dims). ops/reduce.cpp builds the plan once for every device:
//   - outer: kept dims, innermost first, size-1 dims dropped and adjacent dims
//     merged where the input and every output stay linear over the pair;
//   - inner: reduced dims, innermost first, size-1 dims dropped and merged
//     the same way over the input only. Dims are never reordered, so the
//     linear position over `inner` is the row-major index over the reduced
//     dims of the original tensor (argmax over all dims relies on this);
//   - all strides are in BYTES (negative and zero allowed).
// Scans and softmax use the same plan with exactly one inner dim (the `dim`
// argument, kept even when its size is 1) and inner_out[k] holding each
// output's stride along it.
//
// Note [Deterministic reductions]
// Results never depend on the thread count: a kernel picks its evaluation
// order from the plan (shapes and strides) only. Work split across threads is
// cut by parallel_for's fixed chunks, and per-chunk partial results are
// combined in chunk order.
#pragma once

#include <cstdint>

#include "dims.h"
#include "dtype.h"

namespace mt {

enum class ReduceKind : int8_t {
  // reductions (KernelTable::reduce). Unless noted, out[0] has the input's
  // dtype; sum-like kinds of an integral or bool input may instead write int64.
  Sum,
  NanSum,
  Prod,
  Mean,     // floating only
  NanMean,  // floating only
  Max,      // values only (amax, max()), NaN propagates
  Min,
  ArgMax,  // out[0]: int64 index (first maximum, first NaN wins)
  ArgMin,
  MaxWithIndex,  // out[0] values, out[1] int64 indices
  MinWithIndex,
  AMinMax,  // out[0] min, out[1] max
  All,      // out[0] bool (uint8 when the input is uint8)
  Any,
  CountNonzero,  // out[0] int64
  Norm,          // floating; order in ReduceArgs::p
  Var,           // floating; out[0] var (or std), out[1] (optional) mean
  LogSumExp,     // floating
  // scans along one dim (KernelTable::scan)
  CumSum,  // out[0] like Sum
  CumProd,
  CumMax,  // out[0] values, out[1] int64 indices
  CumMin,
  // KernelTable::softmax (floating, out[0] has the input's dtype)
  Softmax,
  LogSoftmax,
};

struct ReduceArgs {
  ReduceKind kind = ReduceKind::Sum;
  double p = 2;            // Norm: order (inf, -inf, 0, 1, 2 or any other p)
  double correction = 1;   // Var: divisor is max(0, n - correction)
  bool take_sqrt = false;  // Var: write the standard deviation
};

struct ReducePlan {
  static constexpr int kMaxOut = 2;
  const char* in = nullptr;
  DType in_dtype = DType::Float32;
  int nout = 1;
  char* out[kMaxOut] = {};
  DType out_dtype[kMaxOut] = {DType::Float32, DType::Int64};

  Dims outer;               // kept dims, innermost first (see Note [Reduction plan])
  Dims outer_in;            // input byte strides over `outer`
  Dims outer_out[kMaxOut];  // output byte strides over `outer`
  Dims inner;               // reduced dims, innermost first
  Dims inner_in;            // input byte strides over `inner`
  Dims inner_out[kMaxOut];  // scans/softmax: output byte strides along the one inner dim
  int64_t outer_numel = 1;
  int64_t inner_numel = 1;
};

}  // namespace mt
