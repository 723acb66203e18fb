"""Shipping API (v1 and 2021-12-28): labels, packing slips, customer invoices, container labels."""

from __future__ import annotations

import base64
from datetime import timedelta

from translator.documents import rules
from translator.problems import Problem
from translator.sandbox import facts, labelmaker, labels, params, submissions
from translator.sandbox.context import Ctx
from translator.sandbox.errors import ApiFailure, error, invalid, not_found
from translator.sandbox.state import OrderState

MAX_WINDOW = timedelta(days=7)


def _po(ctx: Ctx) -> OrderState:
    po = ctx.params["purchaseOrderNumber"]
    if not po.isalnum():
        raise invalid("Request is missing or has invalid parameters", "purchaseOrderNumber must match ^[a-zA-Z0-9]+$")
    found = ctx.state.order(po)
    if found is None:
        raise not_found(f"Purchase order {po}")
    return found


def _list(ctx: Ctx, rows: list, key: str, render) -> tuple[int, dict]:
    query = ctx.query
    if params.choice(query, "sortOrder", ("ASC", "DESC"), "ASC") == "DESC":
        rows = list(reversed(rows))
    chunk, token = params.page(query, rows, ctx.config.default_limit)
    result: dict = {key: [render(o) for o in chunk]}
    if token:
        result["pagination"] = {"nextToken": token}
    return 200, result


def _in_window(ctx: Ctx, rows: list[tuple]) -> list[OrderState]:
    """Orders whose timestamp (first of each pair) is in the 7-day-at-most window, oldest first."""
    after, before = params.window(ctx.query, MAX_WINDOW)
    warehouse = params.one(ctx.query, "shipFromPartyId")
    kept = [(moment, o) for moment, o in rows
            if moment is not None and after <= moment < before and (warehouse is None or o.gen.warehouse == warehouse)]
    return [o for _, o in sorted(kept, key=lambda pair: (pair[0], pair[1].po))]


# --- shipping labels ---------------------------------------------------------------------------
def get_shipping_labels(ctx: Ctx) -> tuple[int, dict]:
    """Labels created in the window (at most 7 days), one page at a time."""
    rows = _in_window(ctx, [(o.label_created, o) for o in ctx.state.orders.values() if o.label])
    return _list(ctx, rows, "shippingLabels", lambda o: o.label)


def get_shipping_label(ctx: Ctx) -> tuple[int, dict]:
    """The label of one PO, once a label request or createShippingLabels made it."""
    order = _po(ctx)
    if order.label is None:
        raise not_found(f"Shipping label for {order.po}")
    return 200, order.label


def _party(body: dict, key: str) -> dict:
    party = body.get(key)
    if not isinstance(party, dict) or not isinstance(party.get("partyId"), str) or not party["partyId"]:
        raise invalid("The request body is invalid.", f"{key}.partyId is required")
    return party


def _amazon_field(problem: Problem) -> str:
    """Amazon's name for the field in INVALID_MESSAGE_PAYLOAD messages ("Invalid input field Length.")."""
    where = problem.field or ""
    if "weight" in where:
        return "PackageWeight"
    for name in ("width", "height"):
        if where.endswith(name):
            return name.title()
    return "Length"


def _label_error(problem: Problem) -> tuple[int, dict]:
    """A label rule problem as createShippingLabels answers it: Amazon's code where it has one."""
    code = rules.AMAZON_ERROR_CODES.get(problem.code)
    if code == "INVALID_MESSAGE_PAYLOAD":
        return 400, error(code, f"Invalid input field {_amazon_field(problem)}.", "Please correct the input and try again.")
    if code == "NOT_ALL_ITEMS_PRESENT":
        return 409, error(code, "Request Rejected: Order quantity does not match the shipped quantity. "
                                "All items in the order must be provided.", problem.rule)
    return 400, facts.problem_error(problem)


def _label_problems(ctx: Ctx, order: OrderState, body: dict) -> None:
    checker = facts.StateFacts(ctx.state)
    problems = facts.check("shipping-labels", body, checker, ctx.moment, {"purchaseOrderNumber": order.po})
    answers = [_label_error(p) for p in problems]
    payload = [e for _, e in answers if e["code"] == "INVALID_MESSAGE_PAYLOAD"]
    conflicts = [e for status, e in answers if status == 409]
    if payload:  # a malformed package is reported before quantities or order state
        raise ApiFailure(400, payload)
    if conflicts:
        raise ApiFailure(409, conflicts)
    if answers:
        raise ApiFailure(400, [e for _, e in answers])


def create_shipping_labels(ctx: Ctx) -> tuple[int, dict]:
    """Synchronous labels: 400 INVALID_MESSAGE_PAYLOAD, 409 NOT_ALL_ITEMS_PRESENT, else 200 ShippingLabel."""
    order = _po(ctx)
    if not isinstance(ctx.body, dict):
        raise invalid("The request body is invalid.", "The request body must be a JSON object")
    _label_problems(ctx, order, ctx.body)
    shape = submissions.schema_errors("shipping-labels", [ctx.body], "2021-12-28", "$")
    if shape:
        raise ApiFailure(400, shape)
    body = ctx.body
    return 200, labelmaker.build_label(ctx.state, order, body["sellingParty"], body["shipFromParty"],
                                       body.get("containers") or [], ctx.moment)


def create_container_label(ctx: Ctx) -> tuple[int, dict]:
    """A pallet label for packages whose tracking numbers the sandbox issued or saw confirmed."""
    body = ctx.body if isinstance(ctx.body, dict) else {}
    _party(body, "sellingParty")
    _party(body, "shipFromParty")
    if body.get("carrierId") != "SWA":
        raise invalid("The request body is invalid.", "carrierId must be SWA")
    container_id = body.get("vendorContainerId")
    packages = body.get("packages")
    if not isinstance(container_id, str) or not container_id or not isinstance(packages, list) or not packages:
        raise invalid("The request body is invalid.", "vendorContainerId and packages are required")
    for package in packages:
        number = package.get("packageTrackingNumber") if isinstance(package, dict) else None
        if number not in ctx.state.tracking_index:
            raise invalid("The request body is invalid.", f"Unknown packageTrackingNumber {number!r}")
    tracking = ctx.state.new_tracking_number()
    return 200, {"containerLabel": labelmaker.container_label(tracking, container_id)}


# --- packing slips and customer invoices -------------------------------------------------------
def _order_lines(order: OrderState) -> list[str]:
    details = order.gen.order["orderDetails"]
    ship_to = details["shipToParty"]
    lines = [f"Order {details['customerOrderNumber']} of {details['orderDate']}",
             f"Ship to: {ship_to['name']}, {ship_to['addressLine1']}, {ship_to['city']} "
             f"{ship_to['stateOrRegion']} {ship_to.get('postalCode', '')}", ""]
    for item in details["items"]:
        lines.append(f"{item['itemSequenceNumber']}  {item['orderedQuantity']['amount']} x "
                     f"{item.get('vendorProductIdentifier', '')}  {item.get('title', '')}")
        if item.get("giftDetails"):
            lines.append(f"Gift message: {item['giftDetails'].get('giftMessage', '')}")
    return lines


def _pdf(title: str, order: OrderState) -> str:
    return base64.b64encode(labels.simple_pdf(f"{title} {order.po}", _order_lines(order))).decode("ascii")


def _slip(order: OrderState) -> dict:
    return {"purchaseOrderNumber": order.po, "content": _pdf("Packing slip", order), "contentType": "application/pdf"}


def _invoice(order: OrderState) -> dict:
    return {"purchaseOrderNumber": order.po, "content": _pdf("Customer invoice", order)}


def _needs_slip(order: OrderState) -> bool:
    return bool(order.gen.order["orderDetails"]["shipmentDetails"]["isPslipRequired"])


def get_packing_slips(ctx: Ctx) -> tuple[int, dict]:
    """Packing slips (real PDFs) of isPslipRequired orders created in the window."""
    rows = _in_window(ctx, [(o.gen.created, o) for o in ctx.state.orders.values() if _needs_slip(o)])
    return _list(ctx, rows, "packingSlips", _slip)


def get_packing_slip(ctx: Ctx) -> tuple[int, dict]:
    """The packing slip of one PO; 404 when the order needs none."""
    order = _po(ctx)
    if not _needs_slip(order):
        raise not_found(f"Packing slip for {order.po}")
    return 200, _slip(order)


def get_customer_invoices(ctx: Ctx) -> tuple[int, dict]:
    """Customer invoices (real PDFs) of orders shipped in the window."""
    rows = _in_window(ctx, [(o.shipped_at, o) for o in ctx.state.orders.values() if o.shipped_at])
    return _list(ctx, rows, "customerInvoices", _invoice)


def get_customer_invoice(ctx: Ctx) -> tuple[int, dict]:
    """The customer invoice of one shipped PO; 404 before shipment."""
    order = _po(ctx)
    if order.shipped_at is None:
        raise not_found(f"Customer invoice for {order.po}")
    return 200, _invoice(order)
