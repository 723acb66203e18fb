"""The asynchronous submit* operations: check the body's shape, queue a transaction, answer 202.

Shape errors (not JSON, missing top-level array, a document that fails the schema) are answered
400 at once, as Amazon does; business rules are judged later when the transaction settles.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from translator.documents import schema
from translator.problems import Problem
from translator.sandbox.context import Ctx
from translator.sandbox.errors import ApiFailure, error, invalid
from translator.sandbox.processing import SUBMISSIONS

V1_CONTAINER_TYPES = {"carton": "Carton", "pallet": "Pallet"}


def digest(value: Any) -> str:
    """Stable content digest of a JSON value (key order and whitespace do not matter)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _normalise_v1(item: Any) -> Any:
    """Shipping v1 spells container types in lower case; the rules speak 2021-12-28."""
    if not isinstance(item, dict) or not isinstance(item.get("containers"), list):
        return item
    item = copy.deepcopy(item)
    for container in item["containers"]:
        if isinstance(container, dict) and container.get("containerType") in V1_CONTAINER_TYPES:
            container["containerType"] = V1_CONTAINER_TYPES[container["containerType"]]
    return item


def _documents(ctx: Ctx, key: str) -> list[Any]:
    body = ctx.body
    if not isinstance(body, dict) or key not in body:
        raise invalid("The request body is invalid.", f"The request body must be a JSON object with {key!r}")
    value = body[key]
    if key == "inventory":
        if not isinstance(value, dict):
            raise invalid("The request body is invalid.", "inventory must be an object")
        return [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise invalid("The request body is invalid.", f"{key} must be a non-empty array of objects")
    return list(value)


def schema_error(problem: Problem, prefix: str) -> dict:
    """A schema problem as Amazon's 400 ``InvalidInput`` error naming the field."""
    where = f"{prefix}{(problem.field or '$').lstrip('$')}"
    value = f" (value {problem.value!r})" if problem.value is not None else ""
    return error("InvalidInput", problem.rule, f"{where}{value}")


def schema_errors(kind: str, items: list[Any], version: str, key: str) -> list[dict]:
    """Every schema problem of every document; the version picks v1 spellings (``carton``)."""
    wanted = "v1" if version == "v1" else None
    found = []
    for index, item in enumerate(items):
        prefix = key if key in ("inventory", "$") else f"{key}[{index}]"
        found.extend(schema_error(p, prefix) for p in schema.validate(kind, item, version=wanted))
    return found


def submit(ctx: Ctx) -> tuple[int, dict]:
    """Queue the documents of a submit* call and answer 202 with the transactionId."""
    kind, key = SUBMISSIONS[ctx.op.name]
    items = _documents(ctx, key)
    problems = schema_errors(kind, items, ctx.op.version, key)
    if problems:
        raise ApiFailure(400, problems)
    originals = items
    if ctx.v1:
        items = [_normalise_v1(item) for item in items]
    context = {"warehouseId": ctx.params["warehouseId"]} if "warehouseId" in ctx.params else {}
    txn = ctx.state.submit(ctx.op.key, kind, items, digest(ctx.body), ctx.now, context, originals)
    return 202, {"transactionId": txn.transaction_id}
