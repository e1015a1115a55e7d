"""Autograd of the indexing and shape ops: advanced indexing, __setitem__,
scatter / index_* / masked_* / take, sort/topk/kthvalue values, flip, roll,
repeat, tile, rot90, tril/triu, diagonals, splits, as_strided,
repeat_interleave, broadcast_tensors and the in-place metadata changes.

Each op is gradchecked in float64 on contiguous, transposed and negative-stride
inputs; its grad_fn name and its gradients for one fixed output gradient are
compared with PyTorch (through tests/oracle.py).
"""

import numpy as np
import oracle
import pytest

import minitorch as mt
from minitorch.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(4321)
X0 = RNG.standard_normal((4, 5))
Y0 = RNG.standard_normal((3, 5))
M0 = np.array([[1, 0, 0, 1, 0], [0, 1, 1, 0, 0], [0, 0, 0, 1, 1], [1, 0, 0, 0, 0]], bool)


def env(lib, x, y):
    return {
        "x": x, "y": y, "L": lib,
        "M": lib.tensor(M0),
        "I2": lib.tensor([[0, 1, 2, 3, 0], [3, 2, 1, 0, 1]]),
    }


# Expressions over x (4, 5) and y (3, 5); valid for minitorch and torch alike.
EXPRS = [
    "x[L.tensor([0, 2, -1])]",
    "x[M]",
    "x[:, M[0]]",
    "x[1:, L.tensor([0, 2])]",
    "x[L.tensor([0, 2]), 1:]",
    "x[L.tensor([[0], [2]]), L.tensor([1, 3])]",
    "x[..., L.tensor([1, 1, 4])]",
    "x[None, L.tensor([3, 1])]",
    "x.flip(0)[::2, L.tensor([0, 0])]",
    "x.index_put((L.tensor([0, 0]),), y[0], accumulate=True)",
    "(x * 1).index_put_((L.tensor([1, 3]),), y[:2])",
    "(x * 1).index_put_((L.tensor([1, 3]), L.tensor([0, 4])), y[0, :2], accumulate=True)",
    "x.scatter(0, I2[:, :3], y[:2, :3])",
    "x.scatter(1, I2[:, :3], 2.5)",
    "x.scatter_add(0, I2, y[:2])",
    "(x * 1).scatter_(0, I2[:1], y[:1])",
    "(x * 1).scatter_add_(1, I2[:, :2], y[:2, :2])",
    "x.index_add(0, L.tensor([0, 2, 0]), y, alpha=2.0)",
    "(x * 1).index_add_(1, L.tensor([4, 4, 1]), y[:, :3].t().t()[:, :3].repeat(2, 1)[:4])",
    "x.index_copy(0, L.tensor([3, 1, 0]), y)",
    "x.index_fill(1, L.tensor([0, 4]), -1.0)",
    "(x * 1).index_fill_(0, L.tensor([2]), 3.0)",
    "x.masked_fill(M, 0.5)",
    "(x * 1).masked_fill_(M, 0.5)",
    "(x * 1).masked_fill_(M[1], -2.0)",
    "x.masked_scatter(M, y)",
    "(x * 1).masked_scatter_(M, y)",
    "x.masked_select(M)",
    "x.masked_select(M[0])",
    "x.take(L.tensor([[0, 19], [-1, 7], [7, 7]]))",
    "x.sort(1)[0]",
    "x.sort(0, descending=True).values",
    "x.topk(2).values",
    "x.topk(3, 0, largest=False)[0]",
    "x.kthvalue(2)[0]",
    "x.kthvalue(3, 0, keepdim=True)[0]",
    "x.flip(0)",
    "x.flip(0, 1)",
    "x.fliplr()",
    "x.roll(1, 0)",
    "x.roll(7)",
    "x.roll((1, -2), (0, 1))",
    "x.repeat(2, 1, 3)",
    "x.tile((2,))",
    "x.tile((2, 1, 2))",
    "x.rot90()",
    "x.rot90(2, (1, 0))",
    "x.rot90(-1)",
    "x.tril()",
    "x.triu(1)",
    "x.tril(-1)",
    "(x * 1).tril_()",
    "(x * 1).triu_(2)",
    "x.diag()",
    "x.diag(1)",
    "x[0].diag()",
    "x[0].diag(-2)",
    "x.diag_embed()",
    "x.diag_embed(1, 0, 2)",
    "x.diagonal()",
    "x.diagonal(1)",
    "x.diagonal(-2, 1, 0)",
    "x.movedim(0, 1)",
    "x.unsqueeze(0).movedim((0, 1), (2, 0))",
    "x.unbind(1)[2]",
    "x.split(3)[1]",
    "x.split([1, 3])[1]",
    "x.chunk(2, 1)[1]",
    "x.tensor_split(3)[1]",
    "x.tensor_split([1, 3], 1)[2]",
    "x.as_strided((2, 3), (1, 2))",
    "x.as_strided((3, 3), (2, 1), 1)",
    "x.repeat_interleave(2)",
    "x.repeat_interleave(3, 1)",
    "x.repeat_interleave(L.tensor([1, 2, 0, 1]), 0)",
    "x.repeat_interleave(L.tensor([2]), 1)",
    "L.broadcast_tensors(x, y[:1, None])[0]",
    "L.broadcast_tensors(x, y[:1, None])[1]",
    "(x[:, None] * 1).squeeze_()",
    "(x[:, None] * 1).squeeze_(1)",
    "(x[None] * 1).squeeze_((0,))",
    "(x * 1).unsqueeze_(1)",
    "(x * 1).transpose_(0, 1)",
    "(x * 1).t_()",
]

NEEDS_CONTIG = {"x.as_strided((2, 3), (1, 2))", "x.as_strided((3, 3), (2, 1), 1)"}


def layouts(a):
    """The same values as a contiguous, a transposed and a negative-stride leaf."""
    yield "contiguous", mt.from_numpy(a.copy())
    yield "transposed", mt.from_numpy(np.ascontiguousarray(a.T)).t()
    yield "negative-stride", mt.from_numpy(np.ascontiguousarray(a[::-1]))[::-1]


def run_expr(expr, x, y, lib=mt):
    return eval(expr, env(lib, x, y))


@pytest.mark.parametrize("expr", EXPRS)
def test_gradcheck(expr):
    for name, xv in layouts(X0):
        if name != "contiguous" and expr in NEEDS_CONTIG:
            continue  # as_strided reads storage, so the layout changes the function
        x = xv.detach().requires_grad_()
        y = mt.from_numpy(Y0.copy()).requires_grad_()
        assert gradcheck(lambda a, b: run_expr(expr, a, b), (x, y)), (expr, name)


@pytest.mark.parametrize("expr", EXPRS)
def test_names_and_gradients_match_torch(expr):
    torch = oracle.torch()

    def run(lib, make):
        x, y = make(X0), make(Y0)
        out = run_expr(expr, x, y, lib)
        g = np.linspace(-1.0, 1.0, int(np.prod(tuple(out.shape)))).reshape(tuple(out.shape))
        out.backward(make(g, False))
        grads = [None if t.grad is None else np.asarray(t.grad.numpy()) for t in (x, y)]
        return out.grad_fn.name(), np.asarray(out.detach().numpy()), grads

    mine = run(mt, lambda v, rg=True: mt.from_numpy(v.copy()).requires_grad_(rg))
    theirs = run(torch, lambda v, rg=True: torch.tensor(v, requires_grad=rg))
    assert mine[0] == theirs[0]
    np.testing.assert_allclose(mine[1], theirs[1], rtol=1e-12, atol=1e-12)
    for m, t in zip(mine[2], theirs[2]):
        assert (m is None) == (t is None)
        if m is not None:
            np.testing.assert_allclose(m, t, rtol=1e-10, atol=1e-12)


GRADGRAD = [
    "x[L.tensor([0, 2, 0])] ** 2",
    "x[M] ** 2",
    "(x ** 2).index_put((L.tensor([1, 1]),), y[0] * x[0], accumulate=True)",
    "(x ** 2).scatter(0, I2[:, :3], y[:2, :3] ** 2)",
    "(x ** 2).scatter_add(0, I2, y[:2] ** 2)",
    "(x ** 2).index_add(0, L.tensor([0, 2, 0]), y ** 2)",
    "(x ** 2).index_copy(0, L.tensor([3, 1, 0]), y ** 2)",
    "(x ** 2).masked_scatter(M, y ** 2)",
    "(x ** 2).masked_select(M)",
    "(x ** 2).take(L.tensor([0, 19, 0]))",
    "(x ** 2).sort(1)[0]",
    "(x ** 2).flip(1).roll(1, 0).rot90()",
    "(x ** 2).repeat(2, 1).tile((1, 2))",
    "(x ** 2).tril().triu(-1).diag_embed()",
    "(x ** 2).unbind(0)[1] * (x ** 2).split(2)[1]",
    "(x ** 2).repeat_interleave(2, 0)",
    "(x ** 2)[1:, ::2] * x[1:, ::2]",
    "x[0] ** 3",
    "x.diagonal(1) ** 2 + (x ** 2).as_strided((2, 2), (1, 2)).sum()",
]


@pytest.mark.parametrize("expr", GRADGRAD)
def test_gradgradcheck(expr):
    x = mt.from_numpy(X0.copy()).requires_grad_()
    y = mt.from_numpy(Y0.copy()).requires_grad_()
    assert gradgradcheck(lambda a, b: run_expr(expr, a, b), (x, y))


# ---- __setitem__ ----

SETITEMS = [
    ("z[1:] = y", "zeros"),
    ("z[1:, 2] = y[0, :3] * 1", "zeros"),
    ("z[::2] = y[:2]", "flipped"),
    ("z[:, 1:4] = y[0, 1:4]", "flipped"),
    ("z[:, L.tensor([1, 4])] = y[:1, :2].t()[0]", "zeros"),
    ("z[:] = y[0]", "copy"),
    ("z[...] = y[1]", "copy"),
    ("z[L.tensor([0, 3])] = y[:2]", "zeros"),
    ("z[M] = y.reshape(-1)[:M0.sum()]", "zeros"),
    ("z[1:, L.tensor([0, 2])] = y[:, :2]", "zeros"),
    ("z[..., 1] = y[0, 1]", "zeros"),
    ("z[1:] = y", "copy"),
    ("z[2] = 0.0", "copy"),
    ("z[L.tensor([0, 3])] = 1.5", "copy"),
    ("z[M] = y[0, 0]", "copy"),
    ("z[0, L.tensor([1, 3])] = y[0, :2]", "copy"),
]


def make_base(lib, base, x):
    if base == "zeros":
        return lib.zeros(4, 5, dtype=x.dtype)
    if base == "flipped":  # a negative-stride view in minitorch, a copy in torch
        return lib.zeros(4, 5, dtype=x.dtype).flip(0)
    return x * 1


def setitem_fn(stmt, base, lib=mt):
    def f(x, y):
        z = make_base(lib, base, x)
        exec(stmt, {**env(lib, x, y), "z": z, "M0": M0})
        return z * 1
    return f


@pytest.mark.parametrize("stmt,base", SETITEMS)
def test_setitem_gradcheck_and_torch(stmt, base):
    torch = oracle.torch()
    for _, xv in layouts(X0):
        x = xv.detach().requires_grad_()
        y = mt.from_numpy(Y0.copy()).requires_grad_()
        assert gradcheck(setitem_fn(stmt, base), (x, y)), stmt

    def run(lib, make):
        x, y = make(X0), make(Y0)
        z = make_base(lib, base, x)
        exec(stmt, {**env(lib, x, y), "z": z, "M0": M0})
        (z * lib.tensor(np.arange(20.0).reshape(4, 5))).sum().backward()
        grads = [None if t.grad is None else np.asarray(t.grad.numpy()) for t in (x, y)]
        return z.grad_fn.name(), np.asarray(z.detach().numpy()), grads

    mine = run(mt, lambda v: mt.from_numpy(v.copy()).requires_grad_())
    theirs = run(torch, lambda v: torch.tensor(v, requires_grad=True))
    assert mine[0] == theirs[0]
    np.testing.assert_allclose(mine[1], theirs[1], rtol=0, atol=0)
    for m, t in zip(mine[2], theirs[2]):
        assert (m is None) == (t is None)
        if m is not None:
            np.testing.assert_allclose(m, t, rtol=1e-12, atol=0)


@pytest.mark.parametrize("stmt,base", [("z[1:] = y * x[1:]", "copy"),
                                       ("z[L.tensor([0, 3])] = y[:2] ** 2", "zeros"),
                                       ("z[1:, L.tensor([0, 2])] = y[:, :2] * x[1:, :2]", "copy")])
def test_setitem_gradgradcheck(stmt, base):
    x = mt.from_numpy(X0.copy()).requires_grad_()
    y = mt.from_numpy(Y0.copy()).requires_grad_()
    f = setitem_fn(stmt, base)
    assert gradgradcheck(lambda a, b: f(a, b) ** 2, (x, y))


def test_setitem_slice_gives_the_value_a_gradient():
    y = mt.tensor([1.0, 2.0, 3.0], dtype=mt.float64, requires_grad=True)
    x = mt.zeros(4, dtype=mt.float64)
    x[1:] = y
    assert x.requires_grad and x.grad_fn.name() == "torch::autograd::CopySlices"
    (x * mt.tensor([10.0, 20.0, 30.0, 40.0], dtype=mt.float64)).sum().backward()
    assert y.grad.tolist() == [20.0, 30.0, 40.0]


def test_setitem_without_grad_records_nothing():
    x = mt.zeros(3, 2)
    x[1:] = mt.ones(2, 2)
    x[mt.tensor([0])] = 2.0
    assert x.grad_fn is None and not x.requires_grad
    y = mt.ones(2, requires_grad=True)
    with mt.no_grad():
        x[0] = y
    assert x.grad_fn is None and not x.requires_grad


# ---- in-place on a leaf, non-differentiable results ----

LEAF_INPLACE = [
    "x.index_put_((L.tensor([0]),), y[0])",
    "x.scatter_(0, I2[:1], y)",
    "x.scatter_(0, I2[:1], 1.0)",
    "x.scatter_add_(0, I2[:1], y)",
    "x.index_add_(0, L.tensor([0]), y[:1])",
    "x.index_copy_(0, L.tensor([0]), y[:1])",
    "x.index_fill_(0, L.tensor([0]), 1.0)",
    "x.masked_fill_(M, 1.0)",
    "x.masked_scatter_(M, y)",
    "x.tril_()",
    "x.triu_()",
    "x.squeeze_()",
    "x.squeeze_(0)",
    "x.unsqueeze_(0)",
    "x.transpose_(0, 1)",
    "x.t_()",
    "x[L.tensor([1])] = 1.0",
    "x[M] = y[0, 0]",
    "x[..., L.tensor([0])] = 2.0",
    "x[:] = y[0]",
]


@pytest.mark.parametrize("stmt", LEAF_INPLACE)
def test_inplace_on_leaf_raises(stmt):
    torch = oracle.torch()

    def run(lib, make):
        x, y = make(X0), make(Y0)
        try:
            exec(stmt, env(lib, x, y))
        except RuntimeError as e:
            return str(e), x.shape == (4, 5)
        return None

    theirs = run(torch, lambda v: torch.tensor(v, requires_grad=True))
    assert theirs is not None and "leaf Variable" in theirs[0]
    assert run(mt, lambda v: mt.from_numpy(v.copy()).requires_grad_()) == theirs
    x = mt.from_numpy(X0.copy()).requires_grad_()
    with mt.no_grad():  # allowed (an optimizer step)
        exec(stmt, env(mt, x, mt.from_numpy(Y0.copy())))
    assert x.is_leaf and x.grad_fn is None


@pytest.mark.parametrize("stmt", ["x[1:] = 1.0", "x[0] = y[0]", "x[1:, L.tensor([0])] = 2.0"])
def test_setitem_through_a_view_of_a_leaf_raises(stmt):
    torch = oracle.torch()

    def run(lib, make):
        try:
            exec(stmt, env(lib, make(X0), make(Y0)))
        except RuntimeError as e:
            return str(e)

    theirs = run(torch, lambda v: torch.tensor(v, requires_grad=True))
    assert theirs == ("a view of a leaf Variable that requires grad is being used in an "
                      "in-place operation.")
    assert run(mt, lambda v: mt.from_numpy(v.copy()).requires_grad_()) == theirs


def test_indices_and_dtype_views_are_not_differentiable():
    x = mt.from_numpy(X0.copy()).requires_grad_()
    for r in (x.sort(1), x.topk(2), x.kthvalue(2)):
        assert r[0].requires_grad and not r[1].requires_grad and r[1].grad_fn is None
    v = x.view(mt.int64)
    assert not v.requires_grad and v.grad_fn is None
    f = mt.ones(3, requires_grad=True).view(mt.int32)
    assert not f.requires_grad


def test_split_outputs_without_gradient_get_zeros():
    x = mt.from_numpy(X0.copy()).requires_grad_()
    a, b = x.split(2)
    assert a.grad_fn is b.grad_fn and a.grad_fn.name() == "SplitBackward0"
    (b * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.r_[np.zeros((2, 5)), np.full((2, 5), 3.0)])
    x.grad = None
    parts = x.unbind(1)
    (parts[0] + 2 * parts[4]).sum().backward()
    want = np.zeros((4, 5))
    want[:, 0], want[:, 4] = 1, 2
    np.testing.assert_array_equal(x.grad.numpy(), want)


def test_chunk_and_split_with_sizes_sum_of_all_outputs():
    x = mt.from_numpy(X0.copy()).requires_grad_()
    total = sum((p * (k + 1)).sum() for k, p in enumerate(x.chunk(3, 1)))
    total.backward()
    np.testing.assert_array_equal(x.grad.numpy()[0], [1, 1, 2, 2, 3])
    x.grad = None
    p, q = x.split_with_sizes([3, 1])
    (q * 5).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy()[:, 0], [0, 0, 0, 5])


def test_inplace_metadata_change_on_a_non_leaf_keeps_gradients():
    x = mt.from_numpy(X0.copy()).requires_grad_()
    w = mt.from_numpy(RNG.standard_normal((5, 4)))
    b = x * 2
    b.t_()
    assert b.grad_fn.name() == "TBackward1" and b.shape == (5, 4)
    (b * w).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * w.numpy().T)
    x.grad = None
    c = x * 1
    c.unsqueeze_(0)
    c.transpose_(0, 2)
    c.squeeze_(2)
    assert c.shape == (5, 4) and c.grad_fn.name() == "SqueezeBackward4"
    w = np.arange(20, dtype=np.float64).reshape(5, 4)
    (c * mt.from_numpy(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), w.T)


def test_broadcast_tensors_same_shape_returns_the_input():
    torch = oracle.torch()
    x = mt.from_numpy(X0.copy()).requires_grad_()
    a, b = mt.broadcast_tensors(x, x * 1)
    xt = torch.tensor(X0, requires_grad=True)
    at, bt = torch.broadcast_tensors(xt, xt * 1)
    assert (a.grad_fn is None) == (at.grad_fn is None)
    assert b.grad_fn.name() == bt.grad_fn.name()


@pytest.mark.parametrize("expr", ["x.masked_fill(M, y[1, 2])", "(x * 1).masked_fill_(M[0], y[0, 0])",
                                  "x.masked_fill(M, y[1, 2].detach())"])
def test_masked_fill_with_a_tensor_value(expr):
    torch = oracle.torch()
    x = mt.from_numpy(X0.copy()).requires_grad_()
    y = mt.from_numpy(Y0.copy()).requires_grad_()
    if "detach" not in expr:  # a detached value reads y's storage: no gradient, but it moves
        assert gradcheck(lambda a, b: run_expr(expr, a, b), (x, y))

    def run(lib, make):
        x, y = make(X0), make(Y0)
        out = run_expr(expr, x, y, lib)
        (out * lib.tensor(np.arange(20.0).reshape(4, 5))).sum().backward()
        return out.grad_fn.name(), [None if t.grad is None else t.grad.numpy() for t in (x, y)]

    mine = run(mt, lambda v: mt.from_numpy(v.copy()).requires_grad_())
    theirs = run(torch, lambda v: torch.tensor(v, requires_grad=True))
    assert mine[0] == theirs[0]
    for m, t in zip(mine[1], theirs[1]):
        assert (m is None) == (t is None)
        if m is not None:
            np.testing.assert_allclose(m, t, rtol=1e-12, atol=0)


def test_scatter_multiply_backward_is_not_implemented():
    x = mt.from_numpy(X0.copy()).requires_grad_()
    y = mt.from_numpy(Y0.copy())
    r = x.scatter(0, mt.tensor([[0, 1]]), y, reduce="multiply")
    with pytest.raises(RuntimeError, match="not implemented"):
        r.sum().backward()
