"""Label request rules (submitShippingLabelRequest and createShippingLabels): accepted order, sound packages."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from translator.documents.rules._common import (
    Context,
    decimal,
    get,
    items_of,
    order_lines,
    ordered_quantity,
    packed_units,
    path,
    problem,
)
from translator.problems import Problem

DIMENSIONS = ("length", "width", "height")


def check(item: Mapping[str, Any], ctx: Context) -> Iterator[Problem]:
    po = get(item, "purchaseOrderNumber") or ctx.path_params.get("purchaseOrderNumber")
    for i, box in items_of(item, "containers"):
        yield from _dimensions(box, i, po)
        yield from _weight(box, i, po)
    if not isinstance(po, str):
        return
    if ctx.facts.is_accepted(po) is False:
        yield problem("LABEL-ORDER-NOT-ACCEPTED", "labels can be requested only after the order was accepted "
                      "(acknowledged with code 00)", "Send an accepting acknowledgement first and wait for it to "
                      "succeed.", path("purchaseOrderNumber"), po, po)
    lines = order_lines(ctx.facts.order(po))
    if lines is not None and items_of(item, "containers"):
        yield from _all_items_present(item, lines, po)


def _dimensions(box: Mapping[str, Any], i: int, po: Any) -> Iterator[Problem]:
    dims = box.get("dimensions")
    if not isinstance(dims, Mapping):
        yield problem("LABEL-DIMENSIONS-MISSING", "every package needs its dimensions to be labelled",
                      "Give length, width and height with a unit (IN or CM).", path("containers", i, "dimensions"),
                      None, po)
        return
    for name in DIMENSIONS:
        yield from _positive(dims.get(name), path("containers", i, "dimensions", name), name, po)


def _weight(box: Mapping[str, Any], i: int, po: Any) -> Iterator[Problem]:
    weight = box.get("weight")
    if not isinstance(weight, Mapping):
        yield problem("LABEL-WEIGHT-MISSING", "every package needs its weight to be labelled",
                      "Give the weight value with a unit (KG or LB).", path("containers", i, "weight"), None, po)
        return
    yield from _positive(weight.get("value"), path("containers", i, "weight", "value"), "weight", po)


def _positive(raw: Any, field: str, name: str, po: Any) -> Iterator[Problem]:
    value = decimal(raw)
    if value is None or value <= 0:
        code = "LABEL-WEIGHT-INVALID" if name == "weight" else "LABEL-DIMENSION-INVALID"
        yield problem(code, f"the package {name} must be a number above zero", "Measure the package and give "
                      "the value as a decimal string, e.g. \"12.5\".", field, raw, po)


def _all_items_present(item: Mapping[str, Any], lines: dict, po: str) -> Iterator[Problem]:
    packed = packed_units(item)
    for key in packed:
        if key not in lines:
            yield problem("LABEL-LINE-UNKNOWN", "the packages hold a line the order does not have",
                          "Use the order's line numbers in packedItems.itemSequenceNumber.",
                          path("containers"), key, po)
    for key, line in lines.items():
        ordered, held = ordered_quantity(line), packed.get(key, 0)
        if ordered is None or held == ordered:
            continue
        held_text = "inconsistent piece totals" if held is None else f"{held} units"
        yield problem("LABEL-NOT-ALL-ITEMS-PRESENT", f"the packages hold {held_text} of line "
                      f"{line.get('itemSequenceNumber')} but {ordered} were ordered", "Pack every ordered unit: "
                      "packedQuantity across containers must add up to the ordered quantity (with pieceNumber, "
                      "each piece carries the line's total).", path("containers"), held, po)
