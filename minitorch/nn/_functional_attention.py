"""nn.functional.scaled_dot_product_attention, composed of tensor ops (PyTorch's
math formulation: softmax(q k^T * scale + bias) v); a fused, tiled C++ kernel
is still to come (issue 14 item 4)."""

import math

import minitorch as _mt

from .functional import dropout as _dropout

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
