"""Shipment status update rules: a documented status/reason pair, for a confirmed VOC package."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from translator.documents.codelists import status_reason_pairs
from translator.documents.rules._common import Context, get, path, problem
from translator.problems import Problem


def check(item: Mapping[str, Any], ctx: Context) -> Iterator[Problem]:
    po = get(item, "purchaseOrderNumber")
    yield from _pair(item, po)
    if not isinstance(po, str):
        return
    facts = ctx.facts
    if facts.is_vendor_own_carrier(po) is False:
        yield problem("STATUS-NOT-VOC", "status updates are only for orders shipped with the vendor's own carrier",
                      "Do not send status updates for orders shipped on Amazon's labels.",
                      path("purchaseOrderNumber"), po, po)
    if facts.is_shipped(po) is False:
        yield problem("STATUS-BEFORE-CONFIRMATION", "a status update may be sent only after the shipment "
                      "confirmation succeeded", "Send the shipment confirmation first and wait for it to succeed.",
                      path("purchaseOrderNumber"), po, po)
    yield from _tracking(item, facts.confirmed_tracking_numbers(po), po)


def _pair(item: Mapping[str, Any], po: Any) -> Iterator[Problem]:
    status = get(item, "statusUpdateDetails", "statusCode")
    reason = get(item, "statusUpdateDetails", "reasonCode")
    if not isinstance(status, str) or not isinstance(reason, str):
        return
    if (status, reason) not in status_reason_pairs():
        yield problem("STATUS-PAIR-UNKNOWN", f"status {status} with reason {reason} is not one of the event "
                      "combinations Amazon accepts", "Use a pair from the shipment status table, e.g. D1/NS "
                      "(X12) or 301/000 (EDIFACT) for delivered.", path("statusUpdateDetails", "reasonCode"),
                      f"{status}/{reason}", po)


def _tracking(item: Mapping[str, Any], confirmed: set[str] | None, po: str) -> Iterator[Problem]:
    number = get(item, "statusUpdateDetails", "trackingNumber")
    if confirmed is None or not isinstance(number, str) or number in confirmed:
        return
    yield problem("STATUS-TRACKING-UNKNOWN", "the tracking number must match one sent in the order's shipment "
                  "confirmation exactly", "Use the package's tracking number exactly as confirmed.",
                  path("statusUpdateDetails", "trackingNumber"), number, po)
