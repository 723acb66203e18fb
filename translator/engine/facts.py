"""``OrderFacts`` over the engine's store: what we know about an order's history.

The business rules (in :mod:`translator.documents.rules`) ask these questions; ``None`` means we do
not know (order never pulled), and the rule is then skipped rather than guessed.
"""

from __future__ import annotations

import json
from typing import Any

from translator.engine.store import Store


class StoreFacts:
    """Answers from stored orders (their API status) and our own accepted submissions."""

    def __init__(self, store: Store, warehouses: tuple[str, ...] = ()) -> None:
        self.store = store
        self.warehouses = warehouses
        self._orders: dict[str, dict[str, Any] | None] = {}

    def order(self, po: str) -> dict[str, Any] | None:
        """The order as the API sent it; read once per instance (one pass), as only a pull changes it."""
        if po not in self._orders:
            self._orders[po] = self.store.order(po)
        return self._orders[po]

    def _succeeded(self, kind: str, po: str) -> list[dict[str, Any]]:
        rows = self.store.all("SELECT item FROM documents WHERE kind=? AND state='success' AND "
                              "id IN (SELECT document_id FROM document_pos WHERE po=?)", kind, po)
        return [json.loads(r["item"]) for r in rows]

    def _status(self, po: str) -> str | None:
        row = self.store.one("SELECT status FROM orders WHERE po=?", po)   # not the body: it is large
        return row["status"] if row else None

    def is_accepted(self, po: str) -> bool | None:
        status = self._status(po)
        if status is None:
            return None
        acks = self._succeeded("acknowledgements", po)
        if acks:
            return str((acks[-1].get("acknowledgementStatus") or {}).get("code")) == "00"
        return status in ("ACCEPTED", "SHIPPED")

    def is_shipped(self, po: str) -> bool | None:
        status = self._status(po)
        if status is None:
            return None
        return status == "SHIPPED" or bool(self._succeeded("shipment-confirmations", po))

    def confirmed_tracking_numbers(self, po: str) -> set[str] | None:
        if self._status(po) is None:
            return None
        rows = self.store.all("SELECT tracking FROM documents WHERE kind='shipment-confirmations' AND "
                              "state='success' AND id IN (SELECT document_id FROM document_pos WHERE po=?)", po)
        return {number for r in rows for number in json.loads(r["tracking"])}

    def is_vendor_own_carrier(self, po: str) -> bool | None:
        row = self.store.one("SELECT voc FROM orders WHERE po=?", po)
        return None if row is None or row["voc"] is None else bool(row["voc"])

    def invoice_number_used(self, number: str) -> bool | None:
        row = self.store.one("SELECT 1 FROM documents WHERE kind='invoices' AND key=? AND state IN "
                             "('success','submitted','submitting','needs-reconcile')", number)
        return row is not None

    def known_warehouse(self, party_id: str) -> bool | None:
        if not self.warehouses:
            return None
        return party_id in self.warehouses
