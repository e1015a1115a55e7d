"""Shared by tests/test_optim.py and the regeneration of sched_sequences.json.

Every case builds a scheduler on an optimizer with two param groups, steps it
(after an optimizer step) a number of times and returns get_last_lr() after
construction and each step, the momentum / beta1 the scheduler sets, and the
final scheduler state_dict in plain Python values.

Regenerate the record (needs torch):  python tests/data/sched_cases.py
"""

import json
import os
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
RECORD = os.path.join(HERE, "sched_sequences.json")


def _seq(L, o):  # noqa: N803
    return L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1, total_iters=4),
                              L.ExponentialLR(o, gamma=0.9), L.StepLR(o, 3, gamma=0.5)],
                          milestones=[5, 12])


def _chain(L, o):  # noqa: N803
    return L.ChainedScheduler([L.ConstantLR(o, factor=0.5, total_iters=3),
                               L.ExponentialLR(o, gamma=0.9)])


# name: (optimizer, builder(lr_scheduler module, optimizer), steps)
CASES = {
    "step": ("SGD", lambda L, o: L.StepLR(o, step_size=3, gamma=0.5), 20),
    "multistep": ("SGD", lambda L, o: L.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3), 15),
    "exponential": ("SGD", lambda L, o: L.ExponentialLR(o, gamma=0.8), 15),
    "cosine": ("SGD", lambda L, o: L.CosineAnnealingLR(o, T_max=6, eta_min=0.001), 30),
    "lambda": ("SGD", lambda L, o: L.LambdaLR(o, lambda e: 1.0 / (1 + e)), 10),
    "lambda_per_group": ("SGD", lambda L, o: L.LambdaLR(o, [lambda e: 0.9 ** e,
                                                            lambda e: 1 + e]), 10),
    "multiplicative": ("SGD", lambda L, o: L.MultiplicativeLR(o, lambda e: 0.95), 10),
    "linear": ("SGD", lambda L, o: L.LinearLR(o, start_factor=0.25, end_factor=0.75,
                                              total_iters=6), 12),
    "constant": ("SGD", lambda L, o: L.ConstantLR(o, factor=0.5, total_iters=4), 8),
    "polynomial": ("SGD", lambda L, o: L.PolynomialLR(o, total_iters=6, power=2.0), 9),
    "onecycle_sgd": ("SGD", lambda L, o: L.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=20),
                     19),
    "onecycle_adam_linear": ("Adam", lambda L, o: L.OneCycleLR(
        o, max_lr=0.3, epochs=3, steps_per_epoch=5, anneal_strategy="linear",
        three_phase=True, pct_start=0.25), 14),
    "warm_restarts": ("SGD", lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=3, eta_min=0.01),
                      15),
    "warm_restarts_mult": ("SGD", lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=2,
                                                                             T_mult=2), 20),
    "sequential": ("SGD", _seq, 20),
    "chained": ("SGD", _chain, 10),
    # ---- CyclicLR (issue 9, branch losses) ----
    "cyclic_triangular": ("SGD", lambda L, o: L.CyclicLR(o, base_lr=[0.01, 0.02], max_lr=0.1,
                                                         step_size_up=3, step_size_down=2), 16),
    "cyclic_triangular2_adam": ("Adam", lambda L, o: L.CyclicLR(
        o, base_lr=0.001, max_lr=[0.1, 0.05], step_size_up=2, mode="triangular2",
        base_momentum=0.85, max_momentum=0.95), 14),
    "cyclic_exp_range": ("SGD", lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=3,
                                                        mode="exp_range", gamma=0.9), 14),
    "cyclic_scale_fn_no_momentum": ("SGD", lambda L, o: L.CyclicLR(
        o, 0.01, 0.1, step_size_up=2, scale_fn=lambda x: 0.5 ** x, scale_mode="iterations",
        cycle_momentum=False), 10),
    # ---- end CyclicLR ----
}

PLATEAU = {
    "plateau_min": ({"patience": 2, "factor": 0.5}, [5, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3]),
    "plateau_max_abs": ({"mode": "max", "threshold_mode": "abs", "threshold": 0.1,
                         "patience": 1, "cooldown": 2, "min_lr": [0.02, 0.001]},
                        [1, 1.05, 1.08, 1.09, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]),
}


def _plain(v):
    if isinstance(v, Counter):
        return {str(k): c for k, c in sorted(v.items())}
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def _optimizer(lib, name):
    ps = [lib.zeros(2, requires_grad=True), lib.zeros(1, requires_grad=True)]
    if name == "SGD":
        return lib.optim.SGD([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.05}], lr=0.1,
                             momentum=0.9)
    return lib.optim.Adam([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.05}], lr=0.1)


def _moms(opt):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def run(lib, name):
    if name in PLATEAU:
        kwargs, metrics = PLATEAU[name]
        opt = _optimizer(lib, "SGD")
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
        lrs = [list(sched.get_last_lr())]
        for m in metrics:
            opt.step()
            sched.step(m)
            lrs.append(list(sched.get_last_lr()))
        return {"lrs": lrs, "moms": [], "state": _plain(sched.state_dict())}
    opt_name, build, steps = CASES[name]
    opt = _optimizer(lib, opt_name)
    sched = build(lib.optim.lr_scheduler, opt)
    lrs, moms = [list(sched.get_last_lr())], [_moms(opt)]
    for _ in range(steps):
        opt.step()
        sched.step()
        lrs.append(list(sched.get_last_lr()))
        moms.append(_moms(opt))
    return {"lrs": lrs, "moms": moms, "state": _plain(sched.state_dict())}


def all_names():
    return list(CASES) + list(PLATEAU)


if __name__ == "__main__":
    import torch

    record = {"torch_version": torch.__version__,
              "cases": {n: run(torch, n) for n in all_names()}}
    with open(RECORD, "w") as f:
        json.dump(record, f)
        f.write("\n")
    print("wrote", RECORD)
