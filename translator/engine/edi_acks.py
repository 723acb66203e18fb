"""Incoming 997s: the ERP's functional acknowledgements of the X12 files we sent it.

A ``*.997`` in the inbox is read with the x12 format, each AK1 (group control number) is matched to
the outbound file whose GS06 it names, and AK9's code is recorded on that file: ``A`` accepted,
``E`` accepted with errors, ``R``/``P`` rejected. ``translator status`` flags rejected files and
those still unacknowledged after ``unacknowledged_after``.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

from translator.engine.context import Engine
from translator.fileio import claim, move_into

PATTERNS = ("*.997",)


def is_acknowledgement(name: str) -> bool:
    return any(fnmatch.fnmatch(name.lower(), p) for p in PATTERNS)


def take_acknowledgements(engine: Engine) -> int:
    """Claim and apply every 997 in the inbox; returns how many outbound files they answered."""
    matched = 0
    for path in sorted(engine.config.folders.inbox.iterdir()):
        if path.is_file() and is_acknowledgement(path.name):
            claimed = claim(path, engine.config.folders.work)
            if claimed is not None:
                matched += apply_997(engine, claimed)
                move_into(claimed, engine.config.folders.archive, path.name)
    return matched


def apply_997(engine: Engine, path: Path) -> int:
    from translator.formats import get_format

    results: dict[str, str] = {}
    group = None
    with open(path, "rb") as stream:
        for record in get_format("x12").reader(stream, None, file_name=path.name):
            if record.tag == "AK1":
                group = record.get("AK102").lstrip("0")
            elif record.tag == "AK9" and group is not None:
                results[group] = record.get("AK901")
    matched = 0
    with engine.store.transaction() as db:
        for number, code in results.items():
            cursor = db.execute("UPDATE outbound_files SET ack_status=?, ack_at=?, ack_detail=? WHERE kind='x12' "
                                "AND group_number=?", (code, engine.store.now(), path.name, number))
            matched += cursor.rowcount
        engine.store.event("997", path.name, results, db)
    return matched
