"""Outbound: records per order and per line, optional segments, problems naming the order."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.mapping.helpers import MAPPINGS
from translator.errors import DocumentRejected, MappingError
from translator.mapping import load_mapping

ORDER = {"purchaseOrderNumber": "PO1", "orderDetails": {"items": [
    {"itemSequenceNumber": "1", "vendorProductIdentifier": "007", "orderedQuantity": {"amount": 2}},
    {"itemSequenceNumber": "2", "vendorProductIdentifier": "008", "title": "Mug"}]}}


def mapping(tmp_path: Path, records: str):
    path = tmp_path / "m.yaml"
    path.write_text("document: orders\ndirection: outbound\nformat: {name: csv}\nrecords:\n" + records, encoding="utf-8")
    return load_mapping(path)


def write(m, orders) -> str:
    target = io.BytesIO()
    m.write(orders, target)
    return target.getvalue().decode()


def test_one_row_per_line_with_missing_optional_fields_empty(tmp_path: Path) -> None:
    m = mapping(tmp_path, "  - tag: row\n    each: order.orderDetails['items']\n    values:\n"
                          "      PO: order.purchaseOrderNumber\n      SKU: item.vendorProductIdentifier\n"
                          "      Qty: item.orderedQuantity.amount\n      Title: item.title\n")
    assert write(m, [ORDER]) == "PO,SKU,Qty,Title\r\nPO1,007,2,\r\nPO1,008,,Mug\r\n"


def test_when_skips_a_record(tmp_path: Path) -> None:
    m = mapping(tmp_path, "  - tag: row\n    each: order.orderDetails['items']\n    when: item.title\n"
                          "    values:\n      SKU: item.vendorProductIdentifier\n")
    assert write(m, [ORDER]) == "SKU\r\n008\r\n"


def test_a_value_that_does_not_fit_names_the_order(tmp_path: Path) -> None:
    m = mapping(tmp_path, "  - tag: row\n    values:\n      PO: order.purchaseOrderNumber | pad(2)\n")
    with pytest.raises(DocumentRejected) as caught:
        write(m, [ORDER])
    [problem] = caught.value.problems
    assert (problem.code, problem.document, problem.field, problem.value) == ("MAP-TOO-LONG", "PO1", "PO", "PO1")


def test_an_inbound_mapping_cannot_write() -> None:
    with pytest.raises(MappingError):
        load_mapping(MAPPINGS / "acknowledgements.csv.yaml").write([ORDER], io.BytesIO())


def test_the_x12_850_has_one_transaction_set_per_po() -> None:
    target = io.BytesIO()
    count = load_mapping(MAPPINGS / "orders.x12.yaml").write([ORDER, dict(ORDER, purchaseOrderNumber="PO2")], target)
    text = target.getvalue().decode()
    assert count == 2 and text.count("ST*850*") == 2 and "BEG*00*DS*PO2" in text
    assert "PO1*1*2*" in text and "PID*F****Mug~" in text
