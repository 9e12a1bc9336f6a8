"""The resource registry: the packaged list and ``resources:`` entries from enrich.yaml."""

from __future__ import annotations

from typing import Any

import pytest

from enrich.audit.resources import ResourcePaper, load_registry, resource_papers_from_config
from enrich.errors import ConfigError

DATABASE_PMIDS = {"29087512": "TRRUST v2", "29126285": "ReMap 2018", "27924024": "GTRD"}
DATABASE_PMIDS["31340985"] = "DoRothEA"


def test_packaged_registry_lists_the_database_papers_with_sources() -> None:
    """The shipped registry names TRRUST, ReMap, GTRD, DoRothEA and YEASTRACT, each sourced."""
    registry = load_registry()
    pmids = {pmid: paper for paper in registry for pmid in paper.pmids}
    assert set(DATABASE_PMIDS) | {"24170807"} <= set(pmids)
    assert all(paper.source for paper in registry)
    assert "10.1093/nar/gkw951" in pmids["27924024"].dois
    extra = ResourcePaper("Mine", ("1",), (), "me")
    assert load_registry([extra])[-1] == extra


def test_config_entries_are_normalised() -> None:
    """User entries become ResourcePapers with normalised PMIDs and DOIs; None gives none."""
    data = [{"name": "X", "pmids": [123, "456"], "dois": ["doi:10.1093/NAR/X1."], "source": "me"}]
    assert resource_papers_from_config(data) == (
        ResourcePaper("X", ("123", "456"), ("10.1093/NAR/X1",), "me"),
    )
    assert resource_papers_from_config(None) == ()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "X"}, "resources: expected a list"),
        (["X"], "resources entry 1: expected a mapping"),
        ([{"pmids": ["1"], "source": "s"}], "resources entry 1: name"),
        ([{"name": "X", "pmids": ["1"]}], "resources entry 1 (X): source"),
        ([{"name": "X", "pmids": ["1x"], "source": "s"}], "pmids: '1x' is not valid"),
        ([{"name": "X", "pmids": [True], "source": "s"}], "pmids: True is not valid"),
        ([{"name": "X", "dois": ["nope"], "source": "s"}], "dois: 'nope' is not valid"),
        ([{"name": "X", "pmids": "1", "source": "s"}], "pmids: expected a list"),
        ([{"name": "X", "source": "s"}], "give at least one PMID or DOI"),
        ([{"name": "X", "pmid": ["1"], "source": "s"}], "unknown key pmid"),
    ],
)
def test_bad_config_entries_raise_config_error(data: Any, message: str) -> None:
    """A malformed resources list raises ConfigError with a one-line message saying where."""
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        resource_papers_from_config(data)
    assert "\n" not in str(info.value)
