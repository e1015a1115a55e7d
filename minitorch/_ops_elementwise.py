"""Python-level parts of the elementwise op family.

The ops themselves are C functions in ``_C``, built from the elementwise op
table (ext/autograd/table_elementwise.cpp).
This module holds the NumPy ufunc protocol that ``Tensor.__array_ufunc__`` and
``Tensor.__array_wrap__`` delegate to (NUMPY_BRIDGE.md "Protocols"):

- a NumPy ufunc that minitorch has (``np.add``, ``np.sin``, ``np.maximum``,
  ``np.greater``, ...) called on tensors runs the minitorch op, so the result
  is a Tensor with PyTorch's type promotion (``np.sqrt(int_tensor)`` is
  float32, as ``torch.sqrt`` gives) and ``ndarray + tensor`` equals
  ``tensor + ndarray``;
- any other ufunc, ufunc method (``reduce``, ``accumulate``, ``at``, ...) or
  keyword (``dtype=``, ``where=``, ...) runs NumPy's own loop on zero-copy
  views of the tensors and wraps array results back with ``from_numpy``;
- ``out=`` may name tensors (written in place) or arrays.
"""

import numbers

import numpy as np

from . import _C

__all__ = []

_TensorBase = _C.TensorBase


def _build_table():
    """NumPy ufunc -> minitorch function, from the op tables' ufunc names
    (``_C._ufunc_table()``, Note [Op tables]); also the ufuncs whose
    minitorch function takes no ``out=``."""
    table, no_out = {}, set()
    for np_name, fn, takes_out in _C._ufunc_table():
        uf = getattr(np, np_name, None)
        if isinstance(uf, np.ufunc):
            table[uf] = fn
            if not takes_out:
                no_out.add(uf)
    return table, no_out


_UFUNCS, _NO_OUT = _build_table()


_ARRAYS = (_TensorBase, np.ndarray)
_OPERANDS = (_TensorBase, np.ndarray, np.generic, int, float, bool)
_FALLBACK_OK = _OPERANDS + (list, tuple, numbers.Number)


def _is_operand(x):
    return isinstance(x, _OPERANDS)


def _as_numpy(x):
    """A zero-copy ndarray view of a tensor (bfloat16 goes through float32,
    which NumPy lacks); anything else unchanged."""
    if isinstance(x, _TensorBase):
        if x.dtype == _C.bfloat16:
            return x.float().numpy()
        return x.numpy()
    return x


def _wrap(r):
    """A NumPy result back as a tensor (zero-copy) where minitorch can hold it."""
    if isinstance(r, tuple):
        return tuple(_wrap(x) for x in r)
    if isinstance(r, np.generic):
        r = np.asarray(r)
    if isinstance(r, np.ndarray):
        try:
            return _C.from_numpy(r)
        except ValueError:  # strides or alignment minitorch cannot view
            return _C.tensor(r)
        except TypeError:  # a dtype minitorch lacks (complex, uint16, ...)
            return r
    return r


def _tensor_array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """``Tensor.__array_ufunc__`` (NEP 13)."""
    if method == "__call__":
        fn = _UFUNCS.get(ufunc)
        if fn is not None:
            if not kwargs:
                try:
                    return fn(*inputs)
                except TypeError:
                    pass  # an operand minitorch does not take (a list, ...): NumPy below
            elif kwargs.keys() == {"out"}:
                out = kwargs["out"]
                if all(o is None for o in out):
                    return _tensor_array_ufunc(self, ufunc, method, *inputs)
                if (len(out) == 1 and ufunc not in _NO_OUT and isinstance(out[0], _ARRAYS)
                        and all(map(_is_operand, inputs))):
                    o = out[0]
                    fn(*inputs, out=_C.from_numpy(o) if isinstance(o, np.ndarray) else o)
                    return o
    return _numpy_fallback(ufunc, method, inputs, kwargs)


def _numpy_fallback(ufunc, method, inputs, kwargs):
    """NumPy's own loop on zero-copy views of the tensors."""
    out = kwargs.get("out")
    if out is not None and all(o is None for o in out):
        kwargs = {k: v for k, v in kwargs.items() if k != "out"}
        out = None
    if not all(isinstance(x, _FALLBACK_OK) for x in inputs):
        return NotImplemented  # NEP 13: let an unknown array type handle it
    args = tuple(_as_numpy(x) for x in inputs)
    if out is not None:
        kwargs = dict(kwargs, out=tuple(_as_numpy(o) for o in out))
    r = getattr(ufunc, method)(*args, **kwargs)
    if out is not None:
        return out[0] if len(out) == 1 else out
    return _wrap(r)


def _array_wrap(arr, context=None, return_scalar=False):
    """NumPy 2's ``__array_wrap__``: the array as a tensor (bool stays bool; a
    0-d result stays a 0-d tensor even when ``return_scalar`` is set)."""
    return _wrap(arr)
