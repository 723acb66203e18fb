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
# [api.rates] getOrders = 10.0 # override an operation's requests/second

# [credentials]                # or the environment: LWA_CLIENT_ID, LWA_CLIENT_SECRET, SP_API_REFRESH_TOKEN
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
