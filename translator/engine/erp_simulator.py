"""The ERP played by ``translator demo``: answers to pulled orders, as the API items an ERP means.

``plan_replies`` decides, deterministically per order, what a busy warehouse would send: most
orders accepted, some rejected (out of stock), one acknowledgement with a typing mistake that is
corrected later, multi-package shipments, tracking scans for own-carrier parcels, an invoice per
shipped order and inventory per warehouse. ``translator.engine.erp_files`` writes them in the
layouts of the shipped mappings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

REJECT_EVERY = 6          # every 6th order is rejected (out of stock)
REJECT_CODE = "03"


@dataclass
class OrderPlan:
    po: str
    accept: bool
    voc: bool
    typo: bool = False    # first acknowledgement has a quantity above ordered; corrected in round 2


@dataclass
class Replies:
    """API items per document kind, in the order an ERP would produce them."""

    acknowledgements: list[dict[str, Any]] = field(default_factory=list)
    label_requests: list[dict[str, Any]] = field(default_factory=list)
    confirmations: list[dict[str, Any]] = field(default_factory=list)
    status_updates: list[dict[str, Any]] = field(default_factory=list)
    invoices: list[dict[str, Any]] = field(default_factory=list)
    inventory: dict[str, dict[str, Any]] = field(default_factory=dict)


def plan_orders(orders: list[dict[str, Any]], voc_pos: set[str]) -> list[OrderPlan]:
    plans = []
    for index, order in enumerate(sorted(orders, key=lambda o: o["purchaseOrderNumber"])):
        po = order["purchaseOrderNumber"]
        accept = index % REJECT_EVERY != REJECT_EVERY - 1
        plans.append(OrderPlan(po, accept, po in voc_pos, typo=accept and index == 1))
    return plans


def _parties(order: dict[str, Any]) -> dict[str, Any]:
    details = order["orderDetails"]
    return {"sellingParty": {"partyId": details["sellingParty"]["partyId"]},
            "shipFromParty": {"partyId": details["shipFromParty"]["partyId"]}}


def acknowledgement(order: dict[str, Any], when: str, *, accept: bool = True, typo: bool = False) -> dict[str, Any]:
    code = "00" if accept else REJECT_CODE
    lines = []
    for line in order["orderDetails"]["items"]:
        amount = line["orderedQuantity"]["amount"] + (1 if typo and not lines else 0)
        lines.append({"itemSequenceNumber": line["itemSequenceNumber"],
                      "buyerProductIdentifier": line["buyerProductIdentifier"],
                      "vendorProductIdentifier": line["vendorProductIdentifier"],
                      "acknowledgedQuantity": {"amount": amount if accept else 0, "unitOfMeasure": "Each"}})
    return {"purchaseOrderNumber": order["purchaseOrderNumber"],
            "vendorOrderNumber": "SO" + order["purchaseOrderNumber"], "acknowledgementDate": when,
            "acknowledgementStatus": {"code": code}, **_parties(order), "itemAcknowledgements": lines}


def packages(order: dict[str, Any]) -> list[list[tuple[dict[str, Any], int]]]:
    """Units per package: one package, or two when the order has two or more units."""
    units = [(line, 1) for line in order["orderDetails"]["items"] for _ in range(line["orderedQuantity"]["amount"])]
    if len(units) < 2:
        return [units]
    half = (len(units) + 1) // 2
    return [units[:half], units[half:]]


def _packed(units: list[tuple[dict[str, Any], int]]) -> list[dict[str, Any]]:
    counts: dict[str, tuple[dict[str, Any], int]] = {}
    for line, n in units:
        seq = line["itemSequenceNumber"]
        counts[seq] = (line, counts.get(seq, (line, 0))[1] + n)
    return [{"itemSequenceNumber": int(seq), "vendorProductIdentifier": line["vendorProductIdentifier"],
             "packedQuantity": {"amount": n, "unitOfMeasure": "Each"}} for seq, (line, n) in counts.items()]


def tracking_number(po: str, box: int) -> str:
    return f"1Z{po}{box:02d}"


def containers(order: dict[str, Any], voc: bool) -> list[dict[str, Any]]:
    po = order["purchaseOrderNumber"]
    boxes = []
    for number, units in enumerate(packages(order), start=1):
        box = {"containerType": "Carton", "containerIdentifier": f"{po}-{number}",
               "shipMethod": order["orderDetails"]["shipmentDetails"]["shipMethod"],
               "dimensions": {"length": "12", "width": "9", "height": "4", "unitOfMeasure": "IN"},
               "weight": {"unitOfMeasure": "LB", "value": "2.5"}, "packedItems": _packed(units)}
        if voc:
            box["trackingNumber"] = tracking_number(po, number)
            box["scacCode"] = "UPSN"
        boxes.append(box)
    return boxes


def label_request(order: dict[str, Any]) -> dict[str, Any]:
    return {"purchaseOrderNumber": order["purchaseOrderNumber"], **_parties(order),
            "containers": containers(order, voc=False)}


def confirmation(order: dict[str, Any], voc: bool, when: str) -> dict[str, Any]:
    items = [{"itemSequenceNumber": int(line["itemSequenceNumber"]),
              "buyerProductIdentifier": line["buyerProductIdentifier"],
              "vendorProductIdentifier": line["vendorProductIdentifier"],
              "shippedQuantity": {"amount": line["orderedQuantity"]["amount"], "unitOfMeasure": "Each"}}
             for line in order["orderDetails"]["items"]]
    return {"purchaseOrderNumber": order["purchaseOrderNumber"],
            "shipmentDetails": {"shippedDate": when, "shipmentStatus": "SHIPPED",
                                "vendorOrderNumber": "SO" + order["purchaseOrderNumber"]},
            **_parties(order), "items": items, "containers": containers(order, voc)}


def status_update(order: dict[str, Any], tracking: str, when: str) -> dict[str, Any]:
    return {"purchaseOrderNumber": order["purchaseOrderNumber"], **_parties(order),
            "statusUpdateDetails": {"trackingNumber": tracking, "statusCode": "D1", "reasonCode": "NS",
                                    "statusDateTime": when,
                                    "statusLocationAddress": {"name": "Reno Hub", "addressLine1": "1 Depot Rd", "city": "Reno", "stateOrRegion": "NV",
                                                              "postalCode": "89501", "countryCode": "US"}}}


VENDOR_ADDRESS = {"name": "Demo Vendor Inc", "addressLine1": "1 Main St", "city": "Austin",
                  "stateOrRegion": "TX", "postalCode": "73301", "countryCode": "US"}


def invoice(order: dict[str, Any], number: str, when: str) -> dict[str, Any]:
    details = order["orderDetails"]
    currency = details["items"][0]["netPrice"]["currencyCode"]
    lines, total = [], Decimal(0)
    for line in details["items"]:
        quantity = line["orderedQuantity"]["amount"]
        total += Decimal(line["netPrice"]["amount"]) * quantity
        lines.append({"itemSequenceNumber": str(int(line["itemSequenceNumber"])),
                      "vendorProductIdentifier": line["vendorProductIdentifier"],
                      "invoicedQuantity": {"amount": quantity, "unitOfMeasure": "Each"},
                      "netCost": {"currencyCode": currency, "amount": line["netPrice"]["amount"]},
                      "purchaseOrderNumber": order["purchaseOrderNumber"]})
    return {"invoiceNumber": number, "invoiceDate": when,
            "remitToParty": {"partyId": details["sellingParty"]["partyId"], "address": VENDOR_ADDRESS},
            "shipFromParty": {"partyId": details["shipFromParty"]["partyId"], "address": VENDOR_ADDRESS},
            "invoiceTotal": {"currencyCode": currency, "amount": str(total)}, "items": lines}


def inventory(orders: list[dict[str, Any]], selling_party: str) -> dict[str, dict[str, Any]]:
    """One inventory feed per warehouse: every SKU seen, 25 units each."""
    feeds: dict[str, dict[str, Any]] = {}
    for order in orders:
        warehouse = order["orderDetails"]["shipFromParty"]["partyId"]
        feed = feeds.setdefault(warehouse, {"sellingParty": {"partyId": selling_party}, "isFullUpdate": False,
                                            "items": []})
        known = {i["vendorProductIdentifier"] for i in feed["items"]}
        for line in order["orderDetails"]["items"]:
            if line["vendorProductIdentifier"] not in known:
                known.add(line["vendorProductIdentifier"])
                feed["items"].append({"vendorProductIdentifier": line["vendorProductIdentifier"],
                                      "availableQuantity": {"amount": 25, "unitOfMeasure": "Each"}})
    return feeds


def first_round(orders: list[dict[str, Any]], plans: list[OrderPlan], when: str, selling_party: str) -> Replies:
    """Everything the ERP sends at once after the pull, deliberately out of order."""
    by_po = {o["purchaseOrderNumber"]: o for o in orders}
    replies = Replies(inventory=inventory(orders, selling_party))
    for plan in plans:
        order = by_po[plan.po]
        replies.acknowledgements.append(acknowledgement(order, when, accept=plan.accept, typo=plan.typo))
        if plan.accept and not plan.typo:
            _fulfil(replies, order, plan, when)
    return replies


def second_round(orders: list[dict[str, Any]], plans: list[OrderPlan], when: str) -> Replies:
    """The corrected acknowledgement for the typo order, and its fulfilment."""
    by_po = {o["purchaseOrderNumber"]: o for o in orders}
    replies = Replies()
    for plan in plans:
        if plan.typo:
            order = by_po[plan.po]
            replies.acknowledgements.append(acknowledgement(order, when))
            _fulfil(replies, order, plan, when)
    return replies


def _fulfil(replies: Replies, order: dict[str, Any], plan: OrderPlan, when: str) -> None:
    if not plan.voc:
        replies.label_requests.append(label_request(order))
    confirmation_item = confirmation(order, plan.voc, when)
    replies.confirmations.append(confirmation_item)
    if plan.voc:
        for box in confirmation_item["containers"]:
            replies.status_updates.append(status_update(order, box["trackingNumber"], when))
    replies.invoices.append(invoice(order, f"INV{order['purchaseOrderNumber']}", when))
