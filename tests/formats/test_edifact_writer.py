"""EDIFACT writer: golden ORDERS, envelopes and counts, escaping, round trips, option errors."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translator.errors import DocumentRejected, MappingError
from translator.formats import edifact
from translator.records import Record

DATA = Path(__file__).resolve().parents[1] / "data" / "edifact"
NOW = datetime(2024, 11, 5, 9, 30, tzinfo=UTC)
OPTIONS = {"sender_id": "AMAZON-DF", "sender_qualifier": "ZZZ", "recipient_id": "5412345000013",
           "recipient_qualifier": "14", "newline": True}
ORDERS_UNH = {"UNH02.1": "ORDERS", "UNH02.2": "D", "UNH02.3": "96A", "UNH02.4": "UN", "UNH02.5": "EAN008"}


def orders_records(po: str, lines: list[tuple[str, str, str]]) -> list[Record]:
    """The records a mapping produces for one DF order (ORDERS D96A)."""
    out = [Record("UNH", dict(ORDERS_UNH)), Record("BGM", {"BGM01": "220", "BGM02": po, "BGM03": "9"}),
           Record("DTM", {"DTM01.1": "137", "DTM01.2": "20241104", "DTM01.3": "102"}),
           Record("DTM", {"DTM01.1": "2", "DTM01.2": "20241108", "DTM01.3": "102"}),
           Record("NAD", {"NAD01": "BY", "NAD02.1": "AMAZON", "NAD02.3": "92"}),
           Record("NAD", {"NAD01": "SF", "NAD02.1": "WH-SEA1", "NAD02.3": "92"}),
           Record("NAD", {"NAD01": "ST", "NAD04": "Jane O'Neil", "NAD05.1": "12 Main St: Apt 4+5",
                          "NAD06": "Seattle", "NAD07": "WA", "NAD08": "98109", "NAD09": "US"}),
           Record("CUX", {"CUX01.1": "2", "CUX01.2": "USD", "CUX01.3": "9"})]
    for n, (upc, qty, price) in enumerate(lines, 1):
        out += [Record("LIN", {"LIN01": str(n), "LIN03.1": upc, "LIN03.2": "EN"}),
                Record("QTY", {"QTY01.1": "21", "QTY01.2": qty, "QTY01.3": "EA"}),
                Record("PRI", {"PRI01.1": "AAA", "PRI01.2": price})]
    out += [Record("UNS", {"UNS01": "S"}), Record("CNT", {"CNT01.1": "2", "CNT01.2": str(len(lines))}),
            Record("UNT", {"UNT01": "999"})]            # ignored: the writer counts
    return out


def write(records, options=None, numbers=None) -> bytes:
    target = io.BytesIO()
    w = edifact.writer(target, options or OPTIONS, control_numbers=numbers or edifact.InMemoryControlNumbers(),
                       now=NOW)
    for record in records:
        w.write(record)
    w.close()
    return target.getvalue()


def two_orders() -> list[Record]:
    return (orders_records("2JK3S9VC", [("00012345678905", "2", "19.99"), ("04006381333931", "1", "12.50")])
            + orders_records("3KL4T0WD", [("00000000012348", "5", "3.10")]))


def test_orders_match_the_golden_file():
    assert write(two_orders()) == (DATA / "orders_out.edi").read_bytes()


def test_written_orders_read_back_without_problems_and_with_the_same_values():
    records = two_orders()
    r = edifact.reader(io.BytesIO(write(records)))
    back = list(r)
    assert r.problems == []
    sent = [(x.tag, canonical(x.values)) for x in records if x.tag != "UNT"]
    got = [(x.tag, canonical(x.values, skip=("UNH01",))) for x in back if x.tag != "UNT"]
    assert got == sent


def canonical(values: dict[str, str], skip: tuple[str, ...] = ()) -> dict[int, list[str]]:
    """Element -> components, so ``NAD05`` and a lone ``NAD05.1`` compare equal (the key rule)."""
    out: dict[int, dict[int, str]] = {}
    for key, value in values.items():
        if key in skip:
            continue
        element, _, part = key[3:].partition(".")
        out.setdefault(int(element), {})[int(part or 0)] = value
    result = {}
    for element, comps in out.items():
        if len(comps) > 1 or 0 not in comps:
            comps.pop(0, None)
        else:
            comps = {1: comps[0]}
        result[element] = [comps.get(m, "") for m in range(1, max(comps) + 1)]
    return result


def test_control_numbers_and_counts_are_filled():
    numbers = edifact.InMemoryControlNumbers(start=41)
    first = write(two_orders(), numbers=numbers).decode()
    second = write(two_orders(), numbers=numbers).decode()
    assert "+241105:0930+41'" in first and "UNZ+2+41'" in first
    assert "+241105:0930+42'" in second and "UNH+43+ORDERS" in second
    assert "UNT+17+41'" in first and "UNT+14+42'" in first


def test_given_unh01_is_kept():
    records = [Record("UNH", {**ORDERS_UNH, "UNH01": "M-7"}), Record("BGM", {"BGM01": "220", "BGM02": "P"})]
    assert "UNH+M-7+ORDERS:D:96A:UN:EAN008'\nBGM+220+P'\nUNT+3+M-7'" in write(records).decode()


@pytest.mark.parametrize("value, escaped", [
    ("O'Neil", "O?'Neil"), ("a+b", "a?+b"), ("x:y", "x?:y"), ("what?", "what??"), ("?'+:", "???'?+?:"),
])
def test_special_characters_are_escaped(value, escaped):
    out = write([Record("UNH", dict(ORDERS_UNH)), Record("FTX", {"FTX01": "AAI", "FTX04": value})]).decode()
    assert f"FTX+AAI+++{escaped}'" in out


def test_custom_separators_and_no_una():
    options = {**OPTIONS, "service_chars": "|*,# !", "newline": False}
    out = write([Record("UNH", dict(ORDERS_UNH)), Record("FTX", {"FTX01": "AAI", "FTX04": "a*b!c#"})], options)
    assert out.startswith(b"UNA|*,# !UNB*UNOC|3*AMAZON-DF|ZZZ*")
    assert b"FTX*AAI***a#*b#!c##!" in out
    assert not write([Record("UNH", dict(ORDERS_UNH))], {**OPTIONS, "una": False}).startswith(b"UNA")


def test_test_indicator_application_reference_and_syntax_4_date():
    options = {**OPTIONS, "test": True, "application_reference": "ORDERS", "ack_request": True,
               "syntax_version": "4", "newline": False}
    out = write([Record("UNH", dict(ORDERS_UNH))], options).decode()
    assert "UNB+UNOC:4+AMAZON-DF:ZZZ+5412345000013:14+20241105:0930+1++ORDERS++1++1'" in out


def test_trailing_empty_elements_and_components_are_dropped():
    out = write([Record("UNH", dict(ORDERS_UNH)), Record("NAD", {"NAD01": "BY", "NAD02.1": "X", "NAD05": ""})])
    assert b"NAD+BY+X'" in out


def test_nothing_is_written_without_a_message():
    assert write([]) == b""


def test_segment_before_unh_is_a_mapping_error():
    with pytest.raises(MappingError, match="before any UNH"):
        write([Record("BGM", {"BGM01": "220"})])


def test_bad_value_keys_are_mapping_errors():
    with pytest.raises(MappingError, match="BGM2"):
        write([Record("UNH", dict(ORDERS_UNH)), Record("BGM", {"BGM2": "220"})])
    with pytest.raises(MappingError, match="UNH02.2"):
        write([Record("UNH", {"UNH02.1": "ORDERS"})])


def test_unencodable_character_is_a_located_rejection():
    with pytest.raises(DocumentRejected) as err:
        write([Record("UNH", dict(ORDERS_UNH)), Record("FTX", {"FTX01": "AAI", "FTX04": "東京"})])
    (problem,) = err.value.problems
    assert problem.code == "EDIFACT-UNENCODABLE" and problem.record == "FTX" and "UNOW" in problem.hint
    assert (problem.field, problem.value) == ("FTX04", "東")
    out = write([Record("UNH", dict(ORDERS_UNH)), Record("FTX", {"FTX01": "AAI", "FTX04": "東京"})],
                {**OPTIONS, "syntax_id": "UNOW"})
    assert "東京".encode() in out


def test_sender_and_recipient_are_required():
    with pytest.raises(MappingError, match="sender_id"):
        write([Record("UNH", dict(ORDERS_UNH))], {"recipient_id": "X"})


@pytest.mark.parametrize("raw, match", [
    ({"colour": "red"}, "unknown edifact option"), ({"service_chars": "::.? '"}, "different"),
    ({"test": "yes"}, "true or false"), ({"syntax_id": "UNOQ"}, "unknown syntax"),
    ({"encoding": "klingon"}, "unknown encoding"), ({"chunk_size": 3}, "chunk_size"),
])
def test_parse_options_refuses_bad_keys(raw, match):
    with pytest.raises(MappingError, match=match):
        edifact.parse_options(raw)


TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"),
               min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(TEXT, min_size=1, max_size=4), chars=st.sampled_from([":+.? '", "|*,# !", ":+.\\*~"]))
def test_any_latin1_text_round_trips_through_write_and_read(values, chars):
    record = Record("FTX", {"FTX01": "AAI", **{f"FTX04.{i}": v for i, v in enumerate(values, 1)}})
    data = write([Record("UNH", dict(ORDERS_UNH)), record], {**OPTIONS, "service_chars": chars})
    r = edifact.reader(io.BytesIO(data), {"chunk_size": 16})
    back = [x for x in r if x.tag == "FTX"][0]
    assert r.problems == []
    key = (lambda i: f"FTX04.{i}") if len(values) > 1 else (lambda i: "FTX04")
    assert [back.get(key(i)) for i in range(1, len(values) + 1)] == values


def test_golden_inbound_files_round_trip_read_write_read():
    for name in ("ordrsp_in.edi", "desadv_in.edi", "invoic_in.edi", "invrpt_in.edi", "iftsta_in.edi"):
        first = list(edifact.reader(DATA / name))
        second = list(edifact.reader(io.BytesIO(write(first))))
        assert [(x.tag, x.values) for x in second] == [(x.tag, x.values) for x in first], name
