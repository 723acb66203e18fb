"""A real ``SpApiClient`` bound to a sandbox, with the DF workflow steps the integration tests share.

The sandbox runs on a fake clock: a submission stays ``Processing`` until the test moves the clock
past the transaction delay, so every test sees the asynchronous contract (202, Processing, then
Success or Failure) without sleeping.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from tests.sandbox import builders
from translator.api.client import SpApiClient
from translator.api.credentials import Credentials
from translator.api.endpoints import resolve_endpoint
from translator.api.operations import OPERATIONS
from translator.sandbox import SandboxConfig

START = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
DELAY = 5.0
AFTER, BEFORE = START - timedelta(days=2), START + timedelta(hours=1)
VERSIONS = ("v1", "2021-12-28")
# The functional tests are about behaviour, not pacing: lift the client's own limiter out of the way.
UNTHROTTLED = {name: (1000.0, 1000) for name in {op.name for op in OPERATIONS}}
SUBMIT_METHODS = {
    "submitAcknowledgement": "submit_acknowledgements",
    "submitShippingLabelRequest": "submit_shipping_label_requests",
    "submitShipmentConfirmations": "submit_shipment_confirmations",
    "submitShipmentStatusUpdates": "submit_shipment_status_updates",
    "submitInvoice": "submit_invoices",
}
BODY_KEYS = {
    "submitAcknowledgement": "orderAcknowledgements",
    "submitShippingLabelRequest": "shippingLabelRequests",
    "submitShipmentConfirmations": "shipmentConfirmations",
    "submitShipmentStatusUpdates": "shipmentStatusUpdates",
    "submitInvoice": "invoices",
}


class FakeClock:
    """The sandbox's wall clock, moved by the test (read from the server's threads)."""

    def __init__(self, now: float = START.timestamp()) -> None:
        self._now = now
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds

    def reset(self) -> None:
        with self._lock:
            self._now = START.timestamp()


def sandbox_config(clock: FakeClock, **overrides: Any) -> SandboxConfig:
    """60 orders for seed 7 over the day before START, rate limits off unless asked for."""
    base = SandboxConfig(orders=60, seed=7, transaction_delay=DELAY, rate_limits=False, start_time=START,
                         clock=clock)
    return dataclasses.replace(base, **overrides)


def make_client(base_url: str, version: str, *, session: requests.Session | None = None,
                **options: Any) -> SpApiClient:
    """A client speaking ``version`` for Orders, Shipping and Transactions (Payments/Inventory are v1 only)."""
    options.setdefault("rate_overrides", UNTHROTTLED)
    options.setdefault("max_delay", 0.2)
    versions = {"orders": version, "shipping": version, "transactions": version}
    return SpApiClient(resolve_endpoint(base_url), Credentials.sandbox(), session=session, versions=versions,
                       **options)


def for_version(doc: dict, version: str) -> dict:
    """Shipping v1 spells container types ``carton``/``pallet``."""
    doc = copy.deepcopy(doc)
    if version == "v1":
        for box in doc.get("containers") or []:
            box["containerType"] = box["containerType"].lower()
    return doc


class Rig:
    """One client, the sandbox's admin endpoints and its clock: the steps of the DF workflow."""

    def __init__(self, client: SpApiClient, admin: Callable[[str, str], Any], clock: FakeClock,
                 version: str) -> None:
        self.client = client
        self.admin = admin
        self.clock = clock
        self.version = version
        self._taken: set[str] = set()

    # -- orders --------------------------------------------------------------------------------
    def orders(self, **flags: bool) -> list[str]:
        query = "&".join(["status=NEW", *(f"{k}={str(v).lower()}" for k, v in flags.items())])
        return [o["purchaseOrderNumber"] for o in self.admin("GET", f"orders?{query}")["orders"]
                if o["purchaseOrderNumber"] not in self._taken]

    def order(self, *, lines: int = 1, **flags: bool) -> dict:
        """A NEW order with the sandbox flags asked for and at least ``lines`` lines, as getOrder serves it."""
        for po in self.orders(**flags):
            order = self.client.get_order(po)
            if len(order["orderDetails"]["items"]) >= lines:
                self._taken.add(po)
                return order
        raise AssertionError(f"the sandbox generated no NEW order with {flags} and {lines}+ lines")

    def state(self, po: str) -> dict:
        return self.admin("GET", f"orders/{po}")

    # -- submissions ---------------------------------------------------------------------------
    def submit(self, operation: str, items: list[dict], *, local_check: bool = True) -> str:
        """Send through the client's submit method, or (``local_check=False``) its generic ``call``.

        The generic call skips the client's own schema check, for rule-breaking documents the
        local check would (rightly) refuse before Amazon could judge them.
        """
        if local_check:
            [transaction_id] = getattr(self.client, SUBMIT_METHODS[operation])(items)
            return transaction_id
        return self.client.call(operation, body={BODY_KEYS[operation]: items})["transactionId"]

    def outcome(self, transaction_id: str) -> dict:
        """Processing first, then (clock past the delay) the settled status."""
        first = self.client.get_transaction_status(transaction_id)
        assert first == {"transactionId": transaction_id, "status": "Processing", "errors": []}, first
        self.clock.advance(DELAY + 0.5)
        return self.client.get_transaction_status(transaction_id)

    def outcomes(self, transaction_ids: list[str]) -> list[str]:
        """Statuses of several transactions: all Processing, then (clock moved once) settled."""
        assert {self.client.get_transaction_status(t)["status"] for t in transaction_ids} == {"Processing"}
        self.clock.advance(DELAY + 0.5)
        return [self.client.get_transaction_status(t)["status"] for t in transaction_ids]

    def succeeds(self, operation: str, items: list[dict]) -> None:
        status = self.outcome(self.submit(operation, items))
        assert status["status"] == "Success", status

    def failure_codes(self, operation: str, items: list[dict], *, local_check: bool = True) -> list[str]:
        status = self.outcome(self.submit(operation, items, local_check=local_check))
        assert status["status"] == "Failure", status
        assert status["errors"], status
        assert all(set(e) == {"code", "message", "details"} and e["message"] for e in status["errors"])
        return [e["code"] for e in status["errors"]]

    # -- workflow steps ------------------------------------------------------------------------
    def accept(self, order: dict) -> None:
        self.succeeds("submitAcknowledgement", [builders.acknowledgement(order)])

    def label(self, order: dict, containers: list[dict] | None = None) -> dict:
        """Labels: createShippingLabels in 2021-12-28, the asynchronous request + getShippingLabel in v1."""
        request = builders.label_request(order, containers)
        if self.version == "v1":
            self.succeeds("submitShippingLabelRequest", [for_version(request, "v1")])
            return self.client.get_shipping_label(order["purchaseOrderNumber"])
        body = {k: v for k, v in request.items() if k != "purchaseOrderNumber"}
        return self.client.create_shipping_labels(order["purchaseOrderNumber"], body)

    def confirmation(self, order: dict, tracking: str, *, voc: bool = False) -> dict:
        return for_version(builders.confirmation(order, tracking, voc=voc), self.version)

    def ship(self, order: dict, *, voc: bool = False) -> str:
        tracking = "1ZVOC0001" if voc else self.label(order)["labelData"][0]["trackingNumber"]
        self.succeeds("submitShipmentConfirmations", [self.confirmation(order, tracking, voc=voc)])
        return tracking

    def shipped(self, *, voc: bool = False, lines: int = 1, **flags: bool) -> tuple[dict, str]:
        order = self.order(voc=voc, lines=lines, **flags)
        self.accept(order)
        return order, self.ship(order, voc=voc)
