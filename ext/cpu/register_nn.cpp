// register_nn.cpp: fills the CPU table of the fused neural-network kernels
// (core/kernels_nn.h). register_cpu_kernels() calls it before it checks that
// no slot of either table is left empty.
#include "../core/kernels_nn.h"
#include "nn_fused.h"

namespace mt {

// ---- conv (ext/cpu/conv.cpp) ----
void register_cpu_conv_kernels(NnKernelTable& t);
// ---- end conv ----
// ---- rnnattn ----
namespace cpu {
void register_rnn_cell_kernels(NnKernelTable& t);   // nn_rnn.cpp
void register_attention_kernels(NnKernelTable& t);  // attention.cpp
}  // namespace cpu
// ---- end rnnattn ----
// ---- losses ----
namespace cpu {
void register_nn_losses(NnKernelTable& t);  // nn_losses.cpp
}  // namespace cpu
// ---- end losses ----
// ---- pool (ext/cpu/pool.cpp) ----
void register_cpu_pool_kernels(NnKernelTable& t);
// ---- end pool ----

void register_cpu_nn_kernels() {
  [[maybe_unused]] NnKernelTable& t = nn_kernel_table(DeviceType::CPU);
  // Each family sets its slots here, in a block of its own.
  // ---- conv ----
  register_cpu_conv_kernels(t);
  // ---- end conv ----
  // ---- fusednn ----
  cpu::register_nn_fused(t);
  // ---- end fusednn ----
  // ---- rnnattn ----
  cpu::register_rnn_cell_kernels(t);
  cpu::register_attention_kernels(t);
  // ---- end rnnattn ----
  // ---- losses ----
  cpu::register_nn_losses(t);
  // ---- end losses ----
  // ---- pool ----
  register_cpu_pool_kernels(t);
  // ---- end pool ----
}

}  // namespace mt
