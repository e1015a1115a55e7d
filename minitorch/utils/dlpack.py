"""``minitorch.utils.dlpack``: PyTorch's module of the same name.

``to_dlpack(tensor)`` gives the legacy ``"dltensor"`` capsule (as
``torch.utils.dlpack.to_dlpack`` does); ``from_dlpack`` is
``minitorch.from_dlpack``. See Note [DLPack exchange] in ext/python/dlpack.cpp
and the DLPack section of docs/interop.md.
"""

from .._C import from_dlpack

__all__ = ["DLDeviceType", "from_dlpack", "to_dlpack"]


class DLDeviceType:
    """DLPack device type codes (the values ``__dlpack_device__`` returns)."""

    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLROCM = 10
    kDLCUDAManaged = 13


def to_dlpack(tensor):
    """Returns a legacy DLPack capsule that shares ``tensor``'s memory."""
    return tensor.__dlpack__()
