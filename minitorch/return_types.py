"""minitorch.return_types: the named-tuple types of ops that return several
tensors, as torch.return_types (``values, indices = t.max(0)``, ``r.values``).

Every type is a C struct sequence made by ``_C._return_type`` (the one
mechanism; the glue builds its results with the same types). They are tuple
subclasses, so they unpack, index and compare like tuples. One line per type.
"""

from . import _C

max = _C._return_type("max")  # noqa: A001
min = _C._return_type("min")  # noqa: A001
aminmax = _C._return_type("aminmax")
cummax = _C._return_type("cummax")
cummin = _C._return_type("cummin")
sort = _C._return_type("sort")
topk = _C._return_type("topk")
kthvalue = _C._return_type("kthvalue")
median = _C._return_type("median")
nanmedian = _C._return_type("nanmedian")
frexp = _C._return_type("frexp")

__all__ = ["max", "min", "aminmax", "cummax", "cummin", "sort", "topk", "kthvalue", "median",
           "nanmedian", "frexp"]

# ---- linalg (minitorch/linalg.py) ----
# The named tuples of minitorch.linalg, named as torch.return_types names them.
# _C._return_type builds two-field struct sequences only and lstsq has four
# fields, so these are collections.namedtuple types (tuple subclasses too:
# they unpack, index and compare like tuples, and have the same field names).
import collections as _collections  # noqa: E402


def _linalg_type(name, fields):
    t = _collections.namedtuple(name, fields)
    t.__module__ = "minitorch.return_types"
    t.__qualname__ = name
    return t


slogdet = _linalg_type("slogdet", ["sign", "logabsdet"])
svd = _linalg_type("svd", ["U", "S", "V"])
linalg_slogdet = _linalg_type("linalg_slogdet", ["sign", "logabsdet"])
linalg_qr = _linalg_type("linalg_qr", ["Q", "R"])
linalg_eigh = _linalg_type("linalg_eigh", ["eigenvalues", "eigenvectors"])
linalg_eig = _linalg_type("linalg_eig", ["eigenvalues", "eigenvectors"])
linalg_svd = _linalg_type("linalg_svd", ["U", "S", "Vh"])
linalg_lstsq = _linalg_type("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])
linalg_cholesky_ex = _linalg_type("linalg_cholesky_ex", ["L", "info"])
linalg_inv_ex = _linalg_type("linalg_inv_ex", ["inverse", "info"])
__all__ += ["slogdet", "svd", "linalg_slogdet", "linalg_qr", "linalg_eigh", "linalg_eig",
            "linalg_svd", "linalg_lstsq", "linalg_cholesky_ex", "linalg_inv_ex"]
# ---- end linalg ----
