"""Reference-count checks for C entry points (a test helper, not a test).

    from refcheck import check_refcounts
    check_refcounts(t.transpose, 0, 1)                 # success path
    check_refcounts(t.transpose, 0, 5, raises=IndexError)  # an error path

It calls the function once to warm caches, then checks, around further calls:
- every argument (and the callable itself) has the same reference count
  after the call (and after the result is dropped) as before, and never
  fewer while the result lives: an error path that forgets a DECREF, or a
  success path that steals or leaks an INCREF, shows up as a difference
  (small ints, bools, None, strings and dtypes are cached and referenced
  from everywhere, so their counts are not compared);
- the result holds exactly the references it should: a fresh object is
  referenced only by the caller; a shared object (self returned by an
  in-place method, a cached dtype, None, a bool) gains exactly one reference
  per live result and loses it again when the result is dropped;
- repeated calls do not drift (a leak of one reference per call).

sys.getrefcount counts its own argument, hence the "+ 1"s below.
"""

import gc
import sys

__all__ = ["check_refcounts", "RefcountError"]


class RefcountError(AssertionError):
    pass


def _call(fn, args, kwargs, raises):
    if raises is None:
        return fn(*args, **kwargs)
    try:
        fn(*args, **kwargs)
    except raises:
        return None
    except BaseException as exc:  # noqa: BLE001
        raise RefcountError(f"{_name(fn)}: expected {raises}, got {type(exc).__name__}: {exc}")
    raise RefcountError(f"{_name(fn)}: expected {raises}, but the call returned")


def _name(fn):
    return getattr(fn, "__qualname__", None) or repr(fn)


def check_refcounts(fn, *args, raises=None, repeat=5, **kwargs):
    """Checks reference counts around fn(*args, **kwargs); see the module doc.

    raises: the exception class expected (None: the call must succeed)."""
    watched = [fn, *args, *kwargs.values()]
    _call(fn, args, kwargs, raises)  # warm-up: lazy caches, interned names
    gc.collect()
    before = [sys.getrefcount(o) for o in watched]

    if raises is not None:
        for _ in range(repeat):
            _call(fn, args, kwargs, raises)
        sys.exc_info()  # nothing pending
        after = [sys.getrefcount(o) for o in watched]
        _compare(fn, watched, before, after, "after the error path")
        return

    r1 = _call(fn, args, kwargs, None)
    # While r1 lives an argument may gain references (a from_numpy tensor
    # owns its array, an instance its class) but never lose one (stolen).
    during = [sys.getrefcount(o) for o in watched]
    _check_not_stolen(fn, watched, before, during)  # (a loop here would hold a reference)
    shared = any(r1 is o for o in watched)
    rc1 = sys.getrefcount(r1)
    r2 = _call(fn, args, kwargs, None)
    if _is_cached_singleton(r1):
        pass  # True, None, 3: referenced from everywhere; counts move on their own
    elif r2 is r1:
        shared = True
        if sys.getrefcount(r1) != rc1 + 1:
            raise RefcountError(f"{_name(fn)}: a shared result gained "
                                f"{sys.getrefcount(r1) - rc1} references on one call, expected 1")
    else:
        if sys.getrefcount(r1) != rc1:
            raise RefcountError(f"{_name(fn)}: the second call changed the first result's "
                                f"reference count ({rc1} -> {sys.getrefcount(r1)})")
        if not shared and not _is_cached_singleton(r1) and rc1 != 2:
            raise RefcountError(f"{_name(fn)}: a fresh result of type {type(r1).__name__} has "
                                f"{rc1 - 1} references, expected 1 (the caller's)")
    del r2
    for _ in range(repeat):
        _call(fn, args, kwargs, None)
    del r1
    gc.collect()
    after = [sys.getrefcount(o) for o in watched]
    _compare(fn, watched, before, after, "after the results were dropped")


def _is_cached_singleton(o):
    # Objects CPython or minitorch may hand out from a cache: small ints,
    # bools, None, dtypes, interned strings, empty tuples. Their counts also
    # move with unrelated code, so they are not checked.
    if o is None or isinstance(o, (bool, str)) or (type(o) is tuple and o == ()):
        return True
    if isinstance(o, int) and -5 <= o <= 256:
        return True
    return type(o).__name__ == "dtype"


def _check_not_stolen(fn, watched, before, during):
    for i, (o, b, d) in enumerate(zip(watched, before, during)):
        if d < b:
            raise RefcountError(f"{_name(fn)}: {_what(i, o)} lost {b - d} references (stolen)")


def _what(i, o):
    return "the callable" if i == 0 else f"argument {i - 1} ({type(o).__name__})"


def _compare(fn, watched, before, after, when):
    for i, (o, b, a) in enumerate(zip(watched, before, after)):
        if a != b and not _is_cached_singleton(o):
            raise RefcountError(f"{_name(fn)}: {_what(i, o)} has {a - b:+d} references {when}")
