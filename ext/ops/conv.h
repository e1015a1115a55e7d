// conv.h: convolution (plain and transposed, 1 to 3 spatial dims) and
// im2col / col2im (unfold / fold), ext/ops/conv.cpp. A header of its own so
// that adding these ops rebuilds only the files that use them.
#pragma once

#include <array>

#include "ops.h"

namespace mt::ops {

// torch.convolution's parameters. A list of one value applies to every
// spatial dim; output_padding is read only when transposed.
struct ConvParams {
  Dims stride, padding, dilation, output_padding;
  bool transposed = false;
  int64_t groups = 1;
};

// input (N, C_in, *spatial), weight (C_out, C_in/groups, *kernel) or, when
// transposed, (C_in, C_out/groups, *kernel); bias (C_out) or null. Floating
// dtypes only (one dtype for all three), on one device.
Tensor convolution(const Tensor& input, const Tensor& weight, const Tensor& bias,
                   const ConvParams& p);
// The gradients of convolution's (input, weight, bias) for grad_out, each
// only where asked for (null otherwise).
std::array<Tensor, 3> convolution_backward(const Tensor& grad_out, const Tensor& input,
                                           const Tensor& weight, const ConvParams& p,
                                           bool need_input, bool need_weight, bool need_bias);

// unfold: (N, C, *size) -> (N, C * prod(kernel), L), one column per window
// (1 to 3 spatial dims; F.unfold uses 2). Any dtype.
Tensor im2col(const Tensor& input, const Dims& kernel, const Dims& dilation, const Dims& padding,
              const Dims& stride);
// fold: (N, C * prod(kernel), L) -> (N, C, *output_size), overlapping
// windows summed. Floating dtypes.
Tensor col2im(const Tensor& input, const Dims& output_size, const Dims& kernel,
              const Dims& dilation, const Dims& padding, const Dims& stride);

}  // namespace mt::ops
