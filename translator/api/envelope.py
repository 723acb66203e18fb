"""One response shape whatever the API version wrapped it in.

v1 wraps every body in ``{"payload": X, "errors": [...]}`` with errors as a bare array; 2021-12-28
returns X itself and errors as ``{"errors": [...]}``; Transactions 2021-12-28 answers most failures
with a single ``Error`` object; LWA answers ``{"error", "error_description"}``. Callers see the
payload and, for failures, a list of ``{"code", "message", "details"}`` (DIGEST §2).
"""

from __future__ import annotations

from typing import Any

_ENVELOPE_KEYS = frozenset({"payload", "errors", "pagination"})


def normalise_body(body: Any) -> dict[str, Any]:
    """The payload of a successful response as a dict.

    ``payload`` is unwrapped whatever the version says, because Amazon's own 2021-12-28
    getCustomerInvoices example carries one (DIGEST §10). An empty body (202 with nothing) is ``{}``.
    """
    if body is None or body == "":
        return {}
    if isinstance(body, dict) and "payload" in body and set(body) <= _ENVELOPE_KEYS:
        payload = body["payload"]
        if isinstance(payload, dict):
            return payload
        return {"payload": payload}
    if isinstance(body, dict):
        return body
    return {"payload": body}


def normalise_error(raw: Any) -> dict[str, Any]:
    """One error as ``{"code", "message", "details"}`` (details ``None`` when absent)."""
    if not isinstance(raw, dict):
        return {"code": "Unknown", "message": str(raw), "details": None}
    code = raw.get("code", raw.get("error"))
    message = raw.get("message", raw.get("error_description"))
    return {
        "code": str(code) if code is not None else "Unknown",
        "message": str(message) if message is not None else "",
        "details": raw.get("details"),
    }


def normalise_errors(body: Any) -> list[dict[str, Any]]:
    """Errors of a body in any of the shapes the DF APIs use; ``[]`` when it carries none."""
    if isinstance(body, list):
        return [normalise_error(item) for item in body]
    if not isinstance(body, dict):
        return []
    errors = body.get("errors")
    if isinstance(errors, list):
        return [normalise_error(item) for item in errors]
    if isinstance(errors, dict):
        return normalise_errors(errors)
    if "code" in body and "message" in body:
        return [normalise_error(body)]
    if "error" in body:  # LWA
        return [normalise_error(body)]
    return []


def summarise_errors(errors: list[dict[str, Any]], limit: int = 3) -> str:
    """``code: message`` of the first few errors, for an exception message."""
    shown = [f"{e['code']}: {e['message']}".rstrip(": ") for e in errors[:limit]]
    more = len(errors) - limit
    if more > 0:
        shown.append(f"and {more} more")
    return "; ".join(shown)


def normalise_transaction(body: dict[str, Any]) -> dict[str, Any]:
    """getTransactionStatus (either version) as ``{"transactionId", "status", "errors": [...]}``."""
    status = body.get("transactionStatus", body)
    if not isinstance(status, dict):
        status = {}
    return {
        "transactionId": status.get("transactionId"),
        "status": status.get("status"),
        "errors": normalise_errors({"errors": status.get("errors")}) if status.get("errors") else [],
    }
