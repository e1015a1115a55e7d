// ops_shape.h: glue helpers shared by the shape/index family's files
// (ops_shape.cpp, ops_index.cpp, tensor_mapping.cpp).
//
// Most ops are written once as a module function taking `input` first
// (torch.op(input, ...)); the Tensor method is the same function with self
// prepended (as_method), so both spellings parse arguments identically.
#pragma once

#include <optional>
#include <vector>

#include "glue.h"

namespace mt::py_glue {

using Args = PyObject* const*;
using FastImpl = PyObject* (*)(Args, Py_ssize_t, PyObject*);

// Calls f with self inserted as the first positional argument.
PyObject* call_as_method(FastImpl f, PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw);
template <FastImpl F>
PyObject* as_method(PyObject* self, Args args, Py_ssize_t nargs, PyObject* kw) {
  return call_as_method(F, self, args, nargs, kw);
}

// A list or tuple of tensors; TypeError naming the function otherwise.
std::vector<Tensor> tensor_list_arg(PyObject* o, const char* fname);
// New reference: a tuple of tensors.
PyObject* tensor_tuple(const std::vector<Tensor>& ts);
// New reference: minitorch.return_types.<type_name>(a, b), a struct sequence
// made in return_types.cpp (the one mechanism for named-tuple results).
PyObject* named_pair(const char* type_name, const Tensor& a, const Tensor& b);

inline bool present(PyObject* o) { return o && o != Py_None; }
inline int64_t opt_int_arg(PyObject* o, int64_t def, const char* what) {
  return present(o) ? int_arg(o, what) : def;
}
inline bool opt_bool_arg(PyObject* o, bool def, const char* what) {
  return present(o) ? bool_arg(o, what) : def;
}
// A number or a 0-d tensor (PyTorch's "Scalar or 0-dim Tensor value").
Scalar value_arg(PyObject* o, const char* fname);
// Writes `result` into the out= tensor (resizing it when its shape differs)
// and returns it; returns the result itself when out is absent.
PyObject* finish_out(PyObject* out, const Tensor& result, const char* fname);

}  // namespace mt::py_glue

#define MT_FASTCALL(name, fn)                                             \
  {name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(fn)), \
   METH_FASTCALL | METH_KEYWORDS, nullptr}
