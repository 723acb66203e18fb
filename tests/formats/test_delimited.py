"""CSV reader and writer: golden files, dialects, encodings and every malformed-input case."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from translator.errors import DocumentRejected, MappingError
from translator.formats import delimited
from translator.records import Record

DATA = Path(__file__).resolve().parents[1] / "data" / "csv"


def read(data: bytes, **options: object) -> tuple[list[Record], list]:
    reader = delimited.reader(io.BytesIO(data), options, file_name="in.csv")
    return list(reader), reader.problems


def write(records: list[Record], **options: object) -> bytes:
    out = io.BytesIO()
    writer = delimited.writer(out, options)
    for record in records:
        writer.write(record)
    writer.close()
    return out.getvalue()


def test_excel_semicolon_golden_file_reads_exactly() -> None:
    reader = delimited.reader(DATA / "acknowledgements_excel_semicolon.csv",
                              {"delimiter": ";", "encoding": "utf-8-sig"})
    got = [{"line": r.source.line, "values": r.values} for r in reader]
    expected = json.loads((DATA / "acknowledgements_excel_semicolon.expected.json").read_text())
    assert got == expected
    assert reader.problems == []


def test_records_carry_file_line_and_header_columns() -> None:
    records, _ = read(b"po,qty\r\nA1,2\r\n", )
    assert records[0].tag == "row"
    assert records[0].source.file == "in.csv"
    assert records[0].source.columns == ("po", "qty")


def test_stray_spaces_and_leading_zeros_are_kept() -> None:
    records, _ = read(b"ean, qty \r\n 000123 , 2\r\n")
    assert records[0].values == {"ean": " 000123 ", " qty ": " 2"}


def test_cp1252_file_reads_with_cp1252_option() -> None:
    records = list(delimited.reader(DATA / "titles_cp1252.csv", {"encoding": "cp1252"}))
    assert [r.values["title"] for r in records] == ["Café crème", "Œuvre – 5€"]


def test_cp1252_file_read_as_utf8_names_line_offset_and_encoding() -> None:
    reader = delimited.reader(DATA / "titles_cp1252.csv")
    assert [r.values["po"] for r in reader] == []  # line 2 is already undecodable
    problem = reader.problems[0]
    assert (problem.code, problem.line) == ("CSV-ENCODING", 2)
    assert "byte offset 16" in problem.rule  # b"po,title\r\n" is 10 bytes, then b"A1,Caf"
    assert "encoding: cp1252" in problem.hint


def test_bom_with_cp1252_option_warns_and_is_dropped() -> None:
    records, problems = read(b"\xef\xbb\xbfpo\r\nA1\r\n", encoding="cp1252")
    assert records[0].values == {"po": "A1"}
    assert [(p.code, p.severity) for p in problems] == [("CSV-BOM", "warning")]


def test_ragged_rows_and_broken_quote_are_located_problems() -> None:
    reader = delimited.reader(DATA / "ragged.csv")
    lines = [r.source.line for r in reader]
    assert lines == [2, 3, 4]
    assert [(p.code, p.line) for p in reader.problems] == [
        ("CSV-RAGGED-ROW", 3), ("CSV-RAGGED-ROW", 4), ("CSV-SYNTAX", 5)]
    assert reader.problems[1].value == "many"


def test_blank_lines_are_skipped_and_lines_stay_physical() -> None:
    records, problems = read(b"\r\npo,t\r\n\r\nA1,\"x\ny\"\r\n\r\nA2,z\r\n")
    assert [(r.source.line, r.values["po"]) for r in records] == [(4, "A1"), (7, "A2")]
    assert problems == []


def test_duplicate_header_is_a_problem() -> None:
    _, problems = read(b"po,po\r\nA,B\r\n")
    assert [p.code for p in problems] == ["CSV-DUPLICATE-HEADER"]


def test_empty_and_blank_only_files_are_problems() -> None:
    assert [p.code for p in read(b"")[1]] == ["CSV-EMPTY"]
    assert [p.code for p in read(b"\r\n\r\n")[1]] == ["CSV-EMPTY"]


def test_reader_reads_nothing_until_iterated(tmp_path: Path) -> None:
    missing = tmp_path / "not-yet.csv"
    reader = delimited.reader(missing)
    missing.write_bytes(b"po\r\nA1\r\n")
    assert [r.values for r in reader] == [{"po": "A1"}]


@pytest.mark.parametrize("cell, written", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1+2", "'+1+2"), ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("-12.50", "-12.50"), ("+3", "+3"), ("a=b", "a=b"),
])
def test_writer_neutralises_formulas_but_not_plain_numbers(cell: str, written: str) -> None:
    data = write([Record("row", {"v": cell})], line_ending="\n")
    records, _ = read(data)
    assert records[0].values["v"] == written


def test_writer_can_leave_formulas_alone() -> None:
    data = write([Record("row", {"v": "=1+1"})], neutralise_formulas=False)
    assert data == b"v\r\n=1+1\r\n"


def test_writer_header_from_columns_option_fills_missing_cells() -> None:
    data = write([Record("row", {"b": "2"})], columns=["a", "b"], line_ending="\n")
    assert data == b"a,b\n,2\n"


def test_writer_refuses_values_for_unknown_columns() -> None:
    with pytest.raises(DocumentRejected) as caught:
        write([Record("row", {"a": "1"}), Record("row", {"a": "1", "zz": "2"})])
    assert caught.value.problems[0].code == "CSV-UNKNOWN-COLUMN"
    assert caught.value.problems[0].field == "zz"


def test_writer_utf8_sig_writes_bom_for_excel_and_cp1252_refuses_what_it_cannot_hold() -> None:
    assert write([Record("row", {"t": "é"})], encoding="utf-8-sig").startswith(b"\xef\xbb\xbf")
    with pytest.raises(DocumentRejected) as caught:
        write([Record("row", {"t": "日本"})], encoding="cp1252")
    assert caught.value.problems[0].code == "CSV-UNENCODABLE"


def test_writer_quote_all_and_tab_delimiter() -> None:
    data = write([Record("row", {"a": "1", "b": "x"})], quoting="all", delimiter="\t", line_ending="\n")
    assert data == b'"a"\t"b"\n"1"\t"x"\n'


def test_writer_close_leaves_target_open() -> None:
    out = io.BytesIO()
    writer = delimited.writer(out)
    writer.write(Record("row", {"a": "1"}))
    writer.close()
    assert not out.closed and out.getvalue() == b"a\r\n1\r\n"


@pytest.mark.parametrize("options, key", [
    ({"delimiter": ";;"}, "delimiter"), ({"quoting": "sometimes"}, "quoting"), ({"encoding": "klingon"}, "encoding"),
    ({"line_ending": "\r"}, "line_ending"), ({"delimeter": ","}, "options"), ({"columns": "a,b"}, "columns"),
])
def test_bad_options_are_mapping_errors_naming_the_key(options: dict, key: str) -> None:
    with pytest.raises(MappingError) as caught:
        delimited.parse_options(options)
    assert caught.value.key == key


def test_fast_built_records_equal_normally_built_ones() -> None:
    [record], _ = read(b"po,qty\r\nA1,2\r\n")
    assert record == Record("row", {"po": "A1", "qty": "2"},
                            delimited.SourceRef(file="in.csv", line=2, columns=("po", "qty")))
    assert hash(record.source) == hash(delimited.SourceRef(file="in.csv", line=2, columns=("po", "qty")))


def test_reader_leaves_the_callers_stream_open() -> None:
    stream = io.BytesIO(b"po\r\nA1\r\n")
    list(delimited.reader(stream))
    assert not stream.closed


def test_old_mac_line_endings_are_lines_too() -> None:
    records, problems = read(b"po,qty\rA1,2\rA2,3\r")
    assert [(r.source.line, r.values["po"]) for r in records] == [(2, "A1"), (3, "A2")] and problems == []


def test_bad_bytes_deep_in_a_file_are_located_after_the_good_rows(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"po,t\r\n" + b"A,x\r\n" * 5000 + b"B,caf\xe9\r\n")
    reader = delimited.reader(path)
    assert sum(1 for _ in reader) == 5000
    [problem] = reader.problems
    assert (problem.code, problem.line) == ("CSV-ENCODING", 5002)
    assert f"byte offset {6 + 5 * 5000 + 5}" in problem.rule


def test_bad_bytes_in_an_unseekable_stream_are_still_a_problem() -> None:
    class Pipe(io.BytesIO):
        def seekable(self) -> bool:
            return False

    reader = delimited.reader(Pipe(b"po\r\ncaf\xe9\r\n"))
    assert list(reader) == [] and [p.code for p in reader.problems] == ["CSV-ENCODING"]
