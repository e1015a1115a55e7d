// arg_parser.cpp: Python arguments -> OpArgs, from a row's parsed
// signatures (arg_parser.h).
//
// One signature: errors name the argument, as PyTorch's do
// ("add(): argument 'other' (position 2) must be Tensor, not str",
// "exp() takes 1 positional argument but 2 were given", "... missing 1
// required positional arguments: "input"", "... got an unexpected keyword
// argument 'x'"). Several signatures (overloads): each is tried in order and
// the first that fits wins; if none does, the error is "received an invalid
// combination of arguments" listing them.
#include "arg_parser.h"

#include <cstring>
#include <string>

#include "ops_elementwise.h"

namespace mt::py_glue {

using optable::ArgType;
using optable::OpArgs;
using optable::Param;
using optable::Schema;
using optable::Value;

namespace {

[[noreturn]] void type_error(const std::string& msg) {
  PyErr_SetString(PyExc_TypeError, msg.c_str());
  throw py::PythonError{};
}

bool is_int_like(PyObject* o) {
  if (PyLong_Check(o)) return !PyBool_Check(o);
  if (PyFloat_Check(o) || PyBool_Check(o)) return false;
  if (is_tensor(o)) {
    TensorImpl* t = impl_of(o);
    return t->numel() == 1 && t->dim() == 0 && !is_floating(t->dtype()) &&
           t->dtype() != DType::Bool;
  }
  return PyIndex_Check(o);
}

// An exact Python int that fits int64 (the common case, no error text built).
inline bool fast_int(PyObject* o, int64_t* out) {
  if (!PyLong_CheckExact(o)) return false;
  int overflow;
  long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
  if (overflow) return false;
  *out = v;
  return true;
}

// A memory_format object -> its ops::MemoryFormat value, from its name
// ("torch.channels_last" or "channels_last").
[[gnu::noinline]] int64_t memory_format_of(PyObject* o) {
  py::Ref text = py::check(PyObject_Str(o));
  const char* str = PyUnicode_AsUTF8(text.get());
  if (!str) throw py::PythonError{};
  const char* dot = std::strrchr(str, '.');
  return ag::parse_memory_format(dot ? dot + 1 : str);
}

// Converts o for p into *v; false (no error set) when o has the wrong type.
// Raises for a right-typed value that cannot be held (int overflow).
bool convert(const Param& p, const std::string& fname, uint8_t flags, PyObject* o, Value* v,
             OpArgs* a, int* nhold) {
  switch (p.type) {
    case ArgType::Tensor: {
      if (is_tensor(o)) {
        v->tensor = impl_of(o);
        return true;
      }
      const bool numbers = (flags & optable::kNumberOperands) ||
                           ((flags & optable::kNumberOther) && p.name != "input");
      if (!numbers && !(flags & optable::kArrayOperands)) return false;
      Scalar s;
      if (numbers && to_scalar(o, &s)) {
        v->tensor = nullptr;
        v->set_scalar(s);
        return true;
      }
      if (is_ndarray(o)) {
        MT_CHECK(*nhold < 3, "op table: too many ndarray operands");
        Tensor& h = a->hold[(*nhold)++];
        h = tensor_from_numpy(o, false);
        v->tensor = h.get();
        return true;
      }
      return false;
    }
    case ArgType::Scalar: {
      Scalar s;
      if (to_scalar(o, &s)) {
      } else if (is_tensor(o) && impl_of(o)->numel() == 1) {
        s = ops::item(Tensor(impl_of(o)));
      } else {
        return false;
      }
      v->set_scalar(s);
      return true;
    }
    case ArgType::Int:
      if (fast_int(o, &v->i)) return true;
      if (!is_int_like(o)) return false;
      v->i = int_arg(o, (fname + "(): argument '" + p.name + "'").c_str());
      return true;
    case ArgType::Double: {
      Scalar s;
      if (to_scalar(o, &s))
        v->d = s.to_double();
      else if (is_tensor(o) && impl_of(o)->numel() == 1)
        v->d = ops::item(Tensor(impl_of(o))).to_double();
      else
        return false;
      return true;
    }
    case ArgType::Bool:
      if (!PyBool_Check(o)) return false;
      v->b = o == Py_True;
      return true;
    case ArgType::String:
      if (!PyUnicode_Check(o)) return false;
      v->str = PyUnicode_AsUTF8(o);
      if (!v->str) throw py::PythonError{};
      return true;
    case ArgType::DType:
      // a minitorch.dtype, or the Python types float, int and bool
      if (!is_dtype(o) && o != reinterpret_cast<PyObject*>(&PyFloat_Type) &&
          o != reinterpret_cast<PyObject*>(&PyLong_Type) &&
          o != reinterpret_cast<PyObject*>(&PyBool_Type))
        return false;
      v->dtype = parse_dtype_arg(o, default_dtype());
      return true;
    case ArgType::Device:
      if (!PyUnicode_Check(o) && !PyLong_Check(o) && std::strcmp(Py_TYPE(o)->tp_name, "device"))
        return false;
      a->device = parse_device_arg(o);
      return true;
    case ArgType::IntList:
      if (is_tensor(o) || PyUnicode_Check(o) ||
          !(PySequence_Check(o) || (is_int_like(o) && !p.strict_list)))
        return false;
      a->list = int_list_arg(o, (fname + "(): argument '" + p.name + "'").c_str());
      return true;
    case ArgType::TensorTuple:  // only as out=, read in parse_one
      return false;
    case ArgType::TensorList:
    case ArgType::OptionalTensorList:
      if (!PyList_Check(o) && !PyTuple_Check(o)) return false;
      v->list = o;  // borrowed from the call's arguments; unpacked by the impl
      return true;
    case ArgType::Layout:  // only strided exists: any layout object stands for it
      return std::strcmp(Py_TYPE(o)->tp_name, "layout") == 0;
    case ArgType::Generator:  // only the default generator exists
      return std::strcmp(Py_TYPE(o)->tp_name, "Generator") == 0;
    case ArgType::MemoryFormat:
      if (std::strcmp(Py_TYPE(o)->tp_name, "memory_format") != 0) return false;
      v->i = memory_format_of(o);
      return true;
  }
  return false;
}

const char* type_name(PyObject* o) { return is_tensor(o) ? "Tensor" : Py_TYPE(o)->tp_name; }

// Sets the default of an absent parameter (None leaves it absent).
inline void set_default(const Param& p, int i, OpArgs* a) {
  if (!p.def_is_value) return;
  a->v[i] = p.def;
  if (p.type == ArgType::String) a->v[i].str = p.default_str.c_str();
  a->given |= 1u << i;
}

// Tries one signature. raise: set PyTorch's error and throw; else return false.
bool parse_one(const OpBinding& b, const FormSchema& fs, Form form, PyObject* self,
               PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, OpArgs* a, bool raise) {
  const Schema& s = *fs.schema;
  const std::string& fname = s.name;
  const uint8_t flags = b.def->flags;
  const int n = static_cast<int>(s.params.size());
  PyObject* slot[optable::kMaxParams] = {};
  bool positional[optable::kMaxParams] = {};
  a->given = 0;
  int nhold = 0;

  // positional arguments
  Py_ssize_t used = nargs;
  if (fs.varargs_list && (nargs > 1 || (nargs == 1 && is_int_like(args[0])))) {
    // view(2, 3): the int list given as varargs
    int li = fs.pos[0];
    Dims d(nargs);
    for (Py_ssize_t k = 0; k < nargs; ++k) {
      if (fast_int(args[k], &d[k])) continue;
      if (!is_int_like(args[k]) && !raise) return false;
      d[k] =
          int_list_item(args[k], (fname + "(): argument '" + s.params[li].name + "'").c_str(), k);
    }
    a->list = std::move(d);
    a->given |= 1u << li;
    positional[li] = true;
    slot[li] = Py_None;  // filled
    used = 0;
  }
  if (used > fs.npos) {
    if (!raise) return false;
    // "takes 2 positional arguments", or "takes from 1 to 3 ..." when some
    // have defaults.
    int nmin = 0;
    for (int k = 0; k < fs.npos; ++k) nmin += !s.params[fs.pos[k]].has_default;
    std::string takes = nmin == fs.npos ? std::to_string(fs.npos) + " positional argument" +
                                              (fs.npos == 1 ? "" : "s")
                                        : "from " + std::to_string(nmin) + " to " +
                                              std::to_string(fs.npos) + " positional arguments";
    type_error(fname + "() takes " + takes + " but " + std::to_string(nargs) +
               (nargs == 1 ? " was" : " were") + " given");
  }
  for (Py_ssize_t k = 0; k < used; ++k) {
    slot[fs.pos[k]] = args[k];
    positional[fs.pos[k]] = true;
  }
  // keyword arguments
  Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  int matched_kw = 0;
  for (Py_ssize_t k = 0; k < nkw; ++k) {
    const char* key = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, k));
    if (!key) throw py::PythonError{};
    for (int i = 0; i < n; ++i) {
      if (fs.skip[i] || s.params[i].name != key) continue;
      if (slot[i]) {
        if (!raise) return false;
        type_error(fname + "() got multiple values for argument '" + key + "'");
      }
      slot[i] = args[nargs + k];
      ++matched_kw;
      break;
    }
  }
  // the receiver
  if (form == Form::Method || form == Form::InPlace) {
    a->v[s.self_index].tensor = impl_of(self);
    a->given |= 1u << s.self_index;
    a->self = impl_of(self);
  }
  // values, defaults, missing arguments
  std::string missing;
  int nmissing = 0;
  for (int i = 0; i < n; ++i) {
    if (fs.skip[i]) continue;
    const Param& p = s.params[i];
    PyObject* o = slot[i];
    if (positional[i] && o == Py_None && p.type == ArgType::IntList && (a->given >> i & 1))
      continue;
    if (!o) {
      if (p.has_default) {
        set_default(p, i, a);
      } else {
        if (nmissing++) missing += ", ";
        missing += "\"" + p.name + "\"";
      }
      continue;
    }
    if (o == Py_None && p.optional) continue;
    bool ok;
    if (i == s.out_index && p.type == ArgType::TensorTuple) {
      // out=(values, indices)
      ok = PyTuple_Check(o) && PyTuple_GET_SIZE(o) == 2 && is_tensor(PyTuple_GET_ITEM(o, 0)) &&
           is_tensor(PyTuple_GET_ITEM(o, 1));
      if (ok) {
        a->v[i].tensor = impl_of(PyTuple_GET_ITEM(o, 0));
        a->v[i].tensor2 = impl_of(PyTuple_GET_ITEM(o, 1));
      }
    } else if (i == s.out_index) {
      ok = is_tensor(o);
      if (ok) a->out = {impl_of(o), false};
    } else {
      ok = convert(p, fname, flags, o, &a->v[i], a, &nhold);
    }
    if (!ok) {
      if (!raise) return false;
      std::string pos;
      if (positional[i]) {
        int k = 0;
        while (fs.pos[k] != i) ++k;
        pos = " (position " + std::to_string(k + 1) + ")";
      }
      type_error(fname + "(): argument '" + p.name + "'" + pos + " must be " +
                 optable::type_display(p.type) + ", not " + type_name(o));
    }
    a->given |= 1u << i;
  }
  if (nmissing) {
    if (!raise) return false;
    // PyTorch's text: "argument" for two or more, "arguments" for one
    type_error(fname + "() missing " + std::to_string(nmissing) + " required positional argument" +
               (nmissing == 1 ? "s" : "") + ": " + missing);
  }
  if (matched_kw < nkw) {
    if (!raise) return false;
    for (Py_ssize_t k = 0; k < nkw; ++k) {
      const char* key = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, k));
      bool found = false;
      for (int i = 0; i < n; ++i) found |= !fs.skip[i] && s.params[i].name == key;
      if (!found) type_error(fname + "() got an unexpected keyword argument '" + key + "'");
    }
  }
  if (form == Form::InPlace) a->out = {impl_of(self), true};
  if (form == Form::FunctionInPlace) a->out = {const_cast<TensorImpl*>(a->v[0].tensor), true};
  return true;
}

// PyTorch's second line under a listed signature that takes exactly as many
// arguments as were given: "didn't match because some of the arguments have
// invalid types: (Tensor, !str!)", the wrong ones between '!'.
std::string mismatch_line(const OpBinding& b, const FormSchema& fs, PyObject* const* args,
                          Py_ssize_t nargs, PyObject* kwnames) {
  const Schema& s = *fs.schema;
  Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  int expected = 0;
  for (size_t i = 0; i < s.params.size(); ++i) expected += !fs.skip[i];
  bool has_out = s.out_index >= 0 && !fs.skip[s.out_index];
  // A method's signatures count the receiver too, as PyTorch's do: a call
  // with one argument more than a method form takes still gets the line
  // (t.squeeze(None) under "* ()").
  bool method = s.self_index >= 0 && fs.skip[s.self_index];
  if (method) {
    if (nargs + nkw > expected + 1) return "";
  } else if (nargs > fs.npos || has_out ||
             nargs + nkw != expected) {  // torch.max(t, 'a') lists no reasons
    return "";
  }
  std::string line = "      didn't match because some of the arguments have invalid types: (";
  for (Py_ssize_t k = 0; k < nargs + nkw; ++k) {
    PyObject* o = args[k];
    int i = -1;
    if (k < nargs) {
      i = k < fs.npos ? fs.pos[k] : -1;
    } else {
      const char* key = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, k - nargs));
      for (size_t j = 0; j < s.params.size() && key; ++j)
        if (!fs.skip[j] && s.params[j].name == key) i = static_cast<int>(j);
      line += std::string(key ? key : "?") + "=";
    }
    bool ok = false;
    if (i >= 0) {
      const Param& p = s.params[i];
      if (o == Py_None) {
        ok = p.optional;
      } else if (i == s.out_index) {
        ok = is_tensor(o);
      } else if (p.type == ArgType::Scalar && is_tensor(o)) {
        ok = false;  // PyTorch's formatter counts a tensor as no Number
      } else {
        OpArgs scratch;  // convert may fill the list, the device or a held array
        int nhold = 0;
        try {
          ok = convert(p, s.name, b.def->flags, o, &scratch.v[i], &scratch, &nhold);
        } catch (const py::PythonError&) {
          PyErr_Clear();
        } catch (const std::exception&) {
        }
      }
    }
    if (k) line += ", ";
    line += ok ? type_name(o) : std::string("!") + type_name(o) + "!";
  }
  return line + ")\n";
}

[[noreturn]] void invalid_combination(const OpBinding& b, Form form, PyObject* const* args,
                                      Py_ssize_t nargs, PyObject* kwnames) {
  const auto& forms = b.forms[static_cast<int>(form)];
  std::string msg =
      forms[0].schema->name + "() received an invalid combination of arguments - got (";
  for (Py_ssize_t k = 0; k < nargs; ++k) {
    if (k) msg += ", ";
    msg += type_name(args[k]);
  }
  Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  for (Py_ssize_t k = 0; k < nkw; ++k) {
    if (nargs || k) msg += ", ";
    msg += PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, k));
    msg += "=";
    msg += type_name(args[nargs + k]);
  }
  msg += ")";
  if (forms.size() == 1) {
    msg += ", but expected " + *forms[0].display;
  } else {
    msg += ", but expected one of:\n";
    for (const FormSchema& fs : forms) {
      msg += " * " + *fs.display + "\n";
      msg += mismatch_line(b, fs, args, nargs, kwnames);
    }
  }
  type_error(msg);
}

}  // namespace

namespace {

// The common call: one signature, positional arguments only, none of them
// None or out=. Fills *a and returns true, or returns false (no error set)
// and leaves the call to parse_one, which redoes it and raises the error.
// It exists for the hot path (a.add(b) costs what it did before the tables).
inline bool finish_positional(const FormSchema& fs, Form form, PyObject* self, uint32_t given,
                              OpArgs* a);
inline bool parse_varargs_positional(const FormSchema& fs, Form form, PyObject* self,
                                     PyObject* const* args, Py_ssize_t nargs, OpArgs* a);

inline bool parse_positional(const OpBinding& b, const FormSchema& fs, Form form, PyObject* self,
                             PyObject* const* args, Py_ssize_t nargs, OpArgs* a) {
  if (fs.varargs_list) return parse_varargs_positional(fs, form, self, args, nargs, a);
  if (nargs > fs.npos) return false;
  const Schema& s = *fs.schema;
  uint32_t given = 0;
  int nhold = 0;
  for (Py_ssize_t k = 0; k < nargs; ++k) {
    const int i = fs.pos[k];
    PyObject* o = args[k];
    const Param& p = s.params[i];
    if (p.type == ArgType::Tensor && is_tensor(o)) {
      a->v[i].tensor = impl_of(o);
    } else if (o == Py_None || i == s.out_index ||
               !convert(p, s.name, b.def->flags, o, &a->v[i], a, &nhold)) {
      return false;
    }
    given |= 1u << i;
  }
  return finish_positional(fs, form, self, given, a);
}

// view(2, 3): the form's only positional parameter is an int list, given as
// exact Python ints (anything else goes to parse_one). No arguments at all
// give the empty list (t.permute() of a 0-d tensor), as minitorch always
// did; PyTorch raises "missing 1 required positional argument" there.
inline bool parse_varargs_positional(const FormSchema& fs, Form form, PyObject* self,
                                     PyObject* const* args, Py_ssize_t nargs, OpArgs* a) {
  Dims& list = a->list;
  list.resize(0);  // an earlier overload's try may have filled it
  for (Py_ssize_t k = 0; k < nargs; ++k) {
    int64_t v;
    if (!fast_int(args[k], &v)) return false;
    list.push_back(v);
  }
  return finish_positional(fs, form, self, 1u << fs.pos[0], a);
}

// The common tail: required parameters, defaults and the receiver.
inline bool finish_positional(const FormSchema& fs, Form form, PyObject* self, uint32_t given,
                              OpArgs* a) {
  const Schema& s = *fs.schema;
  if (fs.required & ~given) return false;  // missing: parse_one says so
  for (int k = 0; k < fs.ndefaults; ++k) {
    const int i = fs.defaults[k];
    if (given >> i & 1u) continue;
    const Param& p = s.params[i];
    a->v[i] = p.def;
    if (p.type == ArgType::String) a->v[i].str = p.default_str.c_str();
    given |= 1u << i;
  }
  if (form == Form::Method || form == Form::InPlace) {
    TensorImpl* t = impl_of(self);
    a->v[s.self_index].tensor = t;
    given |= 1u << s.self_index;
    a->self = t;
    if (form == Form::InPlace) a->out = {t, true};
  } else if (form == Form::FunctionInPlace) {
    a->out = {const_cast<TensorImpl*>(a->v[0].tensor), true};
  }
  a->given = given;
  return true;
}

// The signature that alone can take nargs + len(kwnames) arguments (at least
// its required ones, at most all of them), or null.
const FormSchema* only_plausible(const std::vector<FormSchema>& forms, Py_ssize_t nargs,
                                 PyObject* kwnames) {
  Py_ssize_t given = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0);
  const FormSchema* found = nullptr;
  for (const FormSchema& fs : forms) {
    int lo = 0, hi = 0;
    for (size_t i = 0; i < fs.schema->params.size(); ++i) {
      if (fs.skip[i]) continue;
      ++hi;
      lo += !fs.schema->params[i].has_default;
    }
    if (given < lo || given > hi) continue;
    if (found) return nullptr;
    found = &fs;
  }
  return found;
}

}  // namespace

namespace {
// Rows with overloads: each signature in turn. (Left for the compiler to
// inline: marking it noinline cost a.add(b) 16 instructions of spills.)
void parse_overloads(const OpBinding& b, Form f, PyObject* self, PyObject* const* args,
                     Py_ssize_t nargs, PyObject* kwnames, OpArgs* a) {
  const auto& forms = b.forms[static_cast<int>(f)];
  for (size_t i = 0; i < forms.size(); ++i) {
    // Overloads try the positional fast path too (t.sum(), t.max(0)): when
    // it fits, parse_one would have accepted the same call.
    if ((!kwnames && parse_positional(b, forms[i], f, self, args, nargs, a)) ||
        parse_one(b, forms[i], f, self, args, nargs, kwnames, a, false)) {
      a->overload = static_cast<int>(forms[i].schema - b.schemas.data());
      return;
    }
    // a failed try may have viewed ndarrays or set out=: start clean
    for (Tensor& h : a->hold) h = Tensor();
    a->out = {};
  }
  // As PyTorch: when only one signature takes this many arguments, its own
  // error (which argument has the wrong type) is the one raised.
  // (It failed above, so it raises.)
  if (const FormSchema* only = only_plausible(forms, nargs, kwnames))
    parse_one(b, *only, f, self, args, nargs, kwnames, a, true);
  invalid_combination(b, f, args, nargs, kwnames);
}
}  // namespace

void parse_op_args(const OpBinding& b, Form f, PyObject* self, PyObject* const* args,
                   Py_ssize_t nargs, PyObject* kwnames, OpArgs* a) {
  const auto& forms = b.forms[static_cast<int>(f)];
  if (forms.size() == 1) {
    if (!kwnames && parse_positional(b, forms[0], f, self, args, nargs, a)) return;
    parse_one(b, forms[0], f, self, args, nargs, kwnames, a, true);
    return;
  }
  parse_overloads(b, f, self, args, nargs, kwnames, a);
}

void bind_op(const optable::OpDef& def, OpBinding* out) {
  out->def = &def;
  out->schemas = optable::parse_signatures(def.signatures);
  for (int f = 0; f < 4; ++f) {
    Form form = static_cast<Form>(f);
    bool method = form == Form::Method || form == Form::InPlace;
    for (const Schema& s : out->schemas) {
      if (method && s.self_index < 0) continue;
      FormSchema fs;
      fs.schema = &s;
      fs.display = method ? &s.display_method : &s.display_function;
      for (int i = 0; i < static_cast<int>(s.params.size()); ++i) {
        bool skip = (method && (i == s.self_index || i == s.out_index)) ||
                    (form == Form::FunctionInPlace && i == s.out_index);
        fs.skip[i] = skip;
        if (!skip && !s.params[i].kwonly) fs.pos[fs.npos++] = static_cast<int8_t>(i);
      }
      fs.varargs_list = fs.npos == 1 && s.params[fs.pos[0]].type == ArgType::IntList;
      for (int i = 0; i < static_cast<int>(s.params.size()); ++i) {
        if (fs.skip[i]) continue;
        if (!s.params[i].has_default)
          fs.required |= 1u << i;
        else if (s.params[i].def_is_value) {
          MT_CHECK(fs.ndefaults < kMaxDefaults, "op table: too many defaults in ", def.name);
          fs.defaults[fs.ndefaults++] = static_cast<int8_t>(i);
        }
      }
      // A call without arguments fits the first signature that requires
      // none (parse_no_args). FunctionInPlace always needs its input.
      if (out->empty_form[f] < 0 && fs.required == 0 && form != Form::FunctionInPlace) {
        out->empty_form[f] = static_cast<int8_t>(out->forms[f].size());
        out->empty_overload[f] = static_cast<int8_t>(&s - out->schemas.data());
      }
      out->forms[f].push_back(fs);
    }
  }
}

}  // namespace mt::py_glue
