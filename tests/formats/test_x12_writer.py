"""X12 writer: envelopes, counts, control numbers, delimiter safety, options."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translator.errors import DocumentRejected, MappingError
from translator.formats import x12
from translator.records import Record, SourceRef

NOW = datetime(2026, 11, 23, 9, 5)
OPTIONS = {"sender_id": "ACMEVENDORDF", "receiver_id": "AMAZONDS", "partner": "amazon", "usage": "T"}


def written(records, options=None, **context) -> str:
    out = io.BytesIO()
    context.setdefault("now", NOW)
    x12.write(records, out, {**OPTIONS, **(options or {})}, **context)
    return out.getvalue().decode()


def order(st01: str = "850", po: str = "PO1") -> list[Record]:
    return [Record("ST", {"ST01": st01}), Record("BEG", {"BEG01": "00", "BEG02": "DS", "BEG03": po}),
            Record("PO1", {"PO101": "1", "PO102": "2", "PO107": "0012345678905"}), Record("SE", {"SE01": "99"})]


def test_envelope_with_counts_and_fixed_width_isa() -> None:
    text = written(order() + order(po="PO2"))
    segments = text.split("~")[:-1]
    assert segments[0] == ("ISA*00*          *00*          *ZZ*ACMEVENDORDF   *ZZ*AMAZONDS       *261123*0905*U*"
                           "00401*000000001*0*T*>")
    assert len(segments[0]) + 1 == 106
    assert segments[1] == "GS*PO*ACMEVENDORDF*AMAZONDS*20261123*0905*1*X*004010"
    assert segments[2:6] == ["ST*850*0001", "BEG*00*DS*PO1", "PO1*1*2*****0012345678905", "SE*4*0001"]
    assert segments[-3:] == ["SE*4*0002", "GE*2*1", "IEA*1*000000001"]


def test_consecutive_sets_of_one_functional_id_share_a_group() -> None:
    out = io.BytesIO()
    w = x12.write(order("855") + order("855") + order("856") + order("855"), out, OPTIONS, now=NOW)
    assert w.interchange_control == "000000001"
    assert w.groups_written == [("PR", "1", 2), ("SH", "2", 1), ("PR", "3", 1)]
    text = out.getvalue().decode()
    envelope = [s for s in text.split("~") if s[:2] in ("GS", "GE", "IE")]
    assert [s.split("*")[1] for s in envelope] == ["PR", "2", "SH", "1", "PR", "1", "3"]
    assert [s.split("*")[6] for s in envelope if s.startswith("GS")] == ["1", "2", "3"]


def test_control_numbers_persist_across_writers_through_the_control_numbers_object() -> None:
    numbers = x12.CounterControlNumbers()
    first = written(order(), control_numbers=numbers)
    second = written(order() + order(), control_numbers=numbers)
    other = written(order(), {"partner": "other"}, control_numbers=numbers)
    assert "*000000001*0*T*>~GS*PO*ACMEVENDORDF*AMAZONDS*20261123*0905*1*" in first
    assert "*000000002*0*T*>~GS*PO*ACMEVENDORDF*AMAZONDS*20261123*0905*2*" in second
    assert "ST*850*0002~" in second and "ST*850*0003~" in second and "IEA*1*000000002~" in second
    assert "*000000001*" in other and "ST*850*0001~" in other


def test_counter_wraps_after_nine_digits() -> None:
    numbers = x12.CounterControlNumbers(start=999_999_999)
    assert [numbers.next("p", "interchange") for _ in range(2)] == [999_999_999, 1]


def test_partner_settings_fill_the_envelope() -> None:
    text = written(order("856"), {"sender_qualifier": "01", "receiver_qualifier": "12", "gs_sender": "ACME",
                                  "gs_receiver": "AMZN", "usage": "P", "acknowledgement_requested": True,
                                  "element_separator": "|", "component_separator": "^", "segment_terminator": "\n"})
    isa, gs = text.splitlines()[:2]
    assert isa.endswith("|00401|000000001|1|P|^") and "|01|ACMEVENDORDF   |12|AMAZONDS       |" in isa
    assert gs == "GS|SH|ACME|AMZN|20261123|0905|1|X|004010"


def test_values_are_written_as_given_and_empty_elements_positioned() -> None:
    rec = Record("DTM", {"DTM02": "20261123", "DTM05.1": "A", "DTM05.3": "C", "DTM04": ""})
    text = written([Record("ST", {"ST01": "856"}), rec, Record("TDS", {"TDS01": "0019.90"})])
    assert "~DTM**20261123***A>>C~TDS*0019.90~" in text


def test_newline_after_segment() -> None:
    text = written(order(), {"newline_after_segment": True})
    assert text.splitlines()[2:4] == ["ST*850*0001~", "BEG*00*DS*PO1~"]


@pytest.mark.parametrize("bad", ["A*B", "A~B", "A>B", "line\nbreak"])
def test_a_delimiter_inside_a_value_is_rejected_with_a_located_problem(bad: str) -> None:
    w = x12.writer(io.BytesIO(), OPTIONS, now=NOW)
    w.write(Record("ST", {"ST01": "850"}))
    with pytest.raises(DocumentRejected) as caught:
        w.write(Record("N1", {"N101": "ST", "N102": bad}, SourceRef("orders.json", line=7)))
    (problem,) = caught.value.problems
    assert (problem.code, problem.record, problem.field, problem.file, problem.line) == \
        ("X12-VALUE-DELIMITER", "N1", "N102", "orders.json", 7)
    assert "replace_delimiters" in problem.hint and bad not in problem.render()


def test_replace_delimiters_is_an_explicit_option() -> None:
    text = written([Record("ST", {"ST01": "850"}), Record("N1", {"N101": "ST", "N102": "A*B~C>D"})],
                   {"replace_delimiters": " "})
    assert "~N1*ST*A B C D~" in text


@pytest.mark.parametrize(("record", "fragment"), [
    (Record("GS", {"GS01": "PO"}), "written by the x12 writer"),
    (Record("BEG", {"BEG1": "00"}), "is not BEGNN"),
    (Record("BEG", {"XX01": "00"}), "is not BEGNN"),
    (Record("BEG", {"BEG01": "00", "BEG01.1": "x"}), "are both set"),
    (Record("ST", {"ST01": "999"}), "unknown transaction set"),
])
def test_records_the_writer_cannot_place_are_rejected(record: Record, fragment: str) -> None:
    w = x12.writer(io.BytesIO(), OPTIONS, now=NOW)
    w.write(Record("ST", {"ST01": "850"}))
    with pytest.raises(DocumentRejected) as caught:
        w.write(record)
    assert fragment in caught.value.problems[0].rule


def test_segment_before_any_st_is_rejected() -> None:
    w = x12.writer(io.BytesIO(), OPTIONS)
    with pytest.raises(DocumentRejected, match="problem"):
        w.write(Record("BEG", {"BEG01": "00"}))


def test_no_records_write_nothing() -> None:
    out = io.BytesIO()
    w = x12.writer(out, OPTIONS)
    w.close()
    assert out.getvalue() == b""


@pytest.mark.parametrize(("raw", "key"), [
    ({"sender": "x"}, "sender"), ({"usage": "X"}, "usage"), ({"sender_id": "X" * 16}, "sender_id"),
    ({"element_separator": "A"}, "element_separator"), ({"component_separator": "*"}, "element_separator"),
    ({"newline_after_segment": "yes"}, "newline_after_segment"), ({"version": "4010"}, "version"),
    ({"sender_qualifier": "Z"}, "sender_qualifier"), ({"replace_delimiters": "*"}, "replace_delimiters"),
    ({"gs_sender": "ACME~1"}, "gs_sender"), ({"encoding": "no-such-codec"}, "encoding"),
])
def test_bad_options_are_mapping_errors_naming_the_key(raw: dict, key: str) -> None:
    with pytest.raises(MappingError) as caught:
        x12.parse_options(raw)
    assert caught.value.key == key


def test_segment_text() -> None:
    rec = Record("REF", {"REF01": "CN", "REF02": "1Z999", "REF04.1": "PO", "REF04.2": "123"})
    assert x12.segment_text(rec, x12.Delimiters("|", "^", "\n")) == "REF|CN|1Z999||PO^123"
    with pytest.raises(DocumentRejected):
        x12.segment_text(Record("REF", {"REF02": "a|b"}), x12.Delimiters("|", "^", "\n"))


SAFE_TEXT = st.text(alphabet=st.characters(blacklist_characters="*~>\r\n", blacklist_categories=("Cs",)),
                    min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["N101", "N102", "N103", "N104.1", "N104.2"]), SAFE_TEXT,
                                max_size=5), min_size=1, max_size=5))
def test_written_values_read_back_unchanged(rows: list[dict[str, str]]) -> None:
    records = [Record("ST", {"ST01": "856"})] + [Record("N1", values) for values in rows]
    text = written(records)
    r = x12.reader(io.BytesIO(text.encode()))
    back = [rec for rec in r if rec.tag == "N1"]
    assert r.problems == []
    assert [rec.values for rec in back] == [canonical(row) for row in rows]


def canonical(row: dict[str, str]) -> dict[str, str]:
    """A composite given only by its first component reads back as the simple element."""
    out = dict(row)
    if "N104.1" in out and "N104.2" not in out:
        out["N104"] = out.pop("N104.1")
    return out


def test_writing_needs_the_partner_ids() -> None:
    with pytest.raises(MappingError) as caught:
        x12.writer(io.BytesIO(), {"sender_id": "ACME"})
    assert caught.value.key == "receiver_id"
