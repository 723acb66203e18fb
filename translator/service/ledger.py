"""A durable record of what was transferred, so a restart never downloads or delivers a file twice.

Kept in its own SQLite table (in the working directory's state database by default). An entry is
written *before* the step that makes a repeat harmful (renaming a download into the inbox), so a crash
at any point leaves either nothing done or a ledger entry that tells the next run what to finish.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS transfer_ledger (
    partner TEXT NOT NULL,
    direction TEXT NOT NULL,
    key TEXT NOT NULL,
    detail TEXT,
    at TEXT NOT NULL,
    PRIMARY KEY (partner, direction, key)
)
"""


class TransferLedger:
    """``seen``/``record`` over a SQLite table; safe to share between the service's threads."""

    def __init__(self, database: Path | str) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(database), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)

    def seen(self, partner: str, direction: str, key: str) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM transfer_ledger WHERE partner=? AND direction=? AND key=?",
                (partner, direction, key)).fetchone()
        return row is not None

    def record(self, partner: str, direction: str, key: str, *, detail: str | None = None) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO transfer_ledger (partner, direction, key, detail, at) VALUES (?,?,?,?,?)",
                (partner, direction, key, detail, datetime.now(UTC).isoformat()))

    def entries(self, partner: str, direction: str) -> list[tuple[str, str | None]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT key, detail FROM transfer_ledger WHERE partner=? AND direction=? ORDER BY at",
                (partner, direction)).fetchall()
        return [(key, detail) for key, detail in rows]

    def close(self) -> None:
        self._db.close()
