"""Resizing and unpooling: interpolate / upsample and max_unpool1d/2d/3d.

Every interpolation mode here is separable: the output is the input multiplied, along
each spatial dimension in turn, by a small (out x in) weight matrix built in NumPy from
PyTorch's coordinate rules (see Note [Interpolation as separable matrices]).  The
matrices are constants, so autograd flows through the matmuls to the input.  Nearest
modes gather with index_select instead.  A fused C++ kernel can replace
``_resize_dim`` later without touching the public functions.
"""

import math
import warnings

import numpy as np

import minitorch as _mt

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear",
           "max_unpool1d", "max_unpool2d", "max_unpool3d"]

# Note [Interpolation as separable matrices]
# PyTorch's upsample kernels (nearest, linear/bilinear/trilinear, bicubic) and
# adaptive average pooling (mode='area') all weight input samples by a product of
# per-dimension factors, so they equal a sequence of 1-D resizes, one per spatial
# dimension.  For each dimension we build the (out, in) matrix of those factors:
#   * source coordinate: align_corners -> dst * (in-1)/(out-1); otherwise the
#     half-pixel rule (dst + 0.5) * s - 0.5 with s = 1/scale_factor when a scale is
#     passed on to the kernel, else in/out; linear clamps negative coordinates to 0,
#     cubic does not;
#   * linear: weights 1-l, l on floor(src) and the next sample (clamped at the end);
#   * cubic: Keys' kernel with A = -0.75 on floor(src)-1 .. floor(src)+2, the taps
#     clamped to the border (duplicates add up);
#   * area: the adaptive-average window [floor(o*in/out), ceil((o+1)*in/out)).
# Nearest modes pick floor(dst * s) (nearest) or floor((dst + 0.5) * s)
# ('nearest-exact'), computed in float32 as PyTorch does, clamped to in-1.
# A dimension whose size does not change is copied by the linear modes and by 2-D
# nearest, which also maps a doubled size to dst // 2, even when a scale_factor is
# passed on (PyTorch's kernels do; its 1-D and 3-D nearest kernels use the scale).

_A = -0.75


def _scale_value(scale, n_in, n_out):
    # PyTorch's compute_scales_value: 1/scale when a scale is given, else in/out
    if scale is not None and scale > 0:
        return 1.0 / scale
    return n_in / n_out


def _area_scale(n_in, n_out, align_corners, scale):
    if align_corners:
        return (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    return _scale_value(scale, n_in, n_out)


def _source_coords(n_in, n_out, align_corners, scale, cubic, ftype):
    s = ftype(_area_scale(n_in, n_out, align_corners, scale))
    dst = np.arange(n_out, dtype=ftype)
    if align_corners:
        return s * dst
    src = s * (dst + ftype(0.5)) - ftype(0.5)
    if not cubic:
        src = np.maximum(src, ftype(0))
    return src


def _linear_matrix(n_in, n_out, align_corners, scale, ftype):
    src = _source_coords(n_in, n_out, align_corners, scale, False, ftype)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    lam = np.clip(src - i0, 0, 1)
    i1 = np.where(i0 < n_in - 1, i0 + 1, i0)
    w = np.zeros((n_out, n_in), dtype=np.float64)
    rows = np.arange(n_out)
    np.add.at(w, (rows, i0), 1 - lam)
    np.add.at(w, (rows, i1), lam)
    return w


def _cubic_matrix(n_in, n_out, align_corners, scale, ftype):
    src = _source_coords(n_in, n_out, align_corners, scale, True, ftype).astype(np.float64)
    base = np.floor(src).astype(np.int64)
    t = src - base

    def near(x):  # |x| <= 1
        return ((_A + 2) * x - (_A + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((_A * x - 5 * _A) * x + 8 * _A) * x - 4 * _A

    coeffs = (far(t + 1), near(t), near(1 - t), far(2 - t))
    w = np.zeros((n_out, n_in), dtype=np.float64)
    rows = np.arange(n_out)
    for k, c in enumerate(coeffs):
        np.add.at(w, (rows, np.clip(base - 1 + k, 0, n_in - 1)), c)
    return w


def _area_matrix(n_in, n_out):
    w = np.zeros((n_out, n_in), dtype=np.float64)
    for o in range(n_out):
        lo = (o * n_in) // n_out
        hi = -((-(o + 1) * n_in) // n_out)
        w[o, lo:hi] = 1.0 / (hi - lo)
    return w


def _nearest_index(n_in, n_out, scale, exact, shortcuts):
    f32 = np.float32
    dst = np.arange(n_out, dtype=np.int64)
    if shortcuts:  # PyTorch's 2-D nearest kernel only
        if n_out == n_in:
            return dst
        if n_out == 2 * n_in:
            return dst >> 1
    s = f32(_scale_value(scale, n_in, n_out))
    if exact:
        pos = ((dst + 0.5) * np.float64(s)).astype(f32)
    else:
        pos = dst.astype(f32) * s
    return np.minimum(np.floor(pos).astype(np.int64), n_in - 1)


def _resize_dim(x, dim, n_out, mode, align_corners, scale):
    n_in = x.shape[dim]
    if mode in ("nearest", "nearest-exact"):
        idx = _nearest_index(n_in, n_out, scale, mode == "nearest-exact",
                             mode == "nearest" and x.dim() == 4)
        return _mt.index_select(x, dim, _mt.from_numpy(idx))
    ftype = np.float64 if x.dtype == _mt.float64 else np.float32
    if mode == "area":
        w = _area_matrix(n_in, n_out)
    elif mode == "cubic":
        w = _cubic_matrix(n_in, n_out, align_corners, scale, ftype)
    else:
        w = _linear_matrix(n_in, n_out, align_corners, scale, ftype)
    wt = _mt.from_numpy(np.ascontiguousarray(w.T)).to(x.dtype)
    return (x.movedim(dim, -1) @ wt).movedim(-1, dim)


def _type_name(dtype):
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}.get(str(dtype).split(".")[-1], str(dtype))


_MODES = "nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact"
# (input dim, mode) -> the mode needs this many dims
_NEEDS = {"linear": 3, "bilinear": 4, "trilinear": 5, "bicubic": 4}


def _check_dims(dim, mode):
    need = _NEEDS.get(mode)
    if dim in (3, 4, 5) and mode in ("nearest", "nearest-exact", "area"):
        return
    if need == dim:
        return
    if dim in (3, 4, 5) and need is not None and mode != "bicubic":
        raise NotImplementedError(f"Got {dim}D input, but {mode} mode needs {need}D input")
    raise NotImplementedError(
        f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {dim}D) for the "
        f"modes: {_MODES} (got {mode})")


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resizes ``input`` (N, C, d1, ..., dK) to ``size`` or by ``scale_factor``."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating "
                             "modes: linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    spatial = list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    scales = None
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but "
                    f"got input with spatial dimensions of {spatial} and output size of "
                    f"{size}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                    "and output size in (o1, o2, ...,oK) format.")
            out_size = [int(s) for s in size]
        else:
            out_size = [int(size)] * dim
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions,"
                    f" but got input with spatial dimensions of {spatial} and scale_factor "
                    f"of shape {scale_factor}. Please provide input tensor in (N, C, d1, "
                    "d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.")
            scales = [float(s) for s in scale_factor]
        else:
            scales = [float(scale_factor)] * dim
        out_size = None
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor is not None and recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and out_size is None:
        recompute_scale_factor = True
    if out_size is None:
        out_size = [math.floor(float(n) * s) for n, s in zip(spatial, scales)]
        if recompute_scale_factor:
            scales = None
    if antialias:
        if not (mode in ("bilinear", "bicubic") and input.dim() == 4):
            raise ValueError("Anti-alias option is restricted to bilinear and bicubic modes "
                             "and requires a 4-D tensor as input")
        raise NotImplementedError("interpolate: antialias=True is not supported yet")
    _check_dims(input.dim(), mode)
    if any(n <= 0 for n in spatial) or any(o < 0 or (o == 0 and mode != "area")
                                           for o in out_size):
        raise RuntimeError(
            f"Input and output sizes should be greater than 0, but got input {tuple(spatial)} "
            f"output {tuple(out_size)}")
    if mode not in ("nearest", "nearest-exact") and not input.dtype.is_floating_point:
        kernel = f"adaptive_avg_pool{dim}d" if mode == "area" else f"upsample_{mode}{dim}d"
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{_type_name(input.dtype)}'")
    kind = {"bilinear": "linear", "trilinear": "linear", "bicubic": "cubic"}.get(mode, mode)
    x = input
    for i in range(dim):
        # PyTorch's linear kernels (and its 2-D nearest one) copy a dimension whose size
        # does not change, whatever the scale; the others resample it by the scale
        if out_size[i] == spatial[i] and (
                kind == "linear" or (kind == "nearest" and dim == 2) or (
                    kind in ("nearest", "nearest-exact") and (
                        scales is None or scales[i] == 1.0))):
            continue
        s = None if scales is None else scales[i]
        x = _resize_dim(x, 2 + i, out_size[i], kind, align_corners, s)
    if x is input:
        x = input.clone()
    return x


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of :func:`interpolate`."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(..., mode='nearest')``."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(..., mode='bilinear', align_corners=True)``."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---------------------------------------------------------------- max_unpool
def _ntuple(v, n):
    if isinstance(v, (list, tuple)):
        return tuple(int(a) for a in v)
    return (int(v),) * n


def _unpool_size(input, kernel, stride, padding, output_size):
    d = len(kernel)
    default = [(input.shape[-d + i] - 1) * stride[i] + kernel[i] - 2 * padding[i]
               for i in range(d)]
    if output_size is None:
        return default
    output_size = list(output_size)
    if len(output_size) == d + 2:
        output_size = output_size[2:]
    elif len(output_size) == d + 1 and input.dim() == d + 1:
        output_size = output_size[1:]
    if len(output_size) != d:
        raise ValueError(f"output_size should be a sequence containing {d} or {d + 2} "
                         f"elements, but it has a length of '{len(output_size)}'")
    for i in range(d):
        lo, hi = default[i] - stride[i], default[i] + stride[i]
        if not lo < output_size[i] < hi:
            raise ValueError(f'invalid output_size "{output_size}" (dim {i} must be between '
                             f"{lo} and {hi})")
    return [int(s) for s in output_size]


def _max_unpool(name, d, input, indices, kernel_size, stride, padding, output_size):
    kernel = _ntuple(kernel_size, d)
    stride = kernel if stride is None else _ntuple(stride, d)
    padding = _ntuple(padding, d)
    if input.dim() not in (d + 1, d + 2):
        raise RuntimeError(f"{name}: Expected {d + 1}D or {d + 2}D input, but got "
                           f"{input.dim()}D input")
    if indices.dtype != _mt.int64:
        raise RuntimeError(f"{name}: elements in indices should be type int64 but got: "
                           f"{indices.dtype}")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"{name}: Expected shape of indices to be same as that of the "
                           f"input tensor ({list(input.shape)}) but got indices tensor with "
                           f"shape: {list(indices.shape)}")
    out_sp = _unpool_size(input, kernel, stride, padding, output_size)
    unbatched = input.dim() == d + 1
    x = input.unsqueeze(0) if unbatched else input
    idx = indices.unsqueeze(0) if unbatched else indices
    n, c = x.shape[:2]
    plane = math.prod(out_sp)
    flat_idx = idx.reshape(n, c, -1)
    if flat_idx.numel() and (int(flat_idx.min()) < 0 or int(flat_idx.max()) >= plane):
        bad = int(flat_idx.max()) if int(flat_idx.max()) >= plane else int(flat_idx.min())
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size "
                           f"{'x'.join(str(s) for s in out_sp)})")
    out = _mt.zeros((n, c, plane), dtype=x.dtype).scatter(2, flat_idx, x.reshape(n, c, -1))
    out = out.reshape((n, c) + tuple(out_sp))
    return out.squeeze(0) if unbatched else out


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Inverse of max_pool1d(return_indices=True): zeros except at ``indices``."""
    return _max_unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding,
                       output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Inverse of max_pool2d(return_indices=True): zeros except at ``indices``."""
    return _max_unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding,
                       output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Inverse of max_pool3d(return_indices=True): zeros except at ``indices``."""
    return _max_unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding,
                       output_size)
