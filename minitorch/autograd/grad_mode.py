"""Grad mode and inference mode: context managers that are also decorators."""

import functools

from .. import _C


class _GradMode:
    """Base of the grad-mode context managers; also usable as decorators,
    with or without parentheses (``@no_grad()`` and ``@no_grad``)."""

    _target = True

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        if not callable(orig_func):
            raise TypeError(f"{cls.__name__}() takes no arguments, got {type(orig_func).__name__}")
        return cls()(orig_func)  # used bare as a decorator

    def __enter__(self):
        self._prev = _C.is_grad_enabled()
        _C._set_grad_enabled(self._target)
        return self

    def __exit__(self, *exc):
        _C._set_grad_enabled(self._prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Disables gradient recording inside the block (or decorated function)."""

    _target = False


class enable_grad(_GradMode):
    """Enables gradient recording inside the block (or decorated function)."""

    _target = True


class set_grad_enabled(_GradMode):
    """Sets grad mode to ``mode``; as a plain call it takes effect immediately."""

    def __new__(cls, mode):
        if not isinstance(mode, bool):
            raise TypeError("set_grad_enabled(): argument 'enabled' (position 1) must be bool, "
                            f"not {type(mode).__name__}")
        return object.__new__(cls)

    def __init__(self, mode):
        self._prev = _C.is_grad_enabled()
        self._target = bool(mode)
        _C._set_grad_enabled(self._target)

    def __enter__(self):
        return self

    def __call__(self, fn):
        mode = self._target
        _C._set_grad_enabled(self._prev)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper


is_grad_enabled = _C.is_grad_enabled


is_inference_mode_enabled = _C.is_inference_mode_enabled


class inference_mode(_GradMode):
    """Like no_grad, and tensors made inside report ``is_inference()`` True.
    ``inference_mode(False)`` changes nothing. Also a decorator."""

    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, bool):
            return cls()(mode)  # used bare as a decorator
        return object.__new__(cls)

    def __init__(self, mode=True):
        self.mode = bool(mode)

    def __enter__(self):
        self._prev = (_C.is_grad_enabled(), _C.is_inference_mode_enabled())
        if self.mode:
            _C._set_grad_enabled(False)
            _C._set_inference_mode(True)
        return self

    def __exit__(self, *exc):
        _C._set_grad_enabled(self._prev[0])
        _C._set_inference_mode(self._prev[1])
        return False

    def __call__(self, fn):
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(mode):
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__(self.mode)
