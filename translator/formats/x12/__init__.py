"""X12 (004010) syntax: a streaming reader, a writer with real envelopes, and 997 acknowledgements.

Wire rules: the ISA declares the delimiters (element separator = 4th character, ISA16 = component
separator, the character after ISA16 = segment terminator, ISA11 = repetition separator only when it
is punctuation; 00401 puts ``U`` there). Segments may be followed by line breaks. Records cover ST..SE
inclusive; values are text keyed ``BSN02`` / ``DTM01.2``; empty elements are omitted. This package
knows nothing about Amazon: transaction sets are just tags and elements.

Reading never raises for bad data; ``reader.problems`` collects located Problems with stable codes:
file level ``X12-EMPTY-FILE``, ``X12-NOT-X12``, ``X12-ENCODING``, ``X12-BAD-DELIMITERS``,
``X12-NO-TERMINATOR`` (warning); envelope ``X12-ISA-FIELD``, ``X12-IEA-COUNT``, ``X12-IEA-CONTROL``,
``X12-IEA-MISSING``, ``X12-IEA-UNEXPECTED``, ``X12-GS-CONTROL``, ``X12-GS-DUPLICATE``, ``X12-GE-COUNT``,
``X12-GE-CONTROL``, ``X12-GE-MISSING``, ``X12-GE-UNEXPECTED``, ``X12-ST-ID``, ``X12-ST-CONTROL``,
``X12-ST-DUPLICATE``, ``X12-ST-GROUP``, ``X12-SE-COUNT``, ``X12-SE-CONTROL``, ``X12-SE-MISSING``, ``X12-SE-UNEXPECTED``,
``X12-OUTSIDE-ENVELOPE``, ``X12-OUTSIDE-SET``, ``X12-SEGMENT-ID``. Set-level problems carry
``document="ST02 <control number>"``. Writing raises DocumentRejected with ``X12-VALUE-DELIMITER`` or
``X12-ELEMENT-KEY``; answering an unaddressable ISA raises ``X12-ACK-ADDRESS``.

Typical use::

    r = reader(path)
    for record in r: ...                       # ST..SE records of every set
    for message in r.messages(): ...           # or: whole sets as split element lists (RawMessage), the
                                               # cheap form the mapping engine reads
    ack = Acknowledger(r)                      # after reading to the end
    ack.reject_set("0001", segment=rec.source.segment, element="BSN02")   # business rejections
    ack.write(out, {"newline_after_segment": True}, control_numbers=numbers)  # 997 back to the sender
"""

from __future__ import annotations

from translator.formats.x12.ack997 import Acknowledger, acknowledgement_options, functional_acknowledgement
from translator.formats.x12.delimiters import Delimiters
from translator.formats.x12.model import FunctionalGroup, Interchange, SegmentError, TransactionSet
from translator.formats.x12.options import X12Options, parse_options
from translator.formats.x12.reader import Reader, reader
from translator.formats.x12.writer import CounterControlNumbers, Writer, segment_text, write, writer

__all__ = [
    "Acknowledger", "CounterControlNumbers", "Delimiters", "FunctionalGroup", "Interchange", "Reader",
    "SegmentError", "TransactionSet", "Writer", "X12Options", "acknowledgement_options",
    "functional_acknowledgement", "parse_options", "read", "reader", "segment_text", "write", "writer",
]


def read(source, options=None, *, file_name=None):  # type: ignore[no-untyped-def]
    """Records of ``source`` (shorthand for iterating :func:`reader`)."""
    return iter(reader(source, options, file_name=file_name))
