"""minitorch.Tensor: the Python face of the C type ``_C.TensorBase``.

Everything per-call hot lives in C (ext/python); this class adds the methods
that are naturally Python: repr, pickling, iteration and the NumPy protocols
that NumPy calls by name.
"""

import numpy as np

from . import _C
from ._device import device as _device_cls
from ._ops_elementwise import _array_wrap, _tensor_array_ufunc


def _rebuild_tensor(data, dtype_name, shape, requires_grad, perm=None):
    # perm: the dims in memory order when the pickled tensor was a dense
    # permutation (a transpose); `data` then holds the bytes in that order.
    if perm is None:
        t = _C._frombytes(data, getattr(_C, dtype_name), shape)
    else:
        t = _C._frombytes(data, getattr(_C, dtype_name), tuple(shape[d] for d in perm))
        t = t.permute(tuple(perm.index(d) for d in range(len(perm))))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _legacy_new(args, device, dtype=None):
    """The tensor PyTorch's legacy ``Tensor(...)`` constructor makes from ``args``
    (a typed class like ``LongTensor`` passes its dtype; ``Tensor`` the default
    one). The default device does not apply, as in PyTorch."""
    import numbers

    from ._device import Size

    typed = dtype is not None
    dtype = dtype or _C.get_default_dtype()
    device = "cpu" if device is None else device
    if not args:
        return _C.empty(0, dtype=dtype, device=device)
    if len(args) == 1:
        (data,) = args
        if isinstance(data, _C.TensorBase):
            if typed and data.dtype != dtype:
                raise TypeError(f"expected {_TYPE_NAMES()[dtype]} (got "
                                f"{_TYPE_NAMES()[data.dtype]})")
            return data.detach()  # an alias, whatever its dtype (as PyTorch)
        if isinstance(data, Size):
            return _C.empty(data, dtype=dtype, device=device)
        if isinstance(data, np.ndarray):
            from ._creation import as_tensor

            # shares when the array already has that dtype
            return as_tensor(data, dtype=dtype, device=device)
        if isinstance(data, (str, bytes)) or (isinstance(data, numbers.Number)
                                              and not isinstance(data, numbers.Integral)):
            raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
    if all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in args):
        return _C.empty(args, dtype=dtype, device=device)  # Tensor(2, 3): sizes, uninitialised
    if len(args) == 1:
        return _C.tensor(args[0], dtype=dtype, device=device)
    raise TypeError("new() received an invalid combination of arguments - expected "
                    "(*sizes), (sequence), (ndarray) or (Tensor), got "
                    f"({', '.join(type(a).__name__ for a in args)})")


def _contiguous_strides(shape):
    out, step = [], 1
    for n in reversed(shape):
        out.append(step)
        step *= max(n, 1)
    return tuple(reversed(out))


class Tensor(_C.TensorBase):
    """A multi-dimensional array on a device, with PyTorch's API."""

    # NumPy defers mixed binary operators to the tensor (see docs/numpy-interop.md).
    __array_priority__ = 1000

    def __new__(cls, *args, device=None):
        # PyTorch's legacy constructor: Tensor() is empty, Tensor(2, 3) has
        # those sizes, Tensor(data) copies data into the default dtype. Only
        # explicit construction comes here; tensors made by ops never do.
        t = _legacy_new(args, device)
        return t if type(t) is cls else _C._make_subclass(cls, t)

    _make_subclass = staticmethod(_C._make_subclass)

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import _str

        return _str(self, tensor_contents=tensor_contents)

    def __format__(self, spec):
        if self.dim() == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __iter__(self):
        if self.dim() == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    def __hash__(self):
        return id(self)

    def __reduce_ex__(self, protocol):
        # A dense non-contiguous tensor (a transpose) keeps its strides, as
        # clone() does (Note [Preserve format] in ext/ops/copy.cpp).
        t = self.detach()
        perm = None
        if t.stride() != _contiguous_strides(t.shape):
            t = t.clone()
            perm = sorted(range(t.dim()), key=lambda d: -t.stride(d))
            t = t.permute(perm)
        args = (_C._tobytes(t), self.dtype.__reduce__(), tuple(self.shape), self.requires_grad)
        return (_rebuild_tensor, args if perm is None else args + (perm,))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        out = self.detach().clone()
        if self.requires_grad:
            out.requires_grad_(True)
        memo[id(self)] = out
        return out

    # ---- autograd (the graph and engine are C++: ext/autograd) ----
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Computes the gradient of this tensor with respect to the graph's leaves,
        accumulating it into their ``.grad`` (see minitorch.autograd.backward)."""
        from . import autograd

        autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def register_hook(self, hook):
        """Registers ``hook(grad)`` to run when this tensor's gradient is computed; it
        may return a replacement gradient. Returns a handle with ``.remove()``."""
        from .autograd import _HookHandle

        return _HookHandle(self, self._register_hook(hook))

    def register_post_accumulate_grad_hook(self, hook):
        """Registers ``hook(tensor)`` to run after a leaf's ``.grad`` is updated."""
        from .autograd import _HookHandle

        return _HookHandle(self, self._register_post_accumulate_grad_hook(hook))

    # ---- NumPy protocols (NUMPY_BRIDGE.md "Protocols") ----
    def __array__(self, dtype=None, copy=None):
        arr = self.numpy()
        if dtype is not None and np.dtype(dtype) != arr.dtype:
            if copy is False:
                raise ValueError(f"converting a {self.dtype} tensor to {np.dtype(dtype)} needs a "
                                 "copy, but copy=False was requested")
            return arr.astype(dtype)
        return arr.copy() if copy else arr

    # __array_interface__ is a C property (ext/python/numpy_bridge.cpp): its
    # `data` entry is a buffer that keeps the storage exported while any array
    # built from the dict lives.

    # NumPy ufuncs on tensors run minitorch's ops (see _ops_elementwise).
    __array_ufunc__ = _tensor_array_ufunc

    def __array_wrap__(self, arr, context=None, return_scalar=False):
        return _array_wrap(arr, context, return_scalar)

    # ---- small conveniences written in Python ----
    def cuda(self, device=None, non_blocking=False, memory_format=None):
        """A copy on a CUDA device (the current one when device is None); self when it
        is already there."""
        if device is None:
            device = self.device if self.device.type == "cuda" else "cuda"
        elif isinstance(device, int):
            device = f"cuda:{device}"
        if _device_cls(device).type != "cuda":
            raise RuntimeError(f"Invalid device, must be cuda device, got {device}")
        return self.to(device, non_blocking=non_blocking)

    def signbit(self, *, out=None):
        """True where the sign bit is set: negative numbers, -0.0 and negative NaNs."""
        return _signbit(self, out=out)

    def type_as(self, other):
        if not isinstance(other, _C.TensorBase):
            raise TypeError("type_as(): argument 'other' (position 1) must be Tensor, not "
                            f"{type(other).__name__}")
        return self.to(other.dtype)

    def type(self, dtype=None, non_blocking=False, **kwargs):
        """The legacy type name (``'torch.FloatTensor'``), or this tensor
        converted to a type name, typed class or dtype (see minitorch/_legacy.py)."""
        from ._legacy import tensor_type

        return tensor_type(self, dtype, non_blocking, **kwargs)

    def ndimension(self):
        return self.dim()

    def is_shared(self):
        return False

    @property
    def is_sparse(self):
        return False

    @property
    def layout(self):
        return "strided"

    def new(self, *args, device=None):
        """The legacy constructor with this tensor's dtype and device: sizes
        (uninitialised), a Size, a sequence, or a tensor of the same dtype (an alias)."""
        return _legacy_new(args, self.device if device is None else device, self.dtype)


def _TYPE_NAMES():  # noqa: N802
    from ._legacy import _BY_DTYPE

    return {dt: f"minitorch.{cls.__name__}" for dt, cls in _BY_DTYPE.items()}


def _register():
    _C._set_tensor_class(Tensor)


_register()


def _signbit(input, *, out=None):
    """minitorch.signbit: the sign bit of each element (bool)."""
    if not isinstance(input, _C.TensorBase):
        raise TypeError(f"signbit(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if input.dtype == _C.bool:
        r = _C.zeros(input.shape, dtype=_C.bool, device=input.device)
    elif input.dtype.is_floating_point:
        # copysign(1, x) carries x's sign bit, for -0.0 and NaNs too
        r = _C.copysign(_C.ones((), dtype=input.dtype, device=input.device), input) < 0
    else:
        r = input < 0
    if out is not None:
        return out.copy_(r) if tuple(out.shape) == tuple(r.shape) else out.resize_(r.shape).copy_(r)
    return r
