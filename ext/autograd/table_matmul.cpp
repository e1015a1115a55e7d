// table_matmul.cpp: the matmul family's op table (Note [Op tables]):
// matmul, mm, bmm, mv, dot, vdot, inner, outer, addmm, addmv, baddbmm.
//
// Signatures are PyTorch's. out= is planned in ext/ops (Note [Out
// planning]), which also warns when it resizes an out that had elements.
// tensordot and einsum, Python functions in PyTorch whose arguments no
// signature describes (dims as an int, a pair of lists or a tensor; an
// equation with varargs operands), stay in ext/python/ops_matmul.cpp.
#include "op_tables.h"

namespace mt::optable {

namespace {

Tensor tensor_at(const OpArgs& a, int i) { return Tensor(const_cast<TensorImpl*>(a.v[i].tensor)); }

// name(input, other, *, out)
using Binary = Tensor (*)(const Tensor&, const Tensor&, const Tensor&);
constexpr Binary kBinary[] = {ag::matmul, ag::mm,   ag::bmm,   ag::mv,
                              ag::dot,    ag::vdot, ag::inner, ag::outer};

Result binary(const OpDef& def, OpArgs& a) {
  return {kBinary[def.code](tensor_at(a, 0), tensor_at(a, 1), Tensor(a.out.t))};
}

// addmm / addmv / baddbmm (input, x, y, *, beta=1, alpha=1, out); the
// in-place form writes the receiver.
using AddOp = Tensor (*)(const Tensor&, const Tensor&, const Tensor&, Scalar, Scalar,
                         const Tensor&);
using AddOpInPlace = Tensor (*)(const Tensor&, const Tensor&, const Tensor&, Scalar, Scalar);
constexpr AddOp kAdd[] = {ag::addmm, ag::addmv, ag::baddbmm};
constexpr AddOpInPlace kAddInPlace[] = {ag::addmm_, ag::addmv_, ag::baddbmm_};

Result add(const OpDef& def, OpArgs& a) {
  Tensor in = tensor_at(a, 0), x = tensor_at(a, 1), y = tensor_at(a, 2);
  Scalar beta = a.v[3].scalar(), alpha = a.v[4].scalar();
  if (a.out.inplace) return {kAddInPlace[def.code](in, x, y, beta, alpha)};
  return {kAdd[def.code](in, x, y, beta, alpha, Tensor(a.out.t))};
}

constexpr uint8_t kFM = kFunction | kMethod;
constexpr uint8_t kFMI = kFunction | kMethod | kInPlace;

#define MT_MATMUL2(name, other, code)                                    \
  {name,   name "(Tensor input, Tensor " other ", *, Tensor? out=None)", \
   kFM,    0,                                                            \
   "",     "",                                                           \
   code,   binary,                                                       \
   nullptr}
#define MT_ADDMM(name, x, y, code)                               \
  {name,                                                         \
   name "(Tensor input, Tensor " x ", Tensor " y                 \
        ", *, Scalar beta=1, Scalar alpha=1, Tensor? out=None)", \
   kFMI,                                                         \
   0,                                                            \
   "",                                                           \
   "",                                                           \
   code,                                                         \
   add,                                                          \
   nullptr}

}  // namespace

const OpDef kMatmulOps[] = {
    MT_MATMUL2("matmul", "other", 0),
    MT_MATMUL2("mm", "mat2", 1),
    MT_MATMUL2("bmm", "mat2", 2),
    MT_MATMUL2("mv", "vec", 3),
    MT_MATMUL2("dot", "tensor", 4),
    MT_MATMUL2("vdot", "other", 5),
    MT_MATMUL2("inner", "other", 6),
    {"outer", "outer(Tensor input, Tensor vec2, *, Tensor? out=None)", kFM, 0, "ger", "", 7, binary,
     nullptr},
    MT_ADDMM("addmm", "mat1", "mat2", 0),
    MT_ADDMM("addmv", "mat", "vec", 1),
    MT_ADDMM("baddbmm", "batch1", "batch2", 2),
};
static_assert(sizeof(kMatmulOps) / sizeof(kMatmulOps[0]) == kNumMatmulOps,
              "kNumMatmulOps in op_tables.h must match the rows");

#undef MT_MATMUL2
#undef MT_ADDMM

}  // namespace mt::optable
