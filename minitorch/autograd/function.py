"""Custom autograd Functions: ops written in Python that take part in the C++ graph.

A subclass defines static ``forward`` and ``backward``; ``apply`` runs forward
(under no_grad) and, when an input needs a gradient, records a C++ node whose
backward calls the Python one (Note [Python Function node] in
ext/python/autograd_function.cpp). The ctx object is that node's grad_fn: an
instance of ``<Name>Backward``.
"""

import functools

from .. import _C
from .grad_mode import is_grad_enabled, no_grad


class FunctionCtx:
    """What ``forward`` / ``setup_context`` use to pass state to ``backward``.
    Any other attribute may be set on ctx as well."""

    def save_for_backward(self, *tensors):
        """Saves tensors (or None) for backward, read back as ``ctx.saved_tensors``;
        changing one in place before backward is an error there."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, _C.TensorBase):
                raise TypeError(f"save_for_backward can only save variables, but argument {i} "
                                f"is of type {type(t).__name__}")
        self._to_save = tensors

    def save_for_forward(self, *tensors):
        self._saved_for_forward = tensors

    def mark_dirty(self, *tensors):
        """Declares inputs that forward changed in place (and returns)."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        """Declares outputs that get no gradient (they do not require grad)."""
        self._non_differentiable = tensors

    def set_materialize_grads(self, value):
        """False: gradients of unused outputs reach backward as None, not zeros."""
        self._materialize = bool(value)


class BackwardCFunction(_C._function_base(), FunctionCtx):
    """The base of the ``<Name>Backward`` classes: a ctx that is also a grad_fn."""

    def apply(self, *grads):
        cls = self._forward_cls
        fn = cls.vjp if cls.vjp is not Function.vjp else cls.backward
        return fn(self, *grads)

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"


class FunctionMeta(type):
    """Gives each Function subclass its ``<Name>Backward`` ctx class."""

    def __init__(cls, name, bases, attrs):
        backward_cls = type(name + "Backward", (BackwardCFunction,), {"_forward_cls": cls})
        backward_cls.__module__ = "minitorch.autograd.function"
        cls._backward_cls = backward_cls
        super().__init__(name, bases, attrs)


class Function(metaclass=FunctionMeta):
    """Base class of custom autograd operations; call them with ``.apply``.

    Either ``forward(ctx, *args)``, or ``forward(*args)`` plus
    ``setup_context(ctx, inputs, output)``; and ``backward(ctx, *grad_outputs)``
    returning one gradient (or None) per forward argument."""

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward "
                                  "mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom "
                                  "autograd.Function to use it with forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = cls._backward_cls()
        enabled = is_grad_enabled()
        ctx.needs_input_grad = tuple(enabled and isinstance(a, _C.TensorBase) and a.requires_grad
                                     for a in args)
        with no_grad():
            if cls.setup_context is not Function.setup_context:
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        if not any(ctx.needs_input_grad):
            return out
        is_tuple = isinstance(out, tuple)
        outs = out if is_tuple else (out,)
        to_save = tuple(getattr(ctx, "_to_save", ()) or ())
        res = _C._function_record(ctx, args, outs, to_save,
                                  tuple(getattr(ctx, "_non_differentiable", ())),
                                  tuple(getattr(ctx, "_dirty", ())),
                                  getattr(ctx, "_materialize", True))
        # The node holds these now; references from ctx would be cycles.
        for attr in ("_to_save", "_non_differentiable", "_dirty"):
            ctx.__dict__.pop(attr, None)
        return res if is_tuple else res[0]


def once_differentiable(fn):
    """Decorates a backward that is not itself differentiable: it runs under
    no_grad, so its results carry no history even under create_graph."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            return fn(ctx, *args)

    return wrapper
