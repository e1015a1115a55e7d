"""nn.Module / Linear / Sequential / MSELoss and optim.SGD: values against
NumPy formulas, and SGD's trajectory against PyTorch where it is installed."""

import numpy as np
import pytest
from oracle import real_torch

import minitorch as mt


def _mlp():
    return mt.nn.Sequential(mt.nn.Linear(3, 4), mt.nn.ReLU(), mt.nn.Linear(4, 2))


def test_module_registers_parameters_in_order_with_pytorch_keys():
    m = _mlp()
    assert [n for n, _ in m.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert list(m.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert all(isinstance(p, mt.nn.Parameter) and p.requires_grad for p in m.parameters())
    assert [type(c).__name__ for c in m.children()] == ["Linear", "ReLU", "Linear"]
    assert repr(m) == ("Sequential(\n  (0): Linear(in_features=3, out_features=4, bias=True)\n"
                       "  (1): ReLU()\n  (2): Linear(in_features=4, out_features=2, bias=True)\n)")
    assert repr(m[0].bias).startswith("Parameter containing:\ntensor(")
    m.eval()
    assert not any(x.training for x in m.modules())


def test_linear_forward_backward_match_numpy():
    lin = mt.nn.Linear(3, 2)
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    w, b = lin.weight.detach().numpy().copy(), lin.bias.detach().numpy().copy()
    out = lin(mt.from_numpy(x))
    np.testing.assert_allclose(out.detach().numpy(), x @ w.T + b, rtol=1e-5)
    mt.nn.MSELoss(reduction="sum")(out, mt.zeros(5, 2)).backward()
    g = 2 * (x @ w.T + b)
    np.testing.assert_allclose(lin.weight.grad.numpy(), g.T @ x, rtol=1e-4)
    np.testing.assert_allclose(lin.bias.grad.numpy(), g.sum(0), rtol=1e-4)


def test_linear_default_init_is_uniform_within_the_fan_in_bound():
    lin = mt.nn.Linear(64, 256)
    w = lin.weight.detach().numpy()
    bound = 1 / np.sqrt(64)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert abs(w.mean()) < 0.01 and abs(w.var() - bound**2 / 3) < 0.1 * bound**2 / 3


def test_mse_loss_reductions():
    a, b = mt.tensor([1.0, 2.0, 4.0]), mt.tensor([0.0, 2.0, 1.0])
    assert mt.nn.MSELoss()(a, b).item() == pytest.approx(10 / 3)
    assert mt.nn.functional.mse_loss(a, b, reduction="sum").item() == 10.0
    assert mt.nn.functional.mse_loss(a, b, reduction="none").tolist() == [1.0, 0.0, 9.0]
    with pytest.raises(ValueError):
        mt.nn.functional.mse_loss(a, b, reduction="avg")


def _sgd_numpy(x0, grads_of, steps, lr, momentum=0.0, dampening=0.0, weight_decay=0.0,
               nesterov=False, maximize=False):
    x, buf = x0.copy(), None
    for _ in range(steps):
        d = grads_of(x)
        d = -d if maximize else d
        d = d + weight_decay * x
        if momentum:
            buf = d.copy() if buf is None else momentum * buf + (1 - dampening) * d
            d = d + momentum * buf if nesterov else buf
        x = x - lr * d
    return x


OPTIONS = [dict(), dict(momentum=0.9), dict(momentum=0.9, nesterov=True),
           dict(momentum=0.5, dampening=0.3, weight_decay=0.1), dict(maximize=True)]


@pytest.mark.parametrize("opts", OPTIONS, ids=str)
def test_sgd_trajectory_matches_numpy(opts):
    # minimise sum((A x - c)^2): gradient 2 A^T (A x - c); 20 steps in float64
    rng = np.random.default_rng(1)
    A, c, x0 = rng.standard_normal((4, 3)), rng.standard_normal(4), rng.standard_normal(3)
    x = mt.from_numpy(x0.copy()).requires_grad_()
    opt = mt.optim.SGD([x], lr=0.01, **opts)
    At, ct = mt.from_numpy(A), mt.from_numpy(c)
    for _ in range(20):
        opt.zero_grad()
        ((At.matmul(x) - ct) ** 2).sum().backward()
        opt.step()
    want = _sgd_numpy(x0, lambda v: 2 * A.T @ (A @ v - c), 20, 0.01, **opts)
    np.testing.assert_allclose(x.detach().numpy(), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("opts", OPTIONS, ids=str)
def test_sgd_trajectory_matches_pytorch(opts):
    torch = real_torch()
    rng = np.random.default_rng(2)
    A, c, x0 = rng.standard_normal((4, 3)), rng.standard_normal(4), rng.standard_normal(3)
    out = []
    for lib in (mt, torch):
        x = lib.from_numpy(x0.copy()).requires_grad_()
        opt = lib.optim.SGD([x], lr=0.02, **opts)
        for _ in range(20):
            opt.zero_grad()
            ((lib.from_numpy(A).matmul(x) - lib.from_numpy(c)) ** 2).sum().backward()
            opt.step()
        out.append(x.detach().numpy())
    np.testing.assert_allclose(out[0], out[1], rtol=1e-6, atol=1e-12)


def test_optimizer_state_dict_layout_and_errors():
    p = mt.zeros(2, requires_grad=True)
    opt = mt.optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = mt.ones(2)
    opt.step()
    sd = opt.state_dict()
    assert sd["param_groups"][0]["params"] == [0] and sd["param_groups"][0]["lr"] == 0.1
    assert sd["state"][0]["momentum_buffer"].tolist() == [1.0, 1.0]
    assert p.tolist() == pytest.approx([-0.1, -0.1])
    opt.zero_grad()
    assert p.grad is None
    with pytest.raises(ValueError):
        mt.optim.SGD([p], lr=-1)
    with pytest.raises(ValueError):
        mt.optim.SGD([], lr=0.1)
