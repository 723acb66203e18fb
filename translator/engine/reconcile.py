"""After a crash between "intent recorded" and "transaction id recorded": find out, never guess.

The request may or may not have reached Amazon. Resubmitting blindly could double an invoice, so
each stale ``submitting`` document is checked where the truth lives:

* the local sandbox: its submission log holds a digest of every document it received (exact);
* acknowledgements and shipment confirmations: the order's status through getOrder;
* label requests: whether getShippingLabel returns a label;
* anything else (invoices, status updates, inventory): ``needs-reconcile`` until a person decides
  (``translator retry --force``), because Amazon offers no way to ask.

A document that provably never arrived goes back to ``validated`` once ``reconcile_after`` has
passed since the intent (so a transaction still being processed is not mistaken for a lost one).
"""

from __future__ import annotations

import json
from typing import Any

from translator.engine.context import Engine
from translator.engine.docinfo import content_hash
from translator.engine.store import parse_iso
from translator.errors import TranslatorError

ARRIVED, MISSING, UNKNOWN, PENDING, FAILED = "arrived", "missing", "unknown", "pending", "failed"
SANDBOX_OUTCOME = {"Success": ARRIVED, "Failure": FAILED, "Processing": PENDING}


def reconcile(engine: Engine) -> int:
    """Settle every stale intent; returns how many documents were looked at."""
    rows = engine.store.documents("state IN ('submitting','needs-reconcile')")
    if not rows:
        return 0
    seen = sandbox_digests(engine)
    for row in rows:
        verdict = _verdict(engine, row, seen)
        _apply(engine, row, verdict)
    return len(rows)


def sandbox_digests(engine: Engine) -> dict[tuple[str, str], str] | None:
    """(kind, digest) -> transaction status of every document the local sandbox received, or None
    when the endpoint is not a local sandbox."""
    client = engine.client
    endpoint = getattr(client, "endpoint", None)
    session = getattr(client, "_session", None)
    if endpoint is None or session is None or not getattr(endpoint, "is_local", False):
        return None
    try:
        response = session.get(f"{endpoint.api_base}/_sandbox/submissions", timeout=(5, 30))
        if response.status_code != 200:
            return None
        rows = response.json()
    except (OSError, ValueError):
        return None
    rows = rows.get("submissions", rows) if isinstance(rows, dict) else rows
    return {(r.get("kind"), r.get("digest")): str(r.get("status")) for r in rows if isinstance(r, dict)}


def _verdict(engine: Engine, row: Any, seen: dict[tuple[str, str], str] | None) -> str:
    item = json.loads(row["item"])
    synchronous = row["kind"] == "label-requests" and engine.config.vendor.label_api == "create"
    if seen is not None and not synchronous:
        found = seen.get((row["kind"], content_hash(item)))
        return MISSING if found is None else SANDBOX_OUTCOME.get(found, PENDING)
    try:
        return _ask_api(engine, row)
    except TranslatorError:
        return UNKNOWN


def _ask_api(engine: Engine, row: Any) -> str:
    pos = json.loads(row["pos"])
    if row["kind"] in ("acknowledgements", "shipment-confirmations") and pos:
        order = engine.client.get_order(pos[0])
        status = (order.get("orderDetails") or {}).get("orderStatus") or order.get("orderStatus")
        done = {"acknowledgements": ("ACCEPTED", "SHIPPED", "CANCELLED"),
                "shipment-confirmations": ("SHIPPED", "CANCELLED")}[row["kind"]]
        if status is None:
            return UNKNOWN
        return ARRIVED if status in done else MISSING
    if row["kind"] == "label-requests" and pos:
        try:
            label = engine.client.get_shipping_label(pos[0])
        except TranslatorError:
            return MISSING
        return ARRIVED if label.get("labelData") else MISSING
    return UNKNOWN


def _old_enough(engine: Engine, row: Any) -> bool:
    batch = engine.store.one("SELECT intent_at FROM batches WHERE id=?", row["batch_id"])
    since = parse_iso(batch["intent_at"]) if batch else None
    return since is None or (engine.clock() - since).total_seconds() >= engine.config.timing.reconcile_after


def _apply(engine: Engine, row: Any, verdict: str) -> None:
    with engine.store.transaction() as db:
        if verdict == ARRIVED:
            engine.store.set_state([row["id"]], "success", db,
                                   detail="reconciled: the API had received it before the crash")
        elif verdict == FAILED:
            engine.store.set_state([row["id"]], "failure", db,
                                   detail="reconciled: the API received it before the crash and rejected it; "
                                          "see the sandbox transaction log")
        elif verdict == MISSING and _old_enough(engine, row):
            engine.store.set_state([row["id"]], "validated", db, detail="reconciled: never arrived, resending")
        elif verdict == UNKNOWN:
            engine.store.set_state([row["id"]], "needs-reconcile", db,
                                   detail="a crash interrupted its submission and the API cannot tell whether it"
                                          " arrived; check in Vendor Central, then translator retry --force")
        engine.store.event("reconcile", row["identity"], verdict, db)
