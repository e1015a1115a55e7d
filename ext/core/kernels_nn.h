// kernels_nn.h: the per-device table of the fused neural-network kernels
// (convolution, pooling, losses, norms, embedding, recurrent cells, attention).
//
// It keeps kernels.h's contract: ext/ops computes shapes and dtypes, then
// calls the kernel that the tensor's device registered here, fetched through
// mt::need (a null slot is a NotImplementedError naming the op). It is a
// table of its own only so that adding a slot rebuilds the few files that use
// these kernels, not every file that includes kernels.h. Each family adds its
// slots in a block of its own, "// ---- <family> ----" ... "// ---- end ----",
// and lists them in missing_nn_kernels (kernels.cpp), which
// missing_kernels() reports with an "nn." prefix.
#pragma once

#include <string>
#include <vector>

#include "kernels.h"

namespace mt {

struct NnKernelTable {
  // Families add their slots here.
};

// The nn table for a device type (never null; entries may be).
NnKernelTable& nn_kernel_table(DeviceType type);
// Names of the null slots of `type`'s nn table, without the "nn." prefix.
std::vector<std::string> missing_nn_kernels(DeviceType type);

// Implemented by ext/cpu (register_nn.cpp); called by register_cpu_kernels().
void register_cpu_nn_kernels();

}  // namespace mt
