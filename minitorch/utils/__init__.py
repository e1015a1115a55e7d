"""Utilities: ``minitorch.utils.data`` (datasets, samplers and the DataLoader),
``minitorch.utils.safetensors`` (the safetensors file format),
``minitorch.utils.dlpack`` (DLPack capsules) and ``collect_env()``
(the environment report that bug reports ask for)."""

from . import data, dlpack, safetensors  # noqa: F401
from ._collect_env import collect_env, get_pretty_env_info  # noqa: F401
