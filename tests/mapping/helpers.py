"""Shared helpers for the mapping tests: paths, golden comparison with an explicit update switch."""

from __future__ import annotations

import io
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from translator.mapping import load_mapping
from translator.mapping.jsonstream import iter_orders

REPO = Path(__file__).resolve().parents[2]
MAPPINGS = REPO / "mappings"
DATA = REPO / "tests" / "data" / "mappings"
EXPECTED = DATA / "expected"
NOW = datetime(2026, 11, 23, 10, 0)
# Set UPDATE_GOLDEN=1 to rewrite expected files after a deliberate change (then review the diff).
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def inbound_snapshot(mapping_name: str, input_path: Path) -> dict[str, Any]:
    """Everything a mapping produces for one input: documents, their mapping problems, file problems."""
    mapping = load_mapping(MAPPINGS / mapping_name)
    result = mapping.read(input_path)
    documents = [{"key": d.key, "item": d.item, "problems": [p.render() for p in d.problems]} for d in result]
    return {"documents": documents, "file_problems": [p.render() for p in result.problems]}


def outbound_bytes(mapping_name: str, orders_file: Path) -> bytes:
    mapping = load_mapping(MAPPINGS / mapping_name)
    target = io.BytesIO()
    with orders_file.open(encoding="utf-8") as handle:
        mapping.write(iter_orders(handle), target, context={"now": NOW})
    return target.getvalue()


def check_golden_json(actual: Any, expected_file: Path) -> None:
    text = json.dumps(actual, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    if UPDATE or not expected_file.exists():
        expected_file.write_text(text, encoding="utf-8")
    assert json.loads(expected_file.read_text(encoding="utf-8")) == actual


def check_golden_bytes(actual: bytes, expected_file: Path) -> None:
    if UPDATE or not expected_file.exists():
        expected_file.write_bytes(actual)
    assert actual == expected_file.read_bytes()
