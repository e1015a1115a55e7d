"""Losses: MSELoss, L1Loss."""

from .. import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        self.reduction = F._legacy_reduction(size_average, reduce, reduction)


class MSELoss(_Loss):
    """Mean (or sum, or none) of the squared errors."""

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean (or sum, or none) of the absolute errors."""

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)
