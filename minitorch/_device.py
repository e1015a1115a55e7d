"""minitorch.device and minitorch.Size."""

import operator

from . import _C


class device:
    """Where a tensor lives: ``device('cpu')``, ``device('cuda')``, ``device('cuda', 1)``."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if not isinstance(type, str):
            raise TypeError(f"device() expects a str, got {type.__class__.__name__}")
        if ":" in type and index is not None:
            raise RuntimeError("type (string) must not include an index because index "
                               f"was passed explicitly: {type}")  # PyTorch's class
        if index is not None and (not isinstance(index, int) or index < 0):
            raise RuntimeError(f"Device index must not be negative, got {index}")
        # The string (with an explicit index appended) is parsed by ext/core's parser.
        self.type, self.index = _C._parse_device(type if index is None else f"{type}:{index}")

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __eq__(self, other):
        if isinstance(other, str):
            try:
                other = device(other)
            except (RuntimeError, ValueError):
                return False
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (str(self),))


class Size(tuple):
    """The shape of a tensor: a tuple of ints that prints as ``minitorch.Size([2, 3])``."""

    __slots__ = ()

    def __new__(cls, sizes=()):
        # Tensors' .shape builds Sizes in C without coming here; this checks
        # what a user passes. Like torch.Size: ints, and anything with
        # __index__ (bools, NumPy integers, 0-d integer tensors), converted.
        items = tuple(sizes)
        if not all(type(v) is int for v in items):
            out = []
            for i, v in enumerate(items):
                try:
                    out.append(operator.index(v))
                except (TypeError, RuntimeError, ValueError):
                    raise TypeError(f"minitorch.Size() takes an iterable of 'int' (item {i} "
                                    f"is '{type(v).__name__}')") from None
            items = tuple(out)
        return tuple.__new__(cls, items)

    def __repr__(self):
        return f"minitorch.Size({list(self)!r})"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, key):
        r = tuple.__getitem__(self, key)
        return Size(r) if isinstance(key, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, other))

    def __reduce__(self):
        return (Size, (tuple(self),))
