// table_composite.cpp: the composite family's op table (Note [Op tables]):
// ops built in ext/ops from other ops and existing kernels (composite.cpp),
// with no kernel-table slot of their own.
//
// Impls read the parsed arguments by the position of the parameter in the
// (function) signature, and call ag::.
#include "op_tables.h"

namespace mt::optable {

namespace {

Tensor tensor_at(const OpArgs& a, int i) { return Tensor(const_cast<TensorImpl*>(a.v[i].tensor)); }
Tensor out_of(const OpArgs& a) { return Tensor(a.out.t); }

// cross(input, other, dim=None, *, out=None)
Result cross(const OpDef&, OpArgs& a) {
  std::optional<int64_t> dim;
  if (a.has(2)) dim = a.v[2].i;
  return {ag::cross(tensor_at(a, 0), tensor_at(a, 1), dim, out_of(a))};
}

// linalg_cross(input, other, *, dim=-1, out=None)
Result linalg_cross(const OpDef&, OpArgs& a) {
  return {ag::linalg_cross(tensor_at(a, 0), tensor_at(a, 1), a.v[2].i, out_of(a))};
}

// scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None)
Result scatter_reduce(const OpDef&, OpArgs& a) {
  return {ag::scatter_reduce(tensor_at(a, 0), a.v[1].i, tensor_at(a, 2), tensor_at(a, 3),
                             a.v[4].str, a.v[5].b, a.out)};
}

}  // namespace

const OpDef kCompositeOps[] = {
    {"cross", "cross(Tensor input, Tensor other, int? dim=None, *, Tensor? out=None)",
     kFunction | kMethod, 0, "", "", 0, cross, nullptr},
    // minitorch.linalg.cross (minitorch/linalg.py); PyTorch's error texts name it linalg_cross.
    {"linalg_cross", "linalg_cross(Tensor input, Tensor other, *, int dim=-1, Tensor? out=None)",
     kFunction, 0, "", "", 0, linalg_cross, nullptr},
    {"scatter_reduce",
     "scatter_reduce(Tensor input, int dim, Tensor index, Tensor src, str reduce, *, bool "
     "include_self=True, Tensor? out=None)",
     kFunction | kMethod | kInPlace, 0, "", "", 0, scatter_reduce, nullptr},
};
static_assert(sizeof(kCompositeOps) / sizeof(kCompositeOps[0]) == kNumCompositeOps,
              "kNumCompositeOps in op_tables.h must match the rows");

}  // namespace mt::optable
