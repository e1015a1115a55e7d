"""Python-level parts of the reduce op family (most ops are C functions in _C:
sum, mean, max, var, norm, cumsum, softmax, ...)."""

from . import return_types  # noqa: F401  (makes minitorch.return_types importable)

__all__ = []
