"""Functional forms of the embedding, normalisation and misc layers.

Each layer's forward lives in one private helper (``_embedding_forward``,
``_layer_norm_forward``, ...). embedding, layer_norm, rms_norm, group_norm and
batch_norm are fused C++ ops with one backward node each (``_C._embedding_fused``,
``_C._norm_fused``, ``_C._group_norm_fused``, ``_C._batch_norm_fused``, Note [Fused nn
losses and norms]); the others are built from minitorch tensor ops.
"""

import minitorch as _mt

from .. import _C
from .._kernel_fallback import fused as _fused_or_host

# fused ops, run on the CPU where the device has no kernel yet (minitorch/_kernel_fallback.py)
_dev_norm_fused = _fused_or_host(_C._norm_fused, "nn.norm_forward")
_dev_group_norm_fused = _fused_or_host(_C._group_norm_fused, "nn.channel_norm_forward")
_dev_batch_norm_fused = _fused_or_host(_C._batch_norm_fused, "nn.channel_norm_forward", mutates=(1, 2))
_dev_embedding_bag_fused = _fused_or_host(_C._embedding_bag_fused, "nn.embedding_bag_forward")

__all__ = ["embedding", "embedding_bag", "layer_norm", "rms_norm", "group_norm",
           "batch_norm", "selu", "celu", "prelu", "bilinear", "normalize",
           "cosine_similarity", "pairwise_distance", "pad"]

_EPS = {"float32": 1.1920928955078125e-07, "float64": 2.220446049250313e-16,
        "float16": 0.0009765625, "bfloat16": 0.0078125}


def _finfo_eps(dtype):
    return _EPS.get(str(dtype).split(".")[-1], _EPS["float32"])


def _check_index(input, name):
    if input.dtype not in (_mt.int64, _mt.int32):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {input.dtype} instead (while checking arguments "
            f"for {name})")


# ---------------------------------------------------------------- embedding
def _renorm_rows_(weight, idx, max_norm, norm_type):
    with _mt.no_grad():
        rows = _mt.unique(idx.reshape(-1))
        sel = _mt.index_select(weight, 0, rows)
        norms = sel.norm(p=norm_type, dim=1, keepdim=True)
        scale = _mt.where(norms > max_norm, max_norm / (norms + 1e-7),
                          _mt.ones_like(norms))
        weight[rows] = sel * scale
    return weight


def _embedding_forward(input, weight, padding_idx):
    # one fused op: index_select forward, index_add backward; the padding row gets no grad
    return _mt._C._embedding_fused(weight, input, -1 if padding_idx is None else padding_idx)


def _norm_padding_idx(padding_idx, num):
    if padding_idx is None:
        return None
    if padding_idx >= num or padding_idx < -num:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx + num if padding_idx < 0 else padding_idx


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    _check_index(input, "embedding")
    if weight.dim() != 2:
        raise RuntimeError(f"'weight' must be 2-D, got {weight.dim()}-D")
    if scale_grad_by_freq:
        raise NotImplementedError("embedding: scale_grad_by_freq=True is not supported yet")
    if sparse:
        raise NotImplementedError("embedding: sparse gradients are not supported")
    padding_idx = _norm_padding_idx(padding_idx, weight.shape[0])
    if input.numel() and (int(input.max()) >= weight.shape[0] or int(input.min()) < 0):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm_rows_(weight, input, max_norm, norm_type)
    return _embedding_forward(input, weight, padding_idx)


_BAG_MODES = {"sum": 0, "mean": 1, "max": 2}


def _embedding_bag_forward(input, weight, offsets, mode, per_sample_weights,
                           padding_idx, include_last_offset):
    if weight.dtype.is_floating_point and offsets.dtype in (_mt.int64, _mt.int32):
        # one fused op with one backward node into weight and per_sample_weights
        # (Note [Fused losses, second set])
        return _dev_embedding_bag_fused(
            weight, input, offsets, _BAG_MODES[mode], per_sample_weights,
            bool(include_last_offset), -1 if padding_idx is None else int(padding_idx))
    return _embedding_bag_composite(input, weight, offsets, mode, per_sample_weights,
                                    padding_idx, include_last_offset)


def _embedding_bag_composite(input, weight, offsets, mode, per_sample_weights,
                             padding_idx, include_last_offset):
    n = input.shape[0]
    offs = [int(v) for v in offsets.tolist()]
    if include_last_offset:
        bounds = offs
    else:
        bounds = offs + [n]
    nbags = len(bounds) - 1
    emb = _mt.index_select(weight, 0, input)
    valid = _mt.ones(n, dtype=weight.dtype)
    if padding_idx is not None:
        valid = (input != padding_idx).to(weight.dtype)
    if per_sample_weights is not None:
        emb = emb * per_sample_weights.to(weight.dtype).unsqueeze(1)
    # the bag of each index: the last bag start at or before its position
    starts = _mt.tensor(bounds[:nbags], dtype=_mt.int64)
    bag_idx = _mt.searchsorted(starts, _mt.arange(n), right=True) - 1
    if include_last_offset and nbags:
        # positions at or past the last offset belong to no bag
        inside = _mt.arange(n) < bounds[-1]
        emb = emb * inside.to(emb.dtype).unsqueeze(1)
        valid = valid * inside.to(valid.dtype)
        bag_idx = bag_idx.clamp(max=nbags - 1)
    D = weight.shape[1]
    if mode == "max":
        rows = []
        for b in range(nbags):
            lo, hi = bounds[b], min(bounds[b + 1], n)
            sl = [i for i in range(lo, hi)
                  if padding_idx is None or int(input[i]) != padding_idx]
            if sl:
                rows.append(emb[_mt.tensor(sl)].amax(dim=0))
            else:
                rows.append(_mt.zeros(D, dtype=weight.dtype))
        return _mt.stack(rows) if rows else _mt.zeros(0, D, dtype=weight.dtype)
    emb = emb * valid.unsqueeze(1)
    out = _mt.zeros(nbags, D, dtype=weight.dtype).index_add(0, bag_idx, emb)
    if mode == "mean":
        cnt = _mt.zeros(nbags, dtype=weight.dtype).index_add(0, bag_idx, valid)
        out = out / cnt.clamp(min=1).unsqueeze(1)
    return out


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2,
                  scale_grad_by_freq=False, mode="mean", sparse=False,
                  per_sample_weights=None, include_last_offset=False,
                  padding_idx=None):
    _check_index(input, "embedding_bag")
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if scale_grad_by_freq:
        raise NotImplementedError("embedding_bag: scale_grad_by_freq=True is not supported yet")
    if sparse:
        raise NotImplementedError("embedding_bag: sparse gradients are not supported")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. per_sample_weights is only "
            f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on GitHub.")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is "
                             "treated is a mini-batch of fixed length sequences.")
        B, L = input.shape
        offsets = _mt.arange(0, B * L, L) if B else _mt.zeros(0, dtype=_mt.int64)
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError("input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    if per_sample_weights is not None and tuple(per_sample_weights.shape) != tuple(input.shape):
        raise ValueError("embedding_bag: If per_sample_weights ({}) is not None, then it must "
                         "have the same shape as the input ({})".format(
                             tuple(per_sample_weights.shape), tuple(input.shape)))
    padding_idx = _norm_padding_idx(padding_idx, weight.shape[0])
    if input.numel():
        bad = ((input < 0) | (input >= weight.shape[0])).nonzero()
        if bad.numel():
            i = int(bad[0, 0])
            raise RuntimeError(f"Index {i} of input takes value {int(input[i])} which is not "
                               f"in the valid range [0, {weight.shape[0]})")
    if offsets.numel() and int(offsets[0]) != 0:
        raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the "
                           "mini-batch has to start from position 0. However, got "
                           f"{int(offsets[0])}")
    if max_norm is not None:
        _renorm_rows_(weight, input, max_norm, norm_type)
    return _embedding_bag_forward(input, weight, offsets, mode, per_sample_weights,
                                  padding_idx, include_last_offset)


# ---------------------------------------------------------------- norms
def _shape_tuple(s):
    return (int(s),) if isinstance(s, int) else tuple(int(v) for v in s)


def _check_trailing(name, input, normalized_shape):
    k = len(normalized_shape)
    if k == 0 or tuple(input.shape[input.dim() - k:]) != normalized_shape or input.dim() < k:
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(str(v) for v in normalized_shape)}], but got input of size"
            f"{list(input.shape)}")


def _norm_cols(normalized_shape):
    cols = 1
    for v in normalized_shape:
        cols *= v
    return cols


def _check_affine(name, param, normalized_shape):
    if param is not None and tuple(param.shape) != tuple(normalized_shape):
        raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got "
                           f"{name} of shape {list(param.shape)} and normalized_shape = "
                           f"{list(normalized_shape)}")


def _layer_norm_forward(input, normalized_shape, weight, bias, eps):
    # one fused op (mean and rstd saved) with one backward node for input, weight, bias
    _check_affine("weight", weight, normalized_shape)
    _check_affine("bias", bias, normalized_shape)
    return _dev_norm_fused(input, weight, bias, _norm_cols(normalized_shape), float(eps),
                              False)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    normalized_shape = _shape_tuple(normalized_shape)
    _check_trailing("layer_norm", input, normalized_shape)
    return _layer_norm_forward(input, normalized_shape, weight, bias, eps)


def _rms_norm_forward(input, normalized_shape, weight, eps):
    if eps is None:
        eps = _finfo_eps(input.dtype)
    return _dev_norm_fused(input, weight, None, _norm_cols(normalized_shape), float(eps),
                              True)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    normalized_shape = _shape_tuple(normalized_shape)
    _check_trailing("rms_norm", input, normalized_shape)
    return _rms_norm_forward(input, normalized_shape, weight, eps)


def _group_norm_forward(input, num_groups, weight, bias, eps):
    # one fused op (per-group mean and rstd saved) with one backward node
    return _dev_group_norm_fused(input, int(num_groups), weight, bias, float(eps))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.dim()}")
    C = input.shape[1]
    if C % num_groups != 0:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={num_groups}")
    return _group_norm_forward(input, num_groups, weight, bias, eps)


def _batch_norm_forward(input, running_mean, running_var, weight, bias, training,
                        momentum, eps):
    # one fused op: batch (training) or running (eval) statistics, the running-stat
    # update in place when training, and one backward node for input, weight, bias
    return _dev_batch_norm_fused(input, running_mean, running_var, weight, bias,
                                    bool(training), float(momentum), float(eps))


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    if input.dim() < 2:
        raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")
    if training:
        size = input.numel() // input.shape[1]
        if size == 1:
            raise ValueError("Expected more than 1 value per channel when training, got "
                             f"input size {input.shape!r}")
    elif running_mean is None or running_var is None:
        raise RuntimeError("batch_norm: running_mean and running_var must be defined in "
                           "evaluation mode")
    return _batch_norm_forward(input, running_mean, running_var, weight, bias, training,
                               momentum, eps)


# ---------------------------------------------------------------- activations
def selu(input, inplace=False):
    alpha = 1.6732632423543772848170429916717
    scale = 1.0507009873554804934193349852946
    out = scale * _mt.where(input > 0, input, alpha * (_mt.exp(input.clamp(max=0)) - 1))
    return input.copy_(out) if inplace else out


def celu(input, alpha=1.0, inplace=False):
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    neg = alpha * (_mt.exp(input.clamp(max=0) / alpha) - 1)
    out = _mt.where(input > 0, input, neg)
    return input.copy_(out) if inplace else out


def prelu(input, weight):
    if weight.numel() != 1:
        if input.dim() < 2 or input.shape[1] != weight.numel():
            raise RuntimeError(
                "Mismatch of parameter numbers and input channel size. Found parameter "
                f"numbers = {weight.numel()} and channel size = "
                f"{input.shape[1] if input.dim() >= 2 else 1}.")
        w = weight.reshape((1, -1) + (1,) * (input.dim() - 2))
    else:
        w = weight.reshape(())
    return _mt.where(input > 0, input, w * input)


def bilinear(input1, input2, weight, bias=None):
    if input1.shape[-1] != weight.shape[1] or input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(
            f"bilinear: input sizes {input1.shape[-1]} and {input2.shape[-1]} do not match "
            f"weight of shape {list(weight.shape)}")
    # y_k = x1 W_k x2^T + b_k
    t = _mt.matmul(input1.unsqueeze(-2).unsqueeze(-3), weight)  # (..., O, 1, in2)
    out = (t.squeeze(-2) * input2.unsqueeze(-2)).sum(dim=-1)
    if bias is not None:
        out = out + bias
    return out


# ---------------------------------------------------------------- distances / pad
def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    denom = input.norm(p=p, dim=dim, keepdim=True).clamp(min=eps)
    res = input / denom
    if out is not None:
        return out.copy_(res)
    return res


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    x1, x2 = _mt.broadcast_tensors(x1, x2)
    n1 = x1.norm(dim=dim).clamp(min=eps)
    n2 = x2.norm(dim=dim).clamp(min=eps)
    return (x1 * x2).sum(dim=dim) / (n1 * n2)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    return (x1 - x2 + eps).norm(p=p, dim=-1, keepdim=keepdim)


def _pad_dim(x, d, lo, hi, mode, value):
    n = x.shape[d]
    if lo < 0:
        x = x.narrow(d, -lo, n + lo)
        n += lo
        lo = 0
    if hi < 0:
        x = x.narrow(d, 0, n + hi)
        n += hi
        hi = 0
    if lo == 0 and hi == 0:
        return x
    if mode == "constant":
        parts = []
        if lo:
            s = list(x.shape)
            s[d] = lo
            parts.append(_mt.full(s, value, dtype=x.dtype))
        parts.append(x)
        if hi:
            s = list(x.shape)
            s[d] = hi
            parts.append(_mt.full(s, value, dtype=x.dtype))
        return _mt.cat(parts, dim=d)
    if mode == "reflect":
        if lo >= n or hi >= n:
            raise RuntimeError(
                f"Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({lo}, {hi}) at dimension {d} of input "
                f"{list(x.shape)}")
        idx = list(range(lo, 0, -1)) + list(range(n)) + list(range(n - 2, n - 2 - hi, -1))
    elif mode == "replicate":
        if n == 0:
            raise RuntimeError("padding of an empty dimension with mode 'replicate'")
        idx = [0] * lo + list(range(n)) + [n - 1] * hi
    else:  # circular
        if lo > n or hi > n:
            raise RuntimeError("Padding value causes wrapping around more than once.")
        idx = list(range(n - lo, n)) + list(range(n)) + list(range(hi))
    return _mt.index_select(x, d, _mt.tensor(idx, dtype=_mt.int64))


def pad(input, pad, mode="constant", value=None):
    pad = tuple(int(v) for v in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.dim():
        raise RuntimeError("Padding length should be less than or equal to two times the "
                           "input dimension but got padding length "
                           f"{len(pad)} and input of dimension {input.dim()}")
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode != "constant":
        if value not in (None, 0):
            raise ValueError(f"Padding mode \"{mode}\" doesn't take in value argument.")
        k = len(pad) // 2
        if input.dim() not in (k + 1, k + 2) or k > 3:
            raise NotImplementedError(
                "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now")
    x = input
    for i in range(len(pad) // 2):
        d = input.dim() - 1 - i
        x = _pad_dim(x, d, pad[2 * i], pad[2 * i + 1], mode, 0.0 if value is None else value)
    return x
