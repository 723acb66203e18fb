"""Settling submissions: judge each document by the shared rules, then change the world.

Documents are judged one by one, in submission order; a document that breaks no rule takes
effect (acknowledgement 00 accepts, any other code cancels; a confirmation ships or, for
FLOOR_DENIAL, cancels; ...), one that breaks rules contributes one error per broken rule and
changes nothing. A transaction with any error reports Failure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from translator.sandbox import facts, labelmaker
from translator.sandbox.state import SandboxState, Transaction

# operationId -> (document kind for translator.documents, top-level request key)
SUBMISSIONS: dict[str, tuple[str, str]] = {
    "submitAcknowledgement": ("acknowledgements", "orderAcknowledgements"),
    "submitShippingLabelRequest": ("label-requests", "shippingLabelRequests"),
    "submitShipmentConfirmations": ("shipment-confirmations", "shipmentConfirmations"),
    "submitShipmentStatusUpdates": ("shipment-status-updates", "shipmentStatusUpdates"),
    "submitInvoice": ("invoices", "invoices"),
    "submitInventoryUpdate": ("inventory", "inventory"),
}


def settle(state: SandboxState, now: float, *, force: bool = False) -> None:
    """Settle every pending transaction whose delay has passed, or all with ``force`` (caller holds the lock)."""
    for txn in state.due_transactions(float("inf") if force else now):
        evaluate(state, txn, datetime.fromtimestamp(now, UTC))


def evaluate(state: SandboxState, txn: Transaction, now: datetime) -> None:
    """Judge and apply each document of ``txn``; Failure when any document broke a rule."""
    checker = facts.StateFacts(state)
    apply = APPLIERS[txn.kind]
    for item in txn.items:
        problems = facts.check(txn.kind, item, checker, now, txn.context)
        if problems:
            document = _identity(item, txn)
            txn.errors.extend(facts.problem_error(p.located(document=document)) for p in problems)
        else:
            apply(state, item, now, txn)
    txn.status = "Failure" if txn.errors else "Success"


def _identity(item: dict, txn: Transaction) -> str | None:
    """What names the document in its errors: the PO, the invoice number or the warehouse."""
    for key in ("purchaseOrderNumber", "invoiceNumber"):
        if isinstance(item.get(key), str):
            return item[key]
    return txn.context.get("warehouseId")


def _po_order(state: SandboxState, item: dict):
    return state.order(str(item.get("purchaseOrderNumber", "")))


def apply_acknowledgement(state: SandboxState, item: dict, now: datetime, txn: Transaction) -> None:
    """Code 00 accepts a NEW order; any other code cancels it."""
    order = _po_order(state, item)
    if order is None or order.status != "NEW":
        return
    code = str((item.get("acknowledgementStatus") or {}).get("code", ""))
    order.ack_code = code
    order.status = "ACCEPTED" if code == "00" else "CANCELLED"


def apply_label_request(state: SandboxState, item: dict, now: datetime, txn: Transaction) -> None:
    """Create the labels asynchronously requested (getShippingLabel(s) then serve them)."""
    order = _po_order(state, item)
    if order is not None:
        labelmaker.build_label(state, order, item.get("sellingParty") or {}, item.get("shipFromParty") or {},
                               item.get("containers") or [], now)


def apply_confirmation(state: SandboxState, item: dict, now: datetime, txn: Transaction) -> None:
    """SHIPPED ships the order and records its tracking numbers; FLOOR_DENIAL cancels it."""
    order = _po_order(state, item)
    if order is None:
        return
    details = item.get("shipmentDetails") or {}
    if details.get("shipmentStatus") == "FLOOR_DENIAL":
        order.status = "CANCELLED"
        return
    order.status = "SHIPPED"
    order.shipped_at = now
    tracking = [c["trackingNumber"] for c in item.get("containers") or [] if c.get("trackingNumber")]
    if not tracking and order.label:
        tracking = [d["trackingNumber"] for d in order.label["labelData"]]
    order.confirmed_tracking.extend(t for t in tracking if t not in order.confirmed_tracking)
    for number in tracking:
        state.tracking_index[number] = order.po


def apply_status_update(state: SandboxState, item: dict, now: datetime, txn: Transaction) -> None:
    """Record the carrier event on the order."""
    order = _po_order(state, item)
    if order is not None:
        order.status_events.append(dict(item.get("statusUpdateDetails") or {}))


def apply_invoice(state: SandboxState, item: dict, now: datetime, txn: Transaction) -> None:
    """Mark the invoice number used (never reusable) and link it to its POs."""
    number = str(item.get("invoiceNumber", ""))
    pos = {str(line.get("purchaseOrderNumber")) for line in item.get("items") or []}
    state.invoice_numbers[number] = ",".join(sorted(pos))
    for po in pos:
        order = state.order(po)
        if order is not None:
            order.invoice_numbers.append(number)


def apply_inventory(state: SandboxState, item: dict, now: datetime, txn: Transaction) -> None:
    """Store the warehouse's stock; a full update replaces it."""
    warehouse = txn.context.get("warehouseId", "")
    stock = state.inventory.setdefault(warehouse, {})
    if item.get("isFullUpdate"):
        stock.clear()
    for line in item.get("items") or []:
        key = line.get("vendorProductIdentifier") or line.get("buyerProductIdentifier") or ""
        stock[key] = dict(line)


APPLIERS: dict[str, Callable[[SandboxState, dict, datetime, Transaction], None]] = {
    "acknowledgements": apply_acknowledgement,
    "label-requests": apply_label_request,
    "shipment-confirmations": apply_confirmation,
    "shipment-status-updates": apply_status_update,
    "invoices": apply_invoice,
    "inventory": apply_inventory,
}
