// pool.h: max / average pooling, plain and adaptive, 1 to 3 spatial dims
// (ext/ops/pool.cpp, Note [Fused pooling]). A header of its own so that
// adding these ops rebuilds only the files that use them.
#pragma once

#include <array>

#include "ops.h"

namespace mt::ops {

// One pooling op's parameters, nd values per list (nd = input.dim() - 2).
// kernel, stride, padding and dilation are read only when !adaptive; out is
// the output's spatial size (computed by the caller: ceil_mode lives there).
struct PoolParams {
  bool max = true, adaptive = false, count_include_pad = true;
  int64_t divisor = 0;  // divisor_override (any sign); 0: none
  Dims kernel, stride, padding, dilation, out;
};

// input (N, C, *spatial) -> (out (N, C, *p.out), indices (int64, the same
// shape; max only, else null)). Float dtypes; plain max pooling also the
// integer ones, plain average pooling also int64 (a truncating division).
std::array<Tensor, 2> pool(const Tensor& input, const PoolParams& p);
// The gradient for an input of `input_sizes` and `dtype` (grad's): grad
// scattered to `indices` (max) or spread over each window.
Tensor pool_backward(const Tensor& grad, const Dims& input_sizes, const Tensor& indices,
                     const PoolParams& p);

}  // namespace mt::ops
