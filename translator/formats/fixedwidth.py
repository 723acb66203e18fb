"""Fixed-width flat files: positional fields, one record type per line (header, detail, trailer...).

The layout is data in the mapping's ``format.options``::

    records:
      - type: H
        match: {start: 1, length: 1, value: "H"}
        fields:
          - {name: po, start: 2, length: 10}
          - {name: qty, start: 12, length: 5, justify: right, pad: "0"}
    encoding: cp1252        # default utf-8; positions count characters, not bytes
    line_ending: "\\r\\n"     # written; reading accepts \\r\\n and \\n
    strip_pad: false        # default: only spaces are stripped

Reading: each line's type is the first record whose ``match`` text sits at its position; the
reader yields ``Record(tag=<type>, values)``. A value loses its padding on the pad side only
(left-justified: trailing; right-justified: leading). Spaces always go; other pad characters
(``0``) go only with ``strip_pad: true`` because leading zeros of identifiers are significant.
A line that matches no type or is too short for its fields is a Problem and is not read.

Writing: values are padded and justified; a value longer than its field is refused with a located
``DocumentRejected``, never truncated.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from translator.errors import DocumentRejected, MappingError
from translator.formats import (
    DecodedLines,
    check_encoding,
    check_option_keys,
    open_binary,
    source_name,
    stream_start,
)
from translator.problems import Problem
from translator.records import Record, SourceRef

OPTION_KEYS = {"records", "encoding", "line_ending", "strip_pad"}
RECORD_KEYS = {"type", "match", "fields"}
FIELD_KEYS = {"name", "start", "length", "justify", "pad", "strip_pad"}
MAX_SHOWN = 120


@dataclass(frozen=True)
class Field:
    """One positional field; ``start`` is 1-based as in every flat-file spec."""

    name: str
    start: int
    length: int
    justify: str = "left"
    pad: str = " "
    strip_pad: bool = False

    @property
    def end(self) -> int:
        """0-based exclusive end index."""
        return self.start - 1 + self.length

    def cut(self, line: str) -> str:
        """This field's value in ``line`` with its padding removed."""
        raw = line[self.start - 1:self.end]
        strip = " " + (self.pad if self.strip_pad else "")
        if self.justify == "right":
            value = raw.lstrip(strip)
        else:
            value = raw.rstrip(strip)
        if value == "" and self.strip_pad and raw.strip(" "):
            return self.pad  # an all-zero number is "0", not empty
        return value

    def padded(self, value: str) -> str:
        """``value`` justified and padded to the field's length (the caller checks the length)."""
        if self.justify == "right":
            return value.rjust(self.length, self.pad)
        return value.ljust(self.length, self.pad)


@dataclass(frozen=True)
class RecordType:
    """A line layout and how to recognise it."""

    type: str
    match_start: int
    match_value: str
    fields: tuple[Field, ...]

    @property
    def width(self) -> int:
        """Characters a line of this type needs."""
        ends = [f.end for f in self.fields] + [self.match_start - 1 + len(self.match_value)]
        return max(ends)

    def matches(self, line: str) -> bool:
        """True when ``line`` carries this type's match text at its position."""
        return line.startswith(self.match_value, self.match_start - 1)


@dataclass(frozen=True)
class FixedOptions:
    """Validated fixed-width options."""

    records: tuple[RecordType, ...]
    encoding: str = "utf-8"
    line_ending: str = "\r\n"
    strip_pad: bool = False

    def layout(self, tag: str) -> RecordType | None:
        """The record type named ``tag``."""
        return next((r for r in self.records if r.type == tag), None)


def parse_options(raw: Mapping[str, Any] | None) -> FixedOptions:
    """Validate the layout; MappingError names the record type and field at fault."""
    raw = check_option_keys(raw, OPTION_KEYS, "fixed")
    strip_pad = bool(raw.get("strip_pad", False))
    records = raw.get("records")
    if not isinstance(records, list) or not records:
        raise MappingError("fixed option records must list at least one record type", key="records")
    if raw.get("line_ending", "\r\n") not in ("\r\n", "\n"):
        raise MappingError('fixed option line_ending must be "\\r\\n" or "\\n"', key="line_ending")
    encoding = check_encoding(raw.get("encoding", "utf-8"), "fixed")
    types = tuple(_record_type(r, strip_pad) for r in records)
    return FixedOptions(types, encoding, raw.get("line_ending", "\r\n"), strip_pad)


def _record_type(raw: Any, strip_pad: bool) -> RecordType:
    if not isinstance(raw, Mapping) or set(raw) - RECORD_KEYS or "type" not in raw:
        raise MappingError(f"each fixed record needs type, match and fields (got {raw!r})", key="records")
    name = str(raw["type"])
    match = raw.get("match") or {}
    value = str(match.get("value", ""))
    if not value or int(match.get("length", len(value))) != len(value):
        raise MappingError(f"record {name}: match needs a value whose length is match.length", key="match")
    fields = tuple(_field(f, name, strip_pad) for f in raw.get("fields") or ())
    if not fields:
        raise MappingError(f"record {name}: fields must list at least one field", key="fields")
    _check_overlaps(name, fields)
    return RecordType(name, _positive(match.get("start", 1), name, "match.start"), value, fields)


def _field(raw: Any, record: str, strip_pad: bool) -> Field:
    if not isinstance(raw, Mapping) or set(raw) - FIELD_KEYS or "name" not in raw:
        raise MappingError(f"record {record}: bad field {raw!r} (keys: {', '.join(sorted(FIELD_KEYS))})",
                           key="fields")
    where = f"{raw['name']}"
    justify, pad = raw.get("justify", "left"), str(raw.get("pad", " "))
    if justify not in ("left", "right") or len(pad) != 1:
        raise MappingError(f"record {record}, field {where}: justify is left|right and pad one character",
                           key="fields")
    return Field(str(raw["name"]), _positive(raw.get("start"), record, f"{where}.start"),
                 _positive(raw.get("length"), record, f"{where}.length"), justify, pad,
                 bool(raw.get("strip_pad", strip_pad)))


def _positive(value: Any, record: str, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise MappingError(f"record {record}: {key} must be a whole number from 1", key=key)
    return value


def _check_overlaps(record: str, fields: tuple[Field, ...]) -> None:
    ordered = sorted(fields, key=lambda f: f.start)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.start - 1 < before.end:
            raise MappingError(f"record {record}: fields {before.name} and {after.name} overlap", key="fields")


# --------------------------------------------------------------------------- reading


class FixedReader:
    """Streaming fixed-width reader; iterate it, then look at ``problems``."""

    def __init__(self, source: str | os.PathLike[str] | BinaryIO, options: FixedOptions,
                 file_name: str | None) -> None:
        self.source = source
        self.options = options
        self.file = source_name(source, file_name)
        self._start = stream_start(source)
        self.problems: list[Problem] = []

    def __iter__(self) -> Iterator[Record]:
        encoding = self.options.encoding
        decode = codecs.getdecoder("utf-8" if encoding == "utf-8-sig" else encoding)
        seen = 0
        self.problems.clear()
        with open_binary(self.source, self._start) as stream:
            lines = DecodedLines(stream, encoding, self.file, "FIXED", self.problems, decode)
            for number, text in enumerate(lines, start=1):
                line = text.rstrip("\r\n")
                if not line.strip(" "):
                    continue
                seen += 1
                record = self._record(line, number)
                if record is not None:
                    yield record
        if seen == 0 and not lines.failed:
            self.problems.append(Problem(code="FIXED-EMPTY", file=self.file, rule="the file has no records",
                                         hint="check that the ERP export finished writing the file"))

    def _record(self, line: str, number: int) -> Record | None:
        layout = next((r for r in self.options.records if r.matches(line)), None)
        if layout is None:
            known = ", ".join(f"{r.type!r} at column {r.match_start}" for r in self.options.records)
            self._problem("FIXED-UNKNOWN-RECORD", number, line,
                          f"the line matches no record type of the layout ({known}); it was not read",
                          "check the record type code at the start of the line")
            return None
        if len(line) < layout.width:
            short = next(f for f in layout.fields if f.end > len(line))
            self._problem("FIXED-LINE-TOO-SHORT", number, line,
                          f"a {layout.type} line must be {layout.width} characters but this one has {len(line)}, "
                          f"so field {short.name} (columns {short.start}-{short.end}) is cut; it was not read",
                          "pad the line with spaces to its full width (an editor may have trimmed them)",
                          record=layout.type, field=short.name, column=short.start)
            return None
        values = {f.name: f.cut(line) for f in layout.fields}
        return Record(layout.type, values, SourceRef(file=self.file, line=number,
                                                     columns=tuple(values)))

    def _problem(self, code: str, number: int, line: str, rule: str, hint: str, **extra: Any) -> None:
        self.problems.append(Problem(code=code, rule=rule, hint=hint, file=self.file, line=number,
                                     value=line[:MAX_SHOWN], **extra))


def reader(source: str | os.PathLike[str] | BinaryIO, options: Mapping[str, Any] | None = None, *,
           file_name: str | None = None) -> FixedReader:
    """A streaming reader over ``source``; nothing is read until it is iterated."""
    return FixedReader(source, parse_options(options), file_name)


# --------------------------------------------------------------------------- writing


class FixedWriter:
    """Streaming fixed-width writer; ``close()`` flushes but leaves ``target`` open."""

    def __init__(self, target: BinaryIO, options: FixedOptions) -> None:
        self.options = options
        self.problems: list[Problem] = []
        self._target = target
        self._count = 0

    def write(self, record: Record) -> None:
        """Write one record as one line of its type's layout."""
        self._count += 1
        layout = self.options.layout(record.tag)
        if layout is None:
            known = ", ".join(r.type for r in self.options.records)
            self._reject("FIXED-UNKNOWN-RECORD-TYPE", f"the layout has no record type {record.tag!r} "
                         f"(types: {known})", None, record.tag)
        line = self._line(layout, record) + self.options.line_ending
        try:
            self._target.write(line.encode(self.options.encoding))
        except UnicodeEncodeError as exc:
            self._reject("FIXED-UNENCODABLE", f"{exc.object[exc.start:exc.end]!r} cannot be written in "
                         f"{self.options.encoding}", None, None)

    def _line(self, layout: RecordType, record: Record) -> str:
        known = {f.name for f in layout.fields}
        unknown = [key for key in record.values if key not in known]
        if unknown:
            self._reject("FIXED-UNKNOWN-FIELD", f"record type {layout.type} has no field(s) "
                         f"{', '.join(unknown)}", unknown[0], None)
        chars = [" "] * layout.width
        for field in layout.fields:
            value = record.values.get(field.name, "")
            self._check_value(field, value)
            chars[field.start - 1:field.end] = field.padded(value)
        start = layout.match_start - 1
        chars[start:start + len(layout.match_value)] = layout.match_value
        return "".join(chars)

    def _check_value(self, field: Field, value: str) -> None:
        if len(value) > field.length:
            self._reject("FIXED-VALUE-TOO-LONG", f"the value has {len(value)} characters but field "
                         f"{field.name} holds {field.length}; it was not truncated", field.name, value)
        if "\n" in value or "\r" in value:
            self._reject("FIXED-VALUE-NEWLINE", "a fixed-width value cannot contain a line break",
                         field.name, value)

    def _reject(self, code: str, rule: str, field: str | None, value: str | None) -> None:
        problem = Problem(code=code, rule=rule, field=field, value=value, record=f"record {self._count}",
                          hint="shorten or clean the value in the source, or widen the field in the layout")
        self.problems.append(problem)
        raise DocumentRejected([problem])

    def close(self) -> None:
        """Flush ``target`` (left open)."""
        self._target.flush()


def writer(target: BinaryIO, options: Mapping[str, Any] | None = None, **context: Any) -> FixedWriter:
    """A streaming fixed-width writer onto the binary stream ``target``."""
    return FixedWriter(target, parse_options(options))
