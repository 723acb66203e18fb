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


def start_openssh(base: Path, port: int | None = None, host_keys: list[Path] | None = None,
                  password_user: str | None = None) -> SftpServer:
    """Start a private sshd as the current (root) user; key authentication only, except for
    ``password_user`` (SFTP only, password allowed) when given."""
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
        "Subsystem sftp internal-sftp", "LogLevel ERROR",
        *_password_match(password_user), ""]))
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


def _password_match(user: str | None) -> list[str]:
    """An sshd_config ``Match`` block (it must come last) allowing passwords for ``user`` only."""
    if user is None:
        return []
    return [f"Match User {user}", "    PasswordAuthentication yes", "    ForceCommand internal-sftp"]


def _password_server_factory(asyncssh, username: str, password: str):  # type: ignore[no-untyped-def]
    """An asyncssh server class that accepts exactly one user name and password (and no keys)."""

    class PasswordServer(asyncssh.SSHServer):  # type: ignore[misc, name-defined]
        def begin_auth(self, _username: str) -> bool:
            return True

        def password_auth_supported(self) -> bool:
            return True

        def validate_password(self, name: str, given: str) -> bool:
            return name == username and given == password

    return PasswordServer


def _start_asyncssh(base: Path, login: tuple[str, str] | None = None) -> tuple[SftpServer, callable]:
    """The in-process fallback; ``login`` = (user, password) makes it accept only that password."""
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
        auth = ({"server_factory": _password_server_factory(asyncssh, *login)} if login
                else {"authorized_client_keys": str(client_key) + ".pub"})
        return await asyncssh.listen("127.0.0.1", 0, server_host_keys=[str(host_key_path)],
                                     sftp_factory=True, **auth)

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

    user = login[0] if login else os.environ.get("USER", "tester")
    return (SftpServer("asyncssh", "127.0.0.1", port, user, client_key,
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


# ------------------------------------------------------------------------- password authentication

PASSWORD_USER = "translator-sftp"
PASSWORD_STATE = Path("/var/lib/translator-test")   # the user's home and its password file (root only)


@dataclass(frozen=True)
class PasswordLogin:
    username: str
    password: str
    home: Path


def _run_quiet(*command: str, stdin: str | None = None) -> None:
    subprocess.run(command, input=stdin, text=True, check=True, capture_output=True)


def ensure_password_user() -> PasswordLogin:
    """Create (once, idempotently) the system user ``translator-sftp`` with a random password.

    root only (raises otherwise). The password is random on first use and kept in a root-only file
    beside the home; an existing user is reused and its password reset to that file's (so parallel
    test sessions agree). ``.ci/run`` pre-creates the user too.
    """
    missing = [tool for tool in ("useradd", "chpasswd") if shutil.which(tool) is None]
    if os.geteuid() != 0 or missing:
        raise RuntimeError(f"cannot create the SFTP password user: need root and {', '.join(missing) or 'tools'}")
    import fcntl

    PASSWORD_STATE.mkdir(mode=0o755, parents=True, exist_ok=True)
    with open(PASSWORD_STATE / "lock", "w") as lock:   # test sessions run in parallel on one machine
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _create_or_reset(PASSWORD_STATE / "home")


def _create_or_reset(home: Path) -> PasswordLogin:
    import pwd
    import secrets

    try:
        pwd.getpwnam(PASSWORD_USER)
    except KeyError:
        shell = shutil.which("nologin") or "/bin/false"
        _run_quiet("useradd", "--system", "--home-dir", str(home), "--shell", shell, PASSWORD_USER)
    home.mkdir(exist_ok=True)
    shutil.chown(home, PASSWORD_USER)
    secret_file = PASSWORD_STATE / "password"
    secret_file.touch(mode=0o600)
    secret_file.chmod(0o600)
    password = secret_file.read_text().strip()
    if len(password) < 20:                       # first use: a random one; later sessions re-apply it
        password = secrets.token_urlsafe(24)
        secret_file.write_text(password + "\n")
    _run_quiet("chpasswd", stdin=f"{PASSWORD_USER}:{password}\n")
    return PasswordLogin(PASSWORD_USER, password, home)


@pytest.fixture(scope="session")
def password_login() -> PasswordLogin | None:
    """The password user for the real sshd; None when the fallback server must be used."""
    if SSHD is None or os.geteuid() != 0:
        return None
    try:
        return ensure_password_user()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must test SFTP password authentication against the real sshd: {exc}")
        return None


@pytest.fixture
def password_sftp_server(tmp_path: Path, password_login: PasswordLogin | None) -> Iterator[tuple[SftpServer, str]]:
    """An SFTP server that accepts ``translator-sftp`` with a password: (server, password).

    Its ``root`` is a fresh directory owned by that user in its home (the pytest temp dir is root-only).
    """
    if password_login is not None:
        server = start_openssh(tmp_path / "sshd", password_user=password_login.username)
        import tempfile

        root = Path(tempfile.mkdtemp(prefix=f"{tmp_path.name}-", dir=password_login.home))
        root.chmod(0o755)
        shutil.chown(root, password_login.username)
        server.username, server.root = password_login.username, root
        try:
            yield server, password_login.password
        finally:
            server.stop()
            shutil.rmtree(root, ignore_errors=True)
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI must test SFTP password authentication against a real OpenSSH sshd (run as root)")
    password = "fallback-" + os.urandom(8).hex()
    server, stop = _start_asyncssh(tmp_path / "asyncssh", (PASSWORD_USER, password))
    try:
        yield server, password
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
