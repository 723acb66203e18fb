"""CLI commands (placeholder until its owner fills it in)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
