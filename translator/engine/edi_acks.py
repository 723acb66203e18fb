"""Incoming 997s and CONTRLs: the ERP's acknowledgements of the X12 and EDIFACT files we sent it.

A ``*.997`` in the inbox is read with the x12 format, each AK1 (group control number) is matched to
the outbound file whose GS06 it names, and AK9's code is recorded on that file: ``A`` accepted,
``E`` accepted with errors, ``R``/``P`` rejected. A CONTRL (``*.contrl`` or ``contrl*``) is read with
the edifact format; each UCI names our interchange reference (UNB05), recorded as ``A`` (acknowledged
or received), ``P`` (some messages rejected, listed in the detail) or ``R`` (interchange rejected).
``translator status`` and the batch summary flag rejected files and those still unacknowledged after
``unacknowledged_after``.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

from translator.engine.context import Engine
from translator.fileio import claim, move_into

X12_PATTERNS = ("*.997",)
EDIFACT_PATTERNS = ("*.contrl", "contrl*")


def is_acknowledgement(name: str) -> bool:
    return _syntax(name) is not None


def _syntax(name: str) -> str | None:
    lowered = name.lower()
    if any(fnmatch.fnmatch(lowered, p) for p in X12_PATTERNS):
        return "x12"
    if any(fnmatch.fnmatch(lowered, p) for p in EDIFACT_PATTERNS):
        return "edifact"
    return None


def take_acknowledgements(engine: Engine) -> int:
    """Claim and apply every 997/CONTRL in the inbox; returns how many outbound files they answered."""
    matched = 0
    for path in sorted(engine.config.folders.inbox.iterdir()):
        syntax = _syntax(path.name) if path.is_file() else None
        if syntax is None:
            continue
        claimed = claim(path, engine.config.folders.work)
        if claimed is not None:
            matched += apply_acknowledgement(engine, claimed, path.name)
            move_into(claimed, engine.config.folders.archive, path.name)
    return matched


def apply_acknowledgement(engine: Engine, path: Path, name: str | None = None) -> int:
    """Apply a claimed 997 or CONTRL (told apart by its original ``name``); returns files matched."""
    if _syntax(name or path.name) == "edifact":
        return apply_contrl(engine, path)
    return _apply_x12(engine, path)


def apply_997(engine: Engine, path: Path) -> int:
    """Kept for callers that claim acknowledgements themselves: a CONTRL's name still routes it right."""
    return apply_acknowledgement(engine, path)


def _apply_x12(engine: Engine, path: Path) -> int:
    from translator.formats import get_format

    results: dict[str, str] = {}
    group = None
    with open(path, "rb") as stream:
        for record in get_format("x12").reader(stream, None, file_name=path.name):
            if record.tag == "AK1":
                group = record.get("AK102").lstrip("0")
            elif record.tag == "AK9" and group is not None:
                results[group] = record.get("AK901")
    updates = [(code, path.name, "group_number", number) for number, code in results.items()]
    return _record(engine, "x12", "997", path.name, updates, results)


def apply_contrl(engine: Engine, path: Path) -> int:
    """Match each UCI of a CONTRL to the EDIFACT interchange we sent with that UNB05."""
    from translator.formats.edifact import read_contrl, reader

    with open(path, "rb") as stream:
        outcomes = read_contrl(reader(stream, None, file_name=path.name))
    updates = [(*contrl_verdict(o), "control_number", o.interchange_ref.lstrip("0")) for o in outcomes]
    summary = {o.interchange_ref: {"action": o.action, "error": o.error, "messages": o.messages} for o in outcomes}
    return _record(engine, "edifact", "contrl", path.name, updates, summary)


def contrl_verdict(outcome: Any) -> tuple[str, str]:
    """(ack_status, detail) in the 997 vocabulary ``translator status`` already understands."""
    if outcome.action not in ("7", "8"):
        return "R", f"interchange rejected (UCI04 {outcome.action}, error {outcome.error or 'none given'})"
    if outcome.rejected_messages:
        return "P", f"message(s) {', '.join(outcome.rejected_messages)} rejected"
    return "A", "acknowledged" if outcome.action == "7" else "received"


def _record(engine: Engine, kind: str, event: str, name: str, updates: list[tuple[str, str, str, str]],
            detail: Any) -> int:
    matched = 0
    with engine.store.transaction() as db:
        for code, note, column, number in updates:
            text = name if note == name else f"{name}: {note}"
            cursor = db.execute(f"UPDATE outbound_files SET ack_status=?, ack_at=?, ack_detail=? WHERE kind=? "
                                f"AND ltrim({column}, '0')=?", (code, engine.store.now(), text, kind, number))
            matched += cursor.rowcount
            if not cursor.rowcount:
                engine.store.event(f"{event}-unmatched", name, {"reference": number}, db)
        engine.store.event(event, name, detail, db)
    return matched
