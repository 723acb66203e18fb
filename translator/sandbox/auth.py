"""LWA access tokens and Restricted Data Tokens, issued and then checked (expiry included).

By default any client id, secret and refresh token is accepted (like a developer's first run);
a config with credentials accepts only those. RDTs are bound to the ``{method, path}`` resources
they were requested for; a generic path (``{purchaseOrderNumber}``) covers every PO.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs

from translator.api.operations import match_path
from translator.sandbox.config import SandboxConfig
from translator.sandbox.errors import ApiFailure, error

MAX_RESOURCES = 50  # Tokens model: restrictedResources "Maximum: 50"


@dataclass(frozen=True)
class Grant:
    """A live token: an LWA access token (no resources) or an RDT bound to its resources."""
    expires_at: float
    resources: frozenset[tuple[str, str]] | None = None  # None: an LWA access token


def lwa_error(status: int, code: str, description: str) -> tuple[int, dict]:
    """An LWA error answer (``error``/``error_description``, not the SP-API shape)."""
    return status, {"error": code, "error_description": description}


class TokenStore:
    """Issued tokens and their expiry; thread-safe."""
    def __init__(self, config: SandboxConfig) -> None:
        self._config = config
        self._grants: dict[str, Grant] = {}
        self._lock = threading.Lock()

    def _refusal(self, form: dict[str, str]) -> tuple[int, dict] | None:
        """LWA's answer to credentials the sandbox was told not to accept (None when accepted)."""
        cfg = self._config
        client = (("client_id", cfg.client_id), ("client_secret", cfg.client_secret))
        if any(want is not None and form.get(key) != want for key, want in client):
            return lwa_error(401, "invalid_client", "Client authentication failed")
        if cfg.refresh_token is not None and form.get("refresh_token") != cfg.refresh_token:
            return lwa_error(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token")
        return None

    def lwa_token(self, body: bytes, now: float) -> tuple[int, dict]:
        """``POST /auth/o2/token`` with a form-encoded refresh_token grant."""
        form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        if form.get("grant_type") != "refresh_token":
            return lwa_error(400, "unsupported_grant_type", "Only grant_type=refresh_token is supported")
        missing = [k for k in ("client_id", "client_secret", "refresh_token") if not form.get(k)]
        if missing:
            return lwa_error(400, "invalid_request", f"Missing parameter(s): {', '.join(missing)}")
        refusal = self._refusal(form)
        if refusal is not None:
            return refusal
        token = "Atza|" + secrets.token_urlsafe(48)
        with self._lock:
            self._grants[token] = Grant(now + self._config.token_ttl)
        return 200, {"access_token": token, "token_type": "bearer", "expires_in": self._config.token_ttl,
                     "refresh_token": form["refresh_token"]}

    def issue_rdt(self, resources: frozenset[tuple[str, str]], now: float) -> str:
        """A new RDT for ``resources``, valid for ``rdt_ttl`` seconds."""
        token = "Atz.sprdt|" + secrets.token_urlsafe(48)
        with self._lock:
            self._grants[token] = Grant(now + self._config.rdt_ttl, resources)
        return token

    def lookup(self, token: str | None, now: float) -> Grant:
        """The live grant for ``token`` or a 401 saying why not."""
        if not token:
            raise ApiFailure(401, [error("Unauthorized", "Access to requested resource is denied.",
                                         "The request has no x-amz-access-token header.")])
        with self._lock:
            grant = self._grants.get(token)
        if grant is None:
            raise ApiFailure(401, [error("Unauthorized", "Access to requested resource is denied.",
                                         "The access token is not valid.")])
        if grant.expires_at <= now:
            raise ApiFailure(401, [error("Unauthorized", "Access to requested resource is denied.",
                                         "The access token has expired.")])
        return grant

    def expire_all(self) -> None:
        """Forget every token, so clients must renew (tests of 401 handling)."""
        with self._lock:
            self._grants.clear()


def covers(grant: Grant, method: str, path: str, template: str) -> bool:
    """Whether an RDT grant covers this call (specific or generic path)."""
    if grant.resources is None:
        return False
    return (method, path) in grant.resources or (method, template) in grant.resources


def validate_resources(body: dict) -> frozenset[tuple[str, str]]:
    """The ``restrictedResources`` of a createRestrictedDataToken body, or a 400."""
    resources = body.get("restrictedResources") if isinstance(body, dict) else None
    if not isinstance(resources, list) or not resources:
        raise ApiFailure(400, [error("InvalidInput", "Request is missing or has invalid parameters",
                                     "Resource not provided.")])
    if len(resources) > MAX_RESOURCES:
        raise ApiFailure(400, [error("InvalidInput", "Request is missing or has invalid parameters",
                                     f"At most {MAX_RESOURCES} restricted resources per token.")])
    found = set()
    for resource in resources:
        method = resource.get("method") if isinstance(resource, dict) else None
        path = resource.get("path") if isinstance(resource, dict) else None
        if method not in ("GET", "PUT", "POST", "DELETE") or not isinstance(path, str) or not path.startswith("/"):
            raise ApiFailure(400, [error("InvalidInput", "Request is missing or has invalid parameters",
                                         "Resource not provided.")])
        matched = match_path(method, path)
        if matched is None or not matched[0].restricted:
            raise ApiFailure(400, [error("InvalidInput", "Could not match input arguments",
                                         f"{method} {path} is not a restricted operation")])
        found.add((method, path))
    return frozenset(found)
