"""The SP-API client for Vendor Direct Fulfillment: one method per operation, one response shape.

Callers never see an API version's envelope: v1's ``payload`` wrapper is removed, errors arrive as
``ApiError.errors`` in one shape, list operations are iterators that walk 7-day windows and
``nextToken`` pages, and submissions are validated, batched and answered with transaction ids.
Auth (LWA + RDT), rate limiting and retries live below, in :mod:`translator.api.transport`.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import requests

from translator.api.auth import LwaAuth
from translator.api.batching import (
    SINGLE_BODIES,
    SUBMISSIONS,
    Validator,
    check_items,
    schema_validator,
    submit_in_batches,
)
from translator.api.credentials import Credentials
from translator.api.endpoints import AMAZON_SANDBOX_PLAN, Endpoint
from translator.api.envelope import normalise_body, normalise_transaction
from translator.api.operations import OPERATIONS, Operation, operations_named
from translator.api.paging import (
    ORDER_STATUSES,
    SORT_ORDERS,
    When,
    check_choice,
    check_limit,
    date_windows,
    follow_pages,
)
from translator.api.ratelimit import RateLimiter, RateOverrides
from translator.api.rdt import ClientAuthorizer, RdtProvider
from translator.api.retry import DEFAULT_TIMEOUTS, RetryPolicy
from translator.api.transport import DEFAULT_USER_AGENT, Transport, format_datetime
from translator.errors import ApiError, ConfigError

log = logging.getLogger("translator.api")

DEFAULT_VERSIONS: dict[str, str] = {
    "orders": "2021-12-28",
    "shipping": "2021-12-28",
    "transactions": "2021-12-28",
    "payments": "v1",
    "inventory": "v1",
    "sandboxData": "2021-10-28",
    "tokens": "2021-03-01",
}


def _versions(overrides: Mapping[str, str] | None) -> dict[str, str]:
    versions = dict(DEFAULT_VERSIONS)
    for api, version in (overrides or {}).items():
        known = sorted({op.version for op in OPERATIONS if op.api == api})
        if not known:
            raise ConfigError(f"unknown API {api!r} in versions (known: {', '.join(sorted(DEFAULT_VERSIONS))})")
        if version not in known:
            raise ConfigError(f"{api} has no version {version!r} (available: {', '.join(known)})")
        versions[api] = version
    return versions


class SpApiClient:
    """A Vendor Direct Fulfillment client bound to one endpoint and one vendor's credentials."""

    def __init__(self, endpoint: Endpoint, credentials: Credentials, *,
                 session: requests.Session | None = None, versions: Mapping[str, str] | None = None,
                 rate_overrides: RateOverrides | None = None, rate_headroom: int = 1, batch_size: int = 50,
                 timeouts: tuple[float, float] = DEFAULT_TIMEOUTS, max_attempts: int = 5,
                 max_delay: float = 30.0, user_agent: str = DEFAULT_USER_AGENT,
                 resend_uncertain: bool = False,
                 validator: Validator | None = None, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 rng: Callable[[], float] = random.random) -> None:
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {batch_size}")
        self.endpoint = endpoint
        self.versions = _versions(versions)
        self.batch_size = batch_size
        self._owns_session = session is None
        self._session = session or requests.Session()
        self._validator = validator
        policy = RetryPolicy(max_attempts=max_attempts, max_delay=max_delay, rng=rng)
        limiter = RateLimiter(rate_overrides, headroom=rate_headroom, clock=clock, sleep=sleep,
                              default_plan=AMAZON_SANDBOX_PLAN if endpoint.is_amazon_sandbox else None)
        self._transport = Transport(self._session, endpoint.api_base, limiter=limiter, policy=policy,
                                    timeouts=timeouts, user_agent=user_agent,
                                    resend_uncertain=resend_uncertain, clock=clock, sleep=sleep)
        self._lwa = LwaAuth(self._session, endpoint.token_url, credentials, timeouts=timeouts,
                            policy=policy, clock=clock, sleep=sleep)
        restricted = [op for op in OPERATIONS if op.restricted and self.versions.get(op.api) == op.version]
        self._rdt = RdtProvider(self._transport, self._lwa, restricted, clock=clock)
        self._auth = ClientAuthorizer(self._lwa, self._rdt)

    def __repr__(self) -> str:
        return f"SpApiClient({self.endpoint.api_base!r})"

    def __enter__(self) -> SpApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._owns_session:
            self._session.close()

    @property
    def limiter(self) -> RateLimiter:
        """The per-operation token buckets (shared by every call of this client)."""
        return self._transport.limiter

    # -- generic -------------------------------------------------------------------------------

    def operation(self, name: str, version: str | None = None) -> Operation:
        """The catalogue entry for ``name`` in ``version`` or in the configured version of its API."""
        candidates = operations_named(name)
        if not candidates:
            raise ConfigError(f"unknown operation {name!r}; known: {', '.join(sorted({o.name for o in OPERATIONS}))}")
        wanted = version or self.versions.get(candidates[0].api)
        for op in candidates:
            if op.version == wanted:
                return op
        if version is None and len(candidates) == 1:
            return candidates[0]  # e.g. createShippingLabels exists only in 2021-12-28
        available = ", ".join(op.version for op in candidates)
        raise ConfigError(f"{name} has no version {wanted!r} (available: {available})")

    def call(self, operation_name: str, *, path_params: Mapping[str, str] | None = None,
             query: Mapping[str, Any] | None = None, body: Any = None, version: str | None = None,
             validate: bool = False) -> dict[str, Any]:
        """Call any operation and return its normalised body (v1 ``payload`` unwrapped).

        With ``validate=True`` a submission body is checked item by item first (as the
        ``submit_*`` methods always do). Failures raise ApiError with normalised ``errors``.
        """
        op = self.operation(operation_name, version)
        if validate and body is not None:
            self._validate_body(op, body)
        missing = [name for name in op.path_params if not (path_params or {}).get(name)]
        if missing:
            raise ConfigError(f"{op.name} needs path parameter(s): {', '.join(missing)}")
        reply = self._transport.send(op, self._auth, path_params=path_params, query=query, body=body)
        return normalise_body(reply.body)

    def _validator_fn(self) -> Validator:
        if self._validator is None:
            self._validator = schema_validator()
        return self._validator

    def _validate_body(self, op: Operation, body: Any) -> None:
        if op.name in SUBMISSIONS and isinstance(body, dict):
            kind, key = SUBMISSIONS[op.name]
            check_items(kind, list(body.get(key) or []), self._validator_fn(), version=op.version)
        elif op.name in SINGLE_BODIES and isinstance(body, dict):
            kind, key = SINGLE_BODIES[op.name]
            check_items(kind, [body.get(key) if key else body], self._validator_fn(), version=op.version)

    # -- submissions ---------------------------------------------------------------------------

    def submit_batches(self, operation_name: str, items: Sequence[Mapping[str, Any]],
                       ) -> Iterator[tuple[list[Mapping[str, Any]], str]]:
        """Validate every item, then send them in batches, yielding ``(batch, transactionId)``.

        The engine's way in: it can store each transaction id before the next batch leaves. All
        items are checked before the first request, so a rejected item means nothing was sent.
        """
        kind, key = SUBMISSIONS[operation_name]
        items = list(items)
        check_items(kind, items, self._validator_fn(), version=self.operation(operation_name).version)

        def send(batch: list[Any]) -> str:
            result = self.call(operation_name, body={key: batch})
            transaction_id = _transaction_id(operation_name, result)
            log.info("operation=%s items=%d transactionId=%s", operation_name, len(batch), transaction_id)
            return transaction_id

        return submit_in_batches(items, self.batch_size, send)

    def _submit(self, operation_name: str, items: Sequence[Mapping[str, Any]]) -> list[str]:
        return [transaction_id for _, transaction_id in self.submit_batches(operation_name, items)]

    def submit_acknowledgements(self, items: Sequence[Mapping[str, Any]]) -> list[str]:
        """submitAcknowledgement in batches; one transaction id per batch sent."""
        return self._submit("submitAcknowledgement", items)

    def submit_shipping_label_requests(self, items: Sequence[Mapping[str, Any]]) -> list[str]:
        """submitShippingLabelRequest in batches (the asynchronous label flow)."""
        return self._submit("submitShippingLabelRequest", items)

    def submit_shipment_confirmations(self, items: Sequence[Mapping[str, Any]]) -> list[str]:
        """submitShipmentConfirmations in batches."""
        return self._submit("submitShipmentConfirmations", items)

    def submit_shipment_status_updates(self, items: Sequence[Mapping[str, Any]]) -> list[str]:
        """submitShipmentStatusUpdates in batches."""
        return self._submit("submitShipmentStatusUpdates", items)

    def submit_invoices(self, items: Sequence[Mapping[str, Any]]) -> list[str]:
        """submitInvoice in batches."""
        return self._submit("submitInvoice", items)

    def submit_inventory_update(self, warehouse_id: str, inventory: Mapping[str, Any]) -> str:
        """submitInventoryUpdate for one warehouse; never split (a full update must stay whole)."""
        body = {"inventory": dict(inventory)}
        result = self.call("submitInventoryUpdate", path_params={"warehouseId": warehouse_id},
                           body=body, validate=True)
        return _transaction_id("submitInventoryUpdate", result)

    def create_shipping_labels(self, purchase_order_number: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """createShippingLabels (2021-12-28, synchronous): the ShippingLabel with one label per container."""
        return self.call("createShippingLabels", path_params={"purchaseOrderNumber": purchase_order_number},
                         body=dict(body), validate=True)

    def create_container_label(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """createContainerLabel (2021-12-28, synchronous): ``{"containerLabel": {...}}``."""
        return self.call("createContainerLabel", body=dict(body), validate=True)

    def generate_order_scenarios(self, body: Mapping[str, Any]) -> str:
        """Sandbox test data: ask for test orders; returns the transaction id to poll."""
        return _transaction_id("generateOrderScenarios", self.call("generateOrderScenarios", body=dict(body)))

    def get_order_scenarios(self, transaction_id: str) -> dict[str, Any]:
        """Sandbox test data: the transaction with its generated scenarios and order ids."""
        result = self.call("getOrderScenarios", path_params={"transactionId": transaction_id})
        status = result.get("transactionStatus")
        return status if isinstance(status, dict) else result

    def get_transaction_status(self, transaction_id: str) -> dict[str, Any]:
        """``{"transactionId", "status": Processing|Success|Failure, "errors": [...]}``."""
        result = self.call("getTransactionStatus", path_params={"transactionId": transaction_id})
        return normalise_transaction(result)

    # -- reads ---------------------------------------------------------------------------------

    def _iter_list(self, operation_name: str, items_key: str, after: When, before: When,
                   query: Mapping[str, Any], limit: int) -> Iterator[dict[str, Any]]:
        limit = check_limit(limit)
        previous_window: set[str] = set()
        for start, end in date_windows(after, before):
            base = {"createdAfter": format_datetime(start), "createdBefore": format_datetime(end),
                    "limit": limit, **query}
            current: set[str] = set()

            def fetch(token: str | None, base: dict[str, Any] = base) -> dict[str, Any]:
                return self.call(operation_name, query={**base, "nextToken": token})

            for item in follow_pages(fetch, items_key):
                po = item.get("purchaseOrderNumber") if isinstance(item, dict) else None
                if po is not None:
                    if po in previous_window or po in current:
                        continue  # created exactly on a window boundary: seen already
                    current.add(po)
                yield item
            previous_window = current

    def iter_orders(self, created_after: When, created_before: When, *, status: str | None = None,
                    ship_from_party_id: str | None = None, include_details: bool = True,
                    limit: int = 100, sort_order: str | None = None) -> Iterator[dict[str, Any]]:
        """Every order created in the range, fetched in ≤7-day windows and pages of ``limit``."""
        query = {"status": check_choice("status", status, ORDER_STATUSES),
                 "shipFromPartyId": ship_from_party_id, "includeDetails": include_details,
                 "sortOrder": check_choice("sortOrder", sort_order, SORT_ORDERS)}
        return self._iter_list("getOrders", "orders", created_after, created_before, query, limit)

    def get_order(self, purchase_order_number: str) -> dict[str, Any]:
        """One order with its details."""
        return self.call("getOrder", path_params={"purchaseOrderNumber": purchase_order_number})

    def iter_shipping_labels(self, created_after: When, created_before: When, *,
                             ship_from_party_id: str | None = None, limit: int = 100,
                             sort_order: str | None = None) -> Iterator[dict[str, Any]]:
        """Every shipping label created in the range."""
        query = {"shipFromPartyId": ship_from_party_id,
                 "sortOrder": check_choice("sortOrder", sort_order, SORT_ORDERS)}
        return self._iter_list("getShippingLabels", "shippingLabels", created_after, created_before, query, limit)

    def get_shipping_label(self, purchase_order_number: str) -> dict[str, Any]:
        """The shipping label(s) of one order."""
        return self.call("getShippingLabel", path_params={"purchaseOrderNumber": purchase_order_number})

    def iter_packing_slips(self, created_after: When, created_before: When, *,
                           ship_from_party_id: str | None = None, limit: int = 100,
                           sort_order: str | None = None) -> Iterator[dict[str, Any]]:
        """Every packing slip created in the range."""
        query = {"shipFromPartyId": ship_from_party_id,
                 "sortOrder": check_choice("sortOrder", sort_order, SORT_ORDERS)}
        return self._iter_list("getPackingSlips", "packingSlips", created_after, created_before, query, limit)

    def get_packing_slip(self, purchase_order_number: str) -> dict[str, Any]:
        """The packing slip (base64 PDF) of one order."""
        return self.call("getPackingSlip", path_params={"purchaseOrderNumber": purchase_order_number})

    def iter_customer_invoices(self, created_after: When, created_before: When, *,
                               ship_from_party_id: str | None = None, limit: int = 100,
                               sort_order: str | None = None) -> Iterator[dict[str, Any]]:
        """Every customer invoice created in the range."""
        query = {"shipFromPartyId": ship_from_party_id,
                 "sortOrder": check_choice("sortOrder", sort_order, SORT_ORDERS)}
        return self._iter_list("getCustomerInvoices", "customerInvoices", created_after, created_before,
                               query, limit)

    def get_customer_invoice(self, purchase_order_number: str) -> dict[str, Any]:
        """The customer invoice (base64 PDF) of one order."""
        return self.call("getCustomerInvoice", path_params={"purchaseOrderNumber": purchase_order_number})


def _transaction_id(operation_name: str, result: Mapping[str, Any]) -> str:
    """The transactionId of a 202 answer (``TransactionReference`` or v1 ``TransactionId``)."""
    transaction_id = result.get("transactionId")
    if not isinstance(transaction_id, str) or not transaction_id:
        raise ApiError(f"{operation_name} was accepted but the answer carries no transactionId",
                       status=202, operation=operation_name)
    return transaction_id
