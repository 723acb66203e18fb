"""The client's settings from translator.toml and the environment, shared by every command.

Reads only what the API layer needs, with the key names of the engine's translator.toml:
``[api]`` (``endpoint``, ``orders_version``, ``shipping_version``, ``transactions_version``,
``batch_size``, ``rates`` = {operation: rate or [rate, burst]}; ``token_url`` for a non-Amazon LWA)
and ``[credentials]`` (``client_id``/``client_secret``/``refresh_token`` inline or a ``credentials_file``). The environment wins over the file; a local
sandbox URL with no credentials anywhere gets dummy ones, so the sandbox works out of the box.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import requests

from translator.api.client import SpApiClient
from translator.api.credentials import ENV_VARS, Credentials
from translator.api.endpoints import Endpoint, resolve_endpoint
from translator.errors import ConfigError

DEFAULT_CONFIG = "translator.toml"


def load_config(path: Path | None) -> tuple[dict[str, Any], Path | None]:
    """The parsed config file: ``path`` if given (must exist), else ./translator.toml if present."""
    if path is None:
        default = Path(DEFAULT_CONFIG)
        if not default.is_file():
            return {}, None
        path = default
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), path
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc}") from exc


def table(config: Mapping[str, Any], name: str) -> dict[str, Any]:
    """``[name]`` of the config (empty if absent); ConfigError if it is not a table."""
    found = config.get(name) or {}
    if not isinstance(found, dict):
        raise ConfigError(f"[{name}] in the config file must be a table")
    return found


def endpoint_from(option: str | None, config: Mapping[str, Any]) -> Endpoint:
    """``--endpoint`` wins over ``[api] endpoint``; ``[api] token_url`` overrides LWA's URL."""
    api = table(config, "api")
    value = option or api.get("endpoint")
    if not value:
        raise ConfigError("no API endpoint: pass --endpoint (na, eu, fe, sandbox-na, ... or a URL) "
                          "or set endpoint in the [api] table of translator.toml")
    return resolve_endpoint(str(value), token_url=None if option else api.get("token_url"))


def _read_credentials_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except FileNotFoundError as exc:
        raise ConfigError(f"credentials_file {path} does not exist") from exc
    except (OSError, ValueError) as exc:  # never echo the content: it holds secrets
        raise ConfigError(f"credentials_file {path} cannot be read ({type(exc).__name__})") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"credentials_file {path} must hold client_id, client_secret, refresh_token")
    return data


def credentials_from(config: Mapping[str, Any], config_path: Path | None, endpoint: Endpoint,
                     environ: Mapping[str, str] | None = None) -> Credentials:
    """Environment first, then ``[credentials]`` (inline or ``credentials_file``), then sandbox dummies."""
    env = os.environ if environ is None else environ
    if any(env.get(var) for var in ENV_VARS.values()):
        return Credentials.from_env(env)
    creds = table(config, "credentials")
    if creds.get("credentials_file"):
        file = Path(str(creds["credentials_file"])).expanduser()
        if not file.is_absolute() and config_path is not None:
            file = config_path.parent / file
        data = _read_credentials_file(file)
        inner = data.get("credentials", data)
        return Credentials.from_mapping(inner if isinstance(inner, dict) else {}, source=str(file))
    if any(creds.get(key) for key in ENV_VARS):
        return Credentials.from_mapping(creds)
    if endpoint.is_local:
        return Credentials.sandbox()
    return Credentials.from_env(env)


VERSION_KEYS = {"orders": "orders_version", "shipping": "shipping_version", "transactions": "transactions_version"}


def _rate_overrides(api: Mapping[str, Any]) -> dict[str, Any] | None:
    raw = api.get("rates")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ConfigError("[api] rates must be a table of operation = rate or [rate, burst]")
    return {name: tuple(value) if isinstance(value, list) else value for name, value in raw.items()}


def client_from_config(config: Mapping[str, Any], config_path: Path | None = None, *,
                       endpoint: str | None = None, session: requests.Session | None = None,
                       **options: Any) -> SpApiClient:
    """An :class:`SpApiClient` for a parsed translator.toml (``endpoint`` overrides ``[api]``)."""
    target = endpoint_from(endpoint, config)
    api = table(config, "api")
    versions = {name: str(api[key]) for name, key in VERSION_KEYS.items() if api.get(key)}
    settings: dict[str, Any] = {"versions": versions or None, "rate_overrides": _rate_overrides(api)}
    if "batch_size" in api:
        settings["batch_size"] = int(api["batch_size"])
    settings.update(options)
    return SpApiClient(target, credentials_from(config, config_path, target), session=session, **settings)
