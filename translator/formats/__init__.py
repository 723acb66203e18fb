"""File formats: syntax only, no Amazon knowledge.

Every format module exposes the same small surface (see the brief's "Format module interface"):
``reader(source, options, *, file_name=None)`` returning an iterable with a ``problems`` list,
``writer(target, options, **context)`` returning an object with ``write(record)`` and ``close()``,
and ``parse_options(raw)`` that validates the mapping's ``format.options`` block.

This package module also holds the few helpers the tabular formats share: opening a source as
bytes, decoding it line by line so an undecodable byte is located (line and byte offset), and
rejecting unknown option keys. Format modules are imported lazily by :func:`get_format`, so a
missing optional module (X12/EDIFACT while they are being written) never breaks the others.
"""

from __future__ import annotations

import codecs
import contextlib
import importlib
import os
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType, ModuleType
from typing import IO, Any, BinaryIO

from translator.errors import ConfigError, MappingError
from translator.problems import Problem

FORMAT_MODULES: Mapping[str, str] = MappingProxyType({
    "csv": "delimited",
    "xlsx": "xlsx",
    "fixed": "fixedwidth",
    "x12": "x12",
    "edifact": "edifact",
})

BOM_UTF8 = codecs.BOM_UTF8
# Encodings a tabular file is likely to be in, tried in this order when suggesting a fix.
SUGGESTED_ENCODINGS = ("utf-8", "cp1252", "latin-1")


def get_format(name: str) -> ModuleType:
    """The format module for ``name`` (``csv``, ``xlsx``, ``fixed``, ``x12``, ``edifact``)."""
    module = FORMAT_MODULES.get(name)
    if module is None:
        known = ", ".join(FORMAT_MODULES)
        raise ConfigError(f"unknown file format {name!r}; known formats are: {known}")
    try:
        return importlib.import_module(f"translator.formats.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"translator.formats.{module}":
            raise
        raise ConfigError(f"the {name!r} format is not available in this build") from exc


def check_option_keys(raw: Mapping[str, Any] | None, allowed: set[str], fmt: str) -> dict[str, Any]:
    """Copy of ``raw`` after refusing keys a format does not know (a typo must not be ignored)."""
    raw = dict(raw or {})
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise MappingError(f"unknown {fmt} option(s) {', '.join(unknown)}; "
                           f"allowed: {', '.join(sorted(allowed))}", key="options")
    return raw


def string_list(raw: Mapping[str, Any], key: str, fmt: str) -> tuple[str, ...]:
    """Option ``key`` as a tuple of strings (a list of column names)."""
    value = raw.get(key) or ()
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise MappingError(f"{fmt} option {key} must be a list of column names", key=key)
    return tuple(value)


def check_encoding(name: str, fmt: str) -> str:
    """Normalised codec name, or a MappingError for an encoding Python does not know."""
    try:
        return codecs.lookup(name).name
    except (LookupError, TypeError) as exc:
        raise MappingError(f"{fmt} option encoding: unknown encoding {name!r}", key="encoding") from exc


def source_name(source: Any, file_name: str | None) -> str | None:
    """The file name to put in Problems and SourceRefs."""
    if file_name:
        return file_name
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return getattr(source, "name", None) if isinstance(getattr(source, "name", None), str) else None


def stream_start(source: str | os.PathLike[str] | BinaryIO) -> int | None:
    """Where a seekable stream starts, so a reader can be iterated twice; None otherwise."""
    if isinstance(source, str | os.PathLike) or not source.seekable():
        return None
    return source.tell()


@contextlib.contextmanager
def open_binary(source: str | os.PathLike[str] | BinaryIO, start: int | None = None) -> Iterator[BinaryIO]:
    """Yield a binary stream for a path (opened and closed here) or an already-open stream.

    ``start`` (from :func:`stream_start`) rewinds an open stream to where the reader found it.
    """
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as stream:
            yield stream
    else:
        if start is not None:
            source.seek(start)
        yield source


def suggest_encoding(raw: bytes, tried: str) -> str | None:
    """The first likely encoding (other than ``tried``) that decodes ``raw`` cleanly."""
    for name in SUGGESTED_ENCODINGS:
        if codecs.lookup(name).name == codecs.lookup(tried).name:
            continue
        try:
            raw.decode(name)
        except UnicodeDecodeError:
            continue
        return name
    return None


def decoding_problem(code: str, line: int, offset: int, raw: bytes, encoding: str, file: str | None,
                     error: UnicodeDecodeError) -> Problem:
    """A located Problem for bytes that are not valid in the declared encoding."""
    bad = raw[error.start:error.end].hex(" ")
    better = suggest_encoding(raw, encoding)
    hint = (f"the file looks like {better}: set the format option encoding: {better}" if better
            else "save the file again as UTF-8 from the program that produced it")
    return Problem(code=code, file=file, line=line, value=f"0x{bad}",
                   rule=(f"byte(s) 0x{bad} at byte offset {offset + error.start} are not valid "
                         f"{encoding} text, so the file cannot be read in that encoding"), hint=hint)


class DecodedLines:
    """Iterate a binary stream as decoded text lines (terminators kept), stopping at bad bytes.

    Decoding line by line (rather than through ``io.TextIOWrapper``) lets us say on which
    physical line and at which byte offset an undecodable byte sits. ``line_no`` is the 1-based
    number of the last line handed out. A UTF-8 byte-order mark is removed from the first line
    for every encoding in the UTF-8 family and reported for any other encoding.
    """

    def __init__(self, stream: IO[bytes], encoding: str, file: str | None, code: str,
                 problems: list[Problem], decode: Callable[[bytes], str] | None = None) -> None:
        self._stream = stream
        self._encoding = encoding
        self._file = file
        self._code = code
        self._problems = problems
        self._decode = decode or codecs.getdecoder(encoding)
        self.line_no = 0
        self.failed = False

    def __iter__(self) -> Iterator[str]:
        offset = 0
        for raw in self._stream:
            self.line_no += 1
            if self.line_no == 1:
                raw, offset = self._strip_bom(raw)
            try:
                text = self._decode(raw)[0]
            except UnicodeDecodeError as exc:
                self.failed = True
                self._problems.append(decoding_problem(
                    f"{self._code}-ENCODING", self.line_no, offset, raw, self._encoding, self._file, exc))
                return
            offset += len(raw)
            yield text

    def _strip_bom(self, raw: bytes) -> tuple[bytes, int]:
        if not raw.startswith(BOM_UTF8):
            return raw, 0
        if self._encoding.replace("_", "-").startswith("utf-8"):
            return raw[len(BOM_UTF8):], len(BOM_UTF8)
        self._problems.append(Problem(
            code=f"{self._code}-BOM", file=self._file, line=1, severity="warning",
            rule=f"the file starts with a UTF-8 byte-order mark but the format says {self._encoding}",
            hint="set the format option encoding: utf-8-sig (the mark was ignored)"))
        return raw[len(BOM_UTF8):], len(BOM_UTF8)
