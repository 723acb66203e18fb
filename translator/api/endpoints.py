"""Where to send requests: Amazon's regional hosts, Amazon's sandbox hosts, or any base URL.

A local sandbox (``http://127.0.0.1:8321``) serves its own LWA endpoint at ``/auth/o2/token``,
so for a URL the token endpoint defaults to one under the same base.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from translator.errors import ConfigError

LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"
AMAZON_SANDBOX_PLAN: tuple[float, int] = (5.0, 15)  # DevGuide-2021: sandbox endpoints, every operation

REGION_HOSTS: dict[str, str] = {
    "na": "https://sellingpartnerapi-na.amazon.com",
    "eu": "https://sellingpartnerapi-eu.amazon.com",
    "fe": "https://sellingpartnerapi-fe.amazon.com",
    "sandbox-na": "https://sandbox.sellingpartnerapi-na.amazon.com",
    "sandbox-eu": "https://sandbox.sellingpartnerapi-eu.amazon.com",
    "sandbox-fe": "https://sandbox.sellingpartnerapi-fe.amazon.com",
}


@dataclass(frozen=True)
class Endpoint:
    """The SP-API base URL (no trailing slash) and the LWA token URL to use with it."""

    api_base: str
    token_url: str

    @property
    def is_amazon(self) -> bool:
        """True for Amazon's own hosts (production or Amazon's sandbox)."""
        return self.api_base in REGION_HOSTS.values()

    @property
    def is_amazon_sandbox(self) -> bool:
        """True for Amazon's sandbox hosts, which throttle every operation at 5 req/s, burst 15."""
        return self.is_amazon and self.api_base.startswith("https://sandbox.")

    @property
    def is_local(self) -> bool:
        """True for a base URL that is not Amazon's: the local sandbox or a test server."""
        return not self.is_amazon


def resolve_endpoint(name_or_url: str, *, token_url: str | None = None) -> Endpoint:
    """``na|eu|fe|sandbox-na|sandbox-eu|sandbox-fe`` or an http(s) base URL to an :class:`Endpoint`."""
    value = name_or_url.strip()
    key = value.lower()
    if key in REGION_HOSTS:
        return Endpoint(REGION_HOSTS[key], token_url or LWA_TOKEN_URL)
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        names = ", ".join(REGION_HOSTS)
        raise ConfigError(f"endpoint {value!r} is neither a region ({names}) nor an http(s) URL")
    base = value.rstrip("/")
    if base in REGION_HOSTS.values():
        return Endpoint(base, token_url or LWA_TOKEN_URL)
    return Endpoint(base, token_url or f"{base}/auth/o2/token")
