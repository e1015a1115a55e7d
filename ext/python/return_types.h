// return_types.h: minitorch.return_types, the named-tuple results of ops that
// return several tensors (return_types.cpp).
#pragma once

#include "glue.h"

namespace mt::py_glue {

// New reference: minitorch.return_types.<type_name>(a, b), a struct sequence
// (the one mechanism for named-tuple results, like torch.return_types).
PyObject* named_pair(const char* type_name, const Tensor& a, const Tensor& b);

}  // namespace mt::py_glue
