"""The creation family's op-table rows (ext/autograd/table_factory.cpp,
table_dtype.cpp): PyTorch's argument errors, word for word, and `out=`.

The error texts are recorded here so the file runs without torch; where
torch is installed each call must raise the same text there (``torch.``
written ``minitorch.``). The out= results are compared with PyTorch through
the oracle (tests/oracle.py) and with NumPy.
"""

import numpy as np
import oracle
import pytest
from helpers import raised_text

import minitorch as mt

t = mt.ones(2)

# (call, PyTorch's TypeError text); `m` is the module, `t` a float tensor.
TYPE_CASES = [
    ("m.zeros('a')",
     "zeros(): argument 'size' (position 1) must be tuple of ints, not str"),
    ("m.zeros(2, 'a')",
     'zeros(): argument \'size\' failed to unpack the object at pos 2 with error "type must be tuple of ints,but got str"'),
    ('m.zeros([2, 2.0])',
     'zeros(): argument \'size\' failed to unpack the object at pos 2 with error "type must be tuple of ints,but got float"'),
    ("m.zeros(2, dtype='x')",
     "zeros(): argument 'dtype' must be minitorch.dtype, not str"),
    ('m.zeros(size=2)',
     "zeros(): argument 'size' must be tuple of ints, not int"),
    ('m.zeros(2, size=(2,))',
     "zeros() got multiple values for argument 'size'"),
    ('m.zeros(2, dtype=list)',
     "zeros(): argument 'dtype' must be minitorch.dtype, not type"),
    ('m.zeros(2, device=3.0)',
     "zeros(): argument 'device' must be minitorch.device, not float"),
    ('m.zeros(2, requires_grad=1)',
     "zeros(): argument 'requires_grad' must be bool, not int"),
    ('m.zeros(2, out=3)',
     "zeros(): argument 'out' must be Tensor, not int"),
    ('m.ones(2, 3, foo=1)',
     "ones() got an unexpected keyword argument 'foo'"),
    ('m.empty(2, layout=3)',
     "empty(): argument 'layout' must be minitorch.layout, not int"),
    ('m.empty(2, memory_format=3)',
     "empty(): argument 'memory_format' must be minitorch.memory_format, not int"),
    ('m.full(2, 1.0)',
     "full(): argument 'size' (position 1) must be tuple of ints, not int"),
    ('m.full()',
     'full() missing 2 required positional argument: "size", "fill_value"'),
    ("m.full((2,), 'a')",
     "full(): argument 'fill_value' (position 2) must be Number, not str"),
    ("m.arange('a')",
     "arange(): argument 'end' (position 1) must be Number, not str"),
    ('m.arange(1, 2, 3, 4)',
     'arange() received an invalid combination of arguments - got (int, int, int, int), but expected one of:\n'
     ' * (Number end, *, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'
     ' * (Number start, Number end, *, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'
     ' * (Number start, Number end, Number step = 1, *, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'),
    ("m.linspace(0, 1, 'a')",
     'linspace() received an invalid combination of arguments - got (int, int, str), but expected one of:\n'
     ' * (Tensor start, Tensor end, int steps, *, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'
     ' * (Number start, Tensor end, int steps, *, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'
     ' * (Tensor start, Number end, int steps, *, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'
     ' * (Number start, Number end, int steps, *, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'),
    ('m.logspace(0, 1, 2.5)',
     'logspace() received an invalid combination of arguments - got (int, int, float), but expected one of:\n'
     ' * (Tensor start, Tensor end, int steps, float base = 10.0, *, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'
     ' * (Number start, Tensor end, int steps, float base = 10.0, *, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'
     ' * (Tensor start, Number end, int steps, float base = 10.0, *, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'
     ' * (Number start, Number end, int steps, float base = 10.0, *, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'),
    ("m.eye('a')",
     "eye(): argument 'n' (position 1) must be int, not str"),
    ("m.eye(2, 'a')",
     'eye() received an invalid combination of arguments - got (int, str), but expected one of:\n'
     ' * (int n, *, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'
     ' * (int n, int m, *, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'),
    ("m.rand(2, dtype='x')",
     'rand() received an invalid combination of arguments - got (int, dtype=str), but expected one of:\n'
     ' * (tuple of ints size, *, minitorch.Generator generator, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'
     ' * (tuple of ints size, *, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'),
    ("m.randn('a')",
     "randn(): argument 'size' (position 1) must be tuple of ints, not str"),
    ('m.randint(5)',
     'randint() received an invalid combination of arguments - got (int), but expected one of:\n'
     ' * (int high, tuple of ints size, *, minitorch.Generator generator, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'
     ' * (int high, tuple of ints size, *, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'
     ' * (int low, int high, tuple of ints size, *, minitorch.Generator generator, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'
     ' * (int low, int high, tuple of ints size, *, Tensor out = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'),
    ("m.randperm('a')",
     "randperm(): argument 'n' (position 1) must be int, not str"),
    ('m.zeros_like(3)',
     "zeros_like(): argument 'input' (position 1) must be Tensor, not int"),
    ("m.ones_like(t, 'x')",
     'ones_like() takes 1 positional argument but 2 were given'),
    ('m.full_like()',
     'full_like() missing 2 required positional argument: "input", "fill_value"'),
    ("m.full_like(t, 'a')",
     "full_like(): argument 'fill_value' (position 2) must be Number, not str"),
    ("m.rand_like(t, dtype='x')",
     'rand_like() received an invalid combination of arguments - got (Tensor, dtype=str), but expected one of:\n'
     ' * (Tensor input, *, minitorch.Generator generator, minitorch.memory_format memory_format = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'
     ' * (Tensor input, *, minitorch.memory_format memory_format = None, minitorch.dtype dtype = None, minitorch.layout layout = None, minitorch.device device = None, bool pin_memory = False, bool requires_grad = False)\n'),
    ("m.promote_types('a', m.int32)",
     "promote_types(): argument 'type1' (position 1) must be minitorch.dtype, not str"),
    ('m.promote_types()',
     'promote_types() missing 2 required positional argument: "type1", "type2"'),
    ('m.can_cast(1, m.int32)',
     "can_cast(): argument 'from_' (position 1) must be minitorch.dtype, not int"),
    ("m.result_type(t, 'a')",
     'result_type() received an invalid combination of arguments - got (Tensor, str), but expected one of:\n'
     ' * (Tensor tensor, Tensor other)\n'
     "      didn't match because some of the arguments have invalid types: (Tensor, !str!)\n"
     ' * (Number scalar, Tensor tensor)\n'
     "      didn't match because some of the arguments have invalid types: (!Tensor!, !str!)\n"
     ' * (Tensor tensor, Number other)\n'
     "      didn't match because some of the arguments have invalid types: (Tensor, !str!)\n"
     ' * (Number scalar1, Number scalar2)\n'
     "      didn't match because some of the arguments have invalid types: (!Tensor!, !str!)\n"),
]

# (call, PyTorch's RuntimeError text)
RUNTIME_CASES = [
    ('m.zeros(-1)',
     'zeros: Dimension size must be non-negative.'),
    ('m.ones(2, -3)',
     'Trying to create tensor with negative dimension -3: [2, -3]'),
    ('m.zeros(2, 3, out=m.ones(2), dtype=m.int64)',
     'dtype Long does not match dtype of out parameter (Float)'),
    ('m.arange(5, out=m.empty(0, dtype=m.int64), dtype=m.float32)',
     'dtype Float does not match dtype of out parameter (Long)'),
    ('m.zeros_like(m.ones(2, dtype=m.int64), requires_grad=True)',
     'Only Tensors of floating point and complex dtype can require gradients'),
    ('m.full((2,), 1, requires_grad=True)',
     'Only Tensors of floating point and complex dtype can require gradients'),
    ('m.linspace(m.tensor([0.0]), 1, 3)',
     'linspace only supports 0-dimensional start and end tensors, but got start with 1 dimension(s).'),
    ('m.randint_like(m.ones(2, dtype=m.int8), 300)',
     'to - 1 is out of bounds for signed char'),
    ('m.zeros(2, out=m.ones(3, requires_grad=True))',
     "aten::zeros(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad."),
]


def _raise(expr, mod, exc):
    return raised_text(expr, mod, mod.ones(2), exc)


@pytest.mark.parametrize("expr,expected", TYPE_CASES)
def test_type_error_text(expr, expected):
    assert _raise(expr, mt, TypeError) == expected


@pytest.mark.parametrize("expr,expected", RUNTIME_CASES)
def test_runtime_error_text(expr, expected):
    assert _raise(expr, mt, RuntimeError) == expected


@pytest.mark.parametrize("expr,expected", TYPE_CASES)
def test_type_error_text_matches_torch(expr, expected):
    torch = pytest.importorskip("torch")
    assert _raise(expr, torch, TypeError).replace("torch.", "minitorch.") == expected


@pytest.mark.parametrize("expr,expected", RUNTIME_CASES)
def test_runtime_error_text_matches_torch(expr, expected):
    torch = pytest.importorskip("torch")
    assert _raise(expr, torch, RuntimeError).replace("torch.", "minitorch.") == expected


def name(dt):
    return repr(dt).split(".")[-1]


def result(r):
    """What a call gives: dtype, shape, strides, requires_grad and values."""
    vals = r.detach().float().tolist() if name(r.dtype) == "bfloat16" else r.tolist()
    return name(r.dtype), tuple(r.shape), r.stride(), r.requires_grad, vals


# out= calls: (call, whether the values are deterministic). `o` is the out
# tensor the lambda is given.
OUT_CASES = {
    "zeros_resizes": (lambda L: L.ones(2), lambda L, o: L.zeros(2, 3, out=o)),
    "zeros_keeps_out_dtype": (lambda L: L.ones(2, dtype=L.int64), lambda L, o: L.zeros(2, out=o)),
    "ones_same_shape_keeps_strides": (lambda L: L.empty(2, 2).t(),
                                      lambda L, o: L.ones(2, 2, out=o)),
    "ones_into_view": (lambda L: L.zeros(4, 4).t()[0], lambda L, o: L.ones(4, out=o)),
    "zeros_from_empty": (lambda L: L.empty(0), lambda L, o: L.zeros((2, 3), out=o)),
    "full_int_out": (lambda L: L.empty(0, dtype=L.int64), lambda L, o: L.full((2,), 7.5, out=o)),
    "full_bool_value": (lambda L: L.empty(0), lambda L, o: L.full((2,), True, out=o)),
    "arange_end": (lambda L: L.empty(0), lambda L, o: L.arange(5, out=o)),
    "arange_int_out": (lambda L: L.empty(0, dtype=L.int64), lambda L, o: L.arange(0.5, 3, out=o)),
    "arange_start_end": (lambda L: L.empty(3), lambda L, o: L.arange(1, 5, out=o)),
    "arange_dtype_matches": (lambda L: L.empty(0, dtype=L.int32),
                             lambda L, o: L.arange(1, 9, 2, out=o, dtype=L.int32)),
    "linspace_f64": (lambda L: L.empty(0, dtype=L.float64), lambda L, o: L.linspace(0, 1, 5, out=o)),
    "logspace": (lambda L: L.empty(0), lambda L, o: L.logspace(0, 2, 3, out=o)),
    "eye": (lambda L: L.empty(7), lambda L, o: L.eye(2, 3, out=o)),
    "requires_grad": (lambda L: L.ones(2), lambda L, o: L.zeros(2, out=o, requires_grad=True)),
    "empty": (lambda L: L.ones(1, dtype=L.int8), lambda L, o: L.empty(2, 3, out=o).shape),
    "rand": (lambda L: L.empty(0, dtype=L.float64), lambda L, o: L.rand(2, 2, out=o).shape),
    "randn": (lambda L: L.empty(5), lambda L, o: L.randn(3, out=o).dtype),
    "randint_float_out": (lambda L: L.empty(0), lambda L, o: L.randint(0, 5, (3,), out=o).dtype),
    "randperm": (lambda L: L.empty(0, dtype=L.int32),
                 lambda L, o: L.randperm(6, out=o).sort()[0].tolist()),
    "rand_int_out": (lambda L: L.empty(0, dtype=L.int64), lambda L, o: L.rand(2, out=o)),
    "dtype_conflict": (lambda L: L.ones(2),
                       lambda L, o: L.zeros(2, out=o, dtype=L.int64)),
}


@pytest.mark.parametrize("case", list(OUT_CASES))
def test_out_matches_torch(case):
    make_out, call = OUT_CASES[case]
    torch = oracle.torch()

    def run(L):
        o = make_out(L)
        try:
            r = call(L, o)
        except Exception as e:  # compared by class (PyTorch may resize out first)
            return type(e).__name__
        if oracle.isinstance_(r, L.Tensor):
            assert L is not mt or r is o  # the result is out itself
            return result(r)
        # random or uninitialised values: compare what is not
        return (repr(r).replace("minitorch.", "").replace("torch.", ""), name(o.dtype),
                tuple(o.shape), o.stride())

    assert run(mt) == run(torch)


def test_out_values_match_numpy():
    o = mt.empty(0, dtype=mt.float64)
    assert mt.arange(0, 1, 0.25, out=o) is o
    np.testing.assert_array_equal(o.numpy(), np.arange(0, 1, 0.25))
    assert mt.linspace(-1, 1, 7, out=o) is o
    np.testing.assert_allclose(o.numpy(), np.linspace(-1, 1, 7), rtol=1e-15)
    assert mt.eye(3, out=o) is o
    np.testing.assert_array_equal(o.numpy(), np.eye(3))
    i = mt.zeros(3, dtype=mt.int16)
    assert mt.full((2, 2), 9, out=i) is i and i.numpy().dtype == np.int16
    np.testing.assert_array_equal(i.numpy(), np.full((2, 2), 9, dtype=np.int16))


def test_random_out_gives_the_same_values_as_without():
    mt.manual_seed(3)
    want = mt.rand(2, 3)
    mt.manual_seed(3)
    o = mt.empty(0)
    assert mt.rand(2, 3, out=o) is o and o.tolist() == want.tolist()
    mt.manual_seed(3)
    want = mt.randint(10, (4,))
    mt.manual_seed(3)
    o = mt.empty(9, dtype=mt.int64)
    assert mt.randint(10, (4,), out=o).tolist() == want.tolist()


def test_sizes_forms():
    # varargs, one sequence, size=, an empty sequence (0-d), 0-d int tensors
    for shape, fn in [((2, 3), lambda: mt.zeros(2, 3)), ((2, 3), lambda: mt.zeros((2, 3))),
                      ((2, 3), lambda: mt.zeros([2, 3])), ((), lambda: mt.zeros([])),
                      ((), lambda: mt.zeros(())), ((2,), lambda: mt.ones(size=[2])),
                      ((3,), lambda: mt.zeros(mt.tensor(3))),
                      ((2, 3), lambda: mt.rand((2, mt.tensor(3)))),
                      ((4,), lambda: mt.randint(5, size=(4,))),
                      ((2, 2), lambda: mt.full([2, 2], 1.5))]:
        r = fn()
        assert tuple(r.shape) == shape
        assert r.numpy().shape == np.zeros(shape).shape


def test_keywords_pytorch_accepts():
    same = [
        lambda L: L.zeros(2, dtype=None, layout=None, device=None, pin_memory=None,
                          requires_grad=None),
        lambda L: L.rand(2, generator=None).shape,
        lambda L: L.empty_like(L.ones(2), memory_format=None, pin_memory=False).shape,
        lambda L: L.linspace(L.tensor(0), L.tensor(2), 3),
        lambda L: L.logspace(0, L.tensor(2.0), 3, 2),
        lambda L: L.arange(L.tensor(1.5), 4),
        lambda L: L.randint_like(L.ones(2, 3).t(), 5).stride(),
        lambda L: L.randint_like(L.ones(2), 2, 5).dtype,
        lambda L: L.randint_like(L.ones(2), high=5, dtype=L.int64).dtype,
        lambda L: L.randint_like(L.ones(2), L.tensor(5)).shape,
        lambda L: L.promote_types(type1=float, type2=L.int32),
        lambda L: L.result_type(scalar1=True, scalar2=2),
        lambda L: L.result_type(2, L.ones(1, dtype=L.int8)),
        lambda L: L.can_cast(to=L.float32, from_=L.int32),
    ]
    torch = oracle.torch()
    for fn in same:
        def run(L):
            r = fn(L)
            return result(r) if oracle.isinstance_(r, L.Tensor) else repr(r).split(".")[-1]

        assert run(mt) == run(torch)
    # only the default generator exists; it is accepted by name
    assert mt.rand(2, generator=mt.default_generator).shape == (2,)
    assert mt.randperm(3, generator=mt.default_generator).sort()[0].tolist() == [0, 1, 2]


@pytest.mark.parametrize("make", [
    lambda L: L.ones(2, 3).t(), lambda L: L.ones(2, 3, 4).permute(2, 0, 1),
    lambda L: L.empty(0, 3).t(), lambda L: L.ones(3, 1, 2).permute(2, 1, 0),
    lambda L: L.ones(2, 1, 3), lambda L: L.ones(3).expand(2, 3), lambda L: L.ones(4, 6)[::2, 1:],
], ids=["t", "permute", "empty_t", "size1_permuted", "size1", "expanded", "sliced"])
def test_preserve_format_strides_match_torch(make):
    torch = oracle.torch()

    def run(L):
        x = make(L)
        return [getattr(L, f)(x).stride() for f in ("empty_like", "zeros_like", "rand_like")]

    assert run(mt) == run(torch)
