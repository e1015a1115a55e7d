"""minitorch.random: the default CPU generator (PyTorch's torch.random)."""

from ._random import (  # noqa: F401
    default_generator,
    fork_rng,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)

__all__ = ["fork_rng", "get_rng_state", "initial_seed", "manual_seed", "seed", "set_rng_state"]
