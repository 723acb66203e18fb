"""Bad parameters answer 400 with model-shaped errors, per version's envelope."""

from __future__ import annotations

import pytest

from tests.sandbox.conftest import EVER

WEEK = {"createdAfter": "2026-11-16T12:00:00Z", "createdBefore": "2026-11-23T12:00:00Z"}


def _error(reply) -> dict:
    assert reply.status_code == 400, reply.text
    body = reply.json()
    assert set(body) == {"errors"} and isinstance(body["errors"], list)
    assert {"code", "message"} <= set(body["errors"][0])
    return body["errors"][0]


@pytest.mark.parametrize("missing", ["createdAfter", "createdBefore"])
def test_get_orders_needs_both_created_dates(api, missing):
    params = {k: v for k, v in EVER.items() if k != missing}
    assert missing in _error(api.call("getOrders", params=params))["message"]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", "1.5"])
def test_limit_outside_1_to_100_is_rejected(api, limit):
    assert "limit" in _error(api.call("getOrders", params={**EVER, "limit": limit}))["message"]


@pytest.mark.parametrize("value", ["2021-01-2100:00:00", "yesterday", "2021-13-01T00:00:00Z", "2021-01-21"])
def test_malformed_dates_are_rejected(api, value):
    _error(api.call("getOrders", params={**EVER, "createdBefore": value}))


def test_reversed_window_is_rejected(api):
    _error(api.call("getOrders", params={"createdAfter": EVER["createdBefore"], "createdBefore": EVER["createdAfter"]}))


@pytest.mark.parametrize("name", ["getShippingLabels", "getPackingSlips", "getCustomerInvoices"])
@pytest.mark.parametrize("version", ["v1", "2021-12-28"])
def test_shipping_lists_accept_at_most_seven_days(api, name, version):
    assert api.call(name, version, params=WEEK).status_code == 200
    longer = {**WEEK, "createdAfter": "2026-11-16T11:59:59Z"}
    assert "7 days" in _error(api.call(name, version, params=longer))["message"]


def test_unknown_status_and_sort_order_are_rejected(api):
    _error(api.call("getOrders", params={**EVER, "status": "SHIPPING"}))
    _error(api.call("getOrders", params={**EVER, "sortOrder": "UP"}))


def test_foreign_next_token_is_rejected(api):
    first = api.call("getOrders", params={**EVER, "limit": "5"}).json()
    token = first["pagination"]["nextToken"]
    _error(api.call("getOrders", params={**EVER, "limit": "5", "nextToken": token, "status": "NEW"}))
    _error(api.call("getOrders", params={**EVER, "nextToken": "not-base64!"}))


def test_v1_errors_use_the_same_errors_array(api):
    error = _error(api.call("getOrders", "v1", params={"createdAfter": EVER["createdAfter"]}))
    assert error["code"] == "InvalidInput"


def test_bad_po_in_path_is_rejected(api):
    reply = api.call("getPackingSlip", path_params={"purchaseOrderNumber": "ab-12"})
    _error(reply)


def test_unknown_po_is_404(api):
    reply = api.call("getOrder", path_params={"purchaseOrderNumber": "NOSUCHPO"})
    assert reply.status_code == 404 and reply.json()["errors"][0]["code"] == "NotFound"


def test_submission_without_documents_is_400(api):
    _error(api.call("submitAcknowledgement", json={"orderAcknowledgements": []}))
    _error(api.call("submitAcknowledgement", json={"acks": [{}]}))
    _error(api.call("submitAcknowledgement", data=b"{not json", headers={"Content-Type": "application/json"}))


def test_submission_failing_the_schema_is_400_naming_the_field(api):
    reply = api.call("submitAcknowledgement", json={"orderAcknowledgements": [{"purchaseOrderNumber": "TestOrder400",
                                                                               "sellingParty": {}}]})
    error = _error(reply)
    assert error["code"] == "InvalidInput" and "orderAcknowledgements[0]" in error["details"]
