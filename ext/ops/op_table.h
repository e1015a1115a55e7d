// op_table.h: the op-table row (OpDef), the parsed signature (Schema) and the
// argument values an entry point hands to an op's impl (OpArgs).
//
// Note [Op tables]: each op is declared once, as a row of its family's table
// (ext/autograd/table_<family>.cpp). A row holds the op's PyTorch signature
// text (overloads one per line), its variants, its NumPy ufunc names and the
// impl adapter that calls ag::. The Python glue builds the module functions,
// the Tensor methods, the in-place methods and the ufunc map from the rows at
// import, and parses each signature once (parse_signatures below) into the
// Schema the one argument parser (ext/python/arg_parser.cpp) walks. Plain
// C++: ext/autograd (and later the stubs generator) read the same rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ops.h"

namespace mt::optable {

// Which entry points a row gets. Method and InPlace drop the `input`/`self`
// parameter (the receiver) and `out`; InPlace is named `name_` and returns
// the receiver; FunctionInPlace is a module function `name_(input)`.
enum Variant : uint8_t {
  kFunction = 1,
  kMethod = 2,
  kInPlace = 4,
  kFunctionInPlace = 8,
};

// Row flags.
enum Flag : uint8_t {
  // Tensor parameters also take Python/NumPy numbers and ndarrays (the
  // elementwise families; NUMPY_BRIDGE.md lists this as a difference).
  kNumberOperands = 1,
  // PyTorch's Tensor-only signatures (maximum, atan2, logical_and, ...):
  // Tensor parameters take ndarrays (as kNumberOperands) but no numbers, a
  // TypeError as in PyTorch, so code written against minitorch runs there.
  kArrayOperands = 2,
  // With kArrayOperands: parameters other than `input` take numbers too
  // (eq(t, 1) is PyTorch's Scalar overload; eq(1, t) has none).
  kNumberOther = 4,
};

// TensorList: `Tensor[]`, a list or tuple of tensors (OpArgs::tensor_list);
// OptionalTensorList: `Tensor?[]`, the same with None items (null tensors);
enum class ArgType : uint8_t {
  Tensor,
  Scalar,
  Int,
  IntList,
  Double,
  Bool,
  DType,
  Device,
  String,
  // `TensorTuple? out`: out= for ops returning (values, indices); the two
  // tensors arrive in Value::tensor and Value::tensor2.
  TensorTuple,
  TensorList,
  OptionalTensorList,
  // The creation family's keywords: `Layout? layout` (only strided exists),
  // `MemoryFormat? memory_format` (Value::i holds an ops::MemoryFormat) and
  // `Generator? generator` (only the default generator exists).
  Layout,
  MemoryFormat,
  Generator,
};

// ---- values handed to an impl ----

inline constexpr int kMaxParams = 12;  // randint's overloads have 10

// One argument's value; trivially constructible so an OpArgs costs nothing
// to set up. Which member holds the value follows the parameter's ArgType.
struct Value {
  const TensorImpl* tensor;  // Tensor; null when a number was given (kNumberOperands)
  union {
    int64_t i;
    double d;
    bool b;
    const char* str;
    DType dtype;
    const void* list;  // TensorList: the borrowed Python list or tuple (tensor_list())
  };
  Scalar::Kind kind;  // Scalar, and a number given for a Tensor
  int64_t scalar_i;
  double scalar_d;
  const TensorImpl* tensor2;  // TensorTuple: the second tensor

  Scalar scalar() const {
    Scalar s;
    s.kind = kind;
    if (kind == Scalar::Kind::Float)
      s.d = scalar_d;
    else
      s.i = scalar_i;
    return s;
  }
  void set_scalar(const Scalar& s) {
    kind = s.kind;
    if (s.kind == Scalar::Kind::Float)
      scalar_d = s.d;
    else
      scalar_i = s.i;
  }
  ops::Operand operand() const {
    ops::Operand o;
    o.tensor = tensor;
    if (!tensor) o.scalar = scalar();
    return o;
  }
};

struct Param {
  std::string name;
  ArgType type = ArgType::Tensor;
  bool optional = false;  // `T?`: None is accepted
  bool kwonly = false;    // after `*`
  bool has_default = false;
  // `SymInt[]` (PyTorch's spelling for sizes): a sequence, or varargs when it
  // is the only positional parameter, never one int; `int[]` also takes one
  // int (as PyTorch's `int[1]`). (Here, in the bools' padding.)
  bool strict_list = false;
  std::string default_text;   // as written: "None", "1", "False", "1e-05"
  Value def{};                // the parsed default (set by parse_schema)
  bool def_is_value = false;  // a default other than None
  std::string default_str;    // a str default, unquoted
};

struct Schema {
  std::string name;
  std::vector<Param> params;
  // The text PyTorch shows in "expected one of" lists, for the function and
  // for the method forms ("(Tensor input, Tensor other, *, Number alpha = 1,
  // Tensor out = None)").
  std::string display_function, display_method;
  int self_index = -1;  // the receiver parameter (`input` or `self`), or -1
  int out_index = -1;   // `Tensor? out`, or -1
};

// Parses one signature, e.g. "add(Tensor input, Tensor other, *, Scalar
// alpha=1, Tensor? out=None)". Throws mt::Error (RuntimeError) on bad text.
Schema parse_schema(const std::string& text);
// Overloads one per line.
std::vector<Schema> parse_signatures(const char* text);
// PyTorch's display name of a parameter type ("Tensor", "Number", "tuple of ints").
const char* type_display(ArgType t);

// Unpacks a TensorList value (Value::list) into tensors; set by the glue at
// import. Raises PyTorch's TypeError for an element that is not a tensor.
// The list is read when the impl runs, so the parser holds no references.
using TensorListFn = std::vector<Tensor> (*)(const void* list, int arg, bool allow_none);
inline TensorListFn unpack_tensor_list = nullptr;

struct OpArgs {
  uint32_t given = 0;  // bit i: parameter i was given and is not None
  int overload = 0;    // which signature matched
  Value v[kMaxParams];
  Dims list;                   // the IntList parameter's value (one per signature)
  Tensor hold[3];              // ndarrays viewed as tensors for this call
  TensorImpl* self = nullptr;  // the receiver (methods)
  ops::ElemOut out;            // out= tensor, or the receiver for in-place forms
  DType default_float = DType::Float32;
  Device default_device;  // set_default_device: factories without device= use it
  Device device;          // the Device parameter's value

  bool has(int i) const { return given >> i & 1u; }
  // Parameter i's TensorList (allow_none: a `Tensor?[]`, None items null).
  std::vector<Tensor> tensor_list(int i, bool allow_none = false) const {
    return unpack_tensor_list(v[i].list, i, allow_none);
  }
};

// What an impl returns: a tensor, or a Python bool for predicates.
struct Result {
  Tensor tensor;
  // NamedTuple: `tensors` as minitorch.return_types.<row name> (values, indices).
  enum class Kind : uint8_t { Tensor, Bool, TensorTuple, NamedTuple, DType } kind = Kind::Tensor;
  std::vector<Tensor> tensors;  // TensorTuple, NamedTuple
  Result() = default;
  Result(Tensor t) : tensor(std::move(t)) {}  // NOLINT: implicit, impls `return {ag::...}`
  union {
    bool b = false;
    DType dtype;  // Kind::DType (promote_types, result_type); shares b's byte
  };
  static Result of_pair(std::pair<Tensor, Tensor> p) {
    Result r;
    r.kind = Kind::NamedTuple;
    r.tensors = {std::move(p.first), std::move(p.second)};
    return r;
  }
  static Result of_bool(bool v) {
    Result r;
    r.kind = Kind::Bool;
    r.b = v;
    return r;
  }
  static Result of_dtype(DType d) {
    Result r;
    r.kind = Kind::DType;
    r.dtype = d;
    return r;
  }
};

struct OpDef;
using Impl = Result (*)(const OpDef& def, OpArgs& args);
// Filled by the autograd issue: the backward formula of the op.
using Derivative = void (*)();

struct OpDef {
  const char* name;
  const char* signatures;  // overloads one per line; the first gives the Python name
  uint8_t variants;        // Variant bits
  uint8_t flags;           // Flag bits
  const char* aliases;     // space-separated other names with the same entries, or ""
  const char* ufuncs;      // space-separated NumPy ufunc names, or ""
  int code;                // the family enum value the impl dispatches on
  Impl impl;
  Derivative derivative;  // nullptr until autograd fills it
};

struct OpTable {
  const char* family;
  const OpDef* rows;
  int size;
};

}  // namespace mt::optable
