"""minitorch.return_types: the named-tuple types of ops that return several
tensors, as torch.return_types (``values, indices = t.max(0)``, ``r.values``).

They are C struct sequences made by ``_C._return_type`` (tuple subclasses,
so they unpack, index and compare like tuples).
"""

from . import _C

max = _C._return_type("max")  # noqa: A001
min = _C._return_type("min")  # noqa: A001
aminmax = _C._return_type("aminmax")
cummax = _C._return_type("cummax")
cummin = _C._return_type("cummin")

__all__ = ["max", "min", "aminmax", "cummax", "cummin"]
