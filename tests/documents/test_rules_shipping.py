"""Shipment confirmation and status update rules."""

from __future__ import annotations

import pytest

from tests.documents import factories
from tests.documents.conftest import NOW
from translator.documents.rules import NoFacts, StaticFacts, check

ORDER = factories.order()
PO = ORDER["purchaseOrderNumber"]
FACTS = StaticFacts(orders={PO: ORDER}, accepted={PO: True}, shipped={PO: True},
                    tracking_numbers={PO: frozenset({"1Z999"})}, vendor_own_carrier={PO: True})


def codes(kind, doc, facts=FACTS):
    return [p.code for p in check(kind, doc, facts, now=NOW)]


def confirmation(**kw):
    return factories.confirmation(ORDER, **kw)


# ----------------------------------------------------------------- shipment confirmations

@pytest.mark.parametrize("containers", [True, False])
def test_complete_confirmation_passes(containers):
    assert codes("shipment-confirmations", confirmation(containers=containers)) == []


def test_order_line_00001_matches_shipping_line_1():
    doc = confirmation()
    assert doc["items"][0]["itemSequenceNumber"] == 1
    assert ORDER["orderDetails"]["items"][0]["itemSequenceNumber"] == "00001"
    assert codes("shipment-confirmations", doc) == []


def test_missing_line_is_rejected():
    doc = confirmation(containers=False)
    del doc["items"][0]
    assert codes("shipment-confirmations", doc) == ["SHIP-LINE-MISSING"]


def test_wrong_item_sequence_number_is_rejected():
    doc = confirmation(containers=False)
    doc["items"][1]["itemSequenceNumber"] = 3
    assert codes("shipment-confirmations", doc) == ["SHIP-LINE-UNKNOWN", "SHIP-LINE-MISSING"]


def test_line_twice_is_rejected():
    doc = confirmation(containers=False)
    doc["items"].append(dict(doc["items"][0]))
    assert "SHIP-LINE-DUPLICATE" in codes("shipment-confirmations", doc, NoFacts())


def test_line_without_product_identifier_is_rejected():
    doc = confirmation(containers=False)
    del doc["items"][0]["buyerProductIdentifier"]
    del doc["items"][0]["vendorProductIdentifier"]
    assert codes("shipment-confirmations", doc, NoFacts()) == ["SHIP-PRODUCT-MISSING"]


def test_product_identifier_must_equal_the_orders():
    doc = confirmation(containers=False)
    doc["items"][0]["buyerProductIdentifier"] = "B000OTHER1"
    assert codes("shipment-confirmations", doc) == ["SHIP-PRODUCT-MISMATCH"]


@pytest.mark.parametrize(("amount", "code"), [(0, "SHIP-QTY-NOT-POSITIVE"), (-1, "SHIP-QTY-NOT-POSITIVE"),
                                              ("2", "SHIP-QTY-NOT-WHOLE"), (3, "SHIP-QTY-ABOVE-ORDERED")])
def test_shipped_quantity_must_be_whole_positive_and_not_above_ordered(amount, code):
    doc = confirmation(containers=False)
    doc["items"][0]["shippedQuantity"]["amount"] = amount
    assert codes("shipment-confirmations", doc) == [code]


def test_shipping_less_than_ordered_is_a_partial_fulfilment():
    doc = confirmation(containers=False)
    doc["items"][0]["shippedQuantity"]["amount"] = 1
    [problem] = check("shipment-confirmations", doc, FACTS, now=NOW)
    assert (problem.code, problem.value) == ("SHIP-PARTIAL", "1")


def test_pieces_of_one_item_each_carry_the_lines_total():
    """Amazon's guide: with pieceNumber, packedQuantity is the total to ship, not what is in that box."""
    one_line = factories.order(lines=(("00001", "B07DFVDRAB", "8806098286500", 2, "10.00"),))
    facts = StaticFacts(orders={PO: one_line}, accepted={PO: True}, vendor_own_carrier={PO: True})
    doc = factories.confirmation(one_line)
    boxes = [factories.container(one_line, ident=f"BOX{n}", tracking=f"1Z{n}") for n in (1, 2)]
    for number, box in enumerate(boxes, start=1):
        box["packedItems"][0]["pieceNumber"] = number
    doc["containers"] = boxes
    assert codes("shipment-confirmations", doc, facts) == []
    boxes[1]["packedItems"][0]["packedQuantity"]["amount"] = 1
    assert codes("shipment-confirmations", doc, facts) == ["SHIP-PACKED-MISMATCH"]


def test_floor_denial_may_ship_nothing():
    doc = confirmation(containers=False)
    doc["shipmentDetails"]["shipmentStatus"] = "FLOOR_DENIAL"
    for item in doc["items"]:
        item["shippedQuantity"]["amount"] = 0
    assert codes("shipment-confirmations", doc) == []


def test_shipped_date_in_the_future_is_rejected():
    doc = confirmation()
    doc["shipmentDetails"]["shippedDate"] = "2024-06-01T01:00:00+00:00"
    assert codes("shipment-confirmations", doc) == ["SHIP-DATE-FUTURE"]


def test_shipped_date_just_before_now_in_another_zone_passes():
    doc = confirmation()
    doc["shipmentDetails"]["shippedDate"] = "2024-06-01T01:59:00+02:00"
    assert codes("shipment-confirmations", doc) == []


def test_vendor_own_carrier_needs_scac_on_every_container():
    doc = confirmation()
    del doc["containers"][0]["scacCode"]
    assert codes("shipment-confirmations", doc) == ["SHIP-SCAC-MISSING"]
    amazon_labels = StaticFacts(orders={PO: ORDER}, vendor_own_carrier={PO: False})
    assert codes("shipment-confirmations", doc, amazon_labels) == []


def test_every_container_needs_a_ship_method():
    doc = confirmation()
    del doc["containers"][0]["shipMethod"]
    assert codes("shipment-confirmations", doc, NoFacts()) == ["SHIP-CONTAINER-SHIP-METHOD-MISSING"]


def test_packed_quantities_must_add_up_to_shipped():
    doc = confirmation()
    doc["containers"][0]["packedItems"][0]["packedQuantity"]["amount"] = 1
    [problem] = check("shipment-confirmations", doc, NoFacts(), now=NOW)
    assert (problem.code, problem.field) == ("SHIP-PACKED-MISMATCH", "$.items[0].shippedQuantity.amount")


def test_split_across_two_containers_adds_up():
    doc = confirmation()
    second = factories.container(ORDER, ident="BOX2", tracking="1Z998")
    second["packedItems"] = [dict(second["packedItems"][0], packedQuantity={"amount": 1, "unitOfMeasure": "Each"})]
    doc["containers"][0]["packedItems"][0]["packedQuantity"]["amount"] = 1
    doc["containers"].append(second)
    assert codes("shipment-confirmations", doc) == []


def test_order_must_be_accepted_first():
    facts = StaticFacts(orders={PO: ORDER}, accepted={PO: False})
    assert codes("shipment-confirmations", confirmation(), facts) == ["SHIP-ORDER-NOT-ACCEPTED"]


# ----------------------------------------------------------------- shipment status updates

@pytest.mark.parametrize(("status", "reason"), [("D1", "NS"), ("301", "000"), ("DE", "AF"), ("404", "117")])
def test_documented_status_pairs_pass(status, reason):
    assert codes("shipment-status-updates", factories.status_update(status=status, reason=reason)) == []


@pytest.mark.parametrize(("status", "reason"), [("D1", "000"), ("301", "NS"), ("ZZ", "NS")])
def test_undocumented_status_pairs_are_rejected(status, reason):
    doc = factories.status_update(status=status, reason=reason)
    assert codes("shipment-status-updates", doc, NoFacts()) == ["STATUS-PAIR-UNKNOWN"]


def test_status_update_only_for_vendor_own_carrier():
    facts = StaticFacts(vendor_own_carrier={PO: False})
    assert codes("shipment-status-updates", factories.status_update(), facts) == ["STATUS-NOT-VOC"]


def test_status_update_only_after_confirmation():
    facts = StaticFacts(shipped={PO: False}, tracking_numbers={PO: frozenset()})
    assert codes("shipment-status-updates", factories.status_update(), facts) == [
        "STATUS-BEFORE-CONFIRMATION", "STATUS-TRACKING-UNKNOWN"]


def test_tracking_number_must_be_one_confirmed():
    doc = factories.status_update(tracking="1Z000")
    [problem] = check("shipment-status-updates", doc, FACTS)
    assert (problem.code, problem.value, problem.field) == (
        "STATUS-TRACKING-UNKNOWN", "1Z000", "$.statusUpdateDetails.trackingNumber")
