"""Error reports in the input's own format, so the person who made the file can fix it where it is.

* CSV (:func:`write_csv_report`): a copy of the input, byte-faithful in its cells, with two columns
  appended: ``errors`` (the rules broken on that row, in words) and ``error_codes``. Every problem,
  including file-level ones with no row, is also listed in a separate ``<target>.errors.csv``
  (line, column, field, value, code, rule, hint, ...). We chose a separate listing over a summary
  at the top so the copy still opens, sorts and re-imports like the original.
* XLSX (:func:`write_xlsx_report`): a copy of the workbook (openpyxl, so the original's sheets and
  formatting survive) with each offending cell filled red and a comment saying what is wrong, plus
  a ``Problems`` sheet listing every problem.
* Fixed width (:func:`write_fixed_report`): the original lines, each offending one followed by a
  caret line under the bad field and a ``!!`` line with the rule and hint.
* :func:`write_problems_json` for machines.

Problems locate cells by ``sheet`` + ``line`` + ``column`` (1-based) or by ``field`` = header name.
Every file is written atomically (temporary name in the target's folder, fsync, rename).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, BinaryIO

from translator.formats import DecodedLines, delimited, fixedwidth
from translator.formats import xlsx as xlsx_format
from translator.problems import Problem

LISTING_COLUMNS = ("line", "sheet", "column", "field", "value", "code", "rule", "hint", "severity",
                   "record", "segment", "document")
PROBLEM_SHEET = "Problems"
ERROR_FILL = "FFFFC7CE"
HEADER_SCAN_ROWS = 50


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path``; on success fsync it and rename it into place."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def row_message(problems: Sequence[Problem]) -> tuple[str, str]:
    """The ``errors`` and ``error_codes`` cells for one row's problems."""
    texts = []
    for p in problems:
        where = f"{p.field}: " if p.field else (f"column {p.column}: " if p.column else "")
        texts.append(f"{where}{p.rule}" + (f" ({p.hint})" if p.hint else ""))
    codes = dict.fromkeys(p.code for p in problems)
    return "; ".join(texts), " ".join(codes)


def by_line(problems: Iterable[Problem]) -> dict[int, list[Problem]]:
    """Problems grouped by their 1-based line; those without a line are left out."""
    grouped: dict[int, list[Problem]] = defaultdict(list)
    for p in problems:
        if p.line is not None:
            grouped[p.line].append(p)
    return grouped


# --------------------------------------------------------------------------- JSON and listing


def write_problems_json(problems: Iterable[Problem], target: str | os.PathLike[str] | BinaryIO) -> None:
    """``{"count": n, "problems": [...]}``; to a path (atomically) or an open binary stream."""
    items = [p.to_dict() for p in problems]
    data = json.dumps({"count": len(items), "problems": items}, ensure_ascii=False, indent=2).encode()
    if isinstance(target, str | os.PathLike):
        with atomic_write(target) as stream:
            stream.write(data + b"\n")
    else:
        target.write(data + b"\n")


def write_problem_listing(problems: Iterable[Problem], target: str | os.PathLike[str],
                          encoding: str = "utf-8-sig") -> None:
    """Every problem as one CSV row (UTF-8 with BOM so Excel shows accents correctly)."""
    with atomic_write(target) as stream:
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        out = csv.writer(text)
        out.writerow(LISTING_COLUMNS)
        for p in problems:
            row = p.to_dict()
            out.writerow([delimited.neutralise(str(row.get(k, ""))) for k in LISTING_COLUMNS])
        text.flush()
        text.detach()


# --------------------------------------------------------------------------- CSV


def listing_path(target_path: str | os.PathLike[str]) -> Path:
    """Where :func:`write_csv_report` puts the full listing: ``orders.csv`` -> ``orders.errors.csv``."""
    target = Path(target_path)
    return target.with_name(f"{target.stem}.errors.csv")


def write_csv_report(source_path: str | os.PathLike[str], problems: Sequence[Problem],
                     target_path: str | os.PathLike[str], options: Mapping[str, Any] | None = None) -> list[Path]:
    """Copy of the CSV with ``errors``/``error_codes`` columns, plus the ``.errors.csv`` listing.

    ``options`` are the CSV format options the input was read with. Undecodable bytes are carried
    through unchanged (surrogate escapes), so a file in the wrong encoding still gets its report.
    Returns the paths written.
    """
    opts = delimited.parse_options(options)
    rows = by_line(problems)
    with atomic_write(target_path) as stream, open(source_path, "rb") as source:
        _copy_csv_with_errors(source, stream, opts, rows)
    listing = listing_path(target_path)
    write_problem_listing(problems, listing)
    return [Path(target_path), listing]


def _copy_csv_with_errors(source: BinaryIO, stream: IO[bytes], opts: delimited.CsvOptions,
                          rows: Mapping[int, list[Problem]]) -> None:
    encoding = "utf-8" if opts.encoding == "utf-8-sig" else opts.encoding

    def lenient(raw: bytes) -> tuple[str, int]:
        return raw.decode(encoding, "surrogateescape"), len(raw)

    lines = DecodedLines(source, opts.encoding, None, "CSV", [], lenient)
    text = io.TextIOWrapper(stream, encoding=opts.encoding, errors="surrogateescape", newline="")
    dialect = {**opts.dialect(), "strict": False}  # copy what is there; the listing explains the breakage
    out = csv.writer(text, **dialect)
    reader = csv.reader(lines, **dialect)
    header_done, previous_end = False, 0
    with contextlib.suppress(csv.Error):  # an unreadable tail is already a Problem in the listing
        for row in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not row:
                continue
            if not header_done:
                out.writerow([*row, "errors", "error_codes"])
                width, header_done = len(row), True
                continue
            errors, codes = row_message(rows.get(start, ()))
            padding = [""] * (width - len(row))  # keep a short row's errors under the errors header
            out.writerow([*row, *padding, delimited.neutralise(errors), codes])
    text.flush()
    text.detach()


# --------------------------------------------------------------------------- fixed width


def write_fixed_report(source_path: str | os.PathLike[str], problems: Sequence[Problem],
                       target_path: str | os.PathLike[str], options: Mapping[str, Any] | None = None) -> Path:
    """The original lines; after each offending one a caret line and a ``!!`` line per problem.

    With the layout ``options`` the carets span the whole field; without, they mark its first column.
    """
    layout = fixedwidth.parse_options(options) if options else None
    encoding = layout.encoding if layout else "utf-8"
    rows = by_line(problems)
    with atomic_write(target_path) as stream, open(source_path, "rb") as source:
        for number, raw in enumerate(source, start=1):
            stream.write(raw if raw.endswith(b"\n") else raw + b"\n")
            for p in rows.get(number, ()):
                stream.write(_fixed_marker(p, layout).encode(encoding, "replace"))
        for p in (p for p in problems if p.line is None):
            stream.write(_fixed_marker(p, layout).encode(encoding, "replace"))
    return Path(target_path)


def _fixed_marker(problem: Problem, layout: fixedwidth.FixedOptions | None) -> str:
    start, length = problem.column, 1
    record = layout.layout(problem.record) if layout and problem.record else None
    field = next((f for f in record.fields if f.name == problem.field), None) if record else None
    if field is not None:
        start, length = field.start, field.length
    carets = " " * (start - 1) + "^" * length + "\n" if start else ""
    where = f"field {problem.field}: " if problem.field else ""
    hint = f" - {problem.hint}" if problem.hint else ""
    return f"{carets}!! [{problem.code}] {where}{problem.rule}{hint}\n"


# --------------------------------------------------------------------------- XLSX


def write_xlsx_report(source_path: str | os.PathLike[str], problems: Sequence[Problem],
                      target_path: str | os.PathLike[str]) -> Path:
    """A copy of the workbook with offending cells filled and commented, plus a Problems sheet.

    A workbook we cannot open (not a zip, a zip bomb, broken XML) gets a fresh workbook holding only
    the Problems sheet, so the sender still receives a report in the format they sent.
    """
    from openpyxl import Workbook, load_workbook  # imported here: only reports need openpyxl

    book = None
    with open(source_path, "rb") as stream:
        unsafe = xlsx_format.zip_problem(stream, xlsx_format.parse_options({}), None)
    if unsafe is None:
        try:
            book = load_workbook(source_path)
        except Exception:  # openpyxl raises many types for broken files; fall back to a listing-only report
            book = None
    if book is None:
        book = Workbook()
        book.remove(book.active)
    else:
        _mark_cells(book, problems)
    _add_problem_sheet(book, problems)
    with atomic_write(target_path) as out:
        book.save(out)
    return Path(target_path)


def _mark_cells(book: Any, problems: Sequence[Problem]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    fill = PatternFill(fill_type="solid", start_color=ERROR_FILL, end_color=ERROR_FILL)
    headers: dict[str, tuple[int, dict[str, int]]] = {}
    for p in problems:
        if p.line is None:
            continue
        sheet = book[p.sheet] if p.sheet in book.sheetnames else book.worksheets[0]
        if sheet.title not in headers:
            headers[sheet.title] = _header_columns(sheet)
        column = p.column or headers[sheet.title][1].get(p.field or "", 1)
        cell = sheet.cell(row=p.line, column=column)
        cell.fill = fill
        text = f"[{p.code}] {p.rule}" + (f"\n{p.hint}" if p.hint else "")
        if cell.comment is not None:
            text = f"{cell.comment.text}\n\n{text}"
        cell.comment = Comment(text, "translator", width=320, height=140)


def _header_columns(sheet: Any) -> tuple[int, dict[str, int]]:
    """(header row, {header name: 1-based column}) from the first non-blank row."""
    for row in sheet.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS):
        named = {str(c.value): c.column for c in row if c.value not in (None, "")}
        if named:
            return row[0].row, named
    return 1, {}


def _add_problem_sheet(book: Any, problems: Sequence[Problem]) -> None:
    from openpyxl.styles import Font

    title = PROBLEM_SHEET
    while title in book.sheetnames:
        title += "_"
    sheet = book.create_sheet(title)
    sheet.append(list(LISTING_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for p in problems:
        row = p.to_dict()
        sheet.append([str(row.get(k, "")) for k in LISTING_COLUMNS])
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"  # values are text; never let openpyxl treat "=..." as a formula
    sheet.freeze_panes = "A2"
