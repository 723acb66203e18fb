"""One conformance suite for every tabular format: the same edge cases, the same promises.

Each format is driven through a small codec (write rows to bytes, read bytes back) so the cases
below read the same for CSV, XLSX and fixed width. Cases that make no sense for a format (a BOM in
a zip file) are simply not parametrised for it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import DF_COLUMNS, df_rows
from translator.formats import get_format
from translator.problems import Problem
from translator.records import Record

FIXED_LAYOUT = {"records": [{"type": "D", "match": {"start": 1, "length": 1, "value": "D"}, "fields": [
    {"name": "purchaseOrderNumber", "start": 2, "length": 8},
    {"name": "itemSequenceNumber", "start": 10, "length": 5},
    {"name": "vendorProductIdentifier", "start": 15, "length": 14},
    {"name": "quantity", "start": 29, "length": 4, "justify": "right"},
    {"name": "netCost", "start": 33, "length": 9, "justify": "right"},
    {"name": "title", "start": 42, "length": 40},
]}]}


@dataclass(frozen=True)
class Codec:
    name: str
    format: str
    options: dict[str, Any]
    tag: str = "row"

    def write(self, rows: list[dict[str, str]], **extra: Any) -> bytes:
        out = io.BytesIO()
        writer = get_format(self.format).writer(out, {**self.options, **extra})
        for row in rows:
            writer.write(Record(self.tag, row))
        writer.close()
        return out.getvalue()

    def read(self, data: bytes) -> tuple[list[Record], list[Problem]]:
        reader = get_format(self.format).reader(io.BytesIO(data), self.options, file_name=f"in.{self.name}")
        return list(reader), reader.problems


CSV = Codec("csv", "csv", {"neutralise_formulas": False})
XLSX = Codec("xlsx", "xlsx", {"identifier_columns": ["vendorProductIdentifier"]})
FIXED = Codec("fixed", "fixed", FIXED_LAYOUT, tag="D")
ALL = [CSV, XLSX, FIXED]
TEXT = [CSV, FIXED]

ROW = {"purchaseOrderNumber": "2JK3S9VC", "itemSequenceNumber": "00001", "vendorProductIdentifier": "012345678905",
       "quantity": "2", "netCost": "12.50", "title": "Café, \"Deluxe\" +1 :'?*~"}


def ids(codecs: list[Codec]) -> Callable[[Codec], str]:
    return lambda codec: codec.name


def errors(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems if p.severity == "error"]


@pytest.mark.parametrize("codec", ALL, ids=ids(ALL))
def test_empty_file_is_a_problem_not_a_traceback(codec: Codec) -> None:
    records, problems = codec.read(b"")
    assert records == []
    assert errors(problems), "an empty file must be reported"


@pytest.mark.parametrize("codec", [CSV, XLSX], ids=ids([CSV, XLSX]))
def test_header_only_file_yields_nothing_and_warns(codec: Codec) -> None:
    records, problems = codec.read(codec.write([], columns=list(DF_COLUMNS)))
    assert records == []
    assert [p.code for p in problems] == [f"{codec.name.upper()}-NO-ROWS"]


@pytest.mark.parametrize("codec", TEXT, ids=ids(TEXT))
def test_utf8_byte_order_mark_is_ignored(codec: Codec) -> None:
    plain = codec.write([ROW])
    records, problems = codec.read(b"\xef\xbb\xbf" + plain)
    assert [r.values for r in records] == [ROW]
    assert problems == []


@pytest.mark.parametrize("codec", TEXT, ids=ids(TEXT))
def test_crlf_and_lf_line_endings_read_the_same(codec: Codec) -> None:
    crlf = codec.write([ROW, ROW], line_ending="\r\n")
    lf = codec.write([ROW, ROW], line_ending="\n")
    assert b"\r\n" in crlf and b"\r\n" not in lf
    assert [r.values for r in codec.read(crlf)[0]] == [r.values for r in codec.read(lf)[0]] == [ROW, ROW]


def test_csv_trailing_delimiter_loses_nothing_and_adds_no_column() -> None:
    data = b"po,qty,\r\nA1,2,\r\nA2,3,\r\n"
    records, problems = CSV.read(data)
    assert [r.values for r in records] == [{"po": "A1", "qty": "2"}, {"po": "A2", "qty": "3"}]
    assert problems == []


@pytest.mark.parametrize("codec", TEXT, ids=ids(TEXT))
def test_wrong_encoding_is_a_located_problem(codec: Codec) -> None:
    data = codec.write([ROW], encoding="cp1252")
    records, problems = codec.read(data)  # read as utf-8
    assert records == []
    problem = problems[0]
    assert problem.code.endswith("-ENCODING")
    assert problem.line == (2 if codec is CSV else 1)
    assert "cp1252" in problem.hint


def test_xlsx_garbage_is_unreadable_not_a_traceback() -> None:
    records, problems = XLSX.read(b"this is not a workbook at all")
    assert records == [] and errors(problems) == ["XLSX-UNREADABLE"]


@pytest.mark.parametrize("codec", ALL, ids=ids(ALL))
def test_round_trip_keeps_values_byte_for_byte(codec: Codec) -> None:
    rows = [ROW, {**ROW, "itemSequenceNumber": "00002", "title": ""}]
    if codec is not FIXED:
        rows.append({**ROW, "title": "line one\nline two", "netCost": "-0.10"})
    records, problems = codec.read(codec.write(rows))
    assert [r.values for r in records] == rows
    assert problems == []


ROUND_TRIP = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@ROUND_TRIP
@given(st.lists(df_rows(), min_size=1, max_size=5))
def test_csv_round_trip_property(rows: list[dict[str, str]]) -> None:
    records, problems = CSV.read(CSV.write(rows))
    assert [r.values for r in records] == rows and problems == []


@ROUND_TRIP
@given(st.lists(df_rows(), min_size=1, max_size=5))
def test_xlsx_round_trip_property(rows: list[dict[str, str]]) -> None:
    records, problems = XLSX.read(XLSX.write(rows))
    assert [r.values for r in records] == rows and problems == []


@ROUND_TRIP
@given(st.lists(df_rows(newlines=False, trailing_spaces=False), min_size=1, max_size=5))
def test_fixed_width_round_trip_property(rows: list[dict[str, str]]) -> None:
    records, problems = FIXED.read(FIXED.write(rows))
    assert [r.values for r in records] == rows and problems == []


@pytest.mark.parametrize("codec", ALL, ids=ids(ALL))
def test_a_reader_can_be_iterated_twice_with_the_same_result(codec: Codec) -> None:
    data = codec.write([ROW, ROW])
    reader = get_format(codec.format).reader(io.BytesIO(data), codec.options)
    first = [r.values for r in reader]
    assert first == [r.values for r in reader] == [ROW, ROW]
    assert reader.problems == []
