"""Malformed X12: every defect is a located Problem (and a 997 code), never a traceback."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translator.formats import x12
from translator.problems import Problem

DATA = Path(__file__).resolve().parents[1] / "data" / "x12"
TEXT = (DATA / "856_soi.x12").read_text()          # ISA, GS, ST..SE (15 segments), GE, IEA
TWO_SETS = TEXT.replace("GE*1*103~", TEXT.split("GS*SH*ACMEVENDORDF*AMAZONDS*20261123*1430*103*X*004010~\n")[1]
                        .split("GE*1*103~")[0].replace("0103", "0104") + "GE*2*103~")


def parse(data: bytes | str, options=None) -> tuple[list, list[Problem], x12.Reader]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    r = x12.reader(io.BytesIO(raw), options, file_name="in.x12")
    records = list(r)
    return records, r.problems, r


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def ack_lines(r: x12.Reader) -> list[str]:
    delims = x12.Delimiters()
    return [x12.segment_text(rec, delims) for rec in x12.functional_acknowledgement(r) if rec.tag not in ("ST", "SE")]


def test_two_set_fixture_is_valid() -> None:
    records, problems, r = parse(TWO_SETS)
    assert problems == [] and [s.control_number for s in r.transaction_sets()] == ["0103", "0104"]


def test_truncated_file_reports_every_missing_trailer() -> None:
    cut = TEXT[: TEXT.index("SN1*1*4*EA") + 6]
    records, problems, r = parse(cut)
    assert codes(problems) == ["X12-NO-TERMINATOR", "X12-SE-MISSING", "X12-GE-MISSING", "X12-IEA-MISSING"]
    se = problems[1]
    assert se.render() == ("[X12-SE-MISSING] in.x12, segment 15, SE: transaction set 856 0103 has no SE trailer"
                           " - the file is truncated or segments were lost; ask the sender to resend it")
    assert records[-1].tag == "SN1"
    assert ack_lines(r) == ["AK1*SH*103", "AK2*856*0103", "AK5*R*2", "AK9*R*1*1*0*3"]


def test_truncated_inside_the_isa_is_a_delimiter_problem() -> None:
    _, problems, _ = parse(TEXT[:60])
    assert codes(problems) == ["X12-BAD-DELIMITERS"]
    assert "16 elements" in problems[0].rule


def test_wrong_se_count_rejects_the_set_with_ak5_code_4() -> None:
    _, problems, r = parse(TWO_SETS.replace("SE*15*0104", "SE*14*0104"))
    (p,) = problems
    assert (p.code, p.segment, p.record, p.field, p.value, p.document) == \
        ("X12-SE-COUNT", 32, "SE", "SE01", "14", "ST02 0104")
    assert ack_lines(r) == ["AK1*SH*103", "AK2*856*0103", "AK5*A", "AK2*856*0104", "AK5*R*4", "AK9*P*2*2*1"]


def test_se_control_number_mismatch_rejects_the_set_with_ak5_code_3() -> None:
    _, problems, r = parse(TEXT.replace("SE*15*0103", "SE*15*0999"))
    assert [(p.code, p.field, p.value) for p in problems] == [("X12-SE-CONTROL", "SE02", "0999")]
    assert "AK5*R*3" in ack_lines(r)


def test_wrong_ge_count_and_control_number_reject_the_group() -> None:
    _, problems, r = parse(TEXT.replace("GE*1*103", "GE*2*104"))
    assert [(p.code, p.field, p.value) for p in problems] == [("X12-GE-COUNT", "GE01", "2"),
                                                             ("X12-GE-CONTROL", "GE02", "104")]
    assert ack_lines(r)[-1] == "AK9*R*1*1*1*5*4"


def test_wrong_iea_count_and_control_number_mark_the_interchange_invalid() -> None:
    _, problems, r = parse(TEXT.replace("IEA*1*000000103", "IEA*3*000000999"))
    assert [(p.code, p.value) for p in problems] == [("X12-IEA-COUNT", "3"), ("X12-IEA-CONTROL", "000000999")]
    assert r.interchanges[0].valid is False


def test_duplicate_control_numbers_within_group_and_interchange() -> None:
    dup_set = TWO_SETS.replace("0104", "0103")
    _, problems, r = parse(dup_set)
    assert codes(problems) == ["X12-ST-DUPLICATE"]
    assert ack_lines(r)[-2:] == ["AK5*R*23", "AK9*P*2*2*1"]
    group = TEXT[TEXT.index("GS*"):TEXT.index("IEA")]
    dup_group = TEXT.replace("IEA*1*", group + "IEA*2*")
    _, problems, _ = parse(dup_group)
    assert codes(problems) == ["X12-GS-DUPLICATE"]


@pytest.mark.parametrize(("isa_change", "fragment"), [
    (("ISA*", "ISAX"), "element separator"),
    (("*>~", "**~"), "must differ"),
    (("*>~", "*>A"), "must not be a letter"),
])
def test_bad_delimiters_are_reported_and_reading_stops(isa_change: tuple[str, str], fragment: str) -> None:
    records, problems, _ = parse(TEXT.replace(*isa_change, 1))
    assert records == [] and codes(problems) == ["X12-BAD-DELIMITERS"] and fragment in problems[0].rule


def test_a_set_in_a_group_of_another_kind_is_not_supported() -> None:
    _, problems, r = parse(TEXT.replace("GS*SH*", "GS*IN*"))
    assert [(p.code, p.field, p.value) for p in problems] == [("X12-ST-GROUP", "ST01", "856")]
    assert ack_lines(r)[0:3] == ["AK1*IN*103", "AK2*856*0103", "AK5*R*1"]


def test_isa_fields_of_the_wrong_width_are_located() -> None:
    _, problems, r = parse(TEXT.replace("ACMEVENDORDF   ", "ACMEVENDORDF", 1))
    assert [(p.code, p.field, p.value) for p in problems] == [("X12-ISA-FIELD", "ISA06", "ACMEVENDORDF")]
    assert r.interchanges[0].sender_id == "ACMEVENDORDF"


@pytest.mark.parametrize("data", [b"", b"   \r\n\n"], ids=["empty", "blank"])
def test_empty_file(data: bytes) -> None:
    records, problems, _ = parse(data)
    assert records == [] and codes(problems) == ["X12-EMPTY-FILE"]


@pytest.mark.parametrize(("data", "code"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "X12-ENCODING"),
    (bytes(range(1, 128)) * 3, "X12-NOT-X12"),
    (bytes(range(128, 256)) * 4, "X12-ENCODING"),
    (b"UNA:+.? 'UNB+UNOA:2+SENDER+RECEIVER+261123:1430+1'", "X12-NOT-X12"),
    (b"po,sku,qty\n1,2,3\n", "X12-NOT-X12"),
], ids=["png", "ascii-noise", "high-bytes", "edifact", "csv"])
def test_binary_garbage_and_other_formats_are_not_x12(data: bytes, code: str) -> None:
    records, problems, _ = parse(data)
    assert records == [] and codes(problems) == [code]


def test_wrong_encoding_is_located_and_an_explicit_encoding_reads_it() -> None:
    latin = (DATA / "850_order.x12").read_text().encode("latin-1")
    _, problems, _ = parse(latin)
    assert codes(problems)[0] == "X12-ENCODING" and "offset" in problems[0].rule
    records, problems, _ = parse(latin, {"encoding": "latin-1"})
    assert problems == [] and any(r.values.get("PID05") == "CAFÉ FILTERS 100CT" for r in records)
    _, problems, _ = parse((DATA / "850_order.x12").read_text().encode("utf-16"))
    assert codes(problems) == ["X12-ENCODING"]


def test_garbage_segment_inside_a_set_is_ak3_code_1() -> None:
    _, problems, r = parse(TEXT.replace("PRF*TST9876544~", "PRF*TST9876544~\n#$%&*1~").replace("SE*15", "SE*16"))
    assert [(p.code, p.segment, p.value) for p in problems] == [("X12-SEGMENT-ID", 12, "#$%&")]
    assert ack_lines(r)[1:4] == ["AK2*856*0103", "AK3*XXX*10**1", "AK5*R*5"]


def test_segment_outside_a_transaction_set() -> None:
    _, problems, _ = parse(TEXT.replace("GE*1*103~", "REF*CN*STRAY~\nGE*1*103~"))
    assert [(p.code, p.record) for p in problems] == [("X12-OUTSIDE-SET", "REF")]


def test_stray_envelope_segments() -> None:
    body = TEXT[TEXT.index("ST*"):TEXT.index("GE*")]
    _, problems, _ = parse(TEXT.replace("GE*1*103~", "GE*1*103~\n" + body))
    inner = body.count("~") - 2      # the segments between the stray ST and SE
    assert codes(problems) == ["X12-OUTSIDE-ENVELOPE"] + ["X12-OUTSIDE-SET"] * inner + ["X12-SE-UNEXPECTED"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise_and_are_always_explained(data: bytes) -> None:
    for raw in (data, TEXT.encode()[:110] + data):
        _, problems, r = parse(raw)
        assert any(p.severity == "error" for p in problems)
        x12.functional_acknowledgement(r)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(TEXT)), st.integers(0, 40), st.text(alphabet="*~>\n ISAGEST0123", max_size=6))
def test_damaged_files_never_raise_and_always_explain(start: int, length: int, insert: str) -> None:
    damaged = TEXT[:start] + insert + TEXT[start + length:]
    records, problems, r = parse(damaged)
    if damaged != TEXT and not problems:
        # some edits keep the file valid (e.g. changing a data value); the envelope must still add up
        assert all(s.accepted for s in r.transaction_sets())
    x12.functional_acknowledgement(r)


def test_seen_numbers_detects_repeats_in_any_order_with_merged_ranges() -> None:
    from translator.formats.x12.model import SeenNumbers

    seen = SeenNumbers()
    order = ["0001", "0002", "0005", "0004", "0003", "1", "A1", "0009", "0008"]
    assert [seen.add(n) for n in order] == [True] * len(order)
    assert [seen.add(n) for n in ["0003", "0005", "1", "A1", "0008"]] == [False] * 5
    assert seen._starts == [1, 8] and seen._ends == [5, 9]
