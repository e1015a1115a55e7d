// out_plan.h: where an op writes its result (Note [Out planning]).
//
// Note [Out planning]
// Every op family plans `out=` here, in one place, as PyTorch does:
// - no out: a new tensor of the result's shape, dtype and device;
// - out given: it must be on the op's device, must not be expanded (two
//   elements at one address), must be writable; when its shape differs it is
//   resized, with PyTorch's UserWarning when it had elements (Note [Warnings]);
//   an in-place target is never resized (its shape must be the result's);
// - its dtype is checked by the op with one of the two rules below, before
//   any planning: exact (reductions, matmul) or castable (elementwise).
// Elementwise ops then pick a kernel target (elementwise_plan.h); reductions
// and matmul write into the planned tensor directly.
#pragma once

#include "ops.h"

namespace mt::ops {

// PyTorch's C++ name of a dtype, as its out= messages print it ("float",
// "long int", "c10::Half").
const char* c_name(DType d);

// Exact rule: "Expected out tensor to have dtype float, but got double instead".
void check_out_dtype(const TensorImpl* out, DType expected);
inline void check_out_dtype(const Tensor& out, DType expected) {
  check_out_dtype(out.get(), expected);
}
// Castable rule: "result type Float can't be cast to the desired output type Long".
void check_out_castable(DType result, const TensorImpl* out);

// The tensor a result of `shape` goes to: out (checked, resized when its shape
// differs) or, when out is null, a new tensor of (shape, dtype, device).
Tensor plan_out(TensorImpl* out, const Dims& shape, DType dtype, Device device,
                bool inplace = false);
inline Tensor plan_out(const Tensor& out, const Dims& shape, DType dtype, Device device) {
  return plan_out(out.get(), shape, dtype, device);
}

// out= for a result computed aside: copies `result` into out (castable
// dtype, planned as above) and returns out; returns result when out is null.
Tensor copy_out(const Tensor& out, const Tensor& result);

}  // namespace mt::ops
