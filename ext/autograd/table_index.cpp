// table_index.cpp: the index family's op table (Note [Op tables]):
// gather/scatter, index_*, masked_*, take, nonzero, and sorting and
// searching (sort, argsort, topk, kthvalue, unique, searchsorted, ...).
//
// Out-of-place forms of the scatter-like ops (scatter, index_add, ...) run
// the in-place op on a clone of the input; in-place forms (a.out.inplace)
// run it on the receiver, which the glue returns.
#include <cstring>

#include "table_util.h"

namespace mt::optable {

namespace {

Tensor self_of(const OpArgs& a) { return tensor_at(a, 0); }

// The tensor an in-place form writes: the receiver, or a clone of input.
Tensor target(const OpArgs& a) { return a.out.inplace ? self_of(a) : ag::clone(self_of(a)); }

// A value given as a tensor must be 0-d ("Scalar or 0-dim Tensor value").
Scalar value_at(const OpDef& def, const OpArgs& a, int i, bool tensor_overload) {
  if (!tensor_overload) return a.v[i].scalar();
  const TensorImpl* v = a.v[i].tensor;
  MT_CHECK(v->dim() == 0, def.name, "_ only supports a 0-dimensional value tensor, but got tensor ",
           "with ", v->dim(), " dimension(s).");
  return ag::item(tensor_at(a, i));
}

// ---- gather / scatter ----

Result gather(const OpDef& def, OpArgs& a) {
  return with_out(a, def.name, ag::gather(self_of(a), a.v[1].i, tensor_at(a, 2)));
}

ops::ScatterOp reduce_at(const OpArgs& a, int i) {
  if (!a.has(i)) return ops::ScatterOp::Assign;
  const char* r = a.v[i].str;
  if (std::strcmp(r, "add") == 0) return ops::ScatterOp::Add;
  if (std::strcmp(r, "multiply") == 0) return ops::ScatterOp::Multiply;
  MT_THROW(RuntimeError, "reduce argument must be either add or multiply, got '", r, "'");
}

// scatter(input, dim, index, Tensor src | Scalar value, *, reduce) (code 0);
// scatter_add(input, dim, index, src) (code 1).
Result scatter(const OpDef& def, OpArgs& a) {
  Tensor dst = target(a);
  const int64_t dim = a.v[1].i;
  Tensor index = tensor_at(a, 2);
  ops::ScatterOp op = def.code ? ops::ScatterOp::Add : reduce_at(a, 4);
  if (def.code || a.overload == 0)
    ag::scatter_(dst, dim, index, tensor_at(a, 3), op);
  else
    ag::scatter_value_(dst, dim, index, a.v[3].scalar(), op);
  return {dst};
}

// ---- index_* ----

Result index_select(const OpDef& def, OpArgs& a) {
  return with_out(a, def.name, ag::index_select(self_of(a), a.v[1].i, tensor_at(a, 2)));
}

Result index_add(const OpDef&, OpArgs& a) {
  Tensor dst = target(a);
  ag::index_add_(dst, a.v[1].i, tensor_at(a, 2), tensor_at(a, 3), a.v[4].scalar());
  return {dst};
}

Result index_copy(const OpDef&, OpArgs& a) {
  Tensor dst = target(a);
  ag::index_copy_(dst, a.v[1].i, tensor_at(a, 2), tensor_at(a, 3));
  return {dst};
}

// index_fill(input, dim, index, Tensor value) / (..., Scalar value)
Result index_fill(const OpDef& def, OpArgs& a) {
  Scalar v = value_at(def, a, 3, a.overload == 0);
  Tensor dst = target(a);
  ag::index_fill_(dst, a.v[1].i, tensor_at(a, 2), v);
  return {dst};
}

// index_put(input, indices, values, accumulate=False): indices, one index
// tensor per dim, None leaving a dim whole (as aten::index_put).
Result index_put(const OpDef&, OpArgs& a) {
  Tensor dst = target(a);
  ag::index_put_(dst, a.tensor_list(1, true), tensor_at(a, 2), a.v[3].b);
  return {dst};
}

// ---- masked_* ----

// masked_fill(input, mask, Tensor value) / (..., Scalar value)
Result masked_fill(const OpDef& def, OpArgs& a) {
  if (a.overload == 0 && ag::grad_enabled() && a.v[2].tensor && a.v[2].tensor->dim() == 0) {
    // A value tensor (0-d): MaskedFillBackward1, the value may get a gradient.
    Tensor vt = tensor_at(a, 2);
    if (a.out.inplace) {
      ag::masked_fill_(self_of(a), tensor_at(a, 1), vt);
      return {};
    }
    return {ag::masked_fill(self_of(a), tensor_at(a, 1), vt)};
  }
  Scalar v = value_at(def, a, 2, a.overload == 0);
  if (a.out.inplace) {
    ag::masked_fill_(self_of(a), tensor_at(a, 1), v);
    return {};
  }
  return {ag::masked_fill(self_of(a), tensor_at(a, 1), v)};
}

Result masked_scatter(const OpDef&, OpArgs& a) {
  if (a.out.inplace) {
    ag::masked_scatter_(self_of(a), tensor_at(a, 1), tensor_at(a, 2));
    return {};
  }
  return {ag::masked_scatter(self_of(a), tensor_at(a, 1), tensor_at(a, 2))};
}

Result masked_select(const OpDef& def, OpArgs& a) {
  return with_out(a, def.name, ag::masked_select(self_of(a), tensor_at(a, 1)));
}

Result take(const OpDef& def, OpArgs& a) {
  return with_out(a, def.name, ag::take(self_of(a), tensor_at(a, 1)));
}

// nonzero(input, *, out=None, as_tuple=False); argwhere (code 1).
Result nonzero(const OpDef& def, OpArgs& a) {
  Tensor x = self_of(a);
  if (def.code == 0 && a.v[2].b) {
    // A 0-d input counts as a vector of one here, as in PyTorch.
    return tensor_tuple(ag::unbind(ag::nonzero(x->dim() == 0 ? ag::reshape(x, Dims{1}) : x), 1));
  }
  return with_out(a, def.name, ag::nonzero(x));
}

// ---- sorting and searching ----

// sort / argsort (code 1) (input, dim=-1, descending=False, *, stable):
// sorting is always stable here, which satisfies stable=False too.
Result sort(const OpDef& def, OpArgs& a) {
  ops::ValuesIndices r = ag::sort(self_of(a), a.v[1].i, a.v[2].b);
  if (def.code) return {r.indices};
  return named_pair(r.values, r.indices);
}

Result topk(const OpDef&, OpArgs& a) {
  ops::ValuesIndices r = ag::topk(self_of(a), a.v[1].i, a.v[2].i, a.v[3].b, a.v[4].b);
  return named_pair(r.values, r.indices);
}

Result kthvalue(const OpDef&, OpArgs& a) {
  ops::ValuesIndices r = ag::kthvalue(self_of(a), a.v[1].i, a.v[2].i, a.v[3].b);
  return named_pair(r.values, r.indices);
}

// unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
// results always come sorted (PyTorch leaves the order of sorted=False open).
Result unique(const OpDef&, OpArgs& a) {
  const bool inv = a.v[2].b, cnt = a.v[3].b;
  ops::UniqueResult r = ag::unique(self_of(a), opt_int(a, 4));
  if (!inv && !cnt) return {r.values};
  std::vector<Tensor> out{r.values};
  if (inv) out.push_back(r.inverse);
  if (cnt) out.push_back(r.counts);
  return tensor_tuple(std::move(out));
}

// A number searched for, as a 0-d tensor (float64 for floats, int64 for
// ints, as PyTorch's scalar_to_tensor).
Tensor search_value(const OpArgs& a, int i, Device d) {
  if (a.overload == 0) return tensor_at(a, i);
  Scalar s = a.v[i].scalar();
  DType dt = s.is_floating() ? DType::Float64 : s.is_bool() ? DType::Bool : DType::Int64;
  return ag::full(Dims{}, s, dt, d);
}

// searchsorted(sorted_sequence, Tensor|Scalar input, *, out_int32, right,
// side, out, sorter)
Result searchsorted(const OpDef& def, OpArgs& a) {
  Tensor seq = tensor_at(a, 0);
  bool right = a.v[3].b;
  if (a.has(4)) {
    const char* side = a.v[4].str;
    const bool is_right = std::strcmp(side, "right") == 0;
    MT_CHECK(is_right || std::strcmp(side, "left") == 0,
             "torch.searchsorted(): side can only be 'left' or 'right' but got ", side);
    MT_CHECK(!(right && !is_right),
             "torch.searchsorted(): side and right can't be set to "
             "opposites, got side of left while right was True");
    right = is_right;
  }
  MT_CHECK(a.overload == 0 || seq->dim() == 1,
           "torch.searchsorted(): input value can be a "
           "scalar only when boundaries tensor dimension is 1, but we got boundaries tensor dim(",
           seq->dim(), ") and input value's dim(0) numel(1)");
  Tensor sorter = a.has(6) ? tensor_at(a, 6) : Tensor();
  Tensor vals = search_value(a, 1, seq->device());
  return with_out(a, def.name, ag::searchsorted(seq, vals, a.v[2].b, right, sorter));
}

// bucketize(Tensor|Scalar input, boundaries, *, out_int32, right, out)
Result bucketize(const OpDef& def, OpArgs& a) {
  Tensor b = tensor_at(a, 1);
  return with_out(a, def.name,
                  ag::bucketize(search_value(a, 0, b->device()), b, a.v[2].b, a.v[3].b));
}

Result one_hot(const OpDef&, OpArgs& a) { return {ag::one_hot(tensor_at(a, 0), a.v[1].i)}; }

constexpr uint8_t kFM = kFunction | kMethod;
constexpr uint8_t kFMI = kFunction | kMethod | kInPlace;

}  // namespace

const OpDef kIndexOps[] = {
    // ---- gather / scatter ----
    {"gather",
     "gather(Tensor input, int dim, Tensor index, *, bool sparse_grad=False, Tensor? out=None)",
     kFM, 0, "", "", 0, gather, nullptr},
    {"scatter",
     "scatter(Tensor input, int dim, Tensor index, Tensor src, *, str? reduce=None)\n"
     "scatter(Tensor input, int dim, Tensor index, Scalar value, *, str? reduce=None)",
     kFMI, 0, "", "", 0, scatter, nullptr},
    {"scatter_add", "scatter_add(Tensor input, int dim, Tensor index, Tensor src)", kFMI, 0, "", "",
     1, scatter, nullptr},
    // ---- index_* ----
    {"index_select", "index_select(Tensor input, int dim, Tensor index, *, Tensor? out=None)", kFM,
     0, "", "", 0, index_select, nullptr},
    {"index_add",
     "index_add(Tensor input, int dim, Tensor index, Tensor source, *, Scalar alpha=1)", kFMI, 0,
     "", "", 0, index_add, nullptr},
    {"index_copy", "index_copy(Tensor input, int dim, Tensor index, Tensor source)", kFMI, 0, "",
     "", 0, index_copy, nullptr},
    {"index_fill",
     "index_fill(Tensor input, int dim, Tensor index, Tensor value)\n"
     "index_fill(Tensor input, int dim, Tensor index, Scalar value)",
     kFMI, 0, "", "", 0, index_fill, nullptr},
    {"index_put",
     "index_put(Tensor input, Tensor?[] indices, Tensor values, bool accumulate=False)",
     kFMI | kFunctionInPlace, 0, "", "", 0, index_put, nullptr},
    // ---- masked_* ----
    {"masked_fill",
     "masked_fill(Tensor input, Tensor mask, Tensor value)\n"
     "masked_fill(Tensor input, Tensor mask, Scalar value)",
     kFMI, 0, "", "", 0, masked_fill, nullptr},
    {"masked_scatter", "masked_scatter(Tensor input, Tensor mask, Tensor source)", kFMI, 0, "", "",
     0, masked_scatter, nullptr},
    {"masked_select", "masked_select(Tensor input, Tensor mask, *, Tensor? out=None)", kFM, 0, "",
     "", 0, masked_select, nullptr},
    {"take", "take(Tensor input, Tensor index, *, Tensor? out=None)", kFM, 0, "", "", 0, take,
     nullptr},
    {"nonzero", "nonzero(Tensor input, *, Tensor? out=None, bool as_tuple=False)", kFM, 0, "", "",
     0, nonzero, nullptr},
    {"argwhere", "argwhere(Tensor input)", kFM, 0, "", "", 1, nonzero, nullptr},
    // ---- sorting and searching ----
    {"sort", "sort(Tensor input, int dim=-1, bool descending=False, *, bool? stable=None)", kFM, 0,
     "", "", 0, sort, nullptr},
    {"argsort", "argsort(Tensor input, int dim=-1, bool descending=False, *, bool stable=False)",
     kFM, 0, "", "", 1, sort, nullptr},
    {"topk", "topk(Tensor input, int k, int dim=-1, bool largest=True, bool sorted=True)", kFM, 0,
     "", "", 0, topk, nullptr},
    {"kthvalue", "kthvalue(Tensor input, int k, int dim=-1, bool keepdim=False)", kFM, 0, "", "", 0,
     kthvalue, nullptr},
    {"unique",
     "unique(Tensor input, bool sorted=True, bool return_inverse=False, bool return_counts=False, "
     "int? dim=None)",
     kFM, 0, "", "", 0, unique, nullptr},
    {"searchsorted",
     "searchsorted(Tensor sorted_sequence, Tensor input, *, bool out_int32=False, bool "
     "right=False, str? side=None, Tensor? out=None, Tensor? sorter=None)\n"
     "searchsorted(Tensor sorted_sequence, Scalar input, *, bool out_int32=False, bool "
     "right=False, str? side=None, Tensor? out=None, Tensor? sorter=None)",
     kFunction, 0, "", "", 0, searchsorted, nullptr},
    {"bucketize",
     "bucketize(Tensor input, Tensor boundaries, *, bool out_int32=False, bool right=False, "
     "Tensor? out=None)\n"
     "bucketize(Scalar input, Tensor boundaries, *, bool out_int32=False, bool right=False, "
     "Tensor? out=None)",
     kFunction, 0, "", "", 0, bucketize, nullptr},
    {"_one_hot", "_one_hot(Tensor tensor, int num_classes=-1)", kFunction, 0, "", "", 0, one_hot,
     nullptr},
};
static_assert(sizeof(kIndexOps) / sizeof(kIndexOps[0]) == kNumIndexOps,
              "kNumIndexOps in op_tables.h must match the rows");

}  // namespace mt::optable
