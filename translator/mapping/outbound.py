"""Outbound: orders (dicts as getOrders returns them) -> records -> the format's writer.

Each entry of ``records`` writes one record per order, or one per element of its ``each`` list
(``each: order.orderDetails.items`` with ``as: item`` gives the "vertical" one-row-per-line layout);
an entry with nested ``records`` and no ``values`` only groups (e.g. PO1 + PID per item in an 850).
``when`` skips a record whose condition is false (an optional segment). An optional API field that
the order does not carry is written as an empty value; everything else that fails is a Problem
naming the order and the mapping line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, BinaryIO

from jinja2 import Undefined
from jinja2.exceptions import SecurityError, UndefinedError

from translator.errors import DocumentRejected
from translator.formats import get_format
from translator.mapping.expressions import Field
from translator.mapping.filters import ValueProblem
from translator.mapping.spec import CompiledMapping, RecordSpec
from translator.problems import Problem
from translator.records import Record


def write_orders(mapping: CompiledMapping, orders: Iterable[Mapping[str, Any]], target: BinaryIO,
                 context: Mapping[str, Any] | None = None) -> int:
    """Write every order; returns how many.

    ``context`` comes from the engine: ``partner`` (the trading partner's format settings, e.g. ISA ids,
    usage, delimiters) and ``options`` override the mapping's ``format.options``; every other key
    (``control_numbers``, ``now``) goes to the format's writer. Expressions see it as ``context``.
    """
    context = dict(context or {})
    options = {**mapping.format_raw, **(context.pop("partner", None) or {}), **(context.pop("options", None) or {})}
    writer = get_format(mapping.format_name).writer(target, options, **context)

    def reference(order: Mapping[str, Any]) -> None:
        scope = {"order": order, "context": context}
        for spec in mapping.records:
            _emit(spec, scope, writer, order)

    from translator.mapping.outbound_plan import compile_plan  # it builds on this module's functions
    emit = compile_plan(mapping, writer, context, reference) or reference
    count = 0
    for order in orders:
        emit(order)
        count += 1
    writer.close()
    return count


def _emit(spec: RecordSpec, scope: dict[str, Any], writer: Any, order: Mapping[str, Any]) -> None:
    elements: Iterable[Any] = [None]
    if spec.each is not None:
        elements = _value(spec.each, scope, order) or []
    for index, element in enumerate(elements, start=1):
        inner = scope if spec.each is None else {**scope, spec.as_name: element, f"{spec.as_name}_index": index}
        if spec.when is not None and not _truthy(_value(spec.when, inner, order)):
            continue
        if spec.values:
            writer.write(Record(spec.tag, _values(spec, inner, order)))
        for child in spec.records:
            _emit(child, inner, writer, order)


def _values(spec: RecordSpec, scope: dict[str, Any], order: Mapping[str, Any]) -> dict[str, str]:
    """The record's values; the common case (text) inline, anything else through :func:`_value`."""
    values = {}
    for field in spec.values:
        try:
            value = field.evaluate(scope)
        except Exception:  # noqa: BLE001 - evaluated again by _value, which turns it into a Problem or ""
            value = _value(field, scope, order)
        values[field.path[0]] = value if type(value) is str else _text(value)
    return values


def _truthy(value: Any) -> bool:
    return bool(value) and value not in ("false", "False", "0")


def _text(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None or isinstance(value, Undefined):
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    return str(value)


def _value(spec: Field, scope: dict[str, Any], order: Mapping[str, Any]) -> Any:
    try:
        value = spec.evaluate(scope)
        return value if type(value) is str or not isinstance(value, Undefined) else ""
    except UndefinedError:
        return ""
    except ValueProblem as exc:
        raise DocumentRejected([_problem(spec, order, exc.code, exc.rule, exc.hint, exc.value)]) from exc
    except (SecurityError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise DocumentRejected([_problem(spec, order, "MAP-EXPRESSION-FAILED", f"the expression for {spec.dotted} "
                                         f"failed: {exc}", f"check {spec.where.file}:{spec.where.line}", None)]) from exc


def _problem(spec: Field, order: Mapping[str, Any], code: str, rule: str, hint: str, value: str | None) -> Problem:
    po = str(order.get("purchaseOrderNumber", ""))
    return Problem(code=code, rule=rule, field=spec.dotted, value=value, hint=hint, document=po or None,
                   record=f"PO {po}" if po else None)
