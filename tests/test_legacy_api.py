"""Legacy and less common API (issue 11, item 6) against PyTorch: the typed
tensor classes and Tensor.type(), the legacy constructors and Tensor.new,
set_default_device / set_default_tensor_type, out= on the creation functions,
`t.data = other` of another dtype, clone / pickling / contiguous with memory
formats, finfo / iinfo, testing.assert_close and allclose across dtypes."""

import pickle
import warnings

import numpy as np
import oracle
import pytest

import minitorch as mt

TYPED = ["FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor",
         "IntTensor", "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"]
DTS = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
       "float64"]


def name(dt):
    return repr(dt).split(".")[-1]


def outcome(lib, fn, values=True):
    """What fn(lib) gives, comparable across libraries; values=False leaves
    out a tensor's values (uninitialised memory: never read, never recorded)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fn(lib)
    except Exception as e:  # compared by class
        return ("raise", type(e).__name__)
    if oracle.isinstance_(r, lib.Tensor):
        vals = None
        if values:
            vals = (r.detach().float().tolist() if name(r.dtype) == "bfloat16"
                    else r.detach().tolist())
        return ("tensor", name(r.dtype), tuple(r.shape), r.stride(), str(r.device), vals)
    if isinstance(r, tuple) and r and oracle.isinstance_(r[0], lib.Tensor):
        return tuple(outcome(lib, lambda _, x=x: x, values) for x in r)
    return ("value", repr(r).replace("minitorch.", "").replace("torch.", ""))


def same_as_torch(fn, values=True):
    torch = oracle.torch()
    ours, theirs = outcome(mt, fn, values), outcome(torch, fn, values)
    assert ours == theirs
    return ours


@pytest.fixture(autouse=True)
def _restore_defaults():
    yield
    mt.set_default_dtype(mt.float32)
    mt.set_default_device(None)
    real = oracle.optional_torch()
    if real is not None:
        real.set_default_dtype(real.float32)
        real.set_default_device(None)


# ------------------------------------------------------- typed tensor classes

@pytest.mark.parametrize("cls", TYPED)
@pytest.mark.parametrize("args", [(), (2, 3), ([1, 0, 2],), ([[1.5, 2.0], [3.0, 0.0]],),
                                  ("size",), (3.5,), ("str",), ("np",)])
def test_typed_constructors(cls, args):
    def fn(L):
        a = [L.Size([2, 1]) if x == "size" else np.array([1.0, 2.5]) if x == "np" else x
             for x in args]
        return getattr(L, cls)(*a)
    same_as_torch(fn, values=not args or args[0] not in (2, "size"))


@pytest.mark.parametrize("cls", TYPED)
@pytest.mark.parametrize("dt", DTS)
def test_typed_isinstance(cls, dt):
    torch = oracle.torch()
    for L in (mt, torch):
        x = L.zeros(2, dtype=getattr(L, dt))
        assert oracle.isinstance_(x, getattr(L, cls)) == (_expected_type(dt) == cls)


def _expected_type(dt):
    return dict(zip(["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16",
                     "int8", "uint8", "bool"], TYPED))[dt]


def test_typed_classes_attributes():
    torch = oracle.torch()
    for cls in TYPED:
        assert repr(getattr(mt, cls)) == f"<class 'minitorch.{cls}'>"
        assert getattr(mt, cls).__name__ == cls
        assert repr(getattr(mt, cls).dtype) == repr(getattr(torch, cls).dtype).replace(
            "torch.", "minitorch.")
        assert not isinstance(1.0, getattr(mt, cls))
        assert type(getattr(mt, cls)(2)) is mt.Tensor
    assert not issubclass(mt.FloatTensor, mt.Tensor)


@pytest.mark.parametrize("case", ["same_dtype_alias", "other_dtype", "cpu_device", "bad_kw"])
def test_typed_constructor_tensor_and_device(case):
    def fn(L):
        if case == "same_dtype_alias":
            t = L.zeros(2, dtype=L.float64)
            return L.DoubleTensor(t).data_ptr() == t.data_ptr()
        if case == "other_dtype":
            return L.FloatTensor(L.zeros(2, dtype=L.float64))
        if case == "cpu_device":
            return L.LongTensor(3, device="cpu").shape
        return L.FloatTensor(2, dtype=L.float64)
    same_as_torch(fn)


def test_typed_constructor_cuda_device_refused():
    with pytest.raises(RuntimeError, match="legacy constructor expects device type: cpu"):
        mt.FloatTensor(2, device="cuda")


@pytest.mark.parametrize("args", [(), (2, 3), ([1, 2],), ([[1.5], [2.5]],), ("size",), (2.5,),
                                  ("tensor64",)])
def test_tensor_legacy_constructor(args):
    def fn(L):
        a = [L.Size([3]) if x == "size" else L.ones(2, dtype=L.float64) if x == "tensor64"
             else x for x in args]
        return L.Tensor(*a)
    same_as_torch(fn, values=not args or args[0] not in (2, "size"))


# ----------------------------------------------------------- Tensor.type()

@pytest.mark.parametrize("dt", DTS)
def test_type_name(dt):
    torch = oracle.torch()
    assert mt.zeros(2, dtype=getattr(mt, dt)).type() == \
        torch.zeros(2, dtype=getattr(torch, dt)).type()


@pytest.mark.parametrize("to", ["torch.DoubleTensor", "torch.IntTensor", "torch.BoolTensor",
                                "dtype_float64", "dtype_int16", "cls_LongTensor",
                                "cls_HalfTensor", "torch.FloatTensor", "float", "torch.Foo", 3])
def test_type_convert(to):
    def fn(L):
        x = L.tensor([[1.5, -2.0], [0.0, 3.25]])
        if isinstance(to, str) and to.startswith("dtype_"):
            return x.type(getattr(L, to[6:]))
        if isinstance(to, str) and to.startswith("cls_"):
            return x.type(getattr(L, to[4:]))
        return x.type(to)
    same_as_torch(fn)


def test_type_same_returns_self():
    torch = oracle.torch()
    for L in (mt, torch):
        x = L.zeros(2)
        assert oracle.same(x.type(L.float32), x)
        assert oracle.same(x.type("torch.FloatTensor"), x)
        assert oracle.same(x.type(L.FloatTensor), x)
    assert mt.zeros(2).type("minitorch.DoubleTensor").dtype == mt.float64


# -------------------------------------------------------------- Tensor.new

@pytest.mark.parametrize("dt", ["int64", "float64", "bool"])
@pytest.mark.parametrize("args", [(), (2, 3), ([1.7, 2.0],), ("size",), ("same",), ("other",),
                                  (2.5,), ("np",)])
def test_new(dt, args):
    def fn(L):
        x = L.zeros(2, dtype=getattr(L, dt))
        conv = {"size": L.Size([1, 2]), "same": L.ones(2, dtype=getattr(L, dt)),
                "other": L.ones(2, dtype=L.float32 if dt != "float32" else L.int64),
                "np": np.array([1.5, 2.5])}
        return x.new(*[conv.get(a, a) if isinstance(a, str) else a for a in args])
    same_as_torch(fn, values=not args or args[0] not in (2, "size"))


@pytest.mark.parametrize("method", ["new_tensor", "new_empty", "new_zeros", "new_ones",
                                    "new_full"])
def test_new_methods(method):
    def fn(L):
        x = L.zeros(2, dtype=L.int32)
        if method == "new_tensor":
            return x.new_tensor([1.5, 2.5])
        if method == "new_full":
            return x.new_full((2, 2), 7)
        return getattr(x, method)((2, 3))
    same_as_torch(fn, values=method != "new_empty")


# ---------------------------------------------------------- default device

def test_default_device_cpu():
    torch = oracle.torch()
    for L in (mt, torch):
        L.set_default_device("cpu")
        assert str(L.get_default_device()) == "cpu"
        assert str(L.zeros(2).device) == "cpu"
        L.set_default_device(None)
        assert str(L.get_default_device()) == "cpu"
    mt.set_default_device(mt.device("cpu"))
    assert mt.get_default_device() == mt.device("cpu")


def _cuda_error():
    with pytest.raises(RuntimeError) as e:
        mt.zeros(2, device="cuda")
    return str(e.value)


CUDA_CREATORS = {
    "zeros": lambda: mt.zeros(2), "ones": lambda: mt.ones(2, 3), "empty": lambda: mt.empty(2),
    "full": lambda: mt.full((2,), 1.0), "arange": lambda: mt.arange(3),
    "linspace": lambda: mt.linspace(0, 1, 3), "logspace": lambda: mt.logspace(0, 1, 3),
    "eye": lambda: mt.eye(2), "tensor": lambda: mt.tensor([1.0]),
    "as_tensor": lambda: mt.as_tensor([1.0]), "asarray": lambda: mt.asarray([1.0]),
    "as_tensor_np": lambda: mt.as_tensor(np.zeros(2)), "rand": lambda: mt.rand(2),
    "randn": lambda: mt.randn(2), "randint": lambda: mt.randint(3, (2,)),
    "randperm": lambda: mt.randperm(3),
}


@pytest.mark.skipif(mt.cuda.is_available(), reason="needs a machine without CUDA")
@pytest.mark.parametrize("fn", list(CUDA_CREATORS))
def test_default_device_cuda_raises_at_creation(fn):
    msg = _cuda_error()
    mt.set_default_device("cuda")  # accepted: it fails when used, as in PyTorch
    with pytest.raises(RuntimeError) as e:
        CUDA_CREATORS[fn]()
    assert str(e.value) == msg


@pytest.mark.skipif(mt.cuda.is_available(), reason="needs a machine without CUDA")
def test_default_device_cuda_leaves_others_on_cpu():
    x = mt.ones(2)
    mt.set_default_device("cuda")
    assert str(mt.Tensor(2, 3).device) == "cpu"  # legacy constructors: not affected
    assert str(mt.FloatTensor([1.0]).device) == "cpu"
    assert str(mt.zeros_like(x).device) == "cpu"  # *_like follow their input
    assert str(x.new_zeros(2).device) == "cpu"
    assert str(mt.from_numpy(np.zeros(2)).device) == "cpu"
    assert str(mt.zeros(2, device="cpu").device) == "cpu"
    with pytest.raises(RuntimeError):
        mt.get_default_device()  # PyTorch creates a tensor to find the index
    mt.set_default_device(None)
    assert str(mt.zeros(2).device) == "cpu"


def test_set_default_device_bad_input():
    torch = oracle.torch()
    for arg in ["bogus", 1.5]:
        ours = outcome(mt, lambda L: L.set_default_device(arg))
        assert ours[0] == "raise"
    assert outcome(torch, lambda L: L.set_default_device("bogus"))[0] == "raise"


# --------------------------------------------------- set_default_tensor_type

@pytest.mark.parametrize("t", ["torch.DoubleTensor", "cls_DoubleTensor", "torch.HalfTensor",
                               "cls_FloatTensor", "torch.LongTensor", "cls_LongTensor",
                               "dtype_float64", 3])
def test_set_default_tensor_type(t):
    def fn(L):
        arg = (getattr(L, t[4:]) if isinstance(t, str) and t.startswith("cls_") else
               getattr(L, t[6:]) if isinstance(t, str) and t.startswith("dtype_") else t)
        L.set_default_tensor_type(arg)
        return (L.get_default_dtype(), L.Tensor(1).dtype, L.tensor([1.0]).dtype,
                L.zeros(1).dtype, L.finfo().dtype)
    same_as_torch(fn)


def test_set_default_tensor_type_warns():
    with pytest.warns(UserWarning, match="deprecated"):
        mt.set_default_tensor_type(mt.DoubleTensor)
    assert mt.get_default_dtype() == mt.float64
    assert mt.Tensor([1]).dtype == mt.float64


# --------------------------------------------------------------- out= on factories

OUT_CASES = {
    "zeros": lambda L, o: L.zeros(2, 3, out=o),
    "zeros_tuple": lambda L, o: L.zeros((3,), out=o),
    "ones": lambda L, o: L.ones(4, out=o),
    "empty": lambda L, o: L.empty(2, 2, out=o).fill_(5),
    "full": lambda L, o: L.full((2,), 2.5, out=o),
    "arange": lambda L, o: L.arange(5, out=o),
    "arange3": lambda L, o: L.arange(1, 7, 2, out=o),
    "linspace": lambda L, o: L.linspace(0, 1, 5, out=o),
    "logspace": lambda L, o: L.logspace(0, 2, 3, out=o),
    "eye": lambda L, o: L.eye(3, out=o),
    "eye2": lambda L, o: L.eye(2, 3, out=o),
    "dtype_mismatch": lambda L, o: L.zeros(2, out=o, dtype=L.float64),
}


@pytest.mark.parametrize("case", list(OUT_CASES))
@pytest.mark.parametrize("odt", ["float32", "int64", "float64"])
def test_out_on_factories(case, odt):
    def fn(L):
        o = L.zeros(1, dtype=getattr(L, odt))
        r = OUT_CASES[case](L, o)
        return (r, oracle.same(r, o), o)
    same_as_torch(fn)


def test_out_keeps_strides_when_shape_matches():
    def fn(L):
        o = L.zeros(3, 2).t()
        L.zeros(2, 3, out=o)
        return o
    same_as_torch(fn)


@pytest.mark.parametrize("fn_name", ["zeros_like", "ones_like", "empty_like", "full_like"])
def test_like_has_no_out(fn_name):
    def fn(L):
        args = (L.ones(2),) + ((1.0,) if fn_name == "full_like" else ())
        return getattr(L, fn_name)(*args, out=L.ones(2))
    same_as_torch(fn)


# ------------------------------------------------------------ t.data = other

@pytest.mark.parametrize("case", ["int_data", "float64_shape", "requires_grad_int",
                                  "requires_grad_float64", "list", "view_keeps_old"])
def test_data_assignment(case):
    def fn(L):
        if case == "int_data":
            x = L.ones(2, 3)
            x.data = L.arange(4)
            return x
        if case == "float64_shape":
            x = L.ones(2)
            x.data = L.zeros(5, dtype=L.float64)
            return x
        if case == "requires_grad_int":
            x = L.ones(2, requires_grad=True)
            x.data = L.arange(4)
            return x
        if case == "requires_grad_float64":
            x = L.ones(2, requires_grad=True)
            x.data = L.full((3,), 2.0, dtype=L.float64)
            return (x.requires_grad, x.dtype, x.detach())
        if case == "list":
            x = L.ones(2)
            x.data = [1, 2]
            return x
        x = L.ones(3)
        v = x[1:]
        x.data = L.zeros(2, dtype=L.int32)
        return (v, x)
    same_as_torch(fn)


def test_data_assignment_exported_array_survives():
    x = mt.ones(3)
    a = x.numpy()
    x.data = mt.arange(2)
    a[0] = 7.0  # the old storage lives on in the array
    assert a.tolist() == [7.0, 1.0, 1.0]
    assert x.tolist() == [0, 1]


def test_data_assignment_grad_flows():
    x = mt.ones(2, requires_grad=True)
    x.data = mt.zeros(3, dtype=mt.float64)
    (x * 2).sum().backward()
    assert x.grad.dtype == mt.float64 and x.grad.tolist() == [2.0, 2.0, 2.0]


# ----------------------------------------------- memory formats, clone, pickling

def test_memory_format_objects():
    torch = oracle.torch()
    for n in ["preserve_format", "contiguous_format", "channels_last", "channels_last_3d"]:
        assert repr(getattr(mt, n)) == repr(getattr(torch, n)).replace("torch.", "minitorch.")
        assert isinstance(getattr(mt, n), mt.memory_format)
        assert pickle.loads(pickle.dumps(getattr(mt, n))) is getattr(mt, n)
    assert type(mt.preserve_format).__name__ == "memory_format"


def _src(L, kind):
    if kind == "transpose":
        return L.arange(6.0).reshape(2, 3).t()
    if kind == "contig4":
        return L.arange(120.0).reshape(2, 3, 4, 5)
    if kind == "permute4":
        return L.arange(120.0).reshape(2, 3, 4, 5).permute(0, 2, 3, 1)
    if kind == "slice":
        return L.arange(8.0).reshape(2, 4)[:, ::2]
    if kind == "expand":
        return L.arange(3.0).expand(2, 3)
    if kind == "narrow_col":
        return L.arange(6.0).reshape(2, 3).t()[:, :1]
    if kind == "channels_last":
        return L.arange(120.0).reshape(2, 3, 4, 5).contiguous(memory_format=L.channels_last)
    return L.arange(6.0).reshape(2, 3)


KINDS = ["contig", "contig4", "transpose", "permute4", "slice", "expand", "narrow_col", "channels_last"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", [None, "preserve_format", "contiguous_format", "channels_last"])
def test_clone_memory_format(kind, fmt):
    def fn(L):
        x = _src(L, kind)
        y = x.clone() if fmt is None else x.clone(memory_format=getattr(L, fmt))
        return (y, y.is_contiguous())
    same_as_torch(fn)


@pytest.mark.parametrize("kind", KINDS)
def test_top_level_clone_and_deepcopy(kind):
    import copy

    def fn(L):
        x = _src(L, kind)
        return (L.clone(x), L.clone(x, memory_format=L.contiguous_format))
    same_as_torch(fn)
    x = _src(mt, kind)
    assert copy.deepcopy(x).stride() == x.clone().stride()


def test_clone_flipped_view_is_contiguous():
    x = mt.arange(4.0).flip(0)  # a negative-stride view here (PyTorch's flip copies)
    assert x.stride() == (-1,) and x.clone().stride() == (1,)
    assert x.clone().tolist() == [3.0, 2.0, 1.0, 0.0]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", [None, "preserve_format", "contiguous_format", "channels_last",
                                 "channels_last_3d"])
def test_contiguous_and_is_contiguous(kind, fmt):
    def fn(L):
        x = _src(L, kind)
        if fmt is None:
            return (x.contiguous(), x.is_contiguous())
        f = getattr(L, fmt)
        try:
            c = x.contiguous(memory_format=f)
        except RuntimeError as e:
            c = type(e).__name__
        try:
            ic = x.is_contiguous(memory_format=f)
        except RuntimeError as e:
            ic = type(e).__name__
        return (c, ic) if isinstance(c, str) else (c, ic, c.is_contiguous(memory_format=f))
    same_as_torch(fn)


@pytest.mark.parametrize("arg", ["int", "str", "none", "positional"])
def test_is_contiguous_argument(arg):
    def fn(L):
        x = L.zeros(2, 3, 4, 5).permute(0, 2, 3, 1)
        if arg == "positional":
            return x.is_contiguous(L.channels_last)
        return x.is_contiguous(memory_format={"int": 3, "str": "channels_last",
                                              "none": None}[arg])
    same_as_torch(fn)


def test_contiguous_channels_last_returns_self_when_already():
    x = mt.zeros(2, 3, 4, 5).contiguous(memory_format=mt.channels_last)
    assert x.contiguous(memory_format=mt.channels_last) is x


def test_clone_keeps_grad():
    x = mt.arange(6.0).reshape(2, 3).requires_grad_()
    y = x.t().clone()
    assert y.stride() == (1, 3)
    (y * mt.arange(6.0).reshape(3, 2)).sum().backward()
    assert x.grad.tolist() == [[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]]


@pytest.mark.parametrize("kind", KINDS)
def test_pickle_keeps_dense_strides(kind):
    torch = oracle.torch()
    x = _src(mt, kind)
    y = pickle.loads(pickle.dumps(x))
    np.testing.assert_array_equal(y.numpy(), x.numpy())
    # dense inputs keep their strides, as clone() does (PyTorch pickles the
    # whole storage, so it keeps even a slice's strides: a documented difference)
    assert y.stride() == tuple(_src(torch, kind).clone().stride())


def test_pickle_old_format_still_loads():
    from minitorch._tensor import _rebuild_tensor

    t = _rebuild_tensor(np.arange(3, dtype=np.float32).tobytes(), "float32", (3,), False)
    assert t.tolist() == [0.0, 1.0, 2.0]


# --------------------------------------------------------------- finfo / iinfo

@pytest.mark.parametrize("dt", ["float16", "bfloat16", "float32", "float64", None])
def test_finfo(dt):
    torch = oracle.torch()
    ours = mt.finfo() if dt is None else mt.finfo(getattr(mt, dt))
    theirs = torch.finfo() if dt is None else torch.finfo(getattr(torch, dt))
    for f in ["bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"]:
        assert getattr(ours, f) == getattr(theirs, f), f
        assert type(getattr(ours, f)) is type(getattr(theirs, f)), f
    assert repr(ours) == repr(theirs)
    assert ours == (mt.finfo() if dt is None else mt.finfo(getattr(mt, dt)))


@pytest.mark.parametrize("dt", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo(dt):
    torch = oracle.torch()
    ours, theirs = mt.iinfo(getattr(mt, dt)), torch.iinfo(getattr(torch, dt))
    for f in ["bits", "max", "min", "dtype"]:
        assert getattr(ours, f) == getattr(theirs, f), f
        assert type(getattr(ours, f)) is type(getattr(theirs, f)), f
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("case", ["finfo_int", "finfo_bool", "finfo_str", "iinfo_float",
                                  "iinfo_bool"])
def test_info_errors(case):
    def fn(L):
        kind, arg = case.split("_")
        dt = {"int": "int32", "float": "float32", "bool": "bool"}.get(arg)
        return getattr(L, kind)("x" if dt is None else getattr(L, dt))
    same_as_torch(fn)


def test_finfo_values_agree_with_dtype():
    f = mt.finfo(mt.float16)
    assert mt.tensor([f.max], dtype=mt.float16).item() == f.max
    assert (mt.tensor([1.0], dtype=mt.float16) + f.eps).item() > 1.0
    b = mt.finfo(mt.bfloat16)
    assert mt.tensor([b.max], dtype=mt.bfloat16).item() == b.max


# -------------------------------------------------------------- assert_close

AC_CASES = {
    "close": lambda L: (L.tensor([1.0, 2.0]), L.tensor([1.0, 2.0 + 1e-7])),
    "far": lambda L: (L.tensor([1.0, 2.0, 3.0]), L.tensor([1.0, 2.5, 3.0])),
    "far2d": lambda L: (L.tensor([[0.0, 2.0], [3.0, 4.0]]), L.tensor([[1.0, 2.0], [3.0, 5.0]])),
    "dtype": lambda L: (L.tensor([1.0]), L.tensor([1.0], dtype=L.float64)),
    "dtype_unchecked": lambda L: (L.tensor([1.0]), L.tensor([1.0], dtype=L.float64),
                                  {"check_dtype": False}),
    "int_vs_float_unchecked": lambda L: (L.tensor([1.0, 2.0]), L.tensor([1, 3]),
                                         {"check_dtype": False}),
    "ints": lambda L: (L.tensor([1, 2]), L.tensor([1, 3])),
    "bools": lambda L: (L.tensor([True]), L.tensor([False])),
    "nan": lambda L: (L.tensor([1.0, float("nan")]), L.tensor([1.0, float("nan")])),
    "nan_equal": lambda L: (L.tensor([1.0, float("nan")]), L.tensor([1.0, float("nan")]),
                            {"equal_nan": True}),
    "inf": lambda L: (L.tensor([float("inf")]), L.tensor([float("inf")])),
    "inf_neg": lambda L: (L.tensor([float("inf")]), L.tensor([-float("inf")])),
    "shape": lambda L: (L.tensor([1.0, 2.0]), L.tensor([1.0, 2.0, 3.0])),
    "msg": lambda L: (L.tensor([1.0]), L.tensor([2.0]), {"msg": "custom"}),
    "rtol_only": lambda L: (L.tensor([1.0]), L.tensor([1.0]), {"rtol": 0.5}),
    "atol_only": lambda L: (L.tensor([1.0]), L.tensor([1.0]), {"atol": 0.5}),
    "tols": lambda L: (L.tensor([1.0, 2.0]), L.tensor([1.0, 2.5]), {"rtol": 0.0, "atol": 1.0}),
    "exact": lambda L: (L.tensor([1.0, 2.0]), L.tensor([1.0, 2.0001]),
                        {"rtol": 0.0, "atol": 0.0}),
    "half": lambda L: (L.tensor([1.0, 2.0], dtype=L.float16),
                       L.tensor([1.0, 2.001], dtype=L.float16)),
    "half_far": lambda L: (L.tensor([1.0, 2.0], dtype=L.float16),
                           L.tensor([1.0, 2.1], dtype=L.float16)),
    "bf16": lambda L: (L.tensor([1.0, 2.0], dtype=L.bfloat16),
                       L.tensor([1.0, 2.02], dtype=L.bfloat16)),
    "f64": lambda L: (L.tensor([1.0], dtype=L.float64), L.tensor([1.0 + 1e-6], dtype=L.float64)),
    "scalars": lambda L: (1.0, 1.0 + 1e-9),
    "int_scalars": lambda L: (1, 2),
    "int_float_scalars": lambda L: (2, 2.0),
    "zero_d": lambda L: (L.tensor(1.0), L.tensor(2.0)),
    "lists": lambda L: ([1.0, 2.0], [1.0, 3.0]),
    "list_len": lambda L: ([1.0, 2.0], [1.0, 2.0, 3.0]),
    "dict": lambda L: ({"a": L.tensor(1.0)}, {"a": L.tensor(2.0)}),
    "tensor_list": lambda L: (L.tensor([1.0]), [1.0]),
    "tensor_float": lambda L: (L.tensor([1.0]), 1.0),
    "none": lambda L: (None, None),
    "stride": lambda L: (L.tensor([[1.0, 2], [3, 4]]).t(), L.tensor([[1.0, 3], [2, 4]])),
    "stride_checked": lambda L: (L.tensor([[1.0, 2], [3, 4]]).t(), L.tensor([[1.0, 3], [2, 4]]),
                                 {"check_stride": True}),
    "empty": lambda L: (L.zeros(0), L.zeros(0)),
}


def _first_line(text):
    # dtype and type names differ (minitorch.float32 / torch.float32)
    return text.replace("minitorch.", "torch.").replace("mt.", "torch.")


@pytest.mark.parametrize("case", list(AC_CASES))
def test_assert_close(case):
    torch = oracle.torch()
    res = {}
    for key, L, ac in (("mt", mt, mt.testing.assert_close), ("torch", torch, None)):
        args = AC_CASES[case](L)
        kw = args[2] if len(args) == 3 else {}
        try:
            if ac is None:
                torch.testing.assert_close(args[0], args[1], **kw)
            else:
                ac(args[0], args[1], **kw)
            res[key] = ("ok",)
        except Exception as e:
            res[key] = (type(e).__name__, _first_line(str(e)))
    if res["torch"][0] == "TypeError":  # messages name the tensor classes
        assert res["mt"][0] == "TypeError"
    else:
        assert res["mt"] == res["torch"]


def test_assert_close_msg_callable_and_ndarrays():
    with pytest.raises(AssertionError, match="(?s)^X.*Mismatched elements: 1 / 2"):
        mt.testing.assert_close(mt.tensor([1.0, 2.0]), mt.tensor([1.0, 2.5]),
                                msg=lambda m: "X" + m)
    mt.testing.assert_close(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    with pytest.raises(AssertionError):
        mt.testing.assert_close(np.array([1.0, 2.0]), np.array([1.0, 3.0]))


# ------------------------------------------------------- allclose across dtypes

@pytest.mark.parametrize("other", DTS)
@pytest.mark.parametrize("first", ["float32", "int64", "float64"])
def test_allclose_dtypes(first, other):
    def fn(L):
        a = L.tensor([1.0, 2.0]).to(getattr(L, first))
        b = L.tensor([1.0, 2.0]).to(getattr(L, other))
        return (L.allclose(a, b), a.allclose(b))
    same_as_torch(fn)


@pytest.mark.parametrize("case", ["broadcast", "atol", "nan", "nan_eq"])
def test_allclose_cases(case):
    def fn(L):
        if case == "broadcast":
            return L.allclose(L.tensor([1.0, 1.0]), L.tensor([1.0]))
        if case == "atol":
            return L.allclose(L.tensor([1, 2]), L.tensor([1, 3]), atol=2)
        x = L.tensor([1.0, float("nan")])
        return L.allclose(x, x, equal_nan=case == "nan_eq")
    same_as_torch(fn)
