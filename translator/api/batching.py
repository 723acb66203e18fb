"""Submissions: check every item locally, then send them in batches, halving any batch that is too big.

Amazon publishes no item limit per submission, only that an oversized body answers 413. So we send
``batch_size`` items at a time and, on 413, split that batch in two and send each half, down to a
single item (which, if still too large, is an error for the caller). Nothing is sent when any item
fails validation, so a file is never half-submitted because of its 40th line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from translator.api.retry import PayloadTooLarge
from translator.errors import DocumentRejected
from translator.problems import Problem

# validate(kind, item, *, version=...) -> problems; the signature of translator.documents.schema.validate
Validator = Callable[..., list[Problem]]

# operationId -> (document kind for translator.documents.schema, array key of the request body)
SUBMISSIONS: dict[str, tuple[str, str]] = {
    "submitAcknowledgement": ("acknowledgements", "orderAcknowledgements"),
    "submitShippingLabelRequest": ("label-requests", "shippingLabelRequests"),
    "submitShipmentConfirmations": ("shipment-confirmations", "shipmentConfirmations"),
    "submitShipmentStatusUpdates": ("shipment-status-updates", "shipmentStatusUpdates"),
    "submitInvoice": ("invoices", "invoices"),
}
SINGLE_BODIES: dict[str, tuple[str, str | None]] = {
    "submitInventoryUpdate": ("inventory", "inventory"),
    "createShippingLabels": ("shipping-labels", None),
    "createContainerLabel": ("container-labels", None),
}


def schema_validator() -> Validator:
    """``translator.documents.schema.validate``, imported when first needed."""
    from translator.documents.schema import validate

    return validate


def chunks(items: Sequence[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive slices of at most ``size`` items."""
    if size < 1:
        raise ValueError(f"batch size must be at least 1, got {size}")
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


def _document_id(item: Any) -> str | None:
    if isinstance(item, dict):
        value = item.get("purchaseOrderNumber") or item.get("invoiceNumber")
        return str(value) if value else None
    return None


def check_items(kind: str, items: Sequence[Any], validator: Validator, *, version: str) -> None:
    """Raise DocumentRejected with every located problem if any item breaks ``version``'s schema."""
    problems: list[Problem] = []
    for index, item in enumerate(items):
        for problem in validator(kind, item, version=version):
            problems.append(problem.located(record=f"{kind}[{index}]", document=_document_id(item)))
    if any(p.severity == "error" for p in problems):
        raise DocumentRejected(problems, f"{kind}: {len(problems)} problem(s); nothing was sent")


def send_splitting(batch: list[Any], send: Callable[[list[Any]], str]) -> Iterator[tuple[list[Any], str]]:
    """``send(batch)``; on 413 send each half instead. Yields ``(items, transaction id)`` per request."""
    try:
        transaction_id = send(batch)
    except PayloadTooLarge:
        if len(batch) <= 1:
            raise
        middle = len(batch) // 2
        yield from send_splitting(batch[:middle], send)
        yield from send_splitting(batch[middle:], send)
        return
    yield batch, transaction_id


def submit_in_batches(items: Sequence[Any], size: int,
                      send: Callable[[list[Any]], str]) -> Iterator[tuple[list[Any], str]]:
    """Send ``items`` in batches of ``size``, yielding each accepted batch with its transaction id.

    Yielding as we go lets a caller record every transaction id before the next request, so a
    failure half-way never hides which documents Amazon already accepted.
    """
    for batch in chunks(items, size):
        yield from send_splitting(batch, send)
