"""The ``enrich`` command: a thin shell over the library.

Each command parses its options, calls library functions and prints.  Expected
failures (:class:`~enrich.errors.EnrichError`) end in one line on stderr.

Exit codes: 0 done; 1 failure (bad input, an error, or ``--fail-on`` triggered);
2 usage error; 3 finished, but some citations are unresolved (network) — the
reports are still written and say so — or ``--fail-on`` could not decide.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from click.exceptions import NoArgsIsHelpError

from enrich import __version__
from enrich.audit import AuditSettings, parse_conditions
from enrich.config import Settings, load_settings
from enrich.entrez import parse_age, refresh_cache, resolve_citations
from enrich.entrez.cache import holds_cache
from enrich.errors import EnrichError
from enrich.escape import printable, terminal_json
from enrich.extract import iter_documents, iter_input_files, no_documents_message
from enrich.extract.formats import iter_json, iter_table, iter_tsv
from enrich.figures import count, duration, many
from enrich.folders import check_writable_folder
from enrich.identifiers import (
    doi_key,
    find_identifiers,
    is_valid_doi,
    normalize_doi,
    normalize_pmid,
)
from enrich.interrupts import Interrupted, raise_on_signals
from enrich.model import Document, FlagName, Grade, Resolution, RunSummary, Status, Style
from enrich.progress import ProgressBoard
from enrich.report import parse_formats, summary_rows, write_refresh_report
from enrich.report.commit import read_manifest
from enrich.report.listing import FORMATS, GateOutcome, ListingOptions, describe_gate
from enrich.run import RunOutcome, run_enrichment
from enrich.run.auditing import audit_corpus

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNRESOLVED = 3


# --- shared options -----------------------------------------------------------------------


def _existing_paths(
    ctx: click.Context, param: click.Parameter, paths: tuple[Path, ...]
) -> tuple[Path, ...]:
    """Every path given must exist: a mistyped one is a usage error before any work."""
    for path in paths:
        if not path.exists():
            raise click.BadParameter(f"{printable(path)} does not exist", ctx, param)
    return paths


def paths_argument(func: F) -> F:
    """The PATH... argument shared by the commands that read documents."""
    return click.argument(
        "paths",
        nargs=-1,
        required=True,
        type=click.Path(path_type=Path),
        callback=_existing_paths,
    )(func)


def jobs_option(func: F) -> F:
    """``--jobs``, shared by the commands that read documents in worker processes."""
    return click.option(
        "--jobs",
        type=click.IntRange(min=1),
        help="Worker processes reading and auditing documents [default: cores, at most 4].",
    )(func)


def style_option(func: F) -> F:
    return click.option(
        "--style",
        type=click.Choice([s.value for s in Style]),
        default=None,
        help="Read every input as this style instead of detecting it.",
    )(func)


def format_option(*choices: str, help_text: str | None = None) -> Callable[[F], F]:
    """``--format`` with ``choices``, the first being the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help_text,
    )


class FolderPath(click.Path):
    """A folder option's path, never empty: ``--out "$UNSET"`` would be the current folder."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("an empty path (an unset variable?): name a folder", param, ctx)
        return super().convert(value, param, ctx)


def settings_options(func: F) -> F:
    """Options that override enrich.yaml and the environment (the API key: NCBI_API_KEY)."""
    return _settings_options(func, offline_shown=True)


def online_settings_options(func: F) -> F:
    """:func:`settings_options` of a command that needs the network: ``--offline`` is still
    taken (to refuse it in words), but not listed in its help."""
    return _settings_options(func, offline_shown=False)


def _settings_options(func: F, *, offline_shown: bool) -> F:
    options = [
        click.option(
            "--eutils-url", help="E-utilities base URL [env ENRICH_EUTILS_URL; default NCBI]."
        ),
        click.option("--email", help="Contact e-mail sent to NCBI [env NCBI_EMAIL]."),
        click.option(
            "--cache-dir", type=FolderPath(path_type=Path), help="Cache folder [default cache/]."
        ),
        click.option("--rate", type=float, help="Requests/s, capped at NCBI's 3 (10 with a key)."),
        click.option("--batch-size", type=int, help="PMIDs per efetch request [default 200]."),
        click.option(
            "--offline",
            is_flag=True,
            default=None,
            help="Make no network request; uncached citations end unresolved.",
            hidden=not offline_shown,
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _settings(**flags: Any) -> Settings:
    names = ["eutils_url", "email", "cache_dir", "out_dir", "rate", "batch_size", "offline"]
    names += ["jobs", "formats"]
    return load_settings(flags={k: flags.get(k) for k in names})


def _formats(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An unknown format is a usage error naming it, before any work."""
    if value is not None:
        try:
            parse_formats(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc), ctx, param) from exc
    return value


def _online(settings: Settings) -> Settings:
    """``settings`` of a command that asks E-utilities, with its rate limiter opened unless
    offline: one that cannot be used fails here, before any input is read or request sent.
    Without an e-mail to send NCBI, a warning line says so."""
    if not settings["offline"]:
        settings.eutils.open_limiter()
        if not settings.eutils.email:
            click.echo(f"warning: {NO_EMAIL}", err=True)
    return settings


#: said by every command that asks E-utilities without a contact e-mail to send
NO_EMAIL = (
    "no e-mail set (NCBI_EMAIL or --email): NCBI asks for one on every request, "
    "to reach you before it blocks your address"
)


def _fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    click.echo(f"error: {printable(message)}", err=True)
    sys.exit(code)


class _Group(click.Group):
    """Turns expected failures into one line on stderr and exit 1, a usage error (an unknown
    option, a path that does not exist...) into one line and exit 2, and Ctrl-C or SIGTERM
    into one line and exit 130 or 143; never a traceback."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:  # the group's own options: ``enrich --bogus``
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            _usage_error(exc)

    def invoke(self, ctx: click.Context) -> Any:
        try:  # a command's options and arguments are parsed here too
            return super().invoke(ctx)
        except click.UsageError as exc:
            _usage_error(exc)
        except EnrichError as exc:
            _fail(str(exc))
        except Interrupted as exc:
            _interrupted(exc, "the cache keeps every record fetched; run again to resume")


def _usage_error(exc: click.UsageError) -> NoReturn:
    """Click's usage error as one line (Click's own is four: usage, hint, blank, error),
    naming where the options are listed; but a group given no command shows its help, as
    Click prints it."""
    if isinstance(exc, NoArgsIsHelpError):  # its message is the whole help
        raise exc
    where = exc.ctx.command_path if exc.ctx is not None else "enrich"
    _fail(f"{exc.format_message().rstrip('.')} (see '{where} --help')", exc.exit_code)


def _interrupted(exc: Interrupted, kept: str) -> NoReturn:
    click.echo(f"\ninterrupted ({exc}): {printable(kept)}", err=True)
    sys.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="enrich")
def cli() -> None:
    """Link every claim in gene-regulation documents to the papers that support it.

    \b
    Example:
      enrich run examples/
    """
    _show_warnings(click.get_current_context())


class _WarningLines(logging.Handler):
    """The library's warnings (e.g. a wait a server asked for) as ``warning:`` lines."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"warning: {printable(record.getMessage())}", err=True)


def _show_warnings(ctx: click.Context) -> None:
    """Print the library's warnings as ``warning:`` lines while the command runs, and only
    then: the ``enrich`` logger is given back as it was when the command ends, so a program
    or test that runs the CLI in its own process keeps its logging."""
    logger = logging.getLogger("enrich")
    handler, propagate = _WarningLines(logging.WARNING), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False

    def give_back() -> None:
        logger.removeHandler(handler)
        logger.propagate = propagate

    ctx.call_on_close(give_back)


# --- extract ------------------------------------------------------------------------------


@cli.command()
@paths_argument
@style_option
@format_option(
    "json",
    "tsv",
    "table",
    help_text="json is the stable machine interface; tsv: a line per citation.",
)
def extract(paths: tuple[Path, ...], style: str | None, fmt: str) -> None:
    """Print every claim and citation found in PATHS (files or folders).

    Problems in the inputs are printed to stderr, one line each, and make the
    exit code 1; the other inputs are still read and printed.

    \b
    Example:
      enrich extract examples/ --format table
    """
    if next(iter_input_files(paths), None) is None:  # as enrich run and enrich audit say
        _fail(no_documents_message(paths))
    problems: list[str] = []
    documents = _collect_problems(iter_documents(paths, Style(style) if style else None), problems)
    render = {"json": iter_json, "tsv": iter_tsv, "table": iter_table}[fmt]
    for chunk in render(documents):
        sys.stdout.write(chunk)
    sys.stdout.flush()
    _report_problems(problems)
    if problems:
        sys.exit(EXIT_FAILED)


def _collect_problems(documents: Iterable[Document], sink: list[str]) -> Iterator[Document]:
    for document in documents:
        sink.extend(str(p) for p in document.problems)
        yield document


def _report_problems(problems: Iterable[str]) -> None:
    for line in problems:
        click.echo(f"error: {printable(line)}", err=True)


# --- resolve ------------------------------------------------------------------------------


@cli.command()
@click.argument("identifiers", nargs=-1, required=True)
@format_option("table", "json", "csl", help_text="csl prints CSL-JSON of the resolved papers.")
@settings_options
def resolve(identifiers: tuple[str, ...], fmt: str, **flags: Any) -> None:
    """Resolve PMIDs and DOIs through PubMed and print their metadata.

    Each identifier ends as resolved, not_found, not_in_pubmed, invalid or
    unresolved (with the reason).  Exit 3 when some are unresolved.

    \b
    Example:
      enrich resolve 18598946 10.1038/onc.2011.181 --format json
    """
    from enrich.report.bibliography import csl_items

    settings = _online(_settings(**flags))
    keys = {raw: _identifier_key(raw) for raw in identifiers}
    resolved = resolve_citations(
        list(keys.values()),
        cache_dir=settings.cache_dir,
        eutils=settings.eutils,
        offline=bool(settings["offline"]),
    )
    rows = [(raw, _explained(resolved.resolutions[key])) for raw, key in keys.items()]
    if fmt == "json":
        payload = [{"identifier": raw, **res.to_dict()} for raw, res in rows]
        click.echo(terminal_json(payload, indent=2))
    elif fmt == "csl":
        records = [res.record for _, res in rows if res.record]
        click.echo(terminal_json(csl_items(records), indent=2))
    else:
        for raw, res in rows:
            click.echo(_resolution_line(raw, res))
    statuses = {res.status for _, res in rows}
    if Status.UNRESOLVED in statuses:
        sys.exit(EXIT_UNRESOLVED)
    if Status.INVALID in statuses:
        sys.exit(EXIT_FAILED)


def _identifier_key(raw: str) -> str:
    """The citation key of an identifier given on the command line: a PMID, a DOI, or one
    written as documents write them (``PMID:18598946``, ``pubmed:18598946``, a PubMed or
    doi.org link); anything else, or more than one identifier, is ``invalid:``."""
    pmid = normalize_pmid(raw)
    if pmid:
        return f"pmid:{pmid}"
    doi = normalize_doi(raw)
    if is_valid_doi(doi):
        return f"doi:{doi_key(doi)}"
    found = list(find_identifiers(raw, limit=1))
    if len(found) == 1 and found[0].kind == "pmid" and found[0].raw != raw:
        head, tail = raw[: found[0].offset], raw[found[0].offset :]
        if _PMID_HEAD.fullmatch(head) and _PMID_TAIL.fullmatch(tail):
            return _identifier_key(found[0].raw)
    return f"invalid:{raw}"


#: what may stand before and after the PMID of one identifier given on the command line: a
#: label or a link, then the number (in groups of three digits, perhaps) and a link's "/"
_PMID_HEAD = re.compile(r"\s*(?:PMID|PubMed(?:\s*ID)?|https?://\S*)[\s:=#-]*", re.IGNORECASE)
_PMID_TAIL = re.compile(r"[0-9][0-9,.\s]*/?\s*")


def _explained(resolution: Resolution) -> Resolution:
    """``resolution``, saying what would have been understood when it is invalid."""
    if resolution.status is not Status.INVALID:
        return resolution
    why = "give a PMID (18598946), a DOI (10.1038/onc.2011.181) or one PubMed or doi.org link"
    return dataclasses.replace(resolution, reason=f"{resolution.reason}: {why}")


def _resolution_line(raw: str, res: Any) -> str:
    """One line of the table; PubMed's text (and the reason quoting it) printable, so that
    no control or bidirectional character of a reply reaches the terminal."""
    record, raw = res.record, printable(raw)
    if record is None:
        return f"{raw:<28} {res.status!s:<14} {printable(res.reason)}"
    title = printable(record.title)
    title = title if len(title) <= 70 else title[:69] + "…"
    retracted = " [RETRACTED]" if record.is_retracted else ""
    return (
        f"{raw:<28} {res.status!s:<14} PMID {record.pmid} {record.year or '----'} "
        f"{printable(record.journal_iso or record.journal)}: {title}{retracted}"
    )


# --- run and audit -------------------------------------------------------------------------


@cli.command()
@paths_argument
@style_option
@click.option(
    "--out", "out_dir", type=FolderPath(path_type=Path), help="Report folder [default reports/]."
)
@jobs_option
@click.option(
    "--formats",
    metavar="LIST",
    callback=_formats,
    help="Per-document outputs, a comma list of html, json, md [default: html,json].",
)
@click.option(
    "--full",
    is_flag=True,
    help="Render every document's reports again, even those that would not change.",
)
@settings_options
def run(
    paths: tuple[Path, ...],
    style: str | None,
    out_dir: Path | None,
    jobs: int | None,
    formats: str | None,
    full: bool,
    **flags: Any,
) -> None:
    """Enrich PATHS: resolve every citation, audit every claim, write the reports.

    Writes <name>.html and <name>.json per document (--formats chooses among
    html, json and md), and index.html, audit.tsv, audit.db, references.bib,
    references.json (CSL-JSON) and references.ris.

    Incremental: a document whose reports would come out exactly as they are
    (same input, records, gene names, settings and enrich version) is not
    rendered again and its files are left untouched; when nothing changed,
    no report is written (and when the cache is as the last run left it,
    nothing is read either). --full renders every document.

    \b
    Example:
      enrich run examples/ --out reports/ --formats html,json,md
    """
    settings = _online(_settings(out_dir=out_dir, jobs=jobs, formats=formats, **flags))
    started = time.monotonic()
    try:
        with ProgressBoard() as board:
            outcome = run_enrichment(
                paths,
                out_dir=settings.out_dir,
                cache_dir=settings.cache_dir,
                eutils=settings.eutils,
                audit=settings.audit_settings(),
                style=Style(style) if style else None,
                offline=bool(settings["offline"]),
                jobs=settings["jobs"],
                formats=settings.formats,
                full=full,
                stage=lambda label, total: board.stage(label, total).update,
            )
    except Interrupted as exc:
        where = settings.out_dir
        if exc.held:
            kept = f"the new reports in {where} were complete and are in place"
        elif read_manifest(where):
            kept = f"the previous reports in {where} are kept as they were"
        else:  # a first run: no set to keep
            kept = f"no reports were written to {where}"
        _interrupted(exc, f"{kept}; the cache keeps every record fetched, so a rerun resumes")
    click.echo(_summary_screen(outcome, time.monotonic() - started, settings.out_dir))
    _report_problems(outcome.problems)
    sys.exit(_exit_code(outcome))


def _exit_code(outcome: RunOutcome) -> int:
    if outcome.summary.problems:
        return EXIT_FAILED
    return EXIT_UNRESOLVED if outcome.summary.unresolved else EXIT_OK


def _rewritten(outcome: RunOutcome) -> str:
    """What an incremental run wrote, when it kept anything: " (nothing changed: ...)"."""
    documents = outcome.summary.documents
    if not outcome.read:
        return (
            f" (nothing changed since the last run: the same inputs, settings and cached answers; "
            f"all {count(documents)} documents' reports kept, none read)"
        )
    if not outcome.written:
        return f" (nothing changed: all {count(documents)} documents' reports kept as they were)"
    if outcome.kept:
        fresh = documents - outcome.kept
        return (
            f" ({count(fresh)} of {count(documents)} documents' reports rewritten, the rest kept)"
        )
    return ""


def _unresolved_warning(summary: RunSummary, reports: bool) -> str:
    """The unresolved identifiers (distinct, as the identifiers line counts them) and what to
    do: an offline run is run again online, one that could not reach E-utilities later."""
    n = summary.unresolved
    again = "online" if summary.offline else "when E-utilities is reachable"
    return (
        f"{many(n, 'cited identifier')} {'is' if n == 1 else 'are'} unresolved"
        f"{'; the reports say so' if reports else ''}. Run again {again}."
    )


def _summary_screen(outcome: RunOutcome, seconds: float, out_dir: Path | None = None) -> str:
    """The run's counts, its duration, where its reports are and what a person must know."""
    s = outcome.summary
    lines = [f"{label:<15}{text}" for label, text in summary_rows(s)]
    lines.append(f"{'duration':<15}{duration(seconds)}")
    if out_dir is not None:
        lines.append(f"{'reports':<15}{printable(out_dir)}/index.html{_rewritten(outcome)}")
    if outcome.sources.test_data:
        lines.append(
            "warning: test data: some or all records came from enrich.testing's local "
            "E-utilities server, not NCBI" + ("; the reports say so." if out_dir else ".")
        )
    if s.unresolved:
        lines.append(f"warning: {_unresolved_warning(s, out_dir is not None)}")
    if s.genes_without_names:
        why = "offline and not in the cache" if s.offline else "NCBI Gene could not be asked"
        lines.append(
            f"warning: {count(s.genes_without_names)} Gene IDs have no NCBI Gene names ({why}): "
            "their genes were looked for by symbol only"
            + ("; the reports say so." if out_dir is not None else ".")
        )
    return "\n".join(lines)


@cli.command()
@paths_argument
@style_option
@format_option(*FORMATS, help_text="tsv and json list every claim unless --grade or --flag.")
@click.option(
    "--grade",
    "grades",
    multiple=True,
    type=click.Choice([g.value for g in Grade], case_sensitive=False),
    help="List only the claims with this grade; repeatable.",
)
@click.option(
    "--flag",
    "flag_names",
    multiple=True,
    type=click.Choice(sorted(f.value for f in FlagName)),
    metavar="NAME",
    help="List only the claims carrying this flag (on the claim or a citation); repeatable.",
)
@click.option(
    "--fail-on",
    multiple=True,
    metavar="GRADE|FLAG",
    help="Exit 1 if any claim has this grade (A-D) or flag; repeatable. Those claims are "
    "listed first, and which conditions tripped is printed. A condition met only in doubt "
    "(by claims citing identifiers that could not be looked up, or whose genes' NCBI Gene "
    "names could not be had) is not decided (exit 3).",
)
@click.option(
    "--all", "show_all", is_flag=True, help="List every claim, not only those graded C or D."
)
@jobs_option
@settings_options
def audit(
    paths: tuple[Path, ...],
    style: str | None,
    fmt: str,
    grades: tuple[str, ...],
    flag_names: tuple[str, ...],
    fail_on: tuple[str, ...],
    show_all: bool,
    jobs: int | None,
    **flags: Any,
) -> None:
    """List the claims that lack evidence, with counts by grade and flag.

    The table lists the claims graded C or D (no primary paper), or those with the
    grades and flags asked for; json and tsv carry every claim unless --grade or
    --flag.  With --fail-on, exit 1 when any claim has one of the given grades or
    flags (a gate for a curation pipeline): which conditions tripped, and by how
    many claims each, is printed on stderr, and those claims are listed first.  A
    condition met only by claims citing identifiers that could not be looked up, or
    whose genes' NCBI Gene names could not be had (what they meet may change once
    looked up), trips nothing: not decided, exit 3.

    \b
    Examples:
      enrich audit examples/ --grade D --flag retracted
      enrich audit examples/ --fail-on D --fail-on retracted
    """
    try:
        wanted = parse_conditions(fail_on)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--fail-on") from exc
    settings = _online(_settings(jobs=jobs, **flags))
    options = ListingOptions(
        fmt, frozenset(g.upper() for g in grades), frozenset(flag_names), wanted, show_all
    )
    started = time.monotonic()
    with ProgressBoard() as board:
        done = audit_corpus(
            paths,
            options,
            sys.stdout,
            cache_dir=settings.cache_dir,
            eutils=settings.eutils,
            audit=settings.audit_settings(),
            style=Style(style) if style else None,
            offline=bool(settings["offline"]),
            jobs=settings["jobs"],
            stage=lambda label, total: board.stage(label, total).update,
        )
    listing, outcome = done.listing, done.outcome
    if fmt == "table":
        click.echo(f"{'listed':<15}{count(listing.listed)} {options.scope()}")
        click.echo(_summary_screen(outcome, time.monotonic() - started))
    elif outcome.summary.unresolved:  # the table's summary says so; a pipeline's log must too
        click.echo(f"warning: {_unresolved_warning(outcome.summary, False)}", err=True)
    _report_problems(outcome.problems)
    if wanted:
        gate = describe_gate(
            wanted,
            listing.met,
            listing.loose,
            fmt == "table",
            outcome.summary.unresolved,
            offline=outcome.summary.offline,
            doubt=listing.doubt,
            genes_without_names=outcome.summary.genes_without_names,
        )
        click.echo(gate.line, err=True)
        if gate.outcome is GateOutcome.TRIPPED:
            sys.exit(EXIT_FAILED)
        if gate.outcome is GateOutcome.NOT_DECIDED and not outcome.summary.problems:
            sys.exit(EXIT_UNRESOLVED)
    sys.exit(_exit_code(outcome))


# --- refresh and config --------------------------------------------------------------------


@cli.command()
@click.option(
    "--max-age",
    default="30d",
    show_default=True,
    help="Re-fetch records older than this (e.g. 12h, 30d, 8w).",
)
@click.option(
    "--out", "out_dir", type=FolderPath(path_type=Path), help="Report folder [default reports/]."
)
@online_settings_options
def refresh(max_age: str, out_dir: Path | None, **flags: Any) -> None:
    """Re-check cached citations for new retractions, errata and changed metadata.

    Writes reports/refresh-<date>.md and .json listing what changed.  Safe from
    cron: a lock prevents concurrent refreshes, and an interrupted refresh
    resumes without re-fetching what it already refreshed.

    \b
    Example:
      enrich refresh --max-age 30d
    """
    settings = _settings(out_dir=out_dir, **flags)
    if settings["offline"]:
        _fail("refresh needs the network; drop --offline", EXIT_USAGE)
    check_writable_folder(settings.cache_dir, "the cache")  # as enrich run: before any work
    check_writable_folder(settings.out_dir, "reports")
    if not holds_cache(settings.cache_dir):  # a mistyped folder, or no run yet
        _fail(  # exit 1: a cron line refreshing nothing every week must not pass unseen
            f"{printable(settings.cache_dir)} holds no cache (no cache.db): nothing to "
            "refresh; enrich run fills it (--cache-dir or ENRICH_CACHE_DIR names another)"
        )
    _online(settings)
    try:
        seconds = parse_age(max_age)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--max-age") from exc
    with ProgressBoard() as board:
        refreshing = board.stage("refreshing records")
        result = refresh_cache(
            settings.cache_dir,
            settings.eutils,
            max_age=seconds,
            report=partial(write_refresh_report, settings.out_dir, dt.date.today()),
            on_total=refreshing.start,
            progress=refreshing.update,
        )
    click.echo(result.describe())
    sys.exit(EXIT_UNRESOLVED if result.failed or result.genes_failed else EXIT_OK)


@cli.group()
def cache() -> None:
    """Check and repair the citation cache.

    \b
    Example:
      enrich cache verify --repair
    """


@cache.command()
@click.option("--repair", is_flag=True, help="Delete the damaged entries (they are refetched).")
@click.option("--cache-dir", type=FolderPath(path_type=Path), help="Cache folder [default cache/].")
def verify(repair: bool, cache_dir: Path | None) -> None:
    """Check that every cache entry decodes and every record matches its stored XML.

    Prints one line per damaged entry; exits 1 when there is any, unless --repair
    deleted them (they are fetched again by the next run).

    \b
    Example:
      enrich cache verify --cache-dir cache/ --repair
    """
    from enrich.entrez import CitationCache

    settings = _settings(cache_dir=cache_dir)
    if not holds_cache(settings.cache_dir):
        _fail(f"{printable(settings.cache_dir)} is not a cache folder (it holds no cache.db)")
    with CitationCache(settings.cache_dir) as stored:
        entries = len(stored)
        problems = stored.verify(repair=repair)
    for line in problems:
        click.echo(f"damaged: {printable(line)}")
    verdict = "deleted; the next run fetches them again" if repair else "run with --repair"
    click.echo(
        f"cache {printable(settings.cache_dir)}: {many(entries, 'entry', 'entries')}, "
        f"{count(len(problems))} damaged" + (f" ({verdict})" if problems else "")
    )
    sys.exit(EXIT_FAILED if problems and not repair else EXIT_OK)


@cli.command()
def config() -> None:
    """Show the effective settings and where each comes from (the API key redacted).

    Settings come from enrich.yaml in the working folder, then the environment
    (NCBI_EMAIL, NCBI_API_KEY, ENRICH_EUTILS_URL, ENRICH_CACHE_DIR, ENRICH_OUT_DIR,
    ENRICH_RATE_LIMITER, ENRICH_STATE_DIR), then flags; later ones win.  The last
    line says which rate limiter is in effect and where its state lives (exit 1
    when it cannot be used).

    \b
    Example:
      NCBI_EMAIL=me@example.org enrich config
    """
    settings = load_settings()
    for name, value, origin in settings.shown():
        click.echo(f"{name:<12} {value:<48} {origin}")
    click.echo(f"{'audit':<12} {_describe_audit(settings.audit_settings())}")
    click.echo(f"{'limiter':<12} {settings.eutils.open_limiter().describe()}")


def _describe_audit(audit: AuditSettings) -> str:
    return (
        f"{len(audit.resources)} resource papers; corpus share >= {audit.resource_share:.0%} "
        f"of edges and >= {audit.resource_min_edges} edges; grade A needs "
        f"{audit.primary_for_a} primary papers"
    )


def main() -> None:
    """Console-script entry point."""
    raise_on_signals()
    cli(prog_name="enrich")
