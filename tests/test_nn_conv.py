"""Convolution, pooling and channel dropout (nn.functional and the modules)
against PyTorch (through the recorded oracle) with identical inputs and
weights: forward values and the gradients of every input; gradcheck in
float64; errors, reprs, initialisation from the same seed.
"""

import numpy as np
import oracle
import pytest

import minitorch
import minitorch.nn.functional as F


def _rng(seed=0):
    return np.random.default_rng(seed)


def _run(lib, fn_name, arrays, kwargs, dtype="float64", grad_seed=1):
    """fn(*tensors, **kwargs) and the gradients of (out * G).sum() w.r.t. every tensor."""
    dt = getattr(lib, dtype)
    ts = [lib.tensor(a, dtype=dt, requires_grad=True) if a is not None else None
          for a in arrays]
    fn = getattr(lib.nn.functional, fn_name)
    out = fn(*ts, **kwargs)
    if isinstance(out, tuple):
        out, extra = out[0], out[1].numpy().copy()
    else:
        extra = None
    g = _rng(grad_seed).standard_normal(tuple(out.shape))
    (out * lib.tensor(g, dtype=dt)).sum().backward()
    grads = [t.grad.numpy().copy() for t in ts if t is not None]
    return out.detach().numpy().copy(), grads, extra


def _compare(fn_name, arrays, kwargs, dtype="float64", tol=1e-10):
    torch = oracle.torch()
    mo, mg, me = _run(minitorch, fn_name, arrays, kwargs, dtype)
    to, tg, te = _run(torch, fn_name, arrays, kwargs, dtype)
    assert mo.shape == to.shape
    np.testing.assert_allclose(mo, to, rtol=tol, atol=tol)
    for a, b in zip(mg, tg):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
    if te is not None:
        np.testing.assert_array_equal(me, te)


CONV2D = [
    dict(),
    dict(stride=2),
    dict(padding=1),
    dict(padding=(2, 0), stride=(1, 2)),
    dict(dilation=2, padding=2),
    dict(groups=2),
    dict(groups=4, padding=1),  # depthwise
    dict(padding="same"),
    dict(padding="same", dilation=(1, 2)),
    dict(padding="valid", stride=3),
]


@pytest.mark.parametrize("kw", CONV2D, ids=[str(k) for k in CONV2D])
def test_conv2d_matches_torch(kw):
    r = _rng(3)
    groups = kw.get("groups", 1)
    x = r.standard_normal((2, 4, 7, 6))
    w = r.standard_normal((6 if groups != 4 else 4, 4 // groups, 3, 2))
    b = r.standard_normal(w.shape[0])
    _compare("conv2d", [x, w, b], kw)


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1), dict(dilation=3),
                                dict(groups=3, padding="same"), dict(padding="same")])
def test_conv1d_matches_torch(kw):
    r = _rng(4)
    g = kw.get("groups", 1)
    x = r.standard_normal((2, 3, 11))
    w = r.standard_normal((6, 3 // g, 4))
    _compare("conv1d", [x, w, None], kw)


def test_conv3d_and_unbatched_and_float32():
    r = _rng(5)
    _compare("conv3d", [r.standard_normal((1, 2, 4, 5, 4)), r.standard_normal((3, 2, 2, 3, 2)),
                        r.standard_normal(3)], dict(stride=(1, 2, 1), padding=1))
    _compare("conv2d", [r.standard_normal((3, 6, 5)), r.standard_normal((2, 3, 3, 3)), None],
             {})
    _compare("conv2d", [r.standard_normal((2, 3, 9, 8)), r.standard_normal((5, 3, 3, 3)),
                        r.standard_normal(5)], dict(padding=1), dtype="float32", tol=1e-4)


CONVT = [
    dict(),
    dict(stride=2),
    dict(stride=2, padding=1, output_padding=1),
    dict(stride=(2, 3), padding=(0, 1), dilation=(1, 2)),
    dict(groups=2, stride=2),
    dict(padding=2),  # crops more than the kernel adds
]


@pytest.mark.parametrize("kw", CONVT, ids=[str(k) for k in CONVT])
def test_conv_transpose2d_matches_torch(kw):
    r = _rng(6)
    g = kw.get("groups", 1)
    x = r.standard_normal((2, 4, 5, 4))
    w = r.standard_normal((4, 6 // g, 3, 3))
    _compare("conv_transpose2d", [x, w, r.standard_normal(6)], kw)


def test_conv_transpose1d_matches_torch():
    r = _rng(7)
    _compare("conv_transpose1d", [r.standard_normal((2, 3, 6)), r.standard_normal((3, 2, 4)),
                                  None], dict(stride=3, padding=1, output_padding=2))


def test_unfold_fold_match_torch():
    r = _rng(8)
    _compare("unfold", [r.standard_normal((2, 3, 6, 5))],
             dict(kernel_size=(2, 3), dilation=(2, 1), padding=1, stride=(1, 2)))
    _compare("fold", [r.standard_normal((2, 12, 15))],
             dict(output_size=(5, 6), kernel_size=2, padding=(1, 0), stride=(2, 1)))


POOL = [
    ("max_pool2d", dict(kernel_size=2)),
    ("max_pool2d", dict(kernel_size=3, stride=2, padding=1)),
    ("max_pool2d", dict(kernel_size=(2, 3), stride=(2, 1), dilation=(2, 1), ceil_mode=True)),
    ("max_pool2d", dict(kernel_size=3, stride=2, ceil_mode=True, return_indices=True)),
    ("max_pool2d", dict(kernel_size=2, padding=1, return_indices=True)),
    ("max_pool1d", dict(kernel_size=3, stride=2, padding=1, return_indices=True)),
    ("avg_pool2d", dict(kernel_size=2)),
    ("avg_pool2d", dict(kernel_size=3, stride=2, padding=1)),
    ("avg_pool2d", dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    ("avg_pool2d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("avg_pool2d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                        count_include_pad=False)),
    ("avg_pool2d", dict(kernel_size=2, divisor_override=3)),
    ("avg_pool1d", dict(kernel_size=3, stride=1, padding=1, count_include_pad=False)),
    ("adaptive_avg_pool2d", dict(output_size=(3, 2))),
    ("adaptive_avg_pool2d", dict(output_size=1)),
    ("adaptive_avg_pool2d", dict(output_size=(None, 4))),
    ("adaptive_avg_pool1d", dict(output_size=4)),
    ("adaptive_max_pool2d", dict(output_size=(2, 3))),
    ("lp_pool2d", dict(norm_type=2, kernel_size=2)),
]


@pytest.mark.parametrize("name, kw", POOL, ids=[f"{n}-{k}" for n, k in POOL])
def test_pooling_matches_torch(name, kw):
    r = _rng(9)
    shape = (2, 3, 7) if name.endswith("1d") else (2, 3, 7, 8)
    x = r.standard_normal(shape)
    if name == "lp_pool2d":
        x = np.abs(x) + 0.1
    _compare(name, [x], kw)


def test_gradcheck_conv_and_pool():
    gc = minitorch.autograd.gradcheck
    r = _rng(10)

    def t(*shape):
        return minitorch.tensor(r.standard_normal(shape), dtype=minitorch.float64,
                                requires_grad=True)

    assert gc(lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=2),
              (t(1, 4, 5, 5), t(4, 2, 3, 3), t(4)))
    assert gc(lambda x, w: F.conv_transpose2d(x, w, stride=2, output_padding=1),
              (t(1, 2, 3, 3), t(2, 3, 2, 2)))
    assert gc(lambda x: F.max_pool2d(x, 2, stride=1), (t(1, 2, 4, 4),))
    assert gc(lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False), (t(1, 2, 5, 5),))


def test_modules_match_torch_from_the_same_seed():
    torch = oracle.torch()
    x = _rng(11).standard_normal((2, 3, 8, 8)).astype(np.float32)
    outs = []
    for lib in (minitorch, torch):
        lib.manual_seed(0)
        net = lib.nn.Sequential(
            lib.nn.Conv2d(3, 8, 3, padding=1), lib.nn.ReLU(), lib.nn.MaxPool2d(2),
            lib.nn.Conv2d(8, 4, 3, padding=1, padding_mode="reflect", bias=False),
            lib.nn.AvgPool2d(2), lib.nn.ConvTranspose2d(4, 2, 2, stride=2),
            lib.nn.AdaptiveAvgPool2d((1, 1)), lib.nn.Flatten())
        y = net(lib.tensor(x))
        y.sum().backward()
        outs.append((y.detach().numpy().copy(), net[0].weight.grad.numpy().copy(), repr(net)))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-4, atol=1e-5)
    assert outs[0][2] == outs[1][2]


REPRS = [
    ("Conv1d", (2, 4, 3), dict(stride=2, padding=1, dilation=2, groups=2, bias=False)),
    ("Conv2d", (3, 6, (3, 5)), dict(padding="same", padding_mode="circular")),
    ("Conv3d", (1, 2, 3), {}),
    ("ConvTranspose2d", (4, 2, 3), dict(stride=2, output_padding=1)),
    ("MaxPool1d", (3,), dict(stride=2, return_indices=True)),
    ("AvgPool1d", (3,), {}),
    ("AvgPool2d", ((2, 3),), dict(padding=1, divisor_override=2)),
    ("AdaptiveMaxPool2d", ((2, None),), {}),
    ("Dropout2d", (0.3,), {}),
    ("PixelShuffle", (2,), {}),
    ("LPPool2d", (2, 3), {}),
    ("Unfold", (2,), dict(padding=1)),
]


@pytest.mark.parametrize("name, args, kw", REPRS, ids=[r[0] for r in REPRS])
def test_module_reprs_and_weights(name, args, kw):
    torch = oracle.torch()
    m = getattr(minitorch.nn, name)(*args, **kw)
    t = getattr(torch.nn, name)(*args, **kw)
    assert repr(m) == repr(t)
    if hasattr(m, "weight"):
        assert tuple(m.weight.shape) == tuple(t.weight.shape)
        assert list(m.state_dict()) == (["weight", "bias"] if kw.get("bias", True)
                                        else ["weight"])


ERRORS = [
    ("conv2d", [(1, 3, 5, 5), (4, 2, 3, 3)], {}),           # channels
    ("conv2d", [(5, 5), (4, 3, 3, 3)], {}),                 # input dims
    ("conv2d", [(1, 3, 2, 2), (4, 3, 3, 3)], {}),           # kernel larger than input
    ("conv2d", [(1, 3, 5, 5), (4, 3, 3, 3)], dict(stride=0)),
    ("conv2d", [(1, 3, 5, 5), (4, 3, 3, 3)], dict(padding=-1)),
    ("conv2d", [(1, 3, 5, 5), (4, 3, 3, 3)], dict(padding="same", stride=2)),
    ("conv2d", [(1, 3, 5, 5), (4, 3, 3, 3)], dict(padding="full")),
    ("conv_transpose2d", [(1, 3, 5, 5), (4, 3, 3, 3)], {}),
    ("conv_transpose2d", [(1, 3, 5, 5), (3, 3, 3, 3)], dict(stride=2, output_padding=2)),
    ("max_pool2d", [(1, 3, 5, 5)], dict(kernel_size=2, padding=2)),
    ("max_pool2d", [(1, 3, 1, 1)], dict(kernel_size=3)),
    ("avg_pool2d", [(1, 3, 4, 4)], dict(kernel_size=0)),
    ("fold", [(1, 7, 4)], dict(output_size=3, kernel_size=2)),
    ("fold", [(1, 8, 5)], dict(output_size=3, kernel_size=2)),
    ("unfold", [(3, 3)], dict(kernel_size=2)),
    ("pixel_shuffle", [(1, 3, 2, 2)], dict(upscale_factor=2)),
]


@pytest.mark.parametrize("name, shapes, kw", ERRORS, ids=[f"{e[0]}-{i}" for i, e in
                                                         enumerate(ERRORS)])
def test_errors_have_torchs_class(name, shapes, kw):
    torch = oracle.torch()
    outcomes = []
    for lib in (minitorch, torch):
        ts = [lib.zeros(s) for s in shapes]
        try:
            getattr(lib.nn.functional, name)(*ts, **kw)
            outcomes.append(None)
        except Exception as e:  # noqa: BLE001
            outcomes.append(type(e).__mro__[-3 if type(e).__module__ != "builtins" else 0])
    assert outcomes[0] is not None
    assert issubclass(outcomes[0], outcomes[1]) or issubclass(outcomes[1], outcomes[0])


def test_module_constructor_errors():
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        minitorch.nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        minitorch.nn.Conv2d(3, 4, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="not supported for strided"):
        minitorch.nn.Conv2d(3, 4, 3, padding="same", stride=2)


def test_conv_transpose_output_size():
    torch = oracle.torch()
    x = _rng(12).standard_normal((1, 2, 4, 4)).astype(np.float32)
    shapes = []
    for lib in (minitorch, torch):
        lib.manual_seed(0)
        m = lib.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
        shapes.append(tuple(m(lib.tensor(x), output_size=[8, 8]).shape))
    assert shapes[0] == shapes[1] == (1, 3, 8, 8)


def test_dropout2d_zeroes_whole_channels():
    minitorch.manual_seed(0)
    x = minitorch.ones(4, 16, 3, 3)
    y = F.dropout2d(x, 0.5)
    per_channel = y.numpy().reshape(4, 16, 9)
    assert set(np.unique(per_channel)) <= {0.0, 2.0}
    assert np.all(per_channel.min(axis=2) == per_channel.max(axis=2))
    assert 0 < (per_channel[:, :, 0] == 0).sum() < 64
    assert F.dropout2d(x, 0.5, training=False) is x
    m = minitorch.nn.Dropout2d(0.5).eval()
    assert m(x) is x
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.dropout2d(x, 1.5)


def test_pixel_shuffle_round_trip():
    torch = oracle.torch()
    x = _rng(13).standard_normal((2, 8, 3, 3))
    a = F.pixel_shuffle(minitorch.tensor(x), 2).numpy()
    b = torch.nn.functional.pixel_shuffle(torch.tensor(x), 2).numpy()
    np.testing.assert_array_equal(a, b)
    back = F.pixel_unshuffle(minitorch.tensor(a), 2).numpy()
    np.testing.assert_array_equal(back, x)
