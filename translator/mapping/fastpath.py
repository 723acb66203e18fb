"""Mapping expressions as plain Python closures: the fast path of :mod:`translator.mapping.expressions`.

Most mapping fields are a path plus a few filters with constant arguments. Building a Jinja context
per value costs more than the work itself on a 200,000-line file, so the common expression shapes are
turned into closures here, once, at load, with the same semantics as the sandbox: its ``getattr`` and
``getitem`` rules, the environment's undefined (a missing value still raises when used) and filters.
Anything else returns None and runs in Jinja.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import nodes
from jinja2.filters import make_attrgetter
from jinja2.sandbox import SandboxedEnvironment

Getter = Callable[[Mapping[str, Any]], Any]


def fast_path(env: SandboxedEnvironment, node: nodes.Node) -> Getter | None:
    """A direct evaluator for the common shapes (``a.b['c'] | f('x') | g``), or None to use Jinja.

    Most mapping fields are a path plus a few filters with constant arguments. Building a Jinja context
    per value costs more than the work itself on a 200,000-line file, so these are evaluated here with
    the same semantics: the sandbox's ``getattr``/``getitem``, the environment's undefined and filters.
    """
    if isinstance(node, nodes.Const):
        value = node.value
        return lambda _ctx: value
    if isinstance(node, nodes.Name):
        name = node.name
        return lambda ctx: ctx[name] if name in ctx else env.undefined(name=name)
    if isinstance(node, nodes.Getattr):
        return _fast_getattr(env, node)
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        inner, key = fast_path(env, node.node), node.arg.value
        return None if inner is None else (lambda ctx: env.getitem(inner(ctx), key))
    if isinstance(node, nodes.Filter):
        return _fast_filter(env, node)
    if isinstance(node, nodes.Call):
        return _fast_call(env, node)
    if isinstance(node, nodes.Concat):
        parts = [fast_path(env, n) for n in node.nodes]
        if any(p is None for p in parts):
            return None
        return lambda ctx: "".join(_concat_text(p(ctx)) for p in parts)  # type: ignore[misc]
    return _fast_logic(env, node)


def _fast_logic(env: SandboxedEnvironment, node: nodes.Node) -> Getter | None:
    """Conditionals, comparisons, ``and``/``or``/``not`` and constant slices, with Python's operators
    (which is what Jinja compiles them to: a missing value still raises when compared or tested)."""
    if isinstance(node, nodes.CondExpr):
        return _fast_condition(env, node)
    if isinstance(node, nodes.Compare) and len(node.ops) == 1 and node.ops[0].op in _COMPARE:
        left, right, op = fast_path(env, node.expr), fast_path(env, node.ops[0].expr), _COMPARE[node.ops[0].op]
        return None if left is None or right is None else (lambda ctx: op(left(ctx), right(ctx)))
    if isinstance(node, nodes.And | nodes.Or):
        left, right = fast_path(env, node.left), fast_path(env, node.right)
        if left is None or right is None:
            return None
        if isinstance(node, nodes.And):
            return lambda ctx: left(ctx) and right(ctx)
        return lambda ctx: left(ctx) or right(ctx)
    if isinstance(node, nodes.Not):
        inner = fast_path(env, node.node)
        return None if inner is None else (lambda ctx: not inner(ctx))
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Slice):
        return _fast_slice(env, node)
    if isinstance(node, nodes.List | nodes.Tuple):
        items = _fast_args(env, node.items)
        if items is None:
            return None
        make = list if isinstance(node, nodes.List) else tuple
        return lambda ctx: make(i(ctx) for i in items)
    return None


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "in": lambda a, b: a in b,
    "notin": lambda a, b: a not in b,
}


def _fast_condition(env: SandboxedEnvironment, node: nodes.CondExpr) -> Getter | None:
    test, yes = fast_path(env, node.test), fast_path(env, node.expr1)
    no = fast_path(env, node.expr2) if node.expr2 is not None else (lambda _ctx: env.undefined(name="else"))
    if test is None or yes is None or no is None:
        return None
    return lambda ctx: yes(ctx) if test(ctx) else no(ctx)


def _fast_slice(env: SandboxedEnvironment, node: nodes.Getitem) -> Getter | None:
    bounds = (node.arg.start, node.arg.stop, node.arg.step)
    if not all(b is None or isinstance(b, nodes.Const) for b in bounds):
        return None
    inner = fast_path(env, node.node)
    cut = slice(*(None if b is None else b.value for b in bounds))
    return None if inner is None else (lambda ctx: env.getitem(inner(ctx), cut))


# Functions a mapping may call: the segment helpers (from the evaluation context) and our globals.
_CONTEXT_FUNCTIONS = frozenset({"seg", "segs", "every"})
_GLOBAL_FUNCTIONS = frozenset({"qualified", "lookup2"})


def _concat_text(value: Any) -> str:
    return value if type(value) is str else str(value)  # Undefined raises here, as in Jinja


def _fast_args(env: SandboxedEnvironment, args: list[nodes.Expr]) -> list[Getter] | None:
    getters = [fast_path(env, a) for a in args]
    return None if any(g is None for g in getters) else getters  # type: ignore[return-value]


def _fast_call(env: SandboxedEnvironment, node: nodes.Call) -> Getter | None:
    if node.kwargs or node.dyn_args or node.dyn_kwargs or not isinstance(node.node, nodes.Name):
        return None
    name, args = node.node.name, _fast_args(env, node.args)
    if args is None:
        return None
    constant = all(isinstance(a, nodes.Const) for a in node.args)
    values = tuple(a.value for a in node.args) if constant else ()
    if name in _CONTEXT_FUNCTIONS:
        if constant:
            return lambda ctx: ctx[name](*values)
        return lambda ctx: ctx[name](*[a(ctx) for a in args])
    if name in _GLOBAL_FUNCTIONS:
        function = env.globals[name]
        if len(args) == 2 and isinstance(node.args[1], nodes.Const):
            first, constant_second = args[0], node.args[1].value
            return lambda ctx: function(first(ctx), constant_second)
        if len(args) == 2:
            first, second = args
            return lambda ctx: function(first(ctx), second(ctx))
        return lambda ctx: function(*[a(ctx) for a in args])
    return None


def _chain(node: nodes.Node) -> tuple[str, list[tuple[bool, Any]]] | None:
    """``name.a['b'].c`` as ``("name", [(True, "a"), (False, "b"), (True, "c")])`` (True = attribute)."""
    steps: list[tuple[bool, Any]] = []
    while True:
        if isinstance(node, nodes.Getattr):
            steps.append((True, node.attr))
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            steps.append((False, node.arg.value))
        elif isinstance(node, nodes.Name):
            return node.name, steps[::-1]
        else:
            return None
        node = node.node


def _fast_chain(env: SandboxedEnvironment, node: nodes.Getattr) -> Getter | None:
    """A whole ``order.orderDetails.shipToParty.city`` path in one loop: dict keys directly, anything
    else (a missing value, a list index, an object) through the sandbox's getattr/getitem."""
    found = _chain(node)
    if found is None:
        return None
    name, steps = found
    getattr_, getitem, undefined = env.getattr, env.getitem, env.undefined
    if len(steps) == 1 and steps[0][0]:
        return _fast_attribute(env, name, steps[0][1])

    def get(ctx: Mapping[str, Any]) -> Any:
        obj = ctx[name] if name in ctx else undefined(name=name)
        for attribute, key in steps:
            if type(obj) is dict and key in obj:
                obj = obj[key]
            elif attribute and type(obj) is dict:
                return undefined(obj=obj, name=key)  # chains: a missing value's attributes are itself
            elif attribute:
                obj = getattr_(obj, key)
            else:
                obj = getitem(obj, key)
        return obj

    return get


def _fast_attribute(env: SandboxedEnvironment, name: str, key: str) -> Getter:
    """``LIN.LIN01``: the one-step chain of :func:`_fast_chain`, unrolled (the most common field shape)."""
    getattr_, undefined = env.getattr, env.undefined

    def get(ctx: Mapping[str, Any]) -> Any:
        obj = ctx[name] if name in ctx else undefined(name=name)
        if type(obj) is dict:
            return obj[key] if key in obj else undefined(obj=obj, name=key)
        return getattr_(obj, key)

    return get


def _fast_getattr(env: SandboxedEnvironment, node: nodes.Getattr) -> Getter | None:
    chained = _fast_chain(env, node)
    if chained is not None:
        return chained
    inner, attr = fast_path(env, node.node), node.attr
    if inner is None:
        return None
    slow, undefined, missing = env.getattr, env.undefined, env.undefined

    def get(ctx: Mapping[str, Any]) -> Any:
        obj = inner(ctx)
        if type(obj) is dict:  # the common case, inlined: a dict key, else a missing value (as env.getattr)
            return obj[attr] if attr in obj else undefined(obj=obj, name=attr)
        if type(obj) is missing:
            return obj  # a missing value's attributes are itself (it chains), as through the sandbox
        return slow(obj, attr)

    return get


def _fast_filter(env: SandboxedEnvironment, node: nodes.Filter) -> Getter | None:
    if node.name == "map" and not (node.dyn_args or node.dyn_kwargs):
        return _fast_map(env, node)
    if node.node is None or node.kwargs or node.dyn_args or node.dyn_kwargs:
        return None
    func = env.filters.get(node.name)
    if func is None or getattr(func, "jinja_pass_arg", None) is not None:
        return None  # filters that need the environment or context go through Jinja
    inner = fast_path(env, node.node)
    if inner is None:
        return None
    if all(isinstance(a, nodes.Const) for a in node.args):
        constants = tuple(a.value for a in node.args)
        if not constants:
            return lambda ctx: func(inner(ctx))
        if len(constants) == 1:
            (constant,) = constants
            return lambda ctx: func(inner(ctx), constant)
        return lambda ctx: func(inner(ctx), *constants)
    args = _fast_args(env, node.args)
    return None if args is None else (lambda ctx: func(inner(ctx), *(a(ctx) for a in args)))


def _fast_map(env: SandboxedEnvironment, node: nodes.Filter) -> Getter | None:
    """``seq | map(attribute='a.b')`` and ``seq | map('filter', 'const', ...)`` (a list, not a generator)."""
    inner = fast_path(env, node.node) if node.node is not None else None
    if inner is None or not all(isinstance(a, nodes.Const) for a in node.args):
        return None
    kwargs = {k.key: k.value for k in node.kwargs}
    if not node.args and list(kwargs) == ["attribute"] and isinstance(kwargs["attribute"], nodes.Const):
        getter = make_attrgetter(env, kwargs["attribute"].value)
        return lambda ctx: [getter(x) for x in inner(ctx)]
    if kwargs or not node.args or not isinstance(node.args[0].value, str):
        return None
    func = env.filters.get(node.args[0].value)
    if func is None or getattr(func, "jinja_pass_arg", None) is not None:
        return None
    constants = tuple(a.value for a in node.args[1:])
    return lambda ctx: [func(x, *constants) for x in inner(ctx)]
