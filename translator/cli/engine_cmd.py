"""Engine commands: ``init``, ``pull``, ``push``, ``status``, ``retry``, ``batch``, ``demo``.

Each command parses options, calls :mod:`translator.engine` and renders; expected failures are
``TranslatorError`` subclasses that ``translator.cli.main`` turns into one line and an exit code.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from translator.engine import batch as batch_mod
from translator.engine import logs
from translator.engine.config import find_config, load_config
from translator.engine.context import Engine, open_engine
from translator.errors import DocumentRejected


def common(func: Callable[..., Any]) -> Callable[..., Any]:
    """--config, --dir, --endpoint and --json on every engine command."""
    func = click.option("--json", "json_logs", is_flag=True, help="Log JSON lines to stderr (for log collectors).")(func)
    func = click.option("--endpoint", help="API endpoint (region, sandbox-na, or a URL); overrides [api] endpoint.")(func)
    func = click.option("--dir", "directory", type=click.Path(file_okay=False), help="Working directory.")(func)
    func = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                        help="Path of translator.toml (default: DIR/translator.toml).")(func)
    return func


def engine_for(config_path: str | None, directory: str | None, endpoint: str | None, json_logs: bool) -> Engine:
    logs.configure(json_logs)
    config = load_config(find_config(config_path, directory))
    engine = open_engine(config, endpoint=endpoint)
    engine.progress = _progress_printer()
    return engine


def _progress_printer() -> Callable[[str], None]:
    def show(message: str) -> None:
        click.echo(message, err=True)
    return show


@click.command("init")
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--endpoint", default="sandbox-na", show_default=True, help="Endpoint written into the config.")
@click.option("--selling-party", default="999US", show_default=True)
@click.option("--warehouse", "warehouses", multiple=True, help="Warehouse code (repeatable).")
@click.option("--force", is_flag=True, help="Overwrite an existing translator.toml.")
def init_command(directory: str, endpoint: str, selling_party: str, warehouses: tuple[str, ...], force: bool) -> None:
    """Create a working directory: translator.toml, mappings/, inbox/, outbox/, archive/, errors/, state.db."""
    from translator.engine.init import init_directory

    path = init_directory(Path(directory), endpoint=endpoint, selling_party=selling_party,
                          warehouses=warehouses or ("ABCD", "EFGH"), force=force)
    click.echo(f"created {path}; drop ERP files into {Path(directory) / 'inbox'} and run translator batch")


@click.command("pull")
@common
def pull_command(config_path: str | None, directory: str | None, endpoint: str | None, json_logs: bool) -> None:
    """Fetch new orders into the outbox (plus labels and packing slips)."""
    from translator.engine.pull import pull

    with engine_for(config_path, directory, endpoint, json_logs) as engine, \
            batch_mod.exclusive_lock(engine.config.base_dir):
        result = pull(engine)
    for name in result.files:
        click.echo(name)
    if result.errors:
        raise DocumentRejected([], f"{len(result.errors)} label/slip download(s) failed: {result.errors[0]}")


@click.command("push")
@common
@click.option("--wait", is_flag=True, help="Poll until no transaction is Processing any more.")
def push_command(config_path: str | None, directory: str | None, endpoint: str | None, json_logs: bool,
                 wait: bool) -> None:
    """Submit inbox files (claimed, mapped, validated, batched) and poll their transactions."""
    with engine_for(config_path, directory, endpoint, json_logs) as engine, \
            batch_mod.exclusive_lock(engine.config.base_dir):
        summary = batch_mod.run_pass(engine, do_pull=False)
        if wait:
            summary = _wait_for_transactions(engine, summary, json_logs)
    click.echo(batch_mod.render_summary(summary))
    if summary.failed:
        raise DocumentRejected([], "some documents were rejected or failed; see errors/ and translator status")


def _settled(summary: batch_mod.BatchSummary) -> int:
    return sum(n for state, n in summary.states.items() if state in ("success", "failure", "rejected", "duplicate"))


def _wait_for_transactions(engine: Engine, summary: batch_mod.BatchSummary, json_logs: bool) -> batch_mod.BatchSummary:
    """Passes until nothing is Processing: a progress bar on a terminal, plain lines otherwise."""
    import time

    total = sum(summary.states.values())
    if sys.stderr.isatty() and not json_logs:
        engine.progress = lambda message: None
        with click.progressbar(length=total, label="documents settled", file=sys.stderr) as bar:
            done = _settled(summary)
            bar.update(done)
            while summary.open_transactions or summary.states.get("validated"):
                time.sleep(engine.config.timing.poll_interval)
                summary = batch_mod.run_pass(engine, do_pull=False)
                bar.update(_settled(summary) - done)
                done = _settled(summary)
        return summary
    while summary.open_transactions or summary.states.get("validated"):
        time.sleep(engine.config.timing.poll_interval)
        summary = batch_mod.run_pass(engine, do_pull=False)
        click.echo(f"{_settled(summary)}/{total} documents settled", err=True)
    return summary


@click.command("status")
@click.argument("po", required=False)
@common
@click.option("--as-json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def status_command(po: str | None, config_path: str | None, directory: str | None, endpoint: str | None,
                   json_logs: bool, as_json: bool) -> None:
    """Each order's lifecycle with Amazon's clocks; overdue and soon-due orders stand out."""
    from translator.engine import status
    from translator.service.runner import Health, read_health

    with engine_for(config_path, directory, endpoint, json_logs) as engine:
        found = status.collect(engine, po)
        flags = status.outbound_flags(engine)
        counts = status.counts(engine)
        health = read_health(engine.config.database_path)
    if as_json or json_logs:
        click.echo(json.dumps({"orders": [s.to_dict() for s in found], "outbound": flags, "documents": counts,
                               "service": health}, indent=2))
        return
    if health:
        known = {k: v for k, v in health.items() if k in Health.__dataclass_fields__}
        click.echo(f"service ({known.get('state', '?')}, pid {known.get('pid', '?')}): {Health(**known).line()}")
    if po and found:
        click.echo(status.render_order(found[0]))
    else:
        click.echo(status.render_table(found))
    for flag in flags:
        click.echo(f"OUTBOUND {flag['file']}: {flag['problem']}" + (f" - {flag['detail']}" if flag.get("detail")
                                                                     else ""))
    click.echo("documents: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


@click.command("retry")
@click.argument("target")
@common
@click.option("--force", is_flag=True, help="Also release needs-reconcile documents of the PO.")
def retry_command(target: str, config_path: str | None, directory: str | None, endpoint: str | None,
                  json_logs: bool, force: bool) -> None:
    """Put a corrected file from errors/ (or every failed file of a PO) back through push."""
    from translator.engine import retry

    with engine_for(config_path, directory, endpoint, json_logs) as engine:
        path = Path(target)
        if path.suffix or path.exists() or (engine.config.folders.errors / path.name).exists():
            moved = [retry.retry_file(engine, path)]
        else:
            moved = retry.retry_po(engine, target, force=force)
    for item in moved:
        click.echo(f"queued {item}")


@click.command("batch")
@common
def batch_command(config_path: str | None, directory: str | None, endpoint: str | None, json_logs: bool) -> None:
    """One locked pass of pull, push and transaction polling (for cron); non-zero exit if anything failed."""
    with engine_for(config_path, directory, endpoint, json_logs) as engine:
        summary = batch_mod.batch(engine)
    click.echo(batch_mod.render_summary(summary))
    if summary.failed:
        raise DocumentRejected([], "some documents were rejected or failed; see errors/ and translator status")


@click.command("demo")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--orders", default=12, show_default=True, help="Orders the built-in sandbox generates.")
@click.option("--seed", default=7, show_default=True)
@click.option("--json", "json_logs", is_flag=True, help="Log JSON lines to stderr.")
def demo_command(directory: str | None, orders: int, seed: int, json_logs: bool) -> None:
    """The whole DF workflow offline: sandbox, pull, ERP replies, push, transactions, a report."""
    from translator.engine.demo import run_demo

    logs.configure(json_logs, level=logging.INFO if json_logs else logging.WARNING)
    report = run_demo(Path(directory) if directory else None, orders=orders, seed=seed,
                      echo=lambda line: click.echo(line))
    if not report.ok:
        raise DocumentRejected([], f"the demo ended with {len(report.unexpected)} unexpected outcome(s)")
    sys.stdout.flush()


COMMANDS: list[click.Command] = [init_command, pull_command, push_command, status_command, retry_command,
                                 batch_command, demo_command]
