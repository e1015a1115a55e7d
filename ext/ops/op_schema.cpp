// op_schema.cpp: signature text -> Schema (Note [Op tables]). Runs once per
// row at import; errors in a row's text are RuntimeErrors (so import fails
// with ImportError, never an abort).
#include <cctype>

#include "../core/error.h"
#include "op_table.h"

namespace mt::optable {

namespace {

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

ArgType type_of(const std::string& t, const std::string& text) {
  if (t == "Tensor") return ArgType::Tensor;
  if (t == "Scalar") return ArgType::Scalar;
  if (t == "int") return ArgType::Int;
  if (t == "int[]") return ArgType::IntList;
  if (t == "int[1]") return ArgType::IntList;  // an int or a sequence of ints
  if (t == "float") return ArgType::Double;
  if (t == "bool") return ArgType::Bool;
  if (t == "ScalarType") return ArgType::DType;
  if (t == "Device") return ArgType::Device;
  if (t == "str") return ArgType::String;
  if (t == "TensorTuple") return ArgType::TensorTuple;
  if (t == "Tensor[]") return ArgType::TensorList;
  if (t == "Tensor?[]") return ArgType::OptionalTensorList;
  if (t == "SymInt") return ArgType::Int;  // no symbolic shapes here
  if (t == "SymInt[]") return ArgType::IntList;
  if (t == "Layout") return ArgType::Layout;
  if (t == "MemoryFormat") return ArgType::MemoryFormat;
  if (t == "Generator") return ArgType::Generator;
  MT_THROW(RuntimeError, "op table: unknown type '", t, "' in signature ", text);
}

// The default's value, parsed once. None leaves the value unset (the
// parameter is then absent: its `given` bit stays clear).
void parse_default(Param& p, const std::string& text) {
  const std::string& d = p.default_text;
  // None, and `[]` for an int list, leave the parameter absent.
  if (!p.has_default || d == "None" || (p.type == ArgType::IntList && d == "[]")) return;
  Value& v = p.def;
  v.tensor = nullptr;
  p.def_is_value = true;
  bool is_float = d.find_first_of(".eE") != std::string::npos && d != "True" && d != "False";
  switch (p.type) {
    case ArgType::Scalar:
    case ArgType::Tensor:  // a number default for a kNumberOperands Tensor
      if (d == "True" || d == "False")
        v.set_scalar(Scalar::from_bool(d == "True"));
      else if (is_float)
        v.set_scalar(Scalar::from_double(std::stod(d)));
      else
        v.set_scalar(Scalar::from_int(std::stoll(d)));
      break;
    case ArgType::Int:
      v.i = std::stoll(d);
      break;
    case ArgType::Double:
      v.d = std::stod(d);
      break;
    case ArgType::Bool:
      MT_CHECK(d == "True" || d == "False", "op table: bad bool default in ", text);
      v.b = d == "True";
      break;
    case ArgType::String:
      MT_CHECK(d.size() >= 2 && d.front() == '\'' && d.back() == '\'',
               "op table: string default must be quoted in ", text);
      p.default_str = d.substr(1, d.size() - 2);
      break;  // the parser points at default_str (Schemas live for the process)
    default:
      MT_THROW(RuntimeError, "op table: unsupported default in ", text);
  }
}

}  // namespace

const char* type_display(ArgType t) {
  switch (t) {
    case ArgType::Tensor:
      return "Tensor";
    case ArgType::Scalar:
      return "Number";
    case ArgType::Int:
      return "int";
    case ArgType::IntList:
      return "tuple of ints";
    case ArgType::Double:
      return "float";
    case ArgType::Bool:
      return "bool";
    case ArgType::DType:
      return "minitorch.dtype";
    case ArgType::Device:
      return "minitorch.device";
    case ArgType::String:
      return "str";
    case ArgType::TensorList:
      return "tuple of Tensors";
    case ArgType::OptionalTensorList:
    case ArgType::TensorTuple:
      return "tuple of Tensors";
    case ArgType::Layout:
      return "minitorch.layout";
    case ArgType::MemoryFormat:
      return "minitorch.memory_format";
    case ArgType::Generator:
      return "minitorch.Generator";
  }
  return "?";
}

Schema parse_schema(const std::string& text) {
  Schema s;
  size_t open = text.find('('), close = text.rfind(')');
  MT_CHECK(open != std::string::npos && close != std::string::npos && close > open,
           "op table: bad signature ", text);
  s.name = trim(text.substr(0, open));
  std::string body = text.substr(open + 1, close - open - 1);
  bool kwonly = false;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t comma = body.find(',', pos);
    if (comma == std::string::npos) comma = body.size();
    std::string item = trim(body.substr(pos, comma - pos));
    pos = comma + 1;
    if (item.empty()) {
      MT_CHECK(comma == body.size() && s.params.empty(), "op table: empty parameter in ", text);
      break;
    }
    if (item == "*") {
      kwonly = true;
      continue;
    }
    Param p;
    p.kwonly = kwonly;
    size_t eq = item.find('=');
    if (eq != std::string::npos) {
      p.has_default = true;
      p.default_text = trim(item.substr(eq + 1));
      item = trim(item.substr(0, eq));
    }
    size_t sp = item.rfind(' ');
    MT_CHECK(sp != std::string::npos, "op table: parameter without a type in ", text);
    std::string type = trim(item.substr(0, sp));
    p.name = trim(item.substr(sp + 1));
    if (!type.empty() && type.back() == '?') {
      p.optional = true;
      type.pop_back();
    }
    if (type == "SymInt[]") {
      p.strict_list = true;
      type = "int[]";
    }
    p.type = type_of(type, text);
    parse_default(p, text);
    // `T? x` without a default is required but may be None (sum's dim).
    s.params.push_back(std::move(p));
  }
  MT_CHECK(static_cast<int>(s.params.size()) <= kMaxParams, "op table: too many parameters in ",
           text);
  int nlists = 0;
  for (int i = 0; i < static_cast<int>(s.params.size()); ++i) {
    const Param& p = s.params[i];
    if (p.type == ArgType::IntList) ++nlists;
    if (s.self_index < 0 && p.type == ArgType::Tensor && (p.name == "input" || p.name == "self"))
      s.self_index = i;
    // torch.split(tensor, ...): the receiver of Tensor.split
    if (s.self_index < 0 && i == 0 && p.type == ArgType::Tensor && p.name == "tensor")
      s.self_index = i;
    if (p.name == "out" && (p.type == ArgType::Tensor || p.type == ArgType::TensorTuple))
      s.out_index = i;
  }
  MT_CHECK(nlists <= 1, "op table: more than one int list in ", text);
  // PyTorch's display text, e.g. "(Tensor input, *, Number alpha = 1, Tensor out = None)".
  for (int method = 0; method < 2; ++method) {
    std::string d = "(";
    bool first = true, star = false;
    for (int i = 0; i < static_cast<int>(s.params.size()); ++i) {
      const Param& p = s.params[i];
      if (method && (i == s.self_index || i == s.out_index)) continue;
      if (p.kwonly && !star) {
        d += first ? "*" : ", *";
        first = false;
        star = true;
      }
      if (!first) d += ", ";
      first = false;
      d += type_display(p.type);
      d += " " + p.name;
      if (p.has_default) d += " = " + p.default_text;
    }
    d += ")";
    (method ? s.display_method : s.display_function) = d;
  }
  return s;
}

std::vector<Schema> parse_signatures(const char* text) {
  std::vector<Schema> out;
  std::string all(text);
  size_t pos = 0;
  while (pos < all.size()) {
    size_t nl = all.find('\n', pos);
    if (nl == std::string::npos) nl = all.size();
    std::string line = trim(all.substr(pos, nl - pos));
    if (!line.empty()) out.push_back(parse_schema(line));
    pos = nl + 1;
  }
  MT_CHECK(!out.empty(), "op table: no signature in '", all, "'");
  for (const Schema& s : out)
    MT_CHECK(s.name == out[0].name, "op table: overloads with different names in ", all);
  return out;
}

}  // namespace mt::optable
