"""``translator retry FILE|PO``: send a corrected file from ``errors/`` through again.

The file goes back into the inbox under its name and is processed like a new drop: documents
whose content changed are new attempts; unchanged ones that failed at Amazon are allowed once more
(the file's hash is recorded as an explicit retry), while accepted ones are never sent twice.
``--force`` also releases ``needs-reconcile`` documents of a PO after a person checked them.
"""

from __future__ import annotations

from pathlib import Path

from translator.engine.context import Engine
from translator.engine.intake import RETRY_META
from translator.errors import ConfigError
from translator.fileio import file_sha256, move_into


def retry_file(engine: Engine, path: Path) -> Path:
    """Move ``path`` (in errors/, or anywhere) into the inbox for the next push."""
    if not path.exists():
        candidate = engine.config.folders.errors / path.name
        if not candidate.exists():
            raise ConfigError(f"{path} does not exist (looked in {engine.config.folders.errors} too)")
        path = candidate
    if path.name.endswith(".errors.json"):
        raise ConfigError(f"{path.name} is an error report; retry the file it describes")
    with engine.store.transaction() as db:
        engine.store.set_meta(RETRY_META + file_sha256(path), engine.store.now(), db)
        engine.store.event("retry", path.name, None, db)
    for pattern in (f"{path.name}.errors*", f"{path.stem}.marked*"):
        for report in path.parent.glob(pattern):
            report.unlink()
    return move_into(path, engine.config.folders.inbox)


def retry_po(engine: Engine, po: str, *, force: bool = False) -> list[Path]:
    """Retry every file in errors/ that holds a failed or rejected document of ``po``."""
    rows = engine.store.all("SELECT DISTINCT f.path FROM documents d JOIN inbound_files f ON f.id=d.file_id "
                            "WHERE d.id IN (SELECT document_id FROM document_pos WHERE po=?) AND d.state IN ('failure','rejected') AND f.status='errors'",
                            po)
    moved = [retry_file(engine, Path(r["path"])) for r in rows if Path(r["path"]).exists()]
    if force:
        with engine.store.transaction() as db:
            for row in engine.store.documents("state='needs-reconcile' AND id IN (SELECT document_id FROM document_pos WHERE po=?)", po):
                engine.store.set_state([row["id"]], "validated", db, detail="released by translator retry --force")
    if not moved and not force:
        raise ConfigError(f"no file in errors/ holds a failed document of order {po}; "
                          f"see translator status {po}")
    return moved
