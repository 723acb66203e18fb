"""Mapping expressions translated to Python source, so a whole mapping level runs as one function.

Evaluating a field through closures (:mod:`.fastpath`) costs a few calls per step, and the loop around
the fields costs more than the fields on a Prime Day file. This module turns the expression subset the
shipped mappings use into Python *source* that :mod:`.generated` assembles into one function per array
level. The translated code computes the same value as the sandbox on every input where the sandbox
succeeds; where the sandbox would meet a missing value the code raises :class:`Missing`, and anything it
cannot translate raises :class:`Unsupported` at load, so that mapping keeps the interpreter.

Values have a *kind*: ``value`` (whatever the sandbox would see), ``segment`` (an X12 segment as its
split element list, ``None`` when absent; ``BSN.BSN03`` reads element 3), ``units`` (the loop nodes
of a segment group, which is what ``rows`` means in a segment mapping), and ``row``/``rows`` (a tabular
row dict and its group, whose declared columns are always there and always text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from jinja2 import Undefined, nodes
from jinja2.sandbox import SandboxedEnvironment

from translator.records import element_values


class Unsupported(Exception):
    """The expression uses something this translator does not cover: keep the interpreter."""


class Missing(Exception):
    """Raised by translated code where the sandbox would produce a missing (undefined) value."""


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
    soft: str | None = None      # the same read giving the value at SOFT instead of raising Missing
    filled: bool = False         # a non-empty str whenever it is not missing (an element read)

    def or_else(self, fallback: str) -> str | None:
        """Source giving ``fallback`` where this would raise Missing, without an exception (or None)."""
        return None if self.soft is None else self.soft.replace(SOFT, fallback)


SOFT = "\x00soft\x00"


Resolver = Callable[[str], Value]

# Filters whose result is the same whether a missing input raises before the call or inside it (they
# all turn their input into text first, which a missing value refuses). Anything else is Unsupported.
STRICT_FILTERS = frozenset({
    "datetime", "format_date", "decimal", "implied_decimal", "to_implied", "whole", "zfill", "pad", "total",
    "order_code", "boolean", "yes_no", "lookup", "trim", "upper", "lower", "pluck",
})
_TEXT_METHODS = {"trim": "strip", "upper": "upper", "lower": "lower"}
_ELEMENT = re.compile(r"([A-Z0-9]{2,3})(\d\d)(?:\.(\d+))?$")
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
        return Value(self.ns.ref(node.value, "k"))

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
            code = self._element(inner, key)
            soft = code[:-1] + f", {SOFT})"
            if code.startswith("_el(S_"):  # a hoisted segment: the common case inline, the rest in _el
                seg, position = inner.code, code.split(", ")[1]
                test = f"{seg} is not None and len({seg}) > {position} and {seg}[{position}] and C not in {seg}[{position}]"
                code, soft = f"({seg}[{position}] if {test} else {code})", f"({seg}[{position}] if {test} else {soft})"
            return Value(code, text=True, soft=soft, filled=True)
        if inner.kind == "row" and isinstance(key, str):  # a declared column: always there, always text
            return Value(f"{inner.code}[{key!r}]", text=True, safe=True)
        if inner.kind == "units":
            raise Unsupported("attribute of a segment loop's rows")
        base, steps = inner.code, ((attribute, key),)
        if inner.base is not None:  # extend the path: one call walks all of it
            base, steps = inner.base, inner.steps + steps
        return Value(f"_path({base}, {self.ns.ref(steps, 'p')})", base=base, steps=steps)

    def _element(self, segment: Value, key: Any) -> str:
        match = _ELEMENT.match(key) if isinstance(key, str) else None
        if match is None or match.group(1) != segment.tag:
            raise Unsupported(f"{key!r} is not an element of {segment.tag}")
        position, component = int(match.group(2)), match.group(3)
        if component is None:
            return f"_el({segment.code}, {position}, C)"
        return f"_comp({segment.code}, {position}, {int(component)}, C)"

    # -- filters and calls -----------------------------------------------------------------------
    def _Filter(self, node: nodes.Filter) -> Value:
        if node.node is None or node.dyn_args or node.dyn_kwargs:
            raise Unsupported("filter block or dynamic arguments")
        name = node.name
        if name in ("default", "d"):
            return self._default(node)
        if name in ("length", "count") and not node.args and not node.kwargs:
            return Value(f"_length(lambda: {self.value(node.node)})")
        if name == "map":
            return self._map(node)
        if name == "pluck" and self.expr(node.node).kind == "units":
            keys = [self._const(a) for a in node.args]
            return Value(f"_units_pluck({self.expr(node.node).code}, {self.ns.ref(tuple(keys), 'k')}, C, True)")
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
            pattern = _CANONICAL if scale is None else _canonical_with(int(scale))
            return Value(f"_decimal({self.value(node.node)}, {self.ns.ref(pattern, 'r')}, {self.ns.ref(func, 'f')}, "
                         f"{scale!r})", text=True)
        if name == "implied_decimal" and len(node.args) <= 1 and all(isinstance(a, nodes.Const) for a in node.args):
            places = node.args[0].value if node.args else 2
            if isinstance(places, int) and 0 < places < 10:
                return Value(f"_implied({self.value(node.node)}, {places}, {self.ns.ref(func, 'f')})", text=True)
        if name == "total" and not node.args:
            return Value(f"_total({self.value(node.node)}, {self.ns.ref(func, 'f')})", text=True)
        args = "".join(f", {self.value(a)}" for a in node.args)
        return Value(f"{self.ns.ref(func, 'f')}({self.value(node.node)}{args})")

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
        if node.kwargs or len(node.args) > 2:
            raise Unsupported("default with keywords")
        fallback = self.value(node.args[0]) if node.args else "''"
        boolean = self.value(node.args[1]) if len(node.args) > 1 else "False"
        inner = self.expr(node.node)
        if inner.safe and inner.kind == "value" and boolean in ("True", "False"):  # never missing: no thunk
            return Value(f"({inner.code} or {fallback})" if boolean == "True" else inner.code)
        soft = inner.or_else(fallback)
        if soft is not None and boolean in ("True", "False"):  # an element read: its own default, no exception
            return Value(f"({soft} or {fallback})" if boolean == "True" else soft)
        return Value(f"_default(lambda: {self.value(node.node)}, {fallback}, {boolean})")

    def _map(self, node: nodes.Filter) -> Value:
        inner = self.expr(node.node)
        kwargs = {k.key: k.value for k in node.kwargs}
        if not node.args and list(kwargs) == ["attribute"]:
            attribute = self._const(kwargs["attribute"])
            parts = attribute.split(".") if isinstance(attribute, str) else []
            if not parts or any(p.isdigit() for p in parts):
                raise Unsupported("map attribute")
            if inner.kind == "units":
                return Value(f"_units_pluck({inner.code}, {self.ns.ref(tuple(parts), 'k')}, C, False)")
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
                code = f"_qualified_parts({target.code}, {qualifier}, C)"
                return Value(code, text=True, soft=code[:-1] + f", {SOFT})", filled=True)
            return Value(f"_qualified({self.value(node.args[0])}, {qualifier})")
        if name == "lookup2":
            args = ", ".join(self.value(a) for a in node.args)
            return Value(f"{self.ns.ref(self.env.globals['lookup2'], 'f')}({args})")
        raise Unsupported(f"function {name}")

    def _segment_call(self, name: str, args: list[Any]) -> Value:
        self.resolve("seg")  # Unsupported outside segment mappings
        if not args or not all(isinstance(a, str) for a in args[:1]):
            raise Unsupported(f"{name} arguments")
        if name == "seg":
            tag, qualifier, at = (list(args) + [None, None])[:3]
            return Value(f"_seg(U, {tag!r}, {qualifier!r}, {at!r}, C)", "segment", tag)
        return Value(f"_{name}(U, {args[0]!r}, C)")

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
        return Value("[" + ", ".join(self.value(n) for n in node.items) + "]")

    def _Tuple(self, node: nodes.Tuple) -> Value:
        return Value("(" + "".join(f"{self.value(n)}, " for n in node.items) + ")")


# -- the runtime the generated code calls ---------------------------------------------------------
def runtime(env: SandboxedEnvironment) -> dict[str, Any]:
    """Helper functions for generated code, bound to one mapping's environment."""
    getattr_, getitem = env.getattr, env.getitem
    qualified = env.globals["qualified"]

    def _path(obj: Any, steps: Iterable[tuple[bool, Any]]) -> Any:
        for attribute, key in steps:
            if type(obj) is dict:
                if key in obj:
                    obj = obj[key]
                    continue
                raise Missing(key)
            obj = getattr_(obj, key) if attribute else getitem(obj, key)
            if isinstance(obj, Undefined):
                raise Missing(key)
        return obj

    def _slice(obj: Any, cut: slice) -> Any:
        found = obj[cut] if type(obj) is str else getitem(obj, cut)
        if isinstance(found, Undefined):
            raise Missing("slice")
        return found

    def _qualified(values: Any, qualifier: Any) -> Any:
        found = qualified(values, qualifier)
        if isinstance(found, Undefined):
            raise Missing(qualifier)
        return found

    return {"_path": _path, "_slice": _slice, "_qualified": _qualified, **_STATIC}


def _lookup(value: Any, table: dict[Any, str], slow: Callable[..., str], args: tuple[Any, ...]) -> str:
    if type(value) is str:
        found = table.get(value.strip())
        if found is not None:
            return found
    return slow(value, *args)


# Decimal writes these back unchanged: no sign, no leading zeros, at most 20 integer digits (well inside its
# 28-digit precision) and, below 1, at most 6 places (smaller numbers come back in exponent form).
_CANONICAL = re.compile(r"(?:[1-9]\d{0,19}(?:\.\d{1,20})?|0(?:\.\d{1,6})?)\Z")


def _canonical_with(scale: int) -> re.Pattern[str]:
    """For scale 0..7: at most 27 digits, so Decimal's quantize gives the same text back."""
    integer = r"(?:0|[1-9]\d{0,19})" if scale <= 6 else r"[1-9]\d{0,19}"
    return re.compile(rf"{integer}\.\d{{{scale}}}\Z" if scale > 0 else rf"{integer}\Z")


def _decimal(value: Any, canonical: re.Pattern[str], slow: Callable[..., str], scale: Any) -> str:
    """The ``decimal`` filter, with text already in its canonical form (``19.99`` for scale 2) returned as is:
    Decimal would give the same text back. Anything else (spaces, signs, other places) goes to the filter."""
    if type(value) is str and canonical.match(value):
        return value
    return slow(value) if scale is None else slow(value, scale)


def _implied(value: Any, places: int, slow: Callable[..., str]) -> str:
    """``implied_decimal``: plain digits placed by integer arithmetic (the text Decimal.scaleb gives)."""
    if type(value) is str and value.isascii() and value.isdigit() and len(value) <= 20 and 0 < places <= 6:
        whole, fraction = divmod(int(value), 10 ** places)
        return f"{whole}.{fraction:0{places}d}"
    return slow(value, places)


def _total(values: list[Any], slow: Callable[[Any], str]) -> str:
    """The ``total`` filter, with whole numbers added as ints (the same text: Decimal drops leading zeros too,
    and sums of numbers up to 18 digits stay well inside its 28-digit precision)."""
    acc = 0
    for value in values:
        if type(value) is str and value.isascii() and value.isdigit() and len(value) <= 18:
            acc += int(value)
        else:
            return slow(values)
    return str(acc)


def _missing() -> Any:
    raise Missing("else")


def _text(value: Any) -> str:
    return value if type(value) is str else str(value)


def _default(thunk: Callable[[], Any], fallback: Any, boolean: Any = False) -> Any:
    """Jinja's ``default``: the fallback for a missing value (or, with ``boolean``, any false value)."""
    try:
        value = thunk()
    except Missing:
        return fallback
    return fallback if boolean and not value else value


def _length(thunk: Callable[[], Any]) -> int:
    try:
        value = thunk()
    except Missing:
        return 0  # a missing value has length 0 in Jinja
    return len(value)


_RAISE: Any = Missing


def _el(parts: list[str] | None, position: int, component: str | None, default: Any = _RAISE) -> Any:
    """Element ``position`` of a split segment, as the values dict has it (absent, empty or composite:
    missing, which raises, or gives ``default``)."""
    if parts is not None and position < len(parts) and position < 100:
        value = parts[position]
        if value and not (component and component in value):
            return value
    if default is _RAISE:
        raise Missing(position)
    return default


def _comp(parts: list[str] | None, position: int, index: int, component: str | None, default: Any = _RAISE) -> Any:
    if parts is not None and position < len(parts) and position < 100 and component:
        value = parts[position]
        if component in value:
            pieces = value.split(component)
            if index <= len(pieces) and pieces[index - 1]:
                return pieces[index - 1]
    if default is _RAISE:
        raise Missing(position)
    return default


def _segment_values(parts: list[str] | None, component: str | None) -> dict[str, str]:
    if parts is None:
        raise Missing("segment")
    return element_values(parts, component or "")


def _qualified_parts(parts: list[str] | None, qualifier: Any, component: str | None, default: Any = _RAISE) -> Any:
    """:func:`.filters.qualified` on a split segment: the element after the one equal to ``qualifier``.

    Composite elements are skipped as the dict form skips them (their keys end in ``.N``), except one
    with ten or more components, whose keys end in two digits: that rare case goes to the dict form.
    """
    if parts is None:
        return _no_qualified(qualifier, default)
    last = min(len(parts), 100) - 1
    for position in range(1, last + 1):
        value = parts[position]
        if component and component in value:
            if value.count(component) >= 9:
                try:
                    return _qualified_dict(parts, qualifier, component)
                except Missing:
                    return _no_qualified(qualifier, default)
            continue
        if value and value == qualifier and position < last:
            following = parts[position + 1]
            if following and not (component and component in following):
                return following
    return _no_qualified(qualifier, default)


def _no_qualified(qualifier: Any, default: Any) -> Any:
    if default is _RAISE:
        raise Missing(qualifier)
    return default


def _qualified_dict(parts: list[str], qualifier: Any, component: str) -> str:
    from translator.mapping.filters import qualified
    found = qualified(element_values(parts, component), qualifier)
    if isinstance(found, Undefined):
        raise Missing(qualifier)
    return found


def _key_value(parts: list[str], key: str, component: str | None) -> str:
    """``values.get(key, "")`` of a split segment, for ``seg(tag, qualifier, at)``."""
    match = _ELEMENT.match(key)
    if match is None or match.group(1) != parts[0]:
        return ""
    try:
        if match.group(3) is None:
            return _el(parts, int(match.group(2)), component)
        return _comp(parts, int(match.group(2)), int(match.group(3)), component)
    except Missing:
        return ""


def _seg(node: Any, tag: str, qualifier: str | None, at: str | None, component: str | None) -> list[str] | None:
    """``seg(tag, qualifier)``: the first such segment in scope, innermost loop first (None: missing).

    The qualifier is element 1 (its first component when it is a composite), or the element ``at`` names."""
    while node is not None:
        for parts in node.segments:
            if parts[0] != tag:
                continue
            if qualifier is None:
                return parts
            if at is not None:
                if _key_value(parts, at, component) == qualifier:
                    return parts
                continue
            first = parts[1] if len(parts) > 1 else ""
            if component and component in first:
                first = first.split(component, 1)[0]
            if first == qualifier:
                return parts
        node = node.parent
    return None


def _first(node: Any, tag: str) -> list[str] | None:
    """The segment a bare ``TAG`` names in scope: the first of that tag, innermost loop first."""
    while node is not None:
        for parts in node.segments:
            if parts[0] == tag:
                return parts
        node = node.parent
    return None


def _segs(node: Any, tag: str, component: str | None) -> list[dict[str, str]]:
    out = []
    while node is not None:
        out += [element_values(p, component or "") for p in node.segments if p[0] == tag]
        node = node.parent
    return out


def _every(node: Any, tag: str, component: str | None) -> list[dict[str, str]]:
    return [element_values(p, component or "") for n in [node, *node.descendants()] for p in n.segments if p[0] == tag]


def _units_pluck(units: list[Any], keys: tuple[str, ...], component: str | None, strict: bool) -> list[str]:
    """``rows | map(attribute='SN1.SN102')`` over segment loops: that element of each loop. A missing one is
    a missing value, as in the sandbox; with ``strict`` (the ``pluck`` filter) it is a KeyError, as there."""
    if len(keys) != 2:
        raise KeyError(keys) if strict else Missing(keys)
    tag, key = keys
    out = []
    for unit in units:
        parts = _first(unit, tag)
        value = _key_value(parts, key, component) if parts is not None else ""
        if not value:
            raise KeyError(key) if strict else Missing(key)
        out.append(value)
    return out


_STATIC: dict[str, Any] = {
    "Missing": Missing, "_missing": _missing, "_lookup": _lookup, "_total": _total, "_decimal": _decimal, "_implied": _implied, "_text": _text, "_default": _default, "_length": _length,
    "_el": _el, "_comp": _comp, "_segment_values": _segment_values, "_qualified_parts": _qualified_parts,
    "_seg": _seg, "_first": _first, "_segs": _segs, "_every": _every, "_units_pluck": _units_pluck,
}
