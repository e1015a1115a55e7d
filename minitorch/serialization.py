"""minitorch.save and minitorch.load in PyTorch's zip checkpoint format.

The layout (see docs/saving-loading.md): a zip archive, entries stored uncompressed,
all under one folder ``archive/``:

- ``data.pkl``: the object graph, pickle protocol 2. A tensor is written as a call to
  ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad,
  OrderedDict())``; a storage is a persistent id ``('storage', torch.<X>Storage, key,
  location, numel)`` whose bytes live in ``data/<key>``.
- ``data/<key>``: the storage's raw little-endian bytes, aligned to 64 bytes in the file.
- ``byteorder`` ("little"), ``version`` ("3"), ``.format_version``, ``.storage_alignment``.

torch is never imported: the torch globals are written as GLOBAL opcodes by a pickler
that knows a few stand-in objects, and read back by an unpickler whose ``find_class``
maps them to minitorch functions. With ``weights_only=True`` (the default) every other
global is refused, so loading a file runs no code from it.
"""

import collections
import io
import os
import pickle
import struct
import zipfile

import numpy as np

from . import _C

__all__ = ["save", "load"]

_ALIGN = 64


# ---------------------------------------------------------------- dtype tables

def _dtype_table():
    import minitorch as mt
    # (minitorch dtype, torch storage class name, torch dtype name, numpy dtype to hold
    # the raw bytes, itemsize)
    rows = [
        (mt.float32, "FloatStorage", "float32", np.float32),
        (mt.float64, "DoubleStorage", "float64", np.float64),
        (mt.float16, "HalfStorage", "float16", np.float16),
        (mt.bfloat16, "BFloat16Storage", "bfloat16", np.int16),
        (mt.int64, "LongStorage", "int64", np.int64),
        (mt.int32, "IntStorage", "int32", np.int32),
        (mt.int16, "ShortStorage", "int16", np.int16),
        (mt.int8, "CharStorage", "int8", np.int8),
        (mt.uint8, "ByteStorage", "uint8", np.uint8),
        (mt.bool, "BoolStorage", "bool", np.bool_),
    ]
    return rows


_TABLE = None


def _table():
    global _TABLE
    if _TABLE is None:
        rows = _dtype_table()
        _TABLE = {
            "by_dtype": {r[0]: r for r in rows},
            "by_storage": {r[1]: r for r in rows},
            "by_name": {r[2]: r for r in rows},
        }
    return _TABLE


# ---------------------------------------------------------------- saving

class _Global:
    """Stand-in for a global ``module.name`` that the pickler writes as a GLOBAL opcode."""

    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module = module
        self.name = name

    def __repr__(self):
        return f"<global {self.module}.{self.name}>"

    def __call__(self, *args):  # the pickler only checks that a reduce target is callable
        raise TypeError(f"{self!r} is a stand-in for pickling; it cannot be called")


_GLOBALS = {}


def _g(module, name):
    key = (module, name)
    if key not in _GLOBALS:
        _GLOBALS[key] = _Global(module, name)
    return _GLOBALS[key]


class _StorageRef:
    """A storage to be written as a persistent id."""

    __slots__ = ("key", "storage_name", "numel")

    def __init__(self, key, storage_name, numel):
        self.key = key
        self.storage_name = storage_name
        self.numel = numel


class _PlainTensor:
    """The data of a Parameter, pickled as a tensor that does not require grad."""

    __slots__ = ("t",)

    def __init__(self, t):
        self.t = t


def _is_parameter(t):
    return any(c.__name__ == "Parameter" and c.__module__.startswith("minitorch")
               for c in type(t).__mro__)


def _storage_key(t):
    """(identity of t's storage, dtype): views of one storage share it."""
    if t.numel() == 0:
        return ("empty", id(t))
    base = t.data_ptr() - t.storage_offset() * t.element_size()
    return (base, t.dtype)


def _extent(t):
    """Elements of the storage that t reaches: offset + last index + 1."""
    if t.numel() == 0:
        return 0
    end = t.storage_offset()
    for n, s in zip(t.shape, t.stride()):
        end += (n - 1) * s
    return end + 1


class _Pickler(pickle._Pickler):
    """Pure-Python pickler (it lets GLOBAL opcodes be written for stand-ins)."""

    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file, storages):
        super().__init__(file, protocol=2)
        self.storages = storages  # storage key -> [_StorageRef, tensor, extent]
        self.collect = storages is None
        self.found = {}

    def save_stand_in(self, obj):
        self.write(pickle.GLOBAL + obj.module.encode("utf-8") + b"\n"
                   + obj.name.encode("utf-8") + b"\n")
        self.memoize(obj)

    dispatch[_Global] = save_stand_in

    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            return ("storage", _g("torch", obj.storage_name), obj.key, "cpu", obj.numel)
        return None

    def save(self, obj, save_persistent_id=True):
        if isinstance(obj, _C.dtype):
            row = _table()["by_dtype"].get(obj)
            if row is None:
                raise pickle.PicklingError(f"minitorch.save: cannot save dtype {obj}")
            obj = _g("torch", row[2])
        super().save(obj, save_persistent_id)

    def _tensor_reduce(self, t, requires_grad):
        row = _table()["by_dtype"].get(t.dtype)
        if row is None:
            raise pickle.PicklingError(f"minitorch.save: cannot save a tensor of dtype "
                                       f"{t.dtype}")
        if str(t.device) != "cpu":
            t = t.cpu()
        skey = _storage_key(t)
        if self.collect:
            ext = _extent(t)
            prev = self.found.get(skey)
            if prev is None or ext > prev[1]:
                self.found[skey] = (t, ext)
            ref = _StorageRef("0", row[1], 0)
            offset = 0
        else:
            ref = self.storages[skey][0]
            offset = t.storage_offset() if t.numel() else 0
        args = (ref, offset, tuple(t.shape), tuple(t.stride()), requires_grad,
                collections.OrderedDict())
        return (_g("torch._utils", "_rebuild_tensor_v2"), args)

    def reducer_override(self, obj):
        if isinstance(obj, _PlainTensor):
            return self._tensor_reduce(obj.t, False)
        if isinstance(obj, _C.TensorBase):
            if _is_parameter(obj):
                return (_g("torch._utils", "_rebuild_parameter"),
                        (_PlainTensor(obj), bool(obj.requires_grad),
                         collections.OrderedDict()))
            return self._tensor_reduce(obj, bool(obj.requires_grad))
        import minitorch as mt
        if isinstance(obj, mt.Size):
            return (_g("torch", "Size"), (tuple(int(i) for i in obj),))
        if isinstance(obj, mt.device):
            return (_g("torch", "device"), (str(obj),))
        return NotImplemented


class _Null:
    def write(self, b):
        pass


def _storage_bytes(t, extent):
    """The first `extent` elements of t's storage as little-endian bytes."""
    if extent == 0:
        return b""
    import minitorch as mt
    with mt.no_grad():
        flat = _C.TensorBase.as_strided(t.detach(), (extent,), (1,), 0)
        if flat.dtype == mt.bfloat16:
            flat = flat.view(mt.int16)
        arr = flat.numpy()
    if arr.dtype.byteorder == ">":
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    return np.ascontiguousarray(arr).tobytes()


def _write_entry(zf, name, data):
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    if name.split("/", 1)[-1].startswith("data/"):
        # pad the local header's extra field so the bytes start on a 64-byte boundary
        start = zf.fp.tell() + 30 + len(name.encode("utf-8"))
        pad = (-(start + 4)) % _ALIGN
        info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
    zf.writestr(info, data)


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True):
    """Saves ``obj`` (tensors, state dicts, containers of them) to a path or file object.

    The file is PyTorch's zip checkpoint format: ``torch.load`` reads it, and
    ``minitorch.load`` reads files written by ``torch.save``. Views of one storage are
    stored once and load back sharing memory.
    """
    if pickle_module is not None:
        raise NotImplementedError("minitorch.save: pickle_module is not supported")
    if pickle_protocol != 2:
        raise NotImplementedError("minitorch.save: only pickle protocol 2 is written")
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("minitorch.save: only the zip format is written")
    # pass 1: find the tensors and how far into each storage they reach
    p1 = _Pickler(_Null(), None)
    p1.dump(obj)
    storages = {}
    for i, (skey, (t, ext)) in enumerate(p1.found.items()):
        row = _table()["by_dtype"][t.dtype]
        storages[skey] = [_StorageRef(str(i), row[1], ext), t, ext]
    # pass 2: the real pickle
    buf = io.BytesIO()
    _Pickler(buf, storages).dump(obj)

    def write(zf):
        _write_entry(zf, "archive/data.pkl", buf.getvalue())
        _write_entry(zf, "archive/.format_version", b"1")
        _write_entry(zf, "archive/.storage_alignment", b"64")
        _write_entry(zf, "archive/byteorder", b"little")
        for ref, t, ext in storages.values():
            _write_entry(zf, f"archive/data/{ref.key}", _storage_bytes(t, ext))
        _write_entry(zf, "archive/version", b"3\n")

    if isinstance(f, (str, os.PathLike)):
        with open(os.fspath(f), "wb") as fh, zipfile.ZipFile(fh, "w") as zf:
            write(zf)
    else:
        with zipfile.ZipFile(f, "w") as zf:
            write(zf)


# ---------------------------------------------------------------- loading

class _StorageType:
    """What ``torch.<X>Storage`` resolves to while loading."""

    def __init__(self, name):
        self.name = name
        self.row = _table()["by_storage"][name]


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):
    import minitorch as mt
    if not isinstance(storage, _C.TensorBase) or storage.dim() != 1:
        raise pickle.UnpicklingError("_rebuild_tensor_v2: the first argument is not a "
                                     "storage")
    try:
        size = tuple(int(i) for i in size)
        stride = tuple(int(i) for i in stride)
        offset = int(storage_offset)
    except (TypeError, ValueError):
        raise pickle.UnpicklingError("_rebuild_tensor_v2: size, stride and offset must "
                                     "be integers") from None
    if len(size) != len(stride) or offset < 0 or any(n < 0 for n in size) \
            or any(s < 0 for s in stride):
        raise pickle.UnpicklingError(f"_rebuild_tensor_v2: invalid geometry size={size} "
                                     f"stride={stride} offset={offset}")
    numel = 1
    for n in size:
        numel *= n
    if numel:
        end = offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1
        if end > storage.numel():
            raise pickle.UnpicklingError(
                f"_rebuild_tensor_v2: size={size} stride={stride} offset={offset} reach "
                f"element {end - 1} of a storage of {storage.numel()} elements")
    else:
        offset = 0
    with mt.no_grad():
        if numel == 0:
            t = mt.empty(size, dtype=storage.dtype, device=storage.device)
        else:
            t = _C.TensorBase.as_strided(storage, size, stride, offset)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks=None):
    import minitorch as mt
    param_cls = getattr(getattr(mt, "nn", None), "Parameter", None)
    if param_cls is None:
        t = data.detach()
        t.requires_grad_(bool(requires_grad))
        return t
    return param_cls(data, requires_grad=bool(requires_grad))


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks=None, state=None):
    return _rebuild_parameter(data, requires_grad, backward_hooks)


def _codecs_encode(obj, encoding="utf-8", errors="strict"):
    # protocol 2 writes bytes as _codecs.encode(str, 'latin1'); allow only text codecs
    if not isinstance(obj, str) or encoding not in ("latin1", "latin-1", "utf-8", "utf8"):
        raise pickle.UnpicklingError(f"_codecs.encode with encoding {encoding!r} is not "
                                     "allowed")
    return obj.encode(encoding, errors)


def _torch_size(seq=()):
    import minitorch as mt
    return mt.Size(tuple(int(i) for i in seq))


def _torch_device(*args):
    import minitorch as mt
    return mt.device(*args)


_BUILTINS = {"dict", "list", "tuple", "set", "frozenset", "int", "float", "complex",
             "str", "bytes", "bytearray", "bool", "slice", "range"}


def _resolve_torch(module, name):
    """minitorch's counterpart of a torch global, or None if it is not one we know."""
    if module == "torch._utils":
        return {"_rebuild_tensor_v2": _rebuild_tensor_v2,
                "_rebuild_parameter": _rebuild_parameter,
                "_rebuild_parameter_with_state": _rebuild_parameter_with_state}.get(name)
    if module == "torch":
        t = _table()
        if name in t["by_storage"]:
            return _StorageType(name)
        if name in t["by_name"]:
            return t["by_name"][name][0]
        alias = {"float": "float32", "double": "float64", "half": "float16",
                 "long": "int64", "int": "int32", "short": "int16"}
        if name in alias:
            return t["by_name"][alias[name]][0]
        if name == "Size":
            return _torch_size
        if name == "device":
            return _torch_device
    return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, load_storage, weights_only):
        super().__init__(file)
        self._load_storage = load_storage
        self._weights_only = weights_only

    def find_class(self, module, name):
        obj = _resolve_torch(module, name)
        if obj is not None:
            return obj
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module in ("builtins", "__builtin__") and name in _BUILTINS:
            import builtins
            return getattr(builtins, name)
        if module == "_codecs" and name == "encode":
            return _codecs_encode
        if self._weights_only:
            raise pickle.UnpicklingError(
                f"Weights only load failed: unsupported global {module}.{name}. "
                "minitorch.load(weights_only=True) only rebuilds tensors, storages, dtypes "
                "and plain containers; pass weights_only=False only for files you trust.")
        if module.startswith("torch"):
            raise pickle.UnpicklingError(f"minitorch.load: the torch global {module}.{name} "
                                         "has no minitorch counterpart")
        return super().find_class(module, name)

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or len(pid) != 5 or pid[0] != "storage":
            raise pickle.UnpicklingError(f"minitorch.load: unsupported persistent id {pid!r}")
        _, stype, key, location, numel = pid
        if not isinstance(stype, _StorageType):
            raise pickle.UnpicklingError(f"minitorch.load: unsupported storage type {stype!r}")
        if not isinstance(key, str) or not isinstance(location, str) \
                or not isinstance(numel, int) or numel < 0:
            raise pickle.UnpicklingError(f"minitorch.load: malformed storage record {pid!r}")
        return self._load_storage(stype.row, key, location, numel)


def _target_location(map_location, storage, location):
    if map_location is None:
        return storage, location
    if isinstance(map_location, dict):
        return storage, str(map_location.get(location, location))
    if isinstance(map_location, str):
        return storage, map_location
    if callable(map_location) and not hasattr(map_location, "type"):
        res = map_location(storage, location)
        if res is None:
            return storage, location
        if not isinstance(res, _C.TensorBase):
            raise RuntimeError("minitorch.load: map_location returned "
                               f"{type(res).__name__}, expected a storage (a tensor)")
        return res, str(res.device)
    return storage, str(map_location)  # minitorch.device or torch.device


def _local_data_offset(fh, info):
    fh.seek(info.header_offset)
    head = fh.read(30)
    if len(head) != 30 or head[:4] != b"PK\x03\x04":
        raise RuntimeError(f"minitorch.load: bad local header for {info.filename}")
    n, m = struct.unpack("<HH", head[26:30])
    return info.header_offset + 30 + n + m


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=False,
         **pickle_load_args):
    """Loads an object saved by ``minitorch.save`` or ``torch.save`` (zip format).

    ``weights_only=True`` (the default) rebuilds only tensors, dtypes and plain containers
    and raises ``pickle.UnpicklingError`` for any other global: a file cannot run code.
    ``mmap=True`` maps the stored bytes instead of reading them (``f`` must be a path).
    ``map_location``: None, 'cpu', a device, a dict {saved location: location}, or a
    callable ``(storage, location) -> storage or None``.
    """
    if pickle_module is not None:
        raise NotImplementedError("minitorch.load: pickle_module is not supported")
    if weights_only is None:
        weights_only = True
    path = os.fspath(f) if isinstance(f, (str, os.PathLike)) else None
    if mmap and path is None:
        raise ValueError("minitorch.load: mmap=True needs f to be a path")
    fh = open(path, "rb") if path is not None else f
    try:
        return _load(fh, path, map_location, bool(weights_only), bool(mmap))
    finally:
        if path is not None:
            fh.close()


def _load(fh, path, map_location, weights_only, mmap):
    import minitorch as mt
    try:
        fh.seek(0, os.SEEK_END)
        file_size = fh.tell()
        fh.seek(0)
    except (AttributeError, OSError):
        raise RuntimeError("minitorch.load: f must be a path or a seekable file") from None
    if file_size >= 2 and fh.read(2) == b"\x80\x02" or file_size == 0:
        raise RuntimeError("minitorch.load: the file is not a zip checkpoint (the legacy "
                           "non-zip torch format and empty files are not supported)")
    fh.seek(0)
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
        raise RuntimeError(f"minitorch.load: not a valid checkpoint zip archive "
                           f"(truncated or corrupted?): {e}") from None
    with zf:
        infos = {i.filename: i for i in zf.infolist()}
        pkl = [n for n in infos if n.endswith("/data.pkl") and n.count("/") == 1]
        if len(pkl) != 1:
            raise RuntimeError("minitorch.load: the archive has no <archive>/data.pkl "
                               "record (not a torch checkpoint)")
        prefix = pkl[0][:-len("data.pkl")]

        def read(name):
            info = infos.get(name)
            if info is None:
                return None
            if info.header_offset + info.file_size > file_size or \
                    info.compress_size > file_size:
                raise RuntimeError(f"minitorch.load: record {name} runs past the end of "
                                   "the file (truncated?)")
            try:
                return zf.read(info)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
                raise RuntimeError(f"minitorch.load: cannot read record {name} "
                                   f"(corrupted?): {e}") from None

        order = read(prefix + "byteorder")
        order = "little" if order is None else order.decode("ascii", "replace").strip()
        if order not in ("little", "big"):
            raise RuntimeError(f"minitorch.load: unknown byteorder {order!r}")
        cache = {}

        def load_storage(row, key, location, numel):
            hit = cache.get(key)
            if hit is not None:
                if hit.dtype != row[0] or hit.numel() != numel:
                    raise pickle.UnpicklingError(
                        f"minitorch.load: storage {key} is used with two different "
                        "dtypes or sizes")
                return hit
            name = prefix + "data/" + key
            info = infos.get(name)
            if info is None:
                raise RuntimeError(f"minitorch.load: record {name} is missing")
            npdt = np.dtype(row[3]).newbyteorder("<" if order == "little" else ">")
            nbytes = numel * npdt.itemsize
            if info.file_size != nbytes:
                raise RuntimeError(f"minitorch.load: record {name} holds {info.file_size} "
                                   f"bytes, expected {nbytes} ({numel} elements of "
                                   f"{row[2]})")
            if mmap and numel and order == "little":
                if info.compress_type != zipfile.ZIP_STORED:
                    raise RuntimeError(f"minitorch.load: record {name} is compressed; "
                                       "mmap=True needs stored records")
                off = _local_data_offset(fh, info)
                if off + nbytes > file_size:
                    raise RuntimeError(f"minitorch.load: record {name} runs past the end "
                                       "of the file (truncated?)")
                arr = np.memmap(path, dtype=npdt, mode="c", offset=off, shape=(numel,))
            else:
                data = read(name)
                arr = np.frombuffer(bytearray(data), dtype=npdt)
                if order == "big":
                    arr = arr.astype(npdt.newbyteorder("="))
            t = mt.from_numpy(arr)
            if row[0] == mt.bfloat16:
                t = t.view(mt.bfloat16)
            t, target = _target_location(map_location, t, location)
            if not target.startswith("cpu") or str(t.device) != "cpu":
                t = t.to(target)
            cache[key] = t
            return t

        data = read(pkl[0])
        try:
            return _Unpickler(io.BytesIO(data), load_storage, weights_only).load()
        except pickle.UnpicklingError:
            raise
        except (EOFError, ValueError, struct.error, IndexError, KeyError) as e:
            raise pickle.UnpicklingError(f"minitorch.load: corrupted data.pkl: "
                                         f"{type(e).__name__}: {e}") from None
