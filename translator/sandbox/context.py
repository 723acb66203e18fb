"""What a handler sees of one request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from translator.api.operations import Operation
from translator.sandbox.auth import TokenStore
from translator.sandbox.config import SandboxConfig
from translator.sandbox.state import SandboxState


@dataclass
class Ctx:
    op: Operation
    params: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    raw_body: bytes
    state: SandboxState
    config: SandboxConfig
    tokens: TokenStore
    now: float

    @property
    def moment(self) -> datetime:
        return datetime.fromtimestamp(self.now, UTC)

    @property
    def v1(self) -> bool:
        return self.op.version == "v1"
