"""What inbound mapping produces: documents with provenance, and the file-level outcome."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from translator.problems import Problem
from translator.records import Record, SourceRef


class MappedDocument:
    """One API item (e.g. one orderAcknowledgement) and where every part of it came from.

    ``field_sources`` maps a JSON path (``$.itemAcknowledgements[1].acknowledgedQuantity.amount``) to the
    row or segment that produced it, so a rule broken later is reported at that row. A document built
    by generated code (:mod:`.generated`) carries ``explain`` instead, which works both out (from what the
    generated code noted while building) only when somebody asks.
    """

    __slots__ = ("kind", "key", "item", "problems", "generated", "_sources", "_field_sources", "_explain")

    def __init__(self, kind: str, key: str, item: dict[str, Any], sources: list[SourceRef] | None = None,
                 problems: list[Problem] | None = None, field_sources: dict[str, SourceRef] | None = None,
                 explain: Callable[[], tuple[list[SourceRef], dict[str, SourceRef]]] | None = None) -> None:
        self.kind, self.key, self.item = kind, key, item
        self.problems: list[Problem] = problems if problems is not None else []
        self._sources = sources
        self._field_sources = field_sources
        self._explain = explain
        self.generated = explain is not None   # built by generated code (see .generated), not the interpreter

    def _explained(self) -> None:
        explain, self._explain = self._explain, None
        sources, fields = explain() if explain is not None else ([], {})
        if self._sources is None:
            self._sources = sources
        if self._field_sources is None:
            self._field_sources = fields

    @property
    def sources(self) -> list[SourceRef]:
        """Every row or segment the document was built from."""
        if self._sources is None:
            self._explained()
        return self._sources  # type: ignore[return-value]

    @sources.setter
    def sources(self, value: list[SourceRef]) -> None:
        self._sources = value

    @property
    def field_sources(self) -> dict[str, SourceRef]:
        if self._field_sources is None:
            self._explained()
        return self._field_sources  # type: ignore[return-value]

    @field_sources.setter
    def field_sources(self, value: dict[str, SourceRef]) -> None:
        self._field_sources = value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MappedDocument):
            return NotImplemented
        return (self.kind, self.key, self.item, self.sources, self.problems, self.field_sources) == (
            other.kind, other.key, other.item, other.sources, other.problems, other.field_sources)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"MappedDocument(kind={self.kind!r}, key={self.key!r}, item={self.item!r}, problems={self.problems!r})"


class InboundResult:
    """Iterate for MappedDocuments; ``problems`` holds file-level problems (syntax, missing columns)."""

    def __init__(self, documents: Callable[[], Iterator[MappedDocument]], reader: Any, format_name: str = "") -> None:
        self._documents = documents
        self._reader = reader
        self.format_name = format_name
        self._own: list[Problem] = []

    def __iter__(self) -> Iterator[MappedDocument]:
        return self._documents()

    @property
    def problems(self) -> list[Problem]:
        return [*getattr(self._reader, "problems", []), *self._own]

    def add_problem(self, problem: Problem) -> None:
        self._own.append(problem)

    def acknowledgement_records(self) -> list[Record] | None:
        """A 997 (X12) or CONTRL (EDIFACT) for what was read (call after iterating); None for other formats."""
        build = getattr(self._reader, "acknowledgement_records", None)
        if callable(build):
            return build()
        if self.format_name == "x12":
            from translator.formats.x12 import functional_acknowledgement
            return functional_acknowledgement(self._reader)
        return None

    @property
    def reader(self) -> Any:
        """The format reader (envelope details such as interchanges, for writing the acknowledgement)."""
        return self._reader


def set_path(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """``set_path(d, ("a", "b"), 1)`` -> ``d["a"]["b"] = 1``, creating the dicts on the way."""
    node = target
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value


def locate(problem: Problem, source: SourceRef | None, **extra: Any) -> Problem:
    """Fill a problem's location from a SourceRef (file, line or segment, sheet)."""
    if source is None:
        return problem.located(**extra)
    return problem.located(file=source.file, line=source.line, sheet=source.sheet,
                           segment=source.segment, **extra)
