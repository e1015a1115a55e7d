// binary_compare.cpp: CPU kernels of maximum/minimum, fmax/fmin, the comparisons and isclose.
//
// One of four files that register the binary ops (binary_arith.cpp,
// binary_divide.cpp, binary_compare.cpp, binary_logic.cpp), split so no
// translation unit instantiates every op for every dtype. The math is in
// ext/core/functors/binary.h; the loops in elementwise_loops.h. Operands:
// [out, a, b] with a and b in the compute dtype T, or [out, x] plus a Scalar
// standing for a or b (ElemArgs::scalar_pos). out is T, or bool for the
// predicates.
#include "../core/functors/binary.h"
#include "elementwise_loops.h"

namespace mt::cpu {
namespace {

using namespace mt::functors;

}  // namespace

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
  MT_REG(IsClose, IsClose, kAllTypes);
#undef MT_REG
}

}  // namespace mt::cpu
