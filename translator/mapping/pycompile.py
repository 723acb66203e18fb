"""Mapping expressions translated to Python source, so a whole mapping level runs as one function.

Evaluating a field through closures (:mod:`.fastpath`) costs a few calls per step, and the loop around
the fields costs more than the fields on a Prime Day file. This module turns the expression subset the
shipped mappings use into Python *source* that :mod:`.generated` (inbound) and :mod:`.outbound_plan`
assemble into functions. The code computes the sandbox's value wherever the sandbox succeeds; how it
treats missing values is in :mod:`.pyruntime`. Anything it cannot translate raises
:class:`Unsupported` at load, and that mapping keeps the interpreter.

Values have a *kind*: ``value`` (whatever the sandbox would see), ``segment`` (an X12 segment as its
split element list, ``None`` when absent; ``BSN.BSN03`` reads element 3), ``units`` (the loop nodes
of a segment group, which is what ``rows`` means in a segment mapping), and ``row``/``rows`` (a tabular
row dict and its group, whose declared columns are always there and always text).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from translator.mapping import filters
from translator.mapping.pyruntime import (
    CANONICAL_DECIMAL,
    ELEMENT_KEY,
    Missing,
    canonical_with,
    plucked,
    runtime,
)

__all__ = ["Missing", "Namespace", "Translator", "Unsupported", "Value", "runtime"]


class Unsupported(Exception):
    """The expression uses something this translator does not cover: keep the interpreter."""


@dataclass(frozen=True)
class Value:
    """One translated sub-expression: its Python source and what kind of value it yields."""

    code: str
    kind: str = "value"          # value | segment | units | row | rows
    tag: str | None = None       # segment kind: the segment's tag
    base: str | None = None      # a path: the source it starts from and its steps (one call per path)
    steps: tuple[tuple[bool, Any], ...] = ()
    text: bool = False           # known to be a str
    safe: bool = False           # can never be missing (so never raises Missing)
    soft: str | None = None      # a read: the same, giving UNDEF instead of raising Missing
    filled: bool = False         # a non-empty str whenever it is not missing (an element read)


Resolver = Callable[[str], Value]

# Filters that turn their input into text (or iterate it) first, which a missing value refuses with the
# sandbox's UndefinedError: a missing input fails them as it fails a read. Anything else is Unsupported.
STRICT_FILTERS = frozenset({
    "datetime", "format_date", "decimal", "implied_decimal", "to_implied", "whole", "zfill", "pad", "total",
    "order_code", "boolean", "yes_no", "lookup", "trim", "upper", "lower", "pluck",
})
# Our filters that always give a plain str (never a str subclass, never another type).
TEXT_FILTERS = frozenset({"datetime", "format_date", "zfill", "pad", "whole", "to_implied"})
_TEXT_METHODS = {"trim": "strip", "upper": "upper", "lower": "lower"}
_COMPARE = {"eq": "==", "ne": "!=", "lt": "<", "gt": ">", "lteq": "<=", "gteq": ">=", "in": "in", "notin": "not in"}


class Namespace:
    """The globals of generated code: every object the source refers to, under a stable name."""

    def __init__(self, base: dict[str, Any] | None = None) -> None:
        self.globals: dict[str, Any] = dict(base or {})
        self._names: dict[int, str] = {}

    def ref(self, obj: Any, prefix: str = "g") -> str:
        """A name for ``obj`` in the generated module (the same name for the same object)."""
        if type(obj) in (str, int, bool, float) or obj is None:
            return repr(obj)
        name = self._names.get(id(obj))
        if name is None:
            name = f"_{prefix}{len(self._names)}"
            self._names[id(obj)] = name
            self.globals[name] = obj
        return name


class Translator:
    """Translates Jinja expression nodes of one mapping, with that mapping's filters and code lists."""

    def __init__(self, env: SandboxedEnvironment, ns: Namespace, resolve: Resolver,
                 codelists: dict[str, list[dict[str, str]]] | None = None) -> None:
        self.env, self.ns, self.resolve = env, ns, resolve
        self.codelists = codelists or {}

    def value(self, node: nodes.Node) -> str:
        """Source for the plain value of ``node`` (a segment becomes its values dict, as in the sandbox)."""
        found = self.expr(node)
        if found.kind == "segment":
            return f"_segment_values({found.code}, C)"
        if found.kind == "units":
            raise Unsupported("rows of a segment loop used as a value")
        return found.code  # row and rows kinds are the dicts themselves

    def expr(self, node: nodes.Node) -> Value:
        handler = getattr(self, f"_{type(node).__name__}", None)
        if handler is None:
            raise Unsupported(type(node).__name__)
        return handler(node)

    # -- leaves and paths ------------------------------------------------------------------------
    def _Const(self, node: nodes.Const) -> Value:
        return Value(self.ns.ref(node.value, "k"), text=type(node.value) is str, safe=True)

    def _Name(self, node: nodes.Name) -> Value:
        return self.resolve(node.name)

    def _Getattr(self, node: nodes.Getattr) -> Value:
        return self._step(node, node.attr, True)

    def _Getitem(self, node: nodes.Getitem) -> Value:
        if isinstance(node.arg, nodes.Slice):
            bounds = (node.arg.start, node.arg.stop, node.arg.step)
            if not all(b is None or isinstance(b, nodes.Const) for b in bounds):
                raise Unsupported("slice with computed bounds")
            cut = slice(*(None if b is None else b.value for b in bounds))
            return Value(f"_slice({self.value(node.node)}, {self.ns.ref(cut, 'k')})")
        if not isinstance(node.arg, nodes.Const) or not isinstance(node.arg.value, str | int):
            raise Unsupported("computed subscript")
        return self._step(node, node.arg.value, False)

    def _step(self, node: nodes.Getattr | nodes.Getitem, key: Any, attribute: bool) -> Value:
        inner = self.expr(node.node)
        if inner.kind == "segment":
            return self._element(inner, key)
        if inner.kind == "row" and isinstance(key, str):  # a declared column: always there, always text
            return Value(f"{inner.code}[{key!r}]", text=True, safe=True)
        if inner.kind == "units":
            raise Unsupported("attribute of a segment loop's rows")
        base, steps = inner.code, ((attribute, key),)
        if inner.base is not None:  # extend the path: one call walks all of it
            base, steps = inner.base, inner.steps + steps
        path = f"_path({base}, {self.ns.ref(steps, 'p')}"
        return Value(path + ")", base=base, steps=steps, soft=path + ", UNDEF)")

    def _element(self, segment: Value, key: Any) -> Value:
        """``BSN.BSN03`` / ``DTM['DTM01.2']``: an element or component read (inline for a hoisted segment)."""
        match = ELEMENT_KEY.match(key) if isinstance(key, str) else None
        if match is None or match.group(1) != segment.tag:
            raise Unsupported(f"{key!r} is not an element of {segment.tag}")
        position, component = int(match.group(2)), match.group(3)
        call = f"_el({segment.code}, {position}, C" if component is None \
            else f"_comp({segment.code}, {position}, {int(component)}, C"
        code, soft = call + ")", call + ", UNDEF)"
        if component is None and segment.code.startswith("S_"):  # the common case inline, the rest in _el
            seg = segment.code
            test = f"{seg} is not None and len({seg}) > {position} and {seg}[{position}] and C not in {seg}[{position}]"
            code, soft = f"({seg}[{position}] if {test} else {code})", f"({seg}[{position}] if {test} else {soft})"
        return Value(code, text=True, soft=soft, filled=True)

    # -- filters and calls -----------------------------------------------------------------------
    def _Filter(self, node: nodes.Filter) -> Value:
        if node.node is None or node.dyn_args or node.dyn_kwargs:
            raise Unsupported("filter block or dynamic arguments")
        name = node.name
        if name in ("default", "d"):
            return self._default(node)
        if name in ("length", "count") and not node.args and not node.kwargs:
            return Value(f"len({self.value(node.node)})")  # a missing value has no length (StrictUndefined)
        if name == "map":
            return self._map(node)
        if name == "pluck" and self.expr(node.node).kind == "units":
            keys = [self._const(a) for a in node.args]
            return Value(f"_units_pluck(M, {self.expr(node.node).code}, {self.ns.ref(plucked(tuple(keys)), 'k')}, C, True)")
        if name not in STRICT_FILTERS or node.kwargs:
            raise Unsupported(f"filter {name}")
        if name in _TEXT_METHODS and not node.args:
            inner = self.expr(node.node)
            if inner.text:  # what the filter does to a str, without the call
                return Value(f"{inner.code}.{_TEXT_METHODS[name]}()", text=True, safe=inner.safe)
        func = self.env.filters[name]
        if name == "lookup":
            fast = self._lookup(node, func)
            if fast is not None:
                return fast
        scale = node.args[0].value if len(node.args) == 1 and isinstance(node.args[0], nodes.Const) else None
        if name == "decimal" and len(node.args) <= 1 and (scale is None) == (not node.args) and (
                scale is None or (isinstance(scale, int) and 0 <= scale <= 7)):
            pattern = CANONICAL_DECIMAL if scale is None else canonical_with(int(scale))
            return Value(f"_decimal({self.value(node.node)}, {self.ns.ref(pattern, 'r')}, {self.ns.ref(func, 'f')}, "
                         f"{scale!r})", text=True)
        if name == "implied_decimal" and len(node.args) <= 1 and all(isinstance(a, nodes.Const) for a in node.args):
            places = node.args[0].value if node.args else 2
            if isinstance(places, int) and 0 < places < 10:
                return Value(f"_implied({self.value(node.node)}, {places}, {self.ns.ref(func, 'f')})", text=True)
        if name == "total" and not node.args:
            return Value(f"_total({self.value(node.node)}, {self.ns.ref(func, 'f')})", text=True)
        args = "".join(f", {self.value(a)}" for a in node.args)
        text = name in TEXT_FILTERS and getattr(func, "__module__", None) == filters.__name__
        return Value(f"{self.ns.ref(func, 'f')}({self.value(node.node)}{args})", text=text)

    def _lookup(self, node: nodes.Filter, func: Any) -> Value | None:
        """``lookup('units', 'code', 'api')`` with constant arguments: a dict from code to answer, built
        here from the code list the filter reads (first row with a code wins, as in the filter); a code
        not in it goes to the filter itself, which refuses it."""
        args = [a.value for a in node.args if isinstance(a, nodes.Const)]
        if len(args) != len(node.args) or not 1 <= len(args) <= 3 or args[0] not in self.codelists:
            return None
        codelist, key_column, value_column = (args + ["code", None])[:3]
        table: dict[Any, str] = {}
        for entry in self.codelists[codelist]:
            code = entry.get(key_column)
            if code not in table:
                table[code] = entry.get(value_column or key_column, "")
        table.pop(None, None)
        call = f"{self.ns.ref(func, 'f')}, {self.ns.ref(tuple(args), 'k')}"
        return Value(f"_lookup({self.value(node.node)}, {self.ns.ref(table, 't')}, {call})", text=True)

    def _default(self, node: nodes.Filter) -> Value:
        """Jinja's ``default`` replaces its operand only when the operand *is* a missing value: so the operand
        is read softly when it is a plain read; a missing value anywhere else (``X | trim | default``) is the
        interpreter's to judge (:func:`.pyruntime.hard`). The fallback is evaluated first, as in Jinja, and
        a missing fallback makes the result missing, not an error."""
        if node.kwargs or len(node.args) > 2:
            raise Unsupported("default with keywords")
        operand = self.expr(node.node)
        if operand.kind != "value":
            raise Unsupported("default of a segment or rows")
        fallback = self._soft(self.expr(node.args[0])) if node.args else Value("''", safe=True)
        boolean = self.value(node.args[1]) if len(node.args) > 1 else "False"
        if operand.safe and fallback.safe and boolean in ("True", "False"):  # never missing: plain Python
            if boolean == "True":
                return Value(f"({operand.code} or {fallback.code})", text=operand.text and fallback.text, safe=True)
            return Value(operand.code, text=operand.text, safe=True)
        value = self._soft(operand)
        soft = f"_dflt({value.code}, {fallback.code}, {boolean})"
        if fallback.safe:
            return Value(soft, safe=True)
        return Value(f"_defined({soft})", soft=soft)

    def _soft(self, found: Value) -> Value:
        """``found`` as a value that is UNDEF where it is missing (a read), or fails hard (anything else)."""
        if found.safe:
            return found
        if found.soft is not None:
            return Value(found.soft)
        return Value(f"_hard(lambda: {found.code})")

    def _map(self, node: nodes.Filter) -> Value:
        inner = self.expr(node.node)
        kwargs = {k.key: k.value for k in node.kwargs}
        if not node.args and list(kwargs) == ["attribute"]:
            attribute = self._const(kwargs["attribute"])
            parts = attribute.split(".") if isinstance(attribute, str) else []
            if not parts or any(p.isdigit() for p in parts):
                raise Unsupported("map attribute")
            if inner.kind == "units":
                return Value(f"_units_pluck(M, {inner.code}, {self.ns.ref(plucked(tuple(parts)), 'k')}, C, False)")
            if inner.kind == "rows" and len(parts) == 1:  # declared columns of every row: always there
                return Value(f"[x[{parts[0]!r}] for x in {inner.code}]", safe=True)
            steps = tuple((False, p) for p in parts)  # map(attribute=) reads items, as make_attrgetter does
            return Value(f"[_path(x, {self.ns.ref(steps, 'p')}) for x in {self.value(node.node)}]")
        if kwargs or not node.args:
            raise Unsupported("map form")
        name = self._const(node.args[0])
        if name not in STRICT_FILTERS:
            raise Unsupported(f"map filter {name}")
        func = self.ns.ref(self.env.filters[name], "f")
        extra = "".join(f", {self.ns.ref(self._const(a), 'k')}" for a in node.args[1:])
        return Value(f"[{func}(x{extra}) for x in {self.value(node.node)}]")

    def _Call(self, node: nodes.Call) -> Value:
        if node.kwargs or node.dyn_args or node.dyn_kwargs or not isinstance(node.node, nodes.Name):
            raise Unsupported("call form")
        name = node.node.name
        if name in ("seg", "segs", "every"):
            return self._segment_call(name, [self._const(a) for a in node.args])
        if name == "qualified" and len(node.args) == 2:
            target = self.expr(node.args[0])
            qualifier = self.value(node.args[1])
            if target.kind == "segment":
                call = f"_qualified_parts({target.code}, {qualifier}, C"
                return Value(call + ")", text=True, soft=call + ", UNDEF)", filled=True)
            call = f"_qualified({self.value(node.args[0])}, {qualifier}"
            return Value(call + ")", soft=call + ", UNDEF)")
        if name == "lookup2":
            args = ", ".join(self.value(a) for a in node.args)
            return Value(f"{self.ns.ref(self.env.globals['lookup2'], 'f')}({args})")
        raise Unsupported(f"function {name}")

    def _segment_call(self, name: str, args: list[Any]) -> Value:
        self.resolve(f"{name}()")  # Unsupported outside segment mappings
        arity = (1, 3) if name == "seg" else (1, 1)
        if not arity[0] <= len(args) <= arity[1] or not all(isinstance(a, str) or a is None for a in args) \
                or not isinstance(args[0], str):
            raise Unsupported(f"{name} arguments")
        if name == "seg":
            tag, qualifier, at = (list(args) + [None, None])[:3]
            return Value(f"_seg(M, U, {tag!r}, {qualifier!r}, {at!r}, C)", "segment", tag)
        return Value(f"_{name}(M, U, {args[0]!r}, C)")

    def _const(self, node: nodes.Node) -> Any:
        if not isinstance(node, nodes.Const):
            raise Unsupported("computed argument")
        return node.value

    # -- operators -------------------------------------------------------------------------------
    def _Concat(self, node: nodes.Concat) -> Value:
        return Value("(" + " + ".join(f"_text({self.value(n)})" for n in node.nodes) + ")")

    def _CondExpr(self, node: nodes.CondExpr) -> Value:
        other = self.value(node.expr2) if node.expr2 is not None else "_missing()"
        return Value(f"({self.value(node.expr1)} if {self.value(node.test)} else {other})")

    def _Compare(self, node: nodes.Compare) -> Value:
        if len(node.ops) != 1 or node.ops[0].op not in _COMPARE:
            raise Unsupported("chained or unknown comparison")
        return Value(f"({self.value(node.expr)} {_COMPARE[node.ops[0].op]} {self.value(node.ops[0].expr)})")

    def _And(self, node: nodes.And) -> Value:
        return Value(f"({self.value(node.left)} and {self.value(node.right)})")

    def _Or(self, node: nodes.Or) -> Value:
        return Value(f"({self.value(node.left)} or {self.value(node.right)})")

    def _Not(self, node: nodes.Not) -> Value:
        return Value(f"(not {self.value(node.node)})")

    def _List(self, node: nodes.List) -> Value:
        return Value("[" + ", ".join(self._item(n) for n in node.items) + "]", safe=True)

    def _Tuple(self, node: nodes.Tuple) -> Value:
        return Value("(" + "".join(f"{self._item(n)}, " for n in node.items) + ")", safe=True)

    def _item(self, node: nodes.Node) -> str:
        """An item of a list or tuple literal: the sandbox builds the list even around a missing value."""
        found = self.expr(node)
        if not found.safe:
            raise Unsupported("a possibly missing value inside a list or tuple")
        return self.value(node)


