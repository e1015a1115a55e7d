// autograd_function.cpp: custom autograd Functions written in Python
// (minitorch.autograd.Function), inference-mode and anomaly-mode hooks.
//
// Note [Python Function node]
// Function.apply (minitorch/autograd/function.py) runs the user's forward
// under no_grad, then calls _C._function_record, which builds a PyFunctionNode:
// one edge per forward argument (empty for non-tensors and tensors that need
// no gradient), the outputs' histories set to the node, the tensors given to
// ctx.save_for_backward held as SavedTensors (version-checked). The ctx is a
// Python object of class <Name>Backward (a subclass of _C._FunctionBase); the
// node owns it and shows it as its grad_fn, and the ctx points back at the
// node without owning it (the node clears that pointer when it dies). The
// node's apply calls ctx.apply(*grads) (which calls the user's backward) with
// the GIL held and checks the result's count, types and positions.
#include <algorithm>
#include <string>

#include "../autograd/formulas.h"
#include "glue.h"

namespace mt::py_glue {

thread_local bool g_inference_mode = false;  // per thread, like grad mode

void mark_inference(TensorImpl* t) {
  if (t->storage()->use_count() == 1) ag::meta(t).inference = true;
}

PyObject* node_metadata(ag::Node* n);  // autograd_glue.cpp
PyObject* wrap_node(ag::Node* n);      // autograd_glue.cpp

namespace {

struct PyCtx {
  PyObject_HEAD ag::Node* node;  // non-owning; null until recorded / after the node died
};

PyTypeObject* CtxBaseType = nullptr;

struct PyFunctionNode : ag::Node {
  ~PyFunctionNode() override {
    PyGILState_STATE st = PyGILState_Ensure();
    if (ctx) {
      reinterpret_cast<PyCtx*>(ctx)->node = nullptr;
      Py_DECREF(ctx);
    }
    PyGILState_Release(st);
  }
  const char* name() const override { return name_.c_str(); }
  bool materialize_grads() const override { return materialize; }
  void release_variables() override {
    saved.clear();
    released = true;
  }
  std::vector<Tensor> apply(std::vector<Tensor>& grads) override;

  std::string name_;
  PyObject* ctx = nullptr;  // owned
  std::vector<ag::SavedTensor> saved;
  std::vector<bool> saved_none;
  std::vector<bool> tensor_input;  // per forward argument
  bool released = false;
  bool materialize = true;
};

// PyTorch's errors for a backward's result.
std::vector<Tensor> PyFunctionNode::apply(std::vector<Tensor>& grads) {
  PyGILState_STATE gil = PyGILState_Ensure();
  struct Release {
    PyGILState_STATE s;
    ~Release() { PyGILState_Release(s); }
  } release{gil};
  py::Ref args = py::check(PyTuple_New(static_cast<Py_ssize_t>(grads.size())));
  for (size_t k = 0; k < grads.size(); ++k) {
    PyObject* g = grads[k] ? wrap(grads[k]) : Py_NewRef(Py_None);
    if (!g) throw py::PythonError{};
    PyTuple_SET_ITEM(args.get(), k, g);
  }
  py::Ref fn = py::check(PyObject_GetAttrString(ctx, "apply"));
  py::Ref r = py::check(PyObject_CallObject(fn.get(), args.get()));
  if (!PyTuple_Check(r.get())) r = py::check(PyTuple_Pack(1, r.get()));
  const size_t want = next.size();
  const size_t got = static_cast<size_t>(PyTuple_GET_SIZE(r.get()));
  bool extra_ok = got > want;
  for (size_t i = want; i < got; ++i)
    if (PyTuple_GET_ITEM(r.get(), i) != Py_None) extra_ok = false;
  MT_CHECK(got == want || extra_ok, "function ", name_,
           " returned an incorrect number of gradients (expected ", want, ", got ", got, ")");
  std::vector<Tensor> out(want);
  for (size_t i = 0; i < want; ++i) {
    PyObject* g = PyTuple_GET_ITEM(r.get(), i);
    if (g == Py_None) continue;
    MT_CHECK(tensor_input[i], "function ", name_,
             " returned a gradient different than None at position ", i + 1,
             ", but the corresponding forward input was not a Variable");
    MT_CHECK(is_tensor(g), "expected Variable or None (got ", Py_TYPE(g)->tp_name, ")");
    out[i] = unwrap(g);
  }
  return out;
}

PyFunctionNode* node_of(PyObject* self) {
  return static_cast<PyFunctionNode*>(reinterpret_cast<PyCtx*>(self)->node);
}

// ---- _C._FunctionBase: what ctx / grad_fn objects of custom Functions share ----

PyObject* C_saved_tensors(PyObject* self, void*) {
  MT_BEGIN
  PyFunctionNode* n = node_of(self);
  if (!n) {  // not recorded (nothing needed a gradient): what was given
    PyObject* ts = PyObject_GetAttrString(self, "_to_save");
    if (!ts) {
      PyErr_Clear();
      return PyTuple_New(0);
    }
    py::Ref r = py::Ref::steal(ts);
    if (r.get() == Py_None) return PyTuple_New(0);
    return PySequence_Tuple(r.get());
  }
  if (n->released) ag::throw_backward_twice();
  py::Ref t = py::check(PyTuple_New(static_cast<Py_ssize_t>(n->saved.size())));
  for (size_t k = 0; k < n->saved.size(); ++k) {
    PyObject* o = n->saved_none[k] ? Py_NewRef(Py_None) : wrap(ag::unpack_saved(*n, n->saved[k]));
    if (!o) throw py::PythonError{};
    PyTuple_SET_ITEM(t.get(), k, o);
  }
  return t.release();
  MT_END(nullptr)
}

PyObject* C_next_functions(PyObject* self, void*) {
  MT_BEGIN
  PyFunctionNode* n = node_of(self);
  if (!n) return PyTuple_New(0);
  py::Ref t = py::check(PyTuple_New(static_cast<Py_ssize_t>(n->next.size())));
  for (size_t i = 0; i < n->next.size(); ++i) {
    py::Ref fn = py::check(wrap_node(n->next[i].fn.get()));
    py::Ref nr = py::check(PyLong_FromUnsignedLong(n->next[i].input_nr));
    PyTuple_SET_ITEM(t.get(), i, py::check(PyTuple_Pack(2, fn.get(), nr.get())).release());
  }
  return t.release();
  MT_END(nullptr)
}

PyObject* C_metadata(PyObject* self, void*) {
  MT_BEGIN
  PyFunctionNode* n = node_of(self);
  if (!n) return PyDict_New();
  return node_metadata(n);
  MT_END(nullptr)
}

PyObject* C_name(PyObject* self, PyObject*) { return PyUnicode_FromString(Py_TYPE(self)->tp_name); }

PyGetSetDef ctx_getset[] = {
    {"saved_tensors", C_saved_tensors, nullptr, "the tensors given to save_for_backward", nullptr},
    {"next_functions", C_next_functions, nullptr, "((node or None, input number), ...)", nullptr},
    {"metadata", C_metadata, nullptr, "a dict for the user's own annotations", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyMethodDef ctx_methods[] = {
    {"name", C_name, METH_NOARGS, "The node's name, e.g. 'MyFnBackward'."},
    {nullptr, nullptr, 0, nullptr},
};

void ensure_ctx_base() {
  if (CtxBaseType) return;
  static PyType_Slot slots[] = {
      {Py_tp_getset, ctx_getset},
      {Py_tp_methods, ctx_methods},
      {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
      {0, nullptr},
  };
  static PyType_Spec spec = {"minitorch._C._FunctionBase", sizeof(PyCtx), 0,
                             Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, slots};
  CtxBaseType = reinterpret_cast<PyTypeObject*>(py::check(PyType_FromSpec(&spec)).release());
}

PyObject* F_function_base(PyObject*, PyObject*) {
  MT_BEGIN
  ensure_ctx_base();
  return Py_NewRef(reinterpret_cast<PyObject*>(CtxBaseType));
  MT_END(nullptr)
}

bool contains(PyObject* seq, PyObject* o) {
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(seq); ++i)
    if (PyTuple_GET_ITEM(seq, i) == o) return true;
  return false;
}

// Makes out the next output of n (what ag::set_history does for FnNode).
void add_output(PyFunctionNode& n, const Tensor& out, bool differentiable) {
  n.outputs.push_back({out->sizes(), out->dtype(), out->device()});
  if (n.outputs.size() == 1 && ag::anomaly_enabled() && ag::anomaly_on_record)
    ag::anomaly_on_record(n);
  if (!differentiable || !is_floating(out->dtype())) return;
  ag::Meta& m = ag::meta(out.get());
  if (m.grad_fn && m.retains_grad) {
    auto& r = m.grad_fn->retained;
    r.erase(std::remove_if(r.begin(), r.end(), [&](auto& p) { return p.second == out.get(); }),
            r.end());
    m.retains_grad = false;
  }
  ag::release_node(std::move(m.grad_fn));
  m.requires_grad = true;
  m.grad_fn = ag::NodePtr(&n);
  m.output_nr = static_cast<uint32_t>(n.outputs.size() - 1);
}

// _function_record(ctx, args, outputs, to_save, non_differentiable, dirty,
//                  materialize) -> outputs (a tuple; inputs returned as outputs
// come back as aliases, see Note [Python Function node])
PyObject* F_function_record(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  MT_BEGIN
  MT_CHECK_KIND(TypeError, nargs == 7, "_function_record() takes 7 arguments");
  ensure_ctx_base();
  PyObject* ctx = args[0];
  PyObject* inputs = args[1];
  PyObject* outputs = args[2];
  PyObject* to_save = args[3];
  PyObject* non_diff = args[4];
  PyObject* dirty = args[5];
  MT_CHECK_KIND(TypeError,
                PyObject_TypeCheck(ctx, CtxBaseType) && PyTuple_Check(inputs) &&
                    PyTuple_Check(outputs) && PyTuple_Check(to_save) && PyTuple_Check(non_diff) &&
                    PyTuple_Check(dirty),
                "_function_record(): bad arguments");
  // Dirty leaves first: nothing may change when this fails.
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(dirty); ++i) {
    PyObject* d = PyTuple_GET_ITEM(dirty, i);
    MT_CHECK_KIND(TypeError, is_tensor(d), "mark_dirty() only accepts Tensors");
    TensorImpl* t = impl_of(d);
    MT_CHECK(!(t->requires_grad() && ag::is_leaf(t)),
             "a leaf Variable that requires grad has been used in an in-place operation.");
  }
  Ptr<PyFunctionNode> n = make<PyFunctionNode>();
  n->name_ = Py_TYPE(ctx)->tp_name;
  if (auto p = n->name_.rfind('.'); p != std::string::npos) n->name_ = n->name_.substr(p + 1);
  n->materialize = PyObject_IsTrue(args[6]);
  const Py_ssize_t n_in = PyTuple_GET_SIZE(inputs);
  for (Py_ssize_t i = 0; i < n_in; ++i) {
    PyObject* o = PyTuple_GET_ITEM(inputs, i);
    if (is_tensor(o)) {
      TensorImpl* t = impl_of(o);
      n->next.push_back(ag::wants_grad(t) ? ag::gradient_edge(t) : ag::Edge{});
      n->inputs.push_back({t->sizes(), t->dtype(), t->device()});
      n->tensor_input.push_back(true);
    } else {
      n->next.push_back({});
      n->inputs.push_back({});
      n->tensor_input.push_back(false);
    }
  }
  const Py_ssize_t n_out = PyTuple_GET_SIZE(outputs);
  py::Ref result = py::check(PyTuple_New(n_out));
  for (Py_ssize_t k = 0; k < n_out; ++k) {
    PyObject* o = PyTuple_GET_ITEM(outputs, k);
    if (!is_tensor(o)) {
      PyTuple_SET_ITEM(result.get(), k, Py_NewRef(o));
      continue;
    }
    bool diff = !contains(non_diff, o);
    if (contains(inputs, o) && !contains(dirty, o)) {
      // An input returned as is: the output is a new alias of it.
      Tensor a;
      {
        ag::GradModeGuard off(false);
        a = ag::alias(unwrap(o));
      }
      add_output(*n, a, diff);
      PyObject* w = wrap(a);
      if (!w) throw py::PythonError{};
      PyTuple_SET_ITEM(result.get(), k, w);
    } else {
      add_output(*n, unwrap(o), diff);
      PyTuple_SET_ITEM(result.get(), k, Py_NewRef(o));
    }
  }
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(to_save); ++i) {
    PyObject* o = PyTuple_GET_ITEM(to_save, i);
    ag::SavedTensor s;
    if (o == Py_None) {
      n->saved.push_back(s);
      n->saved_none.push_back(true);
      continue;
    }
    MT_CHECK_KIND(TypeError, is_tensor(o),
                  "save_for_backward can only save variables, but argument ", i, " is of type ",
                  Py_TYPE(o)->tp_name);
    Tensor t = unwrap(o);
    // A saved output (also an input returned as its alias): held without its
    // autograd state, so the node does not own itself.
    ag::Meta* m = ag::meta_if(t.get());
    for (Py_ssize_t k = 0; k < n_out; ++k) {
      PyObject* r = PyTuple_GET_ITEM(result.get(), k);
      if (is_tensor(r) && impl_of(r) == t.get() && m && m->grad_fn.get() == n.get()) {
        s.is_output = true;
        s.output_nr = m->output_nr;
      }
    }
    s.version = t->version();
    if (s.is_output) {
      ag::GradModeGuard off(false);
      s.data = ag::alias(t);
    } else {
      s.data = t;
    }
    n->saved.push_back(std::move(s));
    n->saved_none.push_back(false);
  }
  n->ctx = Py_NewRef(ctx);
  n->pyobj = ctx;
  reinterpret_cast<PyCtx*>(ctx)->node = n.get();
  return result.release();
  MT_END(nullptr)
}

// ---- inference mode ----
// A tensor made while inference mode is on is marked when it is first
// wrapped (tensor_type.cpp), unless it shares its storage with another
// tensor: a view of a normal tensor stays normal (as in PyTorch; a view of an
// inference tensor made later is not marked here, unlike PyTorch).

PyObject* F_set_inference_mode(PyObject*, PyObject* arg) {
  g_inference_mode = PyObject_IsTrue(arg);
  Py_RETURN_NONE;
}

PyObject* F_is_inference_mode_enabled(PyObject*, PyObject*) {
  return PyBool_FromLong(g_inference_mode);
}

PyObject* T_is_inference(PyObject* self, PyObject*) {
  ag::Meta* m = ag::meta_if(impl_of(self));
  return PyBool_FromLong(m && m->inference);
}

// ---- anomaly mode ----

void record_traceback(ag::Node& n) {
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyObject* mod = PyImport_ImportModule("traceback");
  PyObject* stack = mod ? PyObject_CallMethod(mod, "format_stack", nullptr) : nullptr;
  PyObject* md = stack ? node_metadata(&n) : nullptr;
  if (md) PyDict_SetItemString(md, "traceback_", stack);
  Py_XDECREF(md);
  Py_XDECREF(stack);
  Py_XDECREF(mod);
  PyErr_Clear();
  PyErr_Restore(type, value, tb);
}

void report_error(ag::Node& n) {
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  std::string msg = std::string("Error detected in ") + n.name() +
                    ". Traceback of forward call that caused the error:\n";
  PyObject* md = node_metadata(&n);
  PyObject* stack = md ? PyDict_GetItemString(md, "traceback_") : nullptr;  // borrowed
  if (stack && PyList_Check(stack)) {
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(stack); ++i) {
      const char* line = PyUnicode_AsUTF8(PyList_GET_ITEM(stack, i));
      if (line) msg += line;
    }
  } else {
    msg += "  (no traceback: the node was made before anomaly mode was enabled)\n";
  }
  Py_XDECREF(md);
  if (PyErr_WarnEx(PyExc_UserWarning, msg.c_str(), 1) < 0) PyErr_Clear();
  PyErr_Clear();
  PyErr_Restore(type, value, tb);
}

PyObject* F_set_anomaly_enabled(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 2) {
    PyErr_SetString(PyExc_TypeError, "_set_anomaly_enabled() takes 2 arguments");
    return nullptr;
  }
  ag::anomaly_on_record = record_traceback;
  ag::anomaly_on_error = report_error;
  ag::set_anomaly_enabled(PyObject_IsTrue(args[0]), PyObject_IsTrue(args[1]));
  Py_RETURN_NONE;
}

PyObject* F_is_anomaly_enabled(PyObject*, PyObject*) {
  return PyBool_FromLong(ag::anomaly_enabled());
}

PyObject* F_is_anomaly_check_nan_enabled(PyObject*, PyObject*) {
  return PyBool_FromLong(ag::anomaly_check_nan());
}

}  // namespace

PyMethodDef function_tensor_methods[] = {
    {"is_inference", T_is_inference, METH_NOARGS,
     "Whether this tensor was made in inference mode (or is a view of such a tensor)."},
    {nullptr, nullptr, 0, nullptr},
};

PyMethodDef function_module_functions[] = {
    {"_function_base", F_function_base, METH_NOARGS, "The base class of custom Function ctxs."},
    {"_function_record", reinterpret_cast<PyCFunction>(reinterpret_cast<void*>(F_function_record)),
     METH_FASTCALL, nullptr},
    {"_set_inference_mode", F_set_inference_mode, METH_O, nullptr},
    {"is_inference_mode_enabled", F_is_inference_mode_enabled, METH_NOARGS,
     "Whether inference mode is on."},
    {"_set_anomaly_enabled",
     reinterpret_cast<PyCFunction>(reinterpret_cast<void*>(F_set_anomaly_enabled)), METH_FASTCALL,
     nullptr},
    {"_is_anomaly_enabled", F_is_anomaly_enabled, METH_NOARGS, nullptr},
    {"_is_anomaly_check_nan_enabled", F_is_anomaly_check_nan_enabled, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace mt::py_glue
