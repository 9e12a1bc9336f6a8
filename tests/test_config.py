"""Settings: enrich.yaml, the environment and flags; their origins, checks and redaction."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from enrich.cli import cli
from enrich.config import load_settings
from enrich.entrez.limiter import bucket_name
from enrich.errors import ConfigError
from enrich.testing import RedisServer
from tests.conftest import EXAMPLES


def test_config_shows_sources_and_redacts_the_key(tmp_path: Path, monkeypatch: Any) -> None:
    """``config`` shows each setting's origin and never the API key itself."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "enrich.yaml").write_text("email: a@example.org\nrate: 2\n")
    env = {"NCBI_API_KEY": "secret-key-987", "ENRICH_CACHE_DIR": "/tmp/c"}
    result = CliRunner().invoke(cli, ["config"], env=env)
    assert result.exit_code == 0
    assert "secret-key-987" not in result.output
    assert "redacted" in result.output
    assert "enrich.yaml" in result.output and "$ENRICH_CACHE_DIR" in result.output


def test_bad_config_is_one_line_exit_1(tmp_path: Path, monkeypatch: Any) -> None:
    """A malformed enrich.yaml is reported in one line, no traceback, exit 1."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "enrich.yaml").write_text("rate: fast\n")
    result = CliRunner().invoke(cli, ["run", str(EXAMPLES)])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: enrich.yaml: rate must be float, got 'fast'"


def test_formats_setting_a_list_or_a_comma_list(tmp_path: Path, monkeypatch: Any) -> None:
    """``formats`` in enrich.yaml (a YAML list or a comma list) is shown by ``config`` with
    its origin, and --formats overrides it."""
    monkeypatch.chdir(tmp_path)
    assert load_settings().formats == ("html", "json")
    (tmp_path / "enrich.yaml").write_text("formats: [md, JSON]\n")
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code == 0
    assert re.search(r"^formats +json,md +enrich\.yaml$", result.output, re.MULTILINE)
    (tmp_path / "enrich.yaml").write_text("formats: md, html\n")
    assert load_settings().formats == ("html", "md")
    assert load_settings(flags={"formats": "json"}).formats == ("json",)


def test_an_unknown_format_in_the_config_is_one_line(tmp_path: Path, monkeypatch: Any) -> None:
    """An unknown format in enrich.yaml is one line naming the file, the setting and the
    format, exit 1."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "enrich.yaml").write_text("formats: [html, pdf]\n")
    result = CliRunner().invoke(cli, ["run", str(EXAMPLES)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: enrich.yaml: formats: unknown format 'pdf' (known: html, json, md)"
    )
    (tmp_path / "enrich.yaml").unlink()
    with pytest.raises(ConfigError, match=r"^flag: formats: no format given"):
        load_settings(flags={"formats": " , "})


def test_audit_methods_must_be_a_list(tmp_path: Path, monkeypatch: Any) -> None:
    """``audit.high_throughput_methods`` given as one string is refused, not split into letters."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "enrich.yaml").write_text("audit:\n  high_throughput_methods: ChIP-seq\n")
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code == 1
    assert "must be a list" in result.stderr


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("batch_size:\n", "batch_size is empty"),
        ("timeout: -5\n", "timeout must be a positive number"),
        ("batch_size: 2.5\n", "batch_size must be a whole number"),
        ("concurrency: 0\n", "concurrency must be at least 1"),
    ],
)
def test_bad_settings_are_one_line_errors(
    tmp_path: Path, monkeypatch: Any, line: str, message: str
) -> None:
    """Empty, negative or fractional settings are refused in one line, not a traceback."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "enrich.yaml").write_text(line)
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code == 1 and message in result.stderr
    assert "Traceback" not in result.output


def test_a_value_out_of_range_names_where_it_came_from(tmp_path: Path, monkeypatch: Any) -> None:
    """A value of the right type but out of range names its origin, as README promises of
    every setting error: enrich.yaml, the environment variable or the flag."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "enrich.yaml").write_text("jobs: 0\n")
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: enrich.yaml: jobs must be at least 1"
    (tmp_path / "enrich.yaml").unlink()
    result = CliRunner().invoke(cli, ["config"], env={"ENRICH_RATE_LIMITER": "shared"})
    assert result.stderr.startswith("error: $ENRICH_RATE_LIMITER: rate_limiter must be")
    result = CliRunner().invoke(cli, ["run", str(EXAMPLES), "--batch-size", "0"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: flag: batch_size must be at least 1"


def test_batches_in_flight_follow_the_rate_unless_set(tmp_path: Path, monkeypatch: Any) -> None:
    """Unset, two seconds' worth of requests are in flight (6; 20 with a key); a value wins."""
    monkeypatch.chdir(tmp_path)
    assert load_settings(environ={}).eutils.effective_concurrency == 6
    with_key = load_settings(environ={"NCBI_API_KEY": "k"})
    assert with_key.eutils.effective_concurrency == 20
    shown = {name: text for name, text, _ in with_key.shown()}
    assert shown["concurrency"] == "(not set: 20 batches in flight)"
    assert shown["rate"] == "(not set: 10 requests/s)"
    (tmp_path / "enrich.yaml").write_text("concurrency: 3\nrate: 1\n")
    assert load_settings(environ={"NCBI_API_KEY": "k"}).eutils.effective_concurrency == 3


def test_settings_repr_never_shows_the_key() -> None:
    """repr() of the settings (as a traceback or a debugger shows them) redacts the API key."""
    settings = load_settings(environ={"NCBI_API_KEY": "secret-key-987"})
    assert "secret-key-987" not in repr(settings) and "redacted" in repr(settings)


def test_config_shows_the_machine_wide_limiter_and_its_state(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """``config`` says the limiter is machine-wide by default and where its state file lives
    (under ENRICH_STATE_DIR when set), named by a hash, never by the key."""
    monkeypatch.chdir(tmp_path)
    env = {"NCBI_API_KEY": "secret-key-987", "ENRICH_STATE_DIR": str(tmp_path / "state")}
    result = CliRunner().invoke(cli, ["config"], env=env)
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines()}
    assert rows["rate_limiter"].split()[1:] == ["machine", "default"]
    assert rows["state_dir"].split()[1:] == [str(tmp_path / "state"), "$ENRICH_STATE_DIR"]
    limiter = rows["limiter"]
    assert "machine-wide: 10 requests/s for this API key" in limiter
    assert f"state in {tmp_path / 'state'}/ratelimit-key-" in limiter
    assert "secret-key-987" not in result.output
    assert [p.name for p in (tmp_path / "state").iterdir()] == [limiter.rsplit("/", 1)[1]]


def test_config_shows_the_redis_limiter(
    redis_server: RedisServer, tmp_path: Path, monkeypatch: Any
) -> None:
    """With rate_limiter a Redis URL, ``config`` names the server and the key of the pace."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "enrich.yaml").write_text(f"rate_limiter: {redis_server.url}\n")
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code == 0, result.output
    bucket = bucket_name("eutils.ncbi.nlm.nih.gov", None)
    assert result.output.splitlines()[-1] == (
        "limiter      Redis: 3 requests/s for requests without an API key, shared by every "
        "enrich process using this Redis server, on any machine; "
        f"state in {redis_server.url} key enrich:ratelimit:{bucket}"
    )


def test_an_unreachable_limiter_is_one_line_exit_1_without_its_password(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """A Redis limiter that cannot be reached makes ``config`` end in one error line, exit 1,
    with the URL's password redacted everywhere."""
    monkeypatch.chdir(tmp_path)
    env = {"ENRICH_RATE_LIMITER": "redis://:hunter2@127.0.0.1:1/0"}
    result = CliRunner().invoke(cli, ["config"], env=env)
    assert result.exit_code == 1
    assert "redis://:****@127.0.0.1:1/0" in result.output
    assert result.stderr.startswith("error: rate limiter redis://:****@127.0.0.1:1/0 cannot be")
    assert len(result.stderr.splitlines()) == 1
    assert "hunter2" not in result.output + result.stderr


def test_a_rate_limiter_of_no_known_kind_is_refused(tmp_path: Path, monkeypatch: Any) -> None:
    """A rate_limiter that is neither machine, process nor a Redis URL is one line, exit 1."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "enrich.yaml").write_text("rate_limiter: shared\n")
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: enrich.yaml: rate_limiter must be machine, process or a redis:// URL, got 'shared'"
    )


def test_a_capped_rate_is_shown_capped(tmp_path: Path) -> None:
    """rate: 50 without a key shows as capped at NCBI's 3 requests/s."""
    settings = load_settings(config_file=tmp_path / "none.yaml", environ={}, flags={"rate": 50})
    (shown,) = [value for name, value, _ in settings.shown() if name == "rate"]
    assert shown == "50, capped: 3 requests/s (NCBI's limit)"


@pytest.mark.parametrize(
    "url",
    [
        "https://eutils.example/entrez/eutils/?api_key=secret0123",
        "https://user:secret0123@eutils.example/entrez/eutils/",
        "https://eutils.example/entrez/eutils/#secret0123",
    ],
)
def test_an_eutils_url_carrying_more_than_its_address_is_refused_unechoed(
    tmp_path: Path, url: str
) -> None:
    """A query, fragment or password in eutils_url would go into every report naming the
    server: a setting error whose message shows the address without them."""
    with pytest.raises(ConfigError, match="base address alone") as caught:
        load_settings(config_file=tmp_path / "none.yaml", environ={"ENRICH_EUTILS_URL": url})
    assert "secret0123" not in str(caught.value)
    assert "https://eutils.example/entrez/eutils/" in str(caught.value)


@pytest.mark.parametrize("url", ["ftp://eutils.example/", "not a url", "http://"])
def test_a_malformed_eutils_url_is_a_setting_error(tmp_path: Path, url: str) -> None:
    """A malformed ENRICH_EUTILS_URL is a ConfigError naming the variable (exit 1)."""
    with pytest.raises(ConfigError, match=r"\$ENRICH_EUTILS_URL: eutils_url must be"):
        load_settings(config_file=tmp_path / "none.yaml", environ={"ENRICH_EUTILS_URL": url})


def test_an_empty_folder_setting_is_a_setting_error(tmp_path: Path) -> None:
    """``out_dir: ""`` in enrich.yaml would be the current folder: an error naming the file."""
    config = tmp_path / "enrich.yaml"
    config.write_text('out_dir: ""\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"enrich\.yaml: out_dir is empty"):
        load_settings(config_file=config, environ={})


def test_a_setting_given_twice_is_a_setting_error(tmp_path: Path) -> None:
    """``jobs: 4`` then ``jobs: 5`` in enrich.yaml: one would be used without a word, so it
    is an error naming the file, the line and the first one."""
    config = tmp_path / "enrich.yaml"
    config.write_text("jobs: 4\nrate: 2\njobs: 5\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"enrich\.yaml line 3: 'jobs' is set twice \(first at line 1\)"
    ):
        load_settings(config_file=config, environ={})


@pytest.mark.parametrize(
    ("line", "name"),
    [("email: [a@example.org, b@example.org]\n", "email"), ("cache_dir: {a: 1}\n", "cache_dir")],
)
def test_a_list_or_mapping_where_one_value_belongs_is_refused(
    tmp_path: Path, line: str, name: str
) -> None:
    """A YAML list or mapping given for a setting of one value is a setting error naming the
    file and the setting, never turned into its text (a cache folder named "{'a': 1}")."""
    config = tmp_path / "enrich.yaml"
    config.write_text(line, encoding="utf-8")
    with pytest.raises(
        ConfigError, match=rf"enrich\.yaml: {name} must be a single value, not a list or mapping$"
    ):
        load_settings(config_file=config, environ={})


def test_a_negative_whole_number_is_out_of_range_not_of_the_wrong_type(tmp_path: Path) -> None:
    """``jobs: -1`` and ``--batch-size -5`` are whole numbers below the least allowed: the
    message says so, as it does for 0, rather than that -1 is no whole number."""
    config = tmp_path / "enrich.yaml"
    config.write_text("jobs: -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^.*enrich\.yaml: jobs must be at least 1$"):
        load_settings(config_file=config, environ={})
    with pytest.raises(ConfigError, match=r"^flag: batch_size must be at least 1$"):
        load_settings(config_file=tmp_path / "none.yaml", environ={}, flags={"batch_size": -5})


@pytest.mark.parametrize(
    "line", ["timeout: .nan\n", "backoff: .nan\n", "rate: .nan\n", "timeout: .inf\n"]
)
def test_a_number_that_is_not_a_number_is_refused(tmp_path: Path, line: str) -> None:
    """NaN (``--rate nan``, ``timeout: .nan``) passes no range check by comparison: it is a
    setting error, not a traceback when the client sizes its connection pool; an infinite
    timeout, no timeout at all (a stalled server would hold a request for ever), too."""
    config = tmp_path / "enrich.yaml"
    config.write_text(line, encoding="utf-8")
    name = line.split(":")[0]
    with pytest.raises(ConfigError, match=rf"enrich\.yaml: {name} must be "):
        load_settings(config_file=config, environ={})
    result = CliRunner().invoke(cli, ["resolve", "18598946", "--rate", "nan", "--offline"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip() == (
        "error: flag: rate must be a positive number of requests per second"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("audit:\n  primary_for_a: 0\n", "audit.primary_for_a must be a positive integer, got 0"),
        ("audit:\n  primary_fo_a: 1\n", "audit: unknown setting 'primary_fo_a'"),
        ("resources: [PMID 1]\n", "resources entry 1: expected a mapping"),
    ],
)
def test_an_audit_or_resources_error_names_the_file(
    tmp_path: Path, monkeypatch: Any, text: str, message: str
) -> None:
    """A wrong ``audit:`` or ``resources:`` entry is one line naming enrich.yaml, where it
    came from, as every other setting error does."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "enrich.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["audit", str(EXAMPLES), "--offline"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: enrich.yaml: {message}")
    assert len(result.stderr.splitlines()) == 1
