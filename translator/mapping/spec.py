"""The compiled form of a mapping file: plain frozen dataclasses, built once by the loader."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from translator.mapping.expressions import Field, Where


@dataclass(frozen=True)
class Column:
    """A logical column of a tabular input and the header names that mean it."""

    name: str
    aliases: tuple[str, ...]
    optional: bool = False


@dataclass(frozen=True)
class Loop:
    """A segment loop: where it starts and how it nests (segment formats and fixed-width record types)."""

    name: str
    start: str                      # segment tag / record type that opens the loop ("HL", "PO1", "D")
    hl_level: str | None = None     # X12 HL03 value (S, O, P, I) when start is HL
    within: str | None = None       # name of the enclosing loop for non-HL loops
    until: tuple[str, ...] = ()     # tags that close the loop (e.g. CTT)


@dataclass(frozen=True)
class ArraySpec:
    """An API array filled from rows (tabular) or loops (segments)."""

    path: tuple[str, ...]
    fields: tuple[Field, ...]
    arrays: tuple[ArraySpec, ...]
    where: Where
    group_by: Field | None = None
    when: Field | None = None
    loop: str | None = None

    @cached_property
    def dotted(self) -> str:
        """The array's JSON path below its parent (``items``, ``details.lines``), for problem locations."""
        return ".".join(self.path)


@dataclass(frozen=True)
class RecordSpec:
    """Outbound: one record (row, segment, record type) written per order, or per element of ``each``."""

    tag: str
    values: tuple[Field, ...]
    where: Where
    each: Field | None = None
    as_name: str = "item"
    when: Field | None = None
    records: tuple[RecordSpec, ...] = ()


@dataclass(frozen=True)
class CompiledMapping:
    """Everything the engine needs from one mapping file, compiled and checked."""

    path: str
    name: str
    document: str
    direction: str
    format_name: str
    format_raw: dict[str, Any]
    format_options: Any
    fields: tuple[Field, ...] = ()
    arrays: tuple[ArraySpec, ...] = ()
    columns: tuple[Column, ...] = ()
    group_by: Field | None = None
    sorted_input: bool = False      # tabular: rows of one document are adjacent, so stream documents
    key: Field | None = None
    loops: tuple[Loop, ...] = ()
    document_loop: str | None = None
    messages: tuple[str, ...] = ()
    records: tuple[RecordSpec, ...] = ()
    codelists: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    env: Any = field(default=None, compare=False, repr=False)          # the mapping's Jinja sandbox
    generated: Any = field(default=None, compare=False, repr=False)    # inbound: a .generated.GeneratedMapping
