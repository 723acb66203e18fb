"""Every Amazon DF business rule, in one place, for the sandbox and the engine alike.

``check(kind, item, facts)`` returns located problems. Rules that need the original order or earlier
submissions ask ``facts`` (an :class:`OrderFacts`); when it answers ``None`` the rule is skipped, so a
file-only check (``NoFacts``) runs exactly the rules the file can prove. The rules assume nothing about
the document's shape: run :func:`translator.documents.schema.validate` for that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from translator.documents.kinds import check_kind
from translator.documents.rules import (
    acknowledgements,
    confirmations,
    inventory,
    invoices,
    labels,
    status_updates,
)
from translator.documents.rules._common import Context
from translator.documents.rules.facts import NoFacts, OrderFacts, StaticFacts
from translator.problems import Problem

__all__ = ["AMAZON_ERROR_CODES", "RULE_CODES", "NoFacts", "OrderFacts", "StaticFacts", "check"]

_Checker = Callable[[Mapping[str, Any], Context], Iterator[Problem]]
_CHECKERS: Mapping[str, _Checker] = MappingProxyType({
    "acknowledgements": acknowledgements.check,
    "shipment-confirmations": confirmations.check,
    "shipment-status-updates": status_updates.check,
    "invoices": invoices.check,
    "inventory": inventory.check,
    "label-requests": labels.check,
    "shipping-labels": labels.check,
})

# Every code ``check`` can return, with the kind that raises it.
RULE_CODES: Mapping[str, str] = MappingProxyType({
    "ACK-CODE-MISSING": "acknowledgements", "ACK-CODE-UNKNOWN": "acknowledgements",
    "ACK-QTY-NOT-WHOLE": "acknowledgements", "ACK-QTY-NOT-POSITIVE": "acknowledgements",
    "ACK-QTY-ABOVE-ORDERED": "acknowledgements", "ACK-FILL-OR-KILL": "acknowledgements",
    "ACK-LINE-MISSING": "acknowledgements", "ACK-LINE-UNKNOWN": "acknowledgements",
    "ACK-LINE-DUPLICATE": "acknowledgements", "ACK-LINE-NUMBER-FORMAT": "acknowledgements",
    "ACK-PRODUCT-MISMATCH": "acknowledgements", "ACK-PRODUCT-MISSING": "acknowledgements",
    "SHIP-ORDER-NOT-ACCEPTED": "shipment-confirmations", "SHIP-DATE-FUTURE": "shipment-confirmations",
    "SHIP-PRODUCT-MISSING": "shipment-confirmations", "SHIP-PRODUCT-MISMATCH": "shipment-confirmations",
    "SHIP-QTY-NOT-WHOLE": "shipment-confirmations", "SHIP-QTY-NOT-POSITIVE": "shipment-confirmations",
    "SHIP-QTY-ABOVE-ORDERED": "shipment-confirmations", "SHIP-PARTIAL": "shipment-confirmations", "SHIP-LINE-MISSING": "shipment-confirmations",
    "SHIP-LINE-UNKNOWN": "shipment-confirmations", "SHIP-LINE-DUPLICATE": "shipment-confirmations",
    "SHIP-CONTAINER-SHIP-METHOD-MISSING": "shipment-confirmations", "SHIP-SCAC-MISSING": "shipment-confirmations",
    "SHIP-PACKED-MISMATCH": "shipment-confirmations",
    "STATUS-PAIR-UNKNOWN": "shipment-status-updates", "STATUS-NOT-VOC": "shipment-status-updates",
    "STATUS-BEFORE-CONFIRMATION": "shipment-status-updates", "STATUS-TRACKING-UNKNOWN": "shipment-status-updates",
    "INVOICE-TOTAL-ZERO": "invoices", "INVOICE-TOTAL-MISMATCH": "invoices", "INVOICE-TAX-MISMATCH": "invoices",
    "INVOICE-CURRENCY-MIXED": "invoices", "INVOICE-NUMBER-REUSED": "invoices", "INVOICE-DATE-FUTURE": "invoices",
    "INVOICE-PO-NOT-SHIPPED": "invoices", "INVOICE-QTY-NOT-WHOLE": "invoices",
    "INVOICE-QTY-NOT-POSITIVE": "invoices", "INVOICE-QTY-ABOVE-ORDERED": "invoices",
    "INVOICE-LINE-UNKNOWN": "invoices", "INVOICE-BILL-TO-MISMATCH": "invoices",
    "INVOICE-TAX-TYPE-REPEATED": "invoices", "INVOICE-DOMESTIC-VAT-RATE": "invoices", "INVOICE-HSN-LETTERS": "invoices",
    "STOCK-WAREHOUSE-UNKNOWN": "inventory", "STOCK-PRODUCT-MISSING": "inventory",
    "STOCK-QTY-NOT-WHOLE": "inventory", "STOCK-QTY-NEGATIVE": "inventory",
    "LABEL-ORDER-NOT-ACCEPTED": "label-requests", "LABEL-DIMENSIONS-MISSING": "label-requests",
    "LABEL-DIMENSION-INVALID": "label-requests", "LABEL-WEIGHT-MISSING": "label-requests",
    "LABEL-WEIGHT-INVALID": "label-requests", "LABEL-NOT-ALL-ITEMS-PRESENT": "label-requests",
    "LABEL-LINE-UNKNOWN": "label-requests",
})

# The error code Amazon's createShippingLabels answers for our label codes (the sandbox echoes these).
AMAZON_ERROR_CODES: Mapping[str, str] = MappingProxyType({
    "LABEL-NOT-ALL-ITEMS-PRESENT": "NOT_ALL_ITEMS_PRESENT",
    "LABEL-LINE-UNKNOWN": "NOT_ALL_ITEMS_PRESENT",
    "LABEL-DIMENSIONS-MISSING": "INVALID_MESSAGE_PAYLOAD",
    "LABEL-DIMENSION-INVALID": "INVALID_MESSAGE_PAYLOAD",
    "LABEL-WEIGHT-MISSING": "INVALID_MESSAGE_PAYLOAD",
    "LABEL-WEIGHT-INVALID": "INVALID_MESSAGE_PAYLOAD",
})


def check(kind: str, item: Any, facts: OrderFacts | None = None, *,
          path_params: Mapping[str, str] | None = None, now: datetime | None = None) -> list[Problem]:
    """Every business-rule problem of one ``item`` of ``kind``.

    ``path_params`` carries what the request path holds instead of the body (``warehouseId`` for
    inventory, ``purchaseOrderNumber`` for createShippingLabels). ``now`` (aware) is the clock used
    for "not in the future" rules; it defaults to the current UTC time.
    """
    checker = _CHECKERS.get(check_kind(kind))
    if checker is None or not isinstance(item, Mapping):
        return []
    ctx = Context(facts=facts if facts is not None else NoFacts(), path_params=path_params or {},
                  now=now or datetime.now(UTC))
    return list(checker(item, ctx))
