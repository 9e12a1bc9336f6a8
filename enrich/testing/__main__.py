"""``python -m enrich.testing``: run the local E-utilities server, regenerate its default records.

``serve [RECORDS_DIR]`` serves a folder of PubMed XML (the default records when none is
given); ``make-example-records`` rewrites the default records from ``examples/``.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import click

from enrich.figures import count
from enrich.testing._faults import FAULT_KINDS, Faults
from enrich.testing._genes import GENES_FILE, GeneStore
from enrich.testing._records import DEFAULT_RECORDS_DIR, RecordStore
from enrich.testing.example_records import (
    EXAMPLES_DIR,
    stale_example_records,
    write_example_records,
)
from enrich.testing.server import EutilsServer, check_loopback

_INT_FIELDS = {"burst_429", "seed"}


def parse_faults(specs: tuple[str, ...], seed: int) -> Faults:
    """``Faults`` from ``NAME=VALUE`` strings; ``click.BadParameter`` for unknown or bad ones."""
    values: dict[str, float | int] = {"seed": seed}
    names = Faults.field_names()
    for spec in specs:
        name, sep, raw = spec.partition("=")
        if not sep or name not in names:
            raise click.BadParameter(
                f"{spec!r}: use NAME=VALUE with NAME one of {', '.join(names)}"
            )
        try:
            values[name] = int(raw) if name in _INT_FIELDS else float(raw)
        except ValueError as exc:
            raise click.BadParameter(f"{spec!r}: {raw!r} is not a number") from exc
    try:
        return Faults(**values)  # type: ignore[arg-type]
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Tools for trying enrich offline."""


def _loading_progress() -> Callable[[int, int], None]:
    """Tells, at most once a second, how many record files are read so far."""
    last = [time.monotonic()]

    def told(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 1.0 or (done == total and total >= 1000):
            last[0] = now
            click.echo(f"loading records: {count(done)}/{count(total)} files", err=True)

    return told


@main.command()
@click.argument(
    "records_dir",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to bind.")
@click.option("--port", default=8765, show_default=True, help="Port; 0 picks a free one.")
@click.option("--rate", default=3, show_default=True, help="Requests/s without api_key; 0: off.")
@click.option("--key-rate", default=10, show_default=True, help="Requests/s with an api_key.")
@click.option("--latency", default=0.0, show_default=True, help="Seconds added to every reply.")
@click.option("--per-record-latency", default=0.0, show_default=True, help="Seconds per record.")
@click.option(
    "--fault",
    "fault_specs",
    multiple=True,
    metavar="NAME=VALUE",
    help=(
        "Fault NAME=VALUE, repeatable: a probability for "
        + ", ".join(FAULT_KINDS)
        + ", drop_records; a count for burst_429; seconds for hang_seconds."
    ),
)
@click.option("--seed", default=0, show_default=True, help="Seed for the fault generator.")
@click.option(
    "--genes",
    "genes_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=f"Gene summaries to serve [default: RECORDS_DIR/{GENES_FILE}, if there is one].",
)
def serve(
    records_dir: Path | None,
    host: str,
    port: int,
    rate: int,
    key_rate: int,
    latency: float,
    per_record_latency: float,
    fault_specs: tuple[str, ...],
    seed: int,
    genes_file: Path | None,
) -> None:
    """Serve the PubMed XML files in RECORDS_DIR (and the gene summaries in its
    genes.json) as E-utilities until Ctrl-C.

    Without RECORDS_DIR, serves the default synthetic records for the PMIDs of examples/
    and the synthetic gene summaries of their genes.
    Faults (see README): server_error, reset, timeout, truncate, html, error_200,
    invalid_api_key, redirect, trickle, gzip_bomb, drop_records (probabilities),
    burst_429 (a count of 429 replies), hang_seconds.

    Example: python -m enrich.testing serve ../shared/ncbi/metapub/pmid_xml --fault reset=0.05
    """
    try:
        check_loopback(host)
        folder = records_dir or DEFAULT_RECORDS_DIR
        records = RecordStore.from_folder(folder, _loading_progress())
        genes = GeneStore.from_file(genes_file) if genes_file else GeneStore.from_folder(folder)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if not len(records):
        click.echo(
            f"warning: {records_dir} holds no PubMed record (*.xml): every PMID is "
            "answered as not found",
            err=True,
        )
    server = EutilsServer(
        records,
        genes=genes,
        rate_limit=rate or None,
        api_key_rate_limit=key_rate,
        latency=latency,
        per_record_latency=per_record_latency,
        faults=parse_faults(fault_specs, seed),
        host=host,
        port=port,
    )
    try:
        server.start()
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc}") from exc
    held = f"{count(len(records))} records and {count(len(genes))} gene summaries"
    click.echo(f"serving {held} at {server.url} (Ctrl-C to stop)")
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())  # `kill` stops it as Ctrl-C does
    try:
        stopping.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    click.echo(f"stopped: {server.summary()}")


@main.command("make-example-records")
@click.option(
    "--examples",
    "examples_dir",
    default=EXAMPLES_DIR,
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding the two example documents.",
)
@click.option(
    "--out",
    "out_dir",
    default=DEFAULT_RECORDS_DIR,
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Records folder to write (or check).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the folder is stale.")
def make_example_records(examples_dir: Path, out_dir: Path, check: bool) -> None:
    """Regenerate the default synthetic records from the documents in examples/.

    Example: python -m enrich.testing make-example-records --check
    """
    try:
        if check:
            stale = stale_example_records(out_dir, examples_dir)
            if stale:
                raise click.ClickException(
                    f"{out_dir} is stale ({', '.join(stale)}); "
                    "run python -m enrich.testing make-example-records"
                )
            click.echo(f"{out_dir} is up to date")
            return
        written = write_example_records(out_dir, examples_dir)
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    records = sum(name.endswith(".xml") for name in written)
    click.echo(f"wrote {count(records)} records, {GENES_FILE} and README.md to {out_dir}")


if __name__ == "__main__":
    main()
