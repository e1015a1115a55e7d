"""as_tensor and asarray, written in Python on top of the C primitives (they
choose between aliasing and copying). The factory functions (zeros, full,
arange, rand, the *_like family, ...) are op-table rows in C++
(ext/autograd/table_factory.cpp)."""

import numpy as np

from . import _C
from ._device import device as _device_cls
from ._tensor import Tensor

_NP_SCALAR = np.generic


def _resolve_device(device, default):
    if device is None:
        return default
    return device


def _default_device(device):
    """device, or the default device (set_default_device) when it is None."""
    if device is None:
        d = _C._get_default_device()
        return None if d == "cpu" else d
    return device


def _is_cpu(device):
    if device is None:
        return True
    if isinstance(device, int):  # a bare index means a CUDA device, as in PyTorch
        return False
    return _device_cls(device).type == "cpu"


def _require_grad(out):
    if not out.dtype.is_floating_point:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    out.requires_grad_(True)
    return out


def as_tensor(data, dtype=None, device=None):
    """Shares memory with ``data`` when it already is a tensor or ndarray of the
    requested dtype on the requested device; copies otherwise."""
    if isinstance(data, Tensor):
        return data.to(dtype=dtype or data.dtype, device=_resolve_device(device, data.device))
    device = _default_device(device)
    if isinstance(data, np.ndarray) and _is_cpu(device):
        try:
            t = _C.from_numpy(data)
        except ValueError:  # a layout from_numpy cannot share (byte order, alignment): copy
            return _C.tensor(data, dtype=dtype, device=device)
        return t if dtype is None or dtype == t.dtype else t.to(dtype)
    return _C.tensor(data, dtype=dtype, device=device)


def _alias_error_dtype(src, dst):
    raise ValueError(f"can't alias tensor with dtype '{_torch_name(src)}' into dtype "
                     f"'{_torch_name(dst)}'.")


def _torch_name(dt):
    return dt._torch_name  # PyTorch's C++ name, from ext/core/dtype.h


def _from_array(arr, dtype, device, copy):
    """asarray for an ndarray: alias it when dtype and device allow, else copy
    (``copy=False`` turns the copy into ValueError)."""
    if copy:
        return _C.tensor(arr, dtype=dtype, device=device)
    try:
        shared = _C.from_numpy(arr)
    except ValueError as e:  # byte order, odd strides, misaligned data
        if copy is False:
            raise ValueError(f"can't alias this array into a tensor: {e}") from None
        return _C.tensor(arr, dtype=dtype, device=device)
    if dtype is not None and dtype != shared.dtype:
        if copy is False:
            _alias_error_dtype(shared.dtype, dtype)
        shared = shared.to(dtype)
    if not _is_cpu(device):
        if copy is False:
            raise ValueError(f"can't alias tensor from device 'cpu' to '{device}'.")
        shared = shared.to(device=device)
    return shared


def _buffer_as_array(obj, dtype):
    """A zero-copy ndarray over a buffer-protocol object. With no dtype the
    buffer's own format decides (a bytearray is uint8, array('d') float64);
    with a dtype the bytes are reinterpreted as that dtype, as PyTorch does."""
    mv = memoryview(obj)
    if dtype is None:
        return np.asarray(mv)
    if not mv.c_contiguous:
        raise RuntimeError("could not retrieve buffer from object: it is not contiguous")
    nbytes = mv.nbytes
    if nbytes == 0:
        raise ValueError("both buffer length (0) and count (-1) must not be 0")
    if nbytes % dtype.itemsize:
        raise ValueError(f"buffer length ({nbytes} bytes) after offset (0 bytes) must be a "
                         f"multiple of element size ({dtype.itemsize})")
    raw = np.frombuffer(mv, dtype=np.uint8)
    # bfloat16 has no NumPy dtype: carry its bits as int16 and view them back
    return raw.view(np.int16 if dtype == _C.bfloat16 else repr(dtype).split(".")[1])


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
            # a fresh alias: flipping requires_grad on `obj` itself would change the caller's tensor
            out = _require_grad(out.detach() if out is t else out)
        return out
    device = _default_device(device)
    if isinstance(obj, _NP_SCALAR):
        if copy is False:
            raise RuntimeError("can't alias NumPy scalars. Either remove copy=False or transform "
                               "it in a ndarray. ")
        out = _C.tensor(obj, dtype=dtype, device=device)
    elif isinstance(obj, np.ndarray):
        out = _from_array(obj, dtype, device, copy)
    elif _has_buffer(obj):
        arr = _buffer_as_array(obj, dtype)
        if dtype == _C.bfloat16:
            out = _from_array(arr, None, None, copy).view(_C.bfloat16)
            if not _is_cpu(device):
                out = out.to(device=device)
        else:
            out = _from_array(arr, None if dtype is None else dtype, device, copy)
    elif hasattr(obj, "__dlpack__"):
        out = _C.from_dlpack(obj, copy=copy)
        if dtype is not None or not _is_cpu(device):
            out = out.to(dtype=dtype, device=device, copy=False)
    else:
        if copy is False:
            raise ValueError("can't alias arbitrary sequence into a tensor.")
        out = _C.tensor(obj, dtype=dtype, device=device)
    if requires_grad:
        _require_grad(out)
    return out


def _has_buffer(obj):
    try:
        memoryview(obj)
    except TypeError:
        return False
    return True
