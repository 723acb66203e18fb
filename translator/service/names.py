"""File-name rules shared by the folder watcher and SFTP: which names are temporary, which are safe.

An ERP or a partner writes a file under a temporary name and renames it when done; those temporary names
must never be picked up. Names that come from a remote server are untrusted: a name with path components
or ``..`` could write outside the inbox, so it is refused rather than "cleaned".
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

TEMPORARY_SUFFIXES = (".part", ".tmp", ".partial", ".crdownload", ".filepart", ".sftp-part", ".swp")


def is_temporary_name(name: str) -> bool:
    """True for dot files, Excel lock files (``~$``), and names ending in a temporary suffix."""
    lower = name.lower()
    return name.startswith((".", "~$")) or lower.endswith(TEMPORARY_SUFFIXES) or lower.endswith("~")


def safe_remote_name(name: str) -> str | None:
    """``name`` if it is a plain file name, else ``None`` (path separators, ``..``, NUL, empty)."""
    if not name or name in (".", "..") or "\x00" in name:
        return None
    if "/" in name or "\\" in name or name.startswith(".."):
        return None
    if os.path.basename(name) != name:
        return None
    return name


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks (constant memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fsync_directory(directory: Path) -> None:
    """Make a rename inside ``directory`` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
