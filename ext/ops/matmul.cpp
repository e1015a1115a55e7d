// matmul.cpp: the matmul family: matmul, mm, bmm, mv, dot, vdot, inner, outer,
// addmm, addmv, baddbmm (and their in-place forms), tensordot. einsum is in
// einsum.cpp.
//
// Every op reduces to one call of gemm_into: C = beta*C + alpha*A@B over
// broadcast batch dims, with A, B and C passed as strided views (no copies
// here: the device kernel decides what its BLAS can take as is). Shape rules,
// dtype rules and messages follow PyTorch, op by op: each op checks its
// arguments in the order PyTorch does, so the first error reported is the same.
// Both operands must share a dtype (no promotion) except in outer and in
// inner/einsum-like products with a 0-d operand, which are elementwise
// products in PyTorch and promote. bool is refused with NotImplementedError as
// PyTorch's CPU kernels do, except where PyTorch computes an elementwise
// product (outer, inner with a 0-d operand).
//
// out=: planned by plan_out (Note [Out planning]): a result of another shape
// is resized, with PyTorch's warning when it had elements; its dtype must be
// the result dtype (outer and the 0-d inner may cast, following can_cast).
#include <algorithm>
#include <array>
#include <vector>

#include "ops.h"
#include "out_plan.h"

namespace mt::ops {

namespace {

const char* tname(DType d) { return info(d).torch_name; }

void check_not_bool(DType d, const char* kernel) {
  MT_CHECK_KIND(NotImplementedError, d != DType::Bool, "\"", kernel, "\" not implemented for '",
                tname(d), "'");
}

void check_same_device(const TensorImpl* a, const TensorImpl* b) {
  MT_CHECK(a->device() == b->device(),
           "Expected all tensors to be on the same device, but found at least two devices, ",
           a->device().str(), " and ", b->device().str(), "!");
}

Dims batch_of(const TensorImpl* t, int64_t matrix_dims) {
  return Dims(t->sizes().begin(), t->sizes().end() - matrix_dims);
}

Dims cat(const Dims& a, std::initializer_list<int64_t> tail) {
  Dims out = a;
  for (int64_t v : tail) out.push_back(v);
  return out;
}

}  // namespace

void gemm_into(const Tensor& c, const Tensor& a, const Tensor& b, Scalar alpha, Scalar beta) {
  check_same_device(a.get(), b.get());
  check_same_device(a.get(), c.get());
  const int64_t nd = c->dim();
  MT_CHECK(nd >= 2 && a->dim() == nd && b->dim() == nd, "gemm_into: expected matrices with ",
           "equal batch dims, got ", a->sizes(), " @ ", b->sizes(), " -> ", c->sizes());
  c->prepare_write();
  if (c->numel() == 0) return;
  // The kernel must never read what it writes: compute an aliased result aside.
  if (c->storage().get() == a->storage().get() || c->storage().get() == b->storage().get()) {
    Tensor tmp = empty(c->sizes(), c->dtype(), c->device());
    if (beta.to_double() != 0) copy_(tmp, c);
    gemm_into(tmp, a, b, alpha, beta);
    copy_(c, tmp);
    return;
  }
  GemmArgs g;
  g.dtype = c->dtype();
  g.m = c->sizes()[nd - 2];
  g.n = c->sizes()[nd - 1];
  g.k = a->sizes()[nd - 1];
  g.a = a->data();
  g.b = b->data();
  g.c = c->data();
  g.a_rs = a->strides()[nd - 2];
  g.a_cs = a->strides()[nd - 1];
  g.b_rs = b->strides()[nd - 2];
  g.b_cs = b->strides()[nd - 1];
  g.c_rs = c->strides()[nd - 2];
  g.c_cs = c->strides()[nd - 1];
  for (int64_t d = 0; d < nd - 2; ++d) {
    g.batch.push_back(c->sizes()[d]);
    g.a_bs.push_back(a->strides()[d]);
    g.b_bs.push_back(b->strides()[d]);
    g.c_bs.push_back(c->strides()[d]);
  }
  g.alpha = alpha;
  g.beta = beta;
  need(kernel_table(c->device().type).gemm, "matmul", c->device())(g);
}

// ---- dot, vdot ----

Tensor dot(const Tensor& a, const Tensor& b, const Tensor& out) {
  MT_CHECK(a->dim() == 1 && b->dim() == 1, "1D tensors expected, but got ", a->dim(), "D and ",
           b->dim(), "D tensors");
  MT_CHECK(a->dtype() == b->dtype(), "dot : expected both vectors to have same dtype, but found ",
           tname(a->dtype()), " and ", tname(b->dtype()));
  MT_CHECK(a->numel() == b->numel(), "inconsistent tensor size, expected tensor [", a->numel(),
           "] and src [", b->numel(), "] to have the same number of elements, but got ", a->numel(),
           " and ", b->numel(), " elements respectively");
  check_not_bool(a->dtype(), "dot");
  if (out)
    MT_CHECK(out->dtype() == a->dtype(), "result dtype ", tname(out->dtype()),
             " does not match input dtype ", tname(a->dtype()));
  Tensor r = plan_out(out, Dims{}, a->dtype(), a->device());
  gemm_into(unsqueeze(unsqueeze(r, 0), 0), unsqueeze(a, 0), unsqueeze(b, 1), Scalar::from_int(1),
            Scalar::from_int(0));
  return r;
}

// Real dtypes only, so vdot is dot (no conjugation to do).
Tensor vdot(const Tensor& a, const Tensor& b, const Tensor& out) { return dot(a, b, out); }

// ---- mv, addmv ----

Tensor addmv(const Tensor& input, const Tensor& mat, const Tensor& vec, Scalar beta, Scalar alpha,
             const Tensor& out) {
  MT_CHECK(mat->dim() == 2 && vec->dim() == 1 && input->dim() <= 1,
           "vector + matrix @ vector expected, got ", input->dim(), ", ", mat->dim(), ", ",
           vec->dim());
  const int64_t m = mat->sizes()[0], k = mat->sizes()[1];
  const int64_t in_n = input->dim() ? input->sizes()[0] : 1;
  MT_CHECK(vec->sizes()[0] == k && (in_n == m || in_n == 1), "size mismatch, got input (", in_n,
           "), mat (", m, "x", k, "), vec (", vec->sizes()[0], ")");
  DType self_dt = out ? out->dtype() : input->dtype();
  MT_CHECK(
      input->dtype() == mat->dtype() && mat->dtype() == vec->dtype() && self_dt == mat->dtype(),
      "addmv input tensors must have the same dtype, but got ", tname(self_dt), ", ",
      tname(mat->dtype()), ", and ", tname(vec->dtype()));
  check_not_bool(mat->dtype(), "addmv_impl");
  Tensor r = plan_out(out, Dims{m}, mat->dtype(), mat->device());
  const bool use_input = beta.to_double() != 0;
  if (use_input && r.get() != input.get()) copy_(r, expand(input, Dims{m}));
  gemm_into(unsqueeze(r, 1), mat, unsqueeze(vec, 1), alpha, use_input ? beta : Scalar::from_int(0));
  return r;
}

Tensor mv(const Tensor& mat, const Tensor& vec, const Tensor& out) {
  MT_CHECK(mat->dim() == 2 && vec->dim() == 1, "vector + matrix @ vector expected, got 1, ",
           mat->dim(), ", ", vec->dim());
  const int64_t m = mat->sizes()[0], k = mat->sizes()[1];
  MT_CHECK(vec->sizes()[0] == k, "size mismatch, got input (", m, "), mat (", m, "x", k, "), vec (",
           vec->sizes()[0], ")");
  // PyTorch computes mv as addmv into a result made like `vec`; its message
  // names that result's dtype first.
  DType self_dt = out ? out->dtype() : vec->dtype();
  MT_CHECK(mat->dtype() == vec->dtype() && self_dt == mat->dtype(),
           "addmv input tensors must have the same dtype, but got ", tname(self_dt), ", ",
           tname(mat->dtype()), ", and ", tname(vec->dtype()));
  check_not_bool(mat->dtype(), "addmv_impl");
  Tensor r = plan_out(out, Dims{m}, mat->dtype(), mat->device());
  gemm_into(unsqueeze(r, 1), mat, unsqueeze(vec, 1), Scalar::from_int(1), Scalar::from_int(0));
  return r;
}

Tensor addmv_(const Tensor& self, const Tensor& mat, const Tensor& vec, Scalar beta, Scalar alpha) {
  if (mat->dim() == 2)
    MT_CHECK(self->sizes() == Dims{mat->sizes()[0]}, "Bad in-place call: input tensor size ",
             self->sizes(), " and output tensor size ", Dims{mat->sizes()[0]}, " should match");
  return addmv(self, mat, vec, beta, alpha, self);
}

// ---- mm, addmm ----

namespace {
void check_mm_shapes(int64_t m, int64_t k, int64_t k2, int64_t n) {
  MT_CHECK(k == k2, "mat1 and mat2 shapes cannot be multiplied (", m, "x", k, " and ", k2, "x", n,
           ")");
}
void check_m1m2_dtype(DType a, DType b) {
  MT_CHECK(a == b, "expected m1 and m2 to have the same dtype, but got: ", c_name(a),
           " != ", c_name(b));
}
}  // namespace

Tensor mm(const Tensor& a, const Tensor& b, const Tensor& out) {
  MT_CHECK(a->dim() == 2, "self must be a matrix");
  MT_CHECK(b->dim() == 2, "mat2 must be a matrix");
  const int64_t m = a->sizes()[0], k = a->sizes()[1], n = b->sizes()[1];
  check_mm_shapes(m, k, b->sizes()[0], n);
  check_m1m2_dtype(a->dtype(), b->dtype());
  check_not_bool(a->dtype(), "addmm_impl_");
  check_out_dtype(out, a->dtype());
  Tensor r = plan_out(out, Dims{m, n}, a->dtype(), a->device());
  gemm_into(r, a, b, Scalar::from_int(1), Scalar::from_int(0));
  return r;
}

Tensor addmm(const Tensor& input, const Tensor& m1, const Tensor& m2, Scalar beta, Scalar alpha,
             const Tensor& out) {
  MT_CHECK(m1->dim() == 2, "mat1 must be a matrix, got ", m1->dim(), "-D tensor");
  MT_CHECK(m2->dim() == 2, "mat2 must be a matrix, got ", m2->dim(), "-D tensor");
  DType self_dt = out ? out->dtype() : input->dtype();
  MT_CHECK(self_dt == m2->dtype() && input->dtype() == m2->dtype(),
           "self and mat2 must have the same dtype, but got ",
           tname(self_dt != m2->dtype() ? self_dt : input->dtype()), " and ", tname(m2->dtype()));
  MT_CHECK(m1->dtype() == m2->dtype(), "mat1 and mat2 must have the same dtype, but got ",
           tname(m1->dtype()), " and ", tname(m2->dtype()));
  const int64_t m = m1->sizes()[0], k = m1->sizes()[1], n = m2->sizes()[1];
  check_mm_shapes(m, k, m2->sizes()[0], n);
  Tensor in = expand(input, Dims{m, n});  // PyTorch's expand message on mismatch
  check_not_bool(m1->dtype(), "addmm_impl_");
  Tensor r = plan_out(out, Dims{m, n}, m1->dtype(), m1->device());
  const bool use_input = beta.to_double() != 0;
  if (use_input && r.get() != input.get()) copy_(r, in);
  gemm_into(r, m1, m2, alpha, use_input ? beta : Scalar::from_int(0));
  return r;
}

Tensor addmm_(const Tensor& self, const Tensor& m1, const Tensor& m2, Scalar beta, Scalar alpha) {
  if (m1->dim() == 2 && m2->dim() == 2)
    MT_CHECK(self->sizes() == (Dims{m1->sizes()[0], m2->sizes()[1]}),
             "Bad in-place call: input tensor size ", self->sizes(), " and output tensor size ",
             Dims{m1->sizes()[0], m2->sizes()[1]}, " should match");
  return addmm(self, m1, m2, beta, alpha, self);
}

// ---- bmm, baddbmm ----

namespace {
void check_bmm(const Tensor& b1, const Tensor& b2) {
  MT_CHECK(b1->dim() == 3, "batch1 must be a 3D tensor");
  MT_CHECK(b2->dim() == 3, "batch2 must be a 3D tensor");
  MT_CHECK(b1->sizes()[0] == b2->sizes()[0] && b1->sizes()[2] == b2->sizes()[1],
           "Expected size for first two dimensions of batch2 tensor to be: [", b1->sizes()[0], ", ",
           b1->sizes()[2], "] but got: [", b2->sizes()[0], ", ", b2->sizes()[1], "].");
  MT_CHECK(b1->dtype() == b2->dtype(), "expected scalar type ", tname(b1->dtype()), " but found ",
           tname(b2->dtype()));
}
}  // namespace

Tensor bmm(const Tensor& a, const Tensor& b, const Tensor& out) {
  check_bmm(a, b);
  check_not_bool(a->dtype(), "bmm");
  check_out_dtype(out, a->dtype());
  Tensor r =
      plan_out(out, Dims{a->sizes()[0], a->sizes()[1], b->sizes()[2]}, a->dtype(), a->device());
  gemm_into(r, a, b, Scalar::from_int(1), Scalar::from_int(0));
  return r;
}

Tensor baddbmm(const Tensor& input, const Tensor& b1, const Tensor& b2, Scalar beta, Scalar alpha,
               const Tensor& out) {
  check_bmm(b1, b2);
  DType self_dt = out ? out->dtype() : input->dtype();
  MT_CHECK(self_dt == b1->dtype() && input->dtype() == b1->dtype(),
           "Input dtypes must be the same, got: input ", c_name(input->dtype()),
           ", batch1: ", c_name(b1->dtype()), ", batch2: ", c_name(b2->dtype()));
  Dims sizes{b1->sizes()[0], b1->sizes()[1], b2->sizes()[2]};
  Tensor in = expand(input, sizes);
  check_not_bool(b1->dtype(), "baddbmm");
  Tensor r = plan_out(out, sizes, b1->dtype(), b1->device());
  const bool use_input = beta.to_double() != 0;
  if (use_input && r.get() != input.get()) copy_(r, in);
  gemm_into(r, b1, b2, alpha, use_input ? beta : Scalar::from_int(0));
  return r;
}

Tensor baddbmm_(const Tensor& self, const Tensor& b1, const Tensor& b2, Scalar beta, Scalar alpha) {
  if (b1->dim() == 3 && b2->dim() == 3) {
    Dims want{b1->sizes()[0], b1->sizes()[1], b2->sizes()[2]};
    MT_CHECK(self->sizes() == want, "Bad in-place call: input tensor size ", self->sizes(),
             " and output tensor size ", want, " should match");
  }
  return baddbmm(self, b1, b2, beta, alpha, self);
}

// ---- matmul ----

Tensor matmul(const Tensor& a, const Tensor& b, const Tensor& out) {
  const int64_t da = a->dim(), db = b->dim();
  MT_CHECK(da >= 1 && db >= 1, "both arguments to matmul need to be at least 1D, but they are ", da,
           "D and ", db, "D");
  if (da == 1 && db == 1) return dot(a, b, out);
  if (da == 2 && db == 1) return mv(a, b, out);
  if (da == 2 && db == 2) return mm(a, b, out);
  const Scalar one = Scalar::from_int(1), zero = Scalar::from_int(0);
  if (da == 1 && db == 2) {  // (k) @ (k, n) -> (n)
    const int64_t k = a->sizes()[0], n = b->sizes()[1];
    check_mm_shapes(1, k, b->sizes()[0], n);
    check_m1m2_dtype(a->dtype(), b->dtype());
    check_not_bool(a->dtype(), "addmm_impl_");
    check_out_dtype(out, a->dtype());
    Tensor r = plan_out(out, Dims{n}, a->dtype(), a->device());
    gemm_into(unsqueeze(r, 0), unsqueeze(a, 0), b, one, zero);
    return r;
  }
  if (db <= 2) {
    // (..., m, k) @ (k[, n]): PyTorch folds the batch into rows, and its
    // messages show the folded sizes. The kernel folds the same way.
    const Dims batch = batch_of(a.get(), 2);
    const int64_t m = a->sizes()[da - 2], k = a->sizes()[da - 1], rows = numel_of(batch) * m;
    if (db == 1) {
      MT_CHECK(b->sizes()[0] == k, "size mismatch, got input (", rows, "), mat (", rows, "x", k,
               "), vec (", b->sizes()[0], ")");
      DType self_dt = out ? out->dtype() : b->dtype();
      MT_CHECK(a->dtype() == b->dtype() && self_dt == a->dtype(),
               "addmv input tensors must have the same dtype, but got ", tname(self_dt), ", ",
               tname(a->dtype()), ", and ", tname(b->dtype()));
      check_not_bool(a->dtype(), "addmv_impl");
      Tensor r = plan_out(out, cat(batch, {m}), a->dtype(), a->device());
      gemm_into(unsqueeze(r, -1), a, expand(unsqueeze(b, 1), cat(batch, {k, 1})), one, zero);
      return r;
    }
    const int64_t n = b->sizes()[1];
    check_mm_shapes(rows, k, b->sizes()[0], n);
    check_m1m2_dtype(a->dtype(), b->dtype());
    check_not_bool(a->dtype(), "addmm_impl_");
    check_out_dtype(out, a->dtype());
    Tensor r = plan_out(out, cat(batch, {m, n}), a->dtype(), a->device());
    gemm_into(r, a, expand(b, cat(batch, {k, n})), one, zero);
    return r;
  }
  // Batched, broadcasting the batch dims: (..., m, k) @ (..., k, n), where a
  // 1-D a is a single row whose dim is dropped from the result.
  Tensor A = da == 1 ? unsqueeze(a, 0) : a;
  const Dims batch = broadcast_shapes(batch_of(A.get(), 2), batch_of(b.get(), 2));
  const int64_t m = A->sizes()[A->dim() - 2], k = A->sizes()[A->dim() - 1];
  const int64_t k2 = b->sizes()[db - 2], n = b->sizes()[db - 1], nb = numel_of(batch);
  MT_CHECK(k == k2, "Expected size for first two dimensions of batch2 tensor to be: [", nb, ", ", k,
           "] but got: [", nb, ", ", k2, "].");
  MT_CHECK(a->dtype() == b->dtype(), "expected scalar type ", tname(a->dtype()), " but found ",
           tname(b->dtype()));
  check_not_bool(a->dtype(), "bmm");
  check_out_dtype(out, a->dtype());
  Tensor r = plan_out(out, da == 1 ? cat(batch, {n}) : cat(batch, {m, n}), a->dtype(), a->device());
  gemm_into(da == 1 ? unsqueeze(r, -2) : r, expand(A, cat(batch, {m, k})),
            expand(b, cat(batch, {k, n})), one, zero);
  return r;
}

// ---- outer, inner ----

namespace {
// Writes `r` (computed in the promoted dtype) into out, or returns it.
Tensor finish_cast(const Tensor& r, const Tensor& out) {
  return !out || r.get() == out.get() ? r : copy_out(out, r);
}
}  // namespace

Tensor outer(const Tensor& a, const Tensor& b, const Tensor& out) {
  MT_CHECK(a->dim() == 1, "outer: Expected 1-D argument self, but got ", a->dim(), "-D");
  MT_CHECK(b->dim() == 1, "outer: Expected 1-D argument vec2, but got ", b->dim(), "-D");
  Operand ops2[2] = {{a.get(), {}}, {b.get(), {}}};
  DType dt = result_type(ops2, 2, DType::Float32);
  check_out_castable(dt, out.get());
  const int64_t m = a->sizes()[0], n = b->sizes()[0];
  // An elementwise product, written as a GEMM with k = 1 (bool works: and).
  Tensor r = out && out->dtype() == dt ? plan_out(out, Dims{m, n}, dt, a->device())
                                       : empty(Dims{m, n}, dt, a->device());
  gemm_into(r, unsqueeze(to(a, dt, a->device(), false), 1),
            unsqueeze(to(b, dt, b->device(), false), 0), Scalar::from_int(1), Scalar::from_int(0));
  return finish_cast(r, out);
}

Tensor inner(const Tensor& a, const Tensor& b, const Tensor& out) {
  if (a->dim() == 0 || b->dim() == 0) {
    // A product with a scalar (PyTorch: a * b, with type promotion).
    Operand ops2[2] = {{a.get(), {}}, {b.get(), {}}};
    DType dt = result_type(ops2, 2, DType::Float32);
    check_out_castable(dt, out.get());
    const Tensor& s = a->dim() == 0 ? a : b;
    const Tensor& x = a->dim() == 0 ? b : a;
    const int64_t nx = x->numel();
    Tensor r = empty(x->sizes(), dt, x->device());
    gemm_into(view(r, Dims{nx, 1}), reshape(to(x, dt, x->device(), false), Dims{nx, 1}),
              reshape(to(s, dt, s->device(), false), Dims{1, 1}), Scalar::from_int(1),
              Scalar::from_int(0));
    return finish_cast(r, out);
  }
  MT_CHECK(a->sizes().back() == b->sizes().back(),
           "inner() the last dimension must match on both input tensors but got shapes ",
           a->sizes(), " and ", b->sizes());
  if (a->dim() == 1 && b->dim() == 1) return dot(a, b, out);
  return tensordot(a, b, Dims{-1}, Dims{-1}, out);
}

// ---- tensordot ----

Tensor tensordot(const Tensor& a, const Tensor& b, const Dims& dims_a, const Dims& dims_b,
                 const Tensor& out) {
  MT_CHECK(dims_a.size() == dims_b.size(), "both dimension lists should have same length");
  MT_CHECK(a->dtype() == b->dtype(), "both inputs should have same dtype");
  const int64_t na = a->dim(), nb = b->dim(), nc = dims_a.size();
  std::vector<bool> ca(na, false), cb(nb, false);
  Dims esa = a->sizes(), esb = b->sizes();  // sizes after broadcasting size-1 contracted dims
  Dims wa(nc), wb(nc);
  for (int64_t i = 0; i < nc; ++i) {
    wa[i] = wrap_dim(dims_a[i], na);
    wb[i] = wrap_dim(dims_b[i], nb);
    MT_CHECK(!ca[wa[i]], "dim ", wa[i], " appears multiple times in the list of dims");
    MT_CHECK(!cb[wb[i]], "dim ", wb[i], " appears multiple times in the list of dims");
    ca[wa[i]] = cb[wb[i]] = true;
    int64_t sa = esa[wa[i]], sb = esb[wb[i]];
    if (sa != sb) {
      // A size-1 contracted dim broadcasts: the other side is summed over it.
      MT_CHECK(sa == 1 || sb == 1, "contracted dimensions need to match, but first has size ", sa,
               " in dim ", dims_a[i], " and second has size ", sb, " in dim ", dims_b[i]);
      if (sa == 1)
        esa[wa[i]] = sb;
      else
        esb[wb[i]] = sa;
    }
  }
  Dims perm_a, perm_b, sizes;
  int64_t rows = 1, cols = 1, depth = 1;
  for (int64_t d = 0; d < na; ++d)
    if (!ca[d]) {
      perm_a.push_back(d);
      sizes.push_back(esa[d]);
      rows *= esa[d];
    }
  for (int64_t i = 0; i < nc; ++i) {
    perm_a.push_back(wa[i]);
    perm_b.push_back(wb[i]);
    depth *= esa[wa[i]];
  }
  for (int64_t d = 0; d < nb; ++d)
    if (!cb[d]) {
      perm_b.push_back(d);
      sizes.push_back(esb[d]);
      cols *= esb[d];
    }
  check_not_bool(a->dtype(), "addmm_impl_");
  if (out)
    MT_CHECK(out->dtype() == a->dtype(), "tensordot: Expected the output tensor to have dtype ",
             tname(a->dtype()), ", but got an output tensor with dtype ", tname(out->dtype()));
  Tensor A = reshape(permute(expand(a, esa), perm_a), Dims{rows, depth});
  Tensor B = reshape(permute(expand(b, esb), perm_b), Dims{depth, cols});
  Tensor r = plan_out(out, sizes, a->dtype(), a->device());
  Tensor c = r->is_contiguous() ? view(r, Dims{rows, cols})
                                : empty(Dims{rows, cols}, r->dtype(), r->device());
  gemm_into(c, A, B, Scalar::from_int(1), Scalar::from_int(0));
  if (!r->is_contiguous()) copy_(r, view(c, sizes));
  return r;
}

Tensor tensordot(const Tensor& a, const Tensor& b, int64_t dims, const Tensor& out) {
  MT_CHECK(dims >= 0, "tensordot expects dims >= 0, but got dims=", dims);
  MT_CHECK(dims <= a->dim() && dims <= b->dim(),
           "tensordot expects dims < ndim_a or ndim_b, but got dims=", dims);
  Dims da, db;
  for (int64_t i = 0; i < dims; ++i) {
    da.push_back(i - dims);
    db.push_back(i);
  }
  return tensordot(a, b, da, db, out);
}

}  // namespace mt::ops
