"""Creation: tensor / as_tensor / asarray, the factory functions, random
state, dtype objects, the default dtype and the type-promotion utilities.

Values are checked against NumPy; dtypes, shapes and exception classes
against PyTorch where it is installed.
"""

import numpy as np
import oracle
import pytest

import minitorch as mt

ALL = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
       "float64"]
NUMPY_OK = [d for d in ALL if d != "bfloat16"]


def name(dt):
    return repr(dt).split(".")[-1]


def outcome(lib, fn):
    """(kind, dtype name, shape, values) or ("raise", exception class)."""
    try:
        r = fn(lib)
    except Exception as e:  # compared by class
        return ("raise", type(e).__name__)
    if oracle.isinstance_(r, lib.Tensor):
        vals = r.detach().float().tolist() if name(r.dtype) == "bfloat16" else r.tolist()
        return ("tensor", name(r.dtype), tuple(r.shape), vals)
    return ("value", repr(r).replace("minitorch.", "").replace("torch.", ""))


def same_as_torch(fn, values=True):
    torch = oracle.torch()
    ours, theirs = outcome(mt, fn), outcome(torch, fn)
    if not values and ours[0] == "tensor":
        ours, theirs = ours[:3], theirs[:3]
    assert ours == theirs
    return ours


@pytest.fixture
def default_float64():
    mt.set_default_dtype(mt.float64)
    try:
        yield
    finally:
        mt.set_default_dtype(mt.float32)


# ------------------------------------------------------------------ tensor()


def test_tensor_copies_arrays_lists_and_tensors():
    a = np.arange(4.0)
    t = mt.tensor(a)
    a[0] = 99
    assert t.tolist() == [0.0, 1.0, 2.0, 3.0]
    src = mt.arange(3.0)
    with pytest.warns(UserWarning, match="clone"):
        c = mt.tensor(src)
    src[0] = 7
    assert c.tolist() == [0.0, 1.0, 2.0] and c.data_ptr() != src.data_ptr()
    nested = [[1, 2], [3, 4]]
    assert mt.tensor(nested).tolist() == nested


@pytest.mark.parametrize("dt", NUMPY_OK)
def test_tensor_of_ndarray_keeps_dtype(dt):
    a = np.arange(5).astype(dt)
    t = mt.tensor(a)
    assert name(t.dtype) == dt and t.tolist() == a.tolist()


@pytest.mark.parametrize("layout", ["T", "neg", "step", "big_endian", "misaligned", "fortran"])
def test_tensor_of_any_layout_copies_values(layout):
    base = np.arange(12.0).reshape(3, 4)
    a = {
        "T": base.T,
        "neg": base[::-1, ::-2],
        "step": base[::2],
        "big_endian": base.astype(">f8"),
        "misaligned": np.frombuffer(bytearray(97), dtype=np.float64, offset=1).reshape(3, 4),
        "fortran": np.asfortranarray(base),
    }[layout]
    t = mt.tensor(a)
    assert t.dtype is mt.float64 and t.is_contiguous()
    assert t.tolist() == a.tolist()


@pytest.mark.parametrize(
    "scalar,dt",
    [(np.float32(1.5), "float32"), (np.float64(1.5), "float64"), (np.float16(1.5), "float16"),
     (np.int8(3), "int8"), (np.int16(3), "int16"), (np.int32(3), "int32"), (np.int64(3), "int64"),
     (np.uint8(3), "uint8"), (np.bool_(True), "bool"), (1.5, "float32"), (3, "int64"),
     (True, "bool")],
    ids=str,
)
def test_tensor_of_scalars_keeps_numpy_dtype(scalar, dt):
    t = mt.tensor(scalar)
    assert name(t.dtype) == dt and t.shape == () and t.item() == scalar
    same_as_torch(lambda L: L.tensor(scalar))


LEAVES = {
    "bool": True,
    "int": 2,
    "float": 2.5,
    "np.float64": np.float64(2.5),
    "np.float32": np.float32(2.5),
    "np.float16": np.float16(2.5),
    "np.int8": np.int8(2),
    "np.uint8": np.uint8(2),
    "np.int16": np.int16(2),
    "np.int32": np.int32(2),
    "np.bool_": np.bool_(False),
}


INTEGER_LEAVES = {"int", "np.int8", "np.uint8", "np.int16", "np.int32"}


@pytest.mark.parametrize("a,b", [(a, b) for a in LEAVES for b in LEAVES if a <= b])
def test_mixed_list_promotion_matches_torch(a, b):
    if "np.bool_" in (a, b) and {a, b} & INTEGER_LEAVES:
        # PyTorch cannot store np.bool_ into an integer tensor (TypeError); we can.
        t = mt.tensor([LEAVES[a], LEAVES[b]])
        assert not t.dtype.is_floating_point and t.dtype is not mt.bool
        assert t.tolist() == [int(LEAVES[a]), int(LEAVES[b])]
        return
    same_as_torch(lambda L: L.tensor([LEAVES[a], LEAVES[b]]))


def test_mixed_promotion_with_zero_d_tensors_and_arrays():
    same_as_torch(lambda L: L.tensor([L.tensor(1, dtype=L.int16), 2]))
    same_as_torch(lambda L: L.tensor([L.tensor(1.5, dtype=L.float64), 2]))
    same_as_torch(lambda L: L.tensor([[1, 2], np.array([3, 4], dtype=np.int16)]), values=False)


def test_list_of_ndarrays_keeps_array_dtype():
    t = mt.tensor([np.array([1.0, 2.0]), np.array([3.0, 4.0])])
    assert t.dtype is mt.float64 and t.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    t = mt.tensor([np.arange(3, dtype=np.int16)[::-1], np.ones(3, dtype=np.int16)])
    assert t.dtype is mt.int16 and t.tolist() == [[2, 1, 0], [1, 1, 1]]


def test_nested_tensors_are_copied_as_blocks():
    rows = [mt.tensor([1.0, 2.0]), mt.tensor([3.0, 4.0]).flip(0)]
    assert mt.tensor(rows).tolist() == [[1.0, 2.0], [4.0, 3.0]]
    assert mt.tensor([mt.tensor(1), mt.tensor(2)]).tolist() == [1, 2]


def test_ragged_is_value_error_with_torch_text():
    with pytest.raises(ValueError) as e:
        mt.tensor([[1, 2, 3], [1, 2]])
    assert str(e.value) == "expected sequence of length 3 at dim 1 (got 2)"
    for data in ([[1, 2, 3], []], [[[1], [2]], [[1], [2], [3]]], [[1, 2], [3, 4, 5]],
                 [np.array([1.0, 2.0]), np.array([3.0])]):
        same_as_torch(lambda L: L.tensor(data))


@pytest.mark.parametrize("data", [[1, [2, 3]], [1.0, [2]], [[1, 2], [3, [4]]]], ids=str)
def test_sequence_where_number_belongs_is_type_error(data):
    same_as_torch(lambda L: L.tensor(data))
    with pytest.raises(TypeError):
        mt.tensor(data, dtype=mt.int64)


def test_scalar_where_sequence_belongs_is_type_error():
    with pytest.raises(TypeError, match="not a sequence"):
        mt.tensor([[1, 2], 3])


@pytest.mark.torch_live  # its torch calls are not yet replayable
@pytest.mark.parametrize("leaf", ["a", b"ab", None, object(), {1: 2}, 1j], ids=repr)
def test_bad_leaf(leaf):
    # str/bytes: TypeError; others: PyTorch's "Could not infer dtype" RuntimeError
    # (complex has no minitorch dtype yet, so that one differs from torch).
    expected = TypeError if isinstance(leaf, (str, bytes)) else RuntimeError
    with pytest.raises(expected):
        mt.tensor([1, leaf])
    with pytest.raises(TypeError):
        mt.tensor([1, leaf], dtype=mt.float32)
    if not isinstance(leaf, complex):
        same_as_torch(lambda L: L.tensor([1, leaf]))
    if not isinstance(leaf, (complex, str)):  # PyTorch reads a lone str as a sequence
        same_as_torch(lambda L: L.tensor([leaf]))


@pytest.mark.parametrize("dt", ["uint8", "int8", "int16", "int32", "int64", "bool", "float16",
                                "float32"])
@pytest.mark.parametrize("v", [300, -1, -255, -256, -129, 128, 2**31, 2**40, 255.9, -0.5, 1e10,
                               float("nan"), float("inf"), 1e40, 70000.0])
def test_tensor_overflow_matches_torch(dt, v):
    import math

    out = same_as_torch(lambda L: L.tensor([v], dtype=getattr(L, dt)), values=False)
    if out[0] == "tensor" and not (isinstance(v, float) and math.isnan(v)):
        same_as_torch(lambda L: L.tensor([v], dtype=getattr(L, dt)))


def test_tensor_overflow_message():
    with pytest.raises(RuntimeError, match="cannot be converted to type uint8 without overflow"):
        mt.tensor([300], dtype=mt.uint8)
    with pytest.raises(RuntimeError, match="int8"):
        mt.tensor([np.int64(300)], dtype=mt.int8)
    with pytest.raises(RuntimeError, match="int64"):
        mt.tensor(float("nan"), dtype=mt.int64)


def test_python_int_beyond_int64():
    same_as_torch(lambda L: L.tensor(2**63))
    same_as_torch(lambda L: L.tensor([-(2**63) - 1]))
    assert mt.tensor([2**70], dtype=mt.float64).item() == float(2**70)


def test_tensor_dtype_device_requires_grad():
    t = mt.tensor([1, 2], dtype=mt.float64, device="cpu", requires_grad=True)
    assert t.dtype is mt.float64 and t.requires_grad and t.is_leaf
    with pytest.raises(RuntimeError, match="floating point"):
        mt.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError):
        mt.tensor([1.0], device="cuda")
    assert mt.tensor([1, 2], dtype=float).dtype is mt.float64


def test_tensor_of_empty_and_sequences():
    same_as_torch(lambda L: L.tensor([]))
    same_as_torch(lambda L: L.tensor([[], []]))
    same_as_torch(lambda L: L.tensor((1, 2)))
    same_as_torch(lambda L: L.tensor(range(4)))
    same_as_torch(lambda L: L.tensor(bytearray(b"ab")))


def test_default_dtype_changes_float_inference(default_float64):
    assert mt.get_default_dtype() is mt.float64
    assert mt.tensor([1.0]).dtype is mt.float64
    assert mt.tensor(1.0).dtype is mt.float64
    assert mt.tensor([1, 2.0]).dtype is mt.float64
    assert mt.tensor([1]).dtype is mt.int64
    assert mt.arange(1.0).dtype is mt.float64
    assert mt.arange(3).dtype is mt.int64
    assert mt.zeros(2).dtype is mt.float64
    assert mt.full((1,), 1.5).dtype is mt.float64
    assert mt.rand(2).dtype is mt.float64
    assert mt.tensor(np.float32(1)).dtype is mt.float32


def test_set_default_dtype_rejects_non_floating():
    for d in (mt.int64, mt.bool):
        with pytest.raises(TypeError):
            mt.set_default_dtype(d)
    assert mt.get_default_dtype() is mt.float32


def test_default_dtype_matches_torch():
    torch = oracle.torch()
    assert name(mt.get_default_dtype()) == name(torch.get_default_dtype())


# --------------------------------------------------------------- as_tensor


def test_as_tensor_shares_when_dtype_matches():
    a = np.arange(4.0)
    t = mt.as_tensor(a)
    t[0] = 9
    assert a[0] == 9 and t.dtype is mt.float64
    c = mt.as_tensor(a, dtype=mt.float32)
    c[1] = 5
    assert a[1] == 1 and c.dtype is mt.float32
    x = mt.ones(2)
    assert mt.as_tensor(x) is x and mt.as_tensor(x, dtype=mt.float32) is x
    assert mt.as_tensor(x, dtype=mt.float64) is not x


def test_as_tensor_copies_what_it_cannot_share():
    a = np.arange(3.0).astype(">f8")
    t = mt.as_tensor(a)
    assert t.tolist() == [0.0, 1.0, 2.0]
    assert mt.as_tensor([1, 2]).tolist() == [1, 2]
    assert mt.as_tensor(np.arange(3.0)[::-1]).stride() == (-1,)  # negative strides share


# ----------------------------------------------------------------- asarray

KINDS = ["tensor", "ndarray", "npscalar", "list", "bytearray"]


def make(kind):
    return {
        "tensor": lambda: mt.tensor([1.0, 2.0]),
        "ndarray": lambda: np.array([1.0, 2.0]),
        "npscalar": lambda: np.float64(3.0),
        "list": lambda: [1.0, 2.0],
        "bytearray": lambda: bytearray(b"\x01\x02\x03\x04"),
    }[kind]()


def shares(obj, t):
    if isinstance(obj, mt.Tensor):
        return t.data_ptr() == obj.data_ptr()
    if isinstance(obj, np.ndarray):
        return np.shares_memory(obj, t.numpy())
    if isinstance(obj, bytearray):
        before = t.clone()
        obj[0] ^= 0xFF
        changed = t.tolist() != before.tolist()
        obj[0] ^= 0xFF
        return changed
    return False


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("copy", [None, True, False])
def test_asarray_copy_matrix(kind, copy):
    obj = make(kind)
    can_alias = kind in ("tensor", "ndarray", "bytearray")
    if copy is False and not can_alias:
        exc = RuntimeError if kind == "npscalar" else ValueError
        with pytest.raises(exc, match="can't alias"):
            mt.asarray(obj, copy=False)
        return
    t = mt.asarray(obj, copy=copy)
    assert shares(obj, t) == (can_alias and copy is not True)
    if kind == "bytearray":
        assert t.dtype is mt.uint8 and t.tolist() == [1, 2, 3, 4]
    elif kind == "npscalar":
        assert t.dtype is mt.float64 and t.shape == ()
    else:
        assert t.tolist() == [1.0, 2.0]


@pytest.mark.torch_live  # checks memory sharing with NumPy arrays torch's numpy() returns
@pytest.mark.parametrize("kind", ["tensor", "ndarray", "npscalar", "list"])
@pytest.mark.parametrize("copy", [None, True, False])
@pytest.mark.parametrize("dtype", [None, "float32", "float64", "int64"])
def test_asarray_matches_torch(kind, copy, dtype):
    torch = oracle.torch()

    def run(L):
        obj = make(kind)
        if L is torch and kind == "tensor":
            obj = torch.tensor([1.0, 2.0])
        kw = {"copy": copy}
        if dtype:
            kw["dtype"] = getattr(L, dtype)
        t = L.asarray(obj, **kw)
        return name(t.dtype), tuple(t.shape), t.tolist(), shares_any(L, obj, t)

    def shares_any(L, obj, t):
        if isinstance(obj, L.Tensor):
            return t.data_ptr() == obj.data_ptr()
        if isinstance(obj, np.ndarray):
            return bool(np.shares_memory(obj, t.numpy()))
        return False

    if kind == "npscalar" and copy is True and dtype not in (None, "float64"):
        pytest.skip("PyTorch wrongly refuses to convert a copied NumPy scalar")

    def safe(L):
        try:
            return run(L)
        except Exception as e:  # compared by class
            return type(e).__name__

    assert safe(mt) == safe(torch)


def test_asarray_alias_errors_match_reference_text():
    with pytest.raises(ValueError) as e:
        mt.asarray(np.array([1.0]), dtype=mt.float32, copy=False)
    assert str(e.value) == "can't alias tensor with dtype 'Double' into dtype 'Float'."
    with pytest.raises(ValueError) as e:
        mt.asarray(mt.ones(1), dtype=mt.int64, copy=False)
    assert str(e.value) == "can't alias tensor with dtype 'Float' into dtype 'Long'."
    with pytest.raises(RuntimeError) as e:
        mt.asarray(np.float32(1), copy=False)
    assert str(e.value).startswith("can't alias NumPy scalars.")
    with pytest.raises(ValueError) as e:
        mt.asarray([1, 2], copy=False)
    assert str(e.value) == "can't alias arbitrary sequence into a tensor."


def test_asarray_copy_false_refuses_arrays_it_cannot_share():
    with pytest.raises(ValueError):
        mt.asarray(np.arange(3.0).astype(">f8"), copy=False)
    assert mt.asarray(np.arange(3.0).astype(">f8")).tolist() == [0.0, 1.0, 2.0]


def test_asarray_buffer_with_dtype_reinterprets_bytes():
    buf = bytearray(np.array([1.5, -2.0], dtype=np.float32).tobytes())
    t = mt.asarray(buf, dtype=mt.float32)
    assert t.tolist() == [1.5, -2.0]
    t[0] = 4.0  # shared
    assert np.frombuffer(buf, dtype=np.float32)[0] == 4.0
    torch = oracle.torch()
    b2 = bytearray(np.array([1.5, -2.0], dtype=np.float32).tobytes())
    assert torch.asarray(b2, dtype=torch.float32).tolist() == [1.5, -2.0]
    with pytest.raises(ValueError, match="multiple of element size"):
        mt.asarray(bytearray(4), dtype=mt.float64)
    with pytest.raises(ValueError, match="must not be 0"):
        mt.asarray(bytearray(0), dtype=mt.float32)
    h = mt.asarray(bytearray(np.array([1.0], dtype=np.float32).tobytes()), dtype=mt.bfloat16)
    assert h.dtype is mt.bfloat16 and h.shape == (2,)


def test_asarray_buffer_format_decides_dtype():
    import array

    assert mt.asarray(array.array("d", [1.0, 2.0])).dtype is mt.float64
    assert mt.asarray(array.array("i", [1, 2])).tolist() == [1, 2]


def test_asarray_never_changes_requires_grad_of_input():
    q = mt.ones(2, requires_grad=True)
    out = mt.asarray(q)
    assert out is q and q.requires_grad
    out = mt.asarray(q, requires_grad=False)
    assert q.requires_grad
    p = mt.ones(2)
    r = mt.asarray(p, requires_grad=True)
    assert r.requires_grad and not p.requires_grad and r.data_ptr() == p.data_ptr()
    a = np.ones(2)
    s = mt.asarray(a, requires_grad=True)
    assert s.requires_grad and np.shares_memory(a, s.detach().numpy())
    with pytest.raises(RuntimeError, match="floating point"):
        mt.asarray([1, 2], requires_grad=True)


# --------------------------------------------------------------- factories

SIZES = [(), (0,), (3,), (2, 3), (2, 0, 4)]


@pytest.mark.parametrize("size", SIZES, ids=str)
@pytest.mark.parametrize("fn", ["zeros", "ones", "empty"])
@pytest.mark.parametrize("dt", [None] + ALL)
def test_zeros_ones_empty(fn, size, dt):
    kw = {} if dt is None else {"dtype": getattr(mt, dt)}
    t = getattr(mt, fn)(*size, **kw) if size else getattr(mt, fn)(size, **kw)
    assert t.shape == size and name(t.dtype) == (dt or "float32") and t.is_contiguous()
    if fn != "empty" and dt != "bfloat16":
        np.testing.assert_array_equal(t.numpy(), getattr(np, fn)(size, dtype=dt or np.float32))
    assert getattr(mt, fn)(size=size, **kw).shape == size


def test_factories_match_torch():
    for fn in [
        lambda L: L.zeros(2, 3),
        lambda L: L.zeros((2, 3)),
        lambda L: L.zeros([2, 3], dtype=L.int32),
        lambda L: L.ones(np.int64(2)),
        lambda L: L.ones(2, dtype=L.bool),
        lambda L: L.zeros(size=(2,)),
        lambda L: L.zeros(-1),
        lambda L: L.zeros(2.0),
        lambda L: L.zeros(2, dtype=L.int64, requires_grad=True),
        lambda L: L.ones(2, requires_grad=True).requires_grad,
        lambda L: L.empty(2, 3, dtype=L.float16).shape,
        lambda L: L.full((2,), 3),
        lambda L: L.full((2,), 3.0),
        lambda L: L.full((2,), True),
        lambda L: L.full([], 3.0),
        lambda L: L.full((2,), np.float32(1.5)),
        lambda L: L.full((2,), 7, dtype=L.float16),
        lambda L: L.full(size=(2,), fill_value=2),
        lambda L: L.full((2,), 300, dtype=L.uint8),
        lambda L: L.full((2,), float("nan"), dtype=L.int32),
        lambda L: L.full((2,), 1e40),
        lambda L: L.full((2,), -1, dtype=L.uint8),
    ]:
        same_as_torch(fn)


ARANGES = [(5,), (5.0,), (1, 5), (1, 5, 2), (0, 1, 0.1), (5, 0, -1), (5, 0, -1.5), (1, 2.5, 0.5),
           (-3, 3), (0, 10, 3), (10**10, 10**10 + 3), (np.int32(3),), (np.float32(3),)]


@pytest.mark.parametrize("args", ARANGES, ids=str)
def test_arange(args):
    t = mt.arange(*args)
    ref = np.arange(*[float(a) for a in args])
    np.testing.assert_allclose(t.numpy().astype(np.float64), ref, rtol=1e-6)
    same_as_torch(lambda L: L.arange(*args), values=False)


def test_arange_dtypes_and_errors():
    for fn in [
        lambda L: L.arange(0, 5, dtype=L.float64),
        lambda L: L.arange(0.5, 5, dtype=L.int64),
        lambda L: L.arange(end=5),
        lambda L: L.arange(start=1, end=5),
        lambda L: L.arange(0, 1, 0.25, dtype=L.float16),
        lambda L: L.arange(0, 3, dtype=L.uint8),
        lambda L: L.arange(L.tensor(3)),
        lambda L: L.arange(3.0, requires_grad=True).requires_grad,
        lambda L: L.arange(0, 5, 0),
        lambda L: L.arange(5, 0),
        lambda L: L.arange(float("nan")),
        lambda L: L.arange(float("inf")),
    ]:
        same_as_torch(fn)


@pytest.mark.parametrize("args", [(0, 1, 5), (0, 1, 1), (0, 1, 0), (-1, 1, 7), (3.5, 1, 4),
                                  (0, 100, 1000), (2, 2, 3)], ids=str)
@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_linspace(args, dt):
    t = mt.linspace(*args, dtype=getattr(mt, dt))
    np.testing.assert_allclose(t.numpy(), np.linspace(*args, dtype=dt), rtol=1e-6, atol=1e-6)
    same_as_torch(lambda L: L.linspace(*args, dtype=getattr(L, dt)), values=False)


def test_linspace_more():
    for fn in [
        lambda L: L.linspace(0, 10, 5, dtype=L.int64),
        lambda L: L.linspace(-10, 10, 7, dtype=L.int32),
        lambda L: L.linspace(0, 1, -1),
        lambda L: L.linspace(0, 1, steps=3),
        lambda L: L.linspace(0, 1, 3, dtype=L.float16),
        lambda L: L.linspace(L.tensor(0.0), L.tensor(1.0), 3),
        lambda L: L.linspace(0, 1, 3, requires_grad=True).requires_grad,
    ]:
        same_as_torch(fn)


@pytest.mark.parametrize("args,kw", [((0, 2, 3), {}), ((0, 2, 3), {"base": 2}), ((-1, 1, 5), {}),
                                     ((0, 1, 5), {"base": 0.5}), ((0, 1, 0), {}),
                                     ((0, 1, 3, 2), {})], ids=str)
def test_logspace(args, kw):
    t = mt.logspace(*args, **kw)
    base = kw.get("base", args[3] if len(args) > 3 else 10.0)
    ref = np.power(base, np.linspace(*args[:3])).astype(np.float32)
    np.testing.assert_allclose(t.numpy(), ref, rtol=1e-6)
    same_as_torch(lambda L: L.logspace(*args, **kw))


def test_logspace_dtypes_and_errors():
    same_as_torch(lambda L: L.logspace(0, 2, 3, dtype=L.float64))
    same_as_torch(lambda L: L.logspace(0, 3, 4, dtype=L.int64))
    same_as_torch(lambda L: L.logspace(0, 1, -1))
    same_as_torch(lambda L: L.logspace(0, 1, 3, requires_grad=True).requires_grad)


@pytest.mark.parametrize("args", [(3,), (2, 3), (3, 2), (0,), (1,), (4, 0)], ids=str)
@pytest.mark.parametrize("dt", ["float32", "int64", "bool"])
def test_eye(args, dt):
    t = mt.eye(*args, dtype=getattr(mt, dt))
    np.testing.assert_array_equal(t.numpy(), np.eye(*args, dtype=dt))
    same_as_torch(lambda L: L.eye(*args, dtype=getattr(L, dt)))


def test_eye_keywords_and_errors():
    same_as_torch(lambda L: L.eye(3, m=2))
    same_as_torch(lambda L: L.eye(n=2))
    same_as_torch(lambda L: L.eye(-1))


LIKE_INPUTS = {
    "contig_i32": lambda L: L.ones(2, 3, dtype=L.int32),
    "transposed": lambda L: L.ones(2, 3).t(),
    "permuted": lambda L: L.ones(2, 3, 4).permute(2, 0, 1),
    "sliced": lambda L: L.ones(4, 6)[::2, 1:],
    "zero_d": lambda L: L.tensor(3.0, dtype=L.float64),
    "empty": lambda L: L.ones(0, 3),
    "requires_grad": lambda L: L.ones(2, requires_grad=True),
    "expanded": lambda L: L.ones(3).expand(2, 3),
}


@pytest.mark.parametrize("inp", list(LIKE_INPUTS))
@pytest.mark.parametrize("fn", ["zeros_like", "ones_like", "empty_like", "full_like", "rand_like",
                                "randn_like"])
def test_like_functions_match_torch(fn, inp):
    torch = oracle.torch()

    def run(L):
        x = LIKE_INPUTS[inp](L)
        args = (x, 7) if fn == "full_like" else (x,)
        if fn in ("rand_like", "randn_like") and not x.dtype.is_floating_point:
            with pytest.raises(NotImplementedError):
                getattr(L, fn)(*args)
            return None
        r = getattr(L, fn)(*args)
        vals = None if fn in ("empty_like", "rand_like", "randn_like") else r.tolist()
        return name(r.dtype), tuple(r.shape), r.stride(), r.requires_grad, vals

    assert run(mt) == run(torch)


def test_like_functions_keywords():
    x = mt.ones(2, 3, dtype=mt.int32)
    assert mt.ones_like(x, dtype=mt.float64).dtype is mt.float64
    assert mt.zeros_like(x, dtype=mt.float32, requires_grad=True).requires_grad
    assert mt.full_like(x, 7.9).tolist() == [[7, 7, 7]] * 2
    with pytest.raises(RuntimeError, match="overflow"):
        mt.full_like(mt.ones(1, dtype=mt.uint8), 300)
    with pytest.raises(TypeError, match="must be Tensor"):
        mt.zeros_like(np.ones(3))


# ------------------------------------------------------------------ random


@pytest.mark.parametrize(
    "fn",
    [lambda: mt.rand(1000), lambda: mt.randn(3, 4, dtype=mt.float64),
     lambda: mt.randint(0, 100, (50,)), lambda: mt.randperm(30),
     lambda: mt.rand(7, dtype=mt.float16),
     lambda: mt.rand_like(mt.ones(5)), lambda: mt.randint(3, 10, (2, 2), dtype=mt.int16)],
    ids=["rand", "randn", "randint", "randperm", "rand_f16", "rand_like", "randint_i16"],
)
def test_manual_seed_reproduces(fn):
    mt.manual_seed(1234)
    a = fn().tolist()
    b = fn().tolist()
    mt.manual_seed(1234)
    assert fn().tolist() == a
    assert fn().tolist() == b
    mt.manual_seed(4321)
    assert fn().tolist() != a


def test_random_values_and_shapes():
    mt.manual_seed(0)
    r = mt.rand(20000).numpy()
    assert r.min() >= 0.0 and r.max() < 1.0 and abs(r.mean() - 0.5) < 0.02
    n = mt.randn(20000, dtype=mt.float64).numpy()
    assert abs(n.mean()) < 0.05 and abs(n.std() - 1.0) < 0.05
    k = mt.randint(-3, 4, (2000,)).numpy()
    assert k.min() == -3 and k.max() == 3 and k.dtype == np.int64
    p = mt.randperm(100).numpy()
    assert sorted(p.tolist()) == list(range(100)) and p.dtype == np.int64
    assert mt.randint(10, (3,)).shape == (3,)
    assert mt.randint(high=10, size=(3,)).shape == (3,)
    assert mt.randint(low=2, high=10, size=(40,)).numpy().min() >= 2


def test_random_dtypes_shapes_and_errors_match_torch():
    for fn in [
        lambda L: L.rand(2, 3).shape, lambda L: L.rand(2, dtype=L.float64).dtype,
        lambda L: L.rand(size=(2,)).shape, lambda L: L.randn(2, dtype=L.float16).dtype,
        lambda L: L.rand(2, requires_grad=True).requires_grad,
        lambda L: L.rand(2, dtype=L.int64), lambda L: L.randn(2, dtype=L.int64),
        lambda L: L.rand_like(L.ones(2, dtype=L.int64)),
        lambda L: L.randint(10, (3,)).dtype,
        lambda L: L.randint(0, 10, (3,), dtype=L.float32).dtype,
        lambda L: L.randint(5, 5, (3,)), lambda L: L.randint(0, 2, (3,), dtype=L.bool).dtype,
        lambda L: L.randint(0, 256, (3,), dtype=L.uint8).dtype,
        lambda L: L.randint(0, 300, (3,), dtype=L.uint8),
        lambda L: L.randint(-200, 0, (3,), dtype=L.uint8),
        lambda L: L.randint(0, 3, (3,), dtype=L.bool),
        lambda L: L.randint(0, 2**40, (3,), dtype=L.int32),
        lambda L: L.randint(0, 2**25, (3,), dtype=L.float16),
        lambda L: L.randperm(5).dtype, lambda L: L.randperm(0).shape,
        lambda L: L.randperm(4, dtype=L.float32).dtype,
        lambda L: L.randperm(256, dtype=L.uint8).shape, lambda L: L.randperm(257, dtype=L.uint8),
        lambda L: L.randperm(129, dtype=L.int8), lambda L: L.randperm(3000, dtype=L.float16),
        lambda L: L.randperm(3, dtype=L.bool), lambda L: L.randperm(-1),
    ]:
        same_as_torch(fn)


def test_seed_and_initial_seed():
    mt.manual_seed(77)
    assert mt.initial_seed() == 77
    g = mt.manual_seed(5)
    assert g.initial_seed() == 5
    s = mt.seed()
    assert isinstance(s, int) and mt.initial_seed() == s
    mt.manual_seed(-1)
    assert mt.initial_seed() == 2**64 - 1
    mt.manual_seed(2**64 - 1)
    assert mt.initial_seed() == 2**64 - 1
    with pytest.raises(ValueError):
        mt.manual_seed(2**64)
    with pytest.raises(ValueError):
        mt.manual_seed(-(2**63) - 1)
    mt.manual_seed(1.9)
    assert mt.initial_seed() == 1
    same_as_torch(lambda L: L.manual_seed(2**64).initial_seed())
    same_as_torch(lambda L: L.manual_seed(-1).initial_seed())
    same_as_torch(lambda L: L.manual_seed("7").initial_seed())


# ------------------------------------------------------------------ dtypes


@pytest.mark.parametrize("dt", ALL)
def test_dtype_object_properties_match_torch(dt):
    torch = oracle.torch()
    ours, theirs = getattr(mt, dt), getattr(torch, dt)
    assert ours.is_floating_point == theirs.is_floating_point
    assert ours.is_signed == theirs.is_signed
    assert ours.itemsize == theirs.itemsize
    assert ours.is_complex is False
    assert repr(ours) == f"minitorch.{dt}" == repr(theirs).replace("torch.", "minitorch.")
    assert mt.ones(1, dtype=ours).element_size() == ours.itemsize


def test_dtype_objects_are_singletons():
    import copy
    import pickle

    assert pickle.loads(pickle.dumps(mt.float16)) is mt.float16
    assert copy.deepcopy(mt.int8) is mt.int8
    assert isinstance(mt.float32, mt.dtype)
    with pytest.raises(TypeError):
        mt.dtype()
    assert (mt.half, mt.float, mt.double, mt.short, mt.int, mt.long) == (
        mt.float16, mt.float32, mt.float64, mt.int16, mt.int32, mt.int64)
    assert len({mt.float32, mt.float, mt.float64}) == 2


def test_promote_types_full_table_matches_torch():
    torch = oracle.torch()
    for a in ALL:
        for b in ALL:
            ours = mt.promote_types(getattr(mt, a), getattr(mt, b))
            theirs = torch.promote_types(getattr(torch, a), getattr(torch, b))
            assert name(ours) == name(theirs), (a, b)


def test_promote_types_accepts_python_types():
    same_as_torch(lambda L: L.promote_types(float, L.int32))
    same_as_torch(lambda L: L.promote_types(int, L.uint8))
    same_as_torch(lambda L: L.promote_types(bool, L.bool))
    with pytest.raises(TypeError):
        mt.promote_types("float32", mt.int32)
    with pytest.raises(TypeError):
        mt.promote_types(None, mt.int32)


def test_can_cast_full_table_matches_torch():
    torch = oracle.torch()
    for a in ALL:
        for b in ALL:
            assert mt.can_cast(getattr(mt, a), getattr(mt, b)) == torch.can_cast(
                getattr(torch, a), getattr(torch, b)), (a, b)
    same_as_torch(lambda L: L.can_cast(float, L.int32))
    same_as_torch(lambda L: L.can_cast(from_=L.float32, to=L.int32))


OPERANDS = {
    "i8_1d": lambda L: L.tensor([1], dtype=L.int8),
    "u8_1d": lambda L: L.tensor([1], dtype=L.uint8),
    "i32_1d": lambda L: L.tensor([1], dtype=L.int32),
    "b_1d": lambda L: L.tensor([True]),
    "f16_1d": lambda L: L.tensor([1.0], dtype=L.float16),
    "bf16_1d": lambda L: L.tensor([1.0], dtype=L.bfloat16),
    "f64_0d": lambda L: L.tensor(1.0, dtype=L.float64),
    "i64_0d": lambda L: L.tensor(1),
    "i16_0d": lambda L: L.tensor(1, dtype=L.int16),
    "b_0d": lambda L: L.tensor(False),
    "int": lambda L: 2,
    "float": lambda L: 2.5,
    "bool": lambda L: True,
    "np_f64": lambda L: np.float64(2.5),
    "np_i32": lambda L: np.int32(2),
}


@pytest.mark.parametrize("a", list(OPERANDS))
def test_result_type_matches_torch(a):
    torch = oracle.torch()
    for b in OPERANDS:
        def run(L):
            return L.result_type(OPERANDS[a](L), OPERANDS[b](L))

        ours, theirs = outcome(mt, run), outcome(torch, run)
        assert ours == theirs, (a, b)


def test_result_type_with_default_float64(default_float64):
    assert mt.result_type(mt.tensor([1]), 1.0) is mt.float64
    assert mt.result_type(mt.tensor([1], dtype=mt.float32), 1.0) is mt.float32


def test_result_type_keywords_and_errors():
    same_as_torch(lambda L: L.result_type(tensor=L.tensor([1]), other=2.0))
    same_as_torch(lambda L: L.result_type(L.tensor([1]), "a"))
    same_as_torch(lambda L: L.result_type(L.tensor([1]), np.array([2.0])))


def test_is_tensor_numel_version():
    assert mt.is_tensor(mt.ones(1)) and not mt.is_tensor(np.ones(1)) and not mt.is_tensor(1)

    class Sub(mt.Tensor):
        pass

    assert mt.is_tensor(Sub([1.0]))
    assert mt.numel(mt.ones(2, 3)) == 6 and mt.numel(mt.tensor(1)) == 1
    with pytest.raises(TypeError, match="must be Tensor"):
        mt.numel(np.ones(3))
    assert isinstance(mt.__version__, str) and mt.__version__.count(".") >= 2
    assert mt.is_floating_point(mt.ones(1)) and not mt.is_floating_point(mt.ones(1, dtype=mt.int8))
