"""Split an X12 byte stream into segment texts, chunk by chunk, in constant memory.

The tokenizer decodes the input incrementally, finds each interchange's ISA, takes the delimiters
from it (:func:`.delimiters.detect`) and splits on the segment terminator with ``str.split`` (the
hot path). It yields *batches* (lists of segment texts) so the reader's loop stays a plain ``for``;
a batch never spans two interchanges, so a reader may read :attr:`Tokenizer.delimiters` once per
batch. Whitespace after terminators (``~\\n``, ``~\\r\\n``) and before the first ISA (and a BOM) is
skipped. It knows nothing about envelopes beyond locating ISA headers.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import BinaryIO

from translator.formats.x12.delimiters import Delimiters, detect
from translator.problems import Problem

_HEADER_CHARS = 256      # enough text to read a whole ISA, even a padded or sloppy one
_BLANK = " \t\r\n"


class Tokenizer:
    """Segment texts of ``stream``; syntax problems go to ``problems`` (it never raises on bad data)."""

    def __init__(self, stream: BinaryIO, problems: list[Problem], *, file: str | None,
                 encoding: str = "utf-8", chunk_size: int = 1 << 20) -> None:
        self._stream = stream
        self._problems = problems
        self._file = file
        self._encoding = encoding
        self._chunk_size = chunk_size
        self.delimiters: Delimiters | None = None
        self.bytes_read = 0

    def batches(self) -> Iterator[list[str]]:
        """Lists of segment texts, in file order."""
        chunks = self._texts()
        buf = self._preamble(chunks)
        while buf is not None:
            buf = self._fill(buf, chunks)
            found = detect(buf)
            if isinstance(found, Problem):
                self._problems.append(found.located(file=self._file))
                return
            self.delimiters = found
            buf = yield from self._interchange(buf, chunks)

    def _texts(self) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(self._encoding)("strict")
        while True:
            data = self._stream.read(self._chunk_size)
            if isinstance(data, str):      # a text stream: already decoded
                if not data:
                    return
                yield data
                continue
            try:
                text = decoder.decode(data, final=not data)
            except UnicodeDecodeError as exc:
                self._problems.append(self._encoding_problem(exc))
                return
            self.bytes_read += len(data)
            if text:
                yield text
            if not data:
                return

    def _encoding_problem(self, exc: UnicodeDecodeError) -> Problem:
        offset = self.bytes_read + exc.start
        return Problem(
            code="X12-ENCODING", file=self._file, value=repr(exc.object[exc.start:exc.start + 8]),
            rule=f"the file is not valid {self._encoding} text (bad byte at offset {offset})",
            hint="X12 files are ASCII; if the partner sends another encoding set the 'encoding' option")

    def _preamble(self, chunks: Iterator[str]) -> str | None:
        """Text from the first ISA on, after a BOM and leading whitespace; None (and a Problem) if absent."""
        buf = ""
        for text in chunks:
            buf = (buf + text).lstrip(_BLANK + "\ufeff")
            if len(buf) >= 3:
                break
        if buf.startswith("ISA"):
            return buf
        if not buf and not self._problems:
            self._problems.append(Problem(code="X12-EMPTY-FILE", file=self._file, rule="the file is empty",
                                          hint="the sender produced no data; ask for the file again"))
        elif buf:
            self._problems.append(Problem(
                code="X12-NOT-X12", file=self._file, segment=1, value=repr(buf[:20]),
                rule="an X12 file must start with an ISA interchange header",
                hint="check that this is an X12 file (not EDIFACT, CSV or a binary file) and not cut at the start"))
        return None

    def _fill(self, buf: str, chunks: Iterator[str]) -> str:
        while len(buf) < _HEADER_CHARS:
            text = next(chunks, None)
            if text is None:
                break
            buf += text
        return buf

    def _interchange(self, buf: str, chunks: Iterator[str]) -> Iterator[list[str]]:
        """Batches of one interchange; returns the text of the next ISA, or None at the end of input."""
        delims = self.delimiters
        assert delims is not None
        term, sep = delims.segment, delims.segment + delims.suffix
        start = 3
        while True:
            boundary = _isa_boundary(buf, start, term)
            if boundary >= 0:
                pieces, rest = _split(buf[:boundary], term, sep)
                yield pieces + _slow(rest, term)
                return buf[boundary:]
            pieces, buf = _split(buf, term, sep)
            if pieces:
                yield pieces
            text = next(chunks, None)
            if text is None:
                yield from self._last(buf, term)
                return None
            buf += text
            start = 0

    def _last(self, buf: str, term: str) -> Iterator[list[str]]:
        """The text after the last separator: usually blank or a terminator without its line break."""
        if not buf.strip(_BLANK):
            return
        if not buf.rstrip(_BLANK).endswith(term.strip(_BLANK) or term):
            self._problems.append(Problem(
                code="X12-NO-TERMINATOR", severity="warning", file=self._file, value=buf.strip()[:20],
                rule="the last segment is not followed by the segment terminator",
                hint="the file may be truncated; check that it ends with the IEA segment and its terminator"))
        yield _slow(buf, term)


def _isa_boundary(buf: str, start: int, term: str) -> int:
    """Position of an ISA that starts a segment at or after ``start`` (-1 if none)."""
    i = buf.find("ISA", start)
    while i >= 0:
        j = i - 1
        while j >= 0 and buf[j] in _BLANK and buf[j] not in term:
            j -= 1
        if (j < 0 or buf.endswith(term, 0, j + 1)) and buf[i + 3:i + 4] not in ("", " ") \
                and not buf[i + 3].isalnum():
            return i
        i = buf.find("ISA", i + 1)
    return -1


def _split(text: str, term: str, sep: str) -> tuple[list[str], str]:
    """Complete segments of ``text`` and the unfinished rest.

    ``sep`` is the terminator plus the line break the ISA showed after it (``~\\n``). When the text
    uses it consistently (checked with C-speed counts), ``str.split`` alone yields clean segments;
    otherwise (mixed or blank lines) the slow path strips each piece.
    """
    pieces = text.split(sep)
    rest = pieces.pop()
    count = len(pieces)
    if count:
        end = len(text) - len(rest)
        if (text.count(term, 0, end) != count or text.count("\n", 0, end) != count * sep.count("\n")
                or text.count("\r", 0, end) != count * sep.count("\r") or "" in pieces):
            pieces = _slow(text[:end], term)
    return pieces, rest


def _slow(text: str, term: str) -> list[str]:
    """Split on the terminator alone and drop line breaks around segments and blank pieces."""
    return [s for p in text.split(term) if (s := p.lstrip(_BLANK).rstrip("\r\n"))]
