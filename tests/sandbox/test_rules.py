"""Every rejection rule reaches the vendor through getTransactionStatus, one error per broken rule."""

from __future__ import annotations

import copy

import pytest

from tests.sandbox import builders


class Flow:
    """Drives one order through the DF workflow against the sandbox."""

    def __init__(self, api, **flags) -> None:
        self.api = api
        self.order = api.pick(**flags)
        self.po = self.order["purchaseOrderNumber"]

    def accept(self) -> None:
        txn = self.api.submit("submitAcknowledgement", {"orderAcknowledgements": [builders.acknowledgement(self.order)]})
        assert self.api.outcome(txn)["status"] == "Success"

    def label(self) -> str:
        body = {"sellingParty": {"partyId": "999US"}, "shipFromParty": self.order["orderDetails"]["shipFromParty"]}
        reply = self.api.call("createShippingLabels", path_params={"purchaseOrderNumber": self.po}, json=body)
        assert reply.status_code == 200, reply.text
        return reply.json()["labelData"][0]["trackingNumber"]

    def ship(self, voc: bool = False) -> str:
        tracking = "1ZVOC0001" if voc else self.label()
        body = {"shipmentConfirmations": [builders.confirmation(self.order, tracking, voc=voc)]}
        assert self.api.outcome(self.api.submit("submitShipmentConfirmations", body))["status"] == "Success"
        return tracking

    def failure_codes(self, name: str, body: dict, version: str = "2021-12-28", **path) -> list[str]:
        status = self.api.outcome(self.api.submit(name, body, version, **path), version)
        assert status["status"] == "Failure", status
        errors = status["errors"] if version == "v1" else status["errors"]["errors"]
        assert all({"code", "message", "details"} <= set(e) for e in errors)
        return [e["code"] for e in errors]


def _ack(flow: Flow, change) -> list[str]:
    ack = builders.acknowledgement(flow.order)
    change(ack, flow.order)
    return flow.failure_codes("submitAcknowledgement", {"orderAcknowledgements": [ack]})


def _multi(api) -> Flow:
    for entry in api.admin("GET", "orders?voc=false")["orders"]:
        order = api.call("getOrder", path_params={"purchaseOrderNumber": entry["purchaseOrderNumber"]}).json()
        if len(order["orderDetails"]["items"]) > 1:
            flow = Flow.__new__(Flow)
            flow.api, flow.order, flow.po = api, order, order["purchaseOrderNumber"]
            return flow
    raise AssertionError("no multi-line order generated")


def test_partial_acknowledgement_is_rejected(api):
    flow = _multi(api)
    codes = _ack(flow, lambda ack, order: ack["itemAcknowledgements"].pop())
    assert "ACK-LINE-MISSING" in codes


def test_acknowledged_quantity_above_ordered_is_rejected(api):
    def more(ack, order):
        ack["itemAcknowledgements"][0]["acknowledgedQuantity"]["amount"] += 1
    assert "ACK-QTY-ABOVE-ORDERED" in _ack(Flow(api), more)


def test_product_identifier_differing_from_po_is_rejected(api):
    def other(ack, order):
        ack["itemAcknowledgements"][0]["vendorProductIdentifier"] = "12345678905"  # lost leading zero
    assert "ACK-PRODUCT-MISMATCH" in _ack(Flow(api), other)


def test_missing_acknowledgement_code_is_rejected(api):
    def drop(ack, order):
        del ack["acknowledgementStatus"]["code"]
    assert "ACK-CODE-MISSING" in _ack(Flow(api), drop)


def test_failed_acknowledgement_leaves_the_order_new(api):
    flow = Flow(api)
    _ack(flow, lambda ack, order: ack["acknowledgementStatus"].pop("code"))
    assert api.state(flow.po)["status"] == "NEW"


def test_label_request_before_acceptance_is_rejected(api):
    flow = Flow(api, labelOnly=True)
    codes = flow.failure_codes("submitShippingLabelRequest",
                               {"shippingLabelRequests": [builders.label_request(flow.order)]})
    assert codes == ["LABEL-ORDER-NOT-ACCEPTED"]


def _confirm(flow: Flow, change, voc: bool = False) -> list[str]:
    flow.accept()
    doc = builders.confirmation(flow.order, "1ZVOC0001" if voc else flow.label(), voc=voc)
    change(doc)
    return flow.failure_codes("submitShipmentConfirmations", {"shipmentConfirmations": [doc]})


def test_confirmation_missing_lines_is_rejected(api):
    flow = _multi(api)
    assert "SHIP-LINE-MISSING" in _confirm(flow, lambda doc: doc["items"].pop())


def test_confirmation_with_wrong_item_sequence_number_is_rejected(api):
    def renumber(doc):
        doc["items"][0]["itemSequenceNumber"] = 99
    codes = _confirm(Flow(api, voc=False), renumber)
    assert "SHIP-LINE-UNKNOWN" in codes


def test_confirmation_without_product_identifier_is_rejected(api):
    def strip(doc):
        doc["items"][0].pop("vendorProductIdentifier")
    assert "SHIP-PRODUCT-MISSING" in _confirm(Flow(api, voc=False), strip)


def test_voc_confirmation_without_scac_code_is_rejected(api):
    def strip(doc):
        doc["containers"][0].pop("scacCode")
    assert _confirm(Flow(api, voc=True), strip, voc=True) == ["SHIP-SCAC-MISSING"]


def test_container_without_ship_method_is_rejected(api):
    def strip(doc):
        doc["containers"][0].pop("shipMethod")
    assert "SHIP-CONTAINER-SHIP-METHOD-MISSING" in _confirm(Flow(api, voc=False), strip)


def _status(flow: Flow, tracking: str, status: str = "D1", reason: str = "NS") -> list[str]:
    body = {"shipmentStatusUpdates": [builders.status_update(flow.order, tracking, status, reason)]}
    return flow.failure_codes("submitShipmentStatusUpdates", body)


def test_status_update_before_confirmation_is_rejected(api):
    flow = Flow(api, voc=True)
    flow.accept()
    assert "STATUS-BEFORE-CONFIRMATION" in _status(flow, "1ZVOC0001")


def test_status_update_for_unknown_tracking_number_is_rejected(api):
    flow = Flow(api, voc=True)
    flow.accept()
    flow.ship(voc=True)
    assert _status(flow, "1ZOTHER") == ["STATUS-TRACKING-UNKNOWN"]


def test_status_update_for_non_voc_order_is_rejected(api):
    flow = Flow(api, voc=False)
    flow.accept()
    tracking = flow.ship()
    assert "STATUS-NOT-VOC" in _status(flow, tracking)


@pytest.mark.parametrize(("status", "reason"), [("D1", "AF"), ("301", "NS"), ("XX", "000")])
def test_status_reason_pair_outside_the_table_is_rejected(api, status, reason):
    flow = Flow(api, voc=True)
    flow.accept()
    tracking = flow.ship(voc=True)
    assert _status(flow, tracking, status, reason) == ["STATUS-PAIR-UNKNOWN"]


def test_valid_status_update_succeeds_and_is_recorded(api):
    flow = Flow(api, voc=True)
    flow.accept()
    tracking = flow.ship(voc=True)
    body = {"shipmentStatusUpdates": [builders.status_update(flow.order, tracking, "301", "000")]}
    assert api.outcome(api.submit("submitShipmentStatusUpdates", body))["status"] == "Success"
    assert api.state(flow.po)["statusEvents"][0]["statusCode"] == "301"


def _invoice(flow: Flow, doc: dict) -> list[str]:
    return flow.failure_codes("submitInvoice", {"invoices": [doc]}, "v1")


def test_invoice_before_shipment_is_rejected(api):
    flow = Flow(api, voc=False)
    flow.accept()
    assert "INVOICE-PO-NOT-SHIPPED" in _invoice(flow, builders.invoice(flow.order, "INV-1"))


def test_duplicate_invoice_number_is_rejected(api):
    flow = Flow(api, voc=False)
    flow.accept()
    flow.ship()
    first = api.submit("submitInvoice", {"invoices": [builders.invoice(flow.order, "INV-7")]}, "v1")
    assert api.outcome(first, "v1")["status"] == "Success"
    assert "INVOICE-NUMBER-REUSED" in _invoice(flow, builders.invoice(flow.order, "INV-7"))


def test_zero_invoice_total_is_rejected(api):
    flow = Flow(api, voc=False)
    flow.accept()
    flow.ship()
    doc = builders.invoice(flow.order, "INV-0")
    doc["invoiceTotal"]["amount"] = "0.00"
    for line in doc["items"]:
        line["netCost"]["amount"] = "0.00"
    assert "INVOICE-TOTAL-ZERO" in _invoice(flow, doc)


def test_invoice_total_not_reconciling_is_rejected(api):
    flow = Flow(api, voc=False)
    flow.accept()
    flow.ship()
    doc = builders.invoice(flow.order, "INV-2")
    doc["invoiceTotal"]["amount"] = "999999.99"
    assert "INVOICE-TOTAL-MISMATCH" in _invoice(flow, doc)


def test_inventory_for_unknown_warehouse_is_rejected(api):
    flow = Flow(api)
    codes = flow.failure_codes("submitInventoryUpdate", builders.inventory("999US"), "v1", warehouseId="NOPE")
    assert codes == ["STOCK-WAREHOUSE-UNKNOWN"]


def test_inventory_for_known_warehouse_succeeds(api):
    txn = api.submit("submitInventoryUpdate", builders.inventory("999US"), "v1", warehouseId="ABCD")
    assert api.outcome(txn, "v1")["status"] == "Success"


def test_whole_workflow_ends_shipped_and_invoiced(api):
    flow = Flow(api, labelOnly=True)
    flow.accept()
    tracking = flow.ship()
    txn = api.submit("submitInvoice", {"invoices": [builders.invoice(flow.order, "INV-OK")]}, "v1")
    assert api.outcome(txn, "v1")["status"] == "Success"
    state = api.state(flow.po)
    assert state["status"] == "SHIPPED" and tracking in state["confirmedTrackingNumbers"]
    assert state["invoiceNumbers"] == ["INV-OK"]


def test_floor_denial_cancels_the_order(api):
    flow = Flow(api, voc=False)
    flow.accept()
    doc = copy.deepcopy(builders.confirmation(flow.order, flow.label()))
    doc["shipmentDetails"]["shipmentStatus"] = "FLOOR_DENIAL"
    assert api.outcome(api.submit("submitShipmentConfirmations", {"shipmentConfirmations": [doc]}))["status"] == "Success"
    assert api.state(flow.po)["status"] == "CANCELLED"
