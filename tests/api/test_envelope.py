"""Callers see one shape whatever the version's envelope: payload unwrapped, errors in one list form."""

from __future__ import annotations

import pytest

from tests.api.fakes import Answer, FakeAmazon
from translator.api.client import SpApiClient
from translator.api.envelope import normalise_body, normalise_errors, normalise_transaction
from translator.errors import ApiError

ERR = {"code": "InvalidInput", "message": "Invalid PO", "details": "purchaseOrderNumber"}
NORMAL = [{"code": "InvalidInput", "message": "Invalid PO", "details": "purchaseOrderNumber"}]


def test_v1_payload_is_unwrapped_and_2021_body_is_kept() -> None:
    assert normalise_body({"payload": {"orders": []}}) == {"orders": []}
    assert normalise_body({"orders": [], "pagination": {"nextToken": "x"}}) == {
        "orders": [], "pagination": {"nextToken": "x"}}
    assert normalise_body(None) == {}


def test_a_stray_payload_wrapper_on_a_2021_body_is_tolerated() -> None:
    # Amazon's own 2021-12-28 getCustomerInvoices example is wrapped in payload (DIGEST §10)
    assert normalise_body({"payload": {"customerInvoices": []}}) == {"customerInvoices": []}
    # ...but a real field called payload inside a wider object is left alone
    assert normalise_body({"payload": 1, "other": 2}) == {"payload": 1, "other": 2}


@pytest.mark.parametrize("body", [
    {"errors": [ERR]},               # v1: bare array under errors
    {"errors": {"errors": [ERR]}},   # an ErrorList object nested (Transaction.errors in 2021)
    [ERR],                           # a bare array
    ERR,                             # Transactions 2021-12-28: a single Error object
], ids=["v1-array", "2021-object", "bare-array", "single-error"])
def test_every_error_shape_normalises_to_one_list(body: object) -> None:
    assert normalise_errors(body) == NORMAL


def test_missing_details_become_none_and_lwa_errors_are_understood() -> None:
    assert normalise_errors({"errors": [{"code": "X", "message": "m"}]}) == [
        {"code": "X", "message": "m", "details": None}]
    assert normalise_errors({"error": "invalid_client", "error_description": "bad"}) == [
        {"code": "invalid_client", "message": "bad", "details": None}]
    assert normalise_errors({"orders": []}) == []


def test_transaction_status_normalises_both_versions() -> None:
    v1 = {"transactionStatus": {"transactionId": "t", "status": "Failure", "errors": [ERR]}}
    v2021 = {"transactionStatus": {"transactionId": "t", "status": "Failure", "errors": {"errors": [ERR]}}}
    expected = {"transactionId": "t", "status": "Failure", "errors": NORMAL}
    assert normalise_transaction(v1) == normalise_transaction(v2021) == expected
    assert normalise_transaction({"transactionStatus": {"transactionId": "t", "status": "Success"}})["errors"] == []


@pytest.mark.parametrize(("version", "answer"), [
    ("v1", {"payload": {"transactionStatus": {"transactionId": "t", "status": "Failure", "errors": [ERR]}}}),
    ("2021-12-28", {"transactionStatus": {"transactionId": "t", "status": "Failure", "errors": {"errors": [ERR]}}}),
])
def test_get_transaction_status_is_the_same_for_both_versions(fake: FakeAmazon, make_client, version: str,
                                                              answer: dict) -> None:
    client: SpApiClient = make_client(versions={"transactions": version})
    fake.script("getTransactionStatus", Answer(200, answer))
    assert client.get_transaction_status("t") == {"transactionId": "t", "status": "Failure", "errors": NORMAL}
    assert f"/transactions/{version}/" in fake.calls("getTransactionStatus")[0].path


@pytest.mark.parametrize(("version", "answer"), [
    ("v1", {"errors": [ERR]}),
    ("2021-12-28", {"errors": [ERR]}),
])
def test_http_errors_carry_normalised_errors(fake: FakeAmazon, make_client, version: str, answer: dict) -> None:
    client: SpApiClient = make_client(versions={"orders": version})
    fake.script("getOrder", Answer(400, answer))
    with pytest.raises(ApiError) as caught:
        client.get_order("PO1")
    assert caught.value.status == 400
    assert caught.value.operation == "getOrder"
    assert caught.value.errors == NORMAL
    assert "InvalidInput: Invalid PO" in str(caught.value)


def test_a_non_json_success_body_is_an_api_error(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.script("getOrder", Answer(200, b"<html>oops</html>"))
    with pytest.raises(ApiError, match="not JSON"):
        client.get_order("PO1")
