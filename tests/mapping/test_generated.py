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
from jinja2 import Undefined

from tests.mapping.helpers import DATA, MAPPINGS
from translator.mapping import Mapping, load_mapping

DOCUMENTS = ["acknowledgements", "shipment-confirmations", "shipment-status-updates", "invoices", "inventory"]
CSV_CASES = [(f"{d}.csv.yaml", DATA / "csv" / f"{d}.csv") for d in [*DOCUMENTS, "label-requests"]]
XLSX_CASES = [(f"{d}.xlsx.yaml", DATA / "xlsx" / f"{d}.xlsx") for d in [*DOCUMENTS, "label-requests"]]
X12_CASES = [(f"{path.name.split('.')[0]}.x12.yaml", path) for path in sorted((DATA / "x12").glob("*.x12"))]
NASTY = ["", " ", "abc", "1.5", "-1", "0", "007", "=1+2", "2026-13-45", "ZZZ", "9" * 30, "É", "1,5"]


def _interpreter_only(mapping: Mapping) -> Mapping:
    return Mapping(dataclasses.replace(mapping.compiled, generated=None))


def snapshot(mapping: Mapping, source: Any) -> str:
    """Everything a read gives, typed (``repr``: 1, True and "1" differ, and so does key order): documents
    with where every part came from, and file problems."""
    result = mapping.read(source, file_name="input")
    documents = [{"kind": d.kind, "key": d.key, "item": d.item, "problems": [p.to_dict() for p in d.problems],
                  "sources": d.sources, "fields": d.field_sources} for d in result]
    return repr({"documents": documents, "problems": [p.to_dict() for p in result.problems]})


def both(mapping_name: str | Path, data: bytes) -> tuple[str, str]:
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


NUMBERS = st.one_of(st.from_regex(r"\A-?[0-9]{0,25}(\.[0-9]{0,10})?\Z"), st.from_regex(r"\A\d{1,4}(\.\d{2})?\Z"),
                    st.sampled_from(["0.0000001", "0.00000010", "1E3", "NaN", " 12", "9" * 20 + "." + "9" * 7,
                                     "1" * 30, "", "2\uff15.00", "1\u0662"]))


def _outcome(call: Any) -> Any:
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - the comparison is of outcomes, errors included
        return type(exc).__name__


@given(value=NUMBERS, places=st.integers(0, 7))
def test_the_number_fast_paths_give_the_filters_own_text(value: str, places: int) -> None:
    from translator.mapping.filters import implied_decimal, to_decimal, total
    from translator.mapping.pyruntime import CANONICAL_DECIMAL, _decimal, _implied, _total, canonical_with
    assert _outcome(lambda: _decimal(value, canonical_with(places), to_decimal, places)) == \
        _outcome(lambda: to_decimal(value, places))
    assert _outcome(lambda: _decimal(value, CANONICAL_DECIMAL, to_decimal, None)) == _outcome(lambda: to_decimal(value))
    assert _outcome(lambda: _implied(value, places, implied_decimal)) == _outcome(lambda: implied_decimal(value, places))
    assert _outcome(lambda: _total([value, "007"], total)) == _outcome(lambda: total([value, "007"]))


ELEMENTS = st.lists(st.sampled_from(["", "BP", "VN", "B00X", "A>B", "BP>1", ">", "1>2>3>4>5>6>7>8>9>10", "VN "]),
                    max_size=12)


@given(elements=ELEMENTS, qualifier=st.sampled_from(["BP", "VN", "", "B00X", "A>B", "X"]),
       component=st.sampled_from([">", "", None]))
def test_the_qualified_fast_path_finds_what_the_element_by_element_scan_finds(
        elements: list[str], qualifier: str, component: str | None) -> None:
    from translator.mapping.filters import qualified
    from translator.mapping.pyruntime import UNDEF, _qualified_parts
    from translator.records import element_values
    parts = ["LIN", *elements]
    found = _outcome(lambda: _qualified_parts(parts, qualifier, component, UNDEF))
    by_dict = qualified(element_values(parts, component or ""), qualifier)
    assert found == (UNDEF if isinstance(by_dict, Undefined) else by_dict)


# Expressions whose missing values the sandbox treats in its own way (found in review): each mapping
# changes one field of a shipped mapping; both paths must agree on the input that has the value missing.
X810 = (Path(__file__).parents[1] / "data" / "x12" / "810_invoice.x12").read_bytes()   # REF*VR, no BIG03
X856 = (Path(__file__).parents[1] / "data" / "x12" / "856_sopi.x12").read_text().replace(
    "REF*CN*1Z999AA10123456791~", "").replace("N1*SF**92*SDF4~", "N1*SF**92*SDF4~N1*SU**92*VEND1~").encode()
CSV_HEADER = "Invoice Number,Invoice Date,Remit To,Ship From,Currency,Invoice Total,PO,Line,ASIN,SKU,Qty,Net Cost\n"


def _invoice_row(invoice: str = "INV-1001", total: str = "25.00", net: str = "12.50", line: str = "1") -> str:
    return f"{invoice},2026-11-23 00:00:00,VENDOR1,WH1,USD,{total},2JK3S9VC,{line},B00TEST01,0012345678905,2,{net}\n"


def _reference(expression: str) -> str:
    return f"fields:\n  referenceNumber: {expression}\n"


MISSING_CASES = {
    "default-over-trim": ("invoices.x12.yaml", _reference("BIG.BIG03 | trim | default('none')"), X810),
    "default-over-concat": ("invoices.x12.yaml", _reference("(BIG.BIG03 ~ '-x') | default('none')"), X810),
    "default-over-condition": ("invoices.x12.yaml", _reference(
        "\"(seg('REF','VR').REF02 if seg('N1','SU').N104 else 'n') | default('none')\""), X810),
    "default-fallback-missing": ("invoices.x12.yaml", _reference(
        "{expr: \"seg('REF', 'VR').REF02 | default(BIG.BIG03)\", optional: true}"), X810),
    "nested-defaults": ("invoices.x12.yaml", _reference(
        "\"(seg('REF','VR').REF02 | default(BIG.BIG03)) | default('none')\""), X810),
    "length-of-missing": ("invoices.x12.yaml", _reference("BIG.BIG03 | length"), X810),
    "in-with-missing": ("invoices.x12.yaml", _reference("{expr: \"BIG.BIG03 in 'ABC'\", optional: true}"), X810),
    "later-operand-fails": ("invoices.x12.yaml", _reference(
        "{expr: \"BIG.BIG03 == (BIG.BIG02 | decimal)\", optional: true}"), X810),
    "list-with-missing": ("invoices.x12.yaml", _reference("{expr: \"[BIG.BIG03, 'x'] | length\", optional: true}"), X810),
    "segs-extra-argument": ("invoices.x12.yaml", _reference("\"segs('REF', 'VR') | length\""), X810),
    "bare-seg-name": ("invoices.x12.yaml", _reference("\"seg.segments | length\""), X810),
    "full-width-digits": ("invoices.csv.yaml", "", (CSV_HEADER + _invoice_row(total="2\uff15.00", net="1\uff12.50")).encode()),
    "integer-group-key": ("invoices.csv.yaml", "group_by: {expr: row.invoice, type: integer}\n",
                          (CSV_HEADER + _invoice_row("1001") + _invoice_row("01001", line="2")).encode()),
    "integer-array-group": ("shipment-confirmations.csv.yaml", "arrays:\n  items:\n    group_by: {expr: row.line, type: integer}\n",
                            b"PO,Shipped Date,Selling Party,Ship From,Line,SKU,Qty\n"
                            b"PO1,2026-11-23,V1,WH1,1,S1,1\nPO1,2026-11-23,V1,WH1,01,S1,2\n"),
    "when-default-over-trim": ("shipment-confirmations.x12.yaml", "arrays:\n  containers:\n    when: "
                               "\"seg('REF', 'CN').REF02 | trim | default('') != 'VOID'\"\n", X856),
    "when-tuple-with-missing": ("shipment-confirmations.x12.yaml",
                                "arrays:\n  containers:\n    when: \"(seg('REF', 'CN').REF02, 'x')[1]\"\n", X856),
}


@pytest.mark.parametrize("case", sorted(MISSING_CASES))
def test_missing_values_are_judged_as_the_sandbox_judges_them(case: str, tmp_path: Path) -> None:
    base, body, data = MISSING_CASES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(f"extends: {MAPPINGS / base}\ncodelists_dir: {MAPPINGS / 'codelists'}\n{body}", encoding="utf-8")
    generated, interpreted = both(path, data)
    assert generated == interpreted


# 856 messages with arbitrary HL trees, several per file, so that some share a shape (cached once per
# file, translator.mapping.shapes) and some differ only in which HL is whose parent or in HL numbering.
HL_BODY = {"S": ["TD5**2*UPSN**UPS_GROUND"], "O": ["PRF*PO{n}", "N1*SU**92*V1", "N1*SF**92*WH1"],
           "P": ["MAN*GM*PKG{n}", "REF*CN*1Z{n}", "TD1******G*2.5*LB"], "I": ["LIN*{n}*BP*B0{n}*VN*00{n}", "SN1**{n}*EA"],
           "X": ["REF*VN*X{n}"]}
HL_TREES = st.lists(st.tuples(st.sampled_from("SOPIX"), st.integers(-2, 8), st.sampled_from(["own", "same", "skip"])),
                    min_size=1, max_size=7)


def _856_message(number: int, tree: list[tuple[str, int, str]], offset: int) -> list[str]:
    segments = [f"ST*856*{number:04d}", f"BSN*00*SHP{number}*20261123*1415"]
    for index, (level, parent, numbering) in enumerate(tree):
        own = {"own": index + 1, "same": 1, "skip": offset + index + 1}[numbering]
        parent_id = "" if parent == -2 else str(offset + parent + 1) if numbering == "skip" else str(parent + 1)
        segments.append(f"HL*{own}*{parent_id}*{level}")
        segments += [s.format(n=index + 1) for s in HL_BODY[level]]
    segments.append(f"SE*{len(segments) + 1}*{number:04d}")
    return segments


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees=st.lists(HL_TREES, min_size=1, max_size=5), repeat=st.integers(1, 3), offset=st.integers(0, 20))
def test_messages_sharing_a_shape_or_not_give_the_same_documents_both_ways(
        trees: list[list[tuple[str, int, str]]], repeat: int, offset: int) -> None:
    messages = [_856_message(n, tree, offset * n) for n, tree in enumerate(trees * repeat, start=1)]
    body = [s for m in messages for s in m]
    data = ("ISA*00*          *00*          *ZZ*SENDER         *ZZ*AMAZONDS       *261123*1430*U*00401*"
            "000000001*0*P*>~GS*SH*SENDER*AMAZONDS*20261123*1430*1*X*004010~" + "~".join(body)
            + f"~GE*{len(messages)}*1~IEA*1*000000001~").encode("ascii")
    generated, interpreted = both("shipment-confirmations.x12.yaml", data)
    assert generated == interpreted


@pytest.mark.parametrize("limit", ["MAX_SHAPES", "MAX_SHAPE_SEGMENTS"])
def test_shapes_not_kept_give_the_same_documents(monkeypatch: pytest.MonkeyPatch, limit: str) -> None:
    """More shapes than a file keeps, or messages too big for their shape to be kept."""
    import translator.mapping.shapes as shapes
    trees = [[("O", -2, "own"), *[("I", 0, "own")] * n, ("P", 0, "own")] for n in range(1, 6)]
    messages = [_856_message(n, tree, 0) for n, tree in enumerate(trees * 2, start=1)]
    data = ("ISA*00*          *00*          *ZZ*SENDER         *ZZ*AMAZONDS       *261123*1430*U*00401*"
            "000000001*0*P*>~GS*SH*SENDER*AMAZONDS*20261123*1430*1*X*004010~"
            + "~".join(s for m in messages for s in m) + f"~GE*{len(messages)}*1~IEA*1*000000001~").encode("ascii")
    expected = both("shipment-confirmations.x12.yaml", data)
    monkeypatch.setattr(shapes, limit, 2 if limit == "MAX_SHAPES" else 12)
    assert both("shipment-confirmations.x12.yaml", data) == expected
    assert expected[0] == expected[1]
