"""A yes/no schema check compiled to plain Python closures, for the common case of a valid document.

jsonschema takes about half a millisecond per DF document, which would dominate a 100,000-order run.
Most documents are valid, so :func:`compile_schema` turns our schema (the small keyword subset we use)
into nested closures that answer "valid?" in a few microseconds; only when the answer is no does
:mod:`translator.documents.schema` run jsonschema to explain every error. The two must agree, which
tests/documents/test_fastcheck.py checks on mutated documents. An unknown keyword is refused at compile
time, so a schema edit can never be silently skipped here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]
ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description"})


def is_integer(value: Any) -> bool:
    """A JSON integer as we accept it: a Python int, never a bool and never a float such as 1.0."""
    return isinstance(value, int) and not isinstance(value, bool)


TYPE_CHECKS: Mapping[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "integer": is_integer,
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


def python_pattern(pattern: str) -> re.Pattern[str]:
    """ECMA-262 ``$`` ends the string; Python's also matches before a final newline, so use ``\\Z``."""
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)


def compile_schema(schema: Mapping[str, Any], formats: Mapping[str, Check]) -> Check:
    """A function telling whether an instance is valid against ``schema`` (local ``$ref``s only)."""
    return _compile(schema, schema.get("$defs", {}), formats)


def _compile(node: Mapping[str, Any], defs: Mapping[str, Any], formats: Mapping[str, Check]) -> Check:
    unknown = set(node) - ANNOTATIONS - _KNOWN
    if unknown:
        raise ValueError(f"schema keyword(s) {sorted(unknown)} not supported by the fast check")
    if "$ref" in node:
        return _compile(defs[node["$ref"].rsplit("/", 1)[-1]], defs, formats)
    if node.get("type") == "object":
        return _object(node, defs, formats)
    if node.get("type") == "array":
        item = _compile(node["items"], defs, formats)
        return lambda v: isinstance(v, list) and all(map(item, v))
    return _scalar(node, formats)


_KNOWN = frozenset({"$ref", "type", "properties", "required", "additionalProperties", "items", "enum",
                    "pattern", "format"})


def _scalar(node: Mapping[str, Any], formats: Mapping[str, Check]) -> Check:
    """Type, then at most one of enum / pattern / format (all our scalars need no more)."""
    type_ok = TYPE_CHECKS[node["type"]]
    if len({"enum", "pattern", "format"} & set(node)) > 1:
        raise ValueError("the fast check supports one of enum, pattern or format per field")
    if "enum" in node:
        allowed = frozenset(node["enum"])
        return lambda v: type_ok(v) and v in allowed
    if "pattern" in node:
        search = python_pattern(node["pattern"]).search
        return lambda v: type_ok(v) and search(v) is not None
    if "format" in node:
        fmt = formats[node["format"]]
        return lambda v: type_ok(v) and fmt(v)
    return type_ok


def _object(node: Mapping[str, Any], defs: Mapping[str, Any], formats: Mapping[str, Check]) -> Check:
    subs = {name: _compile(sub, defs, formats) for name, sub in node.get("properties", {}).items()}
    required = tuple(node.get("required", ()))
    closed = node.get("additionalProperties", True) is False
    if node.get("additionalProperties", False) not in (True, False):
        raise ValueError("only boolean additionalProperties is supported by the fast check")

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        for name in required:
            if name not in value:
                return False
        for name, item in value.items():
            sub = subs.get(name)
            if sub is None:
                if closed:
                    return False
            elif not sub(item):
                return False
        return True

    return check
