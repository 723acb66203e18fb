"""``translator api``: name=value to path or query, --body, --endpoint, config and credentials."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.api.fakes import CREDS, Answer, FakeAmazon, session_with
from translator.api.config import client_from_config, credentials_from, endpoint_from
from translator.api.endpoints import resolve_endpoint
from translator.cli import api_cmd
from translator.cli.main import cli
from translator.errors import ApiError, ConfigError

LOCAL = "http://127.0.0.1:8321"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeAmazon:
    amazon = FakeAmazon()
    monkeypatch.setattr(api_cmd, "make_session", lambda: session_with(amazon))
    return amazon


def run(*args: str) -> object:
    return CliRunner().invoke(cli, ["api", *args], catch_exceptions=True)


def test_get_orders_against_a_local_url_works_without_credentials(fake: FakeAmazon) -> None:
    fake.script("getOrders", Answer(200, {"orders": [{"purchaseOrderNumber": "PO1"}]}))
    result = run("--endpoint", LOCAL, "getOrders", "createdAfter=2024-05-01T00:00:00Z",
                 "createdBefore=2024-05-02T00:00:00Z")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"orders": [{"purchaseOrderNumber": "PO1"}]}
    sent = fake.calls("getOrders")[0]
    assert sent.query == {"createdAfter": "2024-05-01T00:00:00Z", "createdBefore": "2024-05-02T00:00:00Z"}
    assert fake.requests[0].body["client_secret"] == "sandbox"


def test_name_value_fills_path_placeholders(fake: FakeAmazon) -> None:
    fake.script("getTransactionStatus", Answer(200, {"payload": {"transactionStatus": {"status": "Success"}}}))
    result = run("--endpoint", LOCAL, "--version", "v1", "getTransactionStatus", "transactionId=abc-1")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"transactionStatus": {"status": "Success"}}
    assert fake.calls("getTransactionStatus")[0].path.endswith("/transactions/v1/transactions/abc-1")


def test_body_file_is_sent_and_validated(fake: FakeAmazon, tmp_path: Path) -> None:
    body = tmp_path / "labels.json"
    body.write_text(json.dumps({"sellingParty": {"partyId": "V"}, "shipFromParty": {"partyId": "W"},
                                "carrierId": "SWA", "vendorContainerId": "C1",
                                "packages": [{"packageTrackingNumber": "1Z"}]}))
    fake.script("createContainerLabel", Answer(200, {"containerLabel": {"content": "x", "format": "PNG"}}))
    result = run("--endpoint", LOCAL, "createContainerLabel", "--body", str(body))
    assert result.exit_code == 0, result.output
    assert fake.calls("createContainerLabel")[0].body["vendorContainerId"] == "C1"


def test_api_errors_print_the_normalised_errors_and_exit_non_zero(fake: FakeAmazon) -> None:
    fake.script("getOrder", Answer(404, {"errors": [{"code": "NotFound", "message": "no such PO"}]}))
    result = run("--endpoint", LOCAL, "getOrder", "purchaseOrderNumber=NOPE")
    assert result.exit_code != 0
    assert isinstance(result.exception, ApiError)
    assert "NotFound" in result.output


def test_config_file_supplies_endpoint_and_credentials(fake: FakeAmazon, tmp_path: Path) -> None:
    config = tmp_path / "translator.toml"
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'client_id = "{CREDS.client_id}"\nclient_secret = "{CREDS.client_secret}"\n'
                       f'refresh_token = "{CREDS.refresh_token}"\n')
    config.write_text('[api]\nendpoint = "https://sellingpartnerapi-eu.amazon.com"\n'
                      'token_url = "https://lwa.test/auth/o2/token"\n'
                      '[credentials]\ncredentials_file = "secrets.toml"\n')
    fake.script("getOrder", Answer(200, {"purchaseOrderNumber": "PO1"}))
    result = run("--config", str(config), "getOrder", "purchaseOrderNumber=PO1")
    assert result.exit_code == 0, result.output
    assert fake.requests[0].body["refresh_token"] == CREDS.refresh_token
    assert fake.requests[0].path == "/auth/o2/token"
    assert fake.calls("getOrder")[0].headers["x-amz-access-token"].startswith("Atz.sprdt|")
    assert CREDS.client_secret not in result.output and CREDS.refresh_token not in result.output


def test_endpoint_option_overrides_the_config(tmp_path: Path) -> None:
    config = {"api": {"endpoint": "eu"}}
    assert endpoint_from("na", config).api_base == "https://sellingpartnerapi-na.amazon.com"
    assert endpoint_from(None, config).api_base == "https://sellingpartnerapi-eu.amazon.com"
    with pytest.raises(ConfigError, match="--endpoint"):
        endpoint_from(None, {})


def test_amazon_endpoint_without_credentials_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="LWA_CLIENT_ID is not set"):
        credentials_from({}, None, resolve_endpoint("na"), environ={})


def test_environment_wins_over_the_config() -> None:
    env = {"LWA_CLIENT_ID": "env-id", "LWA_CLIENT_SECRET": "env-secret", "SP_API_REFRESH_TOKEN": "env-rt"}
    config = {"credentials": {"client_id": "c", "client_secret": "s", "refresh_token": "r"}}
    assert credentials_from(config, None, resolve_endpoint("na"), environ=env).client_id == "env-id"
    assert credentials_from(config, None, resolve_endpoint("na"), environ={}).client_id == "c"


def test_unknown_operation_and_bad_pairs_are_usage_errors(fake: FakeAmazon) -> None:
    result = run("--endpoint", LOCAL, "getNothing")
    assert isinstance(result.exception, ConfigError) and "known:" in str(result.exception)
    result = run("--endpoint", LOCAL, "getOrders", "createdAfter")
    assert result.exit_code == 2 and "name=value" in result.output


def test_missing_path_parameter_is_named(fake: FakeAmazon) -> None:
    result = run("--endpoint", LOCAL, "getOrder")
    assert isinstance(result.exception, ConfigError)
    assert "purchaseOrderNumber" in str(result.exception)
    assert fake.requests == []


def test_client_from_config_reads_versions_batch_size_and_rate_overrides(fake: FakeAmazon) -> None:
    config = {"api": {"endpoint": LOCAL, "orders_version": "v1", "batch_size": 7,
                      "rates": {"getOrders": [20, 20], "getOrder": 5}}}
    client = client_from_config(config, session=session_with(fake))
    assert client.versions["orders"] == "v1" and client.batch_size == 7
    assert client.limiter.plan(client.operation("getOrders")) == (20.0, 20)
    assert client.limiter.plan(client.operation("getOrder")) == (5.0, 10)


def test_bad_versions_in_config_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="orders has no version '2020-01-01'"):
        client_from_config({"api": {"endpoint": LOCAL, "orders_version": "2020-01-01"}})
    with pytest.raises(ConfigError, match="unknown API 'ordrs'"):
        client_from_config({"api": {"endpoint": LOCAL}}, versions={"ordrs": "v1"})


def test_help_lists_every_operation() -> None:
    result = CliRunner().invoke(cli, ["api", "--help"])
    assert result.exit_code == 0
    assert "createShippingLabels (2021-12-28): POST" in result.output
    assert "getOrders (v1): GET /vendor/directFulfillment/orders/v1/purchaseOrders" in result.output
