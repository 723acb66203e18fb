"""LWA access tokens and Restricted Data Tokens: fetched rarely, sent on the right calls, renewed on 401."""

from __future__ import annotations

import pytest

from tests.api.fakes import CREDS, Answer, FakeAmazon, FakeTime
from translator.api.client import SpApiClient
from translator.errors import ApiError

V2021 = "/vendor/directFulfillment"
TX_OK = Answer(200, {"transactionStatus": {"transactionId": "t1", "status": "Success"}})


def test_lwa_request_is_a_form_encoded_refresh_token_grant(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.script("getTransactionStatus", TX_OK)
    client.get_transaction_status("t1")
    token_request = fake.requests[0]
    assert token_request.path == "/auth/o2/token"
    assert token_request.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert token_request.body == {"grant_type": "refresh_token", "refresh_token": CREDS.refresh_token,
                                  "client_id": CREDS.client_id, "client_secret": CREDS.client_secret}


def test_access_token_is_cached_until_shortly_before_expiry(fake: FakeAmazon, fake_time: FakeTime,
                                                            client: SpApiClient) -> None:
    fake.handle("getTransactionStatus", lambda seen: TX_OK)
    for _ in range(5):
        client.get_transaction_status("t1")
    assert fake.tokens_issued == 1
    fake_time.advance(3600 - 61)
    client.get_transaction_status("t1")
    assert fake.tokens_issued == 1
    fake_time.advance(2)  # now within 60 s of expiry
    client.get_transaction_status("t1")
    assert fake.tokens_issued == 2
    assert fake.calls("getTransactionStatus")[-1].headers["x-amz-access-token"] == "Atza|lwa-2"


def test_a_401_renews_the_token_once_and_retries(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.script("getTransactionStatus", Answer(401, {"errors": [{"code": "Unauthorized", "message": "expired"}]}),
                TX_OK)
    assert client.get_transaction_status("t1")["status"] == "Success"
    assert fake.tokens_issued == 2
    sent = [s.headers["x-amz-access-token"] for s in fake.calls("getTransactionStatus")]
    assert sent == ["Atza|lwa-1", "Atza|lwa-2"]


def test_a_second_401_is_an_api_error_not_a_loop(fake: FakeAmazon, client: SpApiClient) -> None:
    denied = Answer(401, {"code": "Unauthorized", "message": "Access denied"})  # Transactions-2021 single Error
    fake.script("getTransactionStatus", denied, denied, denied)
    with pytest.raises(ApiError) as caught:
        client.get_transaction_status("t1")
    assert caught.value.status == 401
    assert caught.value.errors == [{"code": "Unauthorized", "message": "Access denied", "details": None}]
    assert len(fake.calls("getTransactionStatus")) == 2


def test_lwa_refusal_is_an_api_error_without_secrets(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.token_answers.append(Answer(400, {"error": "invalid_grant", "error_description": "bad refresh token"}))
    with pytest.raises(ApiError) as caught:
        client.get_transaction_status("t1")
    message = str(caught.value)
    assert "invalid_grant" in message and "SP_API_REFRESH_TOKEN" in message
    assert CREDS.refresh_token not in message and CREDS.client_secret not in message


def test_lwa_5xx_is_retried(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.token_answers.append(Answer(503, {"error": "unavailable"}))
    fake.script("getTransactionStatus", TX_OK)
    assert client.get_transaction_status("t1")["status"] == "Success"


def test_restricted_operations_send_the_rdt_instead_of_the_lwa_token(fake: FakeAmazon,
                                                                     client: SpApiClient) -> None:
    fake.script("getOrder", Answer(200, {"purchaseOrderNumber": "PO1"}))
    fake.script("submitAcknowledgement", Answer(202, {"transactionId": "t"}))
    client.get_order("PO1")
    client.submit_acknowledgements([{"purchaseOrderNumber": "PO1"}])
    assert fake.calls("getOrder")[0].headers["x-amz-access-token"] == "Atz.sprdt|rdt-1"
    assert fake.calls("submitAcknowledgement")[0].headers["x-amz-access-token"] == "Atza|lwa-1"
    assert fake.calls("createRestrictedDataToken")[0].headers["x-amz-access-token"] == "Atza|lwa-1"


def test_one_rdt_covers_every_restricted_operation_of_the_configured_versions(
        fake: FakeAmazon, client: SpApiClient) -> None:
    fake.handle("getOrder", lambda s: Answer(200, {"purchaseOrderNumber": s.path_params["purchaseOrderNumber"]}))
    fake.handle("getPackingSlip", lambda s: Answer(200, {"purchaseOrderNumber": "X"}))
    for po in ("PO1", "PO2", "PO3"):
        client.get_order(po)
        client.get_packing_slip(po)
    assert fake.rdts_issued == 1
    resources = fake.rdt_bodies[0]["restrictedResources"]
    assert len(resources) == 9 <= 50
    assert {"method": "GET", "path": f"{V2021}/orders/2021-12-28/purchaseOrders/{{purchaseOrderNumber}}"} in resources
    assert {"method": "POST",
            "path": f"{V2021}/shipping/2021-12-28/shippingLabels/{{purchaseOrderNumber}}"} in resources
    assert all(r["path"].startswith("/") and "v1" not in r["path"] for r in resources)


def test_v1_versions_get_an_rdt_for_the_v1_paths(fake: FakeAmazon, make_client) -> None:
    client = make_client(versions={"orders": "v1", "shipping": "v1"})
    fake.script("getOrder", Answer(200, {"payload": {"purchaseOrderNumber": "PO1"}}))
    assert client.get_order("PO1") == {"purchaseOrderNumber": "PO1"}
    paths = {r["path"] for r in fake.rdt_bodies[0]["restrictedResources"]}
    assert len(paths) == 8 and all("/v1/" in p for p in paths)


def test_rdt_is_refreshed_five_minutes_before_it_expires(fake: FakeAmazon, fake_time: FakeTime,
                                                         client: SpApiClient) -> None:
    fake.handle("getOrder", lambda s: Answer(200, {"purchaseOrderNumber": "PO1"}))
    client.get_order("PO1")
    fake_time.advance(3600 - 301)
    client.get_order("PO1")
    assert fake.rdts_issued == 1
    fake_time.advance(2)
    client.get_order("PO1")
    assert fake.rdts_issued == 2


def test_a_401_on_a_restricted_call_drops_the_rdt_too(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.script("getOrder", Answer(401, {"errors": [{"code": "Unauthorized", "message": "x"}]}),
                Answer(200, {"purchaseOrderNumber": "PO1"}))
    client.get_order("PO1")
    sent = [s.headers["x-amz-access-token"] for s in fake.calls("getOrder")]
    assert sent == ["Atz.sprdt|rdt-1", "Atz.sprdt|rdt-2"]


def test_rdt_requests_respect_the_tokens_rate_of_one_per_second(fake: FakeAmazon, fake_time: FakeTime,
                                                                client: SpApiClient) -> None:
    fake.handle("getOrder", lambda s: Answer(200, {"purchaseOrderNumber": "PO1"}))
    start = fake_time.now
    for _ in range(15):
        client._rdt.invalidate()  # force a fresh RDT every time
        client.get_order("PO1")
    assert fake.rdts_issued == 15
    assert fake_time.now - start >= 5 - 1e-9  # burst 10, then 1 per second


def test_an_explicit_other_version_gets_its_own_rdt(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.script("getOrder", Answer(200, {"payload": {"purchaseOrderNumber": "PO1"}}))
    assert client.call("getOrder", path_params={"purchaseOrderNumber": "PO1"}, version="v1") == {
        "purchaseOrderNumber": "PO1"}
    assert fake.rdt_bodies[0]["restrictedResources"] == [
        {"method": "GET", "path": f"{V2021}/orders/v1/purchaseOrders/{{purchaseOrderNumber}}"}]


def test_every_call_sends_explicit_timeouts_and_a_user_agent(fake: FakeAmazon, make_client) -> None:
    client = make_client(timeouts=(3.0, 12.0), user_agent="acme-erp/2.0 (Language=Python)")
    fake.script("getTransactionStatus", TX_OK)
    client.get_transaction_status("t1")
    assert all(seen.timeout == (3.0, 12.0) for seen in fake.requests)
    call = fake.calls("getTransactionStatus")[0]
    assert call.headers["user-agent"] == "acme-erp/2.0 (Language=Python)"
    assert call.headers["x-amz-date"].endswith("Z")


def test_client_repr_shows_no_credentials() -> None:
    from tests.api.fakes import ENDPOINT
    client = SpApiClient(ENDPOINT, CREDS)
    assert CREDS.client_secret not in repr(client) and CREDS.refresh_token not in repr(client)
    client.close()


def test_an_rdt_never_asks_for_more_than_50_resources() -> None:
    from translator.api.operations import Operation
    from translator.api.rdt import RdtProvider

    many = [Operation(f"op{i}", "orders", "v1", "GET", f"/x/{i}", 1.0, 1, True, 200) for i in range(51)]
    with pytest.raises(ValueError, match="at most 50"):
        RdtProvider(None, None, many)  # type: ignore[arg-type]
