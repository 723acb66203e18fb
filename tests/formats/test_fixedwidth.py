"""Fixed-width reader and writer: record types, padding rules, and refusing to truncate."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from translator.errors import DocumentRejected, MappingError
from translator.formats import fixedwidth
from translator.records import Record

DATA = Path(__file__).resolve().parents[1] / "data" / "fixed"
LAYOUT = json.loads((DATA / "acknowledgements.layout.json").read_text())


def read(data: bytes, layout: dict = LAYOUT) -> fixedwidth.FixedReader:
    reader = fixedwidth.reader(io.BytesIO(data), layout, file_name="in.txt")
    return reader


def write(records: list[Record], **extra: object) -> bytes:
    out = io.BytesIO()
    writer = fixedwidth.writer(out, {**LAYOUT, **extra})
    for record in records:
        writer.write(record)
    writer.close()
    return out.getvalue()


def test_golden_file_reads_record_types_and_values() -> None:
    reader = fixedwidth.reader(DATA / "acknowledgements.txt", LAYOUT)
    got = [{"tag": r.tag, "line": r.source.line, "values": r.values} for r in reader]
    assert got == json.loads((DATA / "acknowledgements.expected.json").read_text(encoding="utf-8"))
    assert reader.problems == []


def test_zero_padded_identifiers_keep_leading_zeros_by_default() -> None:
    records = list(fixedwidth.reader(DATA / "acknowledgements.txt", LAYOUT))
    assert records[1].values["vendorProductIdentifier"] == "00012345678905"
    assert records[1].values["itemSequenceNumber"] == "00001"


def test_strip_pad_removes_zero_padding_but_keeps_a_zero() -> None:
    records = list(fixedwidth.reader(DATA / "acknowledgements.txt", LAYOUT))
    assert [r.values["quantity"] for r in records[1:]] == ["2", "0", "12"]


def test_global_strip_pad_applies_to_fields_without_their_own() -> None:
    records = list(fixedwidth.reader(DATA / "acknowledgements.txt", {**LAYOUT, "strip_pad": True}))
    assert records[1].values["vendorProductIdentifier"] == "12345678905"


def test_golden_file_round_trips_to_the_layouts_canonical_padding() -> None:
    original = (DATA / "acknowledgements.txt").read_bytes()
    records = list(fixedwidth.reader(io.BytesIO(original), LAYOUT))
    written = write([Record(r.tag, r.values) for r in records])
    # the blank line is gone and line 5's space padding becomes the layout's zero padding
    assert written == original.replace(b"\r\n\r\n", b"\r\n").replace(b"  012345678905   012", b"00012345678905000012")


def test_unknown_record_and_short_line_are_located_and_not_read() -> None:
    reader = read(b"XX whatever\r\nDT00001\r\n")
    assert list(reader) == []
    assert [(p.code, p.line) for p in reader.problems] == [("FIXED-UNKNOWN-RECORD", 1),
                                                           ("FIXED-LINE-TOO-SHORT", 2)]
    short = reader.problems[1]
    assert (short.record, short.field, short.column) == ("D", "vendorProductIdentifier", 8)


def test_wrong_encoding_is_a_located_problem() -> None:
    reader = read((DATA / "acknowledgements.txt").read_bytes(), {**LAYOUT, "encoding": "utf-8"})
    assert len(list(reader)) == 1
    assert (reader.problems[0].code, reader.problems[0].line) == ("FIXED-ENCODING", 2)


def test_empty_file_is_a_problem() -> None:
    reader = read(b"\r\n   \r\n")
    assert list(reader) == [] and [p.code for p in reader.problems] == ["FIXED-EMPTY"]


def test_writer_pads_and_justifies() -> None:
    data = write([Record("D", {"itemSequenceNumber": "7", "vendorProductIdentifier": "012345678905",
                               "quantity": "3", "code": "IA"})], line_ending="\n")
    assert data == b"DT0000700012345678905000003IA" + b" " * 20 + b"\n"


@pytest.mark.parametrize("record, code", [
    (Record("H", {"purchaseOrderNumber": "12345678901"}), "FIXED-VALUE-TOO-LONG"),
    (Record("H", {"purchaseOrderNumber": "a\nb"}), "FIXED-VALUE-NEWLINE"),
    (Record("H", {"buyer": "x"}), "FIXED-UNKNOWN-FIELD"),
    (Record("T", {}), "FIXED-UNKNOWN-RECORD-TYPE"),
    (Record("H", {"purchaseOrderNumber": "日本"}), "FIXED-UNENCODABLE"),
])
def test_writer_refuses_instead_of_truncating(record: Record, code: str) -> None:
    out = io.BytesIO()
    writer = fixedwidth.writer(out, LAYOUT)
    with pytest.raises(DocumentRejected) as caught:
        writer.write(record)
    assert caught.value.problems[0].code == code
    assert writer.problems == caught.value.problems
    assert out.getvalue() == b""


@pytest.mark.parametrize("records, key", [
    ([], "records"),
    ([{"type": "H", "match": {"start": 1, "length": 2, "value": "H"}, "fields": [{"name": "a", "start": 2, "length": 1}]}],
     "match"),
    ([{"type": "H", "match": {"value": "H"}, "fields": [{"name": "a", "start": 0, "length": 1}]}], "a.start"),
    ([{"type": "H", "match": {"value": "H"}, "fields": [{"name": "a", "start": 2, "length": 3},
                                                       {"name": "b", "start": 4, "length": 1}]}], "fields"),
    ([{"type": "H", "match": {"value": "H"}, "fields": [{"name": "a", "start": 2, "length": 1, "justify": "centre"}]}],
     "fields"),
])
def test_bad_layouts_are_mapping_errors(records: list, key: str) -> None:
    with pytest.raises(MappingError) as caught:
        fixedwidth.parse_options({"records": records})
    assert caught.value.key == key
