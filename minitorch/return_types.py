"""minitorch.return_types: the named-tuple types of ops that return several
tensors, as torch.return_types (``values, indices = t.max(0)``, ``r.values``).

The reduction types are C struct sequences made by ``_C._return_type``; the
sort/search types are collections.namedtuple. Both are tuple subclasses, so
they unpack, index and compare like tuples. One line per type.
"""

from collections import namedtuple

from . import _C

max = _C._return_type("max")  # noqa: A001
min = _C._return_type("min")  # noqa: A001
aminmax = _C._return_type("aminmax")
cummax = _C._return_type("cummax")
cummin = _C._return_type("cummin")
sort = namedtuple("sort", ["values", "indices"])
topk = namedtuple("topk", ["values", "indices"])
kthvalue = namedtuple("kthvalue", ["values", "indices"])

__all__ = ["max", "min", "aminmax", "cummax", "cummin", "sort", "topk", "kthvalue"]
