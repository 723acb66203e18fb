"""The sandbox's answers to the business rules' questions (an ``OrderFacts`` over its state).

The rules themselves live in :mod:`translator.documents.rules` (shared with the engine); this
module only answers what the rules ask about an order's history and turns their problems into
SP-API error objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from translator.documents import rules
from translator.problems import Problem
from translator.sandbox.state import SandboxState


class StateFacts:
    """``OrderFacts`` over :class:`SandboxState` (caller holds the state lock)."""

    def __init__(self, state: SandboxState, version: str = "2021-12-28") -> None:
        self._state = state
        self._version = version

    def order(self, po: str) -> dict | None:
        found = self._state.order(po)
        return found.api_order("2021-12-28") if found else None

    def order_status(self, po: str) -> str | None:
        found = self._state.order(po)
        return found.status if found else None

    def is_accepted(self, po: str) -> bool | None:
        found = self._state.order(po)
        return None if found is None else found.status in ("ACCEPTED", "SHIPPED")

    def is_shipped(self, po: str) -> bool | None:
        found = self._state.order(po)
        return None if found is None else found.status == "SHIPPED"

    def is_vendor_own_carrier(self, po: str) -> bool | None:
        found = self._state.order(po)
        return None if found is None else found.gen.voc

    def is_label_only(self, po: str) -> bool | None:
        found = self._state.order(po)
        return None if found is None else found.gen.label_only

    def confirmed_tracking_numbers(self, po: str) -> set[str] | None:
        found = self._state.order(po)
        return None if found is None else set(found.confirmed_tracking)

    def label_tracking_numbers(self, po: str) -> set[str] | None:
        found = self._state.order(po)
        if found is None or found.label is None:
            return None if found is None else set()
        return {d["trackingNumber"] for d in found.label["labelData"]}

    def invoice_number_used(self, number: str) -> bool:
        return number in self._state.invoice_numbers

    def known_warehouse(self, warehouse_id: str) -> bool:
        return warehouse_id in self._state.config.warehouses

    def known_warehouses(self) -> set[str]:
        return set(self._state.config.warehouses)

    def selling_party(self) -> str:
        return self._state.config.selling_party


def check(kind: str, item: Any, facts: StateFacts, now: datetime,
          path_params: Mapping[str, str] | None = None) -> list[Problem]:
    """Business-rule problems for one submitted document, judged by the shared rule set."""
    return rules.check(kind, item, facts, path_params=path_params or {}, now=now)


def problem_error(problem: Problem) -> dict:
    """A rule problem as an SP-API error object (``details`` locates it in the document)."""
    where = [f"{k}={v}" for k, v in (("document", problem.document), ("field", problem.field),
                                      ("value", problem.value)) if v is not None]
    if problem.hint:
        where.append(problem.hint)
    return {"code": problem.code, "message": problem.rule, "details": "; ".join(where)}
