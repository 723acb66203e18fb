"""Valid DF documents built from one order, so each test changes exactly the thing it is about."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

SELLER = {"partyId": "999US"}
WAREHOUSE = {"partyId": "ABCD"}
DEFAULT_LINES = (
    ("00001", "B07DFVDRAB", "8806098286500", 2, "10.00"),
    ("00002", "B0000TITLE", "0012345678905", 1, "5.50"),
)


def order(po: str = "2JK3S9VC", lines: tuple = DEFAULT_LINES) -> dict[str, Any]:
    """An order as getOrder returns it; ``lines`` are (seq, asin, vendor id, quantity, net price)."""
    return {
        "purchaseOrderNumber": po,
        "orderDetails": {
            "customerOrderNumber": "123-4567890-1234567",
            "orderDate": "2024-05-01T10:00:00Z",
            "orderStatus": "NEW",
            "shipmentDetails": {
                "isPriorityShipment": False, "isScheduledDeliveryShipment": False, "isPslipRequired": False,
                "isGift": False, "shipMethod": "UPS_GR_RES",
                "shipmentDates": {"requiredShipDate": "2024-05-03T10:00:00Z"}, "messageToCustomer": "Thanks",
            },
            "sellingParty": dict(SELLER), "shipFromParty": dict(WAREHOUSE),
            "shipToParty": {"name": "Jane Doe", "addressLine1": "1 Main St", "city": "Seattle",
                            "stateOrRegion": "WA", "postalCode": "98101", "countryCode": "US"},
            "billToParty": {"partyId": "AMZN"},
            "items": [{
                "itemSequenceNumber": seq, "buyerProductIdentifier": asin, "vendorProductIdentifier": vid,
                "title": "A title, with \"quotes\"", "orderedQuantity": {"amount": qty, "unitOfMeasure": "Each"},
                "netPrice": {"currencyCode": "USD", "amount": price},
            } for seq, asin, vid, qty, price in lines],
        },
    }


def lines_of(an_order: dict[str, Any]) -> list[dict[str, Any]]:
    return an_order["orderDetails"]["items"]


def acknowledgement(an_order: dict[str, Any], code: str = "00") -> dict[str, Any]:
    """Accept (or with another code, cancel) every line at the full ordered quantity."""
    return {
        "purchaseOrderNumber": an_order["purchaseOrderNumber"], "vendorOrderNumber": "V123",
        "acknowledgementDate": "2024-05-01T12:00:00Z",
        "acknowledgementStatus": {"code": code, "description": "Shipping 100 percent of ordered product"},
        "sellingParty": dict(SELLER), "shipFromParty": dict(WAREHOUSE),
        "itemAcknowledgements": [{
            "itemSequenceNumber": line["itemSequenceNumber"],
            "buyerProductIdentifier": line["buyerProductIdentifier"],
            "vendorProductIdentifier": line["vendorProductIdentifier"],
            "acknowledgedQuantity": copy.deepcopy(line["orderedQuantity"]),
        } for line in lines_of(an_order)],
    }


def container(an_order: dict[str, Any], ident: str = "BOX1", tracking: str = "1Z999") -> dict[str, Any]:
    """One carton holding every ordered unit."""
    return {
        "containerType": "Carton", "containerIdentifier": ident, "trackingNumber": tracking,
        "shipMethod": "UPS_GR_RES", "scacCode": "UPSN",
        "dimensions": {"length": "12", "width": "8", "height": "4.5", "unitOfMeasure": "IN"},
        "weight": {"unitOfMeasure": "LB", "value": "3.2"},
        "packedItems": [{
            "itemSequenceNumber": int(line["itemSequenceNumber"]),
            "buyerProductIdentifier": line["buyerProductIdentifier"],
            "packedQuantity": {"amount": line["orderedQuantity"]["amount"], "unitOfMeasure": "Each"},
        } for line in lines_of(an_order)],
    }


def confirmation(an_order: dict[str, Any], *, containers: bool = True) -> dict[str, Any]:
    doc = {
        "purchaseOrderNumber": an_order["purchaseOrderNumber"],
        "shipmentDetails": {"shippedDate": "2024-05-02T09:00:00Z", "shipmentStatus": "SHIPPED"},
        "sellingParty": dict(SELLER), "shipFromParty": dict(WAREHOUSE),
        "items": [{
            "itemSequenceNumber": int(line["itemSequenceNumber"]),
            "buyerProductIdentifier": line["buyerProductIdentifier"],
            "vendorProductIdentifier": line["vendorProductIdentifier"],
            "shippedQuantity": {"amount": line["orderedQuantity"]["amount"], "unitOfMeasure": "Each"},
        } for line in lines_of(an_order)],
    }
    if containers:
        doc["containers"] = [container(an_order)]
    return doc


def status_update(po: str = "2JK3S9VC", tracking: str = "1Z999", status: str = "D1",
                  reason: str = "NS") -> dict[str, Any]:
    return {
        "purchaseOrderNumber": po, "sellingParty": dict(SELLER), "shipFromParty": dict(WAREHOUSE),
        "statusUpdateDetails": {
            "trackingNumber": tracking, "statusCode": status, "reasonCode": reason,
            "statusDateTime": "2024-05-03T15:00:00-07:00",
            "statusLocationAddress": {"name": "Depot", "addressLine1": "2 Dock Rd", "city": "Seattle",
                                      "countryCode": "US"},
        },
    }


def invoice(an_order: dict[str, Any], number: str = "INV-0001", tax_rate: str | None = None) -> dict[str, Any]:
    """An invoice for every ordered unit; with ``tax_rate`` each line and the header carry the tax."""
    items, goods, tax = [], Decimal(0), Decimal(0)
    for line in lines_of(an_order):
        qty, cost = line["orderedQuantity"]["amount"], Decimal(line["netPrice"]["amount"])
        item = {
            "itemSequenceNumber": line["itemSequenceNumber"], "buyerProductIdentifier": line["buyerProductIdentifier"],
            "invoicedQuantity": {"amount": qty, "unitOfMeasure": "Each"},
            "netCost": {"currencyCode": "USD", "amount": str(cost)},
            "purchaseOrderNumber": an_order["purchaseOrderNumber"],
        }
        goods += cost * qty
        if tax_rate:
            line_tax = (cost * qty * Decimal(tax_rate)).quantize(Decimal("0.01"))
            tax += line_tax
            item["taxDetails"] = [{"taxType": "ST", "taxRate": tax_rate,
                                   "taxAmount": {"currencyCode": "USD", "amount": str(line_tax)}}]
        items.append(item)
    doc = {
        "invoiceNumber": number, "invoiceDate": "2024-05-02T12:00:00Z",
        "remitToParty": {"partyId": "999US"}, "shipFromParty": dict(WAREHOUSE),
        "invoiceTotal": {"currencyCode": "USD", "amount": str(goods + tax)},
        "items": items,
    }
    if tax_rate:
        doc["taxTotals"] = [{"taxType": "ST", "taxRate": tax_rate,
                             "taxAmount": {"currencyCode": "USD", "amount": str(tax)}}]
    return doc


def inventory() -> dict[str, Any]:
    return {
        "sellingParty": dict(SELLER), "isFullUpdate": False,
        "items": [
            {"buyerProductIdentifier": "B07DFVDRAB", "availableQuantity": {"amount": 5, "unitOfMeasure": "Each"}},
            {"vendorProductIdentifier": "0012345678905", "availableQuantity": {"amount": 0, "unitOfMeasure": "Each"},
             "isObsolete": True},
        ],
    }


def label_request(an_order: dict[str, Any]) -> dict[str, Any]:
    return {"purchaseOrderNumber": an_order["purchaseOrderNumber"], "sellingParty": dict(SELLER),
            "shipFromParty": dict(WAREHOUSE), "containers": [container(an_order)]}


def shipping_labels(an_order: dict[str, Any]) -> dict[str, Any]:
    """A createShippingLabels body (the PO travels in the path)."""
    body = label_request(an_order)
    del body["purchaseOrderNumber"]
    return body


def container_label() -> dict[str, Any]:
    return {"sellingParty": dict(SELLER), "shipFromParty": dict(WAREHOUSE), "carrierId": "SWA",
            "vendorContainerId": "PALLET1", "packages": [{"packageTrackingNumber": "1Z999"}]}


def valid_documents() -> dict[str, dict[str, Any]]:
    """One valid document per kind."""
    o = order()
    return {
        "orders": o, "acknowledgements": acknowledgement(o), "shipment-confirmations": confirmation(o),
        "shipment-status-updates": status_update(), "invoices": invoice(o, tax_rate="0.10"),
        "inventory": inventory(), "label-requests": label_request(o), "shipping-labels": shipping_labels(o),
        "container-labels": container_label(),
    }
