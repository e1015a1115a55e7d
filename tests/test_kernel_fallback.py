"""Fused ops on a device without their kernel (minitorch/_kernel_fallback.py).

The CUDA kernel table leaves the fused nn and optimizer slots null, so there a
fused nn op runs on the CPU through differentiable copies, and an optimizer runs
its reference loop. No GPU is needed to check the routing: these tests mark the
slots missing for the CPU itself, so every call takes the copy path, and compare
values, gradients and in-place state with the direct fused path."""

import numpy as np
import pytest

import minitorch as mt
import minitorch.nn.functional as F
from minitorch import _kernel_fallback as fb

NN_SLOTS = frozenset({"nn.nll_forward", "nn.point_loss_forward", "nn.norm_forward",
                      "nn.channel_norm_forward", "nn.im2col", "nn.col2im", "nn.pool_forward"})


@pytest.fixture
def cpu_missing(monkeypatch):
    moved = []
    real = fb._to

    def counting(x, device):
        moved.append(device)
        return real(x, device)

    def set_missing(slots):
        monkeypatch.setitem(fb._missing, "cpu", frozenset(slots))
        monkeypatch.setattr(fb, "_to", counting)
        return moved
    return set_missing


def test_cpu_lacks_no_kernel():
    assert fb.missing_kernels("cpu") == frozenset()


def _grads(fn, *tensors):
    for t in tensors:
        t.grad = None
    out = fn()
    out.sum().backward()
    return out.detach().numpy().copy(), [t.grad.numpy().copy() for t in tensors]


CASES = {
    "cross_entropy": lambda x, w: F.cross_entropy(x @ w, mt.tensor([0, 2, 1, 2])),
    "nll_loss": lambda x, w: F.nll_loss((x @ w).log_softmax(1), mt.tensor([1, 0, 2, 2])),
    "mse_loss": lambda x, w: F.mse_loss(x @ w, mt.ones(4, 3, dtype=mt.float64)),
    "bce_with_logits": lambda x, w: F.binary_cross_entropy_with_logits(x @ w, mt.ones(4, 3, dtype=mt.float64)),
    "layer_norm": lambda x, w: F.layer_norm(x @ w, (3,)),
    "rms_norm": lambda x, w: F.rms_norm(x @ w, (3,)),
    "group_norm": lambda x, w: F.group_norm((x @ w).reshape(2, 2, 3), 2),
    "conv1d": lambda x, w: F.conv1d(x.reshape(1, 4, 3), w.reshape(3, 1, 3).repeat(1, 4, 1)),
    "max_pool1d": lambda x, w: F.max_pool1d((x @ w).reshape(1, 4, 3), 2, 1),
    "adaptive_avg_pool1d": lambda x, w: F.adaptive_avg_pool1d((x @ w).reshape(1, 4, 3), 2),
    "unfold_fold": lambda x, w: F.fold(F.unfold((x @ w).reshape(1, 1, 4, 3), 2), (4, 3), 2),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_nn_op_through_the_host_copy_matches_the_direct_path(name, cpu_missing):
    rng = np.random.default_rng(0)
    x = mt.tensor(rng.standard_normal((4, 3)), dtype=mt.float64, requires_grad=True)
    w = mt.tensor(rng.standard_normal((3, 3)), dtype=mt.float64, requires_grad=True)
    want, want_g = _grads(lambda: CASES[name](x, w), x, w)
    moved = cpu_missing(NN_SLOTS)
    got, got_g = _grads(lambda: CASES[name](x, w), x, w)
    assert moved  # the call went through the host copies
    np.testing.assert_array_equal(got, want)
    for a, b in zip(got_g, want_g):
        np.testing.assert_array_equal(a, b)


def test_batch_norm_running_stats_are_copied_back(cpu_missing):
    x = mt.arange(24.0).reshape(4, 3, 2)
    ref = mt.nn.BatchNorm1d(3)
    y_ref = ref(x)
    bn = mt.nn.BatchNorm1d(3)
    moved = cpu_missing(NN_SLOTS)
    y = bn(x)
    assert moved
    np.testing.assert_array_equal(y.detach().numpy(), y_ref.detach().numpy())
    np.testing.assert_array_equal(bn.running_mean.numpy(), ref.running_mean.numpy())
    np.testing.assert_array_equal(bn.running_var.numpy(), ref.running_var.numpy())
    assert bn.running_mean.numpy().any()


@pytest.mark.parametrize("make", [
    lambda ps: mt.optim.SGD(ps, lr=0.1, momentum=0.9),
    lambda ps: mt.optim.Adam(ps, lr=0.1, amsgrad=True),
    lambda ps: mt.optim.RMSprop(ps, lr=0.1, momentum=0.5, centered=True),
    lambda ps: mt.optim.NAdam(ps, lr=0.1),
])
def test_optimizer_without_its_fused_kernel_runs_the_reference_loop(make, cpu_missing,
                                                                     monkeypatch):
    def run():
        p = mt.nn.Parameter(mt.linspace(-1, 1, 5))
        opt = make([p])
        for _ in range(3):
            opt.zero_grad()
            ((p * p).sum() + p.sum()).backward()
            opt.step()
        return p.detach().numpy().copy()

    want = run()

    def refuse(*args):
        raise AssertionError("the fused step ran although its kernel is missing")

    for name in ("_fused_sgd_", "_fused_adam_", "_fused_rmsprop_", "_fused_nadam_"):
        monkeypatch.setattr(mt._C, name, refuse)
    cpu_missing({"sgd_step", "adam_step", "rmsprop_step", "nadam_step"})
    np.testing.assert_array_equal(run(), want)
