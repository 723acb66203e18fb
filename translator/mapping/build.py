"""Building one API document from a group of *units* (rows, or segment-loop scopes).

Tabular and segment inputs meet here: a unit is an evaluation context (``row`` for a spreadsheet
row; segment tags for a loop scope) plus where it came from. Header fields are evaluated on the
first unit and checked against the others (rows of one PO that disagree on a header value are a
Problem, not a silent "first wins"); arrays take one element per unit, per ``group_by`` group, or per
declared loop. Every field remembers its source so later rule failures point at the right row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2.exceptions import SecurityError, UndefinedError

from translator.mapping.expressions import Field, MissingValue, convert
from translator.mapping.filters import ValueProblem
from translator.mapping.results import MappedDocument, locate, set_path
from translator.mapping.spec import ArraySpec
from translator.problems import Problem, redact
from translator.records import SourceRef

SKIP = object()


@dataclass(slots=True)
class Unit:
    """One evaluation context: variables for the expressions, its source, and (segments) its loop node.
    (Slots: one is made per row or loop scope the interpreter or provenance needs.)"""

    context: dict[str, Any]
    source: SourceRef
    node: Any = None
    headers: dict[str, str] | None = None     # tabular: logical column -> header as written in the file


def evaluate(spec: Field, unit: Unit, doc: MappedDocument, prefix: str, extra: dict[str, Any],
             merged: dict[str, Any] | None = None) -> Any:
    """Value of ``spec`` for ``unit``; on failure a located Problem is added and SKIP returned.

    ``prefix`` is the JSON path of the object the field belongs to (``$.items[0]``); ``merged`` is
    ``unit.context`` with ``extra`` already added (built once per unit by the caller).
    """
    try:
        value = spec.evaluate(merged if merged is not None else ({**unit.context, **extra} if extra else unit.context))
        if value is None or value == "":
            return SKIP
        if spec.type == "string" and type(value) is str:
            return value
        return convert(value, spec)
    except UndefinedError as exc:
        if spec.optional:
            return SKIP
        doc.problems.append(_problem(spec, unit, _json_path(prefix, spec), "MAP-MISSING-VALUE",
                                     f"no value for {spec.dotted}: {exc.message}", None,
                                     f"fill the {_what(spec)} in the file, or mark the field optional in the mapping"))
    except ValueProblem as exc:
        doc.problems.append(_problem(spec, unit, _json_path(prefix, spec), exc.code, exc.rule, exc.value, exc.hint))
    except _ERRORS as exc:
        doc.problems.append(_problem(spec, unit, _json_path(prefix, spec), "MAP-EXPRESSION-FAILED",
                                     f"the mapping expression for {spec.dotted} failed: {exc}", None,
                                     f"check {spec.where.file}:{spec.where.line}"))
    return SKIP


_ERRORS = (SecurityError, TypeError, ValueError, ArithmeticError, LookupError, AttributeError)
FAILURES = (UndefinedError, ValueProblem, *_ERRORS)  # what makes a value fail (a Problem), or a `when` false


def _json_path(prefix: str, spec: Field) -> str:
    """``$.items[0]`` + field -> ``$.items[0].itemSequenceNumber``; group keys and conditions keep the prefix."""
    return prefix if spec.path[0] in _NOT_API else f"{prefix}.{spec.dotted}"


_NOT_API = frozenset({"group_by", "when", "key"})


def _what(spec: Field) -> str:
    cols = sorted(spec.names - {"row", "rows", "first", "seg", "segs", "lookup2"})
    return f"value ({', '.join(cols)})" if cols else "value"


def _problem(spec: Field, unit: Unit, json_path: str, code: str, rule: str, value: str | None,
             hint: str) -> Problem:
    column, index = _column_of(spec, unit)
    problem = Problem(code=code, rule=rule, field=column or json_path, column=index,
                      value=redact(spec.dotted, value), hint=hint)
    return locate(problem, _segment_source(spec, unit) or unit.source, record=_record(spec, unit))


def _column_of(spec: Field, unit: Unit) -> tuple[str | None, int | None]:
    """The file's header for the first column the expression reads (tabular), and its 1-based index."""
    if not unit.headers or not spec.row_columns:
        return None, None
    for name in spec.row_columns:
        header = unit.headers.get(name)
        if header is not None:
            index = unit.source.columns.index(header) + 1 if header in unit.source.columns else None
            return header, index
    return None, None


def _segment_source(spec: Field, unit: Unit) -> SourceRef | None:
    node = unit.node
    while node is not None:
        for record in node.segments:
            if record.tag in spec.names:
                return record.source
        node = node.parent
    return None


def _record(spec: Field, unit: Unit) -> str | None:
    if unit.node is None:
        return None
    tags = sorted(t for t in spec.names if t.isupper())
    return tags[0] if tags else None


def group_fields(fields: Sequence[Field], units: Sequence[Unit], doc: MappedDocument, prefix: str,
                 target: dict[str, Any]) -> None:
    """Fill ``target`` from ``fields`` over a group of units, checking that the units agree.

    The element's source is recorded once under ``prefix``; a field's problems are located by
    :func:`translator.mapping.validation.source_for`, which falls back to the nearest parent path.
    """
    head = units[0]
    extra: dict[str, Any] = {}
    first = head.context
    many = len(units) > 1
    for spec in fields:
        evaluate_, plain, key, key2, reads_rows = spec.plan
        if reads_rows and not extra:  # the group's rows, built once, only when a field reads them
            extra = {"rows": [u.context.get("row", u.context) for u in units]}
            first = {**head.context, **extra}
        try:  # the happy path inline; any failure is evaluated again by evaluate(), which locates it
            value = evaluate_(first)
            if type(value) is MissingValue and spec.optional:
                continue  # what evaluate() concludes for a missing optional value, without the exception
            if value is None or value == "":
                continue
            if not plain or type(value) is not str:
                value = convert(value, spec)
        except FAILURES:
            value = evaluate(spec, head, doc, prefix, extra, first)
            if value is SKIP:
                continue
        if key2 is not None:
            inner = target.get(key)
            if inner is None:
                inner = target[key] = {}
            inner[key2] = value
        elif key is not None:
            target[key] = value
        else:
            set_path(target, spec.path, value)
        if many and not reads_rows:
            _check_agreement(spec, units, value, doc, prefix, extra)


def _check_agreement(spec: Field, units: Sequence[Unit], value: Any, doc: MappedDocument, prefix: str,
                     extra: dict[str, Any]) -> None:
    columns, wanted = _same_columns(spec, units[0])
    for unit in units[1:]:
        if columns is not None:  # same inputs, same value: no need to evaluate again
            row = unit.context["row"]
            for column, expected in zip(columns, wanted, strict=True):
                if row.get(column) != expected:
                    break
            else:
                continue
        other = evaluate(spec, unit, doc, prefix, extra)
        if other is not SKIP and other != value:
            first = units[0].source.line or units[0].source.segment
            doc.problems.append(_problem(
                spec, unit, f"{prefix}.{spec.dotted}", "MAP-CONFLICTING-VALUES",
                f"rows of the same document disagree on {spec.dotted}: {str(value)!r} (line {first}) "
                f"vs {str(other)!r} here", str(other), "make every row of the document carry the same value"))
            return


def _same_columns(spec: Field, head: Unit) -> tuple[tuple[str, ...] | None, list[Any]]:
    """The columns ``spec`` reads and ``head``'s values in them, when the value depends on nothing else
    (a row equal to ``head`` in those columns gives the same value); ``(None, [])`` otherwise."""
    row = head.context.get("row")
    if row is None or not spec.row_only:
        return None, []
    return spec.row_columns, [row.get(c) for c in spec.row_columns]


def build_element(fields: Sequence[Field], arrays: Sequence[ArraySpec], units: Sequence[Unit],
                  doc: MappedDocument, prefix: str) -> dict[str, Any]:
    """One object (the document, or one array element) from its units."""
    element: dict[str, Any] = {}
    doc.field_sources.setdefault(prefix, units[0].source)
    group_fields(fields, units, doc, prefix, element)
    for array in arrays:
        children = _children(array, units)
        if array.when is not None:
            children = [u for u in children if _wanted(array, u, doc, prefix)]
        groups = [[u] for u in children] if array.group_by is None else list(_groups(array, children, doc, prefix))
        at = f"{prefix}.{array.dotted}["
        items = [build_element(array.fields, array.arrays, group, doc, f"{at}{i}]") for i, group in enumerate(groups)]
        if items:
            set_path(element, array.path, items)
    return element


def _children(array: ArraySpec, units: Sequence[Unit]) -> list[Unit]:
    if array.loop is None:
        return list(units)
    return units[0].node.loop_units(array.loop)


def _wanted(array: ArraySpec, unit: Unit, doc: MappedDocument, prefix: str) -> bool:
    """``when`` filters rows or loops; a condition that cannot be evaluated means "not wanted"."""
    spec = array.when
    if spec is None:
        return True
    try:
        value = spec.evaluate(unit.context)
        if value is None or value == "":
            return False
        value = convert(value, spec)
    except FAILURES:
        return False
    return value not in (False, "False", "false")


def _groups(array: ArraySpec, units: Sequence[Unit], doc: MappedDocument, prefix: str) -> Iterator[list[Unit]]:
    if array.group_by is None:
        yield from ([u] for u in units)
        return
    groups: dict[str, list[Unit]] = {}
    for unit in units:
        key = evaluate(array.group_by, unit, doc, prefix, {})
        if key is not SKIP:
            groups.setdefault(str(key), []).append(unit)
    yield from groups.values()
