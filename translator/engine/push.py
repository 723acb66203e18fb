"""``translator push``: inbox files in, validated documents out to Amazon, exactly once.

Order of a pass: reconcile anything a crashed run left between intent and transaction id; claim and
parse new files; release or reject waiting documents; validate; submit in batches. Before each
request the intent is committed (``submitting`` with a batch id), after it the transaction ids, so
a kill at any point leaves a row that says what to check.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from translator.engine import edi_acks, intake, poll, prerequisites, reconcile
from translator.engine.context import Engine
from translator.errors import ApiError, DocumentRejected, RetriableError
from translator.problems import Problem

SUBMITTERS = {
    "acknowledgements": "submit_acknowledgements",
    "shipment-confirmations": "submit_shipment_confirmations",
    "shipment-status-updates": "submit_shipment_status_updates",
    "invoices": "submit_invoices",
    "label-requests": "submit_shipping_label_requests",
}


@dataclass
class PushResult:
    claimed: int = 0
    documents: int = 0
    submitted: int = 0
    waiting: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)


def push(engine: Engine, *, submit: bool = True) -> PushResult:
    """One pass over the inbox and the open documents."""
    result = PushResult()
    reconcile.reconcile(engine)
    edi_acks.take_acknowledgements(engine)
    result.claimed = intake.claim_inbox(engine)
    result.documents = intake.parse_claimed(engine)
    advance(engine, result, submit=submit)
    if submit:
        submit_ready(engine, result, poll_between=True)
    engine.progress(f"push: {result.claimed} file(s) claimed, {result.documents} document(s) read, "
                    f"{result.submitted} submitted, {result.waiting} waiting, {result.rejected} rejected")
    return result


ADVANCE_CHUNK = 500


def advance(engine: Engine, result: PushResult, *, submit: bool = False) -> None:
    """Received and waiting documents: check the prerequisite, then validate against the store.

    Verdicts are committed in chunks; nothing is submitted before its verdict is committed, and a
    crash mid-way simply re-judges the rest. With ``submit``, each full batch is sent as soon as its
    chunk is committed and due transactions are polled in between, so validating the next documents
    overlaps the rate limiter's waits instead of queueing behind them (the remainder, less than a
    batch per kind, is left ``validated`` for :func:`submit_ready`).
    """
    rows = engine.store.documents("state IN ('received','waiting')")
    facts = engine.facts
    chunk = min(ADVANCE_CHUNK, engine.config.api.batch_size) if submit else ADVANCE_CHUNK
    ready: dict[str, list[Any]] = defaultdict(list)
    for start in range(0, len(rows), chunk):
        with engine.store.transaction() as db:
            for row in rows[start:start + chunk]:
                if _judge(engine, db, row, result, facts):
                    ready[row["kind"]].append(row)
        if submit:
            _submit_full_batches(engine, ready, result)
            poll.poll(engine)
    engine.fresh.clear()


def _judge(engine: Engine, db: Any, row: Any, result: PushResult, facts: Any) -> bool:
    """Give one document its verdict (in ``db``'s transaction); True when it is ready to submit."""
    verdict, reason = prerequisites.check(engine, row, facts)
    if verdict == prerequisites.WAIT and not prerequisites.timed_out(engine, row):
        if row["state"] != "waiting":
            engine.store.set_state([row["id"]], "waiting", db, waiting_since=engine.store.now(), detail=reason)
        result.waiting += 1
        return False
    if verdict == prerequisites.READY:
        doc = engine.fresh.pop(row["id"], None) or intake.mapped_document(row)
        problems = [p for p in engine.validate(doc, facts) if p.severity == "error"]
    else:
        code = "PREREQUISITE-FAILED" if verdict == prerequisites.FAILED else "PREREQUISITE-TIMEOUT"
        problems = [prerequisites.problem(row, code, reason)]
    if problems:
        engine.store.set_state([row["id"]], "rejected", db, problems=[p.to_dict() for p in problems])
        result.rejected += 1
        return False
    engine.store.set_state([row["id"]], "validated", db, detail=None)
    return True


def _per_batch(engine: Engine, kind: str) -> int:
    return engine.config.api.batch_size if kind in SUBMITTERS else 1


def _submit_full_batches(engine: Engine, ready: dict[str, list[Any]], result: PushResult) -> None:
    for kind, rows in ready.items():
        size = _per_batch(engine, kind)
        while len(rows) >= size:
            result.submitted += submit_batch(engine, kind, rows[:size], result)
            del rows[:size]


def submit_ready(engine: Engine, result: PushResult, *, poll_between: bool = False) -> None:
    """Submit validated documents, grouped by kind, in batches of ``[api] batch_size``; with
    ``poll_between``, due transactions are polled between batches (never more often than
    ``poll_interval``; off where another thread owns polling, as in ``translator run``)."""
    groups: dict[str, list[Any]] = defaultdict(list)
    for row in engine.store.documents("state='validated'"):
        groups[row["kind"]].append(row)
    for kind, rows in groups.items():
        per_batch = _per_batch(engine, kind)
        for start in range(0, len(rows), per_batch):
            result.submitted += submit_batch(engine, kind, rows[start:start + per_batch], result)
            if poll_between:
                poll.poll(engine)


def record_intent(engine: Engine, kind: str, rows: list[Any]) -> int:
    with engine.store.transaction() as db:
        cursor = db.execute("INSERT INTO batches(kind, intent_at, state) VALUES (?,?,'submitting')",
                            (kind, engine.store.now()))
        batch_id = int(cursor.lastrowid)
        now = engine.store.now()
        db.executemany("UPDATE documents SET state='submitting', batch_id=?, attempts=attempts+1, updated=? "
                       "WHERE id=?", [(batch_id, now, row["id"]) for row in rows])
    return batch_id


def record_submitted(engine: Engine, batch_id: int, kind: str, transaction_ids: list[str]) -> None:
    now = engine.store.now()
    with engine.store.transaction() as db:
        db.execute("UPDATE batches SET transaction_ids=?, submitted_at=?, state='submitted' WHERE id=?",
                   (json.dumps(transaction_ids), now, batch_id))
        db.execute("UPDATE documents SET state='submitted', updated=? WHERE batch_id=?", (now, batch_id))
        for tid in transaction_ids:
            db.execute("INSERT OR IGNORE INTO transactions(transaction_id, batch_id, kind, status, submitted_at)"
                       " VALUES (?,?,?,'Processing',?)", (tid, batch_id, kind, now))


def send(engine: Engine, kind: str, items: list[dict[str, Any]], keys: list[str]) -> list[str]:
    """The API call for one batch; inventory goes one warehouse per call."""
    if kind == "inventory":
        return [engine.client.submit_inventory_update(keys[0], items[0])]
    return list(getattr(engine.client, SUBMITTERS[kind])(items))


def submit_batch(engine: Engine, kind: str, rows: list[Any], result: PushResult) -> int:
    """Intent, request, transaction ids; an API refusal fails the batch, a transient error leaves it
    for reconciliation (the request may or may not have arrived)."""
    batch_id = record_intent(engine, kind, rows)
    items = [json.loads(r["item"]) for r in rows]
    if kind == "label-requests" and engine.config.vendor.label_api == "create":
        return create_labels(engine, batch_id, rows, items, result)
    try:
        ids = send(engine, kind, items, [r["key"] for r in rows])
    except DocumentRejected as exc:
        _fail_batch(engine, batch_id, [p.to_dict() for p in exc.problems])
        result.rejected += len(rows)
        return 0
    except ApiError as exc:
        _fail_batch(engine, batch_id, exc.errors or [{"code": "ApiError", "message": str(exc)}])
        result.errors.append(str(exc))
        return 0
    except RetriableError as exc:
        result.errors.append(f"{kind}: {exc} (will be reconciled on the next pass)")
        return 0
    record_submitted(engine, batch_id, kind, ids)
    return len(rows)


def create_labels(engine: Engine, batch_id: int, rows: list[Any], items: list[dict[str, Any]],
                  result: PushResult) -> int:
    """createShippingLabels: synchronous, so the answer is the outcome (and the label files)."""
    from translator.engine.pull import PullResult, _labels

    done = 0
    for row, item in zip(rows, items, strict=True):
        po = row["key"]
        body = {k: v for k, v in item.items() if k != "purchaseOrderNumber"}
        try:
            label = engine.client.create_shipping_labels(po, body)
        except ApiError as exc:
            _fail_docs(engine, [row["id"]], exc.errors or [{"code": "ApiError", "message": str(exc)}])
            result.rejected += 1
            continue
        except RetriableError as exc:
            result.errors.append(f"createShippingLabels {po}: {exc} (will be reconciled on the next pass)")
            continue
        with engine.store.transaction() as db:
            engine.store.set_state([row["id"]], "success", db, detail="label created")
        _labels(engine, po, PullResult(), label)
        done += 1
    with engine.store.transaction() as db:
        db.execute("UPDATE batches SET state='done' WHERE id=?", (batch_id,))
    return done


def _fail_docs(engine: Engine, doc_ids: list[int], errors: list[dict[str, Any]]) -> None:
    problems = [_api_problem(e) for e in errors]
    with engine.store.transaction() as db:
        engine.store.set_state(doc_ids, "failure", db, problems=problems)


def _fail_batch(engine: Engine, batch_id: int, errors: list[dict[str, Any]]) -> None:
    problems = [_api_problem(e) for e in errors]
    with engine.store.transaction() as db:
        db.execute("UPDATE batches SET state='refused' WHERE id=?", (batch_id,))
        db.execute("UPDATE documents SET state='failure', problems=?, updated=? WHERE batch_id=?",
                   (json.dumps(problems), engine.store.now(), batch_id))


def _api_problem(error: dict[str, Any]) -> dict[str, Any]:
    if "rule" in error:
        return error
    return Problem(code=str(error.get("code") or "API-ERROR"), rule=str(error.get("message") or ""),
                   value=None, hint=str(error.get("details")) if error.get("details") else None).to_dict()
