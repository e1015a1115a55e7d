"""minitorch.linalg."""

from . import _C  # noqa: F401

# ---- reductions (vector_norm, norm) ----
# vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None)
vector_norm = _C._linalg_vector_norm


def norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):
    """Vector or matrix norm, as torch.linalg.norm.

    ord=None: the 2-norm of the flattened input (dim=None), of each vector
    (one dim) or the Frobenius norm (two dims). A number with one dim (or a
    1-D input) is a vector norm; with two dims, the matrix norms 'fro', 1, -1,
    inf and -inf are supported ('nuc', 2 and -2 need an SVD).
    """
    import math

    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        return vector_norm(A, 2, dim, keepdim, dtype=dtype, out=out)
    if dim is None:
        if A.dim() == 1 and not isinstance(ord, str):
            return vector_norm(A, ord, None, keepdim, dtype=dtype, out=out)
        if A.dim() != 2:
            raise RuntimeError("linalg.norm: If dim is not specified but ord is, the input must "
                               f"be 1D or 2D. Got {A.dim()}D.")
        dim = (-2, -1)
    dim = tuple(dim)
    if len(dim) == 1:
        if isinstance(ord, str):
            raise RuntimeError(f"linalg.vector_norm: ord must be a number, got '{ord}'")
        return vector_norm(A, ord, dim, keepdim, dtype=dtype, out=out)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {dim}")
    if ord == "fro":
        return vector_norm(A, 2, dim, keepdim, dtype=dtype, out=out)
    if ord in (1, -1, math.inf, -math.inf):
        # 1 / -1: max / min over columns of the column abs-sums; inf / -inf: rows.
        nd = A.dim()
        r, c = (d % nd for d in dim)
        summed, other = (r, c) if ord in (1, -1) else (c, r)
        s = vector_norm(A, 1, (summed,), True, dtype=dtype)
        res = s.amax(other, keepdim=True) if ord > 0 else s.amin(other, keepdim=True)
        if not keepdim:
            res = res.squeeze(max(r, c)).squeeze(min(r, c))
        if out is not None:
            out.resize_(res.shape).copy_(res)
            return out
        return res
    raise NotImplementedError(f"linalg.norm: the matrix norm with ord={ord!r} needs an SVD, "
                              "which minitorch does not have yet")
# ---- end reductions ----

# ---- matmul (matmul) ----
def matmul(input, other, *, out=None):
    """Alias for ``minitorch.matmul``."""
    return _C.matmul(input, other, out=out)
# ---- end matmul ----

# ---- composite (cross) ----
# linalg.cross(input, other, *, dim=-1, out=None): a row of the composite op
# table (ext/autograd/table_composite.cpp).
cross = _C.linalg_cross
# ---- end composite ----
