"""Python-level parts of the shape op family (most ops are C functions in _C)."""

__all__ = []
