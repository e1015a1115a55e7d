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
};

// Fills *a for a call of `b` in form f; raises PyTorch's TypeError texts.
void parse_op_args(const OpBinding& b, Form f, PyObject* self, PyObject* const* args,
                   Py_ssize_t nargs, PyObject* kwnames, optable::OpArgs* a);
// Builds an OpBinding (parses the signatures; mt::Error on a bad row).
void bind_op(const optable::OpDef& def, OpBinding* out);

}  // namespace mt::py_glue
