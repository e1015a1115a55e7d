"""Shared by tests/test_optim.py and the regeneration of optim_trajectories.json.

Every case runs 20 optimizer steps on a small float64 problem (least squares
plus a quartic term, gradients by autograd) with the library given (torch or
minitorch) and returns the parameters after each step and the final
state_dict in plain Python values.

Regenerate the record (needs torch):  python tests/data/optim_cases.py
"""

import json
import os

import numpy as np

STEPS = 20
HERE = os.path.dirname(os.path.abspath(__file__))
RECORD = os.path.join(HERE, "optim_trajectories.json")

_rng = np.random.default_rng(1234)
A = _rng.standard_normal((6, 3))
B = _rng.standard_normal(6)
W0 = _rng.standard_normal(3)
C0 = _rng.standard_normal(1)

CASES = {
    "sgd": ("SGD", {"lr": 0.05}),
    "sgd_default_lr": ("SGD", {}),
    "sgd_momentum": ("SGD", {"lr": 0.05, "momentum": 0.9}),
    "sgd_dampening": ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
    "sgd_nesterov": ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    "sgd_wd": ("SGD", {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.1}),
    "sgd_maximize": ("SGD", {"lr": 0.01, "momentum": 0.5, "maximize": True}),
    "adam": ("Adam", {"lr": 0.1}),
    "adam_default": ("Adam", {}),
    "adam_amsgrad": ("Adam", {"lr": 0.1, "amsgrad": True}),
    "adam_wd": ("Adam", {"lr": 0.1, "weight_decay": 0.1}),
    "adam_maximize": ("Adam", {"lr": 0.05, "maximize": True}),
    "adam_all": ("Adam", {"lr": 0.1, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.2,
                          "amsgrad": True, "maximize": True}),
    "adam_decoupled": ("Adam", {"lr": 0.1, "weight_decay": 0.1,
                                "decoupled_weight_decay": True}),
    "adamw": ("AdamW", {"lr": 0.1}),
    "adamw_amsgrad": ("AdamW", {"lr": 0.1, "weight_decay": 0.5, "amsgrad": True}),
    "adamw_maximize": ("AdamW", {"lr": 0.05, "maximize": True}),
    "rmsprop": ("RMSprop", {"lr": 0.01}),
    "rmsprop_centered": ("RMSprop", {"lr": 0.01, "centered": True}),
    "rmsprop_momentum": ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    "rmsprop_all": ("RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True, "momentum": 0.5,
                                "weight_decay": 0.1, "eps": 1e-4}),
    "rmsprop_maximize": ("RMSprop", {"lr": 0.005, "maximize": True}),
    "adagrad": ("Adagrad", {"lr": 0.1}),
    "adagrad_all": ("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "weight_decay": 0.1,
                                "initial_accumulator_value": 0.5}),
    "adagrad_maximize": ("Adagrad", {"lr": 0.05, "maximize": True}),
    "adamax": ("Adamax", {"lr": 0.1}),
    "adamax_wd": ("Adamax", {"lr": 0.1, "weight_decay": 0.1, "betas": (0.8, 0.9)}),
    "adamax_maximize": ("Adamax", {"lr": 0.05, "maximize": True}),
    "nadam": ("NAdam", {"lr": 0.1}),
    "nadam_wd": ("NAdam", {"lr": 0.1, "weight_decay": 0.1, "momentum_decay": 0.01}),
    "nadam_decoupled": ("NAdam", {"lr": 0.1, "weight_decay": 0.1,
                                  "decoupled_weight_decay": True}),
    "nadam_maximize": ("NAdam", {"lr": 0.05, "maximize": True}),
    "radam": ("RAdam", {"lr": 0.1}),
    "radam_wd": ("RAdam", {"lr": 0.1, "weight_decay": 0.1}),
    "radam_decoupled": ("RAdam", {"lr": 0.1, "weight_decay": 0.1,
                                  "decoupled_weight_decay": True}),
    "radam_maximize": ("RAdam", {"lr": 0.05, "maximize": True}),
}

# Two parameter groups, the second overriding options.
GROUP_CASES = {
    "sgd_groups": ("SGD", {"lr": 0.05, "momentum": 0.9}, {"lr": 0.01, "momentum": 0.5}),
    "adam_groups": ("Adam", {"lr": 0.1}, {"lr": 0.01, "betas": (0.5, 0.9), "amsgrad": True}),
    "rmsprop_groups": ("RMSprop", {"lr": 0.01}, {"centered": True, "momentum": 0.3}),
}


def _plain(value):
    if hasattr(value, "detach"):
        return np.asarray(value.detach().numpy(), dtype=np.float64).reshape(-1).tolist()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def run(lib, name):
    """Trajectory and final state_dict of case ``name`` computed with ``lib``."""
    f64 = lib.float64
    a = lib.tensor(A.tolist(), dtype=f64)
    b = lib.tensor(B.tolist(), dtype=f64)
    w = lib.tensor(W0.tolist(), dtype=f64, requires_grad=True)
    c = lib.tensor(C0.tolist(), dtype=f64, requires_grad=True)
    if name in CASES:
        cls, kwargs = CASES[name]
        opt = getattr(lib.optim, cls)([w, c], **kwargs)
    else:
        cls, kwargs, second = GROUP_CASES[name]
        opt = getattr(lib.optim, cls)([{"params": [w]}, dict(params=[c], **second)], **kwargs)

    def closure():
        opt.zero_grad()
        r = a.matmul(w) + c - b
        loss = (r * r).mean() + 0.1 * (w * w * w * w).sum()
        loss.backward()
        return loss

    traj, losses = [], []
    for _ in range(STEPS):
        loss = opt.step(closure)
        losses.append(float(loss.item()))
        traj.append(_plain(w) + _plain(c))
    sd = opt.state_dict()
    state = {str(k): {sk: _plain(sv) for sk, sv in v.items()} for k, v in sd["state"].items()}
    return {"traj": traj, "losses": losses, "state": state,
            "param_groups": _plain(sd["param_groups"])}


def all_names():
    return list(CASES) + list(GROUP_CASES)


if __name__ == "__main__":
    import torch

    record = {"torch_version": torch.__version__,
              "cases": {n: run(torch, n) for n in all_names()}}
    with open(RECORD, "w") as f:
        json.dump(record, f)
        f.write("\n")
    print("wrote", RECORD)
