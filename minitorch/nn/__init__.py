"""minitorch.nn: Module, Parameter, the first layers and losses, and functional.

The layer classes load on first use (PEP 562 __getattr__): minitorch/__init__.py
imports this package before the Tensor class its modules build on exists.
"""

from . import functional  # noqa: F401

_LAZY = {"Module": "modules", "Linear": "modules", "Identity": "modules", "ReLU": "modules",
         "Sequential": "modules", "MSELoss": "modules", "Parameter": "parameter"}


def __getattr__(name):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
