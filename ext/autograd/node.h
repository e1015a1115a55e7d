// node.h: the autograd graph (Note [Autograd graph]).
//
// Note [Autograd graph]
// A differentiable op whose input requires grad (with grad mode on) records a
// Node: one Edge per forward input, pointing at the node that made that input
// (its grad_fn and output number) or, for a leaf that requires grad, at the
// leaf's AccumulateGrad sink; nothing for inputs that need no gradient. The
// op's outputs get `grad_fn` = the node. Nodes hold the tensors their formula
// needs as SavedTensors, which remember the version counter at save time
// (Note [Version counter]) and, for the node's own outputs, hold an alias
// without autograd state, so no node owns itself through a saved output.
// Ownership runs one way: output tensor -> its grad_fn -> next nodes; a leaf
// only points weakly at its AccumulateGrad (the sink owns the leaf). The graph
// is therefore acyclic in ownership and dies with its outputs; a long chain is
// freed iteratively (release_node), never by recursion.
#pragma once

#include <cstdint>
#include <vector>

#include "autograd.h"

namespace mt::ag {

struct Node;
using NodePtr = Ptr<Node>;

struct Edge {
  NodePtr fn;
  uint32_t input_nr = 0;
};

// Shape, dtype and device of one forward input: gradients flowing to it are
// summed back to its shape (broadcasting) and cast to its dtype.
struct InputMeta {
  Dims sizes;
  DType dtype = DType::Float32;
  Device device;
};

// A tensor a backward formula needs; see Note [Autograd graph].
struct SavedTensor {
  Tensor data;
  int64_t version = 0;
  bool is_output = false;
  uint32_t output_nr = 0;
};

// Hooks are implemented by the glue (they call Python); the engine only
// calls them. A tensor hook may return a replacement gradient (or null).
struct TensorHook : RefCounted {
  virtual Tensor call(const Tensor& grad) = 0;
};
struct PostAccumulateHook : RefCounted {
  virtual void call(const Tensor& leaf) = 0;
};

struct Node : RefCounted {
  Node();
  ~Node() override;
  virtual const char* name() const = 0;
  // grads: one per forward output (never null: missing ones are zeros).
  // Returns one gradient per next edge (null: no gradient for that input).
  virtual std::vector<Tensor> apply(std::vector<Tensor>& grads) = 0;
  // Frees saved tensors (after backward without retain_graph).
  virtual void release_variables() {}
  virtual bool is_accumulate_grad() const { return false; }
  // Whether missing output gradients reach apply as zeros (true) or null
  // (a custom Function after ctx.set_materialize_grads(False)).
  virtual bool materialize_grads() const { return true; }

  std::vector<Edge> next;
  std::vector<InputMeta> inputs;   // one per next edge
  std::vector<InputMeta> outputs;  // one per forward output
  uint64_t seq;                    // creation order; later nodes run first
  void* pyobj = nullptr;           // the live Python wrapper (non-owning), or null
  Ptr<RefCounted> py_state;        // the glue's per-node state (grad_fn.metadata)
  // Gradient hooks of the tensors this node made, by output number
  // (register_hook on a non-leaf) and retain_grad targets (non-owning).
  std::vector<std::pair<uint32_t, Ptr<TensorHook>>> pre_hooks;
  std::vector<std::pair<uint32_t, TensorImpl*>> retained;
};

// Per-tensor autograd state (core's AutogradMeta, extended).
struct Meta : AutogradMeta {
  ~Meta() override;
  NodePtr grad_fn;
  uint32_t output_nr = 0;
  Node* grad_accumulator = nullptr;  // weak: the sink clears it when it dies
  bool retains_grad = false;
  std::vector<Ptr<TensorHook>> hooks;  // leaf hooks, run by the sink
  std::vector<Ptr<PostAccumulateHook>> post_hooks;
  TensorImpl* owner = nullptr;  // the tensor this meta belongs to (non-owning)
  bool inference = false;       // made in inference mode (Tensor.is_inference())
  // A differentiable view (Note [In-place on views], views.cpp): the root base
  // whose storage it shares, and the storage version its grad_fn was made at.
  Tensor view_base;
  int64_t view_version = 0;
  const char* multi_view = nullptr;  // the op, when one of several views (unbind, split)
};

// The sink of a leaf that requires grad: adds incoming gradients into .grad.
struct AccumulateGrad : Node {
  explicit AccumulateGrad(Tensor v);
  ~AccumulateGrad() override;
  const char* name() const override { return "torch::autograd::AccumulateGrad"; }
  std::vector<Tensor> apply(std::vector<Tensor>& grads) override;
  bool is_accumulate_grad() const override { return true; }
  Tensor variable;
};

// The autograd state of t, created on first use.
Meta& meta(TensorImpl* t);
inline Meta* meta_if(const TensorImpl* t) {
  return static_cast<Meta*>(t ? t->autograd() : nullptr);
}
inline Node* grad_fn_of(const TensorImpl* t) {
  Meta* m = meta_if(t);
  return m ? m->grad_fn.get() : nullptr;
}
inline bool is_leaf(const TensorImpl* t) { return grad_fn_of(t) == nullptr; }
// The edge a gradient for t flows along: its grad_fn, or its leaf's sink
// (created on demand) when t requires grad, else an empty edge.
Edge gradient_edge(TensorImpl* t);
// A stale view's grad_fn made again (views.cpp): called before its history is read.
void refresh_view(TensorImpl* t, Meta& m);
// t's grad_fn as the user sees it (a stale view's made again first).
inline Node* current_grad_fn(TensorImpl* t) {
  Meta* m = meta_if(t);
  if (m && m->view_base && t->version() != m->view_version) refresh_view(t, *m);
  return m ? m->grad_fn.get() : nullptr;
}
// Drops a reference to a node without recursing down a long chain.
void release_node(NodePtr n);

// Anomaly mode (autograd.set_detect_anomaly), process-wide as in PyTorch:
// nodes record the forward traceback; backward checks results for NaN
// (check_nan) and reports the forward traceback of a failing node.
bool anomaly_enabled();
bool anomaly_check_nan();
void set_anomaly_enabled(bool enabled, bool check_nan);
// The glue installs these. on_record runs when a
// node gets its first output (it stores the forward traceback); on_error runs
// when the node's backward fails (it warns with that traceback).
extern void (*anomaly_on_record)(Node& n);
extern void (*anomaly_on_error)(Node& n);
// The value of a saved tensor after the version check (the formula's view of
// it; a saved output carries `owner` as its history under create_graph).
Tensor unpack_saved(Node& owner, const SavedTensor& s);
[[noreturn]] void throw_backward_twice();

// Thread-local creation counter for Node::seq.
uint64_t next_sequence_nr();

// Grad-mode guard (RAII).
struct GradModeGuard {
  explicit GradModeGuard(bool enabled) : prev(grad_enabled()) { set_grad_enabled(enabled); }
  ~GradModeGuard() { set_grad_enabled(prev); }
  bool prev;
};

// ---- the engine (engine.cpp) ----
struct BackwardArgs {
  std::vector<Tensor> roots;       // outputs to differentiate
  std::vector<Tensor> grad_roots;  // one per root; null: ones (one-element roots only)
  bool keep_graph = false;
  bool create_graph = false;
  // autograd.grad: the inputs whose gradients are returned (nothing is
  // accumulated into .grad); backward(inputs=...): the only leaves accumulated.
  std::vector<Tensor> inputs;
  bool accumulate = true;  // backward(); false for autograd.grad
  bool allow_unused = false;
};
// Runs backward; for autograd.grad returns one gradient per input (null for
// an unused input when allow_unused).
std::vector<Tensor> run_backward(const BackwardArgs& args);

}  // namespace mt::ag
