// einsum.cpp: einsum, by pairwise contraction through gemm_into.
//
// The equation is parsed once into one list of labels per operand (letters
// are labels 0-51 in ASCII order, the dims covered by "..." are labels 52+,
// aligned from the right across operands as broadcasting aligns them).
// Repeated labels within an operand become a diagonal view. Operands are then
// combined left to right: for a pair (X, Y), labels that neither the output
// nor a later operand needs are summed out of X or Y alone, or contracted when
// both have them; labels both keep are batch dims; the rest are free. X is
// permuted to (batch, x-free, contracted) and Y to (batch, contracted,
// y-free), the groups flattened (a view when the strides allow, else a copy),
// and one batched GEMM gives the pair's result. A size-1 dim broadcasts
// against the other operand (an expanded view with stride 0).
//
// Sums over labels of a single operand are a GEMM with a vector of ones. With
// a single operand, integer and bool sums give int64, as PyTorch's sum does;
// a pure permutation or diagonal returns a view, as in PyTorch.
#include <algorithm>
#include <array>
#include <vector>

#include "ops.h"

namespace mt::ops {

namespace {

constexpr int kLetters = 52;

int label_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return 26 + (c - 'a');
  return -1;
}

// How a label is named in messages: its letter, or "..." for an ellipsis dim.
std::string label_name(int l) {
  if (l < 26) return std::string(1, static_cast<char>('A' + l));
  if (l < kLetters) return std::string(1, static_cast<char>('a' + l - 26));
  return "...";
}

// One side of the equation term by term: letters and where "..." was.
struct Term {
  std::vector<int> letters;
  int ellipsis_at = -1;  // index into letters where "..." stands, or -1
};

// Parses one term starting at eq[pos] up to a ',' or the end; `who` names it
// in messages ("operand 2" / "output").
Term parse_term(const std::string& eq, size_t& pos, size_t end, const std::string& who) {
  Term t;
  while (pos < end && eq[pos] != ',') {
    char c = eq[pos];
    if (c == ' ') {
      ++pos;
      continue;
    }
    if (c == '.') {
      MT_CHECK(t.ellipsis_at < 0, "einsum(): found '.' for ", who,
               " for which an ellipsis was already found");
      MT_CHECK(pos + 2 < end && eq[pos + 1] == '.' && eq[pos + 2] == '.',
               "einsum(): found '.' for ", who, " that is not part of any ellipsis");
      t.ellipsis_at = static_cast<int>(t.letters.size());
      pos += 3;
      continue;
    }
    int l = label_of(c);
    MT_CHECK(l >= 0, "einsum(): invalid subscript given at index ", pos,
             " in the equation string, subscripts must be in [a-zA-Z]");
    t.letters.push_back(l);
    ++pos;
  }
  return t;
}

// An operand during contraction: one distinct label per dim.
struct Labeled {
  Tensor t;
  std::vector<int> labels;
};

int64_t find(const std::vector<int>& v, int x) {
  auto it = std::find(v.begin(), v.end(), x);
  return it == v.end() ? -1 : it - v.begin();
}

// Sums `x` over the labels in `drop` (by GEMM with ones). promote: integer and
// bool sums accumulate in int64 (PyTorch's sum); otherwise bool is refused.
Labeled sum_out(const Labeled& x, const std::vector<int>& drop, bool promote) {
  if (drop.empty()) return x;
  Dims perm, keep_sizes;
  Labeled r;
  int64_t rows = 1, depth = 1;
  for (size_t i = 0; i < x.labels.size(); ++i)
    if (find(drop, x.labels[i]) < 0) {
      perm.push_back(i);
      keep_sizes.push_back(x.t->sizes()[i]);
      r.labels.push_back(x.labels[i]);
      rows *= x.t->sizes()[i];
    }
  for (size_t i = 0; i < x.labels.size(); ++i)
    if (find(drop, x.labels[i]) >= 0) {
      perm.push_back(i);
      depth *= x.t->sizes()[i];
    }
  DType dt = x.t->dtype();
  if (promote && !is_floating(dt)) dt = DType::Int64;
  MT_CHECK_KIND(NotImplementedError, dt != DType::Bool, "\"bmm\" not implemented for 'Bool'");
  Tensor flat = reshape(permute(to(x.t, dt, x.t->device(), false), perm), Dims{rows, depth});
  Tensor ones = full(Dims{depth, 1}, Scalar::from_int(1), dt, x.t->device());
  Tensor out = empty(Dims{rows, 1}, dt, x.t->device());
  gemm_into(out, flat, ones, Scalar::from_int(1), Scalar::from_int(0));
  r.t = view(out, keep_sizes);
  return r;
}

// The contraction of one pair; `keep` holds the labels needed afterwards.
Labeled combine(Labeled x, Labeled y, const std::array<bool, 128>& keep) {
  std::vector<int> drop_x, drop_y;
  for (int l : x.labels)
    if (!keep[l] && find(y.labels, l) < 0) drop_x.push_back(l);
  for (int l : y.labels)
    if (!keep[l] && find(x.labels, l) < 0) drop_y.push_back(l);
  x = sum_out(x, drop_x, false);
  y = sum_out(y, drop_y, false);

  std::vector<int> batch, xfree, yfree, contract;
  for (int l : x.labels) {
    bool in_y = find(y.labels, l) >= 0;
    if (in_y)
      (keep[l] ? batch : contract).push_back(l);
    else
      xfree.push_back(l);
  }
  for (int l : y.labels)
    if (find(x.labels, l) < 0) yfree.push_back(l);
  if (!contract.empty())
    MT_CHECK_KIND(NotImplementedError, x.t->dtype() != DType::Bool,
                  "\"bmm\" not implemented for 'Bool'");

  auto size_in = [](const Labeled& o, int l) { return o.t->sizes()[find(o.labels, l)]; };
  auto common = [&](int l) { return std::max(size_in(x, l), size_in(y, l)); };
  // Permuted, broadcast views: X (batch.., xfree.., contract..), Y (batch.., contract.., yfree..)
  Dims px, py, sx, sy, bsizes, rsizes;
  int64_t m = 1, n = 1, k = 1;
  for (int l : batch) {
    px.push_back(find(x.labels, l));
    py.push_back(find(y.labels, l));
    int64_t s = common(l);
    sx.push_back(s);
    sy.push_back(s);
    bsizes.push_back(s);
    rsizes.push_back(s);
  }
  for (int l : xfree) {
    px.push_back(find(x.labels, l));
    sx.push_back(size_in(x, l));
    rsizes.push_back(size_in(x, l));
    m *= size_in(x, l);
  }
  for (int l : contract) {
    px.push_back(find(x.labels, l));
    py.push_back(find(y.labels, l));
    int64_t s = common(l);
    sx.push_back(s);
    sy.push_back(s);
    k *= s;
  }
  for (int l : yfree) {
    py.push_back(find(y.labels, l));
    sy.push_back(size_in(y, l));
    rsizes.push_back(size_in(y, l));
    n *= size_in(y, l);
  }
  Dims ax = bsizes, ay = bsizes, ar = bsizes;
  ax.push_back(m);
  ax.push_back(k);
  ay.push_back(k);
  ay.push_back(n);
  ar.push_back(m);
  ar.push_back(n);
  Tensor a = reshape(expand(permute(x.t, px), sx), ax);
  Tensor b = reshape(expand(permute(y.t, py), sy), ay);
  Tensor c = empty(ar, x.t->dtype(), x.t->device());
  gemm_into(c, a, b, Scalar::from_int(1), Scalar::from_int(0));
  Labeled r;
  r.t = view(c, rsizes);
  r.labels = batch;
  r.labels.insert(r.labels.end(), xfree.begin(), xfree.end());
  r.labels.insert(r.labels.end(), yfree.begin(), yfree.end());
  return r;
}

}  // namespace

Tensor einsum(const std::string& eq, const std::vector<Tensor>& operands) {
  const int64_t nops = operands.size();
  MT_CHECK_KIND(ValueError, nops > 0,
                "einsum(): must specify the equation string and at least one operand");
  const size_t arrow = eq.find("->");
  const size_t lhs_end = arrow == std::string::npos ? eq.size() : arrow;

  // ---- parse the inputs ----
  std::vector<Term> terms;
  size_t pos = 0;
  for (;;) {
    MT_CHECK(static_cast<int64_t>(terms.size()) < nops,
             "einsum(): fewer operands were provided than specified in the equation");
    terms.push_back(parse_term(eq, pos, lhs_end, "operand " + std::to_string(terms.size())));
    if (pos >= lhs_end) break;
    ++pos;  // the ','
  }
  MT_CHECK(static_cast<int64_t>(terms.size()) == nops,
           "einsum(): more operands were provided than specified in the equation");

  DType dt = operands[0]->dtype();
  int64_t ell = 0;  // dims covered by "..." (the most any operand has)
  for (int64_t i = 0; i < nops; ++i) {
    const Tensor& t = operands[i];
    MT_CHECK(t->dtype() == dt, "expected scalar type ", info(dt).torch_name, " but found ",
             info(t->dtype()).torch_name);
    MT_CHECK(t->device() == operands[0]->device(),
             "Expected all tensors to be on the same device, but found at least two devices, ",
             operands[0]->device().str(), " and ", t->device().str(), "!");
    const int64_t nl = terms[i].letters.size();
    if (terms[i].ellipsis_at >= 0) {
      MT_CHECK(nl <= t->dim(), "einsum(): the number of subscripts in the equation (", nl,
               ") is more than the number of dimensions (", t->dim(), ") for operand ", i);
      ell = std::max(ell, t->dim() - nl);
    } else {
      MT_CHECK(nl == t->dim(), "einsum(): the number of subscripts in the equation (", nl,
               ") does not match the number of dimensions (", t->dim(), ") for operand ", i,
               " and no ellipsis was given");
    }
  }
  MT_CHECK(kLetters + ell <= 128, "einsum(): too many dimensions covered by the ellipsis");

  // Full per-dim labels, label sizes (with broadcasting), diagonal views.
  std::array<int64_t, 128> size;
  size.fill(-1);
  std::array<int, 128> count{};
  std::vector<Labeled> ops(nops);
  for (int64_t i = 0; i < nops; ++i) {
    const Tensor& t = operands[i];
    const Term& tm = terms[i];
    std::vector<int> dims;  // a label per dim of t
    const int64_t e = tm.ellipsis_at >= 0 ? t->dim() - tm.letters.size() : 0;
    for (int64_t j = 0; j < static_cast<int64_t>(tm.letters.size()); ++j) {
      if (j == tm.ellipsis_at)
        for (int64_t q = 0; q < e; ++q) dims.push_back(kLetters + ell - e + q);
      dims.push_back(tm.letters[j]);
    }
    if (tm.ellipsis_at == static_cast<int>(tm.letters.size()))
      for (int64_t q = 0; q < e; ++q) dims.push_back(kLetters + ell - e + q);

    Labeled& op = ops[i];
    Dims sizes, strides;
    for (size_t d = 0; d < dims.size(); ++d) {
      const int l = dims[d];
      const int64_t s = t->sizes()[d];
      ++count[l];
      int64_t at = find(op.labels, l);
      if (at >= 0) {  // repeated within this operand: a diagonal
        MT_CHECK(sizes[at] == s, "einsum(): subscript ", label_name(l), " is repeated for operand ",
                 i, " but the sizes don't match, ", s, " != ", sizes[at]);
        strides[at] += t->strides()[d];
        continue;
      }
      op.labels.push_back(l);
      sizes.push_back(s);
      strides.push_back(t->strides()[d]);
      if (size[l] < 0 || size[l] == 1) {
        size[l] = s;
      } else if (s != 1 && s != size[l]) {
        if (l < kLetters)
          MT_THROW(RuntimeError, "einsum(): subscript ", label_name(l), " has size ", s,
                   " for operand ", i, " which does not broadcast with previously seen size ",
                   size[l]);
        MT_THROW(RuntimeError, "einsum(): dimension ", l - kLetters - (ell - e),
                 " covered by ellipsis in operand ", i, " has size ", s,
                 " which does not broadcast with previously seen ellipsis with size ", size[l],
                 " for the respective dimension");
      }
    }
    op.t = as_strided(t, sizes, strides, t->offset());
  }

  // ---- the output labels ----
  std::vector<int> out;
  if (arrow != std::string::npos) {
    size_t p = arrow + 2;
    Term ot = parse_term(eq, p, eq.size(), "output");
    MT_CHECK(p >= eq.size(), "einsum(): invalid subscript given at index ", p,
             " in the equation string, subscripts must be in [a-zA-Z]");
    for (int64_t j = 0; j <= static_cast<int64_t>(ot.letters.size()); ++j) {
      if (j == ot.ellipsis_at)
        for (int64_t q = 0; q < ell; ++q) out.push_back(kLetters + q);
      if (j == static_cast<int64_t>(ot.letters.size())) break;
      int l = ot.letters[j];
      MT_CHECK(count[l] > 0, "einsum(): output subscript ", label_name(l),
               " does not appear in the equation for any input operand");
      MT_CHECK(find(out, l) < 0, "einsum(): output subscript ", label_name(l),
               " appears more than once in the output");
      out.push_back(l);
    }
  } else {  // implicit: "..." dims, then the letters used once, in ASCII order
    for (int64_t q = 0; q < ell; ++q) out.push_back(kLetters + q);
    for (int l = 0; l < kLetters; ++l)
      if (count[l] == 1) out.push_back(l);
  }

  // ---- contract left to right ----
  Labeled acc = ops[0];
  for (int64_t i = 1; i < nops; ++i) {
    std::array<bool, 128> keep{};
    for (int l : out) keep[l] = true;
    for (int64_t j = i + 1; j < nops; ++j)
      for (int l : ops[j].labels) keep[l] = true;
    acc = combine(std::move(acc), ops[i], keep);
  }
  std::vector<int> drop;
  for (int l : acc.labels)
    if (find(out, l) < 0) drop.push_back(l);
  acc = sum_out(acc, drop, nops == 1);

  Dims perm;
  for (int l : out) perm.push_back(find(acc.labels, l));
  return permute(acc.t, perm);
}

}  // namespace mt::ops
