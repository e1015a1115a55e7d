// functions_attention.cpp: the fused scaled_dot_product_attention's ag:: entry
// and its backward node (Note [Fused attention] in ext/ops/attention.cpp).
#include "../ops/rnnattn.h"
#include "formulas.h"
#include "functions_rnnattn.h"

namespace mt::ag {

namespace {

// The node keeps the op's prepared operands and results (Note [Fused
// attention]); saved: q, k, v (as given), so an in-place change is caught.
struct SdpaNode : FnNode {
  explicit SdpaNode(Formula f) : FnNode("FusedScaledDotProductAttentionBackward0", f) {}
  void release_variables() override {
    FnNode::release_variables();
    state = ops::SdpaResult();
  }
  ops::SdpaResult state;
  Dims q_sizes, k_sizes, v_sizes;
  DType dtype = DType::Float32;
};

std::vector<Tensor> sdpa_backward(FnNode& fn, std::vector<Tensor>& g) {
  SdpaNode& n = static_cast<SdpaNode&>(fn);
  MT_CHECK(!grad_enabled(), n.name(),
           ": double backward (create_graph=True) through the fused scaled_dot_product_attention "
           "is not supported");
  // The version checks of the saved inputs (RuntimeError after release or an in-place change).
  n.saved_at(0);
  n.saved_at(1);
  n.saved_at(2);
  Tensor dq, dk, dv;
  ops::fused_sdpa_backward(g[0], n.state, n.i[0] != 0, n.q_sizes, n.k_sizes, n.v_sizes, n.dtype,
                           &dq, &dk, &dv);
  return {dq, dk, dv};
}

}  // namespace

Tensor fused_sdpa(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask,
                  bool is_causal, std::optional<double> scale, bool enable_gqa) {
  const bool record = should_record(q.get(), k.get(), v.get());
  MT_CHECK(!(mask && should_record(mask.get())),
           "_fused_scaled_dot_product_attention: attn_mask must not require grad");
  ops::SdpaResult r = ops::fused_sdpa(q, k, v, mask, is_causal, scale, enable_gqa);
  Tensor out = r.out;
  if (record) {
    Ptr<SdpaNode> n = make<SdpaNode>(sdpa_backward);
    for (const TensorImpl* t : {q.get(), k.get(), v.get()}) {
      n->next.push_back(wants_grad(t) ? gradient_edge(const_cast<TensorImpl*>(t)) : Edge{});
      n->inputs.push_back({t->sizes(), t->dtype(), t->device()});
    }
    n->i[0] = is_causal;
    n->q_sizes = q->sizes();
    n->k_sizes = k->sizes();
    n->v_sizes = v->sizes();
    n->dtype = q->dtype();
    save(*n, q);
    save(*n, k);
    save(*n, v);
    r.out = Tensor();
    r.out_c = ops::alias(r.out_c);  // may be `out` itself: no node -> out -> node cycle
    n->state = std::move(r);
    set_history(out, *n);
  }
  return out;
}

}  // namespace mt::ag
