// pool.h: the differentiable pooling op (functions_pool.cpp). A header of
// its own so that it rebuilds only its users (the glue's ops_pool.cpp).
#pragma once

#include "../ops/pool.h"
#include "autograd.h"

namespace mt::ag {

// ops::pool, recording one node (MaxPoolBackward0, AvgPoolBackward0,
// AdaptiveMaxPoolBackward0 or AdaptiveAvgPoolBackward0) whose backward is
// ops::pool_backward. It is not differentiable again: backward with
// create_graph=True through it raises RuntimeError.
std::array<Tensor, 2> pool(const Tensor& input, const ops::PoolParams& p);

}  // namespace mt::ag
