"""nn.functional.scaled_dot_product_attention: one fused, tiled C++ op on the CPU
(Note [Fused attention] in ext/ops/attention.cpp) when dropout_p is 0, else
composed of tensor ops (PyTorch's math formulation: softmax(q k^T * scale + bias) v),
which keeps dropout's random numbers as they were."""

import math

import minitorch as _mt

from .. import _C
from .functional import dropout as _dropout


def _fused_ok(query, key, value, attn_mask, dropout_p, enable_gqa):
    """Whether the fused op takes these operands (else the composite path runs)."""
    if dropout_p > 0.0 or not query.dtype.is_floating_point:
        return False
    if key.dtype != query.dtype or value.dtype != query.dtype:
        return False
    if not (query.device.type == key.device.type == value.device.type == "cpu"):
        return False
    n = query.dim()
    if n < 2 or key.dim() != n or value.dim() != n or key.shape[-2] != value.shape[-2]:
        return False
    qs, ks, vs = tuple(query.shape), tuple(key.shape), tuple(value.shape)
    if ks[:-2] != vs[:-2]:
        return False
    if qs[:-2] != ks[:-2]:
        gqa = (enable_gqa and n >= 4 and qs[:-3] == ks[:-3] and ks[-3] > 0
               and qs[-3] % ks[-3] == 0)
        if not gqa:
            return False
    if attn_mask is not None:
        if attn_mask.requires_grad and _mt.is_grad_enabled():
            return False
        if attn_mask.dtype != _mt.bool and attn_mask.dtype != query.dtype:
            return False
        full = qs[:-1] + (ks[-2],)
        try:
            if tuple(_mt.broadcast_shapes(tuple(attn_mask.shape), full)) != full:
                return False
        except RuntimeError:
            return False
    return True

__all__ = ["scaled_dot_product_attention"]


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """Attention over the last two dims: query (..., L, E), key (..., S, E), value (..., S, Ev).
    A bool attn_mask keeps the positions where it is True; a float one is added."""
    L, S = query.shape[-2], key.shape[-2]
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set "
                           "when is_causal=True")
    if query.shape[-1] != key.shape[-1]:
        raise RuntimeError(f"Expected query and key to have the same last dimension, got "
                           f"{query.shape[-1]} and {key.shape[-1]}")
    if _fused_ok(query, key, value, attn_mask, dropout_p, enable_gqa):
        return _C._fused_scaled_dot_product_attention(query, key, value, attn_mask, is_causal,
                                                      scale, enable_gqa)
    scale_factor = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    if enable_gqa and query.dim() >= 3 and key.shape[-3] != query.shape[-3]:
        rep = query.shape[-3] // key.shape[-3]
        key = key.repeat_interleave(rep, dim=-3)
        value = value.repeat_interleave(rep, dim=-3)
    scores = _mt.matmul(query, key.transpose(-2, -1)) * scale_factor
    if is_causal:
        keep = _mt.ones(L, S, dtype=_mt.bool).tril(0)
        scores = scores.masked_fill(keep.logical_not(), float("-inf"))
    elif attn_mask is not None:
        if attn_mask.dtype == _mt.bool:
            scores = scores.masked_fill(attn_mask.logical_not(), float("-inf"))
        else:
            scores = scores + attn_mask
    weights = scores.softmax(dim=-1)
    if dropout_p > 0.0:
        weights = _dropout(weights, dropout_p, training=True)
    return _mt.matmul(weights, value)
