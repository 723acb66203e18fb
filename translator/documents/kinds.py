"""The DF document kinds and how each is wrapped in its request body."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from translator.errors import ConfigError

KINDS = (
    "orders", "acknowledgements", "shipment-confirmations", "shipment-status-updates", "invoices",
    "inventory", "label-requests", "shipping-labels", "container-labels",
)

# Batched submissions: the request body is {key: [item, ...]}.
REQUEST_BODY_KEY: Mapping[str, str] = MappingProxyType({
    "acknowledgements": "orderAcknowledgements",
    "shipment-confirmations": "shipmentConfirmations",
    "shipment-status-updates": "shipmentStatusUpdates",
    "invoices": "invoices",
    "label-requests": "shippingLabelRequests",
})

# Kinds a vendor sends to Amazon (everything except the orders Amazon sends us).
SUBMITTED_KINDS = tuple(k for k in KINDS if k != "orders")


def check_kind(kind: str) -> str:
    """Return ``kind`` or raise :class:`ConfigError` naming the known kinds."""
    if kind not in KINDS:
        raise ConfigError(f"unknown document kind {kind!r}; known kinds: {', '.join(KINDS)}")
    return kind


def request_body(kind: str, items: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The JSON body that submits ``items`` of ``kind``.

    Inventory is one feed per warehouse, so it takes exactly one item: ``{"inventory": item}``.
    createShippingLabels and createContainerLabel bodies are the item itself.
    """
    items = list(items)
    if kind in REQUEST_BODY_KEY:
        return {REQUEST_BODY_KEY[kind]: items}
    if kind in ("inventory", "shipping-labels", "container-labels") and len(items) == 1:
        return {"inventory": items[0]} if kind == "inventory" else dict(items[0])
    if check_kind(kind) == "orders":
        raise ConfigError("orders come from Amazon; there is no request body to submit them")
    raise ConfigError(f"a {kind} request body takes exactly one document, got {len(items)}")
