"""The shipped code lists and the rule code registry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from translator.documents import codelists
from translator.documents.rules import RULE_CODES
from translator.errors import ConfigError

RULES_DIR = Path(codelists.__file__).parents[1] / "rules"


def test_acknowledgement_codes_are_the_guides_table():
    codes = codelists.acknowledgement_codes()
    assert len(codes) == 23
    assert codes["00"] == "Shipping 100 percent of ordered product"
    assert codes["71"] == "Canceled due to discontinued item"
    assert all(re.fullmatch(r"\d\d", code) for code in codes)


def test_status_reason_table_has_both_edi_forms():
    rows = codelists.load("shipment-status-reasons")
    assert list(rows[0]) == ["event", "edifact_status", "edifact_reason", "x12_status", "x12_reason", "description"]
    assert len(rows) == 8
    pairs = codelists.status_reason_pairs()
    assert pairs[("D1", "NS")] == pairs[("301", "000")] == "DELIVERED"
    assert pairs[("404", "117")] == pairs[("DE", "AF")] == "DELAYED"


def test_load_returns_copies_callers_cannot_corrupt():
    codelists.load("acknowledgement-codes")[0]["code"] = "XX"
    assert codelists.load("acknowledgement-codes")[0]["code"] == "00"


def test_unknown_code_list_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown code list"):
        codelists.load("carriers")


def test_every_code_the_rules_emit_is_registered():
    emitted = set()
    for module in (m for m in RULES_DIR.glob("*.py") if m.name != "__init__.py"):
        emitted |= set(re.findall(r'"((?:ACK|SHIP|STATUS|INVOICE|STOCK|LABEL)-[A-Z-]+)"', module.read_text()))
    assert emitted == set(RULE_CODES)


def test_location_points_at_the_csv_file():
    assert codelists.location("acknowledgement-codes").read_text(encoding="utf-8").startswith("code,description")
