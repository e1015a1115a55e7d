"""API fuzzing: random programs over the public API, run on minitorch and on
a NumPy model of the same program side by side.

The state machine keeps a pool of live objects: minitorch tensors and NumPy
arrays that share memory with them. Every object has a model: a NumPy view
of a "model storage" (a 1-D NumPy array standing for the real bytes), built
with NumPy's own view operations, so that two objects alias in the model
exactly when they must alias in reality. After every step every live object
must agree with its model: shape, dtype, values, strides and the address of
its first element (relative to the real storage it views).

Steps: creation from random nested data / shapes / dtypes, from_numpy of
random NumPy views (negative and zero strides, read-only arrays), numpy()
round trips, views of views (VIEW_OPS in fuzz_ops.py, as_strided, reshape),
copies (clone, to), in-place writes (fill_, zero_, copy_, __setitem__, and
writes through the NumPy side), deletions in random order with gc.collect(),
and calls with junk arguments. Each step either matches NumPy or raises one
of the allowed exception classes; it never crashes and never changes an
object it was not asked to write.

Budget: the hypothesis profile chosen in conftest.py (about 2 minutes in
CI); MINITORCH_FUZZ_EXAMPLES=N runs N programs per machine.
"""

import gc
import math
import os
import warnings

import numpy as np
import pytest
from fuzz_ops import ALL_DTYPES, NEW_OPS, VIEW_OPS, _as_strided, _np_view, np_dtype
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import minitorch as m

ALLOWED = (TypeError, ValueError, IndexError, RuntimeError, NotImplementedError)
MAX_LIVE = 10

# ---- values: exact in every dtype (bf16 has 8 significant bits) and never
# negative, so any conversion between dtypes is exact and defined in C++ ----
value_st = st.integers(0, 200).map(lambda k: k / 2)  # 0, 0.5, ..., 100


def cast_value(v, dtype):
    if dtype == "bool":
        return bool(v)
    if dtype in ("uint8", "int8", "int16", "int32", "int64"):
        return int(v)
    return float(v)


def convert(arr, dtype):
    """NumPy model of a dtype conversion (truncation toward zero, bool = nonzero)."""
    return arr.astype(np_dtype(dtype))


class Store:
    """The model of one real block of bytes."""

    def __init__(self, arr, real_addr, readonly=False):
        self.arr = arr  # 1-D model array
        self.real_addr = real_addr  # address of arr[0] in reality
        self.readonly = readonly


class Obj:
    def __init__(self, obj, model, store, dtype, how=""):
        self.how = how  # how it was made (for failure messages)
        self.obj = obj  # minitorch.Tensor or np.ndarray
        self.model = model  # NumPy view of store.arr
        self.store = store
        self.dtype = dtype  # minitorch dtype name

    @property
    def is_tensor(self):
        return isinstance(self.obj, m.Tensor)


def addr(a):
    return a.__array_interface__["data"][0]


def model_view(store, shape, strides_bytes, offset_bytes):
    base = store.arr
    return np.lib.stride_tricks.as_strided(base[offset_bytes // base.itemsize:], shape,
                                           strides_bytes, writeable=True)


def reach(shape, strides):
    """Lowest and highest element offsets a view reaches (elements)."""
    if any(s == 0 for s in shape):
        return 0, -1
    lo = sum((n - 1) * s for n, s in zip(shape, strides) if s < 0)
    hi = sum((n - 1) * s for n, s in zip(shape, strides) if s > 0)
    return lo, hi


def writable_internally(model):
    return not any(st_ == 0 and n > 1 for n, st_ in zip(model.shape, model.strides))


class APIMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.live = []

    # ---------------- helpers ----------------
    def add(self, obj, model, store, dtype, how=""):
        self.live.append(Obj(obj, model, store, dtype, how))
        if len(self.live) > MAX_LIVE:
            del self.live[0]

    def pick(self, data, tensors_only=True):
        pool = [o for o in self.live if o.is_tensor or not tensors_only]
        if not pool:
            return None
        return data.draw(st.sampled_from(pool))

    def storage_start(self, o):
        """Real address of element 0 of o's storage, from the tensor's own metadata."""
        t = o.obj
        return t.data_ptr() - t.storage_offset() * t.element_size()

    def derived(self, o, result, model, how=""):
        """Records a view of o (same store)."""
        self.add(result, model, o.store, o.dtype, f"{o.how} -> {how}")

    # ---------------- creation ----------------
    @rule(data=st.data(), dtype=st.sampled_from(ALL_DTYPES),
          shape=st.lists(st.integers(0, 4), max_size=4))
    def create_from_data(self, data, dtype, shape):
        n = math.prod(shape)
        vals = data.draw(st.lists(value_st, min_size=n, max_size=n))
        vals = [cast_value(v, dtype) for v in vals]
        nested = np.array(vals, dtype=np_dtype(dtype)).reshape(shape).tolist()
        # (0, 3) becomes [] in nested lists: the model follows the data
        model = np.array(nested, dtype=np_dtype(dtype))
        if data.draw(st.booleans()) and shape:
            nested = _tupleize(nested)
        t = m.tensor(nested, dtype=getattr(m, dtype))
        assert t.is_contiguous() and t.storage_offset() == 0
        store = Store(model.reshape(-1).copy(), t.data_ptr())
        self.add(t, model_view(store, model.shape, _cstrides(model), 0), store, dtype)

    @rule(data=st.data(), dtype=st.sampled_from([d for d in ALL_DTYPES if d != "bfloat16"]),
          n=st.integers(0, 24), readonly=st.booleans())
    def create_from_numpy(self, data, dtype, n, readonly):
        base = np.array([cast_value(v, dtype) for v in data.draw(
            st.lists(value_st, min_size=n, max_size=n))], dtype=np_dtype(dtype))
        view = base
        shape = _draw_factor_shape(data, n)
        view = view.reshape(shape)
        for _ in range(data.draw(st.integers(0, 3))):
            if view.ndim == 0:
                break
            kind = data.draw(st.sampled_from(["neg", "step", "T", "zero"]))
            ax = data.draw(st.integers(0, view.ndim - 1))
            idx = [slice(None)] * view.ndim
            if kind == "neg":
                idx[ax] = slice(None, None, -data.draw(st.integers(1, 2)))
                view = view[tuple(idx)]
            elif kind == "step":
                idx[ax] = slice(data.draw(st.integers(0, 1)), None, data.draw(st.integers(1, 3)))
                view = view[tuple(idx)]
            elif kind == "T":
                view = view.T
            else:  # a stride-0 dim, writeable (NumPy allows it through as_strided)
                shp, strd = list(view.shape), list(view.strides)
                shp.insert(ax, data.draw(st.integers(0, 3)))
                strd.insert(ax, 0)
                view = np.lib.stride_tricks.as_strided(view, shp, strd)
        if readonly:
            view.flags.writeable = False
        store = Store(base.copy(), addr(base), readonly=readonly)
        model = model_view(store, view.shape, view.strides, addr(view) - addr(base))
        t = m.from_numpy(view)
        how = f"np{view.shape}{view.strides} -> "
        self.add(view, model, store, dtype, how + "array")
        self.add(t, model, store, dtype, how + "from_numpy")

    # ---------------- NumPy round trips ----------------
    @precondition(lambda self: self.live)
    @rule(data=st.data())
    def to_numpy(self, data):
        o = self.pick(data)
        if o is None:
            return
        if o.dtype == "bfloat16":  # an ml_dtypes array, or TypeError without ml_dtypes
            try:
                a = o.obj.numpy()
            except TypeError:
                return
            assert a.shape == o.model.shape and a.dtype.name == "bfloat16"
            return
        a = o.obj.numpy()
        assert a.shape == o.model.shape
        self.add(a, o.model, o.store, o.dtype, o.how + " -> numpy()")

    @precondition(lambda self: self.live)
    @rule(data=st.data())
    def array_to_tensor(self, data):
        arrays = [o for o in self.live if not o.is_tensor]
        if not arrays:
            return
        o = data.draw(st.sampled_from(arrays))
        fn = data.draw(st.sampled_from(["from_numpy", "as_tensor", "asarray"]))
        t = getattr(m, fn)(o.obj)
        self.add(t, o.model, o.store, o.dtype, f"{o.how} -> {fn}")

    @precondition(lambda self: self.live)
    @rule(data=st.data())
    def tensor_copy_from_array(self, data):
        """tensor(ndarray) always copies."""
        arrays = [o for o in self.live if not o.is_tensor]
        if not arrays:
            return
        o = data.draw(st.sampled_from(arrays))
        t = m.tensor(o.obj)
        model = o.model.copy()
        store = Store(model.reshape(-1).copy(), t.data_ptr())
        self.add(t, model_view(store, model.shape, _cstrides(model), 0), store, o.dtype)

    # ---------------- views ----------------
    @precondition(lambda self: self.live)
    @rule(data=st.data(), op=st.sampled_from(VIEW_OPS))
    def view_op(self, data, op):
        o = self.pick(data)
        if o is None:
            return
        args = op.args(data.draw, tuple(o.obj.shape))
        if args is None:
            return
        want = op.np(o.model, *args)
        if want is None:  # NumPy cannot make this view: minitorch must refuse too
            with pytest.raises(RuntimeError):
                op.mt(o.obj, *args)
            return
        r = op.mt(o.obj, *args)
        self.derived(o, r, want, f"{op.name}{args}")

    @precondition(lambda self: self.live)
    @rule(data=st.data())
    def reshape(self, data):
        o = self.pick(data)
        if o is None:
            return
        from fuzz_ops import _view_shape

        shape = _view_shape(data.draw, tuple(o.obj.shape))
        if shape is None:
            return
        r = o.obj.reshape(*shape)
        view = _np_view(o.model, *shape)
        if view is not None:  # a view is possible, so reshape must return one
            self.derived(o, r, view, f"reshape{shape}")
        else:
            model = o.model.reshape(shape).copy()
            store = Store(model.reshape(-1).copy(), r.data_ptr())
            self.add(r, model_view(store, model.shape, _cstrides(model), 0), store, o.dtype)

    @precondition(lambda self: self.live)
    @rule(data=st.data())
    def as_strided(self, data):
        o = self.pick(data)
        if o is None:
            return
        t = o.obj
        lo, hi = reach(tuple(t.shape), t.stride())
        so = t.storage_offset()
        args = _as_strided(data.draw, None, (so + lo, so + hi))
        if args is None:
            return
        sizes, strides, off = args
        r = t.as_strided(sizes, strides, off)
        # element 0 of t's storage, in elements from the model storage's start
        base = (self.storage_start(o) - o.store.real_addr) // t.element_size()
        misz = o.store.arr.itemsize
        model = model_view(o.store, sizes, [s * misz for s in strides], (base + off) * misz)
        if os.environ.get("FUZZ_DEBUG"):
            print("as_strided", tuple(t.shape), t.stride(), so, args, base, r.tolist(), model.tolist())
        self.derived(o, r, model, f"as_strided{args}")

    # ---------------- copies ----------------
    @precondition(lambda self: self.live)
    @rule(data=st.data(), dtype=st.sampled_from(ALL_DTYPES), how=st.sampled_from(
        ["clone", "contiguous", "to", "to_copy", "method"]))
    def copy_op(self, data, dtype, how):
        o = self.pick(data)
        if o is None:
            return
        t = o.obj
        if how == "clone":
            # contiguous_format: a C-order copy (the default, preserve_format, keeps a dense
            # tensor's strides: tests/test_legacy_api.py)
            r, dtype = t.clone(memory_format=m.contiguous_format), o.dtype
        elif how == "contiguous":
            r, dtype = t.contiguous(), o.dtype
            if t.is_contiguous():
                assert r is t
                return
        elif how == "to":
            r = t.to(getattr(m, dtype))
            if dtype == o.dtype:
                assert r is t
                return
        elif how == "to_copy":
            r = t.to(getattr(m, dtype), copy=True)
        else:
            method = {"uint8": "byte", "int8": "char", "int16": "short", "int32": "int",
                      "int64": "long", "float16": "half", "float32": "float",
                      "float64": "double"}.get(dtype, dtype)
            r = getattr(t, method)()
            if dtype == o.dtype:
                assert r is t
                return
        assert r.is_contiguous()
        model = convert(o.model, dtype)
        store = Store(model.reshape(-1).copy(), r.data_ptr())
        self.add(r, model_view(store, model.shape, _cstrides(model), 0), store, dtype)

    @precondition(lambda self: self.live)
    @rule(data=st.data(), op=st.sampled_from(NEW_OPS))
    def new_op(self, data, op):
        o = self.pick(data)
        if o is None or o.dtype not in op.dtypes:
            return
        args = op.args(data.draw, tuple(o.obj.shape))
        if args is None:
            return
        r = op.mt(o.obj, *args)
        if r.numel():
            assert r.data_ptr() != o.obj.data_ptr(), f"{op.name} returned a view of its input"
        model = np.array(op.np(o.model, *args), order="C", copy=True)  # keeps 0-d
        dtype = repr(r.dtype).split(".")[1]
        store = Store(model.reshape(-1).copy(), r.data_ptr())
        self.add(r, model_view(store, model.shape, _cstrides(model), 0), store, dtype)

    # ---------------- in-place writes ----------------
    def _expect_write(self, o, fn, model_write, copy_like):
        ro = o.store.readonly
        overlap = not writable_internally(o.model)
        if ro or (copy_like and overlap and o.model.size > 0):
            with pytest.raises(RuntimeError):
                fn()
            return
        r = fn()
        if r is not None:
            assert r is o.obj
        model_write()

    @precondition(lambda self: self.live)
    @rule(data=st.data(), v=value_st, how=st.sampled_from(["fill_", "zero_", "setitem"]))
    def fill(self, data, v, how):
        o = self.pick(data)
        if o is None:
            return
        v = cast_value(v, o.dtype)
        if how == "zero_":
            v = cast_value(0, o.dtype)
        target = o.model

        def write():
            if how == "fill_":
                return o.obj.fill_(v)
            if how == "zero_":
                return o.obj.zero_()
            o.obj[...] = v
            return None

        self._expect_write(o, write, lambda: target.fill(v) if target.size else None, False)

    @precondition(lambda self: self.live)
    @rule(data=st.data(), how=st.sampled_from(["copy_", "setitem"]))
    def copy_into(self, data, how):
        dst = self.pick(data)
        src = self.pick(data, tensors_only=False)
        if dst is None:
            return
        src_shape = src.model.shape
        if how == "setitem":
            # setitem drops leading size-1 dims of the value first, as PyTorch does
            while len(src_shape) > len(dst.model.shape) and src_shape[0] == 1:
                src_shape = src_shape[1:]
        ok_shape = np.broadcast_shapes(src_shape, dst.model.shape) == dst.model.shape \
            if _broadcastable(src_shape, dst.model.shape) else False
        s = src.obj
        if not src.is_tensor and how == "copy_":
            s = src.obj  # copy_ accepts an ndarray (copied first)
        if not ok_shape:
            with pytest.raises(RuntimeError):
                if how == "copy_":
                    dst.obj.copy_(s)
                else:
                    dst.obj[...] = s
            return
        src_vals = convert(src.model, dst.dtype).copy()  # read before writing: overlap

        def write():
            if how == "copy_":
                return dst.obj.copy_(s)
            dst.obj[...] = s
            return None

        def model_write():
            if dst.model.size:
                np.copyto(dst.model, src_vals)

        self._expect_write(dst, write, model_write, True)

    @precondition(lambda self: self.live)
    @rule(data=st.data(), v=value_st)
    def numpy_side_write(self, data, v):
        arrays = [o for o in self.live if not o.is_tensor and o.obj.flags.writeable]
        if not arrays:
            return
        o = data.draw(st.sampled_from(arrays))
        if o.obj.ndim == 0 or o.obj.size == 0:
            return
        i = data.draw(st.integers(0, o.obj.shape[0] - 1))
        v = cast_value(v, o.dtype)
        o.obj[i] = v
        o.model[i] = v

    # ---------------- deletions ----------------
    @precondition(lambda self: self.live)
    @rule(data=st.data(), collect=st.booleans())
    def delete(self, data, collect):
        i = data.draw(st.integers(0, len(self.live) - 1))
        del self.live[i]
        if collect:
            gc.collect()

    # ---------------- junk arguments ----------------
    @precondition(lambda self: self.live)
    @rule(data=st.data())
    def junk_call(self, data):
        o = self.pick(data)
        if o is None:
            return
        name = data.draw(st.sampled_from(JUNK_METHODS))
        nargs = data.draw(st.integers(0, 3))
        pool = JUNK + [x.obj for x in self.live]
        args = [data.draw(st.sampled_from(pool)) for _ in range(nargs)]
        fn = getattr(m, name[2:]) if name.startswith("m.") else getattr(o.obj, name)
        if name.startswith("m.") and data.draw(st.booleans()):
            args = [o.obj] + args[:2]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # tensor(tensor) warns, as in PyTorch
                fn(*args)
        except ALLOWED:
            pass
        except (OverflowError, MemoryError) as exc:
            big = [a for a in args if isinstance(a, int) and not isinstance(a, bool)
                   and not -2**63 <= a < 2**63]
            if isinstance(exc, OverflowError) and big:
                return  # a Python int beyond int64: PyTorch raises OverflowError too
            pytest.fail(f"{name}{tuple(args)!r:.200} raised {type(exc).__name__}: {exc}")

    # ---------------- the check ----------------
    @invariant()
    def agree(self):
        for o in self.live:
            check(o)


def check(o):
    obj, model = o.obj, o.model
    assert tuple(obj.shape) == model.shape, (obj.shape, model.shape)
    if isinstance(obj, np.ndarray):
        assert obj.dtype == model.dtype
        assert np.array_equal(obj, model), (obj, model)
        real = addr(obj)
        strides = [s // obj.itemsize for s in obj.strides]
        isz = obj.itemsize
    else:
        assert repr(obj.dtype) == f"minitorch.{o.dtype}"
        got = obj.tolist()
        assert got == model.tolist(), (got, model.tolist())
        real = obj.data_ptr()
        strides = list(obj.stride())
        isz = obj.element_size()
    if model.size:
        # same bytes: the first element sits where the model says, and every
        # dim of more than one element steps by the model's stride
        want = o.store.real_addr + (addr(model) - addr(o.store.arr)) // model.itemsize * isz
        assert real == want, (real, want, o.how)
        for n, s, ms in zip(model.shape, strides, model.strides):
            if n > 1:
                assert s == ms // model.itemsize, (strides, model.strides, o.how)


def _cstrides(a):
    st_, acc = [], a.itemsize
    for n in reversed(a.shape):
        st_.append(acc)
        acc *= max(n, 1)
    return tuple(reversed(st_))


def _tupleize(x):
    return tuple(_tupleize(i) for i in x) if isinstance(x, list) else x


def _draw_factor_shape(data, n):
    shape, rest = [], n
    for _ in range(data.draw(st.integers(0, 3))):
        if rest == 0:
            shape.append(data.draw(st.integers(0, 3)))
            continue
        divs = [k for k in range(1, rest + 1) if rest % k == 0]
        k = data.draw(st.sampled_from(divs))
        shape.append(k)
        rest //= k
    shape.append(rest)
    return tuple(shape)


def _broadcastable(a, b):
    try:
        np.broadcast_shapes(a, b)
    except ValueError:
        return False
    return True


# Junk for the junk_call rule: every kind of wrong value.
JUNK = [None, "a", "", 1.5, float("nan"), float("inf"), -float("inf"), 2**64, -2**63 - 1,
        2**63 - 1, -2**63, -1, 0, 1, 3, 10**30, [], [1, "a"], [2**62, 2**62], (2**62,), (-1,),
        object(), np.float64("nan"), np.int64(-5), np.uint64(2**64 - 1), True, slice(None),
        Ellipsis, b"ab", {"a": 1}, complex(1, 2), m.float32, m.int64, "cpu", "cuda:7", "tpu",
        np.zeros((2, 0)), np.array([object()]), np.arange(3, dtype=">i4")]

# Methods and functions junk_call may call: every public entry point that
# does not write (writes are fuzzed with valid arguments above).
JUNK_METHODS = [
    "size", "stride", "dim", "numel", "storage_offset", "element_size", "is_contiguous",
    "item", "tolist", "numpy", "clone", "contiguous", "detach", "to", "cpu", "float", "double",
    "int", "long", "half", "bfloat16", "bool", "byte", "char", "short", "new_empty",
    "new_zeros", "new_ones", "new_full", "new_tensor", "view", "reshape", "expand", "permute",
    "flip", "transpose", "swapaxes", "t", "narrow", "select", "unsqueeze", "squeeze",
    "as_strided", "type_as", "__getitem__", "__len__", "__bool__", "__int__", "__float__",
    "__index__", "__array__", "m.zeros", "m.ones", "m.empty", "m.full", "m.rand", "m.randn",
    "m.randint", "m.randperm", "m.arange", "m.linspace", "m.eye", "m.tensor", "m.from_numpy",
    "m.as_tensor", "m.asarray", "m.zeros_like", "m.ones_like", "m.full_like", "m.empty_like",
    "m.promote_types", "m.result_type", "m.can_cast", "m.clone", "m.numel",
    "m.is_floating_point", "m.logspace",
]


TestAPI = APIMachine.TestCase  # budget: the hypothesis profile in conftest.py
