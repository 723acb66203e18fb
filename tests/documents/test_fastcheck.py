"""The compiled yes/no check agrees with jsonschema on every document, valid or broken."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.documents import factories
from translator.documents import KINDS
from translator.documents.fastcheck import compile_schema
from translator.documents.rules import StaticFacts, check
from translator.documents.schema import _validator, is_valid, load_schema

REPLACEMENTS = [None, 0, 1, -1, 1.0, 2.5, True, "", "x", "Each", "00001", "12.50", "12.5\n", "1,5",
                "2024-05-01T10:00:00Z", "2024-13-01T00:00:00Z", "Carton", "carton", "SWA", [], {}, [{}],
                "1e999", "1E+30", "-0", "1e-40", "NaN", "2030-01-01T00:00:00Z"]


def _slots(node: Any, trail: tuple = ()) -> list[tuple]:
    """Every (path) inside a document where a value sits."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((*trail, key))
            found += _slots(value, (*trail, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.append((*trail, index))
            found += _slots(value, (*trail, index))
    return found


def _parent(doc: Any, path: tuple) -> Any:
    for step in path[:-1]:
        doc = doc[step]
    return doc


@st.composite
def mutated(draw):
    kind = draw(st.sampled_from(KINDS))
    doc = copy.deepcopy(factories.valid_documents()[kind])
    for _ in range(draw(st.integers(1, 3))):
        slots = _slots(doc)
        if not slots:
            break
        path = draw(st.sampled_from(slots))
        parent, last = _parent(doc, path), path[-1]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace" or isinstance(parent, list):
            parent[last] = copy.deepcopy(draw(st.sampled_from(REPLACEMENTS)))
        elif action == "delete":
            del parent[last]
        else:
            parent["unexpectedField"] = copy.deepcopy(draw(st.sampled_from(REPLACEMENTS)))
    return kind, doc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated())
def test_fast_check_agrees_with_jsonschema(case):
    kind, doc = case
    errors = list(_validator(kind, "2021-12-28").iter_errors(doc))
    assert is_valid(kind, doc) == (errors == [])


@pytest.mark.parametrize("kind", KINDS)
def test_valid_documents_are_valid_for_both(kind):
    doc = factories.valid_documents()[kind]
    assert is_valid(kind, doc)
    assert list(_validator(kind, "2021-12-28").iter_errors(doc)) == []


def test_unsupported_keywords_are_refused_at_compile_time():
    schema = load_schema("inventory")
    schema["$defs"]["ItemQuantity"]["properties"]["amount"]["minimum"] = 0
    with pytest.raises(ValueError, match="minimum"):
        compile_schema(schema, {})


def test_float_quantities_are_not_integers_even_when_whole():
    doc = factories.inventory()
    doc["items"][0]["availableQuantity"]["amount"] = 5.0
    assert not is_valid("inventory", doc)
    assert list(_validator("inventory", "2021-12-28").iter_errors(doc))


def test_trailing_newline_does_not_satisfy_a_pattern():
    doc = factories.confirmation(factories.order())
    doc["purchaseOrderNumber"] = "2JK3S9VC\n"
    assert not is_valid("shipment-confirmations", doc)
    assert list(_validator("shipment-confirmations", "2021-12-28").iter_errors(doc))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated())
def test_rules_never_raise_on_broken_documents(case):
    """Whatever shape a document has, the rules answer with problems, never a traceback."""
    kind, doc = case
    order = factories.order()
    po = order["purchaseOrderNumber"]
    facts = StaticFacts(orders={po: order}, accepted={po: False}, shipped={po: False},
                        tracking_numbers={po: frozenset()}, vendor_own_carrier={po: True},
                        used_invoice_numbers=frozenset(), warehouses=frozenset())
    problems = check(kind, doc, facts, path_params={"warehouseId": "ABCD", "purchaseOrderNumber": po})
    assert all(p.code and p.rule and p.field for p in problems)
