"""The sandbox application: one request in, one reply out, with no sockets involved.

Order of checks for an SP-API path, as Amazon applies them: injected fault, access token (401),
Restricted Data Token for restricted operations (403), usage plan (429 with
``x-amzn-RateLimit-Limit``), then the operation itself (400/404/409 or success). Replies are
wrapped in the envelope of the operation's version (DIGEST §2): v1 ``{"payload": ...}``;
2021-12-28 bare objects; errors ``{"errors": [...]}``, except Transactions 2021-12-28 which
answers a single Error object for everything but 400.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from translator.api.operations import Operation, match_path
from translator.sandbox import (
    admin,
    handlers_misc,
    handlers_orders,
    handlers_shipping,
    processing,
    submissions,
)
from translator.sandbox.auth import TokenStore, covers
from translator.sandbox.config import SandboxConfig
from translator.sandbox.context import Ctx
from translator.sandbox.errors import ApiFailure, error
from translator.sandbox.faults import Fault, FaultPlan
from translator.sandbox.ratelimit import RateLimiter
from translator.sandbox.requestlog import RequestLog
from translator.sandbox.state import SandboxState

log = logging.getLogger(__name__)

Handler = Callable[[Ctx], tuple[int, Any]]

HANDLERS: dict[str, Handler] = {
    "getOrders": handlers_orders.get_orders,
    "getOrder": handlers_orders.get_order,
    "getShippingLabels": handlers_shipping.get_shipping_labels,
    "getShippingLabel": handlers_shipping.get_shipping_label,
    "createShippingLabels": handlers_shipping.create_shipping_labels,
    "createContainerLabel": handlers_shipping.create_container_label,
    "getPackingSlips": handlers_shipping.get_packing_slips,
    "getPackingSlip": handlers_shipping.get_packing_slip,
    "getCustomerInvoices": handlers_shipping.get_customer_invoices,
    "getCustomerInvoice": handlers_shipping.get_customer_invoice,
    "getTransactionStatus": handlers_misc.get_transaction_status,
    "createRestrictedDataToken": handlers_misc.create_restricted_data_token,
    "generateOrderScenarios": handlers_misc.generate_order_scenarios,
    "getOrderScenarios": handlers_misc.get_order_scenarios,
    **{name: submissions.submit for name in processing.SUBMISSIONS},
}


@dataclass
class Reply:
    """An HTTP answer, or ``drop=True`` to close the connection without one."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    delay: float = 0.0


def json_reply(status: int, value: Any, headers: dict[str, str] | None = None) -> Reply:
    """A JSON reply (UTF-8, non-ASCII kept as is, as Amazon sends it)."""
    body = json.dumps(value, ensure_ascii=False).encode("utf-8")
    return Reply(status, body, {"Content-Type": "application/json", **(headers or {})})


def envelope(op: Operation, status: int, value: Any) -> Any:
    """The success body in ``op``'s version."""
    return {"payload": value} if op.version == "v1" else value


def error_body(op: Operation | None, status: int, errors: list[dict]) -> Any:
    """The error body in ``op``'s version (Transactions 2021-12-28: one Error unless 400)."""
    if op is not None and op.api == "transactions" and op.version == "2021-12-28" and status != 400:
        return errors[0]
    return {"errors": errors}


class SandboxApp:
    """Routes requests to admin, LWA, or SP-API operations; thread-safe."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.state = SandboxState(self.config)
        self.tokens = TokenStore(self.config)
        self.limiter = RateLimiter(dict(self.config.rate_overrides))
        self.faults = FaultPlan(self.config.faults, self.config.seed)
        self.log = RequestLog()

    def reset(self) -> None:
        """Fresh orders, no submissions, empty log, full rate buckets, fault sequence restarted."""
        self.state.reset()
        self.log.reset()
        self.limiter.reset()
        self.faults.reset()

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Reply:
        """Answer one request (``target`` is the path with its query string)."""
        parts = urlsplit(target)
        path = parts.path or "/"
        query = parse_qs(parts.query, keep_blank_values=True)
        lowered = {k.lower(): v for k, v in headers.items()}
        if path.startswith("/_sandbox/"):
            status, value = admin.handle(self, method, path, query, body)
            return json_reply(status, value)
        if path.rstrip("/").lower() == "/auth/o2/token" and method == "POST":
            status, value = self.tokens.lwa_token(body, self.config.clock())
            reply = json_reply(status, value)
            self.log.record(method, path, status, "lwa:token", b"")
            return reply
        reply, op = self._api(method, path, query, lowered, body)
        if not reply.drop:
            reply.headers.setdefault("x-amzn-RequestId", str(uuid.uuid4()))
        self.log.record(method, path, 0 if reply.drop else reply.status, op.key if op else None, body)
        return reply

    def _api(self, method: str, path: str, query: dict, headers: dict, body: bytes) -> tuple[Reply, Operation | None]:
        matched = match_path(method, path)
        if matched is None:
            return json_reply(404, {"errors": [error("NotFound", f"No operation serves {method} {path}.")]}), None
        op, params = matched
        fault = self.faults.next()
        if fault.kind == "drop":
            return Reply(0, drop=True, delay=fault.delay), op
        rate_header = {"x-amzn-RateLimit-Limit": self._rate_text(op)}
        try:
            self._gate(op, method, path, headers, fault)
            limit = self.config.max_body_bytes
            if limit is not None and len(body) > limit:
                raise ApiFailure(413, [error("RequestEntityTooLarge",
                                             "The request size exceeded the maximum accepted size.",
                                             f"{len(body)} bytes; the limit is {limit}")])
            ctx = self._context(op, params, query, body)
            with self.state.lock:
                now = ctx.now
                self.state.add_arrivals(now)
                processing.settle(self.state, now)
                status, value = HANDLERS[op.name](ctx)
            reply = json_reply(status, envelope(op, status, value), rate_header)
        except ApiFailure as failure:
            reply = json_reply(failure.status, error_body(op, failure.status, failure.errors),
                               {**rate_header, **failure.headers})
        reply.delay = fault.delay
        return reply, op

    def _rate_text(self, op: Operation) -> str:
        rate, _ = self.limiter.plan(op.name, op.key, op.rate, op.burst)
        return f"{rate:g}"

    def _gate(self, op: Operation, method: str, path: str, headers: dict, fault: Fault) -> None:
        """Faults, authentication, authorisation and throttling, in Amazon's order."""
        if fault.kind == "500":
            raise ApiFailure(500, [error("InternalFailure", "An internal error occurred (injected fault).")])
        now = self.config.clock()
        grant = self.tokens.lookup(headers.get("x-amz-access-token"), now)
        if op.restricted and not covers(grant, method, path, op.path):
            raise ApiFailure(403, [error("Unauthorized", "Access to requested resource is denied.",
                                         "This operation needs a Restricted Data Token that covers "
                                         f"{method} {op.path}.")])
        if not op.restricted and grant.resources is not None:
            raise ApiFailure(403, [error("Unauthorized", "Access to requested resource is denied.",
                                         "A Restricted Data Token is valid only for its restricted resources.")])
        throttled = fault.kind == "429" or (
            self.config.rate_limits and not self.limiter.allow(op.name, op.key, op.rate, op.burst, now))
        if throttled:
            raise ApiFailure(429, [error("QuotaExceeded", "You exceeded your quota for the requested resource.")])

    def _context(self, op: Operation, params: dict, query: dict, body: bytes) -> Ctx:
        parsed = None
        if body:
            try:
                parsed = json.loads(body)
            except ValueError:
                raise ApiFailure(400, [error("InvalidInput", "The request body is not valid JSON.")]) from None
        return Ctx(op, params, query, parsed, body, self.state, self.config, self.tokens, self.config.clock())
