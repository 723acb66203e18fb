"""Streaming X12 reader: segment texts in, whole transaction sets (ST..SE) out.

:meth:`Reader.messages` is the one reading loop: it hands over each transaction set as a
:class:`~translator.records.RawMessage` (split element lists plus segment numbers), and iterating the
reader yields the same sets as :class:`~translator.records.Record` objects, built from the messages.
The per-segment loop is the hot path (100,000-order files have millions of segments): one
``str.split``, one set lookup of the tag among the data-segment tags already seen inside a set, one
``list.append``. Envelope segments, new tags, bad tags and segments outside a set take the slow path
(:class:`_Assembler` and :class:`.envelope.EnvelopeChecker`); segment counts come from segment
numbers, not from counting one by one. The Record stream reads long sets in pieces, so its memory
stays flat however long a set is; a message holds its whole set.
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
from translator.records import RawMessage, Record

_ENVELOPE = frozenset({"ISA", "GS", "ST", "SE", "GE", "IEA"})
_NOTHING: frozenset[str] = frozenset()
_PIECE = 4096        # most segments of one set held at a time while streaming Records


class Reader:
    """Iterate to get records, or call :meth:`messages` for whole transaction sets; ``problems`` and
    ``interchanges`` fill in as the file is read."""

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
        """Records of every transaction set, ST..SE inclusive (built from the messages).

        A long set reaches this loop in pieces of at most :data:`_PIECE` segments (see :meth:`_read`), so
        memory stays flat however long a set is.
        """
        for piece in self._read(whole_sets=False):
            yield from piece.records()

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

    def messages(self) -> Iterator[RawMessage]:
        """One :class:`RawMessage` per transaction set, in file order, with the envelope checked.

        A set that no SE closed (the next ST, GE, IEA or ISA, or the end of the file came first) is
        yielded with ``complete=False`` once that is known. Segments with a bad tag are left out (their
        Problem is in :attr:`problems`), as are segments outside any set. Iterating again starts over
        (problems and interchanges are reset). A message holds its whole set, so memory grows with
        the longest set in the file (a 100,000-item 846 in one set is about 100 MB).
        """
        return self._read(whole_sets=True)

    def _read(self, whole_sets: bool) -> Iterator[RawMessage]:
        """The one reading loop. With ``whole_sets`` False, batches are cut to :data:`_PIECE` segments and
        a set still open at the end of one is handed over as it stands (a piece with ``complete=False``)
        and continued in the next piece; every piece then holds segments of one slice only, so when the
        slice has no component separator at all its pieces say ``component=""`` and building their
        records skips looking for composites."""
        self.problems.clear()
        self.interchanges.clear()
        with self._open() as stream:
            tok = Tokenizer(stream, self.problems, file=self.file_name, encoding=self.options.encoding,
                            chunk_size=self.options.chunk_size)
            asm = _Assembler(EnvelopeChecker(self.problems, self.interchanges, self.file_name), self.file_name)
            valid, append = asm.valid, asm.append
            first = 1                          # segment number of the batch's first segment
            for batch in tok.batches() if whole_sets else _slices(tok.batches(), _PIECE):
                delims = tok.delimiters
                assert delims is not None
                sep = delims.element
                if not whole_sets:
                    asm.plain = delims.component not in "".join(batch)
                for index, text in enumerate(batch, first):
                    parts = text.split(sep)
                    if parts[0] in valid:      # a data segment inside a set, with a tag seen before
                        append(parts)
                        continue
                    done = asm.segment(parts, index, text, delims)
                    valid, append = asm.valid, asm.append
                    if done is not None:
                        yield done
                first += len(batch)
                if not whole_sets and valid is not _NOTHING:
                    done = asm.piece(first)
                    valid, append = asm.valid, asm.append
                    if done is not None:
                        yield done
            self.segment_count = first - 1
            done = asm.finish(first)
            if done is not None:
                yield done


def _slices(batches: Iterator[list[str]], size: int) -> Iterator[list[str]]:
    """The batches cut to at most ``size`` segments (each slice within one interchange, as its batch)."""
    for batch in batches:
        if len(batch) <= size:
            yield batch
        else:
            for start in range(0, len(batch), size):
                yield batch[start:start + size]


class _Assembler:
    """The slow path of :meth:`Reader.messages`: envelope segments, new or bad tags, stray segments.

    While a set is open, :attr:`valid` is the set of data-segment tags already seen (so the hot loop
    appends a segment with one lookup) and :attr:`append` adds to the open message; outside a set
    :attr:`valid` is empty, so every segment comes here.
    """

    def __init__(self, env: EnvelopeChecker, file: str | None) -> None:
        self.env = env
        self.file = file
        self.known: set[str] = set()
        self.valid: frozenset[str] | set[str] = _NOTHING
        self.segments: list[list[str]] = []
        self.append = self.segments.append
        self.dropped: list[int] = []
        self.first = 0                         # segment number of the first segment held
        self.component = ""
        self.plain = False                     # no segment held has a composite (see Reader._read)

    def segment(self, parts: list[str], index: int, text: str, delims: Delimiters) -> RawMessage | None:
        """Handle one segment the hot loop did not take; a set it closed comes back as a message."""
        tag = parts[0]
        if tag == "SE":
            return self._end(parts, index)
        if tag == "ST":
            return self._start(parts, index, delims.component)
        if tag in _ENVELOPE:
            return self._envelope(tag, parts, index, text, delims)
        if self.valid is _NOTHING:
            self.env.outside_set(tag, index)
        elif is_segment_id(tag):
            self.known.add(tag)
            self.append(parts)
        else:
            self.env.bad_tag(tag, index)
            self.dropped.append(index)
        return None

    def _end(self, parts: list[str], index: int) -> RawMessage | None:
        env = self.env
        st = env.open_set
        env.reached(index)
        env.end_set(parts, index)
        if st is None:
            return None
        self.append(parts)
        return self._close(st, True)

    def _start(self, parts: list[str], index: int, component: str) -> RawMessage | None:
        env = self.env
        st = env.open_set
        env.reached(index)
        started = env.start_set(parts, index)          # closes an open set first (X12-SE-MISSING)
        done = self._close(st, False) if st is not None else None
        if started is not None:
            self.segments = [parts]
            self.append = self.segments.append
            self.first, self.dropped, self.component, self.valid = index, [], component, self.known
        return done

    def _envelope(self, tag: str, parts: list[str], index: int, text: str,
                  delims: Delimiters) -> RawMessage | None:
        """ISA, GS, GE or IEA: each closes a set still open (X12-SE-MISSING)."""
        st = self.env.open_set
        self.env.reached(index)
        self.env.envelope(tag, parts, index, text, delims)
        return self._close(st, False) if st is not None else None

    def _positions(self) -> list[int]:
        """Segment numbers of the segments held: consecutive from :attr:`first` but for dropped ones."""
        first, count = self.first, len(self.segments)
        if not self.dropped:
            return list(range(first, first + count))
        dropped = set(self.dropped)
        return [i for i in range(first, first + count + len(dropped)) if i not in dropped]

    def _close(self, st: TransactionSet, complete: bool) -> RawMessage:
        segments, positions = self.segments, self._positions()
        self.segments, self.dropped, self.valid = [], [], _NOTHING
        self.append = self.segments.append
        return RawMessage(self.file, st.control_number, segments, positions,
                          "" if self.plain else self.component, complete)

    def piece(self, first: int) -> RawMessage | None:
        """The open set's segments held so far (None if none); the set goes on at segment ``first``."""
        st = self.env.open_set
        assert st is not None
        segments, positions = self.segments, self._positions()
        self.segments, self.dropped, self.first = [], [], first
        self.append = self.segments.append
        if not segments:
            return None
        return RawMessage(self.file, st.control_number, segments, positions,
                          "" if self.plain else self.component, False)

    def finish(self, index: int) -> RawMessage | None:
        """End of input at segment number ``index``: a set still open was truncated."""
        st = self.env.open_set
        self.env.reached(index)
        self.env.finish(index)
        return self._close(st, False) if st is not None else None


def reader(source: str | os.PathLike[str] | BinaryIO, options: Mapping[str, Any] | None = None, *,
           file_name: str | None = None) -> Reader:
    """A streaming X12 reader; nothing is read until it is iterated."""
    return Reader(source, parse_options(options or {}), file_name)
