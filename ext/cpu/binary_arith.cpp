// binary_arith.cpp: CPU kernels of add, sub, mul, true division, atan2 and lerp.
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

// Add and Sub pick the plain functor unless alpha != 1, so the common case
// carries no multiply.
template <BinaryOp Op, template <typename> class Plain, template <typename> class WithAlpha,
          unsigned Types>
void alpha_kernel(const TensorIter& it, const ElemArgs& args) {
  if (args.flags & 1)
    binary_kernel<Op, WithAlpha, Types>(it, args);
  else
    binary_kernel<Op, Plain, Types>(it, args);
}

}  // namespace

void register_binary_arith(KernelTable& t) {
  auto set = [&t](BinaryOp op, ElemKernel k) { t.binary[op_index(op)] = k; };
#define MT_REG(Op, F, Types) set(BinaryOp::Op, binary_kernel<BinaryOp::Op, F, Types>)
  set(BinaryOp::Add, alpha_kernel<BinaryOp::Add, Add, AddAlpha, kAllTypes>);
  set(BinaryOp::Sub, alpha_kernel<BinaryOp::Sub, Sub, SubAlpha, kNoBool>);
  MT_REG(Mul, Mul, kAllTypes);
  MT_REG(Div, Div, kFloat);
  MT_REG(Atan2, Atan2, kFloat);
  MT_REG(Lerp, LerpScalar, kFloat);
#undef MT_REG
}

}  // namespace mt::cpu
