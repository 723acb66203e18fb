"""Entry point of the ``translator`` console script.

Each command group lives in its own module and exposes ``COMMANDS`` (a list of click commands).
This module only assembles them and maps :class:`~translator.errors.TranslatorError` subclasses to
exit codes and one-line messages, so no traceback ever reaches a user for an expected failure.
"""

from __future__ import annotations

import sys

import click

from translator import __version__
from translator.cli import api_cmd, engine_cmd, map_cmd, run_cmd, sandbox_cmd
from translator.errors import (
    ConfigError,
    DocumentRejected,
    FatalError,
    MappingError,
    RetriableError,
    TranslatorError,
)

# Exit codes, documented in README: 0 ok, 1 something was rejected or failed, 2 usage/config/mapping,
# 3 fatal (API refused, credentials), 4 retriable (try again later).
EXIT_CODES: tuple[tuple[type[TranslatorError], int], ...] = (
    (DocumentRejected, 1),
    (ConfigError, 2),
    (MappingError, 2),
    (RetriableError, 4),
    (FatalError, 3),
    (TranslatorError, 3),
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="translator")
def cli() -> None:
    """Bridge between Amazon Vendor Direct Fulfillment APIs and your ERP's files."""


for _module in (api_cmd, sandbox_cmd, map_cmd, engine_cmd, run_cmd):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def exit_code_for(error: TranslatorError) -> int:
    """Exit code for an expected error (first matching class in :data:`EXIT_CODES`)."""
    return next(code for cls, code in EXIT_CODES if isinstance(error, cls))


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; expected errors become one line on stderr and an exit code."""
    try:
        cli.main(args=argv, prog_name="translator", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except TranslatorError as exc:
        if isinstance(exc, DocumentRejected):
            for problem in exc.problems:
                click.echo(problem.render(), err=True)
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exit_code_for(exc))
    sys.exit(0)
