"""minitorch.utils.safetensors: read and write the safetensors file format.

The API is that of ``safetensors.torch`` (``save_file``, ``load_file``, ``save``,
``load``, ``safe_open``), for minitorch tensors. The format is the published one:

    8 bytes     N, the header length, unsigned little-endian
    N bytes     a UTF-8 JSON object: {"__metadata__": {str: str}, name: {"dtype": "F32",
                "shape": [2, 3], "data_offsets": [begin, end]}, ...}, padded with spaces
    rest        the byte buffer; each tensor's bytes are [begin, end) of it, C order,
                little-endian

How files are mapped, checked and written: Note [safetensors mapping] below.
"""

import json
import mmap
import os

import numpy as np

# Note [safetensors mapping]
# - Loading a file maps it once (``mmap``, private copy-on-write) and every tensor views
# the mapped pages without a copy: ``np.frombuffer`` on the map, then ``from_numpy``.
# The tensors are writable, as ``safetensors.torch`` gives them, and a write changes
# only this process's pages, never the file. The map lives until the last tensor (or
# array) that views it dies; the file may be deleted or the ``safe_open`` block left
# before that. A tensor whose bytes are not aligned to its item size (a file written
# by another tool) is copied instead, since minitorch tensors need aligned data.
# Where the file system cannot map the file, it is read into memory instead. As with
# every mapped file (numpy.memmap, safetensors.torch), another process that truncates
# the file while tensors view it makes their next read of a lost page fail with
# SIGBUS, and one that rewrites it in place changes pages not yet written here; write
# a new file and rename it over the old one instead.
# - The whole header is checked before anything is mapped or allocated, and a file
# that fails a check raises SafetensorError saying which check and which tensor:
# header length in [2, 100,000,000] and inside the file; UTF-8 JSON whose top level is
# an object, with no duplicate keys and no NaN/Infinity; ``__metadata__`` a map of
# strings to strings; each entry a map with a known ``dtype``, a ``shape`` of
# non-negative ints (not bools, below 2**63) and ``data_offsets`` of two such ints,
# begin <= end; end - begin equal to numel * item size; sorted by offset, the entries
# tile the byte buffer exactly (no overlap, no gap, nothing after the last one, as the
# reference implementation requires). Python integers do not overflow, and every
# size is compared against the file's, so no crafted value can reach memory outside
# the map. BOOL tensors must hold only bytes 0 and 1 (another byte value in a C++
# bool is undefined behaviour).
# - A valid file with a dtype minitorch lacks (U16, U32, U64, C64, the F8/F6/F4
# formats) loads everything else through ``safe_open``; asking for that tensor, or
# ``load_file`` of such a file, raises TypeError naming the dtype.
# - Saving writes each tensor's values in C order, so a non-contiguous tensor (a
# transpose, an expanded tensor) is saved as its contiguous copy (``safetensors.torch``
# refuses those; there is nothing unsafe about it). Tensors whose bytes overlap (views
# of one another) are refused with RuntimeError, as ``safetensors.torch`` does: the
# format cannot say they alias, and loading would silently untie them. The layout of
# the file is the reference writer's (tensors ordered by decreasing dtype rank, which
# is decreasing alignment, then name; header padded with spaces to 8 bytes), so both
# write identical bytes for the same tensors and metadata.

__all__ = ["SafetensorError", "save_file", "load_file", "save", "load", "safe_open"]

MAX_HEADER_SIZE = 100_000_000  # the reference implementation's bound
_MAX_DIM = (1 << 63) - 1


class SafetensorError(Exception):
    """A safetensors file or header is malformed (the reference package raises an
    exception of the same name)."""


# name -> (bits per element, NumPy dtype of the bytes or None, minitorch dtype name or None)
# The NumPy dtype reads the raw bytes; BF16 is read as int16 and viewed as bfloat16.
# _WRITE_ORDER is the reference writer's dtype order: a file lists its tensors by
# decreasing rank in it, then by name.
_WRITE_ORDER = ["BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0",
                "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32",
                "C64", "F64", "I64", "U64"]
_DTYPES = {
    "BOOL": (8, "|b1", "bool"),
    "U8": (8, "|u1", "uint8"),
    "I8": (8, "|i1", "int8"),
    "I16": (16, "<i2", "int16"),
    "U16": (16, "<u2", None),
    "F16": (16, "<f2", "float16"),
    "BF16": (16, "<i2", "bfloat16"),
    "I32": (32, "<i4", "int32"),
    "U32": (32, "<u4", None),
    "F32": (32, "<f4", "float32"),
    "F64": (64, "<f8", "float64"),
    "I64": (64, "<i8", "int64"),
    "U64": (64, "<u8", None),
    "C64": (64, "<c8", None),
    "F8_E5M2": (8, None, None),
    "F8_E4M3": (8, None, None),
    "F8_E8M0": (8, None, None),
    "F8_E4M3FNUZ": (8, None, None),
    "F8_E5M2FNUZ": (8, None, None),
    "F6_E2M3": (6, None, None),
    "F6_E3M2": (6, None, None),
    "F4": (4, None, None),
}
assert sorted(_DTYPES) == sorted(_WRITE_ORDER)


def _mt():
    import minitorch

    return minitorch


def _name_of_dtype(dtype):
    """minitorch dtype -> safetensors dtype name."""
    for name, (_, _, mt_name) in _DTYPES.items():
        if mt_name is not None and str(dtype) == "minitorch." + mt_name:
            return name
    raise TypeError(f"safetensors: cannot save a tensor of dtype {dtype}")


# --- reading ---------------------------------------------------------------------------


def _fail(msg):
    raise SafetensorError("Error while deserializing header: " + msg)


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            _fail(f"duplicate key {k!r} in the JSON header")
        out[k] = v
    return out


def _bad_constant(name):
    _fail(f"invalid JSON in header: {name} is not a number")


def _is_uint(v):
    return type(v) is int and 0 <= v <= _MAX_DIM


class _Entry:
    __slots__ = ("name", "dtype", "shape", "begin", "end")

    def __init__(self, name, dtype, shape, begin, end):
        self.name, self.dtype, self.shape, self.begin, self.end = name, dtype, shape, begin, end


def _parse_header(raw, buffer_len):
    """(metadata or None, {name: _Entry}) from the header bytes, after every check of
    Note [safetensors mapping]; buffer_len is the size of the byte buffer."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        _fail(f"the header is not valid UTF-8 ({e.reason} at byte {e.start})")
    try:
        obj = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_bad_constant)
    except json.JSONDecodeError as e:
        _fail(f"invalid JSON in header: {e.msg} at line {e.lineno} column {e.colno}")
    except ValueError as e:  # e.g. an integer literal longer than Python's digit limit
        _fail(f"invalid JSON in header: {e}")
    except RecursionError:
        _fail("invalid JSON in header: nested too deeply")
    if not isinstance(obj, dict):
        _fail(f"the header must be a JSON object, got {type(obj).__name__}")
    metadata = obj.pop("__metadata__", None)
    if metadata is not None:
        if not isinstance(metadata, dict):
            _fail(f"__metadata__ must be a map of strings to strings, got "
                  f"{type(metadata).__name__}")
        for k, v in metadata.items():
            if not isinstance(v, str):
                _fail(f"__metadata__[{k!r}] must be a string, got {type(v).__name__}")
    entries = {}
    for name, info in obj.items():
        if not isinstance(info, dict):
            _fail(f"tensor {name!r}: expected a map with dtype, shape and data_offsets, "
                  f"got {type(info).__name__}")
        for field in ("dtype", "shape", "data_offsets"):
            if field not in info:
                _fail(f"tensor {name!r}: missing field {field!r}")
        dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if not isinstance(dtype, str) or dtype not in _DTYPES:
            _fail(f"tensor {name!r}: unknown dtype {dtype!r} (known: {', '.join(_DTYPES)})")
        if not isinstance(shape, list) or not all(_is_uint(d) for d in shape):
            _fail(f"tensor {name!r}: shape must be a list of non-negative integers below "
                  f"2**63, got {shape!r}")
        if not isinstance(offsets, list) or len(offsets) != 2 or \
                not all(_is_uint(o) for o in offsets):
            _fail(f"tensor {name!r}: data_offsets must be two non-negative integers below "
                  f"2**63, got {offsets!r}")
        begin, end = offsets
        if begin > end:
            _fail(f"tensor {name!r}: data_offsets [{begin}, {end}] end before they begin")
        if end > buffer_len:
            _fail(f"tensor {name!r}: data_offsets [{begin}, {end}] run past the end of the "
                  f"byte buffer ({buffer_len} bytes; truncated file?)")
        numel = 1
        for d in shape:
            numel *= d
        if numel > _MAX_DIM:
            _fail(f"tensor {name!r}: shape {shape} has more than 2**63 - 1 elements")
        bits = numel * _DTYPES[dtype][0]
        if bits % 8:
            _fail(f"tensor {name!r}: {numel} elements of {dtype} are not a whole number "
                  "of bytes")
        if end - begin != bits // 8:
            _fail(f"tensor {name!r}: data_offsets [{begin}, {end}] hold {end - begin} bytes, "
                  f"but shape {shape} of {dtype} needs {bits // 8}")
        extent = _DTYPES[dtype][0] // 8 or 1
        for d in shape:
            extent *= max(d, 1)
        if extent > _MAX_DIM:  # a size-0 tensor's strides would overflow int64
            _fail(f"tensor {name!r}: shape {shape} is too large (its strides overflow)")
        entries[name] = _Entry(name, dtype, tuple(shape), begin, end)
    pos = 0
    for e in sorted(entries.values(), key=lambda e: (e.begin, e.end)):
        if e.begin < pos:
            _fail(f"tensor {e.name!r}: data_offsets [{e.begin}, {e.end}] overlap another "
                  "tensor's bytes")
        if e.begin > pos:
            _fail(f"tensor {e.name!r}: data_offsets [{e.begin}, {e.end}] leave a gap of "
                  f"{e.begin - pos} unused bytes before them")
        pos = e.end
    if pos != buffer_len:
        _fail(f"the tensors cover {pos} bytes but the byte buffer holds {buffer_len} "
              "(trailing bytes)")
    return metadata, entries


def _read_prefix(head, total):
    """The header length from the first bytes of a file of total bytes."""
    if total < 8 or len(head) < 8:
        _fail(f"the file is too small ({total} bytes) to hold the 8-byte header length")
    n = int.from_bytes(head[:8], "little")
    if n > MAX_HEADER_SIZE:
        _fail(f"the header length {n} is larger than the limit of {MAX_HEADER_SIZE} bytes")
    if n < 2:
        _fail(f"the header length {n} is too small for a JSON object")
    if 8 + n > total:
        _fail(f"the header length {n} runs past the end of the file ({total} bytes)")
    return n


class _Buffer:
    """A validated file or byte string: its entries and a buffer the tensors view."""

    def __init__(self, buf, data_start, metadata, entries):
        self.buf = buf  # an mmap or bytearray; arrays made from it keep it alive
        self.data_start = data_start
        self.metadata = metadata
        self.entries = entries

    def array(self, name, shaped=True):
        """A NumPy array of the raw bytes of tensor name (zero-copy when aligned), with
        the tensor's shape, or 1-D when not shaped."""
        e = self.entries[name]
        bits, np_dt, _ = _DTYPES[e.dtype]
        if np_dt is None:
            raise TypeError(f"safetensors: tensor {name!r} has dtype {e.dtype}, which minitorch "
                            f"does not support")
        dt = np.dtype(np_dt)
        numel = (e.end - e.begin) // dt.itemsize
        off = self.data_start + e.begin
        if numel == 0:
            arr = np.empty(0, dtype=dt)
        else:
            arr = np.frombuffer(self.buf, dtype=dt, count=numel, offset=off)
            if off % dt.itemsize:
                arr = arr.copy()  # misaligned: minitorch tensors need aligned data
        if e.dtype == "BOOL" and numel and arr.view(np.uint8).max() > 1:
            _fail(f"tensor {name!r}: BOOL data holds a byte other than 0 and 1")
        return arr.reshape(e.shape) if shaped else arr

    def tensor(self, name, device):
        e = self.entries[name]
        mt_name = _DTYPES[e.dtype][2]
        if mt_name is None:
            raise TypeError(f"safetensors: tensor {name!r} has dtype {e.dtype}, which minitorch "
                            f"does not support")
        mt = _mt()
        dtype = getattr(mt, mt_name)
        if e.end == e.begin:  # no bytes: any shape the header allows, strides checked
            t = mt.empty(e.shape, dtype=dtype)
        else:
            # 1-D from NumPy, then shaped by minitorch (no 64-dimension limit of NumPy's)
            t = mt.from_numpy(self.array(name, shaped=False))
            if mt_name == "bfloat16":
                t = t.view(mt.bfloat16)
            t = t.view(e.shape)
        if device is not None and str(device) != "cpu":
            t = t.to(device)
        return t


def _open_file(path):
    with open(os.fspath(path), "rb") as f:
        total = os.fstat(f.fileno()).st_size
        n = _read_prefix(f.read(8), total)
        raw = f.read(n)
        if len(raw) != n:
            _fail("the file was truncated while it was read")
        metadata, entries = _parse_header(raw, total - 8 - n)
        # Private copy-on-write pages: writable tensors, the file never changes.
        try:
            buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
        except (OSError, ValueError):  # a file system without mmap: read it instead
            f.seek(0)
            buf = bytearray(f.read())
    if len(buf) != total:
        _fail("the file changed size while it was opened")
    return _Buffer(buf, 8 + n, metadata, entries)


def _open_bytes(data):
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"safetensors.load: expected bytes, got {type(data).__name__}")
    mv = memoryview(data).cast("B")
    n = _read_prefix(mv[:8], len(mv))
    metadata, entries = _parse_header(bytes(mv[8:8 + n]), len(mv) - 8 - n)
    return _Buffer(bytearray(mv), 8 + n, metadata, entries)  # one copy: writable tensors


def _check_device(device):
    if isinstance(device, int):
        return f"cuda:{device}"
    if device is None:
        return "cpu"
    return str(_mt().device(device))


def _check_all_supported(buf):
    for e in buf.entries.values():
        if _DTYPES[e.dtype][2] is None:
            raise TypeError(f"safetensors: tensor {e.name!r} has dtype {e.dtype}, which "
                            f"minitorch does not support")


def load_file(filename, device="cpu"):
    """Load every tensor of a safetensors file: a dict name -> Tensor. On the CPU the
    tensors view the mapped file (no copy; Note [safetensors mapping])."""
    device = _check_device(device)
    buf = _open_file(filename)
    _check_all_supported(buf)
    return {name: buf.tensor(name, device) for name in buf.entries}


def load(data):
    """Load the tensors of a safetensors file held in ``data`` (bytes): a dict name ->
    Tensor on the CPU (one copy of ``data``, so the tensors are writable)."""
    buf = _open_bytes(data)
    _check_all_supported(buf)
    return {name: buf.tensor(name, None) for name in buf.entries}


class _Slice:
    """``safe_open(...).get_slice(name)``: shape and dtype without reading data, and
    ``[index]`` to read part of the tensor."""

    def __init__(self, handle, name):
        self._handle, self._name = handle, name

    def get_shape(self):
        return list(self._handle._buf.entries[self._name].shape)

    def get_dtype(self):
        return self._handle._buf.entries[self._name].dtype

    def __getitem__(self, index):
        part = self._handle.get_tensor(self._name)[index]
        return part.contiguous() if hasattr(part, "contiguous") else np.ascontiguousarray(part)


class safe_open:  # noqa: N801  (the reference package's name)
    """Open a safetensors file lazily: ``with safe_open(path, framework="pt") as f:``
    then ``f.keys()``, ``f.get_tensor(name)``, ``f.get_slice(name)``, ``f.metadata()``.
    ``framework`` "pt" (or "minitorch") gives Tensors, "np"/"numpy" NumPy arrays.
    Tensors taken out stay valid after the block ends."""

    def __init__(self, filename, framework="pt", device="cpu"):
        if framework in ("pt", "torch", "minitorch", "mt"):
            self._numpy = False
        elif framework in ("np", "numpy"):
            self._numpy = True
        else:
            raise ValueError(f"safe_open: framework {framework!r} is not supported "
                             "(expected 'pt' or 'np')")
        self._device = _check_device(device)
        if self._numpy and self._device != "cpu":
            raise ValueError("safe_open: framework 'np' loads on the cpu only")
        self._buf = _open_file(filename)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._buf = None  # the map stays alive while tensors view it
        return False

    def _live(self):
        if self._buf is None:
            raise SafetensorError("File is closed")
        return self._buf

    def keys(self):
        buf = self._live()
        return sorted(buf.entries)

    def offset_keys(self):
        buf = self._live()
        return [e.name for e in sorted(buf.entries.values(), key=lambda e: e.begin)]

    def metadata(self):
        meta = self._live().metadata
        return None if meta is None else dict(meta)

    def _entry(self, name):
        buf = self._live()
        if name not in buf.entries:
            raise SafetensorError(f"File does not contain tensor {name}")
        return buf

    def get_tensor(self, name):
        buf = self._entry(name)
        if self._numpy:
            if buf.entries[name].dtype == "BF16":
                raise TypeError(f"safetensors: tensor {name!r} is BF16, which NumPy has no "
                                "dtype for; use framework='pt'")
            return buf.array(name)
        return buf.tensor(name, self._device)

    def get_slice(self, name):
        self._entry(name)
        return _Slice(self, name)


# --- writing ---------------------------------------------------------------------------


def _check_tensors(tensors, metadata):
    mt = _mt()
    if not isinstance(tensors, dict):
        raise ValueError(f"Expected a dict of [str, Tensor] but received {type(tensors)}")
    for k, v in tensors.items():
        if not isinstance(k, str):
            raise ValueError(f"Key {k!r} is invalid, expected str but received {type(k)}")
        if k == "__metadata__":
            raise ValueError("'__metadata__' is reserved for the metadata and cannot name a "
                             "tensor")
        if not isinstance(v, mt.Tensor):
            raise ValueError(f"Key `{k}` is invalid, expected Tensor but received {type(v)}")
    if metadata is not None:
        if not isinstance(metadata, dict):
            raise TypeError(f"argument 'metadata': expected a dict of str to str, got "
                            f"{type(metadata).__name__}")
        for k, v in metadata.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise TypeError(f"argument 'metadata': keys and values must be str, got "
                                f"{type(k).__name__}: {type(v).__name__}")
    # Overlapping bytes within one storage: the format cannot express the aliasing.
    spans = []
    for k, v in tensors.items():
        if v.numel() == 0 or v.device.type != "cpu":
            continue
        lo = hi = v.data_ptr()
        for n, s in zip(v.shape, v.stride()):
            step = (n - 1) * s * v.element_size()
            lo, hi = (lo + step, hi) if step < 0 else (lo, hi + step)
        spans.append((lo, hi + v.element_size(), k))
    spans.sort()
    shared, group, last_end = [], None, None
    for lo, hi, k in spans:
        if last_end is not None and lo < last_end:
            group.add(k)
        else:
            group = {k}
            shared.append(group)
        last_end = hi if last_end is None or lo >= last_end else max(last_end, hi)
    failing = [g for g in shared if len(g) > 1]
    if failing:
        raise RuntimeError(
            f"Some tensors share memory, this will lead to duplicate memory on disk and "
            f"potential differences when loading them again: {[sorted(g) for g in failing]}. "
            "Save .clone()s of them, or only one of them and re-slice it after loading.")


def _layout(tensors, metadata):
    """(header bytes with its length prefix, [(name, contiguous cpu array)])."""
    mt = _mt()
    order = sorted(tensors, key=lambda k: (-_WRITE_ORDER.index(_name_of_dtype(tensors[k].dtype)),
                                           k))
    header = {}
    if metadata is not None:
        header["__metadata__"] = dict(metadata)
    arrays, pos = [], 0
    for k in order:
        t = tensors[k].detach()
        if t.device.type != "cpu":
            t = t.cpu()
        name = _name_of_dtype(t.dtype)
        t = t.contiguous()
        if t.dtype == mt.bfloat16:
            t = t.view(mt.int16)
        arr = t.reshape(-1).numpy()  # 1-D: no limit of NumPy's on the dims
        header[k] = {"dtype": name, "shape": list(t.shape), "data_offsets": [pos, pos + arr.nbytes]}
        pos += arr.nbytes
        arrays.append(arr)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return len(text).to_bytes(8, "little") + text, arrays


def _raw(a):
    """The bytes of a contiguous array, without a copy."""
    return a.reshape(-1).view(np.uint8).data


def save(tensors, metadata=None):
    """The safetensors file of ``tensors`` (a dict name -> Tensor) as bytes."""
    _check_tensors(tensors, metadata)
    head, arrays = _layout(tensors, metadata)
    out = bytearray(head)
    for a in arrays:
        out += _raw(a)
    return bytes(out)


def save_file(tensors, filename, metadata=None):
    """Write ``tensors`` (a dict name -> Tensor) to ``filename`` in the safetensors
    format, with ``metadata`` (a dict str -> str) in the header."""
    _check_tensors(tensors, metadata)
    head, arrays = _layout(tensors, metadata)
    with open(os.fspath(filename), "wb") as f:
        f.write(head)
        for a in arrays:
            f.write(_raw(a))
