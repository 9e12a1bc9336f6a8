"""Whether a value read back as JSON has the shape enrich wrote it in.

enrich reads back JSON it wrote itself (the incremental state, the commit journal); a file
damaged, edited or written by another build may hold anything, and a value of another
shape must be refused, never used (a crash, or a wrong value in a report).

A shape is described as data (see :func:`checker`) and turned once into a check: a state
checks some 100,000 values at the start of every run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Check", "checker"]

Check = Callable[[Any], bool]  #: whether a value has the shape it was made from


def checker(shape: Any) -> Check:
    """The check of ``shape``: a type (exactly: JSON and SQLite give no subclasses, and
    ``True`` is no int); a tuple of shapes (any of them); ``[s]`` a list of values of shape
    ``s``; ``[s, t, ...]`` a list of one value of each; ``{str: s}`` a dict of strings to
    values of shape ``s``; any other dict, one with exactly its keys, each value of its
    shape."""
    if isinstance(shape, tuple):
        if all(isinstance(one, type) for one in shape):
            return lambda value: type(value) in shape
        anyof = [checker(one) for one in shape]
        return lambda value: any(check(value) for check in anyof)
    if isinstance(shape, list):
        return _list_checker(shape)
    if isinstance(shape, dict):
        return _dict_checker(shape)
    return lambda value: type(value) is shape


def _list_checker(shape: list[Any]) -> Check:
    if len(shape) == 1 and isinstance(shape[0], type):  # the common case, made fast: the
        kinds = {shape[0]}  # types of the items found in C
        return lambda value: type(value) is list and set(map(type, value)) <= kinds
    if len(shape) == 1:
        each = checker(shape[0])
        return lambda value: type(value) is list and all(map(each, value))
    checks = [checker(one) for one in shape]
    return lambda value: (
        type(value) is list
        and len(value) == len(checks)
        and all(check(x) for check, x in zip(checks, value, strict=False))
    )


def _dict_checker(shape: dict[Any, Any]) -> Check:
    if list(shape) == [str]:
        each = checker(shape[str])
        return lambda value: (
            type(value) is dict and all(type(k) is str and each(v) for k, v in value.items())
        )
    keys = shape.keys()
    checks = [(key, checker(one)) for key, one in shape.items()]
    return lambda value: (
        type(value) is dict
        and value.keys() == keys
        and all(check(value[key]) for key, check in checks)
    )
