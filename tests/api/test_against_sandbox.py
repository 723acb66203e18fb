"""The client against the real local sandbox over HTTP (the lead extends these to every operation)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from click.testing import CliRunner

sandbox = pytest.importorskip("translator.sandbox")

from translator.api.client import SpApiClient  # noqa: E402
from translator.api.credentials import Credentials  # noqa: E402
from translator.api.endpoints import resolve_endpoint  # noqa: E402
from translator.cli.main import cli  # noqa: E402
from translator.errors import ApiError, DocumentRejected  # noqa: E402

ORDERS = 40


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    config = sandbox.SandboxConfig(orders=ORDERS, seed=7, transaction_delay=0.2)
    with sandbox.SandboxServer(config) as running:
        yield running


@pytest.fixture
def client(server: Any) -> Iterator[SpApiClient]:
    with SpApiClient(resolve_endpoint(server.url), Credentials.sandbox(), max_delay=1.0) as api:
        yield api


def _range() -> tuple[datetime, datetime]:
    now = datetime.now(UTC)
    return now - timedelta(days=3), now + timedelta(minutes=5)


def _admin(server: Any, what: str, method: str = "GET") -> Any:
    return requests.request(method, f"{server.url}/_sandbox/{what}", timeout=5).json()


def _ack(order: dict[str, Any]) -> dict[str, Any]:
    details = order["orderDetails"]
    return {
        "purchaseOrderNumber": order["purchaseOrderNumber"],
        "vendorOrderNumber": "V-" + order["purchaseOrderNumber"],
        "acknowledgementDate": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "acknowledgementStatus": {"code": "00", "description": "Shipping 100 percent of ordered product"},
        "sellingParty": {"partyId": details["sellingParty"]["partyId"]},
        "shipFromParty": {"partyId": details["shipFromParty"]["partyId"]},
        "itemAcknowledgements": [
            {"itemSequenceNumber": item["itemSequenceNumber"],
             **{k: item[k] for k in ("buyerProductIdentifier", "vendorProductIdentifier") if k in item},
             "acknowledgedQuantity": item["orderedQuantity"]}
            for item in details["items"]
        ],
    }


@pytest.mark.parametrize("version", ["v1", "2021-12-28"])
def test_iter_orders_pages_through_every_seeded_order(server: Any, version: str) -> None:
    with SpApiClient(resolve_endpoint(server.url), Credentials.sandbox(), versions={"orders": version}) as api:
        orders = list(api.iter_orders(*_range(), limit=7))
    assert len({o["purchaseOrderNumber"] for o in orders}) == len(orders) >= ORDERS
    assert all("orderDetails" in o for o in orders)


def test_get_order_uses_an_rdt_and_matches_the_listing(client: SpApiClient) -> None:
    first = next(client.iter_orders(*_range(), limit=1))
    assert client.get_order(first["purchaseOrderNumber"]) == first


def test_acknowledgement_is_accepted_and_settles(server: Any, client: SpApiClient) -> None:
    order = next(client.iter_orders(*_range(), status="NEW", limit=1))
    [transaction_id] = client.submit_acknowledgements([_ack(order)])
    _admin(server, "settle", "POST")
    status = client.get_transaction_status(transaction_id)
    assert status["transactionId"] == transaction_id
    assert status["status"] in {"Success", "Failure"}
    assert status["status"] == "Success", status["errors"]


def test_an_invalid_acknowledgement_is_refused_locally(server: Any, client: SpApiClient) -> None:
    before = len(_admin(server, "log")["requests"])
    with pytest.raises(DocumentRejected):
        client.submit_acknowledgements([{"purchaseOrderNumber": "PO1"}])
    assert len(_admin(server, "log")["requests"]) == before


def test_expired_tokens_are_renewed_transparently(server: Any, client: SpApiClient) -> None:
    next(client.iter_orders(*_range(), limit=1))
    _admin(server, "expire-tokens", "POST")
    assert next(client.iter_orders(*_range(), limit=1))["purchaseOrderNumber"]


def test_bad_parameters_are_api_errors_with_model_shaped_errors(client: SpApiClient) -> None:
    with pytest.raises(ApiError) as caught:
        client.call("getOrders", query={"createdAfter": "2024-05-01T00:00:00Z"})
    assert caught.value.status == 400
    assert caught.value.errors and set(caught.value.errors[0]) == {"code", "message", "details"}


def test_a_burst_of_calls_is_never_throttled(server: Any, client: SpApiClient) -> None:
    po = next(client.iter_orders(*_range(), limit=1))["purchaseOrderNumber"]
    before = len(_admin(server, "log")["requests"])
    for _ in range(25):
        client.get_order(po)
    log = _admin(server, "log")["requests"][before:]
    assert [r for r in log if r.get("status") == 429] == []


def test_cli_get_orders_against_the_sandbox_works_out_of_the_box(server: Any) -> None:
    after, before = (d.strftime("%Y-%m-%dT%H:%M:%SZ") for d in _range())
    result = CliRunner().invoke(cli, ["api", "--endpoint", server.url, "getOrders", f"createdAfter={after}",
                                      f"createdBefore={before}", "limit=5"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert len(body["orders"]) == 5 and body["pagination"]["nextToken"]


def test_faults_never_surface_on_reads(server: Any) -> None:
    faults = sandbox.FaultConfig(error_500=0.1, extra_429=0.1, drop=0.1)
    config = sandbox.SandboxConfig(orders=25, seed=7, faults=faults)
    with sandbox.SandboxServer(config) as faulty, \
            SpApiClient(resolve_endpoint(faulty.url), Credentials.sandbox(), max_delay=0.1, max_attempts=8) as api:
        orders = list(api.iter_orders(*_range(), limit=2))
        assert len({o["purchaseOrderNumber"] for o in orders}) == len(orders) >= 25
        statuses = [r.get("status") for r in requests.get(f"{faulty.url}/_sandbox/log", timeout=5).json()["requests"]]
    assert {0, 500, 429} <= set(statuses), "every kind of fault must have fired, or the test proves nothing"
