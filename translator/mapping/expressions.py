"""Compiling a mapping's Jinja2 expressions once, at load, in the sandbox.

A field value in a mapping is a Jinja2 *expression* (``row.po | trim``); a value containing ``{{`` is a
*template* rendered to text (``"{{ row.city }}, {{ row.state }}"``); ``{value: ...}`` is a literal.
Everything runs in :class:`jinja2.sandbox.SandboxedEnvironment` with :class:`jinja2.StrictUndefined`,
so a misspelt column or a missing segment is a located Problem rather than an empty string.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from jinja2 import ChainableUndefined, StrictUndefined, TemplateSyntaxError, nodes
from jinja2.environment import TemplateExpression
from jinja2.sandbox import SandboxedEnvironment

from translator.errors import MappingError
from translator.mapping import filters
from translator.mapping.fastpath import fast_path
from translator.mapping.filters import ValueProblem

TYPES = ("string", "integer", "decimal", "boolean")
FIELD_KEYS = {"expr", "value", "type", "optional", "scale"}


@dataclass(frozen=True)
class Where:
    """Where in the mapping something was written (for MappingError and Problem hints)."""

    file: str
    line: int
    key: str

    def error(self, message: str, line_offset: int = 0) -> MappingError:
        return MappingError(message, mapping_file=self.file, line=self.line + line_offset, key=self.key)


@dataclass(frozen=True)
class Field:
    """One compiled field: a dotted API path (or column/element name) and how to compute it."""

    path: tuple[str, ...]
    source: str
    evaluate: Callable[[Mapping[str, Any]], Any]
    where: Where
    type: str = "string"
    optional: bool = False
    scale: int | None = None
    names: frozenset[str] = field(default_factory=frozenset)   # variables the expression reads
    row_columns: tuple[str, ...] = ()                          # tabular: columns read as row.<name>
    tree: Any = field(default=None, compare=False, repr=False)  # parsed form, for load-time checks

    @cached_property
    def dotted(self) -> str:
        return self.path[0] if len(self.path) == 1 else ".".join(self.path)

    @cached_property
    def row_only(self) -> bool:
        """Whether the value depends only on ``row.<column>`` reads (so rows equal in those columns agree)."""
        if self.tree is None or not self.names <= {"row", "lookup2", "qualified"}:
            return False
        reads = [n for n in self.tree.find_all(nodes.Name) if n.name == "row"]
        return len(reads) == sum(1 for n in self.tree.find_all(nodes.Getattr)
                                 if isinstance(n.node, nodes.Name) and n.node.name == "row")

    @cached_property
    def reads_rows(self) -> bool:
        """Whether the expression reads ``rows`` (the whole group), which needs the group's row list."""
        return "rows" in self.names

    @cached_property
    def plan(self) -> tuple[Callable[[Mapping[str, Any]], Any], bool, str | None, str | None, bool]:
        """``(evaluate, is plain string, first key, second key or None, reads rows)``: what the build loop
        needs per value, in one attribute read (the loop runs once per field per row or segment loop).
        The keys are None for paths deeper than two (``a.b.c``), which go through ``set_path``."""
        path = self.path
        first, second = (path[0], None) if len(path) == 1 else (path[0], path[1]) if len(path) == 2 else (None, None)
        return self.evaluate, self.type == "string", first, second, self.reads_rows


class MissingValue(ChainableUndefined, StrictUndefined):
    """Undefined that chains (``seg('REF', 'PO').REF02 | default(x)`` works) but refuses to become text,
    so a missing value is a Problem unless the mapping gives a ``default`` or marks the field optional."""


class MappingEnvironment(SandboxedEnvironment):
    """The sandbox, with ``a.b`` on a dict meaning the key ``b`` (``order.items`` is the items, not dict.items)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict or isinstance(obj, Mapping):
            if attribute in obj:
                return obj[attribute]
            return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def new_environment(codelists: Mapping[str, list[dict[str, str]]]) -> SandboxedEnvironment:
    """A sandbox with our filters, bound to one mapping's code lists (no shared state between mappings)."""
    env = MappingEnvironment(undefined=MissingValue, autoescape=False, keep_trailing_newline=False)
    env.filters.update(filters.FILTERS)
    env.filters.update(filters.text_filters(env.filters))
    env.filters["lookup"] = filters.make_lookup(codelists)
    env.filters["datetime"] = filters.make_datetime()
    env.globals["lookup2"] = filters.make_pair_lookup(codelists)
    env.globals["qualified"] = filters.qualified
    return env


def parse_spec(raw: Any, where: Where) -> tuple[str, bool, str, bool, int | None]:
    """``(source, is_literal, type, optional, scale)`` from a field's YAML value."""
    if isinstance(raw, bool | int | float) or raw is None:
        raise where.error("write the value as a Jinja expression in quotes, or as {value: ...} for a literal")
    if isinstance(raw, str):
        return raw, False, "string", False, None
    if not isinstance(raw, dict):
        raise where.error("a field is an expression string or a block with expr/value, type, optional")
    unknown = set(raw) - FIELD_KEYS
    if unknown:
        raise where.error(f"unknown key(s) {', '.join(sorted(unknown))} in a field; known: {', '.join(sorted(FIELD_KEYS))}")
    if ("expr" in raw) == ("value" in raw):
        raise where.error("a field block needs exactly one of expr (an expression) or value (a literal)")
    kind = raw.get("type", "string")
    if kind not in TYPES:
        raise where.error(f"unknown type {kind!r}; known types: {', '.join(TYPES)}")
    literal = "value" in raw
    source = str(raw["value"]) if literal else str(raw["expr"])
    return source, literal, kind, bool(raw.get("optional", False)), raw.get("scale")


def compile_field(env: SandboxedEnvironment, path: tuple[str, ...], raw: Any, where: Where) -> Field:
    """Compile one field; a syntax error is a MappingError on the field's line."""
    source, literal, kind, optional, scale = parse_spec(raw, where)
    if literal:
        return Field(path, source, lambda _ctx, _v=source: _v, where, kind, optional, scale)
    template = "{{" in source or "{%" in source
    if "{%" in source:
        raise where.error("statements ({% ... %}) are not allowed in mappings; use an expression or {{ }} template")
    text = source if template else "{{ (" + source + ") }}"
    try:
        tree = env.parse(text)
    except TemplateSyntaxError as exc:
        raise where.error(f"broken expression {source!r}: {exc.message}") from exc
    names = frozenset(n.name for n in tree.find_all(nodes.Name) if n.ctx == "load")
    try:
        if template:
            evaluate: Callable[[Mapping[str, Any]], Any] = env.from_string(tree).render
        else:
            evaluate = fast_path(env, _expression_node(tree)) or _expression(env, tree)
    except TemplateSyntaxError as exc:  # unknown filters and tests are found while compiling
        raise where.error(f"broken expression {source!r}: {exc.message}") from exc
    columns = tuple(sorted(attributes_of(tree, "row")))
    return Field(path, source, evaluate, where, kind, optional, scale, names, columns, tree)


def expression_of(spec: Field) -> nodes.Expr | None:
    """The parsed expression of an expression field; None for a literal or a ``{{ }}`` template (text)."""
    if spec.tree is None or "{{" in spec.source or "{%" in spec.source:
        return None
    body = spec.tree.body
    if len(body) != 1 or not isinstance(body[0], nodes.Output) or len(body[0].nodes) != 1:
        return None
    return body[0].nodes[0]


def _expression_node(tree: nodes.Template) -> nodes.Expr:
    output = tree.body[0]
    assert isinstance(output, nodes.Output)
    return output.nodes[0]


def _expression(env: SandboxedEnvironment, tree: nodes.Template) -> Callable[..., Any]:
    """Compile ``{{ (expr) }}`` as an expression returning the value itself (not its text), parsing once."""
    output = tree.body[0]
    assert isinstance(output, nodes.Output)
    body = [nodes.Assign(nodes.Name("result", "store"), output.nodes[0], lineno=1)]
    return TemplateExpression(env.from_string(nodes.Template(body, lineno=1)), undefined_to_none=False)


def filter_calls(tree: nodes.Template) -> list[tuple[str, list[Any]]]:
    """``[(name, [constant args])]`` for every filter/function call in ``tree`` (for load-time checks)."""
    calls: list[tuple[str, list[Any]]] = []
    for node in tree.find_all((nodes.Filter, nodes.Call)):
        name = node.name if isinstance(node, nodes.Filter) else getattr(node.node, "name", "")
        args = [a.value if isinstance(a, nodes.Const) else None for a in node.args]
        calls.append((name, args))
    return calls


def attributes_of(tree: nodes.Template | None, variable: str) -> set[str]:
    """Attribute names read from ``variable`` (``row.po`` -> ``{"po"}``), to check columns at load."""
    found: set[str] = set()
    if tree is None:
        return found
    for node in tree.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.name == variable:
            found.add(node.attr)
    return found


def attribute_chains(tree: nodes.Template | None) -> list[tuple[str, tuple[str, ...]]]:
    """Every maximal ``name.a.b['c']`` chain in ``tree`` as ``(name, ("a", "b", "c"))``, for path checks."""
    if tree is None:
        return []
    chained = (nodes.Getattr, nodes.Getitem)
    inner = {id(n.node) for n in tree.find_all(chained)}
    out = []
    for node in tree.find_all(chained):
        if id(node) in inner:
            continue
        parts: list[str] = []
        current: nodes.Node = node
        while isinstance(current, chained):
            key = current.attr if isinstance(current, nodes.Getattr) else getattr(current.arg, "value", None)
            if not isinstance(key, str):
                parts.clear()
            else:
                parts.insert(0, key)
            current = current.node
        if isinstance(current, nodes.Name) and parts:
            out.append((current.name, tuple(parts)))
    return out


def convert(value: Any, spec: Field) -> Any:
    """Apply the declared ``type``; values stay text unless the mapping says otherwise."""
    if spec.type == "string" or value == "":
        return value if isinstance(value, str | bool) else str(value)
    text = str(value).strip()
    if spec.type == "integer":
        return int(filters.whole(text))
    if spec.type == "decimal":
        return filters.to_decimal(text, spec.scale)
    result = filters.boolean(value) if not isinstance(value, bool) else value
    return result


__all__ = ["Field", "ValueProblem", "Where", "compile_field", "convert", "new_environment"]
