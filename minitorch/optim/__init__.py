"""minitorch.optim: the Optimizer base and SGD (more optimizers come with the nn issue)."""

from .optimizer import Optimizer  # noqa: F401
from .sgd import SGD  # noqa: F401
