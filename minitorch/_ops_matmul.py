"""Python-level parts of the matmul op family (most ops are C functions in _C)."""

__all__ = []
