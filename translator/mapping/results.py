"""What inbound mapping produces: documents with provenance, and the file-level outcome."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from translator.problems import Problem
from translator.records import Record, SourceRef


@dataclass
class MappedDocument:
    """One API item (e.g. one orderAcknowledgement) and where every part of it came from.

    ``field_sources`` maps a JSON path (``$.itemAcknowledgements[1].acknowledgedQuantity.amount``) to the
    row or segment that produced it, so a rule broken later is reported at that row.
    """

    kind: str
    key: str
    item: dict[str, Any]
    sources: list[SourceRef] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    field_sources: dict[str, SourceRef] = field(default_factory=dict)


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
