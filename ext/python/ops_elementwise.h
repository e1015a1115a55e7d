// ops_elementwise.h: pieces of the elementwise glue shared by
// ops_elementwise.cpp (functions and methods) and tensor_number.cpp
// (operators).
#pragma once

#include "glue.h"

namespace mt::py_glue {

// An elementwise operand from a Python object: a Tensor (borrowed), a Python
// or NumPy number (a wrapped Scalar), or an ndarray (a 0-copy tensor view,
// owned by *hold; a 0-d array is a 0-d tensor, not a scalar). Returns false,
// with no error set, for anything else; raises for an ndarray minitorch
// cannot view (e.g. object dtype).
bool as_operand(PyObject* o, ops::Operand* out, Tensor* hold);

// New reference: the op-table module function `name` (e.g. "maximum")
// called with a vectorcall argument list; null with an error set on failure.
PyObject* call_op_function(const char* name, PyObject* const* args, Py_ssize_t nargs,
                           PyObject* kwnames);
// New reference: nonzero(input, as_tuple=True). For where(condition).
PyObject* nonzero_as_tuple(PyObject* input);

}  // namespace mt::py_glue
