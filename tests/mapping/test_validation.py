"""validation.validate: schema and rules from translator.documents, located at the producing row/segment."""

from __future__ import annotations

from pathlib import Path

from tests.mapping.helpers import DATA, MAPPINGS
from translator.mapping import load_mapping
from translator.mapping.validation import validate

HEADER = "PO,Vendor Order,Ack Date,Selling Party,Ship From,Line,ASIN,SKU,Qty,UOM,Ack Code\n"


def test_a_rule_problem_is_relocated_to_the_row_that_produced_the_field(tmp_path: Path) -> None:
    path = tmp_path / "acks.csv"
    path.write_text(HEADER + "A1,SO,2026-11-23 10:00:00,V1,WH1,1,B01,001,1,Each,00\n"
                             "A1,SO,2026-11-23 10:00:00,V1,WH1,1,B01,001,1,Each,00\n", encoding="utf-8")
    [doc] = load_mapping(MAPPINGS / "acknowledgements.csv.yaml").read(path)
    problems = validate(doc, None)
    duplicate = [p for p in problems if p.code == "ACK-LINE-DUPLICATE"]
    assert duplicate and duplicate[0].file == "acks.csv" and duplicate[0].line == 3
    assert all(p.document == "A1" for p in problems)


def test_a_clean_document_has_no_problems() -> None:
    docs = list(load_mapping(MAPPINGS / "acknowledgements.csv.yaml").read(DATA / "csv" / "acknowledgements.csv"))
    assert [validate(d, None) for d in docs] == [[], []]


def test_segment_problems_point_at_the_segment() -> None:
    docs = list(load_mapping(MAPPINGS / "shipment-status-updates.x12.yaml").read(
        DATA / "x12" / "shipment-status-updates.214.x12"))
    problems = validate(docs[1], None)
    unknown = [p for p in problems if p.code == "MAP-UNKNOWN-CODE"]
    assert [(p.segment, p.record, p.value) for p in unknown] == [(18, "AT7", "DE/ZZ")]
