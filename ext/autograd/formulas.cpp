// formulas.cpp: the helpers of formulas.h.
#include "formulas.h"

#include <sstream>

namespace mt::ag {

std::string shape_str(const Dims& d) {
  std::ostringstream o;
  o << '[';
  for (int64_t i = 0; i < d.size(); ++i) o << (i ? ", " : "") << d[i];
  o << ']';
  return o.str();
}

std::string size_str(const Dims& d) { return "minitorch.Size(" + shape_str(d) + ")"; }

bool is_expandable_to(const Dims& shape, const Dims& desired) {
  if (shape.size() > desired.size()) return false;
  int64_t off = desired.size() - shape.size();
  for (int64_t i = 0; i < shape.size(); ++i)
    if (shape[i] != desired[off + i] && shape[i] != 1) return false;
  return true;
}

Tensor sum_to(const Tensor& g, const Dims& sizes) {
  if (g->sizes() == sizes) return g;
  const Dims& gs = g->sizes();
  int64_t lead = gs.size() - sizes.size();
  Dims dims;
  for (int64_t i = 0; i < gs.size(); ++i)
    if (i < lead || (sizes[i - lead] == 1 && gs[i] != 1)) dims.push_back(i);
  Tensor r = dims.empty() ? g : ag::sum(g, dims, /*keepdim=*/true, std::nullopt);
  return r->sizes() == sizes ? r : ag::view(ag::contiguous(r), sizes);
}

namespace {
const char* kBackwardTwice =
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward.";
}  // namespace

void throw_backward_twice() { MT_THROW(RuntimeError, kBackwardTwice); }

Tensor FnNode::saved_at(size_t k) {
  MT_CHECK(!released && k < saved.size(), kBackwardTwice);
  MT_CHECK(saved[k].data, "internal error: ", name_, " did not save tensor ", k);
  return unpack_saved(*this, saved[k]);
}

Tensor unpack_saved(Node& self, const SavedTensor& s) {
  if (s.data->version() != s.version) {
    Node* owner = s.is_output ? &self : grad_fn_of(s.data.get());
    uint32_t nr =
        s.is_output ? s.output_nr : (meta_if(s.data.get()) ? meta_if(s.data.get())->output_nr : 0);
    std::string which;
    if (owner) which = ", which is output " + std::to_string(nr) + " of " + owner->name() + ",";
    MT_THROW(RuntimeError,
             "one of the variables needed for gradient computation has been modified by an "
             "inplace operation: [minitorch.",
             info(s.data->dtype()).torch_name, "Tensor ", shape_str(s.data->sizes()), "]", which,
             " is at version ", s.data->version(), "; expected version ", s.version,
             " instead. Hint: the backtrace further above shows the operation that failed to "
             "compute its gradient. The variable in question was changed in there or anywhere "
             "later. Good luck!");
  }
  if (!s.is_output || !grad_enabled()) return s.data;
  // Under create_graph a saved output must carry this node as its history.
  Tensor t = ops::alias(s.data);
  Meta& m = meta(t.get());
  m.requires_grad = true;
  m.grad_fn = NodePtr(&self);
  m.output_nr = s.output_nr;
  return t;
}

Ptr<FnNode> make_node(const char* name, Formula f,
                      std::initializer_list<const TensorImpl*> inputs) {
  Ptr<FnNode> n = make<FnNode>(name, f);
  n->next.reserve(inputs.size());
  n->inputs.reserve(inputs.size());
  for (const TensorImpl* t : inputs) {
    if (t) {
      n->next.push_back(wants_grad(t) ? gradient_edge(const_cast<TensorImpl*>(t)) : Edge{});
      n->inputs.push_back({t->sizes(), t->dtype(), t->device()});
    } else {
      n->next.push_back({});
      n->inputs.push_back({});
    }
  }
  return n;
}

void save(FnNode& n, const Tensor& t, bool is_output) {
  SavedTensor s;
  s.version = t ? t->version() : 0;
  s.is_output = is_output;
  if (is_output) {
    s.data = ops::alias(t);  // no autograd state: no node -> saved -> node cycle
    s.output_nr = static_cast<uint32_t>(n.outputs.size() - 1);
  } else if (Meta* tm = meta_if(t.get()); tm && tm->view_base) {
    // A view keeps its base alive; a saved one must not (Note [In-place on views]).
    Edge e = gradient_edge(t.get());
    s.data = ops::alias(t);
    Meta& am = meta(s.data.get());
    am.requires_grad = tm->requires_grad;
    am.grad_fn = std::move(e.fn);
    am.output_nr = e.input_nr;
  } else {
    s.data = t;
  }
  n.saved.push_back(std::move(s));
}

const Tensor& set_history(const Tensor& out, FnNode& n, bool writes_data) {
  n.outputs.push_back({out->sizes(), out->dtype(), out->device()});
  if (anomaly_enabled() && n.outputs.size() == 1 && anomaly_on_record) anomaly_on_record(n);
  if (!is_floating(out->dtype())) return out;
  Meta& m = meta(out.get());
  if (m.view_base && writes_data) {
    set_view_history(out, m, n);
    return out;
  }
  if (m.grad_fn && m.retains_grad) {  // in place on a tensor that retained its grad
    auto& r = m.grad_fn->retained;
    r.erase(std::remove_if(r.begin(), r.end(), [&](auto& p) { return p.second == out.get(); }),
            r.end());
    m.retains_grad = false;
  }
  release_node(std::move(m.grad_fn));
  m.requires_grad = true;
  m.grad_fn = NodePtr(&n);
  m.output_nr = static_cast<uint32_t>(n.outputs.size() - 1);
  return out;
}

void throw_out_with_grad(const char* op) {
  MT_THROW(RuntimeError, op,
           "(): functions with out=... arguments don't support automatic differentiation, "
           "but one of the arguments requires grad.");
}

void check_inplace_leaf(const TensorImpl* self) {
  MT_CHECK(!(grad_enabled() && self->requires_grad() && is_leaf(self)),
           "a leaf Variable that requires grad is being used in an in-place operation.");
}

void check_inplace(const TensorImpl* self) {
  check_inplace_leaf(self);
  Meta* m = meta_if(self);
  if (!m || !m->view_base || !grad_enabled()) return;
  const TensorImpl* base = m->view_base.get();
  // PyTorch names the view's own grad_fn, less its "Backward0".
  std::string fn = m->multi_view && m->grad_fn ? m->grad_fn->name() : "";
  if (fn.size() > 9 && fn.compare(fn.size() - 9, 9, "Backward0") == 0) fn.resize(fn.size() - 9);
  MT_CHECK(!m->multi_view, "Output ", m->output_nr, " of ", fn,
           " is a view and is being modified inplace. This view is the output of a function "
           "that returns multiple views. Such functions do not allow the output views to be "
           "modified inplace. You should replace the inplace operation by an out-of-place one.");
  MT_CHECK(!(base->requires_grad() && is_leaf(base)),
           "a view of a leaf Variable that requires grad is being used in an in-place "
           "operation.");
}

// ---- shorthands ----

namespace {
ops::Operand op(const Tensor& t) { return {t.get(), {}}; }
ops::Operand op(double v) { return {nullptr, Scalar::from_double(v)}; }
DType fdt(const Tensor& t) { return is_floating(t->dtype()) ? t->dtype() : DType::Float32; }
}  // namespace

Tensor mul(const Tensor& a, const Tensor& b) {
  return ag::binary(BinaryOp::Mul, op(a), op(b), fdt(a));
}
Tensor mul(const Tensor& a, double b) { return ag::binary(BinaryOp::Mul, op(a), op(b), fdt(a)); }
Tensor div(const Tensor& a, const Tensor& b) {
  return ag::binary(BinaryOp::Div, op(a), op(b), fdt(a));
}
Tensor sub(const Tensor& a, const Tensor& b) {
  return ag::binary(BinaryOp::Sub, op(a), op(b), fdt(a));
}
Tensor add(const Tensor& a, const Tensor& b) {
  return ag::binary(BinaryOp::Add, op(a), op(b), fdt(a));
}
Tensor add(const Tensor& a, double b) { return ag::binary(BinaryOp::Add, op(a), op(b), fdt(a)); }
Tensor rsub(double a, const Tensor& b) { return ag::binary(BinaryOp::Sub, op(a), op(b), fdt(b)); }
Tensor neg(const Tensor& a) { return ag::unary(UnaryOp::Neg, a, fdt(a)); }
Tensor un(UnaryOp o, const Tensor& a) { return ag::unary(o, a, fdt(a)); }
Tensor cmp(BinaryOp o, const Tensor& a, const Tensor& b) {
  return ops::binary(o, op(a), op(b), fdt(a));
}
Tensor cmp(BinaryOp o, const Tensor& a, double b) { return ops::binary(o, op(a), op(b), fdt(a)); }
Tensor keep_where(const Tensor& mask, const Tensor& g) {
  return ag::where(mask, op(g), op(0.0), g->dtype());
}
Tensor zero_where(const Tensor& mask, const Tensor& g) {
  return ag::where(mask, op(0.0), op(g), g->dtype());
}
Tensor zeros_like(const Tensor& t) {
  return ops::full(t->sizes(), Scalar::from_int(0), t->dtype(), t->device());
}

Tensor expand_reduced(const Tensor& g, const Dims& sizes, const OptDims& dim, bool keepdim) {
  Tensor r = g;
  int64_t nd = static_cast<int64_t>(sizes.size());
  if (!keepdim && nd > 0) {
    std::vector<bool> red(nd, false);
    if (!dim || dim->empty()) {
      red.assign(nd, true);
    } else {
      for (int64_t d : *dim) red[wrap_dim(d, nd)] = true;
    }
    for (int64_t d = 0; d < nd; ++d)
      if (red[d]) r = ag::unsqueeze(r, d);
  }
  return ag::expand(r, sizes);
}

}  // namespace mt::ag
