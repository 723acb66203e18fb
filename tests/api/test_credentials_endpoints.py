"""Credentials come from the environment or config and never print; endpoints resolve by name or URL."""

from __future__ import annotations

import pytest

from translator.api.credentials import Credentials
from translator.api.endpoints import LWA_TOKEN_URL, resolve_endpoint
from translator.errors import ConfigError

ENV = {"LWA_CLIENT_ID": "amzn1.client-id-123456", "LWA_CLIENT_SECRET": "top-secret-value",
       "SP_API_REFRESH_TOKEN": "Atzr|refresh-token-value"}


def test_from_env_reads_the_three_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    creds = Credentials.from_env()
    assert (creds.client_id, creds.client_secret, creds.refresh_token) == tuple(ENV.values())


@pytest.mark.parametrize("missing", sorted(ENV))
def test_from_env_names_the_missing_variable_and_how_to_set_it(missing: str) -> None:
    env = {k: v for k, v in ENV.items() if k != missing}
    with pytest.raises(ConfigError, match=f"{missing} is not set: export {missing}="):
        Credentials.from_env(env)


def test_from_mapping_names_the_missing_key() -> None:
    with pytest.raises(ConfigError, match="refresh_token is missing from \\[credentials\\]"):
        Credentials.from_mapping({"client_id": "a", "client_secret": "b"})
    creds = Credentials.from_mapping({"client_id": "a", "client_secret": "b", "refresh_token": "c"})
    assert creds.refresh_token == "c"


def test_repr_and_str_mask_every_secret() -> None:
    creds = Credentials.from_env(ENV)
    for text in (repr(creds), str(creds), f"{creds}", repr([creds])):
        assert "top-secret-value" not in text
        assert "refresh-token-value" not in text
        assert "amzn1.client-id-123456" not in text
        assert "3456" in text  # the last characters of the id stay recognisable


@pytest.mark.parametrize(("name", "host"), [
    ("na", "https://sellingpartnerapi-na.amazon.com"),
    ("EU", "https://sellingpartnerapi-eu.amazon.com"),
    ("fe", "https://sellingpartnerapi-fe.amazon.com"),
    ("sandbox-na", "https://sandbox.sellingpartnerapi-na.amazon.com"),
    ("sandbox-eu", "https://sandbox.sellingpartnerapi-eu.amazon.com"),
    ("sandbox-fe", "https://sandbox.sellingpartnerapi-fe.amazon.com"),
])
def test_region_names_use_amazons_hosts_and_lwa(name: str, host: str) -> None:
    endpoint = resolve_endpoint(name)
    assert endpoint.api_base == host
    assert endpoint.token_url == LWA_TOKEN_URL == "https://api.amazon.com/auth/o2/token"
    assert endpoint.is_amazon


def test_a_local_base_url_has_its_own_token_endpoint() -> None:
    endpoint = resolve_endpoint("http://127.0.0.1:8321/")
    assert endpoint.api_base == "http://127.0.0.1:8321"
    assert endpoint.token_url == "http://127.0.0.1:8321/auth/o2/token"
    assert endpoint.is_local


def test_token_url_can_be_overridden() -> None:
    assert resolve_endpoint("na", token_url="https://lwa.test/t").token_url == "https://lwa.test/t"
    assert resolve_endpoint("http://h:1", token_url="http://h:2/t").token_url == "http://h:2/t"


@pytest.mark.parametrize("bad", ["mars", "ftp://x", "127.0.0.1:8321", ""])
def test_unknown_endpoint_is_a_config_error_listing_the_regions(bad: str) -> None:
    with pytest.raises(ConfigError, match="na, eu, fe"):
        resolve_endpoint(bad)
