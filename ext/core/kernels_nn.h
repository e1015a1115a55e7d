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

// ---- conv (types) ----
// The geometry of one im2col / col2im (ext/ops/conv.cpp, Note [Convolution
// as GEMM]): `channels` image planes of `size` (1 to 3 spatial dims, unused
// trailing dims 1), windows of `kernel` taps spaced by `dilation`, placed
// every `stride` from -`padding`, at `out` positions per dim (given, not
// derived: a transposed convolution's output_padding makes them differ from
// the usual formula). Taps that fall outside the image read as zero.
struct ConvGeom {
  int nd = 0;
  int64_t channels = 0;
  int64_t size[3] = {1, 1, 1}, kernel[3] = {1, 1, 1}, stride[3] = {1, 1, 1};
  int64_t padding[3] = {0, 0, 0}, dilation[3] = {1, 1, 1}, out[3] = {1, 1, 1};
};
// ---- end conv (types) ----

struct NnKernelTable {
  // Families add their slots here.
  // ---- conv ----
  // nb contiguous images [channels, *size], image n at img + n * img_bs
  // elements, into the contiguous column matrix col [channels * K, nb * L]
  // (K = prod(kernel), L = prod(out)): row c * K + k (k the tap's row-major
  // index), column n * L + l. A pure copy, so any dtype.
  void (*im2col)(const ConvGeom& g, DType dt, const char* img, int64_t nb, int64_t img_bs,
                 char* col) = nullptr;
  // The adjoint: each image (overwritten) is the sum of the columns' entries
  // for its taps; taps in the padding are dropped. Float dtypes.
  void (*col2im)(const ConvGeom& g, DType dt, const char* col, int64_t nb, char* img,
                 int64_t img_bs) = nullptr;
  // ---- end conv ----
};

// The nn table for a device type (never null; entries may be).
NnKernelTable& nn_kernel_table(DeviceType type);
// Names of the null slots of `type`'s nn table, without the "nn." prefix.
std::vector<std::string> missing_nn_kernels(DeviceType type);

// Implemented by ext/cpu (register_nn.cpp); called by register_cpu_kernels().
void register_cpu_nn_kernels();

}  // namespace mt
