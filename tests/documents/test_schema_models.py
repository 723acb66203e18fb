"""Our hand-written schemas agree with Amazon's official models, field by field."""

from __future__ import annotations

from typing import Any

import pytest

from translator.documents import KINDS
from translator.documents.schema import load_schema

ORDERS_2021 = "vendorDirectFulfillmentOrders_2021-12-28.json"
SHIPPING_2021 = "vendorDirectFulfillmentShipping_2021-12-28.json"
ORDERS_V1 = "vendorDirectFulfillmentOrdersV1.json"
SHIPPING_V1 = "vendorDirectFulfillmentShippingV1.json"
PAYMENTS = "vendorDirectFulfillmentPaymentsV1.json"
INVENTORY = "vendorDirectFulfillmentInventoryV1.json"

ROOTS = {
    "orders": (ORDERS_2021, "Order"),
    "acknowledgements": (ORDERS_2021, "OrderAcknowledgementItem"),
    "shipment-confirmations": (SHIPPING_2021, "ShipmentConfirmation"),
    "shipment-status-updates": (SHIPPING_2021, "ShipmentStatusUpdate"),
    "label-requests": (SHIPPING_2021, "ShippingLabelRequest"),
    "shipping-labels": (SHIPPING_2021, "CreateShippingLabelsRequest"),
    "container-labels": (SHIPPING_2021, "CreateContainerLabelRequest"),
    "invoices": (PAYMENTS, "InvoiceDetail"),
    "inventory": (INVENTORY, "InventoryUpdate"),
}
V1_ROOTS = {
    "orders": (ORDERS_V1, "Order"),
    "acknowledgements": (ORDERS_V1, "OrderAcknowledgementItem"),
    "shipment-confirmations": (SHIPPING_V1, "ShipmentConfirmation"),
    "shipment-status-updates": (SHIPPING_V1, "ShipmentStatusUpdate"),
    "label-requests": (SHIPPING_V1, "ShippingLabelRequest"),
}
# Deliberate, documented widenings: Amazon's own 2021-12-28 order examples send "EACH" (DIGEST §10).
TOLERATED_ENUM_EXTRAS = {"EACH"}


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _type(node: dict[str, Any]) -> str | None:
    return node.get("type") or ("object" if "properties" in node else None)


def compare(ours: dict, our_defs: dict, theirs: dict, their_defs: dict, where: str) -> list[str]:
    """Every difference between our node and the official one (types, enums, required, properties)."""
    ours, theirs = _resolve(ours, our_defs), _resolve(theirs, their_defs)
    diffs = []
    if _type(ours) != _type(theirs):
        return [f"{where}: type {_type(ours)} != official {_type(theirs)}"]
    if "enum" in ours or "enum" in theirs:
        extra = set(ours.get("enum", [])) - set(theirs.get("enum", [])) - TOLERATED_ENUM_EXTRAS
        missing = set(theirs.get("enum", [])) - set(ours.get("enum", []))
        if extra or missing or not ours.get("enum"):
            diffs.append(f"{where}: enum extra {sorted(extra)} missing {sorted(missing)}")
    for keyword in ("pattern", "format"):
        if keyword in theirs and theirs[keyword] != ours.get(keyword):
            diffs.append(f"{where}: {keyword} {ours.get(keyword)!r} != official {theirs[keyword]!r}")
    if _type(ours) == "array":
        diffs += compare(ours["items"], our_defs, theirs["items"], their_defs, where + "[]")
    if _type(ours) == "object":
        diffs += _compare_objects(ours, our_defs, theirs, their_defs, where)
    return diffs


def _compare_objects(ours: dict, our_defs: dict, theirs: dict, their_defs: dict, where: str) -> list[str]:
    mine, official = ours.get("properties", {}), theirs.get("properties", {})
    diffs = [f"{where}.{name}: not in the official model" for name in mine.keys() - official.keys()]
    diffs += [f"{where}.{name}: official field missing from our schema" for name in official.keys() - mine.keys()]
    if sorted(ours.get("required", [])) != sorted(theirs.get("required", [])):
        diffs.append(f"{where}: required {sorted(ours.get('required', []))} != {sorted(theirs.get('required', []))}")
    for name in mine.keys() & official.keys():
        diffs += compare(mine[name], our_defs, official[name], their_defs, f"{where}.{name}")
    return diffs


def test_every_kind_has_an_official_counterpart():
    assert set(ROOTS) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(ROOTS))
def test_schema_matches_the_2021_official_model(kind, load_model):
    model_file, root = ROOTS[kind]
    model = load_model(model_file)
    ours = load_schema(kind)
    diffs = compare(ours, ours["$defs"], model["definitions"][root], model["definitions"], "$")
    assert diffs == []


@pytest.mark.parametrize("kind", sorted(V1_ROOTS))
def test_v1_variant_matches_the_v1_official_model(kind, load_model):
    model_file, root = V1_ROOTS[kind]
    model = load_model(model_file)
    ours = load_schema(kind, version="v1")
    diffs = compare(ours, ours["$defs"], model["definitions"][root], model["definitions"], "$")
    assert diffs == []


def test_comparison_notices_a_wrong_type(load_model):
    model = load_model(ORDERS_2021)
    ours = load_schema("acknowledgements")
    ours["$defs"]["OrderItemAcknowledgement"]["properties"]["itemSequenceNumber"]["type"] = "integer"
    diffs = compare(ours, ours["$defs"], model["definitions"]["OrderAcknowledgementItem"], model["definitions"], "$")
    assert diffs == ["$.itemAcknowledgements[].itemSequenceNumber: type integer != official string"]


@pytest.mark.parametrize("kind", sorted(ROOTS))
def test_schema_is_our_own_text_not_a_copy_of_the_model(kind, load_model):
    """Every description is ours: none is copied word for word from the official definitions."""
    model_file, _ = ROOTS[kind]
    official = _descriptions(load_model(model_file))
    assert _descriptions(load_schema(kind)) & official == set()


def _descriptions(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("description"), str):
            found.add(node["description"].strip())
        for value in node.values():
            found |= _descriptions(value)
    elif isinstance(node, list):
        for value in node:
            found |= _descriptions(value)
    return found
