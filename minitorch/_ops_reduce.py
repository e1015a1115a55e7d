"""Python-level parts of the reduce op family (most ops are C functions in _C)."""

__all__ = []
