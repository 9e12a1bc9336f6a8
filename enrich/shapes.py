"""Whether a value read back as JSON has the shape enrich wrote it in.

enrich reads back JSON it wrote itself (the incremental state, the commit journal); a file
damaged, edited or written by another build may hold anything, and a value of another
shape must be refused, never used (a crash, or a wrong value in a report).

A shape is described as data (see :func:`checker`) and turned once into a check: a state
checks some 100,000 values at the start of every run.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

__all__ = ["Check", "checker"]

Check = Callable[[Any], bool]  #: whether a value has the shape it was made from


def checker(shape: Any) -> Check:
    """The check of ``shape``: a type (exactly: JSON and SQLite give no subclasses, and
    ``True`` is no int); a tuple of shapes (any of them); ``[s]`` a list of values of shape
    ``s``; ``[s, t, ...]`` a list of one value of each; ``{str: s}`` a dict of strings to
    values of shape ``s``; any other dict, one with exactly its keys, each value of its
    shape.

    Wherever a shape is made of types alone, the types of the values are compared in C
    (``map(type, ...)`` against a set), not one by one in Python."""
    if isinstance(shape, tuple):
        if _types(shape) is not None:
            return lambda value: type(value) in shape
        anyof = [checker(one) for one in shape]
        return lambda value: any(check(value) for check in anyof)
    if isinstance(shape, list):
        return _list_checker(shape)
    if isinstance(shape, dict):
        return _dict_checker(shape)
    return lambda value: type(value) is shape


_MAX_ROWS = 256  #: the most type rows a fixed shape of types is compared against as a set


def _types(shape: Any) -> tuple[type, ...] | None:
    """The types ``shape`` allows when it is a type or a tuple of types, else None."""
    if isinstance(shape, type):
        return (shape,)
    if isinstance(shape, tuple) and all(isinstance(one, type) for one in shape):
        return shape
    return None


def _type_rows(shapes: list[Any]) -> frozenset[tuple[type, ...]] | None:
    """Every row of types a sequence of values of ``shapes`` may have, when each shape is
    made of types alone and the rows are few; else None."""
    each = [_types(one) for one in shapes]
    if any(types is None for types in each):
        return None
    if math.prod(len(types) for types in each if types is not None) > _MAX_ROWS:
        return None
    return frozenset(itertools.product(*(types for types in each if types is not None)))


def _list_checker(shape: list[Any]) -> Check:
    if len(shape) == 1:
        kinds = _types(shape[0])
        if kinds is not None:
            allowed = set(kinds)
            return lambda value: type(value) is list and set(map(type, value)) <= allowed
        each = checker(shape[0])
        return lambda value: type(value) is list and all(map(each, value))
    rows = _type_rows(shape)
    if rows is not None:
        return lambda value: type(value) is list and tuple(map(type, value)) in rows
    checks = [checker(one) for one in shape]
    return lambda value: (
        type(value) is list
        and len(value) == len(checks)
        and all(check(x) for check, x in zip(checks, value, strict=False))
    )


def _dict_checker(shape: dict[Any, Any]) -> Check:
    if list(shape) == [str]:
        kinds = _types(shape[str])
        if kinds is not None:
            allowed = set(kinds)
            return lambda value: (
                type(value) is dict
                and set(map(type, value)) <= {str}
                and set(map(type, value.values())) <= allowed
            )
        each = checker(shape[str])
        return lambda value: (
            type(value) is dict and all(type(k) is str and each(v) for k, v in value.items())
        )
    keys = shape.keys()
    plain = tuple(key for key, one in shape.items() if _types(one) is not None)
    rows = _type_rows([shape[key] for key in plain])
    if rows is None:  # too many rows to compare as a set: checked one by one
        plain, rows = (), frozenset({()})
    checks = [(key, checker(one)) for key, one in shape.items() if key not in plain]
    return lambda value: (
        type(value) is dict
        and value.keys() == keys
        and tuple(map(type, map(value.__getitem__, plain))) in rows
        and all(check(value[key]) for key, check in checks)
    )
