"""X12 reader: golden files, delimiters from the ISA, line-break variants, concatenated interchanges."""

from __future__ import annotations

import io
import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from translator.formats import x12
from translator.records import Record, SourceRef

DATA = Path(__file__).resolve().parents[1] / "data" / "x12"
GOLDEN = sorted(DATA.glob("*.x12"))
NOW = datetime(2026, 11, 23, 14, 30)


def read_all(source, options=None, file_name=None):
    r = x12.reader(source, options, file_name=file_name)
    return list(r), r


def from_text(text: str, options=None) -> tuple[list[Record], x12.Reader]:
    return read_all(io.BytesIO(text.encode("utf-8")), options, file_name="t.x12")


def simplified(records: list[Record]) -> list[list]:
    return [[r.tag, r.values, r.source.segment, r.source.message] for r in records]


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_golden_file_reads_to_expected_records(path: Path) -> None:
    records, r = read_all(path)
    assert r.problems == []
    expected_path = DATA / "expected" / f"{path.stem}.json"
    got = simplified(records)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        expected_path.parent.mkdir(exist_ok=True)
        lines = ",\n".join(json.dumps(rec, ensure_ascii=False) for rec in got)
        expected_path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    assert got == json.loads(expected_path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_read_write_read_reproduces_the_file_byte_for_byte(path: Path) -> None:
    records, r = read_all(path)
    ic = r.interchanges[0]
    group = ic.groups[0]
    options = {"sender_qualifier": ic.sender_qualifier, "sender_id": ic.sender_id,
               "receiver_qualifier": ic.receiver_qualifier, "receiver_id": ic.receiver_id,
               "gs_sender": group.sender, "gs_receiver": group.receiver, "usage": ic.usage,
               "acknowledgement_requested": ic.acknowledgement_requested == "1", "newline_after_segment": True}
    out = io.BytesIO()
    numbers = x12.CounterControlNumbers(start=int(ic.control_number))
    x12.write(records, out, options, control_numbers=numbers, now=NOW)
    assert out.getvalue() == path.read_bytes()
    again, r2 = from_text(out.getvalue().decode())
    assert r2.problems == [] and [(a.tag, a.values) for a in again] == [(b.tag, b.values) for b in records]


def test_records_span_st_to_se_with_source_located_by_segment_and_control_number() -> None:
    records, r = read_all(DATA / "856_floor_denial.x12")
    path = str(DATA / "856_floor_denial.x12")
    assert records[0] == Record("ST", {"ST01": "856", "ST02": "0105"}, SourceRef(path, segment=3, message="0105"))
    assert records[-1].tag == "SE" and records[-1].values == {"SE01": "12", "SE02": "0105"}
    bsn = records[1]
    assert bsn.values["BSN06"] == "72" and bsn.values["BSN07"] == "REJ"
    assert records[8].values == {"SN101": "1", "SN102": "0", "SN103": "EA", "SN108": "IR"}  # empties omitted
    assert r.segment_count == 16


def test_reader_exposes_envelope_information() -> None:
    _, r = read_all(DATA / "850_order.x12")
    (ic,) = r.interchanges
    assert (ic.sender_qualifier, ic.sender_id, ic.receiver_qualifier, ic.receiver_id) == \
        ("ZZ", "AMAZONDS", "ZZ", "ACMEVENDORDF")
    assert (ic.control_number, ic.version, ic.usage, ic.acknowledgement_requested) == ("000000100", "00401", "T", "1")
    (group,) = ic.groups
    assert (group.functional_id, group.control_number, group.version) == ("PO", "100", "004010")
    assert [(s.id, s.control_number, s.accepted) for s in group.sets] == [("850", "0100", True)]
    assert [s.control_number for s in r.transaction_sets()] == ["0100"]


def test_identifiers_and_money_stay_text_with_leading_zeros() -> None:
    records, _ = read_all(DATA / "850_order.x12")
    po1 = [rec for rec in records if rec.tag == "PO1"]
    assert po1[1].values["PO107"] == "0012345678905" and po1[0].values["PO104"] == "19.99"
    pid = [rec for rec in records if rec.tag == "PID"]
    assert pid[1].values["PID05"] == "CAFÉ FILTERS 100CT"


def test_nothing_is_read_until_iterated(tmp_path: Path) -> None:
    r = x12.reader(tmp_path / "missing.x12")
    assert r.problems == [] and r.file_name == str(tmp_path / "missing.x12")
    assert x12.reader(io.BytesIO(b""), file_name="in.x12").file_name == "in.x12"


GOLDEN_TEXT = (DATA / "856_sopi.x12").read_text()


@pytest.mark.parametrize("ending", ["~", "~\n", "~\r\n", "\n", "\r\n"], ids=repr)
def test_any_segment_terminator_with_or_without_line_breaks(ending: str) -> None:
    expected, _ = from_text(GOLDEN_TEXT)
    got, r = from_text(GOLDEN_TEXT.replace("~\n", ending))
    assert r.problems == []
    assert [(a.tag, a.values) for a in got] == [(b.tag, b.values) for b in expected]


def test_mixed_line_breaks_blank_lines_bom_and_leading_whitespace_are_tolerated() -> None:
    lines = GOLDEN_TEXT.split("~\n")
    text = "\ufeff \r\n\n" + "".join(seg + ("~\r\n\n" if i % 3 else "~") for i, seg in enumerate(lines) if seg)
    expected, _ = from_text(GOLDEN_TEXT)
    got, r = from_text(text)
    assert r.problems == []
    assert [(a.tag, a.values, a.source.segment) for a in got] == \
        [(b.tag, b.values, b.source.segment) for b in expected]


@pytest.mark.parametrize("ending", ["\n", "\r\n", "~"], ids=repr)
def test_blank_lines_between_segments_are_skipped(ending: str) -> None:
    expected, _ = from_text(GOLDEN_TEXT)
    text = GOLDEN_TEXT.replace("~\n", ending).replace(f"HL*2*1*O{ending}", f"HL*2*1*O{ending}\n\n")
    got, r = from_text(text)
    assert r.problems == [] and [(a.tag, a.values) for a in got] == [(b.tag, b.values) for b in expected]


def redelimit(text: str, element: str, component: str, terminator: str) -> str:
    return text.replace("*", element).replace(">", component).replace("~\n", terminator)


@pytest.mark.parametrize(("element", "component", "terminator"),
                         [("|", "^", "~"), ("|", ":", "\n"), ("^", "\\", "'"), ("\x1d", "\x1f", "\x1e")])
def test_delimiters_come_from_the_isa(element: str, component: str, terminator: str) -> None:
    text = GOLDEN_TEXT.replace("MAN*GM*00012345600000000017", "MAN*GM*00012345600000000017*ZZ>A>>B")
    expected, _ = from_text(text)
    got, r = from_text(redelimit(text, element, component, terminator))
    assert r.problems == []
    assert r.interchanges[0].delimiters.element == element
    assert [(a.tag, a.values) for a in got] == [(b.tag, b.values) for b in expected]
    man = next(rec for rec in got if rec.tag == "MAN")
    assert man.values == {"MAN01": "GM", "MAN02": "00012345600000000017", "MAN03.1": "ZZ", "MAN03.2": "A",
                          "MAN03.4": "B"}


def test_isa11_repetition_separator_of_later_versions_is_recognised() -> None:
    text = GOLDEN_TEXT.replace("*U*00401*", "*^*00501*")
    got, r = from_text(text)
    assert r.problems == []
    assert r.interchanges[0].delimiters.repetition == "^" and r.interchanges[0].version == "00501"


def test_concatenated_interchanges_with_different_delimiters() -> None:
    second = redelimit((DATA / "810_invoice.x12").read_text(), "|", "^", "\r\n")
    text = GOLDEN_TEXT + "\n" + second + (DATA / "214_status.x12").read_text()
    records, r = from_text(text)
    assert r.problems == []
    assert [ic.control_number for ic in r.interchanges] == ["000000102", "000000106", "000000108"]
    assert [ic.delimiters.element for ic in r.interchanges] == ["*", "|", "*"]
    assert [rec.values["ST01"] for rec in records if rec.tag == "ST"] == ["856", "810", "214"]
    assert records[-1].source.segment == r.segment_count - 2


@pytest.mark.parametrize("chunk_size", [1024, 1031, 4099])
def test_small_chunks_split_anywhere_give_the_same_records(chunk_size: int) -> None:
    text = "".join(p.read_text() for p in GOLDEN) * 3
    expected, _ = from_text(text)
    got, r = from_text(text, {"chunk_size": chunk_size})
    assert r.problems == [] and simplified(got) == simplified(expected)
    assert len(r.interchanges) == 3 * len(GOLDEN)


def test_records_built_on_the_fast_path_equal_ordinary_records() -> None:
    fast, _ = read_all(DATA / "856_sopi.x12")
    slow = [Record(r.tag, dict(r.values), SourceRef(**vars(r.source))) for r in fast]  # through __init__
    assert fast == slow and hash(fast[0].source) == hash(slow[0].source)


def test_text_streams_are_accepted_too() -> None:
    records, r = read_all(io.StringIO(GOLDEN_TEXT))
    assert r.problems == [] and records[0].tag == "ST"
