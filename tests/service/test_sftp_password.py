"""Password authentication against a real sshd (user ``translator-sftp``): works, fails clearly, never leaks."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from tests.service.conftest import SSHD, SftpServer
from tests.service.test_sftp import make_partner, no_sleep
from translator.engine.config import SftpSettings
from translator.errors import FatalError
from translator.service.ledger import TransferLedger
from translator.service.sftp import pull, push
from translator.service.sync import partner_from


def remote_dir(server: SftpServer, name: str) -> Path:
    """A directory on the server that the (non-root) password user owns."""
    path = server.root / name
    path.mkdir()
    if server.kind == "openssh":
        shutil.chown(path, server.username)
    return path


@pytest.fixture
def ledger(tmp_path: Path) -> TransferLedger:
    return TransferLedger(tmp_path / "state.db")


def test_password_tests_use_the_real_sshd_whenever_it_can_run(password_sftp_server: tuple[SftpServer, str]) -> None:
    server, _password = password_sftp_server
    if os.environ.get("CI") != "true" and (SSHD is None or os.geteuid() != 0):
        pytest.skip("no sshd or not root: the in-process asyncssh server checks the password instead")
    assert server.kind == "openssh" and server.username == "translator-sftp"
    assert server.root.owner() == "translator-sftp"


def test_a_password_from_password_env_logs_in_and_moves_files_both_ways(
        password_sftp_server: tuple[SftpServer, str], tmp_path: Path, ledger: TransferLedger,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    server, password = password_sftp_server
    caplog.set_level(logging.DEBUG)              # paramiko's own debug log included
    monkeypatch.setenv("ACME_SFTP_PASSWORD", password)
    remote_dir(server, "in")
    remote_dir(server, "out")
    settings = SftpSettings(name="acme", host=server.host, port=server.port, username=server.username,
                            known_hosts=server.known_hosts, password_env="ACME_SFTP_PASSWORD",
                            remote_inbox=(str(server.root / "out"),), remote_outbox=str(server.root / "in"),
                            stable_seconds=0.0, max_attempts=1, connect_timeout=5.0)
    partner = partner_from(settings)
    assert partner.password == password and partner.key_file is None
    (server.root / "out" / "acks.csv").write_bytes(b"po,line\n0001,1\n")
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    (outbox / "orders.csv").write_bytes(b"po\n0001\n")

    assert pull(partner, tmp_path / "inbox", ledger, sleep=no_sleep).downloaded == ["acks.csv"]
    assert push(partner, outbox, ledger, sleep=no_sleep).uploaded == ["orders.csv"]

    assert (tmp_path / "inbox" / "acks.csv").read_bytes() == b"po,line\n0001,1\n"
    assert (server.root / "in" / "orders.csv").read_bytes() == b"po\n0001\n"
    assert not (server.root / "out" / "acks.csv").exists()
    assert caplog.records, "nothing was logged, so the leak check below would prove nothing"
    assert password not in caplog.text and password not in repr(partner) and password not in repr(settings)


def test_a_wrong_password_is_a_fatal_error_naming_the_partner_without_the_password(
        password_sftp_server: tuple[SftpServer, str], tmp_path: Path, ledger: TransferLedger,
        caplog: pytest.LogCaptureFixture) -> None:
    server, password = password_sftp_server
    caplog.set_level(logging.DEBUG)
    wrong = "not-" + password[::-1]
    partner = make_partner(server, key_file=None, password=wrong, max_attempts=3)

    with pytest.raises(FatalError) as caught:
        pull(partner, tmp_path / "inbox", ledger, sleep=no_sleep)

    message = str(caught.value)
    assert "SFTP partner acme" in message and "authentication as translator-sftp failed" in message
    for secret in (wrong, password):
        assert secret not in message and secret not in caplog.text and secret not in repr(partner)
    assert "reconnecting" not in caplog.text         # a refused password is not retried
