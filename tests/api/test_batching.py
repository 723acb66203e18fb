"""Submissions are validated locally first, sent in batches, and halved on 413."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.fakes import Answer, FakeAmazon, Seen
from translator.api.client import SpApiClient
from translator.errors import DocumentRejected
from translator.problems import Problem


def _accept(seen: Seen) -> Answer:
    items = next(iter(seen.body.values()))
    return Answer(202, {"transactionId": f"tx-{len(items)}-{items[0]['purchaseOrderNumber']}"})


def _acks(n: int) -> list[dict[str, Any]]:
    return [{"purchaseOrderNumber": f"PO{i:03d}"} for i in range(n)]


def test_submissions_are_split_into_batches_of_the_configured_size(fake: FakeAmazon, make_client) -> None:
    client: SpApiClient = make_client(batch_size=4)
    fake.handle("submitAcknowledgement", _accept)
    ids = client.submit_acknowledgements(_acks(10))
    assert ids == ["tx-4-PO000", "tx-4-PO004", "tx-2-PO008"]
    bodies = [s.body for s in fake.calls("submitAcknowledgement")]
    assert [len(b["orderAcknowledgements"]) for b in bodies] == [4, 4, 2]


@pytest.mark.parametrize(("method", "operation", "key"), [
    ("submit_acknowledgements", "submitAcknowledgement", "orderAcknowledgements"),
    ("submit_shipping_label_requests", "submitShippingLabelRequest", "shippingLabelRequests"),
    ("submit_shipment_confirmations", "submitShipmentConfirmations", "shipmentConfirmations"),
    ("submit_shipment_status_updates", "submitShipmentStatusUpdates", "shipmentStatusUpdates"),
    ("submit_invoices", "submitInvoice", "invoices"),
])
def test_each_submission_uses_its_body_key(fake: FakeAmazon, client: SpApiClient, method: str,
                                           operation: str, key: str) -> None:
    fake.handle(operation, _accept)
    assert getattr(client, method)(_acks(3)) == ["tx-3-PO000"]
    assert list(fake.calls(operation)[0].body) == [key]


def test_v1_submission_answers_are_unwrapped(fake: FakeAmazon, make_client) -> None:
    client: SpApiClient = make_client(versions={"orders": "v1"})
    fake.script("submitAcknowledgement", Answer(202, {"payload": {"transactionId": "v1-tx"}}))
    assert client.submit_acknowledgements(_acks(1)) == ["v1-tx"]
    assert "/orders/v1/" in fake.calls("submitAcknowledgement")[0].path


def test_a_413_halves_the_batch_and_resends(fake: FakeAmazon, make_client) -> None:
    client: SpApiClient = make_client(batch_size=8)

    def too_big_above_2(seen: Seen) -> Answer:
        items = seen.body["invoices"]
        if len(items) > 2:
            return Answer(413, {"errors": [{"code": "RequestEntityTooLarge", "message": "too big"}]})
        return _accept(seen)

    fake.handle("submitInvoice", too_big_above_2)
    ids = client.submit_invoices(_acks(8))
    assert ids == ["tx-2-PO000", "tx-2-PO002", "tx-2-PO004", "tx-2-PO006"]
    sizes = [len(s.body["invoices"]) for s in fake.calls("submitInvoice")]
    assert sizes == [8, 4, 2, 2, 4, 2, 2]
    sent = [item for s in fake.calls("submitInvoice") if len(s.body["invoices"]) <= 2 for item in s.body["invoices"]]
    assert sent == _acks(8)  # every item accepted exactly once, in order


def test_a_single_item_too_large_is_raised(fake: FakeAmazon, client: SpApiClient) -> None:
    from translator.api.retry import PayloadTooLarge

    fake.handle("submitInvoice", lambda s: Answer(413, {"errors": [{"code": "TooLarge", "message": "x"}]}))
    with pytest.raises(PayloadTooLarge):
        client.submit_invoices(_acks(2))
    assert [len(s.body["invoices"]) for s in fake.calls("submitInvoice")] == [2, 1]


def _reject_missing_selling_party(kind: str, item: Any, **_: Any) -> list[Problem]:
    if "sellingParty" in item:
        return []
    return [Problem("SCHEMA-REQUIRED", "sellingParty is required", field="$.sellingParty",
                    hint="add the vendor's party id")]


def test_an_invalid_item_is_refused_locally_and_nothing_is_sent(fake: FakeAmazon, make_client) -> None:
    client: SpApiClient = make_client(validator=_reject_missing_selling_party, batch_size=2)
    items = [{"purchaseOrderNumber": "PO1", "sellingParty": {"partyId": "V"}},
             {"purchaseOrderNumber": "PO2", "sellingParty": {"partyId": "V"}},
             {"purchaseOrderNumber": "PO3"}]
    with pytest.raises(DocumentRejected) as caught:
        client.submit_acknowledgements(items)
    [problem] = caught.value.problems
    assert problem.field == "$.sellingParty"
    assert problem.document == "PO3" and problem.record == "acknowledgements[2]"
    assert "nothing was sent" in str(caught.value)
    assert fake.requests == []


def test_validation_covers_inventory_and_shipping_labels(fake: FakeAmazon, make_client) -> None:
    seen: list[tuple[str, Any]] = []

    def record(kind: str, item: Any, version: str) -> list[Problem]:
        seen.append((kind, version))
        return []

    client: SpApiClient = make_client(validator=record)
    fake.script("submitInventoryUpdate", Answer(202, {"payload": {"transactionId": "inv"}}))
    fake.script("createShippingLabels", Answer(200, {"purchaseOrderNumber": "PO1", "labelData": []}))
    fake.script("createContainerLabel", Answer(200, {"containerLabel": {}}))
    inventory = {"sellingParty": {"partyId": "V"}, "isFullUpdate": False, "items": []}
    assert client.submit_inventory_update("WH1", inventory) == "inv"
    assert client.create_shipping_labels("PO1", {"sellingParty": {}, "shipFromParty": {}})["labelData"] == []
    assert client.create_container_label({"carrierId": "SWA"}) == {"containerLabel": {}}
    assert seen == [("inventory", "v1"), ("shipping-labels", "2021-12-28"), ("container-labels", "2021-12-28")]
    assert fake.calls("submitInventoryUpdate")[0].path.endswith("/warehouses/WH1/items")
    assert fake.calls("submitInventoryUpdate")[0].body == {"inventory": inventory}


def test_sandbox_test_data_operations(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.script("generateOrderScenarios", Answer(202, {"transactionId": "gen-1"}))
    fake.script("getOrderScenarios", Answer(200, {"transactionStatus": {
        "transactionId": "gen-1", "status": "SUCCESS",
        "testCaseData": {"scenarios": [{"scenarioId": "SCENARIO_1", "orders": [{"orderId": "T1"}]}]}}}))
    assert client.generate_order_scenarios({"orders": [{"sellingParty": {"partyId": "V"},
                                                        "shipFromParty": {"partyId": "W"}}]}) == "gen-1"
    assert client.get_order_scenarios("gen-1")["testCaseData"]["scenarios"][0]["orders"] == [{"orderId": "T1"}]


def test_schema_module_validates_for_real() -> None:
    schema = pytest.importorskip("translator.documents.schema")
    problems = schema.validate("acknowledgements", {"purchaseOrderNumber": 5})
    assert problems and all(isinstance(p, Problem) for p in problems)


def test_submit_batches_reports_each_accepted_batch_before_a_later_failure(fake: FakeAmazon, make_client) -> None:
    from translator.errors import ApiError

    client: SpApiClient = make_client(batch_size=2)
    fake.script("submitShipmentConfirmations", Answer(202, {"transactionId": "tx-a"}),
                Answer(400, {"errors": [{"code": "InvalidInput", "message": "bad"}]}))
    accepted = []
    with pytest.raises(ApiError):
        for batch, transaction_id in client.submit_batches("submitShipmentConfirmations", _acks(4)):
            accepted.append(([item["purchaseOrderNumber"] for item in batch], transaction_id))
    assert accepted == [(["PO000", "PO001"], "tx-a")]


def test_submit_batches_validates_before_returning(fake: FakeAmazon, make_client) -> None:
    client: SpApiClient = make_client(validator=_reject_missing_selling_party)
    with pytest.raises(DocumentRejected):
        client.submit_batches("submitInvoice", [{"invoiceNumber": "I1"}])
    assert fake.requests == []


def test_the_real_schema_refuses_an_incomplete_acknowledgement_naming_the_field(fake: FakeAmazon,
                                                                                make_client) -> None:
    pytest.importorskip("translator.documents.schema")
    client: SpApiClient = make_client(validator=None)
    with pytest.raises(DocumentRejected) as caught:
        client.submit_acknowledgements([{"purchaseOrderNumber": "PO1"}])
    fields = {p.field for p in caught.value.problems}
    assert "$.sellingParty" in fields and "$.itemAcknowledgements" in fields
    assert all(p.document == "PO1" for p in caught.value.problems)
    assert fake.requests == []


def test_the_real_schema_checks_v1_container_types_for_v1(fake: FakeAmazon, make_client) -> None:
    pytest.importorskip("translator.documents.schema")
    request = {"purchaseOrderNumber": "PO1", "sellingParty": {"partyId": "V"}, "shipFromParty": {"partyId": "W"},
               "containers": [{"containerType": "carton", "containerIdentifier": "C1",
                               "weight": {"unitOfMeasure": "KG", "value": "1.5"},
                               "packedItems": [{"itemSequenceNumber": 1, "packedQuantity":
                                                {"amount": 1, "unitOfMeasure": "Each"}}]}]}
    fake.handle("submitShippingLabelRequest", lambda s: Answer(202, {"payload": {"transactionId": "t"}}))
    v1: SpApiClient = make_client(validator=None, versions={"shipping": "v1"})
    assert v1.submit_shipping_label_requests([request]) == ["t"]
    v2021: SpApiClient = make_client(validator=None)
    with pytest.raises(DocumentRejected) as caught:
        v2021.submit_shipping_label_requests([request])
    assert [p.field for p in caught.value.problems] == ["$.containers[0].containerType"]
