"""UN/EDIFACT (syntax 3/4, directory D96A and friends): streaming reader, writer and CONTRL.

Wire rules:

* Service characters come from UNA (component ``:``, element ``+``, decimal ``.``, release ``?``,
  repetition/reserved `` ``, terminator ``'``); without UNA the defaults apply. Every
  concatenated interchange may carry its own UNA.
* Inside values, ``? + : '`` (and a non-space repetition separator) are preceded by the release
  character; reading removes it, writing adds it.
* Encoding follows UNB01.1: UNOA/UNOB/UNOC = latin-1 (UNOA/UNOB bytes above 0x7F are reported),
  UNOD..UNOK = ISO 8859-x, UNOW/UNOY = UTF-8; the ``encoding`` option overrides it.
* Newlines after terminators are tolerated; a BOM or garbage before UNA/UNB is reported.
* Records: one per segment from UNH to UNT inclusive. A simple element n is ``TAGnn``; an element
  with components stores ``TAGnn.m`` per component and ``TAGnn`` = its first component. Empty
  values are not stored. ``SourceRef.segment`` counts from UNB = 1 in each interchange.
  Mappings should read a first component as ``TAGnn`` (``STS02``): ``TAGnn.1`` exists only when
  the sender actually wrote a component separator in that element.
* Repetitions (syntax 4 ``*``) are not split; decimal marks are not converted (formats never
  convert numbers).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, BinaryIO

from translator.formats.edifact.characters import DEFAULT_CHARS, ServiceChars
from translator.formats.edifact.contrl import (
    Contrl,
    ContrlOutcome,
    acknowledgement_options,
    contrl,
    read_contrl,
)
from translator.formats.edifact.envelope import GroupInfo, InterchangeInfo, MessageInfo, SyntaxError_
from translator.formats.edifact.options import EdifactOptions, parse_options
from translator.formats.edifact.reader import EdifactReader, reader
from translator.formats.edifact.writer import EdifactWriter, InMemoryControlNumbers, writer
from translator.records import Record

Reader = EdifactReader
Writer = EdifactWriter

__all__ = [
    "DEFAULT_CHARS", "Contrl", "ContrlOutcome", "EdifactOptions", "EdifactReader", "EdifactWriter", "GroupInfo",
    "InMemoryControlNumbers", "InterchangeInfo", "MessageInfo", "Reader", "ServiceChars", "SyntaxError_",
    "Writer", "acknowledgement_options", "contrl", "parse_options", "read", "read_contrl", "reader", "write", "writer",
]


def read(source: str | os.PathLike[str] | BinaryIO, options: Mapping[str, Any] | None = None, *,
         file_name: str | None = None) -> Iterator[Record]:
    """Records of ``source`` (shorthand for iterating :func:`reader`; problems are then not visible)."""
    return iter(reader(source, options, file_name=file_name))


def write(records: Iterable[Record], target: BinaryIO, options: Mapping[str, Any] | None = None,
          **context: Any) -> None:
    """Write ``records`` as one interchange (shorthand for :func:`writer` + ``close``)."""
    out = writer(target, options, **context)
    for record in records:
        out.write(record)
    out.close()
