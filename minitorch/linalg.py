"""minitorch.linalg."""

from . import _C  # noqa: F401

# ---- reductions (vector_norm, norm) ----
# ---- end reductions ----

# ---- matmul (matmul) ----
# ---- end matmul ----
