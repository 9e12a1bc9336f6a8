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
