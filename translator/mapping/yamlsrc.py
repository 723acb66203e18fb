"""YAML loading that remembers where every key was written.

Mapping errors must name the file *and line* ("orders.csv.yaml:14 (fields.purchaseOrderNumber)"), so
mappings are parsed with a SafeLoader whose mappings are :class:`LineDict` objects: plain dicts that
also carry the 1-based line of themselves and of each key. Duplicate keys are an error, not a silent
"last one wins".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from translator.errors import MappingError


class LineDict(dict[str, Any]):
    """A dict from YAML that knows its own line and the line of each key."""

    line: int = 0
    file: str = ""
    key_lines: dict[str, int]
    key_files: dict[str, str]

    def line_of(self, key: str) -> int:
        """Line of ``key`` (or of the mapping itself when the key is absent)."""
        return self.key_lines.get(key, self.line) if hasattr(self, "key_lines") else self.line

    def file_of(self, key: str) -> str:
        """File that wrote ``key`` (differs from the overlay's file for keys inherited via ``extends``)."""
        return getattr(self, "key_files", {}).get(key, self.file)


class _Loader(yaml.SafeLoader):
    """SafeLoader building LineDicts; one instance per file, no shared state."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.file = loader.name
    result.key_lines = {}
    result.key_files = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise MappingError(f"the key {key!r} appears twice in the same block",
                               mapping_file=loader.name, line=line, key=key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
        result.key_files[key] = loader.name
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> LineDict:
    """Parse ``path``; syntax errors become MappingError with the line YAML reported."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"cannot read the mapping: {exc}", mapping_file=str(path)) from exc
    loader = _Loader(text)
    loader.name = str(path)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise MappingError(f"not valid YAML: {exc.problem or exc}", mapping_file=str(path), line=line) from exc
    except yaml.YAMLError as exc:
        raise MappingError(f"not valid YAML: {exc}", mapping_file=str(path)) from exc
    finally:
        loader.dispose()
    if not isinstance(data, LineDict):
        raise MappingError("a mapping file must be a YAML mapping (key: value lines)",
                           mapping_file=str(path), line=1)
    return data


def overlay(base: Any, top: Any) -> Any:
    """``extends`` semantics: mappings merge key by key (recursively), anything else is replaced."""
    if isinstance(base, LineDict) and isinstance(top, LineDict):
        merged = LineDict(base)
        merged.line, merged.file = top.line, top.file
        merged.key_lines = {**base.key_lines, **top.key_lines}
        merged.key_files = {**base.key_files, **top.key_files}
        for key, value in top.items():
            merged[key] = overlay(base[key], value) if key in base else value
        return merged
    return top
