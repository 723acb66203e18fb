"""Reading one sheet with python-calamine, after checking the workbook is a sane zip."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

import python_calamine

from translator.formats import source_name
from translator.formats.xlsx.cells import cell_text, excel_display, number_text
from translator.formats.xlsx.options import XlsxOptions, parse_options
from translator.problems import Problem
from translator.records import Record, SourceRef, build_frozen

RATIO_CHECK_MIN_BYTES = 1 << 20
SCIENTIFIC = re.compile(r"\s*[0-9](\.[0-9]+)?E\+?[0-9]+\s*\Z", re.IGNORECASE)  # 8.8061E+12, as Excel shows it
SPOOL_BYTES = 32 << 20


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
