"""Utilities (``minitorch.utils.data``: datasets, samplers and the DataLoader)."""

from . import data, dlpack  # noqa: F401
