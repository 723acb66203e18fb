"""Shipment confirmation rules: every PO line, line numbers and identifiers as on the PO, packing adds up."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from translator.documents.rules._common import (
    Context,
    duplicates,
    get,
    items_of,
    line_key,
    order_lines,
    ordered_quantity,
    packed_units,
    parse_datetime,
    path,
    problem,
    whole,
)
from translator.problems import Problem

FLOOR_DENIAL = "FLOOR_DENIAL"
IDS = ("buyerProductIdentifier", "vendorProductIdentifier")


def check(item: Mapping[str, Any], ctx: Context) -> Iterator[Problem]:
    po = get(item, "purchaseOrderNumber")
    status = get(item, "shipmentDetails", "shipmentStatus")
    yield from _shipped_date(item, ctx, po)
    yield from _items(item, status, po)
    yield from _containers(item, ctx, po)
    yield from packing_adds_up(item, po)
    if not isinstance(po, str):
        return
    if ctx.facts.is_accepted(po) is False:
        yield problem("SHIP-ORDER-NOT-ACCEPTED", "a shipment can be confirmed only for an order that was accepted "
                      "(acknowledged with code 00)", "Send an accepting acknowledgement first and wait for it to "
                      "succeed.", path("purchaseOrderNumber"), po, po)
    lines = order_lines(ctx.facts.order(po))
    if lines is not None:
        yield from _against_order(item, lines, po, status)


def _shipped_date(item: Mapping[str, Any], ctx: Context, po: Any) -> Iterator[Problem]:
    raw = get(item, "shipmentDetails", "shippedDate")
    shipped = parse_datetime(raw)
    if shipped is not None and shipped > ctx.now:
        yield problem("SHIP-DATE-FUTURE", "shippedDate cannot be in the future",
                      "Confirm the shipment after it has left, with the real departure time and time zone.",
                      path("shipmentDetails", "shippedDate"), raw, po)


def _items(item: Mapping[str, Any], status: Any, po: Any) -> Iterator[Problem]:
    for i, line in items_of(item, "items"):
        if all(line.get(n) in (None, "") for n in IDS):
            yield problem("SHIP-PRODUCT-MISSING", "each shipped line needs buyerProductIdentifier or "
                          "vendorProductIdentifier", "Add the product identifier exactly as on the order.",
                          path("items", i), None, po)
        yield from _shipped_quantity(line, i, status, po)
    keys = [(i, line_key(line.get("itemSequenceNumber"))) for i, line in items_of(item, "items")]
    for i, key in duplicates([(i, k) for i, k in keys if k is not None]):
        yield problem("SHIP-LINE-DUPLICATE", "each order line may appear only once in a confirmation",
                      "Merge the rows of this line; put the split across packages in containers.",
                      path("items", i, "itemSequenceNumber"), key, po)


def _shipped_quantity(line: Mapping[str, Any], i: int, status: Any, po: Any) -> Iterator[Problem]:
    raw = get(line, "shippedQuantity", "amount")
    amount, field = whole(raw), path("items", i, "shippedQuantity", "amount")
    if amount is None:
        yield problem("SHIP-QTY-NOT-WHOLE", "shippedQuantity.amount must be a whole number",
                      "Write the quantity as a whole number of units.", field, raw, po)
    elif amount < 0 or (amount == 0 and status != FLOOR_DENIAL):
        yield problem("SHIP-QTY-NOT-POSITIVE", "a shipped line must ship at least one unit",
                      "Ship the ordered quantity, or send shipmentStatus FLOOR_DENIAL if the order cannot ship.",
                      field, amount, po)


def _containers(item: Mapping[str, Any], ctx: Context, po: Any) -> Iterator[Problem]:
    voc = ctx.facts.is_vendor_own_carrier(po) if isinstance(po, str) else None
    for i, box in items_of(item, "containers"):
        if box.get("shipMethod") in (None, ""):
            yield problem("SHIP-CONTAINER-SHIP-METHOD-MISSING", "every container in a shipment confirmation needs "
                          "a shipMethod", "Give the ship-method code, exactly as on the shipping label.",
                          path("containers", i, "shipMethod"), None, po)
        if voc and box.get("scacCode") in (None, ""):
            yield problem("SHIP-SCAC-MISSING", "vendor-own-carrier shipments must name the carrier's SCAC code "
                          "on every container", "Add scacCode (e.g. UPSN) for the carrier that took the package.",
                          path("containers", i, "scacCode"), None, po)


def packing_adds_up(item: Mapping[str, Any], po: Any) -> Iterator[Problem]:
    """When containers are given, the units packed per line must equal the units shipped."""
    if not items_of(item, "containers"):
        return
    packed = packed_units(item)
    for i, line in items_of(item, "items"):
        key, shipped = line_key(line.get("itemSequenceNumber")), whole(get(line, "shippedQuantity", "amount"))
        if key is None or shipped is None or packed.get(key, 0) == shipped:
            continue
        held = packed.get(key, 0)
        held_text = "inconsistent piece totals" if held is None else f"{held} units"
        yield problem("SHIP-PACKED-MISMATCH", f"the containers hold {held_text} of this line but {shipped} are "
                      "confirmed as shipped", "Make packedQuantity across containers add up to shippedQuantity "
                      "(with pieceNumber, each piece carries the line's total).",
                      path("items", i, "shippedQuantity", "amount"), shipped, po)


def _against_order(item: Mapping[str, Any], lines: dict, po: str, status: Any) -> Iterator[Problem]:
    seen = set()
    for i, line in items_of(item, "items"):
        key = line_key(line.get("itemSequenceNumber"))
        ordered = lines.get(key)
        if ordered is None:
            yield problem("SHIP-LINE-UNKNOWN", "itemSequenceNumber must be one of the order's line numbers",
                          f"Use the order's line numbers ({', '.join(str(k) for k in lines)}).",
                          path("items", i, "itemSequenceNumber"), line.get("itemSequenceNumber"), po)
            continue
        seen.add(key)
        yield from _line_against_order(line, ordered, i, po, status)
    for key, line in lines.items():
        if key not in seen:
            yield problem("SHIP-LINE-MISSING", "every line of the order must be in the shipment confirmation",
                          "Add the missing line.", path("items"), line.get("itemSequenceNumber"), po)


def _line_against_order(line: Mapping[str, Any], ordered: Mapping[str, Any], i: int, po: str,
                        status: Any) -> Iterator[Problem]:
    for name in IDS:
        given, expected = line.get(name), ordered.get(name)
        if given not in (None, "") and expected is not None and given != expected:
            yield problem("SHIP-PRODUCT-MISMATCH", f"{name} must be exactly the one on the order ({expected})",
                          "Send the product identifier exactly as Amazon sent it, leading zeros included.",
                          path("items", i, name), given, po)
    shipped, limit = whole(get(line, "shippedQuantity", "amount")), ordered_quantity(ordered)
    field = path("items", i, "shippedQuantity", "amount")
    if shipped is None or limit is None:
        return
    if shipped > limit:
        yield problem("SHIP-QTY-ABOVE-ORDERED", f"the shipped quantity may not exceed the {limit} ordered",
                      "Ship and confirm at most the ordered quantity.", field, shipped, po)
    elif 0 < shipped < limit and status != FLOOR_DENIAL:
        yield problem("SHIP-PARTIAL", f"all {limit} units ordered must ship; partial fulfilment is not allowed",
                      "Ship the full quantity, or confirm the order as FLOOR_DENIAL if it cannot be filled.",
                      field, shipped, po)
