"""``values_writer`` sinks (and the X12 ``write_batch``) write exactly what ``write(Record)`` writes.

The mapping engine's outbound plan hands values to the writers through these sinks; the Record
interface stays the reference, so every test writes the same records both ways and compares bytes,
problems, and what reached the target before a rejection.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from translator.errors import DocumentRejected
from translator.formats import delimited, x12, xlsx
from translator.records import Record

NOW = datetime(2026, 11, 23, 9, 5)
X12 = {"sender_id": "ACMEVENDORDF", "receiver_id": "AMAZONDS", "usage": "T"}
Shape = tuple[str, tuple[str, ...], dict[int, str]]


class Chunks(io.BytesIO):
    """A target that remembers each write, so flush points can be compared too."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[bytes] = []

    def write(self, data: Any) -> int:
        self.chunks.append(bytes(data))
        return super().write(data)


def _record(shape: Shape, values: Sequence[str], layout: tuple[int | None, ...] | None) -> Record:
    tag, keys, constants = shape
    if layout is None:  # values of the keys not in constants, in key order
        given = iter(values)
        return Record(tag, {k: constants[i] if i in constants else next(given) for i, k in enumerate(keys)})
    slot = {index: position for position, index in enumerate(layout) if index is not None}
    return Record(tag, {k: values[slot[i]] for i, k in enumerate(keys)})


def _values(shape: Shape, record: dict[str, str], layout: tuple[int | None, ...] | None) -> tuple[str, ...]:
    tag, keys, constants = shape
    if layout is None:
        return tuple(record[k] for i, k in enumerate(keys) if i not in constants)
    return tuple("" if i is None else record[keys[i]] for i in layout)


def _both_ways(make: Callable[[io.BytesIO], Any], shapes: list[Shape], rows: list[tuple[int, dict[str, str]]],
               batch: bool = False) -> tuple[Any, Any]:
    """Write ``rows`` ((shape index, values by key)) through Records and through sinks; (bytes/chunks, error)."""
    results = []
    for fast in (False, True):
        target = Chunks()
        writer = make(target)
        sinks = [writer.values_writer(tag, keys, constants) if fast else None for tag, keys, constants in shapes]
        error = None
        pending: list[tuple[Any, tuple[str, ...]]] = []
        try:
            for index, values in rows:
                sink = sinks[index]
                if sink is None:
                    writer.write(Record(shapes[index][0], dict(values)))
                    continue
                item = (sink, _values(shapes[index], values, getattr(sink, "layout", None)))
                if batch:
                    pending.append(item)
                else:
                    sink(item[1])
            if pending:
                writer.write_batch(pending)
            writer.close()
        except DocumentRejected as exc:
            error = exc.problems
        results.append((target.chunks, error, [p for p in getattr(writer, "problems", [])]))
    return results[0], results[1]


def _x12(options: dict[str, Any] | None = None) -> Callable[[io.BytesIO], Any]:
    return lambda target: x12.writer(target, {**X12, **(options or {})}, now=NOW)


ST: Shape = ("ST", ("ST01",), {0: "850"})
BEG: Shape = ("BEG", ("BEG01", "BEG02", "BEG03", "BEG05"), {0: "00", 1: "DS"})
N3: Shape = ("N3", ("N301", "N302"), {})
PER: Shape = ("PER", ("PER01", "PER03", "PER04"), {0: "IC", 1: "TE"})
BACKWARDS: Shape = ("REF", ("REF02", "REF01"), {1: "CO"})
SHAPES = [ST, BEG, N3, PER, BACKWARDS]


def _set(n: int, name: str = "1 Main St", second: str = "", phone: str = "555") -> list[tuple[int, dict[str, str]]]:
    return [(0, {"ST01": "850"}), (1, {"BEG01": "00", "BEG02": "DS", "BEG03": f"PO{n}", "BEG05": "20261122"}),
            (2, {"N301": name, "N302": second}), (3, {"PER01": "IC", "PER03": "TE", "PER04": phone}),
            (4, {"REF02": f"C{n}", "REF01": "CO"})]


@pytest.mark.parametrize("batch", [False, True])
def test_x12_sinks_write_the_same_segments_as_records(batch: bool) -> None:
    rows = _set(1) + _set(2, second="Suite 4") + _set(3, name="", phone="")
    reference, fast = _both_ways(_x12(), SHAPES, rows, batch)
    assert fast == reference
    text = b"".join(reference[0]).decode()
    assert "N3*1 Main St~" in text and "N3*1 Main St*Suite 4~" in text and "PER*IC**TE~" in text
    assert "REF*CO*C1~" in text


@pytest.mark.parametrize("batch", [False, True])
@pytest.mark.parametrize("options", [{}, {"replace_delimiters": " "}])
def test_a_delimiter_in_a_value_is_the_same_problem_or_repair(batch: bool, options: dict[str, Any]) -> None:
    rows = _set(1) + _set(2, name="Smith*Jones") + _set(3, phone="555~0100")
    reference, fast = _both_ways(_x12(options), SHAPES, rows, batch)
    assert fast == reference
    assert (reference[1] is None) == bool(options)


@pytest.mark.parametrize("batch", [False, True])
def test_a_segment_before_any_st_is_refused_the_same_way(batch: bool) -> None:
    reference, fast = _both_ways(_x12(), SHAPES, _set(1)[1:], batch)
    assert fast == reference and reference[1][0].code == "X12-ELEMENT-KEY"


def test_a_batch_flushes_where_one_segment_at_a_time_would() -> None:
    rows = [row for n in range(900) for row in _set(n)]   # 4,500+ segments: past two flush points
    reference, fast = _both_ways(_x12(), SHAPES, rows, batch=True)
    assert [len(c) for c in fast[0]] == [len(c) for c in reference[0]] and fast == reference
    assert len(reference[0]) >= 3


def test_shapes_the_sink_cannot_place_go_through_write() -> None:
    writer = x12.writer(io.BytesIO(), X12, now=NOW)
    assert writer.values_writer("DTM", ("DTM01.1", "DTM01.2")) is None      # composites
    assert writer.values_writer("GS", ("GS01",)) is None                     # envelope
    assert writer.values_writer("N1", ("N101", "N1X")) is None               # not an element key
    assert writer.values_writer("N1", ("N101",), {0: "S*T"}) is None          # a constant holding a delimiter


CSV_SHAPES: list[Shape] = [("row", ("PO", "Qty", "Title"), {}), ("row", ("Title", "PO"), {}),
                           ("row", ("PO", "Qty", "Title", "Note"), {1: "9"})]


@pytest.mark.parametrize("rows", [
    [(0, {"PO": "PO1", "Qty": "1", "Title": "=cmd"}), (1, {"Title": "+1 555", "PO": "-12.50"}),
     (0, {"PO": "@a", "Qty": "-x", "Title": "a\0=b"})],
    [(1, {"Title": "T", "PO": "P"}), (0, {"PO": "PO1", "Qty": "1", "Title": "ok"})],
    [(0, {"PO": "PO1", "Qty": "1", "Title": "ok"}), (2, {"PO": "PO2", "Qty": "9", "Title": "t", "Note": "n"})],
])
def test_csv_sinks_write_the_same_rows_as_records(rows: list[tuple[int, dict[str, str]]]) -> None:
    reference, fast = _both_ways(lambda target: delimited.writer(target, {}), CSV_SHAPES, rows)
    assert fast == reference


def test_csv_neutralises_every_formula_like_cell_of_a_row() -> None:
    target = io.BytesIO()
    writer = delimited.writer(target, {})
    writer.values_writer("row", ("a", "b", "c", "d"))(("=1+1", "-12.50", "@x", "+1 206"))
    writer.close()
    assert target.getvalue().decode().splitlines()[1] == "'=1+1,-12.50,'@x,'+1 206"


def test_xlsx_sinks_write_the_same_cells_as_records(tmp_path: Any) -> None:
    shapes: list[Shape] = [("row", ("PO", "Qty", "Title"), {}), ("row", ("PO", "Title"), {})]
    rows = [(0, {"PO": f"PO{n}", "Qty": str(n), "Title": "=x" if n % 7 else ""}) for n in range(150)]
    rows.append((1, {"PO": "short", "Title": "t"}))
    cells = []
    for fast in (False, True):
        target = io.BytesIO()
        writer = xlsx.writer(target, {})
        sinks = [writer.values_writer(tag, keys, c) for tag, keys, c in shapes]
        for index, values in rows:
            if fast:
                sinks[index](tuple(values.values()))
            else:
                writer.write(Record("row", values))
        writer.close()
        path = tmp_path / f"{fast}.xlsx"
        path.write_bytes(target.getvalue())
        book = CalamineWorkbook.from_path(str(path))
        cells.append(book.get_sheet_by_name(book.sheet_names[0]).to_python())
    assert cells[0] == cells[1]
