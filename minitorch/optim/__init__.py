"""Optimizers (``minitorch.optim``) and learning-rate schedulers (``optim.lr_scheduler``)."""

from . import lr_scheduler  # noqa: F401
from ._algorithms import SGD, Adagrad, Adam, Adamax, AdamW, NAdam, RAdam, RMSprop
from .optimizer import Optimizer

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "NAdam",
           "RAdam", "lr_scheduler"]
