// return_types.cpp: minitorch.return_types, the struct-sequence types of ops
// that return (values, indices) style pairs (max, min, aminmax, cummax,
// cummin, sort, topk, kthvalue), like torch.return_types. Op-table rows return
// them as Result::Kind::NamedTuple (op_entries.cpp); minitorch/return_types.py
// exposes each type through _C._return_type.
#include <cstdio>
#include <cstring>
#include <iterator>

#include "return_types.h"

namespace mt::py_glue {
namespace {

// ---- return types (PyStructSequence, like torch.return_types) ----

struct ReturnType {
  const char* name;  // "max"
  const char* field0;
  const char* field1;
  PyTypeObject* type;
};
ReturnType g_return_types[] = {
    {"max", "values", "indices", nullptr},      {"min", "values", "indices", nullptr},
    {"aminmax", "min", "max", nullptr},         {"cummax", "values", "indices", nullptr},
    {"cummin", "values", "indices", nullptr},   {"sort", "values", "indices", nullptr},
    {"topk", "values", "indices", nullptr},     {"kthvalue", "values", "indices", nullptr},
    {"median", "values", "indices", nullptr},   {"nanmedian", "values", "indices", nullptr},
    {"frexp", "mantissa", "exponent", nullptr},
};

// Borrowed reference to minitorch.return_types.<name>, made on first use and
// kept for the process (like the Tensor type).
PyTypeObject* return_type(const char* name) {
  for (ReturnType& rt : g_return_types) {
    if (std::strcmp(rt.name, name) != 0) continue;
    if (!rt.type) {
      // The desc and field names must outlive the type: they live in statics.
      static PyStructSequence_Field fields[std::size(g_return_types)][3];
      static PyStructSequence_Desc descs[std::size(g_return_types)];
      static char names[std::size(g_return_types)][64];
      size_t i = &rt - g_return_types;
      std::snprintf(names[i], sizeof names[i], "minitorch.return_types.%s", rt.name);
      fields[i][0] = {rt.field0, nullptr};
      fields[i][1] = {rt.field1, nullptr};
      fields[i][2] = {nullptr, nullptr};
      descs[i] = {names[i], nullptr, fields[i], 2};
      rt.type = PyStructSequence_NewType(&descs[i]);
      if (!rt.type) throw py::PythonError{};
    }
    return rt.type;
  }
  PyErr_Format(PyExc_KeyError, "no return type named '%s'", name);
  throw py::PythonError{};
}

PyObject* pair_result(const char* type_name, const Tensor& a, const Tensor& b) {
  py::Ref r = py::check(PyStructSequence_New(return_type(type_name)));
  PyStructSequence_SetItem(r.get(), 0, py::check(wrap(a)).release());
  PyStructSequence_SetItem(r.get(), 1, py::check(wrap(b)).release());
  return r.release();
}

}  // namespace

PyObject* named_pair(const char* type_name, const Tensor& a, const Tensor& b) {
  return pair_result(type_name, a, b);
}

namespace {

// _return_type(name) -> the struct-sequence type minitorch.return_types.<name>
PyObject* F_return_type(PyObject*, PyObject* name) {
  MT_BEGIN
  const char* s = PyUnicode_AsUTF8(name);
  if (!s) return nullptr;
  return Py_NewRef(reinterpret_cast<PyObject*>(return_type(s)));
  MT_END(nullptr)
}

}  // namespace

PyMethodDef return_types_module_functions[] = {
    {"_return_type", F_return_type, METH_O, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace mt::py_glue
