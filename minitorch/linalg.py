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
    inf and -inf, and (through the SVD) 'nuc', 2 and -2.
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
    # 'nuc', 2 and -2 need singular values: matrix_norm (LAPACK block below).
    return matrix_norm(A, ord, dim, keepdim, dtype=dtype, out=out)
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

# ---- LAPACK (solve ... householder_product) ----
# Note [NumPy's LAPACK] (ext/python/ops_linalg.cpp): every factorisation is a
# LAPACK routine of the OpenBLAS NumPy ships, called through _C._lapack_*.
# Those take fresh contiguous (batch, cols, rows) buffers, i.e. each matrix
# column-major (a copy of A.mT), and write LAPACK's info per matrix; this
# block prepares the buffers, turns info into PyTorch's errors and assembles
# the results. Autograd: see _Solve ... below; the other routines refuse inputs
# that require grad.
import math as _math  # noqa: E402
import sys as _sys  # noqa: E402

from . import return_types as _rt  # noqa: E402

_C._lapack_init()


class LinAlgError(RuntimeError):
    """A linear algebra routine failed on its input (singular, not
    positive-definite, no convergence), as torch.linalg.LinAlgError."""


LinAlgError.__module__ = "minitorch.linalg"

_TYPE_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
               "bool": "Bool", "float16": "Half", "bfloat16": "BFloat16", "float32": "Float",
               "float64": "Double"}


def _mt():
    return _sys.modules["minitorch"]


def _type_name(dtype):
    return _TYPE_NAMES.get(str(dtype).replace("minitorch.", ""), str(dtype))


def _check(A, name, square=True, arg="A", grad_ok=False):
    mt = _mt()
    if not isinstance(A, mt.Tensor):
        raise TypeError(f"{name}(): argument '{arg}' must be Tensor, not {type(A).__name__}")
    if A.dtype not in (mt.float32, mt.float64):
        _dtype_error(A.dtype, name, A.shape)
    if A.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor {arg} must have at least 2 dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: {arg} must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if A.device.type != "cpu":
        raise RuntimeError(f"{name}: minitorch's linear algebra runs on the CPU only "
                           f"(LAPACK); got a tensor on {A.device}")
    if not grad_ok and A.requires_grad and mt.is_grad_enabled():
        raise RuntimeError(f"{name}: minitorch does not differentiate through this routine yet; "
                           "call it under minitorch.no_grad() or on a detached tensor")


# PyTorch's refusals of other dtypes differ per function; name -> (the name its
# message uses, the CPU kernel named for float16/bfloat16 (None: "Low precision
# dtypes not supported"), a message of its own for every dtype or None).
_DTYPE_RULES = {
    "linalg.inv": ("linalg.inv", None, None),
    "linalg.inv_ex": ("linalg.inv", None, None),
    "linalg.slogdet": ("linalg.slogdet", None, None),
    "linalg.det": ("linalg.det", "lu_cpu", None),
    "linalg.solve": ("linalg.solve", "lu_cpu", None),
    "linalg.cholesky": ("linalg.cholesky", "cholesky_cpu", None),
    "linalg.cholesky_ex": ("linalg.cholesky", "cholesky_cpu", None),
    "linalg.qr": ("linalg.qr", "geqrf_cpu", None),
    "linalg.svd": ("linalg.svd", "linalg_svd_cpu", None),
    "linalg.svdvals": ("linalg.svd", "linalg_svd_cpu", None),
    "linalg.cond": ("linalg.svd", "linalg_svd_cpu", None),
    "svd": ("linalg.svd", "linalg_svd_cpu", None),
    "cholesky_solve": ("cholesky_solve", "cholesky_solve_cpu", "kernel"),
    "linalg.eigh": ("linalg.eigh", "linalg_eigh_cpu", "kernel"),
    "linalg.eigvalsh": ("linalg.eigh", "linalg_eigh_cpu", "kernel"),
    "torch.linalg.householder_product": ("", "orgqr_cpu", "kernel"),
    "linalg.eig": ("linalg.eig", "linalg_eig_out_cpu", "complex"),
    "linalg.eigvals": ("linalg.eig", "linalg_eig_out_cpu", "complex"),
    "linalg.pinv": ("linalg.pinv", None, "pinv"),
    "linalg.matrix_rank": ("", None, "float_double"),
    "linalg.lstsq": ("", None, "float_double"),
}


def _dtype_error(dtype, name, shape=()):
    mt = _mt()
    tn = _type_name(dtype)
    shown, kernel, own = _DTYPE_RULES.get(name, (name, None, None))
    low = dtype in (mt.float16, mt.bfloat16)
    if own == "pinv":
        raise RuntimeError(f"{name}({tn}{{{list(shape)}}}): expected a tensor with 2 or more dimensions "
                           "of float, double, cfloat or cdouble types")
    if own == "float_double":
        raise RuntimeError("This function doesn't handle types other than float and double")
    if kernel is not None and (low or own == "kernel"):
        raise NotImplementedError(f'"{kernel}" not implemented for \'{tn}\'')
    if own == "complex" and not low:
        raise RuntimeError(f"Unknown Complex ScalarType for {tn}")
    if low and kernel is None:
        raise RuntimeError(f"{shown}: Low precision dtypes not supported. Got {tn}")
    raise RuntimeError(f"{shown}: Expected a floating point or complex tensor as input. "
                       f"Got {tn}")


def _same_dtype(name, A, B):
    if A.dtype != B.dtype:
        raise RuntimeError(f"{name}: Expected A and B to have the same dtype, but found A of type "
                           f"{_type_name(A.dtype)} and B of type {_type_name(B.dtype)} instead")


def _colmajor(A, batch, cols=None):
    """A fresh (prod(batch), n, m) buffer holding each m x n matrix of A
    (broadcast to batch) column-major, optionally with `cols` >= n columns
    (extra columns zero)."""
    mt = _mt()
    m, n = A.shape[-2], A.shape[-1]
    nb = _math.prod(batch)
    c = n if cols is None else cols
    buf = (mt.empty if c == n else mt.zeros)((nb, c, m), dtype=A.dtype)
    view = buf.view(tuple(batch) + (c, m))
    if c == n:
        view.copy_(A.mT)
    else:
        view[..., :n, :].copy_(A.mT)
    return buf


def _matrices(buf, batch):
    """The (batch..., rows, cols) matrices of a column-major buffer (a view)."""
    return buf.view(tuple(batch) + tuple(buf.shape[1:])).mT


def _vectors(v, batch):
    return v.view(tuple(batch) + tuple(v.shape[1:]))


def _info(nb):
    return _mt().zeros((nb,), dtype=_mt().int64)


def _raise_if(info, name, batched, message, cls=LinAlgError):
    """Raises cls for the first non-zero info (message(info) gives the text)."""
    if info.numel() == 0 or not bool(info.any()):
        return
    vals = info.tolist()
    i = next(k for k, v in enumerate(vals) if v != 0)
    prefix = f"(Batch element {i}): " if batched else ""
    raise cls(f"{name}: {prefix}{message(vals[i])}")


def _out(res, out):
    if out is None:
        return res
    out.resize_(res.shape).copy_(res)
    return out


def _eye_like(A, n, batch):
    mt = _mt()
    return mt.eye(n, dtype=A.dtype).expand(tuple(batch) + (n, n)).clone()


def _is_vector_rhs(A, B):
    return B.dim() == 1 or (B.dim() == A.dim() - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def _solve_raw(A, B, name):
    """X with A X = B for square A (..., n, n) and B (..., n, k), batch dims
    broadcast; LinAlgError when some A is singular."""
    mt = _mt()
    batch = mt.broadcast_shapes(A.shape[:-2], B.shape[:-2])
    nb = _math.prod(batch)
    b = _colmajor(B, batch)
    info = _info(nb)
    n = A.shape[-1]
    if A.mT.is_contiguous():  # already column-major: its copy is a memcpy
        _C._lapack_gesv(_colmajor(A, batch), b, info)
    else:
        # A row-major copy of A is A^T column-major: factor that (no
        # transposing copy) and solve with the transposed factors.
        at = _mt().empty((nb, n, n), dtype=A.dtype)
        at.view(tuple(batch) + (n, n)).copy_(A)
        _C._lapack_gesv_t(at, b, info)
    _raise_if(info, name, len(batch) > 0,
              lambda v: "The solver failed because the input matrix is singular.")
    return _matrices(b, batch)


def solve(A, B, *, left=True, out=None):
    """X with A X = B (left=True) or X A = B, batched; B may be a vector."""
    name = "linalg.solve"
    _check(A, name, grad_ok=True)
    _check(B, name, square=False, arg="B", grad_ok=True) if B.dim() >= 2 else _check_vec(B, name)
    _same_dtype(name, A, B)
    vec = _is_vector_rhs(A, B)
    Bm = B.unsqueeze(-1) if vec else B
    if not left:
        n = A.shape[-1]
        if vec or Bm.shape[-1] != n:
            raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation XA = B "
                               f"({n}x{n} and {Bm.shape[-2]}x{Bm.shape[-1]})")
        return _out(solve(A.mT, B.mT).mT, out)
    if Bm.shape[-2] != A.shape[-1]:
        n = A.shape[-1]
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation AX = B "
                           f"({n}x{n} and {Bm.shape[-2]}x{Bm.shape[-1]})")
    if _needs_grad(A, B):
        X = _Solve.apply(A, Bm)
    else:
        X = _solve_raw(A, Bm, "torch." + name)
    return _out(X.squeeze(-1) if vec else X, out)


def _check_vec(B, name):
    mt = _mt()
    if not isinstance(B, mt.Tensor):
        raise TypeError(f"{name}(): argument 'B' must be Tensor, not {type(B).__name__}")
    if B.dim() < 1:
        raise RuntimeError(f"{name}: The input tensor B must have at least 1 dimensions.")


def _needs_grad(*ts):
    mt = _mt()
    return mt.is_grad_enabled() and any(t.requires_grad for t in ts)


def _inv_raw(A, name="linalg.inv"):
    batch = tuple(A.shape[:-2])
    n = A.shape[-1]
    nb = _math.prod(batch)
    a = _colmajor(A, batch)
    b = _colmajor(_eye_like(A, n, batch), batch)
    info = _info(nb)
    _C._lapack_gesv(a, b, info)
    _raise_if(info, name, len(batch) > 0,
              lambda v: f"The diagonal element {v} is zero, the inversion could not be "
                        "completed because the input matrix is singular.")
    return _matrices(b, batch)


def inv(A, *, out=None):
    """The inverse of each square matrix of A."""
    _check(A, "linalg.inv", grad_ok=True)
    return _out(_Inv.apply(A) if _needs_grad(A) else _inv_raw(A), out)


def inv_ex(A, *, check_errors=False, out=None):
    """(inverse, info) as torch.linalg.inv_ex: info > 0 for a singular matrix."""
    _check(A, "linalg.inv_ex")
    batch = tuple(A.shape[:-2])
    nb = _math.prod(batch)
    a = _colmajor(A, batch)
    b = _colmajor(_eye_like(A, A.shape[-1], batch), batch)
    info = _info(nb)
    _C._lapack_gesv(a, b, info)
    if check_errors:
        _raise_if(info, "linalg.inv_ex", len(batch) > 0,
                  lambda v: f"The diagonal element {v} is zero, the inversion could not be "
                            "completed because the input matrix is singular.")
    return _rt.linalg_inv_ex(_matrices(b, batch), info.view(batch).to(_mt().int32))


def _lu_diag_sign(A):
    """(diagonal of U, sign of the row permutation) of A's LU factorisation."""
    mt = _mt()
    batch = tuple(A.shape[:-2])
    n = A.shape[-1]
    nb = _math.prod(batch)
    a = _colmajor(A, batch)
    piv = mt.zeros((nb, n), dtype=mt.int64)
    _C._lapack_getrf(a, piv, _info(nb))  # info > 0 (a zero pivot) gives det 0: no error
    diag = _vectors(a.diagonal(0, -2, -1), batch)
    swaps = (piv != mt.arange(1, n + 1)).sum(-1) % 2
    perm_sign = (1 - 2 * swaps).to(A.dtype).view(batch)
    return diag, perm_sign


def _det_raw(A):
    diag, perm_sign = _lu_diag_sign(A)
    return diag.prod(-1) * perm_sign


def det(A, *, out=None):
    """The determinant of each square matrix of A (LU with partial pivoting)."""
    _check(A, "linalg.det", grad_ok=True)
    return _out(_Det.apply(A) if _needs_grad(A) else _det_raw(A), out)


def _slogdet_raw(A):
    diag, perm_sign = _lu_diag_sign(A)
    sign = diag.sign().prod(-1) * perm_sign
    return sign, diag.abs().log().sum(-1)


def slogdet(A, *, out=None):
    """(sign, logabsdet) of each square matrix: det = sign * exp(logabsdet)."""
    _check(A, "linalg.slogdet", grad_ok=True)
    if _needs_grad(A):
        sign, _ = _slogdet_raw(A.detach())
        res = _rt.linalg_slogdet(sign, _Logabsdet.apply(A))
    else:
        res = _rt.linalg_slogdet(*_slogdet_raw(A))
    if out is not None:
        _out(res[0], out[0])
        _out(res[1], out[1])
        return _rt.linalg_slogdet(*out)
    return res


def _cholesky_raw(A, upper, name, check=True):
    mt = _mt()
    batch = tuple(A.shape[:-2])
    nb = _math.prod(batch)
    a = _colmajor(A, batch)
    info = _info(nb)
    _C._lapack_potrf(a, info, bool(upper))
    if check:
        _raise_if(info, name, len(batch) > 0,
                  lambda v: "The factorization could not be completed because the input is not "
                            f"positive-definite (the leading minor of order {v} is not "
                            "positive-definite).")
    L = _matrices(a, batch)
    L = mt.triu(L) if upper else mt.tril(L)
    return L, info


def cholesky(A, *, upper=False, out=None):
    """The Cholesky factor L (A = L L^T) of each symmetric positive-definite
    matrix, read from its lower triangle; upper=True gives U = L^T."""
    _check(A, "linalg.cholesky", grad_ok=True)
    if _needs_grad(A):
        L = _Cholesky.apply(A)
        return _out(L.mT if upper else L, out)
    return _out(_cholesky_raw(A, upper, "linalg.cholesky")[0], out)


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """(L, info) as torch.linalg.cholesky_ex: info > 0 where A is not positive-definite."""
    _check(A, "linalg.cholesky_ex")
    L, info = _cholesky_raw(A, upper, "linalg.cholesky_ex", check=check_errors)
    return _rt.linalg_cholesky_ex(L, info.view(tuple(A.shape[:-2])).to(_mt().int32))


def _cholesky_solve(B, L, upper=False):
    """X with (L L^T) X = B given the Cholesky factor L (U^T U with upper=True)."""
    mt = _mt()
    name = "cholesky_solve"
    _check(L, name, arg="input2")
    _check(B, name, square=False, arg="input")
    _same_dtype(name, L, B)
    if B.shape[-2] != L.shape[-1]:
        raise RuntimeError(f"{name}: Incompatible matrix sizes for cholesky_solve: each A matrix "
                           f"is {L.shape[-1]} by {L.shape[-1]} but each b matrix is "
                           f"{B.shape[-2]} by {B.shape[-1]}")
    batch = mt.broadcast_shapes(L.shape[:-2], B.shape[:-2])
    nb = _math.prod(batch)
    a = _colmajor(L, batch)
    b = _colmajor(B, batch)
    _C._lapack_potrs(a, b, _info(nb), bool(upper))
    return _matrices(b, batch)


def qr(A, mode="reduced", *, out=None):
    """Q R = A with orthonormal Q and upper-triangular R (Householder, geqrf/orgqr).
    mode: 'reduced' (Q m x k, R k x n), 'complete' (Q m x m, R m x n) or 'r'
    (R only, Q empty)."""
    mt = _mt()
    name = "linalg.qr"
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    _check(A, name, square=False)
    batch = tuple(A.shape[:-2])
    m, n = A.shape[-2], A.shape[-1]
    k = min(m, n)
    nb = _math.prod(batch)
    a = _colmajor(A, batch)
    tau = mt.zeros((nb, k), dtype=A.dtype)
    _C._lapack_geqrf(a, tau, _info(nb))
    full = _matrices(a, batch)
    R = mt.triu(full if mode == "complete" else full[..., :k, :])
    if mode == "r":
        Q = mt.empty((0,), dtype=A.dtype)
    else:
        qcols = m if mode == "complete" else k
        q = mt.zeros((nb, qcols, m), dtype=A.dtype)
        c = min(qcols, n)
        q[:, :c, :] = a[:, :c, :]
        if m > 0 and nb > 0:
            _C._lapack_orgqr(q, tau, _info(nb))
        Q = _matrices(q, batch)
    res = _rt.linalg_qr(Q, R.contiguous())
    if out is not None:
        _out(res[0], out[0])
        _out(res[1], out[1])
        return _rt.linalg_qr(*out)
    return res


def householder_product(A, tau, *, out=None):
    """The first n columns of the product H_1 ... H_k of Householder
    reflectors H_i = I - tau_i v_i v_i^T, v_i stored below A's diagonal (orgqr)."""
    mt = _mt()
    name = "torch.linalg.householder_product"
    _check(A, name, square=False, arg="input")
    m, n = A.shape[-2], A.shape[-1]
    if m < n:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if tau.dim() < 1 or tau.shape[-1] > n:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    if tuple(tau.shape[:-1]) != tuple(A.shape[:-2]):
        raise RuntimeError(f"{name}: Expected batch dimensions of tau to be equal to "
                           f"input.shape[:-2], but got {tuple(tau.shape[:-1])}")
    _same_dtype(name, A, tau)
    batch = tuple(A.shape[:-2])
    nb = _math.prod(batch)
    a = _colmajor(A, batch)
    t = mt.empty((nb, tau.shape[-1]), dtype=A.dtype)
    t.view(tuple(batch) + (tau.shape[-1],)).copy_(tau)
    if m > 0 and nb > 0:
        _C._lapack_orgqr(a, t, _info(nb))
    return _out(_matrices(a, batch), out)


orgqr = householder_product


def _eigh_raw(A, UPLO, vectors, name):
    mt = _mt()
    if UPLO not in ("L", "U", "l", "u"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    batch = tuple(A.shape[:-2])
    n = A.shape[-1]
    nb = _math.prod(batch)
    a = _colmajor(A, batch)
    w = mt.zeros((nb, n), dtype=A.dtype)
    info = _info(nb)
    if n > 0:
        _C._lapack_syevd(a, w, info, bool(vectors), UPLO in ("U", "u"))
    _raise_if(info, name, len(batch) > 0,
              lambda v: "The algorithm failed to converge because the input matrix is "
                        "ill-conditioned or has too many repeated eigenvalues (error code: "
                        f"{v}).")
    return _vectors(w, batch), _matrices(a, batch)


def eigh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) and orthonormal eigenvectors (columns) of each
    symmetric matrix, read from its UPLO triangle (syevd)."""
    _check(A, "linalg.eigh")
    return _rt.linalg_eigh(*_eigh_raw(A, UPLO, True, "linalg.eigh"))


def eigvalsh(A, UPLO="L", *, out=None):
    """The eigenvalues (ascending) of each symmetric matrix."""
    _check(A, "linalg.eigvalsh")
    return _out(_eigh_raw(A, UPLO, False, "linalg.eigvalsh")[0], out)


def _svd_raw(A, full_matrices, compute_uv, name):
    mt = _mt()
    batch = tuple(A.shape[:-2])
    m, n = A.shape[-2], A.shape[-1]
    k = min(m, n)
    nb = _math.prod(batch)
    if not compute_uv:
        s = mt.zeros((nb, k), dtype=A.dtype)
        if k > 0 and nb > 0:
            info = _info(nb)
            _C._lapack_gesdd(_colmajor(A, batch), s, None, None, info, "N")
            _raise_svd(info, name, batch)
        return None, _vectors(s, batch), None
    ucols, vrows = (m, n) if full_matrices else (k, k)
    if k == 0 or nb == 0:
        U = _eye_like(A, m, batch)[..., :ucols] if m else mt.zeros(batch + (m, ucols),
                                                                     dtype=A.dtype)
        Vh = _eye_like(A, n, batch)[..., :vrows, :] if n else mt.zeros(batch + (vrows, n),
                                                                         dtype=A.dtype)
        return U, mt.zeros(batch + (k,), dtype=A.dtype), Vh
    s = mt.zeros((nb, k), dtype=A.dtype)
    u = mt.empty((nb, ucols, m), dtype=A.dtype)
    vt = mt.empty((nb, n, vrows), dtype=A.dtype)
    info = _info(nb)
    _C._lapack_gesdd(_colmajor(A, batch), s, u, vt, info, "A" if full_matrices else "S")
    _raise_svd(info, name, batch)
    return _matrices(u, batch), _vectors(s, batch), _matrices(vt, batch)


def _raise_svd(info, name, batch):
    _raise_if(info, name, len(batch) > 0,
              lambda v: "The algorithm failed to converge because the input matrix is "
                        "ill-conditioned or has too many repeated singular values (error code: "
                        f"{v}).")


def svd(A, full_matrices=True, *, driver=None, out=None):
    """U S Vh = A with orthonormal U, Vh and descending S >= 0 (gesdd)."""
    _check(A, "linalg.svd", square=False)
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on "
                           "CUDA inputs with cuSOLVER backend.")
    res = _rt.linalg_svd(*_svd_raw(A, full_matrices, True, "linalg.svd"))
    if out is not None:
        for r, o in zip(res, out):
            _out(r, o)
        return _rt.linalg_svd(*out)
    return res


def svdvals(A, *, driver=None, out=None):
    """The singular values of each matrix, descending."""
    _check(A, "linalg.svdvals", square=False)
    return _out(_svd_raw(A, False, False, "linalg.svdvals")[1], out)


def _eig_raw(A, vectors, name):
    mt = _mt()
    batch = tuple(A.shape[:-2])
    n = A.shape[-1]
    nb = _math.prod(batch)
    wr = mt.zeros((nb, n), dtype=A.dtype)
    wi = mt.zeros((nb, n), dtype=A.dtype)
    vr = mt.zeros((nb, n, n), dtype=A.dtype) if vectors else None
    info = _info(nb)
    if n > 0 and nb > 0:
        _C._lapack_geev(_colmajor(A, batch), wr, wi, vr, info)
    _raise_if(info, name, len(batch) > 0,
              lambda v: "The algorithm failed to converge because the input matrix is "
                        f"ill-conditioned or has too many repeated eigenvalues (error code: {v}).")
    if bool((wi != 0).any()):
        raise RuntimeError(f"{name}: the input has non-real eigenvalues; minitorch has no "
                           "complex dtypes yet, so eig/eigvals support matrices with a real "
                           "spectrum only")
    return _vectors(wr, batch), (_matrices(vr, batch) if vectors else None)


def eig(A, *, out=None):
    """Eigenvalues and right eigenvectors (unit columns) of each square matrix
    (geev). minitorch has no complex dtypes: the results are real, and a
    matrix with a non-real eigenvalue raises RuntimeError."""
    _check(A, "linalg.eig")
    return _rt.linalg_eig(*_eig_raw(A, True, "linalg.eig"))


def eigvals(A, *, out=None):
    """The eigenvalues of each square matrix (real spectra only, see eig)."""
    _check(A, "linalg.eigvals")
    return _out(_eig_raw(A, False, "linalg.eigvals")[0], out)


def lstsq(A, B, rcond=None, *, driver=None, out=None):
    """The least-squares solution of A X = B: (solution, residuals, rank,
    singular_values), as torch.linalg.lstsq. Drivers: 'gelsy' (the CPU
    default, complete orthogonal factorisation), 'gelsd' / 'gelss' (SVD:
    singular values too), 'gels' (QR, full rank assumed: no rank). residuals
    (squared residual norms) come for m > n and full rank, except from gelsy;
    the fields a driver does not compute are empty, as in PyTorch."""
    mt = _mt()
    name = "torch.linalg.lstsq"
    _check(A, "linalg.lstsq", square=False)
    if driver is None:
        driver = "gelsy"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"{name}: parameter `driver` should be one of (gels, gelsy, gelsd, "
                           "gelss)")
    if not isinstance(B, mt.Tensor):
        raise TypeError(f"linalg.lstsq(): argument 'B' must be Tensor, not {type(B).__name__}")
    _same_dtype(name, A, B)
    vec = B.dim() == A.dim() - 1
    Bm = B.unsqueeze(-1) if vec else B
    if Bm.dim() < 2 or Bm.shape[-2] != A.shape[-2]:
        raise RuntimeError(f"{name}: input.size(-2) should match other.size(-2)")
    m, n = A.shape[-2], A.shape[-1]
    if rcond is None:
        eps = 1.1920928955078125e-07 if A.dtype == mt.float32 else 2.220446049250313e-16
        rcond = eps * max(m, n)
    batch = tuple(mt.broadcast_shapes(A.shape[:-2], Bm.shape[:-2]))
    nb = _math.prod(batch)
    k = Bm.shape[-1]
    rows = max(m, n, 1)
    a = _colmajor(A, batch)
    b = mt.zeros((nb, k, rows), dtype=A.dtype)
    b.view(batch + (k, rows))[..., :m].copy_(Bm.mT)
    rank = mt.full((nb,), min(m, n), dtype=mt.int64)
    sv = mt.zeros((nb, min(m, n)), dtype=A.dtype)
    info = _info(nb)
    if nb > 0 and m > 0 and n > 0:
        if driver == "gelsy":
            _C._lapack_gelsy(a, b, rank, info, float(rcond))
        elif driver == "gels":
            _C._lapack_gels(a, b, info)
            _raise_if(info, name, len(batch) > 0,
                      lambda v: f"The least squares solution could not be computed because the "
                                f"input matrix does not have full rank (error code: {v}).")
        else:
            _C._lapack_gelsd(a, b, sv, rank, info, float(rcond), driver == "gelsd")
            _raise_if(info, name, len(batch) > 0,
                      lambda v: "The algorithm failed to converge because the input matrix is "
                                "ill-conditioned or has too many repeated singular values "
                                f"(error code: {v}).")
    X = _matrices(b, batch)
    solution = X[..., :n, :]
    empty = mt.empty((0,), dtype=A.dtype)
    residuals = empty
    if m > n and driver != "gelsy" and (driver == "gels" or bool((rank == n).all())):
        residuals = (X[..., n:, :] ** 2).sum(-2)  # (..., k), also for a vector B
    if vec:
        solution = solution.squeeze(-1)
    rank_out = mt.empty((0,), dtype=mt.int64) if driver == "gels" else rank.view(batch)
    sv_out = _vectors(sv, batch) if driver in ("gelsd", "gelss") else mt.empty((0,),
                                                                                 dtype=A.dtype)
    return _rt.linalg_lstsq(solution, residuals, rank_out, sv_out)


def _tolerance(S, A, atol, rtol, name):
    """The per-matrix cut-off max(atol, rtol * largest singular value)."""
    mt = _mt()
    eps = 1.1920928955078125e-07 if A.dtype == mt.float32 else 2.220446049250313e-16
    if rtol is None:
        rtol = eps * max(A.shape[-2], A.shape[-1]) if atol is None or _zero(atol) else 0.0
    smax = S.amax(-1, keepdim=True) if S.shape[-1] > 0 else mt.zeros(S.shape[:-1] + (1,),
                                                                      dtype=S.dtype)
    tol = smax * rtol
    if atol is not None:
        tol = mt.maximum(tol, atol if isinstance(atol, mt.Tensor) else mt.full_like(tol, atol))
    return tol


def _zero(x):
    mt = _mt()
    return (not isinstance(x, mt.Tensor)) and x == 0


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """The Moore-Penrose pseudo-inverse from the SVD (eigh with hermitian=True),
    dropping singular values below max(atol, rtol * largest)."""
    mt = _mt()
    _check(A, "linalg.pinv", square=hermitian)
    if hermitian:
        w, V = _eigh_raw(A, "L", True, "linalg.pinv")
        tol = _tolerance(w.abs(), A, atol, rtol, "linalg.pinv")
        winv = mt.where(w.abs() > tol, 1 / w, mt.zeros_like(w))
        return _out((V * winv.unsqueeze(-2)) @ V.mT, out)
    U, S, Vh = _svd_raw(A, False, True, "linalg.pinv")
    tol = _tolerance(S, A, atol, rtol, "linalg.pinv")
    sinv = mt.where(S > tol, 1 / S, mt.zeros_like(S))
    return _out((Vh.mT * sinv.unsqueeze(-2)) @ U.mT, out)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """The number of singular values above max(atol, rtol * largest)."""
    _check(A, "linalg.matrix_rank", square=hermitian)
    if hermitian:
        S = _eigh_raw(A, "L", False, "linalg.matrix_rank")[0].abs()
    else:
        S = _svd_raw(A, False, False, "linalg.matrix_rank")[1]
    tol = _tolerance(S, A, atol, rtol, "linalg.matrix_rank")
    return _out((S > tol).sum(-1), out)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """Matrix norms over the two dims: 'fro', 'nuc', 2, -2 (singular values)
    and 1, -1, inf, -inf (column / row abs-sums)."""
    mt = _mt()
    dim = tuple(dim)
    if ord not in ("fro", "nuc", 2, -2, 1, -1, _math.inf, -_math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if not isinstance(A, mt.Tensor):
        raise TypeError(f"linalg.matrix_norm(): argument 'input' must be Tensor, not "
                        f"{type(A).__name__}")
    if A.dim() < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    if not (A.dtype.is_floating_point if dtype is None else dtype.is_floating_point):
        raise RuntimeError("linalg.matrix_norm: Expected a floating point or complex tensor as "
                           f"input. Got {_type_name(A.dtype if dtype is None else dtype)}")
    if ord in ("fro", 1, -1, _math.inf, -_math.inf):
        return norm(A, ord, dim, keepdim, out=out, dtype=dtype)
    if A.dtype in (mt.float16, mt.bfloat16) and dtype is None:
        low = A.dtype
        return _out(matrix_norm(A.float(), ord, dim, keepdim).to(low), out)
    if dtype is not None:
        A = A.to(dtype)
    nd = A.dim()
    r, c = (d % nd for d in dim)
    if r == c:
        raise RuntimeError("linalg.matrix_norm: dims must be different. Got (" f"{dim[0]}, {dim[1]})")
    Am = A.movedim((r, c), (-2, -1))
    _check(Am, "linalg.matrix_norm", square=False)
    S = _svd_raw(Am, False, False, "linalg.matrix_norm")[1]
    if ord == "nuc":
        res = S.sum(-1)
    else:
        res = S.amax(-1) if ord == 2 else S.amin(-1)
    if keepdim:
        for d in sorted((r, c)):
            res = res.unsqueeze(d)
    return _out(res, out)


def cond(A, p=None, *, out=None):
    """The condition number of each matrix in norm p (None/2: largest over
    smallest singular value)."""
    mt = _mt()
    if p in (None, 2, -2):
        _check(A, "linalg.cond", square=False)
        S = _svd_raw(A, False, False, "linalg.cond")[1]
        hi, lo = S.amax(-1), S.amin(-1)
        return _out(hi / lo if p in (None, 2) else lo / hi, out)
    _check(A, "linalg.cond")
    batch = tuple(A.shape[:-2])
    Ai, info = inv_ex(A)
    res = matrix_norm(A, p) * matrix_norm(Ai, p)
    res = mt.where(info.view(batch) != 0, mt.full_like(res, _math.inf), res)
    return _out(res, out)


def matrix_power(A, n, *, out=None):
    """A @ A @ ... (n times) by repeated squaring; n < 0 uses inv(A); n = 0 the identity."""
    mt = _mt()
    name = "linalg.matrix_power"
    if not isinstance(A, mt.Tensor):
        raise TypeError(f"{name}(): argument 'input' must be Tensor, not {type(A).__name__}")
    if A.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"{name}(): argument 'n' must be int, not {type(n).__name__}")
    if n == 0:
        return _out(mt.eye(A.shape[-1], dtype=A.dtype).expand(A.shape).clone(), out)
    if n < 0:
        A = inv(A)
        n = -n
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return _out(result if result is not A else A.clone(), out)


def multi_dot(tensors, *, out=None):
    """The product of a chain of matrices; the first and last may be vectors
    (taken as a row and a column)."""
    mt = _mt()
    ts = list(tensors)
    if len(ts) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(ts)}")
    first_vec, last_vec = ts[0].dim() == 1, ts[-1].dim() == 1
    if first_vec:
        ts[0] = ts[0].unsqueeze(0)
    if last_vec:
        ts[-1] = ts[-1].unsqueeze(-1)
    for i, t in enumerate(ts):
        if t.dim() != 2:
            if i == 0:
                raise RuntimeError("multi_dot(): the first tensor must be 1D or 2D but got "
                                   f"{tensors[0].dim()}D")
            if i == len(ts) - 1:
                raise RuntimeError("multi_dot(): the last tensor must be 1D or 2D but got "
                                   f"{tensors[-1].dim()}D")
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.dim()}D")
    for i in range(len(ts) - 1):
        if ts[i].shape[1] != ts[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes "
                               f"{list(tensors[i].shape)} and {list(tensors[i + 1].shape)} "
                               "cannot be multiplied")
    res = ts[0]
    for t in ts[1:]:
        res = mt.matmul(res, t)
    if first_vec:
        res = res.squeeze(0)
    if last_vec:
        res = res.squeeze(-1)
    return _out(res, out)


def vecdot(x, y, *, dim=-1, out=None):
    """The dot product of x and y along dim (broadcast), sum(x * y)."""
    mt = _mt()
    for t in (x, y):
        if not isinstance(t, mt.Tensor):
            raise TypeError(f"linalg.vecdot(): argument must be Tensor, not {type(t).__name__}")
        if not t.dtype.is_floating_point:
            raise RuntimeError("linalg.vecdot: Expected a floating point or complex tensor as "
                               f"input. Got {_type_name(t.dtype)}")
    return _out((x * y).sum(dim), out)


def matrix_exp(A):
    """exp(A) by scaling and squaring with a degree-13 Pade approximant
    (Higham 2005), the rational part solved with LAPACK's gesv."""
    mt = _mt()
    name = "linalg.matrix_exp"
    if isinstance(A, mt.Tensor) and A.dtype in (mt.float16, mt.bfloat16):
        return matrix_exp(A.float()).to(A.dtype)
    _check(A, name)
    n = A.shape[-1]
    if A.numel() == 0:
        return A.clone()
    b = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
         129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
         40840800.0, 960960.0, 16380.0, 182.0, 1.0)
    theta13 = 5.371920351148152
    norm1 = norm(A, 1, (-2, -1)).amax().item()
    s = max(0, int(_math.ceil(_math.log2(norm1 / theta13)))) if norm1 > theta13 else 0
    X = A / (2.0 ** s)
    eye = mt.eye(n, dtype=A.dtype).expand(A.shape)
    X2 = X @ X
    X4 = X2 @ X2
    X6 = X4 @ X2
    U = X @ (X6 @ (b[13] * X6 + b[11] * X4 + b[9] * X2) + b[7] * X6 + b[5] * X4 + b[3] * X2
             + b[1] * eye)
    V = X6 @ (b[12] * X6 + b[10] * X4 + b[8] * X2) + b[6] * X6 + b[4] * X4 + b[2] * X2 \
        + b[0] * eye
    R = _solve_raw(V - U, V + U, name)
    for _ in range(s):
        R = R @ R
    return R


def _install_top_level():
    """torch.det, inverse, slogdet, svd, cholesky_solve, pinverse and their
    Tensor methods."""
    mt = _mt()

    def top_det(input):
        return det(input)

    def top_inverse(input, *, out=None):
        return inv(input, out=out)

    def top_slogdet(input):
        return _rt.slogdet(*slogdet(input))

    def top_svd(input, some=True, compute_uv=True, *, out=None):
        if not compute_uv:
            _check(input, "svd", square=False)
            S = _svd_raw(input, False, False, "svd")[1]
            batch = tuple(input.shape[:-2])
            m, n = input.shape[-2], input.shape[-1]
            U = mt.zeros(batch + (m, m), dtype=input.dtype)
            V = mt.zeros(batch + (n, n), dtype=input.dtype)
            return _rt.svd(U, S, V)
        U, S, Vh = svd(input, full_matrices=not some)
        return _rt.svd(U, S, Vh.mT)

    def top_cholesky_solve(input, input2, upper=False, *, out=None):
        return _out(_cholesky_solve(input, input2, upper), out)

    def top_pinverse(input, rcond=1e-15):
        return pinv(input, rtol=rcond)

    def top_matrix_exp(A):
        return matrix_exp(A)

    fns = {"det": top_det, "inverse": top_inverse, "slogdet": top_slogdet, "svd": top_svd,
           "cholesky_solve": top_cholesky_solve, "pinverse": top_pinverse,
           "matrix_exp": top_matrix_exp, "logdet": None}

    def top_logdet(input):
        sign, la = slogdet(input)
        return mt.where(sign < 0, mt.full_like(la, _math.nan), la)

    fns["logdet"] = top_logdet
    for name, fn in fns.items():
        fn.__name__ = fn.__qualname__ = name
        setattr(mt, name, fn)
        if not hasattr(mt.Tensor, name):
            setattr(mt.Tensor, name, fn)


# Autograd of solve, inv, det, slogdet and cholesky: Functions whose backward
# formulas call the same LAPACK routines (under no_grad, so not twice
# differentiable: create_graph gives no history through them).
from .autograd import Function as _Function  # noqa: E402


def _sum_to(g, shape):
    """g summed over the broadcast dims down to `shape`."""
    shape = tuple(shape)
    lead = g.dim() - len(shape)
    if lead:
        g = g.sum(tuple(range(lead)))
    dims = tuple(i for i, s in enumerate(shape) if s == 1 and g.shape[i] != 1)
    return g.sum(dims, keepdim=True) if dims else g


class _Solve(_Function):
    @staticmethod
    def forward(ctx, A, B):
        X = _solve_raw(A, B, "torch.linalg.solve").contiguous()
        ctx.save_for_backward(A, X)
        ctx.shapes = (tuple(A.shape), tuple(B.shape))
        return X

    @staticmethod
    def backward(ctx, gX):
        A, X = ctx.saved_tensors
        gB = _solve_raw(A.mT, gX, "torch.linalg.solve")
        gA = -(gB @ X.mT)
        return _sum_to(gA, ctx.shapes[0]), _sum_to(gB, ctx.shapes[1])


class _Inv(_Function):
    @staticmethod
    def forward(ctx, A):
        Y = _inv_raw(A).contiguous()
        ctx.save_for_backward(Y)
        return Y

    @staticmethod
    def backward(ctx, g):
        (Y,) = ctx.saved_tensors
        return -(Y.mT @ g @ Y.mT)


class _Det(_Function):
    @staticmethod
    def forward(ctx, A):
        d = _det_raw(A)
        ctx.save_for_backward(A, d)
        return d

    @staticmethod
    def backward(ctx, g):
        A, d = ctx.saved_tensors
        # d(det A) = det(A) tr(A^-1 dA): gA = g det(A) A^-T (A must be invertible).
        return (g * d).unsqueeze(-1).unsqueeze(-1) * _inv_raw(A, "linalg.det").mT


class _Logabsdet(_Function):
    @staticmethod
    def forward(ctx, A):
        ctx.save_for_backward(A)
        return _slogdet_raw(A)[1]

    @staticmethod
    def backward(ctx, g):
        (A,) = ctx.saved_tensors
        return g.unsqueeze(-1).unsqueeze(-1) * _inv_raw(A, "linalg.slogdet").mT


class _Cholesky(_Function):
    @staticmethod
    def forward(ctx, A):
        L = _cholesky_raw(A, False, "linalg.cholesky")[0].contiguous()
        ctx.save_for_backward(L)
        return L

    @staticmethod
    def backward(ctx, gL):
        mt = _mt()
        (L,) = ctx.saved_tensors
        # gA = L^-T Phi(L^T gL) L^-1, symmetrised; Phi keeps the lower
        # triangle and halves the diagonal.
        P = mt.tril(L.mT @ gL)
        P = P - 0.5 * mt.diag_embed(P.diagonal(0, -2, -1))
        Li = _inv_raw(L, "linalg.cholesky")
        gA = Li.mT @ P @ Li
        return 0.5 * (gA + gA.mT)
# ---- end LAPACK ----
