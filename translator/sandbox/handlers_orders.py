"""Orders API (v1 and 2021-12-28): getOrders, getOrder; submitAcknowledgement is a submission."""

from __future__ import annotations

from translator.sandbox import params
from translator.sandbox.context import Ctx
from translator.sandbox.errors import invalid, not_found

STATUSES = ("NEW", "SHIPPED", "ACCEPTED", "CANCELLED")


def _lower(query: dict[str, list[str]], name: str) -> dict[str, list[str]]:
    """``includeDetails`` is a string with format boolean; accept ``True`` as well as ``true``."""
    return {**query, name: [v.lower() for v in query[name]]} if name in query else query


def get_orders(ctx: Ctx) -> tuple[int, dict]:
    """Orders created in the window, filtered by status and warehouse, one page at a time."""
    query = ctx.query
    after, before = params.window(query, None)
    status = params.choice(query, "status", STATUSES, None)
    order = params.choice(query, "sortOrder", ("ASC", "DESC"), "ASC")
    details = params.choice(_lower(query, "includeDetails"), "includeDetails", ("true", "false"), "true") == "true"
    warehouse = params.one(query, "shipFromPartyId")
    rows = [o for o in ctx.state.orders_created(after, before)
            if (status is None or o.status == status) and (warehouse is None or o.gen.warehouse == warehouse)]
    if order == "DESC":
        rows.reverse()
    chunk, token = params.page(query, rows, ctx.config.default_limit)
    result: dict = {"orders": [o.api_order(ctx.op.version, details) for o in chunk]}
    if token:
        result["pagination"] = {"nextToken": token}
    return 200, result


def get_order(ctx: Ctx) -> tuple[int, dict]:
    """One order with its live status; 404 when the PO is unknown."""
    po = ctx.params["purchaseOrderNumber"]
    if not po.isalnum():
        raise invalid("Request is missing or has invalid parameters", "purchaseOrderNumber must be alpha-numeric")
    found = ctx.state.order(po)
    if found is None:
        raise not_found(f"Purchase order {po}")
    return 200, found.api_order(ctx.op.version)
