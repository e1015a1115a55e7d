"""The worker side of a multi-process DataLoader, and tensor transfer through /dev/shm.

Workers pickle batches onto a multiprocessing queue; a tensor's data goes into a file
in /dev/shm (tmpfs) which the receiving process maps and unlinks at once, so a batch's
bytes are written once and never copied again on the main side.
"""

import mmap
import os
import random
import sys
import tempfile
import traceback
from dataclasses import dataclass

import numpy as np

import minitorch

_SHM_DIR = "/dev/shm"
_NUMPY_DTYPES = {
    minitorch.float64, minitorch.float32, minitorch.float16, minitorch.int64,
    minitorch.int32, minitorch.int16, minitorch.int8, minitorch.uint8, minitorch.bool,
}

_worker_info = None


@dataclass(frozen=True)
class WorkerInfo:
    """What ``get_worker_info()`` reports inside a worker process."""

    id: int
    num_workers: int
    seed: int
    dataset: object


def get_worker_info():
    """The current worker's WorkerInfo, or None in the main process."""
    return _worker_info


def _rebuild_from_shm(path, dtype, shape, nbytes):
    fd = os.open(path, os.O_RDWR)
    try:
        mm = mmap.mmap(fd, nbytes)
    finally:
        os.close(fd)
        os.unlink(path)
    return minitorch.from_numpy(np.ndarray(shape, dtype=np.dtype(dtype), buffer=mm))


def _reduce_tensor(t):
    if (type(t) is not minitorch.Tensor or t.requires_grad or t.dtype not in _NUMPY_DTYPES
            or t.numel() == 0 or not os.path.isdir(_SHM_DIR)):
        return t.__reduce_ex__(4)
    arr = np.ascontiguousarray(t.detach().numpy())
    fd, path = tempfile.mkstemp(prefix="minitorch_dl_", dir=_SHM_DIR)
    with os.fdopen(fd, "wb") as f:
        f.write(memoryview(arr.reshape(-1)).cast("B"))
    return _rebuild_from_shm, (path, arr.dtype.str, arr.shape, arr.nbytes)


def _use_shared_memory():
    from multiprocessing.reduction import ForkingPickler
    ForkingPickler.register(minitorch.Tensor, _reduce_tensor)


class _StopMarker:
    """Sent by a worker whose iterable dataset is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


class _ResumeAck:
    def __init__(self, worker_id):
        self.worker_id = worker_id


class _WorkerError:
    """An exception raised in a worker, carried back as class + formatted traceback."""

    def __init__(self, worker_id, exc):
        self.exc_type = type(exc)
        self.text = (f"Caught {type(exc).__name__} in DataLoader worker process {worker_id}.\n"
                     "Original " + "".join(traceback.format_exception(exc)))

    def reraise(self):
        try:
            err = self.exc_type(self.text)
        except Exception:
            err = RuntimeError(self.text)
        raise err


class _MapFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn

    def fetch(self, index):
        if self.auto_collation:
            many = getattr(self.dataset, "__getitems__", None)
            data = many(index) if callable(many) else [self.dataset[i] for i in index]
        else:
            data = self.dataset[index]
        return self.collate_fn(data)


class _IterFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.it = iter(dataset)
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.ended = False

    def fetch(self, index):
        if self.ended:
            raise StopIteration
        if self.auto_collation:
            data = []
            for _ in index:
                try:
                    data.append(next(self.it))
                except StopIteration:
                    self.ended = True
                    break
            if not data or (self.drop_last and len(data) < len(index)):
                raise StopIteration
        else:
            data = next(self.it)
        return self.collate_fn(data)


def _make_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last):
    cls = _IterFetcher if iterable else _MapFetcher
    return cls(dataset, auto_collation, collate_fn, drop_last)


def _worker_loop(iterable, dataset, index_queue, data_queue, auto_collation, collate_fn,
                 drop_last, base_seed, init_fn, worker_id, num_workers):
    global _worker_info
    _use_shared_memory()
    seed = base_seed + worker_id
    random.seed(seed)
    minitorch.manual_seed(seed)
    np.random.seed(np.random.SeedSequence([worker_id, base_seed]).generate_state(4))
    _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                              dataset=dataset)
    init_error = None
    try:
        if init_fn is not None:
            init_fn(worker_id)
        fetcher = _make_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
    except Exception as e:
        init_error = _WorkerError(worker_id, e)
    while True:
        task = index_queue.get()
        if task is None:
            break
        if task[0] == "resume":
            fetcher = _make_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
            data_queue.put((None, _ResumeAck(worker_id)))
            continue
        idx, index = task
        if init_error is not None:
            data_queue.put((idx, init_error))
            init_error = None
            continue
        try:
            data = fetcher.fetch(index)
        except StopIteration:
            data = _StopMarker(worker_id)
        except Exception as e:
            data = _WorkerError(worker_id, e)
        data_queue.put((idx, data))
    data_queue.close()
    data_queue.join_thread()
    sys.exit(0)
