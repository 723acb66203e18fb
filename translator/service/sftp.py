"""SFTP exchange with a trading partner, built directly on paramiko (>= 5).

Why not pysftp: it is abandoned, does not import with paramiko 4+, and its documented workaround for
port-qualified ``known_hosts`` entries switches host-key checking off. Here host keys are always checked
strictly against the partner's ``known_hosts`` file (port-qualified ``[host]:port`` and hashed entries work,
because paramiko's ``HostKeys`` understands both); an unknown or changed key is refused with a message that
tells the user how to pin the right key.

The protocol never loses a file and never processes one twice:

* **pull**: list the remote inbox directories, skip temporary names, wait until a file's size and
  modification time have stopped changing, download it to a hidden temporary local name, verify its size,
  record it in the ledger, rename it into the local inbox, and only then delete or move the remote original.
  A crash before the rename leaves only a temporary file (cleaned next time); a crash after it leaves a
  ledger entry, so the next run removes the remote original without downloading it again.
* **push**: upload each outbox file under a temporary remote name, ``posix_rename`` it into place (atomic,
  overwrites), then remember it as delivered, keyed by name and content hash.

This module knows nothing about Amazon, mappings or documents: it moves bytes.
"""

from __future__ import annotations

import logging
import os
import posixpath
import random
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import paramiko

from translator.errors import ConfigError, FatalError, RetriableError
from translator.service.ledger import TransferLedger
from translator.service.names import file_sha256, fsync_directory, is_temporary_name, safe_remote_name

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class SftpPartner:
    """Connection and directory settings for one partner (one ``[[sftp]]`` table of translator.toml)."""

    name: str
    host: str
    username: str
    known_hosts: Path
    port: int = 22
    password: str | None = None
    key_file: Path | None = None
    key_passphrase: str | None = None
    remote_inbox: tuple[str, ...] = ()        # remote directories we download from
    remote_outbox: str | None = None          # remote directory we upload to
    after_download: str = "delete"            # "delete" | "keep" | "move:<remote dir>"
    stable_seconds: float = 2.0               # size+mtime unchanged this long => complete
    connect_timeout: float = 15.0
    io_timeout: float = 30.0
    max_attempts: int = 4
    backoff_seconds: float = 1.0

    def __post_init__(self) -> None:
        if not self.password and not self.key_file:
            raise ConfigError(f"SFTP partner {self.name!r}: set a key_file or a password (or its environment variable)")
        if not (self.after_download in ("delete", "keep") or self.after_download.startswith("move:")):
            raise ConfigError(
                f"SFTP partner {self.name!r}: after_download must be 'delete', 'keep' or 'move:<remote dir>'")

    def __repr__(self) -> str:
        return f"SftpPartner(name={self.name!r}, host={self.host!r}, port={self.port}, username={self.username!r})"


@dataclass
class TransferReport:
    """What one sync moved, for the service's one-line health status."""

    downloaded: list[str] = field(default_factory=list)
    uploaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)     # still changing, unsafe names, already delivered


def pin_instructions(partner: SftpPartner) -> str:
    """The command a user runs to pin the server's key, after checking its fingerprint with the partner."""
    target = partner.host if partner.port == 22 else f"-p {partner.port} {partner.host}"
    return (f"verify the server's key fingerprint with {partner.name}, then pin it with: "
            f"ssh-keyscan {target} >> {partner.known_hosts}")


def _fingerprint(key: paramiko.PKey) -> str:
    return key.fingerprint  # "SHA256:..." like ssh-keygen -lf


class _RefuseUnknownHost(paramiko.MissingHostKeyPolicy):
    """Reject unknown hosts with a message that says how to pin the key (never auto-add)."""

    def __init__(self, partner: SftpPartner) -> None:
        self.partner = partner

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        raise FatalError(
            f"SFTP partner {self.partner.name}: the server {hostname} presented an unknown "
            f"{key.get_name()} host key {_fingerprint(key)}, which is not in {self.partner.known_hosts}; "
            f"refusing to connect. {pin_instructions(self.partner)}")


def _load_private_key(partner: SftpPartner) -> paramiko.PKey | None:
    if partner.key_file is None:
        return None
    try:
        return paramiko.PKey.from_path(partner.key_file, partner.key_passphrase)
    except FileNotFoundError as exc:
        raise ConfigError(f"SFTP partner {partner.name}: key file {partner.key_file} does not exist") from exc
    except (paramiko.SSHException, ValueError) as exc:
        raise ConfigError(f"SFTP partner {partner.name}: cannot read key file {partner.key_file}: {exc}") from exc


def _connect(partner: SftpPartner) -> paramiko.SSHClient:
    """Open an SSH connection with strict host-key checking; map paramiko errors to our tree."""
    if not partner.known_hosts.is_file():
        raise ConfigError(f"SFTP partner {partner.name}: known_hosts file {partner.known_hosts} does not exist; "
                          f"{pin_instructions(partner)}")
    client = paramiko.SSHClient()
    client.load_host_keys(str(partner.known_hosts))
    client.set_missing_host_key_policy(_RefuseUnknownHost(partner))
    try:
        client.connect(partner.host, port=partner.port, username=partner.username, password=partner.password,
                       pkey=_load_private_key(partner), look_for_keys=False, allow_agent=False,
                       timeout=partner.connect_timeout, banner_timeout=partner.connect_timeout,
                       auth_timeout=partner.connect_timeout)
    except paramiko.BadHostKeyException as exc:
        client.close()
        raise FatalError(
            f"SFTP partner {partner.name}: the server's host key CHANGED (now {exc.key.get_name()} "
            f"{_fingerprint(exc.key)}, expected {_fingerprint(exc.expected_key)} from {partner.known_hosts}). "
            "This can mean someone is impersonating the server; refusing to connect. If the partner confirms "
            f"they replaced the key, remove the old line from {partner.known_hosts} and {pin_instructions(partner)}"
        ) from exc
    except paramiko.AuthenticationException as exc:
        client.close()
        raise FatalError(f"SFTP partner {partner.name}: authentication as {partner.username} failed; "
                         "check the key file or password") from exc
    except (OSError, paramiko.SSHException, EOFError) as exc:
        client.close()
        raise RetriableError(f"SFTP partner {partner.name}: cannot connect to {partner.host}:{partner.port}: "
                             f"{exc or type(exc).__name__}") from exc
    return client


@contextmanager
def open_sftp(partner: SftpPartner) -> Iterator[paramiko.SFTPClient]:
    """An SFTP session for ``partner``, closed on exit."""
    client = _connect(partner)
    try:
        sftp = client.open_sftp()
        sftp.get_channel().settimeout(partner.io_timeout)
        yield sftp
    finally:
        client.close()


def with_reconnect(partner: SftpPartner, action: Callable[[paramiko.SFTPClient], T],
                   *, sleep: Callable[[float], None] = time.sleep) -> T:
    """Run ``action`` in a fresh session, reconnecting with jittered backoff on transient failures."""
    for attempt in range(1, partner.max_attempts + 1):
        try:
            with open_sftp(partner) as sftp:
                return action(sftp)
        except (RetriableError, OSError, EOFError, paramiko.SSHException) as exc:
            if attempt == partner.max_attempts:
                if isinstance(exc, RetriableError):
                    raise
                raise RetriableError(f"SFTP partner {partner.name}: transfer failed after "
                                     f"{attempt} attempts: {exc or type(exc).__name__}") from exc
            delay = partner.backoff_seconds * 2 ** (attempt - 1) * (0.5 + random.random())
            log.warning("sftp %s: %s; reconnecting in %.1fs (attempt %d/%d)", partner.name,
                        exc or type(exc).__name__, delay, attempt, partner.max_attempts)
            sleep(delay)
    raise AssertionError("unreachable")


# ----------------------------------------------------------------------------------------------- pull


@dataclass(frozen=True)
class RemoteFile:
    directory: str
    name: str
    size: int
    mtime: int

    @property
    def path(self) -> str:
        return posixpath.join(self.directory, self.name)

    @property
    def ledger_key(self) -> str:
        return f"{self.path}|{self.size}|{self.mtime}"


def _list_candidates(sftp: paramiko.SFTPClient, directory: str, report: TransferReport) -> dict[str, RemoteFile]:
    found: dict[str, RemoteFile] = {}
    for entry in sftp.listdir_attr(directory):
        if safe_remote_name(entry.filename) is None:
            log.warning("sftp: refusing remote file name %r in %s (path components are not allowed)",
                        entry.filename, directory)
            report.skipped.append(entry.filename)
            continue
        if entry.st_mode is None or not stat.S_ISREG(entry.st_mode) or is_temporary_name(entry.filename):
            continue
        found[entry.filename] = RemoteFile(directory, entry.filename, entry.st_size or 0, entry.st_mtime or 0)
    return found


def _stable_files(sftp: paramiko.SFTPClient, partner: SftpPartner, directory: str, report: TransferReport,
                  sleep: Callable[[float], None]) -> list[RemoteFile]:
    """Files whose size and mtime did not change over ``stable_seconds`` (a half-uploaded file changes)."""
    first = _list_candidates(sftp, directory, report)
    if not first:
        return []
    sleep(partner.stable_seconds)
    second = _list_candidates(sftp, directory, report)
    stable = [f for name, f in second.items() if first.get(name) == f]
    report.skipped.extend(name for name, f in second.items() if first.get(name) != f)
    return sorted(stable, key=lambda f: (f.mtime, f.name))


def _unique_local_path(inbox: Path, name: str) -> Path:
    target = inbox / name
    counter = 1
    while target.exists():
        stem, dot, suffix = name.partition(".")
        target = inbox / f"{stem}-{counter}{dot}{suffix}"
        counter += 1
    return target


def _download_one(sftp: paramiko.SFTPClient, partner: SftpPartner, remote: RemoteFile, inbox: Path,
                  ledger: TransferLedger) -> Path | None:
    key = remote.ledger_key
    if ledger.seen(partner.name, "download", key):
        _dispose_remote(sftp, partner, remote)   # crashed after the local rename last time
        return None
    temp = inbox / f".{remote.name}.{os.getpid()}.sftp-part"
    sftp.get(remote.path, str(temp))
    if temp.stat().st_size != remote.size:
        temp.unlink(missing_ok=True)
        raise RetriableError(f"SFTP partner {partner.name}: {remote.path} arrived with "
                             f"{temp.stat().st_size if temp.exists() else 0} of {remote.size} bytes")
    with open(temp, "rb+") as handle:
        os.fsync(handle.fileno())
    target = _unique_local_path(inbox, safe_remote_name(remote.name) or "unnamed")
    ledger.record(partner.name, "download", key, detail=target.name)
    os.replace(temp, target)
    fsync_directory(inbox)
    _dispose_remote(sftp, partner, remote)
    return target


def _dispose_remote(sftp: paramiko.SFTPClient, partner: SftpPartner, remote: RemoteFile) -> None:
    try:
        if partner.after_download == "delete":
            sftp.remove(remote.path)
        elif partner.after_download.startswith("move:"):
            destination = posixpath.join(partner.after_download[5:], remote.name)
            sftp.posix_rename(remote.path, destination)
    except FileNotFoundError:
        pass  # already disposed of by a previous run


def pull(partner: SftpPartner, inbox: Path, ledger: TransferLedger, *,
         sleep: Callable[[float], None] = time.sleep) -> TransferReport:
    """Download every complete file from the partner's remote inbox directories into ``inbox``."""
    inbox.mkdir(parents=True, exist_ok=True)
    for stale in inbox.glob(".*.sftp-part"):
        stale.unlink(missing_ok=True)
    report = TransferReport()

    def action(sftp: paramiko.SFTPClient) -> TransferReport:
        for directory in partner.remote_inbox:
            for remote in _stable_files(sftp, partner, directory, report, sleep):
                local = _download_one(sftp, partner, remote, inbox, ledger)
                if local is not None:
                    report.downloaded.append(local.name)
                    log.info("sftp %s: downloaded %s -> %s", partner.name, remote.path, local.name)
        return report

    return with_reconnect(partner, action, sleep=sleep)


# ----------------------------------------------------------------------------------------------- push


def _upload_one(sftp: paramiko.SFTPClient, partner: SftpPartner, local: Path, ledger: TransferLedger) -> bool:
    assert partner.remote_outbox is not None
    key = f"{local.name}|{file_sha256(local)}"
    if ledger.seen(partner.name, "upload", key):
        return False
    final = posixpath.join(partner.remote_outbox, local.name)
    temp = posixpath.join(partner.remote_outbox, f".{local.name}.part")
    attrs = sftp.put(str(local), temp, confirm=True)
    if attrs.st_size != local.stat().st_size:
        raise RetriableError(f"SFTP partner {partner.name}: upload of {local.name} was cut short")
    sftp.posix_rename(temp, final)
    ledger.record(partner.name, "upload", key, detail=final)
    return True


def push(partner: SftpPartner, outbox: Path, ledger: TransferLedger, *,
         sleep: Callable[[float], None] = time.sleep) -> TransferReport:
    """Upload every finished file of ``outbox`` (not in sub-folders) that was not delivered before."""
    report = TransferReport()
    if partner.remote_outbox is None:
        return report
    files = sorted(p for p in outbox.iterdir() if p.is_file() and not is_temporary_name(p.name))

    def action(sftp: paramiko.SFTPClient) -> TransferReport:
        for local in files:
            if local.name in report.uploaded:
                continue
            if _upload_one(sftp, partner, local, ledger):
                report.uploaded.append(local.name)
                log.info("sftp %s: delivered %s", partner.name, local.name)
        return report

    return with_reconnect(partner, action, sleep=sleep)
