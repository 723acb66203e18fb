"""Malformed EDIFACT: every defect is a clear, located Problem, never a traceback."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translator.formats import edifact

DATA = Path(__file__).resolve().parents[1] / "data" / "edifact"
GOOD = (DATA / "ordrsp_in.edi").read_bytes()


def read(data: bytes, **options):
    r = edifact.reader(io.BytesIO(data), options or None, file_name="bad.edi")
    records = list(r)
    return records, r


def codes(r) -> list[str]:
    return [p.code for p in r.problems]


def test_empty_file():
    records, r = read(b"")
    assert records == [] and codes(r) == ["EDIFACT-EMPTY"]
    assert r.problems[0].file == "bad.edi"


def test_whitespace_only_file():
    _, r = read(b"\r\n  \n")
    assert codes(r) == ["EDIFACT-EMPTY"]


def test_not_edifact_at_all():
    records, r = read(b"PO,SKU,QTY\n2JK3S9VC,000123,2\n")
    assert records == [] and codes(r) == ["EDIFACT-NO-INTERCHANGE"]
    assert "PO,SKU" in r.problems[0].value


def test_garbage_before_una_is_reported_and_the_interchange_still_read():
    records, r = read(b"$$ADD ID=COALA BATCH=1\n" + GOOD)
    assert codes(r) == ["EDIFACT-LEADING-GARBAGE"]
    assert "COALA" in r.problems[0].value
    assert r.problems[0].severity == "warning"
    assert len(records) == 21


def test_byte_order_mark_is_a_warning():
    records, r = read(b"\xef\xbb\xbf" + GOOD)
    assert codes(r) == ["EDIFACT-BOM"] and r.problems[0].severity == "warning"
    assert len(records) == 21


@pytest.mark.parametrize("una, reason", [
    (b"UNA:+.?", "exactly 6"),
    (b"UNA::.? '", "different"),
    (b"UNA:+;? '", "decimal mark"),
    (b"UNAa+.? '", "letter or digit"),
])
def test_bad_una_stops_with_one_problem(una, reason):
    records, r = read(una + GOOD[9:] if len(una) == 9 else una)
    assert records == [] and codes(r) == ["EDIFACT-BAD-UNA"]
    assert reason in r.problems[0].rule


def test_truncated_file_without_unt_and_unz():
    cut = GOOD[:GOOD.index(b"UNS+S")]
    records, r = read(cut)
    assert codes(r) == ["EDIFACT-TRUNCATED", "EDIFACT-TRUNCATED"]
    assert "message '0001' has no UNT" in r.problems[0].rule
    assert "interchange 'ORDRSP0001' has no UNZ" in r.problems[1].rule
    assert records[-1].tag == "FTX"          # what was there is still yielded, never repaired
    assert not r.messages[0].accepted and not r.messages[0].complete


def test_last_segment_cut_in_the_middle():
    records, r = read(GOOD[:GOOD.index(b"UNZ+1") + 4])
    assert codes(r) == ["EDIFACT-UNTERMINATED", "EDIFACT-UNZ-COUNT", "EDIFACT-UNZ-REF"]


def test_missing_final_terminator_after_unz_is_only_a_warning():
    records, r = read(GOOD.rstrip(b"'\n"))
    assert codes(r) == ["EDIFACT-UNTERMINATED"]
    assert r.problems[0].severity == "warning" and r.interchanges[0].complete


def test_wrong_unt_count_is_located_on_the_unt():
    records, r = read(GOOD.replace(b"UNT+21+0001", b"UNT+20+0001"))
    (problem,) = r.problems
    assert problem.code == "EDIFACT-UNT-COUNT" and problem.field == "UNT01" and problem.value == "20"
    assert problem.segment == 22 and "message 0001" in problem.record
    assert "21" in problem.rule
    assert not r.messages[0].accepted


def test_unt_reference_mismatch():
    _, r = read(GOOD.replace(b"UNT+21+0001", b"UNT+21+0002"))
    assert codes(r) == ["EDIFACT-UNT-REF"]


def test_unz_control_reference_mismatch():
    _, r = read(GOOD.replace(b"UNZ+1+ORDRSP0001", b"UNZ+1+ORDRSP0002"))
    assert codes(r) == ["EDIFACT-UNZ-REF"]
    assert r.problems[0].value == "ORDRSP0002" and "ORDRSP0001" in r.problems[0].rule
    assert not r.interchanges[0].accepted


def test_unz_message_count_mismatch():
    _, r = read(GOOD.replace(b"UNZ+1+", b"UNZ+3+"))
    assert codes(r) == ["EDIFACT-UNZ-COUNT"]


def test_missing_unz_before_next_unb():
    data = GOOD.replace(b"UNZ+1+ORDRSP0001'", b"") + GOOD
    records, r = read(data)
    assert codes(r) == ["EDIFACT-UNZ-MISSING"]
    assert len(records) == 42


def test_new_unh_before_unt():
    data = GOOD.replace(b"UNT+21+0001'", b"UNH+0002+ORDRSP:D:96A:UN'UNT+2+0002'").replace(b"UNZ+1", b"UNZ+2")
    _, r = read(data)
    assert codes(r) == ["EDIFACT-UNT-MISSING"]
    assert [m.accepted for m in r.messages] == [False, True]


def test_segment_outside_a_message():
    _, r = read(GOOD.replace(b"UNZ+1", b"FTX+AAI+++stray'UNZ+1"))
    assert codes(r) == ["EDIFACT-OUTSIDE-MESSAGE"]


def test_segments_after_unz_outside_any_interchange():
    records, r = read(GOOD + b"UNH+1+ORDRSP:D:96A:UN'BGM+231+X'UNT+3+1'")
    assert codes(r) == ["EDIFACT-UNB-MISSING"]
    assert len(records) == 21


def test_unknown_syntax_identifier():
    records, r = read(GOOD.replace(b"UNOC:3", b"UNOZ:3"))
    assert codes(r) == ["EDIFACT-SYNTAX-ID"]
    assert r.problems[0].value == "UNOZ" and len(records) == 21


def test_invalid_utf8_in_a_unow_interchange_is_located():
    data = GOOD.replace(b"UNOC:3", b"UNOW:3").replace(b"Out of stock", b"Out of st\xe9ck")
    records, r = read(data)
    (problem,) = r.problems
    assert problem.code == "EDIFACT-ENCODING" and problem.value == "0xe9" and problem.segment == 19
    assert "utf-8" in problem.rule and not r.messages[0].accepted
    assert len(records) == 21


def test_eight_bit_bytes_in_unoa_are_a_warning():
    data = GOOD.replace(b"UNOC:3", b"UNOA:3").replace(b"Out of stock", b"Out of st\xe9ck")
    records, r = read(data)
    assert codes(r) == ["EDIFACT-ENCODING"] and r.problems[0].severity == "warning"
    assert "st\xe9ck" in records[-4].values["FTX04"]
    assert r.messages[0].accepted


def test_bad_segment_tag_from_an_unescaped_terminator():
    _, r = read(GOOD.replace(b"ask?'Ops?'", b"ask'Ops?'"))
    assert "EDIFACT-BAD-TAG" in codes(r)


def test_duplicate_message_reference():
    data = GOOD.replace(b"UNZ+1", b"UNH+0001+ORDRSP:D:96A:UN'UNT+2+0001'UNZ+2")
    _, r = read(data)
    assert codes(r) == ["EDIFACT-DUPLICATE-MESSAGE"]


def test_incomplete_message_identifier():
    _, r = read(GOOD.replace(b"ORDRSP:D:96A:UN:EAN005", b"ORDRSP"))
    assert codes(r) == ["EDIFACT-UNH-BAD"]


def test_problems_render_as_one_line():
    _, r = read(GOOD.replace(b"UNT+21+0001", b"UNT+20+0001"))
    line = r.problems[0].render()
    assert line.startswith("[EDIFACT-UNT-COUNT] bad.edi, segment 22") and "\n" not in line


@pytest.mark.parametrize("cut", [1, 5, 9, 40, 200, 400])
def test_any_truncation_point_gives_problems_not_exceptions(cut):
    _, r = read(GOOD[:cut])
    assert r.problems


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_random_damage_never_raises_and_contrl_can_still_be_built(data):
    raw = bytearray(GOOD)
    for _ in range(data.draw(st.integers(1, 6))):
        pos = data.draw(st.integers(0, len(raw)))
        action = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        byte = data.draw(st.sampled_from([b"'", b"+", b":", b"?", b"\n", b"\xff", b"U", b"A"]))
        if action == "insert":
            raw[pos:pos] = byte
        elif action == "delete":
            del raw[pos:pos + 1]
        else:
            raw[pos:pos + 1] = byte
    records, r = read(bytes(raw), chunk_size=data.draw(st.sampled_from([16, 64, 1 << 20])))
    ack = edifact.contrl(r).all_records()
    assert all(isinstance(p.render(), str) for p in r.problems)
    assert ack == [] or ack[0].tag == "UNH"


@settings(max_examples=60, deadline=None)
@given(raw=st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(raw):
    _, r = read(raw)
    assert r.problems          # random bytes are never a complete, valid interchange
