"""XLSX: read with python-calamine, write with xlsxwriter in constant-memory mode.

Reading takes the sheet named (or 0-based index) by ``sheet``; by default the first sheet whose
first non-blank row is a header (naming one of ``columns`` when given) followed by data. It
tolerates what accountants do to a workbook: extra sheets, blank rows, a header that does
not start in A1, formulas (calamine hands us the cached value), dates as date cells or as Excel
serial numbers (in ``date_columns``). What it never does is guess: a product identifier that Excel
turned into a number is a Problem (``XLSX-IDENTIFIER-AS-NUMBER``), because its leading zeros may
already be gone. Numbers become exact decimal text (``5.0`` -> ``"5"``, ``12.5`` -> ``"12.5"``),
never scientific notation. Date and datetime cells become ISO text.

The workbook is checked as a zip before calamine sees it (total uncompressed size and
compression ratio), so a zip bomb disguised as .xlsx is refused up front; calamine itself refuses
XML entities. calamine parses one whole sheet into memory: XLSX input is the one format that is
not constant-memory (the benchmark reports what it uses).

Writing: text (identifiers included) always goes through ``write_string``, so a title starting with
``=`` stays text. Only ``number_columns`` / ``money_columns`` become numbers and only
``date_columns`` become date cells. The header is bold, frozen and filtered, and column widths come
from the header and the first rows.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

import python_calamine
import xlsxwriter

from translator.errors import DocumentRejected, MappingError
from translator.formats import check_option_keys, source_name, string_list
from translator.formats.delimited import with_constants
from translator.problems import Problem
from translator.records import Record, SourceRef, build_frozen

OPTION_KEYS = {"sheet", "columns", "identifier_columns", "number_columns", "money_columns",
               "date_columns", "max_uncompressed_bytes", "max_compression_ratio", "width_sample_rows",
               "max_column_width"}
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
MAX_CELL_CHARS = 32767
RATIO_CHECK_MIN_BYTES = 1 << 20
SCIENTIFIC = re.compile(r"\s*[0-9](\.[0-9]+)?E\+?[0-9]+\s*\Z", re.IGNORECASE)  # 8.8061E+12, as Excel shows it
SPOOL_BYTES = 32 << 20


@dataclass(frozen=True)
class XlsxOptions:
    """Validated XLSX options."""

    sheet: str | int | None = None
    columns: tuple[str, ...] = ()
    identifier_columns: tuple[str, ...] = ()
    number_columns: tuple[str, ...] = ()
    money_columns: tuple[str, ...] = ()
    date_columns: tuple[str, ...] = ()
    max_uncompressed_bytes: int = 2 << 30
    max_compression_ratio: int = 200
    width_sample_rows: int = 100
    max_column_width: int = 60


def parse_options(raw: Mapping[str, Any] | None) -> XlsxOptions:
    """Validate the mapping's XLSX options; MappingError names the bad key."""
    raw = check_option_keys(raw, OPTION_KEYS, "xlsx")
    for key in ("columns", "identifier_columns", "number_columns", "money_columns", "date_columns"):
        raw[key] = string_list(raw, key, "xlsx")
    sheet = raw.get("sheet")
    if sheet is not None and not isinstance(sheet, str | int):
        raise MappingError("xlsx option sheet must be a sheet name or a 0-based index", key="sheet")
    for key in ("max_uncompressed_bytes", "max_compression_ratio", "width_sample_rows", "max_column_width"):
        if key in raw and (not isinstance(raw[key], int) or raw[key] <= 0):
            raise MappingError(f"xlsx option {key} must be a positive whole number", key=key)
    return XlsxOptions(**raw)


# --------------------------------------------------------------------------- cell text


def number_text(value: float | int) -> str:
    """Exact, non-scientific text for a numeric cell: ``5.0`` -> ``5``, ``12.5`` -> ``12.5``."""
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return format(Decimal(str(value)).normalize(), "f")


def excel_display(value: float | int) -> str:
    """How Excel's General format shows a long number (``8.8061E+12``), for messages."""
    text = number_text(value)
    return f"{value:.4E}" if len(text.lstrip("-").replace(".", "")) > 11 else text


def iso_text(value: dt.date | dt.datetime) -> str:
    """ISO date, or date-time when the cell carries a time of day."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


def serial_to_iso(value: float) -> str:
    """An Excel serial date (1900 date system) as ISO text."""
    return iso_text(EXCEL_EPOCH + dt.timedelta(days=value))


def cell_text(value: Any, is_date_column: bool) -> str:
    """Text for one calamine cell value (identifier handling is the caller's job)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return serial_to_iso(value) if is_date_column else number_text(value)
    if isinstance(value, dt.date):
        return iso_text(value)
    if isinstance(value, dt.time):
        return value.replace(microsecond=0).isoformat()
    return str(value)


# --------------------------------------------------------------------------- reading


def zip_problem(stream: BinaryIO, options: XlsxOptions, file: str | None) -> Problem | None:
    """A Problem if ``stream`` is not a sane xlsx zip (not a zip, truncated, or a zip bomb)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        return unreadable(file, f"the file is not an Excel workbook (not a valid zip archive: {exc})")
    total = sum(info.file_size for info in infos)
    if total > options.max_uncompressed_bytes:
        return unreadable(file, f"the workbook would unpack to {total} bytes, more than the "
                          f"{options.max_uncompressed_bytes} allowed (a zip bomb?)")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECK_MIN_BYTES and ratio > options.max_compression_ratio:
            return unreadable(file, f"the workbook part {info.filename} is compressed {ratio:.0f}:1, "
                              "more than any real spreadsheet (a zip bomb?)")
    if not any(info.filename == "xl/workbook.xml" for info in infos):
        return unreadable(file, "the zip archive has no xl/workbook.xml, so it is not an .xlsx workbook")
    return None


def unreadable(file: str | None, rule: str) -> Problem:
    """The one Problem code for a workbook we cannot open."""
    return Problem(code="XLSX-UNREADABLE", file=file, rule=rule,
                   hint="open the file in Excel and save it again as .xlsx, or ask the sender to re-export it")


class XlsxReader:
    """Reads one sheet of a workbook as Records; iterate it, then look at ``problems``."""

    def __init__(self, source: str | os.PathLike[str] | BinaryIO, options: XlsxOptions,
                 file_name: str | None) -> None:
        self.source = source
        self.options = options
        self.file = source_name(source, file_name)
        self.problems: list[Problem] = []
        self.columns: tuple[str, ...] = ()
        self.sheet_name: str | None = None

    def __iter__(self) -> Iterator[Record]:
        for line, cells in self.rows():
            yield build_frozen(Record, {"tag": "row", "values": dict(zip(self.columns, cells, strict=True)),
                                        "source": self.row_source(line)})

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """``(line, cells)`` per data row, the cheap form of iterating (no Record per row): the cells as text,
        one per header column; the header is in :attr:`columns` once the first row is out, and ``problems``
        fill in exactly as when iterating."""
        self.problems.clear()
        self.columns = ()
        sheet = self._open_sheet()
        if sheet is None:
            return
        try:
            yield from self._rows(sheet)
        except python_calamine.CalamineError as exc:
            self.problems.append(unreadable(self.file, f"the sheet cannot be read: {exc}"))

    def row_source(self, line: int) -> SourceRef:
        """The SourceRef of the row at ``line`` (the one its Record carries)."""
        return build_frozen(SourceRef, {**self._source, "line": line})

    def _open_sheet(self) -> Any:
        workbook = self._open_workbook()
        if workbook is None:
            return None
        try:
            return self._pick_sheet(workbook)
        except Exception as exc:  # calamine raises several unrelated types for broken sheets; record all
            self.problems.append(unreadable(self.file, f"the sheet cannot be read: {exc}"))
            return None

    def _open_workbook(self) -> Any:
        if not isinstance(self.source, str | os.PathLike) and not self.source.seekable():
            spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # a zip needs seeking
            shutil.copyfileobj(self.source, spool)
            spool.seek(0)
            self.source = spool
        if isinstance(self.source, str | os.PathLike):
            with open(self.source, "rb") as stream:
                problem = zip_problem(stream, self.options, self.file)
        else:
            problem = zip_problem(self.source, self.options, self.file)
            self.source.seek(0)
        if problem:
            self.problems.append(problem)
            return None
        try:
            if isinstance(self.source, str | os.PathLike):
                return python_calamine.CalamineWorkbook.from_path(os.fspath(self.source))
            return python_calamine.CalamineWorkbook.from_filelike(self.source)
        except Exception as exc:  # calamine's error types differ by failure; every one becomes a Problem
            self.problems.append(unreadable(self.file, f"the workbook cannot be opened: {exc}"))
            return None

    def _pick_sheet(self, workbook: Any) -> Any:
        wanted, names = self.options.sheet, workbook.sheet_names
        if wanted is None:
            sheet = self._first_table(workbook, len(names))
        elif isinstance(wanted, int) and 0 <= wanted < len(names):
            sheet = workbook.get_sheet_by_index(wanted)
        elif isinstance(wanted, str) and wanted in names:
            sheet = workbook.get_sheet_by_name(wanted)
        else:
            return self._no_sheet(names)
        if sheet is not None:
            self.sheet_name = sheet.name
        return sheet

    def _first_table(self, workbook: Any, count: int) -> Any:
        """The first sheet holding a table; else the first non-empty sheet; else None (a Problem)."""
        first = None
        for index in range(count):
            sheet = workbook.get_sheet_by_index(index)
            if sheet.start is None:
                continue
            if self._holds_table(sheet):
                return sheet
            first = first or sheet
        if first is None:
            self.problems.append(Problem(code="XLSX-EMPTY", file=self.file, rule="every sheet of the workbook is empty",
                                         hint="check that the right file was exported"))
        return first

    def _holds_table(self, sheet: Any) -> bool:
        """True when the sheet's first non-blank row is the header we expect and data follows.

        With ``columns`` the header must name at least one of them; without, any non-blank row does.
        A cover sheet of notes therefore does not hide the data sheet behind it.
        """
        rows = (row for row in sheet.iter_rows() if any(cell != "" for cell in row))
        header = next(rows, None)
        if header is None or next(rows, None) is None:
            return False
        wanted = set(self.options.columns)
        return not wanted or any(cell_text(cell, False) in wanted for cell in header)

    def _no_sheet(self, names: list[str]) -> None:
        self.problems.append(Problem(
            code="XLSX-NO-SHEET", file=self.file, value=str(self.options.sheet),
            rule=f"the workbook has no sheet {self.options.sheet!r} (sheets: {', '.join(names)})",
            hint="rename the sheet or change the format option sheet"))

    def _rows(self, sheet: Any) -> Iterator[tuple[int, list[str]]]:
        first_col = sheet.start[1]
        rows = enumerate(sheet.iter_rows(), start=1)  # calamine pads rows from row 1 (checked by a test)
        for line, row in rows:
            if any(cell != "" for cell in row):
                self._set_header(row, line)
                break
        seen = 0
        for line, row in rows:
            if all(cell == "" for cell in row):
                continue
            seen += 1
            yield line, self._cells(row, line, first_col)
        if seen == 0:
            self.problems.append(self._problem("XLSX-NO-ROWS", None, "the sheet has a header row but no data rows",
                                               "nothing to translate; check the export's filter",
                                               severity="warning"))

    def _set_header(self, row: list[Any], line: int) -> None:
        header = [cell_text(cell, False) for cell in row]
        while header and header[-1] == "":
            header.pop()
        self.columns = tuple(header)
        self._header_line = line
        self._date = [name in self.options.date_columns for name in header]
        self._ident_indexes = [i for i, name in enumerate(header) if name in self.options.identifier_columns]
        self._source = {**vars(SourceRef(self.file, sheet=self.sheet_name, columns=self.columns))}
        for name in sorted({c for c in header if header.count(c) > 1}):
            self.problems.append(self._problem("XLSX-DUPLICATE-HEADER", line,
                                               f"the header names the column {name!r} more than once",
                                               "rename one of the columns so every header is unique", value=name))

    def _cells(self, row: list[Any], line: int, first_col: int) -> list[str]:
        width = len(self.columns)
        if len(row) < width:
            row = [*row, *([""] * (width - len(row)))]
        elif any(cell != "" for cell in row[width:]):
            self._extra_cells(row, line, first_col)
        cells = row[:width]
        if not all(type(cell) is str for cell in cells):  # the common all-text row skips the conversions
            cells = [cell_text(cell, is_date) for cell, is_date in zip(cells, self._date, strict=True)]
        for index in self._ident_indexes:
            self._check_identifier(row[index], self.columns[index], line, first_col + index + 1)
        return cells

    def _check_identifier(self, value: Any, name: str, line: int, column: int) -> None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            self._identifier_as_number(value, name, line, column)
        elif isinstance(value, str) and SCIENTIFIC.match(value):
            self.problems.append(self._problem(
                "XLSX-IDENTIFIER-SCIENTIFIC", line,
                f"this product identifier is text in scientific notation ({value}), so its digits are already lost",
                "re-enter the full identifier in a column formatted as Text", field=name, column=column, value=value))

    def _identifier_as_number(self, value: float | int, name: str, line: int, column: int) -> None:
        shown = excel_display(value)
        self.problems.append(self._problem(
            "XLSX-IDENTIFIER-AS-NUMBER", line,
            f"Excel stored this product identifier as a number, so leading zeros and digits may be lost "
            f"(value shown as {shown})",
            "format the column as Text and re-enter the identifiers",
            field=name, column=column, value=number_text(value)))

    def _extra_cells(self, row: list[Any], line: int, first_col: int) -> None:
        index = next(i for i in range(len(self.columns), len(row)) if row[i] != "")
        self.problems.append(self._problem(
            "XLSX-CELL-WITHOUT-HEADER", line, "this row has a value in a column that has no header",
            "add a header for the column or clear the cell", column=first_col + index + 1,
            value=cell_text(row[index], False)))

    def _problem(self, code: str, line: int | None, rule: str, hint: str, **extra: Any) -> Problem:
        return Problem(code=code, rule=rule, hint=hint, file=self.file, sheet=self.sheet_name, line=line, **extra)


def reader(source: str | os.PathLike[str] | BinaryIO, options: Mapping[str, Any] | None = None, *,
           file_name: str | None = None) -> XlsxReader:
    """A reader over one sheet of the workbook ``source``; nothing is read until it is iterated."""
    return XlsxReader(source, parse_options(options), file_name)


# --------------------------------------------------------------------------- writing


class XlsxWriter:
    """Writes Records as rows of one sheet; ``close()`` writes the zip to ``target``."""

    def __init__(self, target: BinaryIO, options: XlsxOptions, sheet_name: str = "Sheet1") -> None:
        self.options = options
        self.problems: list[Problem] = []
        self.columns: tuple[str, ...] = ()
        self._book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_numbers": False,
                                                  "strings_to_formulas": False, "strings_to_urls": False})
        self._sheet = self._book.add_worksheet(sheet_name)
        self._formats = self._make_formats()
        self._row = 0
        self._widths: list[int] = []
        if options.columns:
            self._start(options.columns)

    def _make_formats(self) -> dict[str, Any]:
        add = self._book.add_format
        return {"header": add({"bold": True, "bg_color": "#DDEBF7", "bottom": 1}),
                "text": add({"num_format": "@"}), "date": add({"num_format": "yyyy-mm-dd"}),
                "datetime": add({"num_format": "yyyy-mm-dd hh:mm:ss"}), "money": add({"num_format": "0.00"}),
                "number": add({"num_format": "General"})}

    def _start(self, columns: tuple[str, ...]) -> None:
        self.columns = columns
        self._kinds = [self._kind(name) for name in columns]
        self._known = frozenset(columns)
        self._all_text = all(kind in ("string", "identifier") for kind in self._kinds)
        self._text_plan = [(col, name, self._formats["text"] if kind == "identifier" else None)
                           for col, (name, kind) in enumerate(zip(columns, self._kinds, strict=True))]
        for col, name in enumerate(columns):
            self._sheet.write_string(0, col, name, self._formats["header"])
        self._widths = [len(name) + 2 for name in columns]
        self._sheet.freeze_panes(1, 0)
        self._row = 1

    def _kind(self, name: str) -> str:
        opts = self.options
        for kind, names in (("identifier", opts.identifier_columns), ("money", opts.money_columns),
                            ("number", opts.number_columns), ("date", opts.date_columns)):
            if name in names:
                return kind
        return "string"

    def write(self, record: Record) -> None:
        """Write one record as the next row (missing keys are empty cells)."""
        values = record.values
        if not self.columns:
            self._start(tuple(values))
        if not self._known.issuperset(values):
            unknown = [key for key in values if key not in self._known]
            self._reject("XLSX-UNKNOWN-COLUMN", f"the record has values for columns not in the header: "
                         f"{', '.join(unknown)}", "add them to the format option columns", unknown[0], None)
        if self._row <= self.options.width_sample_rows or not self._all_text:
            self._write_row_slowly(values)
        else:
            self._write_text_row([values.get(name) for _, name, _ in self._text_plan])
        self._row += 1

    def _write_text_row(self, values: Sequence[str | None]) -> None:
        """The hot path once every column is text: the row's cells, in column order, straight through."""
        row, write_string = self._row, self._sheet.write_string
        for (col, name, fmt), value in zip(self._text_plan, values):  # noqa: B905 - one value per column
            if value:
                if len(value) > MAX_CELL_CHARS:
                    self._write_cell(col, name, value)  # refuses it (XLSX-CELL-TOO-LONG)
                write_string(row, col, value, fmt)

    def values_writer(self, tag: str, keys: Sequence[str],
                      constants: Mapping[int, str] | None = None) -> Callable[[Sequence[str]], None]:
        """A faster :meth:`write` for many records with the same keys (the mapping engine's outbound path).

        ``constants`` gives the values of some keys (by index) that are the same on every call; ``sink(values)``
        takes the other keys' values, in key order, and writes what :meth:`write` writes for the Record of
        all of them: past the width sample, when the keys are the header and every column is text, the
        cells go straight to ``write_string``; anything else goes through :meth:`write`."""
        keys = tuple(keys)
        if constants:
            return with_constants(self.values_writer(tag, keys), len(keys), constants)

        def slow(values: Sequence[str]) -> None:
            self.write(Record(tag, dict(zip(keys, values, strict=True))))

        def sink(values: Sequence[str]) -> None:
            if self._row <= self.options.width_sample_rows or not self._all_text or keys != self.columns:
                slow(values)
                return
            self._write_text_row(values)
            self._row += 1

        return sink if len(set(keys)) == len(keys) else slow

    def _write_row_slowly(self, values: Mapping[str, str]) -> None:
        for col, name in enumerate(self.columns):
            value = values.get(name, "")
            if value != "":
                self._write_cell(col, name, value)

    def _write_cell(self, col: int, name: str, value: str) -> None:
        if len(value) > MAX_CELL_CHARS:
            self._reject("XLSX-CELL-TOO-LONG", f"Excel cells hold at most {MAX_CELL_CHARS} characters",
                         "shorten the value", name, value[:80])
        kind = self._kinds[col]
        written = False
        if kind in ("number", "money"):
            written = self._write_number(col, name, value, kind)
        elif kind == "date":
            written = self._write_date(col, name, value)
        if not written:
            fmt = self._formats["text"] if kind == "identifier" else None
            self._sheet.write_string(self._row, col, value, fmt)
        if self._row <= self.options.width_sample_rows:
            self._widths[col] = max(self._widths[col], len(value) + 2)

    def _write_number(self, col: int, name: str, value: str, kind: str) -> bool:
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self._warn("XLSX-NOT-A-NUMBER", "the value is not a number, so it was written as text", name, value)
            return False
        self._sheet.write_number(self._row, col, float(number), self._formats[kind])
        return True

    def _write_date(self, col: int, name: str, value: str) -> bool:
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            self._warn("XLSX-NOT-A-DATE", "the value is not an ISO date, so it was written as text", name, value)
            return False
        if when.tzinfo is not None:
            return False  # Excel dates have no time zone; text keeps the offset exactly
        fmt = self._formats["date" if len(value) == 10 else "datetime"]
        self._sheet.write_datetime(self._row, col, when, fmt)
        return True

    def _warn(self, code: str, rule: str, field: str, value: str) -> None:
        self.problems.append(Problem(code=code, rule=rule, field=field, value=value, line=self._row + 1,
                                     severity="warning", hint="check the mapping's column types"))

    def _reject(self, code: str, rule: str, hint: str, field: str | None, value: str | None) -> None:
        problem = Problem(code=code, rule=rule, hint=hint, field=field, value=value, line=self._row + 1)
        self.problems.append(problem)
        raise DocumentRejected([problem])

    def close(self) -> None:
        """Apply widths and the filter, then write the workbook to ``target`` (left open)."""
        for col, width in enumerate(self._widths):
            fmt = self._formats["text"] if self._kinds[col] == "identifier" else None
            self._sheet.set_column(col, col, min(width, self.options.max_column_width), fmt)
        if self.columns:
            self._sheet.autofilter(0, 0, max(self._row - 1, 0), len(self.columns) - 1)
        self._book.close()


def writer(target: BinaryIO, options: Mapping[str, Any] | None = None, **context: Any) -> XlsxWriter:
    """A writer producing one worksheet (``context['sheet_name']`` names it) onto ``target``."""
    parsed = parse_options(options)
    name = context.get("sheet_name") or (parsed.sheet if isinstance(parsed.sheet, str) else "Sheet1")
    return XlsxWriter(target, parsed, str(name))
