"""Functional convolution, pooling and channel dropout (issue 14, first part).

Convolution, transposed convolution, ``unfold`` and ``fold`` of floating
tensors run as fused C++ ops (``_C.convolution``, ``_C._im2col``,
``_C._col2im``; Note [Convolution as GEMM] in ext/ops/conv.cpp) with their own
backward, and so do max / average pooling, plain and adaptive (``_C._pool``,
one backward node each; Note [Fused pooling] in ext/ops/pool.cpp). This file
keeps the argument checks (PyTorch's messages), the output sizes (ceil_mode),
the 'same'/'valid' padding strings, and the composite paths below for integer
convolutions, built from minitorch tensor ops:

- (integer dtypes) convolution is im2col as a strided view (``as_strided`` over the padded
  input: one window per output position), one copy into a column matrix,
  and a batched BLAS matmul with the weight, per group;
- transposed convolution is a convolution of the input with zeros inserted
  between its elements (``stride - 1`` of them), padded by
  ``dilation * (kernel - 1) - padding``, with the weight flipped and its two
  channel dims swapped;
- ``fold`` is a transposed convolution with one-hot weights, ``unfold`` the
  column matrix itself.
"""

import math

import minitorch as _mt

from .. import _C
from .._kernel_fallback import fused as _fused_or_host
from ._functional_layers import pad as _pad

# fused ops, run on the CPU where the device has no kernel yet (minitorch/_kernel_fallback.py)
_dev_convolution = _fused_or_host(_C.convolution, "nn.im2col")
_dev_im2col = _fused_or_host(_C._im2col, "nn.im2col")
_dev_col2im = _fused_or_host(_C._col2im, "nn.col2im")
_dev_pool = _fused_or_host(_C._pool, "nn.pool_forward")

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "unfold", "fold", "max_pool1d", "max_pool2d", "max_pool3d",
           "max_pool1d_with_indices", "max_pool2d_with_indices", "avg_pool1d", "avg_pool2d",
           "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
           "adaptive_max_pool1d",
           "adaptive_max_pool2d", "dropout1d", "dropout2d", "dropout3d", "lp_pool2d",
           "pixel_shuffle", "pixel_unshuffle"]


def _tuple(v, n, name="argument"):
    if isinstance(v, (list, tuple)):
        if len(v) == 1:
            return tuple(int(v[0]) for _ in range(n))
        if len(v) != n:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} "
                               f"values to match the convolution dimensions, but got "
                               f"{name}={list(v)}")
        return tuple(int(x) for x in v)
    return (int(v),) * n


def _size_list(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _batched(input, d, name):
    """input with a batch dim (unbatched inputs get one), and whether it was added."""
    if input.dim() == d + 1:
        return input.unsqueeze(0), True
    if input.dim() != d + 2:
        raise RuntimeError(f"Expected {d + 1}D (unbatched) or {d + 2}D (batched) input to "
                           f"{name}, but got input of size: {_size_list(input.shape)}")
    return input, False


def _windows(x, kernel, stride, dilation):
    """The view (N, C, *out, *kernel) of x (N, C, *spatial): window per output position."""
    x = x.contiguous()
    sp = x.shape[2:]
    out = [(s - dl * (k - 1) - 1) // st + 1 for s, k, st, dl in zip(sp, kernel, stride, dilation)]
    st = x.stride()
    sizes = tuple(x.shape[:2]) + tuple(out) + tuple(kernel)
    strides = (st[0], st[1]) + tuple(st[2 + i] * stride[i] for i in range(len(sp))) + \
        tuple(st[2 + i] * dilation[i] for i in range(len(sp)))
    return x.as_strided(sizes, strides), out


def _check_kernel_fits(padded, kernel, dilation):
    eff = [dl * (k - 1) + 1 for k, dl in zip(kernel, dilation)]
    if any(e > s for e, s in zip(eff, padded)):
        raise RuntimeError(
            "Calculated padded input size per channel: (" + " x ".join(map(str, padded)) +
            "). Kernel size: (" + " x ".join(map(str, eff)) +
            "). Kernel size can't be greater than actual input size")


def _same_padding(kernel, dilation):
    """(left, right) per dim for padding='same' (an odd total puts the extra on the right)."""
    pads = []
    for k, dl in zip(kernel, dilation):
        total = dl * (k - 1)
        pads.append((total // 2, total - total // 2))
    return pads


def _zero_pad(x, pads):
    flat = []
    for lo, hi in reversed(pads):
        flat += [lo, hi]
    if any(flat):
        return _pad(x, flat)
    return x


def _convnd(input, weight, bias, stride, padding, dilation, groups, d, name):
    if not isinstance(input, _mt.Tensor) or not isinstance(weight, _mt.Tensor):
        raise TypeError(f"{name}() expected Tensor arguments for input and weight")
    x, unbatched = _batched(input, d, name)
    stride = _tuple(stride, d, "stride")
    dilation = _tuple(dilation, d, "dilation")
    if weight.dim() != d + 2:
        raise RuntimeError("weight should have at least three dimensions" if d == 1 else
                           f"Expected {d + 2}-dimensional weight for {d + 2}-dimensional input "
                           f"{_size_list(x.shape)}, but got {weight.dim()}-dimensional weight "
                           f"of size {_size_list(weight.shape)} instead")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(v <= 0 for v in dilation):
        raise RuntimeError("dilation should be greater than zero")
    cout, cin_g = weight.shape[0], weight.shape[1]
    kernel = tuple(weight.shape[2:])
    if x.shape[1] != cin_g * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {_size_list(weight.shape)}, expected "
            f"input{_size_list(x.shape)} to have {cin_g * groups} channels, but got "
            f"{x.shape[1]} channels instead")
    if cout % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by "
                           f"{groups} at dimension 0, but got weight of size "
                           f"{_size_list(weight.shape)} instead")
    if isinstance(padding, str):
        if padding == "valid":
            pads = [(0, 0)] * d
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = _same_padding(kernel, dilation)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        p = _tuple(padding, d, "padding")
        if any(v < 0 for v in p):
            raise RuntimeError("negative padding is not supported")
        pads = [(v, v) for v in p]
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != cout):
        raise RuntimeError(f"Given weight of size {_size_list(weight.shape)}, expected bias to "
                           f"be 1-dimensional with {cout} elements, but got bias of size "
                           f"{_size_list(bias.shape)} instead")
    if x.dtype != weight.dtype:
        raise RuntimeError(f"Input type ({x.dtype}) and weight type ({weight.dtype}) should be "
                           "the same")
    padded = [s + lo + hi for s, (lo, hi) in zip(x.shape[2:], pads)]
    _check_kernel_fits(padded, kernel, dilation)
    if x.dtype.is_floating_point:
        # The fused op (ext/ops/conv.cpp) takes symmetric padding: an odd 'same' total pads
        # its extra element on the right first.
        if any(hi != lo for lo, hi in pads):
            x = _zero_pad(x, [(0, hi - lo) for lo, hi in pads])
        y = _dev_convolution(x, weight, bias, stride, [lo for lo, _ in pads], dilation, False,
                            [0], groups)
        return y.squeeze(0) if unbatched else y
    # Integer dtypes (which the fused op refuses): the composite path below.
    xp = _zero_pad(x, pads)
    win, out = _windows(xp, kernel, stride, dilation)
    n = x.shape[0]
    K = math.prod(kernel)
    L = math.prod(out)
    # (N, C, *out, *k) -> (N, C, *k, *out) -> (N, g, C/g * K, L)
    perm = (0, 1) + tuple(range(2 + d, 2 + 2 * d)) + tuple(range(2, 2 + d))
    cols = win.permute(perm).reshape(n, groups, cin_g * K, L)
    w = weight.reshape(groups, cout // groups, cin_g * K)
    y = _mt.matmul(w, cols).reshape((n, cout) + tuple(out))
    if bias is not None:
        y = y + bias.reshape((1, cout) + (1,) * d)
    return y.squeeze(0) if unbatched else y


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution over (N, C, L) or (C, L); see ``nn.Conv1d``."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution over (N, C, H, W) or (C, H, W); see ``nn.Conv2d``."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution over (N, C, D, H, W) or (C, D, H, W); see ``nn.Conv3d``."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def _conv_transposend(input, weight, bias, stride, padding, output_padding, groups, dilation, d,
                      name):
    x, unbatched = _batched(input, d, name)
    stride = _tuple(stride, d, "stride")
    padding = _tuple(padding, d, "padding")
    output_padding = _tuple(output_padding, d, "output_padding")
    dilation = _tuple(dilation, d, "dilation")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(v < 0 for v in padding):
        raise RuntimeError("negative padding is not supported")
    for op, s, dl in zip(output_padding, stride, dilation):
        if op >= s and op >= dl:
            raise RuntimeError("output padding must be smaller than either stride or dilation, "
                               f"but got output_padding={list(output_padding)}, "
                               f"stride={list(stride)}, dilation={list(dilation)}")
    cin, cout_g = weight.shape[0], weight.shape[1]
    if x.shape[1] != cin:
        raise RuntimeError(
            f"Given transposed=1, weight of size {_size_list(weight.shape)}, expected "
            f"input{_size_list(x.shape)} to have {cin} channels, but got {x.shape[1]} channels "
            "instead")
    if cin % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by "
                           f"{groups} at dimension 0, but got weight of size "
                           f"{_size_list(weight.shape)} instead")
    kernel = tuple(weight.shape[2:])
    if x.dtype.is_floating_point:
        y = _dev_convolution(x, weight, bias, stride, padding, dilation, True, output_padding,
                            groups)
        return y.squeeze(0) if unbatched else y
    n, sp = x.shape[0], tuple(x.shape[2:])
    # zeros between the input's elements
    if any(s > 1 for s in stride):
        up = _mt.zeros((n, cin) + tuple((s - 1) * st + 1 for s, st in zip(sp, stride)),
                       dtype=x.dtype, device=x.device)
        up[(slice(None), slice(None)) + tuple(slice(None, None, st) for st in stride)] = x
    else:
        up = x
    # padding dilation * (k - 1) - padding on each side, plus output_padding on the right;
    # a negative amount crops.
    pads = [(dl * (k - 1) - p, dl * (k - 1) - p + op)
            for k, dl, p, op in zip(kernel, dilation, padding, output_padding)]
    crop = [(max(-lo, 0), max(-hi, 0)) for lo, hi in pads]
    if any(c for pair in crop for c in pair):
        idx = (slice(None), slice(None)) + tuple(
            slice(lo, up.shape[2 + i] - hi) for i, (lo, hi) in enumerate(crop))
        up = up[idx]
    up = _zero_pad(up, [(max(lo, 0), max(hi, 0)) for lo, hi in pads])
    # weight (Cin, Cout/g, *k) -> (Cout, Cin/g, *k), flipped spatially
    w = weight.reshape((groups, cin // groups, cout_g) + kernel).transpose(1, 2)
    w = w.reshape((groups * cout_g, cin // groups) + kernel).flip(tuple(range(2, 2 + d)))
    y = _convnd(up, w, bias, 1, 0, dilation, groups, d, name)
    return y.squeeze(0) if unbatched else y


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """The transposed 1-D convolution ("deconvolution"); see ``nn.ConvTranspose1d``."""
    return _conv_transposend(input, weight, bias, stride, padding, output_padding, groups,
                             dilation, 1, "conv_transpose1d")


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """The transposed 2-D convolution; see ``nn.ConvTranspose2d``."""
    return _conv_transposend(input, weight, bias, stride, padding, output_padding, groups,
                             dilation, 2, "conv_transpose2d")


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """The transposed 3-D convolution; see ``nn.ConvTranspose3d``."""
    return _conv_transposend(input, weight, bias, stride, padding, output_padding, groups,
                             dilation, 3, "conv_transpose3d")


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """im2col: (N, C, H, W) -> (N, C * kh * kw, L), one column per window."""
    if input.dim() not in (3, 4):
        # IndexError: the class PyTorch raises here (its message is a dim-range one)
        raise IndexError("Input Error: Only 3D or 4D input Tensors are supported (got "
                         f"{input.dim()}D)")
    x, unbatched = (input.unsqueeze(0), True) if input.dim() == 3 else (input, False)
    kernel = _tuple(kernel_size, 2)
    dilation, padding, stride = _tuple(dilation, 2), _tuple(padding, 2), _tuple(stride, 2)
    _check_kernel_fits([s + 2 * p for s, p in zip(x.shape[2:], padding)], kernel, dilation)
    cols = _dev_im2col(x, kernel, dilation, padding, stride)
    return cols.squeeze(0) if unbatched else cols


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im, the inverse arrangement of ``unfold``: overlapping windows are summed."""
    if input.dim() not in (2, 3):
        raise RuntimeError("Input Error: Only unbatched (2D) or batched (3D) input Tensors are "
                           f"supported (got {input.dim()}D)")
    x, unbatched = (input.unsqueeze(0), True) if input.dim() == 2 else (input, False)
    size = _tuple(output_size, 2)
    kernel = _tuple(kernel_size, 2)
    dilation, padding, stride = _tuple(dilation, 2), _tuple(padding, 2), _tuple(stride, 2)
    K = kernel[0] * kernel[1]
    n, ck, L = x.shape
    if ck % K:
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={ck} and "
                           f"kernel_size=({kernel[0]}, {kernel[1]})")
    blocks = [(size[i] + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) // stride[i] + 1
              for i in range(2)]
    if blocks[0] * blocks[1] != L:
        raise RuntimeError(f"Given output_size=({size[0]}, {size[1]}), kernel_size=({kernel[0]}, "
                           f"{kernel[1]}), dilation=({dilation[0]}, {dilation[1]}), padding=("
                           f"{padding[0]}, {padding[1]}), stride=({stride[0]}, {stride[1]}), "
                           f"expected size of input's dimension 2 to match the calculated number "
                           f"of sliding blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}"
                           f", but got input.size(2)={L}.")
    if x.dtype.is_floating_point:
        y = _dev_col2im(x, size, kernel, dilation, padding, stride)
        return y.squeeze(0) if unbatched else y
    c = ck // K
    onehot = _mt.eye(K, dtype=x.dtype, device=x.device).reshape(K, 1, *kernel).repeat(c, 1, 1, 1)
    full = [(blocks[i] - 1) * stride[i] + dilation[i] * (kernel[i] - 1) + 1 for i in range(2)]
    extra = [size[i] + 2 * padding[i] - full[i] for i in range(2)]
    y = _conv_transposend(x.reshape(n, ck, blocks[0], blocks[1]), onehot, None, stride, 0, 0, c,
                          dilation, 2, "fold")
    y = _zero_pad(y, [(0, extra[0]), (0, extra[1])])
    y = y[:, :, padding[0]:padding[0] + size[0], padding[1]:padding[1] + size[1]]
    return y.squeeze(0) if unbatched else y


# ---------------------------------------------------------------- pooling

def _pool_out(s, k, st, p, dl, ceil_mode):
    eff = dl * (k - 1) + 1
    if ceil_mode:
        out = -(-(s + 2 * p - eff) // st) + 1
        if (out - 1) * st >= s + p:
            out -= 1
    else:
        out = (s + 2 * p - eff) // st + 1
    return out


def _pool_args(name, input, d, kernel_size, stride, padding, dilation):
    x, unbatched = _batched_pool(input, d, name)
    kernel = _tuple(kernel_size, d, "kernel_size")
    stride = kernel if stride is None or (isinstance(stride, (list, tuple)) and not stride) \
        else _tuple(stride, d, "stride")
    padding = _tuple(padding, d, "padding")
    dilation = _tuple(dilation, d, "dilation")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"{name}(): kernel_size must be greater than zero, but got "
                           f"{list(kernel)}")
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"{name}(): stride must be greater than zero, but got {list(stride)}")
    if any(v <= 0 for v in dilation):
        raise RuntimeError(f"{name}(): dilation must be greater than zero, but got "
                           f"{list(dilation)}")
    for p, k in zip(padding, kernel):
        if p < 0 or p > k // 2:
            raise RuntimeError(f"{name}(): pad should be at most half of effective kernel size, "
                               f"but got pad={p}, kernel_size={k} and dilation=1" if d == 1 else
                               "pad should be smaller than or equal to half of kernel size, but "
                               f"got padW = {padding[-1]}, padH = {padding[0]}, kW = "
                               f"{kernel[-1]}, kH = {kernel[0]}")
    return x, unbatched, kernel, stride, padding, dilation


def _batched_pool(input, d, name):
    if input.dim() == d + 1:
        return input.unsqueeze(0), True
    if input.dim() != d + 2:
        raise RuntimeError(f"{name}(): Expected {d + 1}D or {d + 2}D input tensor, but got "
                           f"{_size_list(input.shape)}" if d != 2 else
                           "non-empty 3D or 4D (batch mode) tensor expected for input")
    return input, False


def _pool_sizes(x, kernel, stride, padding, dilation, ceil_mode):
    out = [_pool_out(s, k, st, p, dl, ceil_mode)
           for s, k, st, p, dl in zip(x.shape[2:], kernel, stride, padding, dilation)]
    if any(o <= 0 for o in out):
        raise RuntimeError("Given input size: (" + "x".join(str(v) for v in x.shape[1:]) +
                           "). Calculated output size: (" + "x".join(
                               [str(x.shape[1])] + [str(o) for o in out]) +
                           "). Output size is too small")
    return out


def _max_pool(name, input, d, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    x, unbatched, kernel, stride, padding, dilation = _pool_args(
        name, input, d, kernel_size, stride, padding, dilation)
    if x.dtype == _mt.bool:
        raise NotImplementedError(f"\"{'max_pool2d' if d == 1 else name}\" not implemented for "
                                  "'Bool'")
    if d == 1 and not return_indices and not x.dtype.is_floating_point:
        raise NotImplementedError(f"\"max_pool1d_impl\" not implemented for "
                                  f"'{_type_name(x.dtype)}'")
    out = _pool_sizes(x, kernel, stride, padding, dilation, ceil_mode)
    for s, k, st, p, dl, o in zip(x.shape[2:], kernel, stride, padding, dilation, out):
        # With dilation a window can skip the whole input: PyTorch's kernel then writes out
        # of bounds (heap corruption); refuse it.
        if dl > 1 and any(not any(0 <= j * st - p + t * dl < s for t in range(k))
                          for j in range(o)):
            raise RuntimeError(f"{name}(): a pooling window holds no input element (input "
                               f"size {list(x.shape[2:])}, kernel_size={list(kernel)}, "
                               f"stride={list(stride)}, padding={list(padding)}, "
                               f"dilation={list(dilation)}); reduce the dilation or padding")
    # One fused op (Note [Fused pooling]); its indices are PyTorch's flat
    # positions in the unpadded input plane.
    values, idx = _dev_pool(x, True, False, list(kernel), list(stride), list(padding),
                               list(dilation), out, True, 0)
    if unbatched:
        values, idx = values.squeeze(0), idx.squeeze(0)
    return (values, idx) if return_indices else values


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_pool("max_pool1d", input, 1, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_pool("max_pool2d", input, 2, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_pool("max_pool3d", input, 3, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def _avg_pool(name, input, d, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
    x, unbatched, kernel, stride, padding, _ = _pool_args(name, input, d, kernel_size, stride,
                                                          padding, 1)
    if not x.dtype.is_floating_point and x.dtype != _mt.int64:
        raise NotImplementedError(f"\"{name}\" not implemented for '{_type_name(x.dtype)}'")
    if divisor_override is not None and int(divisor_override) == 0:
        raise RuntimeError("divisor must be not zero")
    if d == 3 and any(s < k for s, k in zip(x.shape[2:], kernel)):
        t, h, w = x.shape[2:]
        raise RuntimeError(f"input image (T: {t} H: {h} W: {w}) smaller than kernel size (kT: "
                           f"{kernel[0]} kH: {kernel[1]} kW: {kernel[2]})")
    ones = (1,) * d
    out = _pool_sizes(x, kernel, stride, padding, ones, ceil_mode)
    y = _dev_pool(x, False, False, list(kernel), list(stride), list(padding), list(ones), out,
                     bool(count_include_pad), int(divisor_override or 0))
    return y.squeeze(0) if unbatched else y


def _type_name(dtype):
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}.get(str(dtype).split(".")[-1], str(dtype))


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    return _avg_pool("avg_pool1d", input, 1, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _avg_pool("avg_pool2d", input, 2, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _avg_pool("avg_pool3d", input, 3, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """(sum over each window of x ** p) ** (1 / p)."""
    kw, kh = _tuple(kernel_size, 2)
    out = avg_pool2d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(kw * kh).pow(1.0 / norm_type)


def _adaptive(name, input, output_size, d, is_max, return_indices=False):
    x, unbatched = (input.unsqueeze(0), True) if input.dim() == d + 1 else (input, False)
    if x.dim() != d + 2:
        raise RuntimeError(f"{name}(): Expected {d + 1}D or {d + 2}D tensor, but got "
                           f"{_size_list(input.shape)}")
    sizes = output_size if isinstance(output_size, (list, tuple)) else (output_size,) * d
    if len(sizes) != d:
        raise RuntimeError(f"{name}(): internal error: output_size.size() must be {d}" if is_max
                           else f"{name}: output_size must be {d}")
    sp = x.shape[2:]
    sizes = [sp[i] if s is None else int(s) for i, s in enumerate(sizes)]
    if not x.dtype.is_floating_point:
        kernel = ("adaptive_max_pool2d" if is_max else
                  "adaptive_avg_pool3d_cpu" if d == 3 else "adaptive_avg_pool2d")
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_type_name(x.dtype)}'")
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"{name}(): elements of output_size must be greater than or equal to "
                           f"0 but received {sizes}")
    if any(s == 0 for s in sp[-d:]) and any(s > 0 for s in sizes):
        raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch "
                           f"dimensions, but input has sizes {_size_list(input.shape)}")
    # One fused op (Note [Fused pooling]): windows [floor(o*in/out), ceil((o+1)*in/out)).
    r = _dev_pool(x, is_max, True, [], [], [], [], sizes, True, 0)
    if not is_max:
        return r.squeeze(0) if unbatched else r
    values, idx = (t.squeeze(0) for t in r) if unbatched else r
    return (values, idx) if return_indices else values


def adaptive_avg_pool1d(input, output_size):
    return _adaptive("adaptive_avg_pool1d", input, output_size, 1, False)


def adaptive_avg_pool2d(input, output_size):
    return _adaptive("adaptive_avg_pool2d", input, output_size, 2, False)


def adaptive_avg_pool3d(input, output_size):
    return _adaptive("adaptive_avg_pool3d", input, output_size, 3, False)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    return _adaptive("adaptive_max_pool1d", input, output_size, 1, True, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    return _adaptive("adaptive_max_pool2d", input, output_size, 2, True, return_indices)


# ---------------------------------------------------------------- channel dropout

def _feature_dropout(input, p, training, inplace, d, name):
    if p < 0 or p > 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if input.dim() not in (d + 1, d + 2):
        raise RuntimeError(f"{name}: Expected {d + 1}D or {d + 2}D input, but got input of size: "
                           f"{_size_list(input.shape)}")
    if not training or p == 0:
        return input
    batched = input.dim() == d + 2
    lead = tuple(input.shape[:2]) if batched else tuple(input.shape[:1])
    if p == 1:
        return input.mul_(0) if inplace else input * 0
    noise = _mt.empty(lead + (1,) * d, dtype=input.dtype, device=input.device)
    noise.bernoulli_(1 - p)
    noise.div_(1 - p)
    return input.mul_(noise) if inplace else input * noise


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, L) / (C, L) with probability p."""
    return _feature_dropout(input, p, training, inplace, 1, "dropout1d")


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, H, W) / (C, H, W) with probability p."""
    return _feature_dropout(input, p, training, inplace, 2, "dropout2d")


def dropout3d(input, p=0.5, training=True, inplace=False):
    return _feature_dropout(input, p, training, inplace, 3, "dropout3d")


def pixel_shuffle(input, upscale_factor):
    """(*, C * r^2, H, W) -> (*, C, H * r, W * r)."""
    r = int(upscale_factor)
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)={c} "
                           f"is not divisible by {r * r}")
    y = input.reshape(*lead, c // (r * r), r, r, h, w)
    n = len(lead)
    y = y.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return y.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H * r, W * r) -> (*, C * r^2, H, W)."""
    r = int(downscale_factor)
    *lead, c, h, w = input.shape
    y = input.reshape(*lead, c, h // r, r, w // r, r)
    n = len(lead)
    y = y.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return y.reshape(*lead, c * r * r, h // r, w // r)
