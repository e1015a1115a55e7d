"""minitorch.utils.safetensors (issue 13 item 3, Note [safetensors mapping]): the file
format round trip, interop with the `safetensors` package (numpy and torch loaders,
both ways), the zero-copy mapping and its lifetime, saving rules, and crafted headers
that must each raise the right error without reading outside the file."""

import gc
import json
import mmap
import os
import struct

import numpy as np
import oracle
import pytest

import minitorch as mt
from minitorch.utils import safetensors as mst
from minitorch.utils.safetensors import SafetensorError

# (minitorch dtype, safetensors name, NumPy dtype or None for bfloat16, sample values)
DTYPES = [
    (mt.bool, "BOOL", np.bool_, [True, False, True]),
    (mt.uint8, "U8", np.uint8, [0, 7, 255]),
    (mt.int8, "I8", np.int8, [-128, 5, 127]),
    (mt.int16, "I16", np.int16, [-32768, 3, 32767]),
    (mt.int32, "I32", np.int32, [-(2**31), 9, 2**31 - 1]),
    (mt.int64, "I64", np.int64, [-(2**63), 11, 2**63 - 1]),
    (mt.float16, "F16", np.float16, [-1.5, 0.25, 65504.0]),
    (mt.bfloat16, "BF16", None, [-1.5, 0.25, 3.0e38]),
    (mt.float32, "F32", np.float32, [-1.5, 0.1, 3.4e38]),
    (mt.float64, "F64", np.float64, [-1.5, 0.1, 1e300]),
]
IDS = [d[1] for d in DTYPES]


def values(t):
    """A tensor's values as a NumPy array (bfloat16 as float32, exactly)."""
    if t.dtype == mt.bfloat16:
        t = t.float()
    return t.numpy()


def sample(dtype, vals):
    return mt.tensor(vals * 4, dtype=dtype).reshape(3, 4)


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "t.safetensors")


# ---------------------------------------------------------------- round trips

@pytest.mark.parametrize("dtype,name,npdt,vals", DTYPES, ids=IDS)
def test_round_trip_every_dtype(path, dtype, name, npdt, vals):
    t = sample(dtype, vals)
    mst.save_file({"x": t, "y": t[0].clone()}, path, metadata={"format": "pt"})
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    assert header["x"] == {"dtype": name, "shape": [3, 4], "data_offsets": [0, 12 * t.element_size()]}
    assert header["__metadata__"] == {"format": "pt"}
    assert (8 + n) % 8 == 0  # the byte buffer starts 8-aligned
    got = mst.load_file(path)
    assert sorted(got) == ["x", "y"]
    assert got["x"].dtype == dtype and got["x"].shape == (3, 4)
    np.testing.assert_array_equal(values(got["x"]), values(t))
    np.testing.assert_array_equal(values(got["y"]), values(t[0]))
    back = mst.load(mst.save({"x": t}))
    np.testing.assert_array_equal(values(back["x"]), values(t))


def layouts():
    base = mt.arange(24.0).reshape(2, 3, 4)
    return {
        "transpose": base.transpose(0, 2),
        "step": base[:, ::2, 1:],
        "flip": base.flip(2),
        "expand": mt.arange(4.0).expand(3, 4),
        "offset": base[1, 2],
        "scalar": mt.tensor(2.5, dtype=mt.float64),
        "empty": mt.zeros(0, 5),
        "requires_grad": mt.ones(2, requires_grad=True),
    }


@pytest.mark.parametrize("kind", list(layouts()))
def test_non_contiguous_layouts_are_saved_contiguous(path, kind):
    t = layouts()[kind]
    mst.save_file({"t": t}, path)
    got = mst.load_file(path)["t"]
    assert got.shape == t.shape and got.is_contiguous() and not got.requires_grad
    np.testing.assert_array_equal(got.numpy(), t.detach().numpy())


def test_empty_dict_and_metadata_only(path):
    mst.save_file({}, path, metadata={"a": "b"})
    assert mst.load_file(path) == {}
    with mst.safe_open(path, "pt") as f:
        assert f.keys() == [] and f.metadata() == {"a": "b"}
    assert mst.load(mst.save({})) == {}


# ---------------------------------------------------------------- the safetensors package

def package_arrays():
    ml = pytest.importorskip("ml_dtypes")
    out = {}
    for dtype, name, npdt, vals in DTYPES:
        a = np.array(vals * 2, dtype=npdt if npdt is not None else ml.bfloat16).reshape(2, 3)
        out[name.lower()] = a
    return out


def test_files_are_byte_identical_to_the_package():
    stn = pytest.importorskip("safetensors.numpy")
    arrays = package_arrays()
    ours = {k: (mt.from_numpy(a.view(np.int16)).view(mt.bfloat16) if k == "bf16"
                else mt.from_numpy(a)) for k, a in arrays.items()}
    assert mst.save(ours, metadata={"k": "v"}) == stn.save(arrays, metadata={"k": "v"})


def test_package_numpy_files_load_here(path):
    stn = pytest.importorskip("safetensors.numpy")
    arrays = package_arrays()
    stn.save_file(arrays, path, metadata={"who": "package"})
    got = mst.load_file(path)
    for k, a in arrays.items():
        want = a.astype(np.float32) if k == "bf16" else a
        assert got[k].shape == a.shape
        np.testing.assert_array_equal(values(got[k]), want)
    with mst.safe_open(path, framework="np") as f:
        assert f.metadata() == {"who": "package"}
        np.testing.assert_array_equal(f.get_tensor("f64"), arrays["f64"])


def test_our_files_load_in_the_package_numpy_loader(path):
    stn = pytest.importorskip("safetensors.numpy")
    ours = {name.lower(): sample(dtype, vals) for dtype, name, npdt, vals in DTYPES
            if name != "BF16"}  # the package's numpy loader has no BF16 (KeyError)
    mst.save_file(ours, path, metadata={"who": "minitorch"})
    got = stn.load_file(path)
    for k, t in ours.items():
        assert got[k].dtype == t.numpy().dtype
        np.testing.assert_array_equal(got[k], t.numpy())
    safetensors = pytest.importorskip("safetensors")
    with safetensors.safe_open(path, framework="np") as f:
        assert f.metadata() == {"who": "minitorch"}


@pytest.mark.torch_live
def test_round_trip_with_safetensors_torch(path):
    """safetensors.torch reads our files and we read its files, every dtype."""
    torch = oracle.real_torch()
    stt = pytest.importorskip("safetensors.torch")
    ours = {name: sample(dtype, vals) for dtype, name, npdt, vals in DTYPES}
    mst.save_file(ours, path)
    theirs = stt.load_file(path)
    for k, t in ours.items():
        assert str(theirs[k].dtype).split(".")[1] == str(t.dtype).split(".")[1]
        np.testing.assert_array_equal(theirs[k].float().numpy() if k == "BF16"
                                      else theirs[k].numpy(), values(t))
    stt.save_file({k: v.clone() for k, v in theirs.items()}, path, metadata={"m": "1"})
    back = mst.load_file(path)
    for k, t in ours.items():
        assert back[k].dtype == t.dtype
        np.testing.assert_array_equal(values(back[k]), values(t))
    assert torch.equal(stt.load(mst.save(ours))["BF16"], theirs["BF16"])


# ---------------------------------------------------------------- mapping and lifetime

def test_load_file_views_the_mapped_pages(path):
    mst.save_file({"a": mt.ones(1000), "b": mt.arange(10, dtype=mt.int64)}, path)
    with open(path, "rb") as f:
        data_start = 8 + struct.unpack("<Q", f.read(8))[0]
    got = mst.load_file(path)
    # b (8-byte items) is first in the file, then a; both lie in one page-aligned map
    assert got["a"].data_ptr() - got["b"].data_ptr() == 80
    assert (got["b"].data_ptr() - data_start) % mmap.PAGESIZE == 0


def test_tensors_are_writable_copy_on_write(path):
    mst.save_file({"a": mt.zeros(4)}, path)
    t = mst.load_file(path)["a"]
    t.add_(5.0)
    assert t.tolist() == [5.0] * 4
    assert mst.load_file(path)["a"].tolist() == [0.0] * 4  # the file is unchanged


def test_tensors_outlive_the_dict_the_file_and_safe_open(path):
    mst.save_file({"a": mt.arange(5.0), "b": mt.ones(3)}, path)
    got = mst.load_file(path)
    a = got["a"]
    with mst.safe_open(path, framework="pt") as f:
        b = f.get_tensor("b")
        view = f.get_slice("a")[1:3]
    del got, f
    gc.collect()
    os.remove(path)
    gc.collect()
    assert a.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert b.tolist() == [1.0, 1.0, 1.0] and view.tolist() == [1.0, 2.0]
    arr = a.numpy()
    del a
    gc.collect()
    assert arr.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_load_bytes_copies_once_and_is_writable():
    data = mst.save({"a": mt.arange(3.0)})
    t = mst.load(data)["a"]
    t[0] = 9.0
    assert mst.load(data)["a"].tolist() == [0.0, 1.0, 2.0]
    assert mst.load(bytearray(data))["a"].tolist() == [0.0, 1.0, 2.0]
    assert mst.load(memoryview(data))["a"].tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(TypeError, match="expected bytes, got str"):
        mst.load("not bytes")


def test_shapes_numpy_cannot_hold(path):
    """More than NumPy's 64 dimensions, and size-0 tensors with huge dims, still load."""
    t = mt.ones([1] * 70 + [2])
    got = mst.load(mst.save({"t": t, "e": mt.empty(0, 2**40)}))
    assert got["t"].shape == t.shape and got["t"].sum().item() == 2.0
    assert got["e"].shape == (0, 2**40)


def test_misaligned_tensor_is_copied(path):
    """Another writer may put a float32 at an odd offset: the values still load."""
    header = {"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]},
              "b": {"dtype": "F32", "shape": [2], "data_offsets": [1, 9]}}
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw + b"\x07" + np.array([1.5, -2.0], "<f4").tobytes())
    got = mst.load_file(path)
    assert got["a"].tolist() == [7] and got["b"].tolist() == [1.5, -2.0]
    got["b"].add_(1)  # a private copy, writable
    assert got["b"].tolist() == [2.5, -1.0]


def test_dtype_minitorch_lacks(path):
    header = {"u": {"dtype": "U16", "shape": [2], "data_offsets": [0, 4]},
              "f": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}
    raw = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw + b"\0" * 8)
    with pytest.raises(TypeError, match="tensor 'u' has dtype U16, which minitorch does not"):
        mst.load_file(path)
    with mst.safe_open(path, "pt") as f:
        assert f.get_tensor("f").tolist() == [0.0]
        assert f.get_slice("u").get_dtype() == "U16"
        with pytest.raises(TypeError, match="U16"):
            f.get_tensor("u")
    with mst.safe_open(path, "np") as f:  # NumPy has uint16
        assert f.get_tensor("u").dtype == np.uint16


# ---------------------------------------------------------------- safe_open

def test_safe_open_api(path):
    t = mt.arange(12.0).reshape(3, 4)
    mst.save_file({"w": t, "b": mt.ones(2, dtype=mt.bfloat16)}, path, metadata={"k": "v"})
    with mst.safe_open(path, framework="pt", device="cpu") as f:
        assert f.keys() == ["b", "w"]
        assert f.metadata() == {"k": "v"}
        sl = f.get_slice("w")
        assert sl.get_shape() == [3, 4] and sl.get_dtype() == "F32"
        part = sl[1:, ::2]
        assert part.is_contiguous() and part.tolist() == [[4.0, 6.0], [8.0, 10.0]]
        assert f.get_slice("b").get_dtype() == "BF16"
        with pytest.raises(SafetensorError, match="File does not contain tensor nope"):
            f.get_tensor("nope")
        with pytest.raises(SafetensorError, match="File does not contain tensor nope"):
            f.get_slice("nope")
    with pytest.raises(SafetensorError, match="File is closed"):
        f.keys()
    with mst.safe_open(path, framework="np") as f:
        assert isinstance(f.get_tensor("w"), np.ndarray)
        assert f.get_slice("w")[0].tolist() == [0.0, 1.0, 2.0, 3.0]
        with pytest.raises(TypeError, match="BF16"):
            f.get_tensor("b")
    assert mst.safe_open(path, "pt").metadata() == {"k": "v"}  # usable without `with`
    with pytest.raises(ValueError, match="framework 'tf' is not supported"):
        mst.safe_open(path, framework="tf")
    with pytest.raises(FileNotFoundError):
        mst.safe_open(path + ".missing", framework="pt")
    with pytest.raises(FileNotFoundError):
        mst.load_file(path + ".missing")


# ---------------------------------------------------------------- saving rules

def test_save_refuses_tensors_that_share_memory(path):
    x = mt.arange(6.0).reshape(2, 3)
    with pytest.raises(RuntimeError, match=r"Some tensors share memory.*\['a', 'b'\]"):
        mst.save_file({"a": x, "b": x[0]}, path)
    with pytest.raises(RuntimeError, match="share memory"):
        mst.save({"a": x, "b": x})
    with pytest.raises(RuntimeError, match="share memory"):
        mst.save({"a": x.flip(1), "b": x[1, 1:]})
    assert not os.path.exists(path)  # nothing written
    # disjoint parts of one storage are fine (saved as two copies)
    got = mst.load(mst.save({"a": x[0], "b": x[1]}))
    assert got["a"].tolist() == [0.0, 1.0, 2.0] and got["b"].tolist() == [3.0, 4.0, 5.0]


def test_save_argument_errors(path):
    with pytest.raises(ValueError, match="Expected a dict of \\[str, Tensor\\] but received"):
        mst.save([mt.ones(1)])
    with pytest.raises(ValueError, match="Key `a` is invalid, expected Tensor but received"):
        mst.save({"a": np.ones(1)})
    with pytest.raises(ValueError, match="expected str"):
        mst.save({1: mt.ones(1)})
    with pytest.raises(ValueError, match="'__metadata__' is reserved"):
        mst.save_file({"__metadata__": mt.ones(1)}, path)
    with pytest.raises(TypeError, match="argument 'metadata': keys and values must be str"):
        mst.save({"a": mt.ones(1)}, metadata={"a": 1})
    with pytest.raises(TypeError, match="argument 'metadata': expected a dict"):
        mst.save({"a": mt.ones(1)}, metadata=[("a", "b")])


# ---------------------------------------------------------------- crafted headers

def frame(header=None, data=b"", raw=None, length=None):
    body = raw if raw is not None else json.dumps(header).encode()
    n = len(body) if length is None else length
    return struct.pack("<Q", n) + body + data


def one(dtype="F32", shape=(1,), offsets=(0, 4), **extra):
    return {"a": {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets), **extra}}


F4 = b"\0" * 4
# (id, file bytes, message regex, the reference package rejects it too)
CRAFTED = [
    ("empty_file", b"", "too small \\(0 bytes\\)", True),
    ("seven_bytes", b"\x01" * 7, "too small \\(7 bytes\\)", True),
    ("length_zero", struct.pack("<Q", 0), "header length 0 is too small", True),
    ("length_one", frame(raw=b"{"), "header length 1 is too small", True),
    ("length_over_limit", frame(raw=b"{}", length=100_000_001),
     "header length 100000001 is larger than the limit of 100000000", True),
    ("length_2_64_minus_1", frame(raw=b"{}", length=2**64 - 1), "larger than the limit", True),
    ("length_past_file", frame(raw=b"{}", length=64), "runs past the end of the file", True),
    ("not_utf8", frame(raw=b'{"\xff":1}'), "not valid UTF-8", True),
    ("not_json", frame(raw=b"{not json"), "invalid JSON in header: Expecting property name", True),
    ("trailing_nul", frame(raw=b"{}\0\0"), "invalid JSON in header: Extra data", True),
    ("top_level_list", frame([1, 2]), "must be a JSON object, got list", True),
    ("top_level_string", frame("x"), "must be a JSON object, got str", True),
    ("duplicate_key", frame(raw=b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
                                b'"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
                            data=b"\0" * 8), "duplicate key 'a'", True),
    ("nan_in_shape", frame(raw=b'{"a":{"dtype":"F32","shape":[NaN],"data_offsets":[0,4]}}',
                           data=F4), "NaN is not a number", True),
    ("huge_int_literal", frame(raw=b'{"a":{"dtype":"F32","shape":[' + b"9" * 5000 +
                                   b'],"data_offsets":[0,4]}}', data=F4),
     "invalid JSON in header", True),
    ("deep_nesting", frame(raw=b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
     "invalid JSON in header", True),
    ("metadata_list", frame({"__metadata__": [1]}), "__metadata__ must be a map", True),
    ("metadata_int_value", frame({"__metadata__": {"k": 1}}),
     "__metadata__\\['k'\\] must be a string, got int", True),
    ("entry_not_map", frame({"a": [0, 4]}), "tensor 'a': expected a map", True),
    ("missing_dtype", frame({"a": {"shape": [1], "data_offsets": [0, 4]}}, F4),
     "tensor 'a': missing field 'dtype'", True),
    ("missing_shape", frame({"a": {"dtype": "F32", "data_offsets": [0, 4]}}, F4),
     "missing field 'shape'", True),
    ("missing_offsets", frame({"a": {"dtype": "F32", "shape": [1]}}, F4),
     "missing field 'data_offsets'", True),
    ("unknown_dtype", frame(one(dtype="X32"), F4), "unknown dtype 'X32'", True),
    ("lowercase_dtype", frame(one(dtype="f32"), F4), "unknown dtype 'f32'", True),
    ("dtype_not_string", frame(one(dtype=4), F4), "unknown dtype 4", True),
    ("negative_dim", frame(one(shape=(-1,)), F4), "shape must be a list of non-negative", True),
    ("float_dim", frame(one(shape=(1.0,)), F4), "got \\[1.0\\]", True),
    ("bool_dim", frame(one(shape=(True,)), F4), "got \\[True\\]", True),
    ("shape_not_list", frame({"a": {"dtype": "F32", "shape": 1, "data_offsets": [0, 4]}}, F4),
     "shape must be a list", True),
    ("dim_2_63", frame(one(shape=(2**63,)), F4), "below 2\\*\\*63, got \\[9223372036854775808\\]",
     True),
    ("three_offsets", frame(one(offsets=(0, 4, 8)), F4), "data_offsets must be two", True),
    ("negative_offset", frame(one(offsets=(-4, 0)), F4), "data_offsets must be two non-negative",
     True),
    ("begin_after_end", frame(one(shape=(0,), offsets=(4, 0)), F4),
     "data_offsets \\[4, 0\\] end before they begin", True),
    ("end_past_buffer", frame(one(shape=(2,), offsets=(0, 8)), F4),
     "run past the end of the byte buffer \\(4 bytes", True),
    ("size_mismatch", frame(one(shape=(2,), offsets=(0, 4)), F4),
     "hold 4 bytes, but shape \\[2\\] of F32 needs 8", True),
    ("numel_overflow", frame(one(shape=(2**62, 2**62)), F4), "more than 2\\*\\*63 - 1 elements",
     True),
    # 2**62 + 1 float32 are 2**64 + 4 bytes: 4 when a 64-bit product wraps
    ("bytes_wrap_to_4", frame(one(shape=(2**62 + 1,)), F4),
     "hold 4 bytes, but shape \\[4611686018427387905\\] of F32 needs 18446744073709551620", True),
    ("empty_but_strides_overflow", frame(one(shape=(0, 2**62, 4), offsets=(0, 0))),
     "shape \\[0, 4611686018427387904, 4\\] is too large \\(its strides overflow\\)", False),
    ("overlap", frame({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                       "b": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, F4),
     "overlap another tensor's bytes", True),
    ("gap", frame(one(offsets=(4, 8)), b"\0" * 8), "leave a gap of 4 unused bytes", True),
    ("trailing_bytes", frame(one(), b"\0" * 8),
     "the tensors cover 4 bytes but the byte buffer holds 8", True),
    ("sub_byte_size", frame(one(dtype="F4", shape=(3,), offsets=(0, 2)), b"\0\0"),
     "3 elements of F4 are not a whole number of bytes", False),
    ("bool_byte_2", frame(one(dtype="BOOL", shape=(2,), offsets=(0, 2)), b"\x01\x02"),
     "BOOL data holds a byte other than 0 and 1", False),
]


def test_thirty_crafted_headers_at_least():
    assert len(CRAFTED) >= 30


@pytest.mark.parametrize("data,message,ref_rejects", [c[1:] for c in CRAFTED],
                         ids=[c[0] for c in CRAFTED])
def test_crafted_header_raises(tmp_path, data, message, ref_rejects):
    p = str(tmp_path / "bad.safetensors")
    with open(p, "wb") as f:
        f.write(data)
    with pytest.raises(SafetensorError, match=message) as info:
        mst.load_file(p)
    assert str(info.value).startswith("Error while deserializing header: ")
    with pytest.raises(SafetensorError, match=message):
        mst.load(data)
    if "BOOL" not in message:  # header errors: safe_open fails on opening
        with pytest.raises(SafetensorError, match=message):
            mst.safe_open(p, framework="pt")
    try:
        import safetensors.numpy as stn
    except ImportError:
        return
    if ref_rejects:
        with pytest.raises(Exception):  # noqa: B017  (the package's SafetensorError)
            stn.load(data)


def test_mutated_files_raise_cleanly_and_agree_with_the_package():
    """1,000 random mutations of a valid file (header bytes changed, file cut short or
    extended): each loads or raises SafetensorError, never another exception, and is
    accepted exactly when the reference package accepts it."""
    import random

    try:
        import safetensors.numpy as stn
    except ImportError:
        stn = None
    base = mst.save({"a": mt.arange(6.0).reshape(2, 3), "b": mt.tensor([1, 2], dtype=mt.int16),
                     "c": mt.ones(3, dtype=mt.uint8), "d": mt.zeros(0, 2)}, metadata={"k": "v"})
    n = int.from_bytes(base[:8], "little")
    rng = random.Random(1)
    accepted = 0
    for _ in range(1000):
        b = bytearray(base)
        for _ in range(rng.randint(1, 3)):
            r = rng.random()
            if r < 0.8 and len(b) > 8 + n:
                b[rng.randrange(8, 8 + n)] = rng.choice(b'0123456789[]{},:"-.eE ' +
                                                        bytes([rng.randrange(256)]))
            elif r < 0.9 and b:
                del b[rng.randrange(len(b)):]
            else:
                b += bytes(rng.randrange(16))
        b = bytes(b)
        try:
            got = mst.load(b)
            ours = True
            for t in got.values():
                t.sum()
        except SafetensorError:
            ours = False
        accepted += ours
        if stn is not None:
            try:
                stn.load(b)
                theirs = True
            except Exception:  # noqa: BLE001  (the package's SafetensorError)
                theirs = False
            assert ours == theirs, b[:8 + n]
    assert 0 < accepted < 1000


def _mapped(path):
    with open("/proc/self/maps") as f:
        return sum(1 for line in f if line.rstrip().endswith(os.path.realpath(path)))


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="needs /proc/self/maps")
def test_the_map_is_released_with_the_last_tensor_even_from_a_thread(path):
    import threading

    mst.save_file({"a": mt.ones(4096), "b": mt.zeros(4096)}, path)
    got = mst.load_file(path)
    assert _mapped(path) >= 1
    a = got["a"]
    del got
    gc.collect()
    assert _mapped(path) >= 1  # a still views the map
    box = [a]
    del a
    t = threading.Thread(target=box.clear)  # the last reference dies in another thread
    t.start()
    t.join()
    gc.collect()
    assert _mapped(path) == 0
    with mst.safe_open(path, "pt") as f:
        b = f.get_tensor("b")
    del f
    gc.collect()
    assert _mapped(path) >= 1 and b.sum().item() == 0.0
    del b
    gc.collect()
    assert _mapped(path) == 0


def test_a_file_that_cannot_be_mapped_is_read(path, monkeypatch):
    mst.save_file({"a": mt.arange(4.0)}, path)

    def no_mmap(*args, **kwargs):
        raise OSError(19, "No such device")  # ENODEV: the file system has no mmap

    monkeypatch.setattr(mst.mmap, "mmap", no_mmap)
    got = mst.load_file(path)["a"]
    got.add_(1)
    assert got.tolist() == [1.0, 2.0, 3.0, 4.0]
