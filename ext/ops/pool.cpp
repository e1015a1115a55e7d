// pool.cpp: max / average pooling, plain and adaptive, on every device,
// through the nn table's pool_forward / pool_backward (core/kernels_nn.h).
//
// Note [Fused pooling]
// max_pool1d/2d/3d, avg_pool1d/2d/3d, adaptive_avg_pool1d/2d/3d and
// adaptive_max_pool1d/2d are one op each way: pool() reduces every window of
// every (sample, channel) plane in one pass, and pool_backward() is the one
// backward node's work (ag::pool, ext/autograd/functions_pool.cpp).
// minitorch/nn/_functional_conv.py keeps the argument checks and PyTorch's
// messages, and computes the output size (ceil_mode); this file checks again
// only what keeps the kernel in bounds. The rules are PyTorch's:
// - a plain window of output o starts at o * stride - padding and has
//   `kernel` taps `dilation` apart; taps in the padding are skipped (never
//   read as -inf or 0);
// - an adaptive window spans [floor(o * in / out), ceil((o + 1) * in / out));
// - max keeps the first maximum in row-major order, except that a NaN always
//   wins (so the last NaN's index is reported), and its index is the flat
//   position in the unpadded input plane; a window with no input element
//   (PyTorch accepts some with dilation, then writes out of bounds; the
//   Python layer refuses them) gives -inf and index -1, which the backward
//   skips;
// - the mean divides by divisor_override, else by the window's count inside
//   the input + padding (count_include_pad; never the ceil_mode overhang) or
//   inside the input alone; adaptive windows divide by each dim's length in
//   turn. Sums run in the opmath type (float for half / bfloat16).
// The max loop has no data-dependent branch (the index is selected with a
// mask and the value reloaded from it): a compare-and-branch mispredicted
// about half the time on random data, 13x slower than the mean.
// The backward scatters grad to the saved indices (max) or adds grad/divisor
// to each tap (mean). Kernels split the work by plane, each plane done by one
// task in a fixed order: bitwise the same result for every thread count.
// Not differentiable twice: backward with create_graph=True raises.
#include "pool.h"

#include "../core/kernels_nn.h"

namespace mt::ops {

namespace {

PoolGeom geom_of(const Dims& in_sizes, const PoolParams& p) {
  const int nd = static_cast<int>(in_sizes.size()) - 2;
  MT_CHECK(nd >= 1 && nd <= 3,
           "pooling: expected a (N, C, *spatial) input with 1 to 3 spatial "
           "dims, got ",
           nd + 2, " dims");
  auto check_len = [&](const Dims& v, const char* what) {
    MT_CHECK(static_cast<int>(v.size()) == nd, "pooling: expected ", nd, " values for ", what,
             ", got ", v.size());
  };
  check_len(p.out, "output_size");
  if (!p.adaptive) {
    check_len(p.kernel, "kernel_size");
    check_len(p.stride, "stride");
    check_len(p.padding, "padding");
    check_len(p.dilation, "dilation");
  }
  PoolGeom g;
  g.planes = in_sizes[0] * in_sizes[1];
  g.max = p.max;
  g.adaptive = p.adaptive;
  g.count_include_pad = p.count_include_pad;
  g.divisor = p.divisor;
  for (int i = 0; i < nd; ++i) {
    const int j = 3 - nd + i;
    g.size[j] = in_sizes[2 + i];
    g.out[j] = p.out[i];
    MT_CHECK(g.out[j] >= 0, "pooling: output size must be non-negative, got ", p.out);
    if (p.adaptive) {
      MT_CHECK(g.size[j] > 0 || g.out[j] == 0,
               "pooling: an adaptive pool of an empty dim "
               "needs output size 0");
      continue;
    }
    g.kernel[j] = p.kernel[i];
    g.stride[j] = p.stride[i];
    g.padding[j] = p.padding[i];
    g.dilation[j] = p.dilation[i];
    MT_CHECK(g.kernel[j] > 0 && g.stride[j] > 0 && g.dilation[j] > 0 && g.padding[j] >= 0,
             "pooling: kernel_size, stride and dilation must be positive and padding "
             "non-negative");
    MT_CHECK(p.max || g.dilation[j] == 1, "pooling: average pooling has no dilation");
  }
  return g;
}

Dims out_sizes(const Dims& in_sizes, const Dims& out) {
  Dims r{in_sizes[0], in_sizes[1]};
  for (int64_t v : out) r.push_back(v);
  return r;
}

}  // namespace

std::array<Tensor, 2> pool(const Tensor& input, const PoolParams& p) {
  const DType dt = input->dtype();
  const char* op = p.max ? (p.adaptive ? "adaptive_max_pool" : "max_pool")
                         : (p.adaptive ? "adaptive_avg_pool" : "avg_pool");
  MT_CHECK_KIND(
      NotImplementedError,
      is_floating(dt) || (!p.adaptive && (p.max ? dt != DType::Bool : dt == DType::Int64)), "\"",
      op, "\" not implemented for '", info(dt).torch_name, "'");
  const PoolGeom g = geom_of(input->sizes(), p);
  const Device d = input->device();
  auto fwd = need(nn_kernel_table(d.type).pool_forward, op, d);
  Tensor x = contiguous(input);
  const Dims os = out_sizes(input->sizes(), p.out);
  std::array<Tensor, 2> r;
  r[0] = empty(os, dt, d);
  if (p.max) r[1] = empty(os, DType::Int64, d);
  if (r[0]->numel() == 0) return r;
  fwd(g, dt, x->data(), r[0]->data(), p.max ? reinterpret_cast<int64_t*>(r[1]->data()) : nullptr);
  return r;
}

Tensor pool_backward(const Tensor& grad, const Dims& input_sizes, const Tensor& indices,
                     const PoolParams& p) {
  const DType dt = grad->dtype();
  MT_CHECK(is_floating(dt), "pooling backward: expected a floating grad, got ",
           info(dt).torch_name);
  const PoolGeom g = geom_of(input_sizes, p);
  const Dims os = out_sizes(input_sizes, p.out);
  MT_CHECK(grad->sizes() == os, "pooling backward: grad of shape ", grad->sizes(),
           " does not match the output's ", os);
  const Device d = grad->device();
  Tensor gy = contiguous(grad);
  Tensor idx;
  if (p.max) {
    MT_CHECK(indices && indices->dtype() == DType::Int64 && indices->sizes() == os,
             "pooling backward: expected int64 indices of the output's shape");
    idx = contiguous(indices);
  }
  Tensor gx = empty(input_sizes, dt, d);
  if (gx->numel() == 0) return gx;
  if (gy->numel() == 0) return full(input_sizes, Scalar::from_int(0), dt, d);
  need(nn_kernel_table(d.type).pool_backward, "pool_backward", d)(
      g, dt, gy->data(), p.max ? reinterpret_cast<const int64_t*>(idx->data()) : nullptr,
      gx->data());
  return gx;
}

}  // namespace mt::ops
