"""The catalogue of every Vendor Direct Fulfillment operation the client and the sandbox speak.

One table, read by both sides, so the client and the local sandbox can never disagree about a path,
a usage plan or which operations need a Restricted Data Token. Rates and bursts are the defaults
from each operation's "Usage Plan" in the official models; ``restricted`` is the superset from
Amazon's auth library (DIGEST §3), which the models themselves do not mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import quote, unquote

DF = "/vendor/directFulfillment"

# Amazon does not publish a usage plan for the sandbox-only test-data API; its sandbox hosts throttle
# at rate 5, burst 15 (DevGuide-2021), so that is what we assume.
SANDBOX_DATA_RATE = 5.0
SANDBOX_DATA_BURST = 15

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Operation:
    """One SP-API operation: its operationId, API, version, HTTP method, path template and usage plan."""

    name: str
    api: str
    version: str
    method: str
    path: str
    rate: float
    burst: int
    restricted: bool
    success_status: int

    @property
    def key(self) -> str:
        """``name@version``: unique across the catalogue (operationIds repeat across versions)."""
        return f"{self.name}@{self.version}"

    @property
    def idempotent(self) -> bool:
        """Safe to re-send after an uncertain failure: reads, and asking for a token.

        Every other POST submits or creates something Amazon may already have received.
        """
        return self.method == "GET" or self.api == "tokens"

    @property
    def path_params(self) -> tuple[str, ...]:
        """Names of the ``{placeholders}`` in the path template, in order."""
        return tuple(_PLACEHOLDER.findall(self.path))

    @cached_property
    def _regex(self) -> re.Pattern[str]:
        literals = _PLACEHOLDER.split(self.path)  # literal, name, literal, name, ..., literal
        parts = [re.escape(text) if i % 2 == 0 else f"(?P<{text}>[^/]+)" for i, text in enumerate(literals)]
        return re.compile("^" + "".join(parts) + "$")

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """Path parameters if ``method path`` is a request for this operation, else ``None``."""
        if method.upper() != self.method:
            return None
        found = self._regex.match(path)
        return {k: unquote(v) for k, v in found.groupdict().items()} if found else None

    def render_path(self, path_params: dict[str, str] | None = None) -> str:
        """The concrete path with placeholders filled in (values are URL-quoted)."""
        params = path_params or {}
        missing = [name for name in self.path_params if name not in params]
        if missing:
            raise KeyError(f"{self.name} needs path parameter(s): {', '.join(missing)}")
        return _PLACEHOLDER.sub(lambda m: quote(str(params[m.group(1)]), safe=""), self.path)


def _op(name: str, api: str, version: str, method: str, path: str, *, restricted: bool = False,
        success: int = 200, rate: float = 10.0, burst: int = 10) -> Operation:
    return Operation(name, api, version, method, path, rate, burst, restricted, success)


def _orders(v: str) -> tuple[Operation, ...]:
    base = f"{DF}/orders/{v}"
    return (
        _op("getOrders", "orders", v, "GET", f"{base}/purchaseOrders", restricted=True),
        _op("getOrder", "orders", v, "GET", f"{base}/purchaseOrders/{{purchaseOrderNumber}}", restricted=True),
        _op("submitAcknowledgement", "orders", v, "POST", f"{base}/acknowledgements", success=202),
    )


def _shipping(v: str) -> tuple[Operation, ...]:
    base = f"{DF}/shipping/{v}"
    po = "{purchaseOrderNumber}"
    return (
        _op("getShippingLabels", "shipping", v, "GET", f"{base}/shippingLabels", restricted=True),
        _op("submitShippingLabelRequest", "shipping", v, "POST", f"{base}/shippingLabels", success=202),
        _op("getShippingLabel", "shipping", v, "GET", f"{base}/shippingLabels/{po}", restricted=True),
        _op("submitShipmentConfirmations", "shipping", v, "POST", f"{base}/shipmentConfirmations", success=202),
        _op("submitShipmentStatusUpdates", "shipping", v, "POST", f"{base}/shipmentStatusUpdates", success=202),
        _op("getCustomerInvoices", "shipping", v, "GET", f"{base}/customerInvoices", restricted=True),
        _op("getCustomerInvoice", "shipping", v, "GET", f"{base}/customerInvoices/{po}", restricted=True),
        _op("getPackingSlips", "shipping", v, "GET", f"{base}/packingSlips", restricted=True),
        _op("getPackingSlip", "shipping", v, "GET", f"{base}/packingSlips/{po}", restricted=True),
    )


def _shipping_2021_only() -> tuple[Operation, ...]:
    base = f"{DF}/shipping/2021-12-28"
    return (
        _op("createShippingLabels", "shipping", "2021-12-28", "POST",
            f"{base}/shippingLabels/{{purchaseOrderNumber}}", restricted=True),
        _op("createContainerLabel", "shipping", "2021-12-28", "POST", f"{base}/containerLabel"),
    )


def _others() -> tuple[Operation, ...]:
    sandbox = f"{DF}/sandbox/2021-10-28"
    return (
        _op("submitInvoice", "payments", "v1", "POST", f"{DF}/payments/v1/invoices", success=202),
        _op("submitInventoryUpdate", "inventory", "v1", "POST",
            f"{DF}/inventory/v1/warehouses/{{warehouseId}}/items", success=202),
        _op("getTransactionStatus", "transactions", "v1", "GET",
            f"{DF}/transactions/v1/transactions/{{transactionId}}"),
        _op("getTransactionStatus", "transactions", "2021-12-28", "GET",
            f"{DF}/transactions/2021-12-28/transactions/{{transactionId}}"),
        _op("generateOrderScenarios", "sandboxData", "2021-10-28", "POST", f"{sandbox}/orders",
            success=202, rate=SANDBOX_DATA_RATE, burst=SANDBOX_DATA_BURST),
        _op("getOrderScenarios", "sandboxData", "2021-10-28", "GET", f"{sandbox}/transactions/{{transactionId}}",
            rate=SANDBOX_DATA_RATE, burst=SANDBOX_DATA_BURST),
        _op("createRestrictedDataToken", "tokens", "2021-03-01", "POST", "/tokens/2021-03-01/restrictedDataToken",
            rate=1.0, burst=10),
    )


OPERATIONS: tuple[Operation, ...] = (
    *_orders("v1"), *_orders("2021-12-28"),
    *_shipping("v1"), *_shipping("2021-12-28"), *_shipping_2021_only(),
    *_others(),
)

APIS: frozenset[str] = frozenset(op.api for op in OPERATIONS)


def find_operation(name: str, version: str | None = None) -> Operation:
    """The operation called ``name`` in ``version``; with no version, the only or newest one.

    Raises ``KeyError`` naming the versions that do exist when the pair is unknown.
    """
    candidates = [op for op in OPERATIONS if op.name == name]
    if not candidates:
        raise KeyError(f"unknown operation {name!r}")
    if version is None:
        return max(candidates, key=lambda op: op.version != "v1")
    for op in candidates:
        if op.version == version:
            return op
    versions = ", ".join(op.version for op in candidates)
    raise KeyError(f"operation {name!r} has no version {version!r} (available: {versions})")


def operations_named(name: str) -> tuple[Operation, ...]:
    """Every version of operation ``name`` (empty if unknown)."""
    return tuple(op for op in OPERATIONS if op.name == name)


def match_path(method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
    """The operation serving ``method path`` and its path parameters, or ``None``.

    Literal paths win over templated ones, so ``POST .../shippingLabels`` is
    submitShippingLabelRequest, never createShippingLabels.
    """
    path = path.split("?", 1)[0]
    if len(path) > 1:
        path = path.rstrip("/")
    ordered = sorted(OPERATIONS, key=lambda op: len(op.path_params))
    for op in ordered:
        params = op.match(method, path)
        if params is not None:
            return op, params
    return None
