"""Which document keys a file has shown before, in little memory.

The first pass over an unsorted CSV or XLSX file needs to know which documents' rows are not all
together, and a sorted one must notice a document that comes back. Remembering every key in a set for
that costs about 100 bytes per document, so memory would grow with the file. :class:`KeyFilter` (a Bloom
filter) stays a fixed 2 MB: its "no" is certain; its "maybe" is wrong for about one new key in 7,000
at 100,000 documents and one in 80 at a million. The first pass uses a "maybe" only to keep an
exact fact about that key, so a wrong one costs a few bytes and changes no result. :class:`SeenKeys`
settles each "maybe" exactly, from a compact log of the keys.
"""

from __future__ import annotations

BITS = 1 << 24    # 2 MB


class KeyFilter:
    """A Bloom filter over strings with two probes, for one pass over one file (``hash`` of a str differs
    between processes). Two probes, not the four that would make it a little more precise, because every
    new key pays for each probe, and a wrong "maybe" costs only a few bytes."""

    __slots__ = ("_bits", "_mask", "_shift")

    def __init__(self, bits: int = BITS) -> None:
        if bits < 8 or bits & (bits - 1) or bits > 1 << 32:
            raise ValueError("bits must be a power of two from 8 to 2**32")
        self._bits = bytearray(bits >> 3)
        self._mask = bits - 1
        self._shift = 32    # the second probe takes the hash's upper half: independent of the first

    def add(self, key: str) -> bool:
        """Remember ``key``; False when it was certainly not added before, True when it may have been."""
        value, bits, mask = hash(key), self._bits, self._mask
        first, second = value & mask, (value >> self._shift) & mask
        at_first, bit_first = first >> 3, 1 << (first & 7)
        at_second, bit_second = second >> 3, 1 << (second & 7)
        seen = bits[at_first] & bit_first and bits[at_second] & bit_second
        bits[at_first] |= bit_first
        bits[at_second] |= bit_second
        return bool(seen)


class SeenKeys:
    """Every key added, exactly, in about a tenth of the memory of a ``set`` of them.

    A ``set[str]`` costs about 100 bytes per key; here a key costs its UTF-8 bytes plus two, in a log
    searched only when the :class:`KeyFilter` says "maybe" (almost never, for a key that is new). A file
    whose keys keep coming back (one that is not sorted after all) would make those searches many, so
    after :data:`SEARCHES` found keys the log becomes a set: that file is reported as a problem anyway.
    """

    __slots__ = ("_filter", "_log", "_found", "_set")
    SEARCHES = 64

    def __init__(self, key_filter: KeyFilter | None = None) -> None:
        self._filter = KeyFilter() if key_filter is None else key_filter
        self._log = bytearray(b"\x00")     # \x00 k key \x00 k key \x00 ...
        self._found = 0
        self._set: set[str] | None = None

    def add(self, key: str) -> bool:
        """Remember ``key``; True when it was added before."""
        if self._set is not None:
            if key in self._set:
                return True
            self._set.add(key)
            return False
        data = key.encode("utf-8", "surrogatepass")
        if b"\x00" in data:   # cannot be logged between separators: the exact set from now on
            self._to_set()
            return self.add(key)
        entry = b"k" + data + b"\x00"        # each entry follows a \x00, so a match starts at an entry
        if self._filter.add(key) and b"\x00" + entry in self._log:
            self._found += 1
            if self._found >= self.SEARCHES:
                self._to_set()
            return True
        self._log += entry
        return False

    def _to_set(self) -> None:
        self._set = {part[1:].decode("utf-8", "surrogatepass") for part in self._log.split(b"\x00") if part}
        self._log = bytearray()
