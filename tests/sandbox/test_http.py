"""The sandbox over real HTTP: concurrency, throttling, faults and the admin endpoints."""

from __future__ import annotations

import hashlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.sandbox import builders
from tests.sandbox.conftest import EVER, Api, make_config
from translator.sandbox import FaultConfig, SandboxServer

ORDERS = "/vendor/directFulfillment/orders/2021-12-28/purchaseOrders"


@pytest.fixture
def serve():
    servers = []

    def start(**overrides) -> Api:
        server = SandboxServer(make_config(**overrides)).start()
        servers.append(server)
        api = Api(requests.Session(), server.url)
        api.server = server  # type: ignore[attr-defined]
        return api
    yield start
    for server in servers:
        server.stop()


def test_server_serves_orders_on_a_free_port(serve):
    api = serve()
    assert api.base.startswith("http://127.0.0.1:") and not api.base.endswith(":0")
    assert len(api.all_orders()) == 40


def test_context_manager_starts_and_stops():
    with SandboxServer(make_config()) as server:
        url = server.url
        assert requests.get(f"{url}/_sandbox/counters", timeout=5).status_code == 200
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/_sandbox/counters", timeout=2)


def test_concurrent_clients_are_all_served(serve):
    api = serve()
    rdt = api.rdt("GET", ORDERS)

    def fetch(_: int) -> int:
        with requests.Session() as session:
            reply = session.get(f"{api.base}{ORDERS}", params={**EVER, "limit": "10"},
                                headers={"x-amz-access-token": rdt}, timeout=10)
            return reply.status_code
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(fetch, range(30)))
    assert statuses == [200] * 30
    assert api.admin("GET", "counters")["operations"]["getOrders@2021-12-28"]["count"] == 30


def test_concurrent_acknowledgements_are_each_applied_once(serve):
    api = serve()
    orders = api.all_orders()[:12]
    results: list[str] = []
    lock = threading.Lock()

    def ack(order: dict) -> None:
        client = Api(requests.Session(), api.base)
        txn = client.submit("submitAcknowledgement", {"orderAcknowledgements": [builders.acknowledgement(order)]})
        with lock:
            results.append(client.outcome(txn)["status"])
    threads = [threading.Thread(target=ack, args=(o,)) for o in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["Success"] * 12
    assert len(api.all_orders(status="ACCEPTED")) == 12


def test_burst_past_the_usage_plan_gets_429_with_rate_header(serve):
    api = serve(rate_limits=True)
    rdt = api.rdt("GET", ORDERS)
    statuses = [api.raw("GET", ORDERS, rdt, params=EVER) for _ in range(25)]
    throttled = [r for r in statuses if r.status_code == 429]
    assert throttled, "burst of 10 must be exceeded by 25 immediate calls"
    assert throttled[0].headers["x-amzn-RateLimit-Limit"] == "10"
    assert throttled[0].json()["errors"][0]["code"] == "QuotaExceeded"


def test_rate_override_changes_the_plan(serve):
    api = serve(rate_limits=True, rate_overrides={"getTransactionStatus": (0.001, 2)})
    token = api.token()
    path = "/vendor/directFulfillment/transactions/v1/transactions/x"
    statuses = [api.raw("GET", path, token).status_code for _ in range(3)]
    assert statuses == [404, 404, 429]


def test_dropped_connection_raises_connection_error(serve):
    api = serve(faults=FaultConfig(drop=1.0))
    token = api.token()
    with pytest.raises(requests.ConnectionError):
        api.raw("GET", "/vendor/directFulfillment/transactions/v1/transactions/x", token, timeout=5)


def _fault_statuses(api: Api, count: int) -> list[int]:
    token = api.token()
    path = "/vendor/directFulfillment/transactions/2021-12-28/transactions/x"
    return [api.raw("GET", path, token).status_code for _ in range(count)]


def test_faults_are_deterministic_for_a_seed(make_api):
    faults = FaultConfig(error_500=0.2, extra_429=0.2)
    first = _fault_statuses(make_api(faults=faults), 40)
    again = _fault_statuses(make_api(faults=faults), 40)
    other = _fault_statuses(make_api(faults=faults, seed=99), 40)
    assert first == again != other
    assert {404, 429, 500} <= set(first)


def test_injected_500_uses_the_version_envelope(make_api):
    api = make_api(faults=FaultConfig(error_500=1.0))
    reply = api.raw("GET", "/vendor/directFulfillment/transactions/2021-12-28/transactions/x", api.token())
    assert reply.status_code == 500 and reply.json()["code"] == "InternalFailure"
    reply = api.raw("GET", "/vendor/directFulfillment/transactions/v1/transactions/x", api.token())
    assert reply.json()["errors"][0]["code"] == "InternalFailure"


def test_added_latency_is_applied_without_changing_answers(make_api):
    api = make_api(faults=FaultConfig(latency_rate=1.0, latency=0.01))
    assert _fault_statuses(api, 3) == [404, 404, 404]


def test_request_log_and_duplicates_spot_resubmissions(api):
    order = api.all_orders()[0]
    body = {"orderAcknowledgements": [builders.acknowledgement(order)]}
    first, second = api.submit("submitAcknowledgement", body), api.submit("submitAcknowledgement", body)
    log = api.admin("GET", "log")["requests"]
    acks = [e for e in log if e["operation"] == "submitAcknowledgement@2021-12-28"]
    assert len(acks) == 2 and acks[0]["bodySha256"] == acks[1]["bodySha256"]
    duplicates = api.admin("GET", "duplicates")["duplicates"]
    assert duplicates[0]["transactionIds"] == [first, second]
    assert duplicates[0]["document"] == order["purchaseOrderNumber"]
    documents = api.admin("GET", "transactions")["transactions"]
    assert documents[0]["documents"][0]["purchaseOrderNumber"] == order["purchaseOrderNumber"]


def test_log_holds_no_secrets_or_bodies(api):
    api.token()
    text = str(api.admin("GET", "log"))
    assert "secret" not in text and "refresh_token" not in text


def test_reset_restores_fresh_orders_and_empty_log(api):
    order = api.all_orders()[0]
    api.submit("submitAcknowledgement", {"orderAcknowledgements": [builders.acknowledgement(order)]})
    api.admin("POST", "settle")
    assert api.state(order["purchaseOrderNumber"])["status"] == "ACCEPTED"
    api.admin("POST", "reset")
    assert api.admin("GET", "log")["requests"] == []
    assert api.state(order["purchaseOrderNumber"])["status"] == "NEW"


def test_transaction_is_processing_until_its_delay_passes(make_api, clock):
    api = make_api(clock=clock, transaction_delay=3, token_ttl=10_000)
    order = api.all_orders()[0]
    txn = api.submit("submitAcknowledgement", {"orderAcknowledgements": [builders.acknowledgement(order)]})
    assert api.outcome(txn) == {"transactionId": txn, "status": "Processing"}
    clock.advance(3)
    assert api.outcome(txn)["status"] == "Success"
    assert api.outcome(txn, "v1")["status"] == "Success"


def test_unknown_transaction_is_404_in_each_envelope(api):
    v2021 = api.call("getTransactionStatus", path_params={"transactionId": "nope"})
    v1 = api.call("getTransactionStatus", "v1", path_params={"transactionId": "nope"})
    assert v2021.status_code == v1.status_code == 404
    assert v2021.json()["code"] == "NotFound" and v1.json()["errors"][0]["code"] == "NotFound"


def test_unknown_path_is_404(api):
    assert api.raw("GET", "/vendor/directFulfillment/nothing", api.token()).status_code == 404


def test_oversized_body_is_413_so_clients_split_the_batch(make_api):
    api = make_api(max_body_bytes=2000)
    orders = api.all_orders()
    small = {"orderAcknowledgements": [builders.acknowledgement(orders[0])]}
    large = {"orderAcknowledgements": [builders.acknowledgement(o) for o in orders[:10]]}
    assert api.call("submitAcknowledgement", json=small).status_code == 202
    reply = api.call("submitAcknowledgement", json=large)
    assert reply.status_code == 413 and reply.json()["errors"][0]["code"] == "RequestEntityTooLarge"


def test_submission_digests_match_the_documents_as_sent(api):
    order = api.all_orders()[0]
    request = builders.label_request(order, [builders.container(order)])
    request["containers"][0]["containerType"] = "carton"  # v1 spelling, normalised only for the rules
    api.submit("submitShippingLabelRequest", {"shippingLabelRequests": [request]}, "v1")
    text = json.dumps(request, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    rows = api.admin("GET", "submissions")["submissions"]
    assert rows[0]["digest"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert rows[0]["kind"] == "label-requests" and rows[0]["document"] == order["purchaseOrderNumber"]


def test_log_can_be_read_incrementally_and_by_operation(api):
    api.all_orders()
    last = api.admin("GET", "log")["requests"][-1]["seq"]
    api.call("getOrder", path_params={"purchaseOrderNumber": api.all_orders()[0]["purchaseOrderNumber"]})
    newer = api.admin("GET", f"log?since={last}")["requests"]
    assert newer and all(e["seq"] > last for e in newer)
    only = api.admin("GET", "log?operation=getOrder@2021-12-28")["requests"]
    assert [e["operation"] for e in only] == ["getOrder@2021-12-28"]
