"""Split an EDIFACT byte stream into raw segments, chunk by chunk, never holding the whole file.

Splitting happens on bytes: every service character is ASCII and, in the encodings EDIFACT
allows (ISO 8859-x, UTF-8), an ASCII byte never occurs inside a multi-byte character, so a
segment can be cut before its encoding (declared later, in UNB) is known.

The tokenizer also owns what happens *between* segments: a byte-order mark or garbage before the
first UNA/UNB, a UNA at the start of each concatenated interchange (each may choose its own
separators), newlines after terminators, and an unterminated tail at end of file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from translator.formats.edifact.characters import DEFAULT_CHARS, ServiceChars

BOM = b"\xef\xbb\xbf"
NEWLINES = b"\r\n"
WHITESPACE = b" \t\r\n"
# How far into a file we look for the first UNA/UNB before calling it "not EDIFACT".
START_SEARCH_LIMIT = 1 << 20

Report = Callable[..., None]


class Tokenizer:
    """Iterate raw segments (bytes, without terminator, leading newlines removed).

    ``chars`` always holds the service characters of the interchange the last yielded segment
    belongs to; ``una`` says whether that interchange had a UNA. ``report(code, rule, hint, value,
    severity)`` receives problems the tokenizer finds (garbage, bad UNA, unterminated tail).
    """

    def __init__(self, stream: BinaryIO, chunk_size: int, report: Report) -> None:
        self._stream = stream
        self._chunk_size = chunk_size
        self._report = report
        self.chars: ServiceChars = DEFAULT_CHARS
        self.una = False
        self.stopped = False      # a fatal problem (bad UNA, no interchange) ended tokenizing

    def __iter__(self) -> Iterator[bytes]:
        buf = self._start()
        eof = False
        while buf is not None:
            if not eof:
                chunk = self._stream.read(self._chunk_size)
                eof = not chunk
                buf += chunk
            pieces = self._split(buf)
            buf = pieces.pop()
            switched = False
            for i, piece in enumerate(pieces):
                seg = piece.lstrip(NEWLINES)
                if not seg:
                    continue
                if seg[:3] == b"UNA" and seg == self._una_piece():
                    self.una = True       # the next interchange repeats the same UNA
                    continue
                yield seg
                if seg[:3] != b"UNZ":
                    continue
                if self._switch_needed(pieces, i):
                    rest = self.chars.terminator.encode().join([*pieces[i + 1:], buf])
                    buf, switched = self._between(rest, eof), True
                    break
                self.una = False
            if eof and buf is not None and not switched:
                yield from self._tail(buf)
                return

    def _tail(self, buf: bytes) -> Iterator[bytes]:
        tail = buf.strip(WHITESPACE)
        if tail:
            self._report_tail(tail)
            yield tail

    def _split(self, buf: bytes) -> list[bytes]:
        term = self.chars.terminator.encode()
        pieces = buf.split(term)
        release = self.chars.release.encode()
        if release + term in buf:       # only an escaped terminator can have split a segment wrongly
            pieces = _merge_escaped(pieces, term, release)
        return pieces

    def _switch_needed(self, pieces: list[bytes], i: int) -> bool:
        """After UNZ: may the next interchange use other service characters than this one?

        It does when it starts with a UNA, or when this one had custom characters (the next
        falls back to the defaults). Re-splitting is skipped in the common case to stay fast.
        """
        if i + 1 >= len(pieces):
            return True
        nxt = pieces[i + 1].lstrip(WHITESPACE)
        if nxt[:3] == b"UNA":
            return nxt != self._una_piece()
        return self.chars != DEFAULT_CHARS

    def _una_piece(self) -> bytes:
        """How a UNA identical to the current one looks once split at the terminator."""
        return self.chars.una[:-1].encode("latin-1")

    def _read_until(self, buf: bytes, size: int) -> bytes:
        while len(buf) < size:
            chunk = self._stream.read(self._chunk_size)
            if not chunk:
                break
            buf += chunk
        return buf

    def _start(self) -> bytes | None:
        """Skip a BOM and report garbage before the first UNA/UNB; parse the UNA."""
        buf = self._stream.read(self._chunk_size)
        if not isinstance(buf, bytes | bytearray):
            raise TypeError("the EDIFACT reader needs a binary stream (open the file with 'rb')")
        buf = bytes(buf)
        if not buf:
            self.stopped = True
            self._report("EDIFACT-EMPTY", "the file is empty", "check that the sender wrote the whole file")
            return None
        if buf.startswith(BOM):
            self._report("EDIFACT-BOM", "the file starts with a UTF-8 byte-order mark, which EDIFACT does not use",
                         "the mark was skipped; ask the sender to save without it", severity="warning")
            buf = buf[len(BOM):]
        pos = _first_interchange(buf)
        while pos < 0 and len(buf) < START_SEARCH_LIMIT:
            chunk = self._stream.read(self._chunk_size)
            if not chunk:
                break
            buf += chunk
            pos = _first_interchange(buf)
        if pos < 0:
            self._no_interchange(buf)
            return None
        if buf[:pos].strip(WHITESPACE):
            self._report("EDIFACT-LEADING-GARBAGE",
                         f"{pos} byte(s) before the first UNA/UNB are not EDIFACT",
                         "remove what precedes UNA/UNB (the reader skipped it)", value=_show(buf[:min(pos, 60)]),
                         severity="warning")
        return self._una_at(buf[pos:])

    def _no_interchange(self, buf: bytes) -> None:
        self.stopped = True
        if not buf.strip(WHITESPACE):
            self._report("EDIFACT-EMPTY", "the file holds only whitespace",
                         "check that the sender wrote the whole file")
        else:
            self._report("EDIFACT-NO-INTERCHANGE", "no UNA or UNB segment found: this is not an EDIFACT interchange",
                         "check the file type and the route that sent this file to the EDIFACT reader",
                         value=_show(buf[:40]))

    def _between(self, buf: bytes, eof: bool) -> bytes | None:
        """After UNZ: the next interchange uses its own UNA or the defaults."""
        head = buf.lstrip(WHITESPACE)
        if len(head) < 9 and not eof:
            head = self._read_until(head, 9)
        return self._una_at(head)

    def _una_at(self, buf: bytes) -> bytes | None:
        """Set ``chars`` from a UNA at the start of ``buf`` (or the defaults) and return the rest."""
        if buf[:3] != b"UNA":
            self.chars, self.una = DEFAULT_CHARS, False
            return buf
        buf = self._read_until(buf, 9)
        try:
            self.chars = ServiceChars.from_una(buf[3:9].decode("latin-1"))
        except ValueError as exc:
            self.stopped = True
            self._report("EDIFACT-BAD-UNA", f"the UNA service string advice is invalid: {exc}",
                         "the UNA must be 'UNA' plus six distinct service characters, e.g. UNA:+.? '",
                         value=_show(buf[:9]))
            return None
        self.una = True
        return buf[9:]

    def _report_tail(self, tail: bytes) -> None:
        self._report("EDIFACT-UNTERMINATED",
                     f"the last segment is not ended by the segment terminator {self.chars.terminator!r}",
                     "the file may be truncated; ask the sender to resend it complete",
                     value=_show(tail[:40]), severity="warning")


def _merge_escaped(pieces: list[bytes], term: bytes, release: bytes) -> list[bytes]:
    """Re-join pieces split at a terminator that was escaped by the release character."""
    out: list[bytes] = []
    carry: bytes | None = None
    for piece in pieces:
        if carry is not None:
            piece = carry + term + piece
            carry = None
        if piece.endswith(release) and _odd_trailing(piece, release):
            carry = piece
            continue
        out.append(piece)
    if carry is not None:
        out.append(carry)
    return out


def _odd_trailing(piece: bytes, release: bytes) -> bool:
    """True when ``piece`` ends with an odd run of release characters (so the last one escapes)."""
    run = len(piece) - len(piece.rstrip(release))
    return run % 2 == 1


def _first_interchange(buf: bytes) -> int:
    found = [p for p in (buf.find(b"UNA"), buf.find(b"UNB")) if p >= 0]
    return min(found) if found else -1


def _show(raw: bytes) -> str:
    """Printable rendering of raw bytes for a Problem value."""
    return raw.decode("latin-1").encode("unicode_escape").decode("ascii")
