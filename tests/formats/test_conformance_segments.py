"""One conformance suite for the segment formats (X12, EDIFACT): the same edge cases, the same promises.

Like ``test_conformance.py`` does for the tabular formats, each format is driven through a small
codec (write an interchange from records, read bytes back) so every case reads the same for X12
and EDIFACT. The promises: a damaged or odd file is a list of Problems (errors when data is lost
or doubtful, warnings when it is only untidy), never a traceback; line endings and a BOM never
change what is read; concatenated interchanges are all read.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translator.formats import get_format
from translator.problems import Problem
from translator.records import Record


@dataclass(frozen=True)
class SegmentCodec:
    name: str
    options: dict[str, Any]
    header: Record          # the record that opens a message (ST / UNH)
    body: tuple[Record, ...]
    terminator: bytes
    prefix: str             # how every problem code of this format starts

    def write(self, messages: int = 1, context: dict[str, Any] | None = None, **extra: Any) -> bytes:
        out = io.BytesIO()
        writer = get_format(self.name).writer(out, {**self.options, **extra}, **(context or {}))
        for _ in range(messages):
            writer.write(self.header)
            for record in self.body:
                writer.write(record)
        writer.close()
        return out.getvalue()

    def read(self, data: bytes, **options: Any) -> tuple[list[Record], list[Problem]]:
        reader = get_format(self.name).reader(io.BytesIO(data), options or None, file_name=f"in.{self.name}")
        records = list(reader)
        return records, list(reader.problems)

    def with_line_ending(self, data: bytes, eol: bytes) -> bytes:
        return data.replace(self.terminator, self.terminator + eol)


X12 = SegmentCodec(
    "x12", {"sender_id": "VENDOR", "receiver_id": "AMAZON"},
    Record("ST", {"ST01": "846"}),
    (Record("BIA", {"BIA01": "00", "BIA02": "MM", "BIA03": "REF1", "BIA04": "20261123"}),
     Record("LIN", {"LIN01": "1", "LIN02": "UP", "LIN03": "012345678905"}),
     Record("QTY", {"QTY01": "33", "QTY02": "7"}),
     Record("PID", {"PID01": "F", "PID05": "Caf\u00e9 Deluxe, 10% +1 :?"})),
    b"~", "X12-")
EDIFACT = SegmentCodec(
    "edifact", {"sender_id": "VENDOR", "recipient_id": "AMAZON", "syntax_id": "UNOW"},
    Record("UNH", {"UNH02.1": "INVRPT", "UNH02.2": "D", "UNH02.3": "96A", "UNH02.4": "UN"}),
    (Record("BGM", {"BGM01": "35", "BGM02": "REF1", "BGM03": "9"}),
     Record("LIN", {"LIN01": "1", "LIN03.1": "012345678905", "LIN03.2": "UP"}),
     Record("QTY", {"QTY01.1": "145", "QTY01.2": "7"}),
     Record("IMD", {"IMD01": "F", "IMD03.4": "Caf\u00e9 Deluxe, 10% *~"})),
    b"'", "EDIFACT-")
ALL = [X12, EDIFACT]


def by_name(codec: SegmentCodec) -> str:
    return codec.name


def errors(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems if p.severity == "error"]


def values(records: list[Record]) -> list[tuple[str, dict[str, str]]]:
    return [(r.tag, r.values) for r in records]


def body_of(codec: SegmentCodec, records: list[Record]) -> list[tuple[str, dict[str, str]]]:
    """The data segments read, each cut down to the keys the codec wrote (EDIFACT adds ``TAGnn``)."""
    wanted = {r.tag: set(r.values) for r in codec.body}
    return [(r.tag, {k: v for k, v in r.values.items() if k in wanted[r.tag]}) for r in records if r.tag in wanted]


def written_body(codec: SegmentCodec) -> list[tuple[str, dict[str, str]]]:
    return [(r.tag, dict(r.values)) for r in codec.body]


def assert_well_formed(problems: list[Problem], codec: SegmentCodec) -> None:
    """Every Problem has a stable code of this format, a rule and a hint, and renders as text."""
    for problem in problems:
        assert problem.code.startswith(codec.prefix) and problem.code.isupper()
        assert problem.rule and problem.hint and problem.file == f"in.{codec.name}"
        assert isinstance(problem.render(), str)


each = pytest.mark.parametrize("codec", ALL, ids=by_name)


@each
def test_written_interchange_reads_back_without_problems(codec: SegmentCodec) -> None:
    records, problems = codec.read(codec.write())
    assert problems == []
    assert body_of(codec, records) == written_body(codec)


@each
@pytest.mark.parametrize("data", [b"", b"\n", b"\r\n  \t\n"], ids=["empty", "newline", "blank"])
def test_empty_file_is_one_error_not_a_traceback(codec: SegmentCodec, data: bytes) -> None:
    records, problems = codec.read(data)
    assert records == []
    assert len(errors(problems)) == 1 and "EMPTY" in errors(problems)[0]
    assert_well_formed(problems, codec)


@each
def test_utf8_byte_order_mark_changes_nothing_read(codec: SegmentCodec) -> None:
    plain = codec.write()
    records, problems = codec.read(b"\xef\xbb\xbf" + plain)
    assert values(records) == values(codec.read(plain)[0])
    assert errors(problems) == []
    assert_well_formed(problems, codec)


@each
@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"\r"], ids=["LF", "CRLF", "CR"])
def test_line_breaks_after_terminators_read_like_none(codec: SegmentCodec, eol: bytes) -> None:
    compact = codec.write(messages=2)
    records, problems = codec.read(codec.with_line_ending(compact, eol))
    assert values(records) == values(codec.read(compact)[0])
    assert problems == []


@each
def test_mixed_line_endings_read_like_none(codec: SegmentCodec) -> None:
    compact = codec.write(messages=2)
    parts = compact.split(codec.terminator)
    eols = [b"", b"\n", b"\r\n"]
    mixed = b"".join(p + codec.terminator + eols[i % 3] for i, p in enumerate(parts[:-1])) + parts[-1]
    records, problems = codec.read(mixed)
    assert values(records) == values(codec.read(compact)[0]) and problems == []


@each
def test_missing_final_terminator_keeps_every_record_and_is_at_most_a_warning(codec: SegmentCodec) -> None:
    data = codec.write()
    assert data.endswith(codec.terminator)
    records, problems = codec.read(data[:-1])
    assert values(records) == values(codec.read(data)[0])
    assert errors(problems) == []
    assert_well_formed(problems, codec)


@each
@pytest.mark.parametrize("garbage", [b"GARBAGE AFTER THE END", b"\x00\x01\x02\x7f", b"PO,SKU,QTY\n1,2,3\n"],
                         ids=["text", "binary", "csv"])
def test_trailing_garbage_is_reported_and_the_interchange_still_read(codec: SegmentCodec, garbage: bytes) -> None:
    data = codec.write()
    records, problems = codec.read(data + garbage)
    assert problems, "bytes after the interchange must be reported"
    assert_well_formed(problems, codec)
    assert body_of(codec, records) == written_body(codec)


@each
def test_wrong_encoding_is_a_located_problem_not_a_traceback(codec: SegmentCodec) -> None:
    data = codec.write().decode("utf-8").encode("latin-1")      # the é becomes one byte 0xE9
    records, problems = codec.read(data)
    [problem] = [p for p in problems if p.code.endswith("-ENCODING")]
    assert problem.severity == "error" and "0xe9" in (problem.value + problem.rule).replace("\\x", "0x")
    assert problem.segment == 6 or "offset" in problem.rule, "the bad byte must be located"
    assert_well_formed(problems, codec)


@each
def test_binary_file_is_not_mistaken_for_an_interchange(codec: SegmentCodec) -> None:
    records, problems = codec.read(bytes(range(256)) * 4)
    assert records == [] and errors(problems)
    assert_well_formed(problems, codec)


@each
def test_other_segment_format_is_refused_with_one_problem(codec: SegmentCodec) -> None:
    other = EDIFACT if codec is X12 else X12
    records, problems = codec.read(other.write())
    assert records == [] and len(errors(problems)) == 1
    assert_well_formed(problems, codec)


@each
def test_truncated_file_reports_missing_trailers(codec: SegmentCodec) -> None:
    data = codec.write()
    cut = data.rfind(codec.body[-1].tag.encode())          # inside the last data segment
    records, problems = codec.read(data[:cut + 6])
    assert errors(problems), "a cut file must never read as complete"
    assert any("MISSING" in code or "TRUNCATED" in code for code in errors(problems))
    assert_well_formed(problems, codec)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(codec=st.sampled_from(ALL), fraction=st.floats(0, 1, exclude_max=True))
def test_any_truncation_gives_problems_never_a_traceback(codec: SegmentCodec, fraction: float) -> None:
    data = codec.write(messages=2)
    cut = int(len(data) * fraction)
    records, problems = codec.read(data[:cut])
    assert errors(problems) or cut >= len(data) - 1
    assert_well_formed(problems, codec)


@each
def test_concatenated_interchanges_are_all_read(codec: SegmentCodec) -> None:
    numbers = get_format(codec.name).CounterControlNumbers() if codec is X12 else \
        get_format(codec.name).InMemoryControlNumbers()
    first = codec.write(context={"control_numbers": numbers})
    second = codec.write(messages=2, context={"control_numbers": numbers})
    one, _ = codec.read(first)
    records, problems = codec.read(first + b"\n" + second)
    assert problems == []
    assert len(records) == 3 * len(one)
    reader = get_format(codec.name).reader(io.BytesIO(first + second), None)
    list(reader)
    assert len(reader.interchanges) == 2 and reader.problems == []


@each
def test_concatenated_interchanges_with_their_own_delimiters(codec: SegmentCodec) -> None:
    other = {"element_separator": "|", "component_separator": "^", "segment_terminator": "\n"} if codec is X12 \
        else {"service_chars": "!~.\\ #"}
    first, second = codec.write(), codec.write(**other)
    records, problems = codec.read(first + second)
    assert problems == []
    assert values(records) == values(codec.read(first)[0]) * 2


@pytest.mark.parametrize("codec", [X12, EDIFACT], ids=by_name)
def test_a_reader_can_be_iterated_twice_with_the_same_result(codec: SegmentCodec) -> None:
    reader = get_format(codec.name).reader(io.BytesIO(codec.write(messages=2)), None)
    first = values(list(reader))
    assert values(list(reader)) == first and first and reader.problems == []


def drop_segment(data: bytes, codec: SegmentCodec, tag: str) -> bytes:
    """``data`` without the first segment tagged ``tag`` (its terminator included)."""
    segments = data.split(codec.terminator)
    index = next(i for i, seg in enumerate(segments) if seg.lstrip().startswith(tag.encode()))
    return codec.terminator.join(segments[:index] + segments[index + 1:])


@each
@pytest.mark.parametrize("damage", [
    lambda d, c: d.replace(c.terminator, b"", 1),                     # two segments run together
    lambda d, c: d.replace(c.body[1].tag.encode(), b"L\x00N", 1),     # a corrupt segment tag
    lambda d, c: drop_segment(d, c, c.body[2].tag),                   # one whole segment lost
    lambda d, c: d + d[: len(d) // 3],                                # a second interchange cut short
], ids=["merged-segments", "bad-tag", "lost-segment", "cut-repeat"])
def test_damaged_interchange_is_explained(codec: SegmentCodec, damage: Callable[[bytes, SegmentCodec], bytes]) -> None:
    records, problems = codec.read(damage(codec.write(), codec))
    assert errors(problems)
    assert_well_formed(problems, codec)
