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

    A ``set[str]`` costs about 100 bytes per key; here a key costs its UTF-8 bytes plus one, in one of
    :data:`PARTS` logs (picked by the key's hash). A log is searched only when the :class:`KeyFilter`
    says "maybe": almost never for a new key, and then only through a 256th of the keys, so even a file
    whose keys all come back (one that is not sorted after all) costs little time.
    """

    __slots__ = ("_filter", "_logs", "_odd")
    PARTS = 256   # the hash's top 8 bits pick the log; the filter's probes use lower bits

    def __init__(self, key_filter: KeyFilter | None = None) -> None:
        self._filter = KeyFilter() if key_filter is None else key_filter
        self._logs = [bytearray(b"\x00") for _ in range(self.PARTS)]    # \x00 key \x00 key \x00 ...
        self._odd: set[str] = set()   # keys with a NUL, which cannot sit between the logs' separators

    def add(self, key: str) -> bool:
        """Remember ``key``; True when it was added before."""
        if "\x00" in key:
            if key in self._odd:
                return True
            self._odd.add(key)
            return False
        entry = key.encode("utf-8", "surrogatepass") + b"\x00"   # each entry follows a \x00: a match is whole
        log = self._logs[(hash(key) >> 56) & (self.PARTS - 1)]
        if self._filter.add(key) and b"\x00" + entry in log:
            return True
        log += entry
        return False
