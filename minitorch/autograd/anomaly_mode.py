"""Anomaly mode: NaN checks in backward and the forward traceback of a failing node."""

import functools
import warnings

from .. import _C

is_anomaly_enabled = _C._is_anomaly_enabled
is_anomaly_check_nan_enabled = _C._is_anomaly_check_nan_enabled


class detect_anomaly:
    """Turns anomaly mode on inside the block (or decorated function): nodes made
    there remember their forward traceback, a backward that raises warns with
    it, and (``check_nan``) a backward that returns NaN raises RuntimeError."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self):
        _C._set_anomaly_enabled(True, self.check_nan)
        return self

    def __exit__(self, *exc):
        _C._set_anomaly_enabled(self.prev, self.prev_check_nan)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(self.check_nan):
                return fn(*args, **kwargs)

        return wrapper


class set_detect_anomaly:
    """Sets anomaly mode on or off; takes effect at once, and as a context
    manager restores the previous setting on exit."""

    def __init__(self, mode, check_nan=True):
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        _C._set_anomaly_enabled(bool(mode), bool(check_nan))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _C._set_anomaly_enabled(self.prev, self.prev_check_nan)
        return False
