"""LWA credentials: where they come from, and making sure they never show up in output.

The three values identify the application and the vendor's authorisation. They are loaded from the
environment or the config file and only ever leave this object inside the token request's body.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from translator.errors import ConfigError

ENV_VARS: dict[str, str] = {
    "client_id": "LWA_CLIENT_ID",
    "client_secret": "LWA_CLIENT_SECRET",
    "refresh_token": "SP_API_REFRESH_TOKEN",
}

SANDBOX_PLACEHOLDER = "sandbox"


def mask(secret: str) -> str:
    """A recognisable but useless form of a secret: its last 4 characters at most."""
    if len(secret) <= 8:
        return "****"
    return f"****{secret[-4:]}"


@dataclass(frozen=True)
class Credentials:
    """LWA client id, client secret and the vendor's refresh token (repr and str are masked)."""

    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)

    def __repr__(self) -> str:
        return (f"Credentials(client_id={mask(self.client_id)!r}, client_secret='****', "
                f"refresh_token='****')")

    __str__ = __repr__

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials:
        """Read LWA_CLIENT_ID, LWA_CLIENT_SECRET and SP_API_REFRESH_TOKEN.

        Raises ConfigError naming the first missing variable and how to set it.
        """
        env = os.environ if environ is None else environ
        values = {}
        for key, var in ENV_VARS.items():
            value = env.get(var, "").strip()
            if not value:
                raise ConfigError(
                    f"{var} is not set: export {var}=... (or put {key} in the [credentials] table "
                    f"of translator.toml)")
            values[key] = value
        return cls(**values)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], *, source: str = "[credentials]") -> Credentials:
        """Build from a config table with keys client_id, client_secret, refresh_token."""
        values = {}
        for key, var in ENV_VARS.items():
            value = data.get(key)
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(
                    f"{key} is missing from {source}: add {key} = \"...\" there, or set {var} "
                    f"in the environment")
            values[key] = value.strip()
        return cls(**values)

    @classmethod
    def sandbox(cls) -> Credentials:
        """Dummy credentials the local sandbox accepts by default."""
        return cls(SANDBOX_PLACEHOLDER, SANDBOX_PLACEHOLDER, SANDBOX_PLACEHOLDER)

    def secrets(self) -> tuple[str, ...]:
        """The values that must never appear in logs (for log-scrubbing tests and filters)."""
        return (self.client_secret, self.refresh_token)
