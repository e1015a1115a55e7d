"""minitorch: a small PyTorch-compatible tensor library with a hand-written
CPython core and a zero-copy NumPy bridge.

    import minitorch as torch
    t = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    a = t.numpy()          # shares memory with t
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING

# Python-level op modules, one per op family (each defines __all__).
from . import (  # noqa: F401  # noqa: E402  # noqa: E402,F401
    _C,
    _ops_elementwise,
    _ops_extra,
    _ops_matmul,
    _ops_reduce,
    _ops_shape,
    autograd,
    cuda,
    linalg,
    nn,
)
from ._C import (  # noqa: F401
    arange,
    bfloat16,
    can_cast,
    dtype,
    empty,
    empty_like,
    eye,
    float16,
    float32,
    float64,
    from_dlpack,
    from_numpy,
    full,
    full_like,
    get_default_dtype,
    get_num_threads,
    initial_seed,
    int8,
    int16,
    int32,
    int64,
    is_grad_enabled,
    linspace,
    logspace,
    ones,
    ones_like,
    promote_types,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    result_type,
    seed,
    set_default_dtype,
    set_num_threads,
    tensor,
    uint8,
    zeros,
    zeros_like,
)
from ._C import bool as bool  # noqa: F401  (shadows the builtin inside this namespace only)
from ._creation import as_tensor, asarray  # noqa: F401
from ._device import Size, device  # noqa: F401
from ._tensor import Tensor  # noqa: F401
from ._tensor import _signbit as signbit  # noqa: F401
from ._tensor_str import set_printoptions  # noqa: F401
from .autograd import (  # noqa: F401
    enable_grad,
    inference_mode,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)

if TYPE_CHECKING:  # what the loops below bind, for type checkers (minitorch/_C.pyi)
    from ._C import *  # noqa: F403
    from ._ops_elementwise import *  # noqa: F403
    from ._ops_extra import *  # noqa: F403
    from ._ops_matmul import *  # noqa: F403
    from ._ops_reduce import *  # noqa: F403
    from ._ops_shape import *  # noqa: F403
    from ._random import (  # noqa: F401  (bound by _random._install below)
        Generator,
        bernoulli,
        default_generator,
        get_rng_state,
        initial_seed,
        manual_seed,
        multinomial,
        normal,
        poisson,
        seed,
        set_rng_state,
    )

for _mod in (_ops_elementwise, _ops_reduce, _ops_shape, _ops_matmul, _ops_extra):
    for _name in _mod.__all__:
        globals()[_name] = getattr(_mod, _name)

# Every public function of _C not bound above (op families add theirs in C);
# linalg_* rows belong to minitorch.linalg (linalg.py).
for _name in dir(_C):
    if not _name.startswith(("_", "linalg_")) and _name not in globals():
        globals()[_name] = getattr(_C, _name)
del _mod, _name

_C._set_device_class(device)
_C._set_size_class(Size)
_ops_extra._install(Tensor)

# PyTorch's dtype aliases
half = float16
float = float32  # noqa: A001
double = float64
short = int16
int = int32  # noqa: A001
long = int64


def is_tensor(obj):
    """True if ``obj`` is a minitorch Tensor."""
    return isinstance(obj, _C.TensorBase)


def _check_tensor(fname, input):
    if not isinstance(input, _C.TensorBase):
        raise TypeError(f"{fname}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")


def is_floating_point(input):
    """True if ``input``'s dtype is a floating-point type."""
    _check_tensor("is_floating_point", input)
    return input.dtype.is_floating_point


def numel(input):
    """Number of elements of ``input``."""
    _check_tensor("numel", input)
    return input.numel()


def clone(input, *, memory_format=None):
    """A copy of ``input`` with its own memory (by default with its strides
    when it is dense: PyTorch's preserve_format)."""
    _check_tensor("clone", input)
    if memory_format is None:
        return input.clone()
    return input.clone(memory_format=memory_format)

# subpackages of the nn issue (one import line each)
from . import __config__, optim, utils  # noqa: E402,F401
from .serialization import load, save  # noqa: E402,F401


# ---- random: in-place samplers on Tensor (PyTorch's CPU streams) ----
def _install_samplers():
    from ._random import _install

    _install(Tensor, globals())


_install_samplers()
from . import random  # noqa: E402,F401

# ---- linalg: top-level det, inverse, slogdet, logdet, svd, cholesky_solve, pinverse,
# matrix_exp and their Tensor methods (minitorch/linalg.py) ----
linalg._install_top_level()
# ---- end linalg ----

# ---- legacy API: typed tensor classes, default device / tensor type, memory
# formats, finfo / iinfo, testing (minitorch/_legacy.py, docs/legacy-api.md) ----
from . import testing  # noqa: E402,F401
from ._legacy import TYPED_CLASSES as _TYPED_CLASSES  # noqa: E402
from ._legacy import (  # noqa: E402,F401
    channels_last,
    channels_last_3d,
    contiguous_format,
    finfo,
    get_default_device,
    iinfo,
    memory_format,
    preserve_format,
    set_default_device,
    set_default_tensor_type,
)

globals().update(_TYPED_CLASSES)
# ---- end legacy API ----

