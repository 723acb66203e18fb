"""Outbound fast path: one generated Python function per mapping writes one order's records.

Why: the reference loop (:mod:`.outbound`) walks the record tree per order, calls every field's closure
in a loop, builds a dict and a :class:`Record` per record, and the writer takes the Record apart again;
on a Prime Day file that bookkeeping costs several times the work itself. Here the tree is unrolled into
Python source once per ``write``: expressions are translated by :mod:`.pycompile`; each plain path step
(``order.orderDetails.shipToParty``) is taken once per order (or line) and shared by every field that
goes through it; a field of a per-line record that reads only the order is computed once per order; and
each record's values go to the writer as a tuple through its ``values_writer`` (constants given once),
the whole order in one ``write_batch`` when the writer has one. A mapping with anything pycompile does not
translate (a template, an unknown filter) keeps the reference loop for every order.

Exactness, which matters more than speed. A plain path is read with the sandbox's own rules, a missing
value written as ``""`` exactly as the reference writes it. An order's values are all computed before
anything of it is written; any surprise meanwhile (a missing value inside a filter, a refused date, an
unhashable value for a remembered filter, a translator mistake) throws that order's values away and the
reference writes the order instead, with the same values, the same located Problem at the same record,
and the same records before it. Evaluation is pure (the translated code calls only pure filters), so
computing before writing changes nothing the writer or the expressions can see.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from jinja2 import Undefined, nodes
from jinja2.sandbox import SandboxedEnvironment

from translator.mapping.expressions import Field, expression_of, new_environment
from translator.mapping.outbound import _text
from translator.mapping.pycompile import Namespace, Translator, Unsupported, Value, runtime
from translator.mapping.spec import CompiledMapping, RecordSpec
from translator.records import Record

Sink = Callable[[Sequence[str]], None]
_FALSE = ("false", "False", "0")


def compile_plan(mapping: CompiledMapping, writer: Any, context: Mapping[str, Any],
                 reference: Callable[[Any], None]) -> Callable[[Any], None] | None:
    """``emit(order)`` writing that order's records to ``writer`` as ``reference(order)`` does, or None when
    some expression of the mapping needs the interpreter (then the reference writes every order)."""
    if not mapping.records:
        return None
    env = mapping.env or new_environment(mapping.codelists)
    ns = Namespace({**runtime(env), **_helpers(env), "CTX": context, "_REFERENCE": reference,
                    "_BATCH": getattr(writer, "write_batch", None) or _write_each})
    try:
        source = _Generator(_FilterView(env), ns, writer).module(mapping.records)
    except _NoPlan:
        return None
    exec(compile(source, f"<outbound plan {mapping.name}>", "exec"), ns.globals)  # noqa: S102 - our own source
    return ns.globals["emit"]


def _write_each(batch: list[tuple[Sink, Sequence[str]]]) -> None:
    for sink, values in batch:
        sink(values)


class _Absent:
    """The value of a plain path that is missing (the sandbox's undefined): written as ``""``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<absent>"


_ABSENT = _Absent()


def _helpers(env: SandboxedEnvironment) -> dict[str, Any]:
    """Runtime functions of the generated code that must follow the sandbox step for step."""
    getattr_, getitem = env.getattr, env.getitem

    def _step(obj: Any, attribute: bool, key: str) -> Any:
        """One step of a plain path where ``obj[key]`` on a dict did not apply (:func:`.fastpath._fast_chain`):
        a missing attribute of a dict, or anything missing before, is absent; else the sandbox's rules."""
        if obj is _ABSENT or (attribute and type(obj) is dict):
            return _ABSENT
        found = getattr_(obj, key) if attribute else getitem(obj, key)
        return _ABSENT if isinstance(found, Undefined) else found

    def _text_of(value: Any) -> str:
        return "" if value is _ABSENT else _text(value)

    return {"_step": _step, "_T": _text, "_TP": _text_of, "_A": _ABSENT,
            "_FALSE": _FALSE, "_Undefined": Undefined}


_REMEMBERED = ("format_date", "lookup")   # pure, slow for what they do, and called with few distinct values


class _FilterView:
    """The environment as the translator sees it, with ``format_date`` and ``lookup`` remembered per write.

    Orders of one file repeat the same dates (ship-by and delivery dates, often the order date) and units,
    and ``strftime`` is the slowest step of an 850; as with the inbound ``datetime`` filter
    (:func:`.filters.make_datetime`), results are cached for the length of one write. A refused value
    raises, and exceptions are not cached.
    """

    def __init__(self, env: SandboxedEnvironment) -> None:
        self.globals = env.globals
        self.filters = dict(env.filters)
        for name in _REMEMBERED:
            if name in self.filters:
                self.filters[name] = _remembered(self.filters[name])


def _remembered(func: Callable[..., str]) -> Callable[..., str]:
    """An unhashable value raises TypeError here; the record then goes the reference way, as any failure."""
    return lru_cache(maxsize=4096, typed=True)(func)


class _PathTranslator(Translator):
    """pycompile's translator, with every plain path read from the level's shared locals (:meth:`_Generator._node`)
    instead of walking it again: ``format_date(order.orderDetails.orderDate)`` reads the local that the
    order's other fields share."""

    def __init__(self, env: Any, ns: Namespace, resolve: Callable[[str], Value], generator: _Generator) -> None:
        super().__init__(env, ns, resolve)
        self.generator = generator

    def _step(self, node: nodes.Getattr | nodes.Getitem, key: Any, attribute: bool) -> Value:
        found = super()._step(node, key, attribute)
        level = self.generator.owner.get(found.base or "")
        if found.kind != "value" or level is None or not _plain(found.steps):
            return found
        name = self.generator._node(level, found.base, found.steps)
        return Value(f"({name} if {name} is not _A else _missing())", base=found.base, steps=found.steps)


class _Level:
    """One loop level of the generated function: the values computed once at its start (plain-path steps
    shared by its records, their text; at the order level also per-line values that read only the order)."""

    def __init__(self) -> None:
        self.lines: list[str] = []    # after the path steps: texts, per-line values that read only the order
        self.nodes: dict[tuple[str, tuple[tuple[bool, Any], ...]], str] = {}
        self.children: dict[str, list[tuple[str, bool, Any]]] = {}   # local -> [(local of a step, attribute, key)]
        self.texts: dict[str, str] = {}

    def prefix(self) -> list[str]:
        """The path steps, each parent checked for a plain dict once, then :attr:`lines`."""
        nodes = set(self.nodes.values())
        out: list[str] = []
        for base in self.children:
            if base not in nodes:
                self._steps(base, out)
        return out + self.lines

    def _steps(self, parent: str, out: list[str]) -> None:
        kids = self.children.get(parent, [])
        if len(kids) == 1:
            name, attribute, key = kids[0]
            out.append(f"{name} = {parent}[{key!r}] if type({parent}) is dict and {key!r} in {parent} "
                       f"else _step({parent}, {attribute!r}, {key!r})")
        elif kids:  # a dict's missing attribute is absent (.get); a missing subscript goes the sandbox's way
            out.append(f"if type({parent}) is dict:")
            out += [f"    {name} = {parent}.get({key!r}, _A)" if attribute else
                    f"    {name} = {parent}[{key!r}] if {key!r} in {parent} else _step({parent}, False, {key!r})"
                    for name, attribute, key in kids]
            out.append("else:")
            out += [f"    {name} = _step({parent}, {attribute!r}, {key!r})" for name, attribute, key in kids]
        for name, _, _ in kids:
            self._steps(name, out)


class _NoPlan(Exception):
    """The mapping needs the interpreter somewhere (a template, an expression pycompile does not cover)."""


class _Generator:
    """Writes the source of ``emit(order)`` for one mapping's record tree."""

    def __init__(self, env: Any, ns: Namespace, writer: Any) -> None:
        self.env, self.ns, self.writer = env, ns, writer
        self.counter = 0
        self.top = _Level()
        self.owner: dict[str, _Level] = {"order": self.top, "CTX": self.top}   # local -> level that computes it
        self.hoisted: dict[int, str] = {}

    def module(self, specs: tuple[RecordSpec, ...]) -> str:
        scope = [("order", "order"), ("context", "CTX")]
        body = [line for spec in specs for line in self._spec(spec, scope, frozenset())]
        return "\n".join(["def emit(order):", "    out = []", "    A = out.append", "    try:",
                          *_indent(_indent(self.top.prefix() + body)), "    except Exception:",
                          "        return _REFERENCE(order)", "    _BATCH(out)", ""])

    def _name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    # -- structure -------------------------------------------------------------------------------
    def _spec(self, spec: RecordSpec, scope: list[tuple[str, str]], bound: frozenset[str]) -> list[str]:
        if spec.each is None:
            return self._guarded(spec, scope, bound)
        items, index, element = self._name("L"), self._name("i"), self._name("e")
        out = self._assign(items, spec.each, scope)
        inner = _Level()
        self.owner[element] = self.owner[index] = inner
        scope = [*scope, (spec.as_name, element), (f"{spec.as_name}_index", index)]
        body = self._guarded(spec, scope, bound | {spec.as_name, f"{spec.as_name}_index"})
        return [*out, f"for {index}, {element} in enumerate({items} or [], 1):",
                *_indent(inner.prefix() + body or ["pass"])]

    def _guarded(self, spec: RecordSpec, scope: list[tuple[str, str]], bound: frozenset[str]) -> list[str]:
        """``when``, then the record, then its children."""
        body = self._record(spec, scope, bound) if spec.values else []
        for child in spec.records:
            body += self._spec(child, scope, bound)
        if spec.when is None:
            return body
        test = self._name("w")
        return [*self._assign(test, spec.when, scope), f"if {test} and {test} not in _FALSE:", *_indent(body or ["pass"])]

    def _record(self, spec: RecordSpec, scope: list[tuple[str, str]], bound: frozenset[str]) -> list[str]:
        """``(sink, values)`` appended to the order's batch. The constant values are given once, to the writer's
        ``values_writer``; the others as a tuple in key order, or in the sink's ``layout`` when it has one."""
        fields = [(field, *self._field(field, scope)) for field in spec.values]
        constants = {i: ast.literal_eval(code) for i, (_, kind, code) in enumerate(fields) if kind == "const"}
        sink = self._sink(spec, constants)
        computed, parts = [], {}
        for index, (field, kind, code) in enumerate(fields):
            if kind == "const":
                parts[index] = code
            elif kind == "node":
                parts[index] = self._node_text(code, self.owner[code])
            elif bound and not field.names & bound:
                parts[index] = self._hoist(field, code)
            else:
                name = self._name("v")
                computed.append(f"{name} = {code}")
                parts[index] = f"({name} if type({name}) is str else _T({name}))"
        layout = getattr(sink, "layout", None)
        if layout is None:
            order = [parts[i] for i in range(len(fields)) if i not in constants]
        else:
            order = ["''" if i is None else parts[i] for i in layout]
        return [*computed, f"A(({self.ns.ref(sink, 'W')}, (" + "".join(p + ", " for p in order) + ")))"]

    def _hoist(self, field: Field, code: str) -> str:
        """A per-line value that reads only the order: computed once, at the start of the order."""
        name = self.hoisted.get(id(field))
        if name is None:
            name = self._name("h")
            self.top.lines += [f"{name} = {code}", f"{name} = {name} if type({name}) is str else _T({name})"]
            self.hoisted[id(field)] = name
        return name

    def _assign(self, name: str, field: Field, scope: list[tuple[str, str]]) -> list[str]:
        """``name = <raw value of field>`` as :func:`.outbound._value` gives it (``""`` when missing)."""
        kind, code = self._field(field, scope, raw=True)
        if kind == "const":
            return [f"{name} = {code}"]
        if kind == "node":
            return [f"{name} = '' if {code} is _A else {code}"]
        return [f"{name} = {code}", f"if isinstance({name}, _Undefined):", f"    {name} = ''"]

    # -- fields ----------------------------------------------------------------------------------
    def _field(self, field: Field, scope: list[tuple[str, str]], raw: bool = False) -> tuple[str, str]:
        """``(kind, source)``; kinds: ``const`` (the value, as text unless ``raw``), ``node`` (a plain path
        computed at the start of a level; may be absent) or ``value`` (translated code; may raise)."""
        if field.tree is None:  # a literal {value: ...}
            value = field.evaluate({})
            return "const", repr(value if raw else _text(value))
        node = expression_of(field)
        if isinstance(node, nodes.Const):
            return "const", repr(node.value if raw else _text(node.value))
        if node is None:
            raise _NoPlan(f"{field.dotted} is a template")
        variables = dict(scope)

        def resolve(name: str) -> Value:
            if name not in variables:
                raise Unsupported(f"variable {name}")
            return Value(variables[name])

        try:
            translator = _PathTranslator(self.env, self.ns, resolve, self)
            found = translator.expr(node)
            if found.kind == "value" and found.base is not None and _plain(found.steps):
                return "node", self._node(self.owner[found.base], found.base, found.steps)
            return "value", translator.value(node)
        except Unsupported as exc:
            raise _NoPlan(f"{field.dotted}: {exc}") from exc

    def _node_text(self, node: str, level: _Level) -> str:
        """The local holding ``node`` as the reference writes it (text; absent -> ""), computed with it."""
        name = level.texts.get(node)
        if name is None:
            name = level.texts[node] = self._name("t")
            level.lines.append(f"{name} = {node} if type({node}) is str else str({node}) if type({node}) is int "
                               f"else _TP({node})")  # a JSON number: str(), as _text gives it
        return name

    def _node(self, level: _Level, base: str, steps: tuple[tuple[bool, Any], ...]) -> str:
        """The local holding ``base`` followed along ``steps``, computed once at the start of ``level``."""
        if not steps:
            return base
        key = (base, steps)
        name = level.nodes.get(key)
        if name is None:
            parent = self._node(level, base, steps[:-1])
            attribute, step = steps[-1]
            name = self._name("n")
            level.children.setdefault(parent, []).append((name, attribute, step))
            level.nodes[key] = name
            self.owner[name] = level
        return name

    def _sink(self, spec: RecordSpec, constants: dict[int, str]) -> Sink:
        """The writer's ``values_writer`` for this record's shape, or ``write(Record(...))`` around the values."""
        keys = tuple(field.path[0] for field in spec.values)
        fast = getattr(self.writer, "values_writer", None)
        sink = fast(spec.tag, keys, constants) if fast is not None else None
        if sink is not None:
            return sink
        write, tag = self.writer.write, spec.tag

        def merged(values: Sequence[str]) -> None:
            given = iter(values)
            write(Record(tag, {key: constants[i] if i in constants else next(given) for i, key in enumerate(keys)}))

        return merged


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


def _plain(steps: tuple[tuple[bool, Any], ...]) -> bool:
    """A path the helpers may walk: string keys, none special (``__x`` behaves otherwise on a missing value)."""
    return all(isinstance(key, str) and not key.startswith("__") for _, key in steps)
