"""The whole DF workflow in one API version, driven through the client: every operation at least once.

Used twice: over real HTTP (every catalogue operation must reach its success status) and in-process
with a recording adapter (every body on the wire must match the official models).
"""

from __future__ import annotations

import pytest

from tests.integration.rig import AFTER, BEFORE, Rig, for_version
from tests.sandbox import builders
from translator.errors import ApiError


def _labels_and_slips(rig: Rig) -> None:
    assert list(rig.client.iter_shipping_labels(AFTER, BEFORE, limit=5))
    slips = list(rig.client.iter_packing_slips(AFTER, BEFORE, limit=5))
    assert slips and rig.client.get_packing_slip(slips[0]["purchaseOrderNumber"])["content"]
    assert list(rig.client.iter_customer_invoices(AFTER, BEFORE, limit=5))


def _label_only_order(rig: Rig) -> dict:
    """Acknowledge, request labels asynchronously, confirm, invoice."""
    order = rig.order(labelOnly=True)
    po = order["purchaseOrderNumber"]
    rig.accept(order)
    request = for_version(builders.label_request(order, [builders.container(order)]), rig.version)
    rig.succeeds("submitShippingLabelRequest", [request])  # v1 says "carton", 2021-12-28 "Carton"
    tracking = rig.client.get_shipping_label(po)["labelData"][0]["trackingNumber"]
    rig.succeeds("submitShipmentConfirmations", [rig.confirmation(order, tracking)])
    assert rig.client.get_customer_invoice(po)["content"]
    rig.succeeds("submitInvoice", [builders.invoice(order, f"INV{rig.version}{po}")])
    return order


def _voc_order(rig: Rig) -> None:
    """Acknowledge and confirm a vendor-own-carrier order, then one good and one bad status update."""
    order, tracking = rig.shipped(voc=True)
    rig.succeeds("submitShipmentStatusUpdates", [builders.status_update(order, tracking, "301", "000")])
    bad = [builders.status_update(order, tracking, "D1", "AF")]
    assert rig.failure_codes("submitShipmentStatusUpdates", bad) == ["STATUS-PAIR-UNKNOWN"]


def _synchronous_labels(rig: Rig) -> None:
    """createShippingLabels (a 409, a 400, then a label) and createContainerLabel: 2021-12-28 only."""
    order = rig.order(labelOnly=True)
    po = order["purchaseOrderNumber"]
    rig.accept(order)
    parties = {k: v for k, v in builders.label_request(order).items() if k != "purchaseOrderNumber"}
    items = builders.packed_items(order)
    items[0]["packedQuantity"]["amount"] += 1
    with pytest.raises(ApiError) as conflict:
        rig.client.create_shipping_labels(po, {**parties, "containers": [builders.container(order, items=items)]})
    assert conflict.value.status == 409
    light = builders.container(order)
    light["weight"]["value"] = "0"
    with pytest.raises(ApiError) as payload:
        rig.client.call("createShippingLabels", path_params={"purchaseOrderNumber": po},
                        body={**parties, "containers": [light]})
    assert payload.value.status == 400
    label = rig.client.create_shipping_labels(po, {**parties, "containers": [builders.container(order)]})
    tracking = label["labelData"][0]["trackingNumber"]
    pallet = rig.client.create_container_label({**parties, "carrierId": "SWA", "vendorContainerId": "PALLET1",
                                                "packages": [{"packageTrackingNumber": tracking}]})
    assert pallet["containerLabel"]["content"]


def _stock_and_scenarios(rig: Rig) -> None:
    txn = rig.client.submit_inventory_update("ABCD", builders.inventory("999US")["inventory"])
    assert rig.outcome(txn)["status"] == "Success"
    txn = rig.client.generate_order_scenarios({"orders": [{"sellingParty": {"partyId": "999US"},
                                                           "shipFromParty": {"partyId": "ABCD"}}]})
    assert rig.client.get_order_scenarios(txn)["status"] == "PROCESSING"
    rig.clock.advance(10)
    assert rig.client.get_order_scenarios(txn)["status"] == "SUCCESS"


def _errors(rig: Rig) -> None:
    for call in (lambda: rig.client.get_order("NOPE1"), lambda: rig.client.get_transaction_status("nope"),
                 lambda: rig.client.call("getOrders", query={"createdAfter": "2026-11-20T00:00:00Z"})):
        with pytest.raises(ApiError):
            call()


def drive(rig: Rig) -> None:
    """Every operation of ``rig.version`` (plus the version-less ones) at least once."""
    assert len(list(rig.client.iter_orders(AFTER, BEFORE, limit=40))) >= 60
    _label_only_order(rig)
    _voc_order(rig)
    if rig.version == "2021-12-28":
        _synchronous_labels(rig)
    _stock_and_scenarios(rig)
    _labels_and_slips(rig)
    _errors(rig)
