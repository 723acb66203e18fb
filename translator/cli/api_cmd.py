"""``translator api OPERATION [name=value ...]``: call any DF operation and print the JSON.

The integrator's debugging tool. ``name=value`` pairs fill the operation's path placeholders or
become query parameters; ``--body`` sends a JSON file (validated like every submission unless
``--no-validate``). Credentials come from the environment or translator.toml and are never printed;
for a local sandbox URL, missing credentials default to dummy ones so it works out of the box.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import requests

from translator.api.config import client_from_config, load_config
from translator.api.operations import OPERATIONS
from translator.errors import ApiError, ConfigError


def make_session() -> requests.Session:
    """The HTTP session the command uses (tests replace this to mount a fake)."""
    return requests.Session()


def split_params(pairs: tuple[str, ...], path_params: tuple[str, ...]) -> tuple[dict[str, str], dict[str, str]]:
    """``name=value`` arguments into (path parameters, query parameters)."""
    path: dict[str, str] = {}
    query: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r} is not name=value", param_hint="PARAMS")
        (path if name in path_params else query)[name] = value
    return path, query


def _read_body(path: Path | None) -> Any:
    if path is None:
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"--body {path}: not a readable JSON file ({exc})") from exc


def _operations_epilog() -> str:
    lines = [f"{op.name} ({op.version}): {op.method} {op.path}" for op in OPERATIONS]
    return "\b\nOperations:\n" + "\n".join(f"  {line}" for line in lines)


@click.command("api", epilog=_operations_epilog())
@click.argument("operation")
@click.argument("params", nargs=-1)
@click.option("--body", "body_file", type=click.Path(dir_okay=False, path_type=Path),
              help="JSON file sent as the request body.")
@click.option("--endpoint", help="na, eu, fe, sandbox-na/eu/fe or a base URL (overrides the config).")
@click.option("--version", "api_version", help="API version, e.g. v1 or 2021-12-28 (default: configured).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="translator.toml to read [api] and [credentials] from.")
@click.option("--no-validate", is_flag=True, help="Send the body without checking it against the schema.")
def api(operation: str, params: tuple[str, ...], body_file: Path | None, endpoint: str | None,
        api_version: str | None, config_file: Path | None, no_validate: bool) -> None:
    """Call any DF operation and print its JSON answer (v1 payload unwrapped).

    \b
    Examples:
      translator api --endpoint http://127.0.0.1:8321 getOrders \\
          createdAfter=2024-05-01T00:00:00Z createdBefore=2024-05-02T00:00:00Z
      translator api getTransactionStatus transactionId=abc-123
      translator api submitAcknowledgement --body acks.json
    """
    config, config_path = load_config(config_file)
    with client_from_config(config, config_path, endpoint=endpoint, session=make_session()) as client:
        op = client.operation(operation, api_version)
        path_params, query = split_params(params, op.path_params)
        try:
            result = client.call(op.name, path_params=path_params, query=query, body=_read_body(body_file),
                                 version=op.version, validate=not no_validate)
        except ApiError as exc:
            if exc.errors:
                click.echo(json.dumps({"errors": exc.errors}, indent=2, ensure_ascii=False), err=True)
            raise
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


COMMANDS: list[click.Command] = [api]
