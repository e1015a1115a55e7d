"""The Tensor type's API (issue 2, item 3) against PyTorch and NumPy:
properties, the basic methods, conversions of one-element tensors, pickling,
identity (t.grad is t.grad) and subclassing."""

import copy
import operator
import pickle

import numpy as np
import oracle
import pytest

import minitorch as mt

DTS = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
       "float64"]


def name(dt):
    return repr(dt).split(".")[-1]


def outcome(lib, fn):
    try:
        r = fn(lib)
    except Exception as e:  # compared by class
        return ("raise", type(e).__name__)
    if oracle.isinstance_(r, lib.Tensor):
        vals = r.detach().float().tolist() if name(r.dtype) == "bfloat16" else r.tolist()
        return ("tensor", name(r.dtype), tuple(r.shape), r.stride(), vals, r.requires_grad)
    return ("value", repr(r).replace("minitorch.", "").replace("torch.", ""))


def same_as_torch(fn):
    torch = oracle.torch()
    ours, theirs = outcome(mt, fn), outcome(torch, fn)
    assert ours == theirs
    return ours


def A(L):
    return L.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


# --------------------------------------------------------------- properties

PROPS = {
    "shape": lambda L: A(L).shape,
    "shape_is_tuple": lambda L: isinstance(A(L).shape, tuple) and A(L).shape == (2, 3),
    "dtype": lambda L: A(L).dtype,
    "device": lambda L: A(L).device,
    "device_str": lambda L: str(A(L).device),
    "ndim": lambda L: A(L).ndim,
    "is_leaf": lambda L: A(L).is_leaf,
    "requires_grad": lambda L: A(L).requires_grad,
    "grad": lambda L: A(L).grad,
    "is_cuda": lambda L: A(L).is_cuda,
    "data": lambda L: A(L).data,
    "data_shares": lambda L: (lambda t: t.data.data_ptr() == t.data_ptr())(A(L)),
    "data_detached": lambda L: L.ones(2, requires_grad=True).data.requires_grad,
    "set_rg_float": lambda L: (lambda t: (setattr(t, "requires_grad", True),
                                           t.requires_grad))(A(L)),
    "set_rg_int": lambda L: setattr(L.tensor([1]), "requires_grad", True),
    "set_rg_bool_dtype": lambda L: setattr(L.tensor([True]), "requires_grad", True),
    "set_rg_false_int": lambda L: (lambda t: (setattr(t, "requires_grad", False),
                                               t.requires_grad))(L.tensor([1])),
    "set_rg_non_bool": lambda L: setattr(A(L), "requires_grad", 1),
    "T": lambda L: A(L).T,
    "mT": lambda L: A(L).mT,
    "itemsize": lambda L: A(L).itemsize,
    "nbytes": lambda L: A(L).nbytes,
}


@pytest.mark.parametrize("prop", list(PROPS))
def test_properties_match_torch(prop):
    same_as_torch(PROPS[prop])


@pytest.mark.parametrize("dt", DTS)
def test_requires_grad_only_for_floating(dt):
    t = mt.zeros(2, dtype=getattr(mt, dt))
    if t.dtype.is_floating_point:
        t.requires_grad = True
        assert t.requires_grad and t.is_leaf
        t.requires_grad_(False)
        assert not t.requires_grad
    else:
        with pytest.raises(RuntimeError, match="floating point"):
            t.requires_grad = True
        with pytest.raises(RuntimeError, match="floating point"):
            t.requires_grad_()
        assert not t.requires_grad


def test_grad_identity_and_assignment():
    t = mt.zeros(2, requires_grad=True)
    assert t.grad is None
    t.grad = mt.ones(2)
    assert t.grad is t.grad  # Note [Identity]
    g = t.grad
    g.tag = "kept"
    assert t.grad.tag == "kept"  # the same object while it lives
    del g
    with pytest.raises(RuntimeError):
        t.grad = mt.ones(3)
    with pytest.raises(RuntimeError):
        t.grad = mt.ones(2, dtype=mt.float64)
    t.grad = None
    assert t.grad is None


def test_to_cuda_without_cuda_raises():
    with pytest.raises(RuntimeError, match="CUDA"):
        mt.ones(2).to("cuda")


def test_same_impl_gives_same_object():
    t = mt.ones(3)
    assert t.to(mt.float32) is t and t.cpu() is t and t.contiguous() is t
    assert t.detach() is not t and t[:] is not t


# ------------------------------------------------------------------ methods

METHODS = {
    "size()": lambda L: A(L).size(),
    "size(1)": lambda L: A(L).size(1),
    "size(-1)": lambda L: A(L).size(-1),
    "size(dim=0)": lambda L: A(L).size(dim=0),
    "size(2)": lambda L: A(L).size(2),
    "dim": lambda L: A(L).dim(),
    "numel": lambda L: A(L).numel(),
    "numel_empty": lambda L: L.zeros(3, 0).numel(),
    "stride()": lambda L: A(L).stride(),
    "stride(1)": lambda L: A(L).stride(1),
    "stride(-2)": lambda L: A(L).stride(-2),
    "stride(5)": lambda L: A(L).stride(5),
    "stride_T": lambda L: A(L).t().stride(),
    "storage_offset": lambda L: A(L)[1, 1:].storage_offset(),
    "is_contiguous": lambda L: (A(L).is_contiguous(), A(L).t().is_contiguous(),
                                A(L)[:, 1:].is_contiguous(), L.zeros(3, 1).t().is_contiguous()),
    "element_size": lambda L: [L.ones(1, dtype=getattr(L, d)).element_size() for d in DTS],
    "item_float": lambda L: A(L)[0, 1].item(),
    "item_int": lambda L: L.tensor([7]).item(),
    "item_bool": lambda L: L.tensor(True).item(),
    "item_f16": lambda L: L.tensor(1.1, dtype=L.float16).item(),
    "item_bf16": lambda L: L.tensor(1.1, dtype=L.bfloat16).item(),
    "item_u8": lambda L: L.tensor(255, dtype=L.uint8).item(),
    "item_multi": lambda L: A(L).item(),
    "item_empty": lambda L: L.zeros(0).item(),
    "tolist": lambda L: A(L).tolist(),
    "tolist_0d": lambda L: L.tensor(3).tolist(),
    "tolist_T": lambda L: A(L).t().tolist(),
    "tolist_f16": lambda L: L.tensor([1.1, 2.5], dtype=L.float16).tolist(),
    "tolist_bf16": lambda L: L.tensor([1.1], dtype=L.bfloat16).tolist(),
    "tolist_bool": lambda L: L.tensor([True, False]).tolist(),
    "tolist_empty": lambda L: L.zeros(2, 0).tolist(),
    "clone_values": lambda L: A(L).t().clone().tolist(),
    "clone_new_memory": lambda L: (lambda t: t.clone().data_ptr() != t.data_ptr())(A(L)),
    "contiguous": lambda L: A(L).t().contiguous(),
    "copy_": lambda L: A(L).copy_(L.tensor([9.0, 8.0, 7.0])),
    "copy_dtype": lambda L: A(L).copy_(L.tensor([9, 8, 7])),
    "copy_T": lambda L: A(L).copy_(L.tensor([[9.0, 8.0], [7.0, 6.0], [5.0, 4.0]]).t()),
    "copy_bad_shape": lambda L: A(L).copy_(L.tensor([9.0, 8.0])),
    "copy_non_tensor": lambda L: A(L).copy_([1.0, 2.0, 3.0]),
    "fill_": lambda L: A(L).fill_(2),
    "fill_tensor": lambda L: A(L).fill_(L.tensor(3.0)),
    "fill_1d_tensor": lambda L: A(L).fill_(L.tensor([3.0])),
    "fill_bool": lambda L: L.zeros(2, dtype=L.bool).fill_(2),
    "fill_overflow": lambda L: L.zeros(2, dtype=L.uint8).fill_(300),
    "fill_neg_uint8": lambda L: L.zeros(2, dtype=L.uint8).fill_(-1),
    "fill_f32_overflow": lambda L: L.zeros(2).fill_(1e40),
    "fill_f16_inf": lambda L: L.zeros(2, dtype=L.float16).fill_(1e10),
    "zero_": lambda L: A(L).zero_(),
    "zero_view": lambda L: (lambda t: (t[:, 1].zero_(), t)[1])(A(L)),
    "resize_": lambda L: A(L).resize_(3, 2),
    "resize_tuple": lambda L: A(L).resize_((1, 6)),
    "resize_bigger_shape": lambda L: A(L).resize_(4, 4).shape,
    "resize_rg": lambda L: L.ones(2, requires_grad=True).resize_(3),
    "resize_bytes_overflow": lambda L: L.zeros(1).resize_(2**61),
    "resize_numel_overflow": lambda L: L.zeros(1).resize_(2**62, 2),
    "set_": lambda L: A(L).set_(L.tensor([1.0, 2.0])),
    "set_empty": lambda L: A(L).set_(),
    "set_view": lambda L: A(L).set_(A(L).t()),
    "set_dtype": lambda L: A(L).set_(L.tensor([1, 2])),
    "set_shares": lambda L: (lambda s, t: (t.set_(s), t.data_ptr() == s.data_ptr())[1])(
        L.ones(3), A(L)),
    "to_dtype": lambda L: A(L).to(L.float64),
    "to_str": lambda L: A(L).to("cpu"),
    "to_device_obj": lambda L: A(L).to(L.device("cpu")),
    "to_tensor": lambda L: A(L).to(L.tensor([1])),
    "to_kw": lambda L: A(L).to(dtype=L.int32),
    "to_dev_dtype": lambda L: A(L).to("cpu", L.float64),
    "to_same_is_self": lambda L: (lambda t: t.to(L.float32) is t)(A(L)),
    "to_copy": lambda L: (lambda t: t.to(L.float32, copy=True) is t)(A(L)),
    "float": lambda L: L.tensor([1, 2]).float(),
    "double": lambda L: A(L).double(),
    "half": lambda L: A(L).half(),
    "bfloat16": lambda L: A(L).bfloat16(),
    "int": lambda L: L.tensor([1.7, -1.7]).int(),
    "long": lambda L: A(L).long(),
    "short": lambda L: A(L).short(),
    "bool": lambda L: L.tensor([0.0, 0.5]).bool(),
    "byte": lambda L: A(L).byte(),
    "char": lambda L: A(L).char(),
    "type_as": lambda L: A(L).type_as(L.tensor([1])),
    "cpu": lambda L: A(L).cpu(),
    "detach": lambda L: L.ones(2, requires_grad=True).detach(),
    "detach_shares": lambda L: (lambda t: t.detach().data_ptr() == t.data_ptr())(A(L)),
    "new_zeros": lambda L: L.tensor([1], dtype=L.int16).new_zeros(2, 3),
    "new_zeros_tuple": lambda L: A(L).new_zeros((2,)),
    "new_zeros_size_kw": lambda L: A(L).new_zeros(size=(2,)),
    "new_ones": lambda L: A(L).new_ones(2, dtype=L.float64),
    "new_full": lambda L: A(L).new_full((2,), 5),
    "new_full_kw": lambda L: A(L).new_full(size=(2,), fill_value=5),
    "new_full_no_fill": lambda L: A(L).new_full((2,)),
    "new_empty_shape": lambda L: A(L).new_empty(2, 2).shape,
    "new_empty_dtype": lambda L: L.tensor([1], dtype=L.int16).new_empty(2).dtype,
    "new_tensor": lambda L: L.tensor([1], dtype=L.int16).new_tensor([1.7, 2.2]),
    "new_tensor_dtype": lambda L: A(L).new_tensor([1, 2], dtype=L.int64),
    "new_ones_rg": lambda L: A(L).new_ones(2, requires_grad=True),
    "len": lambda L: len(A(L)),
    "len_0d": lambda L: len(L.tensor(1.0)),
    "iter": lambda L: [x.tolist() for x in A(L)],
    "iter_0d": lambda L: list(L.tensor(1.0)),
    "iter_types": lambda L: [type(x).__name__ for x in L.tensor([1, 2])],
    "is_floating_point": lambda L: (A(L).is_floating_point(), L.tensor([1]).is_floating_point()),
}


# Cases about object identity and Python types: torch must really run.
LIVE_METHODS = {"to_same_is_self", "iter_types"}


@pytest.mark.parametrize("method", [pytest.param(m, marks=pytest.mark.torch_live)
                                    if m in LIVE_METHODS else m for m in METHODS])
def test_methods_match_torch(method):
    same_as_torch(METHODS[method])


@pytest.mark.parametrize("dt", [d for d in DTS if d != "bfloat16"])
def test_values_against_numpy(dt):
    a = (np.arange(12) % 5).reshape(3, 4).astype(dt)
    t = mt.tensor(a)
    for view_t, view_a in [(t, a), (t.t(), a.T), (t[::2, ::-1], a[::2, ::-1]), (t[1], a[1]),
                           (t[:, 1:2].expand(3, 5), np.broadcast_to(a[:, 1:2], (3, 5)))]:
        assert view_t.tolist() == view_a.tolist()
        np.testing.assert_array_equal(view_t.clone().numpy(), view_a)
        np.testing.assert_array_equal(view_t.contiguous().numpy(), np.ascontiguousarray(view_a))
        assert view_t.stride() == tuple(s // a.itemsize for s in view_a.strides) or view_a.ndim == 0
        for target in ["float32", "int64", "bool", "float16"]:
            got = view_t.to(getattr(mt, target)).numpy()
            np.testing.assert_array_equal(got, view_a.astype(target))


def test_copy_and_fill_through_views_against_numpy():
    a = np.zeros((3, 4))
    t = mt.zeros(3, 4, dtype=mt.float64)
    t[:, ::-2].copy_(mt.tensor([[1.0, 2.0]]))
    a[:, ::-2] = [[1.0, 2.0]]
    t.t()[1].fill_(7)
    a.T[1] = 7
    assert t.tolist() == a.tolist()


# ---------------------------------------------- one-element conversions

CONVERSIONS = {
    "bool_1": lambda L: bool(L.tensor([1])),
    "bool_0": lambda L: bool(L.tensor(0.0)),
    "bool_nan": lambda L: bool(L.tensor(float("nan"))),
    "bool_multi": lambda L: bool(L.tensor([1, 2])),
    "bool_empty": lambda L: bool(L.tensor([])),
    "float_1": lambda L: float(L.tensor([[2]])),
    "float_bool": lambda L: float(L.tensor(True)),
    "float_f16": lambda L: float(L.tensor(0.1, dtype=L.float16)),
    "float_multi": lambda L: float(L.tensor([1.0, 2.0])),
    "float_empty": lambda L: float(L.tensor([])),
    "int_float": lambda L: int(L.tensor(2.7)),
    "int_neg": lambda L: int(L.tensor(-2.7)),
    "int_big": lambda L: int(L.tensor(2**62)),
    "int_multi": lambda L: int(L.tensor([1, 2])),
    "int_nan": lambda L: int(L.tensor(float("nan"))),
    "int_inf": lambda L: int(L.tensor(float("inf"))),
    "int_bool": lambda L: int(L.tensor(True)),
    "index": lambda L: [10, 20, 30][L.tensor(1)],
    "index_u8": lambda L: operator.index(L.tensor(3, dtype=L.uint8)),
    "index_1elem_1d": lambda L: [10, 20][L.tensor([1])],
    "index_float": lambda L: [10, 20][L.tensor(1.0)],
    "index_multi": lambda L: [10, 20][L.tensor([1, 0])],
    "index_bool": lambda L: [10, 20][L.tensor(True)],
    "range": lambda L: list(range(L.tensor(3))),
    "hex": lambda L: hex(L.tensor(255)),
    "format_0d": lambda L: f"{L.tensor(2.5):.2f}",
}


@pytest.mark.parametrize("conv", list(CONVERSIONS))
def test_number_conversions_match_torch(conv):
    same_as_torch(CONVERSIONS[conv])


def test_number_conversions_of_non_single_tensors():
    for t in (mt.tensor([1, 2]), mt.zeros(0), mt.ones(2, 2)):
        with pytest.raises(RuntimeError, match="ambiguous"):
            bool(t)
        with pytest.raises(ValueError, match="only one element"):
            float(t)
        with pytest.raises(ValueError, match="only one element"):
            int(t)
        with pytest.raises(TypeError, match="only integer tensors"):
            operator.index(t)


# ------------------------------------------------------------------ pickle


@pytest.mark.parametrize("dt", DTS)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3)], ids=str)
def test_pickle_round_trip(dt, shape):
    t = mt.tensor(np.arange(int(np.prod(shape))).reshape(shape) % 3).to(getattr(mt, dt))
    for proto in (2, pickle.HIGHEST_PROTOCOL):
        u = pickle.loads(pickle.dumps(t, protocol=proto))
        assert type(u) is mt.Tensor and u.dtype is t.dtype and u.shape == t.shape
        assert u.float().tolist() == t.float().tolist()
        assert u.data_ptr() != t.data_ptr() or t.numel() == 0


def test_pickle_of_views_and_requires_grad():
    t = mt.arange(12.0).reshape(3, 4)
    for v in (t.t(), t[::-1, 1:], t[1:2].expand(3, 4)):
        assert pickle.loads(pickle.dumps(v)).tolist() == v.tolist()
    r = pickle.loads(pickle.dumps(mt.ones(2, requires_grad=True)))
    assert r.requires_grad and r.is_leaf
    ro = mt.from_numpy(np.broadcast_to(np.arange(3.0), (2, 3)))
    assert pickle.loads(pickle.dumps(ro)).tolist() == ro.tolist()


def test_deepcopy_and_copy():
    t = mt.arange(6.0).reshape(2, 3).t()
    d = copy.deepcopy(t)
    assert d.tolist() == t.tolist() and d.data_ptr() != t.data_ptr()
    pair = [t, t]
    dp = copy.deepcopy(pair)
    assert dp[0] is dp[1]
    r = copy.deepcopy(mt.ones(2, requires_grad=True))
    assert r.requires_grad


# ---------------------------------------------------------------- subclass


class MyTensor(mt.Tensor):
    def double_it(self):
        return self.tolist() * 2


def test_subclass_construction_and_methods():
    s = MyTensor([1.0, 2.0])
    assert type(s) is MyTensor and isinstance(s, mt.Tensor) and mt.is_tensor(s)
    assert s.double_it() == [1.0, 2.0, 1.0, 2.0]
    assert s.dtype is mt.float32 and s.shape == (2,)
    s.note = "attr"
    assert s.note == "attr"
    assert s.numpy().tolist() == [1.0, 2.0]
    assert MyTensor(2, 3).shape == (2, 3)


def test_subclass_via_make_subclass_shares():
    base = mt.arange(3.0)
    s = MyTensor._make_subclass(MyTensor, base, True)
    assert type(s) is MyTensor and s.requires_grad and not base.requires_grad
    with mt.no_grad():
        s.numpy()[0] = 9
    assert base[0].item() == 9
    with pytest.raises(TypeError):
        mt.Tensor._make_subclass(int, base)


def test_subclass_identity_survives():
    s = MyTensor([1.0])
    t = mt.zeros(1, requires_grad=True)
    t.grad = s
    assert t.grad is s and type(t.grad) is MyTensor


def test_subclass_weakref_and_gc():
    import gc
    import weakref

    s = MyTensor([1.0])
    r = weakref.ref(s)
    s.cycle = s
    del s
    gc.collect()
    assert r() is None


# ------------------------------------------------------- legacy Tensor(...)

LEGACY = {
    "empty": lambda L: L.Tensor(),
    "sizes": lambda L: L.Tensor(2, 3).shape,
    "size_obj": lambda L: L.Tensor(L.Size([2, 3])).shape,
    "tuple_is_data": lambda L: L.Tensor((2, 3)),
    "list_ints": lambda L: L.Tensor([1, 2]),
    "list_bools": lambda L: L.Tensor([[True, False]]),
    "float": lambda L: L.Tensor(3.5),
    "ndarray_int": lambda L: L.Tensor(np.array([1, 2])),
    "tensor_alias_dtype": lambda L: L.Tensor(L.ones(2, dtype=L.int64)),
    "tensor_alias_shares": lambda L: (lambda x: L.Tensor(x).data_ptr() == x.data_ptr())(L.ones(2)),
    "negative": lambda L: L.Tensor(-1),
    "np_int_size": lambda L: L.Tensor(np.int64(3)).shape,
    "device_kw": lambda L: L.Tensor(2, device="cpu").shape,
}


@pytest.mark.parametrize("case", list(LEGACY))
def test_legacy_constructor_matches_torch(case):
    same_as_torch(LEGACY[case])


def test_legacy_constructor_shares_float32_arrays():
    a = np.array([1.0, 2.0], dtype=np.float32)
    t = mt.Tensor(a)
    a[0] = 9
    assert t.tolist() == [9.0, 2.0]


def test_legacy_constructor_uses_default_dtype():
    mt.set_default_dtype(mt.float64)
    try:
        assert mt.Tensor([1, 2]).dtype is mt.float64
    finally:
        mt.set_default_dtype(mt.float32)


# ------------------------------------------- views that overflow the address range


@pytest.mark.parametrize(
    "make",
    [
        lambda: mt.zeros(1).resize_(2**61),
        lambda: mt.zeros(4)[2:].resize_(2**61 - 1),
        lambda: mt.zeros(4).set_(mt.zeros(4), 0, (2**62,), (4,)),
        lambda: mt.zeros(4).as_strided((2**62,), (4,)),
        lambda: mt.zeros(4).as_strided((2**31, 2**31), (2**32, 1)),
        lambda: mt.zeros(4).as_strided((2**32, 2**32), (0, 0)),
        lambda: mt.zeros(4).as_strided((3,), (2**62,)),
    ],
)
def test_overflowing_sizes_raise_instead_of_making_a_wild_view(make):
    # Regression: the byte count used to wrap around and pass the bounds check,
    # leaving a tensor that read far outside its storage.
    with pytest.raises(RuntimeError):
        make()


def test_failed_resize_keeps_metadata():
    t = mt.arange(4.0)
    with pytest.raises(RuntimeError):
        t.resize_(2**61)
    assert t.shape == (4,) and t.tolist() == [0.0, 1.0, 2.0, 3.0]


# ---------------------------------------------------------------- grad mode


def test_grad_mode_context_managers_and_decorators():
    assert mt.is_grad_enabled()
    with mt.no_grad():
        assert not mt.is_grad_enabled()
        with mt.enable_grad():
            assert mt.is_grad_enabled()
        assert not mt.is_grad_enabled()
    assert mt.is_grad_enabled()

    @mt.no_grad
    def bare():
        return mt.is_grad_enabled()

    @mt.no_grad()
    def called():
        return mt.is_grad_enabled()

    @mt.set_grad_enabled(False)
    def off():
        return mt.is_grad_enabled()

    assert (bare(), called(), off(), mt.is_grad_enabled()) == (False, False, False, True)
    assert bare.__name__ == "bare"
    mt.set_grad_enabled(False)
    assert not mt.is_grad_enabled()
    mt.set_grad_enabled(True)
    with pytest.raises(TypeError):
        mt.set_grad_enabled(1)


def test_grad_mode_is_thread_local():
    import threading

    seen = []
    with mt.no_grad():
        th = threading.Thread(target=lambda: seen.append(mt.is_grad_enabled()))
        th.start()
        th.join(10)
    assert seen == [True]


def test_numpy_under_no_grad_decorator():
    t = mt.ones(2, requires_grad=True)

    @mt.no_grad
    def export():
        return t.numpy()

    assert export().tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError):
        t.numpy()


# ------------------------------------------------------------------ indexing

B = lambda L: L.arange(24).reshape(2, 3, 4)  # noqa: E731

INDEXING = {
    "none": lambda L: B(L)[None],
    "ellipsis_none": lambda L: B(L)[..., None],
    "int_ellipsis_int": lambda L: B(L)[1, ..., 2],
    "neg": lambda L: B(L)[-1],
    "oob": lambda L: B(L)[10],
    "neg_oob": lambda L: B(L)[-3],
    "float": lambda L: B(L)[1.5],
    "str": lambda L: B(L)["a"],
    "object": lambda L: B(L)[object()],
    "too_many": lambda L: B(L)[0, 0, 0, 0],
    "true": lambda L: B(L)[True],
    "false": lambda L: B(L)[False],
    # (strides of the added size-1 dims are free, so compare shape and values)
    "none_true_int": lambda L: (lambda v: (tuple(v.shape), v.tolist()))(B(L)[None, True, 1]),
    "slice_oob": lambda L: B(L)[:, 5:10],
    "slice_neg": lambda L: B(L)[:, -2:],
    "slice_steps": lambda L: B(L)[:, ::2, 1::2],
    "step_zero": lambda L: B(L)[::0],
    "np_int": lambda L: B(L)[np.int64(1)],
    "zero_d_tensor": lambda L: B(L)[L.tensor(1)],
    "zero_d_float_tensor": lambda L: B(L)[L.tensor(1.0)],
    "slice_of_tensors": lambda L: B(L)[L.tensor(0):L.tensor(1)],
    "zero_d_empty_tuple": lambda L: L.tensor(5)[()],
    "zero_d_ellipsis": lambda L: L.tensor(5)[...],
    "zero_d_int": lambda L: L.tensor(5)[0],
    "set_int": lambda L: (lambda t: (t.__setitem__((0, 1), 7), t)[1])(B(L)),
    "set_broadcast": lambda L: (lambda t: (t.__setitem__((slice(None), 0), L.tensor([1, 2, 3, 4])),
                                           t)[1])(B(L)),
    "set_float_into_int": lambda L: (lambda t: (t.__setitem__(0, 2.7), t)[1])(B(L)),
    "set_overflow": lambda L: (lambda t: t.__setitem__(0, 300))(L.zeros(2, dtype=L.uint8)),
    "set_zero_d": lambda L: (lambda t: (t.__setitem__((), 5), t)[1])(L.tensor(1)),
    "set_ellipsis": lambda L: (lambda t: (t.__setitem__(Ellipsis, 5), t)[1])(L.zeros(2)),
    "set_false": lambda L: (lambda t: (t.__setitem__(False, 5), t)[1])(L.zeros(2)),
    "del": lambda L: B(L).__delitem__(0),
}


@pytest.mark.parametrize("case", list(INDEXING))
def test_basic_indexing_matches_torch(case):
    same_as_torch(INDEXING[case])


def test_negative_step_slices_are_views():
    # Better than PyTorch (ValueError): NumPy semantics, a view with negative strides.
    t = mt.arange(10)
    v = t[::-3]
    assert v.tolist() == [9, 6, 3, 0] and v.stride() == (-3,)
    v[0] = 100
    assert t[9].item() == 100
    np.testing.assert_array_equal(mt.arange(24).reshape(2, 3, 4)[:, ::-1, 1::-2].numpy(),
                                  np.arange(24).reshape(2, 3, 4)[:, ::-1, 1::-2])


def test_numpy_bool_scalar_index_like_numpy():
    # PyTorch raises IndexError for np.bool_; NumPy treats it as True/False.
    a = np.arange(24).reshape(2, 3, 4)
    for idx in [(np.bool_(True), 0), (np.bool_(False),), (None, np.bool_(True))]:
        assert mt.tensor(a)[idx].tolist() == a[idx].tolist()


