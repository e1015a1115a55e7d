"""Functional losses beyond mse_loss/l1_loss (imported into nn.functional at its end).

Each loss keeps its math in one private ``_<name>_math`` function; the public function
does argument checking, the legacy size_average/reduce mapping and the reduction.
nll_loss and cross_entropy with class indices are one fused C++ op with its own
backward (``_C._nll_loss_fused``, Note [Fused nn losses and norms]); cross_entropy with
class probabilities, smooth_l1_loss, huber_loss, binary_cross_entropy and kl_div are too
(``_C._prob_cross_entropy_fused``, ``_C._elem_loss_fused``, Note [Fused losses, second
set]) when their tensors share one floating dtype and device; the ranking and embedding
losses are still composed from tensor ops.
"""

import warnings

from .. import _C
from .._kernel_fallback import fused as _fused_or_host

# fused ops, run on the CPU where the device has no kernel yet (minitorch/_kernel_fallback.py)
_dev_nll_loss_fused = _fused_or_host(_C._nll_loss_fused, "nn.nll_forward")
_dev_point_loss_fused = _fused_or_host(_C._point_loss_fused, "nn.point_loss_forward")
_dev_prob_cross_entropy_fused = _fused_or_host(_C._prob_cross_entropy_fused,
                                               "nn.prob_ce_forward")
_dev_elem_loss_fused = _fused_or_host(_C._elem_loss_fused, "nn.elem_loss_forward")

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "cosine_embedding_loss",
           "cross_entropy", "huber_loss", "kl_div", "margin_ranking_loss", "nll_loss",
           "poisson_nll_loss", "smooth_l1_loss", "soft_margin_loss", "triplet_margin_loss"]

_REDUCTIONS = ("none", "mean", "sum")
_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
               "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
               "bool": "Bool"}


def _legacy(size_average, reduce, reduction):
    # functional._legacy_reduction, with the warning pointed one frame further out
    from .functional import _legacy_reduction

    return _legacy_reduction(size_average, reduce, reduction, stacklevel=5)


def _check_reduction(reduction, allowed=_REDUCTIONS):
    if reduction not in allowed:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _type_name(dtype):
    return _TYPE_NAMES.get(str(dtype).rsplit(".", 1)[-1], str(dtype))


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    return loss.mean() if reduction == "mean" else loss.sum()


# ---- class-index losses (nll_loss, cross_entropy) ----
def _check_class_target(input, target, weight):
    if target.dtype not in (_C.int64, _C.uint8):
        raise RuntimeError("expected target dtype to be Long or Byte, but got "
                           f"{_type_name(target.dtype)}")
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    if input.dim() == 1:
        if target.dim() != 0:
            raise RuntimeError(f"Expected target size [], got {list(target.shape)}")
    else:
        if target.dim() == 0 or input.shape[0] != target.shape[0]:
            got = target.shape[0] if target.dim() else 0
            raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                             f"batch_size ({got}).")
        want = [input.shape[0]] + list(input.shape[2:])
        if list(target.shape) != want:
            raise RuntimeError(f"Expected target size {want}, got {list(target.shape)}")
    n_classes = input.shape[0] if input.dim() == 1 else input.shape[1]
    if weight is not None and weight.numel() != n_classes:
        raise RuntimeError(f"weight tensor should be defined either for all {n_classes} classes "
                           f"or no classes but got weight tensor of shape: {list(weight.shape)}")
    return n_classes


_REDUCTION_ENUM = {"none": 0, "mean": 1, "sum": 2}
# _C._elem_loss_fused's kinds (ElemLoss in ext/core/kernels_nn.h)
(_ELEM_L1, _ELEM_SMOOTH_L1, _ELEM_HUBER, _ELEM_BCE, _ELEM_KL_DIV, _ELEM_SOFT_MARGIN,
 _ELEM_POISSON_NLL) = range(7)


def _nll_math(logp, target, weight, ignore_index, reduction, n_classes):
    """Negative log-likelihood of ``target`` under log-probabilities ``logp``: one fused
    op (``_C._nll_loss_fused``) with its own backward node.

    Class dim is 1 (0 for an unbatched (C,) input). Ignored targets contribute 0 and
    are left out of the mean's denominator, which is the sum of the targets' weights.
    """
    return _dev_nll_loss_fused(logp, target, weight, _REDUCTION_ENUM[reduction],
                              int(ignore_index), 0.0, False)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood loss of log-probabilities ``input`` (N, C, d1, ...) or (C,)."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    n_classes = _check_class_target(input, target, weight)
    return _nll_math(input, target, weight, ignore_index, reduction, n_classes)


def _cross_entropy_index_math(input, target, weight, ignore_index, reduction, label_smoothing,
                              n_classes):
    # log_softmax, nll and label smoothing in one fused op with one backward node
    return _dev_nll_loss_fused(input, target, weight, _REDUCTION_ENUM[reduction],
                              int(ignore_index), float(label_smoothing), True)


def _cross_entropy_prob_math(input, target, weight, reduction, label_smoothing, n_classes):
    from .functional import _fusable_loss

    if _fusable_loss(input, target) and (weight is None or (
            isinstance(weight, _C.TensorBase) and weight.device == input.device)):
        # log_softmax, smoothing, weight and the reduction in one fused op with one
        # backward node (Note [Fused losses, second set])
        return _dev_prob_cross_entropy_fused(input, target, weight, _REDUCTION_ENUM[reduction],
                                            float(label_smoothing))
    cdim = 0 if input.dim() == 1 else 1
    logp = _C.log_softmax(input, cdim, None)
    if label_smoothing > 0.0:
        target = target * (1.0 - label_smoothing) + label_smoothing / n_classes
    prod = logp * target
    if weight is not None:
        shape = [1] * logp.dim()
        shape[cdim] = n_classes
        prod = prod * weight.to(logp.dtype).reshape(shape)
    loss = -prod.sum(cdim)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / (input.numel() // n_classes)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """log_softmax over the class dim followed by nll_loss (class indices), or by the
    cross entropy against class probabilities when ``target`` has ``input``'s shape."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if tuple(input.shape) == tuple(target.shape) and input.dim() >= 1:
        if not target.dtype.is_floating_point:
            raise RuntimeError("Expected floating point type for target with class "
                               f"probabilities, got {_type_name(target.dtype)}")
        n_classes = input.shape[0] if input.dim() == 1 else input.shape[1]
        if weight is not None and weight.numel() != n_classes:
            raise RuntimeError(f"weight tensor should be defined either for all {n_classes} "
                               "classes or no classes but got weight tensor of shape: "
                               f"{list(weight.shape)}")
        return _cross_entropy_prob_math(input, target, weight, reduction, label_smoothing,
                                        n_classes)
    n_classes = _check_class_target(input, target, weight)
    return _cross_entropy_index_math(input, target, weight, ignore_index, reduction,
                                     label_smoothing, n_classes)
# ---- end class-index losses ----


# ---- binary losses ----
def _bce_math(input, target, weight):
    log_x = _C.clamp(_C.log(input), -100.0, None)
    log_1mx = _C.clamp(_C.log(1.0 - input), -100.0, None)
    loss = -(target * log_x + (1.0 - target) * log_1mx)
    return loss if weight is None else loss * weight


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """-(t log x + (1 - t) log(1 - x)) with each log clamped at -100."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the same "
                         "size.")
    if input.numel() and ((input < 0) | (input > 1)).any().item():
        raise RuntimeError("all elements of input should be between 0 and 1")
    from .functional import _fusable_loss

    if _fusable_loss(input, target, weight):
        # one fused op with one backward node (Note [Fused losses, second set])
        return _dev_elem_loss_fused(input, target, weight, _REDUCTION_ENUM[reduction],
                                   _ELEM_BCE, 0.0, False)
    return _reduce(_bce_math(input, target, weight), reduction)


def _bce_logits_math(input, target, weight, pos_weight):
    # (1 - t) x + (1 + (pw - 1) t) * log(1 + exp(-x)), log(1 + exp(-x)) written stably
    # as log1p(exp(-|x|)) + max(-x, 0)
    softplus_neg = _C.log1p(_C.exp(-_C.abs(input))) + _C.clamp(-input, 0.0, None)
    if pos_weight is not None:
        loss = (1.0 - target) * input + (1.0 + (pos_weight - 1.0) * target) * softplus_neg
    else:
        loss = (1.0 - target) * input + softplus_neg
    return loss if weight is None else loss * weight


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Sigmoid and binary cross entropy in one numerically stable expression."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    from .functional import _fusable_loss

    if _fusable_loss(input, target, weight, pos_weight):
        # one fused op with one backward node (Note [Fused nn losses and norms])
        return _dev_point_loss_fused(input, target, weight, pos_weight,
                                    _REDUCTION_ENUM[reduction], True)
    return _reduce(_bce_logits_math(input, target, weight, pos_weight), reduction)
# ---- end binary losses ----


# ---- kl_div, smooth_l1_loss, huber_loss ----
def _kl_div_math(input, target, log_target):
    if log_target:
        return _C.exp(target) * (target - input)
    return _C.xlogy(target, target) - target * input


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Pointwise KL divergence target * (log target - input); input holds log-probabilities."""
    if size_average is not None or reduce is not None:
        reduction = _legacy(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with "
                      "the KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.", stacklevel=2)
    _check_reduction(reduction, _REDUCTIONS + ("batchmean",))
    from .functional import _fusable_loss

    if _fusable_loss(input, target):
        # one fused op with one backward node (Note [Fused losses, second set])
        red = 3 if reduction == "batchmean" else _REDUCTION_ENUM[reduction]
        return _dev_elem_loss_fused(input, target, None, red, _ELEM_KL_DIV, 0.0,
                                   bool(log_target))
    loss = _kl_div_math(input, target, log_target)
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.dim() else loss.sum()
    return _reduce(loss, reduction)


def _smooth_l1_math(input, target, beta):
    z = _C.abs(input - target)
    if beta == 0.0:
        return z
    return _C.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 z^2 / beta where |z| < beta, |z| - 0.5 beta elsewhere (z = input - target)."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    _warn_shapes(input, target)
    from .functional import _fusable_loss

    if _fusable_loss(input, target):
        # one fused op with one backward node (Note [Fused losses, second set])
        return _dev_elem_loss_fused(input, target, None, _REDUCTION_ENUM[reduction],
                                   _ELEM_SMOOTH_L1, float(beta), False)
    return _reduce(_smooth_l1_math(input, target, float(beta)), reduction)


def _huber_math(input, target, delta):
    z = _C.abs(input - target)
    return _C.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 z^2 where |z| < delta, delta (|z| - 0.5 delta) elsewhere (z = input - target)."""
    _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    _warn_shapes(input, target)
    from .functional import _fusable_loss

    if _fusable_loss(input, target, weight):
        # one fused op with one backward node (Note [Fused losses, second set])
        return _dev_elem_loss_fused(input, target, weight, _REDUCTION_ENUM[reduction],
                                   _ELEM_HUBER, float(delta), False)
    loss = _huber_math(input, target, float(delta))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _soft_margin_math(input, target):
    z = -target * input
    return _C.log1p(_C.exp(-_C.abs(z))) + _C.clamp(z, 0.0, None)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input)), the two-class logistic loss (target in {-1, 1})."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    from .functional import _fusable_loss

    if _fusable_loss(input, target):
        # one fused op with one backward node (Note [Fused losses, second set])
        return _dev_elem_loss_fused(input, target, None, _REDUCTION_ENUM[reduction],
                                   _ELEM_SOFT_MARGIN, 0.0, 0)
    return _reduce(_soft_margin_math(input, target), reduction)


def _poisson_nll_math(input, target, log_input, full, eps):
    if log_input:
        loss = _C.exp(input) - target * input
    else:
        loss = input - target * _C.log(input + eps)
    if full:
        stirling = target * _C.log(target) - target + 0.5 * _C.log(2 * 3.141592653589793 * target)
        loss = loss + _C.where(target > 1, stirling, _C.zeros_like(stirling))
    return loss


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    """Negative log-likelihood of target under Poisson(input) (exp(input) when log_input);
    ``full`` adds the Stirling approximation of log(target!) where target > 1."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    from .functional import _fusable_loss

    if _fusable_loss(input, target):
        # one fused op with one backward node (Note [Fused losses, second set])
        return _dev_elem_loss_fused(input, target, None, _REDUCTION_ENUM[reduction],
                                   _ELEM_POISSON_NLL, float(eps),
                                   (1 if log_input else 0) | (2 if full else 0))
    return _reduce(_poisson_nll_math(input, target, log_input, full, float(eps)), reduction)


def _warn_shapes(input, target):
    if tuple(input.shape) != tuple(target.shape):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input "
                      f"size ({input.shape}). This will likely lead to incorrect results due "
                      "to broadcasting. Please ensure they have the same size.", stacklevel=3)
# ---- end kl_div, smooth_l1_loss, huber_loss ----


# ---- embedding/ranking losses ----
def _cosine_embedding_math(x1, x2, target, margin):
    dim = x1.dim() - 1
    eps = 1e-12
    dot = (x1 * x2).sum(dim)
    denom = _C.sqrt(((x1 * x1).sum(dim) + eps) * ((x2 * x2).sum(dim) + eps))
    cos = dot / denom
    zero = _C.zeros_like(cos)
    pos = _C.where(target == 1, 1.0 - cos, zero)
    neg = _C.where(target == -1, _C.clamp(cos - margin, 0.0, None), zero)
    return pos + neg


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos(x1, x2) where target == 1, max(0, cos(x1, x2) - margin) where target == -1."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    if target.dim() > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input1.dim() != input2.dim() or tuple(input1.shape) != tuple(input2.shape):
        raise RuntimeError(f"cosine_embedding_loss: input1 and input2 must have the same shape, "
                           f"got {list(input1.shape)} and {list(input2.shape)}")
    if input1.dim() != target.dim() + 1:
        raise RuntimeError(f"{target.dim()}D target tensor expects {target.dim() + 1}D input "
                           f"tensors, but found inputs with sizes {list(input1.shape)} and "
                           f"{list(input2.shape)}.")
    return _reduce(_cosine_embedding_math(input1, input2, target, float(margin)), reduction)


def _margin_ranking_math(x1, x2, target, margin):
    return _C.clamp(-target * (x1 - x2) + margin, 0.0, None)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """max(0, -target * (x1 - x2) + margin)."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not input1.dim() == input2.dim() == target.dim():
        raise RuntimeError("margin_ranking_loss : All input tensors should have same dimension "
                           f"but got sizes: input1: {input1.shape}, input2: {input2.shape}, "
                           f"target: {target.shape} ")
    return _reduce(_margin_ranking_math(input1, input2, target, float(margin)), reduction)


def _pairwise_distance(x1, x2, p, eps):
    # p-norm of (x1 - x2 + eps) over the last dim (private; F.pairwise_distance is elsewhere)
    d = x1 - x2 + eps
    if p == 2:
        return _C.sqrt((d * d).sum(-1))
    if p == 1:
        return _C.abs(d).sum(-1)
    if p == float("inf"):
        return _C.abs(d).amax(-1)
    return (_C.abs(d) ** p).sum(-1) ** (1.0 / p)


def _triplet_math(anchor, positive, negative, margin, p, eps, swap):
    d_pos = _pairwise_distance(anchor, positive, p, eps)
    d_neg = _pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = _C.minimum(d_neg, _pairwise_distance(positive, negative, p, eps))
    return _C.clamp(margin + d_pos - d_neg, 0.0, None)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """max(0, margin + d(a, p) - d(a, n)) with d the p-norm pairwise distance."""
    reduction = _legacy(size_average, reduce, reduction)
    _check_reduction(reduction)
    a, pos, n = anchor.dim(), positive.dim(), negative.dim()
    if not a == pos == n:
        raise RuntimeError("The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {a}D, positive {pos}D, "
                           f"and negative {n}D inputs")
    return _reduce(_triplet_math(anchor, positive, negative, float(margin), p, eps, swap),
                   reduction)
# ---- end embedding/ranking losses ----
