"""Transaction polling: Processing -> Success | Failure, then each document's own outcome.

One transaction may carry a batch of documents. Amazon (and the sandbox) apply the good ones and
report an error per broken rule, so a Failure is attributed to the documents its errors name
(by PO or invoice number); the others in the batch succeeded. An error naming none of them fails
the whole batch. A transaction still Processing after ``processing_success_after`` counts as
Success (Amazon's documented rule).
"""

from __future__ import annotations

import json
from typing import Any

from translator.engine.context import Engine
from translator.engine.store import parse_iso
from translator.errors import RetriableError, TranslatorError
from translator.problems import Problem

FINAL = ("Success", "Failure")


def poll(engine: Engine) -> int:
    """Check every open transaction once; returns how many are still Processing."""
    open_count = 0
    for txn in engine.store.all("SELECT * FROM transactions WHERE status='Processing' ORDER BY submitted_at"):
        if not _due(engine, txn):
            open_count += 1
            continue
        status, errors = _check(engine, txn)
        with engine.store.transaction() as db:
            db.execute("UPDATE transactions SET status=?, errors=?, checked_at=? WHERE transaction_id=?",
                       (status, json.dumps(errors), engine.store.now(), txn["transaction_id"]))
        open_count += status == "Processing"
    settle_batches(engine)
    return open_count


def _due(engine: Engine, txn: Any) -> bool:
    """Ask about a transaction at most once per ``poll_interval`` (no wasted calls)."""
    last = parse_iso(txn["checked_at"] or txn["submitted_at"])
    return last is None or (engine.clock() - last).total_seconds() >= engine.config.timing.poll_interval


def _check(engine: Engine, txn: Any) -> tuple[str, list[dict[str, Any]]]:
    try:
        answer = engine.client.get_transaction_status(txn["transaction_id"])
    except RetriableError:
        return "Processing", []
    except TranslatorError as exc:
        return "Failure", [{"code": "TRANSACTION-UNKNOWN", "message": str(exc)}]
    status = str(answer.get("status") or "Processing")
    if status not in FINAL:
        submitted = parse_iso(txn["submitted_at"])
        age = (engine.clock() - submitted).total_seconds() if submitted else 0
        if age > engine.config.timing.processing_success_after:
            return "Success", [{"code": "ASSUMED-SUCCESS", "message": "still Processing after the configured "
                                "time; Amazon counts this as Success"}]
        return "Processing", []
    return status, list(answer.get("errors") or [])


def settle_batches(engine: Engine) -> None:
    """Batches whose transactions are all final: give each document its outcome."""
    finished = engine.store.all(
        "SELECT b.id FROM batches b WHERE b.state='submitted' AND EXISTS (SELECT 1 FROM transactions t WHERE "
        "t.batch_id=b.id) AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.batch_id=b.id AND t.status "
        "NOT IN ('Success','Failure'))")
    for batch in finished:
        txns = engine.store.all("SELECT status, errors FROM transactions WHERE batch_id=?", batch["id"])
        errors = [e for t in txns for e in json.loads(t["errors"] or "[]") if e.get("code") != "ASSUMED-SUCCESS"]
        failed = any(t["status"] == "Failure" for t in txns)
        docs = engine.store.documents("batch_id=?", batch["id"])
        with engine.store.transaction() as db:
            for doc, doc_errors in attribute(docs, errors if failed else []):
                state = "failure" if doc_errors else "success"
                problems = [error_problem(e, doc) for e in doc_errors]
                engine.store.set_state([doc["id"]], state, db, problems=problems)
                if state == "success":
                    record_effect(db, doc)
            db.execute("UPDATE batches SET state='done' WHERE id=?", (batch["id"],))


def attribute(docs: list[Any], errors: list[dict[str, Any]]) -> list[tuple[Any, list[dict[str, Any]]]]:
    """Each document with the errors that name it (by key or PO); unattributable errors fail all."""
    result: list[tuple[Any, list[dict[str, Any]]]] = [(doc, []) for doc in docs]
    unmatched = []
    for error in errors:
        text = " ".join(str(error.get(k) or "") for k in ("code", "message", "details"))
        owners = [found for doc, found in result if _names(text, doc)]
        for found in owners:
            found.append(error)
        if not owners:
            unmatched.append(error)
    for _, found in result:
        found.extend(unmatched)
    return result


def _names(text: str, doc: Any) -> bool:
    import re

    names = {doc["key"], *json.loads(doc["pos"])}
    return any(re.search(rf"(?<![A-Za-z0-9]){re.escape(n)}(?![A-Za-z0-9])", text) for n in names if n)


def error_problem(error: dict[str, Any], doc: Any) -> dict[str, Any]:
    return Problem(code=str(error.get("code") or "API-FAILURE"),
                   rule=str(error.get("message") or "Amazon reported the transaction as failed"),
                   hint=str(error.get("details")) if error.get("details") else None,
                   document=doc["key"]).to_dict()


def record_effect(db: Any, doc: Any) -> None:
    """What an accepted document changed at Amazon, kept on the stored order (status, clocks)."""
    item = json.loads(doc["item"])
    new_status = None
    if doc["kind"] == "acknowledgements":
        code = str((item.get("acknowledgementStatus") or {}).get("code", ""))
        new_status = "ACCEPTED" if code == "00" else "CANCELLED"
    elif doc["kind"] == "shipment-confirmations":
        shipped = (item.get("shipmentDetails") or {}).get("shipmentStatus") != "FLOOR_DENIAL"
        new_status = "SHIPPED" if shipped else "CANCELLED"
    if new_status:
        for po in json.loads(doc["pos"]):
            db.execute("UPDATE orders SET status=? WHERE po=?", (new_status, po))
