"""The zero-copy NumPy bridge (shared/NUMPY_BRIDGE.md): Tensor.numpy(),
from_numpy, read-only arrays, the error contract and the array protocols.

Lifetime (who keeps what alive) is in test_lifetime.py; constructors in
test_creation.py.
"""

import sys
import warnings

import numpy as np
import oracle
import pytest

import minitorch as mt

# (minitorch dtype, NumPy dtype, sample values)
DTYPES = [
    (mt.bool, np.bool_, [True, False, True]),
    (mt.uint8, np.uint8, [0, 7, 255]),
    (mt.int8, np.int8, [-128, 5, 127]),
    (mt.int16, np.int16, [-32768, 3, 32767]),
    (mt.int32, np.int32, [-(2**31), 9, 2**31 - 1]),
    (mt.int64, np.int64, [-(2**63), 11, 2**63 - 1]),
    (mt.float16, np.float16, [-1.5, 0.25, 65504.0]),
    (mt.float32, np.float32, [-1.5, 0.1, 3.4e38]),
    (mt.float64, np.float64, [-1.5, 0.1, 1e300]),
]
DTYPE_IDS = [repr(d[0]) for d in DTYPES]

LIST_MESSAGE = "The only supported types are"



@pytest.fixture
def no_ml_dtypes():
    """The bridge as it is without ml_dtypes (Note [bfloat16 arrays])."""
    old = mt._C._disable_ml_dtypes(True)
    yield
    mt._C._disable_ml_dtypes(old)

def other_value(npdt):
    return np.array(True if npdt is np.bool_ else 42, dtype=npdt)[()]


# ---------------------------------------------------------------- numpy()


@pytest.mark.parametrize("dt,npdt,vals", DTYPES, ids=DTYPE_IDS)
def test_numpy_every_dtype_shares(dt, npdt, vals):
    t = mt.tensor(vals, dtype=dt)
    a = t.numpy()
    assert type(a) is np.ndarray and a.dtype == np.dtype(npdt)
    np.testing.assert_array_equal(a, np.array(vals, dtype=npdt))
    v = other_value(npdt)
    a[1] = v  # write through the array ...
    assert t[1].item() == v
    t[0] = v  # ... and through the tensor
    assert a[0] == v
    assert np.shares_memory(a, t.numpy())
    assert not a.flags.owndata and a.flags.writeable


@pytest.mark.parametrize("dt,npdt,vals", DTYPES, ids=DTYPE_IDS)
def test_from_numpy_every_dtype_shares(dt, npdt, vals):
    a = np.array(vals, dtype=npdt)
    t = mt.from_numpy(a)
    assert t.dtype is dt and t.shape == (3,)
    assert t.tolist() == a.tolist()
    v = other_value(npdt)
    t[2] = v
    assert a[2] == v
    a[0] = v
    assert t[0].item() == v
    assert np.shares_memory(a, t.numpy())
    assert t.device == mt.device("cpu") and t.is_leaf and not t.requires_grad


def test_numpy_matches_torch_dtypes():
    torch = oracle.torch()
    for dt, npdt, vals in DTYPES:
        ours = mt.tensor(vals, dtype=dt).numpy()
        theirs = torch.tensor(vals, dtype=getattr(torch, repr(dt).split(".")[1])).numpy()
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize(
    "npdt,dt",
    [
        (np.longlong, mt.int64),
        (np.intc, mt.int32),
        (np.int_, mt.int64),
        (np.byte, mt.int8),
        (np.ubyte, mt.uint8),
        (np.short, mt.int16),
        (np.half, mt.float16),
        (np.single, mt.float32),
        (np.double, mt.float64),
        ("<f8", mt.float64),
        ("=f4", mt.float32),
        ("|u1", mt.uint8),
        (">i1", mt.int8),  # one byte: no byte order
        ("?", mt.bool),
    ],
)
def test_from_numpy_maps_by_kind_and_itemsize(npdt, dt):
    a = np.arange(4).astype(npdt)
    t = mt.from_numpy(a)
    assert t.dtype is dt
    assert t.tolist() == a.tolist()
    assert np.shares_memory(a, t.numpy())


@pytest.mark.parametrize(
    "npdt",
    [np.uint16, np.uint32, np.uint64, np.ulonglong, np.uintc, np.complex64, np.complex128,
     object, "U3", "S3", "datetime64[s]", "timedelta64[ms]", np.longdouble,
     [("a", "f8"), ("b", "i4")], "V8"],
    ids=str,
)
def test_from_numpy_unsupported_dtype_is_type_error(npdt):
    a = np.zeros(3, dtype=npdt)
    with pytest.raises(TypeError, match=LIST_MESSAGE):
        mt.from_numpy(a)
    with pytest.raises(TypeError, match=LIST_MESSAGE):
        mt.tensor(a)


def test_unsupported_message_names_the_type():
    with pytest.raises(TypeError, match=r"numpy\.object_.*float64, float32, float16, int64, int32, "
                                        r"int16, int8, uint8, and bool"):
        mt.from_numpy(np.zeros(2, dtype=object))


@pytest.mark.parametrize("obj,name", [(np.float64(1.0), "numpy.float64"), ([1, 2], "list"),
                                      (memoryview(b"ab"), "memoryview"), (3, "int"),
                                      (None, "NoneType")])
def test_from_numpy_needs_an_ndarray(obj, name):
    with pytest.raises(TypeError) as e:
        mt.from_numpy(obj)
    assert str(e.value) == f"expected np.ndarray (got {name})"


def test_from_numpy_of_a_tensor_is_type_error():
    with pytest.raises(TypeError, match="expected np.ndarray"):
        mt.from_numpy(mt.ones(2))


@pytest.mark.parametrize("npdt", [">f8", ">i4", ">f2", ">i8"])
def test_from_numpy_non_native_byte_order_is_value_error(npdt):
    with pytest.raises(ValueError, match="byte order"):
        mt.from_numpy(np.arange(3).astype(npdt))


def test_from_numpy_odd_strides_is_value_error():
    a = np.lib.stride_tricks.as_strided(np.zeros(10), shape=(3,), strides=(3,))
    with pytest.raises(ValueError, match="not a multiple of the element byte size"):
        mt.from_numpy(a)


def test_from_numpy_odd_strides_built_with_ndarray():
    buf = np.zeros(8, dtype=np.int16)
    b = np.ndarray((3,), np.int16, buffer=buf, offset=0, strides=(3,))
    with pytest.raises(ValueError, match="not a multiple"):
        mt.from_numpy(b)


@pytest.mark.parametrize("npdt", [np.float64, np.int32, np.float16, np.int64])
def test_from_numpy_misaligned_is_value_error(npdt):
    a = np.frombuffer(bytearray(81), dtype=npdt, offset=1, count=4)
    assert not a.flags.aligned
    with pytest.raises(ValueError, match="aligned"):
        mt.from_numpy(a)
    # tensor() copies instead, so the values arrive intact
    assert mt.tensor(a).tolist() == a.tolist()


def test_misaligned_empty_array_is_fine():
    a = np.frombuffer(bytearray(9), dtype=np.float64, offset=1, count=0)
    assert mt.from_numpy(a).shape == (0,)


def _failing_inputs():
    return [
        (np.zeros(3, dtype=object), TypeError),
        (np.zeros(3, dtype="U2"), TypeError),
        (np.zeros(3, dtype=np.uint32), TypeError),
        (np.zeros(3, dtype="datetime64[s]"), TypeError),
        (np.zeros(3, dtype=np.longdouble), TypeError),
        (np.zeros(3, dtype=[("a", "f8")]), TypeError),
        (np.zeros(3, dtype=">f8"), ValueError),
        (np.lib.stride_tricks.as_strided(np.zeros(10), shape=(3,), strides=(3,)), ValueError),
        (np.frombuffer(bytearray(81), dtype=np.float64, offset=1), ValueError),
        (np.float64(2.5), TypeError),
    ]


@pytest.mark.parametrize("obj,exc", _failing_inputs(),
                         ids=[f"case{i}" for i in range(len(_failing_inputs()))])
def test_failed_from_numpy_leaves_refcount_unchanged(obj, exc):
    before = sys.getrefcount(obj)
    for _ in range(1000):
        with pytest.raises(exc):
            mt.from_numpy(obj)
    assert sys.getrefcount(obj) == before


def test_failed_conversions_in_constructors_leave_refcount_unchanged():
    for obj, exc in _failing_inputs()[:6]:
        before = sys.getrefcount(obj)
        for _ in range(1000):
            with pytest.raises(exc):
                mt.tensor(obj)
            with pytest.raises(exc):
                mt.as_tensor(obj)
            with pytest.raises(exc):
                mt.asarray(obj)
        assert sys.getrefcount(obj) == before


def test_failed_numpy_calls_leave_refcount_unchanged(no_ml_dtypes):
    rg = mt.ones(3, requires_grad=True)
    bf = mt.ones(3, dtype=mt.bfloat16)
    for t, exc in [(rg, RuntimeError), (bf, TypeError)]:
        before = sys.getrefcount(t)
        for _ in range(1000):
            with pytest.raises(exc):
                t.numpy()
            with pytest.raises(exc):
                np.asarray(t)
            with pytest.raises(exc):
                t.__array_interface__
        assert sys.getrefcount(t) == before


def test_successful_conversions_leave_refcounts_at_baseline():
    a = np.arange(6.0)
    t = mt.ones(4)
    ra, rt = sys.getrefcount(a), sys.getrefcount(t)
    for _ in range(1000):
        x = mt.from_numpy(a)
        y = t.numpy()
        z = np.asarray(t)
        m = memoryview(t)
        m.release()
        del x, y, z, m
    assert (sys.getrefcount(a), sys.getrefcount(t)) == (ra, rt)


# ------------------------------------------------------- numpy() errors


def test_numpy_of_requires_grad_is_runtime_error():
    t = mt.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError) as e:
        t.numpy()
    assert str(e.value) == ("Can't call numpy() on Tensor that requires grad. "
                            "Use tensor.detach().numpy() instead.")


def test_numpy_of_requires_grad_under_no_grad_shares():
    t = mt.ones(3, requires_grad=True)
    with mt.no_grad():
        a = t.numpy()
    a[0] = 5
    assert t.tolist() == [5.0, 1.0, 1.0]


def test_numpy_force_shares_on_cpu():
    t = mt.ones(3, requires_grad=True)
    a = t.numpy(force=True)
    assert np.shares_memory(a, t.detach().numpy())
    a[2] = 7
    assert t[2].item() == 7


def test_numpy_force_is_keyword_only():
    with pytest.raises(TypeError):
        mt.ones(2).numpy(True)


@pytest.mark.parametrize("force", [False, True])
def test_numpy_of_bfloat16_is_type_error(force, no_ml_dtypes):
    with pytest.raises(TypeError, match="BFloat16.*install ml_dtypes.*float"):
        mt.ones(2, dtype=mt.bfloat16).numpy(force=force)


def test_bfloat16_through_float_works():
    t = mt.tensor([1.5, -2.0], dtype=mt.bfloat16)
    assert t.float().numpy().tolist() == [1.5, -2.0]


# ---------------------------------------------------- views and layouts

BASE = np.arange(24.0).reshape(4, 6)


def tensor_views(t):
    return {
        "transposed": t.t(),
        "step": t[::2],
        "neg_step": t[::-1],
        "neg_step_cols": t[:, ::-3],
        "both_neg": t.flip(0, 1),
        "offset": t[1:, 2:],
        "row": t[2],
        "col": t[:, 3],
        "holes": t.narrow(0, 1, 2).narrow(1, 2, 3).t(),
        "expand": t[1:2].expand(3, 6),
        "expand_col": t[:, 0:1].expand(4, 5),
        "unsqueezed": t[None, :, 1:2],
    }


@pytest.mark.parametrize("name", list(tensor_views(mt.zeros(4, 6))))
def test_numpy_of_views_shares_and_writes_both_ways(name):
    t = mt.tensor(BASE)
    v = tensor_views(t)[name]
    a = v.numpy()
    isz = v.element_size()
    assert a.shape == tuple(v.shape)
    assert a.strides == tuple(s * isz for s in v.stride())
    np.testing.assert_array_equal(a, np.array(v.tolist()))
    assert np.shares_memory(a, t.numpy())
    assert a.__array_interface__["data"][0] == v.data_ptr()
    # array -> tensor
    idx = (0,) * a.ndim
    a[idx] = -1.0
    assert v[idx].item() == -1.0
    # tensor -> array
    last = tuple(s - 1 for s in a.shape)
    v[last] = -2.0
    assert a[last] == -2.0
    np.testing.assert_array_equal(a, np.array(v.tolist()))


def test_numpy_of_expanded_is_stride_zero_and_writeable():
    t = mt.tensor([1.0, 2.0, 3.0])
    a = t.expand(4, 3).numpy()
    assert a.strides == (0, 4) and a.flags.writeable
    a[0, 1] = 9  # every row sees it: they are the same bytes
    assert a[:, 1].tolist() == [9.0] * 4 and t.tolist() == [1.0, 9.0, 3.0]


def test_numpy_contiguity_flags():
    t = mt.zeros(3, 4)
    assert t.numpy().flags.c_contiguous
    assert not t.t().numpy().flags.c_contiguous
    assert t.t().numpy().flags.f_contiguous


def array_views(a):
    return {
        "c": a,
        "fortran": np.asfortranarray(a),
        "T": a.T,
        "step": a[::2],
        "neg_step": a[::-1],
        "neg_cols": a[:, ::-2],
        "flip": np.flip(a),
        "flip_T": np.flip(a).T,
        "offset": a[1:, 2:],
        "row": a[1],
        "col": a[:, 1],
        "holes": a[1:3, 2:5].T,
        "size1_neg": a[2:3, ::-1],
    }


@pytest.mark.parametrize("name", list(array_views(BASE)))
def test_from_numpy_of_views_shares_and_writes_both_ways(name):
    base = BASE.copy()
    fortran = name == "fortran"
    a = array_views(base)[name]
    t = mt.from_numpy(a)
    assert t.shape == a.shape
    for s, size, bs in zip(t.stride(), a.shape, a.strides):
        if size > 1:
            assert s * 8 == bs
    assert t.tolist() == a.tolist()
    if not fortran:
        assert np.shares_memory(base, t.numpy())
    assert np.shares_memory(a, t.numpy())
    idx = (0,) * a.ndim
    t[idx] = -1.0
    assert a[idx] == -1.0
    last = tuple(s - 1 for s in a.shape)
    a[last] = -2.0
    assert t[last].item() == -2.0


def test_from_numpy_negative_strides_are_native():
    a = np.arange(10.0)[::-1]
    t = mt.from_numpy(a)
    assert t.stride() == (-1,)
    assert t.tolist() == list(range(9, -1, -1))
    assert t.numpy().strides == (-8,)


def test_from_numpy_size_one_dim_with_negative_stride():
    a = np.ascontiguousarray(np.zeros((1, 10, 20))[::-1])
    t = mt.from_numpy(a)
    assert t.shape == (1, 10, 20) and t.is_contiguous()


def test_from_numpy_broadcast_to_is_read_only_stride_zero():
    src = np.arange(3.0)
    a = np.broadcast_to(src, (4, 3))
    t = mt.from_numpy(a)
    assert t.stride() == (0, 1)
    assert t.tolist() == [[0.0, 1.0, 2.0]] * 4
    with pytest.raises(RuntimeError, match="read-only"):
        t.fill_(1)
    assert not t.numpy().flags.writeable
    src[1] = 5  # the original is writable and the tensor sees it
    assert t[3, 1].item() == 5


@pytest.mark.parametrize("shape", [(), (0,), (0, 3), (3, 0), (2, 0, 4)])
def test_zero_dim_and_empty(shape):
    a = np.zeros(shape, dtype=np.float32)
    t = mt.from_numpy(a)
    assert t.shape == shape and t.numel() == a.size
    b = t.numpy()
    assert type(b) is np.ndarray and b.shape == shape and b.dtype == np.float32
    z = mt.zeros(shape).numpy()
    assert type(z) is np.ndarray and z.shape == shape


def test_zero_dim_shares():
    a = np.array(2.5)
    t = mt.from_numpy(a)
    a[()] = 7.0
    assert t.item() == 7.0
    b = mt.tensor(1.5).numpy()
    assert b.shape == () and b.ndim == 0 and isinstance(b, np.ndarray)


def test_empty_negative_stride_array():
    a = np.zeros((0, 3))[:, ::-1]
    assert mt.from_numpy(a).shape == (0, 3)


def test_numpy_memmap_subclass_shares(tmp_path):
    m = np.memmap(tmp_path / "m.bin", dtype=np.float32, mode="w+", shape=(4,))
    t = mt.from_numpy(m)
    t[1] = 3
    assert m[1] == 3
    del t, m


# ------------------------------------------------------------ read-only


def read_only_tensor():
    a = np.arange(6.0)
    a.flags.writeable = False
    return a, mt.from_numpy(a)


@pytest.mark.parametrize(
    "write",
    [
        lambda t: t.fill_(1),
        lambda t: t.zero_(),
        lambda t: t.copy_(mt.ones(6, dtype=mt.float64)),
        lambda t: t.__setitem__(0, 5.0),
        lambda t: t.__setitem__(slice(None), 5.0),
        lambda t: t.__setitem__(slice(1, 3), mt.ones(2, dtype=mt.float64)),
        lambda t: t[1:].fill_(2),
        lambda t: t.t().zero_(),
    ],
    ids=["fill_", "zero_", "copy_", "setitem", "setitem_slice", "setitem_tensor", "view_fill_",
         "t_zero_"],
)
def test_read_only_array_gives_read_only_tensor(write):
    a, t = read_only_tensor()
    with pytest.raises(RuntimeError, match="read-only"):
        write(t)
    assert a.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


def test_read_only_tensor_exports_read_only():
    a, t = read_only_tensor()
    assert not t.numpy().flags.writeable
    assert not np.asarray(t).flags.writeable
    assert memoryview(t).readonly
    with pytest.raises(ValueError):
        t.numpy()[0] = 1
    c = t.clone()  # a copy is writable
    c.fill_(1)
    assert a[0] == 0


def test_read_only_tensor_can_be_read_and_viewed():
    a, t = read_only_tensor()
    assert t[::-2].tolist() == [5.0, 3.0, 1.0]
    assert (t.double() is t) and t.float().tolist()[1] == 1.0


def test_read_only_bytes_through_asarray():
    t = mt.asarray(b"\x01\x02")
    assert t.tolist() == [1, 2]
    with pytest.raises(RuntimeError, match="read-only"):
        t[0] = 3


# ------------------------------------------------------------ protocols


def test_array_protocol_np_asarray_is_zero_copy():
    t = mt.arange(6.0).reshape(2, 3)
    a = np.asarray(t)
    assert np.shares_memory(a, t.numpy())
    a[1, 1] = 50
    assert t[1, 1].item() == 50


def test_array_protocol_np_array_copies_by_default():
    t = mt.arange(3.0)
    a = np.array(t)
    assert not np.shares_memory(a, t.numpy())
    assert np.shares_memory(np.array(t, copy=False), t.numpy())


def test_array_dunder_numpy2_signature_no_deprecation_warning():
    t = mt.arange(4.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.shares_memory(t.__array__(), t.numpy())
        assert np.shares_memory(t.__array__(None, None), t.numpy())
        assert np.shares_memory(t.__array__(copy=False), t.numpy())
        assert not np.shares_memory(t.__array__(copy=True), t.numpy())
        assert t.__array__(np.float64).dtype == np.float64
        assert t.__array__(dtype="f4", copy=False).dtype == np.float32
        assert np.array(t, dtype=np.float64).dtype == np.float64
        assert np.asarray(t, dtype=np.int32).tolist() == [0, 1, 2, 3]
        np.array(t, copy=False)
        np.array(t, copy=True)
        np.asarray(t, copy=None)


def test_array_dunder_copy_false_with_conversion_is_value_error():
    with pytest.raises(ValueError):
        mt.arange(3.0).__array__(np.float64, copy=False)
    with pytest.raises(ValueError):
        np.array(mt.arange(3.0), dtype=np.float64, copy=False)


def test_np_asarray_of_requires_grad_and_bfloat16(no_ml_dtypes):
    with pytest.raises(RuntimeError, match="requires grad"):
        np.asarray(mt.ones(2, requires_grad=True))
    with pytest.raises(TypeError, match="BFloat16"):
        np.asarray(mt.ones(2, dtype=mt.bfloat16))


TYPESTRS = {mt.bool: "|b1", mt.uint8: "|u1", mt.int8: "|i1", mt.int16: "<i2", mt.int32: "<i4",
            mt.int64: "<i8", mt.float16: "<f2", mt.float32: "<f4", mt.float64: "<f8"}


@pytest.mark.skipif(sys.byteorder != "little", reason="typestrs written for little-endian")
@pytest.mark.parametrize("dt,npdt,vals", DTYPES, ids=DTYPE_IDS)
def test_array_interface(dt, npdt, vals):
    t = mt.tensor([vals, vals], dtype=dt)
    ai = t.__array_interface__
    assert ai["version"] == 3
    assert ai["typestr"] == TYPESTRS[dt] == np.dtype(npdt).str
    assert ai["shape"] == (2, 3) and ai["strides"] is None
    ait = t.t().__array_interface__
    assert ait["strides"] == tuple(s * t.element_size() for s in t.t().stride())


class Holder:
    """An object that exposes only someone else's __array_interface__."""

    def __init__(self, iface):
        self.__array_interface__ = iface


def test_array_interface_arrays_share_and_write_through():
    t = mt.arange(12.0).reshape(3, 4)
    for v in [t, t.t(), t[:, ::-2], t[1:, 1:], t.flip(0), t[0:1].expand(2, 4)]:
        a = np.asarray(Holder(v.__array_interface__))
        assert a.tolist() == v.tolist()
        assert np.shares_memory(a, t.numpy())
    a = np.asarray(Holder(t[1:].__array_interface__))
    a[0, 0] = -5
    assert t[1, 0].item() == -5


def test_array_interface_array_survives_set_and_resize():
    # The dict's data keeps the storage exported while the array lives.
    t = mt.arange(4.0)
    a = np.asarray(Holder(t.__array_interface__))
    t.set_(mt.zeros(1))
    junk = [mt.full((4,), 7.0) for _ in range(100)]
    assert a.tolist() == [0.0, 1.0, 2.0, 3.0]
    u = mt.arange(4.0)
    b = np.asarray(Holder(u.__array_interface__))
    with pytest.raises(RuntimeError):
        u.resize_(1000)
    assert u.shape == (4,) and b.tolist() == [0.0, 1.0, 2.0, 3.0]
    del b
    import gc

    gc.collect()
    assert u.resize_(1000).shape == (1000,)
    del junk


def test_array_interface_of_read_only_tensor_is_read_only():
    _, t = read_only_tensor()
    a = np.asarray(Holder(t.__array_interface__))
    assert not a.flags.writeable and a.tolist() == t.tolist()


def test_array_interface_errors_match_numpy(no_ml_dtypes):
    with pytest.raises(RuntimeError, match="requires grad"):
        mt.ones(2, requires_grad=True).__array_interface__
    with pytest.raises(TypeError, match="BFloat16"):
        mt.ones(2, dtype=mt.bfloat16).__array_interface__


FORMATS = {mt.bool: "?", mt.uint8: "B", mt.int8: "b", mt.int16: "h", mt.int32: "i",
           mt.int64: "q", mt.float16: "e", mt.float32: "f", mt.float64: "d"}


@pytest.mark.parametrize("dt,npdt,vals", DTYPES, ids=DTYPE_IDS)
def test_buffer_protocol(dt, npdt, vals):
    t = mt.tensor([vals, vals], dtype=dt)
    m = memoryview(t)
    assert m.format == FORMATS[dt] and m.itemsize == t.element_size()
    assert m.shape == (2, 3) and m.strides == (3 * m.itemsize, m.itemsize)
    assert not m.readonly
    a = np.asarray(m)
    assert a.dtype == np.dtype(npdt) and np.shares_memory(a, t.numpy())
    m.release()


def test_buffer_protocol_strided_and_bytes():
    t = mt.tensor([[1, 2, 3], [4, 5, 6]], dtype=mt.uint8)
    m = memoryview(t.t())
    assert m.shape == (3, 2) and m.strides == (1, 3)
    assert m.tolist() == [[1, 4], [2, 5], [3, 6]]
    assert bytes(t.t()) == bytes([1, 4, 2, 5, 3, 6])
    assert memoryview(t[:, ::-1]).tolist() == [[3, 2, 1], [6, 5, 4]]
    assert memoryview(mt.tensor(3.0)).shape == ()


def test_buffer_protocol_writes_through():
    t = mt.zeros(3)
    m = memoryview(t)
    m[1] = 4.0
    assert t.tolist() == [0.0, 4.0, 0.0]


def test_buffer_protocol_errors():
    with pytest.raises(BufferError):
        memoryview(mt.ones(2, requires_grad=True))
    with pytest.raises(BufferError):
        memoryview(mt.ones(2, dtype=mt.bfloat16))


def test_np_asarray_uses_buffer_without_python_call():
    t = mt.arange(5.0)
    a = np.asarray(t)
    assert isinstance(a.base, memoryview) or a.base is not None
    assert np.shares_memory(a, t.numpy())


def test_array_priority():
    assert mt.Tensor.__array_priority__ == 1000
    assert mt.ones(1).__array_priority__ > np.ones(1).__array_priority__


def test_numpy_export_flags_and_base():
    t = mt.arange(4.0)
    a = t.numpy()
    assert not a.flags.owndata
    assert a.base is not None and a.base is not t and not hasattr(a.base, "set_")
    with pytest.raises(ValueError):
        a.resize(10)


def test_numpy_is_o1_for_big_tensors():
    # No copy: the array points at the tensor's bytes whatever the size.
    t = mt.zeros(4_000_000)
    a = t.numpy()
    assert a.__array_interface__["data"][0] == t.data_ptr()


def test_buffer_consumers_that_want_simple_bytes():
    import hashlib
    import struct

    t = mt.arange(4.0)
    assert np.frombuffer(t, dtype=np.uint8).size == 16
    assert hashlib.sha256(t).digest() == hashlib.sha256(t.numpy().tobytes()).digest()
    assert struct.unpack("4f", t) == (0.0, 1.0, 2.0, 3.0)
    assert memoryview(t).cast("B").nbytes == 16
    with pytest.raises(BufferError):
        np.frombuffer(t.reshape(2, 2).t(), dtype=np.uint8)  # not contiguous


def test_array_interface_of_empty_and_zero_d():
    assert np.asarray(Holder(mt.tensor(2.5).__array_interface__)).tolist() == 2.5
    assert np.asarray(Holder(mt.zeros(0, 3).__array_interface__)).shape == (0, 3)
    assert np.asarray(Holder(mt.zeros(3).set_().__array_interface__)).shape == (0,)


def _buffer_request(obj, flags):
    """PyObject_GetBuffer(obj, flags) through ctypes: (ndim, strides) or the exception class."""
    import ctypes

    class Py_buffer(ctypes.Structure):
        _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.py_object),
                    ("len", ctypes.c_ssize_t), ("itemsize", ctypes.c_ssize_t),
                    ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
                    ("format", ctypes.c_char_p), ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
                    ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
                    ("suboffsets", ctypes.POINTER(ctypes.c_ssize_t)), ("internal", ctypes.c_void_p)]

    get = ctypes.pythonapi.PyObject_GetBuffer
    get.argtypes = [ctypes.py_object, ctypes.POINTER(Py_buffer), ctypes.c_int]
    release = ctypes.pythonapi.PyBuffer_Release
    release.argtypes = [ctypes.POINTER(Py_buffer)]
    b = Py_buffer()
    try:
        get(obj, ctypes.byref(b), flags)
    except (BufferError, ValueError):  # NumPy says ValueError, CPython's convention BufferError
        return "refused"
    out = (b.ndim, tuple(b.strides[i] for i in range(b.ndim)) if b.strides else None)
    release(ctypes.byref(b))
    return out


BUFFER_LAYOUTS = {
    # name: (minitorch tensor, the same layout in NumPy)
    "c": lambda: (mt.zeros(2, 3), np.zeros((2, 3), np.float32)),
    "t": lambda: (mt.zeros(2, 3).t(), np.zeros((2, 3), np.float32).T),
    "expand": lambda: (mt.zeros(1, 3).expand(2, 3),
                       np.broadcast_to(np.zeros((1, 3), np.float32), (2, 3))),
    "step": lambda: (mt.zeros(4, 3)[::2], np.zeros((4, 3), np.float32)[::2]),
    "row": lambda: (mt.zeros(1, 3), np.zeros((1, 3), np.float32)),
    "empty": lambda: (mt.zeros(0, 3), np.zeros((0, 3), np.float32)),
    "zero_d": lambda: (mt.zeros(()), np.zeros((), np.float32)),
}


@pytest.mark.parametrize("flag", ["C", "F", "ANY", "STRIDES", "ND"])
@pytest.mark.parametrize("layout", list(BUFFER_LAYOUTS))
def test_buffer_contiguity_requests_like_numpy(flag, layout):
    # Regression: C/Fortran/any-contiguous requests used to be served strided views.
    strided = 0x18  # PyBUF_STRIDES
    flags = {"C": 0x20 | strided, "F": 0x40 | strided, "ANY": 0x80 | strided,
             "STRIDES": strided, "ND": 0x08}[flag]
    t, a = BUFFER_LAYOUTS[layout]()
    ours, theirs = _buffer_request(t, flags), _buffer_request(a, flags)
    assert (ours == "refused") == (theirs == "refused")
    if ours != "refused" and t.numel() > 1 and layout != "row":
        assert ours == theirs  # (strides of size-1 dims are free; NumPy rewrites them)


def test_structured_field_views_refused_then_copied():
    a = np.zeros(3, dtype=np.dtype([("a", "i1"), ("b", "f8")], align=False))
    a["b"] = [1.5, 2.5, 3.5]
    with pytest.raises(ValueError):
        mt.from_numpy(a["b"])
    assert mt.tensor(a["b"]).tolist() == [1.5, 2.5, 3.5]
    assert mt.as_tensor(a["b"]).tolist() == [1.5, 2.5, 3.5]
