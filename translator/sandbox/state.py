"""The sandbox's world: orders and everything vendors send about them, behind one lock.

Orders move NEW -> ACCEPTED -> SHIPPED, or to CANCELLED (rejected acknowledgement or floor
denial), so getOrders ``status`` filters answer like Amazon's. Submissions wait as ``Processing``
transactions and are settled in submission order once their delay has passed, so a label request
sent after an acknowledgement is judged after that acknowledgement, as at Amazon.
"""

from __future__ import annotations

import bisect
import itertools
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from translator.sandbox import datagen
from translator.sandbox.config import SandboxConfig


@dataclass
class OrderState:
    """One generated order plus what has happened to it."""

    gen: datagen.GeneratedOrder
    status: str = "NEW"
    ack_code: str | None = None
    shipped_at: datetime | None = None
    confirmed_tracking: list[str] = field(default_factory=list)
    label: dict | None = None
    label_created: datetime | None = None
    packages: list[dict] = field(default_factory=list)
    status_events: list[dict] = field(default_factory=list)
    invoice_numbers: list[str] = field(default_factory=list)

    @property
    def po(self) -> str:
        return self.gen.po

    def api_order(self, version: str, include_details: bool = True) -> dict:
        """The order as getOrder(s) serves it in ``version`` (a fresh copy with the live status)."""
        if not include_details:
            return {"purchaseOrderNumber": self.po}
        details = dict(self.gen.order["orderDetails"])
        details["orderStatus"] = self.status
        if version == "v1":
            details.pop("hasCustomizableItems", None)
        return {"purchaseOrderNumber": self.po, "orderDetails": details}


@dataclass
class Transaction:
    """One asynchronous submission and, once settled, its outcome."""

    transaction_id: str
    operation: str
    kind: str
    items: list[Any]
    submitted_at: float
    ready_at: float
    digest: str
    context: dict = field(default_factory=dict)
    originals: list[Any] = field(default_factory=list)
    """The documents exactly as sent (``items`` may be normalised, e.g. v1 ``carton`` -> ``Carton``)."""
    status: str = "Processing"
    errors: list[dict] = field(default_factory=list)


class SandboxState:
    """Thread-safe store; callers hold ``lock`` around any read-modify-write sequence."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.started = config.clock()
        self.start_time = config.start_time or datetime.fromtimestamp(self.started, UTC).replace(microsecond=0)
        self.reset()

    def reset(self) -> None:
        """Back to the freshly generated orders; nothing submitted, nothing labelled."""
        with self.lock:
            cfg = self.config
            generated = datagen.history(cfg.seed, cfg.orders, self.start_time, cfg.history_hours,
                                        cfg.selling_party, cfg.warehouses, cfg.currency)
            self.orders: dict[str, OrderState] = {g.po: OrderState(g) for g in generated}
            self.timeline: list[tuple[datetime, str]] = sorted((g.created, g.po) for g in generated)
            self.arrived = 0
            self.transactions: dict[str, Transaction] = {}
            self.pending: list[Transaction] = []
            self.tracking_index: dict[str, str] = {}
            self.invoice_numbers: dict[str, str] = {}
            self.inventory: dict[str, dict[str, dict]] = {}
            self.scenarios: dict[str, dict] = {}
            self._tracking_counter = itertools.count(1)
            self._next_index = cfg.orders

    # --- orders -------------------------------------------------------------------------------
    def add_arrivals(self, now: float) -> None:
        """Create the orders that have 'arrived' by ``now`` at ``arrival_rate`` per minute."""
        rate = self.config.arrival_rate
        if rate <= 0:
            return
        due = int((now - self.started) * rate / 60)
        while self.arrived < due:
            self.arrived += 1
            created = self.start_time + timedelta(seconds=self.arrived * 60 / rate)
            self.add_order(created)

    def add_order(self, created: datetime, warehouse: str | None = None,
                  selling_party: str | None = None) -> OrderState:
        """A new generated order (arrivals and sandbox test-data scenarios)."""
        cfg = self.config
        warehouses = (warehouse,) if warehouse else cfg.warehouses
        gen = datagen.generate_order(cfg.seed, self._next_index, created, selling_party or cfg.selling_party,
                                     warehouses, cfg.currency)
        self._next_index += 1
        state = OrderState(gen)
        self.orders[gen.po] = state
        bisect.insort(self.timeline, (gen.created, gen.po))
        return state

    def order(self, po: str) -> OrderState | None:
        """The order ``po`` or ``None``."""
        return self.orders.get(po)

    def orders_created(self, after: datetime, before: datetime) -> list[OrderState]:
        """Orders with ``after <= orderDate < before``, oldest first."""
        low = bisect.bisect_left(self.timeline, (after, ""))
        high = bisect.bisect_left(self.timeline, (before, ""))
        return [self.orders[po] for _, po in self.timeline[low:high]]

    # --- labels and tracking numbers ----------------------------------------------------------
    def new_tracking_number(self) -> str:
        """A tracking number unique within this sandbox run (``TBA`` like Amazon's)."""
        return f"TBA{self.config.seed % 1000:03d}{next(self._tracking_counter):09d}"

    def store_label(self, order: OrderState, label: dict, packages: list[dict], now: datetime) -> None:
        """Keep the label and index its tracking numbers (createContainerLabel accepts them)."""
        order.label = label
        order.label_created = now
        order.packages = packages
        for data in label["labelData"]:
            self.tracking_index[data["trackingNumber"]] = order.po

    # --- transactions -------------------------------------------------------------------------
    def submit(self, operation: str, kind: str, items: list, digest: str, now: float,
               context: dict | None = None, originals: list | None = None) -> Transaction:
        """Queue a submission as a Processing transaction that settles after the delay."""
        stamp = datetime.fromtimestamp(now, UTC).strftime("%Y%m%d%H%M%S")
        txn = Transaction(f"{stamp}-{uuid.uuid4()}", operation, kind, items, now,
                          now + self.config.transaction_delay, digest, context or {},
                          originals if originals is not None else items)
        self.transactions[txn.transaction_id] = txn
        self.pending.append(txn)
        return txn

    def due_transactions(self, now: float) -> list[Transaction]:
        """Pop the pending transactions whose delay has passed, in submission order."""
        due = []
        while self.pending and self.pending[0].ready_at <= now:
            due.append(self.pending.pop(0))
        return due
