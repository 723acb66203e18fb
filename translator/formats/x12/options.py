"""X12 options: the trading-partner envelope settings (writer) and decoding settings (reader).

Every key is checked here once, so a typo in a mapping's ``options:`` block is a MappingError at
load time rather than a wrong envelope at 3 a.m.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from translator.errors import MappingError


@dataclass(frozen=True)
class X12Options:
    """Options for reading and writing X12 (004010 by default)."""

    sender_qualifier: str = "ZZ"           # ISA05
    sender_id: str = ""                    # ISA06 (padded to 15)
    receiver_qualifier: str = "ZZ"         # ISA07
    receiver_id: str = ""                  # ISA08 (padded to 15)
    gs_sender: str | None = None           # GS02 (default: sender_id)
    gs_receiver: str | None = None         # GS03 (default: receiver_id)
    version: str = "00401"                 # ISA12; GS08 is derived (00401 -> 004010) unless gs_version is set
    gs_version: str | None = None          # GS08
    usage: str = "P"                       # ISA15: P production, T test
    acknowledgement_requested: bool = False  # ISA14
    element_separator: str = "*"
    component_separator: str = ">"         # ISA16
    repetition_separator: str = "U"        # ISA11: "U" for 00401, a delimiter from 00402 on
    segment_terminator: str = "~"
    newline_after_segment: bool = False
    replace_delimiters: str | None = None  # replace delimiter characters in values with this text
    partner: str = "default"               # key for control numbers
    encoding: str = "utf-8"
    chunk_size: int = 1 << 20              # bytes read at a time

    @property
    def group_version(self) -> str:
        return self.gs_version or self.version + "0"


_BOOLS = {"acknowledgement_requested", "newline_after_segment"}


def parse_options(raw: Mapping[str, Any]) -> X12Options:
    """Validated options; raises MappingError naming the bad key."""
    known = {f.name for f in fields(X12Options)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise MappingError(f"unknown x12 option(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}",
                           key=unknown[0])
    for key, value in raw.items():
        _check(key, value)
    options = X12Options(**dict(raw))
    _check_delimiters(options)
    return options


def _check(key: str, value: Any) -> None:
    if key in _BOOLS:
        ok = isinstance(value, bool)
    elif key == "chunk_size":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1024
    elif key in ("gs_sender", "gs_receiver", "gs_version", "replace_delimiters"):
        ok = value is None or isinstance(value, str)
    else:
        ok = isinstance(value, str)
    if not ok:
        raise MappingError(f"x12 option {key} has an invalid value {value!r}", key=key)
    if key == "encoding":
        try:
            codecs.lookup(value)
        except LookupError as exc:
            raise MappingError(f"x12 option encoding: unknown encoding {value!r}", key=key) from exc
    if key in ("usage",) and value not in ("P", "T", "I"):
        raise MappingError("x12 option usage must be P (production), T (test) or I (information)", key=key)
    if key in ("sender_id", "receiver_id") and len(value) > 15:
        raise MappingError(f"x12 option {key} is longer than the 15 characters the ISA allows", key=key)
    if key in ("sender_qualifier", "receiver_qualifier") and len(value) != 2:
        raise MappingError(f"x12 option {key} must be 2 characters (e.g. ZZ, 01, 12)", key=key)


def _check_delimiters(options: X12Options) -> None:
    seps = [options.element_separator, options.component_separator, options.segment_terminator]
    if options.repetition_separator != "U":
        seps.append(options.repetition_separator)
    if any(len(s) != 1 or s.isalnum() or s == " " for s in seps) or len(set(seps)) != len(seps):
        raise MappingError("x12 delimiters must be distinct single characters that are not letters, digits or "
                           f"spaces (got {seps!r})", key="element_separator")
    if len(options.version) != 5 or not options.version.isdigit():
        raise MappingError("x12 option version is the 5-digit ISA12 version (e.g. 00401)", key="version")
    for key in ("sender_id", "receiver_id", "gs_sender", "gs_receiver", "sender_qualifier", "receiver_qualifier"):
        value = getattr(options, key) or ""
        if any(s in value for s in seps) or "\n" in value or "\r" in value:
            raise MappingError(f"x12 option {key} contains a delimiter character", key=key)
    if options.replace_delimiters is not None and any(s in options.replace_delimiters for s in seps):
        raise MappingError("x12 option replace_delimiters must not itself contain a delimiter",
                           key="replace_delimiters")
