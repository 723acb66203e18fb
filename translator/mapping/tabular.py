"""Inbound CSV/XLSX: header aliases, rows grouped into documents by ``group_by``.

A header matches a declared column when it equals the column's name or one of its aliases, ignoring
case, spaces, underscores and hyphens ("PO Number" = "po_number" = "PONumber"). A required column
that matches no header is one Problem naming the expected header and its aliases; the file is then
not mapped at all (every row would fail the same way).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from translator.mapping.build import SKIP, Unit, build_element, evaluate
from translator.mapping.keyfilter import KeyFilter, SeenKeys
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
    twice: first only to learn which documents' rows are apart and where those end, then to build every
    document as soon as its last row has been read, so memory holds the documents still open (one, when a
    PO's rows are together), not the file. Other inputs keep their rows until the end of the file. With
    ``sorted_input: true`` a document is built as soon as its key changes, and a key that comes back
    after its rows ended is a problem. Without ``group_by`` every row is a document, built as it is read.

    A reader that hands out cells (``rows()`` and ``row_source()``, as the CSV and XLSX readers do) is read by
    :class:`_CellRows`, which keeps a row as its ``row`` dict and line and makes Units and SourceRefs only
    when a document needs them; any other iterable of Records goes through :func:`_units` (the reference).
    Both give the same documents, problems and sources.
    """
    keys = MappedDocument(mapping.document, "", {})
    units: Iterator[tuple[str, Any]]
    if callable(getattr(records, "rows", None)) and callable(getattr(records, "row_source", None)):
        cells = _CellRows(mapping, records)
        units, build, where, line_of = cells.keyed(result, keys), cells.build, cells.source, _entry_line
    else:
        units = _units(mapping, records, result, keys)
        build, where, line_of = partial(build_document, mapping), _unit_source, _unit_line
    if mapping.group_by is None:  # every row is a document of its own: built as it is read
        for key, unit in units:
            yield build(key, [unit])
    elif mapping.sorted_input:
        yield from _adjacent_groups(mapping, units, result, build, where)
    else:
        last = _last_lines(mapping, records)
        if last is not None:
            yield from _closed_groups(units, last, build, line_of)
        else:
            groups: dict[str, list[Any]] = {}
            for key, unit in units:
                groups.setdefault(key, []).append(unit)
            for problem in keys.problems:
                result.add_problem(problem)
            keys.problems.clear()
            for key, group in groups.items():
                yield build(key, group)
    for problem in keys.problems:
        result.add_problem(problem)


def _unit_source(unit: Unit) -> SourceRef:
    return unit.source


def _unit_line(unit: Unit) -> int | None:
    return unit.source.line


_entry_line = operator.itemgetter(1)   # a _CellRows entry is (row, line)


def _last_lines(mapping: CompiledMapping, reader: Any, seen: KeyFilter | None = None) -> dict[str, int] | None:
    """The first pass: the line of the last row of each document whose rows are not all together (None: the
    file is read once). A document whose rows are together ends where the next document starts, so nothing
    is kept for it, and memory does not grow with the file when each PO's rows are together.

    Whether a key came before is asked of ``seen`` (a :class:`KeyFilter`); a wrong "maybe" only adds an
    exact entry here. Consecutive rows with the same key cells have the same key, worked out once. Keys
    come from the same generated code or interpreter as in the second pass (:func:`_group_key`); rows
    without a key are never grouped, so they are passed over and do not split a run of rows.
    """
    rows = getattr(reader, "rows", None)
    spec = mapping.group_by
    if rows is None or spec is None or not getattr(reader, "rereadable", False):
        return None
    seen = KeyFilter() if seen is None else seen
    shape: _RowShape | None = None
    last: dict[str, int] = {}
    scratch = MappedDocument(mapping.document, "", {})
    picked: tuple[str, ...] | None = None
    key: str | None = None
    run: str | None = None   # the key of the current run of rows
    end = 0                  # the line of its last row so far
    for line, cells in rows():
        if shape is None:
            shape = _RowShape(mapping, reader.columns, spec.row_columns if spec.row_only else None)
            if shape.missing:
                return None
            pick = shape.key_cells()
        if not spec.row_only:
            key = _key_of_row(mapping, shape.row_of_cells(cells), scratch)
        elif (cells_now := pick(cells)) != picked:
            picked, key = cells_now, _key_of_row(mapping, shape.row_of_key_cells(cells_now), scratch)
        if key is None:
            continue
        if key != run:
            if run in last:
                last[run] = end
            if seen.add(key):
                last[key] = line
            run = key
        end = line
    if run in last:
        last[run] = end
    return last


def _key_of_row(mapping: CompiledMapping, row: dict[str, str], scratch: MappedDocument) -> str | None:
    """The row's document key as :func:`_group_key` works it out (None: the row has none)."""
    key = _group_key(mapping, row, _scratch_unit, scratch)
    return None if key is SKIP else key if type(key) is str else str(key)


def _scratch_unit(row: dict[str, str]) -> Unit:
    return Unit({"row": row}, SourceRef())


def _closed_groups(units: Iterator[tuple[str, Any]], last: dict[str, int],
                   build: Callable[[str, list[Any]], MappedDocument],
                   line_of: Callable[[Any], int | None]) -> Iterator[MappedDocument]:
    """Documents built as they end, still in first-seen order. A document in ``last`` ends at that line;
    any other ends where the next document's rows start (its rows are together). An ended document waits for
    the documents opened before it, so the first open document is looked at only when one ends (and not at
    all when it is the only one open, as when every document's rows are together)."""
    open_groups: dict[str, list[Any]] = {}
    closed: set[str] = set()
    current: str | None = None   # the key of the previous row, whose group is ``group``
    ends_at: int | None = None   # that group's last line, when it is in ``last``
    group: list[Any] = []

    def ended(key: str) -> Iterator[MappedDocument]:
        """What can be built now that ``key``'s document has ended: it, if no document opened before it is
        still open, and the ended documents waiting behind it."""
        closed.add(key)
        while open_groups:
            first = next(iter(open_groups))
            if first not in closed:
                break
            closed.discard(first)
            yield build(first, open_groups.pop(first))

    for key, unit in units:
        if key != current:
            if current is not None and ends_at is None:      # the previous document's rows were together
                if len(open_groups) == 1:
                    yield build(current, open_groups.pop(current))
                else:
                    yield from ended(current)
            current, ends_at = key, last.get(key)
            group = open_groups.setdefault(key, [])
        group.append(unit)
        if ends_at is not None and ends_at == line_of(unit):
            current = None
            yield from ended(key)
    for key, group in open_groups.items():  # the last document (and any the file changing between passes left)
        yield build(key, group)


def _units(mapping: CompiledMapping, records: Iterable[Record], result: InboundResult,
           keys: MappedDocument) -> Iterator[tuple[str, Unit]]:
    """``(group key, unit)`` per row; rows without a key become problems in ``keys`` (the reference way)."""
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
        key = _group_key(mapping, row, lambda row, unit=unit: unit, keys) if mapping.group_by else str(count)
        count += 1
        if key is SKIP:
            if len(keys.problems) == before:  # empty, rather than broken: say so
                keys.problems.append(_no_key_problem(mapping, unit))
            continue
        yield str(key), unit


class _CellRows:
    """Rows straight from a reader's cells: each row is kept as ``(row dict, line)``; its Unit and SourceRef
    (what :func:`_units` makes for every row) are made only for a document the generated code cannot
    build, for a problem, or when somebody asks a document for its sources."""

    def __init__(self, mapping: CompiledMapping, reader: Any) -> None:
        self.mapping, self.reader = mapping, reader
        self.headers: dict[str, str] = {}

    def keyed(self, result: InboundResult, keys: MappedDocument) -> Iterator[tuple[str, tuple[dict[str, str], int]]]:
        """``(group key, (row, line))`` per row, with :func:`_units`' keys and problems."""
        mapping, reader = self.mapping, self.reader
        generated = mapping.generated
        group_key = generated.group_key if generated is not None and mapping.group_by is not None else None
        make: Callable[[list[str]], dict[str, str]] | None = None
        count = 0
        for line, cells in reader.rows():
            if make is None:
                shape = _RowShape(mapping, reader.columns)
                if shape.missing:
                    for column in shape.missing:
                        result.add_problem(missing_column_problem(column, reader.row_source(line)))
                    return
                self.headers, make = shape.headers, shape.maker()
            row = make(cells)
            if group_key is not None:
                try:
                    key = group_key(row, None, None)
                except Exception:  # noqa: BLE001 - the interpreter says what is wrong
                    key = self._interpreted_key(row, line, keys, with_generated=False)
                else:
                    if key is None:
                        keys.problems.append(_no_key_problem(mapping, self.unit((row, line))))
                        continue
            elif mapping.group_by is not None:
                key = self._interpreted_key(row, line, keys)
            else:
                key, count = str(count), count + 1
            if key is not SKIP:
                yield key if type(key) is str else str(key), (row, line)

    def _interpreted_key(self, row: dict[str, str], line: int, keys: MappedDocument, *,
                         with_generated: bool = True) -> Any:
        before = len(keys.problems)
        unit = self.unit((row, line))
        key = _group_key(self.mapping, row, lambda _row: unit, keys, with_generated=with_generated)
        if key is SKIP and len(keys.problems) == before:  # empty, rather than broken: say so
            keys.problems.append(_no_key_problem(self.mapping, unit))
        return key

    def unit(self, entry: tuple[dict[str, str], int]) -> Unit:
        """The Unit :func:`_units` makes for this row."""
        return Unit({"row": entry[0]}, self.reader.row_source(entry[1]), headers=self.headers)

    def source(self, entry: tuple[dict[str, str], int]) -> SourceRef:
        return self.reader.row_source(entry[1])

    def build(self, key: str, entries: list[tuple[dict[str, str], int]]) -> MappedDocument:
        """:func:`build_document` for these rows; their Units and SourceRefs are made only when needed."""
        return _document(self.mapping, key, [row for row, _ in entries], lambda: [self.unit(e) for e in entries],
                         lambda: [self.reader.row_source(line) for _, line in entries])


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
        self._names_only = tuple(name for name, _ in self._names)

    def row(self, values: dict[str, str]) -> dict[str, str]:
        """The row from a Record's values (``dict(zip(header, cells))``)."""
        row = {name: values.get(header, "") for name, header in self._names}
        for name in self._blanks:
            row[name] = ""
        return row

    def maker(self) -> Callable[[list[str]], dict[str, str]]:
        """:meth:`row_of_cells` made fast, compiled once per file: for a row that reaches every header's last
        place, a copy of the empty row (its keys in the same order, so ``list(row)`` is the same too) with
        each found column's cell put in (``r["po"] = c[0]``...); a shorter (ragged) row still goes through
        :meth:`row_of_cells`. (Copying a dict of fixed keys beats building one key by key.)"""
        puts = "".join(f"    r[{name!r}] = c[{places[0]}]\n" for name, places in self._cells)
        empty = self.row_of_cells([])
        return self._compiled(f"    r = empty.copy()\n{puts}    return r\n", self.row_of_cells, empty=empty)

    def key_cells(self) -> Callable[[list[str]], tuple[str, ...]]:
        """A row's cells the row's columns come from, one per found column in row order (a tuple display,
        compiled once per file): rows with equal key cells have equal rows (:meth:`row_of_key_cells`)."""
        picked = "".join(f"c[{places[0]}], " for _, places in self._cells)
        return self._compiled(f"    return ({picked})\n",
                              lambda cells: tuple(self.row_of_cells(cells)[name] for name, _ in self._cells))

    def _compiled(self, body: str, ragged: Callable[[list[str]], Any], **names: Any) -> Callable[[list[str]], Any]:
        """``def made(c): <body>`` for a row ``c`` that reaches every header's last place, else ``ragged(c)``."""
        reach = max((places[0] for _, places in self._cells), default=-1) + 1
        code = f"def made(c):\n    if len(c) < {reach}:\n        return ragged(c)\n{body}"
        scope: dict[str, Any] = {"ragged": ragged, "len": len, **names}
        exec(compile(code, "<tabular row>", "exec"), scope)  # noqa: S102 - names are repr()'d, places are ints
        return scope["made"]

    def row_of_key_cells(self, picked: tuple[str, ...]) -> dict[str, str]:
        """The row :meth:`row_of_cells` gives for a row whose :meth:`key_cells` are ``picked``."""
        row = dict(zip(self._names_only, picked, strict=True))
        if self._blanks:
            row.update(dict.fromkeys(self._blanks, ""))
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


def _group_key(mapping: CompiledMapping, row: dict[str, str], unit: Callable[[dict[str, str]], Unit],
               keys: MappedDocument, *, with_generated: bool = True) -> Any:
    """The row's document key: generated code first; the interpreter (on ``unit(row)``) when it fails, which
    adds the problem to ``keys``. ``with_generated=False``: the generated code has already failed."""
    generated = mapping.generated
    if with_generated and generated is not None and generated.group_key is not None:
        try:
            key = generated.group_key(row, None, None)
        except Exception:  # noqa: BLE001 - evaluated again below, which says what is wrong
            pass
        else:
            return SKIP if key is None else key
    assert mapping.group_by is not None
    return evaluate(mapping.group_by, unit(row), keys, "$", {})


def _adjacent_groups(mapping: CompiledMapping, units: Iterator[tuple[str, Any]], result: InboundResult,
                     build: Callable[[str, list[Any]], MappedDocument],
                     where: Callable[[Any], SourceRef]) -> Iterator[MappedDocument]:
    started = SeenKeys()   # every key whose rows have started, in a few bytes each
    current: str | None = None
    group: list[Any] = []
    for key, unit in units:
        if key != current:
            if group:
                yield build(current or "", group)
            if started.add(key):
                result.add_problem(_unsorted_problem(mapping, key, where(unit)))
                current, group = None, []
                continue
            current, group = key, []
        group.append(unit)
    if group:
        yield build(current or "", group)


def _unsorted_problem(mapping: CompiledMapping, key: str, source: SourceRef) -> Problem:
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
    return _document(mapping, key, [u.context["row"] for u in units], lambda: units, lambda: [u.source for u in units])


def _document(mapping: CompiledMapping, key: str, rows: list[dict[str, str]], units: Callable[[], list[Unit]],
              sources: Callable[[], list[SourceRef]]) -> MappedDocument:
    """:func:`build_document` from the rows; the units and the rows' sources are asked for only when needed
    (the interpreter, or somebody asking the document where it came from)."""
    generated = mapping.generated
    if generated is None:
        return document_from_units(mapping, key, units())
    built: list[dict[str, str]] = []
    try:
        item = generated.document(rows[0], rows, None, built)
        named = generated.key(rows[0], rows, None) if generated.key is not None else None
    except Exception:  # noqa: BLE001 - any failure: the interpreter builds it and says what is wrong
        return document_from_units(mapping, key, units())
    return MappedDocument(mapping.document, key if named is None else named, item,
                          explain=lambda: _row_sources(mapping, key, rows, units, sources, built, item))


def _row_sources(mapping: CompiledMapping, key: str, rows: list[dict[str, str]], units: Callable[[], list[Unit]],
                 sources: Callable[[], list[SourceRef]], built: list[dict[str, str]],
                 item: dict[str, Any]) -> tuple[list[SourceRef], dict[str, SourceRef]]:
    """``(sources, field_sources)`` as the interpreter records them: per element, the row of its first unit."""
    paths = mapping.generated.element_paths(item)
    if len(paths) != len(built):  # two arrays writing one path: only the interpreter can say
        doc = document_from_units(mapping, key, units())
        return doc.sources, doc.field_sources
    row_sources = sources()
    source_of = {id(row): source for row, source in zip(rows, row_sources, strict=True)}
    fields: dict[str, SourceRef] = {}
    for path, row in zip(paths, built, strict=True):
        fields.setdefault(path, source_of[id(row)])
    return row_sources, fields


def document_from_units(mapping: CompiledMapping, key: str, units: list[Unit]) -> MappedDocument:
    """One MappedDocument from its units; problems carry the document key."""
    doc = MappedDocument(mapping.document, key, {}, sources=[u.source for u in units])
    doc.item = build_element(mapping.fields, mapping.arrays, units, doc, "$")
    if mapping.key is not None:
        value = evaluate(mapping.key, units[0], doc, "$", {})
        doc.key = key if value is SKIP else str(value)
    doc.problems = [p.located(document=doc.key) for p in doc.problems]
    return doc
