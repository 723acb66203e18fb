"""Every shipped inbound mapping fills every field the document's schema requires.

A mapping that maps cleanly but leaves out a required API field (e.g. the status location's name)
would have every document rejected at submission; this catches the gap on the golden inputs.
"""

from __future__ import annotations

import pytest

from tests.mapping.helpers import DATA, MAPPINGS
from tests.mapping.test_shipped_golden import INBOUND_CASES
from translator.documents import schema
from translator.mapping import load_mapping

CLEAN_CASES = [(m, i) for m, i, _ in INBOUND_CASES if ".bad." not in i and "missing-column" not in i]


@pytest.mark.parametrize(("mapping", "input_file"), CLEAN_CASES, ids=[f"{m}:{i}" for m, i in CLEAN_CASES])
def test_cleanly_mapped_documents_pass_the_schema(mapping: str, input_file: str) -> None:
    documents = [d for d in load_mapping(MAPPINGS / mapping).read(DATA / input_file) if not d.problems]
    assert documents, "the golden input should map at least one document without problems"
    gaps = [(d.key, p.code, p.field) for d in documents for p in schema.validate(d.kind, d.item)
            if p.code.startswith("SCHEMA-")]
    assert gaps == []


def test_status_update_location_comes_from_its_own_columns() -> None:
    mapping = load_mapping(MAPPINGS / "shipment-status-updates.csv.yaml")
    first, second = list(mapping.read(DATA / "csv" / "shipment-status-updates.csv"))
    address = first.item["statusUpdateDetails"]["statusLocationAddress"]
    assert (address["name"], address["addressLine1"]) == ("Seattle Sort Center", "2700 Airport Way S")
    fallback = second.item["statusUpdateDetails"]["statusLocationAddress"]
    assert (fallback["name"], fallback["addressLine1"]) == ("Seattle", "Seattle")
