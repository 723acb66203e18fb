"""``translator run`` with an SFTP partner (real sshd): remote files reach Amazon, outbox files reach the partner."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.service.conftest import ServiceDir, SftpServer, make_service_dir
from tests.service.runutil import service_thread, wait_until
from translator.engine.config import load_config
from translator.errors import ConfigError
from translator.service.runner import read_health


def sftp_section(server: SftpServer, **extra: str) -> str:
    (server.root / "erp-out").mkdir(exist_ok=True)
    (server.root / "erp-in").mkdir(exist_ok=True)
    lines = [
        "[[sftp]]", 'name = "acme"', f'host = "{server.host}"', f"port = {server.port}",
        f'username = "{server.username}"', f'known_hosts = "{server.known_hosts}"',
        f'key_file = "{server.client_key}"', f'remote_inbox = ["{server.root / "erp-out"}"]',
        f'remote_outbox = "{server.root / "erp-in"}"', "stable_seconds = 0.2", 'every = "0.3s"',
        "connect_timeout = 3", "max_attempts = 1", *(f"{k} = {v}" for k, v in extra.items())]
    return "\n" + "\n".join(lines) + "\n"


@pytest.fixture
def sftp_service(tmp_path: Path, sandbox_url: str, sftp_server: SftpServer) -> ServiceDir:
    return make_service_dir(tmp_path / "work", sandbox_url, sftp_section(sftp_server))


def test_a_file_on_the_partner_server_reaches_amazon_and_outbox_files_reach_the_partner(
        sftp_service: ServiceDir, sftp_server: SftpServer) -> None:
    remote_out = sftp_server.root / "erp-out"
    scratch = sftp_service.ack_file(3, directory=sftp_service.base)
    scratch.rename(remote_out / "acknowledgements-remote.csv")
    po = sftp_service.orders[3]["purchaseOrderNumber"]
    outbox_files = sorted(p.name for p in (sftp_service.base / "outbox").iterdir() if p.is_file())
    assert outbox_files                                             # the orders pulled in set-up

    with service_thread(sftp_service.config()) as running:
        wait_until(lambda: sftp_service.states().get(po) == "success", what="the remote file to succeed")
        wait_until(lambda: sorted(p.name for p in (sftp_server.root / "erp-in").iterdir()) == outbox_files,
                   what="the outbox to be delivered")
        sftp_server.stop()                                          # the partner's server goes away
        wait_until(lambda: "error" in (read_health(sftp_service.base / "state.db") or {}).get("sftp", {})
                   .get("acme", ""), what="the SFTP error to show in the health status")

    assert list(remote_out.iterdir()) == []                         # removed only after the local rename
    assert [p.name for p in (sftp_service.base / "archive").iterdir()] == ["acknowledgements-remote.csv"]
    assert running.health.state == "stopped"                        # a dead server never crashed the service


def test_a_password_from_a_missing_environment_variable_is_refused_at_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from translator.service.sync import partner_from

    (tmp_path / "translator.toml").write_text(
        '[[sftp]]\nname = "acme"\nhost = "h"\nusername = "u"\nknown_hosts = "kh"\npassword_env = "ACME_PW"\n')
    settings = load_config(tmp_path / "translator.toml").sftp[0]
    monkeypatch.delenv("ACME_PW", raising=False)
    with pytest.raises(ConfigError, match="ACME_PW"):
        partner_from(settings)
    monkeypatch.setenv("ACME_PW", "s3cret")
    partner = partner_from(settings)
    assert partner.password == "s3cret" and "s3cret" not in repr(partner)
