"""SFTP servers for the service tests.

A real OpenSSH ``sshd`` on a free loopback port with its own config and host keys (``.ci/run`` installs
openssh-server). On a machine without sshd the same tests run against an in-process asyncssh SFTP server;
under CI=true the real one is mandatory.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)


@dataclass
class SftpServer:
    kind: str              # "openssh" or "asyncssh"
    host: str
    port: int
    username: str
    client_key: Path       # ed25519 private key the server accepts
    known_hosts: Path      # pins the server's host keys ([host]:port entries)
    root: Path             # a directory on the server the user can write (absolute path, same on both sides)
    host_key_files: tuple[Path, ...]
    process: subprocess.Popen[bytes] | None = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _keygen(path: Path, kind: str) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-f", str(path)], check=True)


def _write_known_hosts(path: Path, port: int, host_keys: list[Path]) -> None:
    lines = []
    for key in host_keys:
        kind, blob = Path(f"{key}.pub").read_text().split()[:2]
        lines.append(f"[127.0.0.1]:{port} {kind} {blob}\n")
    path.write_text("".join(lines))


def _wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                if sock.recv(4).startswith(b"SSH"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"sshd did not start on port {port}")


def start_openssh(base: Path, port: int | None = None, host_keys: list[Path] | None = None) -> SftpServer:
    """Start a private sshd as the current (root) user; key authentication only."""
    assert SSHD is not None
    base.mkdir(parents=True, exist_ok=True)
    port = port or _free_port()
    if host_keys is None:
        host_keys = [base / "host_ed25519", base / "host_rsa", base / "host_ecdsa"]
        for key, kind in zip(host_keys, ("ed25519", "rsa", "ecdsa"), strict=True):
            _keygen(key, kind)
    client_key = base / "client_ed25519"
    if not client_key.exists():
        _keygen(client_key, "ed25519")
    (base / "authorized_keys").write_text(Path(f"{client_key}.pub").read_text())
    Path("/run/sshd").mkdir(parents=True, exist_ok=True)
    config = base / "sshd_config"
    config.write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", *[f"HostKey {k}" for k in host_keys],
        f"AuthorizedKeysFile {base / 'authorized_keys'}", "PasswordAuthentication no",
        "PermitRootLogin prohibit-password", "StrictModes no", "UsePAM no", f"PidFile {base / 'sshd.pid'}",
        "Subsystem sftp internal-sftp", "LogLevel ERROR", ""]))
    process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=subprocess.DEVNULL)
    _wait_for_port(port)
    known_hosts = base / "known_hosts"
    _write_known_hosts(known_hosts, port, host_keys)
    root = base / "remote"
    root.mkdir(exist_ok=True)
    import pwd
    username = pwd.getpwuid(os.getuid()).pw_name
    return SftpServer("openssh", "127.0.0.1", port, username, client_key, known_hosts, root,
                      tuple(host_keys), process)


def _start_asyncssh(base: Path) -> tuple[SftpServer, callable]:
    asyncssh = pytest.importorskip("asyncssh")
    base.mkdir(parents=True, exist_ok=True)
    client_key = base / "client_ed25519"
    _keygen(client_key, "ed25519")
    host_key_path = base / "host_ed25519"
    _keygen(host_key_path, "ed25519")
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def listen():  # type: ignore[no-untyped-def]
        return await asyncssh.listen(
            "127.0.0.1", 0, server_host_keys=[str(host_key_path)],
            authorized_client_keys=str(client_key) + ".pub", sftp_factory=True)

    server = asyncio.run_coroutine_threadsafe(listen(), loop).result(10)
    port = server.sockets[0].getsockname()[1]
    known_hosts = base / "known_hosts"
    _write_known_hosts(known_hosts, port, [host_key_path])
    root = base / "remote"
    root.mkdir(exist_ok=True)

    def stop() -> None:
        server.close()
        asyncio.run_coroutine_threadsafe(server.wait_closed(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)

    return (SftpServer("asyncssh", "127.0.0.1", port, os.environ.get("USER", "tester"), client_key,
                       known_hosts, root, (host_key_path,)), stop)


@pytest.fixture
def sftp_server(tmp_path: Path) -> Iterator[SftpServer]:
    """A running SFTP server: real OpenSSH when available (mandatory under CI=true)."""
    if SSHD is not None and os.geteuid() == 0:
        server = start_openssh(tmp_path / "sshd")
        try:
            yield server
        finally:
            server.stop()
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI must test SFTP against a real OpenSSH sshd (install openssh-server, run as root)")
    server, stop = _start_asyncssh(tmp_path / "asyncssh")
    try:
        yield server
    finally:
        stop()


# ------------------------------------------------------------------------------- translator run fixtures

SERVICE_SECTION = """
[service]
stable_seconds = 0.3
rescan_seconds = 1
pull_every = "1h"
pull_on_start = false
poll_every = 0.1
status_every = 1
"""


@dataclass
class ServiceDir:
    """A working directory wired to a running sandbox, with the sandbox's orders already pulled."""

    base: Path
    url: str
    orders: list[dict]

    @property
    def config_path(self) -> Path:
        return self.base / "translator.toml"

    def config(self):  # type: ignore[no-untyped-def]
        from translator.engine.config import load_config

        return load_config(self.config_path)

    def ack_file(self, index: int, name: str | None = None, *, directory: Path | None = None) -> Path:
        """Write the acknowledgement of order ``index`` (CSV, shipped mapping) atomically (rename into place)."""
        from translator.engine import erp_files, erp_simulator

        order = self.orders[index]
        item = erp_simulator.acknowledgement(order, "2026-01-01T00:00:00Z")
        rows = list(erp_files.ack_rows(item))
        target = (directory or self.base / "inbox") / (name or f"acknowledgements-{index}.csv")
        return erp_files.write_table(target, self.base / "mappings" / "acknowledgements.csv.yaml", rows)

    def ack_bytes(self, index: int) -> bytes:
        scratch = self.base / "scratch"
        scratch.mkdir(exist_ok=True)
        return self.ack_file(index, directory=scratch).read_bytes()

    def states(self) -> dict[str, str]:
        """PO -> state of its acknowledgement document, read through a separate connection."""
        import json as _json
        import sqlite3

        with sqlite3.connect(self.base / "state.db", timeout=10) as db:
            rows = db.execute("SELECT kind, pos, state FROM documents").fetchall()
        return {po: state for kind, pos, state in rows for po in _json.loads(pos) if kind == "acknowledgements"}


def make_service_dir(base: Path, url: str, extra: str = "") -> ServiceDir:
    from translator.engine import pull
    from translator.engine.config import load_config
    from translator.engine.context import open_engine
    from translator.engine.init import init_directory

    path = init_directory(base, endpoint=url, force=True)
    text = path.read_text().replace("poll_interval = 2", "poll_interval = 0.1")
    path.write_text(text.replace("reconcile_after = 300", "reconcile_after = 1") + SERVICE_SECTION + extra)
    with open_engine(load_config(path)) as engine:
        engine.progress = lambda message: None
        pull.pull(engine)
        orders = [__import__("json").loads(r["body"]) for r in engine.store.all("SELECT body FROM orders ORDER BY po")]
    return ServiceDir(base, url, orders)


@pytest.fixture
def sandbox_url() -> Iterator[str]:
    from translator.sandbox import SandboxConfig, SandboxServer

    with SandboxServer(SandboxConfig(orders=6, seed=5, transaction_delay=0.2, rate_limits=False, port=0)) as server:
        yield server.url


@pytest.fixture
def service_dir(tmp_path: Path, sandbox_url: str) -> ServiceDir:
    return make_service_dir(tmp_path / "work", sandbox_url)
