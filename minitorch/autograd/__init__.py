"""Reverse-mode autograd: grad mode (thread-local, as in PyTorch), backward, grad,
custom Functions (function.py), autograd.functional (functional.py).

The graph and the engine are C++ (ext/autograd, docs/autograd.md); this module
is the thin Python API over ``_C._run_backward``.
"""

import weakref

from .. import _C
from .anomaly_mode import (  # noqa: F401
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
)
from .grad_mode import (  # noqa: F401
    _GradMode,
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)


def _as_tuple(x, what):
    if x is None:
        return ()
    if isinstance(x, _C.TensorBase):
        return (x,)
    if isinstance(x, (tuple, list)):
        return tuple(x)
    raise TypeError(f"{what} must be a Tensor or a sequence of Tensors, not {type(x).__name__}")


def _grads_for(tensors, grad_tensors):
    grads = list(_as_tuple(grad_tensors, "grad_tensors")) if grad_tensors is not None else []
    if len(grads) == 0:
        grads = [None] * len(tensors)
    if len(grads) != len(tensors):
        raise RuntimeError(f"got {len(grads)} gradients for {len(tensors)} tensors")
    for g in grads:
        if g is not None and not isinstance(g, _C.TensorBase):
            raise TypeError(f"gradients must be Tensors or None, not {type(g).__name__}")
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None,
             inputs=None):
    """Accumulates into the leaves' ``.grad`` the gradient of ``tensors`` (the sum of
    ``grad_tensors[i] * d tensors[i]``). ``inputs`` limits which leaves get it."""
    if grad_variables is not None:
        grad_tensors = grad_variables
    tensors = _as_tuple(tensors, "tensors")
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None and len(_as_tuple(inputs, "inputs")) == 0:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    inputs = _as_tuple(inputs, "inputs")
    _C._run_backward(tensors, _grads_for(tensors, grad_tensors), bool(retain_graph),
                     bool(create_graph), inputs, False, True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Returns the gradients of ``outputs`` with respect to ``inputs`` (a tuple, one per
    input) without touching any ``.grad``."""
    outputs = _as_tuple(outputs, "outputs")
    inputs = _as_tuple(inputs, "inputs")
    if not inputs:
        raise RuntimeError("grad requires non-empty inputs.")
    if allow_unused is None:
        allow_unused = materialize_grads
    if materialize_grads and not allow_unused:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True")
    if retain_graph is None:
        retain_graph = create_graph
    result = _C._run_backward(outputs, _grads_for(outputs, grad_outputs), bool(retain_graph),
                              bool(create_graph), inputs, bool(allow_unused), False)
    if materialize_grads:
        import minitorch

        result = tuple(minitorch.zeros_like(i) if g is None else g for g, i in zip(result, inputs))
    return tuple(result)


class _HookHandle:
    """What register_hook returns: ``remove()`` unregisters the hook."""

    def __init__(self, tensor, hook_id):
        self._tensor = weakref.ref(tensor)
        self.id = hook_id

    def remove(self):
        t = self._tensor()
        if t is not None:
            t._remove_hook(self.id)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def Variable(data, requires_grad=False, volatile=False):  # noqa: N802 (PyTorch's legacy name)
    """The legacy wrapper of old tutorials: returns ``data`` itself (a Tensor), with
    ``requires_grad`` set as asked."""
    if not isinstance(data, _C.TensorBase):
        raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
    if requires_grad:
        data.requires_grad_(True)
    return data


class GradcheckError(RuntimeError):
    """Raised by gradcheck / gradgradcheck when analytical and numerical gradients differ."""


def _differentiable(inputs):
    return [i for i, x in enumerate(inputs) if isinstance(x, _C.TensorBase) and x.requires_grad]


def _outputs_of(fn, inputs):
    out = fn(*inputs)
    return out if isinstance(out, tuple) else (out,)


def _numerical_jacobians(fn, inputs, eps):
    """{(output k, input i): d out_k / d in_i} by central differences, as float64 arrays
    of shape (out_k.numel(), in_i.numel())."""
    import numpy as np

    jac = {}
    # Not under no_grad: fn may itself differentiate (gradgradcheck).
    base = _outputs_of(fn, inputs)
    for i in _differentiable(inputs):
        arr = inputs[i].detach().numpy()  # shares memory: perturb in place
        cols = []
        for j in range(arr.size):
            idx = np.unravel_index(j, arr.shape) if arr.ndim else ()
            orig = arr[idx].copy()
            arr[idx] = orig + eps
            plus = [o.detach().numpy().astype(np.float64).ravel().copy() for o in _outputs_of(fn, inputs)]
            arr[idx] = orig - eps
            minus = [o.detach().numpy().astype(np.float64).ravel().copy() for o in _outputs_of(fn, inputs)]
            arr[idx] = orig
            cols.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
        for k in range(len(base)):
            n_out = base[k].numel()
            j_ki = np.zeros((n_out, arr.size))
            for j in range(arr.size):
                j_ki[:, j] = cols[j][k]
            jac[(k, i)] = j_ki
    return jac


def _analytical_jacobians(fn, inputs, create_graph=False):
    import numpy as np

    diff = _differentiable(inputs)
    outs = _outputs_of(fn, inputs)
    jac = {}
    for k, o in enumerate(outs):
        if not (isinstance(o, _C.TensorBase) and o.requires_grad):
            for i in diff:
                jac[(k, i)] = np.zeros((o.numel(), inputs[i].numel()))
            continue
        rows = {i: np.zeros((o.numel(), inputs[i].numel())) for i in diff}
        for r in range(o.numel()):
            go = np.zeros(o.numel(), dtype=o.detach().numpy().dtype)
            go[r] = 1
            go = _C.from_numpy(go.reshape(tuple(o.shape)))
            gs = grad(o, [inputs[i] for i in diff], grad_outputs=go, retain_graph=True,
                      allow_unused=True, create_graph=create_graph)
            for i, g in zip(diff, gs):
                if g is not None:
                    rows[i][r, :] = g.detach().numpy().astype(np.float64).ravel()
        for i in diff:
            jac[(k, i)] = rows[i]
    return jac


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, fast_mode=False, **unused):
    """Checks the gradients autograd computes for ``func(*inputs)`` against central
    finite differences (use float64 inputs). Returns True, or raises GradcheckError
    (returns False when ``raise_exception=False``)."""
    import numpy as np

    inputs = (inputs,) if isinstance(inputs, _C.TensorBase) else tuple(inputs)
    diff = _differentiable(inputs)
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of the them have requires_grad=True.")
    for i in diff:
        if inputs[i].dtype not in (_C.float64,):
            import warnings
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating "
                          "point. This check will likely fail if all the inputs are not of double "
                          "precision floating point.", stacklevel=2)
    num = _numerical_jacobians(func, inputs, eps)
    ana = _analytical_jacobians(func, inputs)
    for (k, i), n in num.items():
        a = ana[(k, i)]
        if not np.allclose(a, n, rtol=rtol, atol=atol, equal_nan=True):
            if not raise_exception:
                return False
            raise GradcheckError(f"Jacobian mismatch for output {k} with respect to input {i},\n"
                                 f"numerical:{n}\nanalytical:{a}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, **unused):
    """Checks second derivatives: gradcheck of the function that maps (inputs, grad
    outputs) to the first derivatives computed with create_graph=True."""
    import numpy as np

    inputs = (inputs,) if isinstance(inputs, _C.TensorBase) else tuple(inputs)
    diff = _differentiable(inputs)
    outs = _outputs_of(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            _C.from_numpy(rng.standard_normal(tuple(o.shape)).astype(o.detach().numpy().dtype))
            .requires_grad_(True) for o in outs)
    else:
        grad_outputs = _as_tuple(grad_outputs, "grad_outputs")
    n_in = len(inputs)

    def first_derivatives(*args):
        xs, gos = args[:n_in], args[n_in:]
        o = _outputs_of(func, xs)
        gs = grad(o, [xs[i] for i in diff], grad_outputs=list(gos), create_graph=True,
                  allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_derivatives, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception)


from . import functional  # noqa: E402,F401
from .function import Function, FunctionCtx, once_differentiable  # noqa: E402,F401
