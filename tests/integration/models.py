"""Validators built from Amazon's official Swagger 2.0 models, read from ``../shared`` at test time.

Swagger 2.0 schemas are JSON Schema draft 4 plus a few keywords validators ignore (``example``,
``x-*``), so a definition becomes a validator by putting the model's ``definitions`` beside it. The
models are made strict here (an object may hold only the properties its definition names), so an
extra or misspelt field on the wire fails, as it would at Amazon.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator

from translator.api.operations import Operation

MODEL_FILES = {
    ("orders", "v1"): "vendorDirectFulfillmentOrdersV1.json",
    ("orders", "2021-12-28"): "vendorDirectFulfillmentOrders_2021-12-28.json",
    ("shipping", "v1"): "vendorDirectFulfillmentShippingV1.json",
    ("shipping", "2021-12-28"): "vendorDirectFulfillmentShipping_2021-12-28.json",
    ("payments", "v1"): "vendorDirectFulfillmentPaymentsV1.json",
    ("inventory", "v1"): "vendorDirectFulfillmentInventoryV1.json",
    ("transactions", "v1"): "vendorDirectFulfillmentTransactionsV1.json",
    ("transactions", "2021-12-28"): "vendorDirectFulfillmentTransactions_2021-12-28.json",
    ("sandboxData", "2021-10-28"): "vendorDirectFulfillmentSandboxData_2021-10-28.json",
    ("tokens", "2021-03-01"): "tokens_2021-03-01.json",
}


def strict(definitions: dict[str, Any]) -> dict[str, Any]:
    """Forbid properties a definition does not name (Swagger leaves additionalProperties open)."""
    for definition in definitions.values():
        if definition.get("type") == "object" and "properties" in definition:
            definition.setdefault("additionalProperties", False)
    return definitions


@cache
def model(models_dir: Path, filename: str) -> dict[str, Any]:
    loaded = json.loads((models_dir / filename).read_text("utf-8"))
    strict(loaded["definitions"])
    return loaded


def _operation(models_dir: Path, op: Operation) -> tuple[dict[str, Any], dict[str, Any]]:
    spec = model(models_dir, MODEL_FILES[(op.api, op.version)])
    return spec, spec["paths"][op.path][op.method.lower()]


def _validator(spec: dict[str, Any], schema: dict[str, Any]) -> Draft4Validator:
    return Draft4Validator({"definitions": spec["definitions"], "allOf": [copy.deepcopy(schema)]})


def request_validator(models_dir: Path, op: Operation) -> Draft4Validator | None:
    """The body parameter's schema for ``op`` (``None`` when the operation takes no body)."""
    spec, operation = _operation(models_dir, op)
    bodies = [p for p in operation.get("parameters", []) if p.get("in") == "body"]
    return _validator(spec, bodies[0]["schema"]) if bodies else None


def response_validator(models_dir: Path, op: Operation, status: int) -> Draft4Validator | None:
    """The schema the model declares for ``status`` (``None`` when the model declares no such status)."""
    spec, operation = _operation(models_dir, op)
    declared = operation["responses"].get(str(status))
    return _validator(spec, declared["schema"]) if declared and "schema" in declared else None


def problems(validator: Draft4Validator, body: Any, limit: int = 5) -> list[str]:
    """The first few violations, each as ``json path: message``."""
    found = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    return [f"{e.json_path}: {e.message[:160]}" for e in found[:limit]]
