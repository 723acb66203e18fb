"""Valid DF documents built from a served order, for tests to break one rule at a time."""

from __future__ import annotations

from decimal import Decimal

NOW = "2026-11-20T12:00:00Z"


def _parties(order: dict) -> dict:
    details = order["orderDetails"]
    return {"sellingParty": {"partyId": details["sellingParty"]["partyId"]},
            "shipFromParty": {"partyId": details["shipFromParty"]["partyId"]}}


def acknowledgement(order: dict, code: str = "00") -> dict:
    items = [{"itemSequenceNumber": i["itemSequenceNumber"], "buyerProductIdentifier": i["buyerProductIdentifier"],
              "vendorProductIdentifier": i["vendorProductIdentifier"],
              "acknowledgedQuantity": {"amount": i["orderedQuantity"]["amount"], "unitOfMeasure": "Each"}}
             for i in order["orderDetails"]["items"]]
    return {"purchaseOrderNumber": order["purchaseOrderNumber"], "vendorOrderNumber": "V" + order["purchaseOrderNumber"],
            "acknowledgementDate": NOW, "acknowledgementStatus": {"code": code, "description": "ack"},
            **_parties(order), "itemAcknowledgements": items}


def packed_items(order: dict) -> list[dict]:
    return [{"itemSequenceNumber": int(i["itemSequenceNumber"]), "vendorProductIdentifier": i["vendorProductIdentifier"],
             "packedQuantity": {"amount": i["orderedQuantity"]["amount"], "unitOfMeasure": "Each"}}
            for i in order["orderDetails"]["items"]]


def container(order: dict, identifier: str = "BOX1", tracking: str | None = None, voc: bool = False,
              items: list[dict] | None = None) -> dict:
    box = {"containerType": "Carton", "containerIdentifier": identifier,
           "shipMethod": order["orderDetails"]["shipmentDetails"]["shipMethod"],
           "dimensions": {"length": "10", "width": "8", "height": "4", "unitOfMeasure": "IN"},
           "weight": {"unitOfMeasure": "LB", "value": "2.2"},
           "packedItems": items if items is not None else packed_items(order)}
    if tracking:
        box["trackingNumber"] = tracking
    if voc:
        box["scacCode"] = "UPSN"
    return box


def label_request(order: dict, containers: list[dict] | None = None) -> dict:
    request = {"purchaseOrderNumber": order["purchaseOrderNumber"], **_parties(order)}
    if containers is not None:
        request["containers"] = containers
    return request


def confirmation(order: dict, tracking: str, voc: bool = False) -> dict:
    items = [{"itemSequenceNumber": int(i["itemSequenceNumber"]), "vendorProductIdentifier": i["vendorProductIdentifier"],
              "shippedQuantity": {"amount": i["orderedQuantity"]["amount"], "unitOfMeasure": "Each"}}
             for i in order["orderDetails"]["items"]]
    return {"purchaseOrderNumber": order["purchaseOrderNumber"],
            "shipmentDetails": {"shippedDate": NOW, "shipmentStatus": "SHIPPED", "vendorOrderNumber": "V1"},
            **_parties(order), "items": items, "containers": [container(order, tracking=tracking, voc=voc)]}


def status_update(order: dict, tracking: str, status: str = "D1", reason: str = "NS") -> dict:
    return {"purchaseOrderNumber": order["purchaseOrderNumber"], **_parties(order),
            "statusUpdateDetails": {"trackingNumber": tracking, "statusCode": status, "reasonCode": reason,
                                    "statusDateTime": NOW,
                                    "statusLocationAddress": {"name": "Hub", "addressLine1": "1 Depot Rd",
                                                              "city": "Reno", "stateOrRegion": "NV",
                                                              "postalCode": "89501", "countryCode": "US"}}}


def invoice(order: dict, number: str) -> dict:
    details = order["orderDetails"]
    currency = details["items"][0]["netPrice"]["currencyCode"]
    lines, total = [], Decimal(0)
    for i in details["items"]:
        quantity = i["orderedQuantity"]["amount"]
        total += Decimal(i["netPrice"]["amount"]) * quantity
        lines.append({"itemSequenceNumber": str(int(i["itemSequenceNumber"])),
                      "vendorProductIdentifier": i["vendorProductIdentifier"],
                      "invoicedQuantity": {"amount": quantity, "unitOfMeasure": "Each"},
                      "netCost": {"currencyCode": currency, "amount": i["netPrice"]["amount"]},
                      "purchaseOrderNumber": order["purchaseOrderNumber"]})
    address = {"name": "Acme", "addressLine1": "1 Main St", "city": "Austin", "stateOrRegion": "TX",
               "postalCode": "73301", "countryCode": "US"}
    return {"invoiceNumber": number, "invoiceDate": NOW,
            "remitToParty": {"partyId": details["sellingParty"]["partyId"], "address": address},
            "shipFromParty": {"partyId": details["shipFromParty"]["partyId"], "address": address},
            "invoiceTotal": {"currencyCode": currency, "amount": str(total)}, "items": lines}


def inventory(selling_party: str, identifier: str = "012345678905") -> dict:
    return {"inventory": {"sellingParty": {"partyId": selling_party}, "isFullUpdate": False,
                          "items": [{"vendorProductIdentifier": identifier,
                                     "availableQuantity": {"amount": 5, "unitOfMeasure": "Each"}}]}}
