"""What the engine needs to know about an API document: its identity, its orders, its tracking numbers.

Identity is ``kind + key + hash of the canonical JSON``: the same document dropped twice has the same
identity whatever the file's name or layout; a corrected one has a new identity.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

PREREQUISITE: dict[str, str] = {
    # kind -> the kind whose accepted submission must come first (per purchase order)
    "label-requests": "acknowledgements",
    "shipment-confirmations": "acknowledgements",
    "shipment-status-updates": "shipment-confirmations",
    "invoices": "shipment-confirmations",
}


def content_hash(item: Any) -> str:
    canonical = json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def identity(kind: str, key: str, item: Any) -> str:
    return f"{kind}:{key}:{content_hash(item)[:32]}"


def purchase_orders(kind: str, item: dict[str, Any]) -> list[str]:
    """The purchase orders a document is about (an invoice may cover several)."""
    if kind == "invoices":
        found = [str(line.get("purchaseOrderNumber")) for line in item.get("items") or []
                 if line.get("purchaseOrderNumber")]
        return list(dict.fromkeys(found))
    po = item.get("purchaseOrderNumber")
    return [str(po)] if po else []


def tracking_numbers(kind: str, item: dict[str, Any]) -> list[str]:
    """Tracking numbers a confirmation ships under, or the one a status update is about."""
    if kind == "shipment-confirmations":
        return [str(c["trackingNumber"]) for c in item.get("containers") or [] if c.get("trackingNumber")]
    if kind == "shipment-status-updates":
        number = (item.get("statusUpdateDetails") or {}).get("trackingNumber")
        return [str(number)] if number else []
    return []


def is_acceptance(kind: str, item: dict[str, Any]) -> bool | None:
    """For an acknowledgement: did the vendor accept the order (code 00)?"""
    if kind != "acknowledgements":
        return None
    return str((item.get("acknowledgementStatus") or {}).get("code", "")) == "00"
