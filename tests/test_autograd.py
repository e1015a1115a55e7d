"""Autograd: the graph, the engine, the Tensor API and the backward formulas.

Gradients are checked against central finite differences in float64
(minitorch.autograd.gradcheck, which itself is checked against a hand-written
derivative below) and, where torch is installed or recorded, against PyTorch.
"""

import gc
import weakref

import numpy as np
import oracle
import pytest

import minitorch as mt
from minitorch.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(1234)


def leaf(*shape, lo=-1.0, hi=1.0, dtype=np.float64):
    return mt.from_numpy(RNG.uniform(lo, hi, shape).astype(dtype)).requires_grad_()


# ---- the Tensor API ----

def test_leaf_flags_and_grad_fn():
    a = leaf(3)
    assert a.is_leaf and a.requires_grad and a.grad_fn is None and a.grad is None
    b = a * 2
    assert not b.is_leaf and b.requires_grad
    assert type(b.grad_fn).__name__ == "MulBackward0"
    assert b.grad_fn.name() == "MulBackward0"
    assert repr(b.grad_fn).startswith("<MulBackward0 object at 0x")
    (fn, nr), = b.grad_fn.next_functions[:1]
    assert fn.name() == "torch::autograd::AccumulateGrad" and nr == 0
    assert fn.variable is a
    assert b.grad_fn is b.grad_fn  # one Python object per node
    assert isinstance(b.grad_fn.metadata, dict)
    b.grad_fn.metadata["k"] = 1
    assert b.grad_fn.metadata == {"k": 1}


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        mt.tensor([1, 2]).requires_grad_()


def test_non_leaf_requires_grad_cannot_be_cleared():
    b = leaf(2) + 1
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf"):
        b.requires_grad = False
    b.requires_grad = True  # a no-op


def test_no_record_without_requires_grad_or_in_no_grad():
    a = mt.tensor([1.0, 2.0])
    assert (a * 2).grad_fn is None and not (a * 2).requires_grad
    b = leaf(2)
    with mt.no_grad():
        c = b * 2
    assert c.grad_fn is None and not c.requires_grad and c.is_leaf


def test_comparisons_and_integer_results_do_not_require_grad():
    a = leaf(3)
    assert not (a > 0).requires_grad
    assert not a.argmax().requires_grad


# ---- backward ----

def test_backward_accumulates_into_leaves():
    a = leaf(3)
    b = leaf(3)
    y = (a * b + a).sum()
    y.backward()
    np.testing.assert_allclose(a.grad.numpy(), b.detach().numpy() + 1)
    np.testing.assert_allclose(b.grad.numpy(), a.detach().numpy())
    y2 = (a * b + a).sum()
    y2.backward()  # gradients add up across calls
    np.testing.assert_allclose(a.grad.numpy(), 2 * (b.detach().numpy() + 1))


def test_implicit_gradient_only_for_one_element_outputs():
    a = leaf(3)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (a * 2).backward()
    g = mt.tensor([1.0, 2.0, 3.0], dtype=mt.float64)
    (a * 2).backward(g)
    np.testing.assert_allclose(a.grad.numpy(), [2.0, 4.0, 6.0])


def test_gradient_shape_mismatch():
    a = leaf(3)
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (a * 2).backward(mt.ones(2, dtype=mt.float64))


def test_backward_twice_raises_unless_retain_graph():
    a = leaf(3)
    y = (a.exp()).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(a.grad.numpy(), 2 * np.exp(a.detach().numpy()))
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


def test_backward_on_tensor_without_grad():
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        mt.tensor([1.0]).sum().backward()


def test_diamond_sums_both_paths():
    a = leaf(4)
    b = a * 3
    y = (b * b + b).sum()
    y.backward()
    x = a.detach().numpy()
    np.testing.assert_allclose(a.grad.numpy(), 18 * x + 3)


def test_broadcast_gradients_are_summed_to_input_shape():
    a = leaf(2, 3)
    b = leaf(3)
    c = leaf(1)
    ((a * b) + c).sum().backward()
    np.testing.assert_allclose(b.grad.numpy(), a.detach().numpy().sum(0))
    np.testing.assert_allclose(c.grad.numpy(), [6.0])


def test_gradient_cast_to_input_dtype():
    a = leaf(3, dtype=np.float32)
    y = (a.double() * 2).sum()
    y.backward()
    assert a.grad.dtype == mt.float32
    np.testing.assert_allclose(a.grad.numpy(), [2, 2, 2])


def test_autograd_grad_leaves_grad_untouched():
    a = leaf(3)
    b = leaf(3)
    y = (a * b).sum()
    ga, = mt.autograd.grad(y, a)
    np.testing.assert_allclose(ga.numpy(), b.detach().numpy())
    assert a.grad is None and b.grad is None


def test_autograd_grad_unused_input():
    a, b = leaf(2), leaf(2)
    y = (a * 2).sum()
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        mt.autograd.grad(y, [a, b], retain_graph=True)
    ga, gb = mt.autograd.grad(y, [a, b], allow_unused=True, retain_graph=True)
    assert gb is None
    ga, gb = mt.autograd.grad(y, [a, b], materialize_grads=True)
    np.testing.assert_allclose(gb.numpy(), [0, 0])


def test_backward_inputs_limits_accumulation():
    a, b = leaf(2), leaf(2)
    (a * b).sum().backward(inputs=[a])
    assert a.grad is not None and b.grad is None


def test_grad_of_non_leaf_input():
    a = leaf(3)
    h = a * 2
    y = (h * h).sum()
    gh, = mt.autograd.grad(y, h)
    np.testing.assert_allclose(gh.numpy(), 2 * h.detach().numpy())


def test_retain_grad():
    a = leaf(3)
    h = a * 2
    h.retain_grad()
    assert h.retains_grad
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), 2 * h.detach().numpy())


def test_non_leaf_grad_access_warns():
    h = leaf(3) * 2
    with pytest.warns(UserWarning, match="is not a leaf Tensor"):
        assert h.grad is None


def test_second_derivatives():
    a = leaf(3)
    y = (a ** 3).sum()
    g, = mt.autograd.grad(y, a, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), 3 * a.detach().numpy() ** 2)
    g2, = mt.autograd.grad(g.sum(), a, create_graph=True)
    np.testing.assert_allclose(g2.detach().numpy(), 6 * a.detach().numpy())
    g3, = mt.autograd.grad(g2.sum(), a)
    np.testing.assert_allclose(g3.numpy(), [6.0, 6.0, 6.0])


def test_hooks():
    a = leaf(3)
    seen = []
    h = a.register_hook(lambda g: seen.append(g.numpy().copy()) or g * 2)
    (a * 1).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [2, 2, 2])
    assert len(seen) == 1
    h.remove()
    a.grad = None
    (a * 1).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [1, 1, 1])
    b = a * 3
    b.register_hook(lambda g: g * 10)
    a.grad = None
    b.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [30, 30, 30])


def test_post_accumulate_grad_hook():
    a = leaf(2)
    calls = []
    a.register_post_accumulate_grad_hook(lambda t: calls.append(t.grad.numpy().copy()))
    (a * 5).sum().backward()
    np.testing.assert_allclose(calls[0], [5, 5])
    with pytest.raises(RuntimeError, match="non-leaf"):
        (a * 2).register_post_accumulate_grad_hook(lambda t: None)


def test_detach_shares_storage_and_cuts_history():
    a = leaf(3)
    b = a * 2
    d = b.detach()
    assert d.grad_fn is None and not d.requires_grad
    d[0] = 100.0
    assert b[0].item() == 100.0
    b.detach_()
    assert b.is_leaf and not b.requires_grad


# ---- in-place rules ----

def test_inplace_on_leaf_requiring_grad_is_an_error():
    a = leaf(3)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation."):
        a.add_(1)
    with mt.no_grad():
        a.add_(1)  # allowed: what optimizers do


def test_modified_saved_tensor_is_detected():
    a = leaf(3)
    b = a * 1
    c = b.exp()
    c.add_(1)  # exp saved its result
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation: \[minitorch.DoubleTensor \[3\]\], "
                       r"which is output 0 of ExpBackward0, is at version 1; expected version 0 instead"):
        c.sum().backward()


def test_inplace_on_non_leaf_rewrites_history():
    a = leaf(3)
    b = a * 2
    b.mul_(3)
    assert b.grad_fn.name() == "MulBackward0"
    b.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [6, 6, 6])
    a.grad = None
    c = a * 1
    c.exp_()
    c.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), np.exp(a.detach().numpy()))


def test_out_argument_with_grad_is_an_error():
    a = leaf(3)
    with pytest.raises(RuntimeError, match="out=... arguments don't support automatic differentiation"):
        mt.exp(a, out=mt.empty(3, dtype=mt.float64))


# ---- the engine ----

def test_long_chain_has_no_recursion():
    a = leaf(1)
    x = a
    for _ in range(100_000):
        x = x * 1.0
    x.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [1.0])
    del x
    gc.collect()


def test_graph_dies_with_its_outputs():
    a = leaf(3)
    y = (a.exp() * 2).sum()
    ref = weakref.ref(y.grad_fn)
    del y
    gc.collect()
    assert ref() is None


def test_create_graph_graph_dies_too():
    a = leaf(3)
    y = (a ** 2).sum()
    g, = mt.autograd.grad(y, a, create_graph=True)
    ref = weakref.ref(g.grad_fn)
    del y, g
    gc.collect()
    assert ref() is None


def test_variable_legacy():
    v = mt.autograd.Variable(mt.tensor([1.0, 2.0]), requires_grad=True)
    assert v.requires_grad and isinstance(v, mt.Tensor)


# ---- gradcheck itself ----

def test_gradcheck_catches_a_wrong_gradient():
    a = leaf(3)
    assert gradcheck(lambda x: (x * x).sum(), (a,))
    # A formula that is off by a factor (exp'(x) vs 2 exp(x)) must fail.
    def f(x):
        y = x.exp()
        if y.requires_grad:  # not in gradcheck's no_grad finite differences
            y.register_hook(lambda g: g * 2)
        return y
    assert not gradcheck(f, (a,), raise_exception=False)
    with pytest.raises(mt.autograd.GradcheckError):
        gradcheck(f, (a,))


# ---- backward formulas by gradcheck ----

def pos(*shape):
    return leaf(*shape, lo=0.2, hi=0.9)


UNARY = ["neg", "abs", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt",
         "square", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
         "atanh", "sigmoid", "logit", "relu", "erf", "erfc", "reciprocal", "frac", "nan_to_num"]


@pytest.mark.parametrize("name", UNARY)
def test_unary_gradcheck(name):
    x = pos(2, 3)  # in (0.2, 0.9): inside every domain, away from kinks
    assert gradcheck(lambda t: getattr(mt, name)(t), (x,))


def test_acosh_gradcheck():
    assert gradcheck(mt.acosh, (leaf(4, lo=1.5, hi=3.0),))


@pytest.mark.parametrize("fn", [
    lambda t: mt.nn.functional.gelu(t),
    lambda t: mt.nn.functional.gelu(t, approximate="tanh"),
    lambda t: mt.nn.functional.silu(t),
    lambda t: mt.nn.functional.softplus(t, beta=2.0, threshold=1.0),
    lambda t: t.clamp(-0.5, 0.5),
    lambda t: t.clamp(min=-0.3),
    lambda t: t.logit(eps=0.3),
], ids=["gelu", "gelu_tanh", "silu", "softplus", "clamp", "clamp_min", "logit_eps"])
def test_activation_gradcheck(fn):
    x = leaf(7)
    x.detach().numpy()[:] = [-0.9, -0.41, -0.2, 0.1, 0.35, 0.62, 0.97]
    assert gradcheck(fn, (x,))


BINARY = {
    "add": lambda a, b: a + b,
    "add_alpha": lambda a, b: mt.add(a, b, alpha=2.5),
    "sub": lambda a, b: a - b,
    "sub_alpha": lambda a, b: mt.sub(a, b, alpha=0.5),
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a ** b,
    "atan2": mt.atan2,
    "maximum": mt.maximum,
    "minimum": mt.minimum,
    "fmax": mt.fmax,
    "fmin": mt.fmin,
    "remainder": lambda a, b: mt.remainder(a, b),
    "fmod": mt.fmod,
    "lerp": lambda a, b: mt.lerp(a, b, 0.3),
    "lerp_tensor": lambda a, b: mt.lerp(a, b, a),
    "where": lambda a, b: mt.where(a > 0.5, a, b),
    "addcmul": lambda a, b: mt.addcmul(a, a, b, value=0.7),
    "addcdiv": lambda a, b: mt.addcdiv(a, a, b, value=0.7),
    "clamp_tensor": lambda a, b: a.clamp(min=b),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_gradcheck_broadcast(name):
    a = pos(2, 3)
    b = pos(3)  # broadcast: gradient summed over dim 0
    assert gradcheck(BINARY[name], (a, b))


@pytest.mark.parametrize("expr", ["x + 2", "2 + x", "x - 2", "2 - x", "x * 3", "3 * x", "x / 3",
                                  "3 / x", "x ** 2.5", "2.0 ** x", "x % 0.3", "-x"])
def test_scalar_operand_gradcheck(expr):
    x = pos(4)
    assert gradcheck(lambda x: eval(expr), (x,))


def test_non_contiguous_and_expanded_inputs():
    base = leaf(4, 3)
    assert gradcheck(lambda b: (b.t() * b.t()).exp(), (base,))
    assert gradcheck(lambda b: b[::2, 1:].sin(), (base,))
    v = leaf(3)
    assert gradcheck(lambda v: v.expand(4, 3) * base.detach(), (v,))


REDUCTIONS = {
    "sum": lambda t: t.sum(),
    "sum_dim": lambda t: t.sum(1),
    "sum_keepdim": lambda t: t.sum((0, 1), keepdim=True),
    "mean": lambda t: t.mean(),
    "mean_dim": lambda t: t.mean(0),
    "var": lambda t: t.var(),
    "var_dim": lambda t: t.var(1, correction=0),
    "std": lambda t: t.std(),
    "std_dim": lambda t: t.std(0, keepdim=True),
    "amax": lambda t: t.amax(1),
    "amin": lambda t: t.amin(0),
    "max": lambda t: t.max(),
    "min": lambda t: t.min(),
    "max_dim": lambda t: t.max(1).values,
    "min_dim_keepdim": lambda t: t.min(0, keepdim=True)[0],
    "logsumexp": lambda t: t.logsumexp(1),
    "softmax": lambda t: t.softmax(1),
    "log_softmax": lambda t: t.log_softmax(0),
    "cumsum": lambda t: t.cumsum(1),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_reduction_gradcheck(name):
    assert gradcheck(REDUCTIONS[name], (leaf(3, 4),))


def test_max_ties_split_the_gradient():
    a = mt.tensor([1.0, 3.0, 3.0], dtype=mt.float64).requires_grad_()
    a.max().backward()
    np.testing.assert_allclose(a.grad.numpy(), [0, 0.5, 0.5])
    b = mt.tensor([2.0, 2.0], dtype=mt.float64).requires_grad_()
    c = mt.tensor([2.0, 1.0], dtype=mt.float64).requires_grad_()
    mt.maximum(b, c).sum().backward()
    np.testing.assert_allclose(b.grad.numpy(), [0.5, 1.0])
    np.testing.assert_allclose(c.grad.numpy(), [0.5, 0.0])


SHAPES = {
    "view": lambda t: t.view(4, 3),
    "reshape": lambda t: t.reshape(-1),
    "transpose": lambda t: t.transpose(0, 1),
    "t": lambda t: t.t(),
    "permute": lambda t: t.unsqueeze(0).permute(2, 0, 1),
    "expand": lambda t: t.unsqueeze(0).expand(2, 3, 4),
    "narrow": lambda t: t.narrow(1, 1, 2),
    "select": lambda t: t.select(0, 1),
    "getitem_int": lambda t: t[1],
    "getitem_slice": lambda t: t[1:, ::2],
    "getitem_ellipsis": lambda t: t[..., None, 1],
    "squeeze": lambda t: t.unsqueeze(1).squeeze(1),
    "squeeze_all": lambda t: t.unsqueeze(0).squeeze(),
    "flatten": lambda t: t.unsqueeze(0).flatten(),
    "unflatten": lambda t: t.unflatten(1, (2, 2)),
    "cat": lambda t: mt.cat([t, t * 2], 1),
    "stack": lambda t: mt.stack([t, t.exp()], 0),
    "clone": lambda t: t.clone(),
    "contiguous": lambda t: t.t().contiguous(),
    "index_select": lambda t: t.index_select(1, mt.tensor([0, 2, 2])),
    "gather": lambda t: t.gather(1, mt.tensor([[0, 0], [1, 3], [2, 2]])),
    "masked_fill": lambda t: t.masked_fill(t > 0, 0.5),
    "to_float64": lambda t: t.to(mt.float64, copy=True),
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_shape_gradcheck(name):
    assert gradcheck(SHAPES[name], (leaf(3, 4),))


MATMUL = {
    "mm": (lambda a, b: a.mm(b), (3, 4), (4, 2)),
    "matmul_2d": (lambda a, b: a @ b, (3, 4), (4, 2)),
    "matmul_batched_broadcast": (lambda a, b: a @ b, (2, 3, 4), (4, 2)),
    "matmul_1d_2d": (lambda a, b: a @ b, (4,), (4, 2)),
    "matmul_2d_1d": (lambda a, b: a @ b, (3, 4), (4,)),
    "matmul_dot": (lambda a, b: a @ b, (4,), (4,)),
    "bmm": (lambda a, b: a.bmm(b), (2, 3, 4), (2, 4, 2)),
    "mv": (lambda a, b: a.mv(b), (3, 4), (4,)),
    "dot": (lambda a, b: a.dot(b), (4,), (4,)),
    "outer": (lambda a, b: mt.outer(a, b), (3,), (4,)),
    "addmm": (lambda a, b: mt.addmm(mt.ones(3, 2, dtype=mt.float64), a, b, beta=0.5, alpha=2.0),
              (3, 4), (4, 2)),
}


@pytest.mark.parametrize("name", sorted(MATMUL))
def test_matmul_gradcheck(name):
    fn, sa, sb = MATMUL[name]
    assert gradcheck(fn, (leaf(*sa), leaf(*sb)))


def test_addmm_input_gradient():
    inp = leaf(2)
    assert gradcheck(lambda i: mt.addmm(i, mt.ones(3, 4, dtype=mt.float64),
                                        mt.ones(4, 2, dtype=mt.float64), beta=3.0), (inp,))


@pytest.mark.parametrize("fn", [
    lambda a, b: (a * b).exp().sum(),
    lambda a, b: (a @ b.t()).tanh().sum(),
    lambda a, b: (a / b).log_softmax(1).sum(),
    lambda a, b: ((a - b) ** 2).mean(),
], ids=["mul_exp", "matmul_tanh", "div_logsoftmax", "mse"])
def test_gradgradcheck(fn):
    assert gradgradcheck(fn, (pos(2, 3), pos(2, 3)))


# ---- against PyTorch ----

EXPRS = [
    "((w * x + b) ** 2).mean()",
    "(x @ w.t()).relu().sum()",
    "(x.softmax(1) * w).sum()",
    "mt_or_t.where(x > 0, x * w, b).sum()",
    "((x - w).abs() + (x * w).sigmoid()).sum()",
    "x.max(1).values.sum() + w.amax()",
]


@pytest.mark.parametrize("expr", EXPRS)
def test_gradients_match_torch(expr):
    torch = oracle.torch()
    x0 = RNG.standard_normal((3, 4))
    w0 = RNG.standard_normal((3, 4))
    b0 = RNG.standard_normal((4,))

    def run(lib, make):
        x, w, b = (make(v) for v in (x0, w0, b0))
        y = eval(expr, {"mt_or_t": lib, "x": x, "w": w, "b": b})
        y.backward()
        return [None if t.grad is None else np.asarray(t.grad.numpy()) for t in (x, w, b)] + [
            float(y.item())]

    mine = run(mt, lambda v: mt.from_numpy(v.copy()).requires_grad_())
    theirs = run(torch, lambda v: torch.tensor(v, requires_grad=True))
    for m, t in zip(mine, theirs):
        assert (m is None) == (t is None)
        if m is not None:
            np.testing.assert_allclose(m, t, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("expr", ["x * 2", "x + y", "2 - x", "x ** 2", "2.0 ** x", "x ** y", "x / y",
                                  "x.exp()", "x.sum()", "x.mean()", "x.view(4)", "x[0]", "x[1:]",
                                  "x.t()", "x.unsqueeze(0)", "x.expand(3, 2, 2)", "x.clone()",
                                  "x @ y", "x.relu()", "x.softmax(0)", "x.max()", "x.amax(0)",
                                  "x.var()", "x.double()", "x.clamp(0, 1)", "x.clamp(min=y)",
                                  "x.sign()", "x.square()"])
def test_grad_fn_names_match_torch(expr):
    torch = oracle.torch()
    x0 = np.array([[0.5, 1.5], [2.0, 3.0]], np.float32)
    y0 = np.array([[1.0, 2.0], [0.5, 0.25]], np.float32)
    env_t = {"x": torch.tensor(x0, requires_grad=True), "y": torch.tensor(y0, requires_grad=True)}
    env_m = {"x": mt.tensor(x0, requires_grad=True), "y": mt.tensor(y0, requires_grad=True)}
    theirs = eval(expr, env_t).grad_fn.name()
    assert eval(expr, env_m).grad_fn.name() == theirs
