"""``translator map`` and ``translator mappings check``: one file through one mapping, no network.

Inbound, the request bodies are printed exactly as they would be sent, one JSON body per line;
rejected documents go to stderr as located problems and the exit code is 1. Outbound, a getOrders
body (or a JSON array of orders) is streamed order by order into the mapped file.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import click

from translator.documents.kinds import request_body
from translator.errors import DocumentRejected, MappingError
from translator.mapping import Mapping, load_mapping
from translator.mapping.jsonstream import iter_orders
from translator.mapping.validation import validate
from translator.problems import Problem

BATCHED_KINDS = ("acknowledgements", "shipment-confirmations", "shipment-status-updates", "invoices", "label-requests")


@click.command("map")
@click.option("--mapping", "-m", "mapping_path", required=True, type=click.Path(dir_okay=False),
              help="Mapping file (e.g. mappings/acknowledgements.csv.yaml).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Where to write (outbound: the file; inbound: the JSON bodies). Default: stdout.")
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
def map_command(mapping_path: str, output: str, input_path: str) -> None:
    """Translate INPUT with a mapping: a file into API request bodies, or orders JSON into a file."""
    mapping = load_mapping(mapping_path)
    if mapping.direction == "inbound":
        problems = _map_inbound(mapping, input_path, output)
        if problems:
            raise DocumentRejected(problems, f"{len(problems)} problem(s); documents without problems were printed")
    else:
        count = _map_outbound(mapping, input_path, output)
        click.echo(f"wrote {count} order(s) to {output if output != '-' else 'stdout'}", err=True)


def _map_inbound(mapping: Mapping, input_path: str, output: str) -> list[Problem]:
    """Print good documents' bodies; return the problems of rejected documents and of the file."""
    result = mapping.read(input_path)
    good: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for doc in result:
        found = validate(doc, None)
        if any(p.severity == "error" for p in found):
            problems.extend(found)
        else:
            good.append(doc.item)
    problems = [*result.problems, *problems]
    lines = list(bodies(mapping.document, good))
    _emit_text(output, "".join(line + "\n" for line in lines))
    return problems


def bodies(kind: str, items: list[dict[str, Any]]) -> Iterator[str]:
    """One JSON line per request body: batched kinds in one body, inventory one body per warehouse."""
    if not items:
        return
    if kind in BATCHED_KINDS:
        yield json.dumps(request_body(kind, items), ensure_ascii=False)
        return
    for item in items:  # inventory: {"inventory": {...}}, one body per warehouse
        yield json.dumps(request_body(kind, [item]), ensure_ascii=False)


def _emit_text(output: str, text: str) -> None:
    if output == "-":
        click.echo(text, nl=False)
        return
    _atomic_write(Path(output), lambda handle: handle.write(text.encode("utf-8")))


def _map_outbound(mapping: Mapping, input_path: str, output: str) -> int:
    def orders_from(handle: Any) -> int:
        def write(target: BinaryIO) -> int:
            return mapping.write(iter_orders(handle, Path(input_path).name), target)
        if output == "-":
            return write(_KeepOpen(sys.stdout.buffer if hasattr(sys.stdout, "buffer") else _BytesEcho()))
        return _atomic_write(Path(output), write)

    if input_path == "-":
        return orders_from(sys.stdin)
    with open(input_path, encoding="utf-8") as handle:
        return orders_from(handle)


class _KeepOpen(io.BufferedIOBase):
    """Stdout for a format writer: writers may wrap and drop their target, which must not close stdout."""

    def __init__(self, raw: Any) -> None:
        super().__init__()
        self._raw = raw

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._raw.write(bytes(data))
        return len(data)

    def flush(self) -> None:
        self._raw.flush()


class _BytesEcho:
    """A binary target that echoes through click (for test runners without a real stdout buffer)."""

    def write(self, data: bytes) -> int:
        click.echo(data.decode("utf-8"), nl=False)
        return len(data)

    def flush(self) -> None:
        """Nothing to flush."""


def _atomic_write(path: Path, produce: Any) -> Any:
    """Write via a temporary file in the same directory, fsync, then rename into place."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    os.chmod(temp, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            result = produce(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return result


@click.group("mappings")
def mappings_group() -> None:
    """Inspect and check mapping files."""


@mappings_group.command("check")
@click.argument("directory", required=False, default="mappings",
                type=click.Path(exists=True, file_okay=False))
def check_command(directory: str) -> None:
    """Load and compile every *.yaml mapping in DIRECTORY (default ./mappings); print OK or the error."""
    failures = 0
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            mapping = load_mapping(path)
        except MappingError as exc:
            failures += 1
            click.echo(f"ERROR {exc}")
            continue
        click.echo(f"OK    {path}: {mapping.document} {mapping.direction} {mapping.format_name}")
    if failures:
        raise MappingError(f"{failures} mapping(s) failed to load", mapping_file=directory)


COMMANDS: list[click.Command] = [map_command, mappings_group]
