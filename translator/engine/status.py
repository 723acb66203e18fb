"""``translator status``: each order's lifecycle against Amazon's clocks.

Clocks (seeds): acknowledge within 24 hours of the order, ship by ``requiredShipDate``, confirm the
shipment within 4 hours of shipping. An order whose next step is past due is ``OVERDUE``; one due
within ``soon_due`` is ``DUE-SOON``. The clock is injected, so tests freeze time without patching.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from translator.engine.context import Engine
from translator.engine.store import parse_iso

ACK_WITHIN = timedelta(hours=24)
CONFIRM_WITHIN = timedelta(hours=4)
STEPS = ("acknowledgements", "label-requests", "shipment-confirmations", "shipment-status-updates", "invoices")


@dataclass
class OrderStatus:
    po: str
    order_status: str | None
    order_date: str | None
    required_ship_date: str | None
    voc: bool
    steps: dict[str, str] = field(default_factory=dict)
    next_step: str | None = None
    due: str | None = None
    flag: str = ""
    documents: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def step_states(engine: Engine, po: str) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The latest state per document kind, and every document of the order."""
    rows = engine.store.all("SELECT d.id, d.kind, d.key, d.state, d.attempts, d.detail, d.problems, d.updated, "
                            "f.name AS file, b.transaction_ids FROM documents d LEFT JOIN inbound_files f ON "
                            "f.id=d.file_id LEFT JOIN batches b ON b.id=d.batch_id WHERE d.id IN (SELECT document_id FROM document_pos WHERE po=?) ORDER BY "
                            "d.id", po)
    steps: dict[str, str] = {}
    docs = []
    for r in rows:
        if r["state"] != "duplicate" or r["kind"] not in steps:
            steps[r["kind"]] = r["state"]
        if steps.get(r["kind"]) == "success" and r["state"] in ("duplicate", "rejected", "failure"):
            steps[r["kind"]] = "success"
        docs.append({"id": r["id"], "kind": r["kind"], "key": r["key"], "state": r["state"], "file": r["file"],
                     "attempts": r["attempts"], "transactionIds": json.loads(r["transaction_ids"] or "[]"),
                     "detail": r["detail"], "problems": json.loads(r["problems"])})
    return steps, docs


def clock_for(row: Any, steps: dict[str, str], shipped_at: datetime | None) -> tuple[str | None, datetime | None]:
    """The next step Amazon is waiting for and when it is due."""
    status = row["status"]
    if status == "CANCELLED" or (steps.get("acknowledgements") == "success" and status == "CANCELLED"):
        return None, None
    if steps.get("acknowledgements") != "success" and status in (None, "NEW"):
        placed = parse_iso(row["order_date"])
        return "acknowledge", placed + ACK_WITHIN if placed else None
    if steps.get("shipment-confirmations") != "success" and status != "SHIPPED":
        if shipped_at is not None:
            return "confirm shipment", shipped_at + CONFIRM_WITHIN
        return "ship", parse_iso(row["required_ship_date"])
    if steps.get("invoices") != "success":
        return "invoice", None
    return None, None


def shipped_at(engine: Engine, po: str) -> datetime | None:
    """When the ERP says the order left (the latest confirmation's shippedDate), if it said so."""
    row = engine.store.one("SELECT item FROM documents WHERE kind='shipment-confirmations' AND id IN (SELECT document_id FROM document_pos WHERE po=?) "
                           "AND state NOT IN ('duplicate') ORDER BY id DESC LIMIT 1", po)
    if row is None:
        return None
    return parse_iso((json.loads(row["item"]).get("shipmentDetails") or {}).get("shippedDate"))


def order_status(engine: Engine, row: Any, now: datetime) -> OrderStatus:
    steps, docs = step_states(engine, row["po"])
    next_step, due = clock_for(row, steps, shipped_at(engine, row["po"]))
    flag = ""
    if due is not None:
        if now > due:
            flag = "OVERDUE"
        elif (due - now).total_seconds() <= engine.config.timing.soon_due:
            flag = "DUE-SOON"
    return OrderStatus(po=row["po"], order_status=row["status"], order_date=row["order_date"],
                       required_ship_date=row["required_ship_date"], voc=row["label_mode"] == "own-carrier", steps=steps,
                       next_step=next_step, due=due.isoformat() if due else None, flag=flag, documents=docs)


def collect(engine: Engine, po: str | None = None) -> list[OrderStatus]:
    now = engine.clock()
    if po:
        rows = engine.store.all("SELECT * FROM orders WHERE po=?", po)
    else:
        rows = engine.store.all("SELECT * FROM orders ORDER BY order_date, po")
    return [order_status(engine, row, now) for row in rows]


def outbound_flags(engine: Engine) -> list[dict[str, Any]]:
    """Outbound EDI files the ERP rejected or never acknowledged within ``unacknowledged_after``."""
    now = engine.clock()
    flagged = []
    for row in engine.store.all("SELECT * FROM outbound_files WHERE kind IN ('x12','edifact')"):
        sent = parse_iso(row["sent_at"])
        if row["ack_status"] and row["ack_status"] not in ("A", "E"):
            flagged.append({"file": row["name"], "problem": f"rejected by the partner ({row['ack_status']})",
                            "detail": row["ack_detail"]})
        elif not row["ack_status"] and sent and (now - sent).total_seconds() > engine.config.timing.unacknowledged_after:
            flagged.append({"file": row["name"], "problem": "never acknowledged (no 997/CONTRL received)"})
    return flagged


def counts(engine: Engine) -> dict[str, int]:
    rows = engine.store.all("SELECT state, COUNT(*) AS n FROM documents GROUP BY state")
    return {r["state"]: r["n"] for r in rows}


SHORT = {"success": "ok", "failure": "FAILED", "rejected": "REJECTED", "waiting": "waiting",
         "submitted": "sent", "submitting": "sending", "validated": "ready", "received": "read",
         "needs-reconcile": "CHECK", "duplicate": "dup"}


def render_table(statuses: list[OrderStatus]) -> str:
    """A fixed-width table: one order per line, problems stand out in capitals."""
    head = ["PO", "order", "ack", "label", "confirm", "status-upd", "invoice", "next", "due", ""]
    lines = [head]
    for s in statuses:
        cells = [s.po, s.order_status or "?"]
        cells += [SHORT.get(s.steps.get(k, ""), s.steps.get(k, "-")) or "-" for k in STEPS]
        cells += [s.next_step or "-", (s.due or "-")[:16], s.flag]
        lines.append(cells)
    widths = [max(len(str(row[i])) for row in lines) for i in range(len(head))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in lines)


def render_order(status: OrderStatus) -> str:
    out = [f"Order {status.po}: {status.order_status}  (ordered {status.order_date}, ship by "
           f"{status.required_ship_date}, {'own carrier' if status.voc else 'Amazon labels'})"]
    if status.next_step:
        out.append(f"  next: {status.next_step}" + (f", due {status.due}" if status.due else "") +
                   (f"  {status.flag}" if status.flag else ""))
    for doc in status.documents:
        tids = ",".join(doc["transactionIds"]) or "-"
        out.append(f"  #{doc['id']} {doc['kind']} {doc['key']}: {doc['state']} (attempts {doc['attempts']}, "
                   f"file {doc['file']}, transactions {tids})")
        if doc["detail"]:
            out.append(f"      {doc['detail']}")
        for p in doc["problems"]:
            out.append(f"      [{p.get('code')}] {p.get('rule')}" + (f" - {p['hint']}" if p.get("hint") else ""))
    return "\n".join(out)
