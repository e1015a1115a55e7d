// arg_parser.h: the one argument parser, driven by the op tables' parsed
// signatures (Note [Op tables], ext/ops/op_table.h), in the manner of
// PyTorch's PythonArgParser. Entry points for every row are generated in
// op_entries.cpp; this file turns (self, args, kwnames) into OpArgs.
#pragma once

#include "../autograd/op_tables.h"
#include "glue.h"

namespace mt::py_glue {

// The four Python forms a row can have (Variant bits in op_table.h).
enum class Form : uint8_t { Function, Method, InPlace, FunctionInPlace };

// Parameters with a non-None default, per signature. Kept at 8 when
// kMaxParams grew: the bound lets the compiler unroll the fill loop of
// parse_positional, which a.add(b) runs.
inline constexpr int kMaxDefaults = 8;

// One signature as one form sees it: which parameters it fills positionally
// (the receiver and, for methods, `out` removed). Built once at import.
struct FormSchema {
  const optable::Schema* schema;
  int8_t pos[optable::kMaxParams];  // positional parameters, in order
  int npos = 0;
  bool skip[optable::kMaxParams] = {};  // parameters this form does not take
  bool varargs_list = false;            // the only positional is an int list
  // For parse_positional: the parameters this form needs (no default), and
  // those with a default value to fill when not given.
  uint32_t required = 0;
  int8_t defaults[kMaxDefaults];
  int ndefaults = 0;
  const std::string* display;
};

// A row as the glue holds it: the OpDef and its parsed signatures per form.
struct OpBinding {
  const optable::OpDef* def;
  std::vector<optable::Schema> schemas;
  std::vector<FormSchema> forms[4];  // indexed by Form
  // Per form: the first signature a call without arguments fits (t.sum(),
  // t.max()), as an index into forms[f], and its overload index; -1: none.
  int8_t empty_form[4] = {-1, -1, -1, -1};
  int8_t empty_overload[4] = {-1, -1, -1, -1};
};

// Fills *a for a call of `b` in form f; raises PyTorch's TypeError texts.
void parse_op_args(const OpBinding& b, Form f, PyObject* self, PyObject* const* args,
                   Py_ssize_t nargs, PyObject* kwnames, optable::OpArgs* a);
// A call without arguments (t.sum(), t.exp()): fills *a from the form's
// precomputed signature and returns true, or returns false (parse_op_args
// then decides). Inline so the most common method call skips the general
// parser's frame.
inline bool parse_no_args(const OpBinding& b, Form f, PyObject* self, optable::OpArgs* a) {
  const int k = b.empty_form[static_cast<int>(f)];
  if (k < 0) return false;
  const FormSchema& fs = b.forms[static_cast<int>(f)][k];
  const optable::Schema& s = *fs.schema;
  uint32_t given = 0;
  for (int j = 0; j < fs.ndefaults; ++j) {
    const int i = fs.defaults[j];
    const optable::Param& p = s.params[i];
    a->v[i] = p.def;
    if (p.type == optable::ArgType::String) a->v[i].str = p.default_str.c_str();
    given |= 1u << i;
  }
  if (f == Form::Method || f == Form::InPlace) {
    TensorImpl* t = impl_of(self);
    a->v[s.self_index].tensor = t;
    given |= 1u << s.self_index;
    a->self = t;
    if (f == Form::InPlace) a->out = {t, true};
  }
  a->given = given;
  a->overload = b.empty_overload[static_cast<int>(f)];
  return true;
}
// Builds an OpBinding (parses the signatures; mt::Error on a bad row).
void bind_op(const optable::OpDef& def, OpBinding* out);

}  // namespace mt::py_glue
