// binary_compare.cu: CUDA kernels of the comparison, min/max, logical and
// bitwise binary ops (the rest are in binary_arith.cu). Operands: see
// binary.cuh; predicates write bool.
#include "../core/functors/binary.h"
#include "binary.cuh"

namespace mt::cuda {

using namespace mt::functors;

void register_binary_compare(KernelTable& t) {
  auto set = [&t](BinaryOp op, ElemKernel k) { t.binary[op_index(op)] = k; };
#define MT_REG(Op, F, Types) set(BinaryOp::Op, binary_kernel<BinaryOp::Op, F, Types>)
  MT_REG(Maximum, Maximum, kAllTypes);
  MT_REG(Minimum, Minimum, kAllTypes);
  MT_REG(Fmax, Fmax, kAllTypes);
  MT_REG(Fmin, Fmin, kAllTypes);
  MT_REG(Eq, Eq, kAllTypes);
  MT_REG(Ne, Ne, kAllTypes);
  MT_REG(Lt, Lt, kAllTypes);
  MT_REG(Le, Le, kAllTypes);
  MT_REG(Gt, Gt, kAllTypes);
  MT_REG(Ge, Ge, kAllTypes);
  MT_REG(IsClose, IsClose, kAllTypes | kNo16);  // float16/bfloat16: not yet on CUDA
  MT_REG(LogicalAnd, LogicalAnd, kAllTypes);
  MT_REG(LogicalOr, LogicalOr, kAllTypes);
  MT_REG(LogicalXor, LogicalXor, kAllTypes);
  MT_REG(BitwiseAnd, BitwiseAnd, kBool | kInt);
  MT_REG(BitwiseOr, BitwiseOr, kBool | kInt);
  MT_REG(BitwiseXor, BitwiseXor, kBool | kInt);
  MT_REG(Lshift, Lshift, kInt);
  MT_REG(Rshift, Rshift, kInt);
#undef MT_REG
}

}  // namespace mt::cuda
