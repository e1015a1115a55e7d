"""Python-level parts of the elementwise op family (most ops are C functions in _C)."""

__all__ = []
