"""``translator sandbox``: serve the local DF sandbox until Ctrl-C."""

from __future__ import annotations

import signal
import threading

import click

from translator.errors import ConfigError
from translator.sandbox import FaultConfig, SandboxConfig, SandboxServer

FAULT_KINDS = {"500": "error_500", "429": "extra_429", "drop": "drop", "latency": "latency_rate"}


def parse_faults(values: tuple[str, ...], latency: float) -> FaultConfig:
    """``KIND=RATE`` pairs (kinds 500, 429, drop, latency) into a :class:`FaultConfig`."""
    rates: dict[str, float] = {}
    for value in values:
        kind, _, rate = value.partition("=")
        if kind not in FAULT_KINDS:
            raise ConfigError(f"--fault-rate {value!r}: kind must be one of {', '.join(FAULT_KINDS)} (e.g. 500=0.05)")
        try:
            number = float(rate)
        except ValueError:
            raise ConfigError(f"--fault-rate {value!r}: the rate must be a number from 0 to 1") from None
        if not 0 <= number <= 1:
            raise ConfigError(f"--fault-rate {value!r}: the rate must be a number from 0 to 1")
        rates[FAULT_KINDS[kind]] = number
    return FaultConfig(latency=latency, **rates)


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops the server like Ctrl-C does."""
    raise KeyboardInterrupt


@click.command("sandbox")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it loopback).")
@click.option("--port", default=8321, show_default=True, type=int)
@click.option("--orders", default=200, show_default=True, type=int, help="Orders created before start.")
@click.option("--seed", default=7, show_default=True, type=int, help="Same seed, same orders and faults.")
@click.option("--history-hours", default=24.0, show_default=True, type=float, help="Spread of the initial orders.")
@click.option("--arrival-rate", default=0.0, show_default=True, type=float, help="New orders per minute while running.")
@click.option("--transaction-delay", default=3.0, show_default=True, type=float,
              help="Seconds a submission stays Processing.")
@click.option("--client-id", default=None, help="Accept only this LWA client id (default: any).")
@click.option("--client-secret", default=None, help="Accept only this LWA client secret (default: any).")
@click.option("--refresh-token", default=None, help="Accept only this refresh token (default: any).")
@click.option("--max-body-bytes", default=None, type=int, help="Answer 413 to larger request bodies.")
@click.option("--no-rate-limits", is_flag=True, help="Do not answer 429 past the usage plans.")
@click.option("--fault-rate", multiple=True, metavar="KIND=RATE",
              help="Inject faults: 500=0.05, 429=0.02, drop=0.01, latency=0.1 (repeatable).")
@click.option("--latency", default=0.5, show_default=True, type=float, help="Seconds added by latency faults.")
def sandbox(host: str, port: int, orders: int, seed: int, history_hours: float, arrival_rate: float,
            transaction_delay: float, client_id: str | None, client_secret: str | None, refresh_token: str | None,
            max_body_bytes: int | None, no_rate_limits: bool, fault_rate: tuple[str, ...], latency: float) -> None:
    """Serve a local Amazon DF sandbox with the real SP-API paths."""
    config = SandboxConfig(orders=orders, seed=seed, history_hours=history_hours, arrival_rate=arrival_rate,
                           transaction_delay=transaction_delay, client_id=client_id, client_secret=client_secret,
                           refresh_token=refresh_token, rate_limits=not no_rate_limits, max_body_bytes=max_body_bytes,
                           faults=parse_faults(fault_rate, latency), host=host, port=port)
    try:
        server = SandboxServer(config).start()
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    click.echo(f"DF sandbox serving {orders} orders (seed {seed}) at {server.url}")
    click.echo(f"  token URL: {server.url}/auth/o2/token   admin: {server.url}/_sandbox/counters   Ctrl-C stops")
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        threading.Event().wait()  # the server runs in its own thread; idle here until Ctrl-C
    except KeyboardInterrupt:
        click.echo("Stopping.")
    finally:
        server.stop()


COMMANDS: list[click.Command] = [sandbox]
