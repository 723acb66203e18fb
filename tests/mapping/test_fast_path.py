"""Expressions run as plain Python closures with the same results as Jinja's sandbox.

The closures exist for speed only; these tests pin that they agree with Jinja (values, missing values
raising, conditionals, comparisons, slices, ``map``) and that every shipped mapping uses them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jinja2.exceptions import UndefinedError

from tests.mapping.helpers import MAPPINGS
from translator.mapping import load_mapping
from translator.mapping.expressions import _expression, _expression_node, new_environment
from translator.mapping.fastpath import fast_path

CODELISTS = {"units": [{"code": "EA", "api": "Each"}, {"code": "LB", "api": "Pounds"}]}
CONTEXT: dict[str, Any] = {
    "BSN": {"BSN03": "20261123", "BSN04": "141500", "BSN06": "72", "BSN07": "REJ"},
    "LIN": {"LIN01": "1", "LIN02": "BP", "LIN03": "B00X", "LIN04": "VN", "LIN05": "SKU1"},
    "row": {"po": " PO1 ", "qty": "2", "unit": "ea", "blank": ""},
    "rows": [{"qty": "1", "SN1": {"SN102": "3"}}, {"qty": "2", "SN1": {"SN102": "4"}}],
    "order": {"orderDetails": {"items": [{"title": "Mug"}], "shipToParty": {"city": "Seattle"}}},
}
EXPRESSIONS = [
    "BSN.BSN03 ~ BSN.BSN04[:4]",
    "(BSN.BSN03 ~ BSN.BSN04[:4]) | datetime('%Y%m%d%H%M')",
    "'FLOOR_DENIAL' if BSN.BSN06 | default('') == '72' and BSN.BSN07 | default('') == 'REJ' else 'SHIPPED'",
    "'A' if BSN.BSN99 | default('') == 'x' or not LIN.LIN01 else 'B'",
    "row.po | trim | upper",
    "row.blank | trim | default('Each', true)",
    "row.unit | upper | lookup('units', 'code', 'api')",
    "rows | map(attribute='qty') | total",
    "rows | map(attribute='SN1.SN102') | total",
    "rows | map(attribute='qty') | map('whole') | total",
    "qualified(LIN, 'VN')",
    "order.orderDetails['items'][0].title",
    "order.orderDetails.shipToParty.city",
    "LIN.LIN01 in ['1', '2']",
    "LIN.LIN01 != '1'",
]
MISSING = ["BSN.BSN99", "NOPE.X", "order.orderDetails.billToParty.partyId", "row.nope | trim", "BSN.BSN99 == '1'",
           "'a' if BSN.BSN99 else 'b'"]


def _both(source: str) -> tuple[Any, Any]:
    env = new_environment(CODELISTS)
    tree = env.parse("{{ (" + source + ") }}")
    fast = fast_path(env, _expression_node(tree))
    assert fast is not None, f"{source} should compile to a closure"
    return fast, _expression(env, tree)


@pytest.mark.parametrize("source", EXPRESSIONS)
def test_closure_gives_the_same_value_as_jinja(source: str) -> None:
    fast, jinja = _both(source)
    assert fast(CONTEXT) == jinja(CONTEXT)


@pytest.mark.parametrize("source", MISSING)
def test_a_missing_value_fails_in_the_closure_as_in_jinja(source: str) -> None:
    fast, jinja = _both(source)
    with pytest.raises(UndefinedError):
        _use(jinja(CONTEXT))
    with pytest.raises(UndefinedError):
        _use(fast(CONTEXT))


def _use(value: Any) -> str:
    return str(value)  # a missing value refuses to become text


def _fields(compiled: Any) -> list[Any]:
    found = [*compiled.fields, *(f for f in (compiled.group_by, compiled.key) if f)]
    stack = [*compiled.arrays, *compiled.records]
    while stack:
        spec = stack.pop()
        if hasattr(spec, "loop"):  # an array
            found += [*spec.fields, *(f for f in (spec.group_by, spec.when) if f)]
            stack += spec.arrays
        else:
            found += [*spec.values, *(f for f in (spec.each, spec.when) if f)]
            stack += spec.records
    return found


@pytest.mark.parametrize("mapping", sorted(p.name for p in MAPPINGS.glob("*.yaml")))
def test_every_shipped_expression_runs_without_jinja(mapping: str) -> None:
    compiled = load_mapping(Path(MAPPINGS / mapping)).compiled
    slow = [f.source for f in _fields(compiled) if getattr(f.evaluate, "__name__", "") not in ("<lambda>", "get")]
    assert slow == []
