"""Crash-safe file moves and writes shared by the engine and the service.

A reader (the ERP, an SFTP pusher, the next pass of the engine) must never see half a file, and a
crash must never leave a file in two states. So content is written to a temporary name in the
*same directory* (a rename never crosses file systems), flushed and fsynced, renamed over the
target with ``os.replace`` and the directory entry itself fsynced. A file is *claimed* by renaming
it: exactly one of several competing processes wins the rename, the others see it vanish.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

TEMP_PREFIX = ".tmp-"


def fsync_dir(directory: str | os.PathLike[str]) -> None:
    """Persist a directory's entries (a rename is only durable once its directory is synced)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def temp_path_for(target: Path) -> Path:
    """A unique hidden name beside ``target`` (same directory, so the final rename is atomic)."""
    return target.with_name(f"{TEMP_PREFIX}{uuid.uuid4().hex[:12]}-{target.name}")


@contextmanager
def atomic_open(target: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open a binary stream whose content appears at ``target`` only if the block succeeds."""
    final = Path(target)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path_for(final)
    try:
        with open(tmp, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(final.parent)


def atomic_write(target: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` to ``target`` atomically; text is UTF-8. Returns the final path."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_open(target) as stream:
        stream.write(payload)
    return Path(target)


def unique_target(directory: Path, name: str) -> Path:
    """``directory/name``, or ``name`` with a ``.1``, ``.2``... suffix when that is taken."""
    candidate = directory / name
    counter = 1
    while candidate.exists():
        candidate = directory / f"{name}.{counter}"
        counter += 1
    return candidate


def move_into(source: str | os.PathLike[str], directory: str | os.PathLike[str],
              name: str | None = None) -> Path:
    """Rename ``source`` into ``directory`` (never overwriting) and sync both directories."""
    src = Path(source)
    dest_dir = Path(directory)
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = unique_target(dest_dir, name or src.name)
    os.rename(src, target)
    fsync_dir(dest_dir)
    fsync_dir(src.parent)
    return target


def claim(source: str | os.PathLike[str], work_dir: str | os.PathLike[str],
          name: str | None = None) -> Path | None:
    """Take ownership of ``source`` by renaming it into ``work_dir``; ``None`` if someone else won."""
    try:
        return move_into(source, work_dir, name)
    except FileNotFoundError:
        return None


TEMPORARY_SUFFIXES = (".part", ".tmp", ".partial", ".crdownload", ".filepart", ".sftp-part", ".swp", "~")


def is_temporary_name(name: str) -> bool:
    """Names that are still being written by someone: ours, editors' (``~``, ``.swp``), Excel's lock
    files (``~$``), SFTP clients' (``.filepart``, ``.sftp-part``), browsers', and dot files."""
    return name.startswith((".", "~$")) or name.lower().endswith(TEMPORARY_SUFFIXES)


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file, read in chunks (constant memory): the identity of a dropped or delivered file."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
