"""EDIFACT service characters (the UNA service string advice) and syntax-identifier encodings.

An interchange may start with ``UNA`` followed by exactly six characters: component separator,
data element separator, decimal mark, release character, repetition separator (syntax 4; a
reserved space in syntax 3) and segment terminator. Without UNA the ISO 9735 defaults apply
(``:+.? '``). Reader and writer share one :class:`ServiceChars` so escaping is symmetric.
"""

from __future__ import annotations

from dataclasses import dataclass

# UNB01.1 syntax identifier -> Python codec used to read the interchange. UNOA/UNOB are ISO 646
# subsets; they are read as latin-1 (every byte decodes) and bytes above 0x7F are reported.
SYNTAX_ENCODINGS: dict[str, str] = {
    "UNOA": "latin-1", "UNOB": "latin-1", "UNOC": "latin-1", "UNOD": "iso8859-2",
    "UNOE": "iso8859-5", "UNOF": "iso8859-7", "UNOG": "iso8859-3", "UNOH": "iso8859-4",
    "UNOI": "iso8859-6", "UNOJ": "iso8859-8", "UNOK": "iso8859-9", "UNOW": "utf-8", "UNOY": "utf-8",
}
# Syntax identifiers whose repertoire is 7-bit only.
ASCII_ONLY = frozenset({"UNOA", "UNOB"})
# Codec used when writing: UNOA/UNOB must stay 7-bit, so an é is refused rather than sent.
WRITE_ENCODINGS: dict[str, str] = {**SYNTAX_ENCODINGS, "UNOA": "ascii", "UNOB": "ascii"}


@dataclass(frozen=True)
class ServiceChars:
    """The six service characters of one interchange."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    repetition: str = " "
    terminator: str = "'"

    @classmethod
    def from_una(cls, advice: str) -> ServiceChars:
        """Service characters from the six characters after ``UNA``; ValueError says what is wrong."""
        if len(advice) != 6:
            raise ValueError(f"UNA must be followed by exactly 6 characters, found {len(advice)}")
        chars = cls(*advice)
        chars.check()
        return chars

    def check(self) -> None:
        """Refuse service characters that would make the interchange ambiguous."""
        used = [self.component, self.element, self.release, self.terminator]
        if self.repetition != " ":
            used.append(self.repetition)
        for ch in (*used, self.decimal):
            if len(ch) != 1 or not ch.isascii() or ch.isalnum():
                raise ValueError(f"service character {ch!r} must be one ASCII character, not a letter or digit")
        if len(set(used)) != len(used):
            raise ValueError("separators, release character and terminator must all be different")
        if self.decimal not in ".,":
            raise ValueError(f"decimal mark must be '.' or ',', found {self.decimal!r}")

    @property
    def una(self) -> str:
        """The UNA service string advice for these characters."""
        return ("UNA" + self.component + self.element + self.decimal + self.release
                + self.repetition + self.terminator)

    @property
    def specials(self) -> str:
        """Characters that must be preceded by the release character inside a value."""
        rep = self.repetition if self.repetition != " " else ""
        return self.release + self.component + self.element + self.terminator + rep

    def escape_table(self) -> dict[int, str]:
        """``str.translate`` table that prefixes every special character with the release character."""
        return {ord(ch): self.release + ch for ch in self.specials}


DEFAULT_CHARS = ServiceChars()
