"""``translator init [DIR]``: a ready working directory with a commented config and the mappings.

The config it writes routes every shipped mapping that exists: orders go out as CSV, XLSX and X12;
each inbound document is recognised by its file name (``acknowledgements*.csv`` and so on).
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from translator.engine.config import CONFIG_NAME, load_config
from translator.engine.store import Store
from translator.errors import ConfigError
from translator.fileio import atomic_write

INBOUND_KINDS = ("acknowledgements", "shipment-confirmations", "shipment-status-updates", "invoices",
                 "inventory", "label-requests")
EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "x12": "x12", "edifact": "edi", "fixed": "txt"}
OUTBOUND_FORMATS = ("csv", "xlsx", "x12")


def shipped_mappings_dir() -> Path:
    """The packaged copy of ``mappings/`` (``translator/shipped_mappings``), else the repo's."""
    packaged = Path(str(resources.files("translator") / "shipped_mappings"))
    if packaged.is_dir() and any(packaged.glob("*.yaml")):
        return packaged
    repo = Path(__file__).resolve().parents[2] / "mappings"
    if repo.is_dir():
        return repo
    raise ConfigError("the shipped mappings are missing from this installation; reinstall translator")


HEADER = '''# translator working directory configuration. Paths are relative to this file.
# Reference: README.md ("Configuration"). Every key below shows its default.

[api]
# Region (na, eu, fe), Amazon's sandbox (sandbox-na, sandbox-eu, sandbox-fe) or a base URL such as
# the local sandbox: endpoint = "http://127.0.0.1:8321". --endpoint URL overrides it per command.
endpoint = "{endpoint}"
batch_size = 50                # documents per submission
initial_lookback_hours = 48    # first pull fetches orders created this far back
# token_url = "https://api.amazon.com/auth/o2/token"   # LWA token endpoint (only for a non-Amazon LWA)
# [api.rates] getOrders = 10.0 # override an operation's requests/second

# Credentials: the environment wins (LWA_CLIENT_ID, LWA_CLIENT_SECRET, SP_API_REFRESH_TOKEN), then
# [credentials]: a credentials_file, else client_id/client_secret/refresh_token inline. Never logged.
# [credentials]
# credentials_file = "/etc/translator/credentials.toml"

[vendor]
selling_party = "{selling_party}"
warehouses = [{warehouses}]
label_mode = "amazon"          # "amazon" (Amazon buys the labels) or "own-carrier"
label_api = "submit"           # label requests: "submit" (submitShippingLabelRequest) or "create" (createShippingLabels)
fetch_labels = true
fetch_packing_slips = true
fetch_customer_invoices = false

[store]
url = "sqlite:///state.db"     # only sqlite is implemented so far

[folders]
inbox = "inbox"
outbox = "outbox"
archive = "archive"
errors = "errors"
work = "work"

[timing]                        # seconds
processing_success_after = 1800  # Amazon: still Processing after 30 minutes counts as Success
prerequisite_timeout = 86400     # a waiting invoice/status update/label request is rejected after this
unacknowledged_after = 86400     # outbound X12/EDIFACT without a 997/CONTRL is flagged after this
reconcile_after = 300            # after a crash, resend a document only if the API still lacks it this long
overlap_window = 600             # each pull re-reads this much before the last watermark
poll_interval = 2

[partners.erp]                  # X12 envelope for the ERP (options of the x12 format)
sender_qualifier = "ZZ"
sender_id = "AMAZONDF"
receiver_qualifier = "ZZ"
receiver_id = "{selling_party}ERP"
usage = "T"                     # T test, P production
replace_delimiters = " "        # a title with a delimiter character (e.g. a newline) gets a space

# translator run (the always-on service). Durations: a number of seconds or "30s", "15m", "1h".
# [service]
# stable_seconds = 2            # a file counts as complete when renamed in, or unchanged this long
# rescan_seconds = 30           # full inbox rescan, for events the watcher missed
# polling_observer = false      # true on network shares, where file-system events do not arrive
# pull_every = "1h"             # Amazon recommends pulling at least hourly in business hours
# pull_on_start = true
# poll_every = 2                # transaction polling (default: [timing] poll_interval)
# sftp_every = "1m"
# status_every = "1m"           # health line in the log at least this often
# api_max_attempts = 2          # API calls in translator run give up fast; the next cycle retries
# api_max_delay = "2s"

# One [[sftp]] table per partner (or per remote account). Host keys are checked strictly against
# known_hosts; pin a new server with: ssh-keyscan -p PORT HOST >> known_hosts (after checking the fingerprint).
# [[sftp]]
# name = "acme"
# host = "sftp.acme.example"
# port = 22
# username = "amazon-df"
# known_hosts = "sftp/known_hosts"
# key_file = "sftp/id_ed25519"          # ed25519, RSA or ECDSA; or password_env instead
# key_passphrase_env = "ACME_KEY_PASSPHRASE"
# password_env = "ACME_SFTP_PASSWORD"   # the NAME of an environment variable, never the password
# remote_inbox = ["/outgoing"]          # their files for us: downloaded into inbox/
# remote_outbox = "/incoming"           # our outbox/ files are uploaded here
# after_download = "delete"             # "delete", "keep" or "move:/outgoing/done"
# stable_seconds = 2                    # a remote file must stop changing this long
# every = "1m"                          # default: [service] sftp_every
# connect_timeout = 15
# io_timeout = 30
# max_attempts = 4
# backoff_seconds = 1
'''


def routes_text(mappings: Path) -> str:
    """``[[outbound]]``/``[[inbound]]`` tables for every shipped mapping present."""
    out = []
    for fmt in OUTBOUND_FORMATS:
        if (mappings / f"orders.{fmt}.yaml").exists():
            partner = '\npartner = "erp"' if fmt == "x12" else ""
            name_tail = "{control_number}" if fmt == "x12" else "{run}"
            out.append(f'[[outbound]]\ndocument = "orders"\nmapping = "mappings/orders.{fmt}.yaml"\n'
                       f'name = "orders-{{date}}-{name_tail}.{EXTENSIONS[fmt]}"\nper = "run"{partner}\n')
    for kind in INBOUND_KINDS:
        for fmt, ext in EXTENSIONS.items():
            if (mappings / f"{kind}.{fmt}.yaml").exists():
                partner = '\npartner = "erp"' if fmt in ("x12", "edifact") else ""
                out.append(f'[[inbound]]\npattern = "{kind}*.{ext}"\nmapping = "mappings/{kind}.{fmt}.yaml"'
                           f'{partner}\n')
    return "\n".join(out)


def init_directory(directory: Path, *, endpoint: str = "sandbox-na", selling_party: str = "999US",
                   warehouses: tuple[str, ...] = ("ABCD", "EFGH"), force: bool = False) -> Path:
    """Create the working directory; refuses to overwrite an existing config unless ``force``."""
    directory.mkdir(parents=True, exist_ok=True)
    config_path = directory / CONFIG_NAME
    if config_path.exists() and not force:
        raise ConfigError(f"{config_path} already exists; pass --force to overwrite it")
    target = directory / "mappings"
    shutil.copytree(shipped_mappings_dir(), target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "zz_*"))
    text = HEADER.format(endpoint=endpoint, selling_party=selling_party,
                         warehouses=", ".join(f'"{w}"' for w in warehouses))
    atomic_write(config_path, text + "\n" + routes_text(target))
    config = load_config(config_path)
    for folder in config.folders.all():
        folder.mkdir(parents=True, exist_ok=True)
    Store(config.database_path).close()
    return config_path
