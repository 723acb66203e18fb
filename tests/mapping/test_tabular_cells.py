"""Rows read straight from a reader's cells give what rows read as Records give.

``map_rows`` reads a CSV or XLSX reader through ``rows()`` (cells) and makes a row's Unit and SourceRef
only when a document needs them; any other iterable of Records takes the reference way (``_units``).
On files broken in every way hypothesis finds (repeated and missing headers, ragged rows, blank rows,
rows without a key, a document's rows apart or spelt differently), both ways give the same documents,
keys, problems, sources and field sources, with the generated code and with the interpreter alone.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.mapping.helpers import MAPPINGS
from translator.formats import delimited, xlsx
from translator.mapping import Mapping, load_mapping
from translator.mapping.results import InboundResult
from translator.mapping.tabular import _RowShape, map_rows

VALID = {"PO": ["PO1", "PO2", "PO3", " PO1"], "PO Number": ["PO1", "PO2"], "Shipped Date": ["2026-11-23 10:00:00"],
         "Selling Party": ["V1"], "Ship From": ["WH1"], "Line": ["1", "2"], "ASIN": ["B01"], "SKU": ["0012345678905"],
         "Qty": ["1", "2"], "Package ID": ["PKG1", "PKG2", ""], "Tracking": ["1Z1", "1Z2"], "Status Code": ["X1"],
         "Reason Code": ["NS"], "Status Date": ["2026-11-23 10:00:00"], "City": ["Seattle"],
         "Invoice Number": ["INV1", "INV2", "INV1 "], "Invoice Date": ["2026-11-23"], "Remit To": ["V1"],
         "Currency": ["USD"], "Invoice Total": ["25.00"], "Net Cost": ["12.50"], "": [""]}
HEADERS = list(VALID)
NASTY = ["", " ", "PO2", "x", "2026-13-45", "-1", "1.5", "EUR", "PKG2"]
REQUIRED = {
    "shipment-confirmations.csv.yaml": ["PO", "Shipped Date", "Selling Party", "Ship From", "Line", "SKU", "Qty"],
    "shipment-status-updates.csv.yaml": ["PO", "Selling Party", "Ship From", "Tracking", "Status Code", "Reason Code",
                                         "Status Date", "City"],
    "invoices.csv.yaml": ["Invoice Number", "Invoice Date", "Remit To", "Ship From", "Currency", "Invoice Total", "PO",
                          "Line", "Qty", "Net Cost"],
}


@st.composite
def tables(draw: Any, name: str) -> tuple[list[str], list[list[str]]]:
    """A header with the mapping's columns (now and then one missing, some repeated or extra, in any order)
    and rows of valid cells, a few of them broken, cut short or run long."""
    header = list(REQUIRED[name])
    gone = draw(st.integers(-25, len(header) - 1))
    if gone >= 0:
        del header[gone]
    header = draw(st.permutations(header + draw(st.lists(st.sampled_from(HEADERS), max_size=4))))
    rows = []
    for _ in range(draw(st.integers(0, 10))):
        row = [draw(st.sampled_from(VALID[h])) for h in header]
        for index, value in draw(st.lists(st.tuples(st.integers(0, 30), st.sampled_from(NASTY)), max_size=2)):
            row[index % len(row)] = value
        width = draw(st.integers(-12, len(row) + 2))   # mostly full rows; else short, or with 1-2 cells more
        if 0 <= width < len(row):
            row = row[:width]
        elif width > len(row):
            row += ["", "extra"][:width - len(row)]
        rows.append(row)
    return header, rows


class OneWayStream(io.BytesIO):
    """A stream that cannot seek back (a pipe): the reader gets one pass."""

    def seekable(self) -> bool:
        return False


class RecordsOnly:
    """A reader seen as Records only (no ``row_source``): ``map_rows`` takes the reference way with it."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader

    def __iter__(self) -> Any:
        return iter(self._reader)

    def __getattr__(self, name: str) -> Any:
        if name == "row_source":
            raise AttributeError(name)
        return getattr(self._reader, name)


def _snapshot(mapping: Mapping, reader: Any) -> str:
    result: InboundResult
    result = InboundResult(lambda: map_rows(mapping.compiled, reader, result), reader, mapping.format_name)
    documents = [{"kind": d.kind, "key": d.key, "item": d.item, "problems": [p.to_dict() for p in d.problems],
                  "sources": d.sources, "fields": d.field_sources} for d in result]
    return repr({"documents": documents, "problems": [p.to_dict() for p in result.problems]})


def _both_ways(mapping: Mapping, make_reader: Any) -> tuple[str, str]:
    return _snapshot(mapping, make_reader()), _snapshot(mapping, RecordsOnly(make_reader()))


def _variants(name: str, tmp_path: Path) -> list[Mapping]:
    """The shipped mapping, the same with the interpreter only, and (grouped mappings) with sorted_input, and
    with a group key that reads more than ``row.<column>`` (so the first pass works it out row by row)."""
    mapping = load_mapping(MAPPINGS / name)
    variants = [mapping, Mapping(dataclasses.replace(mapping.compiled, generated=None))]
    group_by = mapping.compiled.group_by
    if group_by is not None:
        for variant, line in (("sorted", "sorted_input: true"), ("subscript", f"group_by: \"row['{group_by.row_columns[0]}'] | trim\"")):
            path = tmp_path / f"{variant}-{name}"
            path.write_text(f"extends: {MAPPINGS / name}\ncodelists_dir: {MAPPINGS / 'codelists'}\n{line}\n", encoding="utf-8")
            variants.append(load_mapping(path))
    assert all(not v.compiled.group_by.row_only for v in variants[3:])
    return variants


def _csv_bytes(header: list[str], rows: list[list[str]], blank_lines: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
        if blank_lines:
            out.write("\r\n")
    return out.getvalue().encode("utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data(), name=st.sampled_from(list(REQUIRED)), blank_lines=st.booleans(), rereadable=st.booleans())
def test_csv_rows_from_cells_give_the_documents_problems_and_sources_of_records(
        tmp_path: Path, data: Any, name: str, blank_lines: bool, rereadable: bool) -> None:
    header, rows = data.draw(tables(name))
    content = _csv_bytes(header, rows, blank_lines)
    stream = io.BytesIO if rereadable else OneWayStream
    for mapping in _variants(name, tmp_path):
        def make_reader(mapping: Mapping = mapping) -> Any:
            return delimited.reader(stream(content), mapping.compiled.format_raw, file_name="in.csv")
        from_cells, from_records = _both_ways(mapping, make_reader)
        assert from_cells == from_records


def test_a_full_confirmation_file_gives_the_same_documents_both_ways(tmp_path: Path) -> None:
    rows = [[f"PO{n}", "2026-11-23 10:00:00", "V1", "WH1", str(line), f"B0{n}", f"00{n}{line}", "1", f"PKG{n}",
             f"1Z{n}"] for n in (1, 2, 3, 2, 4) for line in (1, 2)]
    header = ["PO", "Shipped Date", "Selling Party", "Ship From", "Line", "ASIN", "SKU", "Qty", "Package ID", "Tracking"]
    data = _csv_bytes(header, rows, blank_lines=False)
    for mapping in _variants("shipment-confirmations.csv.yaml", tmp_path):
        from_cells, from_records = _both_ways(
            mapping, lambda m=mapping: delimited.reader(io.BytesIO(data), m.compiled.format_raw, file_name="in.csv"))
        assert from_cells == from_records
        assert "'problems': []" in from_cells


def test_rows_of_one_document_spelt_differently_still_close_it_at_its_last_row() -> None:
    header = ["PO", "Shipped Date", "Selling Party", "Ship From", "Line", "SKU", "Qty"]
    rows = [[po, "2026-11-23 10:00:00", "V1", "WH1", line, "0012345678905", "1"]
            for po, line in (("PO1", "1"), ("PO2", "1"), (" PO1", "2"), ("PO2 ", "2"), ("PO3", "1"))]
    data = _csv_bytes(header, rows, blank_lines=False)
    mapping = load_mapping(MAPPINGS / "shipment-confirmations.csv.yaml")
    documents = list(mapping.read(io.BytesIO(data), file_name="in.csv"))
    assert [(d.key, [i["itemSequenceNumber"] for i in d.item["items"]]) for d in documents] == [
        ("PO1", [1, 2]), ("PO2", [1, 2]), ("PO3", [1])]
    assert [[s.line for s in d.sources] for d in documents] == [[2, 4], [3, 5], [6]]


def test_documents_of_a_mapping_without_group_by_are_built_while_the_file_is_read() -> None:
    header = "PO,Selling Party,Ship From,Tracking,Status Code,Reason Code,Status Date,City\n"
    row = "PO{n},V1,WH1,1Z{n},X1,NS,2026-11-23 10:00:00,Seattle\n"
    data = (header + "".join(row.format(n=n) for n in range(3000))).encode()
    source = io.BytesIO(data)
    documents = load_mapping(MAPPINGS / "shipment-status-updates.csv.yaml").read(source, file_name="s.csv")
    first = next(iter(documents))
    assert first.key == "PO0"
    assert source.tell() < len(data) // 4   # one pass, and it has just begun


# -- the row shape's fast forms -----------------------------------------------------------------

@functools.cache
def _confirmations() -> Any:
    return load_mapping(MAPPINGS / "shipment-confirmations.csv.yaml").compiled


SHAPE_HEADERS = st.lists(st.sampled_from(["PO", "po", "Line", "SKU", "Qty", "Tracking", "Other", ""]), max_size=8)


@given(header=SHAPE_HEADERS, cells=st.lists(st.sampled_from(["a", "", "b "]), max_size=10))
def test_the_compiled_row_is_the_row_of_cells_keys_in_the_same_order(header: list[str], cells: list[str]) -> None:
    shape = _RowShape(_confirmations(), header)
    made, reference = shape.maker()(cells), shape.row_of_cells(cells)
    assert list(made.items()) == list(reference.items())
    made["po"] = "changed"   # every row is a dict of its own
    assert shape.maker()(cells) == reference


@given(header=SHAPE_HEADERS, cells=st.lists(st.sampled_from(["a", "", "b "]), max_size=10))
def test_key_cells_give_back_the_row_of_the_key_columns(header: list[str], cells: list[str]) -> None:
    shape = _RowShape(_confirmations(), header, only=["po", "line"])
    assert list(shape.row_of_key_cells(shape.key_cells()(cells)).items()) == list(shape.row_of_cells(cells).items())


# -- XLSX -----------------------------------------------------------------------------------------

def _workbook(header: list[str], rows: list[list[Any]], top: int) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Shipments")
    for column, value in enumerate(header):
        sheet.write_string(top, column, value)
    for index, row in enumerate(rows, start=top + 1):
        for column, value in enumerate(row):
            if isinstance(value, str):
                if value:
                    sheet.write_string(index, column, value)
            else:
                sheet.write_number(index, column, value)
    book.close()
    return buffer.getvalue()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data(), numbers=st.lists(st.tuples(st.integers(0, 200), st.sampled_from([1, 2, 2.5, 12345678905])),
                                        max_size=3), top=st.integers(0, 2))
def test_xlsx_rows_from_cells_give_the_documents_problems_and_sources_of_records(
        tmp_path: Path, data: Any, numbers: list[tuple[int, Any]], top: int) -> None:
    header, rows = data.draw(tables("shipment-confirmations.csv.yaml"))
    header = [h for h in header if h] or ["PO"]
    cells: list[list[Any]] = [list(row) for row in rows]
    for index, number in numbers:   # numbers in cells: Excel's own types, converted by the reader
        if cells and cells[index % len(cells)]:
            row = cells[index % len(cells)]
            row[index % len(row)] = number
    content = _workbook(header, cells, top)
    for mapping in _variants("shipment-confirmations.xlsx.yaml", tmp_path):
        from_cells, from_records = _both_ways(
            mapping, lambda m=mapping: xlsx.reader(io.BytesIO(content), m.compiled.format_raw, file_name="in.xlsx"))
        assert from_cells == from_records


@pytest.mark.parametrize("make", [lambda data: delimited.reader(io.BytesIO(data)),
                                  lambda data: xlsx.reader(io.BytesIO(_workbook(*_split(data), 1)))],
                         ids=["csv", "xlsx"])
def test_a_readers_cells_and_row_sources_are_its_records(make: Any) -> None:
    data = b"PO,Line,PO,Qty\nPO1,1,PO9,2\nPO2,2\n\nPO3,3,,4,extra\n"
    records = make(data)
    by_records = [(r.source, r.values) for r in records]
    cells = make(data)
    by_cells = [(cells.row_source(line), dict(zip(cells.columns, row, strict=False))) for line, row in cells.rows()]
    assert by_cells == by_records
    assert cells.problems == records.problems
    assert any(p.code in ("CSV-RAGGED-ROW", "XLSX-CELL-WITHOUT-HEADER") for p in cells.problems)


def _split(data: bytes) -> tuple[list[str], list[list[str]]]:
    lines = [line.split(",") for line in data.decode().splitlines()]
    return lines[0], [line for line in lines[1:] if line != [""]]
