"""Load-time checks: every mistake in a mapping file is a MappingError naming the file, line and key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.mapping.helpers import MAPPINGS
from translator.errors import MappingError
from translator.mapping import load_mapping

HEADER = """document: acknowledgements
direction: inbound
format:
  name: csv
columns:
  po: ["PO"]
  qty: ["Qty"]
group_by: row.po
"""


def write(tmp_path: Path, text: str, name: str = "m.yaml") -> Path:
    (tmp_path / "codelists").mkdir(exist_ok=True)
    for codelist in (MAPPINGS / "codelists").glob("*.csv"):
        shutil.copy(codelist, tmp_path / "codelists" / codelist.name)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(path: Path) -> MappingError:
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    return caught.value


def test_a_valid_mapping_loads(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path, HEADER + "fields:\n  purchaseOrderNumber: row.po\n"))
    assert (mapping.document, mapping.direction, mapping.format_name) == ("acknowledgements", "inbound", "csv")


def test_unknown_top_level_key_names_file_and_line(tmp_path: Path) -> None:
    error = error_for(write(tmp_path, HEADER + "feilds:\n  purchaseOrderNumber: row.po\n"))
    assert (error.mapping_file, error.line, error.key) == (str(tmp_path / "m.yaml"), 9, "feilds")
    assert "unknown key 'feilds'" in str(error)


def test_unknown_api_field_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    error = error_for(write(tmp_path, HEADER + "fields:\n  purchaseOrderNumber: row.po\n  ackDate: row.po\n"))
    assert error.line == 11
    assert "ackDate is not a field of acknowledgements" in str(error)


def test_unknown_field_inside_an_array_is_an_error(tmp_path: Path) -> None:
    text = HEADER + "arrays:\n  itemAcknowledgements:\n    fields:\n      quantity.amount: row.qty\n"
    error = error_for(write(tmp_path, text))
    assert error.line == 12
    assert "itemAcknowledgements[].quantity.amount is not a field" in str(error)


def test_broken_expression_names_its_line(tmp_path: Path) -> None:
    error = error_for(write(tmp_path, HEADER + "fields:\n  purchaseOrderNumber: row.po |\n"))
    assert (error.line, error.key) == (10, "fields.purchaseOrderNumber")
    assert "broken expression" in str(error)


def test_unknown_filter_is_an_error(tmp_path: Path) -> None:
    error = error_for(write(tmp_path, HEADER + "fields:\n  purchaseOrderNumber: row.po | shout\n"))
    assert error.line == 10 and "shout" in str(error)


def test_missing_code_list_is_an_error(tmp_path: Path) -> None:
    text = HEADER + "fields:\n  acknowledgementStatus.code: row.po | lookup('colours', 'code', 'api')\n"
    error = error_for(write(tmp_path, text))
    assert error.line == 10
    assert "code list 'colours' not found" in str(error)


def test_code_list_column_must_exist(tmp_path: Path) -> None:
    text = HEADER + "fields:\n  acknowledgementStatus.code: row.po | lookup('units', 'code', 'colour')\n"
    assert "has no column 'colour'" in str(error_for(write(tmp_path, text)))


def test_unknown_format_option_is_an_error_at_the_format_line(tmp_path: Path) -> None:
    text = HEADER.replace("  name: csv\n", "  name: csv\n  options:\n    delimeter: ';'\n")
    error = error_for(write(tmp_path, text))
    assert error.line == 5 and "delimeter" in str(error)


def test_a_column_used_but_not_declared_is_an_error(tmp_path: Path) -> None:
    error = error_for(write(tmp_path, HEADER + "fields:\n  purchaseOrderNumber: row.purchase_order\n"))
    assert error.line == 10 and "column 'purchase_order' is used but not declared" in str(error)


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    text = HEADER + "fields:\n  purchaseOrderNumber: row.po\n  purchaseOrderNumber: row.qty\n"
    assert error_for(write(tmp_path, text)).line == 11


def test_statements_are_not_allowed(tmp_path: Path) -> None:
    text = HEADER + "fields:\n  purchaseOrderNumber: \"{% if row.po %}x{% endif %}\"\n"
    assert "statements" in str(error_for(write(tmp_path, text)))


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    error = error_for(write(tmp_path, HEADER + "fields:\n  purchaseOrderNumber: [row.po\n"))
    assert error.line is not None and error.line >= 10


def test_extends_overlays_a_base_mapping(tmp_path: Path) -> None:
    write(tmp_path, HEADER + "fields:\n  purchaseOrderNumber: row.po\n", "base.yaml")
    child = write(tmp_path, "extends: base.yaml\ncolumns:\n  po: [\"Order\"]\n", "child.yaml")
    mapping = load_mapping(child)
    assert [c.aliases for c in mapping.compiled.columns if c.name == "po"] == [("Order",)]
    assert [f.dotted for f in mapping.compiled.fields] == ["purchaseOrderNumber"]


def test_errors_in_an_extended_base_name_the_base_file(tmp_path: Path) -> None:
    write(tmp_path, HEADER + "fields:\n  nope: row.po\n", "base.yaml")
    error = error_for(write(tmp_path, "extends: base.yaml\n", "child.yaml"))
    assert error.mapping_file == str(tmp_path / "base.yaml") and error.line == 10


def test_extends_a_missing_file_is_an_error(tmp_path: Path) -> None:
    error = error_for(write(tmp_path, "extends: nowhere.yaml\n"))
    assert error.line == 1 and "nowhere.yaml" in str(error)


def test_outbound_mapping_needs_records(tmp_path: Path) -> None:
    error = error_for(write(tmp_path, "document: orders\ndirection: outbound\nformat: {name: csv}\n"))
    assert "records" in str(error)


def test_inbound_only_keys_are_refused_in_outbound_mappings(tmp_path: Path) -> None:
    text = "document: orders\ndirection: outbound\nformat: {name: csv}\ngroup_by: x\nrecords: [{tag: row}]\n"
    assert error_for(write(tmp_path, text)).key == "group_by"


def test_an_order_field_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    text = ("document: orders\ndirection: outbound\nformat: {name: csv}\nrecords:\n  - tag: row\n"
            "    each: order.orderDetails['items']\n    values:\n      PO: order.purchaseOrderNumber\n"
            "      SKU: item.vendorProductIdentifer\n")
    error = error_for(write(tmp_path, text))
    assert error.line == 9
    assert "item.vendorProductIdentifer is not a field of an order (orderDetails.items[].vendorProductIdentifer)" in str(error)


def test_an_array_loop_must_be_declared(tmp_path: Path) -> None:
    text = ("document: invoices\ndirection: inbound\nformat: {name: x12}\nloops:\n  line: {start: IT1}\n"
            "arrays:\n  items:\n    loop: lines\n    fields:\n      itemSequenceNumber: IT1.IT101\n")
    error = error_for(write(tmp_path, text))
    assert error.line == 8 and "loop 'lines' is not declared" in str(error)


def test_orders_are_outbound_and_everything_else_inbound(tmp_path: Path) -> None:
    error = error_for(write(tmp_path, HEADER.replace("direction: inbound", "direction: outbound")))
    assert (error.line, error.key) == (2, "direction")
