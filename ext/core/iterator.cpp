// iterator.cpp: see iterator.h.
#include "iterator.h"

#include <algorithm>

namespace mt {

TensorIter TensorIter::build(std::initializer_list<const TensorImpl*> outputs,
                             std::initializer_list<const TensorImpl*> inputs, bool memory_order) {
  TensorIter it;
  it.nout_ = static_cast<int>(outputs.size());
  it.nops_ = static_cast<int>(outputs.size() + inputs.size());
  MT_CHECK(it.nops_ <= kMaxOperands, "too many operands for TensorIter");
  const Dims& out_shape = (*outputs.begin())->sizes();
  it.device_ = (*outputs.begin())->device();
  const int64_t nd = out_shape.size();
  it.numel_ = numel_of(out_shape);

  // Full-rank byte strides per operand, outermost first.
  Dims full[kMaxOperands];
  int k = 0;
  auto add = [&](const TensorImpl* t, bool is_output) {
    MT_CHECK(t->dim() <= nd && (!is_output || t->dim() == nd), "output with shape ", out_shape,
             " doesn't match the broadcast shape ", t->sizes());
    // One device per iterator: a kernel runs on one device (copy_ moves data
    // between devices before it builds one).
    MT_CHECK(t->device() == it.device_,
             "Expected all tensors to be on the same device, but found at least two devices, ",
             it.device_.str(), " and ", t->device().str(), "!");
    full[k] = Dims(nd, 0);
    int64_t lead = nd - t->dim();
    for (int64_t d = 0; d < t->dim(); ++d) {
      int64_t s = t->sizes()[d];
      MT_CHECK(s == out_shape[lead + d] || (s == 1 && !is_output),
               is_output ? "output with shape " : "operand with shape ", t->sizes(),
               " doesn't match the broadcast shape ", out_shape);
      full[k][lead + d] = s == 1 ? 0 : t->strides()[d] * t->itemsize();
    }
    it.data_[k] = t->data();
    it.dtypes_[k] = t->dtype();
    ++k;
  };
  for (auto* t : outputs) add(t, true);
  for (auto* t : inputs) add(t, false);

  // Iteration order, innermost first: row-major, or with memory_order the
  // output's memory order (smallest |stride| innermost).
  Dims order(nd);
  for (int64_t i = 0; i < nd; ++i) order[i] = nd - 1 - i;
  if (memory_order && !(*outputs.begin())->is_contiguous()) {
    auto mag = [&](int64_t d) { return full[0][d] < 0 ? -full[0][d] : full[0][d]; };
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t a, int64_t b) { return mag(a) < mag(b); });
  }

  // Innermost-first, dropping size-1 dims, then coalescing.
  Dims shape;
  for (int j = 0; j < it.nops_; ++j) it.strides_[j] = Dims();
  for (int64_t i = 0; i < nd; ++i) {
    const int64_t d = order[i];
    int64_t s = out_shape[d];
    if (s == 1) continue;
    if (!shape.empty()) {
      int64_t last = shape.size() - 1;
      bool can_merge = true;
      for (int j = 0; j < it.nops_ && can_merge; ++j)
        can_merge = full[j][d] == it.strides_[j][last] * shape[last];
      if (can_merge) {
        shape[last] *= s;
        continue;
      }
    }
    shape.push_back(s);
    for (int j = 0; j < it.nops_; ++j) it.strides_[j].push_back(full[j][d]);
  }
  it.shape_ = shape;
  return it;
}

bool TensorIter::is_contiguous() const {
  if (shape_.size() > 1) return false;
  if (shape_.empty()) return true;
  for (int k = 0; k < nops_; ++k)
    if (strides_[k][0] != itemsize_of(dtypes_[k])) return false;
  return true;
}

}  // namespace mt
