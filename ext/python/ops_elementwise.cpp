// ops_elementwise.cpp: elementwise operands from Python objects.
//
// The elementwise ops' entry points are built from their op table
// (ext/autograd/table_elementwise.cpp, Note [Op tables]); what stays here is
// the operand conversion the operators (tensor_number.cpp) and the argument
// parser share. Operands may be Tensors, Python or NumPy numbers, or ndarrays
// (viewed without a copy; PyTorch only takes tensors there, which
// NUMPY_BRIDGE.md lists as a deliberate difference).
#include "ops_elementwise.h"

namespace mt::py_glue {

bool as_operand(PyObject* o, ops::Operand* out, Tensor* hold) {
  if (is_tensor(o)) {
    out->tensor = impl_of(o);
    return true;
  }
  if (to_scalar(o, &out->scalar)) {
    out->tensor = nullptr;
    return true;
  }
  if (is_ndarray(o)) {
    *hold = tensor_from_numpy(o, false);
    out->tensor = hold->get();
    return true;
  }
  return false;
}

}  // namespace mt::py_glue
