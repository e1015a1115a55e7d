// nn_fused.h: the CPU kernels of the fused losses and norms (nn_fused.cpp).
#pragma once

#include "../core/kernels_nn.h"

namespace mt::cpu {

void register_nn_fused(NnKernelTable& t);

}  // namespace mt::cpu
