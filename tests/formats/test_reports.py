"""Error reports in the input's own format: CSV copy + listing, XLSX highlighted copy, fixed markers, JSON."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import openpyxl

from translator.formats import delimited, fixedwidth, reports, xlsx
from translator.problems import Problem

DATA = Path(__file__).resolve().parents[1] / "data"
QTY_RULE = Problem(code="ACK-QTY-ABOVE-ORDERED", rule="acknowledged quantity is above the ordered quantity",
                   field="qty", line=2, value="2", hint="acknowledge at most the ordered quantity")


def read_csv(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as stream:
        return list(csv.reader(stream))


def test_csv_report_adds_error_columns_on_offending_rows_only(tmp_path: Path) -> None:
    source = DATA / "csv" / "ragged.csv"
    reader = delimited.reader(source)
    list(reader)
    written = reports.write_csv_report(source, [*reader.problems, QTY_RULE], tmp_path / "ragged.report.csv")
    rows = read_csv(written[0])
    assert rows[0] == ["po", "qty", "title", "errors", "error_codes"]
    assert rows[1][:3] == ["A1", "2", "ok"] and rows[1][4] == "ACK-QTY-ABOVE-ORDERED"
    assert rows[1][3].startswith("qty: acknowledged quantity is above")
    assert rows[2][:3] == ["A2", "3", ""] and rows[2][4] == "CSV-RAGGED-ROW"  # short row padded under header
    assert written[1] == tmp_path / "ragged.report.errors.csv"


def test_csv_listing_has_every_problem_including_file_level_ones(tmp_path: Path) -> None:
    file_level = Problem(code="CSV-NO-ROWS", rule="no rows", severity="warning")
    _, listing = reports.write_csv_report(DATA / "csv" / "ragged.csv", [QTY_RULE, file_level], tmp_path / "r.csv")
    rows = read_csv(listing, encoding="utf-8-sig")
    assert rows[0] == list(reports.LISTING_COLUMNS)
    assert [r[5] for r in rows[1:]] == ["ACK-QTY-ABOVE-ORDERED", "CSV-NO-ROWS"]
    assert rows[1][0] == "2" and rows[1][3] == "qty" and rows[1][7].startswith("acknowledge at most")


def test_csv_report_of_a_wrongly_encoded_file_keeps_its_bytes(tmp_path: Path) -> None:
    source = DATA / "csv" / "titles_cp1252.csv"
    reader = delimited.reader(source)
    list(reader)
    target, _ = reports.write_csv_report(source, reader.problems, tmp_path / "t.csv")
    data = target.read_bytes()
    assert b"Caf\xe9 cr\xe8me" in data and b"CSV-ENCODING" in data


def test_csv_report_keeps_the_input_dialect(tmp_path: Path) -> None:
    source = DATA / "csv" / "acknowledgements_excel_semicolon.csv"
    options = {"delimiter": ";", "encoding": "utf-8-sig"}
    problem = Problem(code="X", rule="bad", line=4, field="quantity")
    target, _ = reports.write_csv_report(source, [problem], tmp_path / "a.csv", options)
    assert target.read_bytes().startswith(b"\xef\xbb\xbfpurchaseOrderNumber;")
    records = list(delimited.reader(target, options))
    assert [r.values["error_codes"] for r in records] == ["", "X", ""]
    assert records[1].values["title"] == "Two\r\nlines, é"


def test_xlsx_report_highlights_and_comments_the_offending_cells(tmp_path: Path) -> None:
    source = DATA / "xlsx" / "accountant.xlsx"
    reader = xlsx.reader(source, {"identifier_columns": ["UPC"]})
    list(reader)
    by_field = Problem(code="ACK-QTY-ABOVE-ORDERED", rule="too many", sheet="Shipments", line=4, field="Qty")
    target = reports.write_xlsx_report(source, [*reader.problems, by_field], tmp_path / "report.xlsx")
    book = openpyxl.load_workbook(target)
    sheet = book["Shipments"]
    assert sheet["C6"].fill.fgColor.rgb == reports.ERROR_FILL
    assert "XLSX-IDENTIFIER-AS-NUMBER" in sheet["C6"].comment.text
    assert sheet["D4"].fill.fgColor.rgb == reports.ERROR_FILL and "too many" in sheet["D4"].comment.text
    assert sheet["B4"].comment is None
    assert book.sheetnames == ["Notes", "Shipments", "Problems"]
    assert book["Shipments"]["H4"].value == "=not a formula"  # the copy keeps the original's text cells


def test_xlsx_report_problem_sheet_never_turns_text_into_formulas(tmp_path: Path) -> None:
    problem = Problem(code="X", rule="bad title", value="=HYPERLINK(\"evil\")", line=4, sheet="Shipments")
    target = reports.write_xlsx_report(DATA / "xlsx" / "accountant.xlsx", [problem], tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(target)["Problems"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert any(cell.value == problem.value for cell in cells)
    assert all(cell.data_type != "f" for cell in cells)


def test_xlsx_report_of_an_unreadable_workbook_is_a_problem_listing(tmp_path: Path) -> None:
    source = tmp_path / "broken.xlsx"
    source.write_bytes(b"not a zip")
    reader = xlsx.reader(source)
    list(reader)
    target = reports.write_xlsx_report(source, reader.problems, tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Problems"]
    assert book["Problems"]["F2"].value == "XLSX-UNREADABLE"


def test_xlsx_report_does_not_touch_the_original(tmp_path: Path) -> None:
    source = tmp_path / "in.xlsx"
    shutil.copy(DATA / "xlsx" / "accountant.xlsx", source)
    before = source.read_bytes()
    reports.write_xlsx_report(source, [Problem(code="X", rule="r", line=4, column=2)], tmp_path / "out.xlsx")
    assert source.read_bytes() == before


def test_fixed_report_marks_the_field_under_the_offending_line(tmp_path: Path) -> None:
    layout = json.loads((DATA / "fixed" / "acknowledgements.layout.json").read_text())
    problem = Problem(code="ACK-BAD-CODE", rule="unknown code", line=2, record="D", field="code",
                      hint="use IA or IR")
    target = reports.write_fixed_report(DATA / "fixed" / "acknowledgements.txt", [problem],
                                        tmp_path / "r.txt", layout)
    lines = target.read_bytes().decode("cp1252").split("\r\n")
    assert lines[1].startswith("DT00001")
    marker = lines[2].split("\n")
    assert marker[0] == " " * 27 + "^^"
    assert marker[1] == "!! [ACK-BAD-CODE] field code: unknown code - use IA or IR"


def test_fixed_report_without_layout_marks_the_reported_column(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_bytes(b"XX1\nDT00001\n")
    reader = fixedwidth.reader(source, json.loads((DATA / "fixed" / "acknowledgements.layout.json").read_text()))
    list(reader)
    text = reports.write_fixed_report(source, reader.problems, tmp_path / "r.txt").read_text()
    assert "!! [FIXED-UNKNOWN-RECORD]" in text.splitlines()[1]
    assert text.splitlines()[3] == " " * 7 + "^"


def test_problems_json_to_path_and_stream(tmp_path: Path) -> None:
    reports.write_problems_json([QTY_RULE], tmp_path / "p.json")
    data = json.loads((tmp_path / "p.json").read_text())
    assert data == {"count": 1, "problems": [QTY_RULE.to_dict()]}
    stream = io.BytesIO()
    reports.write_problems_json([], stream)
    assert json.loads(stream.getvalue()) == {"count": 0, "problems": []}


def test_atomic_write_leaves_nothing_behind_on_failure(tmp_path: Path) -> None:
    try:
        with reports.atomic_write(tmp_path / "x.csv") as stream:
            stream.write(b"partial")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert list(tmp_path.iterdir()) == []
