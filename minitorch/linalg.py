"""minitorch.linalg."""

from . import _C  # noqa: F401

# ---- reductions (vector_norm, norm) ----
# ---- end reductions ----

# ---- matmul (matmul) ----
def matmul(input, other, *, out=None):
    """Alias for ``minitorch.matmul``."""
    return _C.matmul(input, other, out=out)
# ---- end matmul ----
