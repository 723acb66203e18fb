"""Admin endpoints under ``/_sandbox/`` (no authentication, loopback only).

- ``GET  /_sandbox/log[?since=SEQ&operation=name@version]``  request log: seq, method, path, status,
  operation, body digest (status 0 = connection dropped)
- ``GET  /_sandbox/counters``               calls per operation (``name@version``) and status
- ``GET  /_sandbox/transactions``           every submission with its documents, status and errors
- ``GET  /_sandbox/submissions``            one row per submitted document (kind, PO, digest, outcome)
- ``GET  /_sandbox/duplicates``             documents submitted more than once (same kind and digest)
- ``GET  /_sandbox/orders[?voc=true|labelOnly=true|status=NEW]``  POs with their sandbox flags
- ``GET  /_sandbox/orders/{po}``            the full sandbox state of one order
- ``POST /_sandbox/settle``                 settle every pending transaction now, whatever the delay
- ``POST /_sandbox/reset``                  fresh orders, empty log, no submissions
- ``POST /_sandbox/expire-tokens``          invalidate every access token and RDT (tests of renewal)
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from translator.sandbox import processing, submissions
from translator.sandbox.state import OrderState, Transaction

if TYPE_CHECKING:
    from translator.sandbox.app import SandboxApp


def order_summary(order: OrderState) -> dict:
    """The sandbox flags of one order (what the ERP side of a test needs to know)."""
    gen = order.gen
    return {"purchaseOrderNumber": order.po, "status": order.status, "voc": gen.voc, "labelOnly": gen.label_only,
            "labelFormat": gen.label_format, "warehouse": gen.warehouse, "orderDate": gen.order["orderDetails"]["orderDate"],
            "shipMethod": gen.order["orderDetails"]["shipmentDetails"]["shipMethod"]}


def order_detail(order: OrderState) -> dict:
    """Everything the sandbox knows about one order, for assertions in tests."""
    label = order.label or {}
    return {**order_summary(order), "acknowledgementCode": order.ack_code,
            "labelTrackingNumbers": [d["trackingNumber"] for d in label.get("labelData", [])],
            "packages": order.packages, "confirmedTrackingNumbers": list(order.confirmed_tracking),
            "shippedAt": order.shipped_at.isoformat() if order.shipped_at else None,
            "statusEvents": order.status_events, "invoiceNumbers": order.invoice_numbers,
            "order": order.api_order("2021-12-28")}


def _transaction(txn: Transaction) -> dict:
    return {"transactionId": txn.transaction_id, "operation": txn.operation, "kind": txn.kind,
            "status": txn.status, "errors": txn.errors, "bodySha256": txn.digest, "context": txn.context,
            "documents": txn.originals}


def _submission_rows(app: SandboxApp) -> list[dict]:
    rows = []
    for txn in app.state.transactions.values():
        for item in txn.originals:
            po = item.get("purchaseOrderNumber") or item.get("invoiceNumber") if isinstance(item, dict) else None
            rows.append({"transactionId": txn.transaction_id, "kind": txn.kind, "document": po,
                         "digest": submissions.digest(item), "status": txn.status})
    return rows


def _duplicates(app: SandboxApp) -> list[dict]:
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in _submission_rows(app):
        groups[(row["kind"], row["digest"])].append(row)
    return [{"kind": kind, "digest": digest, "document": rows[0]["document"],
             "transactionIds": [r["transactionId"] for r in rows]}
            for (kind, digest), rows in groups.items() if len(rows) > 1]


def _orders(app: SandboxApp, query: dict[str, list[str]]) -> list[dict]:
    def flag(name: str) -> bool | None:
        value = query.get(name, [None])[-1]
        return None if value is None else value.lower() in ("1", "true", "yes")
    voc, label_only, status = flag("voc"), flag("labelOnly"), query.get("status", [None])[-1]
    found = sorted(app.state.orders.values(), key=lambda o: (o.gen.created, o.po))
    return [order_summary(o) for o in found
            if (voc is None or o.gen.voc == voc) and (label_only is None or o.gen.label_only == label_only)
            and (status is None or o.status == status)]


def _get(app: SandboxApp, path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
    if path == "/_sandbox/log":
        since = int(query.get("since", ["0"])[-1] or 0)
        operation = query.get("operation", [None])[-1]
        entries = [e for e in app.log.snapshot() if e["seq"] > since and operation in (None, e["operation"])]
        return 200, {"requests": entries}
    if path == "/_sandbox/counters":
        return 200, {"operations": app.log.counter_snapshot()}
    if path == "/_sandbox/transactions":
        return 200, {"transactions": [_transaction(t) for t in app.state.transactions.values()]}
    if path == "/_sandbox/submissions":
        return 200, {"submissions": _submission_rows(app)}
    if path == "/_sandbox/duplicates":
        return 200, {"duplicates": _duplicates(app)}
    if path == "/_sandbox/orders":
        return 200, {"orders": _orders(app, query)}
    if path.startswith("/_sandbox/orders/"):
        order = app.state.order(path.rsplit("/", 1)[-1])
        return (200, order_detail(order)) if order else (404, {"errors": [{"code": "NotFound", "message": "No such PO"}]})
    return 404, {"errors": [{"code": "NotFound", "message": f"No admin endpoint {path}"}]}


def _post(app: SandboxApp, path: str) -> tuple[int, Any]:
    if path == "/_sandbox/reset":
        app.reset()
        return 200, {"reset": True, "orders": len(app.state.orders)}
    if path == "/_sandbox/settle":
        processing.settle(app.state, app.config.clock(), force=True)
        return 200, {"settled": True}
    if path == "/_sandbox/expire-tokens":
        app.tokens.expire_all()
        return 200, {"expired": True}
    return 404, {"errors": [{"code": "NotFound", "message": f"No admin endpoint {path}"}]}


def handle(app: SandboxApp, method: str, path: str, query: dict[str, list[str]], body: bytes) -> tuple[int, Any]:
    """Answer an admin request; pending transactions are settled first so answers are current."""
    path = path.rstrip("/")
    with app.state.lock:
        app.state.add_arrivals(app.config.clock())
        processing.settle(app.state, app.config.clock())
        if method == "GET":
            return _get(app, path, query)
        if method == "POST":
            return _post(app, path)
    return 405, {"errors": [{"code": "MethodNotAllowed", "message": method}]}
