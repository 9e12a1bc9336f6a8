"""The ``enrich`` command: a thin shell over the library.

Each command parses its options, calls library functions and prints.  Expected
failures (:class:`~enrich.errors.EnrichError`) end in one line on stderr and
exit 1; usage errors exit 2 (click's convention).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from enrich import __version__
from enrich.extract import iter_documents
from enrich.extract.formats import iter_json, iter_table, iter_tsv
from enrich.model import Document, Style

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def paths_argument(func: F) -> F:
    """The PATH... argument shared by the commands that read documents."""
    return click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))(func)


def style_option(func: F) -> F:
    return click.option(
        "--style",
        type=click.Choice([s.value for s in Style]),
        default=None,
        help="Read every input as this style instead of detecting it.",
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="enrich")
def cli() -> None:
    """Link every claim in gene-regulation documents to the papers that support it.

    \b
    Example:
      enrich extract examples/ --format table
    """


@cli.command()
@paths_argument
@style_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "tsv", "table"]),
    default="json",
    show_default=True,
    help="json is the stable machine interface; tsv has one line per cited claim.",
)
def extract(paths: tuple[Path, ...], style: str | None, fmt: str) -> None:
    """Print every claim and citation found in PATHS (files or folders).

    Problems in the inputs are printed to stderr, one line each, and make the
    exit code 1; the other inputs are still read and printed.

    \b
    Example:
      enrich extract examples/ --format table
    """
    problems: list[str] = []
    documents = _collect_problems(iter_documents(paths, Style(style) if style else None), problems)
    render = {"json": iter_json, "tsv": iter_tsv, "table": iter_table}[fmt]
    for chunk in render(documents):
        sys.stdout.write(chunk)
    sys.stdout.flush()
    for line in problems:
        click.echo(f"error: {line}", err=True)
    if problems:
        sys.exit(EXIT_FAILED)


def _collect_problems(documents: Iterable[Document], sink: list[str]) -> Iterator[Document]:
    for document in documents:
        sink.extend(str(p) for p in document.problems)
        yield document


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="enrich")
