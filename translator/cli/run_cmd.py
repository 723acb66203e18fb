"""``translator run``: the always-on service (watched inbox, scheduled pulls and polling, SFTP).

SIGTERM and Ctrl-C ask the service to stop: the step in progress finishes, the lock is released and
the exit code is 0. Whatever was cut short is in the store and resumes on the next start.
"""

from __future__ import annotations

import json
import signal
import threading
from typing import Any

import click

from translator.engine import logs
from translator.engine.config import find_config, load_config


def _install_signals(stop: threading.Event, holder: dict[str, Any]) -> None:
    def handler(signum: int, _frame: Any) -> None:
        stop.set()
        service = holder.get("service")
        if service is not None:
            service.stop()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)


@click.command("run")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Path of translator.toml (default: DIR/translator.toml).")
@click.option("--dir", "directory", type=click.Path(file_okay=False), help="Working directory.")
@click.option("--endpoint", help="API endpoint (region, sandbox-na, or a URL); overrides [api] endpoint.")
@click.option("--once-for", "once_for", type=float, default=None, metavar="SECONDS",
              help="Stop after SECONDS (for tests and trials).")
@click.option("--json", "json_logs", is_flag=True, help="Log JSON lines to stderr (for log collectors).")
def run_command(config_path: str | None, directory: str | None, endpoint: str | None, once_for: float | None,
                json_logs: bool) -> None:
    """Run as a service: watch the inbox, pull on schedule, poll transactions, sync SFTP partners."""
    from translator.service.runner import run_service

    logs.configure(json_logs)
    config = load_config(find_config(config_path, directory))
    stop = threading.Event()
    holder: dict[str, Any] = {}
    _install_signals(stop, holder)
    health = run_service(config, endpoint=endpoint, duration=once_for, stop=stop,
                         on_start=lambda service: holder.update(service=service))
    click.echo(json.dumps(health.to_dict()) if json_logs else health.line())


COMMANDS: list[click.Command] = [run_command]
