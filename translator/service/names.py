"""File-name rules shared by the folder watcher and SFTP: which names are temporary, which are safe.

An ERP or a partner writes a file under a temporary name and renames it when done; those temporary names
must never be picked up. Names that come from a remote server are untrusted: a name with path components
or ``..`` could write outside the inbox, so it is refused rather than "cleaned".
"""

from __future__ import annotations

import os

from translator.fileio import TEMPORARY_SUFFIXES, file_sha256, is_temporary_name
from translator.fileio import fsync_dir as fsync_directory

__all__ = ["TEMPORARY_SUFFIXES", "file_sha256", "fsync_directory", "is_temporary_name", "safe_remote_name"]


def safe_remote_name(name: str) -> str | None:
    """``name`` if it is a plain file name, else ``None`` (path separators, ``..``, NUL, empty)."""
    if not name or name in (".", "..") or "\x00" in name:
        return None
    if "/" in name or "\\" in name or name.startswith(".."):
        return None
    if os.path.basename(name) != name:
        return None
    return name
