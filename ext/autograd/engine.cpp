// engine.cpp: graph bookkeeping (Note [Autograd graph] in node.h) and the
// backward engine.
//
// Note [Backward engine]
// run_backward is iterative and single-threaded on the calling thread:
//   1. Walk the graph from the roots (an explicit stack, no recursion) and
//      count, for every node, the edges that point at it (dependencies).
//   2. With `inputs`, mark the nodes that lie on a path to one of them
//      (needed); other nodes are passed over (their gradients are not
//      computed) but still release their dependents.
//   3. Seed each root's gradient into its node's input buffer (one slot per
//      forward output; gradients for the same slot are summed there).
//   4. Pop the ready node with the highest sequence number (the most recently
//      created; sinks have the highest), run its tensor hooks, retain_grad
//      copies and formula, free its saved tensors unless keep_graph, shape
//      each result to its input (sum back broadcast dims, cast the dtype) and
//      add it into the next node's buffer; a node becomes ready when its
//      last dependency has run.
// Without create_graph the formulas run with grad mode off, so backward
// records nothing; with it they run with grad mode on, and since every
// formula is written with ag:: functions, the backward pass is itself a
// graph that can be differentiated again.
#include <algorithm>
#include <queue>
#include <unordered_map>

#include "formulas.h"
#include "node.h"

namespace mt::ag {

// ---- graph bookkeeping ----

namespace {
thread_local uint64_t t_sequence_nr = 0;
thread_local std::vector<NodePtr>* t_release_stack = nullptr;

AutogradMeta* make_meta(TensorImpl* owner) {
  Meta* m = new Meta();
  m->owner = owner;
  return m;
}
// Installs the factory before any tensor can get autograd state.
struct InstallMeta {
  InstallMeta() { new_autograd_meta = make_meta; }
} install_meta;
}  // namespace

uint64_t next_sequence_nr() { return t_sequence_nr++; }

void (*anomaly_on_record)(Node& n) = nullptr;
void (*anomaly_on_error)(Node& n) = nullptr;

void release_node(NodePtr n) {
  if (!n) return;
  if (t_release_stack) {  // already draining: defer, so the C++ stack stays flat
    t_release_stack->push_back(std::move(n));
    return;
  }
  std::vector<NodePtr> stack;
  stack.push_back(std::move(n));
  t_release_stack = &stack;
  while (!stack.empty()) {
    NodePtr q = std::move(stack.back());
    stack.pop_back();
    q = NodePtr();  // may delete the node, whose destructor pushes its edges
  }
  t_release_stack = nullptr;
}

Node::Node() : seq(next_sequence_nr()) {}

Node::~Node() {
  for (Edge& e : next) release_node(std::move(e.fn));
}

Meta::~Meta() {
  if (grad_fn && retains_grad) {
    auto& r = grad_fn->retained;
    r.erase(std::remove_if(r.begin(), r.end(), [&](auto& p) { return p.second == owner; }),
            r.end());
  }
  release_node(std::move(grad_fn));
}

Meta& meta(TensorImpl* t) { return static_cast<Meta&>(t->autograd_or_create()); }

AccumulateGrad::AccumulateGrad(Tensor v) : variable(std::move(v)) {
  seq = UINT64_MAX;  // runs as soon as it is ready
  InputMeta im{variable->sizes(), variable->dtype(), variable->device()};
  outputs.push_back(im);
}

AccumulateGrad::~AccumulateGrad() {
  Meta* m = meta_if(variable.get());
  if (m && m->grad_accumulator == this) m->grad_accumulator = nullptr;
}

Edge gradient_edge(TensorImpl* t) {
  Meta* m = meta_if(t);
  if (!m) return {};
  if (m->view_base && t->version() != m->view_version) refresh_view(t, *m);
  if (m->grad_fn) return {m->grad_fn, m->output_nr};
  if (!m->requires_grad) return {};
  if (!m->grad_accumulator) {
    auto* acc = new AccumulateGrad(Tensor(t));
    m->grad_accumulator = acc;
    return {NodePtr(acc), 0};
  }
  return {NodePtr(m->grad_accumulator), 0};
}

namespace {

// One reference to a fresh gradient nobody else sees: safe to keep as .grad.
bool owned_alone(const Tensor& g) {
  return g->use_count() <= 2 && g->storage()->use_count() == 1 && g->is_contiguous() &&
         g->offset() == 0;
}

}  // namespace

std::vector<Tensor> AccumulateGrad::apply(std::vector<Tensor>& grads) {
  Tensor g = std::move(grads[0]);
  Meta& m = meta(variable.get());
  for (auto& h : m.hooks) {
    Tensor r = h->call(g);
    if (r) g = r;
  }
  if (!m.grad) {
    if (grad_enabled())  // create_graph: keep the gradient's own history
      m.grad = g;
    else
      m.grad = owned_alone(g) ? g : ops::clone(g);
  } else if (grad_enabled()) {
    m.grad = ag::add(m.grad, g);
  } else {
    ops::binary(BinaryOp::Add, {m.grad.get(), {}}, {g.get(), {}}, m.grad->dtype(), {},
                {m.grad.get(), true});
  }
  for (auto& h : m.post_hooks) h->call(variable);
  return {};
}

// ---- the engine ----

namespace {

struct ReadyItem {
  uint64_t seq;
  Node* node;
  bool operator<(const ReadyItem& o) const { return seq < o.seq; }
};

Tensor zeros_for(const InputMeta& m) {
  return ops::full(m.sizes, Scalar::from_int(0), m.dtype, m.device);
}

// Shapes a gradient to its input: sums broadcast dims away, casts the dtype.
Tensor shape_grad(const Node& n, size_t i, Tensor g) {
  const InputMeta& want = n.inputs[i];
  if (g->sizes() != want.sizes) {
    MT_CHECK(is_expandable_to(want.sizes, g->sizes()), "Function ", n.name(),
             " returned an invalid gradient at index ", i, " - got ", shape_str(g->sizes()),
             " but expected shape compatible with ", shape_str(want.sizes));
    g = sum_to(g, want.sizes);
  }
  if (g->dtype() != want.dtype) g = ag::to(g, want.dtype, want.device, false);
  return g;
}

// Anomaly mode: a failing backward reports its forward traceback; with
// check_nan a NaN in a result is an error.
std::vector<Tensor> apply_checked(Node& n, std::vector<Tensor>& grads) {
  try {
    std::vector<Tensor> outs = n.apply(grads);
    if (anomaly_check_nan())
      for (size_t i = 0; i < outs.size(); ++i) {
        const Tensor& g = outs[i];
        if (!g || !is_floating(g->dtype())) continue;
        Tensor nan = ops::any(ops::unary(UnaryOp::IsNan, g, g->dtype()), std::nullopt, false);
        MT_CHECK(ops::item(nan).to_double() == 0, "Function '", n.name(),
                 "' returned nan values in its ", i, "th output.");
      }
    return outs;
  } catch (...) {
    if (anomaly_on_error) anomaly_on_error(n);
    throw;
  }
}

void accumulate_into(std::vector<Tensor>& buf, uint32_t slot, Tensor g) {
  if (!buf[slot])
    buf[slot] = std::move(g);
  else
    buf[slot] = ag::add(buf[slot], g);
}

}  // namespace

std::vector<Tensor> run_backward(const BackwardArgs& a) {
  const bool capture = !a.inputs.empty();
  // Root edges and gradients.
  std::vector<Edge> root_edges;
  std::vector<Tensor> root_grads;
  for (size_t i = 0; i < a.roots.size(); ++i) {
    const Tensor& r = a.roots[i];
    MT_CHECK(r->requires_grad(), "element ", i,
             " of tensors does not require grad and does not have a grad_fn");
    Tensor g = i < a.grad_roots.size() ? a.grad_roots[i] : Tensor();
    if (!g) {
      MT_CHECK(r->numel() == 1, "grad can be implicitly created only for scalar outputs");
      g = ops::full(r->sizes(), Scalar::from_int(1), r->dtype(), r->device());
    } else {
      MT_CHECK(g->sizes() == r->sizes(), "Mismatch in shape: grad_output[", i, "] has a shape of ",
               size_str(g->sizes()), " and output[", i, "] has a shape of ", size_str(r->sizes()),
               ".");
      MT_CHECK(is_floating(g->dtype()) || g->dtype() == r->dtype(), "For grad_output[", i,
               "], expected a floating point dtype");
    }
    root_edges.push_back(gradient_edge(r.get()));
    root_grads.push_back(g);
  }

  // Targets of autograd.grad / backward(inputs=...).
  std::vector<Edge> input_edges;
  for (size_t i = 0; i < a.inputs.size(); ++i) {
    const Tensor& t = a.inputs[i];
    MT_CHECK(t->requires_grad(), "One of the differentiated Tensors does not require grad");
    input_edges.push_back(gradient_edge(t.get()));
  }

  // 1. Dependencies (iterative DFS) and the nodes in the graph.
  std::unordered_map<Node*, int> deps;
  std::vector<Node*> order;  // every node once, in discovery order
  {
    std::vector<Node*> stack;
    std::unordered_map<Node*, bool> seen;
    for (auto& e : root_edges)
      if (e.fn && !seen[e.fn.get()]) {
        seen[e.fn.get()] = true;
        stack.push_back(e.fn.get());
      }
    while (!stack.empty()) {
      Node* n = stack.back();
      stack.pop_back();
      order.push_back(n);
      for (auto& e : n->next) {
        if (!e.fn) continue;
        deps[e.fn.get()]++;
        if (!seen[e.fn.get()]) {
          seen[e.fn.get()] = true;
          stack.push_back(e.fn.get());
        }
      }
    }
  }

  // 2. With inputs: which nodes lead to a target (reverse topological sweep).
  std::unordered_map<Node*, bool> needed;
  std::unordered_map<Node*, std::vector<std::pair<uint32_t, size_t>>>
      captures;  // node -> (slot, input)
  if (capture) {
    for (size_t i = 0; i < input_edges.size(); ++i)
      if (input_edges[i].fn) {
        needed[input_edges[i].fn.get()] = true;
        captures[input_edges[i].fn.get()].push_back({input_edges[i].input_nr, i});
      }
    // A topological order: Kahn's algorithm over the dependency counts.
    std::unordered_map<Node*, int> d = deps;
    std::vector<Node*> topo, ready;
    for (Node* n : order)
      if (!d.count(n)) ready.push_back(n);
    while (!ready.empty()) {
      Node* n = ready.back();
      ready.pop_back();
      topo.push_back(n);
      for (auto& e : n->next)
        if (e.fn && --d[e.fn.get()] == 0) ready.push_back(e.fn.get());
    }
    for (auto it = topo.rbegin(); it != topo.rend(); ++it) {
      Node* n = *it;
      if (needed[n]) continue;
      for (auto& e : n->next)
        if (e.fn && needed[e.fn.get()]) {
          needed[n] = true;
          break;
        }
    }
  }

  // 3. Seed the roots.
  std::unordered_map<Node*, std::vector<Tensor>> buffers;
  auto buffer_of = [&](Node* n) -> std::vector<Tensor>& {
    auto& b = buffers[n];
    if (b.size() < n->outputs.size()) b.resize(n->outputs.size());
    return b;
  };
  std::vector<Tensor> results(a.inputs.size());
  GradModeGuard mode(a.create_graph);
  for (size_t i = 0; i < root_edges.size(); ++i)
    if (root_edges[i].fn)
      accumulate_into(buffer_of(root_edges[i].fn.get()), root_edges[i].input_nr, root_grads[i]);

  std::priority_queue<ReadyItem> queue;
  std::vector<NodePtr> keep;  // the root nodes stay alive through the run
  for (auto& e : root_edges) {
    if (!e.fn) continue;
    bool dup =
        std::any_of(keep.begin(), keep.end(), [&](auto& k) { return k.get() == e.fn.get(); });
    if (dup) continue;
    keep.push_back(e.fn);
    if (!deps.count(e.fn.get())) queue.push({e.fn->seq, e.fn.get()});
  }

  // 4. Run.
  while (!queue.empty()) {
    Node* n = queue.top().node;
    queue.pop();
    NodePtr hold(n);
    std::vector<Tensor> grads = std::move(buffer_of(n));
    buffers.erase(n);
    bool run = !capture || needed[n];
    // A leaf whose incoming gradient is undefined (a formula returned none,
    // e.g. vector_norm with ord 0) is left alone, as PyTorch's AccumulateGrad.
    if (run && !capture && n->is_accumulate_grad() && !grads.empty() && !grads[0]) run = false;
    std::vector<Tensor> outs;
    if (run) {
      if (n->materialize_grads())
        for (size_t k = 0; k < grads.size(); ++k)
          if (!grads[k]) grads[k] = zeros_for(n->outputs[k]);
      for (auto& [slot, hook] : n->pre_hooks) {
        if (!grads[slot]) continue;
        Tensor r = hook->call(grads[slot]);
        if (r) grads[slot] = r;
      }
      for (auto& [slot, t] : n->retained) {
        if (!grads[slot]) continue;
        Meta& m = meta(t);
        if (!m.grad)
          m.grad = grad_enabled() ? grads[slot] : ops::clone(grads[slot]);
        else
          m.grad = grad_enabled() ? ag::add(m.grad, grads[slot]) : ops::add(m.grad, grads[slot]);
      }
      auto cap = captures.find(n);
      if (cap != captures.end())
        for (auto& [slot, idx] : cap->second) {
          if (!a.accumulate) {
            results[idx] = grads[slot];
          } else if (!n->is_accumulate_grad()) {  // backward(inputs=[non-leaf]): into .grad
            Meta& m = meta(a.inputs[idx].get());
            m.grad = m.grad ? ops::add(m.grad, grads[slot]) : ops::clone(grads[slot]);
          }
        }
      // autograd.grad never touches .grad: sinks only capture.
      if (!a.accumulate && n->is_accumulate_grad()) run = false;
      if (run) {
        outs = anomaly_enabled() ? apply_checked(*n, grads) : n->apply(grads);
        if (!a.keep_graph) n->release_variables();
      }
    }
    for (size_t i = 0; i < n->next.size(); ++i) {
      Edge& e = n->next[i];
      if (!e.fn) continue;
      Node* m = e.fn.get();
      if (i < outs.size() && outs[i])
        accumulate_into(buffer_of(m), e.input_nr, shape_grad(*n, i, outs[i]));
      if (--deps[m] == 0) queue.push({m->seq, m});
    }
  }

  if (capture && !a.accumulate) {
    for (size_t i = 0; i < results.size(); ++i)
      MT_CHECK(results[i] || a.allow_unused,
               "One of the differentiated Tensors appears to not have been used in the graph. "
               "Set allow_unused=True if this is the desired behavior.");
  }
  return results;
}

}  // namespace mt::ag
