"""Random sampling on the CPU with PyTorch's streams (Note [CPU random streams]).

Every sampler draws from an mt19937 generator in PyTorch's order and with its
transforms (ext/cpu/random_mt.cpp), so the same seed and call sequence give
PyTorch's numbers. A ``Generator`` owns its own engine; ``generator=`` makes a
call draw from it (``_using`` selects it in the C layer for that call).

PyTorch fills a tensor in the order its TensorIterator walks it: dimensions
sorted by stride, i.e. memory order for a dense (possibly permuted) tensor.
A sampler fills a contiguous tensor directly, else a contiguous buffer in
that order and copies it in.
"""

import builtins
import contextlib
import functools

from . import _C
from .autograd import no_grad

# kinds of _C._rng_fill (cpu::rng::Dist)
_UNIFORM, _NORMAL, _FROM_TO, _FULL64, _BITS, _BERNOULLI, _EXPONENTIAL, _CAUCHY, _LOG_NORMAL, _GEOMETRIC = range(10)
_INT64_MIN = -(1 << 63)


class Generator:
    """A CPU random number generator (mt19937) with its own state."""

    def __init__(self, device="cpu"):
        from ._device import device as _dev

        d = _dev(device) if not isinstance(device, _dev) else device
        if d.type != "cpu":
            raise RuntimeError(f"Generator(): only CPU generators are supported here, got device '{d}'")
        self._device = d
        self._h = _C._gen_new()

    @classmethod
    def _default(cls):
        g = cls.__new__(cls)
        from ._device import device as _dev

        g._device = _dev("cpu")
        g._h = _C._gen_default()
        return g

    @property
    def device(self):
        return self._device

    def manual_seed(self, seed):
        """Seeds the generator; returns it."""
        _C._gen_manual_seed(self._h, builtins.int(seed))
        return self

    def seed(self):
        """Seeds from a nondeterministic source and returns that seed."""
        return _C._gen_seed(self._h)

    def initial_seed(self):
        """The seed the generator was last seeded with."""
        return _C._gen_initial_seed(self._h)

    def get_state(self):
        """The state as a uint8 tensor in PyTorch's layout (5056 bytes)."""
        return _state_tensor(_C._gen_get_state(self._h))

    def set_state(self, new_state):
        """Restores a state from ``get_state`` (ours or PyTorch's)."""
        _C._gen_set_state(self._h, _state_bytes(new_state))
        return self

    def __repr__(self):
        return f"<minitorch.Generator object at {id(self):#x}>"


default_generator = Generator._default()


def _state_tensor(raw):
    import numpy as np

    return _C.from_numpy(np.frombuffer(raw, dtype=np.uint8).copy())


def _state_bytes(state):
    if not isinstance(state, _C.TensorBase):
        raise TypeError(f"expected a torch.ByteTensor, but got {type(state).__name__}")
    if state.dtype != _C.uint8:
        raise TypeError(f"RNG state must be a torch.ByteTensor, got {state.dtype}")
    return bytes(state.contiguous().numpy().tobytes())


def _check_generator(g):
    if not isinstance(g, Generator):
        raise TypeError(f"generator must be a minitorch.Generator, not {type(g).__name__}")
    return g


_stack = []


@contextlib.contextmanager
def _using(generator):
    """Random functions draw from ``generator`` inside the block."""
    if generator is None:
        yield
        return
    _check_generator(generator)
    _stack.append(generator)
    _C._gen_use(generator._h)
    try:
        yield
    finally:
        _stack.pop()
        _C._gen_use(_stack[-1]._h if _stack else None)


def _with_generator(fn):
    @functools.wraps(fn)
    def wrapper(*args, generator=None, **kwargs):
        if generator is None:
            return fn(*args, **kwargs)
        with _using(generator):
            return fn(*args, **kwargs)

    return wrapper


# ---- the default generator (module functions) ----

def manual_seed(seed):
    """Seeds the default generator; the same seed gives the same random tensors."""
    return default_generator.manual_seed(seed)


def seed():
    """Seeds the default generator nondeterministically; returns the seed."""
    return default_generator.seed()


def initial_seed():
    """The default generator's seed."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state, a uint8 tensor in PyTorch's layout."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restores a state from ``get_rng_state`` (a PyTorch state works too)."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type="cpu"):
    """Restores the default generator's state when the block ends."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


# ---- filling ----

def _walk_order(t):
    """A permutation of t's dims, largest stride first (the fill order)."""
    dims = list(range(t.dim()))
    return sorted(dims, key=lambda d: -t.stride(d)) if dims else dims


def _fill_raw(t, draw):
    """Calls ``draw(buffer)`` on a contiguous CPU tensor laid out in t's fill order."""
    if t.requires_grad and t.is_leaf and _C.is_grad_enabled():
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    with no_grad():
        if t.is_contiguous() and t.device.type == "cpu":
            draw(t)
            return t
        order = _walk_order(t)
        view = t.permute(*order) if order else t
        buf = _C.empty(*view.shape, dtype=t.dtype) if view.dim() else _C.empty((), dtype=t.dtype)
        draw(buf)
        view.copy_(buf)
    return t


def _fill(t, kind, a=0.0, b=0.0, generator=None):
    dense = t.is_contiguous()
    with _using(generator):
        return _fill_raw(t, lambda buf: _C._rng_fill(buf, kind, float(a), float(b), dense))


def _check_float(t, name):
    if not t.dtype.is_floating_point:
        raise NotImplementedError(f"\"{name}\" not implemented for '{_torch_name(t.dtype)}'")


def _torch_name(dt):
    return {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
            "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}.get(str(dt).replace("minitorch.", ""), str(dt))


def uniform_(self, from_=0.0, to=1.0, *, generator=None, **kw):
    """Fills self with U(from, to) draws."""
    from_ = kw.pop("from", from_)
    _check_float(self, "check_uniform_bounds")
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={from_} > to={to}")
    return _fill(self, _UNIFORM, from_, to, generator)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fills self with N(mean, std**2) draws."""
    _check_float(self, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    return _fill(self, _NORMAL, mean, std, generator)


def _bernoulli_tensor_p(self, p, generator):
    if not p.dtype.is_floating_point or p.dtype not in (_C.float32, _C.float64):
        raise NotImplementedError(f"\"bernoulli_tensor_cpu_p_\" not implemented for '{_torch_name(p.dtype)}'")
    pe = p.to(self.device).expand(self.shape)
    if ((pe < 0) | (pe > 1)).any().item():
        raise RuntimeError("bernoulli_ expects all elements of p to be in [0, 1]")
    order = _walk_order(self)
    pv = pe.permute(*order) if order else pe
    with _using(generator), no_grad():
        u = _C.empty(*pv.shape, dtype=p.dtype) if pv.dim() else _C.empty((), dtype=p.dtype)
        _C._rng_fill(u, _UNIFORM, 0.0, 1.0, True)
        view = self.permute(*order) if order else self
        view.copy_((u < pv).to(self.dtype))
    return self


def bernoulli_(self, p=0.5, *, generator=None):
    """Sets each element to 1 with probability p (a float or a tensor), else 0."""
    if isinstance(p, _C.TensorBase):
        return _bernoulli_tensor_p(self, p, generator)
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return _fill(self, _BERNOULLI, p, 0.0, generator)


def bernoulli(input, p=None, *, generator=None, out=None):
    """Bernoulli draws with probabilities ``input`` (or the float p)."""
    # a contiguous result (PyTorch's legacy contiguous format), filled in C order
    res = (_C.empty(*input.shape, dtype=input.dtype) if input.dim() else _C.empty((), dtype=input.dtype)) \
        if out is None else out
    if out is not None and tuple(out.shape) != tuple(input.shape):
        out.resize_(*input.shape)
    if p is None:
        if not input.dtype.is_floating_point:
            raise NotImplementedError(f"\"bernoulli_tensor_cpu_p_\" not implemented for '{_torch_name(input.dtype)}'")
        return bernoulli_(res, input, generator=generator)
    return bernoulli_(res, p, generator=generator)


def exponential_(self, lambd=1.0, *, generator=None):
    """Fills self with Exp(lambd) draws."""
    _check_float(self, "exponential_cpu")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    return _fill(self, _EXPONENTIAL, lambd, 0.0, generator)


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fills self with Cauchy(median, sigma) draws."""
    _check_float(self, "cauchy_cpu")
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
    return _fill(self, _CAUCHY, median, sigma, generator)


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fills self with exp(N(mean, std**2)) draws."""
    _check_float(self, "log_normal_cpu")
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
    return _fill(self, _LOG_NORMAL, mean, std, generator)


def geometric_(self, p, *, generator=None):
    """Fills self with the number of Bernoulli(p) trials to the first success."""
    if self.dtype == _C.bool:
        raise NotImplementedError("\"geometric_cpu\" not implemented for 'Bool'")
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    return _fill(self, _GEOMETRIC, p, 0.0, generator)


def _dtype_max(dt):
    if dt == _C.bool:
        return 1
    if dt.is_floating_point:
        return 1 << {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}[str(dt).split(".")[-1]]
    bits = {_C.uint8: 8, _C.int8: 7, _C.int16: 15, _C.int32: 31, _C.int64: 63}[dt]
    return (1 << bits) - 1


def _check_in_range(dt, lo, hi_inc):
    if dt.is_floating_point or dt == _C.bool and False:
        return
    if dt == _C.bool:
        mn, mx = 0, 1
    else:
        info = {_C.uint8: (0, 255), _C.int8: (-128, 127), _C.int16: (-(1 << 15), (1 << 15) - 1),
                _C.int32: (-(1 << 31), (1 << 31) - 1), _C.int64: (-(1 << 63), (1 << 63) - 1)}
        mn, mx = info[dt]
    name = str(dt).split(".")[-1]
    if not mn <= lo <= mx:
        raise RuntimeError(f"from is out of bounds for {name}")
    if not mn <= hi_inc <= mx:
        raise RuntimeError(f"to - 1 is out of bounds for {name}")


def random_(self, *args, generator=None, **kw):
    """random_(from, to) / random_(to) / random_(): integers drawn uniformly."""
    from_kw = "from" in kw
    if from_kw:
        args = (kw.pop("from"),) + args
    to_kw = "to" in kw
    to = kw.pop("to", None)
    if kw:
        raise TypeError(f"random_() got an unexpected keyword argument '{next(iter(kw))}'")
    if len(args) == 2:
        frm, to = args
    elif len(args) == 1 and not to_kw and not from_kw:
        frm, to = 0, args[0]
    elif len(args) == 1:
        frm = args[0]
    elif not args and to is not None:
        frm = 0
    else:
        return _fill(self, _BITS, 0.0, 0.0, generator)
    frm = builtins.int(frm)
    if to is not None:
        to = builtins.int(to)
        if frm >= to:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={frm} >= to={to}")
        _check_in_range(self.dtype, frm, to - 1)
        rng = to - frm
    elif frm != _INT64_MIN:
        hi = _dtype_max(self.dtype)
        _check_in_range(self.dtype, frm, hi)
        rng = hi - frm + 1
    else:
        if self.dtype not in (_C.int64, _C.float64, _C.float32, _C.bfloat16):
            raise RuntimeError("random_from_to_impl handles only int64, double, float and bfloat16")
        return _fill(self, _FULL64, 0.0, 0.0, generator)
    with _using(generator):
        return _fill_raw(self, lambda buf: _C._rng_from_to(buf, rng, frm))


# ---- functions ----

def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, **kw):
    """normal(mean, std[, size]): Tensor or float mean and std."""
    T = _C.TensorBase
    if isinstance(mean, T) or isinstance(std, T):
        if isinstance(mean, T) and isinstance(std, T):
            shape = _C._broadcast_shapes((tuple(mean.shape), tuple(std.shape)))
            dt = mean.dtype
        elif isinstance(mean, T):
            shape, dt = tuple(mean.shape), mean.dtype
            if std < 0:
                raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        else:
            shape, dt = tuple(std.shape), std.dtype
        if isinstance(std, T) and (std < 0).any().item():
            raise RuntimeError("normal expects all elements of std >= 0.0")
        res = _C.empty(*shape, dtype=dt) if out is None else out
        if out is not None and tuple(out.shape) != tuple(shape):
            out.resize_(*shape)
        with no_grad():
            if isinstance(mean, T) and not isinstance(std, T):
                normal_(res, 0.0, std, generator=generator)
                res.add_(mean)
            else:
                normal_(res, 0.0, 1.0, generator=generator)
                res.mul_(std).add_(mean)
        return res
    if size is None:
        raise TypeError("normal() received an invalid combination of arguments: size is required "
                        "when mean and std are numbers")
    if out is not None:
        shape = tuple(size) if not isinstance(size, builtins.int) else (size,)
        if tuple(out.shape) != shape:
            out.resize_(*shape)
        return normal_(out, mean, std, generator=generator)
    res = _C.empty(*size, dtype=dtype, **kw) if dtype is not None else _C.empty(*size, **kw)
    return normal_(res, mean, std, generator=generator)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Indices drawn from the rows of ``input`` (unnormalised probabilities)."""
    if not isinstance(input, _C.TensorBase):
        raise TypeError(f"multinomial(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {_torch_name(input.dtype)}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n_cat = input.shape[-1]
    if not replacement and num_samples > n_cat:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if n_cat > (1 << 24):
        raise RuntimeError("number of categories cannot exceed 2^24")
    shape = (num_samples,) if input.dim() == 1 else (input.shape[0], num_samples)
    with no_grad(), _using(generator):
        if input.numel() == 0:
            res = _C.empty(*shape, dtype=_C.int64)
        elif not replacement or num_samples == 1:
            x = input.detach()
            if not ((x.max() < float("inf")) & (x.min() >= 0)).item():
                raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
            zero = (x.sum() == 0).item() if x.dim() == 1 else ((x.sum(1) == 0).sum() > 0).item()
            if zero:
                raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
            q = _C.empty_like(x)
            _fill(q, _EXPONENTIAL, 1.0)
            q = x / q
            res = q.argmax(-1, keepdim=True) if num_samples == 1 else q.topk(num_samples)[1]
        else:
            p2 = input.detach().reshape(-1, n_cat).contiguous()
            res = _C.empty(p2.shape[0], num_samples, dtype=_C.int64)
            _C._rng_multinomial(p2, num_samples, res)
            res = res.reshape(*shape)
    if out is not None:
        if tuple(out.shape) != shape:
            out.resize_(*shape)
        out.copy_(res)
        return out
    return res


def poisson(input, generator=None):
    """Poisson draws with rates ``input``."""
    if not isinstance(input, _C.TensorBase):
        raise TypeError(f"poisson(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"poisson_cpu\" not implemented for '{_torch_name(input.dtype)}'")
    lam = input.detach().contiguous().double()
    res = _C.empty(*input.shape, dtype=input.dtype) if input.dim() else _C.empty((), dtype=input.dtype)
    with _using(generator):
        _C._rng_poisson(lam, res)
    return res


def _multinomial_method(self, num_samples, replacement=False, *, generator=None):
    return multinomial(self, num_samples, replacement, generator=generator)


def _bernoulli_method(self, p=None, *, generator=None):
    return bernoulli(self, p, generator=generator)


_WRAPPED = ("rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like")


def _install(tensor_class, namespace):
    for name, fn in (("uniform_", uniform_), ("normal_", normal_), ("bernoulli_", bernoulli_),
                     ("exponential_", exponential_), ("cauchy_", cauchy_), ("log_normal_", log_normal_),
                     ("geometric_", geometric_), ("random_", random_), ("multinomial", _multinomial_method),
                     ("bernoulli", _bernoulli_method)):
        setattr(tensor_class, name, fn)
    # generator= for the C factories (also when called as _C.rand, as nn.init does)
    for name in _WRAPPED:
        orig = getattr(_C, name)
        if getattr(orig, "_mt_wrapped", False):
            continue
        w = _with_generator(orig)
        w._mt_wrapped = True
        setattr(_C, name, w)
        namespace[name] = w
    for name in ("manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state", "Generator",
                 "default_generator", "normal", "bernoulli", "multinomial", "poisson"):
        namespace[name] = globals()[name]
