"""enrich.shapes: a value read back as JSON passes only the shape it was written in."""

from __future__ import annotations

from typing import Any

import pytest

from enrich.shapes import checker

SCAN = {"keys": [str], "span": [int, int], "counts": {str: int}, "when": (int, float, type(None))}
GOOD: dict[str, Any] = {"keys": ["pmid:1"], "span": [0, 10], "counts": {"A": 1}, "when": None}


@pytest.mark.parametrize(
    "value",
    [
        {**GOOD, "keys": "pmid:1"},  # a string is not a list of strings
        {**GOOD, "keys": ["pmid:1", 2]},
        {**GOOD, "span": [0]},  # a list of one value of each shape: exactly as many
        {**GOOD, "span": [0, 1, 2]},
        {**GOOD, "span": [0, True]} | {"keys": [True]},
        {**GOOD, "counts": {"A": "1"}},
        {**GOOD, "when": "yesterday"},
        {k: v for k, v in GOOD.items() if k != "when"},  # a key missing
        {**GOOD, "extra": 1},  # a key too many
        None,
        [GOOD],
    ],
)
def test_a_value_of_another_shape_is_refused(value: object) -> None:
    assert checker(SCAN)(GOOD)
    assert not checker(SCAN)(value)


def test_a_list_of_one_type_holds_exactly_that_type() -> None:
    """JSON gives exact types: a list of ints holding ``true`` is another shape."""
    ints = checker([int])
    assert ints([]) and ints([1, 2])
    assert not ints([1, True]) and not ints([1.0])
    assert checker([(int, type(None))])([1, None]) and not checker([(int, type(None))])([True])


@pytest.mark.parametrize("width", [3, 9])  # 3**2 type rows compared as a set; 2**9 one by one
def test_shapes_of_types_alone_refuse_what_the_one_by_one_checks_refuse(width: int) -> None:
    """A fixed list or dict whose shapes are types alone is checked through the rows of
    types it may have (or one by one, when there are too many rows): the same verdicts."""
    row = checker([(int, float)] * (width - 1) + [bool])
    assert row([1] * (width - 1) + [True]) and row([1.5] * (width - 1) + [False])
    assert not row([1] * (width - 1) + [1])  # 1 is no bool
    assert not row([True] * width)  # True is no int
    assert not row([1] * width + [True]) and not row([1] * (width - 2) + [True])
    assert not row(tuple([1] * (width - 1) + [True]))  # a tuple is no list
    record = checker({"a": int, "b": (str, type(None)), "c": [str], "d": {str: int}})
    good = {"a": 1, "b": None, "c": ["x"], "d": {"k": 2}}
    assert record(good) and record({**good, "b": "y"})
    for bad in ({**good, "a": True}, {**good, "b": 1}, {**good, "c": [1]}, {**good, "d": {1: 2}}):
        assert not record(bad)
    assert not record({**good, "d": {"k": True}}) and not record({**good, "d": {"k": 1.0}})
