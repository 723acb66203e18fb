"""Tabular inbound: header aliases, grouping, conflicting rows, missing columns, located problems."""

from __future__ import annotations

from pathlib import Path

from tests.mapping.helpers import MAPPINGS
from translator.mapping import load_mapping
from translator.mapping.tabular import normalise

ACK_HEADER = "PO,Vendor Order,Ack Date,Selling Party,Ship From,Line,ASIN,SKU,Qty,UOM,Ack Code\n"


def read(tmp_path: Path, text: str, mapping: str = "acknowledgements.csv.yaml"):
    path = tmp_path / "input.csv"
    path.write_text(text, encoding="utf-8")
    result = load_mapping(MAPPINGS / mapping).read(path)
    return list(result), result.problems


def row(po: str, line: str, code: str, qty: str = "1", vendor_order: str = "SO-1") -> str:
    return f"{po},{vendor_order},2026-11-23 10:00:00,V1,WH1,{line},B0{line},00{line},{qty},Each,{code}\n"


def test_headers_match_aliases_ignoring_case_spaces_and_underscores() -> None:
    assert normalise(" PO_Number ") == normalise("po number") == normalise("PONumber")


def test_all_rows_of_one_po_make_one_acknowledgement_even_when_not_adjacent(tmp_path: Path) -> None:
    docs, problems = read(tmp_path, ACK_HEADER + row("A1", "1", "00") + row("B2", "1", "00") + row("A1", "2", "00"))
    assert [d.key for d in docs] == ["A1", "B2"]
    assert [i["itemSequenceNumber"] for i in docs[0].item["itemAcknowledgements"]] == ["1", "2"]
    assert [s.line for s in docs[0].sources] == [2, 4]
    assert problems == []


def test_order_code_is_00_only_when_every_line_is_00(tmp_path: Path) -> None:
    docs, _ = read(tmp_path, ACK_HEADER + row("A1", "1", "00") + row("A1", "2", "00"))
    assert docs[0].item["acknowledgementStatus"]["code"] == "00"


def test_order_code_is_the_first_rejection_and_quantities_stay_as_given(tmp_path: Path) -> None:
    docs, _ = read(tmp_path, ACK_HEADER + row("A1", "1", "00", "2") + row("A1", "2", "03", "0") + row("A1", "3", "02"))
    status = docs[0].item["acknowledgementStatus"]
    assert status == {"code": "03", "description": "Canceled out of stock"}
    assert [i["acknowledgedQuantity"]["amount"] for i in docs[0].item["itemAcknowledgements"]] == [2, 0, 1]


def test_rows_that_disagree_on_a_header_field_are_a_problem_at_the_second_row(tmp_path: Path) -> None:
    docs, _ = read(tmp_path, ACK_HEADER + row("A1", "1", "00") + row("A1", "2", "00", vendor_order="SO-2"))
    [problem] = docs[0].problems
    assert (problem.code, problem.line, problem.field, problem.column, problem.value) == (
        "MAP-CONFLICTING-VALUES", 3, "Vendor Order", 2, "SO-2")
    assert problem.document == "A1"


def test_a_missing_required_column_is_one_problem_naming_header_and_aliases(tmp_path: Path) -> None:
    docs, problems = read(tmp_path, ACK_HEADER.replace("Qty", "Amount") + row("A1", "1", "00"))
    assert docs == []
    assert [p.render() for p in problems] == [
        "[MAP-COLUMN-MISSING] input.csv, field qty: the file has no column for qty - add a column headed one of "
        "'qty', 'Qty', 'Quantity', 'Acknowledged Qty', 'acknowledgedQuantity' (case and spaces do not matter), "
        "or add the file's header to the aliases in the mapping"]


def test_a_row_without_a_po_is_reported_not_dropped(tmp_path: Path) -> None:
    docs, problems = read(tmp_path, ACK_HEADER + row("", "1", "00"))
    assert docs == [] and [(p.code, p.line, p.field) for p in problems] == [("MAP-NO-GROUP-KEY", 2, "PO")]


def test_a_value_problem_is_located_at_row_and_column(tmp_path: Path) -> None:
    docs, _ = read(tmp_path, ACK_HEADER + row("A1", "1", "00", qty="1.5"))
    [problem] = docs[0].problems
    assert (problem.code, problem.line, problem.field, problem.column, problem.value) == (
        "MAP-NOT-WHOLE", 2, "Qty", 9, "1.5")


def test_identifiers_keep_leading_zeros(tmp_path: Path) -> None:
    docs, _ = read(tmp_path, ACK_HEADER + "A1,SO,2026-11-23 10:00:00,V1,WH1,1,B01,0012345678905,1,Each,00\n")
    assert docs[0].item["itemAcknowledgements"][0]["vendorProductIdentifier"] == "0012345678905"


def test_quantities_of_one_line_in_several_packages_add_up(tmp_path: Path) -> None:
    header = "PO,Shipped Date,Selling Party,Ship From,Line,SKU,Qty,Package ID,Weight\n"
    rows = "".join(f"A1,2026-11-23 10:00:00,V1,WH1,1,001,{q},{p},1\n" for q, p in (("2", "P1"), ("3", "P2")))
    docs, _ = read(tmp_path, header + rows, "shipment-confirmations.csv.yaml")
    item = docs[0].item
    assert item["items"] == [{"itemSequenceNumber": 1, "vendorProductIdentifier": "001",
                              "shippedQuantity": {"amount": 5, "unitOfMeasure": "Each"}}]
    assert [c["containerIdentifier"] for c in item["containers"]] == ["P1", "P2"]


def test_a_real_excel_date_cell_is_accepted(tmp_path: Path) -> None:
    import csv
    import io

    from translator.formats import get_format
    from translator.records import Record

    rows = list(csv.DictReader(io.StringIO(ACK_HEADER + row("A1", "1", "00"))))
    rows[0]["Ack Date"] = "2026-11-23T10:00:00"
    path = tmp_path / "acks.xlsx"
    with path.open("wb") as handle:
        writer = get_format("xlsx").writer(handle, {"date_columns": ["Ack Date"]})
        for values in rows:
            writer.write(Record("row", values))
        writer.close()
    [doc] = load_mapping(MAPPINGS / "acknowledgements.xlsx.yaml").read(path)
    assert doc.problems == [] and doc.item["acknowledgementDate"] == "2026-11-23T10:00:00Z"


def _sorted_mapping(tmp_path: Path) -> Path:
    path = tmp_path / "sorted-acks.csv.yaml"
    path.write_text(f"extends: {MAPPINGS / 'acknowledgements.csv.yaml'}\ncodelists_dir: {MAPPINGS / 'codelists'}\n"
                    "sorted_input: true\n", encoding="utf-8")
    return path


def test_sorted_input_streams_each_document_as_soon_as_its_rows_end(tmp_path: Path) -> None:
    source = tmp_path / "input.csv"
    source.write_text(ACK_HEADER + row("A1", "1", "00") + row("A1", "2", "00") + row("B2", "1", "00"), encoding="utf-8")
    documents = iter(load_mapping(_sorted_mapping(tmp_path)).read(source))
    first = next(documents)
    assert (first.key, len(first.item["itemAcknowledgements"])) == ("A1", 2)
    assert [d.key for d in documents] == ["B2"]


def test_sorted_input_reports_a_document_whose_rows_come_back_later(tmp_path: Path) -> None:
    source = tmp_path / "input.csv"
    source.write_text(ACK_HEADER + row("A1", "1", "00") + row("B2", "1", "00") + row("A1", "2", "00"), encoding="utf-8")
    result = load_mapping(_sorted_mapping(tmp_path)).read(source)
    assert [d.key for d in result] == ["A1", "B2"]
    assert [(p.code, p.line, p.value) for p in result.problems] == [("MAP-UNSORTED-INPUT", 4, "A1")]
