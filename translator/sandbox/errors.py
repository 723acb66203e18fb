"""The sandbox's error answer: raised by handlers, rendered in the operation's envelope by the app."""

from __future__ import annotations


class ApiFailure(Exception):
    """An HTTP error answer with SP-API error objects ``[{"code", "message", "details"}]``."""

    def __init__(self, status: int, errors: list[dict], headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.errors = errors
        self.headers = headers or {}
        super().__init__(f"{status}: {errors[0]['code'] if errors else ''}")


def error(code: str, message: str, details: str = "") -> dict:
    """One SP-API error object."""
    return {"code": code, "message": message, "details": details}


def invalid(message: str, details: str = "") -> ApiFailure:
    """400 InvalidInput, the code Amazon's static sandbox uses for bad parameters and bodies."""
    return ApiFailure(400, [error("InvalidInput", message, details)])


def not_found(what: str) -> ApiFailure:
    """404 NotFound for an unknown PO, label, slip, invoice or transaction."""
    return ApiFailure(404, [error("NotFound", f"{what} was not found.")])
