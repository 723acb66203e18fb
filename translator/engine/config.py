"""``translator.toml``: every setting of a working directory, read once into frozen dataclasses.

Every mistake is a :class:`ConfigError` naming the key and saying what to put there, because the
person reading it is an integrator with the file open, not a Python programmer.
"""

from __future__ import annotations

import os
import tomllib
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
                            "batch_size", "rates", "initial_lookback_hours"})
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
        initial_lookback_hours=_typed(t, "api", "initial_lookback_hours", float, 48.0))


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


def parse_config(data: dict[str, Any], base_dir: Path, path: Path | None = None) -> Config:
    """Build a :class:`Config` from parsed TOML; relative paths are relative to ``base_dir``."""
    _check_known(data, "translator.toml", {"api", "credentials", "vendor", "store", "folders", "outbound",
                                           "inbound", "partners", "timing"})
    store = _table(data, "store")
    url = _typed(store, "store", "url", str, "sqlite:///state.db")
    sqlite_path(url, base_dir)
    return Config(base_dir=base_dir, path=path, api=_api(data), vendor=_vendor(data), store_url=url,
                  folders=_folders(data, base_dir), outbound=_outbound(data, base_dir),
                  inbound=_inbound(data, base_dir), partners=_partners(data), timing=_timing(data),
                  credentials=_table(data, "credentials"))


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


def load_credentials(config: Config, endpoint_is_local: bool) -> Any:
    """Credentials from [credentials], its ``credentials_file``, or the environment (in that order).

    The local sandbox accepts anything, so it gets placeholder credentials when none are configured.
    """
    from translator.api.credentials import ENV_VARS, Credentials

    table = dict(config.credentials)
    file = table.pop("credentials_file", None)
    if file:
        cred_path = Path(file) if Path(file).is_absolute() else config.base_dir / file
        try:
            table = tomllib.loads(cred_path.read_text("utf-8")).get("credentials", {})
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"[credentials] credentials_file {cred_path}: {exc}") from None
        return Credentials.from_mapping(table, source=str(cred_path))
    if table:
        return Credentials.from_mapping(table)
    if all(os.environ.get(var) for var in ENV_VARS.values()):
        return Credentials.from_env()
    if endpoint_is_local:
        return Credentials.sandbox()
    return Credentials.from_env()
