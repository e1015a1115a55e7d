"""Samplers: iterables of dataset indices (or of index batches)."""

import numpy as np

import minitorch


class Sampler:
    """Base class: subclasses define ``__iter__`` over indices (and maybe ``__len__``)."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError


def _fresh_seed(generator=None):
    """A 63-bit seed drawn from ``generator`` (the default one when None)."""
    return int(minitorch.randint(0, 2**63 - 1, (), dtype=minitorch.int64,
                                 generator=generator).item())


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """Random indices: a permutation (repeated as needed), or draws with replacement."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError("replacement should be a boolean value, but got "
                            f"replacement={self.replacement}")
        n = self.num_samples
        if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
            raise ValueError("num_samples should be a positive integer value, but got "
                             f"num_samples={n}")

    @property
    def num_samples(self):
        if self._num_samples is None:
            return len(self.data_source)
        return self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        # minitorch's Generator objects all share the one default stream, so a private
        # generator seeded from it (as torch makes) would reseed it: draw from it directly
        generator = self.generator
        if self.replacement:
            for _ in range(self.num_samples // 32):
                yield from minitorch.randint(0, n, (32,), dtype=minitorch.int64,
                                             generator=generator).tolist()
            yield from minitorch.randint(0, n, (self.num_samples % 32,), dtype=minitorch.int64,
                                         generator=generator).tolist()
        else:
            for _ in range(self.num_samples // n):
                yield from minitorch.randperm(n, generator=generator).tolist()
            yield from minitorch.randperm(n, generator=generator).tolist()[:self.num_samples % n]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in minitorch.randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


def _multinomial(weights, num_samples, replacement, generator):
    """Indices drawn with probabilities proportional to ``weights`` (a float64 1-D array)."""
    if (weights < 0).any() or not np.isfinite(weights).all():
        raise RuntimeError("invalid multinomial distribution (encountering probability "
                           "entry < 0)")
    total = weights.sum()
    if total <= 0:
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    u = minitorch.rand(num_samples, dtype=minitorch.float64, generator=generator).numpy()
    if replacement:
        cdf = np.cumsum(weights) / total
        cdf[-1] = 1.0
        idx = np.searchsorted(cdf, u, side="right")
        # an index past a zero-weight tail cannot be drawn: clamp onto the last positive
        last = int(np.nonzero(weights)[0][-1])
        return np.minimum(idx, last).tolist()
    if num_samples > weights.shape[0]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    if num_samples > int(np.count_nonzero(weights)):
        raise RuntimeError("invalid multinomial distribution (with replacement=False, "
                           "not enough non-negative category to sample)")
    # exponential race: the k smallest of E_i / w_i are a weighted draw without replacement
    u = minitorch.rand(weights.shape[0], dtype=minitorch.float64, generator=generator).numpy()
    with np.errstate(divide="ignore"):
        keys = -np.log1p(-u) / weights
    return np.argsort(keys, kind="stable")[:num_samples].tolist()


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices in ``range(len(weights))`` with probabilities ~ weights."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if (not isinstance(num_samples, int) or isinstance(num_samples, bool)
                or num_samples <= 0):
            raise ValueError("num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError("replacement should be a boolean value, but got "
                             f"replacement={replacement}")
        w = minitorch.as_tensor(weights, dtype=minitorch.float64)
        if w.dim() != 1:
            raise ValueError("weights should be a 1d sequence but given weights have shape "
                             f"{tuple(w.shape)}")
        self.weights = w
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        yield from _multinomial(self.weights.numpy(), self.num_samples, self.replacement,
                                self.generator)

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size``."""

    def __init__(self, sampler, batch_size, drop_last):
        if (not isinstance(batch_size, int) or isinstance(batch_size, bool)
                or batch_size <= 0):
            raise ValueError("batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        batch = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
