// ternary.cpp: where, clamp with tensor bounds, lerp with a tensor weight,
// addcmul and addcdiv.
//
// Type rules (PyTorch's): where's result is result_type(x, y) and its
// condition must be bool (uint8 is accepted and read as bool); clamp,
// addcmul and addcdiv promote all three operands together; lerp needs start
// and end of one floating dtype and casts the weight to it. Scalar operands
// become 0-d tensors of the compute dtype (they broadcast with stride 0);
// promotion sees them as wrapped numbers first.
#include "elementwise_plan.h"

namespace mt::ops {

Tensor ternary(TernaryOp op, const Operand& a, const Operand& b, const Operand& c,
               DType default_float, const ElemArgs& args, ElemOut out) {
  Operand opnd[3] = {a, b, c};
  const TensorImpl* ts[3] = {a.tensor, b.tensor, c.tensor};
  const Device device = elem::common_device(ts, 3);
  DType common;
  switch (op) {
    case TernaryOp::Where:
      MT_CHECK(a.tensor, "where(): the condition must be a tensor");
      MT_CHECK(a.tensor->dtype() == DType::Bool || a.tensor->dtype() == DType::UInt8,
               "where expected condition to be a boolean tensor, but got a tensor with dtype ",
               info(a.tensor->dtype()).torch_name);
      common = result_type(opnd + 1, 2, default_float);
      break;
    case TernaryOp::Lerp: {
      MT_CHECK(a.tensor && b.tensor, "lerp(): input and end must be tensors");
      DType da = a.tensor->dtype(), db = b.tensor->dtype();
      MT_CHECK(da == db, "expected dtype ", info(da).name, " for `end` but got dtype ",
               info(db).name);
      common = da;
      break;
    }
    case TernaryOp::Addcdiv: {
      auto integral = [&](const Operand& o) {
        return o.tensor ? is_integral(o.tensor->dtype(), true) : !o.scalar.is_floating();
      };
      MT_CHECK(!(integral(b) && integral(c)),
               "Integer division with addcdiv is no longer supported, and in a future release "
               "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
               "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))"
               ".to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) "
               "for float inputs. The future addcdiv behavior is just the latter implementation: "
               "(input + value * tensor1 / tensor2), for all dtypes.");
      common = result_type(opnd, 3, default_float);
      break;
    }
    default:
      common = result_type(opnd, 3, default_float);
      break;
  }

  Tensor held[3];
  Dims shape;
  for (int i = 0; i < 3; ++i) {
    DType want = (op == TernaryOp::Where && i == 0) ? DType::Bool : common;
    if (opnd[i].tensor)
      held[i] = elem::cast(Tensor(const_cast<TensorImpl*>(opnd[i].tensor)), want);
    else
      held[i] = full(Dims{}, opnd[i].scalar, want, device);
    shape = i == 0 ? held[0]->sizes() : broadcast_shapes(shape, held[i]->sizes());
  }
  elem::OutPlan plan = elem::plan_out(shape, common, common, device, out);
  if (plan.target->numel() == 0) return elem::finish(plan);
  for (Tensor& h : held) elem::separate_from_out(h, plan);
  need(kernel_table(device.type).ternary[op_index(op)], kTernaryNames[op_index(op)], device)(
      TensorIter::build({plan.target.get()}, {held[0].get(), held[1].get(), held[2].get()}, true),
      args);
  return elem::finish(plan);
}

Tensor where(const Tensor& cond, const Operand& x, const Operand& y, DType default_float,
             ElemOut out) {
  return ternary(TernaryOp::Where, Operand{cond.get(), {}}, x, y, default_float, {}, out);
}

}  // namespace mt::ops
