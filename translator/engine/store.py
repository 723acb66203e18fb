"""The state store: one SQLite file that says where every order, file and document stands.

Every state change is committed before the step that depends on it, so a process killed at any
instant leaves rows that the next run can resume from. Document states::

    received -> waiting (prerequisite) -> validated -> submitting (intent) -> submitted (transaction id)
             -> success | failure            (and: rejected, duplicate, needs-reconcile)

The schema is versioned; :data:`MIGRATIONS` is applied in order and never edited once released.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FINAL_STATES = frozenset({"success", "failure", "rejected", "duplicate"})
OPEN_STATES = frozenset({"received", "waiting", "validated", "submitting", "submitted", "needs-reconcile"})

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE orders (
        po TEXT PRIMARY KEY, body TEXT NOT NULL, order_date TEXT, status TEXT, ship_from TEXT,
        required_ship_date TEXT, voc INTEGER, label_mode TEXT,
        pslip_required INTEGER NOT NULL DEFAULT 0, first_seen TEXT NOT NULL, updated TEXT NOT NULL,
        exported_at TEXT, label_file TEXT, slip_file TEXT, invoice_file TEXT);
    CREATE TABLE outbound_files (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, partner TEXT,
        control_number TEXT, sent_at TEXT NOT NULL, ack_status TEXT, ack_at TEXT, ack_detail TEXT);
    CREATE TABLE inbound_files (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT, route TEXT,
        status TEXT NOT NULL, received TEXT NOT NULL, finished TEXT, problems TEXT, outcome TEXT);
    CREATE TABLE batches (
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL, intent_at TEXT NOT NULL, transaction_ids TEXT,
        submitted_at TEXT, state TEXT NOT NULL);
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY, file_id INTEGER REFERENCES inbound_files(id), kind TEXT NOT NULL,
        key TEXT NOT NULL, content_hash TEXT NOT NULL, identity TEXT NOT NULL, item TEXT NOT NULL,
        pos TEXT NOT NULL DEFAULT '[]', tracking TEXT NOT NULL DEFAULT '[]', state TEXT NOT NULL,
        problems TEXT NOT NULL DEFAULT '[]', sources TEXT NOT NULL DEFAULT '[]',
        attempts INTEGER NOT NULL DEFAULT 0, batch_id INTEGER REFERENCES batches(id),
        created TEXT NOT NULL, updated TEXT NOT NULL, waiting_since TEXT, detail TEXT);
    CREATE INDEX documents_identity ON documents(identity);
    CREATE INDEX documents_state ON documents(state);
    CREATE INDEX documents_kind_key ON documents(kind, key);
    CREATE TABLE transactions (
        transaction_id TEXT PRIMARY KEY, batch_id INTEGER REFERENCES batches(id), kind TEXT,
        status TEXT NOT NULL, submitted_at TEXT NOT NULL, checked_at TEXT, errors TEXT);
    CREATE TABLE control_numbers (partner TEXT NOT NULL, level TEXT NOT NULL, value INTEGER NOT NULL,
        PRIMARY KEY (partner, level));
    CREATE TABLE events (id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT,
        detail TEXT);
    """,
    # 2: the functional-group number of outbound EDI, which is what a 997's AK1 refers to
    """
    ALTER TABLE outbound_files ADD COLUMN group_number TEXT;
    CREATE INDEX outbound_group ON outbound_files(partner, group_number);
    """,
    # 3: purchase orders of each document as rows, so per-order questions use an index, not a scan
    """
    CREATE TABLE document_pos (document_id INTEGER NOT NULL REFERENCES documents(id), po TEXT NOT NULL,
        PRIMARY KEY (po, document_id));
    INSERT INTO document_pos(document_id, po) SELECT d.id, j.value FROM documents d, json_each(d.pos) j;
    CREATE INDEX documents_batch ON documents(batch_id);
    CREATE INDEX documents_file ON documents(file_id);
    CREATE INDEX transactions_status ON transactions(status);
    """,
    # 4: settling a batch looks up its transactions on every poll
    """
    CREATE INDEX transactions_batch ON transactions(batch_id);
    """,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Store:
    """One connection per engine; WAL so ``translator status`` can read while a batch writes."""

    def __init__(self, path: str | Path, *, clock: Any = utcnow) -> None:
        self.path = Path(path)
        self.clock = clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a committed transaction survives any process crash (SIGKILL included); only
        # a power cut can lose the last few commits, never corrupt the file.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.migrate()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def now(self) -> str:
        return iso(self.clock())

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT: the block's changes are durable together or not at all."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        with self.transaction() as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            for index, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={index}")

    # -- generic helpers -------------------------------------------------------------------------
    def one(self, sql: str, *args: Any) -> sqlite3.Row | None:
        return self.db.execute(sql, args).fetchone()

    def all(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        return self.db.execute(sql, args).fetchall()

    def event(self, kind: str, subject: str | None, detail: Any = None, db: sqlite3.Connection | None = None) -> None:
        (db or self.db).execute("INSERT INTO events(at, kind, subject, detail) VALUES (?,?,?,?)",
                                (self.now(), kind, subject, json.dumps(detail) if detail is not None else None))

    def get_meta(self, key: str) -> str | None:
        row = self.one("SELECT value FROM meta WHERE key=?", key)
        return row["value"] if row else None

    def set_meta(self, key: str, value: str, db: sqlite3.Connection | None = None) -> None:
        (db or self.db).execute("INSERT INTO meta(key, value) VALUES (?,?) ON CONFLICT(key) DO UPDATE "
                                "SET value=excluded.value", (key, value))

    # -- orders ----------------------------------------------------------------------------------
    def upsert_order(self, order: dict[str, Any], label_mode: str, db: sqlite3.Connection) -> bool:
        """Store or refresh an order; True when it was not known before."""
        po = order["purchaseOrderNumber"]
        details = order.get("orderDetails") or {}
        ship_info = details.get("shipmentDetails") or {}
        flag = ship_info.get("isAmazonLabel")
        voc = None if flag is None else (0 if flag else 1)
        known = db.execute("SELECT 1 FROM orders WHERE po=?", (po,)).fetchone() is not None
        now = self.now()
        db.execute(
            "INSERT INTO orders(po, body, order_date, status, ship_from, required_ship_date, voc, label_mode,"
            " pslip_required, first_seen, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(po) DO UPDATE SET"
            " body=excluded.body, status=excluded.status, updated=excluded.updated",
            (po, json.dumps(order), details.get("orderDate"), details.get("orderStatus") or order.get("orderStatus"),
             (details.get("shipFromParty") or {}).get("partyId"),
             (ship_info.get("shipmentDates") or {}).get("requiredShipDate"), voc,
             label_mode if voc is None else ("own-carrier" if voc else "amazon"), 1 if ship_info.get("isPslipRequired") else 0, now, now))
        return not known

    def order(self, po: str) -> dict[str, Any] | None:
        row = self.one("SELECT body FROM orders WHERE po=?", po)
        return json.loads(row["body"]) if row else None

    def order_row(self, po: str) -> sqlite3.Row | None:
        return self.one("SELECT * FROM orders WHERE po=?", po)

    # -- documents -------------------------------------------------------------------------------
    def set_state(self, doc_ids: Iterable[int], state: str, db: sqlite3.Connection | None = None,
                  **columns: Any) -> None:
        sets = ", ".join(["state=?", "updated=?", *(f"{k}=?" for k in columns)])
        values = [state, self.now(), *(_column(v) for v in columns.values())]
        (db or self.db).executemany(f"UPDATE documents SET {sets} WHERE id=?", [(*values, i) for i in doc_ids])

    def documents(self, where: str = "1=1", *args: Any) -> list[sqlite3.Row]:
        return self.all(f"SELECT * FROM documents WHERE {where} ORDER BY id", *args)

    def accepted_identity(self, identity: str) -> sqlite3.Row | None:
        """The earlier document with this identity that is accepted or still on its way."""
        return self.one("SELECT * FROM documents WHERE identity=? AND state NOT IN "
                        "('rejected','duplicate') ORDER BY id LIMIT 1", identity)


def _column(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, list | dict) else value


class StoreControlNumbers:
    """Persistent ``control_numbers.next(partner, level)`` for the X12/EDIFACT writers."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.issued: list[tuple[str, str, int]] = []

    def next(self, partner: str, level: str) -> int:
        with self.store.transaction() as db:
            row = db.execute("SELECT value FROM control_numbers WHERE partner=? AND level=?",
                             (partner, level)).fetchone()
            value = (row["value"] if row else 0) % 999_999_999 + 1
            db.execute("INSERT INTO control_numbers(partner, level, value) VALUES (?,?,?) ON CONFLICT"
                       "(partner, level) DO UPDATE SET value=excluded.value", (partner, level, value))
        self.issued.append((partner, level, value))
        return value

    def first(self, level: str = "interchange") -> int | None:
        return next((v for _, lvl, v in self.issued if lvl == level), None)
