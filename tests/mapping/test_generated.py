"""Generated mapping code agrees with the interpreter, document for document, problem for problem.

The interpreter (translator.mapping.build) is the definition; the generated functions are a faster
way to the same documents. Every shipped X12/CSV/XLSX inbound mapping has a generated form, clean
inputs never fall back to the interpreter, and on inputs broken in every way hypothesis finds, both
paths give exactly the same documents, keys, problems and locations.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.mapping.helpers import DATA, MAPPINGS
from translator.mapping import Mapping, load_mapping

DOCUMENTS = ["acknowledgements", "shipment-confirmations", "shipment-status-updates", "invoices", "inventory"]
CSV_CASES = [(f"{d}.csv.yaml", DATA / "csv" / f"{d}.csv") for d in [*DOCUMENTS, "label-requests"]]
XLSX_CASES = [(f"{d}.xlsx.yaml", DATA / "xlsx" / f"{d}.xlsx") for d in [*DOCUMENTS, "label-requests"]]
X12_CASES = [(f"{path.name.split('.')[0]}.x12.yaml", path) for path in sorted((DATA / "x12").glob("*.x12"))]
NASTY = ["", " ", "abc", "1.5", "-1", "0", "007", "=1+2", "2026-13-45", "ZZZ", "9" * 30, "É", "1,5"]


def _interpreter_only(mapping: Mapping) -> Mapping:
    return Mapping(dataclasses.replace(mapping.compiled, generated=None))


def snapshot(mapping: Mapping, source: Any) -> dict[str, Any]:
    """Everything a read gives: documents (with where every part came from) and file problems."""
    result = mapping.read(source, file_name="input")
    documents = [{"kind": d.kind, "key": d.key, "item": d.item, "problems": [p.to_dict() for p in d.problems],
                  "sources": d.sources, "fields": d.field_sources} for d in result]
    return {"documents": documents, "problems": [p.to_dict() for p in result.problems]}


def both(mapping_name: str, data: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    mapping = load_mapping(MAPPINGS / mapping_name)
    return snapshot(mapping, io.BytesIO(data)), snapshot(_interpreter_only(mapping), io.BytesIO(data))


def test_every_shipped_x12_csv_and_xlsx_inbound_mapping_has_a_generated_form() -> None:
    for path in sorted(MAPPINGS.glob("*.yaml")):
        compiled = load_mapping(path).compiled
        if compiled.direction == "inbound" and compiled.format_name in ("x12", "csv", "xlsx"):
            assert compiled.generated is not None, path.name


@pytest.mark.parametrize(("mapping_name", "path"), CSV_CASES + XLSX_CASES + X12_CASES,
                         ids=[p.name for _, p in CSV_CASES + XLSX_CASES + X12_CASES])
def test_golden_inputs_give_the_same_documents_both_ways(mapping_name: str, path: Path) -> None:
    generated, interpreted = both(mapping_name, path.read_bytes())
    assert generated == interpreted


@pytest.mark.parametrize(("mapping_name", "path"), CSV_CASES + XLSX_CASES + X12_CASES,
                         ids=[p.name for _, p in CSV_CASES + XLSX_CASES + X12_CASES])
def test_clean_inputs_are_built_without_the_interpreter(mapping_name: str, path: Path) -> None:
    documents = [d for d in load_mapping(MAPPINGS / mapping_name).read(path) if not d.problems]
    assert documents
    assert all(d.generated for d in documents)


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(CSV_CASES), edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 100),
                                                                  st.sampled_from(NASTY)), min_size=1, max_size=4))
def test_broken_csv_cells_give_the_same_problems_both_ways(case: tuple[str, Path], edits: list[Any]) -> None:
    mapping_name, path = case
    rows = _csv_rows(path)
    for row_index, column, value in edits:
        row = rows[1 + row_index % (len(rows) - 1)]
        row[column % len(row)] = value
    generated, interpreted = both(mapping_name, _csv_bytes(rows))
    assert generated == interpreted


def _x12_segments(path: Path) -> list[list[str]]:
    return [s.strip().split("*") for s in path.read_text(encoding="ascii").split("~") if s.strip()]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(X12_CASES), edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 12),
                                                                  st.sampled_from([*NASTY, "BP", "VN", "A>B"])),
                                                        min_size=1, max_size=4))
def test_broken_x12_elements_give_the_same_problems_both_ways(case: tuple[str, Path], edits: list[Any]) -> None:
    mapping_name, path = case
    segments = _x12_segments(path)
    body = [i for i, s in enumerate(segments) if s[0] not in ("ISA", "GS", "ST", "SE", "GE", "IEA")]
    for segment_index, position, value in edits:
        segment = segments[body[segment_index % len(body)]]
        if position >= len(segment):
            segment.extend([""] * (position - len(segment) + 1))
        segment[position] = value.replace("*", "").replace("~", "")
    data = ("~\n".join("*".join(s) for s in segments) + "~\n").encode("latin-1")
    generated, interpreted = both(mapping_name, data)
    assert generated == interpreted


NUMBERS = st.one_of(st.from_regex(r"\A-?[0-9]{0,25}(\.[0-9]{0,10})?\Z"), st.sampled_from(
    ["0.0000001", "0.00000010", "1E3", "NaN", " 12", "9" * 20 + "." + "9" * 7, "1" * 30, ""]))


def _outcome(call: Any) -> Any:
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - the comparison is of outcomes, errors included
        return type(exc).__name__


@given(value=NUMBERS, places=st.integers(0, 7))
def test_the_number_fast_paths_give_the_filters_own_text(value: str, places: int) -> None:
    from translator.mapping.filters import implied_decimal, to_decimal, total
    from translator.mapping.pycompile import _CANONICAL, _canonical_with, _decimal, _implied, _total
    assert _outcome(lambda: _decimal(value, _canonical_with(places), to_decimal, places)) == \
        _outcome(lambda: to_decimal(value, places))
    assert _outcome(lambda: _decimal(value, _CANONICAL, to_decimal, None)) == _outcome(lambda: to_decimal(value))
    assert _outcome(lambda: _implied(value, places, implied_decimal)) == _outcome(lambda: implied_decimal(value, places))
    assert _outcome(lambda: _total([value, "007"], total)) == _outcome(lambda: total([value, "007"]))
