"""CSV (and any delimited text): streaming reader and writer over the stdlib ``csv`` module.

Wire rules, all configurable through the mapping's ``format.options``:

* ``delimiter`` (``,``), ``quotechar`` (``"``), ``quoting`` (``minimal|all|nonnumeric|none``),
  ``encoding`` (``utf-8``; ``utf-8-sig`` writes the byte-order mark Excel needs; ``cp1252``,
  ``latin-1``), ``line_ending`` (``"\\r\\n"`` or ``"\\n"``, write side; reading accepts both).
* The first non-blank row is the header. Every later row becomes ``Record(tag="row",
  values={header: cell})`` whose source line is the physical line where the row starts (a quoted
  cell may span lines). Blank lines are skipped. Cells are never trimmed or converted: what is in
  the file is what the mapping sees.
* A trailing delimiter (empty last header cell, empty extra cells) is accepted: nothing is lost.
  Ragged rows (missing cells, or extra cells with text), undecodable bytes, an empty file or a header-only file become Problems on
  ``reader.problems``; nothing here raises for bad data.
* On write, a cell a spreadsheet would run as a formula (leading ``=``, ``+``, ``-``, ``@``, tab,
  carriage return) gets a ``'`` prefix unless it is a plain number such as ``-12.50``
  (``neutralise_formulas: false`` turns this off). ``columns`` fixes the header; otherwise the
  first record's keys are used.
"""

from __future__ import annotations

import csv
import io
import operator
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from translator.errors import DocumentRejected, MappingError
from translator.formats import (
    DecodedLines,
    check_encoding,
    check_option_keys,
    open_binary,
    source_name,
    stream_start,
    string_list,
)
from translator.problems import Problem
from translator.records import Record, SourceRef, build_frozen

QUOTING = {"minimal": csv.QUOTE_MINIMAL, "all": csv.QUOTE_ALL,
           "nonnumeric": csv.QUOTE_NONNUMERIC, "none": csv.QUOTE_NONE}
OPTION_KEYS = {"delimiter", "quotechar", "quoting", "encoding", "line_ending", "columns",
               "neutralise_formulas", "escapechar"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_CHARS = frozenset(FORMULA_START)
# One C-level scan of the joined row decides whether any cell needs the per-cell check (hot path).
MAYBE_FORMULA = re.compile("\0[=+\\-@\t\r]")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?\Z")
MAX_RAGGED_VALUE = 200
MISREAD_BOM = "\ufeff".encode().decode("latin-1")  # what a UTF-8 BOM looks like read as latin-1/cp1252


@dataclass(frozen=True)
class CsvOptions:
    """Validated CSV options (see the module docstring for their meaning)."""

    delimiter: str = ","
    quotechar: str = '"'
    quoting: str = "minimal"
    escapechar: str | None = None
    encoding: str = "utf-8"
    line_ending: str = "\r\n"
    columns: tuple[str, ...] = ()
    neutralise_formulas: bool = True

    def dialect(self) -> dict[str, Any]:
        """Keyword arguments for ``csv.reader``/``csv.writer``."""
        return {"delimiter": self.delimiter, "quotechar": self.quotechar,
                "quoting": QUOTING[self.quoting], "escapechar": self.escapechar,
                "lineterminator": self.line_ending, "doublequote": True, "strict": True}


def parse_options(raw: Mapping[str, Any] | None) -> CsvOptions:
    """Validate the mapping's CSV options; MappingError names the bad key."""
    raw = check_option_keys(raw, OPTION_KEYS, "csv")
    for key in ("delimiter", "quotechar"):
        if key in raw and (not isinstance(raw[key], str) or len(raw[key]) != 1):
            raise MappingError(f"csv option {key} must be exactly one character", key=key)
    if raw.get("quoting", "minimal") not in QUOTING:
        raise MappingError(f"csv option quoting must be one of {', '.join(QUOTING)}", key="quoting")
    if raw.get("line_ending", "\r\n") not in ("\r\n", "\n"):
        raise MappingError('csv option line_ending must be "\\r\\n" or "\\n"', key="line_ending")
    if "encoding" in raw:
        raw["encoding"] = check_encoding(raw["encoding"], "csv")
    raw["columns"] = string_list(raw, "columns", "csv")
    raw["neutralise_formulas"] = bool(raw.get("neutralise_formulas", True))
    return CsvOptions(**raw)


# --------------------------------------------------------------------------- reading


class CsvReader:
    """Streaming CSV reader; iterate it for Records, then look at ``problems``."""

    def __init__(self, source: str | os.PathLike[str] | BinaryIO, options: CsvOptions,
                 file_name: str | None) -> None:
        self.source = source
        self.options = options
        self.file = source_name(source, file_name)
        self._start = stream_start(source)
        self.problems: list[Problem] = []
        self.columns: tuple[str, ...] = ()
        self._seen_rows = 0
        self._done_lines = 0  # physical lines fully handed out (rows yielded or skipped)

    @property
    def rereadable(self) -> bool:
        """Whether iterating again reads the file again (a path, or a stream that can seek back)."""
        if isinstance(self.source, str | os.PathLike):
            return True
        seekable = getattr(self.source, "seekable", None)
        return self._start is not None and callable(seekable) and bool(seekable())

    def __iter__(self) -> Iterator[Record]:
        build = self._record
        for line, row in self.rows():
            yield build(row, line)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """``(line, cells)`` per data row, the cheap form of iterating (no Record per row); the header is
        in :attr:`columns` once the first row is out, and ``problems`` fill in exactly as when iterating."""
        # The C text decoder is the fast path. When it meets bad bytes, the rows it had not handed
        # out yet are re-read through the line-by-line decoder, which yields every row before the
        # bad line and says where (line, byte offset) the undecodable byte sits.
        self.problems.clear()
        self.columns, self._seen_rows, self._done_lines = (), 0, 0
        with open_binary(self.source, self._start) as stream:
            text = io.TextIOWrapper(stream, encoding=self._decoding(), newline="")
            try:
                yield from self._rows(text)
            except UnicodeDecodeError:
                yield from self._resume_after_bad_bytes(stream)
            finally:
                text.detach()  # leave the caller's stream open

    def _decoding(self) -> str:
        """utf-8 is read as utf-8-sig: a byte-order mark is dropped, otherwise identical."""
        return "utf-8-sig" if self.options.encoding == "utf-8" else self.options.encoding

    def _rows(self, lines: Iterable[str], skip_until: int = 0) -> Iterator[tuple[int, list[str]]]:
        rows = csv.reader(lines, **self.options.dialect())
        previous_end = 0
        try:
            for row in rows:
                start, previous_end = previous_end + 1, rows.line_num
                if not row or start <= skip_until:  # csv.reader yields [] for a blank line
                    continue
                if not self.columns:
                    self._set_header(row, start)
                else:
                    self._seen_rows += 1
                    width = self._width
                    if len(row) != width and (len(row) < width or any(row[width:])):
                        self._ragged(row, start)
                    yield start, row
                self._done_lines = previous_end
        except csv.Error as exc:
            self.problems.append(self._problem("CSV-SYNTAX", rows.line_num, f"the file is not valid CSV here: {exc}",
                                               "check the quoting around this line"))
            return
        if not getattr(lines, "failed", False):
            self._check_not_empty(self._seen_rows)

    def _resume_after_bad_bytes(self, stream: BinaryIO) -> Iterator[tuple[int, list[str]]]:
        if not (isinstance(self.source, str | os.PathLike) or stream.seekable()):
            self.problems.append(self._problem(
                "CSV-ENCODING", self._done_lines + 1, f"the file is not valid {self.options.encoding} text",
                "set the format option encoding to the file's real encoding (cp1252? utf-8?)"))
            return
        with open_binary(self.source, self._start or 0) as again:
            lines = DecodedLines(again, self.options.encoding, self.file, "CSV", self.problems)
            yield from self._rows(lines, skip_until=self._done_lines)

    def _set_header(self, row: list[str], line: int) -> None:
        if row[0].startswith(MISREAD_BOM):
            row = [row[0][len(MISREAD_BOM):], *row[1:]]
            self.problems.append(self._problem(
                "CSV-BOM", line, f"the file starts with a UTF-8 byte-order mark but the format says "
                f"{self.options.encoding}", "set the format option encoding: utf-8-sig (the mark was ignored)",
                severity="warning"))
        while len(row) > 1 and row[-1] == "":
            row = row[:-1]  # a trailing delimiter names no column
        self.columns = tuple(row)
        self._width = len(row)
        self._source = {**vars(SourceRef(self.file, columns=self.columns))}
        duplicates = sorted({c for c in row if row.count(c) > 1})
        for name in duplicates:
            self.problems.append(self._problem(
                "CSV-DUPLICATE-HEADER", line, f"the header names the column {name!r} more than once",
                "rename one of the columns so every header is unique", value=name))

    def row_source(self, line: int) -> SourceRef:
        """The SourceRef of the row starting at ``line`` (the one its Record carries); for callers of
        :meth:`rows`, which build it only when they need it."""
        return build_frozen(SourceRef, {**self._source, "line": line})

    def _record(self, row: list[str], line: int) -> Record:
        return build_frozen(Record, {"tag": "row", "values": dict(zip(self.columns, row, strict=False)),
                                     "source": self.row_source(line)})

    def _ragged(self, row: list[str], line: int) -> None:
        have, want = len(row), len(self.columns)
        if have > want:
            extra = self.options.delimiter.join(row[want:])[:MAX_RAGGED_VALUE]
            rule = f"this row has {have} cells but the header has {want} columns; the extra cells were not read"
            self.problems.append(self._problem("CSV-RAGGED-ROW", line, rule,
                                               "remove the extra cells or add a header for them",
                                               value=extra, column=want + 1))
            return
        missing = ", ".join(self.columns[have:])
        rule = f"this row has {have} cells but the header has {want} columns (missing: {missing})"
        self.problems.append(self._problem("CSV-RAGGED-ROW", line, rule,
                                           "fill in the missing cells (leave them empty between delimiters)",
                                           column=have + 1))

    def _check_not_empty(self, seen_rows: int) -> None:
        if not self.columns:
            self.problems.append(self._problem("CSV-EMPTY", None, "the file has no header row and no data",
                                               "check that the ERP export finished writing the file"))
        elif seen_rows == 0:
            self.problems.append(self._problem("CSV-NO-ROWS", None, "the file has a header row but no data rows",
                                               "nothing to translate; check the export's filter",
                                               severity="warning"))

    def _problem(self, code: str, line: int | None, rule: str, hint: str, **extra: Any) -> Problem:
        return Problem(code=code, rule=rule, hint=hint, file=self.file, line=line, **extra)


def reader(source: str | os.PathLike[str] | BinaryIO, options: Mapping[str, Any] | None = None, *,
           file_name: str | None = None) -> CsvReader:
    """A streaming reader over ``source``; nothing is read until it is iterated."""
    return CsvReader(source, parse_options(options), file_name)


# --------------------------------------------------------------------------- writing


def neutralise(cell: str) -> str:
    """``cell`` made safe to open in a spreadsheet: formulas become text, numbers stay numbers."""
    if cell.startswith(FORMULA_START) and not PLAIN_NUMBER.match(cell):
        return "'" + cell
    return cell


def _neutralised(cells: Sequence[str], joined: str, hit: re.Match[str] | None) -> list[str]:
    """``cells`` with :func:`neutralise` applied to each cell that starts like a formula. ``joined`` is
    ``"\\0" + "\\0".join(cells)`` and ``hit`` the first MAYBE_FORMULA match in it: each match is the start
    of a cell (the NULs before it say which), unless a cell holds a NUL itself."""
    if joined.count("\0") != len(cells):
        return [neutralise(c) if c[:1] in FORMULA_CHARS else c for c in cells]
    out = list(cells)
    while hit is not None:
        start = hit.start()
        index = joined.count("\0", 0, start)
        out[index] = neutralise(out[index])
        hit = MAYBE_FORMULA.search(joined, start + 2)
    return out


def with_constants(sink: Callable[[Sequence[str]], None], size: int,
                    constants: Mapping[int, str]) -> Callable[[Sequence[str]], None]:
    """``sink`` taking every key's value, fed the given values with the constants put in their places."""
    dynamic = [i for i in range(size) if i not in constants]
    fixed = sorted(constants)
    where = [dynamic.index(i) if i not in constants else len(dynamic) + fixed.index(i) for i in range(size)]
    pad = tuple(constants[i] for i in fixed)
    pick = operator.itemgetter(*where)
    if size == 1:
        return lambda values: sink(((*values, *pad)[0],))
    return lambda values: sink(pick((*values, *pad)))


class CsvWriter:
    """Streaming CSV writer; ``close()`` flushes but leaves ``target`` open."""

    def __init__(self, target: BinaryIO, options: CsvOptions) -> None:
        self.options = options
        self.problems: list[Problem] = []
        self.columns: tuple[str, ...] = ()
        self._text = io.TextIOWrapper(target, encoding=options.encoding, newline="", write_through=False)
        self._csv = csv.writer(self._text, **options.dialect())
        self._count = 0
        self._known: frozenset[str] = frozenset()
        if options.columns:
            self._start(options.columns)

    def _start(self, columns: tuple[str, ...]) -> None:
        self.columns, self._known = columns, frozenset(columns)
        getter = operator.itemgetter(*columns)
        self._cells = getter if len(columns) > 1 else lambda values: (getter(values),)
        self._csv.writerow(columns)

    def write(self, record: Record) -> None:
        """Write one record's values in header order (missing keys are empty cells)."""
        self._count += 1
        values = record.values
        if not self.columns:
            self._start(tuple(values))
        if not self._known.issuperset(values):
            unknown = [key for key in values if key not in self._known]
            self._reject("CSV-UNKNOWN-COLUMN", f"the record has values for columns not in the header: "
                         f"{', '.join(unknown)}", "add them to the format option columns", unknown[0])
        try:
            cells = self._cells(values)
        except KeyError:  # some columns are missing from this record: they are empty cells
            cells = [values.get(name, "") for name in self.columns]
        self._put(cells)

    def values_writer(self, tag: str, keys: Sequence[str],
                      constants: Mapping[int, str] | None = None) -> Callable[[Sequence[str]], None]:
        """A faster :meth:`write` for many records with the same keys (the mapping engine's outbound path).

        ``constants`` gives the values of some keys (by index) that are the same on every call; ``sink(values)``
        takes the other keys' values, in key order, and writes what :meth:`write` writes for the Record of
        all of them, the cells put in header order once for all instead of per row."""
        keys = tuple(keys)
        if constants:
            return with_constants(self.values_writer(tag, keys), len(keys), constants)
        pick: Any = None   # decided at the first row, once the header is known

        def sink(values: Sequence[str]) -> None:
            nonlocal pick
            if pick is None:
                pick = self._picker(keys)
            if pick is False:
                self.write(Record(tag, dict(zip(keys, values, strict=True))))
                return
            self._count += 1
            self._put(values if pick is True else pick(values))

        return sink

    def _picker(self, keys: tuple[str, ...]) -> Any:
        """True: the values are already in header order; False: use :meth:`write`; else a reordering."""
        if not self.columns:
            if len(set(keys)) != len(keys):
                return False
            self._start(keys)
        if keys == self.columns:
            return True
        if len(set(keys)) != len(keys) or not self._known.issuperset(keys):
            return False
        where = {key: index for index, key in enumerate(keys)}
        getter = operator.itemgetter(*(where.get(name, len(keys)) for name in self.columns))  # len(keys): ""
        return lambda values: getter((*values, ""))

    def _put(self, cells: Sequence[str]) -> None:
        if self.options.neutralise_formulas:
            joined = "\0" + "\0".join(cells)
            hit = MAYBE_FORMULA.search(joined)
            if hit is not None:
                cells = _neutralised(cells, joined, hit)
        try:
            self._csv.writerow(cells)
        except UnicodeEncodeError as exc:
            self._reject("CSV-UNENCODABLE", f"{exc.object[exc.start:exc.end]!r} cannot be written in "
                         f"{self.options.encoding}", "use encoding utf-8 or utf-8-sig", None)
        except csv.Error as exc:
            self._reject("CSV-UNWRITABLE", f"the row cannot be written as CSV: {exc}",
                         "choose quoting other than none or set escapechar", None)

    def _reject(self, code: str, rule: str, hint: str, field: str | None) -> None:
        problem = Problem(code=code, rule=rule, hint=hint, record=f"record {self._count}", field=field)
        self.problems.append(problem)
        raise DocumentRejected([problem])

    def close(self) -> None:
        """Flush buffered text to ``target`` without closing it."""
        self._text.flush()
        self._text.detach()


def writer(target: BinaryIO, options: Mapping[str, Any] | None = None, **context: Any) -> CsvWriter:
    """A streaming CSV writer onto the binary stream ``target``."""
    return CsvWriter(target, parse_options(options))
