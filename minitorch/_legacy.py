"""PyTorch's legacy and less common API that programs still use.

- the typed tensor classes (``FloatTensor``, ``LongTensor``, ...): constructors
  taking sizes or data, and ``isinstance`` checks by dtype (a metaclass
  ``__instancecheck__``, as PyTorch's ``torch.tensortype`` does);
- ``set_default_tensor_type``, ``set_default_device`` / ``get_default_device``;
- the ``memory_format`` objects (``preserve_format``, ``contiguous_format``,
  ``channels_last``, ``channels_last_3d``);
- ``finfo`` / ``iinfo``.

None of this is on a hot path; the factories read the default device in C
(ext/python/dtype_object.cpp), so setting it costs nothing per call.
See docs/legacy-api.md.
"""

import warnings

import numpy as np

from . import _C
from ._device import device as _device_cls

# ---- typed tensor classes ----

# (class name, dtype name), in PyTorch's order
_TYPED = (("FloatTensor", "float32"), ("DoubleTensor", "float64"), ("HalfTensor", "float16"),
          ("BFloat16Tensor", "bfloat16"), ("LongTensor", "int64"), ("IntTensor", "int32"),
          ("ShortTensor", "int16"), ("CharTensor", "int8"), ("ByteTensor", "uint8"),
          ("BoolTensor", "bool"))


class _TensorType(type):
    """The metaclass of the typed classes: ``isinstance(x, FloatTensor)`` is
    true exactly for a float32 CPU tensor; calling the class builds one."""

    def __instancecheck__(cls, obj):
        return (isinstance(obj, _C.TensorBase) and obj.dtype == cls.dtype
                and obj.device.type == "cpu")

    def __call__(cls, *args, device=None):
        from ._tensor import _legacy_new

        if device is not None and _device_cls(device).type != "cpu":
            raise RuntimeError("legacy constructor expects device type: cpu but device type: "
                               f"{_device_cls(device).type} was passed")
        return _legacy_new(args, None, cls.dtype)

    def __repr__(cls):
        return f"<class 'minitorch.{cls.__name__}'>"


def _make_typed():
    out = {}
    for name, dt in _TYPED:
        out[name] = _TensorType(name, (), {
            "dtype": getattr(_C, dt), "is_cuda": False, "is_sparse": False,
            "__module__": "minitorch", "__doc__": f"The legacy CPU {dt} tensor type."})
    return out


TYPED_CLASSES = _make_typed()
_BY_DTYPE = {cls.dtype: cls for cls in TYPED_CLASSES.values()}


def legacy_type_name(t):
    """``'torch.FloatTensor'``, ``'torch.cuda.LongTensor'``: PyTorch's ``Tensor.type()``."""
    name = _BY_DTYPE[t.dtype].__name__
    return f"torch.cuda.{name}" if t.device.type == "cuda" else f"torch.{name}"


def _parse_type_name(name):
    """'torch.FloatTensor' (or 'minitorch.' / 'torch.cuda.' prefixed) -> (dtype, device type)."""
    for prefix, dev in (("torch.cuda.", "cuda"), ("minitorch.cuda.", "cuda"), ("torch.", "cpu"),
                        ("minitorch.", "cpu")):
        if name.startswith(prefix):
            cls = TYPED_CLASSES.get(name[len(prefix):])
            if cls is not None:
                return cls.dtype, dev
            break
    raise ValueError(f"invalid type: '{name}'")


def tensor_type(t, dtype=None, non_blocking=False, **kwargs):
    """``Tensor.type()``: the type name, or ``t`` converted to a type given as
    a name, a typed class or a dtype (``t`` itself when it already is one)."""
    if dtype is None:
        return legacy_type_name(t)
    dev = None
    if isinstance(dtype, str):
        dtype, dev = _parse_type_name(dtype)
    elif isinstance(dtype, _TensorType):
        dtype, dev = dtype.dtype, "cpu"
    elif not isinstance(dtype, _C.dtype):
        raise TypeError("dtype must be a type, str, or dtype object")
    if dev is None or dev == t.device.type:
        return t.to(dtype)
    return t.to(dtype=dtype, device=dev)


def set_default_tensor_type(t, /):
    """Sets the default floating-point dtype from a type name or typed class
    (``'torch.DoubleTensor'``, ``minitorch.DoubleTensor``). Deprecated in
    PyTorch 2.1 in favour of ``set_default_dtype``; it warns as PyTorch does."""
    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
                  UserWarning, stacklevel=2)
    if isinstance(t, str):
        dt, dev = _parse_type_name(t)
    elif isinstance(t, _TensorType):
        dt, dev = t.dtype, "cpu"
    else:
        raise TypeError("invalid type object: only floating-point types are supported as the "
                        "default type")
    if not dt.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    if dev != "cpu":
        _C.empty(0, device=dev)  # raises the usual error where CUDA is not available
    _C.set_default_dtype(dt)


# ---- default device ----

def set_default_device(device):
    """Sets the device that factory functions (``zeros``, ``tensor``, ``arange``,
    ``rand``, ...) use when no ``device=`` is given; ``None`` restores the CPU.
    The ``*_like`` functions, ``new_*`` methods, ``from_numpy`` and the legacy
    constructors keep their own device, as in PyTorch. A device that cannot
    be used (``'cuda'`` without a GPU) is accepted here and raises at creation."""
    _C._set_default_device("cpu" if device is None else device)


def get_default_device():
    """The device ``set_default_device`` chose (``device('cpu')`` by default)."""
    d = _device_cls(_C._get_default_device())
    if d.type != "cpu" and d.index is None:
        return _C.empty(0).device  # PyTorch reports the current index (cuda:0)
    return d


# ---- memory formats ----

class memory_format:  # noqa: N801  (PyTorch's name; the C arg parser matches it by type name)
    """A memory layout for ``empty``, ``clone``, ``contiguous`` and the
    ``*_like`` functions. The four instances are module-level singletons."""

    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return f"minitorch.{self._name}"

    def __reduce__(self):
        return self._name  # pickles by name: the singleton comes back


preserve_format = memory_format("preserve_format")
contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")


# ---- finfo / iinfo ----

def _g(x):
    """PyTorch's finfo/iinfo repr format (C++ stream default: 6 significant digits)."""
    return f"{x:.6g}"


class finfo:
    """Machine limits of a floating-point dtype (the default dtype when omitted):
    bits, eps, max, min, tiny (= smallest_normal), resolution, dtype."""

    def __init__(self, type=None):  # noqa: A002  (PyTorch's parameter name)
        if type is None:
            type = _C.get_default_dtype()  # noqa: A001
        if not isinstance(type, _C.dtype):
            raise TypeError("finfo(): argument 'type' (position 1) must be minitorch.dtype, not "
                            f"{builtins_type(type).__name__}")
        if not type.is_floating_point:
            raise TypeError("minitorch.finfo() requires a floating point input type. Use "
                            "minitorch.iinfo to handle 'minitorch.finfo'")
        name = repr(type).split(".")[-1]
        if name == "bfloat16":
            bits, eps, mx, tiny, res = 16, 2.0 ** -7, float.fromhex("0x1.fep127"), 2.0 ** -126, 0.01
        else:
            fi = np.finfo(np.dtype(name))
            bits, eps, mx = fi.bits, float(fi.eps), float(fi.max)
            tiny, res = float(fi.smallest_normal), float(f"1e-{fi.precision}")
        self.bits = bits
        self.eps = eps
        self.max = mx
        self.min = -mx
        self.tiny = tiny
        self.smallest_normal = tiny
        self.resolution = res
        self.dtype = name

    def __eq__(self, other):
        return isinstance(other, finfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        return (f"finfo(resolution={_g(self.resolution)}, min={_g(self.min)}, "
                f"max={_g(self.max)}, eps={_g(self.eps)}, "
                f"smallest_normal={_g(self.smallest_normal)}, tiny={_g(self.tiny)}, "
                f"dtype={self.dtype})")


class iinfo:
    """Machine limits of an integer dtype: bits, min, max, dtype."""

    def __init__(self, type):  # noqa: A002
        if not isinstance(type, _C.dtype):
            raise TypeError("iinfo(): argument 'type' (position 1) must be minitorch.dtype, not "
                            f"{builtins_type(type).__name__}")
        name = repr(type).split(".")[-1]
        if name == "bool":
            raise TypeError("minitorch.bool is not supported by minitorch.iinfo")
        if type.is_floating_point:
            raise TypeError("minitorch.iinfo() requires an integer input type. Use "
                            "minitorch.finfo to handle 'minitorch.iinfo'")
        ii = np.iinfo(np.dtype(name))
        self.bits = ii.bits
        self.min = int(ii.min)
        self.max = int(ii.max)
        self.dtype = name

    def __eq__(self, other):
        return isinstance(other, iinfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

    def __repr__(self):
        return f"iinfo(min={_g(self.min)}, max={_g(self.max)}, dtype={self.dtype})"


builtins_type = type
