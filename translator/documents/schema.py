"""Shape checks for DF documents against our own JSON Schemas (draft 2020-12).

The schemas in ``schemas/<kind>.json`` are written from the official 2021-12-28 models (Payments and
Inventory v1). ``validate`` reports *every* error, each as a located :class:`Problem` whose ``field`` is a
JSON path, so a mapping author sees all the fixes at once instead of one per submission attempt.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from translator.documents.fastcheck import Check, compile_schema, is_integer, python_pattern
from translator.documents.kinds import REQUEST_BODY_KEY, check_kind
from translator.errors import ConfigError
from translator.problems import Problem, redact

VERSIONS = ("2021-12-28", "v1")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|z|[+-]\d{2}:?\d{2})?\Z")
_DECIMAL_PATTERN = r"^-?(0|([1-9]\d*))(\.\d+)?([eE][+-]?\d+)?$"
_PO_PATTERN = r"^[a-zA-Z0-9]+$"
_TYPE_WORDS = {
    "integer": "a whole number", "string": "text", "boolean": "true or false",
    "array": "a list", "object": "an object (a group of fields)", "number": "a number",
}
_HINTS = {
    "SCHEMA-REQUIRED": "Add the field; Amazon rejects the document without it.",
    "SCHEMA-TYPE": "Check the mapping writes this field with the right type.",
    "SCHEMA-ENUM": "Use one of the listed values exactly, with the same upper/lower case.",
    "SCHEMA-PATTERN": "Correct the value's format.",
    "SCHEMA-FORMAT": "Write dates as ISO 8601 date-times, e.g. 2024-05-01T13:00:00Z.",
    "SCHEMA-UNKNOWN-FIELD": "Remove the field or fix its spelling; Amazon's model has no such field.",
    "SCHEMA-CONSTRAINT": "Correct the value.",
}

# Every code validate/validate_request can return.
SCHEMA_CODES = tuple(_HINTS)


def _check_date_time(value: object) -> bool:
    """A real ISO 8601 date-time: shape checked by regex, calendar and clock by ``datetime``."""
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False
    return True


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checks("date-time")(_check_date_time)
    return checker


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """``pattern`` with ECMA-262 end-of-string semantics (a trailing newline does not slip through)."""
    if isinstance(instance, str) and not python_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# Draft 2020-12 counts 1.0 as an integer; quantities must be real whole numbers, so we do not.
_Validator = validators.extend(
    Draft202012Validator, validators={"pattern": _pattern},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", lambda _checker, v: is_integer(v)),
)


@cache
def _raw_schema(kind: str) -> str:
    return resources.files(__package__).joinpath("schemas", f"{check_kind(kind)}.json").read_text("utf-8")


def load_schema(kind: str, *, version: str | None = None) -> dict[str, Any]:
    """A fresh copy of the JSON Schema for ``kind`` (``version="v1"`` gives the v1 variant)."""
    schema = json.loads(_raw_schema(kind))
    if _version(version) == "v1":
        _to_v1(schema)
    return schema


def _version(version: str | None) -> str:
    if version is None:
        return "2021-12-28"
    if version not in VERSIONS:
        raise ConfigError(f"unknown API version {version!r}; known: {', '.join(VERSIONS)}")
    return version


def _to_v1(schema: dict[str, Any]) -> None:
    """Shipping/Orders v1 differ only slightly: lower-case container types, no 2021-only fields."""
    defs = schema.get("$defs", {})
    if "Container" in defs:
        defs["Container"]["properties"]["containerType"]["enum"] = ["carton", "pallet"]
    removals = {"PackedItem": "pieceNumber", "OrderDetails": "hasCustomizableItems",
                "OrderItem": "buyerCustomizedInfo"}
    for name, prop in removals.items():
        if name in defs:
            defs[name]["properties"].pop(prop, None)
    defs.pop("BuyerCustomizedInfo", None)


@cache
def _validator(kind: str, version: str) -> Draft202012Validator:
    schema = load_schema(kind, version=version)
    Draft202012Validator.check_schema(schema)
    return _Validator(schema, format_checker=_format_checker())


@cache
def _fast(kind: str, version: str) -> Check:
    return compile_schema(load_schema(kind, version=version), {"date-time": _check_date_time})


def is_valid(kind: str, item: Any, *, version: str | None = None) -> bool:
    """True when ``item`` has the right shape; a fast yes/no for hot loops (no explanation)."""
    return _fast(check_kind(kind), _version(version))(item)


def validate(kind: str, item: Any, *, version: str | None = None) -> list[Problem]:
    """Every schema problem in one ``item`` of ``kind``; an empty list means the shape is right.

    ``version`` is ``None``/``"2021-12-28"`` (what we send) or ``"v1"`` (lower-case container types).
    """
    kind, version = check_kind(kind), _version(version)
    if _fast(kind, version)(item):
        return []
    validator = _validator(kind, version)
    problems: list[Problem] = []
    seen: set[tuple[str, str | None]] = set()
    for error in sorted(validator.iter_errors(item), key=_path_order):
        for problem in _problems(error):
            if (problem.code, problem.field) not in seen:
                seen.add((problem.code, problem.field))
                problems.append(problem)
    return problems


def _path_order(error: ValidationError) -> list[tuple[int, str]]:
    """Sort problems by where they are, list positions numerically (item 2 before item 10)."""
    return [(p, "") if isinstance(p, int) else (-1, str(p)) for p in error.absolute_path]


def validate_request(kind: str, body: Any, *, version: str | None = None) -> list[Problem]:
    """Every schema problem in a whole request body, located from the body's root.

    Batched kinds are ``{"orderAcknowledgements": [item, ...]}`` and so on (``$.orderAcknowledgements[2].x``),
    inventory is ``{"inventory": item}``; createShippingLabels and createContainerLabel bodies are the item.
    """
    key = REQUEST_BODY_KEY.get(check_kind(kind)) or ("inventory" if kind == "inventory" else None)
    if key is None:
        return validate(kind, body, version=version)
    envelope = _envelope_problems(body, key, listed=kind != "inventory")
    if envelope:
        return envelope
    if kind == "inventory":
        return _rerooted(validate(kind, body[key], version=version), f"$.{key}")
    problems = []
    for index, item in enumerate(body[key]):
        problems += _rerooted(validate(kind, item, version=version), f"$.{key}[{index}]")
    return problems


def _envelope_problems(body: Any, key: str, *, listed: bool) -> list[Problem]:
    if not isinstance(body, Mapping):
        return [_problem("SCHEMA-TYPE", [], None, "the request body must be an object (a group of fields)")]
    problems = [_problem("SCHEMA-UNKNOWN-FIELD", [name], None, f"{name} is not a field of this request")
                for name in body if name != key]
    if key not in body:
        problems.append(_problem("SCHEMA-REQUIRED", [key], None, f"{key} is required"))
    elif listed and not isinstance(body[key], list):
        problems.append(_problem("SCHEMA-TYPE", [key], body[key], f"{key} must be a list"))
    elif listed and not body[key]:
        problems.append(_problem("SCHEMA-CONSTRAINT", [key], None, f"{key} must hold at least one document"))
    return problems


def _rerooted(problems: list[Problem], root: str) -> list[Problem]:
    return [replace(p, field=root + (p.field or "$")[1:]) for p in problems]


def _problems(error: ValidationError) -> Iterator[Problem]:
    parts = list(error.absolute_path)
    if error.validator == "required":
        missing = [r for r in error.validator_value if isinstance(error.instance, Mapping) and r not in error.instance]
        for name in missing:
            yield _problem("SCHEMA-REQUIRED", [*parts, name], None, f"{_label([*parts, name])} is required")
    elif error.validator == "additionalProperties":
        known = error.schema.get("properties", {})
        for name in error.instance:
            if name not in known:
                yield _problem("SCHEMA-UNKNOWN-FIELD", [*parts, name], None,
                               f"{_label([*parts, name])} is not a field of this document")
    else:
        yield _problem(*_describe(error, parts))


def _describe(error: ValidationError, parts: list[Any]) -> tuple[str, list[Any], Any, str]:
    label, value, rule_value = _label(parts), error.instance, error.validator_value
    if error.validator == "type" and error.schema.get("pattern") == _DECIMAL_PATTERN:
        return "SCHEMA-TYPE", parts, value, f"{label} {_pattern_words(_DECIMAL_PATTERN)}"
    if error.validator == "type":
        return "SCHEMA-TYPE", parts, value, f"{label} must be {_TYPE_WORDS.get(str(rule_value), rule_value)}"
    if error.validator == "enum":
        return "SCHEMA-ENUM", parts, value, f"{label} must be one of {', '.join(map(str, rule_value))}"
    if error.validator == "pattern":
        return "SCHEMA-PATTERN", parts, value, f"{label} {_pattern_words(rule_value)}"
    if error.validator == "format":
        return "SCHEMA-FORMAT", parts, value, f"{label} must be a real date and time in ISO 8601 form"
    return "SCHEMA-CONSTRAINT", parts, value, f"{label}: {error.message}"


def _pattern_words(pattern: str) -> str:
    if pattern == _DECIMAL_PATTERN:
        return "must be a decimal number written as text, like \"12.50\" (no thousands separators or currency signs)"
    if pattern == _PO_PATTERN:
        return "must contain only letters and digits"
    return f"must match the pattern {pattern}"


def _problem(code: str, parts: list[Any], value: Any, rule: str) -> Problem:
    field = json_path(parts)
    return Problem(code=code, rule=rule, field=field, value=redact(field, _value_text(value)),
                   hint=_HINTS[code])


def _value_text(value: Any) -> str | None:
    """The offending value as text; structures are not echoed (they may be large or personal)."""
    if value is None or isinstance(value, Mapping | list):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return str(value)  # not a JSON type at all (Decimal, tuple...): say what it is, never crash


def json_path(parts: list[Any]) -> str:
    """``["items", 0, "amount"]`` -> ``$.items[0].amount``."""
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def _label(parts: list[Any]) -> str:
    """The last two field names of a path: what a person calls the field (``acknowledgedQuantity.amount``)."""
    names = [str(p) for p in parts if not isinstance(p, int)]
    return ".".join(names[-2:]) if names else "the document"


def field_paths(kind: str) -> set[str]:
    """Every field path ``kind`` knows, dotted with ``[]`` for lists (``items[].shippedQuantity.amount``)."""
    return set(_field_paths(check_kind(kind)))


@cache
def _field_paths(kind: str) -> frozenset[str]:
    schema = load_schema(kind)
    return frozenset(_walk(schema, schema["$defs"], ""))


def _walk(node: Mapping[str, Any], defs: Mapping[str, Any], prefix: str) -> Iterator[str]:
    node = _resolve(node, defs)
    if node.get("type") == "array":
        yield from _walk(node["items"], defs, prefix + "[]")
        return
    for name, sub in node.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        yield path
        yield from _walk(sub, defs, path)


def _resolve(node: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    return node

