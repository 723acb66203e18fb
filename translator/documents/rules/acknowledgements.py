"""Acknowledgement rules: a known code, every PO line, fill or kill, identifiers as on the PO."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from translator.documents.codelists import acknowledgement_codes
from translator.documents.rules._common import (
    Context,
    duplicates,
    get,
    items_of,
    line_key,
    order_lines,
    ordered_quantity,
    path,
    problem,
    whole,
)
from translator.problems import Problem

ACCEPTED = "00"
LINES = "itemAcknowledgements"


def check(item: Mapping[str, Any], ctx: Context) -> Iterator[Problem]:
    po = get(item, "purchaseOrderNumber")
    code = get(item, "acknowledgementStatus", "code")
    yield from _code(code, po)
    yield from _quantities(item, code, po)
    yield from _duplicate_lines(item, po)
    lines = order_lines(ctx.facts.order(po)) if isinstance(po, str) else None
    if lines is not None:
        yield from _against_order(item, code, lines, po)


def _code(code: Any, po: Any) -> Iterator[Problem]:
    field = path("acknowledgementStatus", "code")
    if code is None or code == "":
        yield problem("ACK-CODE-MISSING", "every acknowledgement needs an acknowledgement code",
                      "Send 00 to accept the order or a cancellation code such as 03 (out of stock).",
                      field, document=po)
    elif not isinstance(code, str) or code not in acknowledgement_codes():
        yield problem("ACK-CODE-UNKNOWN", "the acknowledgement code is not one of Amazon's codes",
                      f"Use one of {', '.join(acknowledgement_codes())}.", field, code, po)


def _quantities(item: Mapping[str, Any], code: Any, po: Any) -> Iterator[Problem]:
    for i, line in items_of(item, LINES):
        field = path(LINES, i, "acknowledgedQuantity", "amount")
        raw = get(line, "acknowledgedQuantity", "amount")
        amount = whole(raw)
        if amount is None:
            yield problem("ACK-QTY-NOT-WHOLE", "acknowledgedQuantity.amount must be a whole number",
                          "Write the quantity as a whole number of units, e.g. 2.", field, raw, po)
        elif amount < 0 or (code == ACCEPTED and amount == 0):
            yield problem("ACK-QTY-NOT-POSITIVE", "an accepted line must acknowledge at least one unit",
                          "Acknowledge the ordered quantity, or cancel the whole order with a cancellation code.",
                          field, amount, po)


def _duplicate_lines(item: Mapping[str, Any], po: Any) -> Iterator[Problem]:
    keys = [(i, line_key(line.get("itemSequenceNumber"))) for i, line in items_of(item, LINES)]
    for i, key in duplicates([(i, k) for i, k in keys if k is not None]):
        yield problem("ACK-LINE-DUPLICATE", "each order line may be acknowledged only once",
                      "Merge the repeated rows for this line into one.", path(LINES, i, "itemSequenceNumber"),
                      key, po)


def _against_order(item: Mapping[str, Any], code: Any, lines: dict, po: str) -> Iterator[Problem]:
    seen: set[Any] = set()
    for i, ack in items_of(item, LINES):
        seq = ack.get("itemSequenceNumber")
        key = line_key(seq)
        line = lines.get(key)
        if line is None:
            yield problem("ACK-LINE-UNKNOWN", "the acknowledgement names a line the order does not have",
                          "Use the itemSequenceNumber exactly as on the order.", path(LINES, i, "itemSequenceNumber"),
                          seq, po)
            continue
        seen.add(key)
        yield from _line(ack, line, i, code, po)
    for key, line in lines.items():
        if key not in seen:
            yield problem("ACK-LINE-MISSING", "every line of the order must be acknowledged; Amazon rejects "
                          "partial acknowledgements", "Add the missing line (cancel the whole order if it cannot "
                          "be filled).", path(LINES), line.get("itemSequenceNumber"), po)


def _line(ack: Mapping[str, Any], line: Mapping[str, Any], i: int, code: Any, po: str) -> Iterator[Problem]:
    if ack.get("itemSequenceNumber") != line.get("itemSequenceNumber"):
        yield problem("ACK-LINE-NUMBER-FORMAT", "itemSequenceNumber must be written exactly as on the order",
                      f"Write it as {line.get('itemSequenceNumber')!r}.", path(LINES, i, "itemSequenceNumber"),
                      ack.get("itemSequenceNumber"), po)
    yield from _identifiers(ack, line, i, po)
    amount, ordered = whole(get(ack, "acknowledgedQuantity", "amount")), ordered_quantity(line)
    if amount is None or ordered is None:
        return
    field = path(LINES, i, "acknowledgedQuantity", "amount")
    if amount > ordered:
        yield problem("ACK-QTY-ABOVE-ORDERED", f"the acknowledged quantity may not exceed the {ordered} ordered",
                      "Acknowledge at most the ordered quantity.", field, amount, po)
    elif code == ACCEPTED and 0 < amount < ordered:
        yield problem("ACK-FILL-OR-KILL", f"code 00 accepts the whole order, so all {ordered} units ordered must "
                      "be acknowledged (no partial shipments)", "Acknowledge the full quantity, or cancel the "
                      "whole order with a cancellation code.", field, amount, po)


def _identifiers(ack: Mapping[str, Any], line: Mapping[str, Any], i: int, po: str) -> Iterator[Problem]:
    for name in ("buyerProductIdentifier", "vendorProductIdentifier"):
        given, ordered = ack.get(name), line.get(name)
        if given is not None and ordered is not None and given != ordered:
            yield problem("ACK-PRODUCT-MISMATCH", f"{name} must be exactly the one on the order ({ordered})",
                          "Return the product identifier exactly as Amazon sent it, leading zeros included.",
                          path(LINES, i, name), given, po)
    names = ("buyerProductIdentifier", "vendorProductIdentifier")
    if all(ack.get(n) is None for n in names) and any(line.get(n) is not None for n in names):
        yield problem("ACK-PRODUCT-MISSING", "each acknowledged line must carry the order's product identifier",
                      "Add buyerProductIdentifier or vendorProductIdentifier as on the order.",
                      path(LINES, i), None, po)
