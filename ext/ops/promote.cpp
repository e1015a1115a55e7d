// promote.cpp: PyTorch's result-type rules.
//
// Note [Type promotion]
// Operands fall in three buckets: tensors with dims, 0-d tensors, and wrapped
// scalars (Python or NumPy numbers). Each bucket promotes within itself by
// the promote_types table. A later bucket changes the result only when its
// category (bool < integer < floating) is higher than the earlier buckets'
// result: dims beat 0-d, 0-d beats scalars. A float scalar counts as the
// default float dtype, an int scalar as int64, a bool as bool; values are
// never inspected (uint8 tensor + 1000 stays uint8).
#include "ops.h"

namespace mt::ops {

DType scalar_dtype(const Scalar& s, DType default_float) {
  switch (s.kind) {
    case Scalar::Kind::Bool:
      return DType::Bool;
    case Scalar::Kind::Int:
      return DType::Int64;
    case Scalar::Kind::Float:
      return default_float;
  }
  return default_float;
}

DType result_type(const Operand* ops, int n, DType default_float) {
  std::optional<DType> dim_r, zero_r, wrapped_r;
  auto acc = [](std::optional<DType>& r, DType d) { r = r ? promote_types(*r, d) : d; };
  for (int i = 0; i < n; ++i) {
    if (!ops[i].tensor)
      acc(wrapped_r, scalar_dtype(ops[i].scalar, default_float));
    else if (ops[i].tensor->dim() > 0)
      acc(dim_r, ops[i].tensor->dtype());
    else
      acc(zero_r, ops[i].tensor->dtype());
  }
  auto combine = [](std::optional<DType> hi, std::optional<DType> lo) -> std::optional<DType> {
    if (!hi) return lo;
    if (!lo) return hi;
    return category(*lo) > category(*hi) ? lo : hi;
  };
  std::optional<DType> r = combine(combine(dim_r, zero_r), wrapped_r);
  MT_CHECK(r.has_value(), "result_type needs at least one operand");
  return *r;
}

}  // namespace mt::ops
