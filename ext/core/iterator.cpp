// iterator.cpp: see iterator.h.
#include "iterator.h"

#include <algorithm>

namespace mt {

// Note [Iteration order]
// With memory_order (elementwise kernels, copies, fills: every kernel for
// which the order of the visits does not matter) the iterator walks the
// operands the way their memory lies, so that the innermost loop runs along
// the smallest strides of all operands together and dims merge:
//  1. a dim along which every operand with a nonzero stride walks backwards
//     (a flip, or a view of one) is walked forwards: each such operand's
//     pointer starts at its last element and the strides change sign;
//  2. the dims are sorted innermost first by an insertion sort starting from
//     row-major order: dim a goes inside dim b when the operands (output
//     first, then inputs; a stride-0 operand has no say) that tell them apart
//     all have a's stride smaller. When they disagree (a permuted operand
//     beside a contiguous one), the longer dim goes inside, so that the runs
//     are long; at equal sizes the output's order decides (PyTorch's rule);
//  3. size-1 dims are dropped and adjacent dims that are contiguous with each
//     other in every operand are merged (coalesced).
// Only the visiting order changes: each output element is computed from the
// same input elements, so results are bitwise the same. The output and an
// input are either the same view or do not overlap (copy_ clones a partial
// overlap first, elementwise ops separate_from_out), so the order cannot
// change what a kernel reads. Without memory_order the order is row-major
// over the output's logical shape, for kernels that number elements.

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

  // Fast path: every operand contiguous with the output's shape (the common
  // small op). One run of numel elements, nothing to sort or merge.
  bool simple = true;
  for (auto list : {outputs, inputs})
    for (const TensorImpl* t : list)
      simple = simple && t->is_contiguous() && t->device() == it.device_ && t->sizes() == out_shape;
  if (simple) {
    int k = 0;
    for (auto list : {outputs, inputs}) {
      for (const TensorImpl* t : list) {
        it.data_[k] = t->data();
        it.dtypes_[k] = t->dtype();
        if (it.numel_ != 1) it.strides_[k].push_back(t->itemsize());
        ++k;
      }
    }
    if (it.numel_ != 1) it.shape_.push_back(it.numel_);
    return it;
  }

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
  // order of the strides (Note [Iteration order]).
  int64_t order_buf[Dims::kInline];
  Dims order_heap;
  int64_t* order = order_buf;
  if (nd > Dims::kInline) {
    order_heap = Dims(nd);
    order = order_heap.data();
  }
  for (int64_t i = 0; i < nd; ++i) order[i] = nd - 1 - i;
  if (memory_order && nd > 1) {
    const int nops = it.nops_;
    // Flip the dims every operand walks backwards (no operand forwards).
    for (int64_t d = 0; d < nd; ++d) {
      bool neg = false, pos = false;
      for (int j = 0; j < nops; ++j) {
        neg = neg || full[j][d] < 0;
        pos = pos || full[j][d] > 0;
      }
      if (!neg || pos) continue;
      for (int j = 0; j < nops; ++j) {
        it.data_[j] += (out_shape[d] - 1) * full[j][d];
        full[j][d] = -full[j][d];
      }
    }
    // +1: dim a goes inside dim b; -1: b inside a; 0: no operand tells.
    auto inner_first = [&](int64_t a, int64_t b) {
      int votes_a = 0, votes_b = 0, first = 0;
      for (int j = 0; j < nops; ++j) {
        int64_t sa = full[j][a], sb = full[j][b];
        if (sa == 0 || sb == 0 || sa == sb) continue;
        const int v = sa < sb ? 1 : -1;
        (v > 0 ? votes_a : votes_b)++;
        if (first == 0) first = v;
      }
      if (votes_a == 0 || votes_b == 0) return first;
      // The operands disagree: the longer dim goes inside (longer runs), at
      // equal sizes the first operand that tells (the output) decides.
      if (out_shape[a] != out_shape[b]) return out_shape[a] > out_shape[b] ? 1 : -1;
      return first;
    };
    // Insertion sort, stable: a dim moves inwards past those it must go inside.
    for (int64_t i = 1; i < nd; ++i) {
      const int64_t d = order[i];
      int64_t j = i;
      while (j > 0 && inner_first(d, order[j - 1]) > 0) {
        order[j] = order[j - 1];
        --j;
      }
      order[j] = d;
    }
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
