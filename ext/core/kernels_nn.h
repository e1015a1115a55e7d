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
#include "tensor_impl.h"

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

// ---- fusednn ----
// The fused losses and norms (Note [Fused nn losses and norms] in
// ext/ops/nn_fused.cpp). ext/ops hands every kernel contiguous tensors; the
// per-row results (loss, weight, log-sum-exp, mean, rstd) and the weight and
// bias gradients are in the accumulation dtype `nn_acc_dtype(x)`: float64 for
// float32 and float64 inputs, float32 for float16 and bfloat16.
struct NllShape {
  int64_t n = 0, c = 0, s = 0;  // input (n, c, s), target (n, s)
  int64_t ignore_index = -100;
  double smoothing = 0;      // label smoothing (log_softmax only)
  bool log_softmax = false;  // cross_entropy (true) or nll_loss of log-probabilities
};
// Per row (n * s of them): loss, the target's weight (0 when ignored) and,
// with log_softmax, the row's log-sum-exp. An out-of-range target is an
// IndexError raised before anything is written.
using NllForwardFn = void (*)(const NllShape& sh, const TensorImpl& x, const TensorImpl& target,
                              const TensorImpl* weight, const TensorImpl& loss,
                              const TensorImpl& wrow, const TensorImpl& lse);
// gx = d(sum_rows g_row * loss_row)/dx; g has one element or one per row.
using NllBackwardFn = void (*)(const NllShape& sh, const TensorImpl& x, const TensorImpl& target,
                               const TensorImpl* weight, const TensorImpl& lse, const TensorImpl& g,
                               const TensorImpl& gx);
struct NormShape {
  int64_t rows = 0, cols = 0;  // x (rows, cols); weight and bias (cols)
  double eps = 1e-5;
  bool rms = false;  // rms_norm: no mean is taken (mean is written as 0), no bias
};
using NormForwardFn = void (*)(const NormShape& sh, const TensorImpl& x, const TensorImpl* weight,
                               const TensorImpl* bias, const TensorImpl& y, const TensorImpl& mean,
                               const TensorImpl& rstd);
// Any of gx, gw, gb may be null (not wanted); gw and gb are in the acc dtype.
using NormBackwardFn = void (*)(const NormShape& sh, const TensorImpl& g, const TensorImpl& x,
                                const TensorImpl* weight, const TensorImpl& mean,
                                const TensorImpl& rstd, const TensorImpl* gx, const TensorImpl* gw,
                                const TensorImpl* gb);
// batch_norm (groups == 0) and group_norm over x (n, c, s). batch_norm:
// statistics per channel over (n, s), from the batch (use_input_stats) or
// given (eval: mean holds the running mean, rstd the running variance, which
// the kernel replaces by its 1/sqrt(var + eps));
// group_norm: per (sample, group) over (c / groups, s). mean and rstd hold
// one value per statistic (c, or n * groups), in the acc dtype; var_out, when
// not null, gets the biased batch variance per channel (running-stat update).
struct ChannelNormShape {
  int64_t n = 0, c = 0, s = 0, groups = 0;
  double eps = 1e-5;
  bool use_input_stats = true;
};
using ChannelNormForwardFn = void (*)(const ChannelNormShape& sh, const TensorImpl& x,
                                      const TensorImpl* weight, const TensorImpl* bias,
                                      const TensorImpl& y, const TensorImpl& mean,
                                      const TensorImpl& rstd, const TensorImpl* var_out);
using ChannelNormBackwardFn = void (*)(const ChannelNormShape& sh, const TensorImpl& g,
                                       const TensorImpl& x, const TensorImpl* weight,
                                       const TensorImpl& mean, const TensorImpl& rstd,
                                       const TensorImpl* gx, const TensorImpl* gw,
                                       const TensorImpl* gb);
// mse_loss and binary_cross_entropy_with_logits, elementwise over n
// contiguous elements of one dtype (ext/ops broadcasts and casts first);
// weight and pos_weight may be null. The forward writes each element's loss
// in the acc dtype; the backward writes gx and gt (either may be null) for
// the upstream gradient g (one element, or n, in the acc dtype).
struct PointLossShape {
  int64_t n = 0;
  bool logits = false;  // binary_cross_entropy_with_logits (else mse_loss)
};
using PointLossForwardFn = void (*)(const PointLossShape& sh, const TensorImpl& x,
                                    const TensorImpl& t, const TensorImpl* weight,
                                    const TensorImpl* pos_weight, const TensorImpl& loss);
using PointLossBackwardFn = void (*)(const PointLossShape& sh, const TensorImpl& x,
                                     const TensorImpl& t, const TensorImpl* weight,
                                     const TensorImpl* pos_weight, const TensorImpl& g,
                                     const TensorImpl* gx, const TensorImpl* gt);
// ---- end fusednn ----

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

// ---- losses (types) ----
// cross_entropy with class-probability targets (Note [Fused losses, second
// set] in ext/ops/nn_losses.cpp): x and target (n, c, s), contiguous, one
// dtype; weight (c) or null; per row (n * s): loss = -sum_c w_c t'_c logp_c
// with t' = (1 - smoothing) t + smoothing / c, and the row's log-sum-exp.
struct ProbCeShape {
  int64_t n = 0, c = 0, s = 0;
  double smoothing = 0;
};
using ProbCeForwardFn = void (*)(const ProbCeShape& sh, const TensorImpl& x, const TensorImpl& t,
                                 const TensorImpl* weight, const TensorImpl& loss,
                                 const TensorImpl& lse);
// g: one element or one per row (acc dtype); gx, gt (either may be null) as x.
using ProbCeBackwardFn = void (*)(const ProbCeShape& sh, const TensorImpl& x, const TensorImpl& t,
                                  const TensorImpl* weight, const TensorImpl& lse,
                                  const TensorImpl& g, const TensorImpl* gx, const TensorImpl* gt);
// The elementwise losses l1, smooth_l1 (param: beta), huber (param: delta),
// binary_cross_entropy (logs clamped at -100), kl_div (log_target),
// soft_margin and poisson_nll (log_target: log_input; param: eps; full: the
// Stirling term where target > 1), over n contiguous elements of one dtype,
// weight optional; shaped as PointLoss.
enum class ElemLoss : int {
  L1 = 0,
  SmoothL1 = 1,
  Huber = 2,
  Bce = 3,
  KlDiv = 4,
  SoftMargin = 5,
  PoissonNll = 6
};
struct ElemLossShape {
  int64_t n = 0;
  ElemLoss kind = ElemLoss::L1;
  double param = 1.0;
  bool log_target = false;
  bool full = false;
};
using ElemLossForwardFn = void (*)(const ElemLossShape& sh, const TensorImpl& x,
                                   const TensorImpl& t, const TensorImpl* weight,
                                   const TensorImpl& loss);
using ElemLossBackwardFn = void (*)(const ElemLossShape& sh, const TensorImpl& x,
                                    const TensorImpl& t, const TensorImpl* weight,
                                    const TensorImpl& g, const TensorImpl* gx,
                                    const TensorImpl* gt);
// embedding_bag over weight (num, dim), contiguous: bag b (of `bags`) takes
// indices[offsets[b] : end_b], end_b = offsets[b + 1] (n for the last offset),
// bounds clamped to [0, n]; indices equal to padding_idx (>= 0) are skipped.
// mode 0 sum (times per_sample_weights when given), 1 mean (over the indices
// kept; an empty bag is 0), 2 max (argmax (bags, dim) int64 gets the weight
// row of each maximum, -1 for an empty bag). An index outside [0, num) is an
// IndexError raised before anything is written.
struct EmbBagShape {
  int64_t num = 0, dim = 0, n = 0, noff = 0, bags = 0;
  int mode = 0;
  int64_t padding_idx = -1;
};
using EmbBagForwardFn = void (*)(const EmbBagShape& sh, const TensorImpl& weight,
                                 const TensorImpl& indices, const TensorImpl& offsets,
                                 const TensorImpl* psw, const TensorImpl& out,
                                 const TensorImpl* argmax);
// g (bags, dim) in weight's dtype; gw (num, dim, acc dtype, zeroed by the
// caller) accumulates; gpsw (n, weight's dtype; sum mode) may be null.
using EmbBagBackwardFn = void (*)(const EmbBagShape& sh, const TensorImpl& g,
                                  const TensorImpl& weight, const TensorImpl& indices,
                                  const TensorImpl& offsets, const TensorImpl* psw,
                                  const TensorImpl* argmax, const TensorImpl* gw,
                                  const TensorImpl* gpsw);
// ---- end losses (types) ----
// ---- pool (types) ----
// One pooling op (ext/cpu/pool.cpp, Note [Fused pooling] in ext/ops/pool.cpp)
// over `planes` contiguous input planes of `size` (1 to 3 spatial dims, right-
// aligned, unused leading dims 1) into contiguous output planes of `out`.
// A plain window for output o of a dim starts at o * stride - padding and
// has `kernel` taps spaced by `dilation`; taps outside the input are skipped.
// An adaptive window (adaptive) spans [floor(o * size / out),
// ceil((o + 1) * size / out)). max: the window's maximum (NaN wins) and its
// flat index in the input plane; else the mean, divided by divisor when it is
// not 0, else by the window's element count inside the input, or, with
// count_include_pad, inside input + padding (an adaptive window: its length).
struct PoolGeom {
  int64_t planes = 0;
  int64_t size[3] = {1, 1, 1}, out[3] = {1, 1, 1}, kernel[3] = {1, 1, 1};
  int64_t stride[3] = {1, 1, 1}, padding[3] = {0, 0, 0}, dilation[3] = {1, 1, 1};
  bool max = true, adaptive = false, count_include_pad = true;
  int64_t divisor = 0;
};
// Forward: y (planes, *out) of x's dtype; idx (int64, same shape) for max, or
// null. Float dtypes, and (max only) the integer dtypes.
using PoolForwardFn = void (*)(const PoolGeom& g, DType dt, const void* x, void* y, int64_t* idx);
// Backward (float dtypes): gx (planes, *size), overwritten, is the sum of gy
// over the windows: at idx (max) or spread over each window / its divisor.
using PoolBackwardFn = void (*)(const PoolGeom& g, DType dt, const void* gy, const int64_t* idx,
                                void* gx);
// ---- end pool (types) ----

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
  // ---- fusednn ----
  NllForwardFn nll_forward = nullptr;
  NllBackwardFn nll_backward = nullptr;
  NormForwardFn norm_forward = nullptr;
  NormBackwardFn norm_backward = nullptr;
  ChannelNormForwardFn channel_norm_forward = nullptr;
  ChannelNormBackwardFn channel_norm_backward = nullptr;
  PointLossForwardFn point_loss_forward = nullptr;
  PointLossBackwardFn point_loss_backward = nullptr;
  // ---- end fusednn ----
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
  // ---- losses ----
  ProbCeForwardFn prob_ce_forward = nullptr;
  ProbCeBackwardFn prob_ce_backward = nullptr;
  ElemLossForwardFn elem_loss_forward = nullptr;
  ElemLossBackwardFn elem_loss_backward = nullptr;
  EmbBagForwardFn embedding_bag_forward = nullptr;
  EmbBagBackwardFn embedding_bag_backward = nullptr;
  // ---- end losses ----
  // ---- pool ----
  PoolForwardFn pool_forward = nullptr;
  PoolBackwardFn pool_backward = nullptr;
  // ---- end pool ----
};

// The nn table for a device type (never null; entries may be).
NnKernelTable& nn_kernel_table(DeviceType type);
// Names of the null slots of `type`'s nn table, without the "nn." prefix.
std::vector<std::string> missing_nn_kernels(DeviceType type);

// Implemented by ext/cpu (register_nn.cpp); called by register_cpu_kernels().
void register_cpu_nn_kernels();

}  // namespace mt
