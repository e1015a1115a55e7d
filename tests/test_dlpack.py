"""DLPack both ways (Note [DLPack exchange]) and ml_dtypes bfloat16 arrays (Note [bfloat16
arrays]): NumPy round trips for every dtype and layout, ownership (the producer's deleter runs
exactly once in any release order, from any thread), read-only propagation, malformed and
consumed capsules. Torch round trips use oracle.real_torch() (torch_live): a capsule cannot go
through the recording proxy; the expected values come from NumPy, so nothing is recorded."""

import ctypes
import gc
import itertools
import sys
import threading
import weakref

import numpy as np
import oracle
import pytest

import minitorch as mt

NP_DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def _values(dt, shape=(4, 6)):
    a = np.arange(int(np.prod(shape))).reshape(shape)
    return (a % 2 == 0) if dt == "bool" else (a % 100).astype(dt)


# NumPy view -> the layout under test (each shares the base array's bytes)
LAYOUTS = {
    "contiguous": lambda a: a,
    "transposed": lambda a: a.T,
    "negative": lambda a: a[::-1, ::-2],
    "stride0": lambda a: np.broadcast_to(a[:1], a.shape),
    "offset": lambda a: a[1:, 2:],
    "noncompact": lambda a: a[:, ::3],
    "empty": lambda a: a[:0],
    "scalar": lambda a: a[1, 2],
}


def _ptr(a):
    return a.__array_interface__["data"][0]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dt", NP_DTYPES)
def test_numpy_round_trip_every_dtype_and_layout(dt, layout):
    a = LAYOUTS[layout](_values(dt))
    a = np.asarray(a)  # numpy scalars -> 0-d arrays
    t = mt.from_dlpack(a)
    assert t.shape == a.shape and str(t.dtype) == f"minitorch.{dt}"
    np.testing.assert_array_equal(t.numpy(), a)
    if a.size:
        assert t.data_ptr() == _ptr(a)  # shared, no copy
        assert t.stride() == tuple(s // a.itemsize for s in a.strides) or a.ndim == 0
    back = np.from_dlpack(t)
    np.testing.assert_array_equal(back, a)
    if a.size:
        assert _ptr(back) == _ptr(a)
    # and from a tensor's own layout (minitorch's strides, not NumPy's)
    u = mt.from_numpy(np.ascontiguousarray(_values(dt)))
    for view in (u.t(), u[1:, 2:], u[:, ::2], u[:1].expand(4, 6)):
        np.testing.assert_array_equal(np.from_dlpack(view), view.numpy())
        assert _ptr(np.from_dlpack(view)) == view.data_ptr()


def test_writes_are_shared_both_ways():
    t = mt.zeros(2, 3)
    a = np.from_dlpack(t)
    a[0, 1] = 5.0
    assert t[0, 1].item() == 5.0
    b = np.zeros(4, dtype=np.int32)
    u = mt.from_dlpack(b[::-1])
    u[0] = 7
    assert b.tolist() == [0, 0, 0, 7]


def test_own_capsule_is_a_view_of_the_same_storage():
    t = mt.arange(12.0).reshape(3, 4)[1:]
    for cap in (t.__dlpack__(), t.__dlpack__(max_version=(1, 0))):
        v = mt.from_dlpack(cap)
        assert v.data_ptr() == t.data_ptr() and v.stride() == t.stride()
        v.add_(1)  # same storage: the version counter is shared too
        assert t[0, 0].item() == v[0, 0].item()
    assert mt.from_dlpack(t).data_ptr() == t.data_ptr()


def test_bfloat16_through_dlpack():
    t = mt.tensor([1.5, -2.0, 3.0], dtype=mt.bfloat16)
    v = mt.from_dlpack(t.__dlpack__())
    assert v.dtype is mt.bfloat16 and v.tolist() == [1.5, -2.0, 3.0]


def test_capsule_names_and_kwargs():
    t = mt.ones(3)
    assert "dltensor" in repr(t.__dlpack__()) and "versioned" not in repr(t.__dlpack__())
    assert '"dltensor_versioned"' in repr(t.__dlpack__(max_version=(1, 0)))
    assert '"dltensor_versioned"' in repr(t.__dlpack__(max_version=(1, 3)))
    assert '"dltensor"' in repr(t.__dlpack__(max_version=(0, 8)))
    assert t.__dlpack_device__() == (1, 0)
    assert mt.from_dlpack(t.__dlpack__(dl_device=(1, 0), stream=None)).data_ptr() == t.data_ptr()
    c = mt.from_dlpack(t.__dlpack__(copy=True))
    assert c.data_ptr() != t.data_ptr() and c.tolist() == [1.0, 1.0, 1.0]
    assert mt.from_dlpack(t.__dlpack__(copy=False)).data_ptr() == t.data_ptr()
    with pytest.raises(BufferError, match="only to the CPU"):
        t.__dlpack__(dl_device=(2, 0))
    with pytest.raises(TypeError, match="stream must be"):
        t.__dlpack__(stream="x")
    for stream in (5, 2**70):
        with pytest.raises(AssertionError, match="stream should be None on cpu"):
            t.__dlpack__(stream=stream)
    assert '"dltensor"' in repr(t.__dlpack__(stream=-1))  # PyTorch's default: no sync
    with pytest.raises(TypeError):
        t.__dlpack__(1)  # keyword-only
    with pytest.raises(TypeError, match="max_version"):
        t.__dlpack__(max_version=1)
    c = mt.from_dlpack(np.arange(3.0), copy=True)
    assert c.tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(ValueError, match="capsule"):
        mt.from_dlpack(t.__dlpack__(), copy=True)


def test_utils_dlpack_module():
    import minitorch.utils.dlpack as D

    t = mt.arange(4)
    cap = D.to_dlpack(t)
    assert '"dltensor"' in repr(cap)
    assert D.from_dlpack(cap).tolist() == [0, 1, 2, 3]
    assert mt.utils.dlpack.from_dlpack is mt.from_dlpack
    assert D.DLDeviceType.kDLCPU == 1


def test_asarray_takes_dlpack_producers():
    class Producer:  # only the DLPack protocol, no buffer, no __array__
        def __init__(self, a):
            self.a = a

        def __dlpack__(self, **kw):
            return self.a.__dlpack__(**kw)

        def __dlpack_device__(self):
            return self.a.__dlpack_device__()

    a = np.arange(5.0)
    t = mt.asarray(Producer(a))
    assert t.data_ptr() == _ptr(a) and t.tolist() == a.tolist()
    assert mt.asarray(Producer(a), dtype=mt.float32).dtype is mt.float32
    assert mt.asarray(Producer(a), copy=True).data_ptr() != _ptr(a)


TORCH_GRAD_MESSAGE = "Can't export tensors that require gradient, use tensor.detach()"


@pytest.mark.torch_live
def test_requires_grad_export_matches_torch_live():
    torch = oracle.real_torch()  # the recording proxy does not forward dunder methods
    with pytest.raises(BufferError) as th:
        torch.ones(2, requires_grad=True).__dlpack__()
    assert str(th.value) == TORCH_GRAD_MESSAGE


def test_requires_grad_export_raises_torch_error():
    with pytest.raises(BufferError) as ours:
        mt.ones(2, requires_grad=True).__dlpack__()
    assert str(ours.value) == TORCH_GRAD_MESSAGE
    with mt.no_grad():  # as PyTorch: the flag, not grad mode, decides
        with pytest.raises(BufferError):
            mt.ones(2, requires_grad=True).__dlpack__()
    assert np.from_dlpack(mt.ones(2, requires_grad=True).detach()).tolist() == [1.0, 1.0]


# ---------------------------------------------------------------- read-only

def test_read_only_both_ways():
    a = np.arange(4.0)
    a.flags.writeable = False
    t = mt.from_dlpack(a)  # NumPy sets the versioned read-only flag
    assert t._is_read_only()
    with pytest.raises(RuntimeError, match="read-only"):
        t.add_(1)
    b = np.from_dlpack(t)
    assert not b.flags.writeable and _ptr(b) == _ptr(a)
    # the legacy capsule cannot say read-only: a private writable copy, or BufferError
    c = mt.from_dlpack(t.__dlpack__())
    assert c.data_ptr() != t.data_ptr() and not c._is_read_only() and c.tolist() == a.tolist()
    with pytest.raises(BufferError, match="read-only"):
        t.__dlpack__(copy=False)
    v = mt.from_dlpack(t.__dlpack__(max_version=(1, 0), copy=False))
    assert v.data_ptr() == t.data_ptr() and v._is_read_only()


# ------------------------------------------------------------ ownership

def test_storage_export_blocks_resize_until_released():
    t = mt.zeros(4)
    cap = t.__dlpack__()
    with pytest.raises(RuntimeError, match="DLPack"):
        t.resize_(1000)
    del cap
    gc.collect()
    t.resize_(1000)  # the unconsumed capsule released its export
    a = np.from_dlpack(t)
    with pytest.raises(RuntimeError):
        t.resize_(5000)
    del a
    gc.collect()
    t.resize_(5000)


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_numpy_producer_released_once_in_any_order(order):
    base = np.arange(10.0)
    freed = []
    weakref.finalize(base, freed.append, 1)
    t = mt.from_dlpack(base[::-1])
    objs = [base, t, t[2:5]]
    del base, t
    for i in order:
        objs[i] = None
        gc.collect(0)
        if i != order[-1]:
            assert freed == []
    assert freed == [1]


def test_release_from_a_second_thread():
    base = np.arange(10.0)
    freed = []
    weakref.finalize(base, freed.append, 1)
    t = mt.from_dlpack(base)
    del base
    holder = [t]
    del t
    th = threading.Thread(target=holder.clear)
    th.start()
    th.join()
    gc.collect()
    assert freed == [1]
    # and an export of ours consumed by NumPy, released on another thread
    u = mt.arange(6.0)
    a = [np.from_dlpack(u)]
    th = threading.Thread(target=a.clear)
    th.start()
    th.join()
    u.resize_(1000)  # the export is gone


# ------------------------------------------ hand-made capsules (ctypes)

class DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class DLTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device", DLDevice), ("ndim", ctypes.c_int32),
                ("dtype", DLDataType), ("shape", ctypes.POINTER(ctypes.c_int64)),
                ("strides", ctypes.POINTER(ctypes.c_int64)), ("byte_offset", ctypes.c_uint64)]


class DLManaged(ctypes.Structure):
    pass


DELETER = ctypes.CFUNCTYPE(None, ctypes.POINTER(DLManaged))
DLManaged._fields_ = [("dl_tensor", DLTensor), ("manager_ctx", ctypes.c_void_p),
                      ("deleter", DELETER)]


class DLVersioned(ctypes.Structure):
    pass


VDELETER = ctypes.CFUNCTYPE(None, ctypes.POINTER(DLVersioned))
DLVersioned._fields_ = [("major", ctypes.c_uint32), ("minor", ctypes.c_uint32),
                        ("manager_ctx", ctypes.c_void_p), ("deleter", VDELETER),
                        ("flags", ctypes.c_uint64), ("dl_tensor", DLTensor)]

_capsule_new = ctypes.pythonapi.PyCapsule_New
_capsule_new.restype = ctypes.py_object
_capsule_new.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]


class Made:
    """A capsule over `arr` (kept alive here) with a counting deleter."""

    def __init__(self, arr, versioned=False, shape=None, strides=None, code=None, bits=None,
                 lanes=1, device=(1, 0), ndim=None, data=None, byte_offset=0, major=1,
                 flags=0):
        self.arr = arr
        self.calls = 0
        shape = arr.shape if shape is None else shape
        strides = [s // arr.itemsize for s in arr.strides] if strides is None else strides
        nd = len(shape) if ndim is None else ndim
        self.shape = (ctypes.c_int64 * max(len(shape), 1))(*shape)
        null = strides == "null"
        strides = [] if null else strides
        self.strides = (ctypes.c_int64 * max(len(strides), 1))(*strides)
        kind = {"b": 6, "u": 1, "i": 0, "f": 2}[arr.dtype.kind]
        t = DLTensor(ctypes.c_void_p(_ptr(arr) if data is None else data), DLDevice(*device), nd,
                     DLDataType(kind if code is None else code,
                                arr.itemsize * 8 if bits is None else bits, lanes),
                     ctypes.cast(self.shape, ctypes.POINTER(ctypes.c_int64)),
                     ctypes.cast(self.strides, ctypes.POINTER(ctypes.c_int64))
                     if not null else None, byte_offset)

        def count(_):
            self.calls += 1

        if versioned:
            self.fn = VDELETER(count)
            self.m = DLVersioned(major, 0, None, self.fn, flags, t)
            name = b"dltensor_versioned"
        else:
            self.fn = DELETER(count)
            self.m = DLManaged(t, None, self.fn)
            name = b"dltensor"
        self.capsule = _capsule_new(ctypes.addressof(self.m), name, None)


_capsule_ptr = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_ptr.restype = ctypes.c_void_p
_capsule_ptr.argtypes = [ctypes.py_object, ctypes.c_char_p]


def _versioned_header(cap):
    m = DLVersioned.from_address(_capsule_ptr(cap, b"dltensor_versioned"))
    return (m.major, m.minor), m.flags, m.dl_tensor


def test_exported_versioned_header_and_flags():
    t = mt.arange(12.0).reshape(3, 4)[:, 1:]
    cap = t.__dlpack__(max_version=(1, 0))
    version, flags, d = _versioned_header(cap)
    assert version == (1, 0) and flags == 0
    assert (d.device.device_type, d.device.device_id, d.ndim) == (1, 0, 2)
    assert (d.dtype.code, d.dtype.bits, d.dtype.lanes) == (2, 32, 1)
    assert [d.shape[i] for i in range(2)] == [3, 3] and [d.strides[i] for i in range(2)] == [4, 1]
    assert d.data == t.data_ptr() and d.byte_offset == 0
    assert _versioned_header(t.__dlpack__(max_version=(1, 0), copy=True))[1] == 2  # IS_COPIED
    ro_arr = np.arange(3.0)
    ro_arr.flags.writeable = False
    ro = mt.from_numpy(ro_arr)
    assert _versioned_header(ro.__dlpack__(max_version=(1, 0)))[1] == 1  # READ_ONLY
    codes = {mt.bool: (6, 8), mt.uint8: (1, 8), mt.int8: (0, 8), mt.int16: (0, 16),
             mt.int32: (0, 32), mt.int64: (0, 64), mt.float16: (2, 16), mt.bfloat16: (4, 16),
             mt.float32: (2, 32), mt.float64: (2, 64)}
    for dt, (code, bits) in codes.items():
        d = _versioned_header(mt.zeros(2, dtype=dt).__dlpack__(max_version=(1, 0)))[2]
        assert (d.dtype.code, d.dtype.bits) == (code, bits), dt


@pytest.mark.parametrize("versioned", [False, True])
def test_made_capsule_deleter_runs_once_in_every_release_order(versioned):
    for order in itertools.permutations(range(3)):
        m = Made(np.arange(12.0).reshape(3, 4), versioned=versioned)
        t = mt.from_dlpack(m.capsule)
        assert "used_dltensor" in repr(m.capsule)
        objs = [t, t.t(), m.capsule]
        del t
        for i in order:
            # the tensors own the bytes; the consumed capsule no longer does
            assert m.calls == (0 if objs[0] is not None or objs[1] is not None else 1)
            objs[i] = None
            gc.collect(0)  # the young generation: enough to free anything unreachable here
        gc.collect()
        assert m.calls == 1, order


def test_made_capsule_released_from_a_second_thread():
    m = Made(np.arange(6.0), versioned=True)
    holder = [mt.from_dlpack(m.capsule)]
    th = threading.Thread(target=holder.clear)
    th.start()
    th.join()
    gc.collect()
    assert m.calls == 1


def test_made_capsule_read_only_flag():
    m = Made(np.arange(6.0), versioned=True, flags=1)
    t = mt.from_dlpack(m.capsule)
    assert t._is_read_only()
    with pytest.raises(RuntimeError, match="read-only"):
        t.mul_(2)


def test_made_capsule_strides_torch_aborts_on():
    base = np.arange(24.0)
    # negative, zero and non-compact strides from the last element backwards
    m = Made(base, shape=(3, 2, 4), strides=[-8, 0, -2], data=_ptr(base) + 23 * 8)
    t = mt.from_dlpack(m.capsule)
    want = np.lib.stride_tricks.as_strided(base[23:], shape=(3, 2, 4), strides=(-64, 0, -16))
    np.testing.assert_array_equal(t.numpy(), want)
    # null strides mean compact row-major; byte_offset is honoured
    m2 = Made(base, shape=(2, 3), strides="null", byte_offset=16)
    np.testing.assert_array_equal(mt.from_dlpack(m2.capsule).numpy(), base[2:8].reshape(2, 3))


BAD = {
    "complex": (dict(code=5, bits=64), BufferError, "complex"),
    "lanes": (dict(lanes=4), BufferError, "lanes 4"),
    "opaque": (dict(code=3), BufferError, "unsupported DLPack dtype"),
    "bits": (dict(bits=24), BufferError, "unsupported DLPack dtype"),
    "cuda": (dict(device=(2, 0)), BufferError, "device memory"),
    "unknown_device": (dict(device=(99, 0)), BufferError, "device type 99"),
    "ndim": (dict(ndim=-1), BufferError, "dimensions"),
    "negative_size": (dict(shape=(-2,), strides=(1,)), BufferError, "negative size"),
    "null_data": (dict(data=0), BufferError, "null"),
    "misaligned": (dict(byte_offset=1), BufferError, "aligned"),
    "overflow_stride": (dict(shape=(3,), strides=(2**62,)), RuntimeError, "overflow"),
    "below_zero": (dict(shape=(3,), strides=(-2**40,), data=8), BufferError, "address space"),
    "numel_overflow": (dict(shape=(2**40, 2**40), strides=(0, 0)), BufferError, "overflows"),
}


@pytest.mark.parametrize("case", BAD)
def test_malformed_capsules_raise_and_stay_unconsumed(case):
    kw, exc, msg = BAD[case]
    for versioned in (False, True):
        m = Made(np.arange(4.0), versioned=versioned, **kw)
        with pytest.raises(exc, match=msg):
            mt.from_dlpack(m.capsule)
        assert '"dltensor' in repr(m.capsule)  # not renamed: still the producer's
        assert m.calls == 0


def test_unsupported_version_consumed_and_wrong_capsules():
    m = Made(np.arange(4.0), versioned=True, major=2)
    with pytest.raises(BufferError, match="version 2"):
        mt.from_dlpack(m.capsule)
    m = Made(np.arange(4.0))
    mt.from_dlpack(m.capsule)
    with pytest.raises(RuntimeError, match="already consumed"):
        mt.from_dlpack(m.capsule)
    other = _capsule_new(ctypes.addressof(m.m), b"something", None)
    with pytest.raises(RuntimeError, match="invalid DLPack capsule"):
        mt.from_dlpack(other)
    with pytest.raises(TypeError, match="__dlpack__"):
        mt.from_dlpack([1, 2])
    gc.collect()
    assert m.calls == 1


def test_failed_imports_leave_refcounts_unchanged():
    a = np.arange(4.0)
    m = Made(a, code=5, bits=64)
    before = sys.getrefcount(m.capsule), sys.getrefcount(a)
    for _ in range(200):
        with pytest.raises(BufferError):
            mt.from_dlpack(m.capsule)
    assert (sys.getrefcount(m.capsule), sys.getrefcount(a)) == before


def test_exports_and_imports_leak_nothing():
    t = mt.arange(8.0)
    a = np.arange(8.0)
    before = sys.getrefcount(t), sys.getrefcount(a)
    for _ in range(300):
        np.from_dlpack(t)
        mt.from_dlpack(t.__dlpack__(max_version=(1, 0)))
        mt.from_dlpack(a)
        t.__dlpack__()  # dropped unconsumed: the capsule's destructor frees it
    gc.collect()
    assert (sys.getrefcount(t), sys.getrefcount(a)) == before
    t.resize_(10000)  # every export was released


class _Producer:
    def __init__(self, dlpack=None, device=None):
        self._dlpack, self._device = dlpack, device

    def __dlpack__(self, **kw):
        return self._dlpack(**kw)

    def __dlpack_device__(self):
        return self._device() if callable(self._device) else self._device


def test_argument_and_producer_errors():
    t = mt.ones(2)
    with pytest.raises(TypeError, match="dl_device"):
        t.__dlpack__(dl_device="cpu")
    with pytest.raises(TypeError):
        t.__dlpack__(max_version=("a", 0))
    with pytest.raises(TypeError):
        t.__dlpack__(copy="yes")
    a = np.arange(3.0)

    def boom(**kw):
        raise KeyError("producer failed")

    with pytest.raises(KeyError, match="producer failed"):
        mt.from_dlpack(_Producer(boom, (1, 0)))
    with pytest.raises(TypeError, match="capsule"):
        mt.from_dlpack(_Producer(lambda **kw: 42, (1, 0)))
    with pytest.raises(TypeError, match="__dlpack_device__"):
        mt.from_dlpack(_Producer(a.__dlpack__, "cpu"))
    with pytest.raises(BufferError, match="device type 2"):
        mt.from_dlpack(_Producer(a.__dlpack__, (2, 0)))
    with pytest.raises(ValueError, match="without copying"):
        mt.from_dlpack(a, device="cuda", copy=False)
    # a producer without the newer keywords: from_dlpack retries without them
    calls = []

    def old_style(stream=None):
        calls.append(stream)
        return a.__dlpack__()

    u = mt.from_dlpack(_Producer(old_style, (1, 0)), copy=True)
    assert u.tolist() == a.tolist() and u.data_ptr() != _ptr(a) and calls == [None]
    v = mt.from_dlpack(_Producer(old_style, (1, 0)), device="cpu")
    assert v.data_ptr() == _ptr(a)


# ------------------------------------------------------------------ torch

TORCH_LAYOUTS = ["contiguous", "transposed", "stride0", "offset", "noncompact", "empty", "scalar"]


@pytest.mark.torch_live
@pytest.mark.parametrize("dt", NP_DTYPES + ["bfloat16"])
def test_torch_round_trips(dt):
    torch = oracle.real_torch()
    src = _values("float32" if dt == "bfloat16" else dt)
    for layout in TORCH_LAYOUTS:
        a = np.asarray(LAYOUTS[layout](src))
        t = mt.from_numpy(np.ascontiguousarray(src))
        if dt == "bfloat16":
            t = t.to(mt.bfloat16)
        t = {"contiguous": t, "transposed": t.t(), "stride0": t[:1].expand(4, 6),
             "offset": t[1:, 2:], "noncompact": t[:, ::3], "empty": t[:0],
             "scalar": t[1, 2]}[layout]
        th = torch.from_dlpack(t)  # torch consumes our capsule
        assert tuple(th.shape) == a.shape and tuple(th.stride()) == t.stride()
        if t.numel():
            assert th.data_ptr() == t.data_ptr()
        np.testing.assert_array_equal(th.float().numpy() if dt == "bfloat16" else th.numpy(),
                                      a)
        back = mt.from_dlpack(th)  # and we consume torch's
        assert back.dtype == t.dtype and back.stride() == t.stride()
        if t.numel():
            assert back.data_ptr() == t.data_ptr()
        np.testing.assert_array_equal(back.float().numpy() if dt == "bfloat16" else back.numpy(),
                                      a)


@pytest.mark.torch_live
def test_torch_tensor_released_once():
    torch = oracle.real_torch()
    th = torch.arange(6.0)
    freed = []
    weakref.finalize(th, freed.append, 1)
    t = mt.from_dlpack(th.__dlpack__(max_version=(1, 0)))
    del th
    gc.collect()
    assert freed == []  # torch's deleter holds its tensor while we use the bytes
    assert t.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    del t
    gc.collect()
    assert freed == [1]


# -------------------------------------------------------- bfloat16 arrays

@pytest.fixture
def no_ml_dtypes():
    old = mt._C._disable_ml_dtypes(True)
    yield
    mt._C._disable_ml_dtypes(old)


def test_bfloat16_numpy_is_zero_copy_ml_dtypes():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    t = mt.tensor([[1.5, -2.0, 3.0], [0.25, 8.0, -0.5]], dtype=mt.bfloat16)
    a = t.numpy()
    assert a.dtype == ml_dtypes.bfloat16 and a.shape == (2, 3) and _ptr(a) == t.data_ptr()
    np.testing.assert_array_equal(a.astype(np.float32), t.float().numpy())
    a[0, 0] = 4.0
    assert t[0, 0].item() == 4.0
    v = t.t()[1:]
    np.testing.assert_array_equal(v.numpy().astype(np.float32), v.float().numpy())
    assert np.asarray(t).dtype == ml_dtypes.bfloat16


def test_bfloat16_arrays_import():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    a = np.array([[1.5, 2.5, -3.0], [7.0, 0.125, 9.0]], dtype=ml_dtypes.bfloat16)
    for arr in (a, a[:, ::-1], a.T, a[1:]):
        t = mt.from_numpy(arr)
        assert t.dtype is mt.bfloat16 and t.data_ptr() == _ptr(arr)
        np.testing.assert_array_equal(t.float().numpy(), arr.astype(np.float32))
        s = mt.as_tensor(arr)
        assert s.dtype is mt.bfloat16 and s.data_ptr() == _ptr(arr)
        c = mt.tensor(arr)
        assert c.dtype is mt.bfloat16 and c.data_ptr() != _ptr(arr)
        np.testing.assert_array_equal(c.float().numpy(), arr.astype(np.float32))
    f = mt.as_tensor(a, dtype=mt.float32)
    np.testing.assert_array_equal(f.numpy(), a.astype(np.float32))
    ro = a.copy()
    ro.flags.writeable = False
    assert mt.from_numpy(ro)._is_read_only()


def test_bfloat16_without_ml_dtypes_keeps_torch_type_error(no_ml_dtypes):
    t = mt.ones(2, dtype=mt.bfloat16)
    with pytest.raises(TypeError, match="Got unsupported ScalarType BFloat16.*install ml_dtypes"):
        t.numpy()
    with pytest.raises(TypeError, match="BFloat16"):
        np.asarray(t)
