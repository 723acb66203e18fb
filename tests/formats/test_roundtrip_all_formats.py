"""One strategy, every format: DF line records survive ``read(write(r))`` byte for byte.

The strategy (:func:`tests.strategies.df_line_records`) draws the values that break naive
translators: GTINs with leading zeros, money as decimal text (negatives, four places), and free
text with ``+ : ' ? * ~ , " \\n`` and non-ASCII. Each format gets the promise it can keep:

* CSV and XLSX carry every value exactly, line breaks included.
* Fixed width carries every value that fits its columns (no line breaks, no trailing spaces: the
  padding is spaces, so a trailing space cannot be told from padding).
* EDIFACT carries every value exactly: the release character escapes its own syntax characters.
* X12 has no escape mechanism, so a value is either written and read back byte for byte, or the
  writer refuses it with an ``X12-VALUE-DELIMITER`` Problem naming the record and the element; it
  is never silently altered. Both segment formats omit empty elements, so an empty value reads back
  as an absent key (the model's definition of empty), which the comparison accounts for.
"""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import LINE_COLUMNS, df_line_records
from translator.errors import DocumentRejected
from translator.formats import get_format
from translator.records import Record

# ROUNDTRIP_EXAMPLES=500 pytest ... runs a deeper search than the default (kept small for the suite's time budget).
SETTINGS = settings(max_examples=int(os.environ.get("ROUNDTRIP_EXAMPLES", "30")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
LINES = st.lists(df_line_records(), min_size=1, max_size=4)
X12_OPTIONS = {"sender_id": "VENDOR", "receiver_id": "AMAZON"}
X12_DELIMITERS = "*>~\r\n"
EDIFACT_OPTIONS = {"sender_id": "VENDOR", "recipient_id": "AMAZON", "syntax_id": "UNOW"}
FIXED_LAYOUT = {"records": [{"type": "D", "match": {"start": 1, "length": 1, "value": "D"}, "fields": [
    {"name": "purchaseOrderNumber", "start": 2, "length": 8},
    {"name": "itemSequenceNumber", "start": 10, "length": 5},
    {"name": "productIdQualifier", "start": 15, "length": 2},
    {"name": "vendorProductIdentifier", "start": 17, "length": 14},
    {"name": "quantity", "start": 31, "length": 4, "justify": "right"},
    {"name": "netCost", "start": 35, "length": 16, "justify": "right"},
    {"name": "currencyCode", "start": 51, "length": 3},
    {"name": "title", "start": 54, "length": 40},
]}]}


def tabular(fmt: str, options: dict[str, Any], rows: list[dict[str, str]], tag: str = "row") -> list[dict[str, str]]:
    """Rows written by the ``fmt`` writer and read back by its reader (which must report nothing)."""
    out = io.BytesIO()
    writer = get_format(fmt).writer(out, options)
    for row in rows:
        writer.write(Record(tag, row))
    writer.close()
    reader = get_format(fmt).reader(io.BytesIO(out.getvalue()), options, file_name=f"in.{fmt}")
    records = [r.values for r in reader]
    assert reader.problems == []
    return records


def non_empty(row: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in row.items() if v}


@SETTINGS
@given(LINES)
def test_csv_carries_every_line_record_exactly(rows: list[dict[str, str]]) -> None:
    options = {"neutralise_formulas": False, "columns": list(LINE_COLUMNS)}
    assert tabular("csv", options, rows) == rows


@SETTINGS
@given(LINES)
def test_xlsx_carries_every_line_record_exactly(rows: list[dict[str, str]]) -> None:
    options = {"columns": list(LINE_COLUMNS), "identifier_columns": ["vendorProductIdentifier", "netCost"]}
    assert tabular("xlsx", options, rows) == rows


@SETTINGS
@given(st.lists(df_line_records(newlines=False, trailing_spaces=False), min_size=1, max_size=4))
def test_fixed_width_carries_every_line_record_that_fits(rows: list[dict[str, str]]) -> None:
    assert tabular("fixed", FIXED_LAYOUT, rows, tag="D") == rows


# -- segment formats: a line record becomes several segments of one message -------------------------------

def x12_segments(row: dict[str, str]) -> list[Record]:
    """An 846-shaped rendering of one line: every value lands in an element (composites included)."""
    return [
        Record("REF", {"REF01": "PO", "REF02": row["purchaseOrderNumber"]}),
        Record("LIN", {"LIN01": row["itemSequenceNumber"], "LIN02": row["productIdQualifier"],
                       "LIN03": row["vendorProductIdentifier"]}),
        Record("QTY", {"QTY01": "33", "QTY02": row["quantity"], "QTY03.1": "EA", "QTY03.2": "1"}),
        Record("CTP", {"CTP03": row["netCost"], "CTP04": row["currencyCode"]}),
        Record("PID", {"PID01": "F", "PID05": row["title"]}),
    ]


def from_x12(records: list[Record]) -> list[dict[str, str]]:
    rows, row = [], {}
    for rec in records:
        v = rec.values
        if rec.tag == "REF":
            row = {"purchaseOrderNumber": v.get("REF02", "")}
            rows.append(row)
        elif rec.tag == "LIN":
            row.update(itemSequenceNumber=v.get("LIN01", ""), productIdQualifier=v.get("LIN02", ""),
                       vendorProductIdentifier=v.get("LIN03", ""))
        elif rec.tag == "QTY":
            row["quantity"] = v.get("QTY02", "")
            assert (v.get("QTY03.1"), v.get("QTY03.2")) == ("EA", "1")
        elif rec.tag == "CTP":
            row.update(netCost=v.get("CTP03", ""), currencyCode=v.get("CTP04", ""))
        elif rec.tag == "PID":
            row["title"] = v.get("PID05", "")
    return rows


def write_x12(rows: list[dict[str, str]]) -> bytes:
    out = io.BytesIO()
    writer = get_format("x12").writer(out, X12_OPTIONS)
    writer.write(Record("ST", {"ST01": "846"}))
    writer.write(Record("BIA", {"BIA01": "00", "BIA02": "MM", "BIA03": "REF1", "BIA04": "20261123"}))
    for row in rows:
        for record in x12_segments(row):
            writer.write(record)
    writer.close()
    return out.getvalue()


@SETTINGS
@given(LINES)
def test_x12_value_round_trips_or_is_refused_with_a_located_problem(rows: list[dict[str, str]]) -> None:
    carrying = [(k, v) for row in rows for k, v in row.items() if any(c in v for c in X12_DELIMITERS)]
    try:
        data = write_x12(rows)
    except DocumentRejected as exc:
        assert carrying, "a value without delimiters must never be refused"
        problem = exc.problems[0]
        assert problem.code == "X12-VALUE-DELIMITER" and problem.record == "PID" and problem.field == "PID05"
        bad = eval(problem.value)  # noqa: S307 - the Problem shows the character as a Python literal
        assert bad in X12_DELIMITERS and any(bad in v for _, v in carrying)
        return
    assert not carrying, "a delimiter inside a value must be refused, not written"
    reader = get_format("x12").reader(io.BytesIO(data), {}, file_name="in.x12")
    records = list(reader)
    assert [p for p in reader.problems if p.severity == "error"] == []
    assert [non_empty(r) for r in from_x12(records)] == [non_empty(row) for row in rows]


@pytest.mark.parametrize("char", list(X12_DELIMITERS))
def test_x12_writer_refuses_each_delimiter_and_names_the_element(char: str) -> None:
    row = {c: "1" for c in LINE_COLUMNS} | {"title": f"Caf\u00e9 {char} Deluxe"}
    with pytest.raises(DocumentRejected) as caught:
        write_x12([row])
    [problem] = caught.value.problems
    assert (problem.code, problem.record, problem.field, problem.value) == ("X12-VALUE-DELIMITER", "PID", "PID05",
                                                                            repr(char))
    assert "PID05" in problem.rule and problem.hint


def test_x12_round_trips_edifact_syntax_characters_and_non_ascii() -> None:
    row = {"purchaseOrderNumber": "2JK3S9VC", "itemSequenceNumber": "00001", "productIdQualifier": "UP",
           "vendorProductIdentifier": "000123456789", "quantity": "0", "netCost": "-0.10", "currencyCode": "EUR",
           "title": "Caf\u00e9 +1 :'?, \"Deluxe\" \u00c5ngstr\u00f6m \u4e2d"}
    reader = get_format("x12").reader(io.BytesIO(write_x12([row])), {})
    assert from_x12(list(reader)) == [row] and reader.problems == []


# -- EDIFACT --------------------------------------------------------------------------------------------

def edifact_segments(row: dict[str, str]) -> list[Record]:
    return [
        Record("LIN", {"LIN01": row["itemSequenceNumber"], "LIN03.1": row["vendorProductIdentifier"],
                       "LIN03.2": row["productIdQualifier"]}),
        Record("RFF", {"RFF01.1": "ON", "RFF01.2": row["purchaseOrderNumber"]}),
        Record("QTY", {"QTY01.1": "21", "QTY01.2": row["quantity"]}),
        Record("PRI", {"PRI01.1": "AAA", "PRI01.2": row["netCost"]}),
        Record("CUX", {"CUX01.1": "2", "CUX01.2": row["currencyCode"]}),
        Record("IMD", {"IMD01": "F", "IMD03.4": row["title"]}),
    ]


def from_edifact(records: list[Record]) -> list[dict[str, str]]:
    rows, row = [], {}
    for rec in records:
        v = rec.values
        if rec.tag == "LIN":
            row = {"itemSequenceNumber": v.get("LIN01", ""), "vendorProductIdentifier": v.get("LIN03.1", ""),
                   "productIdQualifier": v.get("LIN03.2", "")}
            rows.append(row)
        elif rec.tag == "RFF":
            row["purchaseOrderNumber"] = v.get("RFF01.2", "")
        elif rec.tag == "QTY":
            row["quantity"] = v.get("QTY01.2", "")
        elif rec.tag == "PRI":
            row["netCost"] = v.get("PRI01.2", "")
        elif rec.tag == "CUX":
            row["currencyCode"] = v.get("CUX01.2", "")
        elif rec.tag == "IMD":
            row["title"] = v.get("IMD03.4", "")
    return rows


def write_edifact(rows: list[dict[str, str]], **options: Any) -> bytes:
    out = io.BytesIO()
    writer = get_format("edifact").writer(out, {**EDIFACT_OPTIONS, **options})
    writer.write(Record("UNH", {"UNH02.1": "INVRPT", "UNH02.2": "D", "UNH02.3": "96A", "UNH02.4": "UN"}))
    writer.write(Record("BGM", {"BGM01": "35", "BGM02": "REF1", "BGM03": "9"}))
    for row in rows:
        for record in edifact_segments(row):
            writer.write(record)
    writer.close()
    return out.getvalue()


def read_edifact(data: bytes) -> list[dict[str, str]]:
    reader = get_format("edifact").reader(io.BytesIO(data), {}, file_name="in.edi")
    records = list(reader)
    assert reader.problems == []
    return [non_empty(r) for r in from_edifact(records)]


@SETTINGS
@given(LINES)
def test_edifact_release_character_makes_every_value_round_trip(rows: list[dict[str, str]]) -> None:
    assert read_edifact(write_edifact(rows)) == [non_empty(row) for row in rows]


@SETTINGS
@given(LINES, st.sampled_from(["!~.\\ #", "|*,/ ^", ":+.? '"]))
def test_edifact_round_trips_with_other_service_characters(rows: list[dict[str, str]], chars: str) -> None:
    assert read_edifact(write_edifact(rows, service_chars=chars)) == [non_empty(row) for row in rows]


def test_edifact_escapes_every_syntax_character_in_the_wire_text() -> None:
    row = {c: "1" for c in LINE_COLUMNS} | {"title": "a?b+c:d'e"}
    data = write_edifact([row])
    assert b"IMD+F++:::a??b?+c?:d?'e'" in data
    assert read_edifact(data) == [row]
