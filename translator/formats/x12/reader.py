"""Streaming X12 reader: segment texts in, one :class:`Record` per segment from ST to SE out.

The per-segment loop is the hot path (100,000-order files have millions of segments): one
``str.split`` per segment, element keys from a per-tag cache, ``dict(zip(keys, parts))`` for the values,
and records built without the frozen-dataclass ``__init__`` (see :func:`_record`). Envelope segments
take the slow path through :class:`.envelope.EnvelopeChecker`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from translator.formats import source_name, stream_start
from translator.formats.x12.ack997 import Acknowledger, acknowledgement_options
from translator.formats.x12.delimiters import Delimiters
from translator.formats.x12.envelope import EnvelopeChecker, is_segment_id
from translator.formats.x12.model import Interchange, TransactionSet
from translator.formats.x12.options import X12Options, parse_options
from translator.formats.x12.tokenizer import Tokenizer
from translator.problems import Problem
from translator.records import Record, SourceRef

_ENVELOPE = frozenset({"ISA", "GS", "ST", "SE", "GE", "IEA"})
_NEW = object.__new__
# Building records without the frozen dataclass __init__ halves the per-segment cost; this is only
# safe while Record/SourceRef are plain (non-slots) dataclasses with exactly these fields.
_FAST = (not hasattr(Record, "__slots__") and not hasattr(SourceRef, "__slots__")
         and list(Record.__dataclass_fields__) == ["tag", "values", "source"]
         and list(SourceRef.__dataclass_fields__) == ["file", "line", "sheet", "segment", "message", "columns"])


def _record(tag: str, values: dict[str, str], file: str | None, index: int, message: str | None) -> Record:
    """``Record(tag, values, SourceRef(file, segment=index, message=message))``, built fast."""
    if not _FAST:
        return Record(tag, values, SourceRef(file, segment=index, message=message))
    src = _NEW(SourceRef)
    fields = src.__dict__
    fields["file"], fields["line"], fields["sheet"] = file, None, None
    fields["segment"], fields["message"], fields["columns"] = index, message, ()
    rec = _NEW(Record)
    fields = rec.__dict__
    fields["tag"], fields["values"], fields["source"] = tag, values, src
    return rec


class Reader:
    """Iterate to get records; ``problems`` and ``interchanges`` fill in as the file is read."""

    def __init__(self, source: str | os.PathLike[str] | BinaryIO, options: X12Options,
                 file_name: str | None) -> None:
        self._source = source
        self._start = stream_start(source)
        self.options = options
        self.file_name = source_name(source, file_name)
        self.problems: list[Problem] = []
        self.interchanges: list[Interchange] = []
        self.segment_count = 0

    def __iter__(self) -> Iterator[Record]:
        return self._records()

    def _open(self) -> contextlib.AbstractContextManager[BinaryIO]:
        if isinstance(self._source, str | os.PathLike):
            return open(self._source, "rb")  # noqa: SIM115
        if self._start is not None:
            self._source.seek(self._start)   # a second pass over an open stream starts over
        return contextlib.nullcontext(self._source)

    def acknowledger(self) -> Acknowledger:
        """An :class:`~.ack997.Acknowledger` for what was read (iterate to the end first)."""
        return Acknowledger(self)

    def acknowledgement_records(self) -> list[Record] | None:
        """997 records for everything read (iterate to the end first); None when no interchange was
        identified. Write them with :meth:`acknowledgement_options` (sender and receiver swapped)."""
        if not self.interchanges:
            return None
        return self.acknowledger().records()

    def acknowledgement_options(self, base: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Writer options (a dict over ``base``) for the 997 answering the first interchange."""
        if not self.interchanges:
            return dict(base or {})
        return acknowledgement_options(self.interchanges[0], base)

    def transaction_sets(self) -> Iterator[TransactionSet]:
        """Every transaction set read so far (closed by SE or found truncated), in file order."""
        for ic in self.interchanges:
            for group in ic.groups:
                yield from group.iter_sets()

    def _records(self) -> Iterator[Record]:
        """The hot loop; records are built inline (see :func:`_record`) when ``_FAST`` allows.

        One function on purpose: every call or generator layer per segment costs measurable time.
        Iterating again starts over (problems and interchanges are reset).
        """
        self.problems.clear()
        self.interchanges.clear()
        with self._open() as stream:
            tok = Tokenizer(stream, self.problems, file=self.file_name, encoding=self.options.encoding,
                            chunk_size=self.options.chunk_size)
            env = EnvelopeChecker(self.problems, self.interchanges, self.file_name)
            new = _NEW
            keytab: dict[str, list[str]] = {}
            index = 0
            st: TransactionSet | None = None
            base: dict[str, Any] = {}
            envelope = _ENVELOPE
            fast = _FAST
            for batch in tok.batches():
                delims = tok.delimiters
                assert delims is not None
                sep, comp = delims.element, delims.component
                for text in batch:
                    index += 1
                    parts = text.split(sep)
                    tag = parts[0]
                    if tag in envelope:
                        rec = self._envelope(env, tag, parts, index, text, delims, keytab)
                        if env.open_set is not st:
                            st = env.open_set
                            base = self._source_fields(st)
                        if rec is not None:
                            yield rec
                        continue
                    if st is None:
                        env.outside_set(tag, index)
                        continue
                    st.segment_count += 1
                    keys = keytab.get(tag)
                    if keys is None:
                        if not is_segment_id(tag):
                            env.bad_tag(tag, index)
                            continue
                        keys = _keys(keytab, tag)
                    if comp in text:
                        values = _composite_values(parts, keys, comp)
                    elif "" in parts:
                        values = {k: v for k, v in zip(keys, parts, strict=False) if v}
                        del values[tag]
                    else:
                        values = dict(zip(keys, parts, strict=False))
                        del values[tag]
                    if fast:
                        src = new(SourceRef)
                        fields = src.__dict__
                        fields.update(base)
                        fields["segment"] = index
                        rec = new(Record)
                        fields = rec.__dict__
                        fields["tag"] = tag
                        fields["values"] = values
                        fields["source"] = src
                        yield rec
                    else:
                        yield _record(tag, values, self.file_name, index, st.control_number)
            self.segment_count = index
            env.finish(index + 1)

    def _source_fields(self, st: TransactionSet | None) -> dict[str, Any]:
        return {"file": self.file_name, "line": None, "sheet": None, "segment": None,
                "message": st.control_number if st else None, "columns": ()}

    def _envelope(self, env: EnvelopeChecker, tag: str, parts: list[str], index: int, text: str,
                  delims: Delimiters, keytab: dict[str, list[str]]) -> Record | None:
        """Check an envelope segment; ST and SE also come back as records (they bound messages)."""
        if tag == "ST":
            st = env.start_set(parts, index)
        elif tag == "SE":
            st = env.open_set
            env.end_set(parts, index)
        else:
            env.envelope(tag, parts, index, text, delims)
            return None
        if st is None:
            return None
        keys = keytab.get(tag) or _keys(keytab, tag)
        if delims.component in text:
            values = _composite_values(parts, keys, delims.component)
        else:
            values = dict(zip(keys, parts, strict=False))
            del values[tag]
            if "" in parts:
                values = {k: v for k, v in values.items() if v}
        return _record(tag, values, self.file_name, index, st.control_number)


def _keys(keytab: dict[str, list[str]], tag: str) -> list[str]:
    """Element keys for ``tag``: the tag itself first (so keys line up with split parts), then TAG01..TAG99.

    ``zip`` stops at the shorter list, so one list serves every segment of that tag.
    """
    keys = [tag] + [f"{tag}{i:02d}" for i in range(1, 100)]
    keytab[tag] = keys
    return keys


def _composite_values(parts: list[str], keys: list[str], comp: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in zip(keys[1:], parts[1:], strict=False):
        if comp in value:
            for pos, component in enumerate(value.split(comp), 1):
                if component:
                    values[f"{key}.{pos}"] = component
        elif value:
            values[key] = value
    return values


def reader(source: str | os.PathLike[str] | BinaryIO, options: Mapping[str, Any] | None = None, *,
           file_name: str | None = None) -> Reader:
    """A streaming X12 reader; nothing is read until it is iterated."""
    return Reader(source, parse_options(options or {}), file_name)
