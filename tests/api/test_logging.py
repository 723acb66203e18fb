"""Logs say what happened (operation, status, attempt, elapsed) and never carry secrets or addresses."""

from __future__ import annotations

import logging

import pytest

from tests.api.fakes import CREDS, Answer, FakeAmazon
from translator.api.client import SpApiClient
from translator.errors import ApiError

ADDRESS = {"name": "Jane Customer", "addressLine1": "1 Secret Lane", "city": "Hiddenville",
           "stateOrRegion": "WA", "countryCode": "US"}
ORDER = {"purchaseOrderNumber": "PO1", "orderDetails": {"shipToParty": ADDRESS}}


def _everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{r.getMessage()} {r.args!r} {r.__dict__!r}" for r in caplog.records)


def test_a_full_exchange_logs_no_secret_and_no_address(fake: FakeAmazon, client: SpApiClient,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fake.script("getOrder", Answer(401, {"errors": [{"code": "Unauthorized", "message": "x"}]}), Answer(200, ORDER))
    fake.script("getOrders", Answer(200, {"orders": [ORDER]}))
    fake.script("submitAcknowledgement", Answer(503, {"errors": []}), Answer(202, {"transactionId": "t"}))
    client.get_order("PO1")
    list(client.iter_orders("2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z"))
    client.submit_acknowledgements([{"purchaseOrderNumber": "PO1", "shipToParty": ADDRESS}])
    logged = _everything_logged(caplog)
    secrets = [CREDS.client_secret, CREDS.refresh_token, "Atza|lwa-", "Atz.sprdt|"]
    personal = [ADDRESS["name"], ADDRESS["addressLine1"], ADDRESS["city"]]
    for needle in secrets + personal:
        assert needle not in logged, needle
    messages = [r.getMessage() for r in caplog.records]
    assert "operation=getOrder@2021-12-28 status=401 attempt=1" in "\n".join(messages)
    assert any("operation=submitAcknowledgement@2021-12-28 status=202 attempt=2 elapsed=" in m for m in messages)
    assert any(m.startswith("operation=lwaToken status=200") for m in messages)


def test_error_messages_carry_no_tokens(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.script("getOrder", Answer(403, {"errors": [{"code": "Unauthorized", "message": "Access denied"}]}))
    with pytest.raises(ApiError) as caught:
        client.get_order("PO1")
    text = f"{caught.value} {caught.value.errors}"
    assert "Atz" not in text and CREDS.refresh_token not in text
    assert "getOrder (2021-12-28) answered HTTP 403: Unauthorized: Access denied" in text
