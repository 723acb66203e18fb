"""Loading a mapping file: parse with line numbers, apply ``extends``, check everything, compile once.

Every check happens here, before any input file is touched, and every failure is a
:class:`~translator.errors.MappingError` naming the mapping file, the line and the key:
unknown keys, unknown API fields (against :func:`translator.documents.schema.field_paths`), broken
Jinja expressions, columns used but not declared, missing code lists, bad format options.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from translator.documents import schema
from translator.documents.kinds import KINDS
from translator.errors import ConfigError, MappingError
from translator.formats import get_format
from translator.mapping.expressions import (
    Field,
    Where,
    attribute_chains,
    attributes_of,
    compile_field,
    filter_calls,
    new_environment,
)
from translator.mapping.generated import generate
from translator.mapping.spec import ArraySpec, Column, CompiledMapping, Loop, RecordSpec
from translator.mapping.yamlsrc import LineDict, load_yaml, overlay

TABULAR = ("csv", "xlsx")
SEGMENTED = ("x12", "edifact", "fixed")
COMMON_KEYS = {"document", "direction", "description", "extends", "format", "codelists_dir"}
INBOUND_KEYS = {"key", "fields", "arrays"}
TABULAR_KEYS = {"columns", "group_by", "sorted_input"}
SEGMENT_KEYS = {"loops", "document_loop", "messages"}
OUTBOUND_KEYS = {"records"}
ARRAY_KEYS = {"fields", "arrays", "group_by", "when", "loop"}
LOOP_KEYS = {"start", "hl_level", "within", "until"}
RECORD_KEYS = {"tag", "values", "each", "as", "when", "records"}
SEGMENT_FUNCTIONS = {"seg", "segs", "every"}


def read_source(path: Path, seen: tuple[Path, ...] = ()) -> LineDict:
    """The mapping's YAML with any ``extends`` chain applied (base first, this file on top)."""
    data = load_yaml(path)
    parent = data.get("extends")
    if parent is None:
        return data
    base_path = (path.parent / str(parent)).resolve()
    where = Where(str(path), data.line_of("extends"), "extends")
    if base_path in seen or base_path == path.resolve():
        raise where.error(f"extends loops back to {parent}")
    if not base_path.is_file():
        raise where.error(f"extends names {parent}, which does not exist beside this mapping")
    base = read_source(base_path, (*seen, path.resolve()))
    merged = overlay(base, data)
    if "format" in data:  # a different format keeps none of the base's format options
        merged["format"] = data["format"]
    merged.pop("extends", None)
    return merged


class _Compiler:
    """Compiles one mapping; holds the file's environment and code lists while it works."""

    def __init__(self, path: Path, data: LineDict) -> None:
        self.path, self.data = path, data
        self.codelist_dir = path.parent / str(data.get("codelists_dir", "codelists"))
        self.codelists: dict[str, list[dict[str, str]]] = {}
        self.env: SandboxedEnvironment = new_environment(self.codelists)
        self.columns: tuple[Column, ...] = ()
        self.known_paths: set[str] = set()
        self.loop_names: set[str] = set()
        fmt = data.get("format")
        self.segmented = isinstance(fmt, dict) and fmt.get("name") in SEGMENTED

    def where(self, block: LineDict, key: str, label: str | None = None) -> Where:
        return Where(block.file_of(key) or str(self.path), block.line_of(key), label or key)

    def compile(self) -> CompiledMapping:
        data = self.data
        document, direction = self._document(), self._direction()
        if (document == "orders") != (direction == "outbound"):
            raise self.where(self.data, "direction").error(
                "orders are outbound (Amazon to your ERP); every other document is inbound")
        format_name, raw_options, options = self._format()
        self._check_keys(data, self._allowed(direction, format_name), "top level")
        common = dict(path=str(self.path), name=self.path.name, document=document, direction=direction,
                      format_name=format_name, format_raw=raw_options, format_options=options,
                      codelists=self.codelists, env=self.env)
        if direction == "outbound":
            self.known_paths = schema.field_paths("orders")
            records = self._records(data.get("records"), data, "records", {"order": ""})
            return CompiledMapping(**common, records=records)
        self.known_paths = schema.field_paths(document)
        self.loop_names = {str(name) for name in data.get("loops") or ()}
        self.columns = self._columns(data.get("columns")) if format_name in TABULAR else ()
        compiled = CompiledMapping(
            **common, columns=self.columns, fields=self._fields(data, "fields", ()),
            arrays=self._arrays(data.get("arrays"), data, ()), key=self._optional_expr(data, "key"),
            group_by=self._optional_expr(data, "group_by"), loops=self._loops(data),
            sorted_input=self._flag(data, "sorted_input"),
            document_loop=data.get("document_loop"), messages=tuple(str(m) for m in data.get("messages") or ()))
        return replace(compiled, generated=generate(compiled, self.env))

    # -- top level -------------------------------------------------------------------------
    def _document(self) -> str:
        document = self.data.get("document")
        if document not in KINDS:
            raise self.where(self.data, "document").error(
                f"document must be one of {', '.join(KINDS)} (got {document!r})")
        return str(document)

    def _direction(self) -> str:
        direction = self.data.get("direction")
        if direction not in ("inbound", "outbound"):
            raise self.where(self.data, "direction").error("direction must be inbound or outbound")
        return str(direction)

    def _format(self) -> tuple[str, dict[str, Any], Any]:
        block = self.data.get("format")
        if not isinstance(block, LineDict) or "name" not in block:
            raise self.where(self.data, "format").error("format needs a name (csv, xlsx, x12, edifact, fixed)")
        self._check_keys(block, {"name", "options"}, "format")
        name = str(block["name"])
        raw = dict(block.get("options") or {})
        try:
            module = get_format(name)
            options = module.parse_options(raw)
        except MappingError as exc:
            raise self.where(block, "options" if "options" in block else "name", "format.options").error(
                exc.detail) from exc
        except ConfigError as exc:
            raise self.where(block, "name", "format.name").error(str(exc)) from exc
        return name, raw, options

    def _allowed(self, direction: str, format_name: str) -> set[str]:
        if direction == "outbound":
            return COMMON_KEYS | OUTBOUND_KEYS
        extra = TABULAR_KEYS if format_name in TABULAR else SEGMENT_KEYS
        return COMMON_KEYS | INBOUND_KEYS | extra

    def _check_keys(self, block: LineDict, allowed: set[str], label: str) -> None:
        for key in block:
            if key not in allowed:
                raise self.where(block, key).error(
                    f"unknown key {key!r} in {label}; allowed here: {', '.join(sorted(allowed))}")

    # -- expressions -----------------------------------------------------------------------
    def _expr(self, block: LineDict, key: str, path: tuple[str, ...], label: str) -> Field:
        where = self.where(block, key, label)
        compiled = compile_field(self.env, path, block[key], where)
        if compiled.tree is not None:
            self._check_calls(compiled, where)
            self._check_columns(compiled, where)
        return compiled

    def _flag(self, block: LineDict, key: str) -> bool:
        value = block.get(key, False)
        if not isinstance(value, bool):
            raise self.where(block, key).error(f"{key} is true or false")
        return value

    def _optional_expr(self, block: LineDict, key: str) -> Field | None:
        return self._expr(block, key, (key,), key) if key in block else None

    def _check_calls(self, compiled: Field, where: Where) -> None:
        """Code lists named by lookups must exist; called functions must be ours."""
        functions = set(self.env.globals) | (SEGMENT_FUNCTIONS if self.segmented else set())
        for name, args in filter_calls(compiled.tree):
            if name == "map" and args and args[0] == "lookup":  # rows | map('lookup', 'list', ...)
                name, args = "lookup", args[1:]
            if name == "lookup":
                self._need_codelist(args[0] if args else None, args[1:3], where)
            elif name == "lookup2":
                self._need_codelist(args[2] if len(args) > 2 else None, args[3:6], where)
            elif name and name not in self.env.filters and name not in functions:
                raise where.error(f"unknown function {name!r}; known: {', '.join(sorted(functions))}")

    def _need_codelist(self, name: Any, columns: list[Any], where: Where) -> None:
        if not isinstance(name, str):
            raise where.error("lookup needs the code list name as a quoted constant, e.g. lookup('units', 'code', 'api')")
        if name not in self.codelists:
            file = self.codelist_dir / f"{name}.csv"
            if not file.is_file():
                raise where.error(f"code list {name!r} not found (looked for {file})")
            with file.open(encoding="utf-8", newline="") as handle:
                self.codelists[name] = [dict(row) for row in csv.DictReader(handle)]
        header = set(self.codelists[name][0]) if self.codelists[name] else set()
        for column in columns:
            if isinstance(column, str) and column not in header:
                raise where.error(f"code list {name!r} has no column {column!r}; it has {', '.join(sorted(header))}")

    def _check_columns(self, compiled: Field, where: Where) -> None:
        if not self.columns:
            return
        declared = {c.name for c in self.columns}
        for attr in attributes_of(compiled.tree, "row") - declared:
            raise where.error(f"column {attr!r} is used but not declared under columns:")

    # -- inbound ---------------------------------------------------------------------------
    def _fields(self, block: LineDict, key: str, prefix: tuple[str, ...]) -> tuple[Field, ...]:
        fields = block.get(key) or LineDict()
        if not isinstance(fields, dict):
            raise self.where(block, key).error("fields must be a block of api.field.path: expression")
        out = []
        for name in fields:
            path = tuple(name.split("."))
            self._check_api_path(prefix + path, fields, name)
            out.append(self._expr(fields, name, path, f"{key}.{name}"))
        return tuple(out)

    def _check_api_path(self, full: tuple[str, ...], block: LineDict, key: str) -> None:
        dotted = ".".join(full)
        if dotted not in self.known_paths:
            near = sorted(p for p in self.known_paths if p.rsplit(".", 1)[-1] == full[-1])
            hint = f"; did you mean {near[0]}?" if near else ""
            raise self.where(block, key).error(f"{dotted} is not a field of {self.data['document']}{hint}")

    def _arrays(self, block: Any, parent: LineDict, prefix: tuple[str, ...]) -> tuple[ArraySpec, ...]:
        if block is None:
            return ()
        if not isinstance(block, LineDict):
            raise self.where(parent, "arrays").error("arrays must be a block of arrayName: {fields: ...}")
        out = []
        for name, spec in block.items():
            if not isinstance(spec, LineDict):
                raise self.where(block, name).error("an array needs a block with fields:")
            self._check_keys(spec, ARRAY_KEYS, f"arrays.{name}")
            path = tuple(name.split("."))
            self._check_api_path(prefix + path, block, name)
            if "loop" in spec and spec["loop"] not in self.loop_names:
                raise self.where(spec, "loop").error(f"loop {spec['loop']!r} is not declared under loops:")
            element = (*prefix, *path[:-1], path[-1] + "[]")
            out.append(ArraySpec(
                path=path, fields=self._fields(spec, "fields", element), arrays=self._arrays(spec.get("arrays"), spec, element),
                where=self.where(block, name), group_by=self._optional_expr(spec, "group_by"),
                when=self._optional_expr(spec, "when"), loop=spec.get("loop")))
        return tuple(out)

    def _columns(self, block: Any) -> tuple[Column, ...]:
        if not isinstance(block, LineDict) or not block:
            raise self.where(self.data, "columns").error(
                "a csv/xlsx mapping needs columns: {name: [header aliases]}")
        out = []
        for name, spec in block.items():
            optional = False
            if isinstance(spec, LineDict):
                optional = bool(spec.get("optional", False))
                spec = spec.get("aliases", [])
            aliases = [spec] if isinstance(spec, str) else list(spec or [])
            out.append(Column(name, tuple(str(a) for a in aliases), optional))
        return tuple(out)

    def _loops(self, data: LineDict) -> tuple[Loop, ...]:
        block = data.get("loops") or LineDict()
        out = []
        for name, spec in block.items():
            if not isinstance(spec, LineDict):
                raise self.where(block, name).error("a loop needs start: TAG or hl_level: CODE")
            self._check_keys(spec, LOOP_KEYS, f"loops.{name}")
            start = str(spec.get("start", "HL" if "hl_level" in spec else ""))
            if not start:
                raise self.where(block, name).error("a loop needs start: TAG or hl_level: CODE")
            out.append(Loop(name, start, spec.get("hl_level"), spec.get("within"), tuple(spec.get("until") or ())))
        names = {loop.name for loop in out}
        if data.get("document_loop") and data["document_loop"] not in names:
            raise self.where(data, "document_loop").error(f"document_loop names no declared loop ({', '.join(names)})")
        return tuple(out)

    # -- outbound --------------------------------------------------------------------------
    def _records(self, block: Any, parent: LineDict, label: str, scope: dict[str, str]) -> tuple[RecordSpec, ...]:
        if not isinstance(block, list) or not block:
            raise self.where(parent, "records" if "records" in parent else "direction").error(
                "an outbound mapping needs records: a list of {tag, values} blocks")
        out = []
        for index, spec in enumerate(block):
            if not isinstance(spec, LineDict) or "tag" not in spec:
                raise self.where(parent, "records").error(f"{label}[{index}] needs a tag")
            self._check_keys(spec, RECORD_KEYS, f"{label}[{index}]")
            each = self._optional_expr(spec, "each")
            inner = dict(scope)
            if each is not None:
                self._check_order_paths(each, scope)
                inner[str(spec.get("as", "item"))] = self._element_prefix(each, scope)
            values = spec.get("values") or LineDict()
            fields = tuple(self._expr(values, name, (name,), f"{label}.{spec['tag']}.{name}") for name in values)
            for compiled in fields:
                self._check_order_paths(compiled, inner)
            when = self._optional_expr(spec, "when")
            if when is not None:
                self._check_order_paths(when, inner)
            children = self._records(spec["records"], spec, f"{label}.{spec['tag']}", inner) if "records" in spec else ()
            out.append(RecordSpec(str(spec["tag"]), fields, self.where(spec, "tag"), each,
                                  str(spec.get("as", "item")), when, children))
        return tuple(out)


    def _check_order_paths(self, compiled: Field, scope: dict[str, str]) -> None:
        """``order.orderDetails.shipToParty.nmae`` is a load-time error, not an always-empty column."""
        for root, parts in attribute_chains(compiled.tree):
            if root not in scope or scope[root] is None:
                continue
            path = ".".join(p for p in (scope[root], ".".join(parts)) if p)
            if path and not self._known_prefix(path):
                raise compiled.where.error(f"{root}.{'.'.join(parts)} is not a field of an order ({path})")

    def _known_prefix(self, path: str) -> bool:
        return path in self.known_paths or any(p.startswith(path + "[]") for p in self.known_paths)

    def _element_prefix(self, each: Field, scope: dict[str, str]) -> Any:
        chains = attribute_chains(each.tree)
        if len(chains) != 1 or chains[0][0] not in scope or scope[chains[0][0]] is None:
            return None  # not a plain path: the element's fields cannot be checked
        root, parts = chains[0]
        return ".".join(p for p in (scope[root], ".".join(parts)) if p) + "[]"


def compile_mapping(path: str | Path) -> CompiledMapping:
    """Load, check and compile ``path``; raises MappingError naming file and line."""
    file = Path(path)
    if not file.is_file():
        raise MappingError("mapping file not found", mapping_file=str(file))
    return _Compiler(file, read_source(file)).compile()
