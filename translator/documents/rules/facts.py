"""What the rules may ask about the world beyond the document itself.

The sandbox answers from its order book, the engine from its state store, and a file-only check from
nothing (:class:`NoFacts`). ``None`` always means "unknown", and a rule that needs an unknown fact is
skipped rather than guessed, so the same rules run everywhere without false rejections.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class OrderFacts(Protocol):
    """Questions about orders and earlier submissions; every answer may be ``None`` (unknown)."""

    def order(self, po: str) -> dict[str, Any] | None:
        """The original order JSON (as getOrder returns it) for ``po``."""
        ...

    def is_accepted(self, po: str) -> bool | None:
        """True once an acknowledgement with code 00 for ``po`` succeeded."""
        ...

    def is_shipped(self, po: str) -> bool | None:
        """True once a shipment confirmation for ``po`` succeeded."""
        ...

    def confirmed_tracking_numbers(self, po: str) -> set[str] | None:
        """Tracking numbers given in ``po``'s successful shipment confirmations."""
        ...

    def is_vendor_own_carrier(self, po: str) -> bool | None:
        """True when the vendor ships ``po`` with its own carrier (VOC)."""
        ...

    def invoice_number_used(self, number: str) -> bool | None:
        """True when an invoice with this number was already accepted."""
        ...

    def known_warehouse(self, party_id: str) -> bool | None:
        """True when ``party_id`` is one of the vendor's warehouses."""
        ...


class NoFacts:
    """Knows nothing: only the rules that need the document alone run."""

    def order(self, po: str) -> dict[str, Any] | None:
        return None

    def is_accepted(self, po: str) -> bool | None:
        return None

    def is_shipped(self, po: str) -> bool | None:
        return None

    def confirmed_tracking_numbers(self, po: str) -> set[str] | None:
        return None

    def is_vendor_own_carrier(self, po: str) -> bool | None:
        return None

    def invoice_number_used(self, number: str) -> bool | None:
        return None

    def known_warehouse(self, party_id: str) -> bool | None:
        return None


@dataclass(frozen=True)
class StaticFacts:
    """Facts given up front (tests, one-off checks). A PO absent from a mapping is unknown.

    ``warehouses``/``used_invoice_numbers`` of ``None`` mean unknown; a collection means "exactly these".
    """

    orders: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    accepted: Mapping[str, bool] = field(default_factory=dict)
    shipped: Mapping[str, bool] = field(default_factory=dict)
    tracking_numbers: Mapping[str, frozenset[str]] = field(default_factory=dict)
    vendor_own_carrier: Mapping[str, bool] = field(default_factory=dict)
    used_invoice_numbers: frozenset[str] | None = None
    warehouses: frozenset[str] | None = None

    def order(self, po: str) -> dict[str, Any] | None:
        return self.orders.get(po)

    def is_accepted(self, po: str) -> bool | None:
        return self.accepted.get(po)

    def is_shipped(self, po: str) -> bool | None:
        return self.shipped.get(po)

    def confirmed_tracking_numbers(self, po: str) -> set[str] | None:
        numbers = self.tracking_numbers.get(po)
        return None if numbers is None else set(numbers)

    def is_vendor_own_carrier(self, po: str) -> bool | None:
        return self.vendor_own_carrier.get(po)

    def invoice_number_used(self, number: str) -> bool | None:
        return None if self.used_invoice_numbers is None else number in self.used_invoice_numbers

    def known_warehouse(self, party_id: str) -> bool | None:
        return None if self.warehouses is None else party_id in self.warehouses
