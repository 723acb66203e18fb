"""Every answer the sandbox serves validates against the official model's response schema.

The Swagger 2.0 definitions are turned into strict JSON Schema by ``tests/integration/models.py`` (read
from ``../shared`` at test time, never copied into the repo).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from tests.integration.models import MODEL_FILES
from tests.integration.models import model as strict_model
from tests.sandbox import builders
from tests.sandbox.conftest import EVER
from tests.sandbox.test_rules import Flow
from translator.api.operations import OPERATIONS, Operation, find_operation, match_path
from translator.sandbox import FaultConfig

WEEK = {"createdAfter": "2026-11-20T00:00:00Z", "createdBefore": "2026-11-26T00:00:00Z"}


def response_validator(models_dir: Path, op: Operation, status: int) -> Draft4Validator:
    model = strict_model(models_dir, MODEL_FILES[(op.api, op.version)])
    responses = model["paths"][op.path][op.method.lower()]["responses"]
    declared = responses.get(str(status)) or responses["400"]  # e.g. 401 where the model lists none
    return Draft4Validator({"definitions": model["definitions"], "allOf": [declared["schema"]]})


@pytest.fixture
def recorded(api):
    """Run the whole DF workflow in both versions, recording every SP-API answer."""
    app = api.app
    seen: list[tuple[Operation, int, object]] = []
    original = app.handle

    def handle(method, target, headers, body):
        reply = original(method, target, headers, body)
        matched = match_path(method, target.split("?", 1)[0])
        if matched and not reply.drop:
            seen.append((matched[0], reply.status, json.loads(reply.body)))
        return reply
    app.handle = handle
    _drive(api)
    return seen


def _lists(api, version: str) -> None:
    for name in ("getShippingLabels", "getPackingSlips", "getCustomerInvoices"):
        assert api.call(name, version, params={**WEEK, "limit": "1"}).status_code == 200
    api.all_orders(version)
    api.all_orders(version, includeDetails="false")


def _one_order(api, version: str, flags: dict, voc: bool) -> None:
    flow = Flow(api, **flags)
    po = {"purchaseOrderNumber": flow.po}
    api.call("getOrder", version, path_params=po)
    api.call("getPackingSlip", version, path_params=po)
    txn = api.submit("submitAcknowledgement", {"orderAcknowledgements": [builders.acknowledgement(flow.order)]}, version)
    api.outcome(txn, version)
    api.outcome(api.submit("submitShippingLabelRequest",
                           {"shippingLabelRequests": [builders.label_request(flow.order)]}, version), version)
    tracking = "1ZVOC9" if voc else api.call("getShippingLabel", version, path_params=po).json()
    tracking = tracking if voc else (tracking.get("payload") or tracking)["labelData"][0]["trackingNumber"]
    doc = builders.confirmation(flow.order, tracking, voc=voc)
    if version == "v1":
        doc["containers"][0]["containerType"] = "carton"
    api.outcome(api.submit("submitShipmentConfirmations", {"shipmentConfirmations": [doc]}, version), version)
    update = builders.status_update(flow.order, tracking, "XX", "NS")  # a Failure with errors
    api.outcome(api.submit("submitShipmentStatusUpdates", {"shipmentStatusUpdates": [update]}, version), version)
    api.call("getCustomerInvoice", version, path_params=po)
    api.outcome(api.submit("submitInvoice", {"invoices": [builders.invoice(flow.order, f"I{flow.po}")]}, "v1"), "v1")


def _errors(api) -> None:
    api.call("getOrders", params={"createdAfter": "bad"})                       # 400
    api.raw("GET", "/vendor/directFulfillment/orders/v1/purchaseOrders", None)  # 401
    api.raw("GET", "/vendor/directFulfillment/shipping/v1/packingSlips", api.token(), params=EVER)  # 403
    api.call("getOrder", "v1", path_params={"purchaseOrderNumber": "NOPE"})      # 404
    api.call("getTransactionStatus", path_params={"transactionId": "nope"})       # 404 single Error
    api.call("getTransactionStatus", "v1", path_params={"transactionId": "nope"})


def _drive(api) -> None:
    for version in ("v1", "2021-12-28"):
        _lists(api, version)
        _one_order(api, version, {"voc": "true"}, voc=True)
        _one_order(api, version, {"labelOnly": "true"}, voc=False)
        _lists(api, version)
    flow = Flow(api, labelOnly=True)
    flow.accept()
    items = builders.packed_items(flow.order)
    items[0]["packedQuantity"]["amount"] += 5
    body = {"sellingParty": {"partyId": "999US"}, "shipFromParty": {"partyId": "ABCD"}}
    path = {"purchaseOrderNumber": flow.po}
    api.call("createShippingLabels", path_params=path, json={**body, "containers": [builders.container(flow.order, items=items)]})
    tracking = api.call("createShippingLabels", path_params=path, json=body).json()["labelData"][0]["trackingNumber"]
    api.call("createContainerLabel", json={**body, "carrierId": "SWA", "vendorContainerId": "P1",
                                           "packages": [{"packageTrackingNumber": tracking}]})
    api.outcome(api.submit("submitInventoryUpdate", builders.inventory("999US"), "v1", warehouseId="ABCD"), "v1")
    scenario = api.call("generateOrderScenarios", "2021-10-28", json={"orders": [
        {"sellingParty": {"partyId": "999US"}, "shipFromParty": {"partyId": "ABCD"}}]}).json()
    api.call("getOrderScenarios", "2021-10-28", path_params=scenario)
    _errors(api)


def test_every_sandbox_answer_validates_against_the_official_model(recorded, spapi_models_dir):
    failures = []
    for op, status, body in recorded:
        for problem in response_validator(spapi_models_dir, op, status).iter_errors(body):
            failures.append(f"{op.key} {status}: {problem.json_path}: {problem.message[:200]}")
    assert failures == []


def test_every_operation_was_served_successfully(recorded):
    served = {op.key for op, status, _ in recorded if status == op.success_status}
    assert served == {op.key for op in OPERATIONS}


def test_every_error_status_was_exercised(recorded):
    assert {400, 401, 403, 404, 409} <= {status for _, status, _ in recorded}


def test_throttle_and_fault_answers_validate(make_api, spapi_models_dir):
    api = make_api(faults=FaultConfig(error_500=0.5, extra_429=0.5))
    token = api.token()
    for op in OPERATIONS:
        if op.method != "GET" or op.restricted:
            continue
        reply = api.raw("GET", op.render_path({p: "x" for p in op.path_params}), token)
        validator = response_validator(spapi_models_dir, op, reply.status_code)
        assert list(validator.iter_errors(reply.json())) == [], (op.key, reply.status_code)


def test_the_strict_validator_catches_wrong_shapes(spapi_models_dir):
    """Guard against a validator that accepts anything."""
    orders_v1 = response_validator(spapi_models_dir, find_operation("getOrders", "v1"), 200)
    single_error = response_validator(spapi_models_dir, find_operation("getTransactionStatus", "2021-12-28"), 404)
    assert list(orders_v1.iter_errors({"payload": {"orders": [{"foo": 1}]}}))
    assert list(single_error.iter_errors({"errors": [{"code": "X", "message": "y"}]}))
    assert list(orders_v1.iter_errors({"orders": []}))  # v1 needs the payload wrapper
