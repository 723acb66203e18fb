"""getOrders/getOrder: deterministic data, pagination, envelopes and status filters."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from tests.sandbox import builders
from tests.sandbox.conftest import EVER, START
from translator.sandbox import datagen


def test_pages_with_limit_and_next_token_cover_every_order_once(api):
    seen, query = [], {**EVER, "limit": "7"}
    while True:
        body = api.call("getOrders", params=query).json()
        assert len(body["orders"]) <= 7
        seen.extend(o["purchaseOrderNumber"] for o in body["orders"])
        token = body.get("pagination", {}).get("nextToken")
        if not token:
            break
        query["nextToken"] = token
    assert len(seen) == len(set(seen)) == 40


def test_default_order_is_oldest_first_and_desc_reverses(api):
    asc = [o["orderDetails"]["orderDate"] for o in api.all_orders()]
    desc = [o["orderDetails"]["orderDate"] for o in api.all_orders(sortOrder="DESC")]
    assert asc == sorted(asc) and desc == asc[::-1]


def test_created_window_filters_orders(api):
    orders = api.all_orders()
    middle = orders[20]["orderDetails"]["orderDate"]
    before = api.all_orders(createdBefore=middle)
    assert len(before) == 20


def test_include_details_false_gives_only_po_numbers(api):
    orders = api.all_orders(includeDetails="false")
    assert orders and all(set(o) == {"purchaseOrderNumber"} for o in orders)


def test_v1_wraps_in_payload_and_drops_2021_fields(api):
    reply = api.call("getOrders", "v1", params={**EVER, "limit": "3"}).json()
    order = reply["payload"]["orders"][0]
    assert "hasCustomizableItems" not in order["orderDetails"]
    assert "hasCustomizableItems" in api.all_orders()[0]["orderDetails"]


def test_same_seed_same_orders_other_seed_other_orders(make_api):
    first, again, other = make_api(), make_api(), make_api(seed=8)
    assert first.all_orders() == again.all_orders()
    assert [o["purchaseOrderNumber"] for o in first.all_orders()] != [o["purchaseOrderNumber"] for o in other.all_orders()]


def test_orders_cover_the_tricky_cases(api):
    orders = api.all_orders()
    details = [o["orderDetails"] for o in orders]
    items = [i for d in details for i in d["items"]]
    titles = " ".join(i["title"] for i in items)
    assert any(len(d["items"]) > 1 for d in details)
    assert any(d["shipmentDetails"]["isPriorityShipment"] for d in details)
    assert any(d["shipmentDetails"]["isScheduledDeliveryShipment"] for d in details)
    assert any(d["shipmentDetails"]["isGift"] for d in details)
    assert any(d["shipmentDetails"]["isPslipRequired"] for d in details)
    assert "," in titles and '"' in titles and "\n" in titles and any(ord(c) > 127 for c in titles)
    assert all(i["vendorProductIdentifier"].startswith("0") and len(i["vendorProductIdentifier"]) == 12 for i in items)
    assert all(isinstance(i["netPrice"]["amount"], str) and Decimal(i["netPrice"]["amount"]) > 0 for i in items)
    assert {d["shipFromParty"]["partyId"] for d in details} == {"ABCD", "EFGH"}
    assert {d["sellingParty"]["partyId"] for d in details} == {"999US"}


def test_label_only_orders_mask_the_ship_to_fields(api):
    order = api.pick(labelOnly=True)
    ship_to = order["orderDetails"]["shipToParty"]
    for key in ("name", "attention", "addressLine1", "addressLine2", "city", "phone"):
        assert ship_to[key] == datagen.MASK
    assert ship_to["stateOrRegion"] != datagen.MASK and ship_to["countryCode"] == "US"


def test_voc_orders_are_listed_by_the_admin_endpoint(api):
    voc = api.admin("GET", "orders?voc=true")["orders"]
    assert voc and all(o["voc"] and o["shipMethod"].startswith("VOC_") for o in voc)


def test_upc_check_digit_is_valid():
    code = datagen.upc(random.Random(1))
    digits = [int(d) for d in code]
    assert (sum(digits[0:11:2]) * 3 + sum(digits[1:11:2]) + digits[11]) % 10 == 0


def test_status_moves_with_acknowledgements_and_filters_follow(api):
    new = api.all_orders(status="NEW")
    accept, reject = new[0], new[1]
    txn = api.submit("submitAcknowledgement", {"orderAcknowledgements": [
        builders.acknowledgement(accept), builders.acknowledgement(reject, code="03")]})
    assert api.outcome(txn)["status"] == "Success"
    assert [o["purchaseOrderNumber"] for o in api.all_orders(status="ACCEPTED")] == [accept["purchaseOrderNumber"]]
    assert [o["purchaseOrderNumber"] for o in api.all_orders(status="CANCELLED")] == [reject["purchaseOrderNumber"]]
    assert len(api.all_orders(status="NEW")) == len(new) - 2


def test_ship_from_filter(api):
    orders = api.all_orders(shipFromPartyId="EFGH")
    assert orders and all(o["orderDetails"]["shipFromParty"]["partyId"] == "EFGH" for o in orders)


def test_new_orders_arrive_at_the_configured_rate(make_api, clock):
    api = make_api(clock=clock, arrival_rate=6, token_ttl=10_000, rdt_ttl=10_000)
    before = len(api.all_orders())
    clock.advance(60)
    assert len(api.all_orders()) == before + 6


def test_generate_order_scenarios_creates_orders_for_the_parties(api):
    body = {"orders": [{"sellingParty": {"partyId": "999US"}, "shipFromParty": {"partyId": "EFGH"}}]}
    reply = api.call("generateOrderScenarios", "2021-10-28", json=body)
    assert reply.status_code == 202
    txn = reply.json()["transactionId"]
    status = api.call("getOrderScenarios", "2021-10-28", path_params={"transactionId": txn}).json()
    scenario = status["transactionStatus"]["testCaseData"]["scenarios"][0]
    po = scenario["orders"][0]["orderId"]
    order = api.call("getOrder", path_params={"purchaseOrderNumber": po}).json()
    assert status["transactionStatus"]["status"] == "SUCCESS"
    assert order["orderDetails"]["shipFromParty"]["partyId"] == "EFGH"


def test_initial_orders_spread_over_the_history_window(make_api):
    api = make_api(history_hours=6)
    dates = [datetime.fromisoformat(o["orderDetails"]["orderDate"].replace("Z", "+00:00")) for o in api.all_orders()]
    assert START - timedelta(hours=6) <= min(dates) and max(dates) < START
    assert max(dates) - min(dates) > timedelta(hours=5)
