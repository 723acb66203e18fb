"""One schema and one rule set per Amazon DF document.

``schema.validate`` checks a document's shape against our own JSON Schemas (written from the official
2021-12-28 / Payments v1 / Inventory v1 models); ``rules.check`` holds every DF business rule. The
sandbox, the engine and the mapping engine all call these two, so a rule lives in exactly one place.
"""

from __future__ import annotations

from translator.documents.kinds import KINDS, REQUEST_BODY_KEY, SUBMITTED_KINDS, request_body

__all__ = ["KINDS", "REQUEST_BODY_KEY", "SUBMITTED_KINDS", "request_body"]
