"""SFTP pull/push against a real server: complete files only, no loss, no repeats, strict host keys."""

from __future__ import annotations

import subprocess
from pathlib import Path

import paramiko
import pytest

from tests.service.conftest import SftpServer, start_openssh
from translator.errors import FatalError, RetriableError
from translator.service.ledger import TransferLedger
from translator.service.names import is_temporary_name, safe_remote_name
from translator.service.sftp import SftpPartner, pull, push


def no_sleep(_seconds: float) -> None:
    """Injected instead of time.sleep so the stability window costs nothing."""


def make_partner(server: SftpServer, **overrides: object) -> SftpPartner:
    (server.root / "in").mkdir(exist_ok=True)
    (server.root / "out").mkdir(exist_ok=True)
    settings: dict[str, object] = dict(
        name="acme", host=server.host, port=server.port, username=server.username,
        known_hosts=server.known_hosts, key_file=server.client_key,
        remote_inbox=(str(server.root / "out"),), remote_outbox=str(server.root / "in"),
        stable_seconds=0.0, max_attempts=2, backoff_seconds=0.0, connect_timeout=5.0)
    settings.update(overrides)
    return SftpPartner(**settings)  # type: ignore[arg-type]


@pytest.fixture
def ledger(tmp_path: Path) -> TransferLedger:
    return TransferLedger(tmp_path / "state.db")


def test_pull_downloads_complete_files_then_removes_the_remote_original(
        sftp_server: SftpServer, tmp_path: Path, ledger: TransferLedger) -> None:
    partner = make_partner(sftp_server)
    remote = sftp_server.root / "out"
    (remote / "acks_1.csv").write_bytes(b"po,line\n0001,1\n")
    (remote / "acks_2.csv.part").write_bytes(b"half")          # still being uploaded under a temp name
    inbox = tmp_path / "inbox"

    report = pull(partner, inbox, ledger, sleep=no_sleep)

    assert report.downloaded == ["acks_1.csv"]
    assert (inbox / "acks_1.csv").read_bytes() == b"po,line\n0001,1\n"
    assert not (remote / "acks_1.csv").exists()
    assert (remote / "acks_2.csv.part").exists()
    assert sorted(p.name for p in inbox.iterdir()) == ["acks_1.csv"]


def test_pull_skips_a_file_whose_size_is_still_changing(
        sftp_server: SftpServer, tmp_path: Path, ledger: TransferLedger) -> None:
    partner = make_partner(sftp_server, stable_seconds=0.5)
    growing = sftp_server.root / "out" / "ship.csv"
    growing.write_bytes(b"po,tracking\n")

    def upload_continues(_seconds: float) -> None:
        with open(growing, "ab") as handle:
            handle.write(b"0002,1Z999\n")

    report = pull(partner, tmp_path / "inbox", ledger, sleep=upload_continues)
    assert report.downloaded == []
    assert "ship.csv" in report.skipped
    assert growing.exists()

    report = pull(partner, tmp_path / "inbox", ledger, sleep=no_sleep)
    assert report.downloaded == ["ship.csv"]


def test_pull_after_a_crash_between_rename_and_remote_delete_does_not_download_twice(
        sftp_server: SftpServer, tmp_path: Path, ledger: TransferLedger) -> None:
    partner = make_partner(sftp_server, after_download="keep")
    (sftp_server.root / "out" / "inv.csv").write_bytes(b"invoice\n1\n")
    inbox = tmp_path / "inbox"
    assert pull(partner, inbox, ledger, sleep=no_sleep).downloaded == ["inv.csv"]
    # "keep" simulates a crash before the remote original was removed: the ledger remembers it
    assert pull(partner, inbox, ledger, sleep=no_sleep).downloaded == []
    assert sorted(p.name for p in inbox.iterdir()) == ["inv.csv"]


def test_pull_survives_the_connection_dropping_mid_download(
        sftp_server: SftpServer, tmp_path: Path, ledger: TransferLedger,
        monkeypatch: pytest.MonkeyPatch) -> None:
    partner = make_partner(sftp_server)
    payload = b"x" * 300_000
    (sftp_server.root / "out" / "big.x12").write_bytes(payload)
    original_get = paramiko.SFTPClient.get
    drops = []

    def dropping_get(self, remotepath, localpath, callback=None, **kwargs):  # type: ignore[no-untyped-def]
        def cut(done: int, _total: int) -> None:
            if not drops and done > 32_768:
                drops.append(done)
                raise EOFError("connection dropped")
        return original_get(self, remotepath, localpath, callback=cut, **kwargs)

    monkeypatch.setattr(paramiko.SFTPClient, "get", dropping_get)
    inbox = tmp_path / "inbox"
    report = pull(partner, inbox, ledger, sleep=no_sleep)

    assert drops, "the fault was not injected"
    assert report.downloaded == ["big.x12"]
    assert (inbox / "big.x12").read_bytes() == payload
    assert sorted(p.name for p in inbox.iterdir()) == ["big.x12"]


def test_push_uploads_under_a_temporary_name_and_renames_into_place_once(
        sftp_server: SftpServer, tmp_path: Path, ledger: TransferLedger) -> None:
    partner = make_partner(sftp_server)
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    (outbox / "orders_001.csv").write_bytes(b"po\n0001\n")
    (outbox / "orders_002.csv.tmp").write_bytes(b"not finished")

    assert push(partner, outbox, ledger, sleep=no_sleep).uploaded == ["orders_001.csv"]
    remote_in = sftp_server.root / "in"
    assert sorted(p.name for p in remote_in.iterdir()) == ["orders_001.csv"]
    assert (remote_in / "orders_001.csv").read_bytes() == b"po\n0001\n"
    assert push(partner, outbox, ledger, sleep=no_sleep).uploaded == []


def test_push_survives_the_connection_dropping_mid_upload_without_a_partial_file_in_place(
        sftp_server: SftpServer, tmp_path: Path, ledger: TransferLedger,
        monkeypatch: pytest.MonkeyPatch) -> None:
    partner = make_partner(sftp_server)
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    payload = b"y" * 200_000
    (outbox / "orders.x12").write_bytes(payload)
    original_put = paramiko.SFTPClient.put
    drops = []

    def dropping_put(self, localpath, remotepath, callback=None, confirm=True):  # type: ignore[no-untyped-def]
        def cut(done: int, _total: int) -> None:
            if not drops and done > 32_768:
                drops.append(done)
                assert not (sftp_server.root / "in" / "orders.x12").exists()
                raise EOFError("connection dropped")
        return original_put(self, localpath, remotepath, callback=cut, confirm=confirm)

    monkeypatch.setattr(paramiko.SFTPClient, "put", dropping_put)
    report = push(partner, outbox, ledger, sleep=no_sleep)

    assert drops and report.uploaded == ["orders.x12"]
    assert (sftp_server.root / "in" / "orders.x12").read_bytes() == payload


def test_unknown_host_key_is_refused_with_pinning_instructions(
        sftp_server: SftpServer, tmp_path: Path, ledger: TransferLedger) -> None:
    empty = tmp_path / "known_hosts_empty"
    empty.write_text("")
    partner = make_partner(sftp_server, known_hosts=empty)
    with pytest.raises(FatalError) as caught:
        pull(partner, tmp_path / "inbox", ledger, sleep=no_sleep)
    message = str(caught.value)
    assert "unknown" in message and "ssh-keyscan -p" in message and str(empty) in message


def test_changed_host_key_is_refused_as_possible_impersonation(
        sftp_server: SftpServer, tmp_path: Path, ledger: TransferLedger) -> None:
    other = tmp_path / "other_host_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    kind, blob = Path(f"{other}.pub").read_text().split()[:2]
    forged = tmp_path / "known_hosts_forged"
    forged.write_text(f"[127.0.0.1]:{sftp_server.port} {kind} {blob}\n")
    partner = make_partner(sftp_server, known_hosts=forged)
    with pytest.raises(FatalError, match="CHANGED"):
        pull(partner, tmp_path / "inbox", ledger, sleep=no_sleep)


def test_hashed_port_qualified_known_hosts_entries_are_accepted(
        sftp_server: SftpServer, tmp_path: Path, ledger: TransferLedger) -> None:
    hashed = tmp_path / "known_hosts_hashed"
    hashed.write_text(sftp_server.known_hosts.read_text())
    subprocess.run(["ssh-keygen", "-q", "-H", "-f", str(hashed)], check=True, capture_output=True)
    assert "[127.0.0.1]" not in hashed.read_text()
    partner = make_partner(sftp_server, known_hosts=hashed)
    (sftp_server.root / "out" / "a.csv").write_bytes(b"a\n")
    assert pull(partner, tmp_path / "inbox", ledger, sleep=no_sleep).downloaded == ["a.csv"]


@pytest.mark.parametrize("kind", ["rsa", "ecdsa"])
def test_rsa_and_ecdsa_client_keys_authenticate(
        sftp_server: SftpServer, tmp_path: Path, ledger: TransferLedger, kind: str) -> None:
    if sftp_server.kind != "openssh":
        pytest.skip("authorized keys of the in-process server are fixed at start")
    key = tmp_path / f"client_{kind}"
    subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-f", str(key)], check=True)
    authorized = sftp_server.client_key.parent / "authorized_keys"
    authorized.write_text(authorized.read_text() + Path(f"{key}.pub").read_text())
    partner = make_partner(sftp_server, key_file=key)
    (sftp_server.root / "out" / f"{kind}.csv").write_bytes(b"k\n")
    assert pull(partner, tmp_path / "inbox", ledger, sleep=no_sleep).downloaded == [f"{kind}.csv"]


def test_a_server_that_is_gone_is_a_retriable_error(
        sftp_server: SftpServer, tmp_path: Path, ledger: TransferLedger) -> None:
    partner = make_partner(sftp_server)
    sftp_server.stop()
    if sftp_server.kind != "openssh":
        pytest.skip("the in-process server cannot be stopped independently here")
    with pytest.raises(RetriableError, match="cannot connect"):
        pull(partner, tmp_path / "inbox", ledger, sleep=no_sleep)


def test_server_restarted_on_the_same_port_with_the_same_keys_is_reachable_again(
        sftp_server: SftpServer, tmp_path: Path, ledger: TransferLedger) -> None:
    if sftp_server.kind != "openssh":
        pytest.skip("restart is exercised with the real sshd")
    partner = make_partner(sftp_server)
    sftp_server.stop()
    restarted = start_openssh(sftp_server.client_key.parent, port=sftp_server.port,
                              host_keys=list(sftp_server.host_key_files))
    try:
        (sftp_server.root / "out" / "after.csv").write_bytes(b"ok\n")
        assert pull(partner, tmp_path / "inbox", ledger, sleep=no_sleep).downloaded == ["after.csv"]
    finally:
        restarted.stop()


@pytest.mark.parametrize("name", ["../evil.csv", "a/b.csv", "..", "", "x\x00y", "..\\win.csv"])
def test_remote_names_with_path_components_are_refused(name: str) -> None:
    assert safe_remote_name(name) is None


def test_pull_never_writes_outside_the_inbox_for_a_hostile_listing(
        tmp_path: Path, ledger: TransferLedger) -> None:
    from translator.service import sftp as sftp_module

    class HostileListing:
        def listdir_attr(self, _directory: str) -> list[paramiko.SFTPAttributes]:
            entries = []
            for name in ("../../etc/cron.d/evil", "ok.csv"):
                attrs = paramiko.SFTPAttributes()
                attrs.filename, attrs.st_mode, attrs.st_size, attrs.st_mtime = name, 0o100644, 3, 1
                entries.append(attrs)
            return entries

    report = sftp_module.TransferReport()
    found = sftp_module._list_candidates(HostileListing(), "/out", report)  # type: ignore[arg-type]
    assert list(found) == ["ok.csv"]
    assert report.skipped == ["../../etc/cron.d/evil"]


@pytest.mark.parametrize("name,temporary", [
    ("orders.csv", False), ("orders.csv.part", True), ("orders.tmp", True), ("~$orders.xlsx", True),
    (".hidden.csv", True), ("orders.xlsx", False)])
def test_temporary_names_are_recognised(name: str, temporary: bool) -> None:
    assert is_temporary_name(name) is temporary
