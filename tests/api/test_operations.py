"""The operations catalogue agrees with Amazon's official models, path by path and plan by plan."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from translator.api.operations import OPERATIONS, find_operation, match_path

USAGE_PLAN = re.compile(r"\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|")


def _model_operations(models: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(METHOD, path) -> (operationId, description) over every official model file."""
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for model_file in sorted(models.glob("*.json")):
        model = json.loads(model_file.read_text(encoding="utf-8"))
        for path, item in model["paths"].items():
            for method, op in item.items():
                if method in {"get", "post", "put", "delete", "patch"}:
                    found[(method.upper(), path)] = (op["operationId"], op.get("description", ""))
    return found


def test_catalogue_has_all_33_operations_once() -> None:
    assert len(OPERATIONS) == 33
    assert len({(op.method, op.path) for op in OPERATIONS}) == 33
    assert len({op.key for op in OPERATIONS}) == 33


def test_every_operation_exists_in_the_official_models_with_same_operation_id(spapi_models_dir: Path) -> None:
    model_ops = _model_operations(spapi_models_dir)
    for op in OPERATIONS:
        assert (op.method, op.path) in model_ops, f"{op.key} {op.method} {op.path} not in models"
        assert model_ops[(op.method, op.path)][0] == op.name
    assert len(model_ops) == len(OPERATIONS), "the models hold operations the catalogue lacks"


def test_rate_and_burst_match_each_usage_plan(spapi_models_dir: Path) -> None:
    model_ops = _model_operations(spapi_models_dir)
    checked = 0
    for op in OPERATIONS:
        plan = USAGE_PLAN.search(model_ops[(op.method, op.path)][1])
        if op.api == "sandboxData":
            assert plan is None  # no published plan; we assume the sandbox hosts' 5/15
            continue
        assert plan, f"{op.key} has no usage plan in its description"
        assert (float(plan.group(1)), int(plan.group(2))) == (op.rate, op.burst), op.key
        checked += 1
    assert checked == 31


def test_success_status_is_the_models_2xx(spapi_models_dir: Path) -> None:
    for model_file in spapi_models_dir.glob("*.json"):
        model = json.loads(model_file.read_text(encoding="utf-8"))
        for path, item in model["paths"].items():
            for method, spec in item.items():
                if method not in {"get", "post"}:
                    continue
                op, _ = match_path(method.upper(), path.replace("{", "X").replace("}", "X"))
                success = [int(code) for code in spec["responses"] if code.startswith("2")]
                assert success == [op.success_status], op.key


def test_restricted_operations_are_the_auth_library_superset() -> None:
    restricted = {op.name for op in OPERATIONS if op.restricted}
    assert restricted == {
        "getOrders", "getOrder", "getShippingLabels", "getShippingLabel", "getPackingSlips",
        "getPackingSlip", "getCustomerInvoices", "getCustomerInvoice", "createShippingLabels",
    }
    assert not find_operation("createContainerLabel", "2021-12-28").restricted


def test_match_path_prefers_the_literal_path_over_a_template() -> None:
    found = match_path("POST", "/vendor/directFulfillment/shipping/2021-12-28/shippingLabels")
    assert found is not None and found[0].name == "submitShippingLabelRequest"
    found = match_path("POST", "/vendor/directFulfillment/shipping/2021-12-28/shippingLabels/PO123")
    assert found == (find_operation("createShippingLabels", "2021-12-28"), {"purchaseOrderNumber": "PO123"})


def test_match_path_extracts_parameters_and_ignores_query_and_trailing_slash() -> None:
    op, params = match_path("GET", "/vendor/directFulfillment/transactions/v1/transactions/abc-1/?x=1")
    assert (op.name, op.version, params) == ("getTransactionStatus", "v1", {"transactionId": "abc-1"})
    assert match_path("DELETE", "/vendor/directFulfillment/orders/v1/purchaseOrders") is None
    assert match_path("GET", "/nowhere") is None


def test_render_path_quotes_values_and_names_missing_parameters() -> None:
    op = find_operation("getOrder", "v1")
    assert op.render_path({"purchaseOrderNumber": "A B"}).endswith("/purchaseOrders/A%20B")
    with pytest.raises(KeyError, match="purchaseOrderNumber"):
        op.render_path({})


def test_find_operation_defaults_to_the_newest_version_and_names_available_ones() -> None:
    assert find_operation("getOrders").version == "2021-12-28"
    assert find_operation("submitInvoice").version == "v1"
    with pytest.raises(KeyError, match="v1, 2021-12-28"):
        find_operation("getOrders", "2020-01-01")
    with pytest.raises(KeyError, match="unknown operation"):
        find_operation("getNothing")


def test_only_reads_and_token_requests_are_safe_to_resend() -> None:
    safe = {op.name for op in OPERATIONS if op.idempotent}
    assert "createRestrictedDataToken" in safe and "getOrders" in safe
    assert not safe & {"submitInvoice", "submitAcknowledgement", "createShippingLabels", "createContainerLabel"}
