// functions_conv.cpp: ag:: entries for convolution (one node, its backward
// the fused ops::convolution_backward) and for im2col / col2im (each the
// other's backward, so they differentiate again).
#include "conv.h"

#include "formulas.h"

namespace mt::ag {

namespace {

// The node's copy of the parameters: d0 = stride, padding, dilation,
// output_padding (nd values each); i[0] = nd, i[1] = transposed, i[2] = groups.
void store(FnNode& n, const ops::ConvParams& p, int64_t nd) {
  auto put = [&](const Dims& v) {
    for (int64_t k = 0; k < nd; ++k) n.d0.push_back(v.size() == 0 ? 0 : v[v.size() == 1 ? 0 : k]);
  };
  put(p.stride);
  put(p.padding);
  put(p.dilation);
  put(p.output_padding);
  n.i[0] = nd;
  n.i[1] = p.transposed;
  n.i[2] = p.groups;
}

ops::ConvParams load(const FnNode& n) {
  const int64_t nd = n.i[0];
  auto get = [&](int64_t k) { return Dims(n.d0.begin() + k * nd, n.d0.begin() + (k + 1) * nd); };
  ops::ConvParams p;
  p.stride = get(0);
  p.padding = get(1);
  p.dilation = get(2);
  p.output_padding = get(3);
  p.transposed = n.i[1] != 0;
  p.groups = n.i[2];
  return p;
}

// Saved: input, weight.
std::vector<Tensor> convolution_backward(FnNode& n, std::vector<Tensor>& g) {
  // Under create_graph the formulas run with grad mode on: this node's
  // gradients are computed by fused kernels that record nothing.
  MT_CHECK(!grad_enabled(),
           "ConvolutionBackward0: double backward through convolution is not supported "
           "(backward with create_graph=True)");
  std::vector<Tensor> r(3);
  if (!g[0]) return r;
  std::array<Tensor, 3> grads = ops::convolution_backward(
      g[0], n.saved_at(0), n.saved_at(1), load(n), n.needs(0), n.needs(1), n.needs(2));
  for (int k = 0; k < 3; ++k) r[k] = std::move(grads[k]);
  return r;
}

// The unfold parameters: d0 = kernel, dilation, padding, stride (nd each),
// d1 = the image's spatial size, i[0] = nd.
void store_unfold(FnNode& n, const Dims& size, const Dims& kernel, const Dims& dilation,
                  const Dims& padding, const Dims& stride) {
  const int64_t nd = size.size();
  for (const Dims* v : {&kernel, &dilation, &padding, &stride})
    for (int64_t k = 0; k < nd; ++k) n.d0.push_back((*v)[v->size() == 1 ? 0 : k]);
  n.d1 = size;
  n.i[0] = nd;
}

Dims unfold_param(const FnNode& n, int64_t k) {
  const int64_t nd = n.i[0];
  return Dims(n.d0.begin() + k * nd, n.d0.begin() + (k + 1) * nd);
}

std::vector<Tensor> im2col_backward(FnNode& n, std::vector<Tensor>& g) {
  std::vector<Tensor> r(1);
  if (n.needs(0))
    r[0] = ag::col2im(g[0], n.d1, unfold_param(n, 0), unfold_param(n, 1), unfold_param(n, 2),
                      unfold_param(n, 3));
  return r;
}

std::vector<Tensor> col2im_backward(FnNode& n, std::vector<Tensor>& g) {
  std::vector<Tensor> r(1);
  if (n.needs(0))
    r[0] = ag::im2col(g[0], unfold_param(n, 0), unfold_param(n, 1), unfold_param(n, 2),
                      unfold_param(n, 3));
  return r;
}

}  // namespace

Tensor convolution(const Tensor& input, const Tensor& weight, const Tensor& bias,
                   const ops::ConvParams& p) {
  Tensor out = ops::convolution(input, weight, bias, p);
  if (!should_record(input.get(), weight.get(), bias.get())) return out;
  Ptr<FnNode> n = make_node("ConvolutionBackward0", convolution_backward,
                            {input.get(), weight.get(), bias.get()});
  store(*n, p, weight->dim() - 2);
  save(*n, input);
  save(*n, weight);
  set_history(out, *n);
  return out;
}

Tensor im2col(const Tensor& input, const Dims& kernel, const Dims& dilation, const Dims& padding,
              const Dims& stride) {
  Tensor out = ops::im2col(input, kernel, dilation, padding, stride);
  if (!should_record(input.get())) return out;
  Ptr<FnNode> n = make_node("Im2ColBackward0", im2col_backward, {input.get()});
  const Dims& xs = input->sizes();
  store_unfold(*n, Dims(xs.begin() + 2, xs.end()), kernel, dilation, padding, stride);
  set_history(out, *n);
  return out;
}

Tensor col2im(const Tensor& input, const Dims& output_size, const Dims& kernel,
              const Dims& dilation, const Dims& padding, const Dims& stride) {
  Tensor out = ops::col2im(input, output_size, kernel, dilation, padding, stride);
  if (!should_record(input.get())) return out;
  Ptr<FnNode> n = make_node("Col2ImBackward0", col2im_backward, {input.get()});
  store_unfold(*n, output_size, kernel, dilation, padding, stride);
  set_history(out, *n);
  return out;
}

}  // namespace mt::ag
