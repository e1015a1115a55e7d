"""Utilities (``minitorch.utils.data``: datasets, samplers and the DataLoader)."""

from . import data  # noqa: F401
