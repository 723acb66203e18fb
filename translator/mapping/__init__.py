"""The mapping engine: declarative YAML + Jinja2 mappings between DF documents and ERP files.

This package is the only place that knows which file field is which API field. A mapping is loaded
and compiled once (:func:`load_mapping`), every error naming the mapping file and line; then
:meth:`Mapping.read` turns an input file into :class:`MappedDocument` s (inbound) and
:meth:`Mapping.write` turns orders into a file (outbound). The mapping language is documented in
``docs/mappings.md``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from translator.errors import MappingError
from translator.formats import get_format
from translator.mapping.loader import SEGMENTED, compile_mapping
from translator.mapping.messages import map_segments
from translator.mapping.outbound import write_orders
from translator.mapping.results import InboundResult, MappedDocument
from translator.mapping.spec import CompiledMapping
from translator.mapping.tabular import map_rows

__all__ = ["InboundResult", "MappedDocument", "Mapping", "load_mapping"]


class Mapping:
    """A loaded, compiled mapping file."""

    def __init__(self, compiled: CompiledMapping) -> None:
        self.compiled = compiled

    name = property(lambda self: self.compiled.name)
    document = property(lambda self: self.compiled.document)
    direction = property(lambda self: self.compiled.direction)
    format_name = property(lambda self: self.compiled.format_name)
    path = property(lambda self: self.compiled.path)

    def __repr__(self) -> str:
        return f"<Mapping {self.name}: {self.document} {self.direction} {self.format_name}>"

    def read(self, source: str | os.PathLike[str] | BinaryIO, *, file_name: str | None = None) -> InboundResult:
        """Map an input file to documents; nothing is read until the result is iterated."""
        self._need("inbound")
        if file_name is None and isinstance(source, str | os.PathLike):
            file_name = Path(source).name
        reader = get_format(self.format_name).reader(source, self.compiled.format_raw, file_name=file_name)
        engine = map_segments if self.format_name in SEGMENTED else map_rows
        result: InboundResult

        def documents() -> Iterator[MappedDocument]:
            return engine(self.compiled, reader, result)

        result = InboundResult(documents, reader, self.format_name)
        return result

    def write(self, orders: Iterable[dict[str, Any]], target: BinaryIO, *, context: dict[str, Any] | None = None) -> int:
        """Write ``orders`` to ``target`` in this mapping's format; returns the number of orders."""
        self._need("outbound")
        return write_orders(self.compiled, orders, target, context)

    def _need(self, direction: str) -> None:
        if self.direction != direction:
            raise MappingError(f"this mapping is {self.direction}; it cannot be used {direction}",
                               mapping_file=self.path, key="direction")


def load_mapping(path: str | os.PathLike[str]) -> Mapping:
    """Load and compile the mapping at ``path`` (MappingError with file and line on any problem)."""
    return Mapping(compile_mapping(Path(path)))
