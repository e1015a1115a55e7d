"""Creation functions written in Python on top of the C primitives:
as_tensor, asarray, the *_like family and logspace."""

import operator

import numpy as np

from . import _C
from ._tensor import Tensor

_NP_SCALAR = np.generic


def _check_tensor(obj, fname, argname="input"):
    """PyTorch's TypeError for a non-tensor where a tensor is required."""
    if not isinstance(obj, _C.TensorBase):
        raise TypeError(f"{fname}(): argument '{argname}' (position 1) must be Tensor, not "
                        f"{type(obj).__name__}")


def _resolve_device(device, default):
    if device is None:
        return default
    return device


def as_tensor(data, dtype=None, device=None):
    """Shares memory with ``data`` when it already is a tensor or ndarray of the
    requested dtype on the requested device; copies otherwise."""
    if isinstance(data, Tensor):
        return data.to(dtype=dtype or data.dtype, device=_resolve_device(device, data.device))
    if isinstance(data, np.ndarray) and (device is None or str(device) == "cpu"):
        try:
            t = _C.from_numpy(data)
        except (TypeError, ValueError):
            return _C.tensor(data, dtype=dtype, device=device)
        return t if dtype is None or dtype == t.dtype else t.to(dtype)
    return _C.tensor(data, dtype=dtype, device=device)


def _alias_error_dtype(src, dst):
    raise ValueError(f"can't alias tensor with dtype '{_torch_name(src)}' into dtype "
                     f"'{_torch_name(dst)}'.")


def _torch_name(dt):
    return {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
            "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}[repr(dt).split(".")[1]]


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """``minitorch.asarray``: alias when possible; ``copy=True`` always copies,
    ``copy=False`` never does (ValueError if it would have to). Never changes
    the ``requires_grad`` of the object passed in."""
    if isinstance(obj, Tensor):
        t = obj
        want_dtype = dtype or t.dtype
        want_device = _resolve_device(device, t.device)
        if copy is False:
            if want_dtype != t.dtype:
                _alias_error_dtype(t.dtype, want_dtype)
            if str(want_device) != str(t.device):
                raise ValueError(f"can't alias tensor from device '{t.device}' to "
                                 f"'{want_device}'.")
        out = t.to(dtype=want_dtype, device=want_device, copy=bool(copy))
        if requires_grad and not out.requires_grad:
            out = out.detach() if out is t else out
            out.requires_grad_(True)
        return out
    if isinstance(obj, _NP_SCALAR):
        if copy is False:
            raise RuntimeError("can't alias NumPy scalars. Either remove copy=False or transform "
                               "it in a ndarray. ")
        out = _C.tensor(obj, dtype=dtype, device=device)
    elif isinstance(obj, np.ndarray) or _has_buffer(obj):
        arr = obj if isinstance(obj, np.ndarray) else np.asarray(memoryview(obj))
        if copy:
            out = _C.tensor(arr, dtype=dtype, device=device)
        else:
            try:
                shared = _C.from_numpy(arr)
            except (TypeError, ValueError):
                if copy is False:
                    raise
                shared = None
            if shared is not None and (dtype is None or dtype == shared.dtype) and (
                    device is None or str(device) == "cpu"):
                out = shared
            elif copy is False:
                if shared is not None and dtype is not None and dtype != shared.dtype:
                    _alias_error_dtype(shared.dtype, dtype)
                raise ValueError(f"can't alias tensor from device 'cpu' to '{device}'.")
            else:
                out = _C.tensor(arr, dtype=dtype, device=device)
    elif hasattr(obj, "__dlpack__"):
        raise NotImplementedError("DLPack import is not implemented yet")
    else:
        if copy is False:
            raise ValueError("can't alias arbitrary sequence into a tensor.")
        out = _C.tensor(obj, dtype=dtype, device=device)
    if requires_grad:
        out.requires_grad_(True)
    return out


def _has_buffer(obj):
    try:
        memoryview(obj)
    except TypeError:
        return False
    return True


def _like(fill, name):
    def fn(input, *, dtype=None, device=None, requires_grad=False, layout=None,
           memory_format=None, pin_memory=False):
        _check_tensor(input, name)
        kw = dict(dtype=dtype or input.dtype, device=device or input.device,
                  requires_grad=requires_grad)
        if fill is None:
            return _C.empty(input.shape, **kw)
        return _C.full(input.shape, fill, **kw)

    fn.__name__ = name
    fn.__doc__ = f"``{name}(input)``: like ``{name[:-5]}(input.shape)`` with input's dtype and device."
    return fn


zeros_like = _like(0, "zeros_like")
ones_like = _like(1, "ones_like")
empty_like = _like(None, "empty_like")


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
              memory_format=None, pin_memory=False):
    """``full(input.shape, fill_value)`` with input's dtype and device."""
    _check_tensor(input, "full_like")
    return _C.full(input.shape, fill_value, dtype=dtype or input.dtype,
                   device=device or input.device, requires_grad=requires_grad)


def rand_like(input, *, dtype=None, device=None, requires_grad=False, layout=None,
              memory_format=None):
    """``rand(input.shape)`` with input's dtype and device."""
    _check_tensor(input, "rand_like")
    return _C.rand(input.shape, dtype=dtype or input.dtype, device=device or input.device,
                   requires_grad=requires_grad)


def randn_like(input, *, dtype=None, device=None, requires_grad=False, layout=None,
               memory_format=None):
    """``randn(input.shape)`` with input's dtype and device."""
    _check_tensor(input, "randn_like")
    return _C.randn(input.shape, dtype=dtype or input.dtype, device=device or input.device,
                    requires_grad=requires_grad)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False,
             layout=None, out=None):
    """``base ** linspace(start, end, steps)``, computed in float64 and rounded once."""
    dtype = dtype or _C.get_default_dtype()
    if isinstance(steps, (bool, float)) or not hasattr(type(steps), "__index__"):
        raise TypeError(f"logspace(): argument 'steps' must be int, not {type(steps).__name__}")
    steps = operator.index(steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    exps = np.linspace(float(start), float(end), int(steps), dtype=np.float64)
    vals = np.power(float(base), exps)
    t = _C.tensor(vals, dtype=dtype, device=device)
    if requires_grad:
        t.requires_grad_(True)
    return t
