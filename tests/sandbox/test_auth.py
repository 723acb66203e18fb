"""LWA tokens and RDTs: issued, checked, expired, bound to their resources."""

from __future__ import annotations

from tests.sandbox.conftest import EVER

ORDERS = "/vendor/directFulfillment/orders/2021-12-28/purchaseOrders"
ACKS = "/vendor/directFulfillment/orders/2021-12-28/acknowledgements"
TXN = "/vendor/directFulfillment/transactions/2021-12-28/transactions/unknown-id"


def test_call_without_access_token_is_401(api):
    reply = api.raw("GET", ORDERS, None, params=EVER)
    assert reply.status_code == 401
    assert reply.json()["errors"][0]["code"] == "Unauthorized"


def test_unknown_access_token_is_401(api):
    assert api.raw("POST", ACKS, "Atza|forged", json={}).status_code == 401


def test_access_token_expires_after_its_lifetime(make_api, clock):
    api = make_api(clock=clock, token_ttl=60)
    token = api.token()
    assert api.raw("GET", TXN, token).status_code == 404  # authenticated: the transaction is unknown
    clock.advance(61)
    reply = api.raw("GET", TXN, token)
    assert reply.status_code == 401
    assert "expired" in reply.json()["details"]  # Transactions 2021-12-28: a single Error


def test_token_reply_has_lwa_shape(api):
    reply = api.session.post(f"{api.base}/auth/o2/token", data={
        "grant_type": "refresh_token", "client_id": "a", "client_secret": "b", "refresh_token": "r"})
    body = reply.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600 and body["access_token"]


def test_configured_credentials_reject_others(make_api):
    api = make_api(client_id="good", client_secret="s3", refresh_token="rt")
    wrong = api.session.post(f"{api.base}/auth/o2/token", data={
        "grant_type": "refresh_token", "client_id": "bad", "client_secret": "s3", "refresh_token": "rt"})
    right = api.session.post(f"{api.base}/auth/o2/token", data={
        "grant_type": "refresh_token", "client_id": "good", "client_secret": "s3", "refresh_token": "rt"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    assert right.status_code == 200


def test_other_grant_types_are_refused(api):
    reply = api.session.post(f"{api.base}/auth/o2/token", data={"grant_type": "client_credentials", "scope": "x"})
    assert reply.status_code == 400 and reply.json()["error"] == "unsupported_grant_type"


def test_restricted_operation_with_plain_access_token_is_403(api):
    reply = api.raw("GET", ORDERS, api.token(), params=EVER)
    assert reply.status_code == 403
    assert reply.json()["errors"][0]["code"] == "Unauthorized"


def test_rdt_opens_its_resource(api):
    reply = api.raw("GET", ORDERS, api.rdt("GET", ORDERS), params=EVER)
    assert reply.status_code == 200


def test_rdt_for_one_po_does_not_open_another(api):
    pos = [o["purchaseOrderNumber"] for o in api.call("getOrders", params=EVER).json()["orders"][:2]]
    rdt = api.rdt("GET", f"{ORDERS}/{pos[0]}")
    assert api.raw("GET", f"{ORDERS}/{pos[0]}", rdt).status_code == 200
    assert api.raw("GET", f"{ORDERS}/{pos[1]}", rdt).status_code == 403


def test_generic_rdt_path_covers_every_po(api):
    pos = [o["purchaseOrderNumber"] for o in api.call("getOrders", params=EVER).json()["orders"][:3]]
    rdt = api.rdt("GET", f"{ORDERS}/{{purchaseOrderNumber}}")
    assert all(api.raw("GET", f"{ORDERS}/{po}", rdt).status_code == 200 for po in pos)


def test_rdt_is_not_an_access_token_for_other_operations(api):
    rdt = api.rdt("GET", ORDERS)
    assert api.raw("POST", ACKS, rdt, json={"orderAcknowledgements": [{}]}).status_code == 403


def test_rdt_expires(make_api, clock):
    api = make_api(clock=clock, rdt_ttl=100, token_ttl=10_000)
    rdt = api.rdt("GET", ORDERS)
    clock.advance(101)
    assert api.raw("GET", ORDERS, rdt, params=EVER).status_code == 401


def test_rdt_request_for_unrestricted_or_malformed_resource_is_400(api):
    for resource in ({"method": "", "path": ORDERS}, {"method": "POST", "path": ACKS}, {"method": "GET", "path": "x"}):
        reply = api.raw("POST", "/tokens/2021-03-01/restrictedDataToken", api.token(),
                        json={"restrictedResources": [resource]})
        assert reply.status_code == 400, resource
        assert reply.json()["errors"][0]["code"] == "InvalidInput"


def test_expire_tokens_admin_forces_renewal(api):
    token = api.token()
    api.admin("POST", "expire-tokens")
    assert api.raw("POST", ACKS, token, json={"orderAcknowledgements": [{}]}).status_code == 401


def test_one_rdt_covers_several_resources_but_at_most_fifty(api):
    slips = "/vendor/directFulfillment/shipping/2021-12-28/packingSlips"
    reply = api.raw("POST", "/tokens/2021-03-01/restrictedDataToken", api.token(), json={"restrictedResources": [
        {"method": "GET", "path": ORDERS}, {"method": "GET", "path": slips}]})
    rdt = reply.json()["restrictedDataToken"]
    window = {"createdAfter": "2026-11-20T00:00:00Z", "createdBefore": "2026-11-23T00:00:00Z"}
    assert api.raw("GET", ORDERS, rdt, params=EVER).status_code == 200
    assert api.raw("GET", slips, rdt, params=window).status_code == 200
    many = [{"method": "GET", "path": f"{ORDERS}/PO{n}"} for n in range(51)]
    reply = api.raw("POST", "/tokens/2021-03-01/restrictedDataToken", api.token(), json={"restrictedResources": many})
    assert reply.status_code == 400


def test_unknown_refresh_token_is_invalid_grant(make_api):
    api = make_api(refresh_token="the-one")
    reply = api.session.post(f"{api.base}/auth/o2/token", data={
        "grant_type": "refresh_token", "client_id": "any", "client_secret": "any", "refresh_token": "other"})
    assert reply.status_code == 400 and reply.json()["error"] == "invalid_grant"
