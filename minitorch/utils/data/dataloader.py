"""DataLoader: batches from a dataset, in this process or in worker processes."""

import itertools
import multiprocessing
import queue

from . import _worker
from ._collate import default_collate, default_convert
from ._worker import get_worker_info  # noqa: F401
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, _fresh_seed


class _InfiniteConstantSampler(Sampler):
    """Endless Nones: the index stream of an iterable dataset."""

    def __iter__(self):
        while True:
            yield None


_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
           "persistent_workers")


class DataLoader:
    """Iterates over ``dataset`` in batches (see torch.utils.data.DataLoader)."""

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False,
                 timeout=0, worker_init_fn=None, multiprocessing_context=None,
                 generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 "
                             "to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in "
                             "multiprocessing.let num_workers > 0 to enable multiprocessing, "
                             "otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in {False, None}:
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle "
                                 f"option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler "
                                 f"option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.collate_fn = collate_fn
        self.pin_memory = pin_memory  # CPU only: pinning is a no-op
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.generator = generator
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._iterator = None
        self._initialized = True

    def __setattr__(self, name, value):
        if getattr(self, "_initialized", False) and name in _FROZEN:
            raise ValueError(f"{name} attribute should not be set after "
                             f"{type(self).__name__} is initialized")
        super().__setattr__(name, value)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                if self.drop_last:
                    return n // self.batch_size
                return -(-n // self.batch_size)
            return n
        return len(self._index_sampler)

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        if self.persistent_workers:
            if self._iterator is None:
                self._iterator = _MultiProcessIter(self)
            else:
                self._iterator._reset()
            return self._iterator
        return _MultiProcessIter(self)


class _BaseIter:
    def __init__(self, loader):
        self._loader = loader
        self._reset_indices()

    def _reset_indices(self):
        # one draw from the loader's generator per epoch (the workers' base seed),
        # before the sampler draws its own
        self._base_seed = _fresh_seed(self._loader.generator)
        self._indices = iter(self._loader._index_sampler)

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)


class _SingleProcessIter(_BaseIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._fetcher = _worker._make_fetcher(loader._iterable, loader.dataset,
                                              loader._auto_collation, loader.collate_fn,
                                              loader.drop_last)

    def __next__(self):
        index = next(self._indices)
        return self._fetcher.fetch(index)


class _MultiProcessIter(_BaseIter):
    def __init__(self, loader):
        super().__init__(loader)
        ctx = loader.multiprocessing_context
        if ctx is None:
            ctx = multiprocessing.get_context()
        elif isinstance(ctx, str):
            ctx = multiprocessing.get_context(ctx)
        self._n = loader.num_workers
        self._data_queue = ctx.Queue()
        self._index_queues = []
        self._workers = []
        for wid in range(self._n):
            iq = ctx.Queue()
            w = ctx.Process(target=_worker._worker_loop, daemon=True, args=(
                loader._iterable, loader.dataset, iq, self._data_queue,
                loader._auto_collation, loader.collate_fn, loader.drop_last,
                self._base_seed, loader.worker_init_fn, wid, self._n))
            w.start()
            self._index_queues.append(iq)
            self._workers.append(w)
        self._shut = False
        self._start_epoch()

    def _start_epoch(self):
        self._active = [True] * self._n
        self._worker_cycle = itertools.cycle(range(self._n))
        self._send_idx = 0
        self._rcvd_idx = 0
        self._task_worker = {}  # send index -> worker id, for tasks not yet yielded
        self._results = {}
        self._exhausted = False
        for _ in range(self._loader.prefetch_factor * self._n):
            self._put_index()

    def _reset(self):
        self._reset_indices()
        for iq in self._index_queues:
            iq.put(("resume",))
        acks = 0
        while acks < self._n:  # drop what the last epoch left in flight
            _, data = self._get()
            if isinstance(data, _worker._ResumeAck):
                acks += 1
        self._start_epoch()

    def _put_index(self):
        if self._exhausted or not any(self._active):
            return
        try:
            index = next(self._indices)
        except StopIteration:
            self._exhausted = True
            return
        for _ in range(self._n):
            wid = next(self._worker_cycle)
            if self._active[wid]:
                break
        self._index_queues[wid].put((self._send_idx, index))
        self._task_worker[self._send_idx] = wid
        self._send_idx += 1

    def _get(self):
        timeout = self._loader.timeout
        waited = 0.0
        while True:
            try:
                return self._data_queue.get(timeout=timeout if timeout > 0 else 5.0)
            except queue.Empty:
                if timeout > 0:
                    self._shutdown()
                    raise RuntimeError(f"DataLoader timed out after {timeout} seconds") from None
                waited += 5.0
                dead = [w.pid for w in self._workers if not w.is_alive()]
                if dead:
                    self._shutdown()
                    pids = ", ".join(str(p) for p in dead)
                    raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited "
                                       "unexpectedly") from None

    def __next__(self):
        # every task gets an answer (a batch, an error, or a stop marker from a worker
        # whose iterable dataset has ended), so batches come back in send order
        while True:
            if self._rcvd_idx >= self._send_idx:
                if not self._loader.persistent_workers:
                    self._shutdown()
                raise StopIteration
            if self._rcvd_idx in self._results:
                data = self._results.pop(self._rcvd_idx)
                del self._task_worker[self._rcvd_idx]
                self._rcvd_idx += 1
                self._put_index()
                if isinstance(data, _worker._StopMarker):
                    continue
                if isinstance(data, _worker._WorkerError):
                    self._shutdown()
                    data.reraise()
                return data
            idx, data = self._get()
            if idx is None:
                continue
            if isinstance(data, _worker._StopMarker):
                self._active[data.worker_id] = False
            self._results[idx] = data

    def _shutdown(self):
        if self._shut:
            return
        self._shut = True
        for iq in self._index_queues:
            try:
                iq.put(None)
            except (OSError, ValueError):
                pass
        for w in self._workers:
            w.join(timeout=5)
            if w.is_alive():
                w.terminate()
        while True:  # unpickling what is left unlinks its /dev/shm files
            try:
                self._data_queue.get_nowait()
            except (queue.Empty, OSError, ValueError, EOFError):
                break
        for q in self._index_queues + [self._data_queue]:
            q.cancel_join_thread()
            q.close()

    def __del__(self):
        try:
            self._shutdown()
        except Exception:
            pass

