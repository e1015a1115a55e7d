"""minitorch.save / minitorch.load: PyTorch's zip checkpoint format, round trips,
interchange with torch, and the weights_only safety and corruption checks."""
import collections
import io
import os
import pickle
import zipfile

import numpy as np
import oracle
import pytest

import minitorch as mt

DATA = os.path.join(os.path.dirname(__file__), "data")


def roundtrip(obj, **kw):
    buf = io.BytesIO()
    mt.save(obj, buf)
    buf.seek(0)
    return mt.load(buf, **kw)


def same_storage(a, b):
    base = lambda t: t.data_ptr() - t.storage_offset() * t.element_size()  # noqa: E731
    return base(a) == base(b)


@pytest.mark.parametrize("dtype", [mt.float32, mt.float64, mt.float16, mt.bfloat16,
                                   mt.int64, mt.int32, mt.int16, mt.int8, mt.uint8,
                                   mt.bool])
def test_roundtrip_dtypes(dtype):
    src = np.array([[0, 1, 5], [-3, 2, 7]], dtype=np.float32)
    t = mt.from_numpy(src).to(dtype)
    r = roundtrip(t)
    assert r.dtype == dtype and tuple(r.shape) == (2, 3) and r.stride() == (3, 1)
    assert r.float().tolist() == t.float().tolist()
    assert r.data_ptr() != t.data_ptr()


def test_roundtrip_views_share_storage_and_keep_strides():
    base = mt.arange(24, dtype=mt.float32).reshape(4, 6)
    obj = {"base": base, "t": base.t(), "slice": base[1:3, ::2], "row": base[2]}
    r = roundtrip(obj)
    for k, v in obj.items():
        assert r[k].stride() == v.stride(), k
        assert r[k].storage_offset() == v.storage_offset(), k
        assert r[k].tolist() == v.tolist(), k
        assert same_storage(r[k], r["base"]), k
    r["base"][2, 2] = -100.0
    assert r["slice"][1, 1].item() == -100.0
    assert r["row"][2].item() == -100.0
    assert r["t"][2, 2].item() == -100.0


def test_view_only_saves_what_it_reaches():
    base = mt.arange(100, dtype=mt.float64)
    buf = io.BytesIO()
    mt.save(base[10:20:3], buf)
    z = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    sizes = {i.filename: i.file_size for i in z.infolist()}
    assert sizes["archive/data/0"] == 20 * 8  # elements 0..19 of the storage
    buf.seek(0)
    r = mt.load(buf)
    assert r.tolist() == [10.0, 13.0, 16.0, 19.0] and r.storage_offset() == 10


def test_requires_grad_and_nested_containers():
    w = mt.ones(2, 3, requires_grad=True)
    sd = collections.OrderedDict([("w", w), ("b", mt.zeros(3))])
    obj = {"model": sd, "opt": {"state": {0: {"step": mt.tensor(4.0),
                                              "exp_avg": mt.full((2, 3), 0.5)}},
                                "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999),
                                                  "params": [0], "amsgrad": False,
                                                  "foreach": None, "name": "g"}]},
           "dtype": mt.int32, "size": mt.Size([2, 3]), "bytes": b"\x00\xff"}
    r = roundtrip(obj)
    assert isinstance(r["model"], collections.OrderedDict)
    assert list(r["model"]) == ["w", "b"]
    assert r["model"]["w"].requires_grad and r["model"]["w"].is_leaf
    assert not r["model"]["b"].requires_grad
    assert r["opt"]["param_groups"] == obj["opt"]["param_groups"]
    assert r["opt"]["state"][0]["step"].item() == 4.0
    assert r["opt"]["state"][0]["exp_avg"].tolist() == [[0.5] * 3] * 2
    assert r["dtype"] == mt.int32 and r["size"] == mt.Size([2, 3])
    assert isinstance(r["size"], mt.Size) and r["bytes"] == b"\x00\xff"


def test_path_and_pathlike(tmp_path):
    t = mt.arange(5, dtype=mt.int64) * 3
    mt.save(t, str(tmp_path / "a.pt"))
    mt.save(t, tmp_path / "b.pt")
    assert mt.load(tmp_path / "a.pt").tolist() == [0, 3, 6, 9, 12]
    assert mt.load(str(tmp_path / "b.pt")).tolist() == [0, 3, 6, 9, 12]
    with open(tmp_path / "b.pt", "rb") as fh:
        assert mt.load(fh).tolist() == [0, 3, 6, 9, 12]


def test_format_layout():
    buf = io.BytesIO()
    mt.save({"x": mt.ones(3)}, buf)
    z = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    names = z.namelist()
    assert names[0] == "archive/data.pkl"
    assert {"archive/version", "archive/byteorder", "archive/data/0"} <= set(names)
    assert z.read("archive/byteorder") == b"little"
    assert z.read("archive/version").strip() == b"3"
    assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
    assert np.frombuffer(z.read("archive/data/0"), "<f4").tolist() == [1.0, 1.0, 1.0]
    pkl = z.read("archive/data.pkl")
    assert pkl[:2] == b"\x80\x02"
    assert b"ctorch._utils\n_rebuild_tensor_v2\n" in pkl
    assert b"ctorch\nFloatStorage\n" in pkl
    # the storage bytes start on a 64-byte boundary of the file
    info = z.getinfo("archive/data/0")
    raw = buf.getvalue()
    n, m = np.frombuffer(raw[info.header_offset + 26:info.header_offset + 30], "<u2")
    assert (info.header_offset + 30 + n + m) % 64 == 0


def test_mmap(tmp_path):
    p = tmp_path / "m.pt"
    base = mt.arange(12, dtype=mt.float32).reshape(3, 4)
    mt.save({"a": base, "v": base[1:], "b": mt.tensor([1.0, 2.0], dtype=mt.bfloat16)}, p)
    r = mt.load(p, mmap=True)
    assert r["a"].tolist() == base.tolist() and r["v"].tolist() == base[1:].tolist()
    assert r["b"].dtype == mt.bfloat16 and r["b"].float().tolist() == [1.0, 2.0]
    assert same_storage(r["a"], r["v"])
    r["a"][1, 0] = 7.0  # copy-on-write: the file is unchanged
    assert r["v"][0, 0].item() == 7.0
    assert mt.load(p)["a"][1, 0].item() == 4.0
    with pytest.raises(ValueError, match="path"):
        mt.load(io.BytesIO(p.read_bytes()), mmap=True)


def test_map_location():
    t = mt.arange(3, dtype=mt.float32)
    for ml in ("cpu", mt.device("cpu"), {"cpu": "cpu"}, None):
        assert roundtrip(t, map_location=ml).tolist() == [0.0, 1.0, 2.0]
    seen = []

    def fn(storage, loc):
        seen.append(loc)
        return storage * 2

    assert roundtrip(t, map_location=fn).tolist() == [0.0, 2.0, 4.0]
    assert seen == ["cpu"]
    assert roundtrip(t, map_location=lambda s, loc: None).tolist() == [0.0, 1.0, 2.0]


# ---------------------------------------------------------------- files from torch

def check_torch_checkpoint(r):
    w = (np.arange(12, dtype=np.float32).reshape(3, 4) / 4).tolist()
    assert r["state"]["weight"].tolist() == w
    assert r["state"]["weight"].requires_grad
    assert r["state"]["bias"].dtype == mt.float64
    assert r["state"]["bias"].tolist() == [-1.5, 2.0, 0.25]
    assert r["view"].tolist() == [row[::2] for row in w[1:]]
    assert r["view"].stride() == (4, 2) and r["view"].storage_offset() == 4
    assert r["t"].stride() == (1, 4)
    assert same_storage(r["view"], r["state"]["weight"])
    assert same_storage(r["t"], r["state"]["weight"])
    assert r["ints"].dtype == mt.int64 and r["ints"].tolist() == [-3, 4, 11, 18, 25]
    assert r["half"].dtype == mt.float16 and r["half"].tolist() == [0.5, -2.0]
    assert r["bf16"].dtype == mt.bfloat16 and r["bf16"].float().tolist() == [1.0, 3.0]
    assert r["mask"].tolist() == [True, False, True]
    assert r["rg"].requires_grad and not r["ints"].requires_grad
    assert r["meta"] == {"epoch": 3, "name": "ckpt", "lr": 0.1, "none": None,
                         "tup": (1, 2)}
    assert r["dtype"] == mt.int16


@pytest.mark.parametrize("mmap", [False, True])
def test_committed_torch_file_loads_without_torch(mmap):
    check_torch_checkpoint(mt.load(os.path.join(DATA, "torch_checkpoint.pt"), mmap=mmap))


def test_torch_loads_minitorch_files(tmp_path):
    torch = oracle.real_torch()
    base = mt.arange(12, dtype=mt.float32).reshape(3, 4)
    obj = {"sd": collections.OrderedDict(w=base, b=mt.tensor([1, 2], dtype=mt.int32)),
           "v": base[1:, ::2], "t": base.t(), "h": mt.tensor([1.5], dtype=mt.bfloat16),
           "rg": mt.ones(2, requires_grad=True), "dtype": mt.float16,
           "size": mt.Size([4]), "meta": [1, "a", None, 2.5, (True,)]}
    p = tmp_path / "m.pt"
    mt.save(obj, p)
    for mm in (False, True):
        r = torch.load(p, weights_only=True, mmap=mm)
        assert r["sd"]["w"].tolist() == base.tolist()
        assert r["sd"]["b"].dtype == torch.int32 and r["sd"]["b"].tolist() == [1, 2]
        assert r["v"].stride() == (4, 2) and r["v"].tolist() == base[1:, ::2].tolist()
        assert r["t"].stride() == (1, 4)
        ptr = r["sd"]["w"].untyped_storage().data_ptr()
        assert r["v"].untyped_storage().data_ptr() == ptr
        assert r["t"].untyped_storage().data_ptr() == ptr
        assert r["h"].dtype == torch.bfloat16 and r["h"].tolist() == [1.5]
        assert r["rg"].requires_grad and not r["v"].requires_grad
        assert r["dtype"] == torch.float16 and r["size"] == torch.Size([4])
        assert r["meta"] == [1, "a", None, 2.5, (True,)]


def test_minitorch_loads_live_torch_files(tmp_path):
    torch = oracle.real_torch()
    g = torch.Generator().manual_seed(0)
    lin = torch.nn.Linear(4, 3)
    opt = torch.optim.Adam(lin.parameters())
    lin(torch.randn(2, 4, generator=g)).sum().backward()
    opt.step()
    p = tmp_path / "t.pt"
    torch.save({"model": lin.state_dict(), "opt": opt.state_dict(),
                "param": torch.nn.Parameter(torch.randn(2, generator=g))}, p)
    r = mt.load(p)
    for k, v in lin.state_dict().items():
        assert np.array_equal(r["model"][k].numpy(), v.numpy()), k
    st = opt.state_dict()
    assert r["opt"]["param_groups"] == st["param_groups"]
    for i, s in st["state"].items():
        for k, v in s.items():
            assert np.array_equal(r["opt"]["state"][i][k].numpy(), v.numpy()), (i, k)
    assert r["param"].requires_grad


# ---------------------------------------------------------------- safety

class _Evil:
    def __init__(self, cmd):
        self.cmd = cmd

    def __reduce__(self):
        return (os.system, (self.cmd,))


def crafted(payload_obj):
    """A zip checkpoint whose data.pkl is an arbitrary pickle."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("archive/data.pkl", pickle.dumps(payload_obj, protocol=2))
        z.writestr("archive/byteorder", "little")
        z.writestr("archive/version", "3\n")
    buf.seek(0)
    return buf


def test_weights_only_refuses_os_system(tmp_path):
    marker = tmp_path / "pwned"
    payload = crafted({"x": _Evil(f"touch '{marker}'")}).getvalue()
    with pytest.raises(pickle.UnpicklingError, match="system"):
        mt.load(io.BytesIO(payload))
    with pytest.raises(pickle.UnpicklingError, match="system"):
        mt.load(io.BytesIO(payload), weights_only=None)
    assert not marker.exists()
    # the payload is live: the explicit unsafe path does run it
    mt.load(io.BytesIO(payload), weights_only=False)
    assert marker.exists()


def test_weights_only_refuses_other_globals():
    with pytest.raises(pickle.UnpicklingError, match="collections.Counter"):
        mt.load(crafted(collections.Counter("ab")))
    with pytest.raises(pickle.UnpicklingError, match="_Evil|test_serialization"):
        mt.load(crafted(_Evil))


def test_weights_only_false_allows_plain_objects():
    r = mt.load(crafted(collections.Counter("abb")), weights_only=False)
    assert r == collections.Counter("abb")


def saved_bytes(obj):
    buf = io.BytesIO()
    mt.save(obj, buf)
    return buf.getvalue()


def test_truncated_files_raise():
    raw = saved_bytes({"x": mt.arange(100, dtype=mt.float32)})
    for cut in (0, 10, len(raw) // 2, len(raw) - 30):
        with pytest.raises(RuntimeError):
            mt.load(io.BytesIO(raw[:cut]))


def test_corrupted_storage_raises():
    raw = bytearray(saved_bytes({"x": mt.arange(100, dtype=mt.float32)}))
    z = zipfile.ZipFile(io.BytesIO(bytes(raw)))
    info = z.getinfo("archive/data/0")
    n, m = np.frombuffer(bytes(raw[info.header_offset + 26:info.header_offset + 30]),
                         "<u2")
    raw[info.header_offset + 30 + n + m + 5] ^= 0xFF  # CRC no longer matches
    with pytest.raises(RuntimeError, match="corrupted|CRC"):
        mt.load(io.BytesIO(bytes(raw)))


def rewrite(raw, name, data):
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for i in src.infolist():
            z.writestr(i.filename, data if i.filename == name else src.read(i))
    out.seek(0)
    return out


def test_storage_size_mismatch_raises():
    raw = saved_bytes(mt.arange(10, dtype=mt.int64))
    with pytest.raises(RuntimeError, match="holds 40 bytes, expected 80"):
        mt.load(rewrite(raw, "archive/data/0", b"\x00" * 40))


def test_geometry_past_storage_raises():
    raw = saved_bytes(mt.arange(10, dtype=mt.int64))
    pkl = zipfile.ZipFile(io.BytesIO(raw)).read("archive/data.pkl")
    # storage numel 10 -> claim 5: the size check passes nothing, view runs past it
    bad = rewrite(rewrite(raw, "archive/data/0", b"\x00" * 40).getvalue(),
                  "archive/data.pkl", pkl.replace(b"K\n", b"K\x05", 1))
    with pytest.raises(pickle.UnpicklingError, match="reach element 9"):
        mt.load(bad)


def test_garbage_pickle_and_missing_records():
    with pytest.raises(pickle.UnpicklingError):
        mt.load(rewrite(saved_bytes(mt.ones(2)), "archive/data.pkl", b"\x80\x02(("))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("x.txt", "hi")
    buf.seek(0)
    with pytest.raises(RuntimeError, match="data.pkl"):
        mt.load(buf)
    with pytest.raises(RuntimeError, match="not a valid checkpoint"):
        mt.load(io.BytesIO(b"hello world, not a zip"))
