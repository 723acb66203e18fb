"""Shipping labels: one label, with its own tracking number, per container.

The checks before printing (dimensions, weights, all items present) are business rules and live
in :mod:`translator.documents.rules`; here decimal weights are rounded up to whole units, as the
DF shipping guide (shared/seeds/002) says Amazon does.
"""

from __future__ import annotations

import base64
from datetime import datetime
from decimal import ROUND_CEILING, Decimal

from translator.sandbox import labels
from translator.sandbox.state import OrderState, SandboxState


def rounded_weight(weight: dict) -> dict:
    """Weight with its value rounded up to a whole unit, as Amazon does."""
    value = Decimal(str(weight["value"])).to_integral_value(rounding=ROUND_CEILING)
    return {"unitOfMeasure": weight.get("unitOfMeasure", "LB"), "value": str(value)}


def _content(label_format: str, tracking: str, ship_method: str, package_id: str, weight: dict | None) -> str:
    if label_format == "ZPL":
        text = labels.label_zpl(tracking, ship_method, package_id)
        if weight:
            text = text.replace("^XZ", f"^FO50,450^A0N,30,30^FDWeight {weight['value']} {weight['unitOfMeasure']}^FS\n^XZ")
        return base64.b64encode(text.encode("ascii")).decode("ascii")
    return base64.b64encode(labels.label_png(f"{tracking}|{package_id}")).decode("ascii")


def build_label(state: SandboxState, order: OrderState, selling_party: dict, ship_from: dict,
                containers: list[dict], now: datetime) -> dict:
    """Create and store the ShippingLabel for ``order``: one labelData per container (or one)."""
    method = order.gen.order["orderDetails"]["shipmentDetails"]["shipMethod"]
    fmt = order.gen.label_format
    packages = []
    boxes = containers or [{"containerIdentifier": "001"}]
    for box in boxes:
        weight = rounded_weight(box["weight"]) if isinstance(box.get("weight"), dict) and box["weight"].get("value") else None
        packages.append({"packageIdentifier": str(box.get("containerIdentifier") or f"{len(packages) + 1:03d}"),
                         "trackingNumber": state.new_tracking_number(), "weight": weight})
    label_data = [{"packageIdentifier": p["packageIdentifier"], "trackingNumber": p["trackingNumber"],
                   "shipMethod": method, "shipMethodName": method.replace("_", " ").title(),
                   "content": _content(fmt, p["trackingNumber"], method, p["packageIdentifier"], p["weight"])}
                  for p in packages]
    label = {"purchaseOrderNumber": order.po, "sellingParty": {"partyId": selling_party.get("partyId", "")},
             "shipFromParty": {"partyId": ship_from.get("partyId", "")}, "labelFormat": fmt, "labelData": label_data}
    state.store_label(order, label, packages, now)
    return label


def container_label(tracking: str, container_id: str) -> dict:
    """createContainerLabel's pallet label (always PNG here)."""
    content = base64.b64encode(labels.label_png(f"pallet|{container_id}|{tracking}")).decode("ascii")
    return {"containerTrackingNumber": tracking, "content": content, "format": "PNG"}
