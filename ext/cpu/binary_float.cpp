// binary_float.cpp: CPU kernels of logaddexp, logaddexp2, hypot, xlogy,
// heaviside, copysign and nextafter.
//
// A fifth file registering binary ops (after binary_arith.cpp,
// binary_divide.cpp, binary_compare.cpp, binary_logic.cpp), so no translation
// unit instantiates every op for every dtype. The math is in
// ext/core/functors/binary_float.h; the loops in elementwise_loops.h.
// Operands: [out, a, b] with a and b in the compute dtype T, or [out, x] plus
// a Scalar standing for a or b (ElemArgs::scalar_pos); out is T.
#include "../core/functors/binary_float.h"
#include "elementwise_loops.h"

namespace mt::cpu {

void register_binary_float(KernelTable& t) {
  using namespace mt::functors;
  auto set = [&t](BinaryOp op, ElemKernel k) { t.binary[op_index(op)] = k; };
#define MT_REG(Op, F, Types) set(BinaryOp::Op, binary_kernel<BinaryOp::Op, F, Types>)
  MT_REG(LogAddExp, LogAddExp, kFloat);
  MT_REG(LogAddExp2, LogAddExp2, kFloat);
  MT_REG(Hypot, Hypot, kFloat);
  MT_REG(Xlogy, Xlogy, kFloat);
  MT_REG(Heaviside, Heaviside, kAllTypes);
  MT_REG(Copysign, Copysign, kFloat);
  MT_REG(Nextafter, Nextafter, kFloat);
#undef MT_REG
}

}  // namespace mt::cpu
