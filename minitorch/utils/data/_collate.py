"""default_collate and default_convert: samples into batches of tensors."""

import collections.abc
import copy
import re

import numpy as np

import minitorch

_STRING_DTYPE = re.compile(r"[SaUO]")
_ERR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        "found {}")


def _is_numpy(obj):
    t = type(obj)
    return t.__module__ == "numpy" and t.__name__ not in ("str_", "bytes_", "string_")


def _is_namedtuple(obj):
    return isinstance(obj, tuple) and hasattr(obj, "_fields")


def _rebuild_mapping(elem, items):
    if isinstance(elem, collections.abc.MutableMapping):
        out = copy.copy(elem)
        out.update(items)
        return out
    try:
        return type(elem)(items)
    except TypeError:
        return dict(items)


def _numpy_to_tensor(arr):
    arr = np.asarray(arr)
    if not arr.flags.writeable or not arr.flags.c_contiguous:
        arr = np.ascontiguousarray(arr).copy()
    return minitorch.from_numpy(arr)


def default_convert(data):
    """Turn NumPy arrays/scalars inside ``data`` into tensors; keep the structure."""
    if minitorch.is_tensor(data):
        return data
    if _is_numpy(data):
        if isinstance(data, np.ndarray) and _STRING_DTYPE.search(data.dtype.str):
            return data
        return _numpy_to_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _rebuild_mapping(data, {k: default_convert(v) for k, v in data.items()})
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            return type(data)([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


def default_collate(batch):
    """Stack a list of samples into a batch, recursing into tuples, lists and dicts.

    Tensors are stacked along a new dim 0, NumPy arrays become tensors first, Python
    ints give int64 (bools bool), floats float64, strings stay a list.
    """
    elem = batch[0]
    if minitorch.is_tensor(elem):
        return minitorch.stack(list(batch), 0)
    if _is_numpy(elem):
        if isinstance(elem, np.ndarray):
            if _STRING_DTYPE.search(elem.dtype.str):
                raise TypeError(_ERR.format(elem.dtype))
            return default_collate([_numpy_to_tensor(b) for b in batch])
        if elem.shape == ():
            return _numpy_to_tensor(np.array(batch))
    if isinstance(elem, float):
        return minitorch.tensor(list(batch), dtype=minitorch.float64)
    if isinstance(elem, bool):
        return minitorch.tensor(list(batch), dtype=minitorch.bool)
    if isinstance(elem, int):
        return minitorch.tensor(list(batch), dtype=minitorch.int64)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _rebuild_mapping(elem, {k: default_collate([d[k] for d in batch]) for k in elem})
    if _is_namedtuple(elem):
        return type(elem)(*(default_collate(s) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        n = len(elem)
        if not all(len(e) == n for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [default_collate(s) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return columns
        try:
            return type(elem)(columns)
        except TypeError:
            return columns
    raise TypeError(_ERR.format(type(elem)))
