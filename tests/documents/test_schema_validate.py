"""schema.validate reports every shape problem, located by JSON path, in plain words."""

from __future__ import annotations

import pytest

from tests.documents import factories
from translator.documents import KINDS, REQUEST_BODY_KEY, request_body
from translator.documents.schema import field_paths, load_schema, validate
from translator.errors import ConfigError


@pytest.mark.parametrize("kind", KINDS)
def test_factory_documents_are_valid(kind):
    assert validate(kind, factories.valid_documents()[kind]) == []


def _ack():
    return factories.acknowledgement(factories.order())


def test_fractional_quantity_is_a_type_problem_at_its_json_path():
    doc = _ack()
    doc["itemAcknowledgements"][0]["acknowledgedQuantity"]["amount"] = 1.5
    [problem] = validate("acknowledgements", doc)
    assert problem.code == "SCHEMA-TYPE"
    assert problem.field == "$.itemAcknowledgements[0].acknowledgedQuantity.amount"
    assert problem.value == "1.5"
    assert problem.rule == "acknowledgedQuantity.amount must be a whole number"
    assert problem.hint


def test_all_errors_are_collected_not_just_the_first():
    doc = _ack()
    del doc["vendorOrderNumber"]
    doc["acknowledgementDate"] = "yesterday"
    doc["itemAcknowledgements"][1]["acknowledgedQuantity"]["unitOfMeasure"] = "Box"
    doc["itemAcknowledgements"][1]["quantity"] = 1
    codes = {(p.code, p.field) for p in validate("acknowledgements", doc)}
    assert codes == {
        ("SCHEMA-REQUIRED", "$.vendorOrderNumber"),
        ("SCHEMA-FORMAT", "$.acknowledgementDate"),
        ("SCHEMA-ENUM", "$.itemAcknowledgements[1].acknowledgedQuantity.unitOfMeasure"),
        ("SCHEMA-UNKNOWN-FIELD", "$.itemAcknowledgements[1].quantity"),
    }


@pytest.mark.parametrize("value", ["2024-02-30T10:00:00Z", "2024-05-01", "2024-05-01 10:00:00Z",
                                   "2024-05-01T25:00:00Z", "2020-08.13", ""])
def test_date_times_must_really_parse(value):
    doc = _ack()
    doc["acknowledgementDate"] = value
    assert [p.code for p in validate("acknowledgements", doc)] == ["SCHEMA-FORMAT"]


@pytest.mark.parametrize("value", ["2024-05-01T10:00:00Z", "2024-05-01T10:00:00.123+01:00",
                                   "2024-05-01T10:00:00-0800", "2024-05-01T10:00:00"])
def test_iso_date_times_with_or_without_zone_pass(value):
    doc = _ack()
    doc["acknowledgementDate"] = value
    assert validate("acknowledgements", doc) == []


@pytest.mark.parametrize("amount", ["1,200.00", "$12", "12.", ".5", "01.5", "1 200", 12.5])
def test_money_must_be_a_decimal_string(amount):
    doc = factories.invoice(factories.order())
    doc["invoiceTotal"]["amount"] = amount
    [problem] = validate("invoices", doc)
    assert problem.field == "$.invoiceTotal.amount"
    assert problem.code == ("SCHEMA-TYPE" if isinstance(amount, float) else "SCHEMA-PATTERN")


@pytest.mark.parametrize("amount", ["0", "-3.25", "1200.00", "1.5e3"])
def test_decimal_strings_pass(amount):
    doc = factories.invoice(factories.order())
    doc["invoiceTotal"]["amount"] = amount
    assert validate("invoices", doc) == []


def test_item_sequence_number_is_text_in_acknowledgements_and_a_number_in_shipping():
    ack, ship = _ack(), factories.confirmation(factories.order())
    ack["itemAcknowledgements"][0]["itemSequenceNumber"] = 1
    ship["items"][0]["itemSequenceNumber"] = "00001"
    assert [p.rule for p in validate("acknowledgements", ack)] == ["itemAcknowledgements.itemSequenceNumber must be text"]
    assert [p.rule for p in validate("shipment-confirmations", ship)] == ["items.itemSequenceNumber must be a whole number"]


def test_shipping_purchase_order_number_allows_only_letters_and_digits():
    doc = factories.confirmation(factories.order())
    doc["purchaseOrderNumber"] = "2JK3-S9VC"
    [problem] = validate("shipment-confirmations", doc)
    assert (problem.code, problem.rule) == ("SCHEMA-PATTERN", "purchaseOrderNumber must contain only letters and digits")


def test_container_type_case_depends_on_the_version():
    doc = factories.confirmation(factories.order())
    assert validate("shipment-confirmations", doc, version="2021-12-28") == []
    assert [p.code for p in validate("shipment-confirmations", doc, version="v1")] == ["SCHEMA-ENUM"]
    doc["containers"][0]["containerType"] = "carton"
    assert validate("shipment-confirmations", doc, version="v1") == []


def test_personal_values_are_redacted():
    doc = factories.status_update()
    doc["statusUpdateDetails"]["statusLocationAddress"]["name"] = 42
    [problem] = validate("shipment-status-updates", doc)
    assert problem.field == "$.statusUpdateDetails.statusLocationAddress.name"
    assert problem.value == "<redacted>"


def test_a_non_object_document_is_one_type_problem():
    [problem] = validate("inventory", ["not", "an", "object"])
    assert (problem.code, problem.field, problem.rule) == ("SCHEMA-TYPE", "$", "the document must be an object (a group of fields)")


def test_orders_tolerate_fields_amazon_may_add():
    doc = factories.order()
    doc["orderDetails"]["somethingNew"] = True
    assert validate("orders", doc) == []


def test_unknown_kind_and_version_are_config_errors():
    with pytest.raises(ConfigError, match="unknown document kind"):
        validate("asn", {})
    with pytest.raises(ConfigError, match="unknown API version"):
        validate("acknowledgements", {}, version="2020")


def test_field_paths_name_every_field_with_brackets_for_lists():
    paths = field_paths("acknowledgements")
    assert "itemAcknowledgements[].acknowledgedQuantity.amount" in paths
    assert "acknowledgementStatus.code" in paths
    assert "itemAcknowledgements" in paths
    assert "itemAcknowledgements[].quantity" not in paths
    assert "containers[].packedItems[].packedQuantity.amount" in field_paths("shipment-confirmations")
    assert "items[].availableQuantity.amount" in field_paths("inventory")


def test_field_paths_is_a_fresh_set_each_time():
    field_paths("inventory").add("junk")
    assert "junk" not in field_paths("inventory")


@pytest.mark.parametrize("kind", KINDS)
def test_every_schema_is_self_contained_draft_2020_12(kind):
    schema = load_schema(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    refs = _refs(schema)
    assert all(ref.startswith("#/$defs/") and ref.split("/")[-1] in schema["$defs"] for ref in refs)


def _refs(node):
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_request_bodies_wrap_items_as_the_api_expects():
    ack = _ack()
    assert request_body("acknowledgements", [ack]) == {"orderAcknowledgements": [ack]}
    assert request_body("inventory", [factories.inventory()]) == {"inventory": factories.inventory()}
    assert set(REQUEST_BODY_KEY) == {"acknowledgements", "shipment-confirmations", "shipment-status-updates",
                                     "invoices", "label-requests"}
    with pytest.raises(ConfigError):
        request_body("inventory", [factories.inventory(), factories.inventory()])
    with pytest.raises(ConfigError):
        request_body("orders", [factories.order()])


def test_request_body_problems_are_located_from_the_body_root():
    good, bad = _ack(), _ack()
    bad["itemAcknowledgements"][0]["acknowledgedQuantity"]["amount"] = "one"
    from translator.documents.schema import validate_request
    [problem] = validate_request("acknowledgements", {"orderAcknowledgements": [good, bad]})
    assert problem.field == "$.orderAcknowledgements[1].itemAcknowledgements[0].acknowledgedQuantity.amount"
    assert validate_request("acknowledgements", {"orderAcknowledgements": [good]}) == []


def test_request_body_envelope_problems():
    from translator.documents.schema import validate_request
    assert [(p.code, p.field) for p in validate_request("invoices", {"invoice": []})] == [
        ("SCHEMA-UNKNOWN-FIELD", "$.invoice"), ("SCHEMA-REQUIRED", "$.invoices")]
    assert [p.code for p in validate_request("invoices", {"invoices": {}})] == ["SCHEMA-TYPE"]
    assert [p.code for p in validate_request("shipment-status-updates", {"shipmentStatusUpdates": []})] == [
        "SCHEMA-CONSTRAINT"]
    assert [p.code for p in validate_request("invoices", "nope")] == ["SCHEMA-TYPE"]


def test_inventory_and_label_bodies():
    from translator.documents.schema import validate_request
    stock = factories.inventory()
    assert validate_request("inventory", {"inventory": stock}) == []
    del stock["isFullUpdate"]
    assert [p.field for p in validate_request("inventory", {"inventory": stock})] == ["$.inventory.isFullUpdate"]
    assert validate_request("shipping-labels", factories.shipping_labels(factories.order())) == []


def test_python_decimals_are_reported_as_needing_text_not_crashing():
    from decimal import Decimal
    doc = factories.invoice(factories.order())
    doc["invoiceTotal"]["amount"] = Decimal("25.50")
    [problem] = validate("invoices", doc)
    assert (problem.code, problem.value, problem.rule) == (
        "SCHEMA-TYPE", "25.50",
        'invoiceTotal.amount must be a decimal number written as text, like "12.50" (no thousands separators or currency signs)')


def test_v1_orders_and_acknowledgements_validate_with_the_v1_variant():
    an_order = factories.order()
    assert validate("orders", an_order, version="v1") == []
    assert validate("acknowledgements", factories.acknowledgement(an_order), version="v1") == []


def test_orders_tolerate_amazons_each_spelling_but_acknowledgements_send_the_contracts():
    an_order = factories.order()
    an_order["orderDetails"]["items"][0]["orderedQuantity"]["unitOfMeasure"] = "EACH"
    assert validate("orders", an_order) == []
    doc = _ack()
    doc["itemAcknowledgements"][0]["acknowledgedQuantity"]["unitOfMeasure"] = "EACH"
    assert [p.code for p in validate("acknowledgements", doc)] == ["SCHEMA-ENUM"]
