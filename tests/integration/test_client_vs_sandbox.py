"""The SP-API client against a real sandbox server over HTTP: every DF operation, every rejection rule.

Each rule is broken once, the document goes out through the client, and the vendor learns of it the
way Amazon tells them: the submission is accepted (202), getTransactionStatus says Processing, then
Failure with one error per broken rule, whose code we assert.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests

from tests.integration.rig import (
    AFTER,
    BEFORE,
    START,
    VERSIONS,
    FakeClock,
    Rig,
    for_version,
    make_client,
    sandbox_config,
)
from tests.integration.workflow import drive
from tests.sandbox import builders
from translator.api.operations import OPERATIONS
from translator.errors import ApiError, DocumentRejected
from translator.sandbox import SandboxServer

MakeRig = Callable[[str], Rig]


@pytest.fixture(params=VERSIONS)
def rig(request: pytest.FixtureRequest, make_rig: MakeRig) -> Rig:
    return make_rig(request.param)


@pytest.fixture
def rig21(make_rig: MakeRig) -> Rig:
    return make_rig("2021-12-28")


# --- every operation -----------------------------------------------------------------------------

def test_every_catalogue_operation_reaches_its_success_status(make_rig: MakeRig, admin) -> None:
    for version in VERSIONS:
        drive(make_rig(version))
    counters = admin("GET", "counters")["operations"]
    served = {key for key, row in counters.items() if any(int(s) < 300 for s in row["statuses"])}
    assert {op.key for op in OPERATIONS} <= served


def test_get_orders_pages_through_every_seeded_order(rig: Rig) -> None:
    orders = list(rig.client.iter_orders(AFTER, BEFORE, limit=7))
    assert len({o["purchaseOrderNumber"] for o in orders}) == len(orders) == 60
    assert all("payload" not in o and o["orderDetails"]["orderStatus"] == "NEW" for o in orders)


def test_get_orders_status_filter_follows_the_order_through_its_states(rig: Rig) -> None:
    order = rig.order()
    rig.accept(order)
    accepted = [o["purchaseOrderNumber"] for o in rig.client.iter_orders(AFTER, BEFORE, status="ACCEPTED")]
    new = [o["purchaseOrderNumber"] for o in rig.client.iter_orders(AFTER, BEFORE, status="NEW")]
    assert accepted == [order["purchaseOrderNumber"]] and order["purchaseOrderNumber"] not in new


def test_an_order_on_a_date_window_boundary_is_listed_exactly_once(rig: Rig) -> None:
    orders = list(rig.client.iter_orders(AFTER, BEFORE))
    moment = datetime.fromisoformat(orders[30]["orderDetails"]["orderDate"].replace("Z", "+00:00"))
    listed = [o["purchaseOrderNumber"] for o in rig.client.iter_orders(moment - timedelta(days=7), BEFORE)]
    assert sorted(listed) == sorted(o["purchaseOrderNumber"] for o in orders)


def test_shipping_lists_over_more_than_seven_days_are_split_into_accepted_windows(rig: Rig) -> None:
    recent = [s["purchaseOrderNumber"] for s in rig.client.iter_packing_slips(AFTER, BEFORE)]
    long_range = [s["purchaseOrderNumber"] for s in rig.client.iter_packing_slips(START - timedelta(days=20), BEFORE)]
    assert recent and long_range == recent


def test_get_order_matches_the_listing(rig: Rig) -> None:
    first = next(rig.client.iter_orders(AFTER, BEFORE, limit=1))
    assert rig.client.get_order(first["purchaseOrderNumber"]) == first


def test_expired_access_token_and_rdt_are_renewed_transparently(rig: Rig, admin) -> None:
    po = next(rig.client.iter_orders(AFTER, BEFORE, limit=1))["purchaseOrderNumber"]
    rig.clock.advance(3600 + 60)  # past the sandbox's token and RDT lifetime; the client's own clock disagrees
    assert rig.client.get_order(po)["purchaseOrderNumber"] == po
    log = admin("GET", "log")["requests"]
    order_calls = [e["status"] for e in log if (e["operation"] or "").startswith("getOrder@")]
    assert order_calls == [401, 200]
    assert [e["operation"] for e in log].count("lwa:token") == 2


def test_unknown_order_is_a_404_api_error(rig: Rig) -> None:
    with pytest.raises(ApiError) as caught:
        rig.client.get_order("UNKNOWN1")
    assert caught.value.status == 404 and caught.value.errors[0]["code"] == "NotFound"


WEEK = {"createdAfter": "2026-11-20T00:00:00Z", "createdBefore": "2026-11-23T00:00:00Z"}
BAD_PARAMETERS = [
    ("getOrders", {"createdAfter": "2026-11-20T00:00:00Z"}),
    ("getOrders", {**WEEK, "limit": 0}),
    ("getOrders", {**WEEK, "limit": 101}),
    ("getOrders", {**WEEK, "createdBefore": "23/11/2026"}),
    ("getShippingLabels", {"createdAfter": "2026-11-01T00:00:00Z", "createdBefore": "2026-11-23T00:00:00Z"}),
    ("getPackingSlips", {**WEEK, "sortOrder": "SIDEWAYS"}),
]


@pytest.mark.parametrize(("operation", "query"), BAD_PARAMETERS,
                         ids=["no-createdBefore", "limit-0", "limit-101", "malformed-date", "window-too-long",
                              "bad-sortOrder"])
def test_bad_parameters_are_400_api_errors_never_retried(rig: Rig, admin, operation: str, query: dict) -> None:
    before = len(admin("GET", "log")["requests"])
    with pytest.raises(ApiError) as caught:
        rig.client.call(operation, query=query)
    assert caught.value.status == 400 and caught.value.errors[0]["code"] == "InvalidInput"
    calls = [e for e in admin("GET", "log")["requests"][before:] if (e["operation"] or "").startswith(operation)]
    assert len(calls) == 1


def test_acknowledgement_accepts_the_order(rig: Rig) -> None:
    order = rig.order()
    rig.accept(order)
    assert rig.state(order["purchaseOrderNumber"])["status"] == "ACCEPTED"


def test_rejecting_acknowledgement_cancels_the_order(rig: Rig) -> None:
    order = rig.order()
    rig.succeeds("submitAcknowledgement", [builders.acknowledgement(order, code="10")])
    assert rig.state(order["purchaseOrderNumber"])["status"] == "CANCELLED"


def test_label_request_then_get_shipping_label_and_list(rig: Rig) -> None:
    order = rig.order(labelOnly=True)
    po = order["purchaseOrderNumber"]
    rig.accept(order)
    containers = [builders.container(order, "BOX1"), builders.container(order, "BOX2", items=[])]
    rig.succeeds("submitShippingLabelRequest", [for_version(builders.label_request(order, containers), rig.version)])
    label = rig.client.get_shipping_label(po)
    assert label["purchaseOrderNumber"] == po
    assert [d["packageIdentifier"] for d in label["labelData"]] == ["BOX1", "BOX2"]
    assert len({d["trackingNumber"] for d in label["labelData"]}) == 2
    assert po in [x["purchaseOrderNumber"] for x in rig.client.iter_shipping_labels(AFTER, BEFORE)]


def test_shipment_confirmation_ships_the_order(rig: Rig) -> None:
    order, tracking = rig.shipped(labelOnly=True)
    state = rig.state(order["purchaseOrderNumber"])
    assert state["status"] == "SHIPPED" and state["confirmedTrackingNumbers"] == [tracking]


def test_status_update_for_a_shipped_voc_order_is_recorded(rig: Rig) -> None:
    order, tracking = rig.shipped(voc=True)
    rig.succeeds("submitShipmentStatusUpdates", [builders.status_update(order, tracking, "301", "000")])
    assert rig.state(order["purchaseOrderNumber"])["statusEvents"][0]["statusCode"] == "301"


def _pdf(content: str) -> bytes:
    data = base64.b64decode(content)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    return data


def test_packing_slips_are_real_pdfs(rig: Rig) -> None:
    slips = list(rig.client.iter_packing_slips(AFTER, BEFORE, limit=3))
    assert slips
    for slip in slips:
        _pdf(slip["content"])
    single = rig.client.get_packing_slip(slips[0]["purchaseOrderNumber"])
    assert single["contentType"] == "application/pdf" and _pdf(single["content"])


def test_customer_invoice_exists_only_after_shipment(rig: Rig) -> None:
    order = rig.order(voc=False)
    po = order["purchaseOrderNumber"]
    rig.accept(order)
    with pytest.raises(ApiError) as caught:
        rig.client.get_customer_invoice(po)
    assert caught.value.status == 404
    rig.ship(order)
    _pdf(rig.client.get_customer_invoice(po)["content"])
    assert [x["purchaseOrderNumber"] for x in rig.client.iter_customer_invoices(AFTER, BEFORE)] == [po]


def test_invoice_for_a_shipped_order_succeeds(rig: Rig) -> None:
    order, _ = rig.shipped()
    rig.succeeds("submitInvoice", [builders.invoice(order, "INV-OK-1")])
    assert rig.state(order["purchaseOrderNumber"])["invoiceNumbers"] == ["INV-OK-1"]


def test_inventory_update_for_a_known_warehouse_succeeds(rig: Rig) -> None:
    txn = rig.client.submit_inventory_update("ABCD", builders.inventory("999US")["inventory"])
    assert rig.outcome(txn)["status"] == "Success"


def test_unknown_transaction_is_a_404_in_either_envelope(rig: Rig) -> None:
    with pytest.raises(ApiError) as caught:
        rig.client.get_transaction_status("no-such-transaction")
    assert caught.value.status == 404 and caught.value.errors[0]["code"] == "NotFound"


def test_order_scenarios_create_a_fetchable_order(rig: Rig) -> None:
    txn = rig.client.generate_order_scenarios({"orders": [{"sellingParty": {"partyId": "999US"},
                                                           "shipFromParty": {"partyId": "EFGH"}}]})
    assert rig.client.get_order_scenarios(txn)["status"] == "PROCESSING"
    rig.clock.advance(10)
    status = rig.client.get_order_scenarios(txn)
    [scenario] = status["testCaseData"]["scenarios"]
    po = scenario["orders"][0]["orderId"]
    assert rig.client.get_order(po)["orderDetails"]["shipFromParty"]["partyId"] == "EFGH"


def test_container_label_for_labelled_packages(rig21: Rig) -> None:
    order = rig21.order(labelOnly=True)
    rig21.accept(order)
    tracking = rig21.label(order)["labelData"][0]["trackingNumber"]
    body = {"sellingParty": {"partyId": "999US"}, "shipFromParty": {"partyId": "ABCD"}, "carrierId": "SWA",
            "vendorContainerId": "PALLET1", "packages": [{"packageTrackingNumber": tracking}]}
    label = rig21.client.create_container_label(body)["containerLabel"]
    assert base64.b64decode(label["content"]).startswith(b"\x89PNG")
    body["packages"] = [{"packageTrackingNumber": "NEVERISSUED"}]
    with pytest.raises(ApiError) as caught:
        rig21.client.create_container_label(body)
    assert caught.value.status == 400


# --- createShippingLabels (2021-12-28, synchronous) -------------------------------------------------

def _labels_body(order: dict, containers: list[dict]) -> dict:
    request = builders.label_request(order, containers)
    return {k: v for k, v in request.items() if k != "purchaseOrderNumber"}


@pytest.fixture
def accepted(rig21: Rig) -> dict:
    order = rig21.order(labelOnly=True)
    rig21.accept(order)
    return order


@pytest.mark.parametrize("extra", [1, -1], ids=["over-packed", "short-packed"])
def test_packed_quantities_not_adding_up_are_not_all_items_present(rig21: Rig, accepted: dict, extra: int) -> None:
    items = builders.packed_items(accepted)
    items[0]["packedQuantity"]["amount"] += extra
    body = _labels_body(accepted, [builders.container(accepted, items=items)])
    with pytest.raises(ApiError) as caught:
        rig21.client.create_shipping_labels(accepted["purchaseOrderNumber"], body)
    assert caught.value.status == 409
    assert [e["code"] for e in caught.value.errors] == ["NOT_ALL_ITEMS_PRESENT"]
    assert rig21.state(accepted["purchaseOrderNumber"])["labelTrackingNumbers"] == []


BAD_PACKAGES = [
    ("dimensions", "length", None), ("dimensions", "width", "0"), ("dimensions", "height", "-3"),
    ("dimensions", "length", "ten"), ("dimensions", None, None),
    ("weight", "value", None), ("weight", "value", "0"), ("weight", "value", "-1.5"), ("weight", "value", "abc"),
    ("weight", None, None),
]


@pytest.mark.parametrize(("part", "key", "value"), BAD_PACKAGES,
                         ids=[f"{p}.{k}={v}" for p, k, v in BAD_PACKAGES])
def test_bad_dimensions_or_weight_are_invalid_message_payload(rig21: Rig, accepted: dict, part: str,
                                                              key: str | None, value: str | None) -> None:
    box = builders.container(accepted)
    if key is None:
        del box[part]
    elif value is None:
        del box[part][key]
    else:
        box[part][key] = value
    body = _labels_body(accepted, [box])
    po = accepted["purchaseOrderNumber"]
    with pytest.raises((ApiError, DocumentRejected)):  # the client may refuse it before Amazon does
        rig21.client.create_shipping_labels(po, body)
    with pytest.raises(ApiError) as caught:
        rig21.client.call("createShippingLabels", path_params={"purchaseOrderNumber": po}, body=body)
    assert caught.value.status == 400
    assert {e["code"] for e in caught.value.errors} == {"INVALID_MESSAGE_PAYLOAD"}


def test_decimal_weight_is_rounded_up(rig21: Rig, accepted: dict) -> None:
    box = builders.container(accepted)
    box["weight"]["value"] = "51.01"
    rig21.client.create_shipping_labels(accepted["purchaseOrderNumber"], _labels_body(accepted, [box]))
    packages = rig21.state(accepted["purchaseOrderNumber"])["packages"]
    assert packages[0]["weight"] == {"unitOfMeasure": "LB", "value": "52"}


def test_one_label_with_its_own_tracking_number_per_container(rig21: Rig, accepted: dict) -> None:
    boxes = [builders.container(accepted, "BOX1"), builders.container(accepted, "BOX2", items=[]),
             builders.container(accepted, "BOX3", items=[])]
    label = rig21.client.create_shipping_labels(accepted["purchaseOrderNumber"], _labels_body(accepted, boxes))
    data = label["labelData"]
    assert [d["packageIdentifier"] for d in data] == ["BOX1", "BOX2", "BOX3"]
    assert len({d["trackingNumber"] for d in data}) == 3 and all(d["content"] for d in data)
    assert rig21.client.get_shipping_label(accepted["purchaseOrderNumber"]) == label


# --- every rejection rule, through getTransactionStatus ----------------------------------------------

def _ack_codes(rig: Rig, order: dict, change: Callable[[dict], object], *, local_check: bool = True) -> list[str]:
    ack = builders.acknowledgement(order)
    change(ack)
    codes = rig.failure_codes("submitAcknowledgement", [ack], local_check=local_check)
    assert rig.state(order["purchaseOrderNumber"])["status"] == "NEW"
    return codes


def test_partial_acknowledgement_is_rejected(rig: Rig) -> None:
    order = rig.order(lines=2)
    assert _ack_codes(rig, order, lambda ack: ack["itemAcknowledgements"].pop()) == ["ACK-LINE-MISSING"]


def test_acknowledged_quantity_above_ordered_is_rejected(rig: Rig) -> None:
    def more(ack: dict) -> None:
        ack["itemAcknowledgements"][0]["acknowledgedQuantity"]["amount"] += 1
    assert _ack_codes(rig, rig.order(), more) == ["ACK-QTY-ABOVE-ORDERED"]


def test_product_identifier_differing_from_po_is_rejected(rig: Rig) -> None:
    def other(ack: dict) -> None:
        line = ack["itemAcknowledgements"][0]
        line["vendorProductIdentifier"] = line["vendorProductIdentifier"].lstrip("0") + "9"
    assert _ack_codes(rig, rig.order(), other) == ["ACK-PRODUCT-MISMATCH"]


def test_missing_acknowledgement_code_is_rejected(rig: Rig) -> None:
    def drop(ack: dict) -> None:
        del ack["acknowledgementStatus"]["code"]
    assert _ack_codes(rig, rig.order(), drop) == ["ACK-CODE-MISSING"]


def test_label_request_before_acceptance_is_rejected(rig: Rig) -> None:
    order = rig.order(labelOnly=True)
    request = for_version(builders.label_request(order), rig.version)
    assert rig.failure_codes("submitShippingLabelRequest", [request]) == ["LABEL-ORDER-NOT-ACCEPTED"]
    assert rig.state(order["purchaseOrderNumber"])["labelTrackingNumbers"] == []


def test_create_shipping_labels_before_acceptance_is_refused(rig21: Rig) -> None:
    order = rig21.order(labelOnly=True)
    with pytest.raises(ApiError) as caught:
        rig21.client.create_shipping_labels(order["purchaseOrderNumber"], _labels_body(order, []))
    assert caught.value.status == 400 and caught.value.errors[0]["code"] == "LABEL-ORDER-NOT-ACCEPTED"


def _confirmation_codes(rig: Rig, change: Callable[[dict], object], *, voc: bool = False, lines: int = 1,
                        local_check: bool = True) -> list[str]:
    order = rig.order(voc=voc, lines=lines)
    rig.accept(order)
    tracking = "1ZVOC0001" if voc else rig.label(order)["labelData"][0]["trackingNumber"]
    doc = rig.confirmation(order, tracking, voc=voc)
    change(doc)
    codes = rig.failure_codes("submitShipmentConfirmations", [doc], local_check=local_check)
    assert rig.state(order["purchaseOrderNumber"])["status"] == "ACCEPTED"
    return codes


def test_confirmation_missing_lines_is_rejected(rig: Rig) -> None:
    def drop_line(doc: dict) -> None:
        doc["items"].pop()
        doc["containers"][0]["packedItems"].pop()
    assert _confirmation_codes(rig, drop_line, lines=2) == ["SHIP-LINE-MISSING"]


def test_confirmation_with_wrong_item_sequence_number_is_rejected(rig: Rig) -> None:
    def renumber(doc: dict) -> None:  # line 1 confirmed (and packed) as line 99
        doc["items"][0]["itemSequenceNumber"] = 99
        doc["containers"][0]["packedItems"][0]["itemSequenceNumber"] = 99
    assert sorted(_confirmation_codes(rig, renumber)) == ["SHIP-LINE-MISSING", "SHIP-LINE-UNKNOWN"]


def test_confirmation_without_product_identifier_is_rejected(rig: Rig) -> None:
    def strip(doc: dict) -> None:
        doc["items"][0].pop("vendorProductIdentifier")
    assert _confirmation_codes(rig, strip) == ["SHIP-PRODUCT-MISSING"]


def test_voc_confirmation_without_scac_code_is_rejected(rig: Rig) -> None:
    def strip(doc: dict) -> None:
        doc["containers"][0].pop("scacCode")
    assert _confirmation_codes(rig, strip, voc=True) == ["SHIP-SCAC-MISSING"]


def test_container_without_ship_method_is_rejected(rig: Rig) -> None:
    def strip(doc: dict) -> None:
        doc["containers"][0].pop("shipMethod")
    assert _confirmation_codes(rig, strip) == ["SHIP-CONTAINER-SHIP-METHOD-MISSING"]


def _status_codes(rig: Rig, order: dict, tracking: str, status: str = "D1", reason: str = "NS") -> list[str]:
    update = builders.status_update(order, tracking, status, reason)
    codes = rig.failure_codes("submitShipmentStatusUpdates", [update])
    assert rig.state(order["purchaseOrderNumber"])["statusEvents"] == []
    return codes


def test_status_update_for_unknown_tracking_number_is_rejected(rig: Rig) -> None:
    order, _ = rig.shipped(voc=True)
    assert _status_codes(rig, order, "1ZNEVERSHIPPED") == ["STATUS-TRACKING-UNKNOWN"]


def test_status_update_before_confirmation_is_rejected(rig: Rig) -> None:
    order = rig.order(voc=True)
    rig.accept(order)
    # nothing confirmed yet, so the tracking number is unknown too: one error per broken rule
    assert sorted(_status_codes(rig, order, "1ZVOC0001")) == ["STATUS-BEFORE-CONFIRMATION", "STATUS-TRACKING-UNKNOWN"]


def test_status_update_for_non_voc_order_is_rejected(rig: Rig) -> None:
    order, tracking = rig.shipped(voc=False)
    assert _status_codes(rig, order, tracking) == ["STATUS-NOT-VOC"]


@pytest.mark.parametrize(("status", "reason"), [("D1", "AF"), ("301", "NS"), ("XX", "000")])
def test_status_reason_pair_outside_the_table_is_rejected(rig: Rig, status: str, reason: str) -> None:
    order, tracking = rig.shipped(voc=True)
    assert _status_codes(rig, order, tracking, status, reason) == ["STATUS-PAIR-UNKNOWN"]


def test_invoice_before_shipment_is_rejected(rig: Rig) -> None:
    order = rig.order(voc=False)
    rig.accept(order)
    assert rig.failure_codes("submitInvoice", [builders.invoice(order, "INV-EARLY")]) == ["INVOICE-PO-NOT-SHIPPED"]


def test_duplicate_invoice_number_is_rejected(rig: Rig) -> None:
    order, _ = rig.shipped()
    rig.succeeds("submitInvoice", [builders.invoice(order, "INV-7")])
    assert rig.failure_codes("submitInvoice", [builders.invoice(order, "INV-7")]) == ["INVOICE-NUMBER-REUSED"]


def test_zero_invoice_total_is_rejected(rig: Rig) -> None:
    order, _ = rig.shipped()
    doc = builders.invoice(order, "INV-0")
    doc["invoiceTotal"]["amount"] = "0.00"
    for line in doc["items"]:
        line["netCost"]["amount"] = "0.00"
    assert rig.failure_codes("submitInvoice", [doc]) == ["INVOICE-TOTAL-ZERO"]


def test_invoice_total_not_reconciling_is_rejected(rig: Rig) -> None:
    order, _ = rig.shipped()
    doc = builders.invoice(order, "INV-2")
    doc["invoiceTotal"]["amount"] = "999999.99"
    assert rig.failure_codes("submitInvoice", [doc]) == ["INVOICE-TOTAL-MISMATCH"]


def test_inventory_for_unknown_warehouse_is_rejected(rig: Rig) -> None:
    txn = rig.client.submit_inventory_update("NOPE", builders.inventory("999US")["inventory"])
    status = rig.outcome(txn)
    assert status["status"] == "Failure"
    assert [e["code"] for e in status["errors"]] == ["STOCK-WAREHOUSE-UNKNOWN"]


def test_one_error_per_broken_rule_in_one_document(rig: Rig) -> None:
    order = rig.order(lines=2)

    def break_two(ack: dict) -> None:
        ack["itemAcknowledgements"].pop()
        ack["itemAcknowledgements"][0]["acknowledgedQuantity"]["amount"] += 1
    assert sorted(_ack_codes(rig, order, break_two)) == ["ACK-LINE-MISSING", "ACK-QTY-ABOVE-ORDERED"]


def test_failure_errors_name_the_document_they_reject(rig: Rig) -> None:
    order = rig.order(voc=False)
    rig.accept(order)
    status = rig.outcome(rig.submit("submitInvoice", [builders.invoice(order, "INV-EARLY-2")]))
    assert status["status"] == "Failure"
    assert all("document=INV-EARLY-2" in e["details"] for e in status["errors"])


@pytest.mark.parametrize("label_format", ["PNG", "ZPL"])
def test_label_content_is_real_png_or_zpl_as_the_order_says(rig: Rig, label_format: str) -> None:
    listed = rig.admin("GET", "orders?status=NEW")["orders"]
    po = next(o["purchaseOrderNumber"] for o in listed if o["labelFormat"] == label_format)
    order = rig.client.get_order(po)
    rig.accept(order)
    label = rig.label(order)
    assert label["labelFormat"] == label_format
    content = base64.b64decode(label["labelData"][0]["content"])
    if label_format == "PNG":
        assert content.startswith(b"\x89PNG\r\n\x1a\n") and b"IEND" in content
    else:
        assert content.startswith(b"^XA") and content.rstrip().endswith(b"^XZ")


# --- batching against the real server ---------------------------------------------------------------

def _new_orders(rig: Rig, count: int) -> list[dict]:
    return [rig.order() for _ in range(count)]


def test_submissions_go_in_batches_of_the_configured_size(make_rig: MakeRig) -> None:
    rig = make_rig("2021-12-28")
    rig.client.batch_size = 2
    orders = _new_orders(rig, 5)
    transaction_ids = rig.client.submit_acknowledgements([builders.acknowledgement(o) for o in orders])
    assert len(transaction_ids) == 3
    assert rig.outcomes(transaction_ids) == ["Success"] * 3
    assert {rig.state(o["purchaseOrderNumber"])["status"] for o in orders} == {"ACCEPTED"}


def test_a_413_splits_the_batch_until_the_server_takes_it(clock: FakeClock) -> None:
    clock.reset()
    with SandboxServer(sandbox_config(clock, max_body_bytes=2500)) as small, \
            make_client(small.url, "2021-12-28") as client:
        def admin(method: str, what: str) -> Any:
            return requests.request(method, f"{small.url}/_sandbox/{what}", timeout=5).json()
        rig = Rig(client, admin, clock, "2021-12-28")
        orders = _new_orders(rig, 6)
        acks = [builders.acknowledgement(o) for o in orders]
        assert len(json.dumps({"orderAcknowledgements": acks})) > 2500
        transaction_ids = client.submit_acknowledgements(acks)
        assert len(transaction_ids) > 1
        assert set(rig.outcomes(transaction_ids)) == {"Success"}
        assert {rig.state(o["purchaseOrderNumber"])["status"] for o in orders} == {"ACCEPTED"}
        statuses = [e["status"] for e in admin("GET", "log")["requests"]
                    if e["operation"] == "submitAcknowledgement@2021-12-28"]
    assert 413 in statuses and statuses.count(202) == len(transaction_ids)
