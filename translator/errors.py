"""One exception tree, grouped by what the caller should do about it.

::

    TranslatorError
     ├── ConfigError          the user's configuration is wrong; fix it and rerun
     ├── MappingError         a mapping file is wrong; names the file and line
     ├── DocumentRejected     a document broke a rule; carries located Problems, goes to a report
     ├── RetriableError       try again later (429, 5xx, timeouts, SFTP drops)
     │    └── ThrottledError  429 from the API
     └── FatalError           cannot continue (bad credentials, 4xx from the API, bugs in the input we cannot locate)
          └── ApiError        a non-retriable HTTP answer from the API, with status and the API's errors

Third-party exceptions (requests, paramiko, calamine, yaml, jinja2) are translated into this
tree at the module that calls the library, so the engine dispatches on class, never on text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from translator.problems import Problem


class TranslatorError(Exception):
    """Root of every error translator raises on purpose."""


class ConfigError(TranslatorError):
    """The configuration (translator.toml, environment, command line) is wrong or incomplete."""


class MappingError(TranslatorError):
    """A mapping file cannot be loaded or compiled; always names the file and, when known, the line."""

    def __init__(self, message: str, *, mapping_file: str | None = None, line: int | None = None,
                 key: str | None = None) -> None:
        self.mapping_file = mapping_file
        self.line = line
        self.key = key
        self.detail = message
        where = mapping_file or "<mapping>"
        if line is not None:
            where += f":{line}"
        if key:
            where += f" ({key})"
        super().__init__(f"{where}: {message}")


class DocumentRejected(TranslatorError):
    """One or more documents broke a rule; the problems say where and why."""

    def __init__(self, problems: Sequence[Problem], message: str | None = None) -> None:
        self.problems = list(problems)
        super().__init__(message or f"{len(self.problems)} problem(s) found")


class RetriableError(TranslatorError):
    """A transient failure: the same request may succeed later."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class ThrottledError(RetriableError):
    """HTTP 429 from the API after our own retries were exhausted."""


class FatalError(TranslatorError):
    """A failure that retrying will not fix."""


class ApiError(FatalError):
    """A non-retriable HTTP answer from the SP-API (or the sandbox).

    ``errors`` holds the API's error objects normalised to ``[{"code", "message", "details"}]``
    whatever the API version's envelope looked like.
    """

    def __init__(self, message: str, *, status: int, operation: str | None = None,
                 errors: list[dict[str, Any]] | None = None) -> None:
        self.status = status
        self.operation = operation
        self.errors = errors or []
        super().__init__(message)
