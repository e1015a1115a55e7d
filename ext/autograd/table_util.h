// table_util.h: small helpers the shape and index tables' impls share
// (Note [Op tables], ext/ops/op_table.h).
#pragma once

#include "op_tables.h"

namespace mt::optable {

// The tensor of parameter i (the parser has checked it is one).
inline Tensor tensor_at(const OpArgs& a, int i) {
  return Tensor(const_cast<TensorImpl*>(a.v[i].tensor));
}

// An optional int parameter: nullopt when absent or None.
inline std::optional<int64_t> opt_int(const OpArgs& a, int i) {
  if (!a.has(i)) return std::nullopt;
  return a.v[i].i;
}

// The result, or written into out= (resized when its shape differs; the
// result type must cast to out's dtype, as PyTorch's out= rule).
inline Result with_out(const OpArgs& a, const char* fname, Tensor r) {
  if (!a.out.t) return {std::move(r)};
  Tensor o(a.out.t);
  MT_CHECK(can_cast(r->dtype(), o->dtype()), fname, "(): result type ", info(r->dtype()).torch_name,
           " can't be cast to the desired output type ", info(o->dtype()).torch_name);
  if (o->sizes() != r->sizes()) ag::resize_(o, r->sizes());
  ag::copy_(o, r);
  return {o};
}

inline Result tensor_tuple(std::vector<Tensor> ts) {
  Result r;
  r.kind = Result::Kind::TensorTuple;
  r.tensors = std::move(ts);
  return r;
}

// minitorch.return_types.<row name>(values, indices).
inline Result named_pair(Tensor values, Tensor indices) {
  Result r;
  r.kind = Result::Kind::NamedTuple;
  r.tensors = {std::move(values), std::move(indices)};
  return r;
}

}  // namespace mt::optable
