"""``translator map`` and ``translator mappings check``: exact output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from translator.cli.main import main

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "mappings"
MAPPINGS = REPO / "mappings"


def run(*args: str) -> tuple[int, str, str]:
    """Run the real entry point (with its error handling) and return (exit code, stdout, stderr)."""
    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue().decode(), err.getvalue().decode()


def test_inbound_prints_the_request_body_on_one_line() -> None:
    code, out, err = run("map", "--mapping", str(MAPPINGS / "acknowledgements.csv.yaml"),
                         str(DATA / "csv" / "acknowledgements.csv"))
    assert (code, err) == (0, "")
    [line] = out.splitlines()
    body = json.loads(line)
    assert [a["purchaseOrderNumber"] for a in body["orderAcknowledgements"]] == ["2JK3S9VC", "7HQ2MM3X"]
    expected = json.loads((DATA / "expected" / "acknowledgements.json").read_text(encoding="utf-8"))
    assert body["orderAcknowledgements"] == [d["item"] for d in expected["documents"]]


def test_inventory_prints_one_body_per_warehouse() -> None:
    code, out, _ = run("map", "-m", str(MAPPINGS / "inventory.csv.yaml"), str(DATA / "csv" / "inventory.csv"))
    assert code == 0
    bodies = [json.loads(line) for line in out.splitlines()]
    assert [list(b) for b in bodies] == [["inventory"], ["inventory"]]
    assert [len(b["inventory"]["items"]) for b in bodies] == [2, 1]


def test_rejected_documents_go_to_stderr_and_the_exit_code_is_1(tmp_path: Path) -> None:
    source = tmp_path / "acks.csv"
    source.write_text("PO,Vendor Order,Ack Date,Selling Party,Ship From,Line,ASIN,SKU,Qty,UOM,Ack Code\n"
                      "A1,SO,2026-11-23 10:00:00,V1,WH1,1,B01,001,1,Each,00\n"
                      "B2,SO,2026-11-23 10:00:00,V1,WH1,1,B01,001,x,Each,00\n", encoding="utf-8")
    code, out, err = run("map", "-m", str(MAPPINGS / "acknowledgements.csv.yaml"), str(source))
    assert code == 1
    assert [a["purchaseOrderNumber"] for a in json.loads(out)["orderAcknowledgements"]] == ["A1"]
    assert err.splitlines()[0] == ("[MAP-NOT-WHOLE] acks.csv, line 3, field Qty (value 'x'): the quantity must be a "
                                   "whole number - write whole units without decimals or separators")
    assert err.splitlines()[-1] == "Error: 2 problem(s); documents without problems were printed"


def test_a_missing_column_is_one_clear_line(tmp_path: Path) -> None:
    code, out, err = run("map", "-m", str(MAPPINGS / "acknowledgements.csv.yaml"),
                         str(DATA / "csv" / "acknowledgements.missing-column.csv"))
    assert (code, out) == (1, "")
    assert err.startswith("[MAP-COLUMN-MISSING] acknowledgements.missing-column.csv, field qty: the file has no column")


def test_outbound_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "orders.csv"
    code, _, err = run("map", "-m", str(MAPPINGS / "orders.csv.yaml"), str(DATA / "orders.json"), "-o", str(target))
    assert (code, err) == (0, f"wrote 2 order(s) to {target}\n")
    assert target.read_bytes() == (DATA / "expected" / "orders.csv").read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))


def test_outbound_from_a_plain_array_of_orders(tmp_path: Path) -> None:
    orders = json.loads((DATA / "orders.json").read_text(encoding="utf-8"))["orders"]
    source = tmp_path / "orders.json"
    source.write_text(json.dumps(orders), encoding="utf-8")
    code, _, _ = run("map", "-m", str(MAPPINGS / "orders.fixed.yaml"), str(source), "-o", str(tmp_path / "o.txt"))
    assert code == 0
    assert (tmp_path / "o.txt").read_bytes() == (DATA / "expected" / "orders.fixed.txt").read_bytes()


def test_a_broken_mapping_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("document: acknowledgements\ndirection: inbound\nformat: {name: csv}\nwhat: 1\n", encoding="utf-8")
    code, _, err = run("map", "-m", str(mapping), str(DATA / "csv" / "acknowledgements.csv"))
    assert code == 2
    assert err.startswith(f"Error: {mapping}:4 (what): unknown key 'what' in top level")


def test_mappings_check_lists_every_shipped_mapping_ok() -> None:
    code, out, _ = run("mappings", "check", str(MAPPINGS))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == len(list(MAPPINGS.glob("*.yaml")))
    assert f"OK    {MAPPINGS / 'acknowledgements.csv.yaml'}: acknowledgements inbound csv" in lines


def test_mappings_check_reports_errors_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text((MAPPINGS / "orders.csv.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("document: nope\n", encoding="utf-8")
    code, out, err = run("mappings", "check", str(tmp_path))
    assert code == 2
    assert out.splitlines()[0].startswith(f"ERROR {tmp_path / 'bad.yaml'}:1 (document): document must be one of")
    assert out.splitlines()[1].startswith("OK    ")
    assert err == f"Error: {tmp_path} ({None}): 1 mapping(s) failed to load\n".replace(" (None)", "")


@pytest.mark.parametrize("args", [["map", "--help"], ["mappings", "check", "--help"]])
def test_help_texts_exist(args: list[str]) -> None:
    code, out, _ = run(*args)
    assert code == 0 and "Usage:" in out


def test_outbound_without_output_writes_the_file_to_stdout() -> None:
    code, out, err = run("map", "-m", str(MAPPINGS / "orders.csv.yaml"), str(DATA / "orders.json"))
    assert (code, err) == (0, "wrote 2 order(s) to stdout\n")
    assert out.encode() == (DATA / "expected" / "orders.csv").read_bytes()


def test_an_inbound_mapping_given_orders_json_is_a_clear_error() -> None:
    code, out, err = run("map", "-m", str(MAPPINGS / "orders.csv.yaml"), str(DATA / "csv" / "acknowledgements.csv"))
    assert code == 1 and out == ""
    assert err.startswith("[MAP-BAD-ORDERS-JSON] acknowledgements.csv: the orders file is not a getOrders body")
