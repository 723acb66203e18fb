"""XLSX reader (calamine) and writer (xlsxwriter): accountant workbooks, identifiers, hostile files."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from translator.errors import DocumentRejected, MappingError
from translator.formats import xlsx
from translator.records import Record

DATA = Path(__file__).resolve().parents[1] / "data" / "xlsx"
ACCOUNTANT = DATA / "accountant.xlsx"
READ_OPTIONS = {"identifier_columns": ["UPC"], "date_columns": ["Serial date"]}


def write(records: list[Record], **options: object) -> bytes:
    out = io.BytesIO()
    writer = xlsx.writer(out, options)
    for record in records:
        writer.write(record)
    writer.close()
    return out.getvalue()


def read_bytes(data: bytes, **options: object) -> xlsx.XlsxReader:
    return xlsx.reader(io.BytesIO(data), options, file_name="in.xlsx")


def test_accountant_workbook_reads_to_golden_values() -> None:
    reader = xlsx.reader(ACCOUNTANT, READ_OPTIONS)
    got = [{"line": r.source.line, "values": r.values} for r in reader]
    assert got == json.loads((DATA / "accountant.expected.json").read_text(encoding="utf-8"))
    assert reader.sheet_name == "Shipments"


def test_identifier_typed_as_number_is_rejected_with_excel_display() -> None:
    reader = xlsx.reader(ACCOUNTANT, READ_OPTIONS)
    list(reader)
    [problem] = reader.problems
    assert problem.code == "XLSX-IDENTIFIER-AS-NUMBER"
    assert (problem.sheet, problem.line, problem.column, problem.field) == ("Shipments", 6, 3, "UPC")
    assert "8.8061E+12" in problem.rule
    assert problem.value == "8806098286500"


def test_records_carry_sheet_excel_row_and_columns() -> None:
    record = next(iter(xlsx.reader(ACCOUNTANT)))
    assert record.source.sheet == "Shipments"
    assert record.source.line == 4  # header in row 3, blank rows above
    assert record.source.columns[0] == "PO"


@pytest.mark.parametrize("sheet", ["Shipments", 1])
def test_sheet_option_by_name_or_index(sheet: object) -> None:
    assert len(list(xlsx.reader(ACCOUNTANT, {"sheet": sheet}))) == 2


def test_missing_sheet_is_a_problem_listing_the_sheets() -> None:
    reader = xlsx.reader(ACCOUNTANT, {"sheet": "Invoices"})
    assert list(reader) == []
    assert reader.problems[0].code == "XLSX-NO-SHEET"
    assert "Notes, Shipments" in reader.problems[0].rule


def test_columns_option_picks_the_sheet_whose_header_names_them() -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    decoy = book.add_worksheet("Decoy")
    decoy.write_row(0, 0, ["x", "y"])
    decoy.write_row(1, 0, ["1", "2"])
    real = book.add_worksheet("Real")
    real.write_row(0, 0, ["PO", "Qty"])
    real.write_row(1, 0, ["A1", "2"])
    book.close()
    reader = read_bytes(out.getvalue(), columns=["PO"])
    assert [r.values for r in reader] == [{"PO": "A1", "Qty": "2"}]


@pytest.mark.parametrize("value, text", [
    (5.0, "5"), (12.5, "12.5"), (0.1, "0.1"), (1e20, "100000000000000000000"), (-3.25, "-3.25"), (7, "7"),
    (1.5e-7, "0.00000015"),
])
def test_number_cells_become_exact_plain_text(value: float, text: str) -> None:
    assert xlsx.number_text(value) == text


def test_excel_serial_dates_convert_only_in_date_columns() -> None:
    assert xlsx.cell_text(46346.0, True) == "2026-11-20"
    assert xlsx.cell_text(46346.0, False) == "46346"
    assert xlsx.cell_text(True, False) == "TRUE"


def test_not_a_zip_truncated_and_empty_files_are_unreadable() -> None:
    whole = ACCOUNTANT.read_bytes()
    for data in (b"", b"hello", whole[: len(whole) // 2]):
        reader = read_bytes(data)
        assert list(reader) == []
        assert [p.code for p in reader.problems] == ["XLSX-UNREADABLE"]


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 << 20))
    assert len(bomb.getvalue()) < 100_000
    reader = read_bytes(bomb.getvalue())
    assert list(reader) == []
    assert reader.problems[0].code == "XLSX-UNREADABLE"
    assert "zip bomb" in reader.problems[0].rule


def test_total_uncompressed_size_limit_is_configurable() -> None:
    reader = read_bytes(ACCOUNTANT.read_bytes(), max_uncompressed_bytes=1000)
    assert list(reader) == [] and "more than the 1000 allowed" in reader.problems[0].rule


def entity_workbook(source: Path) -> bytes:
    """The accountant workbook with an XML entity declared and used in its shared strings."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/sharedStrings.xml":
                text = data.decode()
                text = text.replace("<sst ", '<!DOCTYPE sst [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;">]><sst ', 1)
                data = text.replace("2JK3S9VC", "&b;").encode()
            new.writestr(info, data)
    return out.getvalue()


def test_xml_entity_bomb_is_unreadable_not_expanded() -> None:
    reader = read_bytes(entity_workbook(ACCOUNTANT))
    records = list(reader)
    assert not any("lol" in v for r in records for v in r.values.values())
    assert [p.code for p in reader.problems] == ["XLSX-UNREADABLE"]


def test_calamine_rows_start_at_excel_row_one() -> None:
    """Pins the calamine behaviour the reader relies on: iter_rows pads from row 1, columns from the range."""
    book = openpyxl.Workbook()
    book.active["C5"] = "h"
    book.active["C7"] = "v"
    out = io.BytesIO()
    book.save(out)
    [record] = list(read_bytes(out.getvalue()))
    assert record.source.line == 7 and record.values == {"h": "v"}


def test_header_only_sheet_warns() -> None:
    reader = read_bytes(write([], columns=["a", "b"]))
    assert list(reader) == [] and [p.code for p in reader.problems] == ["XLSX-NO-ROWS"]


def test_cell_beyond_the_header_is_a_problem() -> None:
    book = openpyxl.Workbook()
    book.active.append(["po", "qty"])
    book.active.append(["A1", "2", "stray"])
    out = io.BytesIO()
    book.save(out)
    reader = read_bytes(out.getvalue())
    assert [r.values for r in reader] == [{"po": "A1", "qty": "2"}]
    assert [(p.code, p.column, p.value) for p in reader.problems] == [("XLSX-CELL-WITHOUT-HEADER", 3, "stray")]


# --------------------------------------------------------------------------- writer


ROWS = [
    Record("row", {"ean": "012345678905", "title": "=HYPERLINK(\"http://x\")", "qty": "3", "cost": "12.50",
                   "shipDate": "2026-11-20", "stamp": "2026-11-20T14:30:00"}),
    Record("row", {"ean": "000000000017", "title": "+plain", "qty": "1", "cost": "0.10",
                   "shipDate": "2026-11-21", "stamp": "2026-11-21T00:00:01Z"}),
]
TYPED = {"identifier_columns": ["ean"], "number_columns": ["qty"], "money_columns": ["cost"],
         "date_columns": ["shipDate", "stamp"]}


@pytest.fixture(scope="module")
def written_sheet() -> object:
    book = openpyxl.load_workbook(io.BytesIO(write(ROWS, **TYPED)))
    return book.active


def test_writer_keeps_identifiers_and_formula_like_titles_as_text(written_sheet) -> None:
    assert written_sheet["A2"].value == "012345678905" and written_sheet["A2"].data_type == "s"
    assert written_sheet["A2"].number_format == "@"
    assert written_sheet["B2"].data_type == "s" and written_sheet["B2"].value.startswith("=HYPERLINK")


def test_writer_writes_declared_numbers_money_and_dates(written_sheet) -> None:
    assert written_sheet["C2"].value == 3
    assert written_sheet["D2"].value == 12.5 and written_sheet["D2"].number_format == "0.00"
    assert written_sheet["E2"].is_date and written_sheet["E2"].number_format == "yyyy-mm-dd"
    assert written_sheet["F2"].is_date
    assert written_sheet["F3"].value == "2026-11-21T00:00:01Z"  # time zone kept as text


def test_writer_header_is_bold_frozen_filtered_and_sized(written_sheet) -> None:
    assert all(cell.font.b for cell in written_sheet[1])
    assert written_sheet.freeze_panes == "A2"
    assert written_sheet.auto_filter.ref == "A1:F3"
    assert written_sheet.column_dimensions["B"].width > written_sheet.column_dimensions["C"].width


def test_writer_money_stays_text_unless_declared() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(write(ROWS))).active
    assert sheet["D2"].value == "12.50"


def test_writer_warns_when_a_declared_number_is_not_one() -> None:
    out = io.BytesIO()
    writer = xlsx.writer(out, {"number_columns": ["qty"]})
    writer.write(Record("row", {"qty": "three"}))
    writer.close()
    assert [(p.code, p.line, p.severity) for p in writer.problems] == [("XLSX-NOT-A-NUMBER", 2, "warning")]


def test_writer_refuses_cells_excel_cannot_hold() -> None:
    with pytest.raises(DocumentRejected) as caught:
        write([Record("row", {"t": "x" * 40000})])
    assert caught.value.problems[0].code == "XLSX-CELL-TOO-LONG"


def test_writer_names_the_sheet_from_context() -> None:
    out = io.BytesIO()
    writer = xlsx.writer(out, None, sheet_name="Orders")
    writer.write(Record("row", {"a": "1"}))
    writer.close()
    assert openpyxl.load_workbook(out).sheetnames == ["Orders"]


def test_unknown_option_is_a_mapping_error() -> None:
    with pytest.raises(MappingError):
        xlsx.parse_options({"identifer_columns": ["ean"]})


def test_writer_fast_path_after_the_width_sample_keeps_the_same_rules() -> None:
    rows = [Record("row", {"ean": f"0{n:011d}", "title": f"=cmd|{n}"}) for n in range(5)]
    data = write(rows, identifier_columns=["ean"], width_sample_rows=1)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet["A"]][1:] == [r.values["ean"] for r in rows]
    assert all(c.data_type == "s" and c.number_format == "@" for c in sheet["A"][1:])
    assert all(c.data_type == "s" for c in sheet["B"][1:])
    with pytest.raises(DocumentRejected):
        write([*rows, Record("row", {"title": "y" * 40000})], width_sample_rows=1)


def test_identifier_already_in_scientific_text_is_rejected() -> None:
    reader = read_bytes(write([Record("row", {"ean": "8.8061E+12"}), Record("row", {"ean": "0880609828650"})]),
                        identifier_columns=["ean"])
    assert [r.values["ean"] for r in reader] == ["8.8061E+12", "0880609828650"]
    assert [(p.code, p.line) for p in reader.problems] == [("XLSX-IDENTIFIER-SCIENTIFIC", 2)]


def test_unseekable_stream_is_read() -> None:
    class Pipe(io.BytesIO):
        def seekable(self) -> bool:
            return False

    assert len(list(xlsx.reader(Pipe(ACCOUNTANT.read_bytes())))) == 2


def test_workbook_with_only_empty_sheets_is_a_problem() -> None:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    reader = read_bytes(out.getvalue())
    assert list(reader) == [] and [p.code for p in reader.problems] == ["XLSX-EMPTY"]
