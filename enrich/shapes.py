"""Whether a value read back as JSON has the shape enrich wrote it in.

enrich reads back JSON it wrote itself (the incremental state, the commit journal); a file
damaged, edited or written by another build may hold anything, and a value of another
shape must be refused, never used (a crash, or a wrong value in a report).
"""

from __future__ import annotations

from typing import Any

__all__ = ["shaped"]


def shaped(value: Any, shape: Any) -> bool:
    """Whether ``value`` has ``shape``: a type; a tuple of shapes (any of them); ``[s]`` a
    list of values of shape ``s``; ``[s, t, ...]`` a list of one value of each; ``{str: s}``
    a dict of strings to values of shape ``s``; any other dict, one with exactly its keys,
    each value of its shape."""
    if isinstance(shape, tuple):
        return any(shaped(value, one) for one in shape)
    if isinstance(shape, list):
        if not isinstance(value, list):
            return False
        if len(shape) == 1 and isinstance(shape[0], type):  # the common case, made fast
            return all(isinstance(item, shape[0]) for item in value)
        if len(shape) == 1:
            return all(shaped(item, shape[0]) for item in value)
        return len(value) == len(shape) and all(map(shaped, value, shape))
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return False
        if list(shape) == [str]:
            return all(isinstance(k, str) and shaped(v, shape[str]) for k, v in value.items())
        return value.keys() == shape.keys() and all(shaped(value[k], shape[k]) for k in shape)
    return isinstance(value, shape)
