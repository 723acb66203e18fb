"""One schema and one rule set per Amazon DF document.

* :mod:`translator.documents.schema` checks a document's *shape* against our own JSON Schemas in
  ``schemas/<kind>.json`` (written from the official 2021-12-28 models, Payments and Inventory v1):
  ``validate(kind, item, *, version=None)``, ``validate_request(kind, body)``, ``is_valid`` (fast yes/no),
  ``field_paths(kind)`` (every API field, for the mapping loader) and ``load_schema(kind)``.
* :mod:`translator.documents.rules` holds *every* DF business rule: ``check(kind, item, facts)``,
  where ``facts`` answers questions about orders and earlier submissions (``OrderFacts``; ``None`` =
  unknown, and the rule needing it is skipped).
* :mod:`translator.documents.codelists` ships Amazon's code lists (acknowledgement codes, shipment
  status/reason pairs) as CSV, shared with the mapping engine.

The sandbox, the engine and the mapping engine all call these, so a rule lives in exactly one place.
"""

from __future__ import annotations

from translator.documents.kinds import KINDS, REQUEST_BODY_KEY, SUBMITTED_KINDS, request_body

__all__ = ["KINDS", "REQUEST_BODY_KEY", "SUBMITTED_KINDS", "request_body"]
