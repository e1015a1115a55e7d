// table_dtype.cpp: the dtype utilities' op table (Note [Op tables]):
// promote_types, result_type and can_cast, with PyTorch's signatures.
#include "op_tables.h"

namespace mt::optable {

namespace {

Result promote_types(const OpDef&, OpArgs& a) {
  return Result::of_dtype(::mt::promote_types(a.v[0].dtype, a.v[1].dtype));
}

Result can_cast(const OpDef&, OpArgs& a) {
  return Result::of_bool(::mt::can_cast(a.v[0].dtype, a.v[1].dtype));
}

// result_type's overloads: (Tensor, Tensor), (Number, Tensor), (Tensor,
// Number), (Number, Number); bit k of the overload's index: operand k is a
// Number.
Result result_type(const OpDef&, OpArgs& a) {
  ops::Operand ops_[2];
  for (int k = 0; k < 2; ++k) {
    if (a.overload >> k & 1)
      ops_[k].scalar = a.v[k].scalar();
    else
      ops_[k].tensor = a.v[k].tensor;
  }
  return Result::of_dtype(ops::result_type(ops_, 2, a.default_float));
}

}  // namespace

const OpDef kDTypeOps[] = {
    {"promote_types", "promote_types(ScalarType type1, ScalarType type2)", kFunction, 0, "", "", 0,
     promote_types, nullptr},
    {"result_type",
     "result_type(Tensor tensor, Tensor other)\n"
     "result_type(Scalar scalar, Tensor tensor)\n"
     "result_type(Tensor tensor, Scalar other)\n"
     "result_type(Scalar scalar1, Scalar scalar2)",
     kFunction, 0, "", "", 0, result_type, nullptr},
    {"can_cast", "can_cast(ScalarType from_, ScalarType to)", kFunction, 0, "", "", 0, can_cast,
     nullptr},
};
static_assert(sizeof(kDTypeOps) / sizeof(kDTypeOps[0]) == kNumDTypeOps,
              "kNumDTypeOps in op_tables.h must match the rows");

}  // namespace mt::optable
