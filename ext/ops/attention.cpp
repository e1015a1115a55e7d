// attention.cpp: the fused scaled_dot_product_attention.
//
// Note [Fused attention]
// nn.functional.scaled_dot_product_attention (minitorch/nn/_functional_attention.py)
// runs this op when dropout_p is 0 on a CPU tensor (dropout keeps the composite
// path, so it draws the same random numbers as before), the operands share
// their leading dims (key/value heads may divide the query heads under
// enable_gqa) and the mask needs no gradient. The kernel (ext/cpu/attention.cpp)
// tiles queries x keys with an online softmax, so the L x S score matrix never
// exists, and keeps each row's logsumexp; the backward node
// (ext/autograd/functions_attention.cpp) recomputes the probabilities block by
// block from it. A row whose keys are all masked gives 0 (and 0 gradients),
// as PyTorch's fused CPU kernel does. float16/bfloat16 compute in float32; a
// float mask is added in the compute dtype. Double backward through the node
// is refused with a RuntimeError.
#include <cmath>

#include "../core/kernels_nn.h"
#include "rnnattn.h"

namespace mt::ops {

namespace {

DType compute_dtype(DType d) { return d == DType::Float64 ? DType::Float64 : DType::Float32; }

Tensor prepared(const Tensor& t, DType cd) {
  Tensor r = t->dtype() == cd ? t : to(t, cd, t->device(), false);
  return r->is_contiguous() ? r : contiguous(r);
}

// batch and heads of a (..., L, X) operand: heads is dim -3 (1 for a 3-D or 2-D one).
void lead_of(const Tensor& t, int64_t* batch, int64_t* heads) {
  const Dims& s = t->sizes();
  const int64_t n = s.size();
  *heads = n >= 4 ? s[n - 3] : 1;
  int64_t b = n == 3 ? s[0] : 1;
  for (int64_t d = 0; d + 3 < n; ++d) b *= s[d];
  *batch = b;
}

}  // namespace

SdpaResult fused_sdpa(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask,
                      bool is_causal, std::optional<double> scale, bool enable_gqa) {
  const char* op = "_fused_scaled_dot_product_attention";
  MT_CHECK(q->dim() >= 2 && k->dim() == q->dim() && v->dim() == q->dim(), op,
           "(): expected query, key and value of the same number of dims (at least 2), got ",
           q->dim(), ", ", k->dim(), " and ", v->dim());
  MT_CHECK(is_floating(q->dtype()) && k->dtype() == q->dtype() && v->dtype() == q->dtype(),
           "Expected query, key, and value to have the same dtype, but got query.dtype: ",
           info(q->dtype()).torch_name, " key.dtype: ", info(k->dtype()).torch_name,
           " and value.dtype: ", info(v->dtype()).torch_name, " instead.");
  MT_CHECK(k->device() == q->device() && v->device() == q->device(),
           "Expected query, key, and value to have the same device type");
  const int64_t n = q->dim();
  const Dims &qs = q->sizes(), &ks = k->sizes(), &vs = v->sizes();
  const int64_t L = qs[n - 2], S = ks[n - 2], E = qs[n - 1], Ev = vs[n - 1];
  MT_CHECK(ks[n - 1] == E, "Expected query and key to have the same last dimension, got ", E,
           " and ", ks[n - 1]);
  MT_CHECK(vs[n - 2] == S, op, "(): expected key and value of the same sequence length, got ", S,
           " and ", vs[n - 2]);
  for (int64_t d = 0; d < n - 2; ++d) {
    const bool head_dim = d == n - 3 && n >= 4;
    MT_CHECK(ks[d] == vs[d], op, "(): expected key and value of the same leading dims");
    if (head_dim && enable_gqa) {
      MT_CHECK(ks[d] > 0 && qs[d] % ks[d] == 0,
               "Number of heads in key and value must divide the number of heads in query");
    } else {
      MT_CHECK(ks[d] == qs[d], op, "(): expected query, key and value of the same leading dims");
    }
  }
  MT_CHECK(!(is_causal && mask),
           "_scaled_dot_product_attention: Explicit attn_mask should not be "
           "set when is_causal=True");
  SdpaResult r;
  const DType dt = q->dtype(), cd = compute_dtype(dt);
  const Device dev = q->device();
  auto kernel = need(nn_kernel_table(dev.type).sdpa_forward, op, dev);
  int64_t kv_batch = 0;
  lead_of(q, &r.batch, &r.heads);
  lead_of(k, &kv_batch, &r.kv_heads);
  r.scale = scale ? *scale : 1.0 / std::sqrt(static_cast<double>(E));
  r.q = prepared(q, cd);
  r.k = prepared(k, cd);
  r.v = prepared(v, cd);
  SdpaArgs a;
  if (mask) {
    MT_CHECK(mask->dtype() == DType::Bool || is_floating(mask->dtype()),
             "Expected attn_mask dtype to be bool or float or to match query dtype, but got "
             "attn_mask.dtype: ",
             info(mask->dtype()).torch_name, " and  query.dtype: ", info(dt).torch_name,
             " instead.");
    Dims full(qs.begin(), qs.end() - 1);
    full.push_back(S);
    Tensor m = mask->dtype() == DType::Bool ? mask : to(mask, cd, dev, false);
    m = expand(m, full);  // raises PyTorch's broadcast error
    m = reshape(m, {r.batch, r.heads, L, S});
    r.mask = m;
    a.mask = m->data();
    a.mask_bool = m->dtype() == DType::Bool;
    a.mask_sb = m->strides()[0];
    a.mask_sh = m->strides()[1];
    a.mask_sl = m->strides()[2];
    a.mask_ss = m->strides()[3];
  }
  Dims out_sizes(qs.begin(), qs.end() - 1);
  out_sizes.push_back(Ev);
  r.out_c = empty(out_sizes, cd, dev);
  Dims lse_sizes(qs.begin(), qs.end() - 1);
  r.lse = empty(lse_sizes, cd, dev);
  a.dtype = cd;
  a.batch = r.batch;
  a.heads = r.heads;
  a.kv_heads = r.kv_heads;
  a.L = L;
  a.S = S;
  a.E = E;
  a.Ev = Ev;
  a.q = r.q->data();
  a.k = r.k->data();
  a.v = r.v->data();
  a.causal = is_causal;
  a.scale = r.scale;
  a.out = r.out_c->data();
  a.lse = r.lse->data();
  if (r.out_c->numel() > 0) kernel(a);
  r.out = r.out_c->dtype() == dt ? r.out_c : to(r.out_c, dt, dev, false);
  return r;
}

void fused_sdpa_backward(const Tensor& dout, const SdpaResult& s, bool is_causal,
                         const Dims& q_sizes, const Dims& k_sizes, const Dims& v_sizes, DType dtype,
                         Tensor* dq, Tensor* dk, Tensor* dv) {
  const DType cd = s.q->dtype();
  const Device dev = s.q->device();
  auto kernel = need(nn_kernel_table(dev.type).sdpa_backward,
                     "_fused_scaled_dot_product_attention_backward", dev);
  Tensor g = prepared(dout, cd);
  Tensor gq = empty(q_sizes, cd, dev), gk = empty(k_sizes, cd, dev), gv = empty(v_sizes, cd, dev);
  const int64_t n = q_sizes.size();
  SdpaArgs a;
  a.dtype = cd;
  a.batch = s.batch;
  a.heads = s.heads;
  a.kv_heads = s.kv_heads;
  a.L = q_sizes[n - 2];
  a.S = k_sizes[n - 2];
  a.E = q_sizes[n - 1];
  a.Ev = v_sizes[n - 1];
  a.q = s.q->data();
  a.k = s.k->data();
  a.v = s.v->data();
  if (s.mask) {
    a.mask = s.mask->data();
    a.mask_bool = s.mask->dtype() == DType::Bool;
    a.mask_sb = s.mask->strides()[0];
    a.mask_sh = s.mask->strides()[1];
    a.mask_sl = s.mask->strides()[2];
    a.mask_ss = s.mask->strides()[3];
  }
  a.causal = is_causal;
  a.scale = s.scale;
  a.out = const_cast<char*>(s.out_c->data());
  a.lse = const_cast<char*>(s.lse->data());
  a.dout = g->data();
  a.dq = gq->data();
  a.dk = gk->data();
  a.dv = gv->data();
  if (gq->numel() + gk->numel() + gv->numel() > 0) {
    if (gq->numel() > 0 && gk->numel() > 0 && gv->numel() > 0) {
      kernel(a);
    } else {
      gq = full(q_sizes, Scalar::from_int(0), cd, dev);
      gk = full(k_sizes, Scalar::from_int(0), cd, dev);
      gv = full(v_sizes, Scalar::from_int(0), cd, dev);
    }
  }
  *dq = gq->dtype() == dtype ? gq : to(gq, dtype, dev, false);
  *dk = gk->dtype() == dtype ? gk : to(gk, dtype, dev, false);
  *dv = gv->dtype() == dtype ? gv : to(gv, dtype, dev, false);
}

}  // namespace mt::ops
