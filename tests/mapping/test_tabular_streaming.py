"""Unsorted CSV files are read twice so documents stream out as their last row is read.

Both ways (two passes over a file that can be re-read, one pass holding every row for a stream that
cannot) give the same documents in the same first-seen order, whatever the order of the rows.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.mapping.helpers import MAPPINGS
from translator.formats import get_format
from translator.mapping import load_mapping, tabular
from translator.mapping.keyfilter import KeyFilter, SeenKeys

HEADER = ["PO", "Shipped Date", "Selling Party", "Ship From", "Line", "SKU", "Qty", "Package ID", "Tracking"]


class OneWayStream(io.BytesIO):
    """A stream that cannot seek back (a pipe): the reader gets one pass."""

    def seekable(self) -> bool:
        return False


def _rows(order: list[int]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for line, po in enumerate(order, 1):
        writer.writerow([f"PO{po}", "2026-11-23 10:00:00", "V1", "WH1", str(line), f"0{line:012d}", "1",
                         f"PKG{po}", f"1Z{po}"])
    return out.getvalue().encode("utf-8")


def _documents(source: io.BytesIO) -> list[tuple[str, dict, list]]:
    mapping = load_mapping(MAPPINGS / "shipment-confirmations.csv.yaml")
    return [(d.key, d.item, [p.to_dict() for p in d.problems]) for d in mapping.read(source, file_name="s.csv")]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=30))
def test_any_row_order_gives_the_same_documents_in_one_pass_or_two(order: list[int]) -> None:
    data = _rows(order)
    two_passes = _documents(io.BytesIO(data))
    one_pass = _documents(OneWayStream(data))
    assert two_passes == one_pass
    assert [key for key, _, _ in two_passes] == list(dict.fromkeys(f"PO{po}" for po in order))


def test_documents_of_a_sorted_file_are_built_while_the_file_is_read() -> None:
    order = [po for po in range(1, 3001) for _ in range(2)]
    data = _rows(order)
    source = io.BytesIO(data)
    documents = load_mapping(MAPPINGS / "shipment-confirmations.csv.yaml").read(source, file_name="s.csv")
    first = next(iter(documents))
    assert first.key == "PO1"
    assert source.tell() < len(data) // 4   # the second pass has just begun


def test_a_po_split_across_the_file_is_still_one_document() -> None:
    documents = _documents(io.BytesIO(_rows([1, 2, 3, 1])))
    assert [key for key, _, _ in documents] == ["PO1", "PO2", "PO3"]
    assert [i["itemSequenceNumber"] for i in documents[0][1]["items"]] == [1, 4]


def test_a_repeated_header_and_a_short_row_group_the_same_in_one_pass_or_two() -> None:
    header = "Invoice Number,Invoice Date,Remit To,Ship From,Currency,Invoice Total,PO,Line,ASIN,SKU,Qty,Net Cost,Invoice Number\n"

    def row(invoice: str, line: int, full: bool = True) -> str:
        cells = f"{invoice},2026-11-23 00:00:00,V1,WH1,USD,25.00,PO1,{line},B00TEST01,0012345678905,2,12.50"
        return cells + (f",{invoice}\n" if full else "\n")

    data = (header + row("INV-B", 1, full=False) + row("INV-B", 2) + row("INV-B", 3) + row("INV-C", 1)).encode()
    mapping = load_mapping(MAPPINGS / "invoices.csv.yaml")

    def lines(source: io.BytesIO) -> list[tuple[str, list[str]]]:
        return [(d.key, [i["itemSequenceNumber"] for i in d.item.get("items", [])]) for d in mapping.read(source)]

    assert lines(io.BytesIO(data)) == lines(OneWayStream(data))


def _first_pass(data: bytes, seen: KeyFilter | None = None) -> dict[str, int] | None:
    mapping = load_mapping(MAPPINGS / "shipment-confirmations.csv.yaml").compiled
    reader = get_format("csv").reader(io.BytesIO(data), mapping.format_raw, file_name="s.csv")
    return tabular._last_lines(mapping, reader, seen)


def test_the_first_pass_keeps_nothing_for_documents_whose_rows_are_together() -> None:
    assert _first_pass(_rows([po for po in range(1, 501) for _ in range(3)])) == {}


def test_the_first_pass_keeps_the_last_line_of_each_document_whose_rows_are_apart() -> None:
    # lines: 2 PO1, 3 PO2, 4 PO2, 5 PO1, 6 PO3, 7 PO2, 8 PO2, 9 PO4
    assert _first_pass(_rows([1, 2, 2, 1, 3, 2, 2, 4])) == {"PO1": 5, "PO2": 8}


class AlwaysMaybe(KeyFilter):
    """A filter whose every answer is the wrong "maybe" it is allowed to give."""

    def add(self, key: str) -> bool:
        return True


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=30))
def test_a_filter_that_always_says_maybe_changes_no_document(order: list[int]) -> None:
    data = _rows(order)
    exact = _first_pass(data, AlwaysMaybe(8))
    assert exact is not None
    assert {po: line for line, po in enumerate((f"PO{po}" for po in order), 2)} == exact
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tabular, "KeyFilter", AlwaysMaybe)
        always_maybe = _documents(io.BytesIO(data))
    assert always_maybe == _documents(io.BytesIO(data)) == _documents(OneWayStream(data))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=4), max_size=200), st.sampled_from([8, 64, 1 << 12]))
def test_a_key_filter_never_says_no_to_a_key_it_was_given(keys: list[str], bits: int) -> None:
    seen = KeyFilter(bits)
    given_before: set[str] = set()
    for key in keys:
        answer = seen.add(key)
        if key in given_before:
            assert answer is True
        given_before.add(key)


def test_a_key_filter_wants_a_power_of_two_bits() -> None:
    with pytest.raises(ValueError, match="power of two"):
        KeyFilter(1000)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=4), st.sampled_from(["", "PO1", "P\x00", "ä", "\ud800"])), max_size=200),
       st.sampled_from([8, 1 << 12, 1 << 24]))
def test_seen_keys_answers_exactly_like_a_set_whatever_its_filter_says(keys: list[str], bits: int) -> None:
    seen = SeenKeys(AlwaysMaybe(8) if bits == 8 else KeyFilter(bits))
    exact: set[str] = set()
    for key in keys:
        assert seen.add(key) is (key in exact)
        exact.add(key)


def test_seen_keys_stay_exact_when_every_key_comes_back() -> None:
    seen = SeenKeys(AlwaysMaybe(8))
    keys = [f"PO{n}" for n in range(200)]
    assert [seen.add(k) for k in keys] == [False] * 200
    assert [seen.add(k) for k in keys] == [True] * 200
    assert [seen.add(f"new{n}") for n in range(5)] == [False] * 5

