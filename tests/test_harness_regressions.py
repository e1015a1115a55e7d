"""Regression tests for the bugs the memory-safety harness found (issue 3).

Each test names the bug it pins down. Before the fixes most of these read or
wrote outside a buffer (silently, or caught only by ASan/UBSan), returned
wrong values, or raised a class PyTorch does not raise.
"""

import numpy as np
import pytest

import minitorch as m


def test_as_strided_stride_overflow_cannot_pass_the_bounds_check():
    # (5 - 1) * 2**62 wrapped to 0, so the view "fit" a 10-element storage.
    with pytest.raises(RuntimeError, match="overflow"):
        m.arange(10.0).as_strided((5,), (2**62,))
    with pytest.raises(RuntimeError):
        m.arange(10.0).as_strided((2,), (1,), 2**63 - 1)
    with pytest.raises(RuntimeError):
        m.arange(10.0).set_(m.arange(10.0), 0, (2,), (2**62,))


def test_as_strided_empty_view_with_huge_strides_is_refused():
    # numel 0, so no bounds check ran; narrow/select/flip then multiplied
    # the huge stride into the offset.
    with pytest.raises(RuntimeError, match="overflow"):
        m.arange(10.0).as_strided((0, 3), (1, 2**62))


def test_narrow_length_overflow():
    # start + length wrapped negative and passed `<= size`: a 2**63-element view.
    with pytest.raises(RuntimeError, match="exceeds dimension size"):
        m.arange(10.0).narrow(0, 2, 2**63 - 1)


def test_slice_with_huge_or_minimal_steps():
    x = m.arange(10.0)
    assert x[::2**62].tolist() == [0.0]
    assert x[::2**63 - 1].tolist() == [0.0]  # (e - b + step - 1) overflowed
    assert x[::-2**63].tolist() == [9.0]  # -step overflowed
    assert x[-3::-2**62].tolist() == [7.0]


def test_expand_negative_size_on_a_singleton_dim():
    # expand(-2) of a size-1 dim produced a view of size -2.
    with pytest.raises(RuntimeError):
        m.zeros(1).expand(-2)
    with pytest.raises(RuntimeError):
        m.zeros(2, 1).expand(2, -3)


def test_views_whose_numel_overflows():
    with pytest.raises(RuntimeError):
        m.zeros(3).expand(2**62, 2**62, 3)
    with pytest.raises(RuntimeError):
        m.zeros(0).reshape(2**62, 2**62, 0)
    with pytest.raises(RuntimeError):
        m.zeros(0).view(2**62, 2**62, 0)


def test_empty_tensor_whose_strides_overflow():
    # numel is 0 but the contiguous strides of (0, 2**62, 2**62) overflow.
    with pytest.raises(RuntimeError, match="overflow"):
        m.zeros(0, 2**62, 2**62)


def test_resize_byte_count_overflow():
    # (offset + 2**61) * 4 wrapped negative, the storage was not grown and the
    # tensor claimed 2**61 elements over 12 bytes.
    t = m.zeros(3)
    with pytest.raises(RuntimeError, match="overflow"):
        t.resize_(2**61)
    assert t.shape == (3,) and t.tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("dtype", [m.float32, m.int64, m.float16, m.bool])
def test_copy_between_overlapping_views(dtype):
    x = m.arange(6).to(dtype)
    a = x.numpy().copy() if dtype != m.bool else np.array(x.tolist())
    x.copy_(x.flip(0))
    a[:] = a[::-1].copy()
    assert x.tolist() == a.tolist()
    y = m.arange(6.0)
    y[1:] = y[:-1]
    assert y.tolist() == [0.0, 0.0, 1.0, 2.0, 3.0, 4.0]
    z = m.arange(6.0)
    z[:-1].copy_(z[1:])
    assert z.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 5.0]
    w = m.arange(6.0).reshape(2, 3)
    w.copy_(w.t().reshape(2, 3))  # transposed copy of itself
    assert w.tolist() == [[0.0, 3.0, 1.0], [4.0, 2.0, 5.0]]


def test_copy_between_overlapping_from_numpy_tensors():
    # Two storages over the same bytes: overlap is decided by address.
    a = np.arange(6.0)
    m.from_numpy(a).copy_(m.from_numpy(a[::-1]))
    assert a.tolist() == [5.0, 4.0, 3.0, 2.0, 1.0, 0.0]


def test_copy_into_an_expanded_destination_is_refused():
    dst = m.zeros(3).expand(2, 3)
    with pytest.raises(RuntimeError, match="single memory location"):
        dst.copy_(m.arange(6.0).reshape(2, 3))
    dst.fill_(1.0)  # one value: well defined, as in PyTorch
    assert dst.tolist() == [[1.0] * 3] * 2


def test_copy_into_an_empty_tensor_checks_the_source_shape():
    with pytest.raises(RuntimeError):
        m.zeros(0, 3).copy_(m.zeros(2, 1, 3))
    m.zeros(0, 3).copy_(m.zeros(1, 3))  # broadcasts: fine


@pytest.mark.parametrize("dtype,value", [
    (m.int64, float("nan")), (m.int32, float("inf")), (m.int8, 200), (m.uint8, -0.5),
    (m.int16, 2**40), (m.float32, 1e300), (m.int64, 2.0**63),
])
def test_fill_value_out_of_range_raises(dtype, value):
    # The double -> integer cast was undefined behaviour (garbage values).
    t = m.zeros(2, dtype=dtype)
    with pytest.raises(RuntimeError, match="cannot be converted"):
        t.fill_(value)
    with pytest.raises(RuntimeError):
        m.full((2,), value, dtype=dtype)
    with pytest.raises(RuntimeError):
        t[0] = value
    assert t.tolist() == [0, 0]


def test_fill_values_pytorch_accepts():
    assert m.zeros(2, dtype=m.uint8).fill_(-1).tolist() == [255, 255]  # wraps, as in PyTorch
    assert m.zeros(1, dtype=m.float32).fill_(float("inf")).tolist() == [float("inf")]
    # float16 out of range: PyTorch raises for every size but one element
    # (its one-element fast path rounds to inf); we raise for every size.
    with pytest.raises(RuntimeError, match="without overflow"):
        m.zeros(2, dtype=m.float16).fill_(1e10)
    assert m.zeros(1, dtype=m.int8).fill_(-0.5).tolist() == [0]


@pytest.mark.parametrize("call", [
    lambda: m.arange(10.0).transpose(0, 2**64), lambda: m.arange(10.0)[2**64],
    lambda: m.arange(10.0).narrow(0, 2**64, 1), lambda: m.zeros(2).unsqueeze(-2**64),
])
def test_int_arguments_beyond_int64_raise_value_error(call):
    with pytest.raises(ValueError, match="Overflow"):  # was OverflowError (sizes: TypeError)
        call()


def test_tensor_data_that_changes_between_passes():
    # tensor() reads nested data twice (shape/dtype, then values). A sequence
    # whose second iteration is longer made the second pass write past the buffer.
    class Growing:
        def __init__(self, grow_on_pass):
            self.passes, self.grow_on_pass = 0, grow_on_pass

        def __len__(self):
            return 2

        def __getitem__(self, i):
            if i == 0:
                self.passes += 1
            if i >= (1000 if self.passes >= self.grow_on_pass else 2):
                raise IndexError
            return 1.0

    # passes over the first row: shape, dtype scan, fill; over the second: scan, fill
    with pytest.raises(ValueError, match="changed during conversion"):
        m.tensor([Growing(3), Growing(2)])

    t = m.zeros(2)

    class Resizer(Growing):
        def __getitem__(self, i):
            if i == 0 and self.passes == 2:  # the fill pass
                t.resize_(1000)
            return super().__getitem__(i)

    with pytest.raises(ValueError, match="changed shape"):
        m.tensor([Resizer(10**9), t])


def test_set_rng_state_with_a_non_tuple():
    with pytest.raises(TypeError):  # was SystemError
        m.set_rng_state("abc")


@pytest.mark.parametrize("call", [
    lambda: m.zeros_like([1.0]), lambda: m.ones_like(1), lambda: m.empty_like(None),
    lambda: m.full_like([1], 1), lambda: m.rand_like([1.0]), lambda: m.randn_like([1.0]),
    lambda: m.numel([1, 2]), lambda: m.is_floating_point(1.0), lambda: m.clone([1]),
    lambda: m.zeros(2).type_as(1),
])
def test_non_tensor_inputs_raise_type_error(call):
    with pytest.raises(TypeError, match="must be Tensor"):  # was AttributeError
        call()


def test_scalar_conversion_of_many_elements_is_value_error():
    with pytest.raises(ValueError):
        int(m.zeros(2))
    with pytest.raises(ValueError):
        float(m.zeros(2))


def test_logspace_argument_checks():
    with pytest.raises(RuntimeError):
        m.logspace(0, 1, -1)
    with pytest.raises(TypeError):
        m.logspace(0, 1, float("inf"))  # int(inf) raised OverflowError
    assert m.logspace(0, 2, 3).tolist() == [1.0, 10.0, 100.0]


@pytest.mark.parametrize("call", [
    lambda: m.zeros(2**64), lambda: m.zeros(2, 2**64), lambda: m.arange(3.0).flip(2**64),
    lambda: m.zeros(1).expand([2**64]),
])
def test_size_lists_beyond_int64_raise_type_error(call):
    with pytest.raises(TypeError, match="Overflow"):  # was OverflowError; PyTorch: TypeError
        call()


def test_huge_stride_on_a_size_one_dim_in_tolist_numpy_and_buffer():
    # stride 2**62 on a dim of one element: stride * itemsize overflowed
    # (UBSan: signed integer overflow) in tolist(), numpy() and the buffer protocol.
    v = m.arange(10.0)[::2**62]
    assert v.tolist() == [0.0]
    assert v.numpy().tolist() == [0.0]
    assert memoryview(v).tolist() == [0.0]
    w = m.arange(10.0).as_strided((1, 2), (2**62, 1))
    assert w.tolist() == [[0.0, 1.0]] and w.numpy().tolist() == [[0.0, 1.0]]
