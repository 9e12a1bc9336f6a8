"""Effective settings: ``enrich.yaml`` in the working folder, then the environment, then flags.

Later sources win.  Every setting remembers where its value came from, so
``enrich config`` can show it; the API key is shown redacted.

Environment variables: ``NCBI_EMAIL``, ``NCBI_API_KEY``, ``ENRICH_EUTILS_URL``,
``ENRICH_CACHE_DIR``, ``ENRICH_OUT_DIR``, ``ENRICH_RATE_LIMITER``, ``ENRICH_STATE_DIR``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit, urlunsplit

import yaml

from enrich.audit import AuditSettings
from enrich.audit.resources import load_registry, resource_papers_from_config
from enrich.entrez import DEFAULT_EUTILS_URL, EutilsSettings
from enrich.entrez.limiter import LimiterSettings, default_state_dir, redact_url
from enrich.errors import ConfigError
from enrich.folders import StrPath
from enrich.report.document import DEFAULT_FORMATS, parse_formats

__all__ = ["CONFIG_FILE", "Settings", "load_settings"]

CONFIG_FILE = Path("enrich.yaml")

#: setting -> (type, default, environment variable)
_SCHEMA: dict[str, tuple[type, Any, str | None]] = {
    "email": (str, None, "NCBI_EMAIL"),
    "api_key": (str, None, "NCBI_API_KEY"),
    "eutils_url": (str, DEFAULT_EUTILS_URL, "ENRICH_EUTILS_URL"),
    "cache_dir": (str, "cache", "ENRICH_CACHE_DIR"),
    "out_dir": (str, "reports", "ENRICH_OUT_DIR"),
    "rate": (float, None, None),
    "batch_size": (int, 200, None),
    "concurrency": (int, None, None),
    "timeout": (float, 30.0, None),
    "backoff": (float, 0.5, None),
    "offline": (bool, False, None),
    "jobs": (int, min(4, os.cpu_count() or 1), None),
    "rate_limiter": (str, "machine", "ENRICH_RATE_LIMITER"),
    "state_dir": (str, None, "ENRICH_STATE_DIR"),
    "formats": (tuple, DEFAULT_FORMATS, None),  #: the one list: a comma list or a YAML list
}
_SECTIONS = ("audit", "resources")


@dataclass(frozen=True, repr=False)
class Settings:
    """Everything a command needs to know, with each value's origin in ``origins``."""

    values: Mapping[str, Any]
    origins: Mapping[str, str]
    audit: Mapping[str, Any] = field(default_factory=dict)  #: the ``audit:`` section, raw
    resources: list[Any] = field(default_factory=list)  #: the ``resources:`` section, raw
    config_file: str = str(CONFIG_FILE)  #: where ``audit`` and ``resources`` came from

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @property
    def cache_dir(self) -> Path:
        return Path(self.values["cache_dir"])

    @property
    def out_dir(self) -> Path:
        return Path(self.values["out_dir"])

    @property
    def formats(self) -> tuple[str, ...]:
        """The per-document outputs ``enrich run`` writes."""
        formats: tuple[str, ...] = self.values["formats"]
        return formats

    @property
    def eutils(self) -> EutilsSettings:
        v = self.values
        return EutilsSettings(
            base_url=v["eutils_url"],
            email=v["email"],
            api_key=v["api_key"],
            rate=v["rate"],
            batch_size=v["batch_size"],
            concurrency=v["concurrency"],
            timeout=v["timeout"],
            backoff=v["backoff"],
            limiter=self.limiter,
        )

    @property
    def limiter(self) -> LimiterSettings:
        state_dir = self.values["state_dir"]
        return LimiterSettings(
            self.values["rate_limiter"], Path(state_dir).expanduser() if state_dir else None
        )

    def audit_settings(self) -> AuditSettings:
        """The audit thresholds of the ``audit:`` section and the registry plus ``resources:``.

        Raises ConfigError naming the file they came from, as every other setting error does.
        """
        try:
            return self._audit_settings()
        except ConfigError as exc:
            raise ConfigError(f"{self.config_file}: {exc}") from exc

    def _audit_settings(self) -> AuditSettings:
        known = {f.name for f in fields(AuditSettings)} - {"resources"}
        unknown = sorted(set(self.audit) - known)
        if unknown:
            raise ConfigError(
                f"audit: unknown setting {unknown[0]!r} (known: {', '.join(sorted(known))})"
            )
        options = dict(self.audit)
        if "high_throughput_methods" in options:
            methods = options["high_throughput_methods"]
            if not isinstance(methods, list):
                raise ConfigError("audit.high_throughput_methods must be a list of method names")
            options["high_throughput_methods"] = tuple(methods)
        extra = resource_papers_from_config(self.resources)
        try:
            return AuditSettings(resources=load_registry(extra), **options)
        except TypeError as exc:
            raise ConfigError(f"audit: {exc}") from exc

    def __repr__(self) -> str:  # the API key never appears, e.g. in a traceback's locals
        shown = ", ".join(f"{name}={value}" for name, value, _ in self.shown())
        return f"Settings({shown})"

    def shown(self) -> list[tuple[str, str, str]]:
        """``(name, value, origin)`` for display, with the API key redacted."""
        rows = []
        eutils = self.eutils
        used = {  # what an unset rate or concurrency comes to
            "rate": f"{eutils.effective_rate:g} requests/s",
            "concurrency": f"{eutils.effective_concurrency} batches in flight",
            "state_dir": str(default_state_dir()),
        }
        for name in _SCHEMA:
            value = self.values[name]
            text = "(not set)" if value is None else str(value)
            if isinstance(value, tuple):
                text = ",".join(value)
            if value is None and name in used:
                text = f"(not set: {used[name]})"
            elif name == "rate" and value is not None and value > eutils.effective_rate:
                text = f"{value:g}, capped: {used[name]} (NCBI's limit)"
            if name == "api_key" and value:
                text = "**** (redacted)"
            if name == "rate_limiter":
                text = redact_url(text)
            rows.append((name, text, self.origins[name]))
        return rows


def load_settings(
    *,
    config_file: StrPath = CONFIG_FILE,
    environ: Mapping[str, str] | None = None,
    flags: Mapping[str, Any] | None = None,
) -> Settings:
    """Merge defaults, ``config_file`` (if it exists), ``environ`` and ``flags`` (None = unset).

    Raises ConfigError with a one-line message for an unreadable or malformed file,
    an unknown setting or a value of the wrong type.
    """
    config_file = Path(config_file)
    environ = os.environ if environ is None else environ
    values = {name: default for name, (_, default, _) in _SCHEMA.items()}
    origins = dict.fromkeys(_SCHEMA, "default")
    data = _read_file(config_file)
    for name, value in data.items():
        if name in _SECTIONS:
            continue
        values[name], origins[name] = _typed(name, value, str(config_file)), str(config_file)
    for name, (_, _, variable) in _SCHEMA.items():
        if variable and environ.get(variable):
            values[name] = _typed(name, environ[variable], variable)
            origins[name] = f"${variable}"
    for name, value in (flags or {}).items():
        if value is not None:
            values[name], origins[name] = _typed(name, value, "flag"), "flag"
    _check_ranges(values, origins)
    _check_url(values, origins)
    _check_folders(values, origins)
    audit = data.get("audit") or {}
    resources = data.get("resources") or []
    if not isinstance(audit, dict) or not isinstance(resources, list):
        raise ConfigError(f"{config_file}: 'audit' must be a mapping and 'resources' a list")
    return Settings(values, origins, audit, resources, str(config_file))


class _KeyTwice(yaml.constructor.ConstructorError):
    """A key given twice in one mapping of enrich.yaml."""


class _ConfigLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice in one mapping (it would keep the
    last value without a word: ``jobs: 4`` then ``jobs: 5``)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first: dict[str, int] = {}  #: a scalar key's spelling -> its line
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in first:
                    raise _KeyTwice(
                        problem=f"{key.value!r} is set twice (first at line "
                        f"{first[key.value]}): only one would be used",
                        problem_mark=key.start_mark,
                    )
                first[key.value] = key.start_mark.line + 1
        return super().construct_mapping(node, deep)


def _read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader)  # noqa: S506
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        what = exc.problem if isinstance(exc, _KeyTwice) else "malformed YAML"
        raise ConfigError(f"{path}{where}: {what}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected 'setting: value' lines")
    unknown = sorted(set(data) - set(_SCHEMA) - set(_SECTIONS))
    if unknown:
        known = ", ".join([*_SCHEMA, *_SECTIONS])
        raise ConfigError(f"{path}: unknown setting {unknown[0]!r} (known: {known})")
    return data


def _typed(name: str, value: Any, origin: str) -> Any:
    kind, default, _ = _SCHEMA[name]
    if value is None:
        if default is None:
            return None
        raise ConfigError(f"{origin}: {name} is empty; give a {kind.__name__} or remove it")
    if kind is tuple:  # formats, the one list setting
        return _formats(value, origin)
    if isinstance(value, list | dict):  # never str()-ed into "['a', 'b']"
        raise ConfigError(f"{origin}: {name} must be a single value, not a list or mapping")
    if kind is int and (
        isinstance(value, bool | float) or not str(value).strip().removeprefix("-").isdigit()
    ):  # a negative one is a whole number, out of range: _check_ranges says so
        raise ConfigError(f"{origin}: {name} must be a whole number, got {value!r}")
    if kind is bool:
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            return str(value).lower() in ("1", "true", "yes", "on")
    else:
        try:
            return kind(value)
        except (TypeError, ValueError):
            pass
    raise ConfigError(f"{origin}: {name} must be {kind.__name__}, got {value!r}")


def _formats(value: Any, origin: str) -> tuple[str, ...]:
    """The formats of a comma list (a flag, a setting) or a YAML list of names."""
    names = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    try:
        return parse_formats(names)
    except ValueError as exc:
        raise ConfigError(f"{origin}: formats: {exc}") from exc


def _check_url(values: dict[str, Any], origins: dict[str, str]) -> None:
    """eutils_url must be an http(s) URL with a host, and a base address only: a query,
    a fragment or a user and password in it would go into every report that names the
    server (a key among them), so they are a setting error too, never echoed."""
    url = str(values["eutils_url"])
    try:
        parts = urlsplit(url)
        host = parts.netloc.rpartition("@")[2]
        shown = urlunsplit((parts.scheme, host, parts.path, "", ""))
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # an unbalanced "[" in the host
        shown, valid = "", False
    if not valid:
        raise ConfigError(
            f"{origins['eutils_url']}: eutils_url must be an http:// or https:// URL with a "
            f"host, got {shown!r}"
        )
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise ConfigError(
            f"{origins['eutils_url']}: eutils_url must be E-utilities' base address alone, "
            f"{shown}, without user:password@, ?query or #fragment (an API key goes in "
            "NCBI_API_KEY)"
        )


def _check_folders(values: dict[str, Any], origins: dict[str, str]) -> None:
    """A folder setting must name one: an empty value (a variable set to nothing in a
    script) would be the current folder."""
    for name in ("cache_dir", "out_dir"):
        if values[name] is not None and not str(values[name]).strip():
            raise ConfigError(f"{origins[name]}: {name} is empty: name a folder")


def _check_ranges(values: dict[str, Any], origins: dict[str, str]) -> None:
    """Each value within its range, else one line naming where it came from."""

    def refuse(name: str, must: str) -> NoReturn:
        raise ConfigError(f"{origins[name]}: {name} must be {must}")

    if not 0 < values["timeout"] < math.inf:  # NaN too, which no comparison holds
        refuse("timeout", "a positive number of seconds")  # inf: no timeout at all
    if not values["backoff"] >= 0:
        refuse("backoff", "zero or more seconds")
    if values["rate"] is not None and not values["rate"] > 0:  # NaN too; infinity is capped
        refuse("rate", "a positive number of requests per second")
    for name in ("batch_size", "concurrency", "jobs"):
        if values[name] is not None and values[name] < 1:
            refuse(name, "at least 1")
    if not 1 <= values["batch_size"] <= 10000:
        refuse("batch_size", "between 1 and 10000")
    try:
        LimiterSettings(values["rate_limiter"])
    except ValueError as exc:
        raise ConfigError(f"{origins['rate_limiter']}: {exc}") from exc
