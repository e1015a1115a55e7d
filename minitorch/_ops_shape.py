"""Python-level parts of the shape op family.

Most ops are C functions in ``_C`` (ext/python/ops_shape.cpp and
ops_index.cpp). What lives here is thin composition of those: the *stack
helpers, atleast_*d, meshgrid, cartesian_prod, broadcast_shapes, and the
one-argument form of ``where``.
"""

import builtins

from . import _C

__all__ = [
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "broadcast_shapes",
    "cartesian_prod",
    "column_stack",
    "dstack",
    "hstack",
    "meshgrid",
    "row_stack",
    "vstack",
    "where",
]


def _tensors_arg(tensors, name):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    for i, t in enumerate(tensors):
        if not isinstance(t, _C.TensorBase):
            raise TypeError(f"{name}(): expected Tensor as element {i}, but got {type(t).__name__}")
    return tensors


def _atleast(tensors, n, name):
    tensors = _tensors_arg(tensors, name)
    out = []
    for t in tensors:
        if t.dim() == 0:
            t = t.reshape((1,) * n)
        elif n >= 2 and t.dim() == 1:
            t = t.unsqueeze(0)
            if n == 3:
                t = t.unsqueeze(-1)
        elif n == 3 and t.dim() == 2:
            t = t.unsqueeze(-1)
        out.append(t)
    return out[0] if len(out) == 1 else tuple(out)


def atleast_1d(*tensors):
    """Views of the inputs with at least one dimension."""
    return _atleast(tensors, 1, "atleast_1d")


def atleast_2d(*tensors):
    """Views of the inputs with at least two dimensions (a vector becomes a row)."""
    return _atleast(tensors, 2, "atleast_2d")


def atleast_3d(*tensors):
    """Views of the inputs with at least three dimensions (as NumPy's atleast_3d)."""
    return _atleast(tensors, 3, "atleast_3d")


def _as_list(x):
    return list(x) if isinstance(x, tuple) else x if isinstance(x, list) else [x]


def hstack(tensors, *, out=None):
    """Concatenates along dim 1 (dim 0 for vectors)."""
    ts = [atleast_1d(t) for t in _tensors_arg((tensors,), "hstack")]
    dim = 0 if ts and ts[0].dim() == 1 else 1
    return _C.cat(ts, dim, out=out)


def vstack(tensors, *, out=None):
    """Concatenates along dim 0 after making every input at least 2-D."""
    ts = [atleast_2d(t) for t in _tensors_arg((tensors,), "vstack")]
    return _C.cat(ts, 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None):
    """Concatenates along dim 2 after making every input at least 3-D."""
    ts = [atleast_3d(t) for t in _tensors_arg((tensors,), "dstack")]
    return _C.cat(ts, 2, out=out)


def column_stack(tensors, *, out=None):
    """Stacks 0-d and 1-D inputs as columns, concatenating the rest along dim 1."""
    ts = []
    for t in _tensors_arg((tensors,), "column_stack"):
        if t.dim() <= 1:
            t = t.reshape(t.numel(), 1)
        ts.append(t)
    return _C.cat(ts, 1, out=out)


def broadcast_shapes(*shapes):
    """The shape that tensors of the given shapes broadcast to (computed in C++)."""
    norm = []
    for shape in shapes:
        if isinstance(shape, builtins.int) or hasattr(shape, "__index__") and not isinstance(
                shape, (tuple, list)):
            shape = (shape,)
        norm.append(tuple(builtins.int(s) for s in shape))
    from ._device import Size
    return Size(_C._broadcast_shapes(norm))


def meshgrid(*tensors, indexing=None):
    """Coordinate grids as expanded views of 0-d or 1-D inputs.

    ``indexing='ij'`` (the default, as PyTorch) gives shape (len(t0), len(t1), ...);
    ``'xy'`` swaps the first two dims, as NumPy's default.
    """
    ts = _tensors_arg(tensors, "meshgrid")
    if indexing is None:
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise ValueError(
            f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    if not ts:
        raise RuntimeError("torch.meshgrid: Expected at least one tensor")
    for t in ts:
        if t.dim() > 1:
            raise RuntimeError(
                f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t.dim()}D")
        if t.dtype != ts[0].dtype:
            raise RuntimeError("torch.meshgrid: Expected all tensors in the tensor list to have "
                               "the same dtype.")
        if t.device != ts[0].device:
            raise RuntimeError("torch.meshgrid: Expected all tensors in the tensor list to have "
                               "the same device.")
    ts = [t.reshape(-1) for t in ts]
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = [t.numel() for t in ts]
    n = len(ts)
    grids = []
    for i, t in enumerate(ts):
        view = [1] * n
        view[i] = -1
        grids.append(t.view(view).expand(shape))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def cartesian_prod(*tensors):
    """The Cartesian product of 1-D inputs, as rows of a (N, len(tensors)) tensor."""
    ts = _tensors_arg(tensors, "cartesian_prod")
    for t in ts:
        if t.dim() != 1:
            raise RuntimeError(
                f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(ts) == 1:
        return ts[0]
    grids = meshgrid(*ts, indexing="ij")
    return _C.stack([g.reshape(-1) for g in grids], 1)


def where(condition, input=None, other=None, *, out=None):
    """``where(condition)`` is ``nonzero(condition, as_tuple=True)``; the
    three-argument form selects from ``input`` and ``other`` (elementwise family)."""
    if input is None and other is None:
        if out is not None:
            raise TypeError("where(condition) takes no out= argument")
        return _C.nonzero(condition, as_tuple=True)
    three = getattr(_C, "where", None)
    if three is None:  # the elementwise family may define it in Python
        from . import _ops_elementwise

        three = getattr(_ops_elementwise, "where", None)
    if three is None or three is where:
        raise NotImplementedError("where(condition, input, other) is not available in this build")
    if out is None:
        return three(condition, input, other)
    return three(condition, input, other, out=out)
