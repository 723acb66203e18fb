"""The client's high-level methods against an emulation of Amazon's static (v1) sandbox.

Amazon's static sandbox answers an example only when the request carries exactly the example's
parameters (DIGEST §9). Serving the model's examples with that matching rule proves the client
sends what Amazon expects (date formats, ``includeDetails`` as a string, ``nextToken`` paging),
not only that it parses the answers.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import accept_everything
from tests.api.fakes import CREDS, ENDPOINT, Answer, FakeAmazon, FakeTime, Seen, session_with
from translator.api.client import SpApiClient
from translator.api.operations import match_path
from translator.errors import ApiError

V1 = {"orders": "v1", "shipping": "v1", "transactions": "v1"}


def _load(models: Path) -> dict[str, list[tuple[int, dict[str, Any], Any]]]:
    """operation key -> [(status, {param: value}, response)] in model order."""
    examples: dict[str, list[tuple[int, dict[str, Any], Any]]] = {}
    for model_file in sorted(models.glob("*V1.json")):
        model = json.loads(model_file.read_text(encoding="utf-8"))
        for path, item in model["paths"].items():
            for method, spec in item.items():
                if not isinstance(spec, dict):
                    continue
                op, _ = match_path(method.upper(), path.replace("{", "").replace("}", ""))
                for status, response in spec["responses"].items():
                    for ex in (response.get("x-amzn-api-sandbox") or {}).get("static", []):
                        params = {k: (v or {}).get("value") for k, v in ex["request"]["parameters"].items()}
                        examples.setdefault(op.key, []).append((int(status), params, ex["response"]))
    return examples


def _matches(params: dict[str, Any], seen: Seen) -> bool:
    sent: dict[str, Any] = {**seen.query, **seen.path_params}
    for name, value in params.items():
        if name == "body":
            if value is not None and seen.body != value:
                return False
        elif name not in sent or str(sent[name]).lower() != str(value).lower():
            return False
    return True


class StaticSandbox:
    """Answers like Amazon's static sandbox: the most specific example whose parameters all match."""

    def __init__(self, examples: dict[str, list[tuple[int, dict[str, Any], Any]]]) -> None:
        self.examples = examples

    def __call__(self, seen: Seen) -> Answer:
        candidates = [e for e in self.examples.get(seen.op.key, []) if _matches(e[1], seen)]
        if not candidates:
            return Answer(400, {"errors": [{"code": "InvalidInput", "message": "no static example matches"}]})
        status, _, response = max(candidates, key=lambda e: len([v for v in e[1].values() if v is not None]))
        return Answer(status, response)


@pytest.fixture
def v1(spapi_models_dir: Path) -> SpApiClient:
    examples = _load(spapi_models_dir)
    fake = FakeAmazon()
    handler = StaticSandbox(examples)
    for key in examples:
        fake.handle(key.split("@")[0], handler)
    time = FakeTime()
    return SpApiClient(ENDPOINT, CREDS, session=session_with(fake), versions=V1, clock=time.clock,
                       sleep=time.sleep, validator=accept_everything, max_attempts=1)


PST = timezone(timedelta(hours=-8))


def test_iter_orders_sends_exactly_what_the_static_sandbox_expects(v1: SpApiClient) -> None:
    orders = list(v1.iter_orders(datetime(2020, 2, 15, 14, tzinfo=PST), datetime(2020, 2, 20, tzinfo=PST),
                                 limit=2, sort_order="DESC"))
    assert [o["purchaseOrderNumber"] for o in orders] == ["2JK3S9VC", "3TRD2IAB", "2JK3S9VCD", "3TRD2IABC"]
    assert orders[0]["orderDetails"]["orderStatus"] == "NEW"


def test_iter_orders_without_details(v1: SpApiClient) -> None:
    orders = list(v1.iter_orders(datetime(2019, 8, 20, 14, tzinfo=PST), datetime(2019, 8, 21, tzinfo=PST),
                                 include_details=False, sort_order="DESC", limit=100))
    assert orders == [{"purchaseOrderNumber": po} for po in ("2JK3S9VC", "3TRD2IAB", "2JK3S9VCD", "3TRD2IABC")]


def test_get_order_and_labels_and_slips(v1: SpApiClient) -> None:
    assert v1.get_order("2JK3S9VC")["purchaseOrderNumber"] == "2JK3S9VC"
    assert v1.get_shipping_label("2JK3S9VC")["labelFormat"] == "PNG"
    assert v1.get_packing_slip("UvgABdBjQ")["content"].startswith("JVBERi0")
    assert v1.get_customer_invoice("PO98676856")["content"] == "base 64 encoded string"


def test_transaction_statuses_are_normalised(v1: SpApiClient) -> None:
    processing = v1.get_transaction_status("20190904190535-eef8cad8-418e-4ed3-ac72-789e2ee6214a")
    assert processing["status"] == "Processing" and processing["errors"] == []
    failure = v1.get_transaction_status("20190918190535-eef8cad8-418e-456f-ac72-789e2ee6813c")
    assert failure["status"] == "Failure"
    assert failure["errors"][0]["code"] == "INVALID_ORDER_ID"
    assert set(failure["errors"][0]) == {"code", "message", "details"}


def test_static_400_examples_surface_as_api_errors(v1: SpApiClient) -> None:
    with pytest.raises(ApiError) as caught:
        v1.get_shipping_label("DUMMYPO")
    assert caught.value.status == 400
    assert caught.value.errors == [{"code": "InvalidInput", "message": "Invalid PO ID.", "details": ""}]


def test_example_submission_bodies_return_their_transaction_ids(v1: SpApiClient, spapi_models_dir: Path) -> None:
    examples = _load(spapi_models_dir)
    [(_, params, response)] = [e for e in examples["submitAcknowledgement@v1"]
                               if e[0] == 202 and e[1].get("body")]
    items = params["body"]["orderAcknowledgements"]
    assert v1.submit_acknowledgements(items) == [response["payload"]["transactionId"]]
