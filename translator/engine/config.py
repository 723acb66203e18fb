"""``translator.toml``: every setting of a working directory, read once into frozen dataclasses.

Every mistake is a :class:`ConfigError` naming the key and saying what to put there, because the
person reading it is an integrator with the file open, not a Python programmer.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translator.errors import ConfigError

CONFIG_NAME = "translator.toml"
DOCUMENT_KINDS = ("acknowledgements", "shipment-confirmations", "shipment-status-updates", "invoices",
                  "inventory", "label-requests", "orders")
LABEL_MODES = ("amazon", "own-carrier")


@dataclass(frozen=True)
class ApiConfig:
    endpoint: str = "sandbox-na"
    orders_version: str = "2021-12-28"
    shipping_version: str = "2021-12-28"
    transactions_version: str = "2021-12-28"
    batch_size: int = 50
    rates: dict[str, float] = field(default_factory=dict)
    initial_lookback_hours: float = 48.0
    token_url: str | None = None


@dataclass(frozen=True)
class VendorConfig:
    selling_party: str = ""
    warehouses: tuple[str, ...] = ()
    label_mode: str = "amazon"
    fetch_labels: bool = True
    fetch_packing_slips: bool = True
    fetch_customer_invoices: bool = False
    label_api: str = "submit"


@dataclass(frozen=True)
class Folders:
    inbox: Path
    outbox: Path
    archive: Path
    errors: Path
    work: Path

    @property
    def results(self) -> Path:
        return self.outbox / "results"

    def all(self) -> tuple[Path, ...]:
        return (self.inbox, self.outbox, self.archive, self.errors, self.work, self.results)


@dataclass(frozen=True)
class OutboundRoute:
    document: str
    mapping: Path
    name: str
    per: str = "run"
    partner: str | None = None


@dataclass(frozen=True)
class InboundRoute:
    pattern: str
    mapping: Path
    partner: str | None = None


@dataclass(frozen=True)
class Timing:
    processing_success_after: float = 1800.0
    prerequisite_timeout: float = 86400.0
    unacknowledged_after: float = 86400.0
    poll_interval: float = 2.0
    overlap_window: float = 600.0
    reconcile_after: float = 300.0
    soon_due: float = 4 * 3600.0


@dataclass(frozen=True)
class ServiceConfig:
    """``[service]``: how ``translator run`` schedules its work (durations in seconds)."""

    stable_seconds: float = 2.0       # unchanged size+mtime this long => a file is complete
    rescan_seconds: float = 30.0      # full inbox rescan (safety net for missed events)
    polling_observer: bool = False    # stat-polling instead of inotify (network shares)
    pull_every: float = 3600.0        # Amazon recommends pulling at least hourly
    poll_every: float | None = None   # transaction polling; None = [timing] poll_interval
    sftp_every: float = 60.0
    status_every: float = 60.0        # health line at least this often
    pull_on_start: bool = True
    api_max_attempts: int = 2         # the service's API calls give up fast; the next cycle retries
    api_max_delay: float = 2.0        # longest backoff between those attempts


@dataclass(frozen=True)
class SftpSettings:
    """One ``[[sftp]]`` table; secrets are named by environment variable and read at connect time."""

    name: str
    host: str
    username: str
    known_hosts: Path
    port: int = 22
    password_env: str | None = None
    key_file: Path | None = None
    key_passphrase_env: str | None = None
    remote_inbox: tuple[str, ...] = ()
    remote_outbox: str | None = None
    after_download: str = "delete"
    stable_seconds: float = 2.0
    connect_timeout: float = 15.0
    io_timeout: float = 30.0
    max_attempts: int = 4
    backoff_seconds: float = 1.0
    every: float | None = None        # None = [service] sftp_every


@dataclass(frozen=True)
class Config:
    base_dir: Path
    path: Path | None
    api: ApiConfig
    vendor: VendorConfig
    store_url: str
    folders: Folders
    outbound: tuple[OutboundRoute, ...]
    inbound: tuple[InboundRoute, ...]
    partners: dict[str, dict[str, Any]]
    timing: Timing
    credentials: dict[str, Any]
    service: ServiceConfig = field(default_factory=ServiceConfig)
    sftp: tuple[SftpSettings, ...] = ()

    @property
    def database_path(self) -> Path:
        return sqlite_path(self.store_url, self.base_dir)


def sqlite_path(url: str, base_dir: Path) -> Path:
    """``sqlite:///state.db`` (relative to the working directory) or ``sqlite:////abs/path.db``."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ConfigError(f"[store] url {url!r} is not a URL: write url = \"sqlite:///state.db\"")
    if scheme.split("+")[0] != "sqlite":
        raise ConfigError(f"[store] url uses {scheme!r}, but only sqlite is implemented so far: "
                          "write url = \"sqlite:///state.db\"")
    path = rest[1:] if rest.startswith("/") else rest
    if not path:
        raise ConfigError("[store] url names no database file: write url = \"sqlite:///state.db\"")
    candidate = Path(path)
    return candidate if candidate.is_absolute() else base_dir / candidate


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"[{key}] must be a table: write it as a [{key}] section")
    return value


def _typed(table: dict[str, Any], section: str, key: str, kind: type, default: Any) -> Any:
    value = table.get(key, default)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(f"[{section}] {key} = {value!r} must be a {kind.__name__}; "
                          f"fix it in translator.toml (default {default!r})")
    return value


def _check_known(table: dict[str, Any], section: str, known: set[str]) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"[{section}] has unknown key(s) {', '.join(unknown)}; "
                          f"known keys: {', '.join(sorted(known))}")


def _api(data: dict[str, Any]) -> ApiConfig:
    t = _table(data, "api")
    _check_known(t, "api", {"endpoint", "orders_version", "shipping_version", "transactions_version",
                            "batch_size", "rates", "initial_lookback_hours", "token_url"})
    batch = _typed(t, "api", "batch_size", int, 50)
    if not 1 <= batch <= 1000:
        raise ConfigError(f"[api] batch_size = {batch} must be between 1 and 1000")
    rates = _typed(t, "api", "rates", dict, {})
    for name, rate in rates.items():
        if not isinstance(rate, int | float) or rate <= 0:
            raise ConfigError(f"[api.rates] {name} = {rate!r} must be a positive number of requests/s")
    return ApiConfig(
        endpoint=_typed(t, "api", "endpoint", str, "sandbox-na"),
        orders_version=_typed(t, "api", "orders_version", str, "2021-12-28"),
        shipping_version=_typed(t, "api", "shipping_version", str, "2021-12-28"),
        transactions_version=_typed(t, "api", "transactions_version", str, "2021-12-28"),
        batch_size=batch, rates={k: float(v) for k, v in rates.items()},
        initial_lookback_hours=_typed(t, "api", "initial_lookback_hours", float, 48.0),
        token_url=_token_url(t))


def _token_url(table: dict[str, Any]) -> str | None:
    """``[api] token_url``: the LWA token endpoint, for an Amazon-compatible service other than Amazon."""
    if "token_url" not in table:
        return None
    url = _typed(table, "api", "token_url", str, "")
    if not url.startswith(("https://", "http://")):
        raise ConfigError(f"[api] token_url = {url!r} must be an http(s) URL, e.g. \"https://api.amazon.com/auth/o2/token\"")
    return url


def _vendor(data: dict[str, Any]) -> VendorConfig:
    t = _table(data, "vendor")
    _check_known(t, "vendor", {"selling_party", "warehouses", "label_mode", "fetch_labels",
                               "fetch_packing_slips", "fetch_customer_invoices", "label_api"})
    label_api = _typed(t, "vendor", "label_api", str, "submit")
    if label_api not in ("submit", "create"):
        raise ConfigError(f"[vendor] label_api = {label_api!r} must be \"submit\" (submitShippingLabelRequest, "
                          "asynchronous) or \"create\" (createShippingLabels, synchronous)")
    mode = _typed(t, "vendor", "label_mode", str, "amazon")
    if mode not in LABEL_MODES:
        raise ConfigError(f"[vendor] label_mode = {mode!r} must be one of {', '.join(LABEL_MODES)}")
    warehouses = _typed(t, "vendor", "warehouses", list, [])
    if not all(isinstance(w, str) for w in warehouses):
        raise ConfigError("[vendor] warehouses must be a list of warehouse codes in quotes")
    return VendorConfig(
        selling_party=_typed(t, "vendor", "selling_party", str, ""), warehouses=tuple(warehouses),
        label_mode=mode, fetch_labels=_typed(t, "vendor", "fetch_labels", bool, True),
        fetch_packing_slips=_typed(t, "vendor", "fetch_packing_slips", bool, True),
        fetch_customer_invoices=_typed(t, "vendor", "fetch_customer_invoices", bool, False), label_api=label_api)


def _folders(data: dict[str, Any], base: Path) -> Folders:
    t = _table(data, "folders")
    _check_known(t, "folders", {"inbox", "outbox", "archive", "errors", "work"})
    paths = {k: base / _typed(t, "folders", k, str, k) for k in ("inbox", "outbox", "archive", "errors", "work")}
    return Folders(**paths)


def _mapping_path(value: Any, where: str, base: Path) -> Path:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where} mapping is missing: add mapping = \"mappings/<document>.<format>.yaml\"")
    path = Path(value)
    return path if path.is_absolute() else base / path


def _outbound(data: dict[str, Any], base: Path) -> tuple[OutboundRoute, ...]:
    routes = []
    for index, t in enumerate(data.get("outbound", []), start=1):
        where = f"[[outbound]] #{index}"
        _check_known(t, where, {"document", "mapping", "name", "per", "partner"})
        per = _typed(t, where, "per", str, "run")
        if per not in ("run", "order"):
            raise ConfigError(f"{where} per = {per!r} must be \"run\" (one file per pull) or \"order\"")
        document = _typed(t, where, "document", str, "orders")
        if document != "orders":
            raise ConfigError(f"{where} document = {document!r}: only \"orders\" goes out to the ERP")
        routes.append(OutboundRoute(document, _mapping_path(t.get("mapping"), where, base),
                                    _typed(t, where, "name", str, "orders-{date}-{run}.csv"), per,
                                    t.get("partner")))
    return tuple(routes)


def _inbound(data: dict[str, Any], base: Path) -> tuple[InboundRoute, ...]:
    routes = []
    for index, t in enumerate(data.get("inbound", []), start=1):
        where = f"[[inbound]] #{index}"
        _check_known(t, where, {"pattern", "mapping", "partner"})
        pattern = _typed(t, where, "pattern", str, "")
        if not pattern:
            raise ConfigError(f"{where} pattern is missing: add pattern = \"ack*.csv\"")
        routes.append(InboundRoute(pattern, _mapping_path(t.get("mapping"), where, base), t.get("partner")))
    return tuple(routes)


def _timing(data: dict[str, Any]) -> Timing:
    t = _table(data, "timing")
    defaults = Timing()
    _check_known(t, "timing", set(defaults.__dataclass_fields__))
    values = {k: _typed(t, "timing", k, float, getattr(defaults, k)) for k in t}
    for key, value in values.items():
        if value < 0:
            raise ConfigError(f"[timing] {key} = {value} must not be negative (seconds)")
    return Timing(**values)


def _partners(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    partners = _table(data, "partners")
    for name, settings in partners.items():
        if not isinstance(settings, dict):
            raise ConfigError(f"[partners.{name}] must be a table of envelope settings")
    return partners


DURATION_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(value: Any, where: str) -> float:
    """Seconds from a number or a text like ``"1h"``, ``"90s"``, ``"1h30m"``; ConfigError otherwise."""
    import re

    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    text = value.strip().lower() if isinstance(value, str) else ""
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([smhd])", text)
    if not text or not parts or re.sub(r"(\d+(?:\.\d+)?)\s*([smhd])|\s", "", text):
        raise ConfigError(f"{where} = {value!r} must be a duration such as \"1h\", \"15m\", \"30s\" "
                          "or a number of seconds")
    return sum(float(n) * DURATION_UNITS[u] for n, u in parts)


SERVICE_DURATIONS = ("stable_seconds", "rescan_seconds", "pull_every", "poll_every", "sftp_every", "status_every",
                     "api_max_delay")


def _service(data: dict[str, Any]) -> ServiceConfig:
    t = _table(data, "service")
    _check_known(t, "service", set(ServiceConfig.__dataclass_fields__))
    values: dict[str, Any] = {k: parse_duration(t[k], f"[service] {k}") for k in SERVICE_DURATIONS if k in t}
    for flag in ("polling_observer", "pull_on_start"):
        if flag in t:
            values[flag] = _typed(t, "service", flag, bool, getattr(ServiceConfig, flag))
    if "api_max_attempts" in t:
        values["api_max_attempts"] = _typed(t, "service", "api_max_attempts", int, 2)
        if values["api_max_attempts"] < 1:
            raise ConfigError("[service] api_max_attempts must be at least 1")
    if values.get("pull_every", 1.0) <= 0:
        raise ConfigError("[service] pull_every must be longer than 0 (Amazon recommends at least hourly)")
    return ServiceConfig(**values)


SFTP_REQUIRED = ("name", "host", "username", "known_hosts")
SFTP_DURATIONS = ("stable_seconds", "connect_timeout", "io_timeout", "backoff_seconds", "every")


def _sftp_one(t: Any, index: int, base: Path) -> SftpSettings:
    where = f"[[sftp]] #{index}"
    if not isinstance(t, dict):
        raise ConfigError(f"{where} must be a table: write it as an [[sftp]] section")
    _check_known(t, where, set(SftpSettings.__dataclass_fields__))
    missing = [k for k in SFTP_REQUIRED if not t.get(k)]
    if missing:
        raise ConfigError(f"{where} is missing {', '.join(missing)} (see the commented example in translator.toml)")
    if not t.get("password_env") and not t.get("key_file"):
        raise ConfigError(f"{where} ({t['name']}): set key_file = \"path/to/key\" or password_env = \"ENV_VAR\"")
    inbox = t.get("remote_inbox", [])
    inbox = [inbox] if isinstance(inbox, str) else inbox
    if not isinstance(inbox, list) or not all(isinstance(d, str) and d for d in inbox):
        raise ConfigError(f"{where} remote_inbox must be a remote directory or a list of them")
    after = _typed(t, where, "after_download", str, "delete")
    if not (after in ("delete", "keep") or after.startswith("move:")):
        raise ConfigError(f"{where} after_download = {after!r} must be \"delete\", \"keep\" or \"move:<remote dir>\"")
    values: dict[str, Any] = {k: parse_duration(t[k], f"{where} {k}") for k in SFTP_DURATIONS if k in t}
    key_file = t.get("key_file")
    return SftpSettings(
        name=_typed(t, where, "name", str, ""), host=_typed(t, where, "host", str, ""),
        username=_typed(t, where, "username", str, ""),
        known_hosts=_relative(base, _typed(t, where, "known_hosts", str, "")),
        port=_typed(t, where, "port", int, 22), password_env=t.get("password_env") and _typed(
            t, where, "password_env", str, None),
        key_file=_relative(base, _typed(t, where, "key_file", str, "")) if key_file else None,
        key_passphrase_env=t.get("key_passphrase_env") and _typed(t, where, "key_passphrase_env", str, None),
        remote_inbox=tuple(inbox), remote_outbox=t.get("remote_outbox") and _typed(
            t, where, "remote_outbox", str, None),
        after_download=after, max_attempts=_typed(t, where, "max_attempts", int, 4), **values)


def _relative(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _sftp(data: dict[str, Any], base: Path) -> tuple[SftpSettings, ...]:
    tables = data.get("sftp", [])
    if not isinstance(tables, list):
        raise ConfigError("sftp must be written as [[sftp]] tables (one per partner)")
    partners = tuple(_sftp_one(t, i, base) for i, t in enumerate(tables, start=1))
    names = [p.name for p in partners]
    if len(set(names)) != len(names):
        raise ConfigError(f"[[sftp]] names must be unique; got {', '.join(names)}")
    return partners


def parse_config(data: dict[str, Any], base_dir: Path, path: Path | None = None) -> Config:
    """Build a :class:`Config` from parsed TOML; relative paths are relative to ``base_dir``."""
    _check_known(data, "translator.toml", {"api", "credentials", "vendor", "store", "folders", "outbound",
                                           "inbound", "partners", "timing", "service", "sftp"})
    store = _table(data, "store")
    url = _typed(store, "store", "url", str, "sqlite:///state.db")
    sqlite_path(url, base_dir)
    return Config(base_dir=base_dir, path=path, api=_api(data), vendor=_vendor(data), store_url=url,
                  folders=_folders(data, base_dir), outbound=_outbound(data, base_dir),
                  inbound=_inbound(data, base_dir), partners=_partners(data), timing=_timing(data),
                  credentials=_table(data, "credentials"), service=_service(data), sftp=_sftp(data, base_dir))


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and check ``translator.toml``."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{file} does not exist: run `translator init {file.parent}` to create "
                          "a working directory, or pass --config PATH") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file} is not valid TOML ({exc}); fix the line it names") from None
    return parse_config(data, file.resolve().parent, file)


def find_config(config: str | None = None, directory: str | None = None) -> Path:
    """The config path from --config, else --dir/translator.toml, else ./translator.toml."""
    if config:
        return Path(config)
    return Path(directory or ".") / CONFIG_NAME


def load_credentials(config: Config, endpoint: Any, environ: Mapping[str, str] | None = None) -> Any:
    """Credentials by the one precedence rule of :func:`translator.api.config.credentials_from`:
    the environment, then ``[credentials]`` (a ``credentials_file`` or inline keys); the local
    sandbox accepts anything, so it gets placeholders when nothing is configured. Secrets are never
    logged or echoed in an error."""
    from translator.api.config import credentials_from

    config_path = config.path or config.base_dir / CONFIG_NAME
    return credentials_from({"credentials": dict(config.credentials)}, config_path, endpoint, environ)
