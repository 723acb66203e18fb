"""Ordering: a document that depends on another waits until that one is accepted.

An ERP may drop the invoice before the shipment confirmation; Amazon would reject it. So a document
whose prerequisite has not succeeded yet is held as ``waiting`` and released when it does. It is
rejected only when the prerequisite failed or nothing arrived within ``prerequisite_timeout``.
"""

from __future__ import annotations

import json
from typing import Any

from translator.engine.context import Engine
from translator.engine.docinfo import PREREQUISITE
from translator.engine.store import OPEN_STATES, parse_iso
from translator.problems import Problem

READY, WAIT, FAILED = "ready", "waiting", "failed"


def check(engine: Engine, row: Any, facts: Any = None) -> tuple[str, str]:
    """(verdict, reason) for a received or waiting document (``facts``: the pass's, else fresh ones)."""
    needed = PREREQUISITE.get(row["kind"])
    if needed is None:
        return READY, ""
    facts = facts if facts is not None else engine.facts
    verdicts = [_check_po(engine, facts, row, needed, po) for po in json.loads(row["pos"])]
    for verdict in (FAILED, WAIT):
        found = [reason for v, reason in verdicts if v == verdict]
        if found:
            return verdict, found[0]
    return READY, ""


def _check_po(engine: Engine, facts: Any, row: Any, needed: str, po: str) -> tuple[str, str]:
    if needed == "acknowledgements":
        accepted = facts.is_accepted(po)
        if accepted:
            return READY, ""
        if accepted is False and _latest_success(engine, needed, po):
            return FAILED, f"order {po} was not accepted (its acknowledgement rejected it)"
    elif needed == "shipment-confirmations":
        if _confirmation_ready(facts, row, po):
            return READY, ""
    return _pending_or_failed(engine, needed, po)


def _confirmation_ready(facts: Any, row: Any, po: str) -> bool:
    if row["kind"] == "shipment-status-updates":
        wanted = set(json.loads(row["tracking"]))
        confirmed = facts.confirmed_tracking_numbers(po) or set()
        return bool(wanted) and wanted <= confirmed if wanted else bool(facts.is_shipped(po))
    return bool(facts.is_shipped(po))


def _latest_success(engine: Engine, kind: str, po: str) -> bool:
    return engine.store.one("SELECT 1 FROM documents WHERE kind=? AND state='success' AND id IN (SELECT document_id FROM document_pos WHERE po=?)",
                            kind, po) is not None


def _pending_or_failed(engine: Engine, needed: str, po: str) -> tuple[str, str]:
    rows = engine.store.all("SELECT state FROM documents WHERE kind=? AND id IN (SELECT document_id FROM document_pos WHERE po=?) ORDER BY id",
                            needed, po)
    states = [r["state"] for r in rows]
    if any(s in OPEN_STATES for s in states):
        return WAIT, f"waiting for the {needed} of order {po}"
    if states and states[-1] in ("failure", "rejected"):
        return FAILED, f"the {needed} of order {po} was {states[-1]}"
    return WAIT, f"no {needed} of order {po} has been accepted yet"


def timed_out(engine: Engine, row: Any) -> bool:
    since = parse_iso(row["waiting_since"])
    if since is None:
        return False
    return (engine.clock() - since).total_seconds() > engine.config.timing.prerequisite_timeout


def problem(row: Any, code: str, reason: str) -> Problem:
    hints = {
        "PREREQUISITE-FAILED": "fix and resend the earlier document first, then drop this file again "
                               "(translator retry FILE)",
        "PREREQUISITE-TIMEOUT": "send the missing earlier document, then run translator retry on this file",
    }
    rule = f"this {row['kind']} document can only be sent after its prerequisite is accepted: {reason}"
    return Problem(code=code, rule=rule, hint=hints[code], document=row["key"])
