"""Every shipped mapping against its golden file: input file -> API JSON, orders JSON -> file."""

from __future__ import annotations

import io

import pytest

from tests.mapping.helpers import (
    DATA,
    EXPECTED,
    MAPPINGS,
    NOW,
    check_golden_bytes,
    check_golden_json,
    inbound_snapshot,
    outbound_bytes,
)
from translator.formats import get_format
from translator.mapping import load_mapping

TABULAR_DOCUMENTS = ["acknowledgements", "shipment-confirmations", "shipment-status-updates", "invoices",
                     "inventory", "label-requests"]

INBOUND_CASES = [
    *[(f"{d}.csv.yaml", f"csv/{d}.csv", d) for d in TABULAR_DOCUMENTS],
    *[(f"{d}.xlsx.yaml", f"xlsx/{d}.xlsx", d) for d in TABULAR_DOCUMENTS],  # same expected JSON as CSV
    ("acknowledgements.csv.yaml", "csv/acknowledgements.bad.csv", "acknowledgements.bad"),
    ("acknowledgements.csv.yaml", "csv/acknowledgements.missing-column.csv", "acknowledgements.missing-column"),
    ("acknowledgements.x12.yaml", "x12/acknowledgements.855.x12", "acknowledgements.855"),
    ("shipment-confirmations.x12.yaml", "x12/shipment-confirmations.sopi.856.x12", "shipment-confirmations.sopi"),
    ("shipment-confirmations.x12.yaml", "x12/shipment-confirmations.soi.856.x12", "shipment-confirmations.soi"),
    ("shipment-confirmations.x12.yaml", "x12/shipment-confirmations.oip.856.x12", "shipment-confirmations.oip"),
    ("shipment-confirmations.x12.yaml", "x12/shipment-confirmations.floor-denial.856.x12",
     "shipment-confirmations.floor-denial"),
    ("shipment-status-updates.x12.yaml", "x12/shipment-status-updates.214.x12", "shipment-status-updates.214"),
    ("invoices.x12.yaml", "x12/invoices.810.x12", "invoices.810"),
    ("inventory.x12.yaml", "x12/inventory.846.x12", "inventory.846"),
    ("acknowledgements.edifact.yaml", "edifact/acknowledgements.ordrsp.edi", "acknowledgements.ordrsp"),
    ("shipment-confirmations.edifact.yaml", "edifact/shipment-confirmations.desadv.edi", "shipment-confirmations.desadv"),
    ("shipment-status-updates.edifact.yaml", "edifact/shipment-status-updates.iftsta.edi",
     "shipment-status-updates.iftsta"),
    ("invoices.edifact.yaml", "edifact/invoices.invoic.edi", "invoices.invoic"),
    ("inventory.edifact.yaml", "edifact/inventory.invrpt.edi", "inventory.invrpt"),
    ("acknowledgements.fixed.yaml", "fixed/acknowledgements.txt", "acknowledgements.fixed"),
    ("shipment-confirmations.fixed.yaml", "fixed/shipment-confirmations.txt", "shipment-confirmations.fixed"),
    ("inventory.fixed.yaml", "fixed/inventory.txt", "inventory.fixed"),
    ("invoices.fixed.yaml", "fixed/invoices.txt", "invoices.fixed"),
    ("shipment-status-updates.fixed.yaml", "fixed/shipment-status-updates.txt", "shipment-status-updates.fixed"),
]

OUTBOUND_CASES = [
    ("orders.csv.yaml", "orders.csv"),
    ("orders.x12.yaml", "orders.850.x12"),
    ("orders.edifact.yaml", "orders.orders.edi"),
    ("orders.fixed.yaml", "orders.fixed.txt"),
]


@pytest.mark.parametrize(("mapping", "input_file", "expected"), INBOUND_CASES,
                         ids=[f"{m}:{i}" for m, i, _ in INBOUND_CASES])
def test_inbound_mapping_matches_golden(mapping: str, input_file: str, expected: str) -> None:
    snapshot = inbound_snapshot(mapping, DATA / input_file)
    if input_file.startswith("xlsx/"):
        items = [d["item"] for d in snapshot["documents"]]
        csv_items = [d["item"] for d in inbound_snapshot(mapping.replace("xlsx", "csv"),
                                                         DATA / "csv" / f"{expected}.csv")["documents"]]
        assert items == csv_items
        assert not snapshot["file_problems"]
        return
    check_golden_json(snapshot, EXPECTED / f"{expected}.json")


@pytest.mark.parametrize(("mapping", "expected"), OUTBOUND_CASES, ids=[m for m, _ in OUTBOUND_CASES])
def test_outbound_mapping_matches_golden(mapping: str, expected: str) -> None:
    check_golden_bytes(outbound_bytes(mapping, DATA / "orders.json"), EXPECTED / expected)


def test_orders_xlsx_has_the_same_rows_as_orders_csv() -> None:
    workbook = outbound_bytes("orders.xlsx.yaml", DATA / "orders.json")
    rows = [r.values for r in get_format("xlsx").reader(io.BytesIO(workbook), {}, file_name="orders.xlsx")]
    csv_rows = [r.values for r in get_format("csv").reader(io.BytesIO(outbound_bytes("orders.csv.yaml", DATA / "orders.json")),
                                                           {"neutralise_formulas": False})]
    assert len(rows) == 3
    for xlsx_row, csv_row in zip(rows, csv_rows, strict=True):
        assert xlsx_row["SKU"] == csv_row["SKU"]           # leading zeros kept as text
        assert xlsx_row["PO Number"] == csv_row["PO Number"]
    assert rows[2]["Title"] == "=SUM(A1)"                   # text, never a formula


def test_every_shipped_mapping_loads_and_follows_the_naming_convention() -> None:
    documents = {"orders", "acknowledgements", "shipment-confirmations", "shipment-status-updates", "invoices",
                 "inventory", "label-requests"}
    paths = sorted(MAPPINGS.glob("*.yaml"))
    assert len(paths) >= 25
    for path in paths:
        document, fmt, ext = path.name.rsplit(".", 2)
        mapping = load_mapping(path)
        assert (document, fmt, ext) == (mapping.document, mapping.format_name, "yaml")
        assert document in documents


def test_partner_settings_in_the_context_override_the_mapping_envelope_defaults() -> None:
    mapping = load_mapping(MAPPINGS / "orders.x12.yaml")
    target = io.BytesIO()
    orders = [{"purchaseOrderNumber": "PO1", "orderDetails": {"items": []}}]
    mapping.write(orders, target, context={"partner": {"receiver_id": "ACME", "usage": "P"}, "now": NOW})
    isa = target.getvalue().split(b"~")[0].decode()
    assert isa.split("*")[8].strip() == "ACME" and isa.split("*")[15] == "P"


@pytest.mark.parametrize(("mapping", "input_file"), [
    ("shipment-confirmations.csv.yaml", "csv/shipment-confirmations.csv"),
    ("shipment-confirmations.fixed.yaml", "fixed/shipment-confirmations.txt"),
    ("shipment-confirmations.x12.yaml", "x12/shipment-confirmations.sopi.856.x12"),
    ("shipment-confirmations.x12.yaml", "x12/shipment-confirmations.oip.856.x12"),
    ("shipment-confirmations.edifact.yaml", "edifact/shipment-confirmations.desadv.edi"),
])
def test_the_same_shipment_in_every_format_gives_the_same_items(mapping: str, input_file: str) -> None:
    [doc] = inbound_snapshot(mapping, DATA / input_file)["documents"]
    assert doc["problems"] == []
    assert doc["item"]["purchaseOrderNumber"] == "2JK3S9VC"
    assert doc["item"]["items"] == [
        {"itemSequenceNumber": 1, "buyerProductIdentifier": "B00TEST01", "vendorProductIdentifier": "0012345678905",
         "shippedQuantity": {"amount": 2, "unitOfMeasure": "Each"}},
        {"itemSequenceNumber": 2, "buyerProductIdentifier": "B00TEST02", "vendorProductIdentifier": "0098765432109",
         "shippedQuantity": {"amount": 1, "unitOfMeasure": "Each"}}]
