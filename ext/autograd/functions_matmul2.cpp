// functions_matmul2.cpp: ag:: entries for baddbmm, addmv, vdot, inner,
// tensordot, einsum and the in-place addmm_/addmv_/baddbmm_.
// inner and tensordot are composed from differentiable ag:: ops (permute,
// reshape, mm, view) as PyTorch composes them; einsum records one node whose
// backward is again einsum.
#include <algorithm>

#include "formulas.h"

namespace mt::ag {

namespace {

Tensor mT(const Tensor& t) { return ag::transpose(t, -2, -1); }
Tensor scaled(const Tensor& x, double s) { return s == 1.0 ? x : mul(x, s); }

// baddbmm: beta input + alpha b1 b2. s[0] = beta, s[1] = alpha; saved b1, b2.
std::vector<Tensor> baddbmm_backward(FnNode& n, std::vector<Tensor>& g) {
  std::vector<Tensor> r(3);
  double beta = n.s[0].to_double(), alpha = n.s[1].to_double();
  if (n.needs(0)) r[0] = scaled(g[0], beta);
  if (n.needs(1)) r[1] = scaled(ag::bmm(g[0], mT(n.saved_at(1))), alpha);
  if (n.needs(2)) r[2] = scaled(ag::bmm(mT(n.saved_at(0)), g[0]), alpha);
  return r;
}

// addmv: beta input + alpha mat vec.
std::vector<Tensor> addmv_backward(FnNode& n, std::vector<Tensor>& g) {
  std::vector<Tensor> r(3);
  double beta = n.s[0].to_double(), alpha = n.s[1].to_double();
  if (n.needs(0)) r[0] = scaled(g[0], beta);
  if (n.needs(1)) r[1] = scaled(ag::outer(g[0], n.saved_at(1)), alpha);
  if (n.needs(2)) r[2] = scaled(ag::mv(mT(n.saved_at(0)), g[0]), alpha);
  return r;
}

// addmm (for addmm_): as functions_matmul.cpp's.
std::vector<Tensor> addmm_backward(FnNode& n, std::vector<Tensor>& g) {
  std::vector<Tensor> r(3);
  double beta = n.s[0].to_double(), alpha = n.s[1].to_double();
  if (n.needs(0)) r[0] = scaled(g[0], beta);
  if (n.needs(1)) r[1] = scaled(ag::mm(g[0], mT(n.saved_at(1))), alpha);
  if (n.needs(2)) r[2] = scaled(ag::mm(mT(n.saved_at(0)), g[0]), alpha);
  return r;
}

std::vector<Tensor> vdot_backward(FnNode& n, std::vector<Tensor>& g) {
  std::vector<Tensor> r(2);
  if (n.needs(0)) r[0] = mul(n.saved_at(1), g[0]);
  if (n.needs(1)) r[1] = mul(n.saved_at(0), g[0]);
  return r;
}

// The three-operand "beta input + alpha x y" ops, out of place (self null)
// or in place on self.
template <typename Run>
Tensor record_add3(const char* name, Formula f, const Tensor& self, const Tensor& input,
                   const Tensor& x, const Tensor& y, Scalar beta, Scalar alpha, const Tensor& out,
                   Run&& run) {
  const Tensor& in = self ? self : input;
  bool record = should_record(in.get(), x.get(), y.get());
  if (!self) {
    if (!record && !out) return run();
    no_out(out, name, record);
    if (!record) return run();
  } else {
    if (!record) return run();
    check_inplace(self.get());
  }
  Ptr<FnNode> n = make_node(name, f, {in.get(), x.get(), y.get()});
  n->s[0] = beta;
  n->s[1] = alpha;
  save(*n, n->needs(2) ? x : Tensor());
  save(*n, n->needs(1) ? y : Tensor());
  Tensor r = run();
  set_history(r, *n);
  return r;
}

// ---- tensordot, composed ----
// Whether dims_a/dims_b are a valid contraction (otherwise ops:: reports it).
bool valid_contraction(const Tensor& a, const Tensor& b, const Dims& da, const Dims& db) {
  if (da.size() != db.size()) return false;
  std::vector<bool> ua(a->dim(), false), ub(b->dim(), false);
  for (int64_t k = 0; k < da.size(); ++k) {
    if (da[k] < -a->dim() || da[k] >= a->dim() || db[k] < -b->dim() || db[k] >= b->dim())
      return false;
    int64_t x = wrap_dim(da[k], a->dim()), y = wrap_dim(db[k], b->dim());
    if (ua[x] || ub[y] || a->sizes()[x] != b->sizes()[y]) return false;
    ua[x] = ub[y] = true;
  }
  return true;
}

Tensor tensordot_composed(const Tensor& a, const Tensor& b, const Dims& da, const Dims& db) {
  std::vector<bool> ca(a->dim(), false), cb(b->dim(), false);
  Dims pa, pb, out_sizes;
  int64_t K = 1, M = 1, N = 1;
  for (int64_t k = 0; k < da.size(); ++k) {
    ca[wrap_dim(da[k], a->dim())] = true;
    cb[wrap_dim(db[k], b->dim())] = true;
  }
  for (int64_t d = 0; d < a->dim(); ++d)
    if (!ca[d]) {
      pa.push_back(d);
      out_sizes.push_back(a->sizes()[d]);
      M *= a->sizes()[d];
    }
  for (int64_t d : da) {
    pa.push_back(wrap_dim(d, a->dim()));
    K *= a->sizes()[wrap_dim(d, a->dim())];
  }
  for (int64_t d : db) pb.push_back(wrap_dim(d, b->dim()));
  for (int64_t d = 0; d < b->dim(); ++d)
    if (!cb[d]) {
      pb.push_back(d);
      out_sizes.push_back(b->sizes()[d]);
      N *= b->sizes()[d];
    }
  Tensor A = ag::reshape(ag::permute(a, pa), Dims{M, K});
  Tensor B = ag::reshape(ag::permute(b, pb), Dims{K, N});
  return ag::view(ag::mm(A, B), out_sizes);
}

// ---- einsum ----
// An equation parsed into label lists; -1 stands for the ellipsis.
struct Eq {
  std::vector<std::vector<int>> in;
  std::vector<int> out;
  bool ok = true;
};

Eq parse_eq(const std::string& s) {
  Eq e;
  std::vector<int> cur;
  bool arrow = false;
  int count[128] = {};
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ' ') continue;
    if (c == '.') {
      if (i + 2 >= s.size() || s[i + 1] != '.' || s[i + 2] != '.') return e.ok = false, e;
      cur.push_back(-1);
      i += 2;
    } else if (c == ',' && !arrow) {
      e.in.push_back(cur);
      cur.clear();
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '>' && !arrow) {
      e.in.push_back(cur);
      cur.clear();
      arrow = true;
      ++i;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      cur.push_back(c);
      if (!arrow) ++count[static_cast<int>(c)];
    } else {
      e.ok = false;
      return e;
    }
  }
  if (arrow) {
    e.out = cur;
  } else {
    e.in.push_back(cur);
    bool ell = false;
    for (auto& v : e.in) ell |= std::find(v.begin(), v.end(), -1) != v.end();
    if (ell) e.out.push_back(-1);
    for (int c = 0; c < 128; ++c)
      if (count[c] == 1) e.out.push_back(c);
  }
  return e;
}

std::string term(const std::vector<int>& v) {
  std::string s;
  for (int c : v) s += c < 0 ? std::string("...") : std::string(1, static_cast<char>(c));
  return s;
}

// saved: the operands; d0 unused. The equation is kept in `eq_text`.
struct EinsumNode : FnNode {
  using FnNode::FnNode;
  std::string eq_text;
};

std::vector<Tensor> einsum_backward(FnNode& base, std::vector<Tensor>& g) {
  auto& n = static_cast<EinsumNode&>(base);
  Eq e = parse_eq(n.eq_text);
  size_t k_ops = e.in.size();
  std::vector<Tensor> xs(k_ops);
  for (size_t k = 0; k < k_ops; ++k) xs[k] = n.saved_at(k);
  std::vector<Tensor> r(k_ops);
  for (size_t k = 0; k < k_ops; ++k) {
    if (!n.needs(k)) continue;
    const std::vector<int>& lab = e.in[k];
    const Tensor& x = xs[k];
    // The labels available elsewhere (the output and the other operands).
    std::vector<bool> avail(128, false);
    for (int c : e.out)
      if (c >= 0) avail[c] = true;
    for (size_t j = 0; j < k_ops; ++j)
      if (j != k)
        for (int c : e.in[j])
          if (c >= 0) avail[c] = true;
    // This operand's dims: ellipsis dims, then one per label occurrence.
    int64_t n_lab = 0;
    bool has_ell = false;
    for (int c : lab) (c < 0 ? has_ell = true : ++n_lab);
    int64_t n_ell = x->dim() - n_lab;
    // Sizes per label, and which labels repeat or are summed only here.
    std::vector<int64_t> lsize(128, -1);
    std::vector<int> uniq, present, absent;
    Dims ell_sizes;
    int64_t d = 0;
    bool repeats = false;
    for (int c : lab) {
      if (c < 0) {
        for (int64_t q = 0; q < n_ell; ++q) ell_sizes.push_back(x->sizes()[d++]);
        continue;
      }
      if (lsize[c] >= 0) {
        repeats = true;
      } else {
        uniq.push_back(c);
        (avail[c] ? present : absent).push_back(c);
      }
      lsize[c] = x->sizes()[d++];
    }
    // grad over [ellipsis..., present...] by einsum of g with the others.
    std::string eq = term(e.out);
    std::vector<Tensor> args{g[0]};
    for (size_t j = 0; j < k_ops; ++j)
      if (j != k) {
        eq += "," + term(e.in[j]);
        args.push_back(xs[j]);
      }
    // The ellipsis dims can be produced when the output or another operand has them.
    bool out_ell = std::find(e.out.begin(), e.out.end(), -1) != e.out.end();
    for (size_t j = 0; j < k_ops; ++j)
      if (j != k) out_ell |= std::find(e.in[j].begin(), e.in[j].end(), -1) != e.in[j].end();
    std::vector<int> target;
    if (has_ell && out_ell) target.push_back(-1);
    target.insert(target.end(), present.begin(), present.end());
    eq += "->" + term(target);
    Tensor t = ag::einsum(eq, args);
    // Ellipsis dims: broadcast (sum back) or summed in the forward (expand).
    int64_t te = t->dim() - static_cast<int64_t>(present.size());
    Dims want = ell_sizes;
    for (int c : present) want.push_back(lsize[c]);
    // Line t's ellipsis dims up with this operand's (right-aligned), summing
    // the ones this operand broadcast and expanding the ones it alone had.
    if (te > n_ell) {
      Dims lead;
      for (int64_t q = 0; q < te - n_ell; ++q) lead.push_back(q);
      t = ag::sum(t, lead, false, std::nullopt);
    }
    for (int64_t q = te; q < n_ell; ++q) t = ag::unsqueeze(t, 0);
    Dims bdims;
    for (int64_t q = 0; q < n_ell; ++q)
      if (want[q] == 1 && t->sizes()[q] != 1) bdims.push_back(q);
    if (!bdims.empty()) t = ag::sum(t, bdims, true, std::nullopt);
    if (t->sizes() != want) t = ag::expand(t, want);
    // Labels summed only in this operand: the gradient is constant along them.
    for (int c : absent) {
      Dims s = t->sizes();
      s.push_back(lsize[c]);
      t = ag::expand(ag::unsqueeze(t, t->dim()), s);
    }
    // Order: [ellipsis..., present..., absent...] -> the operand's unique order.
    std::vector<int> have;
    for (int c : present) have.push_back(c);
    for (int c : absent) have.push_back(c);
    int64_t ell_pos = 0;  // where the ellipsis sits among the unique labels
    {
      // Position of the ellipsis: the number of unique labels first seen before it.
      std::vector<bool> seen(128, false);
      for (int c : lab) {
        if (c < 0) break;
        if (!seen[c]) ++ell_pos;
        seen[c] = true;
      }
    }
    Dims order;  // result dim for each dim of the unique-label layout
    for (int64_t q = 0; q < ell_pos; ++q)
      order.push_back(n_ell + (std::find(have.begin(), have.end(), uniq[q]) - have.begin()));
    for (int64_t q = 0; q < n_ell; ++q) order.push_back(q);
    for (size_t q = ell_pos; q < uniq.size(); ++q)
      order.push_back(n_ell + (std::find(have.begin(), have.end(), uniq[q]) - have.begin()));
    t = ag::permute(t, order);
    if (repeats) {
      // Repeated labels: the gradient lands on the diagonal of those dims.
      Tensor z = ops::full(x->sizes(), Scalar::from_int(0), t->dtype(), x->device());
      Dims strides(t->dim(), 0);
      Dims zs = z->strides();
      int64_t dz = 0;
      std::vector<int64_t> upos(128, -1);
      for (size_t q = 0; q < uniq.size(); ++q)
        upos[uniq[q]] = q < static_cast<size_t>(ell_pos) ? q : q + n_ell;
      for (int c : lab) {
        if (c < 0) {
          for (int64_t q = 0; q < n_ell; ++q) strides[ell_pos + q] = zs[dz++];
          continue;
        }
        strides[upos[c]] += zs[dz++];
      }
      Tensor v = ops::as_strided(z, t->sizes(), strides, 0);
      ops::copy_(v, t);
      t = z;
    }
    r[k] = t;
  }
  return r;
}

}  // namespace

Tensor baddbmm(const Tensor& input, const Tensor& b1, const Tensor& b2, Scalar beta, Scalar alpha,
               const Tensor& out) {
  return record_add3("BaddbmmBackward0", baddbmm_backward, {}, input, b1, b2, beta, alpha, out,
                     [&] { return ops::baddbmm(input, b1, b2, beta, alpha, out); });
}

Tensor addmv(const Tensor& input, const Tensor& mat, const Tensor& vec, Scalar beta, Scalar alpha,
             const Tensor& out) {
  return record_add3("AddmvBackward0", addmv_backward, {}, input, mat, vec, beta, alpha, out,
                     [&] { return ops::addmv(input, mat, vec, beta, alpha, out); });
}

Tensor addmm_(const Tensor& self, const Tensor& m1, const Tensor& m2, Scalar beta, Scalar alpha) {
  return record_add3("AddmmBackward0", addmm_backward, self, {}, m1, m2, beta, alpha, {},
                     [&] { return ops::addmm_(self, m1, m2, beta, alpha); });
}

Tensor addmv_(const Tensor& self, const Tensor& mat, const Tensor& vec, Scalar beta, Scalar alpha) {
  return record_add3("AddmvBackward0", addmv_backward, self, {}, mat, vec, beta, alpha, {},
                     [&] { return ops::addmv_(self, mat, vec, beta, alpha); });
}

Tensor baddbmm_(const Tensor& self, const Tensor& b1, const Tensor& b2, Scalar beta, Scalar alpha) {
  return record_add3("BaddbmmBackward0", baddbmm_backward, self, {}, b1, b2, beta, alpha, {},
                     [&] { return ops::baddbmm_(self, b1, b2, beta, alpha); });
}

Tensor vdot(const Tensor& a, const Tensor& b, const Tensor& out) {
  bool record = should_record(a.get(), b.get());
  if (!record && !out) return ops::vdot(a, b, out);
  no_out(out, "vdot", record);
  if (!record) return ops::vdot(a, b, out);
  Ptr<FnNode> n = make_node("VdotBackward0", vdot_backward, {a.get(), b.get()});
  save(*n, a);
  save(*n, b);
  Tensor r = ops::vdot(a, b, out);
  set_history(r, *n);
  return r;
}

Tensor tensordot(const Tensor& a, const Tensor& b, const Dims& dims_a, const Dims& dims_b,
                 const Tensor& out) {
  bool record = should_record(a.get(), b.get());
  if (!record && !out) return ops::tensordot(a, b, dims_a, dims_b, out);
  no_out(out, "tensordot", record);
  if (!record || !valid_contraction(a, b, dims_a, dims_b) || a->dtype() != b->dtype())
    return ops::tensordot(a, b, dims_a, dims_b, out);
  return tensordot_composed(a, b, dims_a, dims_b);
}

Tensor tensordot(const Tensor& a, const Tensor& b, int64_t dims, const Tensor& out) {
  bool record = should_record(a.get(), b.get());
  if (!record && !out) return ops::tensordot(a, b, dims, out);
  no_out(out, "tensordot", record);
  if (!record || dims < 0 || dims > a->dim() || dims > b->dim())
    return ops::tensordot(a, b, dims, out);
  Dims da, db;
  for (int64_t k = 0; k < dims; ++k) {
    da.push_back(a->dim() - dims + k);
    db.push_back(k);
  }
  return ag::tensordot(a, b, da, db, out);
}

Tensor inner(const Tensor& a, const Tensor& b, const Tensor& out) {
  bool record = should_record(a.get(), b.get());
  if (!record && !out) return ops::inner(a, b, out);
  no_out(out, "inner", record);
  if (!record || a->dim() == 0 || b->dim() == 0 || a->sizes().back() != b->sizes().back())
    return record && (a->dim() == 0 || b->dim() == 0) ? mul(a, b) : ops::inner(a, b, out);
  return ag::tensordot(a, b, Dims{-1}, Dims{-1});
}

Tensor einsum(const std::string& equation, const std::vector<Tensor>& operands) {
  bool record = false;
  for (const Tensor& t : operands) record |= t && t->requires_grad();
  record = record && grad_enabled();
  if (!record) return ops::einsum(equation, operands);
  Tensor r = ops::einsum(equation, operands);  // validates the equation
  Eq e = parse_eq(equation);
  MT_CHECK(e.ok && e.in.size() == operands.size(), "einsum(): cannot differentiate '", equation,
           "'");
  Ptr<EinsumNode> n = make<EinsumNode>("EinsumBackward0", einsum_backward);
  n->eq_text = equation;
  for (const Tensor& t : operands) {
    n->next.push_back(wants_grad(t.get()) ? gradient_edge(t.get()) : Edge{});
    n->inputs.push_back({t->sizes(), t->dtype(), t->device()});
    save(*n, t);
  }
  set_history(r, *n);
  return r;
}

}  // namespace mt::ag
