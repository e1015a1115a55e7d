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
inline constexpr int kNumElementwiseOps = 93;
extern const OpDef kElementwiseOps[kNumElementwiseOps];
// Reductions: sum, mean, max, var, norm, cumsum, softmax, ... (table_reduce.cpp).
inline constexpr int kNumReduceOps = 28;
extern const OpDef kReduceOps[kNumReduceOps];
// Matmul: matmul, mm, bmm, mv, dot, ..., addmm, addmv, baddbmm (table_matmul.cpp).
inline constexpr int kNumMatmulOps = 11;
extern const OpDef kMatmulOps[kNumMatmulOps];

// Shape: views, joins, copies and the Tensor methods that are ops (table_shape.cpp).
inline constexpr int kNumShapeOps = 57;
extern const OpDef kShapeOps[kNumShapeOps];

// Index: gather/scatter, index_*, masked_*, take, nonzero, sort, topk, ... (table_index.cpp).
inline constexpr int kNumIndexOps = 22;
extern const OpDef kIndexOps[kNumIndexOps];

// Creation: zeros, full, arange, rand, the *_like functions, ... (table_factory.cpp).
inline constexpr int kNumFactoryOps = 19;
extern const OpDef kFactoryOps[kNumFactoryOps];

// dtype utilities: promote_types, result_type, can_cast (table_dtype.cpp).
inline constexpr int kNumDTypeOps = 3;
extern const OpDef kDTypeOps[kNumDTypeOps];

// Ops built from other ops, no kernel of their own: cross, linalg_cross,
// scatter_reduce (table_composite.cpp).
inline constexpr int kNumCompositeOps = 3;
extern const OpDef kCompositeOps[kNumCompositeOps];

// ---- rnnattn ----
// Fused recurrent cells and attention (table_rnnattn.cpp).
inline constexpr int kNumRnnAttnOps = 4;
extern const OpDef kRnnAttnOps[kNumRnnAttnOps];
// ---- end rnnattn ----

// Every converted family, one line each: X(family name, rows, row count).
// Adding a family means declaring its rows above, defining them in
// table_<family>.cpp and adding its line here; kOpTables and the glue's
// entry points (op_entries.cpp) follow from this list.
#define MT_OP_TABLES(X)                                                               \
  X("elementwise", ::mt::optable::kElementwiseOps, ::mt::optable::kNumElementwiseOps) \
  X("reduce", ::mt::optable::kReduceOps, ::mt::optable::kNumReduceOps)                \
  X("matmul", ::mt::optable::kMatmulOps, ::mt::optable::kNumMatmulOps)                \
  X("shape", ::mt::optable::kShapeOps, ::mt::optable::kNumShapeOps)                   \
  X("index", ::mt::optable::kIndexOps, ::mt::optable::kNumIndexOps)                   \
  X("factory", ::mt::optable::kFactoryOps, ::mt::optable::kNumFactoryOps)             \
  X("dtype", ::mt::optable::kDTypeOps, ::mt::optable::kNumDTypeOps)                   \
  X("composite", ::mt::optable::kCompositeOps, ::mt::optable::kNumCompositeOps)       \
  X("rnnattn", ::mt::optable::kRnnAttnOps, ::mt::optable::kNumRnnAttnOps)

#define MT_OP_TABLE_COUNT(name, rows, n) +1
inline constexpr int kNumOpTables = 0 MT_OP_TABLES(MT_OP_TABLE_COUNT);
#undef MT_OP_TABLE_COUNT
extern const OpTable kOpTables[kNumOpTables];

}  // namespace mt::optable
