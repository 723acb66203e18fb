"""CONTRL: what we tell the sender about every interchange and message we received."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from translator.formats import edifact

DATA = Path(__file__).resolve().parents[1] / "data" / "edifact"
NOW = datetime(2024, 11, 8, 11, 0, tzinfo=UTC)
IFTSTA = (DATA / "iftsta_in.edi").read_bytes()


def received(data: bytes, **kwargs) -> edifact.EdifactReader:
    r = edifact.EdifactReader(io.BytesIO(data), file_name="in.edi", **kwargs)
    list(r)
    return r


def segments(ack: edifact.Contrl, r) -> list[str]:
    """CONTRL records rendered compactly as TAG+values for assertions."""
    out = []
    for record in ack.records(r.interchanges[0]):
        out.append(record.tag + "".join(f" {k}={v}" for k, v in record.values.items() if v))
    return out


def write(ack: edifact.Contrl, **options) -> bytes:
    target = io.BytesIO()
    ack.write(target, options={"newline": True, **options}, control_numbers=edifact.InMemoryControlNumbers(), now=NOW)
    return target.getvalue()


def test_contrl_with_a_business_rejection_matches_the_golden_file():
    r = received(IFTSTA)
    ack = edifact.contrl(r)
    ack.reject_message("0002", "12", segment=6, element="STS03")
    assert write(ack) == (DATA / "contrl_out.edi").read_bytes()


def test_accepted_interchange_acknowledges_every_message():
    r = received(IFTSTA)
    assert segments(edifact.contrl(r), r) == [
        "UNH UNH02.1=CONTRL UNH02.2=D UNH02.3=3 UNH02.4=UN",
        "UCI UCI01=IFTSTA0001 UCI02.1=UPSN UCI02.2=ZZZ UCI03.1=AMAZON-DF UCI03.2=ZZZ UCI04=7",
        "UCM UCM01=0001 UCM02.1=IFTSTA UCM02.2=D UCM02.3=96A UCM02.4=UN UCM03=7",
        "UCM UCM01=0002 UCM02.1=IFTSTA UCM02.2=D UCM02.3=96A UCM02.4=UN UCM03=7",
    ]


def test_contrl_goes_back_with_sender_and_recipient_swapped():
    out = write(edifact.contrl(received(IFTSTA))).decode()
    assert "UNB+UNOC:3+AMAZON-DF:ZZZ+UPSN:ZZZ+241108:1100+1'" in out
    check = received(out.encode())
    assert check.problems == [] and check.messages[0].type == "CONTRL"


def test_wrong_unt_count_rejects_that_message_with_its_segment_position():
    r = received(IFTSTA.replace(b"UNT+12+0001", b"UNT+11+0001"))
    lines = segments(edifact.contrl(r), r)
    assert lines[2] == "UCM UCM01=0001 UCM02.1=IFTSTA UCM02.2=D UCM02.3=96A UCM02.4=UN UCM03=4"
    assert lines[3:5] == ["UCS UCS01=12", "UCD UCD01=29 UCD02.1=1"]
    assert lines[5].endswith("UCM03=7")
    assert lines[1].endswith("UCI04=7")


def test_interchange_reference_mismatch_rejects_the_interchange():
    r = received(IFTSTA.replace(b"UNZ+2+IFTSTA0001", b"UNZ+2+IFTSTA0009"))
    lines = segments(edifact.contrl(r), r)
    assert lines[1].endswith("UCI04=4 UCI05=28 UCI06=UNZ")
    assert [x.split()[-1] for x in lines if x.startswith("UCM")] == ["UCM03=4", "UCM03=4"]   # lower levels too


def test_truncated_message_is_rejected_as_a_whole():
    r = received(IFTSTA[:IFTSTA.index(b"UNT+12+0001")])
    lines = segments(edifact.contrl(r), r)
    assert lines[1].endswith("UCI04=4 UCI05=13 UCI06=UNZ")
    assert lines[2].endswith("UCM03=4 UCM04=13")


def test_received_only_acknowledgement():
    r = received(IFTSTA)
    lines = segments(edifact.contrl(r, received_only=True), r)
    assert lines[1].endswith("UCI04=8") and len(lines) == 2


def test_business_rejection_with_component_position():
    r = received(IFTSTA)
    ack = edifact.contrl(r)
    ack.reject_message("0001", "12", segment=11, element="LOC02.4")
    ack.reject_message("0002", "18")
    lines = segments(ack, r)
    assert lines[2:5] == ["UCM UCM01=0001 UCM02.1=IFTSTA UCM02.2=D UCM02.3=96A UCM02.4=UN UCM03=4",
                          "UCS UCS01=11", "UCD UCD01=12 UCD02.1=2 UCD02.2=4"]
    assert lines[5].endswith("UCM03=4 UCM04=18")


def test_rejecting_an_unknown_message_reference_is_an_error():
    with pytest.raises(ValueError, match="9999"):
        edifact.contrl(received(IFTSTA)).reject_message("9999", "12")


def test_groups_get_a_ucf():
    data = (b"UNB+UNOC:3+S:14+R:14+241105:0930+R1'UNG+IFTSTA+S:14+R:14+241105:0930+G1+UN+D:96A'"
            b"UNH+1+IFTSTA:D:96A:UN'BGM+23+X'UNT+3+1'UNE+1+G1'UNZ+1+R1'")
    r = received(data)
    lines = segments(edifact.contrl(r), r)
    assert lines[2] == "UCF UCF01=G1 UCF02.1=S UCF02.2=14 UCF03.1=R UCF03.2=14 UCF04=7"
    assert lines[3].startswith("UCM UCM01=1")


def test_untracked_messages_list_only_the_rejected_ones():
    data = IFTSTA.replace(b"UNT+12+0001", b"UNT+11+0001")
    r = received(data, track_messages=False)
    lines = segments(edifact.contrl(r), r)
    assert [x.split()[1] for x in lines if x.startswith("UCM")] == ["UCM01=0001"]
    assert r.message_count == 2


def test_no_contrl_when_nothing_could_be_identified():
    ack = edifact.contrl(received(b""))
    assert ack.all_records() == [] and write(ack) == b""


def test_all_records_combine_every_interchange():
    second = IFTSTA.replace(b"IFTSTA0001", b"IFTSTA0002")
    ack = edifact.contrl(received(IFTSTA + second))
    records = ack.all_records()
    assert [x.values["UCI01"] for x in records if x.tag == "UCI"] == ["IFTSTA0001", "IFTSTA0002"]
    assert sum(x.tag == "UNH" for x in records) == 2


def test_reader_offers_contrl_records_and_swapped_options_for_the_mapping_engine():
    r = received(IFTSTA.replace(b"UNT+12+0001", b"UNT+11+0001"))
    records = r.acknowledgement_records()
    assert [x.tag for x in records][:3] == ["UNH", "UCI", "UCM"]
    options = r.acknowledgement_options({"newline": True})
    assert (options["sender_id"], options["recipient_id"], options["recipient_qualifier"]) == (
        "AMAZON-DF", "UPSN", "ZZZ")
    assert options["partner"] == "UPSN" and options["newline"] is True
    target = io.BytesIO()
    edifact.write(records, target, options, now=NOW)
    check = edifact.reader(io.BytesIO(target.getvalue()))
    assert [x.tag for x in check][:4] == ["UNH", "UCI", "UCM", "UCS"] and check.problems == []


def test_reader_without_any_interchange_has_no_acknowledgement():
    r = received(b"not edifact")
    assert r.acknowledgement_records() is None


def test_a_received_contrl_is_matched_back_to_what_we_sent():
    r = received(IFTSTA)
    ack = edifact.contrl(r)
    ack.reject_message("0002", "12", segment=6, element="STS03")
    (outcome,) = edifact.read_contrl(edifact.reader(io.BytesIO(write(ack))))
    assert (outcome.interchange_ref, outcome.action) == ("IFTSTA0001", "7")
    assert outcome.messages == {"0001": "7", "0002": "4"}
    assert not outcome.accepted and outcome.rejected_messages == ["0002"]
    (clean,) = edifact.read_contrl(edifact.reader(io.BytesIO(write(edifact.contrl(received(IFTSTA))))))
    assert clean.accepted


def test_read_contrl_of_the_golden_file_and_of_other_messages():
    assert [o.interchange_ref for o in edifact.read_contrl(edifact.reader(DATA / "contrl_out.edi"))] == ["IFTSTA0001"]
    assert edifact.read_contrl(edifact.reader(DATA / "ordrsp_in.edi")) == []
