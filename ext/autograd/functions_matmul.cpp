// functions_matmul.cpp: the matmul family's ag:: entries and backward formulas.
#include "formulas.h"

namespace mt::ag {

namespace {

Tensor mT(const Tensor& t) { return ag::transpose(t, -2, -1); }

// mm and bmm: ga = g b^T, gb = a^T g.
std::vector<Tensor> mm_backward(FnNode& n, std::vector<Tensor>& g) {
  std::vector<Tensor> r(2);
  if (n.needs(0)) r[0] = ag::matmul(g[0], mT(n.saved_at(1)));
  if (n.needs(1)) r[1] = ag::matmul(mT(n.saved_at(0)), g[0]);
  return r;
}

// matmul with 1-d operands and broadcast batch dims: the 1-d operands are
// treated as (1, k) / (k, 1); the engine sums batch dims back to each shape.
std::vector<Tensor> matmul_backward(FnNode& n, std::vector<Tensor>& g) {
  Tensor a = n.saved_at(0), b = n.saved_at(1);
  std::vector<Tensor> r(2);
  if (a->dim() == 1 && b->dim() == 1) {  // dot
    if (n.needs(0)) r[0] = mul(b, g[0]);
    if (n.needs(1)) r[1] = mul(a, g[0]);
    return r;
  }
  bool a1 = a->dim() == 1, b1 = b->dim() == 1;
  Tensor A = a1 ? ag::unsqueeze(a, 0) : a;
  Tensor B = b1 ? ag::unsqueeze(b, 1) : b;
  Tensor G = g[0];
  if (a1) G = ag::unsqueeze(G, G->dim() - 1);
  if (b1) G = ag::unsqueeze(G, -1);
  if (n.needs(0)) {
    Tensor ga = ag::matmul(G, mT(B));
    if (a1) ga = ag::squeeze_dims(ga, Dims{-2});
    r[0] = sum_to(ga, a->sizes());
  }
  if (n.needs(1)) {
    Tensor gb = ag::matmul(mT(A), G);
    if (b1) gb = ag::squeeze_dims(gb, Dims{-1});
    r[1] = sum_to(gb, b->sizes());
  }
  return r;
}

std::vector<Tensor> mv_backward(FnNode& n, std::vector<Tensor>& g) {
  std::vector<Tensor> r(2);
  if (n.needs(0)) r[0] = ag::outer(g[0], n.saved_at(1));
  if (n.needs(1)) r[1] = ag::mv(mT(n.saved_at(0)), g[0]);
  return r;
}

std::vector<Tensor> dot_backward(FnNode& n, std::vector<Tensor>& g) {
  std::vector<Tensor> r(2);
  if (n.needs(0)) r[0] = mul(n.saved_at(1), g[0]);
  if (n.needs(1)) r[1] = mul(n.saved_at(0), g[0]);
  return r;
}

// outer(a, b) = a[:, None] * b[None, :].
std::vector<Tensor> outer_backward(FnNode& n, std::vector<Tensor>& g) {
  std::vector<Tensor> r(2);
  if (n.needs(0)) r[0] = ag::mv(g[0], n.saved_at(1));
  if (n.needs(1)) r[1] = ag::mv(mT(g[0]), n.saved_at(0));
  return r;
}

// addmm: beta input + alpha m1 m2. s[0] = beta, s[1] = alpha.
std::vector<Tensor> addmm_backward(FnNode& n, std::vector<Tensor>& g) {
  std::vector<Tensor> r(3);
  double beta = n.s[0].to_double(), alpha = n.s[1].to_double();
  if (n.needs(0)) r[0] = beta == 1.0 ? g[0] : mul(g[0], beta);
  if (n.needs(1)) {
    Tensor x = ag::mm(g[0], mT(n.saved_at(1)));
    r[1] = alpha == 1.0 ? x : mul(x, alpha);
  }
  if (n.needs(2)) {
    Tensor x = ag::mm(mT(n.saved_at(0)), g[0]);
    r[2] = alpha == 1.0 ? x : mul(x, alpha);
  }
  return r;
}

template <typename Run>
Tensor record2(const char* name, Formula f, const Tensor& a, const Tensor& b, const Tensor& out,
               Run&& run, bool save_both = false) {
  bool record = should_record(a.get(), b.get());
  if (!record && !out) return run();
  no_out(out, name, record);
  if (!record) return run();
  Ptr<FnNode> n = make_node(name, f, {a.get(), b.get()});
  // Each operand is needed for the other's gradient.
  save(*n, save_both || n->needs(1) ? a : Tensor());
  save(*n, save_both || n->needs(0) ? b : Tensor());
  Tensor r = run();
  set_history(r, *n);
  return r;
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b, const Tensor& out) {
  const char* name = a->dim() == 1 && b->dim() == 1   ? "DotBackward0"
                     : a->dim() == 2 && b->dim() == 2 ? "MmBackward0"
                     : a->dim() == 2 && b->dim() == 1 ? "MvBackward0"
                                                      : "UnsafeViewBackward0";
  return record2(name, matmul_backward, a, b, out, [&] { return ops::matmul(a, b, out); }, true);
}

Tensor mm(const Tensor& a, const Tensor& b, const Tensor& out) {
  return record2("MmBackward0", mm_backward, a, b, out, [&] { return ops::mm(a, b, out); });
}

Tensor bmm(const Tensor& a, const Tensor& b, const Tensor& out) {
  return record2("BmmBackward0", mm_backward, a, b, out, [&] { return ops::bmm(a, b, out); });
}

Tensor mv(const Tensor& mat, const Tensor& vec, const Tensor& out) {
  return record2("MvBackward0", mv_backward, mat, vec, out, [&] { return ops::mv(mat, vec, out); });
}

Tensor dot(const Tensor& a, const Tensor& b, const Tensor& out) {
  return record2("DotBackward0", dot_backward, a, b, out, [&] { return ops::dot(a, b, out); });
}

Tensor outer(const Tensor& a, const Tensor& b, const Tensor& out) {
  return record2("MulBackward0", outer_backward, a, b, out, [&] { return ops::outer(a, b, out); });
}

Tensor addmm(const Tensor& input, const Tensor& m1, const Tensor& m2, Scalar beta, Scalar alpha,
             const Tensor& out) {
  bool record = should_record(input.get(), m1.get(), m2.get());
  if (!record && !out) return ops::addmm(input, m1, m2, beta, alpha, out);
  no_out(out, "addmm", record);
  if (!record) return ops::addmm(input, m1, m2, beta, alpha, out);
  Ptr<FnNode> n = make_node("AddmmBackward0", addmm_backward, {input.get(), m1.get(), m2.get()});
  n->s[0] = beta;
  n->s[1] = alpha;
  save(*n, n->needs(2) ? m1 : Tensor());
  save(*n, n->needs(1) ? m2 : Tensor());
  Tensor r = ops::addmm(input, m1, m2, beta, alpha, out);
  set_history(r, *n);
  return r;
}

}  // namespace mt::ag
