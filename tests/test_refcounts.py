"""Reference counts around every public entry point (tests/refcheck.py).

SUCCESS_CALLS and ERROR_CALLS are tables of (callable, args, kwargs) as
expressions over the bad-input fixtures (bad_inputs.make_namespace). Every
public function of minitorch and every public Tensor method, property and
protocol slot must appear in SUCCESS_CALLS; an entry point added later
without a row is still checked on the call `x.name()` / `m.name(x)`, so new
ops are never unchecked (add a row to check a real success path).
"""

import inspect

import pytest
from bad_inputs import make_namespace
from refcheck import check_refcounts

import minitorch

# (callable, args tuple, kwargs dict) -- each an expression
SUCCESS_CALLS = [
    # ---- module functions ----
    ("m.arange", "(5,)", "{}"), ("m.arange", "(0.0, 2.0, 0.5)", "{'dtype': m.float64}"),
    ("m.as_tensor", "(a,)", "{}"), ("m.as_tensor", "([1, 2],)", "{}"),
    ("m.asarray", "(a,)", "{}"), ("m.asarray", "(x,)", "{'copy': True}"),
    ("m.can_cast", "(m.float32, m.int64)", "{}"), ("m.clone", "(x,)", "{}"),
    ("m.empty", "(2, 3)", "{}"), ("m.empty_like", "(x,)", "{}"), ("m.eye", "(3,)", "{}"),
    ("m.from_numpy", "(a,)", "{}"), ("m.from_numpy", "(a[::-1],)", "{}"),
    ("m.full", "((2, 2), 1.5)", "{}"), ("m.full_like", "(x, 7)", "{}"),
    ("m.get_default_dtype", "()", "{}"), ("m.get_num_threads", "()", "{}"),
    ("m.get_rng_state", "()", "{}"), ("m.initial_seed", "()", "{}"),
    ("m.is_floating_point", "(x,)", "{}"), ("m.is_grad_enabled", "()", "{}"),
    ("m.is_tensor", "(x,)", "{}"), ("m.linspace", "(0, 1, 5)", "{}"),
    ("m.logspace", "(0, 1, 3)", "{}"), ("m.manual_seed", "(7,)", "{}"), ("m.numel", "(x,)", "{}"),
    ("m.ones", "(3,)", "{'dtype': m.int32}"), ("m.ones_like", "(x,)", "{}"),
    ("m.promote_types", "(m.int32, m.float16)", "{}"), ("m.rand", "(2, 2)", "{}"),
    ("m.rand_like", "(x,)", "{}"), ("m.randint", "(0, 5, (3,))", "{}"),
    ("m.randn", "(4,)", "{}"), ("m.randn_like", "(x,)", "{}"), ("m.randperm", "(5,)", "{}"),
    ("m.result_type", "(x, 2.5)", "{}"), ("m.seed", "()", "{}"),
    ("m.set_default_dtype", "(m.float32,)", "{}"), ("m.set_grad_enabled", "(True,)", "{}"),
    ("m.set_num_threads", "(m.get_num_threads(),)", "{}"),
    ("m.set_rng_state", "(m.get_rng_state(),)", "{}"), ("m.tensor", "([[1.0, 2.0]],)", "{}"),
    ("m.tensor", "(a,)", "{'dtype': m.float32}"),
    ("m.zeros", "((2, 0),)", "{}"), ("m.zeros_like", "(x,)", "{}"),
    ("m.no_grad", "()", "{}"), ("m.enable_grad", "()", "{}"), ("m.device", "('cpu',)", "{}"),
    ("m.Size", "((2, 3),)", "{}"), ("m.Generator", "()", "{}"),
    ("m.default_generator.manual_seed", "(3,)", "{}"),
    # ---- Tensor methods ----
    ("x.as_strided", "((2, 2), (1, 2))", "{}"), ("x.bfloat16", "()", "{}"), ("x.bool", "()", "{}"),
    ("x.byte", "()", "{}"), ("x.char", "()", "{}"), ("x.clone", "()", "{}"),
    ("xt.contiguous", "()", "{}"), ("x.contiguous", "()", "{}"),
    ("x.clone().copy_", "(xt.t(),)", "{}"), ("x.clone().copy_", "(a,)", "{}"),
    ("x.cpu", "()", "{}"), ("x.data_ptr", "()", "{}"), ("x.detach", "()", "{}"),
    ("x.dim", "()", "{}"), ("x.double", "()", "{}"), ("x.element_size", "()", "{}"),
    ("x.expand", "(4, 2, 3)", "{}"), ("x.clone().fill_", "(2.5,)", "{}"),
    ("x.clone().fill_", "(s,)", "{}"), ("x.flip", "(0, 1)", "{}"), ("x.float", "()", "{}"),
    ("x.half", "()", "{}"), ("x.int", "()", "{}"), ("x.is_contiguous", "()", "{}"),
    ("x.is_floating_point", "()", "{}"), ("x.is_shared", "()", "{}"), ("s.item", "()", "{}"),
    ("x.long", "()", "{}"), ("x.narrow", "(1, 1, 2)", "{}"), ("x.ndimension", "()", "{}"),
    ("x.nelement", "()", "{}"), ("x.new", "([1.0],)", "{}"), ("x.new_empty", "(2,)", "{}"),
    ("x.new_full", "((2,), 3.0)", "{}"), ("x.new_ones", "(2, 2)", "{}"),
    ("x.new_tensor", "([1, 2],)", "{}"), ("x.new_zeros", "((3,),)", "{}"),
    ("x.numel", "()", "{}"), ("x.numpy", "()", "{}"), ("x.permute", "(1, 0)", "{}"),
    ("x.clone().requires_grad_", "()", "{}"), ("x.reshape", "(3, 2)", "{}"),
    ("xt.reshape", "(6,)", "{}"), ("x.clone().resize_", "(2, 2)", "{}"),
    ("x.select", "(1, -1)", "{}"), ("x.clone().set_", "(x,)", "{}"), ("x.short", "()", "{}"),
    ("x.size", "()", "{}"), ("x.size", "(1,)", "{}"), ("x.squeeze", "()", "{}"),
    ("x.storage_offset", "()", "{}"), ("x.stride", "()", "{}"), ("x.swapaxes", "(0, 1)", "{}"),
    ("x.t", "()", "{}"), ("x.to", "(m.float64,)", "{}"), ("x.to", "(m.float32,)", "{}"),
    ("x.to", "('cpu',)", "{'copy': True}"), ("x.tolist", "()", "{}"),
    ("x.transpose", "(0, 1)", "{}"), ("x.type", "()", "{}"), ("x.type", "(m.int64,)", "{}"),
    ("x.type_as", "(xi,)", "{}"), ("x.unsqueeze", "(-1,)", "{}"), ("x.view", "(3, 2)", "{}"),
    ("x.view", "(m.int32,)", "{}"), ("x.clone().zero_", "()", "{}"), ("x._is_read_only", "()", "{}"),
    # ---- properties (getattr / setattr) and protocol slots ----
    ("getattr", "(x, 'T')", "{}"), ("getattr", "(x, 'mT')", "{}"), ("getattr", "(x, 'data')", "{}"),
    ("getattr", "(x, 'device')", "{}"), ("getattr", "(x, 'dtype')", "{}"),
    ("getattr", "(g, 'grad')", "{}"), ("getattr", "(x, 'grad_fn')", "{}"),
    ("getattr", "(x, 'is_cpu')", "{}"), ("getattr", "(x, 'is_cuda')", "{}"),
    ("getattr", "(x, 'is_leaf')", "{}"), ("getattr", "(x, 'is_sparse')", "{}"),
    ("getattr", "(x, 'itemsize')", "{}"), ("getattr", "(x, 'layout')", "{}"),
    ("getattr", "(x, 'nbytes')", "{}"), ("getattr", "(x, 'ndim')", "{}"),
    ("getattr", "(x, 'requires_grad')", "{}"), ("getattr", "(x, 'shape')", "{}"),
    ("getattr", "(x, '_version')", "{}"),
    ("setattr", "(x.clone(), 'requires_grad', True)", "{}"),
    ("setattr", "(g, 'grad', m.ones(2))", "{}"), ("setattr", "(x.clone(), 'data', x)", "{}"),
    ("x.__getitem__", "((slice(None, None, -1), 1),)", "{}"), ("x.__getitem__", "(0,)", "{}"),
    ("x.clone().__setitem__", "(0, 1.0)", "{}"), ("x.clone().__setitem__", "(0, xt[:, 1])", "{}"),
    ("x.__len__", "()", "{}"), ("s.__int__", "()", "{}"), ("s.__float__", "()", "{}"),
    ("s.__bool__", "()", "{}"), ("xi[2].__index__", "()", "{}"), ("x.__array__", "()", "{}"),
    ("x.__array__", "(np.float64,)", "{}"), ("x.__reduce_ex__", "(2,)", "{}"),
    ("x.__deepcopy__", "({},)", "{}"), ("x.__repr__", "()", "{}"), ("s.__format__", "('.2f',)", "{}"),
    ("x.__iter__", "()", "{}"), ("memoryview", "(x,)", "{}"), ("np.asarray", "(x,)", "{}"),
]

ERROR_CALLS = [
    ("m.zeros", "(-1,)", "{}", RuntimeError), ("m.zeros", "('a',)", "{}", TypeError),
    ("m.zeros", "(2,)", "{'dtype': 'x'}", TypeError), ("m.full", "((2,), obj)", "{}", TypeError),
    ("m.tensor", "([[1], [1, 2]],)", "{}", ValueError), ("m.tensor", "([obj],)", "{}", RuntimeError),
    ("m.from_numpy", "(np.array([obj]),)", "{}", TypeError), ("m.from_numpy", "(x,)", "{}", TypeError),
    ("m.arange", "(0, 10, 0)", "{}", RuntimeError), ("m.eye", "(-1,)", "{}", RuntimeError),
    ("m.randint", "(5, 1, (2,))", "{}", RuntimeError), ("m.linspace", "(0, 1, -1)", "{}", RuntimeError),
    ("m.promote_types", "(m.float32, obj)", "{}", TypeError),
    ("m.result_type", "(x, obj)", "{}", TypeError), ("m.set_default_dtype", "(m.int8,)", "{}", TypeError),
    ("m.set_num_threads", "(0,)", "{}", RuntimeError), ("m.manual_seed", "(2**70,)", "{}", ValueError),
    ("m.set_rng_state", "(obj,)", "{}", TypeError), ("m.zeros_like", "(obj,)", "{}", TypeError),
    ("x.transpose", "(0, 5)", "{}", IndexError), ("x.transpose", "(obj, 0)", "{}", TypeError),
    ("x.view", "(4,)", "{}", RuntimeError), ("xt.view", "(6,)", "{}", RuntimeError),
    ("x.expand", "(3, 3)", "{}", RuntimeError), ("x.narrow", "(1, 2, 2)", "{}", RuntimeError),
    ("x.select", "(1, 3)", "{}", IndexError), ("x.as_strided", "((7,), (1,))", "{}", RuntimeError),
    ("x.permute", "(0, 0)", "{}", RuntimeError), ("x.flip", "(0, 0)", "{}", RuntimeError),
    ("x.clone().copy_", "(m.ones(3, 2),)", "{}", RuntimeError),
    ("x.clone().copy_", "(obj,)", "{}", TypeError), ("x.clone().fill_", "(obj,)", "{}", TypeError),
    ("xi.clone().fill_", "(float('nan'),)", "{}", RuntimeError),
    ("x.clone().resize_", "(-1,)", "{}", RuntimeError), ("x.clone().set_", "(xi,)", "{}", RuntimeError),
    ("x.to", "(obj,)", "{}", TypeError), ("x.to", "('tpu',)", "{}", RuntimeError),
    ("x.new_full", "((2,), obj)", "{}", TypeError), ("x.new_tensor", "([obj],)", "{}", TypeError),
    ("h.numpy", "()", "{}", TypeError), ("g.numpy", "()", "{}", RuntimeError),
    ("x.item", "()", "{}", RuntimeError), ("x.size", "(5,)", "{}", IndexError),
    ("x.__getitem__", "((0, 5),)", "{}", IndexError), ("x.__getitem__", "(obj,)", "{}", IndexError),
    ("x.clone().__setitem__", "(0, obj)", "{}", TypeError),
    ("x.clone().__setitem__", "(0, m.ones(4))", "{}", RuntimeError),
    ("s.__len__", "()", "{}", TypeError), ("x.__int__", "()", "{}", ValueError),
    ("x.__bool__", "()", "{}", RuntimeError), ("x.__index__", "()", "{}", TypeError),
    ("setattr", "(x.clone(), 'grad', xi)", "{}", RuntimeError),
    ("setattr", "(x.clone(), 'requires_grad', 1)", "{}", RuntimeError),
    ("setattr", "(xi.clone(), 'requires_grad', True)", "{}", RuntimeError),
    ("memoryview", "(h,)", "{}", BufferError), ("x.type_as", "(obj,)", "{}", TypeError),
]


@pytest.fixture(autouse=True)
def _no_ml_dtypes():
    """The recorded outcomes are PyTorch's contract without ml_dtypes (bf16 .numpy() is a
    TypeError); see Note [bfloat16 arrays]."""
    old = minitorch._C._disable_ml_dtypes(True)
    yield
    minitorch._C._disable_ml_dtypes(old)


def _resolve(fn_expr, args_expr, kw_expr):
    ns = make_namespace(minitorch)
    return eval(fn_expr, ns), eval(args_expr, ns), eval(kw_expr, ns)


@pytest.mark.parametrize("fn,args,kw", SUCCESS_CALLS, ids=[f"{f}{a}" for f, a, _ in SUCCESS_CALLS])
def test_success_path_refcounts(fn, args, kw):
    f, a, k = _resolve(fn, args, kw)
    check_refcounts(f, *a, **k)


@pytest.mark.parametrize("fn,args,kw,exc", ERROR_CALLS,
                         ids=[f"{f}{a}" for f, a, _, _ in ERROR_CALLS])
def test_error_path_refcounts(fn, args, kw, exc):
    f, a, k = _resolve(fn, args, kw)
    check_refcounts(f, *a, raises=exc, **k)


def _public_functions():
    out = []
    for name in dir(minitorch):
        obj = getattr(minitorch, name)
        if name.startswith("_") or inspect.ismodule(obj) or isinstance(obj, minitorch.dtype):
            continue
        if callable(obj) and name not in ("Tensor", "TensorBase", "dtype"):
            out.append(name)
    return out


def _public_tensor_members():
    names = [n for n in dir(minitorch.Tensor) if not n.startswith("_") or n in (
        "__getitem__", "__setitem__", "__len__", "__int__", "__float__", "__bool__", "__index__",
        "__array__", "__reduce_ex__", "__deepcopy__", "__repr__", "__format__", "__iter__")]
    return [n for n in names if n not in ("__class__",)]


def _covered():
    covered = set()
    for fn, args, _ in SUCCESS_CALLS:
        if fn.startswith("m."):
            covered.add(("m", fn[2:].split(".")[0]))
        elif "." not in fn and fn not in ("getattr", "setattr"):
            continue  # memoryview(x): the buffer slot
        elif fn in ("getattr", "setattr"):
            covered.add(("t", args.split("'")[1]))
        else:
            covered.add(("t", fn.rsplit(".", 1)[1]))
    return covered


def uncovered():
    cov = _covered()
    return ([("m", n) for n in _public_functions() if ("m", n) not in cov]
            + [("t", n) for n in _public_tensor_members() if ("t", n) not in cov])


@pytest.mark.parametrize("kind,name", uncovered() or [("none", "none")])
def test_entry_points_without_a_row_are_still_checked(kind, name):
    """A public entry point added after this table still gets a refcount
    check on whatever `x.name()` (or `m.name(x)`) does: success or an error."""
    if kind == "none":
        return
    ns = make_namespace(minitorch)
    x = ns["x"]
    if kind == "t":
        attr = inspect.getattr_static(minitorch.Tensor, name)
        if not callable(attr) or isinstance(attr, property):
            check_refcounts(getattr, x, name)
            return
        f, args = getattr(x.clone(), name), ()
    else:
        f, args = getattr(minitorch, name), (x,)
    # `m.set_printoptions(x)` and the like succeed and change global state (a
    # tensor as the print precision broke every later repr in the run): put it back.
    printopts, dtype, rng = (minitorch._tensor_str.get_printoptions(), minitorch.get_default_dtype(),
                             minitorch.get_rng_state())
    try:
        try:
            f(*args)
        except Exception as exc:  # noqa: BLE001 - the error path is checked instead
            check_refcounts(f, *args, raises=type(exc))
        else:
            check_refcounts(f, *args)
    finally:
        minitorch.set_printoptions(**printopts)
        minitorch.set_default_dtype(dtype)
        minitorch.set_rng_state(rng)
