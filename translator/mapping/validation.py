"""Validation of a mapped document before anything could be submitted.

Schema and business rules live in :mod:`translator.documents`; this module only calls them and
re-locates each problem to the row or segment that produced the offending field, using the
field-path -> SourceRef map the mapper kept.
"""

from __future__ import annotations

from typing import Any

from translator.documents import schema
from translator.mapping.results import MappedDocument, locate
from translator.problems import Problem
from translator.records import SourceRef


def validate(doc: MappedDocument, facts: Any | None = None) -> list[Problem]:
    """Mapping problems, schema problems and rule problems of ``doc``, each located in the input file."""
    found = list(doc.problems)
    found += schema.validate(doc.kind, doc.item)
    found += _rules(doc, facts)
    return [_relocate(p, doc) for p in found]


def _rules(doc: MappedDocument, facts: Any | None) -> list[Problem]:
    try:
        from translator.documents import rules
    except ImportError:  # the rules module is written in parallel; the schema still applies
        return []
    return list(rules.check(doc.kind, doc.item, facts))


def _relocate(problem: Problem, doc: MappedDocument) -> Problem:
    if problem.file or problem.line or problem.segment:
        return problem.located(document=doc.key)
    return locate(problem, source_for(doc, problem.field), document=doc.key)


def source_for(doc: MappedDocument, path: str | None) -> SourceRef | None:
    """The source of ``path`` or of its nearest mapped parent (``$.items[1]`` for ``$.items[1].x``)."""
    while path:
        if path in doc.field_sources:
            return doc.field_sources[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return doc.sources[0] if doc.sources else None
