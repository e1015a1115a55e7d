"""The fused optimizer steps (_C._fused_sgd_, _fused_adam_, _fused_rmsprop_,
_fused_adagrad_, _fused_adamax_, _fused_nadam_, _fused_radam_; Note [Fused
optimizer steps]): bit for bit the same as the Python reference loops they
replace, and within a few ULP of PyTorch's CPU optimizers (recorded through
the oracle), over
every option, float dtype, non-contiguous parameters and several groups; and
their argument checks.
"""

import numpy as np
import oracle
import pytest

import minitorch
from minitorch import _C, optim
from minitorch.optim import _algorithms

DTYPES = ["float32", "float64", "float16", "bfloat16"]

CASES = {
    "sgd_plain": ("SGD", dict(lr=0.1)),
    "sgd_momentum": ("SGD", dict(lr=0.05, momentum=0.9)),
    "sgd_all": ("SGD", dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01)),
    "sgd_nesterov_max": ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1,
                                     maximize=True)),
    "adam": ("Adam", dict(lr=0.01)),
    "adam_all": ("Adam", dict(lr=0.02, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1,
                              amsgrad=True, maximize=True)),
    "adamw": ("AdamW", dict(lr=0.01)),
    "adamw_amsgrad": ("AdamW", dict(lr=0.03, weight_decay=0.2, amsgrad=True)),
    "rmsprop": ("RMSprop", dict(lr=0.01)),
    "rmsprop_centered_momentum": ("RMSprop", dict(lr=0.02, alpha=0.9, eps=1e-6, weight_decay=0.1,
                                                  momentum=0.8, centered=True, maximize=True)),
    "rmsprop_momentum": ("RMSprop", dict(lr=0.01, momentum=0.5)),
    "rmsprop_centered": ("RMSprop", dict(lr=0.01, centered=True)),
    "adagrad": ("Adagrad", dict(lr=0.1)),
    "adagrad_all": ("Adagrad", dict(lr=0.2, lr_decay=0.05, weight_decay=0.1,
                                    initial_accumulator_value=0.3, eps=1e-6, maximize=True)),
    "adamax": ("Adamax", dict(lr=0.01)),
    "adamax_all": ("Adamax", dict(lr=0.02, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1,
                                  maximize=True)),
    "nadam": ("NAdam", dict(lr=0.01)),
    "nadam_all": ("NAdam", dict(lr=0.02, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1,
                                momentum_decay=0.01, maximize=True)),
    "nadamw": ("NAdam", dict(lr=0.02, weight_decay=0.1, decoupled_weight_decay=True)),
    # RAdam rectifies once rho_t > 5, which is from step 6 on for these betas:
    # the long cases run more steps (CASE_STEPS).
    "radam": ("RAdam", dict(lr=0.01)),
    "radam_all": ("RAdam", dict(lr=0.02, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1,
                                maximize=True)),
    "radam_long": ("RAdam", dict(lr=0.01, betas=(0.9, 0.99))),
    "radamw_long": ("RAdam", dict(lr=0.02, weight_decay=0.1, decoupled_weight_decay=True)),
}
CASE_STEPS = {"radam_long": 10, "radamw_long": 10}

STATE_KEYS = {
    "Adam": ["step", "exp_avg", "exp_avg_sq"],
    "AdamW": ["step", "exp_avg", "exp_avg_sq"],
    "RMSprop": ["step", "square_avg"],
    "Adagrad": ["step", "sum"],
    "Adamax": ["step", "exp_avg", "exp_inf"],
    "NAdam": ["step", "mu_product", "exp_avg", "exp_avg_sq"],
    "RAdam": ["step", "exp_avg", "exp_avg_sq"],
}

STEPS = 6


def _data(seed, steps=STEPS):
    rng = np.random.default_rng(seed)
    p1 = rng.standard_normal((3, 4))
    p2 = rng.standard_normal((5, 2))  # used transposed: a non-contiguous leaf
    ws = [(rng.standard_normal((3, 4)), rng.standard_normal((2, 5))) for _ in range(steps)]
    return p1, p2, ws


def run(lib, case, dtype, seed=0):
    """Six steps over two groups (the second group's lr halved); the gradient of
    (p * w).sum() is w, exactly, in every library. Returns float64 arrays of the
    parameters and their state after each step."""
    cls_name, kwargs = CASES[case]
    dt = getattr(lib, dtype)
    p1_np, p2_np, ws = _data(seed, CASE_STEPS.get(case, STEPS))
    p1 = lib.tensor(p1_np, dtype=dt).requires_grad_()
    p2 = lib.tensor(p2_np, dtype=dt).t().detach().requires_grad_()
    groups = [{"params": [p1]}, {"params": [p2], "lr": kwargs["lr"] / 2}]
    opt = getattr(lib.optim, cls_name)(groups, **kwargs)
    out = []
    for w1, w2 in ws:
        loss = (p1 * lib.tensor(w1, dtype=dt)).sum() + (p2 * lib.tensor(w2, dtype=dt)).sum()
        loss.backward()
        opt.step()
        opt.zero_grad()
        for p in (p1, p2):
            out.append(p.detach().double().numpy().copy())
    if cls_name == "SGD":
        keys = ["momentum_buffer"] if kwargs.get("momentum") else []
    else:
        keys = STATE_KEYS[cls_name] + (["max_exp_avg_sq"] if kwargs.get("amsgrad") else [])
        keys += ["momentum_buffer"] if cls_name == "RMSprop" and kwargs.get("momentum") else []
        keys += ["grad_avg"] if kwargs.get("centered") else []
    for p in (p1, p2):
        for key in keys:
            out.append(opt.state[p][key].detach().double().numpy().copy())
    return out


def _reference(case, dtype):
    _algorithms._FUSED = False
    try:
        return run(minitorch, case, dtype)
    finally:
        _algorithms._FUSED = True


def _assert_bits_equal(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_fused_equals_reference_loop(case, dtype):
    _assert_bits_equal(run(minitorch, case, dtype), _reference(case, dtype))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_fused_equals_torch(case, dtype):
    # Within a few ULP, not bit for bit: PyTorch's vectorised CPU kernels
    # (lerp, addcdiv) use fused multiply-adds, minitorch's plain ops do not.
    torch = oracle.torch()
    got, want = run(minitorch, case, dtype), run(torch, case, dtype)
    assert len(got) == len(want)
    rtol = 1e-6 if dtype == "float32" else 1e-14
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=rtol)


def test_step_counts_and_versions():
    p = minitorch.zeros(3, requires_grad=True)
    opt = optim.Adam([p], lr=0.1)
    for k in range(1, 4):
        p.grad = minitorch.ones(3)
        v = p._version
        opt.step()
        assert opt.state[p]["step"].item() == k
        assert opt.state[p]["step"].dtype == minitorch.float32
        assert p._version > v
    # A parameter without a gradient is skipped, and gets no state.
    q = minitorch.zeros(2, requires_grad=True)
    opt2 = optim.SGD([q, p], lr=0.1, momentum=0.9)
    p.grad = minitorch.ones(3)
    opt2.step()
    assert len(opt2.state[q]) == 0
    np.testing.assert_array_equal(opt2.state[p]["momentum_buffer"].numpy(), np.ones(3))


def _sgd_args(params, grads, bufs=None, momentum=0.0):
    return (params, grads, bufs, 0.1, momentum, 0.0, 0.0, False, False, False)


def test_fused_sgd_argument_checks():
    p = minitorch.zeros(3)
    g = minitorch.ones(3)
    with pytest.raises(TypeError, match=r"params\[1\] must be a Tensor, not int"):
        _C._fused_sgd_(*_sgd_args([p, 3], [g, g]))
    with pytest.raises(TypeError, match="grads must be a list of Tensors, not Tensor"):
        _C._fused_sgd_(*_sgd_args([p], g))
    with pytest.raises(RuntimeError, match="expected 1 grads"):
        _C._fused_sgd_(*_sgd_args([p], [g, g]))
    with pytest.raises(RuntimeError, match="grads 0 has shape"):
        _C._fused_sgd_(*_sgd_args([p], [minitorch.ones(4)]))
    with pytest.raises(RuntimeError, match="grads 0 has dtype float64"):
        _C._fused_sgd_(*_sgd_args([p], [minitorch.ones(3, dtype=minitorch.float64)]))
    with pytest.raises(RuntimeError, match="expected 1 momentum_buffers"):
        _C._fused_sgd_(*_sgd_args([p], [g], None, momentum=0.9))
    with pytest.raises(RuntimeError, match="floating point dtype, got int64"):
        _C._fused_sgd_(*_sgd_args([minitorch.zeros(3, dtype=minitorch.int64)],
                                  [minitorch.ones(3, dtype=minitorch.int64)]))
    with pytest.raises(TypeError):
        _C._fused_sgd_([p], [g])
    # A bad list changes nothing: all checks run before the first write.
    q = minitorch.zeros(3)
    with pytest.raises(RuntimeError, match="grads 1 has shape"):
        _C._fused_sgd_(*_sgd_args([q, p], [g, minitorch.ones(2)]))
    np.testing.assert_array_equal(q.numpy(), np.zeros(3))
    # Grad mode on and a parameter that requires grad: PyTorch's leaf error.
    leaf = minitorch.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        _C._fused_sgd_(*_sgd_args([leaf], [g]))
    with minitorch.no_grad():
        _C._fused_sgd_(*_sgd_args([leaf], [g]))
    np.testing.assert_allclose(leaf.detach().numpy(), np.full(3, -0.1, np.float32))


def test_fused_adam_argument_checks():
    p = minitorch.zeros(3)
    z = minitorch.zeros(3)
    g = minitorch.ones(3)
    step = minitorch.tensor(0.0)
    base = dict(lr=0.1, b1=0.9, b2=0.999, eps=1e-8, wd=0.0, ams=False, maxi=False, dec=False)

    def call(params, grads, m, v, vmax, steps, **kw):
        a = {**base, **kw}
        _C._fused_adam_(params, grads, m, v, vmax, steps, a["lr"], a["b1"], a["b2"], a["eps"],
                        a["wd"], a["ams"], a["maxi"], a["dec"])

    with pytest.raises(RuntimeError, match="expected 1 max_exp_avg_sqs"):
        call([p], [g], [z], [z.clone()], None, [step], ams=True)
    with pytest.raises(RuntimeError, match="step 0 must be a 0-d float32 CPU tensor"):
        call([p], [g], [z], [z.clone()], None, [minitorch.tensor([0.0])])
    with pytest.raises(RuntimeError, match="expected 1 steps"):
        call([p], [g], [z], [z.clone()], None, [])
    with pytest.raises(TypeError, match=r"exp_avgs\[0\] must be a Tensor, not NoneType"):
        call([p], [g], [None], [z.clone()], None, [step])
    assert step.item() == 0.0  # nothing was bumped
    call([p], [g], [z], [z.clone()], None, [step])
    assert step.item() == 1.0
    # The first Adam step moves each element by lr (m_hat / sqrt(v_hat) = 1).
    np.testing.assert_allclose(p.numpy(), np.full(3, -0.1, np.float32), rtol=1e-6)


def test_read_only_parameter_is_refused():
    a = np.zeros(3, np.float32)
    a.flags.writeable = False
    p = minitorch.from_numpy(a)
    with pytest.raises(RuntimeError, match="read-only"):
        _C._fused_sgd_(*_sgd_args([p], [minitorch.ones(3)]))


def test_fused_rmsprop_and_adagrad_argument_checks():
    p, g, step = minitorch.zeros(3), minitorch.ones(3), minitorch.tensor(0.0)
    sq = minitorch.zeros(3)

    def rms(params, grads, sqs, gas, bufs, steps, momentum=0.0, centered=False):
        _C._fused_rmsprop_(params, grads, sqs, gas, bufs, steps, 0.01, 0.99, 1e-8, 0.0, momentum,
                           centered, False)

    with pytest.raises(RuntimeError, match="expected 1 grad_avgs"):
        rms([p], [g], [sq], None, None, [step], centered=True)
    with pytest.raises(RuntimeError, match="expected 1 momentum_buffers"):
        rms([p], [g], [sq], None, None, [step], momentum=0.9)
    with pytest.raises(RuntimeError, match="square_avgs 0 has shape"):
        rms([p], [g], [minitorch.zeros(2)], None, None, [step])
    with pytest.raises(TypeError, match=r"square_avgs\[0\] must be a Tensor, not int"):
        rms([p], [g], [0], None, None, [step])
    with pytest.raises(RuntimeError, match="expected 1 steps"):
        rms([p], [g], [sq], None, None, [])
    assert step.item() == 0.0 and not p.numpy().any()  # nothing written
    rms([p], [g], [sq], None, None, [step])
    assert step.item() == 1.0
    # sq = 0.01 * g^2; p -= lr * g / (sqrt(sq) + eps) = 0.01 / 0.1
    np.testing.assert_allclose(sq.numpy(), np.full(3, 0.01, np.float32), rtol=1e-6)
    np.testing.assert_allclose(p.numpy(), np.full(3, -0.1, np.float32), rtol=1e-5)

    q, s, st = minitorch.zeros(3), minitorch.zeros(3), minitorch.tensor(0.0)

    def ada(params, grads, sums, steps):
        _C._fused_adagrad_(params, grads, sums, steps, 0.1, 0.0, 0.0, 1e-10, False)

    with pytest.raises(RuntimeError, match="state_sums 0 has dtype float64"):
        ada([q], [g], [minitorch.zeros(3, dtype=minitorch.float64)], [st])
    with pytest.raises(RuntimeError, match="floating point dtype, got int32"):
        ada([minitorch.zeros(3, dtype=minitorch.int32)], [g], [s], [st])
    with pytest.raises(TypeError):
        _C._fused_adagrad_([q], [g], [s], [st])
    assert st.item() == 0.0
    ada([q], [g], [s], [st])
    np.testing.assert_allclose(q.numpy(), np.full(3, -0.1, np.float32), rtol=1e-6)
    leaf = minitorch.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        ada([leaf], [g], [minitorch.zeros(3)], [minitorch.tensor(0.0)])


def test_radam_cases_cover_both_branches():
    # The rho_t > 5 threshold, worked out as PyTorch's loop does: every RAdam
    # case runs unrectified steps first, then at least one rectified step.
    def rectified(beta2, step):
        rho_inf = 2 / (1 - beta2) - 1
        return rho_inf - 2 * step * beta2 ** step / (1 - beta2 ** step) > 5.0
    for case, (cls_name, kwargs) in CASES.items():
        if cls_name == "RAdam":
            beta2 = kwargs.get("betas", (0.9, 0.999))[1]
            flags = [rectified(beta2, t) for t in range(1, CASE_STEPS.get(case, STEPS) + 1)]
            assert flags[0] is False and flags[-1] is True, case


def test_fused_adamax_nadam_radam_argument_checks():
    p, g = minitorch.zeros(3), minitorch.ones(3)
    m, v, step, mu = minitorch.zeros(3), minitorch.zeros(3), minitorch.tensor(0.0), \
        minitorch.tensor(1.0)

    def adamax(params, grads, ms, us, steps):
        _C._fused_adamax_(params, grads, ms, us, steps, 0.1, 0.9, 0.999, 1e-8, 0.0, False)

    def nadam(mus):
        _C._fused_nadam_([p], [g], [m], [v], mus, [step], 0.1, 0.9, 0.999, 1e-8, 0.0, 4e-3,
                         False, False)

    def radam(params, vs):
        _C._fused_radam_(params, [g], [m], vs, [step], 0.1, 0.9, 0.999, 1e-8, 0.0, False, False)

    with pytest.raises(RuntimeError, match="expected 1 exp_infs"):
        adamax([p], [g], [m], [], [step])
    with pytest.raises(RuntimeError, match="exp_infs 0 has shape"):
        adamax([p], [g], [m], [minitorch.zeros(2)], [step])
    with pytest.raises(TypeError, match="exp_infs must be a list of Tensors, not NoneType"):
        adamax([p], [g], [m], None, [step])
    with pytest.raises(RuntimeError, match="step 0 must be a 0-d float32 CPU tensor"):
        nadam([minitorch.tensor([1.0])])
    with pytest.raises(RuntimeError, match="expected 1 steps"):
        nadam([])
    with pytest.raises(RuntimeError, match="exp_avg_sqs 0 has dtype float64"):
        radam([p], [minitorch.zeros(3, dtype=minitorch.float64)])
    with pytest.raises(RuntimeError, match="floating point dtype, got int64"):
        radam([minitorch.zeros(3, dtype=minitorch.int64)], [v])
    with pytest.raises(TypeError):
        _C._fused_radam_([p], [g], [m], [v], [step])
    assert step.item() == 0.0 and mu.item() == 1.0 and not p.numpy().any()  # nothing written
    # One Adamax step from zero state: m = 0.1 g, u = |g| + eps, so each element
    # moves by lr / (1 - 0.9) * 0.1 = lr.
    adamax([p], [g], [m], [v], [step])
    assert step.item() == 1.0
    np.testing.assert_allclose(p.numpy(), np.full(3, -0.1, np.float32), rtol=1e-6)
    np.testing.assert_allclose(v.numpy(), np.ones(3, np.float32), rtol=1e-6)
    # NAdam multiplies the float32 momentum product by mu_1 = 0.9 (1 - 0.5 * 0.96^0.004).
    m.zero_(), v.zero_(), p.zero_(), step.zero_()
    nadam([mu])
    want_mu = np.float32(np.float32(1.0) * np.float32(0.9 * (1.0 - 0.5 * 0.96 ** 4e-3)))
    assert mu.item() == float(want_mu) and step.item() == 1.0
    leaf = minitorch.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        radam([leaf], [minitorch.zeros(3)])
