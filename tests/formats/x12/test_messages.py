"""``Reader.messages()``: whole transaction sets as RawMessages, with the same envelope checks as the Records.

The Record stream is built from the messages, so these tests pin both the messages themselves (segments
split, segment numbers, completeness) and their agreement with the golden Record streams.
"""

from __future__ import annotations

import importlib
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translator.formats import x12
from translator.records import RawMessage, Record, SourceRef

reader_module = importlib.import_module("translator.formats.x12.reader")
DATA = Path(__file__).resolve().parents[2] / "data" / "x12"
GOLDEN = sorted(DATA.glob("*.x12"))
SOI = (DATA / "856_soi.x12").read_text()      # ISA, GS, ST..SE (15 segments, numbers 3..17), GE, IEA
INVOICE = (DATA / "810_invoice.x12").read_text()


def reader(text: str) -> x12.Reader:
    return x12.reader(io.BytesIO(text.encode("utf-8")), file_name="in.x12")


def messages(text: str) -> tuple[list[RawMessage], x12.Reader]:
    r = reader(text)
    return list(r.messages()), r


def flattened(msgs: list[RawMessage]) -> list[Record]:
    return [record for m in msgs for record in m.records()]


def codes(r: x12.Reader) -> list[str]:
    return [p.code for p in r.problems]


def naive_segments(text: str) -> list[list[str]]:
    """Every segment of a ``*``/``~`` file split by hand, so index ``n - 1`` is segment number ``n``."""
    return [s.strip("\r\n").split("*") for s in text.split("~") if s.strip("\r\n")]


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_records_of_the_messages_are_the_golden_record_stream(path: Path) -> None:
    r = x12.reader(path)
    got = [[rec.tag, rec.values, rec.source.segment, rec.source.message] for rec in flattened(list(r.messages()))]
    assert r.problems == []
    assert got == json.loads((DATA / "expected" / f"{path.stem}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_messages_and_iteration_give_the_same_records_problems_and_envelopes(path: Path) -> None:
    text = path.read_text() + SOI.replace("0103", "0199").replace("000000103", "000000199")
    msgs, by_message = messages(text)
    by_record = reader(text)
    assert flattened(msgs) == list(by_record)
    assert by_message.problems == by_record.problems
    assert by_message.segment_count == by_record.segment_count
    assert by_message.interchanges == by_record.interchanges
    assert by_message.acknowledgement_records() == by_record.acknowledgement_records()


def test_a_message_holds_its_set_split_on_the_element_separator_with_empty_elements_kept() -> None:
    (msg,), r = messages(SOI)
    assert r.problems == [] and msg.complete and msg.file == "in.x12"
    assert msg.control == "0103" and msg.component == ">"
    assert msg.segments[0] == ["ST", "856", "0103"] and msg.segments[-1] == ["SE", "15", "0103"]
    assert msg.segments[2] == ["HL", "1", "", "S"]
    assert msg.positions == list(range(3, 18))
    assert msg.segments == naive_segments(SOI)[2:17]


def test_message_positions_are_the_segment_numbers_records_carry() -> None:
    msgs, _ = messages(SOI + INVOICE)
    for msg in msgs:
        assert [rec.source.segment for rec in msg.records()] == msg.positions
        assert {rec.source.message for rec in msg.records()} == {msg.control}


def test_a_file_cut_inside_a_set_yields_it_incomplete_with_its_segments_so_far() -> None:
    cut = SOI[: SOI.index("SN1*1*4*EA") + 6]
    (msg,), r = messages(cut)
    assert not msg.complete and msg.control == "0103"
    assert [parts[0] for parts in msg.segments][-2:] == ["LIN", "SN1"] and msg.positions[-1] == 14
    assert codes(r) == ["X12-NO-TERMINATOR", "X12-SE-MISSING", "X12-GE-MISSING", "X12-IEA-MISSING"]
    assert [s.segment_count for s in r.transaction_sets()] == [12]


@pytest.mark.parametrize("closer", ["ST*856*0104", "GE*1*103", "IEA*1*000000103"])
def test_a_set_closed_by_another_envelope_segment_than_se_is_incomplete(closer: str) -> None:
    text = SOI.replace("SE*15*0103~", closer + "~")
    msgs, r = messages(text)
    assert msgs[0].complete is False and msgs[0].positions == list(range(3, 17))
    assert "X12-SE-MISSING" in codes(r)
    assert [(m.control, m.complete) for m in msgs[1:]] == ([("0104", False)] if closer.startswith("ST") else [])


def test_the_set_after_a_truncated_one_is_complete_and_both_are_counted() -> None:
    second = "ST*856*0104~\nBSN*00*X*20261123*1410~\nSE*3*0104~\n"
    text = SOI.replace("SE*15*0103~\n", second).replace("GE*1*103", "GE*2*103")
    msgs, r = messages(text)
    assert [(m.control, m.complete, len(m.segments)) for m in msgs] == [("0103", False, 14), ("0104", True, 3)]
    assert codes(r) == ["X12-SE-MISSING"]
    assert [(s.control_number, s.segment_count) for s in r.transaction_sets()] == [("0103", 14), ("0104", 3)]


def test_segments_outside_a_set_are_reported_and_in_no_message_even_with_a_tag_seen_inside_one() -> None:
    text = SOI.replace("ST*856*0103~", "N9*ZZ*BEFORE~\nST*856*0103~").replace("GE*1*103~", "REF*ZZ*AFTER~\nGE*1*103~")
    msgs, r = messages(text)
    assert [(p.code, p.segment, p.record) for p in r.problems] == [
        ("X12-OUTSIDE-SET", 3, "N9"), ("X12-OUTSIDE-SET", 19, "REF")]
    assert len(msgs) == 1 and msgs[0].complete and msgs[0].positions == list(range(4, 19))
    assert ["N9", "ZZ", "BEFORE"] not in msgs[0].segments and ["REF", "ZZ", "AFTER"] not in msgs[0].segments


def test_a_bad_segment_id_is_dropped_with_its_problem_and_still_counted_by_se() -> None:
    text = SOI.replace("PRF*TST9876544~", "PRF*TST9876544~\nbad*1~").replace("SE*15*0103", "SE*16*0103")
    (msg,), r = messages(text)
    assert [(p.code, p.segment, p.value, p.document) for p in r.problems] == [
        ("X12-SEGMENT-ID", 12, "bad", "ST02 0103")]
    assert msg.complete and "bad" not in [parts[0] for parts in msg.segments]
    assert msg.positions == [*range(3, 12), *range(13, 19)] and len(msg.segments) == 15
    (st,) = r.transaction_sets()
    assert st.segment_count == 16 and [(e.tag, e.position, e.code) for e in st.segment_errors] == [("bad", 10, "1")]


def test_a_wrong_se_count_is_found_from_segment_numbers() -> None:
    _, r = messages(SOI.replace("SE*15*0103", "SE*14*0103"))
    assert [(p.code, p.value, p.rule) for p in r.problems] == [
        ("X12-SE-COUNT", "14", "SE01 must count the segments from ST to SE (15 found)")]


def test_envelope_problems_are_the_same_as_for_records_on_a_damaged_file() -> None:
    damaged = (SOI.replace("GE*1*103", "GE*2*104").replace("ST*856*0103", "ST*85*0103")
               .replace("SE*15*0103", "SE*15*0109") + "SE*1*0001~\n")
    msgs, r = messages(damaged)
    assert codes(r) == ["X12-ST-ID", "X12-SE-CONTROL", "X12-GE-COUNT", "X12-GE-CONTROL", "X12-SE-UNEXPECTED"]
    iterated = reader(damaged)
    assert flattened(msgs) == list(iterated) and r.problems == iterated.problems


def test_sets_of_several_interchanges_and_groups_come_in_file_order_with_their_own_component() -> None:
    pipes = (INVOICE.replace("*", "|").replace(">~", "^~").replace("000000", "000009"))
    text = SOI + pipes + SOI.replace("000000103", "000000107").replace("*103*", "*107*").replace("*103~", "*107~")
    msgs, r = messages(text)
    assert r.problems == []
    assert [(m.segments[0][1], m.control, m.component) for m in msgs] == [
        ("856", "0103", ">"), ("810", "0106", "^"), ("856", "0103", ">")]
    assert [len(ic.groups) for ic in r.interchanges] == [1, 1, 1]
    assert msgs[1].segments == [s.split("|") for s in pipes.split("~\n")[2:-3]]
    assert msgs[2].positions[0] == len(naive_segments(SOI)) + len(pipes.split("~\n")[:-1]) + 3


def test_composite_elements_stay_joined_in_segments_and_split_in_records() -> None:
    text = SOI.replace("N1*SF**92*SDF4", "N1*SF*A>B>>D*92*SDF4")
    (msg,), r = messages(text)
    n1 = msg.segments[6]
    assert r.problems == [] and n1 == ["N1", "SF", "A>B>>D", "92", "SDF4"]
    assert msg.records()[6].values == {"N101": "SF", "N102.1": "A", "N102.2": "B", "N102.4": "D", "N103": "92",
                                       "N104": "SDF4"}


def test_reading_messages_again_starts_over() -> None:
    r = reader(SOI.replace("SE*15*0103", "SE*14*0103"))
    first, second = list(r.messages()), list(r.messages())
    assert [m.segments for m in first] == [m.segments for m in second]
    assert codes(r) == ["X12-SE-COUNT"] and len(r.interchanges) == 1


def test_records_of_a_message_equal_records_built_the_ordinary_way() -> None:
    msg = RawMessage("f.x12", "0001", [["ST", "856", "0001"], ["N1", "SU", "", "92", "V1"], ["SE", "3", "0001"]],
                     [3, 4, 6], ">")
    expected = [Record("ST", {"ST01": "856", "ST02": "0001"}, SourceRef("f.x12", segment=3, message="0001")),
                Record("N1", {"N101": "SU", "N103": "92", "N104": "V1"}, SourceRef("f.x12", segment=4, message="0001")),
                Record("SE", {"SE01": "3", "SE02": "0001"}, SourceRef("f.x12", segment=6, message="0001"))]
    got = msg.records()
    assert got == expected and [hash(r.source) for r in got] == [hash(r.source) for r in expected]


@pytest.mark.parametrize("composite", ["", "*A>B"], ids=["plain", "composite"])
def test_element_positions_stop_at_99_as_the_record_stream_always_did(composite: str) -> None:
    segment = "REF" + "*x" * 120 + composite
    (msg,), r = messages(SOI.replace("REF*CN*794612345678", segment))
    values = msg.records()[4].values
    assert r.problems == [] and len(msg.segments[4]) == 121 + bool(composite)
    assert len(values) == 99 and values["REF99"] == "x" and not any(k.startswith("REF1") and len(k) > 5 for k in values)


MUTATIONS = st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(
    ["", "bad*1", "REF*ZZ*X", "ST*856*0777", "SE*3*0777", "GE*1*103", "GS*SH*A*B*20261123*1430*9*X*004010",
     "IEA*1*000000103", "N1*SU>A>>B*92"])), max_size=4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations=MUTATIONS, path=st.sampled_from(GOLDEN))
def test_damaged_files_give_messages_whose_segments_and_numbers_match_the_file(mutations, path: Path) -> None:
    segments = naive_segments(path.read_text())
    for where, segment in mutations:           # "" deletes the segment there, anything else is inserted
        at = 1 + where % (len(segments) - 1)
        if segment:
            segments.insert(at, segment.split("*"))
        else:
            del segments[at]
    text = "".join("*".join(parts) + "~\n" for parts in segments)
    msgs, r = messages(text)
    for msg in msgs:
        assert msg.segments == [segments[n - 1] for n in msg.positions]
        assert msg.segments[0][0] == "ST" and msg.complete == (msg.segments[-1][0] == "SE")
        assert msg.positions == sorted(set(msg.positions))
    with pytest.MonkeyPatch.context() as patch:   # Records stream long sets in pieces: make every set long
        patch.setattr(reader_module, "_PIECE", 2)
        iterated = reader(text)
        assert flattened(msgs) == list(iterated) and r.problems == iterated.problems


def long_inventory(items: int) -> str:
    bad = items * 2 // 3                                       # one bad segment id, far into the set
    body = "".join(f"LIN**UP*0{i:011d}*VP*SKU>{i}~\n{'qty' if i == bad else 'QTY'}*33*{i % 50}*EA~\n"
                   for i in range(items))
    return (SOI.split("GS*")[0] + "GS*IB*ACMEVENDORDF*AMAZONDS*20261123*1430*103*X*004010~\nST*846*0001~\n"
            f"BIA*00*DD*INV1*20261123~\n{body}SE*{2 * items + 3}*0001~\nGE*1*103~\nIEA*1*000000103~\n")


def test_a_set_longer_than_a_streaming_piece_gives_the_same_records_as_its_message() -> None:
    text = long_inventory(3 * reader_module._PIECE)
    (msg,), r = messages(text)
    iterated = reader(text)
    records = list(iterated)
    assert records == msg.records() and iterated.problems == r.problems
    assert [p.code for p in r.problems] == ["X12-SEGMENT-ID"] and len(records) == 6 * reader_module._PIECE + 2
    assert records[-1].source.segment == msg.positions[-1] == 6 * reader_module._PIECE + 5
    assert records[2].values == {"LIN02": "UP", "LIN03": "000000000000", "LIN04": "VP", "LIN05.1": "SKU",
                                 "LIN05.2": "0"}


class CountingStream(io.BytesIO):
    """A byte stream that remembers how far it was read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.furthest = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.furthest = max(self.furthest, self.tell())
        return data


def test_messages_stream_the_first_set_comes_before_the_file_is_read() -> None:
    one = SOI.split("ST*856*0103~\n")[1].split("GE*")[0]
    sets = "".join(f"ST*856*{n:04d}~\n" + one.replace("SE*15*0103", f"SE*15*{n:04d}") for n in range(1000, 3000))
    text = SOI.split("ST*")[0] + sets + "GE*2000*103~\nIEA*1*000000103~\n"
    stream = CountingStream(text.encode())
    r = x12.reader(stream, {"chunk_size": 4096})
    first = next(r.messages())
    assert first.control == "1000" and first.complete
    assert stream.furthest <= 3 * 4096 < len(text) // 10


def test_record_stream_memory_does_not_grow_with_the_length_of_one_set(monkeypatch: pytest.MonkeyPatch) -> None:
    import tracemalloc

    monkeypatch.setattr(reader_module, "_PIECE", 256)    # small pieces and chunks keep this test quick

    def peak(items: int) -> int:
        r = x12.reader(io.BytesIO(long_inventory(items).encode()), {"chunk_size": 4096})
        tracemalloc.start()
        for _ in r:
            pass
        size = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert [p.code for p in r.problems] == ["X12-SEGMENT-ID"]
        return size

    small, large = peak(1024), peak(8192)
    assert large < 1.5 * small
