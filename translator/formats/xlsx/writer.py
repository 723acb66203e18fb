"""Writing one sheet with xlsxwriter in constant-memory mode."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

import xlsxwriter

from translator.errors import DocumentRejected
from translator.formats.delimited import with_constants
from translator.formats.xlsx.options import XlsxOptions, parse_options
from translator.problems import Problem
from translator.records import Record

MAX_CELL_CHARS = 32767


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
