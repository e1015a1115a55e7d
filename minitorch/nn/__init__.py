"""minitorch.nn (modules arrive with the nn issue; functional ops exist already)."""

from . import functional  # noqa: F401
