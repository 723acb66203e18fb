"""Inbound CSV/XLSX: header aliases, rows grouped into documents by ``group_by``.

A header matches a declared column when it equals the column's name or one of its aliases, ignoring
case, spaces, underscores and hyphens ("PO Number" = "po_number" = "PONumber"). A required column
that matches no header is one Problem naming the expected header and its aliases; the file is then
not mapped at all (every row would fail the same way).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from translator.mapping.build import SKIP, Unit, build_element, evaluate
from translator.mapping.results import InboundResult, MappedDocument
from translator.mapping.spec import Column, CompiledMapping
from translator.problems import Problem
from translator.records import Record, SourceRef

_NOISE = re.compile(r"[\s_\-.]+")


def normalise(header: str) -> str:
    """Case/space-insensitive form of a header (``" PO_Number "`` -> ``"ponumber"``)."""
    return _NOISE.sub("", header).casefold()


def resolve_headers(columns: Iterable[Column], headers: Iterable[str]) -> tuple[dict[str, str], list[Column]]:
    """``({logical: header in file}, [required columns not found])``."""
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalise(header), header)
    found: dict[str, str] = {}
    missing: list[Column] = []
    for column in columns:
        for candidate in (column.name, *column.aliases):
            if normalise(candidate) in by_norm:
                found[column.name] = by_norm[normalise(candidate)]
                break
        else:
            if not column.optional:
                missing.append(column)
    return found, missing


def missing_column_problem(column: Column, source: SourceRef) -> Problem:
    names = ", ".join(repr(a) for a in (column.name, *column.aliases))
    return Problem(code="MAP-COLUMN-MISSING", rule=f"the file has no column for {column.name}",
                   file=source.file, sheet=source.sheet, field=column.name,
                   hint=f"add a column headed one of {names} (case and spaces do not matter), "
                        f"or add the file's header to the aliases in the mapping")


def map_rows(mapping: CompiledMapping, records: Iterable[Record], result: InboundResult) -> Iterator[MappedDocument]:
    """Group rows into documents (groups keep first-seen order) and build each one.

    Rows of one PO anywhere in the file make one document. A CSV file that can be read twice is read
    twice: first only to learn each document's last row, then to build every document as soon as its
    last row has been read, so memory holds the documents still open (one, when a PO's rows are
    together), not the file. Other inputs keep their rows until the end of the file. With
    ``sorted_input: true`` a document is built as soon as its key changes, and a key that comes back
    after its rows ended is a problem.
    """
    keys = MappedDocument(mapping.document, "", {})
    units = _units(mapping, records, result, keys)
    if mapping.sorted_input:
        yield from _adjacent_groups(mapping, units, result)
    else:
        last = _last_rows(mapping, records)
        if last is not None:
            yield from _closed_groups(mapping, units, last)
        else:
            groups: dict[str, list[Unit]] = {}
            for key, unit in units:
                groups.setdefault(key, []).append(unit)
            for problem in keys.problems:
                result.add_problem(problem)
            keys.problems.clear()
            for key, group in groups.items():
                yield build_document(mapping, key, group)
    for problem in keys.problems:
        result.add_problem(problem)


def _last_rows(mapping: CompiledMapping, reader: Any) -> dict[str, int] | None:
    """The first pass: for each document key, the position of its last keyed row (None: read once).

    Rows are numbered as :func:`_units` yields them (rows without a key are skipped by both), and keys
    come from the same :func:`_group_key`, so both passes agree on every row.
    """
    rows = getattr(reader, "rows", None)
    if rows is None or not getattr(reader, "rereadable", False):
        return None
    scratch = MappedDocument(mapping.document, "", {})
    last: dict[str, int] = {}
    shape: _RowShape | None = None
    spec = mapping.group_by
    index = 0
    for _line, cells in rows():
        if shape is None:
            shape = _RowShape(mapping, reader.columns, spec.row_columns if spec is not None and spec.row_only else None)
            if shape.missing:
                return None
        if spec is None:
            key: Any = str(index)
        else:
            row = shape.row_of_cells(cells)
            key = _group_key(mapping, row, lambda row=row: Unit({"row": row}, SourceRef()), scratch)
        if key is not SKIP:
            last[str(key)] = index
            index += 1
    return last


def _closed_groups(mapping: CompiledMapping, units: Iterator[tuple[str, Unit]],
                   last: dict[str, int]) -> Iterator[MappedDocument]:
    """Documents built as their last row arrives, still in first-seen order."""
    open_groups: dict[str, list[Unit]] = {}
    closed: set[str] = set()
    for index, (key, unit) in enumerate(units):
        open_groups.setdefault(key, []).append(unit)
        if last.get(key) == index:
            closed.add(key)
        while open_groups:
            first = next(iter(open_groups))
            if first not in closed:
                break
            closed.discard(first)
            yield build_document(mapping, first, open_groups.pop(first))
    for key, group in open_groups.items():  # only if the file changed between the two passes
        yield build_document(mapping, key, group)


def _units(mapping: CompiledMapping, records: Iterable[Record], result: InboundResult,
           keys: MappedDocument) -> Iterator[tuple[str, Unit]]:
    """``(group key, unit)`` per row; rows without a key become problems in ``keys``."""
    shape: _RowShape | None = None
    count = 0
    for record in records:
        if shape is None:
            shape = _RowShape(mapping, record.source.columns or tuple(record.values))
            if shape.missing:
                for column in shape.missing:
                    result.add_problem(missing_column_problem(column, record.source))
                return
        row = shape.row(record.values)
        unit = Unit({"row": row}, record.source, headers=shape.headers)
        before = len(keys.problems)
        key = _group_key(mapping, row, lambda unit=unit: unit, keys) if mapping.group_by else str(count)
        count += 1
        if key is SKIP:
            if len(keys.problems) == before:  # empty, rather than broken: say so
                keys.problems.append(_no_key_problem(mapping, unit))
            continue
        yield str(key), unit


class _RowShape:
    """How a file's header maps onto the mapping's logical columns, and the ``row`` it gives a row's values.
    Both passes over a file build rows here, so they agree on every row; the first pass, which only needs
    the document key, builds just the columns the key reads (``only``)."""

    def __init__(self, mapping: CompiledMapping, columns: Iterable[str], only: Iterable[str] | None = None) -> None:
        columns = tuple(columns)
        self.headers, self.missing = resolve_headers(mapping.columns, columns)
        wanted = None if only is None else set(only)
        self._names = [(n, h) for n, h in self.headers.items() if wanted is None or n in wanted]
        self._blanks = [c.name for c in mapping.columns if c.name not in self.headers and (wanted is None or c.name in wanted)]
        places: dict[str, list[int]] = {}
        for position, header in enumerate(columns):
            places.setdefault(header, []).insert(0, position)  # a repeated header: the last one first
        self._cells = [(name, places[header]) for name, header in self._names]

    def row(self, values: dict[str, str]) -> dict[str, str]:
        """The row from a Record's values (``dict(zip(header, cells))``)."""
        row = {name: values.get(header, "") for name, header in self._names}
        for name in self._blanks:
            row[name] = ""
        return row

    def row_of_cells(self, cells: list[str]) -> dict[str, str]:
        """The same row from the cells: a header's value is its last cell the row reaches, as in that dict."""
        width = len(cells)
        row = {}
        for name, places in self._cells:
            row[name] = next((cells[p] for p in places if p < width), "")
        for name in self._blanks:
            row[name] = ""
        return row


def _group_key(mapping: CompiledMapping, row: dict[str, str], unit: Callable[[], Unit], keys: MappedDocument) -> Any:
    """The row's document key: generated code first; the interpreter (on ``unit()``) when it fails, which adds
    the problem to ``keys``."""
    generated = mapping.generated
    if generated is not None and generated.group_key is not None:
        try:
            key = generated.group_key(row, None, None)
        except Exception:  # noqa: BLE001 - evaluated again below, which says what is wrong
            pass
        else:
            return SKIP if key is None else key
    assert mapping.group_by is not None
    return evaluate(mapping.group_by, unit(), keys, "$", {})


def _adjacent_groups(mapping: CompiledMapping, units: Iterator[tuple[str, Unit]],
                     result: InboundResult) -> Iterator[MappedDocument]:
    done: set[str] = set()
    current: str | None = None
    group: list[Unit] = []
    for key, unit in units:
        if key != current:
            if group:
                yield build_document(mapping, current or "", group)
                done.add(current or "")
            if key in done:
                result.add_problem(_unsorted_problem(mapping, key, unit))
                current, group = None, []
                continue
            current, group = key, []
        group.append(unit)
    if group:
        yield build_document(mapping, current or "", group)


def _unsorted_problem(mapping: CompiledMapping, key: str, unit: Unit) -> Problem:
    source = unit.source
    return Problem(code="MAP-UNSORTED-INPUT", rule=f"rows of {key} appear again after other documents' rows",
                   file=source.file, sheet=source.sheet, line=source.line, value=key, document=key,
                   hint=f"sort the file by the grouping column, or remove sorted_input from {mapping.name}")


def _no_key_problem(mapping: CompiledMapping, unit: Unit) -> Problem:
    spec = mapping.group_by
    assert spec is not None
    source = unit.source
    column = next((unit.headers.get(c) for c in spec.row_columns if unit.headers and c in unit.headers), None)
    return Problem(code="MAP-NO-GROUP-KEY", rule="this row does not say which document it belongs to",
                   file=source.file, sheet=source.sheet, line=source.line, field=column,
                   hint=f"fill {column or 'the grouping column'} on every row ({spec.source})")


def build_document(mapping: CompiledMapping, key: str, units: list[Unit]) -> MappedDocument:
    """One document from its rows: by the mapping's generated code when it has one and it succeeds,
    otherwise by the interpreter (:func:`document_from_units`), which locates every problem."""
    generated = mapping.generated
    if generated is None:
        return document_from_units(mapping, key, units)
    rows = [u.context["row"] for u in units]
    built: list[dict[str, str]] = []
    try:
        item = generated.document(rows[0], rows, None, built)
        named = generated.key(rows[0], rows, None) if generated.key is not None else None
    except Exception:  # noqa: BLE001 - any failure: the interpreter builds it and says what is wrong
        return document_from_units(mapping, key, units)
    return MappedDocument(mapping.document, key if named is None else named, item, sources=[u.source for u in units],
                          explain=lambda: _row_sources(mapping, key, units, built, item))


def _row_sources(mapping: CompiledMapping, key: str, units: list[Unit], built: list[dict[str, str]],
                 item: dict[str, Any]) -> tuple[list[SourceRef], dict[str, SourceRef]]:
    """``field_sources`` as the interpreter records them: per element, the row of its first unit."""
    paths = mapping.generated.element_paths(item)
    if len(paths) != len(built):  # two arrays writing one path: only the interpreter can say
        doc = document_from_units(mapping, key, units)
        return doc.sources, doc.field_sources
    source_of = {id(u.context["row"]): u.source for u in units}
    fields: dict[str, SourceRef] = {}
    for path, row in zip(paths, built, strict=True):
        fields.setdefault(path, source_of[id(row)])
    return [u.source for u in units], fields


def document_from_units(mapping: CompiledMapping, key: str, units: list[Unit]) -> MappedDocument:
    """One MappedDocument from its units; problems carry the document key."""
    doc = MappedDocument(mapping.document, key, {}, sources=[u.source for u in units])
    doc.item = build_element(mapping.fields, mapping.arrays, units, doc, "$")
    if mapping.key is not None:
        value = evaluate(mapping.key, units[0], doc, "$", {})
        doc.key = key if value is SKIP else str(value)
    doc.problems = [p.located(document=doc.key) for p in doc.problems]
    return doc
