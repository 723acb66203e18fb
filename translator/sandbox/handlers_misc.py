"""Transactions, Tokens (RDT) and the DF sandbox test-data operations."""

from __future__ import annotations

from translator.sandbox import auth
from translator.sandbox.context import Ctx
from translator.sandbox.errors import invalid, not_found

SCENARIO_STATUS = {"Processing": "PROCESSING", "Success": "SUCCESS", "Failure": "FAILURE"}


def get_transaction_status(ctx: Ctx) -> tuple[int, dict]:
    """A transaction's status; errors are an array in v1 and an ErrorList object in 2021-12-28."""
    txn = ctx.state.transactions.get(ctx.params["transactionId"])
    if txn is None:
        raise not_found(f"Transaction {ctx.params['transactionId']}")
    status: dict = {"transactionId": txn.transaction_id, "status": txn.status}
    if txn.status == "Failure":
        status["errors"] = list(txn.errors) if ctx.v1 else {"errors": list(txn.errors)}
    return 200, {"transactionStatus": status}


def create_restricted_data_token(ctx: Ctx) -> tuple[int, dict]:
    """An RDT for the requested restricted ``{method, path}`` resources."""
    resources = auth.validate_resources(ctx.body)
    token = ctx.tokens.issue_rdt(resources, ctx.now)
    return 200, {"restrictedDataToken": token, "expiresIn": ctx.config.rdt_ttl}


def _scenario_parties(body: object) -> list[tuple[str, str]]:
    orders = body.get("orders") if isinstance(body, dict) else None
    if not isinstance(orders, list) or not orders:
        raise invalid("The request body is invalid.", "orders must be a non-empty array")
    parties = []
    for entry in orders:
        selling = (entry.get("sellingParty") or {}).get("partyId") if isinstance(entry, dict) else None
        ship_from = (entry.get("shipFromParty") or {}).get("partyId") if isinstance(entry, dict) else None
        if not selling or not ship_from:
            raise invalid("The request body is invalid.", "sellingParty.partyId and shipFromParty.partyId are required")
        parties.append((selling, ship_from))
    return parties


def generate_order_scenarios(ctx: Ctx) -> tuple[int, dict]:
    """Create one new order per requested party pair; report them under SCENARIO_n."""
    parties = _scenario_parties(ctx.body)
    scenarios = []
    for number, (selling, ship_from) in enumerate(parties, start=1):
        order = ctx.state.add_order(ctx.moment.replace(microsecond=0), ship_from, selling)
        scenarios.append({"scenarioId": f"SCENARIO_{number}", "orders": [{"orderId": order.po}]})
    txn = ctx.state.submit(ctx.op.key, "scenarios", [], "", ctx.now)
    txn.status = "Success"
    ctx.state.pending.remove(txn)
    ctx.state.scenarios[txn.transaction_id] = {"scenarios": scenarios, "ready_at": txn.ready_at}
    return 202, {"transactionId": txn.transaction_id}


def get_order_scenarios(ctx: Ctx) -> tuple[int, dict]:
    """PROCESSING until the transaction delay passes, then SUCCESS with the scenario orders."""
    found = ctx.state.scenarios.get(ctx.params["transactionId"])
    if found is None:
        raise not_found(f"Transaction {ctx.params['transactionId']}")
    ready = ctx.now >= found["ready_at"]
    status = {"transactionId": ctx.params["transactionId"], "status": "SUCCESS" if ready else "PROCESSING"}
    if ready:
        status["testCaseData"] = {"scenarios": found["scenarios"]}
    return 200, {"transactionStatus": status}
