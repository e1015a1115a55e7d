// op_entries.cpp: the Python entry points of every op-table row, built at
// import (Note [Op tables]).
//
// For each table, one template per form is instantiated over the row index
// (std::index_sequence), so each entry point is a plain METH_FASTCALL
// function that knows its row at compile time; a form whose signature takes
// no arguments (t.exp(), t.neg_()) is METH_NOARGS, as before. The rows'
// names and aliases become PyMethodDefs in op_table_module_functions /
// op_table_tensor_methods, which method_tables.cpp merges with the
// hand-written tables. _C._ufunc_table() hands the ufunc names to
// minitorch/_ops_elementwise.py.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../core/warning.h"
#include "arg_parser.h"
#include "ops_elementwise.h"
#include "return_types.h"

namespace mt::py_glue {

using optable::OpArgs;
using optable::Result;

namespace {

std::vector<OpBinding> g_bindings[optable::kNumOpTables];  // one per table, in order

inline PyObject* to_python(const OpBinding& b, Result& r, Form f, PyObject* self,
                           PyObject* first_arg) {
  if (f == Form::InPlace) return Py_NewRef(self);
  if (f == Form::FunctionInPlace)
    return first_arg ? Py_NewRef(first_arg) : wrap(std::move(r.tensor));
  if (r.kind == Result::Kind::Tensor) [[likely]]
    return wrap(std::move(r.tensor));
  switch (r.kind) {
    case Result::Kind::Bool:
      return PyBool_FromLong(r.b);
    case Result::Kind::TensorTuple: {
      py::Ref t = py::check(PyTuple_New(static_cast<Py_ssize_t>(r.tensors.size())));
      for (size_t i = 0; i < r.tensors.size(); ++i)
        PyTuple_SET_ITEM(t.get(), i, wrap(std::move(r.tensors[i])));
      return t.release();
    }
    case Result::Kind::NamedTuple:
      return named_pair(b.def->name, r.tensors[0], r.tensors[1]);
    case Result::Kind::Tensor:
      break;
    case Result::Kind::DType:
      return Py_NewRef(dtype_object(r.dtype));
  }
  return wrap(std::move(r.tensor));
}

PyObject* call(const OpBinding& b, Form f, PyObject* self, PyObject* const* args, Py_ssize_t nargs,
               PyObject* kwnames) {
  MT_BEGIN
  OpArgs a;
  a.default_float = default_dtype();
  a.default_device = default_device();
  if (nargs || kwnames || !parse_no_args(b, f, self, &a))
    parse_op_args(b, f, self, args, nargs, kwnames, &a);
  Result r = b.def->impl(*b.def, a);
  return to_python(b, r, f, self, nargs ? args[0] : nullptr);
  MT_END(nullptr)
}

template <int T, int I, Form F>
PyObject* entry(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  return call(g_bindings[T][I], F, self, args, nargs, kwnames);
}

template <int T, int I, Form F>
PyObject* entry_noargs(PyObject* self, PyObject*) {
  return call(g_bindings[T][I], F, self, nullptr, 0, nullptr);
}

template <typename Fn>
PyCFunction fn(Fn f) {
  return reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(f));
}

struct Entries {
  PyCFunction fast[4];
  PyCFunction noargs[4];
};

template <int T, int I>
constexpr Entries entries_of() {
  return {{fn(entry<T, I, Form::Function>), fn(entry<T, I, Form::Method>),
           fn(entry<T, I, Form::InPlace>), fn(entry<T, I, Form::FunctionInPlace>)},
          {fn(entry_noargs<T, I, Form::Function>), fn(entry_noargs<T, I, Form::Method>),
           fn(entry_noargs<T, I, Form::InPlace>), fn(entry_noargs<T, I, Form::FunctionInPlace>)}};
}

template <int T, size_t... I>
const Entries* table_entries(std::index_sequence<I...>) {
  static const Entries e[] = {entries_of<T, static_cast<int>(I)>()...};
  return e;
}

// Rows of each table, by the table's compile-time length (MT_OP_TABLES).
#define MT_OP_TABLE_SIZE(name, rows, n) n,
constexpr int kTableSizes[] = {MT_OP_TABLES(MT_OP_TABLE_SIZE)};
#undef MT_OP_TABLE_SIZE

template <size_t... T>
const Entries* entries_for(int t, std::index_sequence<T...>) {
  static const Entries* const all[] = {
      table_entries<static_cast<int>(T)>(std::make_index_sequence<kTableSizes[T]>())...};
  return all[t];
}

const Entries* entries_for(int t) {
  return entries_for(t, std::make_index_sequence<optable::kNumOpTables>());
}

constexpr int kCapacity = 640;

void add_def(PyMethodDef* table, int* n, const char* name, PyCFunction f, int flags) {
  MT_CHECK(*n + 1 < kCapacity, "op table: entry capacity exceeded");
  table[(*n)++] = {name, f, flags, nullptr};
}

std::vector<std::string> split(const char* s) {
  std::vector<std::string> out;
  std::string cur;
  for (const char* p = s; *p; ++p) {
    if (*p == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += *p;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// Names live for the process (CPython keeps the pointers).
const char* keep(std::string s) {
  static std::vector<std::unique_ptr<std::string>> names;
  names.push_back(std::make_unique<std::string>(std::move(s)));
  return names.back()->c_str();
}

}  // namespace

PyMethodDef op_table_module_functions[kCapacity];
PyMethodDef op_table_tensor_methods[kCapacity];
PyObject* ufunc_table(PyObject* module, PyObject*);
PyObject* op_table(PyObject* module, PyObject*);

// OpArgs::tensor_list: a list or tuple (checked by the parser) of tensors.
static std::vector<Tensor> unpack_tensor_list(const void* list, int arg, bool allow_none) {
  PyObject* o = static_cast<PyObject*>(const_cast<void*>(list));
  Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
  PyObject** items = PySequence_Fast_ITEMS(o);
  std::vector<Tensor> out;
  out.reserve(n);
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (allow_none && items[i] == Py_None) {
      out.emplace_back();
      continue;
    }
    if (!is_tensor(items[i])) {
      PyErr_Format(PyExc_TypeError, "expected Tensor as element %zd in argument %d, but got %s", i,
                   arg, Py_TYPE(items[i])->tp_name);
      throw py::PythonError{};
    }
    out.emplace_back(impl_of(items[i]));
  }
  return out;
}

bool build_op_entries() {
  MT_BEGIN
  optable::unpack_tensor_list = unpack_tensor_list;
  int nf = 0, nm = 0;
  add_def(op_table_module_functions, &nf, "_ufunc_table", ufunc_table, METH_NOARGS);
  add_def(op_table_module_functions, &nf, "_op_table", op_table, METH_NOARGS);
  for (int t = 0; t < optable::kNumOpTables; ++t) {
    const optable::OpTable& table = optable::kOpTables[t];
    const Entries* e = entries_for(t);
    g_bindings[t].resize(table.size);
    for (int i = 0; i < table.size; ++i) {
      const optable::OpDef& def = table.rows[i];
      MT_CHECK(def.impl, "op table: row ", def.name, " has no impl");
      OpBinding& b = g_bindings[t][i];
      bind_op(def, &b);
      std::vector<std::string> names = split(def.aliases);
      names.insert(names.begin(), b.schemas[0].name);
      for (const std::string& name : names) {
        for (int f = 0; f < 4; ++f) {
          Form form = static_cast<Form>(f);
          if (!(def.variants & (1 << f)) || b.forms[f].empty()) continue;
          bool method = form == Form::Method || form == Form::InPlace;
          bool noargs = method && b.forms[f].size() == 1 && b.forms[f][0].npos == 0 && [&] {
            const auto& fs = b.forms[f][0];
            for (size_t k = 0; k < fs.schema->params.size(); ++k)
              if (!fs.skip[k]) return false;
            return true;
          }();
          const char* pyname =
              keep(form == Form::InPlace || form == Form::FunctionInPlace ? name + "_" : name);
          PyCFunction c = noargs ? e[i].noargs[f] : e[i].fast[f];
          int flags = noargs ? METH_NOARGS : METH_FASTCALL | METH_KEYWORDS;
          if (method)
            add_def(op_table_tensor_methods, &nm, pyname, c, flags);
          else
            add_def(op_table_module_functions, &nf, pyname, c, flags);
        }
      }
    }
  }
  return true;
  MT_END(false)
}

PyObject* call_op_function(const char* name, PyObject* const* args, Py_ssize_t nargs,
                           PyObject* kwnames) {
  for (int t = 0; t < optable::kNumOpTables; ++t)
    for (const OpBinding& b : g_bindings[t])
      if (b.schemas[0].name == name && (b.def->variants & optable::kFunction))
        return call(b, Form::Function, nullptr, args, nargs, kwnames);
  PyErr_Format(PyExc_SystemError, "op table: no function row named %s", name);
  return nullptr;
}

// _C._ufunc_table(): [(ufunc_name, function, takes_out), ...] from the rows.
PyObject* ufunc_table(PyObject* module, PyObject*) {
  MT_BEGIN
  py::Ref list = py::check(PyList_New(0));
  for (int t = 0; t < optable::kNumOpTables; ++t) {
    for (const OpBinding& b : g_bindings[t]) {
      for (const std::string& uf : split(b.def->ufuncs)) {
        py::Ref f = py::check(PyObject_GetAttrString(module, b.schemas[0].name.c_str()));
        py::Ref row = py::check(Py_BuildValue("(sOO)", uf.c_str(), f.get(),
                                              b.schemas[0].out_index >= 0 ? Py_True : Py_False));
        if (PyList_Append(list.get(), row.get()) < 0) throw py::PythonError{};
      }
    }
  }
  return list.release();
  MT_END(nullptr)
}

// _C._op_table(): [(family, name, signatures, variants, flags, aliases), ...], one
// tuple per row, for scripts/gen_stubs.py (the type stubs come from the rows).
PyObject* op_table(PyObject*, PyObject*) {
  MT_BEGIN
  py::Ref list = py::check(PyList_New(0));
  for (int t = 0; t < optable::kNumOpTables; ++t) {
    const optable::OpTable& table = optable::kOpTables[t];
    for (int i = 0; i < table.size; ++i) {
      const optable::OpDef& def = table.rows[i];
      py::Ref row = py::check(Py_BuildValue("(sssiis)", table.family, def.name, def.signatures,
                                            static_cast<int>(def.variants),
                                            static_cast<int>(def.flags), def.aliases));
      if (PyList_Append(list.get(), row.get()) < 0) throw py::PythonError{};
    }
  }
  return list.release();
  MT_END(nullptr)
}

}  // namespace mt::py_glue
