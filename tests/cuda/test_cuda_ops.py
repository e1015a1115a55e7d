"""CUDA tensors against the CPU result on identical inputs (issue 10, items 2-4).

Every test builds inputs with NumPy, runs the op on the CPU and on the GPU, and
compares (bit-exact where the math is exact, with a tolerance elsewhere). Skipped
without a GPU (conftest.py).
"""

import numpy as np
import pytest

import minitorch as mt

DTYPES = [mt.float32, mt.float64, mt.float16, mt.bfloat16, mt.int64, mt.int32, mt.int16,
          mt.int8, mt.uint8, mt.bool]
FLOATS = [mt.float32, mt.float64, mt.float16, mt.bfloat16]


def rand(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if dtype == mt.bool:
        return mt.tensor(rng.random(shape) > 0.5)
    if dtype in (mt.uint8,):
        return mt.tensor(rng.integers(0, 100, shape)).to(dtype)
    if not dtype.is_floating_point:
        return mt.tensor(rng.integers(-50, 50, shape)).to(dtype)
    return mt.tensor(rng.standard_normal(shape)).to(dtype)


def same(gpu, cpu, exact=False):
    assert gpu.device.type == "cuda"
    host = gpu.cpu()
    assert host.device.type == "cpu"
    assert host.dtype == cpu.dtype and tuple(host.shape) == tuple(cpu.shape)
    a, b = host.float().numpy() if host.dtype == mt.bfloat16 else host.numpy(), \
        cpu.float().numpy() if cpu.dtype == mt.bfloat16 else cpu.numpy()
    if exact or not cpu.dtype.is_floating_point:
        np.testing.assert_array_equal(a, b)
    else:
        tol = {mt.float16: 2e-3, mt.bfloat16: 2e-2, mt.float32: 1e-5}.get(cpu.dtype, 1e-12)
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol, equal_nan=True)


# ---- device model ------------------------------------------------------------------

def test_device_queries():
    assert mt.cuda.is_available() and mt.cuda.device_count() >= 1
    d = mt.cuda.current_device()
    assert isinstance(mt.cuda.get_device_name(d), str)
    assert mt.cuda.get_device_capability(d) >= (7, 0)
    assert mt.cuda.get_device_properties(d).total_memory > 0
    mt.cuda.synchronize()


@pytest.mark.parametrize("dtype", DTYPES)
def test_round_trip_and_creation(dtype):
    x = rand((3, 5), dtype)
    g = x.cuda()
    assert g.is_cuda and str(g.device) == "cuda:0" and g.dtype == dtype
    same(g, x, exact=True)
    same(x.to("cuda"), x, exact=True)
    same(x.to(mt.device("cuda", 0)), x, exact=True)
    assert g.cuda() is g and g.to("cuda") is g
    same(mt.zeros(2, 3, dtype=dtype, device="cuda"), mt.zeros(2, 3, dtype=dtype), exact=True)
    same(mt.ones(4, dtype=dtype, device="cuda"), mt.ones(4, dtype=dtype), exact=True)


def test_strided_and_broadcast_copies():
    x = rand((4, 6), mt.float32)
    same(x.t().cuda(), x.t(), exact=True)                 # non-contiguous host source
    same(x[:, ::2].cuda(), x[:, ::2], exact=True)
    same(x.flip(0).cuda(), x.flip(0), exact=True)          # negative strides
    g = x.cuda()
    same(g.t().contiguous(), x.t().contiguous(), exact=True)  # device strided copy
    assert g.t().cpu().tolist() == x.t().tolist()
    dst = mt.zeros(6, 4, device="cuda")
    dst.copy_(x.t())                                        # host -> device, strided src
    same(dst, x.t().contiguous(), exact=True)
    dst2 = mt.zeros(4, 6, device="cuda")
    dst2.t().copy_(g.t())
    same(dst2, x, exact=True)
    row = mt.zeros(3, 6, device="cuda")
    row.copy_(x[0])                                         # broadcast across devices
    same(row, x[0].expand(3, 6).contiguous(), exact=True)


@pytest.mark.parametrize("src", DTYPES)
@pytest.mark.parametrize("dst", [mt.float32, mt.float16, mt.bfloat16, mt.int64, mt.uint8,
                                 mt.bool])
def test_casts_on_the_device(src, dst):
    x = rand((7, 3), src)
    same(x.cuda().to(dst), x.to(dst), exact=True)


def test_numpy_of_a_cuda_tensor_is_a_type_error():
    g = mt.zeros(2, device="cuda")
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy. "
                                        r"Use Tensor.cpu\(\) to copy the tensor to host memory"):
        g.numpy()
    assert g.numpy(force=True).tolist() == [0.0, 0.0]


def test_mixing_devices_is_a_runtime_error_naming_both():
    with pytest.raises(RuntimeError, match="cuda:0.*cpu|cpu.*cuda:0"):
        mt.ones(3, device="cuda") + mt.ones(3)


def test_item_tolist_and_bool_synchronise():
    g = mt.arange(10, device="cuda", dtype=mt.float32)
    assert g.sum().item() == 45.0
    assert g.tolist() == list(map(float, range(10)))
    assert bool(g[3] == 3)


# ---- elementwise ---------------------------------------------------------------------

BINARY = ["add", "sub", "mul", "div", "maximum", "minimum", "eq", "lt", "ge", "atan2", "pow",
          "remainder", "fmod", "logical_and", "bitwise_xor"]


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_matches_cpu(name, dtype):
    a, b = rand((5, 8), dtype, 1), rand((5, 8), dtype, 2)
    if name in ("remainder", "fmod") and not dtype.is_floating_point:
        b = b.abs() + 1 if dtype != mt.bool else b
    fn = getattr(mt, name)
    try:
        want = fn(a, b)
    except (RuntimeError, TypeError, NotImplementedError) as e:
        with pytest.raises(type(e)):
            fn(a.cuda(), b.cuda())
        return
    same(fn(a.cuda(), b.cuda()), want)
    # strided (transposed), broadcast and Scalar operands
    same(fn(a.t().cuda().t(), b.cuda()), want)
    same(fn(a.cuda(), b[0].cuda()), fn(a, b[0]))
    if dtype.is_floating_point:
        same(fn(a.cuda(), 2.0), fn(a, 2.0))
        same(fn(a.flip(1).cuda(), b.cuda()), fn(a.flip(1), b))


@pytest.mark.parametrize("name", ["neg", "abs", "exp", "log", "sqrt", "sin", "tanh", "sigmoid",
                                  "floor", "round", "isnan", "logical_not", "relu", "erfinv"])
@pytest.mark.parametrize("dtype", FLOATS + [mt.int64, mt.int32])
def test_unary_matches_cpu(name, dtype):
    x = rand((6, 7), dtype, 3)
    fn = getattr(mt, name)
    try:
        want = fn(x)
    except (RuntimeError, TypeError, NotImplementedError):
        return
    same(fn(x.cuda()), want)
    same(fn(x.t().cuda()), fn(x.t()))


@pytest.mark.parametrize("dtype", [mt.float32, mt.float16, mt.int64])
def test_ternary_matches_cpu(dtype):
    x, lo, hi = rand((5, 6), dtype, 11), rand((6,), dtype, 12), rand((5, 1), dtype, 13)
    cond = rand((5, 6), mt.bool, 14)
    same(mt.where(cond.cuda(), x.cuda(), lo.cuda()), mt.where(cond, x, lo), exact=True)
    same(mt.clamp(x.cuda(), lo.cuda(), hi.cuda()), mt.clamp(x, lo, hi), exact=True)
    same(mt.addcmul(x.cuda(), lo.cuda(), hi.cuda(), value=2), mt.addcmul(x, lo, hi, value=2))
    if dtype.is_floating_point:
        same(mt.lerp(x.cuda(), hi.cuda(), lo.cuda()), mt.lerp(x, hi, lo))
        same(mt.addcdiv(x.cuda(), lo.cuda(), hi.cuda() + 10, value=0.5),
             mt.addcdiv(x, lo, hi + 10, value=0.5))


@pytest.mark.parametrize("dtype", [mt.float32, mt.float16, mt.int64, mt.bool])
def test_indexing_reads_match_cpu(dtype):
    x = rand((6, 7), dtype, 15)
    idx = mt.tensor([4, 0, -1, 2, 2])
    g, gi = x.cuda(), idx.cuda()
    same(g[gi], x[idx], exact=True)
    same(g[:, gi], x[:, idx], exact=True)
    same(mt.index_select(g, 1, gi), mt.index_select(x, 1, idx), exact=True)
    gidx = mt.tensor([[0, 1], [6, 5]])
    same(mt.gather(g[:2], 1, gidx.cuda()), mt.gather(x[:2], 1, gidx), exact=True)
    mask = rand((6, 7), mt.bool, 16)
    same(g.masked_fill(mask.cuda(), 1), x.masked_fill(mask, 1), exact=True)
    with pytest.raises(IndexError):
        g[mt.tensor([7]).cuda()]


@pytest.mark.parametrize("dtype", [mt.float32, mt.float64, mt.int32, mt.int64, mt.float16])
def test_indexed_writes_match_cpu(dtype):
    x, v = rand((6, 7), dtype, 17), rand((3, 7), dtype, 18)
    idx = mt.tensor([5, 0, 2])  # no duplicates: Assign is deterministic
    g = x.cuda()
    g[idx.cuda()] = v.cuda()
    want = x.clone()
    want[idx] = v
    same(g, want, exact=True)
    dup = mt.tensor([1, 1, 4])
    if dtype == mt.float16:
        with pytest.raises(NotImplementedError):
            x.cuda().index_add_(0, dup.cuda(), v.cuda())
        return
    same(x.cuda().index_add_(0, dup.cuda(), v.cuda(), alpha=2),
         x.clone().index_add_(0, dup, v, alpha=2))


def test_integer_division_by_zero_is_refused_on_cuda():
    a = mt.tensor([7, 8, 9]).cuda()
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        a // mt.tensor([1, 0, 1]).cuda()
    assert (a // mt.tensor([2, 3, 4]).cuda()).tolist() == [3, 2, 2]


def test_in_place_and_alpha():
    a, b = rand((4, 4), mt.float32, 5), rand((4, 4), mt.float32, 6)
    g = a.cuda()
    g.add_(b.cuda(), alpha=2.5)
    same(g, a + 2.5 * b)
    g.mul_(3)
    same(g, (a + 2.5 * b) * 3)


# ---- reductions and matmul -------------------------------------------------------------

@pytest.mark.parametrize("dtype", [mt.float32, mt.float64, mt.float16, mt.int64, mt.int32])
@pytest.mark.parametrize("shape,dim", [((1000,), None), ((37, 129), 1), ((37, 129), 0),
                                       ((4, 5, 6), (0, 2)), ((3, 100000), 1),
                                       ((2000000,), None)])
def test_sum_matches_cpu(dtype, shape, dim):
    x = rand(shape, dtype, 7)
    want = x.sum() if dim is None else x.sum(dim)
    got = x.cuda().sum() if dim is None else x.cuda().sum(dim)
    same(got, want) if dtype != mt.float16 else np.testing.assert_allclose(
        got.cpu().float().numpy(), want.float().numpy(), rtol=2e-2, atol=1e-1)
    again = x.cuda().sum() if dim is None else x.cuda().sum(dim)
    assert again.cpu().tolist() == got.cpu().tolist()  # deterministic


@pytest.mark.parametrize("dtype", [mt.float32, mt.float64])
def test_mean_amax_amin_prod(dtype):
    x = rand((9, 300), dtype, 8)
    g = x.cuda()
    same(g.mean(), x.mean())
    same(g.mean(1), x.mean(1))
    same(g.amax(0), x.amax(0), exact=True)
    same(g.amin(1), x.amin(1), exact=True)
    same((g[:, :20] / 2 + 1).prod(1), (x[:, :20] / 2 + 1).prod(1))
    same(g.argmax(1), x.argmax(1), exact=True)
    same(g.argmin(), x.argmin(), exact=True)
    vals, idx = g.max(0)
    want_vals, want_idx = x.max(0)
    same(vals, want_vals, exact=True)
    same(idx, want_idx, exact=True)
    for f in (mt.all, mt.any, mt.count_nonzero):
        same(f(g > 0.5), f(x > 0.5), exact=True)
    same(mt.all(g > -10, 1), mt.all(x > -10, 1), exact=True)
    same(mt.count_nonzero(g.round(), 0), mt.count_nonzero(x.round(), 0), exact=True)
    ties = mt.tensor([[1.0, 3.0, 3.0, float("nan"), float("nan")]], dtype=dtype)
    assert ties.cuda().argmax(1).tolist() == ties.argmax(1).tolist() == [3]


@pytest.mark.parametrize("dtype", [mt.float32, mt.float64, mt.float16])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_matches_cpu(dtype, dim):
    x = rand((7, 300), dtype, 19) * 4
    same(mt.softmax(x.cuda(), dim), mt.softmax(x, dim))
    same(mt.log_softmax(x.cuda(), dim), mt.log_softmax(x, dim))
    same(mt.softmax(x.t().cuda(), dim), mt.softmax(x.t(), dim))


@pytest.mark.parametrize("dtype", [mt.float32, mt.float64, mt.float16, mt.bfloat16])
@pytest.mark.parametrize("layout", ["nn", "tn", "nt", "batched", "broadcast"])
def test_matmul_matches_cpu(dtype, layout):
    a, b = rand((33, 17), mt.float64, 9), rand((17, 21), mt.float64, 10)
    if layout == "tn":
        a = rand((17, 33), mt.float64, 9).t()
    if layout == "nt":
        b = rand((21, 17), mt.float64, 10).t()
    if layout == "batched":
        a, b = rand((3, 33, 17), mt.float64, 9), rand((3, 17, 21), mt.float64, 10)
    if layout == "broadcast":
        a = rand((2, 33, 17), mt.float64, 9)
    want = (a @ b).to(dtype)
    got = a.to(dtype).cuda() @ b.to(dtype).cuda()
    tol = {mt.float16: 2e-2, mt.bfloat16: 1e-1, mt.float32: 1e-4}.get(dtype, 1e-10)
    np.testing.assert_allclose(got.cpu().float().numpy(), want.float().numpy(), rtol=tol,
                               atol=tol)


# ---- memory ------------------------------------------------------------------------

def test_allocator_statistics_and_reuse():
    mt.cuda.synchronize()
    mt.cuda.empty_cache()
    base = mt.cuda.memory_allocated()
    x = mt.empty(1 << 20, device="cuda")  # 4 MiB
    assert mt.cuda.memory_allocated() == base + 4 * 2**20
    assert mt.cuda.memory_reserved() >= mt.cuda.memory_allocated()
    ptr = x.data_ptr()
    del x
    assert mt.cuda.memory_allocated() == base
    y = mt.empty(1 << 20, device="cuda")
    assert y.data_ptr() == ptr  # the cached block, no cudaMalloc
    assert mt.cuda.max_memory_allocated() >= base + 4 * 2**20
    del y
    mt.cuda.reset_peak_memory_stats()
    assert mt.cuda.max_memory_allocated() == mt.cuda.memory_allocated()
    mt.cuda.empty_cache()
    assert "Allocated memory" in mt.cuda.memory_summary()


def test_out_of_memory_is_a_runtime_error():
    with pytest.raises(RuntimeError, match="CUDA out of memory. Tried to allocate"):
        mt.empty(1 << 50, dtype=mt.uint8, device="cuda")
    x = mt.ones(10, device="cuda")  # still usable afterwards
    assert x.sum().item() == 10


# ---- streams and events --------------------------------------------------------------

def test_events_and_streams():
    start, end = mt.cuda.Event(enable_timing=True), mt.cuda.Event(enable_timing=True)
    start.record()
    x = mt.ones(1 << 20, device="cuda")
    for _ in range(10):
        x = x * 1.0001
    end.record()
    end.synchronize()
    assert end.query() and start.elapsed_time(end) >= 0
    s = mt.cuda.Stream()
    with mt.cuda.stream(s):
        assert mt.cuda.current_stream() == s
        y = x + 1
    assert mt.cuda.current_stream() != s
    mt.cuda.current_stream().wait_stream(s)
    s.synchronize()
    assert s.query()
    same(y, x.cpu() + 1)
    with mt.cuda.device(0):
        assert mt.cuda.current_device() == 0
