"""Inbound mappings as generated Python: one function per mapping level, run on the happy path.

The interpreter (:mod:`.build`) evaluates field by field through contexts and closures and locates
every problem; on a Prime Day file most of its time goes to that bookkeeping, for documents that have
no problem at all. So each inbound mapping is also translated (:mod:`.pycompile`) into a small module:
one function per level (the document, each array) that builds the element's dict directly from the
row dicts (CSV/XLSX) or from split X12 segments. A document whose build raises anything (a missing
required value, a bad date, rows that disagree...) is built again by the interpreter, which turns the
failure into located problems, so the interpreter stays the single definition of every rejection and
the generated code only has to agree with it where it succeeds (tests check they agree).

A mapping using something the translator does not cover simply has no generated form.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from translator.mapping.build import FAILURES
from translator.mapping.expressions import Field, convert, expression_of
from translator.mapping.pycompile import Namespace, Translator, Unsupported, Value, runtime
from translator.mapping.pyruntime import Missing
from translator.mapping.results import set_path
from translator.mapping.spec import ArraySpec, CompiledMapping

_SEGMENT_CALLS = frozenset({"seg()", "segs()", "every()"})
# A ``when`` test that fails means "not wanted" (:func:`.build._wanted`); a missing read is such a failure.
_CONDITION_FAILURES = (Missing, *FAILURES)


log = logging.getLogger(__name__)


class Conflict(Exception):
    """Units of one group disagree: the interpreter reports which and where."""


def _to_int(value: Any, spec: Field) -> Any:
    """``convert`` to an integer, with plain digits done inline (the same int: ``whole`` strips and checks)."""
    if type(value) is str:
        text = value.strip()
        if text.isascii() and text.isdigit():
            return int(text)
    return convert(value, spec)


class GeneratedMapping:
    """The generated functions of one inbound mapping (see the module docstring)."""

    def __init__(self, functions: dict[str, Callable[..., Any]], source: str, arrays: tuple[ArraySpec, ...],
                 tags: frozenset[str] = frozenset()) -> None:
        self.document: Callable[[Any, list[Any], str | None, list[Any]], dict[str, Any]] = functions["_level0"]
        self.key: Callable[[Any, list[Any], str | None], Any] | None = functions.get("_doc_key")
        self.group_key: Callable[[Any, list[Any], str | None], Any] | None = functions.get("_group_key")
        self.source = source
        self.arrays = arrays
        self.tags = tags   # segment mappings: the tags whose first segment in scope the code reads (S_TAG)

    def element_paths(self, item: dict[str, Any]) -> list[str]:
        """The JSON path of every element of ``item`` (``$``, ``$.items[0]``...) in the order they were
        built, which is the order their first units are in W."""
        paths: list[str] = []
        _walk(item, self.arrays, "$", paths)
        return paths


def _walk(element: dict[str, Any], arrays: tuple[ArraySpec, ...], prefix: str, paths: list[str]) -> None:
    paths.append(prefix)
    for array in arrays:
        found: Any = element
        for part in array.path:
            found = found.get(part) if isinstance(found, dict) else None
        for index, child in enumerate(found or ()):
            _walk(child, array.arrays, f"{prefix}.{array.dotted}[{index}]", paths)


def generate(mapping: CompiledMapping, env: SandboxedEnvironment | None) -> GeneratedMapping | None:
    """The generated form of an inbound ``mapping``, or None when it uses something not covered (or when the
    translation itself fails: the interpreter runs every mapping, so a translator bug must not stop a load)."""
    if mapping.direction != "inbound" or env is None:
        return None
    segmented = mapping.format_name == "x12"
    if mapping.format_name not in ("x12", "csv", "xlsx"):
        return None
    try:
        writer = _Writer(env, segmented, mapping.codelists)
        writer.level(mapping.fields, mapping.arrays)
        if mapping.key is not None:
            writer.scalar("_doc_key", mapping.key, rows=False)
        if mapping.group_by is not None:
            writer.scalar("_group_key", mapping.group_by, rows=False)
    except Unsupported:
        return None
    except Exception:  # noqa: BLE001 - see the docstring
        log.warning("mapping %s: no generated form (translator error); the interpreter runs it", mapping.name,
                    exc_info=True)
        return None
    source = "\n".join(writer.lines) + "\n"
    namespace = writer.ns.globals
    exec(compile(source, f"<generated from {mapping.name}>", "exec"), namespace)  # noqa: S102 - our own source
    return GeneratedMapping(namespace, source, mapping.arrays, frozenset(writer.tags))


class _Writer:
    """Writes the source of one mapping's functions."""

    def __init__(self, env: SandboxedEnvironment, segmented: bool, codelists: dict[str, list[dict[str, str]]]) -> None:
        self.segmented, self.codelists = segmented, codelists
        self.m = ", M" if segmented else ""   # segment mappings also take the message's segments
        self._made: set[str] = set()          # nested objects of the level being written: surely made,
        self._touched: set[str] = set()       # or perhaps made
        self.ns = Namespace({**runtime(env), "Conflict": Conflict, "_convert": convert, "_to_int": _to_int,
                             "_set_path": set_path,
                             "_CONDITION_FAILURES": _CONDITION_FAILURES})
        self.env = env
        self.lines: list[str] = []
        self.count = 0
        self.tags: set[str] = set()           # every tag a prelude names

    # -- names an expression may read ---------------------------------------------------------
    def translator(self, tags: set[str], rows: bool) -> Translator:
        def resolve(name: str) -> Value:
            if name == "rows":
                if not rows:
                    raise Unsupported("rows outside a group")
                return Value("G", "units") if self.segmented else Value("G", "rows")
            if self.segmented:
                if name in _SEGMENT_CALLS:
                    return Value("U")
                if name.isalnum() and name.upper() == name:
                    tags.add(name)
                    return Value(f"S_{name}", "segment", name)
                raise Unsupported(f"name {name}")
            if name == "row":
                return Value("U", "row")
            raise Unsupported(f"name {name}")
        return Translator(self.env, self.ns, resolve, self.codelists)

    def prelude(self, tags: set[str]) -> list[str]:
        """Each segment tag the level's expressions name, looked up once per element."""
        self.tags |= tags
        return [f"    S_{tag} = M[U.f.get({tag!r}, -1)]" for tag in sorted(tags)]

    # -- functions --------------------------------------------------------------------------
    def level(self, fields: tuple[Field, ...], arrays: tuple[ArraySpec, ...]) -> str:
        """``_levelN(U, G, C, W)``: one element (the document or an array element) from its group G.
        Segment mappings also take ``M``, the message's split segments (plus a final None), and their
        U and G are :class:`.shapes.Scope` loops whose segments are positions in M.

        Each element's first unit is appended to W as it is built, in the order the interpreter builds
        elements (the element, then each array's elements in turn), so :meth:`GeneratedMapping.element_paths`
        can say later which row or segment each part came from without building anything again."""
        number = self.count
        self.count += 1
        fields_name, fields_body = self.fields_function(number, fields)
        m = self.m
        body = [f"def _level{number}(U, G, C, W{m}):", "    W.append(U)", *fields_body,  # fields inline
                "    if len(G) > 1:", "        for u in G[1:]:",
                f"            if {self.differ(fields)}{fields_name}(u, G, C{m}) != out:", "                raise Conflict()"]
        for array in arrays:
            body += self.array(array)
        body.append("    return out")
        self.lines += body + [""]
        return f"_level{number}"

    def differ(self, fields: tuple[Field, ...]) -> str:
        """A cheap test before comparing a unit's fields with the first unit's: when every field reads only
        columns of its row, rows equal in those columns agree (as :func:`.build._same_columns`)."""
        if self.segmented or not all(f.row_only or f.reads_rows for f in fields):
            return ""
        columns = sorted({c for f in fields if not f.reads_rows for c in f.row_columns})
        if not columns:
            return "False and "
        return "(" + "".join(f"u[{c!r}], " for c in columns) + ") != (" + "".join(f"U[{c!r}], " for c in columns) \
            + ") and "

    def fields_function(self, number: int, fields: tuple[Field, ...]) -> tuple[str, list[str]]:
        """``_fieldsN(U, G, C)``: the level's own fields (for comparing a group's units), and its body."""
        tags: set[str] = set()
        translator = self.translator(tags, rows=True)
        body: list[str] = []
        self._made, self._touched = set(), set()
        for spec in fields:
            body += self.field(spec, translator)
        name = f"_fields{number}"
        body = [*self.prelude(tags), "    out = {}", *body]
        self.lines += [f"def {name}(U, G, C{self.m}):", *body, "    return out", ""]
        return name, body

    def field(self, spec: Field, translator: Translator) -> list[str]:
        """Statements setting one field, as :func:`.build.group_fields` would on success."""
        found = self.expression(spec, translator)
        if found.filled and spec.type == "string":  # a non-empty str or missing: nothing to test or convert
            if not spec.optional:
                return ["    " + self.store(spec.path, found.code, sure=True)]
            if found.soft is not None:
                return [f"    v = {found.soft}", "    if v is not UNDEF:", "        " + self.store(spec.path)]
        # An optional field skips a missing value only when the value itself is the missing read; a missing
        # value met inside an expression raises, and the interpreter judges it (skip, or a problem).
        soft = spec.optional and not found.safe and found.soft is not None
        if found.text and not soft and spec.type == "string":  # a str: only the empty one is left out
            return [f"    v = {found.code}", "    if v:", "        " + self.store(spec.path)]
        test = "v is not UNDEF and v is not None and v != ''" if soft else "v is not None and v != ''"
        spec_name = self.ns.ref(spec, "F")
        convert_ = {"string": f"if type(v) is not str: v = _convert(v, {spec_name})",
                    "integer": f"v = int(v) if type(v) is str and v.isdigit() and v.isascii() else _to_int(v, {spec_name})",
                    }.get(spec.type, f"v = _convert(v, {spec_name})")
        return [f"    v = {found.soft if soft else found.code}", f"    if {test}:", "        " + convert_,
                "        " + self.store(spec.path)]

    def store(self, path: tuple[str, ...], value: str = "v", sure: bool = False) -> str:
        """The statement storing ``value`` at ``path`` in ``out``. A nested object (``weight`` of ``weight.value``)
        is made by the first store that always runs, and used as is by the stores after it; until then
        (a field that may be left out came first) every store makes it if it is not there yet."""
        head = path[0]
        if len(path) == 1:
            self._touched.add(head)
            return f"out[{head!r}] = {value}"
        if len(path) != 2:
            self._touched.add(head)
            return _store_anew(path, value)
        if head in self._made:
            return f"out[{head!r}][{path[1]!r}] = {value}"
        if sure and head not in self._touched:
            self._made.add(head)
            return f"out[{head!r}] = {{{path[1]!r}: {value}}}"
        if sure:
            self._made.add(head)
        self._touched.add(head)
        return _store_anew(path, value)

    def expression(self, spec: Field, translator: Translator) -> Value:
        """The field's expression translated (a segment read as a value becomes its values dict)."""
        if spec.tree is None:  # a literal value
            return Value(self.ns.ref(spec.evaluate({}), "k"), safe=True)
        node = expression_of(spec)
        if node is None:
            raise Unsupported("template (rendered to text)")
        found = translator.expr(node)
        if found.kind != "value":
            return Value(translator.value(node))
        return found

    def array(self, array: ArraySpec) -> list[str]:
        """Statements adding one array to ``out`` from the group's children, as :func:`.build.build_element`."""
        child = self.level(array.fields, array.arrays)
        if array.loop is not None:
            kids = f"U.loops({array.loop!r})" if self.segmented else None
            if kids is None:
                raise Unsupported("loop in a tabular mapping")
        else:
            kids = "list(G)"
        lines = [f"    kids = {kids}"]
        if array.when is not None:
            lines.append(f"    kids = [k for k in kids if {self.condition(array.when)}(k, None, C{self.m})]")
        if array.group_by is None:
            lines.append(f"    items = [{child}(k, [k], C, W{self.m}) for k in kids]")
        else:
            key = self.scalar(f"_key{self.count}", array.group_by, rows=False)
            lines += ["    groups = {}", "    for k in kids:", f"        key = {key}(k, None, C{self.m})",
                      "        if key is not None:", "            groups.setdefault(key, []).append(k)",
                      f"    items = [{child}(g[0], g, C, W{self.m}) for g in groups.values()]"]
        lines += ["    if items:", "        " + _store_anew(array.path, "items")]
        return lines

    def scalar(self, name: str, spec: Field, rows: bool) -> str:
        """``name(U, G, C)``: the text of a key expression, or None when it is empty (as ``evaluate``)."""
        tags: set[str] = set()
        code = self.expression(spec, self.translator(tags, rows)).code
        convert_ = "if type(v) is not str: v" if spec.type == "string" else "v"  # as build.evaluate converts
        self.lines += [f"def {name}(U, G, C{self.m}):", *self.prelude(tags), f"    v = {code}",
                       "    if v is None or v == '':", "        return None",
                       f"    {convert_} = _convert(v, {self.ns.ref(spec, 'F')})",
                       "    return str(v)", ""]
        return name

    def condition(self, spec: Field) -> str:
        """A ``when`` test as :func:`.build._wanted`: anything that fails means "not wanted"."""
        tags: set[str] = set()
        code = self.expression(spec, self.translator(tags, rows=False)).code
        name = f"_when{self.count}"
        self.count += 1
        self.lines += [f"def {name}(U, G, C{self.m}):", "    try:", *["    " + line for line in self.prelude(tags)],
                       f"        v = {code}", "        if v is None or v == '':", "            return False",
                       f"        v = _convert(v, {self.ns.ref(spec, 'F')})", "    except _CONDITION_FAILURES:",
                       "        return False", "    return v not in (False, 'False', 'false')", ""]
        return name


def _store_anew(path: tuple[str, ...], value: str) -> str:
    """Storing at ``path`` with no knowledge of what ``out`` holds yet."""
    if len(path) == 1:
        return f"out[{path[0]!r}] = {value}"
    if len(path) == 2:
        return f"out.setdefault({path[0]!r}, {{}})[{path[1]!r}] = {value}"
    return f"_set_path(out, {path!r}, {value})"
