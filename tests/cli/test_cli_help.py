"""Every command is registered, documented, and answers --help (the CLI is the product's front door)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from translator.cli.main import cli

EXPECTED = {"api", "sandbox", "map", "mappings", "init", "pull", "push", "status", "retry", "batch", "demo", "run"}


def _walk(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(_walk(command, (*prefix, name)))
    return found


def test_every_command_the_readme_promises_is_registered() -> None:
    assert EXPECTED <= set(cli.commands)


@pytest.mark.parametrize("path", _walk(cli), ids=" ".join)
def test_every_command_has_help_text(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    assert (command.help or "").strip(), f"translator {' '.join(path)} has no help text"
