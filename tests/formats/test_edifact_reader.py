"""EDIFACT reader: golden inbound messages, escaping, UNA variants, newlines, concatenation, encodings."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translator.formats import edifact, get_format

DATA = Path(__file__).resolve().parents[1] / "data" / "edifact"


def read(data: bytes, **options):
    r = edifact.reader(io.BytesIO(data), options or None, file_name="in.edi")
    return list(r), r


def by_tag(records, tag):
    return [r for r in records if r.tag == tag]


def simple(body: str, *, una: str = "UNA:+.? '", syntax: str = "UNOC:3", encoding: str = "latin-1") -> bytes:
    """One interchange with one message whose body is the given segments (terminated by ')."""
    segs = [s for s in body.split("\n") if s]
    text = (una + f"UNB+{syntax}+SENDER:14+RECEIVER:ZZZ+241105:0930+REF1'UNH+1+ORDRSP:D:96A:UN'"
            + "".join(s + "'" for s in segs) + f"UNT+{len(segs) + 2}+1'UNZ+1+REF1'")
    return text.encode(encoding)


def test_format_registry_finds_the_edifact_module():
    assert get_format("edifact").reader is edifact.reader


@pytest.mark.parametrize("name, message_type, count", [
    ("ordrsp_in.edi", "ORDRSP", 21), ("desadv_in.edi", "DESADV", 22), ("invoic_in.edi", "INVOIC", 29),
    ("invrpt_in.edi", "INVRPT", 12), ("iftsta_in.edi", "IFTSTA", 23),
])
def test_golden_inbound_files_read_cleanly(name, message_type, count):
    r = edifact.reader(DATA / name)
    records = list(r)
    assert r.problems == []
    assert len(records) == count
    assert records[0].tag == "UNH" and records[0].values["UNH02.1"] == message_type
    assert records[-1].tag == "UNT"
    assert all(m.accepted and m.complete for m in r.messages)
    assert r.interchanges[0].complete


@pytest.mark.parametrize("name", ["ordrsp_in", "desadv_in", "invoic_in", "invrpt_in", "iftsta_in"])
def test_golden_inbound_records_match_their_snapshot(name):
    expected = json.loads((DATA / f"{name}.records.json").read_text())
    got = [{"tag": r.tag, "segment": r.source.segment, "message": r.source.message, "values": r.values}
           for r in edifact.reader(DATA / f"{name}.edi")]
    assert got == expected


def test_iterating_a_path_twice_gives_the_same_result_not_double():
    r = edifact.reader(DATA / "iftsta_in.edi")
    assert len(list(r)) == len(list(r)) == 23
    assert len(r.interchanges) == 1 and r.message_count == 2


def test_records_carry_file_segment_index_and_message_reference():
    records = list(edifact.reader(DATA / "ordrsp_in.edi"))
    bgm = records[1]
    assert bgm.source.file.endswith("ordrsp_in.edi")
    assert (bgm.source.segment, bgm.source.message) == (3, "0001")   # UNB = 1, UNH = 2


def test_composites_store_each_component_and_the_first_as_the_element():
    records, _ = read((DATA / "ordrsp_in.edi").read_bytes())
    dtm = by_tag(records, "DTM")[0]
    assert dtm.values == {"DTM01": "137", "DTM01.1": "137", "DTM01.2": "20241105", "DTM01.3": "102"}
    bgm = by_tag(records, "BGM")[0]
    assert bgm.values == {"BGM01": "231", "BGM02": "ACK-2JK3S9VC", "BGM03": "29"}


def test_empty_components_are_absent_and_identifiers_keep_leading_zeros():
    records, _ = read((DATA / "ordrsp_in.edi").read_bytes())
    nad = by_tag(records, "NAD")[0]
    assert nad.values == {"NAD01": "SU", "NAD02": "5412345000013", "NAD02.1": "5412345000013", "NAD02.3": "9"}
    assert by_tag(records, "LIN")[0].values["LIN03.1"] == "00012345678905"


def test_iftsta_status_segment_carries_status_and_reason_codes_verbatim():
    records, r = read((DATA / "iftsta_in.edi").read_bytes())
    sts = by_tag(records, "STS")
    assert [(s.get("STS02"), s.get("STS03")) for s in sts] == [("301", "000"), ("404", "117")]
    assert [s.source.message for s in sts] == ["0001", "0002"]
    assert by_tag(records, "CNI")[0].values["CNI02"] == "1Z999AA10123456784"
    assert r.interchanges[0].sender_id == "UPSN"


def test_release_character_escapes_are_removed_on_read():
    records, _ = read((DATA / "iftsta_in.edi").read_bytes())
    assert by_tag(records, "FTX")[0].values["FTX04"] == "Left at front door: signed 'J' (+porch)"
    records, _ = read((DATA / "ordrsp_in.edi").read_bytes())
    assert by_tag(records, "PIA")[1].values["PIA02.1"] == "SKU-RED+BLUE"
    assert by_tag(records, "FTX")[0].values["FTX04"] == "Out of stock: back-order in 2 weeks - ask'Ops'"


@pytest.mark.parametrize("raw, expected", [
    ("FTX+AAI+++a??b", "a?b"),
    ("FTX+AAI+++ends with release??", "ends with release?"),
    ("FTX+AAI+++quote?'", "quote'"),
    ("FTX+AAI+++x?+y?:z", "x+y:z"),
])
def test_release_escapes_including_doubled_release_and_escaped_terminator(raw, expected):
    records, r = read(simple(raw))
    assert r.problems == []
    assert by_tag(records, "FTX")[0].values["FTX04"] == expected


def test_custom_una_separators_are_used():
    data = (b"UNA|*,# !UNB*UNOC|3*S|14*R*241105|0930*R1!UNH*1*ORDRSP|D|96A|UN!"
            b"MOA*203|12,50!FTX*AAI***a#*b#|c#!d##!UNT*4*1!UNZ*1*R1!")
    records, r = read(data)
    assert r.problems == []
    assert by_tag(records, "MOA")[0].values["MOA01.2"] == "12,50"     # decimal mark untouched
    assert by_tag(records, "FTX")[0].values["FTX04"] == "a*b|c!d#"
    assert r.interchanges[0].chars.decimal == ","


def test_defaults_apply_without_una():
    records, r = read(simple("BGM+220+PO1", una=""))
    assert r.problems == [] and not r.interchanges[0].una
    assert by_tag(records, "BGM")[0].values["BGM02"] == "PO1"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r\n\r\n"])
def test_newlines_after_terminators_are_tolerated(newline):
    data = (DATA / "ordrsp_in.edi").read_text("latin-1").replace("'\n", "'" + newline).replace(
        "UNA:+.? '\n", "UNA:+.? '" + newline)
    records, r = read(data.encode("latin-1"))
    assert r.problems == [] and len(records) == 21


def test_concatenated_interchanges_each_use_their_own_una():
    first = simple("BGM+220+PO1")
    second = (b"UNA|*.# !UNB*UNOC|3*S2|14*R*241105|0930*R2!UNH*7*ORDRSP|D|96A|UN!BGM*220*PO#*2!UNT*3*7!UNZ*1*R2!")
    third = simple("BGM+220+PO3", una="").replace(b"REF1", b"REF3")
    records, r = read(first + b"\n" + second + third)
    assert r.problems == []
    assert [b.values["BGM02"] for b in by_tag(records, "BGM")] == ["PO1", "PO*2", "PO3"]
    assert [ic.control_ref for ic in r.interchanges] == ["REF1", "R2", "REF3"]
    assert [ic.una for ic in r.interchanges] == [True, True, False]


def test_concatenated_interchanges_repeating_the_same_una_are_all_read():
    data = simple("BGM+220+PO1") + simple("BGM+220+PO2").replace(b"REF1", b"REF2")
    records, r = read(data, chunk_size=64)
    assert r.problems == []
    assert [b.values["BGM02"] for b in by_tag(records, "BGM")] == ["PO1", "PO2"]
    assert [ic.una for ic in r.interchanges] == [True, True]


def test_interchange_header_is_exposed():
    _, r = read(simple("BGM+220+PO1").replace(b"REF1'", b"REF1++APP++1++1'"))
    ic = r.interchanges[0]
    assert (ic.syntax_id, ic.syntax_version, ic.sender_id, ic.sender_qualifier) == ("UNOC", "3", "SENDER", "14")
    assert (ic.recipient_id, ic.recipient_qualifier, ic.control_ref) == ("RECEIVER", "ZZZ", "REF1")
    assert (ic.date, ic.time, ic.application_ref, ic.ack_request, ic.test) == ("241105", "0930", "APP", "1", True)


def test_functional_groups_are_checked_and_recorded():
    data = (b"UNB+UNOC:3+S:14+R:14+241105:0930+R1'UNG+ORDRSP+S:14+R:14+241105:0930+G1+UN+D:96A'"
            b"UNH+1+ORDRSP:D:96A:UN'BGM+231+X'UNT+3+1'UNE+1+G1'UNZ+1+R1'")
    records, r = read(data)
    assert r.problems == [] and len(records) == 3
    group = r.interchanges[0].groups[0]
    assert (group.ref, group.group_id, group.message_count, group.complete) == ("G1", "ORDRSP", 1, True)
    assert r.messages[0].group_ref == "G1"


@pytest.mark.parametrize("syntax, encoding, text", [
    ("UNOC:3", "latin-1", "Café Müller"), ("UNOW:4", "utf-8", "Café 東京"), ("UNOY:4", "utf-8", "Ærø"),
])
def test_encoding_follows_the_syntax_identifier(syntax, encoding, text):
    data = simple(f"FTX+AAI+++{text}", syntax=syntax, encoding=encoding)
    records, r = read(data)
    assert r.problems == []
    assert by_tag(records, "FTX")[0].values["FTX04"] == text
    assert r.interchanges[0].encoding == encoding


def test_encoding_option_overrides_the_syntax_identifier():
    data = simple("FTX+AAI+++§", syntax="UNOC:3").replace("§".encode("latin-1"), "Ü".encode())
    records, r = read(data, encoding="utf-8")
    assert r.problems == [] and by_tag(records, "FTX")[0].values["FTX04"] == "Ü"


def test_nothing_is_read_before_iteration():
    class Exploding(io.BytesIO):
        def read(self, *args):
            raise AssertionError("read too early")

    r = edifact.reader(Exploding(b""))
    assert r.problems == []


@settings(max_examples=40, deadline=None)
@given(chunk=st.integers(min_value=16, max_value=300))
def test_chunk_boundaries_never_change_the_result(chunk):
    data = ((DATA / "iftsta_in.edi").read_bytes() + (DATA / "ordrsp_in.edi").read_bytes()
            + b"UNA|*.# !UNB*UNOC|3*S|14*R*241105|0930*R2!UNH*7*ORDRSP|D|96A|UN!BGM*220*P#!#*!UNT*3*7!UNZ*1*R2!")
    whole, r1 = read(data)
    parts, r2 = read(data, chunk_size=chunk)
    assert [(x.tag, x.values) for x in parts] == [(x.tag, x.values) for x in whole]
    assert r1.problems == r2.problems == []


def test_read_shorthand_yields_the_same_records():
    assert [x.tag for x in edifact.read(DATA / "invrpt_in.edi")] == [x.tag for x in edifact.reader(DATA / "invrpt_in.edi")]


def test_a_text_stream_is_a_programming_error_named_as_such():
    with pytest.raises(TypeError, match="binary stream"):
        list(edifact.reader(io.StringIO("UNB+UNOC:3'")))
