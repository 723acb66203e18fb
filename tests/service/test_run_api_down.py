"""``translator run`` while the API is unreachable: it keeps going, says why, and still stops promptly."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from tests.service.conftest import ServiceDir
from tests.service.runutil import wait_until
from translator.engine.config import load_config
from translator.errors import ConfigError
from translator.service.runner import read_health, run_service


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def point_at_a_dead_api(service_dir: ServiceDir) -> None:
    text = service_dir.config_path.read_text().replace(service_dir.url, f"http://127.0.0.1:{closed_port()}")
    text = text.replace('pull_every = "1h"', 'pull_every = "0.2s"').replace("pull_on_start = false",
                                                                             "pull_on_start = true")
    service_dir.config_path.write_text(text)


def test_the_service_survives_a_dead_api_reports_it_and_stops_within_seconds(service_dir: ServiceDir) -> None:
    point_at_a_dead_api(service_dir)
    config = service_dir.config()
    assert (config.service.api_max_attempts, config.service.api_max_delay) == (2, 2.0)
    stop, box = threading.Event(), {}
    thread = threading.Thread(target=lambda: box.update(health=run_service(config, stop=stop, duration=60)),
                              daemon=True)
    thread.start()
    health = wait_until(lambda: (h := read_health(config.database_path)) and h["errors"] >= 1 and h,
                        what="the failing pulls to be reported")
    assert health["state"] == "running" and "pull:" in health["last_error"]
    assert thread.is_alive(), "the service gave up on a dead API"

    stop.set()
    thread.join(5.0)   # with the client's default retries one failing pull takes far longer (nested LWA/RDT retries)
    assert not thread.is_alive(), "the service did not stop within 5 s of the stop request"
    final = box["health"]
    assert final.state == "stopped" and final.errors >= 1
    assert f"errors {final.errors} (last: pull:" in final.line()


def test_the_api_retry_bounds_of_the_service_are_configurable(tmp_path: Path) -> None:
    (tmp_path / "translator.toml").write_text('[service]\napi_max_attempts = 3\napi_max_delay = "5s"\n')
    service = load_config(tmp_path / "translator.toml").service
    assert (service.api_max_attempts, service.api_max_delay) == (3, 5.0)
    (tmp_path / "translator.toml").write_text("[service]\napi_max_attempts = 0\n")
    with pytest.raises(ConfigError, match="api_max_attempts"):
        load_config(tmp_path / "translator.toml")


def test_the_engine_client_factory_passes_retry_bounds_to_the_client(service_dir: ServiceDir) -> None:
    from translator.engine.context import client_factory

    client = client_factory(service_dir.config(), max_attempts=1, max_delay=0.5)()
    default = client_factory(service_dir.config())()
    try:
        assert client._transport._policy.max_attempts == 1 and client._transport._policy.max_delay == 0.5
        assert default._transport._policy.max_attempts == 5
    finally:
        client.close()
        default.close()
