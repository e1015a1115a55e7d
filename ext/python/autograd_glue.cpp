// autograd_glue.cpp: the Python face of the autograd graph: grad_fn objects
// (one Python type per node name, as PyTorch shows them: AddBackward0),
// tensor hooks, retain_grad, detach_, and _C._run_backward, which
// Tensor.backward, autograd.backward and autograd.grad call.
#include <string>
#include <unordered_map>

#include "../autograd/node.h"
#include "glue.h"
#include "structmember.h"

namespace mt::py_glue {

namespace {

// ---- grad_fn objects ----

struct PyNode {
  PyObject_HEAD ag::Node* node;  // one reference
  PyObject* weakrefs;
};

// grad_fn.metadata lives on the node, so it outlives the Python wrapper.
// Nodes die with the GIL held (from Python or inside backward).
struct NodeState : RefCounted {
  ~NodeState() override { Py_XDECREF(metadata); }
  PyObject* metadata = nullptr;
};

PyTypeObject* NodeBaseType = nullptr;
PyMethodDef* node_methods_table();
PyGetSetDef* node_getset_table();
std::unordered_map<std::string, PyObject*>* node_types = nullptr;  // name -> type (owned)

void node_dealloc(PyObject* self) {
  auto* p = reinterpret_cast<PyNode*>(self);
  PyTypeObject* tp = Py_TYPE(self);
  if (p->weakrefs) PyObject_ClearWeakRefs(self);
  if (p->node) {
    if (p->node->pyobj == self) p->node->pyobj = nullptr;
    ag::release_node(ag::NodePtr::adopt(p->node));
  }
  tp->tp_free(self);
  Py_DECREF(tp);
}

PyObject* node_repr(PyObject* self) {
  return PyUnicode_FromFormat("<%s object at %p>", reinterpret_cast<PyNode*>(self)->node->name(),
                              self);
}

void ensure_node_base() {
  if (NodeBaseType) return;
  static PyMemberDef members[] = {
      {"__weaklistoffset__", T_PYSSIZET, offsetof(PyNode, weakrefs), READONLY, nullptr},
      {nullptr, 0, 0, 0, nullptr},
  };
  static PyType_Slot slots[] = {
      {Py_tp_members, members},
      {Py_tp_dealloc, reinterpret_cast<void*>(node_dealloc)},
      {Py_tp_repr, reinterpret_cast<void*>(node_repr)},
      {Py_tp_methods, nullptr},
      {Py_tp_getset, nullptr},
      {0, nullptr},
  };
  slots[3].pfunc = node_methods_table();
  slots[4].pfunc = node_getset_table();
  static PyType_Spec spec = {"minitorch._C._Node", sizeof(PyNode), 0,
                             Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, slots};
  NodeBaseType = reinterpret_cast<PyTypeObject*>(py::check(PyType_FromSpec(&spec)).release());
  node_types = new std::unordered_map<std::string, PyObject*>();
}

PyObject* node_type_for(const char* name) {
  ensure_node_base();
  auto it = node_types->find(name);
  if (it != node_types->end()) return it->second;
  PyType_Slot slots[] = {{0, nullptr}};
  // Qualified as minitorch.autograd.<Name>; the type's __name__ is the node's
  // name without C++ namespaces ("AccumulateGrad"), as in PyTorch.
  std::string short_name = name;
  if (auto p = short_name.rfind("::"); p != std::string::npos)
    short_name = short_name.substr(p + 2);
  std::string* stored = new std::string("minitorch.autograd." + short_name);  // lives with the type
  PyType_Spec spec = {stored->c_str(), sizeof(PyNode), 0, Py_TPFLAGS_DEFAULT, slots};
  py::Ref bases = py::check(PyTuple_Pack(1, reinterpret_cast<PyObject*>(NodeBaseType)));
  PyObject* tp = py::check(PyType_FromSpecWithBases(&spec, bases.get())).release();
  (*node_types)[name] = tp;
  return tp;
}

}  // namespace

// New reference to the Python object of node n, or None.
PyObject* wrap_node(ag::Node* n) {
  if (!n) Py_RETURN_NONE;
  if (n->pyobj) return Py_NewRef(static_cast<PyObject*>(n->pyobj));
  auto* tp = reinterpret_cast<PyTypeObject*>(node_type_for(n->name()));
  PyObject* o = tp->tp_alloc(tp, 0);
  if (!o) throw py::PythonError{};
  auto* p = reinterpret_cast<PyNode*>(o);
  n->incref();
  p->node = n;
  p->weakrefs = nullptr;
  n->pyobj = o;
  return o;
}

namespace {

PyObject* N_name(PyObject* self, PyObject*) {
  return PyUnicode_FromString(reinterpret_cast<PyNode*>(self)->node->name());
}

PyObject* N_next_functions(PyObject* self, void*) {
  MT_BEGIN
  ag::Node* n = reinterpret_cast<PyNode*>(self)->node;
  py::Ref t = py::check(PyTuple_New(static_cast<Py_ssize_t>(n->next.size())));
  for (size_t i = 0; i < n->next.size(); ++i) {
    py::Ref fn = py::check(wrap_node(n->next[i].fn.get()));
    py::Ref nr = py::check(PyLong_FromUnsignedLong(n->next[i].input_nr));
    PyTuple_SET_ITEM(t.get(), i, py::check(PyTuple_Pack(2, fn.get(), nr.get())).release());
  }
  return t.release();
  MT_END(nullptr)
}

}  // namespace

// New reference to node n's metadata dict (created on first use).
PyObject* node_metadata(ag::Node* n) {
  if (!n->py_state) n->py_state = make<NodeState>();
  auto* st = static_cast<NodeState*>(n->py_state.get());
  if (!st->metadata && !(st->metadata = PyDict_New())) return nullptr;
  return Py_NewRef(st->metadata);
}

namespace {

PyObject* N_metadata(PyObject* self, void*) {
  return node_metadata(reinterpret_cast<PyNode*>(self)->node);
}

PyObject* N_variable(PyObject* self, void*) {
  MT_BEGIN
  ag::Node* n = reinterpret_cast<PyNode*>(self)->node;
  if (!n->is_accumulate_grad()) {
    PyErr_SetString(PyExc_AttributeError, "only AccumulateGrad nodes have a 'variable'");
    return nullptr;
  }
  return wrap(static_cast<ag::AccumulateGrad*>(n)->variable);
  MT_END(nullptr)
}

PyMethodDef node_methods[] = {
    {"name", N_name, METH_NOARGS, "The node's name, e.g. 'AddBackward0'."},
    {nullptr, nullptr, 0, nullptr},
};

PyGetSetDef node_getset[] = {
    {"next_functions", N_next_functions, nullptr,
     "((node or None, input number), ...): where each input's gradient goes", nullptr},
    {"metadata", N_metadata, nullptr, "a dict for the user's own annotations", nullptr},
    {"variable", N_variable, nullptr, "the leaf tensor of an AccumulateGrad node", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyMethodDef* node_methods_table() { return node_methods; }
PyGetSetDef* node_getset_table() { return node_getset; }

// ---- hooks ----

int64_t next_hook_id = 1;

struct PyTensorHook : ag::TensorHook {
  PyTensorHook(PyObject* f, int64_t i) : fn(py::Ref::incref(f)), id(i) {}
  Tensor call(const Tensor& grad) override {
    py::Ref g = py::check(wrap(grad));
    py::Ref r = py::check(PyObject_CallOneArg(fn.get(), g.get()));
    if (r.get() == Py_None) return Tensor();
    Tensor t = unwrap(r.get(), "hook result");
    MT_CHECK(t->sizes() == grad->sizes(), "hook 'hook' has changed the size of value");
    return t;
  }
  py::Ref fn;
  int64_t id;
};

struct PyPostHook : ag::PostAccumulateHook {
  PyPostHook(PyObject* f, int64_t i) : fn(py::Ref::incref(f)), id(i) {}
  void call(const Tensor& leaf) override {
    py::Ref t = py::check(wrap(leaf));
    py::check(PyObject_CallOneArg(fn.get(), t.get()));
  }
  py::Ref fn;
  int64_t id;
};

PyObject* T_register_hook(PyObject* self, PyObject* fn) {
  MT_BEGIN
  TensorImpl* t = impl_of(self);
  MT_CHECK(t->requires_grad(), "cannot register a hook on a tensor that doesn't require gradient");
  MT_CHECK_KIND(TypeError, PyCallable_Check(fn), "register_hook(): hook must be callable");
  int64_t id = next_hook_id++;
  Ptr<ag::TensorHook> h = make<PyTensorHook>(fn, id);
  ag::Meta& m = ag::meta(t);
  if (m.grad_fn)
    m.grad_fn->pre_hooks.push_back({m.output_nr, h});
  else
    m.hooks.push_back(h);
  return PyLong_FromLongLong(id);
  MT_END(nullptr)
}

PyObject* T_register_post_hook(PyObject* self, PyObject* fn) {
  MT_BEGIN
  TensorImpl* t = impl_of(self);
  MT_CHECK(t->requires_grad(), "cannot register a hook on a tensor that doesn't require gradient");
  MT_CHECK(ag::is_leaf(t), "post accumulate grad hooks cannot be registered on non-leaf tensors");
  MT_CHECK_KIND(TypeError, PyCallable_Check(fn),
                "register_post_accumulate_grad_hook(): hook must be callable");
  int64_t id = next_hook_id++;
  ag::meta(t).post_hooks.push_back(make<PyPostHook>(fn, id));
  return PyLong_FromLongLong(id);
  MT_END(nullptr)
}

PyObject* T_remove_hook(PyObject* self, PyObject* arg) {
  MT_BEGIN
  int64_t id = int_arg(arg, "id");
  ag::Meta* m = ag::meta_if(impl_of(self));
  if (m) {
    auto& hs = m->hooks;
    hs.erase(std::remove_if(hs.begin(), hs.end(),
                            [&](auto& h) { return static_cast<PyTensorHook*>(h.get())->id == id; }),
             hs.end());
    auto& ps = m->post_hooks;
    ps.erase(std::remove_if(ps.begin(), ps.end(),
                            [&](auto& h) { return static_cast<PyPostHook*>(h.get())->id == id; }),
             ps.end());
    if (m->grad_fn) {
      auto& pre = m->grad_fn->pre_hooks;
      pre.erase(std::remove_if(
                    pre.begin(), pre.end(),
                    [&](auto& p) { return static_cast<PyTensorHook*>(p.second.get())->id == id; }),
                pre.end());
    }
  }
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* T_retain_grad(PyObject* self, PyObject*) {
  MT_BEGIN
  TensorImpl* t = impl_of(self);
  MT_CHECK(t->requires_grad(), "can't retain_grad on Tensor that has requires_grad=False");
  ag::Meta& m = ag::meta(t);
  if (!m.grad_fn || m.retains_grad) Py_RETURN_NONE;  // leaves keep their grad anyway
  m.retains_grad = true;
  m.grad_fn->retained.push_back({m.output_nr, t});
  Py_RETURN_NONE;
  MT_END(nullptr)
}

PyObject* T_detach_(PyObject* self, PyObject*) {
  MT_BEGIN
  TensorImpl* t = impl_of(self);
  if (ag::Meta* m = ag::meta_if(t)) {
    if (m->grad_fn && m->retains_grad) {
      auto& r = m->grad_fn->retained;
      r.erase(std::remove_if(r.begin(), r.end(), [&](auto& p) { return p.second == t; }), r.end());
      m->retains_grad = false;
    }
    ag::release_node(std::move(m->grad_fn));
    m->requires_grad = false;
  }
  return Py_NewRef(self);
  MT_END(nullptr)
}

PyObject* T_grad_fn(PyObject* self) {
  MT_BEGIN
  return wrap_node(ag::current_grad_fn(impl_of(self)));
  MT_END(nullptr)
}

// Tensors from a Python sequence (tuple or list) of tensors.
std::vector<Tensor> tensor_list(PyObject* seq, const char* what, bool allow_none) {
  std::vector<Tensor> out;
  if (seq == Py_None) return out;
  py::Ref fast = py::check(PySequence_Fast(seq, what));
  Py_ssize_t n = PySequence_Fast_GET_SIZE(fast.get());
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* o = PySequence_Fast_GET_ITEM(fast.get(), i);
    if (o == Py_None && allow_none)
      out.push_back(Tensor());
    else
      out.push_back(unwrap(o, what));
  }
  return out;
}

// _run_backward(tensors, grad_tensors, keep_graph, create_graph, inputs,
//               allow_unused, accumulate) -> tuple of gradients (autograd.grad) or None
PyObject* F_run_backward(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  MT_BEGIN
  MT_CHECK_KIND(TypeError, nargs == 7, "_run_backward() takes 7 arguments");
  ag::BackwardArgs a;
  a.roots = tensor_list(args[0], "tensors", false);
  a.grad_roots = tensor_list(args[1], "grad_tensors", true);
  a.keep_graph = PyObject_IsTrue(args[2]);
  a.create_graph = PyObject_IsTrue(args[3]);
  a.inputs = tensor_list(args[4], "inputs", false);
  a.allow_unused = PyObject_IsTrue(args[5]);
  a.accumulate = PyObject_IsTrue(args[6]);
  MT_CHECK(a.grad_roots.size() == a.roots.size(), "got ", a.grad_roots.size(), " gradients for ",
           a.roots.size(), " tensors");
  std::vector<Tensor> grads = ag::run_backward(a);
  if (a.accumulate) Py_RETURN_NONE;
  py::Ref t = py::check(PyTuple_New(static_cast<Py_ssize_t>(grads.size())));
  for (size_t i = 0; i < grads.size(); ++i) {
    PyObject* g = grads[i] ? wrap(grads[i]) : Py_NewRef(Py_None);
    if (!g) throw py::PythonError{};
    PyTuple_SET_ITEM(t.get(), i, g);
  }
  return t.release();
  MT_END(nullptr)
}

PyObject* F_grad_fn(PyObject*, PyObject* t) {
  if (!is_tensor(t)) {
    PyErr_SetString(PyExc_TypeError, "_grad_fn(): expected a Tensor");
    return nullptr;
  }
  return T_grad_fn(t);
}

PyObject* F_node_base(PyObject*, PyObject*) {
  MT_BEGIN
  ensure_node_base();
  return Py_NewRef(reinterpret_cast<PyObject*>(NodeBaseType));
  MT_END(nullptr)
}

}  // namespace

PyMethodDef autograd_tensor_methods[] = {
    {"_register_hook", T_register_hook, METH_O, nullptr},
    {"_register_post_accumulate_grad_hook", T_register_post_hook, METH_O, nullptr},
    {"_remove_hook", T_remove_hook, METH_O, nullptr},
    {"retain_grad", T_retain_grad, METH_NOARGS, "Keeps .grad for this non-leaf tensor."},
    {"detach_", T_detach_, METH_NOARGS, "Makes this tensor a leaf that does not require grad."},
    {nullptr, nullptr, 0, nullptr},
};

PyMethodDef autograd_module_functions[] = {
    {"_run_backward", reinterpret_cast<PyCFunction>(reinterpret_cast<void*>(F_run_backward)),
     METH_FASTCALL, nullptr},
    {"_grad_fn", F_grad_fn, METH_O, nullptr},
    {"_node_base", F_node_base, METH_NOARGS, "The base class of grad_fn objects."},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace mt::py_glue
