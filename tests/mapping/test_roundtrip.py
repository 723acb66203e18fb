"""Round trip: API JSON -> CSV/XLSX file (the shipped layout) -> shipped mapping -> the same API JSON.

Each property writes the documents as an ERP would (one row per line, the mapping's first header
alias as the column name) and checks the mapping gives back exactly what went in: leading zeros,
money as decimal text, free text with quotes, commas and non-ASCII.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.mapping.helpers import MAPPINGS
from tests.strategies import free_text, money, po_numbers, product_ids
from translator.formats import get_format
from translator.mapping import Mapping, load_mapping
from translator.records import Record

ACK_CODES = st.sampled_from(["00", "02", "03", "51", "71"])
SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
text_ids = free_text(20, newlines=False).map(str.strip).filter(bool)


@st.composite
def acknowledgements(draw: st.DrawFn) -> dict[str, Any]:
    codes = draw(st.lists(ACK_CODES, min_size=1, max_size=4))
    first_rejection = next((c for c in codes if c != "00"), "00")
    lines = [{"itemSequenceNumber": str(n), "buyerProductIdentifier": draw(st.from_regex(r"B0[A-Z0-9]{8}", fullmatch=True)),
              "vendorProductIdentifier": draw(product_ids),
              "acknowledgedQuantity": {"amount": draw(st.integers(0, 999)), "unitOfMeasure": "Each"}}
             for n in range(1, len(codes) + 1)]
    return {"purchaseOrderNumber": draw(po_numbers), "vendorOrderNumber": draw(text_ids),
            "acknowledgementDate": "2026-11-23T10:00:00Z", "codes": codes,
            "acknowledgementStatus": {"code": first_rejection}, "sellingParty": {"partyId": "VENDOR1"},
            "shipFromParty": {"partyId": draw(text_ids)}, "itemAcknowledgements": lines}


def ack_rows(ack: dict[str, Any]) -> list[dict[str, str]]:
    return [{"PO": ack["purchaseOrderNumber"], "Vendor Order": ack["vendorOrderNumber"], "Ack Date": "2026-11-23 10:00:00",
             "Selling Party": ack["sellingParty"]["partyId"], "Ship From": ack["shipFromParty"]["partyId"],
             "Line": line["itemSequenceNumber"], "ASIN": line["buyerProductIdentifier"],
             "SKU": line["vendorProductIdentifier"], "Qty": str(line["acknowledgedQuantity"]["amount"]),
             "UOM": "Each", "Ack Code": code}
            for line, code in zip(ack["itemAcknowledgements"], ack["codes"], strict=True)]


@st.composite
def invoices(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(1, 3))
    items = [{"itemSequenceNumber": str(n), "purchaseOrderNumber": draw(po_numbers),
              "vendorProductIdentifier": draw(product_ids),
              "invoicedQuantity": {"amount": draw(st.integers(1, 99)), "unitOfMeasure": "Each"},
              "netCost": {"currencyCode": "EUR", "amount": draw(money)}} for n in range(1, count + 1)]
    return {"invoiceNumber": draw(po_numbers), "invoiceDate": "2026-11-20T00:00:00Z",
            "remitToParty": {"partyId": "VENDOR1"}, "shipFromParty": {"partyId": "WH1"},
            "invoiceTotal": {"currencyCode": "EUR", "amount": draw(money)}, "items": items}


def invoice_rows(invoice: dict[str, Any]) -> list[dict[str, str]]:
    return [{"Invoice Number": invoice["invoiceNumber"], "Invoice Date": "2026-11-20 00:00:00",
             "Remit To": "VENDOR1", "Ship From": "WH1", "Currency": "EUR", "Invoice Total": invoice["invoiceTotal"]["amount"],
             "PO": item["purchaseOrderNumber"], "Line": item["itemSequenceNumber"], "SKU": item["vendorProductIdentifier"],
             "Qty": str(item["invoicedQuantity"]["amount"]), "Net Cost": item["netCost"]["amount"]}
            for item in invoice["items"]]


@cache
def _mapping(name: str) -> Mapping:
    return load_mapping(MAPPINGS / name)


def through_file(fmt: str, mapping: str, rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    target = io.BytesIO()
    writer = get_format(fmt).writer(target, {"neutralise_formulas": False} if fmt == "csv" else {})
    for row in rows:
        writer.write(Record("row", row))
    writer.close()
    result = _mapping(mapping).read(io.BytesIO(target.getvalue()), file_name=f"in.{fmt}")
    documents = list(result)
    assert not result.problems and all(not d.problems for d in documents)
    return [d.item for d in documents]


def expected_ack(ack: dict[str, Any]) -> dict[str, Any]:
    from translator.documents.codelists import acknowledgement_codes
    out = {k: v for k, v in ack.items() if k != "codes"}
    code = ack["acknowledgementStatus"]["code"]
    out["acknowledgementStatus"] = {"code": code, "description": acknowledgement_codes()[code]}
    return out


@SETTINGS
@given(ack=acknowledgements())
def test_acknowledgements_survive_csv(ack: dict[str, Any]) -> None:
    assert through_file("csv", "acknowledgements.csv.yaml", ack_rows(ack)) == [expected_ack(ack)]


@SETTINGS
@given(ack=acknowledgements())
def test_acknowledgements_survive_xlsx(ack: dict[str, Any]) -> None:
    assert through_file("xlsx", "acknowledgements.xlsx.yaml", ack_rows(ack)) == [expected_ack(ack)]


@SETTINGS
@given(invoice=invoices())
def test_invoices_survive_csv(invoice: dict[str, Any]) -> None:
    assert through_file("csv", "invoices.csv.yaml", invoice_rows(invoice)) == [invoice]


@SETTINGS
@given(invoice=invoices())
def test_invoices_survive_xlsx(invoice: dict[str, Any]) -> None:
    assert through_file("xlsx", "invoices.xlsx.yaml", invoice_rows(invoice)) == [invoice]
