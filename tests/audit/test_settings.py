"""The audit's settings: a wrong value is a one-line ConfigError naming it."""

from __future__ import annotations

from typing import Any

import pytest

from enrich.audit import (
    AuditSettings,
)
from enrich.errors import ConfigError

# --- settings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"resource_share": "high"},
            "audit.resource_share must be a number between 0 and 1, got 'high'",
        ),
        ({"resource_share": 0}, "audit.resource_share must be a number between 0 and 1, got 0"),
        ({"resource_share": 1.5}, "audit.resource_share must be a number between 0 and 1"),
        ({"resource_share": True}, "audit.resource_share must be a number between 0 and 1"),
        ({"resource_min_edges": 0}, "audit.resource_min_edges must be a positive integer, got 0"),
        ({"resource_min_edges": 2.5}, "audit.resource_min_edges must be a positive integer"),
        ({"primary_for_a": "2"}, "audit.primary_for_a must be a positive integer, got '2'"),
        ({"primary_for_a": False}, "audit.primary_for_a must be a positive integer"),
        ({"high_throughput_methods": "ChIP-seq"}, "audit.high_throughput_methods must be a list"),
        ({"high_throughput_methods": ("ChIP-seq", 5)}, "audit.high_throughput_methods must be"),
    ],
)
def test_bad_audit_settings_raise_config_error_naming_the_setting(
    options: dict[str, Any], message: str
) -> None:
    """A threshold of the wrong kind or out of range is a one-line ConfigError naming it."""
    with pytest.raises(ConfigError) as info:
        AuditSettings(resources=(), **options)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_boundary_audit_settings_are_accepted() -> None:
    """A share of exactly 1 (an int too), one edge, one paper and no methods are all valid."""
    settings = AuditSettings(
        resources=(),
        resource_share=1,
        resource_min_edges=1,
        primary_for_a=1,
        high_throughput_methods=(),
    )
    assert (settings.resource_share, settings.primary_for_a) == (1, 1)
