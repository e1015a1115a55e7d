// conv.h: the differentiable convolution, im2col and col2im
// (functions_conv.cpp). A header of its own so that these entries rebuild
// only their users (the glue's ops_conv.cpp).
#pragma once

#include "../ops/conv.h"
#include "autograd.h"

namespace mt::ag {

// ops::convolution, recording one ConvolutionBackward0 node whose backward
// computes grad_input, grad_weight and grad_bias in one go (each only when
// needed). It is not differentiable again: backward with create_graph=True
// through it raises RuntimeError.
Tensor convolution(const Tensor& input, const Tensor& weight, const Tensor& bias,
                   const ops::ConvParams& p);
// ops::im2col / ops::col2im; each one's backward is the other, so both
// differentiate any number of times.
Tensor im2col(const Tensor& input, const Dims& kernel, const Dims& dilation, const Dims& padding,
              const Dims& stride);
Tensor col2im(const Tensor& input, const Dims& output_size, const Dims& kernel,
              const Dims& dilation, const Dims& padding, const Dims& stride);

}  // namespace mt::ag
