// out_plan.cpp: Note [Out planning] (out_plan.h).
#include "out_plan.h"

#include <array>
#include <sstream>

#include "../core/warning.h"

namespace mt::ops {

namespace {
constexpr std::array<const char*, kNumDTypes> kCName = {
    "bool",     "unsigned char", "signed char",   "short int", "int",
    "long int", "c10::Half",     "c10::BFloat16", "float",     "double"};
static_assert(kNumDTypes == 10, "add the new dtype's C++ name to kCName");
}  // namespace

const char* c_name(DType d) { return kCName[static_cast<int>(d)]; }

void check_out_dtype(const TensorImpl* out, DType expected) {
  if (out)
    MT_CHECK(out->dtype() == expected, "Expected out tensor to have dtype ", c_name(expected),
             ", but got ", c_name(out->dtype()), " instead");
}

void check_out_castable(DType result, const TensorImpl* out) {
  if (out)
    MT_CHECK(can_cast(result, out->dtype()), "result type ", info(result).torch_name,
             " can't be cast to the desired output type ", info(out->dtype()).torch_name);
}

Tensor plan_out(TensorImpl* o, const Dims& shape, DType dtype, Device device, bool inplace) {
  if (!o) return TensorImpl::empty(shape, dtype, device);
  MT_CHECK(o->device() == device, "Expected out tensor to have device ", device.str(), ", but got ",
           o->device().str(), " instead");
  const bool resize = o->sizes() != shape;
  MT_CHECK(!(resize && inplace), "output with shape ", o->sizes(),
           " doesn't match the broadcast shape ", shape);
  o->prepare_write();
  if (resize) {
    if (o->numel() != 0) {
      std::ostringstream msg;
      msg << "An output with one or more elements was resized since it had shape " << o->sizes()
          << ", which does not match the required output shape " << shape
          << ". Resizing outputs that have elements is deprecated; resize it to zero elements "
             "first with t.resize_(0) to reuse it.";
      warn(msg.str());
    }
    o->resize(shape);
  }
  for (int64_t d = 0; d < o->dim(); ++d)
    MT_CHECK(!(o->sizes()[d] > 1 && o->strides()[d] == 0),
             "unsupported operation: more than one element of the written-to tensor refers to a "
             "single memory location. Please clone() the tensor before performing the operation.");
  return Tensor(o);
}

Tensor copy_out(const Tensor& out, const Tensor& result) {
  if (!out) return result;
  check_out_castable(result->dtype(), out.get());
  Tensor o = plan_out(out.get(), result->sizes(), out->dtype(), result->device());
  copy_(o, result);
  return o;
}

}  // namespace mt::ops
