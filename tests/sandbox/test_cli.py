"""``translator sandbox``: option parsing and a real start on a free port."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
import requests
from click.testing import CliRunner

from translator.cli.sandbox_cmd import parse_faults, sandbox
from translator.errors import ConfigError


def test_fault_rates_parse_into_config():
    faults = parse_faults(("500=0.05", "429=0.1", "drop=0.01", "latency=0.2"), 0.3)
    assert (faults.error_500, faults.extra_429, faults.drop, faults.latency_rate, faults.latency) == (
        0.05, 0.1, 0.01, 0.2, 0.3)


@pytest.mark.parametrize("value", ["501=0.1", "500=abc", "500=2", "drop"])
def test_bad_fault_rates_are_config_errors(value):
    with pytest.raises(ConfigError, match="--fault-rate"):
        parse_faults((value,), 0.5)


def test_help_lists_the_options():
    result = CliRunner().invoke(sandbox, ["--help"])
    assert result.exit_code == 0
    for option in ("--orders", "--seed", "--arrival-rate", "--transaction-delay", "--client-id", "--fault-rate"):
        assert option in result.output


def test_command_serves_until_stopped(tmp_path):
    process = subprocess.Popen([sys.executable, "-u", "-c", "from translator.cli.main import main; main()", "sandbox",
                                "--port", "0", "--orders", "5"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        url = line.rsplit(" at ", 1)[1].strip()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                reply = requests.get(f"{url}/_sandbox/orders", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        assert len(reply.json()["orders"]) == 5
    finally:
        process.terminate()
        process.wait(timeout=10)
