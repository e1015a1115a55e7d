// formulas.h: what the backward formulas (functions_<family>.cpp) share:
// the formula node, recording helpers, and small ag:: shorthands that keep
// each formula one or two lines. Formulas are written with ag:: functions, so
// they run on any device and, under create_graph, are differentiable again.
#pragma once

#include <string>

#include "node.h"

namespace mt::ag {

// "[2, 3]" and "minitorch.Size([2, 3])" for messages.
std::string shape_str(const Dims& d);
std::string size_str(const Dims& d);
// Whether `shape` broadcasts to `desired`.
bool is_expandable_to(const Dims& shape, const Dims& desired);
// Sums g over the dims that broadcasting added or expanded, to `sizes`.
Tensor sum_to(const Tensor& g, const Dims& sizes);

struct FnNode;
// A formula: the gradients for the node's inputs (one per next edge, null
// where that input needs none) from the gradients of its outputs.
using Formula = std::vector<Tensor> (*)(FnNode& n, std::vector<Tensor>& grads);

// The node every recorded op uses: a name, a formula, the saved tensors and
// the few non-tensor values the formula needs. Formulas get tensors only
// through `saved` (so release_variables can free them and the version check
// runs), never by capturing them elsewhere.
struct FnNode : Node {
  FnNode(const char* name, Formula f) : name_(name), formula(f) {}
  const char* name() const override { return name_; }
  std::vector<Tensor> apply(std::vector<Tensor>& grads) override { return formula(*this, grads); }
  void release_variables() override {
    saved.clear();
    released = true;
  }
  // The k-th saved tensor; RuntimeError after release or when it was changed
  // in place since it was saved (PyTorch's texts).
  Tensor saved_at(size_t k);
  // ctx.needs_input_grad: input k gets a gradient.
  bool needs(size_t k) const { return k < next.size() && next[k].fn; }

  const char* name_;
  Formula formula;
  std::vector<SavedTensor> saved;
  bool released = false;
  int code = 0;                  // the family enum value (UnaryOp, ...)
  ElemArgs args;                 // elementwise parameters (alpha, eps, ...)
  Scalar s[3];                   // scalar operands / parameters
  int64_t i[4] = {};             // dims and flags
  Dims d0, d1;                   // dim lists, sizes
  std::vector<IndexItem> items;  // basic indexing
};

inline bool wants_grad(const TensorImpl* t) { return t && t->requires_grad(); }
// Whether an op with these inputs records a node (the one flag check an op
// pays when nothing requires grad).
template <typename... T>
inline bool should_record(const T*... ts) {
  return (wants_grad(ts) || ...) && grad_enabled();
}

// A node with one edge per input (null inputs, and inputs that need no
// gradient, get an empty edge), their shapes and dtypes recorded.
Ptr<FnNode> make_node(const char* name, Formula f, std::initializer_list<const TensorImpl*> inputs);
// Saves t for the formula; is_output: t is one of n's outputs.
void save(FnNode& n, const Tensor& t, bool is_output = false);
// Makes `out` the next output of n (its grad_fn); returns out. Integer and
// bool outputs are not differentiable: they are left alone. When `out` is a
// view written in place (writes_data), its base's history is rewritten
// instead (set_view_history, Note [In-place on views]).
const Tensor& set_history(const Tensor& out, FnNode& n, bool writes_data = true);

// ---- views (views.cpp, Note [In-place on views]) ----
// Marks `out` as a view of `in` when it shares in's storage (multi: the op's
// name when it returns several views, whose in-place use is refused).
void mark_view(const Tensor& out, const TensorImpl* in, const char* multi = nullptr);
// The in-place op n wrote into the view `view` (meta m): gives the base a
// CopySlices history around n and the view an AsStridedBackward0 off it.
void set_view_history(const Tensor& view, Meta& m, FnNode& n);
// The AsStridedBackward0 node that takes `base` to a view with this geometry.
Ptr<FnNode> as_strided_node(const Tensor& base, const Dims& sizes, const Dims& strides,
                            int64_t offset);
// The storage offset of each element of a strided geometry (row-major order).
std::vector<int64_t> storage_offsets(const Dims& sizes, const Dims& strides, int64_t offset);

// out= with autograd, and in-place on a leaf that requires grad: PyTorch's errors.
[[noreturn]] void throw_out_with_grad(const char* op);
// Also refuses a view of such a leaf, and one of several views an op returned.
void check_inplace(const TensorImpl* self);
// In-place metadata changes (squeeze_, t_, ...): only the leaf check.
void check_inplace_leaf(const TensorImpl* self);

// ---- shorthands (float math in g's dtype) ----
Tensor mul(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, double b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor add(const Tensor& a, const Tensor& b);
Tensor add(const Tensor& a, double b);
Tensor rsub(double a, const Tensor& b);  // a - b
Tensor neg(const Tensor& a);
Tensor un(UnaryOp op, const Tensor& a);
Tensor cmp(BinaryOp op, const Tensor& a, const Tensor& b);  // bool result, not differentiable
Tensor cmp(BinaryOp op, const Tensor& a, double b);
// where(mask, g, 0) and where(mask, 0, g).
Tensor keep_where(const Tensor& mask, const Tensor& g);
Tensor zero_where(const Tensor& mask, const Tensor& g);
Tensor zeros_like(const Tensor& t);
// A reduction's dims as recorded: i[0] = 1 when a dim list was given (d0);
// i[1] = keepdim.
inline ops::OptDims dims_of(const FnNode& n) {
  return n.i[0] ? ops::OptDims(n.d0) : ops::OptDims();
}
inline void set_dims(FnNode& n, const ops::OptDims& dim) {
  n.i[0] = dim.has_value();
  if (dim) n.d0 = *dim;
}
inline bool keepdim_of(const FnNode& n) { return n.i[1] != 0; }
// The number of elements a reduction over `dim` combines.
inline int64_t reduced_count(const Dims& sizes, const ops::OptDims& dim) {
  if (!dim || dim->empty()) return checked_numel(sizes);
  int64_t c = 1;
  for (int64_t d : *dim) c *= sizes[wrap_dim(d, sizes.size())];
  return c;
}
// out= given to an op that records (or an out that requires grad): PyTorch's error.
inline void no_out(const Tensor& out, const char* op, bool record) {
  if (out && (record || out->requires_grad()) && grad_enabled()) throw_out_with_grad(op);
}

// Unsqueezes the reduced dims back (for keepdim=False) and expands to `sizes`.
Tensor expand_reduced(const Tensor& g, const Dims& sizes, const OptDims& dim, bool keepdim);

}  // namespace mt::ag
