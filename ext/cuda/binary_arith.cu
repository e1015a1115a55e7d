// binary_arith.cu: CUDA kernels of the arithmetic binary ops (add ... pow,
// and the floating ones of binary_float.h); binary_compare.cu has the
// predicates, minimum/maximum and bitwise ops. Split in two so the two
// translation units compile in parallel. Operands: see binary.cuh.
#include "../core/functors/binary.h"
#include "../core/functors/binary_float.h"
#include "binary.cuh"

namespace mt::cuda {

using namespace mt::functors;

void register_binary_arith(KernelTable& t) {
  auto set = [&t](BinaryOp op, ElemKernel k) { t.binary[op_index(op)] = k; };
#define MT_REG(Op, F, Types) set(BinaryOp::Op, binary_kernel<BinaryOp::Op, F, Types>)
  set(BinaryOp::Add, alpha_kernel<BinaryOp::Add, Add, AddAlpha, kAllTypes>);
  set(BinaryOp::Sub, alpha_kernel<BinaryOp::Sub, Sub, SubAlpha, kNoBool>);
  MT_REG(Mul, Mul, kAllTypes);
  MT_REG(Div, Div, kFloat);
  MT_REG(Atan2, Atan2, kFloat);
  MT_REG(Lerp, LerpScalar, kFloat);
  MT_REG(DivTrunc, DivTrunc, kNoBool);
  MT_REG(DivFloor, DivFloor, kNoBool);
  MT_REG(Remainder, Remainder, kNoBool);
  MT_REG(Fmod, Fmod, kNoBool);
  MT_REG(Pow, Pow, kAllTypes);
  MT_REG(LogAddExp, LogAddExp, kFloat);
  MT_REG(LogAddExp2, LogAddExp2, kFloat);
  MT_REG(Hypot, Hypot, kFloat);
  MT_REG(Xlogy, Xlogy, kFloat);
  MT_REG(Heaviside, Heaviside, kAllTypes);
  MT_REG(Copysign, Copysign, kFloat);
  MT_REG(Nextafter, Nextafter, kFloat | kNo16);  // float16/bfloat16: not yet on CUDA
#undef MT_REG
}

}  // namespace mt::cuda
