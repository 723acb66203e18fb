"""Inventory rules: a known warehouse, whole non-negative stock, an identified product."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from translator.documents.rules._common import Context, get, items_of, path, problem, whole
from translator.problems import Problem


def check(item: Mapping[str, Any], ctx: Context) -> Iterator[Problem]:
    warehouse = ctx.path_params.get("warehouseId")
    if isinstance(warehouse, str) and ctx.facts.known_warehouse(warehouse) is False:
        yield problem("STOCK-WAREHOUSE-UNKNOWN", "inventory can be sent only for one of the vendor's warehouses",
                      "Check the warehouse code (ship-from party ID) configured for this feed.",
                      "warehouseId", warehouse, warehouse)
    for i, row in items_of(item, "items"):
        yield from _row(row, i, warehouse)


def _row(row: Mapping[str, Any], i: int, warehouse: Any) -> Iterator[Problem]:
    if all(row.get(n) in (None, "") for n in ("buyerProductIdentifier", "vendorProductIdentifier")):
        yield problem("STOCK-PRODUCT-MISSING", "each inventory line needs buyerProductIdentifier or "
                      "vendorProductIdentifier", "Add the product identifier.", path("items", i), None, warehouse)
    raw = get(row, "availableQuantity", "amount")
    if raw is None:
        return
    amount, field = whole(raw), path("items", i, "availableQuantity", "amount")
    if amount is None:
        yield problem("STOCK-QTY-NOT-WHOLE", "availableQuantity.amount must be a whole number",
                      "Write the stock as a whole number of units.", field, raw, warehouse)
    elif amount < 0:
        yield problem("STOCK-QTY-NEGATIVE", "available stock cannot be negative",
                      "Send 0 when nothing is available.", field, amount, warehouse)
