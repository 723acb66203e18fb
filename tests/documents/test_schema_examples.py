"""Amazon's own examples: the valid ones pass our schemas, the broken ones fail at the right field."""

from __future__ import annotations

from typing import Any

import pytest

from translator.documents import REQUEST_BODY_KEY
from translator.documents.schema import validate

SUBMISSIONS = {
    "submitAcknowledgement": ("vendorDirectFulfillmentOrdersV1.json", "acknowledgements"),
    "submitShippingLabelRequest": ("vendorDirectFulfillmentShippingV1.json", "label-requests"),
    "submitShipmentConfirmations": ("vendorDirectFulfillmentShippingV1.json", "shipment-confirmations"),
    "submitShipmentStatusUpdates": ("vendorDirectFulfillmentShippingV1.json", "shipment-status-updates"),
    "submitInvoice": ("vendorDirectFulfillmentPaymentsV1.json", "invoices"),
    "submitInventoryUpdate": ("vendorDirectFulfillmentInventoryV1.json", "inventory"),
}


def _operation(model: dict[str, Any], operation_id: str) -> dict[str, Any]:
    for methods in model["paths"].values():
        for op in methods.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return op
    raise LookupError(operation_id)


def static_items(model: dict[str, Any], operation_id: str, kind: str, status: str) -> list[dict[str, Any]]:
    """Documents inside the static sandbox request bodies of one response status (catch-alls skipped)."""
    found = []
    response = _operation(model, operation_id)["responses"][status]
    for example in response.get("x-amzn-api-sandbox", {}).get("static", []):
        body = example["request"]["parameters"].get("body", {}).get("value")
        if body:
            value = body[REQUEST_BODY_KEY.get(kind, kind)]
            found += value if isinstance(value, list) else [value]
    return found


@pytest.mark.parametrize("operation", sorted(SUBMISSIONS))
def test_static_sandbox_happy_requests_validate(operation, load_model):
    model_file, kind = SUBMISSIONS[operation]
    items = static_items(load_model(model_file), operation, kind, "202")
    assert items, "the model should carry at least one happy example"
    problems = {i: validate(kind, item, version="v1") for i, item in enumerate(items)}
    if kind == "shipment-status-updates":
        # DIGEST §10: Amazon's example omits name and addressLine1, which its own Address requires.
        assert {p.field for ps in problems.values() for p in ps} == {
            "$.statusUpdateDetails.statusLocationAddress.name",
            "$.statusUpdateDetails.statusLocationAddress.addressLine1"}
    else:
        assert problems == dict.fromkeys(problems, [])


@pytest.mark.parametrize("operation", sorted(SUBMISSIONS))
def test_static_sandbox_bad_requests_fail_with_required_fields_named(operation, load_model):
    model_file, kind = SUBMISSIONS[operation]
    items = static_items(load_model(model_file), operation, kind, "400")
    for item in items:
        problems = validate(kind, item, version="v1")
        assert problems and all(p.field.startswith("$.") for p in problems)
        assert "SCHEMA-REQUIRED" in {p.code for p in problems}


def test_test_invoice_400_bad_date_is_located(load_model):
    model = load_model("vendorDirectFulfillmentPaymentsV1.json")
    [item] = static_items(model, "submitInvoice", "invoices", "400")
    assert item["invoiceNumber"] == "TestInvoice400"
    [bad_date] = [p for p in validate("invoices", item) if p.code == "SCHEMA-FORMAT"]
    assert (bad_date.field, bad_date.value) == ("$.invoiceDate", "2020-08.13")


def test_v1_label_request_example_uses_lower_case_carton_which_2021_rejects(load_model):
    model = load_model("vendorDirectFulfillmentShippingV1.json")
    items = static_items(model, "submitShippingLabelRequest", "label-requests", "202")
    with_containers = [i for i in items if i.get("containers")]
    assert with_containers
    problems = validate("label-requests", with_containers[0])
    assert {p.code for p in problems} == {"SCHEMA-ENUM"}
    assert all(p.field.endswith(".containerType") for p in problems)


def _order_bodies(model: dict[str, Any], operation_id: str) -> list[dict[str, Any]]:
    response = _operation(model, operation_id)["responses"]["200"]
    bodies = [ex["response"] for ex in response.get("x-amzn-api-sandbox", {}).get("static", [])]
    if response.get("examples"):
        bodies.append(response["examples"])
    orders = []
    for body in bodies:
        body = body.get("application/json", body)
        body = body.get("payload", body)
        orders += body.get("orders", [body])
    return orders


@pytest.mark.parametrize(("model_file", "version"), [
    ("vendorDirectFulfillmentOrdersV1.json", "v1"), ("vendorDirectFulfillmentOrders_2021-12-28.json", None)])
@pytest.mark.parametrize("operation", ["getOrders", "getOrder"])
def test_order_examples_validate(model_file, version, operation, load_model):
    orders = _order_bodies(load_model(model_file), operation)
    assert orders
    assert {o["purchaseOrderNumber"]: validate("orders", o, version=version) for o in orders} == {
        o["purchaseOrderNumber"]: [] for o in orders}
