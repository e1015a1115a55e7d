// elementwise_plan.h: helpers shared by ops/unary.cpp, binary.cpp and ternary.cpp
// (not part of the public ops API).
//
// Every elementwise op follows the same steps: compute the result dtype
// (result_type plus the op's own rule), bring each tensor input to the
// compute dtype, pick where the kernel writes (OutPlan), build the iterator,
// call the device's kernel, and copy back into `out` when out's dtype
// differs from the kernel's.
#pragma once

#include "ops.h"

namespace mt::ops::elem {

// Where the kernel writes and what the op returns.
struct OutPlan {
  Tensor result;  // what the op returns (out itself, or a fresh tensor)
  Tensor target;  // what the kernel writes: result, or a temporary to copy back
  bool copy_back() const { return target.get() != result.get(); }
};

// result_dtype: the op's natural result dtype (checked with can_cast against
// out); kernel_dtype: the dtype the kernel writes.
// like: an input whose sizes equal shape, or null; a fresh result takes its
// memory layout (TensorImpl::empty_like_layout). A given out is checked and
// resized by ops::plan_out (Note [Out planning], out_plan.h); this adds the
// kernel's target.
OutPlan plan_out(const Dims& shape, DType result_dtype, DType kernel_dtype, Device device,
                 const ElemOut& out, const TensorImpl* like = nullptr);
// Copies an input that partially overlaps the kernel's target (so the kernel
// never reads an element it has already overwritten). Identical views are
// fine: element i is read before it is written.
void separate_from_out(Tensor& input, const OutPlan& plan);
// Runs the copy back into out when needed and returns the result.
Tensor finish(OutPlan& plan);

// t converted to dtype (t itself when it already has it).
inline Tensor cast(const Tensor& t, DType dtype) {
  return t->dtype() == dtype ? t : to(t, dtype, t->device(), false);
}

// The common device of the tensor operands (RuntimeError if they differ).
Device common_device(const TensorImpl* const* ts, int n);

}  // namespace mt::ops::elem
