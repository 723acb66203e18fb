"""Deterministic synthetic DF purchase orders.

Order ``index`` of seed ``seed`` is always the same order (its own ``random.Random``), whatever
order or thread asks for it, so arrivals while running stay reproducible too. The mix covers
what breaks translators: multi-line orders, Amazon-label-only orders whose ship-to is ``xxxxx``
(DIGEST §2), vendor-own-carrier (VOC) orders, priority, scheduled delivery, gift and packing-slip
orders, UPCs with leading zeros, titles with commas, quotes, newlines and non-ASCII text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

MASK = "xxxxx"
PO_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

TITLES = (
    "Stainless Steel Water Bottle, 750 ml",
    'Kids\' Backpack "Explorer" 12"',
    "USB-C Cable\n2 m, braided",
    "Crème Brûlée Torch – Küchenhelfer",
    "Organic Green Tea, 100 bags, \"Sencha\"",
    "Ceramic Mug 日本製 (set of 2)",
    "LED Desk Lamp; dimmable, warm/cold",
    "Yoga Mat =SUM(A1) non-slip",
    "Bluetooth Speaker, waterproof ñ",
    "Notebook A5, dotted, 120 pages",
)

CITIES = (("Seattle", "WA", "98109"), ("Austin", "TX", "73301"), ("Boston", "MA", "02110"),
          ("Denver", "CO", "80202"), ("Miami", "FL", "33101"))
NAMES = ("Jane Doe", "José Álvarez", "Li Wei", "O'Brien, Pat", "Zoë Müller")
AMAZON_METHODS = ("AMZN_US_STD", "UPS_GR_RES", "FEDEX_HOME")
VOC_METHODS = ("VOC_UPS_GROUND", "VOC_FEDEX_2DAY")


@dataclass
class GeneratedOrder:
    """An order as Amazon would serve it (2021-12-28 shape, no orderStatus) plus sandbox flags."""

    po: str
    created: datetime
    order: dict
    voc: bool
    label_only: bool
    label_format: str
    warehouse: str


def upc(rng: random.Random) -> str:
    """A valid 12-digit UPC-A starting with 0 (the leading zero spreadsheets lose)."""
    body = f"0{rng.randrange(10**10):010d}"
    odd = sum(int(d) for d in body[0::2])
    even = sum(int(d) for d in body[1::2])
    return body + str((10 - (odd * 3 + even) % 10) % 10)


def _base(number: int, alphabet: str, width: int) -> str:
    digits = []
    for _ in range(width):
        number, rest = divmod(number, len(alphabet))
        digits.append(alphabet[rest])
    return "".join(reversed(digits))


def asin(rng: random.Random) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    return "B0" + _base(rng.randrange(len(alphabet) ** 8), alphabet, 8)


def po_number(seed: int, index: int) -> str:
    """Unique per (seed, index) for the first 33 million indexes: the index is scrambled, not hashed."""
    prefix = _base(seed * 7919 % len(PO_ALPHABET) ** 3, PO_ALPHABET, 3)
    space = len(PO_ALPHABET) ** 5  # a power of two, so multiplying by an odd number is a bijection
    return prefix + _base((index * 0x9E3779B1 + seed) % space, PO_ALPHABET, 5)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def money(amount: Decimal, currency: str) -> dict:
    return {"currencyCode": currency, "amount": str(amount.quantize(Decimal("0.01")))}


def _address(rng: random.Random, masked: bool) -> dict:
    city, state, postal = rng.choice(CITIES)
    address = {"name": rng.choice(NAMES), "attention": "Front desk", "addressLine1": f"{rng.randint(1, 999)} Main St",
               "addressLine2": "Apt 4", "city": city, "stateOrRegion": state, "postalCode": postal,
               "countryCode": "US", "phone": f"+1206555{rng.randint(1000, 9999)}"}
    if masked:
        for key in ("name", "attention", "addressLine1", "addressLine2", "city", "phone"):
            address[key] = MASK
    return address


def _item(rng: random.Random, number: int, created: datetime, flags: dict, currency: str) -> dict:
    quantity = rng.choice((1, 1, 1, 2, 3))
    price = Decimal(rng.randint(199, 9999)) / 100
    tax = (price * quantity * Decimal("0.08")).quantize(Decimal("0.01"))
    item = {
        "itemSequenceNumber": f"{number:05d}", "buyerProductIdentifier": asin(rng),
        "vendorProductIdentifier": upc(rng), "title": rng.choice(TITLES),
        "orderedQuantity": {"amount": quantity, "unitOfMeasure": "Each"},
        "netPrice": money(price, currency), "totalPrice": money(price * quantity, currency),
        "taxDetails": {"taxLineItem": [{"taxRate": "0.08", "taxAmount": money(tax, currency),
                                        "taxableAmount": money(price * quantity, currency), "type": "TOTAL"}]},
    }
    if flags["scheduled"]:
        item["scheduledDeliveryShipment"] = {
            "scheduledDeliveryServiceType": "RDP", "earliestNominatedDeliveryDate": iso(created + timedelta(days=3)),
            "latestNominatedDeliveryDate": iso(created + timedelta(days=4))}
    if flags["gift"]:
        item["giftDetails"] = {"giftMessage": "Happy birthday, Sam! 🎉", "giftWrapId": "GW-01"}
    return item


def _flags(rng: random.Random, index: int) -> dict:
    kind = index % 10  # fixed shares make small test sets cover every kind
    gift = rng.random() < 0.2 or kind == 3
    return {"voc": kind in (1, 4, 7), "label_only": kind in (0, 2, 5, 8), "priority": kind == 6 or rng.random() < 0.1,
            "scheduled": kind == 9, "gift": gift, "pslip": gift or kind == 5,
            "zpl": rng.random() < 0.3}


def generate_order(seed: int, index: int, created: datetime, selling_party: str,
                   warehouses: tuple[str, ...], currency: str = "USD") -> GeneratedOrder:
    """Order number ``index`` for ``seed``, created at ``created`` (UTC)."""
    rng = random.Random(f"order:{seed}:{index}")
    flags = _flags(rng, index)
    po = po_number(seed, index)
    warehouse = warehouses[index % len(warehouses)]
    lines = rng.choice((1, 1, 2, 3, 4))
    items = [_item(rng, n, created, flags, currency) for n in range(1, lines + 1)]
    tax_total = sum((Decimal(i["taxDetails"]["taxLineItem"][0]["taxAmount"]["amount"]) for i in items), Decimal(0))
    ship_method = rng.choice(VOC_METHODS if flags["voc"] else AMAZON_METHODS)
    details = {
        "customerOrderNumber": f"{rng.randint(100, 999)}-{rng.randint(1000000, 9999999)}-{rng.randint(1000000, 9999999)}",
        "orderDate": iso(created),
        "shipmentDetails": {
            "isPriorityShipment": flags["priority"], "isScheduledDeliveryShipment": flags["scheduled"],
            "isPslipRequired": flags["pslip"], "isGift": flags["gift"], "shipMethod": ship_method,
            "shipmentDates": {"requiredShipDate": iso(created + timedelta(days=1)),
                              "promisedDeliveryDate": iso(created + timedelta(days=4))},
            "messageToCustomer": "Thank you for your order, from 'Acme & Sons'."},
        "taxTotal": {"taxLineItem": [{"taxAmount": money(tax_total, currency), "type": "TOTAL"}]},
        "sellingParty": {"partyId": selling_party},
        "shipFromParty": {"partyId": warehouse},
        "shipToParty": _address(rng, flags["label_only"]),
        "billToParty": {"partyId": "AMZN_US"},
        "hasCustomizableItems": False,
        "items": items,
    }
    return GeneratedOrder(po, created, {"purchaseOrderNumber": po, "orderDetails": details}, flags["voc"],
                          flags["label_only"], "ZPL" if flags["zpl"] else "PNG", warehouse)


def history(seed: int, count: int, start: datetime, hours: float, selling_party: str,
            warehouses: tuple[str, ...], currency: str = "USD") -> list[GeneratedOrder]:
    """``count`` orders spread evenly over the ``hours`` before ``start`` (oldest first)."""
    span = timedelta(hours=hours)
    step = span / max(count, 1)
    first = start - span
    return [generate_order(seed, i, (first + step * i).replace(microsecond=0), selling_party, warehouses, currency)
            for i in range(count)]
