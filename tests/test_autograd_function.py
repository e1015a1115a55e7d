"""Custom autograd Functions, inference mode, anomaly mode, autograd.functional.

Functions are checked with gradcheck / gradgradcheck (float64, finite
differences) and against hand-computed values; autograd.functional against
finite differences and, through oracle.torch(), against PyTorch.
"""

import gc
import warnings

import numpy as np
import oracle
import pytest

import minitorch as mt
from minitorch.autograd import Function, gradcheck, gradgradcheck, once_differentiable
from minitorch.autograd import functional as F

RNG = np.random.default_rng(4321)


def leaf(*shape, dtype=np.float64):
    return mt.from_numpy(RNG.uniform(-1.0, 1.0, shape).astype(dtype)).requires_grad_()


# ---- Functions ----

class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x * x  # differentiable: double backward works


class ScaleBy(Function):
    """Non-tensor argument, ctx attribute, needs_input_grad."""

    @staticmethod
    def forward(ctx, x, k, y):
        ctx.k = k
        ctx.seen = ctx.needs_input_grad
        return x * k + y

    @staticmethod
    def backward(ctx, g):
        return g * ctx.k, None, (g if ctx.needs_input_grad[2] else None)


class SinNew(Function):
    """The newer style: forward without ctx, setup_context."""

    @staticmethod
    def forward(x):
        return x.sin()

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        ctx.save_for_backward(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * x.cos()


def test_function_forward_backward_and_names():
    x = leaf(3)
    y = Cube.apply(x)
    assert type(y.grad_fn).__name__ == "CubeBackward" and y.grad_fn.name() == "CubeBackward"
    assert y.requires_grad and not y.is_leaf
    (fn, nr), = y.grad_fn.next_functions
    assert fn.name() == "torch::autograd::AccumulateGrad" and fn.variable is x and nr == 0
    assert y.grad_fn is y.grad_fn
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3 * x.detach().numpy() ** 2)
    assert gradcheck(Cube.apply, (leaf(2, 3),))
    assert gradgradcheck(Cube.apply, (leaf(2, 3),))


def test_function_double_backward_create_graph():
    x = leaf(4)
    (g,) = mt.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    assert g.requires_grad
    (gg,) = mt.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), 6 * x.detach().numpy())


def test_function_non_tensor_args_and_needs_input_grad():
    x, y = leaf(3), mt.from_numpy(np.ones(3))
    out = ScaleBy.apply(x, 2.5, y)
    assert out.grad_fn.seen == (True, False, False)
    assert len(out.grad_fn.next_functions) == 3 and out.grad_fn.next_functions[1][0] is None
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.5] * 3)
    assert gradcheck(lambda a, b: ScaleBy.apply(a, -1.5, b), (leaf(2, 2), leaf(2)))


def test_function_setup_context_style():
    x = leaf(5)
    y = SinNew.apply(x)
    assert y.grad_fn.name() == "SinNewBackward"
    assert gradcheck(SinNew.apply, (leaf(3),))


def test_function_without_grad_returns_plain_outputs():
    x = mt.from_numpy(np.arange(3.0))
    y = Cube.apply(x)
    assert y.grad_fn is None and not y.requires_grad
    np.testing.assert_allclose(y.numpy(), np.arange(3.0) ** 3)
    with mt.no_grad():
        assert Cube.apply(leaf(2)).grad_fn is None


class TwoOut(Function):
    @staticmethod
    def forward(ctx, x):
        idx = x.argmax()
        ctx.mark_non_differentiable(idx)
        return x * 2, x.exp(), idx, "tag"

    @staticmethod
    def backward(ctx, ga, gb, gidx):
        ctx.gidx = gidx
        return ga * 2 + gb * 0  # gb is zeros when unused


def test_function_tuple_and_non_tensor_outputs():
    x = leaf(3)
    a, b, idx, tag = TwoOut.apply(x)
    assert tag == "tag" and not idx.requires_grad and a.requires_grad and b.requires_grad
    assert a.grad_fn is b.grad_fn
    a.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0] * 3)
    assert a.grad_fn.gidx.numpy() == 0


class Materialize(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        return x * 2, x * 3

    @staticmethod
    def backward(ctx, ga, gb):
        ctx.got = (ga is None, gb is None)
        return ga * 2


def test_function_set_materialize_grads():
    x = leaf(2)
    a, b = Materialize.apply(x)
    a.sum().backward()
    assert a.grad_fn.got == (False, True)


class Identity(Function):
    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, g):
        return g * 5


def test_function_returning_its_input():
    x = leaf(3)
    y = Identity.apply(x)
    assert y is not x and y.grad_fn.name() == "IdentityBackward" and x.grad_fn is None
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [5.0] * 3)


class AddOneInPlace(Function):
    @staticmethod
    def forward(ctx, x):
        x.add_(1)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, g):
        return g * 7


def test_function_mark_dirty():
    x = leaf(3)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad has been used in "
                                           "an in-place operation."):
        AddOneInPlace.apply(x)
    z = x * 1
    before = z._version
    y = AddOneInPlace.apply(z)
    assert y is z and y.grad_fn.name() == "AddOneInPlaceBackward" and z._version == before + 1
    np.testing.assert_allclose(z.detach().numpy(), x.detach().numpy() + 1)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [7.0] * 3)


class SavesOutput(Function):
    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y, None)
        return y

    @staticmethod
    def backward(ctx, g):
        y, none = ctx.saved_tensors
        assert none is None
        return g * y


def test_function_saved_output_and_double_backward():
    assert gradcheck(SavesOutput.apply, (leaf(3),))
    assert gradgradcheck(SavesOutput.apply, (leaf(3),))


def test_function_saved_tensors_released_and_version_checked():
    x = leaf(2)
    y = Cube.apply(x)
    y.sum().backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.grad_fn.saved_tensors
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.sum().backward()
    z = x * 1
    y = Cube.apply(z)
    with mt.no_grad():
        z.add_(1)
    with pytest.raises(RuntimeError, match="one of the variables needed for gradient computation "
                                           "has been modified by an inplace operation"):
        y.sum().backward()
    y = Cube.apply(x)
    y.sum().backward(retain_graph=True)
    assert y.grad_fn.saved_tensors[0] is not None


def _fn(forward_result, backward):
    class Bad(Function):
        @staticmethod
        def forward(ctx, x, k=2.0):
            return x * k

    Bad.backward = staticmethod(backward)
    return Bad


@pytest.mark.parametrize("backward,msg", [
    (lambda ctx, g: (g, None, g), r"function BadBackward returned an incorrect number of "
                                  r"gradients \(expected 2, got 3\)"),
    (lambda ctx, g: (g,), r"function BadBackward returned an incorrect number of gradients "
                          r"\(expected 2, got 1\)"),
    (lambda ctx, g: (g, 3.0), "function BadBackward returned a gradient different than None at "
                              "position 2, but the corresponding forward input was not a Variable"),
    (lambda ctx, g: (1, None), r"expected Variable or None \(got int\)"),
    (lambda ctx, g: (mt.ones(3, dtype=mt.float64), None),
     r"Function BadBackward returned an invalid gradient at index 0 - got \[3\] but expected "
     r"shape compatible with \[2\]"),
])
def test_function_backward_errors(backward, msg):
    Bad = _fn(None, backward)
    x = leaf(2)
    with pytest.raises(RuntimeError, match=msg):
        Bad.apply(x, 2.0).sum().backward()


def test_function_extra_none_gradients_are_allowed():
    Bad = _fn(None, lambda ctx, g: (g * 2, None, None, None))
    x = leaf(2)
    Bad.apply(x, 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


class OnceSquare(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g


def test_once_differentiable():
    x = leaf(2)
    (g,) = mt.autograd.grad(OnceSquare.apply(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), 2 * x.detach().numpy())
    assert not g.requires_grad and g.grad_fn is None


def test_function_hooks_and_retain_grad():
    x = leaf(3)
    y = Cube.apply(x)
    y.retain_grad()
    y.register_hook(lambda g: g * 2)
    (y * 1).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [2.0] * 3)  # hooks run before retain_grad (torch)
    np.testing.assert_allclose(x.grad.numpy(), 6 * x.detach().numpy() ** 2)


def test_function_inside_a_larger_graph():
    x, w = leaf(2, 3), leaf(3)
    assert gradcheck(lambda a, b: (Cube.apply(a * b) + SinNew.apply(a)).sum(1), (x, w))


def test_function_graph_is_freed():
    import weakref

    x = leaf(2)
    y = Cube.apply(x)
    ref = weakref.ref(y.grad_fn)
    del y
    gc.collect()
    assert ref() is None


# ---- inference mode ----

def test_inference_mode():
    x = leaf(2)
    assert not mt.is_inference_mode_enabled() and not x.is_inference()
    with mt.inference_mode():
        assert mt.is_inference_mode_enabled() and not mt.is_grad_enabled()
        t = mt.ones(2)
        y = x * 2
        v = x.view(2)
        w = t.view(2)
    assert t.is_inference() and y.is_inference() and not y.requires_grad
    assert not v.is_inference() and w.shape == t.shape  # a view of a normal tensor is normal
    assert not mt.is_inference_mode_enabled() and mt.is_grad_enabled()
    assert not (x * 2).is_inference()
    with mt.inference_mode(False):
        assert not mt.is_inference_mode_enabled() and (x * 2).requires_grad
    assert mt.autograd.inference_mode is mt.inference_mode

    @mt.inference_mode()
    def f(a):
        return a * 2, mt.is_inference_mode_enabled()

    @mt.inference_mode
    def g(a):
        return a * 2

    r, on = f(x)
    assert on and r.is_inference() and not r.requires_grad and g(x).is_inference()
    assert not mt.is_inference_mode_enabled()


# ---- anomaly mode ----

def test_anomaly_flags():
    assert not mt.autograd.is_anomaly_enabled()
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        with mt.autograd.detect_anomaly():
            assert mt.autograd.is_anomaly_enabled()
    assert not mt.autograd.is_anomaly_enabled()
    mt.autograd.set_detect_anomaly(True)
    try:
        assert mt.autograd.is_anomaly_enabled()
    finally:
        mt.autograd.set_detect_anomaly(False)
    with mt.autograd.set_detect_anomaly(True):
        assert mt.autograd.is_anomaly_enabled()
    assert not mt.autograd.is_anomaly_enabled()


def test_anomaly_records_traceback_only_when_on():
    x = leaf(2)
    assert "traceback_" not in (x * 2).grad_fn.metadata
    assert "traceback_" not in Cube.apply(x).grad_fn.metadata
    with mt.autograd.set_detect_anomaly(True):
        y = x * 2
        z = Cube.apply(x)
    for node in (y.grad_fn, z.grad_fn):
        tb = node.metadata["traceback_"]
        assert isinstance(tb, list) and any("test_anomaly_records_traceback_only_when_on" in t
                                            for t in tb)


def test_anomaly_nan_in_backward():
    a = mt.tensor([0.0], dtype=mt.float64, requires_grad=True)
    (a.sqrt() * 0).sum().backward()  # off: NaN passes silently
    assert np.isnan(a.grad.numpy()).all()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with mt.autograd.detect_anomaly():
            y = (a.sqrt() * 0).sum()
            with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan values "
                                                   "in its 0th output."):
                y.backward()
        with mt.autograd.detect_anomaly(check_nan=False):
            (a.sqrt() * 0).sum().backward()
    msgs = [str(x.message) for x in w]
    assert any(m.startswith("Error detected in SqrtBackward0. Traceback of forward call") and
               "y = (a.sqrt() * 0).sum()" in m for m in msgs), msgs


def test_anomaly_error_in_custom_backward_reports_forward_line():
    class Boom(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            raise ValueError("boom")

    x = leaf(2)
    with pytest.raises(ValueError, match="boom"):
        Boom.apply(x).sum().backward()
    with pytest.warns(UserWarning) as rec:
        with mt.autograd.detect_anomaly():
            out = Boom.apply(x)  # the line the report shows
            with pytest.raises(ValueError, match="boom"):
                out.sum().backward()
    msgs = [str(r.message) for r in rec]
    assert any(m.startswith("Error detected in BoomBackward.") and "out = Boom.apply(x)" in m
               for m in msgs), msgs


# ---- autograd.functional ----

def f_single(x):
    return (x.sin() * x).sum(0) if x.dim() > 1 else x.sin() * x


def f_pair(x, y):
    return x.exp() * y, (x * y).sum()


def f_scalar(x):
    return (x * x * x).sum() + (x.sin() * x).sum()


def f_scalar2(x, y):
    return (x.exp() * y).sum() + (x * x * y * y).sum()


def numjac(fn, inputs, eps=1e-6):
    """[output][input] numerical Jacobians, shaped like PyTorch's."""
    inputs = [i.detach().numpy().copy() for i in inputs]
    def call(arrs):
        out = fn(*[mt.from_numpy(a) for a in arrs])
        return [o.detach().numpy().copy() for o in (out if isinstance(out, tuple) else (out,))]
    base = call(inputs)
    res = [[np.zeros(o.shape + a.shape) for a in inputs] for o in base]
    for j, a in enumerate(inputs):
        for idx in np.ndindex(a.shape):
            p = [b.copy() for b in inputs]
            m = [b.copy() for b in inputs]
            p[j][idx] += eps
            m[j][idx] -= eps
            for k, (op, om) in enumerate(zip(call(p), call(m))):
                res[k][j][(Ellipsis,) + idx] = (op - om) / (2 * eps)
    return res


def test_jacobian_nesting_and_values():
    x, y = leaf(3), leaf(3)
    j = F.jacobian(f_single, x)
    assert isinstance(j, mt.Tensor) and tuple(j.shape) == (3, 3)
    np.testing.assert_allclose(j.numpy(), numjac(f_single, [x])[0][0], atol=1e-6)
    j2 = F.jacobian(f_single, (x,))
    assert isinstance(j2, tuple) and len(j2) == 1
    jp = F.jacobian(f_pair, (x, y))
    assert isinstance(jp, tuple) and all(isinstance(r, tuple) and len(r) == 2 for r in jp)
    num = numjac(f_pair, [x, y])
    for k in range(2):
        for i in range(2):
            assert tuple(jp[k][i].shape) == num[k][i].shape
            np.testing.assert_allclose(jp[k][i].numpy(), num[k][i], atol=1e-6)
    m = leaf(2, 3)
    jm = F.jacobian(f_single, m)
    assert tuple(jm.shape) == (3, 2, 3)
    np.testing.assert_allclose(jm.numpy(), numjac(f_single, [m])[0][0], atol=1e-6)
    assert not jm.requires_grad
    assert F.jacobian(f_single, x, create_graph=True).requires_grad


def test_jacobian_unused_input_and_strict():
    x, y = leaf(2), leaf(2)
    j = F.jacobian(lambda a, b: a * 2, (x, y))
    np.testing.assert_allclose(j[1].numpy(), np.zeros((2, 2)))
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function is independent "
                                           "of input 1. This is not allowed in strict mode."):
        F.jacobian(lambda a, b: a * 2, (x, y), strict=True)


def test_hessian_values():
    x, y = leaf(3), leaf(2)
    h = F.hessian(f_scalar, x)
    assert tuple(h.shape) == (3, 3)
    xv = x.detach().numpy()
    want = np.diag(6 * xv + 2 * np.cos(xv) - xv * np.sin(xv))
    np.testing.assert_allclose(h.numpy(), want, atol=1e-10)
    hp = F.hessian(lambda a, b: (a.sum() * b.exp()).sum(), (x, y))
    assert isinstance(hp, tuple) and len(hp) == 2 and tuple(hp[0][1].shape) == (3, 2)
    ey = np.exp(y.detach().numpy())
    np.testing.assert_allclose(hp[0][0].numpy(), np.zeros((3, 3)))
    np.testing.assert_allclose(hp[0][1].numpy(), np.tile(ey, (3, 1)), atol=1e-12)
    np.testing.assert_allclose(hp[1][1].numpy(), np.diag(xv.sum() * ey), atol=1e-12)


def test_vector_products():
    x = leaf(3)
    v = mt.from_numpy(RNG.standard_normal(3))
    out, vj = F.vjp(f_single, x, v)
    J = numjac(f_single, [x])[0][0]
    np.testing.assert_allclose(out.numpy(), f_single(x).detach().numpy())
    np.testing.assert_allclose(vj.numpy(), v.numpy() @ J, atol=1e-6)
    out, jv = F.jvp(f_single, x, v)
    np.testing.assert_allclose(jv.numpy(), J @ v.numpy(), atol=1e-6)
    H = F.hessian(f_scalar, x).numpy()
    out, hv = F.hvp(f_scalar, x, v)
    np.testing.assert_allclose(hv.numpy(), H @ v.numpy(), atol=1e-10)
    out, vh = F.vhp(f_scalar, x, v)
    np.testing.assert_allclose(vh.numpy(), v.numpy() @ H, atol=1e-10)
    assert float(out) == pytest.approx(float(f_scalar(x)))
    s = leaf(1)
    _, g = F.vjp(lambda a: (a * a).sum(), s)  # v=None for one-element output
    np.testing.assert_allclose(g.numpy(), 2 * s.detach().numpy())
    with pytest.raises(RuntimeError, match="The vector v can only be None if the user-provided "
                                           "function returns a single Tensor with a single "
                                           "element."):
        F.vjp(f_single, x)
    with pytest.raises(RuntimeError, match="v has invalid size: should be"):
        F.vjp(f_single, x, mt.ones(2, dtype=mt.float64))


def _np_of(x):
    return np.asarray(x.detach().numpy())


@pytest.mark.parametrize("which", ["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"])
def test_functional_matches_torch(which):
    torch = oracle.torch()
    rng = np.random.default_rng(["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"].index(which))
    x0, y0, v0 = rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal(3)

    def run(lib, make):
        x, y, v = make(x0), make(y0), make(v0)
        fn = getattr(lib.autograd.functional, which)
        if which == "jacobian":
            r = fn(f_pair, (x, y))
            return [_np_of(t) for row in r for t in row]
        if which == "hessian":
            r = fn(f_scalar2, (x, y))
            return [_np_of(t) for row in r for t in row]
        if which in ("vjp",):
            out, r = fn(f_pair, (x, y), (v, make(np.array(2.0))))
            return [_np_of(out[0]), _np_of(out[1])] + [_np_of(t) for t in r]
        if which == "jvp":
            out, r = fn(f_pair, (x, y), (v, v))
            return [_np_of(out[0])] + [_np_of(t) for t in r]
        out, r = fn(f_scalar2, (x, y), (v, v))
        return [_np_of(out)] + [_np_of(t) for t in r]

    mine = run(mt, lambda a: mt.from_numpy(np.array(a, dtype=np.float64)))
    theirs = run(torch, lambda a: torch.tensor(np.array(a, dtype=np.float64)))
    assert len(mine) == len(theirs)
    for m, t in zip(mine, theirs):
        assert m.shape == t.shape
        np.testing.assert_allclose(m, t, rtol=1e-10, atol=1e-12)
