// op_tables.h: the op families' tables (Note [Op tables] in ext/ops/op_table.h).
//
// The tables live in ext/autograd, not ext/ops, because each row's impl
// calls the differentiable ag:: API (today a pass-through to ops::), and
// ext/ops may not include the layer above it. The row type and the
// signature parser stay in ext/ops so any layer can read them.
#pragma once

#include "../ops/op_table.h"
#include "autograd.h"

namespace mt::optable {

// Elementwise: unary, binary, ternary, clamp, comparisons (table_elementwise.cpp).
inline constexpr int kNumElementwiseOps = 85;
extern const OpDef kElementwiseOps[kNumElementwiseOps];

// Every converted family, for the glue's init and for tests.
extern const OpTable kOpTables[];
extern const int kNumOpTables;

}  // namespace mt::optable
