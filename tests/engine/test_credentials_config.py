"""Engine credentials follow the API client's one precedence rule; ``[api] token_url`` is honoured."""

from __future__ import annotations

import tomllib

import pytest

from translator.api.endpoints import resolve_endpoint
from translator.engine.config import load_config, load_credentials, parse_config
from translator.engine.context import client_factory
from translator.errors import ConfigError

ENV = {"LWA_CLIENT_ID": "env-id", "LWA_CLIENT_SECRET": "env-secret", "SP_API_REFRESH_TOKEN": "env-token"}
INLINE = '[credentials]\nclient_id = "cfg-id"\nclient_secret = "cfg-secret"\nrefresh_token = "cfg-token"\n'
AMAZON = resolve_endpoint("na")


def _config(tmp_path, text):
    (tmp_path / "translator.toml").write_text(text)
    return load_config(tmp_path / "translator.toml")


def test_environment_wins_over_the_credentials_table(tmp_path):
    assert load_credentials(_config(tmp_path, INLINE), AMAZON, ENV).client_id == "env-id"


def test_credentials_table_is_used_when_the_environment_has_none(tmp_path):
    assert load_credentials(_config(tmp_path, INLINE), AMAZON, {}).client_id == "cfg-id"


def test_credentials_file_is_read_relative_to_the_config(tmp_path):
    (tmp_path / "secrets.toml").write_text(INLINE.replace("cfg-", "file-"))
    config = _config(tmp_path, '[credentials]\ncredentials_file = "secrets.toml"\n')
    assert load_credentials(config, AMAZON, {}).client_id == "file-id"


def test_unreadable_credentials_file_error_never_shows_its_content(tmp_path):
    (tmp_path / "secrets.toml").write_text('client_secret = "hunter2" = broken')
    config = _config(tmp_path, '[credentials]\ncredentials_file = "secrets.toml"\n')
    with pytest.raises(ConfigError) as caught:
        load_credentials(config, AMAZON, {})
    assert "hunter2" not in str(caught.value)


def test_local_sandbox_gets_placeholder_credentials_when_none_are_configured(tmp_path):
    credentials = load_credentials(_config(tmp_path, ""), resolve_endpoint("http://127.0.0.1:1"), {})
    assert credentials.client_id


def test_api_token_url_is_accepted_and_used_by_the_client(tmp_path):
    config = _config(tmp_path, '[api]\nendpoint = "na"\ntoken_url = "https://lwa.example.test/token"\n' + INLINE)
    client = client_factory(config)()
    assert client.endpoint.token_url == "https://lwa.example.test/token"
    assert "cfg-secret" not in repr(load_credentials(config, AMAZON, {}))


def test_api_token_url_must_be_a_url(tmp_path):
    with pytest.raises(ConfigError, match="token_url"):
        parse_config(tomllib.loads('[api]\ntoken_url = "lwa"'), tmp_path)
