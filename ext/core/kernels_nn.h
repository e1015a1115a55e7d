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

// ---- rnnattn (types) ----
// scaled_dot_product_attention's operands (ext/cpu/attention.cpp, Note [Fused
// attention] in ext/ops/attention.cpp). q: (batch*heads, L, E), k: (batch*kv_heads,
// S, E), v: (batch*kv_heads, S, Ev), contiguous, of `dtype` (Float32 or Float64);
// query head h reads kv head h / (heads / kv_heads) of its batch. The mask, when
// set, is bool (mask_bool) or `dtype`, element (b, h, i, j) at
// mask + b*mask_sb + h*mask_sh + i*mask_sl + j*mask_ss (strides in elements, 0
// where it broadcasts). out: (batch*heads, L, Ev); lse: (batch*heads, L), the
// rows' logsumexp (+inf for a row with every key masked, whose output is 0).
struct SdpaArgs {
  DType dtype = DType::Float32;
  int64_t batch = 0, heads = 0, kv_heads = 0, L = 0, S = 0, E = 0, Ev = 0;
  const void* q = nullptr;
  const void* k = nullptr;
  const void* v = nullptr;
  const void* mask = nullptr;
  bool mask_bool = false;
  int64_t mask_sb = 0, mask_sh = 0, mask_sl = 0, mask_ss = 0;
  bool causal = false;  // key j > query i is masked (PyTorch's top-left tril)
  double scale = 1.0;
  void* out = nullptr;
  void* lse = nullptr;
  // backward: reads out, lse and dout; writes dq, dk, dv (shaped as q, k, v).
  const void* dout = nullptr;
  void* dq = nullptr;
  void* dk = nullptr;
  void* dv = nullptr;
};
// ---- end rnnattn (types) ----

struct NnKernelTable {
  // Families add their slots here.
  // ---- rnnattn ----
  // The recurrent cells' pointwise gate math (ext/cpu/nn_rnn.cpp, Note [Fused RNN
  // cells] in ext/ops/rnnattn.cpp). Every buffer is contiguous, row-major, of
  // `dtype` (Float32 or Float64), `batch` rows; gi/gh are the input and hidden
  // projections with their biases, ws the workspace the backward reads.
  // LSTM: gi, gh (batch, 4h) in PyTorch's gate order i, f, g, o; cx, hy, cy
  // (batch, h); ws (batch, 5h) = sigmoid(i), sigmoid(f), tanh(g), sigmoid(o), tanh(cy).
  void (*lstm_cell)(DType dtype, int64_t batch, int64_t hidden, const void* gi, const void* gh,
                    const void* cx, void* hy, void* cy, void* ws) = nullptr;
  // dgates (batch, 4h): the gradient of the pre-activation gates; dcx (batch, h).
  void (*lstm_cell_backward)(DType dtype, int64_t batch, int64_t hidden, const void* dhy,
                             const void* dcy, const void* ws, const void* cx, void* dgates,
                             void* dcx) = nullptr;
  // GRU: gi, gh (batch, 3h), gate order r, z, n; hx, hy (batch, h); ws (batch, 4h) =
  // r, z, n, gh's n part.
  void (*gru_cell)(DType dtype, int64_t batch, int64_t hidden, const void* gi, const void* gh,
                   const void* hx, void* hy, void* ws) = nullptr;
  void (*gru_cell_backward)(DType dtype, int64_t batch, int64_t hidden, const void* dhy,
                            const void* ws, const void* hx, void* dgi, void* dgh,
                            void* dhx) = nullptr;
  // Elman: hy = tanh(gi + gh) (relu(gi + gh) when relu); n elements.
  void (*rnn_cell)(DType dtype, int64_t n, const void* gi, const void* gh, bool relu,
                   void* hy) = nullptr;
  // dpre = dhy * tanh'(.) (from hy), or dhy where hy > 0 (relu).
  void (*rnn_cell_backward)(DType dtype, int64_t n, const void* dhy, const void* hy, bool relu,
                            void* dpre) = nullptr;
  // Tiled attention with an online softmax, and its backward from lse.
  void (*sdpa_forward)(const SdpaArgs& a) = nullptr;
  void (*sdpa_backward)(const SdpaArgs& a) = nullptr;
  // ---- end rnnattn ----
};

// The nn table for a device type (never null; entries may be).
NnKernelTable& nn_kernel_table(DeviceType type);
// Names of the null slots of `type`'s nn table, without the "nn." prefix.
std::vector<std::string> missing_nn_kernels(DeviceType type);

// Implemented by ext/cpu (register_nn.cpp); called by register_cpu_kernels().
void register_cpu_nn_kernels();

}  // namespace mt
