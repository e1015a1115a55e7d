"""minitorch.return_types: the named-tuple types of ops that return several
tensors, as torch.return_types (``values, indices = t.max(0)``, ``r.values``).

Every type is a C struct sequence made by ``_C._return_type`` (the one
mechanism; the glue builds its results with the same types). They are tuple
subclasses, so they unpack, index and compare like tuples. One line per type.
"""

from . import _C

max = _C._return_type("max")  # noqa: A001
min = _C._return_type("min")  # noqa: A001
aminmax = _C._return_type("aminmax")
cummax = _C._return_type("cummax")
cummin = _C._return_type("cummin")
sort = _C._return_type("sort")
topk = _C._return_type("topk")
kthvalue = _C._return_type("kthvalue")

__all__ = ["max", "min", "aminmax", "cummax", "cummin", "sort", "topk", "kthvalue"]
