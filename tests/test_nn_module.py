"""minitorch.nn core (Parameter, Module, Linear, containers, losses, activations,
Dropout, init, utils) against PyTorch through oracle.torch(): the same weights are
copied into both, then outputs, gradients, state_dict keys, parameter order, reprs
and error texts are compared. Default init is checked statistically."""

import math

import numpy as np
import oracle
import pytest

import minitorch as mt
import minitorch.nn as nn
import minitorch.nn.functional as F

RNG = np.random.default_rng(2024)


def f32(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def titems(gen):
    """The items of a generator that lives in torch, as a list made on torch's side
    (a proxied generator has no len, so a plain list() cannot consume it)."""
    return oracle.torch().builtins.list(gen)


def tnames(gen):
    return [item[0] for item in titems(gen)]


def mnames(gen):
    return [name for name, _ in gen]


def copy_weights(m_model, t_model, torch):
    """Gives both models the same random values, parameter by parameter in order."""
    m_params = list(m_model.named_parameters())
    t_names = tnames(t_model.named_parameters())
    assert [n for n, _ in m_params] == t_names
    for name, p in m_params:
        a = f32(*p.shape)
        with mt.no_grad():
            p.copy_(mt.from_numpy(a))
        with torch.no_grad():
            t_model.get_parameter(name).copy_(torch.from_numpy(a))


def mlp(lib):
    return lib.nn.Sequential(lib.nn.Linear(5, 8), lib.nn.ReLU(), lib.nn.Linear(8, 6),
                             lib.nn.Tanh(), lib.nn.Linear(6, 3, bias=False))


def test_parameter_basics_and_repr():
    torch = oracle.torch()
    a = f32(2, 3)
    p = nn.Parameter(mt.from_numpy(a))
    tp = torch.nn.Parameter(torch.from_numpy(a))
    assert type(p) is nn.Parameter and isinstance(p, mt.Tensor)
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    assert repr(p) == repr(tp)
    assert repr(p).startswith("Parameter containing:\n")
    q = nn.Parameter(mt.from_numpy(a), requires_grad=False)
    assert repr(q) == repr(torch.nn.Parameter(torch.from_numpy(a), requires_grad=False))
    assert not q.requires_grad
    # shares memory with the tensor it wraps
    base = mt.from_numpy(a.copy())
    assert nn.Parameter(base).data_ptr() == base.data_ptr()
    assert nn.Parameter().shape == (0,)
    import copy

    c = copy.deepcopy(p)
    assert type(c) is nn.Parameter and c.requires_grad and c.data_ptr() != p.data_ptr()
    np.testing.assert_array_equal(c.detach().numpy(), a)


def test_mlp_forward_backward_matches_torch():
    torch = oracle.torch()
    m, t = mlp(mt), mlp(torch)
    copy_weights(m, t, torch)
    x, y = f32(7, 5), f32(7, 3)
    out_m = m(mt.from_numpy(x))
    out_t = t(torch.from_numpy(x))
    np.testing.assert_allclose(out_m.detach().numpy(), out_t.detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    nn.MSELoss()(out_m, mt.from_numpy(y)).backward()
    torch.nn.MSELoss()(out_t, torch.from_numpy(y)).backward()
    for name, p in m.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), t.get_parameter(name).grad.numpy(),
                                   rtol=1e-4, atol=1e-6, err_msg=name)
    assert list(m.state_dict().keys()) == titems(t.state_dict().keys())
    assert repr(m) == repr(t)
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())


def nested(lib):
    n = lib.nn
    model = n.Sequential(
        n.Linear(4, 3),
        n.ModuleList([n.Linear(3, 3), n.ReLU(), n.Linear(3, 2, bias=False)]),
        n.ModuleDict({"b_first": n.Linear(2, 2), "a_second": n.Sequential(n.Flatten(),
                                                                          n.Identity())}),
    )
    model.register_buffer("running", lib.zeros(3))
    model.register_buffer("scratch", lib.ones(2), persistent=False)
    model[1].append(n.Dropout(0.25))
    model.add_module("plist", n.ParameterList([n.Parameter(lib.ones(2)),
                                               n.Parameter(lib.zeros(1, 2))]))
    model.add_module("pdict", n.ParameterDict({"zeta": n.Parameter(lib.ones(1)),
                                               "alpha": n.Parameter(lib.ones(3))}))
    return model


def test_nested_containers_keys_order_repr():
    torch = oracle.torch()
    m, t = nested(mt), nested(torch)
    assert mnames(m.named_parameters()) == tnames(t.named_parameters())
    assert list(m.state_dict().keys()) == titems(t.state_dict().keys())
    assert mnames(m.named_buffers()) == tnames(t.named_buffers())
    assert mnames(m.named_modules()) == tnames(t.named_modules())
    assert mnames(m.named_children()) == tnames(t.named_children())
    assert mnames(m.named_parameters(prefix="net", recurse=True)) == \
        tnames(t.named_parameters(prefix="net", recurse=True))
    assert mnames(m[1].named_parameters(recurse=False)) == []
    assert repr(m).replace("minitorch.", "torch.") == repr(t)
    assert len(list(m.parameters())) == len(titems(t.parameters()))
    assert len(m[1]) == len(t[1]) == 4
    sd = m.state_dict()
    assert all(not v.requires_grad for v in sd.values())
    assert sd["0.weight"].data_ptr() == m[0].weight.data_ptr()


def test_repeated_modulelist_repr_and_shared_params():
    torch = oracle.torch()

    def build(lib):
        lin = lib.nn.Linear(2, 2)
        return lib.nn.ModuleList([lin, lin, lib.nn.Linear(2, 2), lib.nn.Linear(2, 2),
                                  lib.nn.ReLU()])

    m, t = build(mt), build(torch)
    assert repr(m) == repr(t)
    assert mnames(m.named_parameters()) == tnames(t.named_parameters())
    assert mnames(m.named_parameters(remove_duplicate=False)) == \
        tnames(t.named_parameters(remove_duplicate=False))
    assert list(m.state_dict().keys()) == titems(t.state_dict().keys())


@pytest.mark.parametrize("expr", [
    "n.Linear(3, 4)", "n.Linear(3, 4, bias=False)", "n.Identity()", "n.Flatten()",
    "n.Flatten(0, 2)", "n.Unflatten(1, (2, 3))", "n.ReLU()", "n.ReLU(inplace=True)",
    "n.Sigmoid()", "n.Tanh()", "n.GELU()", "n.GELU(approximate='tanh')", "n.SiLU()",
    "n.LeakyReLU()", "n.LeakyReLU(0.2, inplace=True)", "n.Softmax(dim=1)",
    "n.LogSoftmax(dim=-1)", "n.ELU()", "n.Softplus()", "n.Hardtanh()", "n.ReLU6()",
    "n.Threshold(0.1, 20)", "n.Dropout()", "n.Dropout(0.1, inplace=True)", "n.MSELoss()",
    "n.L1Loss(reduction='sum')", "n.Sequential()", "n.ModuleList()", "n.ModuleDict()",
    "n.Mish()", "n.Hardswish()", "n.Hardsigmoid()", "n.LogSigmoid()", "n.Softsign()",
    "n.Tanhshrink()",
    "n.Sequential(n.Linear(2, 3), n.Sequential(n.ReLU(), n.Linear(3, 1)))",
    "n.ParameterList([n.Parameter(lib.ones(2, 3)), n.Parameter(lib.ones(4))])",
    "n.ParameterDict({'b': n.Parameter(lib.ones(2, 3)), 'a': n.Parameter(lib.ones(4))})",
])
def test_reprs_match_torch(expr):
    torch = oracle.torch()
    # minitorch names its own dtypes and tensor types (minitorch.float32)
    got = repr(eval(expr, {"n": nn, "lib": mt})).replace("minitorch.", "torch.")
    want = repr(eval(expr, {"n": torch.nn, "lib": torch}))
    assert got == want


def test_load_state_dict_strict_errors_and_result():
    torch = oracle.torch()
    m, t = mlp(mt), mlp(torch)
    copy_weights(m, t, torch)
    sd = {k: mt.from_numpy(v.detach().numpy().copy()) for k, v in m.state_dict().items()}
    m2 = mlp(mt)
    res = m2.load_state_dict(sd)
    assert res.missing_keys == [] and res.unexpected_keys == []
    assert repr(res) == repr(t.load_state_dict(t.state_dict()))
    for k in sd:
        np.testing.assert_array_equal(m2.state_dict()[k].numpy(), sd[k].numpy())

    # missing, unexpected and size mismatch: the same error text as PyTorch
    bad_m = dict(sd)
    del bad_m["0.bias"]
    bad_m["9.weight"] = mt.zeros(1)
    bad_m["2.weight"] = mt.zeros(2, 2)
    tsd = {k: torch.from_numpy(v.numpy()) for k, v in bad_m.items()}
    with pytest.raises(RuntimeError) as em:
        m2.load_state_dict(bad_m)
    with pytest.raises(RuntimeError) as et:
        t.load_state_dict(tsd)
    assert str(em.value).replace("minitorch.Size", "torch.Size") == str(et.value)

    # strict=False: the lists PyTorch returns (size mismatches still raise)
    del bad_m["2.weight"], tsd["2.weight"]
    rm = m2.load_state_dict(bad_m, strict=False)
    rt = t.load_state_dict(tsd, strict=False)
    assert rm.missing_keys == list(rt.missing_keys)
    assert rm.unexpected_keys == list(rt.unexpected_keys)


def test_load_state_dict_assign():
    m = nn.Linear(3, 2)
    w = mt.ones(2, 3)
    m.load_state_dict({"weight": w, "bias": mt.zeros(2)}, assign=True)
    assert isinstance(m.weight, nn.Parameter) and m.weight.requires_grad
    assert m.weight.data_ptr() == w.data_ptr()
    old = m.bias
    m.load_state_dict({"weight": mt.zeros(2, 3), "bias": mt.ones(2)})
    assert m.bias is old and m.bias.tolist() == [1.0, 1.0]


def test_module_attribute_semantics():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)
            self.scale = nn.Parameter(mt.ones(1))
            self.register_buffer("count", mt.zeros(1))
            self.plain = 3

        def forward(self, x):
            return self.fc(x) * self.scale

    net = Net()
    assert set(net._parameters) == {"scale"} and set(net._modules) == {"fc"}
    assert set(net._buffers) == {"count"} and net.plain == 3
    assert [n for n, _ in net.named_parameters()] == ["scale", "fc.weight", "fc.bias"]
    assert list(net.state_dict()) == ["scale", "count", "fc.weight", "fc.bias"]
    assert {"fc", "scale", "count", "plain", "forward"} <= set(dir(net))
    # reassigning a registered name moves it between the stores
    net.scale = None
    assert "scale" in net._parameters and net.scale is None
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'scale'"):
        net.scale = mt.ones(1)
    net.count = mt.ones(2)
    assert net._buffers["count"].shape == (2,)
    with pytest.raises(TypeError, match="cannot assign 'int' as child module 'fc'"):
        net.fc = 5
    del net.fc
    assert "fc" not in net._modules
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'fc'"):
        net.fc
    net.fc = nn.Linear(2, 2)
    assert net.get_submodule("fc") is net.fc
    assert net.get_parameter("fc.bias") is net.fc.bias
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        net.get_submodule("nope")
    with pytest.raises(KeyError, match="attribute 'plain' already exists"):
        net.register_buffer("plain", mt.ones(1))
    with pytest.raises(TypeError, match="cannot assign 'Tensor' object to parameter"):
        net.register_parameter("x", mt.ones(1))
    with pytest.raises(AttributeError, match="cannot assign parameters before"):
        class Bad(nn.Module):
            def __init__(self):
                self.p = nn.Parameter(mt.ones(1))
        Bad()
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(1)

    # train / eval / requires_grad_ / apply
    seq = nn.Sequential(nn.Linear(2, 2), nn.Dropout())
    assert seq.training and seq[1].training
    assert seq.eval() is seq and not seq[1].training
    seq.train()
    assert seq[1].training
    seq.requires_grad_(False)
    assert not any(p.requires_grad for p in seq.parameters())
    seen = []
    seq.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen == ["Linear", "Dropout", "Sequential"]


def test_hooks():
    lin = nn.Linear(3, 2)
    calls = []

    def pre(mod, args):
        calls.append("pre")
        return (args[0] * 0,)

    def post(mod, args, out):
        calls.append("post")
        return out + 1

    h1 = lin.register_forward_pre_hook(pre)
    h2 = lin.register_forward_hook(post)
    out = lin(mt.ones(4, 3))
    expect = lin.bias.detach().numpy() + 1
    np.testing.assert_allclose(out.detach().numpy(), np.broadcast_to(expect, (4, 2)))
    assert calls == ["pre", "post"]
    h1.remove()
    h2.remove()
    x = mt.ones(1, 3)
    np.testing.assert_allclose(lin(x).detach().numpy(),
                               (x.numpy() @ lin.weight.detach().numpy().T
                                + lin.bias.detach().numpy()), rtol=1e-6)
    assert calls == ["pre", "post"]
    kw = lin.register_forward_pre_hook(lambda m, a, k: ((a[0] * 2,), k), with_kwargs=True)
    np.testing.assert_allclose(lin(x).detach().numpy(), lin.forward(x * 2).detach().numpy())
    kw.remove()


def test_to_double_and_float_keep_working():
    m = mlp(mt)
    ids = [id(p) for p in m.parameters()]
    m.double()
    assert all(p.dtype == mt.float64 for p in m.parameters())
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in m.parameters())
    out = m(mt.ones(2, 5, dtype=mt.float64))
    assert out.dtype == mt.float64
    out.sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.float()
    assert all(p.dtype == mt.float32 for p in m.parameters())
    # a same-dtype conversion keeps the Parameter objects
    m.to(mt.float32)
    m.cpu()
    ids2 = [id(p) for p in m.parameters()]
    m.to("cpu")
    assert [id(p) for p in m.parameters()] == ids2
    assert len(ids) == len(ids2)
    with pytest.raises(TypeError, match="only accepts floating point"):
        m.to(mt.int64)


def test_sequential_list_dict_operations():
    a, b, c = nn.Linear(1, 1), nn.ReLU(), nn.Tanh()
    s = nn.Sequential(a, b)
    assert s[0] is a and s[-1] is b and len(s) == 2
    s.append(c)
    assert list(s) == [a, b, c]
    sl = s[1:]
    assert isinstance(sl, nn.Sequential) and list(sl) == [b, c]
    assert list(sl._modules) == ["1", "2"]  # a slice keeps the keys, as PyTorch
    s.insert(0, nn.Identity())
    assert list(s._modules) == ["0", "1", "2", "3"] and s[1] is a
    del s[0]
    assert list(s) == [a, b, c] and list(s._modules) == ["0", "1", "2"]
    s.extend([nn.Identity()])
    assert len(s) == 4
    with pytest.raises(IndexError, match="index 9 is out of range"):
        s[9]
    ml = nn.ModuleList([a])
    ml.extend([b, c])
    ml.insert(1, nn.Identity())
    assert len(ml) == 4 and ml[2] is b and ml[-1] is c
    assert isinstance(ml[1:3], nn.ModuleList)
    with pytest.raises(IndexError, match="index 4 is out of range"):
        ml[4]
    md = nn.ModuleDict({"x": a})
    md["y"] = b
    md.update([("z", c)])
    assert list(md.keys()) == ["x", "y", "z"] and "y" in md and len(md) == 3
    assert md.pop("y") is b and list(md) == ["x", "z"]
    pl = nn.ParameterList([mt.ones(2)])
    pl.append(nn.Parameter(mt.zeros(3)))
    assert len(pl) == 2 and all(isinstance(p, nn.Parameter) for p in pl)
    pd = nn.ParameterDict({"w": mt.ones(1)})
    assert isinstance(pd["w"], nn.Parameter) and "w" in pd
    assert [n for n, _ in pd.named_parameters()] == ["w"]


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("name", ["MSELoss", "L1Loss"])
def test_losses_match_torch(name, reduction):
    torch = oracle.torch()
    x, y = f32(4, 5), f32(4, 5)
    xm = mt.from_numpy(x).requires_grad_()
    xt = torch.from_numpy(x).requires_grad_()
    lm = getattr(nn, name)(reduction=reduction)(xm, mt.from_numpy(y))
    lt = getattr(torch.nn, name)(reduction=reduction)(xt, torch.from_numpy(y))
    np.testing.assert_allclose(lm.detach().numpy(), lt.detach().numpy(), rtol=1e-5)
    g = f32(*lm.shape)
    lm.backward(mt.from_numpy(g))
    lt.backward(torch.from_numpy(g))
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="bad is not a valid value for reduction"):
        getattr(nn, name)(reduction="bad")(xm, mt.from_numpy(y))


@pytest.mark.parametrize("expr", [
    "n.ReLU()", "n.Sigmoid()", "n.Tanh()", "n.GELU()", "n.GELU(approximate='tanh')",
    "n.SiLU()", "n.LeakyReLU(0.1)", "n.Softmax(dim=1)", "n.LogSoftmax(dim=0)", "n.ELU(0.5)",
    "n.Softplus(2.0)", "n.Hardtanh(-0.5, 0.5)", "n.ReLU6()", "n.Mish()", "n.Hardswish()",
    "n.Hardsigmoid()", "n.LogSigmoid()", "n.Softsign()", "n.Tanhshrink()",
    "n.Threshold(0.1, -2.0)", "n.Identity()", "n.Flatten()", "n.Unflatten(1, (2, 3))",
])
def test_activation_modules_match_torch(expr):
    torch = oracle.torch()
    x = (f32(4, 6) * 3).astype(np.float32)
    xm = mt.from_numpy(x).requires_grad_()
    xt = torch.from_numpy(x).requires_grad_()
    om = eval(expr, {"n": nn})(xm)
    ot = eval(expr, {"n": torch.nn})(xt)
    np.testing.assert_allclose(om.detach().numpy(), ot.detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    g = f32(*om.shape)
    om.backward(mt.from_numpy(g))
    ot.backward(torch.from_numpy(g))
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-6)


def test_dropout_train_and_eval():
    mt.manual_seed(5)
    d = nn.Dropout(0.3)
    x = mt.ones(200, 500)
    y = d(x).numpy()
    kept = y != 0
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    frac = 1 - kept.mean()
    assert abs(frac - 0.3) < 5 * math.sqrt(0.3 * 0.7 / y.size)
    d.eval()
    assert d(x) is x
    assert nn.Dropout(0.0)(x) is x
    assert (nn.Dropout(1.0)(x).numpy() == 0).all()
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        nn.Dropout(1.5)
    # the gradient passes through the kept elements only, scaled
    xg = mt.ones(50, 40).requires_grad_()
    out = nn.Dropout(0.5)(xg)
    out.sum().backward()
    np.testing.assert_allclose(xg.grad.numpy(), (out.detach().numpy() != 0) * 2.0)


def test_linear_default_init_statistics():
    mt.manual_seed(0)
    fan_in = 50
    bound = 1 / math.sqrt(fan_in)
    ws, bs = [], []
    for _ in range(20):
        lin = nn.Linear(fan_in, 100)
        ws.append(lin.weight.detach().numpy().ravel())
        bs.append(lin.bias.detach().numpy().ravel())
    w, b = np.concatenate(ws), np.concatenate(bs)
    for v in (w, b):
        assert v.min() >= -bound and v.max() <= bound
        assert v.min() < -0.98 * bound and v.max() > 0.98 * bound
        sd_mean = bound / math.sqrt(3 * v.size)
        assert abs(v.mean()) < 5 * sd_mean
        np.testing.assert_allclose(v.var(), bound ** 2 / 3, rtol=0.05 if v is w else 0.15)
    # weight then bias from the one generator: reseeding repeats both
    mt.manual_seed(3)
    l1 = nn.Linear(4, 3)
    mt.manual_seed(3)
    l2 = nn.Linear(4, 3)
    np.testing.assert_array_equal(l1.weight.detach().numpy(), l2.weight.detach().numpy())
    np.testing.assert_array_equal(l1.bias.detach().numpy(), l2.bias.detach().numpy())
    assert nn.Linear(3, 2, dtype=mt.float64).weight.dtype == mt.float64


def test_init_functions():
    torch = oracle.torch()
    for name, param in [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                        ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None),
                        ("conv2d", None)]:
        assert nn.init.calculate_gain(name, param) == torch.nn.init.calculate_gain(name, param)
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        nn.init.calculate_gain("foo")
    mt.manual_seed(1)
    t = mt.empty(400, 300)
    fan_in, fan_out = 300, 400
    cases = [
        (lambda: nn.init.uniform_(t, -2.0, 3.0), 0.5, 25 / 12, (-2.0, 3.0)),
        (lambda: nn.init.normal_(t, 1.0, 2.0), 1.0, 4.0, None),
        (lambda: nn.init.xavier_uniform_(t, gain=2.0), 0.0, 4 * 2 / (fan_in + fan_out),
         None),
        (lambda: nn.init.xavier_normal_(t), 0.0, 2 / (fan_in + fan_out), None),
        (lambda: nn.init.kaiming_uniform_(t, nonlinearity="relu"), 0.0, 2 / fan_in, None),
        (lambda: nn.init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"), 0.0,
         2 / fan_out, None),
        (lambda: nn.init.kaiming_uniform_(t, a=math.sqrt(5)), 0.0, 1 / (3 * fan_in), None),
    ]
    for fill, mean, var, bounds in cases:
        assert fill() is t
        v = t.numpy().ravel()
        assert abs(v.mean() - mean) < 5 * math.sqrt(var / v.size)
        np.testing.assert_allclose(v.var(), var, rtol=0.03)
        if bounds:
            assert v.min() >= bounds[0] and v.max() <= bounds[1]
    bound = math.sqrt(6 / (fan_in + fan_out))
    nn.init.xavier_uniform_(t)
    assert np.abs(t.numpy()).max() <= bound
    nn.init.zeros_(t)
    assert (t.numpy() == 0).all()
    nn.init.ones_(t)
    assert (t.numpy() == 1).all()
    nn.init.constant_(t, 0.25)
    assert (t.numpy() == 0.25).all()
    # on a parameter: in place, no grad recorded
    p = nn.Parameter(mt.empty(3, 4))
    nn.init.normal_(p)
    assert p.is_leaf and p.grad_fn is None and p.requires_grad
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(mt.empty(3))
    g = mt.Generator()
    g.manual_seed(9)
    a = nn.init.uniform_(mt.empty(5), generator=g).numpy().copy()
    g.manual_seed(9)
    np.testing.assert_array_equal(nn.init.uniform_(mt.empty(5), generator=g).numpy(), a)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_clip_grad_norm_matches_torch(norm_type):
    torch = oracle.torch()
    m, t = mlp(mt), mlp(torch)
    copy_weights(m, t, torch)
    x = f32(6, 5)
    (m(mt.from_numpy(x)) ** 2).sum().backward()
    (t(torch.from_numpy(x)) ** 2).sum().backward()
    nm = nn.utils.clip_grad_norm_(m.parameters(), 0.5, norm_type=norm_type)
    nt = torch.nn.utils.clip_grad_norm_(t.parameters(), 0.5, norm_type=norm_type)
    np.testing.assert_allclose(float(nm), float(nt), rtol=1e-5)
    for name, p in m.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), t.get_parameter(name).grad.numpy(),
                                   rtol=1e-4, atol=1e-6)
    nn.utils.clip_grad_value_(m.parameters(), 0.01)
    torch.nn.utils.clip_grad_value_(t.parameters(), 0.01)
    for name, p in m.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), t.get_parameter(name).grad.numpy(),
                                   rtol=1e-4, atol=1e-7)
    vm = nn.utils.parameters_to_vector(m.parameters())
    vt = torch.nn.utils.parameters_to_vector(t.parameters())
    np.testing.assert_array_equal(vm.detach().numpy(), vt.detach().numpy())
    nn.utils.vector_to_parameters(vm * 0 + 1, m.parameters())
    assert all((p.detach().numpy() == 1).all() for p in m.parameters())


@pytest.mark.filterwarnings("ignore:size_average and reduce args")
def test_functional_linear_and_losses_match_torch():
    torch = oracle.torch()
    x, w, b = f32(3, 2, 4), f32(5, 4), f32(5)
    got = F.linear(mt.from_numpy(x), mt.from_numpy(w), mt.from_numpy(b))
    want = torch.nn.functional.linear(torch.from_numpy(x), torch.from_numpy(w),
                                      torch.from_numpy(b))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)
    got = F.linear(mt.from_numpy(x), mt.from_numpy(w))
    want = torch.nn.functional.linear(torch.from_numpy(x), torch.from_numpy(w))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)
    y = f32(3, 2, 4)
    for kw in [{"size_average": False}, {"reduce": False}, {"reduction": "sum"}]:
        for name in ["mse_loss", "l1_loss"]:
            got = getattr(F, name)(mt.from_numpy(x), mt.from_numpy(y), **kw)
            want = getattr(torch.nn.functional, name)(torch.from_numpy(x),
                                                      torch.from_numpy(y), **kw)
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5)
    with pytest.warns(UserWarning, match="please use reduction='none' instead"):
        F.mse_loss(mt.from_numpy(x), mt.from_numpy(y), reduce=False)
    xm = mt.from_numpy(x)
    assert F.dropout(xm, 0.5, training=False) is xm


def test_custom_module_subclass_against_real_torch():
    # a user-defined subclass needs torch's own nn.Module to subclass: live only
    torch = oracle.real_torch()

    def build(lib):
        class Block(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.scale = lib.nn.Parameter(lib.ones(3))
                self.register_buffer("steps", lib.zeros(1))
                self.register_buffer("cache", lib.zeros(2), persistent=False)
                self.layers = lib.nn.ModuleList([lib.nn.Linear(3, 3) for _ in range(2)])
                self.heads = lib.nn.ModuleDict({"out": lib.nn.Linear(3, 1)})

            def extra_repr(self):
                return "custom=1"

            def forward(self, x):
                for layer in self.layers:
                    x = lib.tanh(layer(x)) * self.scale
                return self.heads["out"](x)

        return Block()

    m, t = build(mt), build(torch)
    assert list(m.state_dict()) == list(t.state_dict())
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in m.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert repr(m) == repr(t)
    for name, p in m.named_parameters():
        a = f32(*p.shape)
        with mt.no_grad():
            p.copy_(mt.from_numpy(a))
        with torch.no_grad():
            t.get_parameter(name).copy_(torch.from_numpy(a))
    x = f32(4, 3)
    om, ot = m(mt.from_numpy(x)), t(torch.from_numpy(x))
    np.testing.assert_allclose(om.detach().numpy(), ot.detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    om.sum().backward()
    ot.sum().backward()
    for name, p in m.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), t.get_parameter(name).grad.numpy(),
                                   rtol=1e-4, atol=1e-6)


def test_copy_pickle_and_zero_grad_in_place():
    import copy
    import pickle

    m = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    for c in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert type(c[0].weight) is nn.Parameter and c[0].weight.requires_grad
        assert c[0].weight.data_ptr() != m[0].weight.data_ptr()
        np.testing.assert_array_equal(c[0].weight.detach().numpy(),
                                      m[0].weight.detach().numpy())
        assert repr(c) == repr(m)
    lin = nn.Linear(2, 2)
    lin.weight.grad = mt.ones(2, 2)
    g = lin.weight.grad
    lin.zero_grad(set_to_none=False)
    assert lin.weight.grad is g and (g.numpy() == 0).all()
