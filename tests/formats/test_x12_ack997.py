"""997 functional acknowledgements: accepted and rejected sets, business rejections, writing them back."""

from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path

import pytest

from translator.errors import DocumentRejected, FatalError
from translator.formats import x12
from translator.formats.x12 import codes

DATA = Path(__file__).resolve().parents[1] / "data" / "x12"
NOW = datetime(2026, 11, 23, 14, 30)
SOI = (DATA / "856_soi.x12").read_text()


def received(text: str) -> x12.Reader:
    r = x12.reader(io.BytesIO(text.encode()), file_name="in.x12")
    list(r)
    return r


def lines(records) -> list[str]:
    return [x12.segment_text(rec, x12.Delimiters()) for rec in records]


def two_sets() -> str:
    body = SOI[SOI.index("ST*"):SOI.index("GE*")]
    return SOI.replace("GE*1*103~", body.replace("0103", "0104") + "GE*2*103~")


def test_accepted_set_gives_ak5_a_and_ak9_a() -> None:
    r = received(SOI)
    assert lines(r.acknowledger().records()) == lines(x12.functional_acknowledgement(r)) == [
        "ST*997", "AK1*SH*103", "AK2*856*0103", "AK5*A", "AK9*A*1*1*1", "SE"]


def test_golden_997_for_the_850_is_written_with_sender_and_receiver_swapped() -> None:
    r = x12.reader(DATA / "850_order.x12")
    list(r)
    out = io.BytesIO()
    count = x12.Acknowledger(r).write(out, {"newline_after_segment": True, "partner": "amazon-df"},
                                      control_numbers=x12.CounterControlNumbers(start=500), now=NOW)
    assert count == 1
    assert out.getvalue() == (DATA / "997_for_850.x12").read_bytes()


def test_business_rejection_by_element_adds_ak3_ak4_and_rejects_the_set() -> None:
    r = received(two_sets())
    second = [s for s in r.transaction_sets()][1]
    ack = x12.Acknowledger(r)
    lin_index = second.first_segment + 10          # LIN is the 11th segment of the set
    ack.reject_set("0104", codes.ELEM_INVALID_CODE, segment=lin_index, element="LIN03", value="012345678912")
    ack.reject_set("0104", codes.ELEM_INVALID_DATE, segment=lin_index + 2, element="DTM02.1")
    assert lines(ack.records()) == [
        "ST*997", "AK1*SH*103", "AK2*856*0103", "AK5*A",
        "AK2*856*0104", "AK3*LIN*11**8", "AK4*3**7*012345678912", "AK3*DTM*13**8", "AK4*2>1**8", "AK5*R*5",
        "AK9*P*2*2*1", "SE"]


def test_rejecting_a_whole_set_without_a_segment() -> None:
    r = received(SOI)
    ack = x12.Acknowledger(r)
    ack.reject_set("0103", set_code=codes.SET_NOT_SUPPORTED)
    assert lines(ack.records())[3:5] == ["AK5*R*1", "AK9*R*1*1*0"]
    assert ack.accepted(next(r.transaction_sets())) is False


def test_rejecting_an_unknown_or_ambiguous_set_is_an_error() -> None:
    ack = x12.Acknowledger(received(SOI))
    with pytest.raises(FatalError, match="no transaction set"):
        ack.reject_set("9999")
    with pytest.raises(FatalError, match="segment tag or an element key"):
        ack.reject_set("0103", segment=5)
    with pytest.raises(FatalError, match="SEGNN"):
        ack.reject_set("0103", segment=5, element="LIN")
    twice = received(SOI + SOI.replace("000000103", "000000104"))
    with pytest.raises(FatalError, match="more than one"):
        x12.Acknowledger(twice).reject_set("0103")


def test_envelope_errors_flow_into_the_997_and_it_reads_back_cleanly() -> None:
    r = received(two_sets().replace("SE*15*0104", "SE*16*0104").replace("GE*2*103", "GE*3*103"))
    ack = x12.Acknowledger(r)
    out = io.BytesIO()
    ack.write(out, {"newline_after_segment": True}, control_numbers=x12.CounterControlNumbers(start=7), now=NOW)
    text = out.getvalue().decode()
    if os.environ.get("UPDATE_GOLDEN") == "1":
        (DATA / "997_with_rejections.x12").write_text(text)
    assert text == (DATA / "997_with_rejections.x12").read_text()
    assert "AK2*856*0104~\nAK5*R*4~\nAK9*R*2*2*1*5~\n" in text
    back = x12.reader(io.BytesIO(out.getvalue()))
    assert [rec.tag for rec in back][:3] == ["ST", "AK1", "AK2"] and back.problems == []
    ic = back.interchanges[0]
    assert (ic.sender_id, ic.receiver_id, ic.usage) == ("AMAZONDS", "ACMEVENDORDF", "T")


def test_acknowledgement_options_swap_the_partners() -> None:
    (ic,) = received(SOI).interchanges
    options = x12.acknowledgement_options(ic, {"newline_after_segment": True})
    assert options == {"newline_after_segment": True, "sender_qualifier": "ZZ", "sender_id": "AMAZONDS",
                       "receiver_qualifier": "ZZ", "receiver_id": "ACMEVENDORDF", "gs_sender": "AMAZONDS",
                       "gs_receiver": "ACMEVENDORDF", "usage": "T", "version": "00401", "gs_version": "004010"}


def test_truncated_group_is_rejected_with_ak9_code_3() -> None:
    r = received(SOI[:SOI.index("GE*")])
    assert lines(x12.functional_acknowledgement(r))[-2] == "AK9*R*1*1*1*3"


def test_an_interchange_whose_sender_cannot_be_addressed_is_a_located_rejection() -> None:
    r = received(SOI.replace("*ZZ*ACMEVENDORDF   *", "*Z*ACMEVENDORDF    *", 1))
    assert [p.field for p in r.problems] == ["ISA05", "ISA06"]
    with pytest.raises(DocumentRejected) as caught:
        x12.Acknowledger(r).write(io.BytesIO())
    (problem,) = caught.value.problems
    assert (problem.code, problem.segment, problem.field) == ("X12-ACK-ADDRESS", 1, "receiver_qualifier")
    blank = received(SOI.replace("*ZZ*AMAZONDS       *", "*ZZ*               *", 1))
    with pytest.raises(DocumentRejected) as caught:
        x12.Acknowledger(blank).write(io.BytesIO())
    assert caught.value.problems[0].field == "sender_id"
