"""The sandbox in-process as a ``requests`` transport adapter (no socket, same application).

``session.mount("http://sandbox.local", SandboxAdapter(app))`` makes every request to that prefix
go straight to :class:`SandboxApp`, which is what tests and ``translator demo`` want.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from translator.sandbox.app import SandboxApp
from translator.sandbox.config import SandboxConfig


class SandboxAdapter(BaseAdapter):
    """Dispatch ``PreparedRequest`` objects to a :class:`SandboxApp`."""

    def __init__(self, app: SandboxApp | SandboxConfig | None = None) -> None:
        super().__init__()
        self.app = app if isinstance(app, SandboxApp) else SandboxApp(app)

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: object = None,
             verify: object = True, cert: object = None, proxies: object = None) -> requests.Response:
        """Answer ``request`` from the app; a dropped connection raises ``requests.ConnectionError``."""
        parts = urlsplit(request.url or "")
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        reply = self.app.handle(request.method or "GET", target, dict(request.headers), body)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            raise requests.ConnectionError("Connection aborted: the sandbox dropped the connection", request=request)
        response = requests.Response()
        response.status_code = reply.status
        response.headers = CaseInsensitiveDict({**reply.headers, "Content-Length": str(len(reply.body))})
        response._content = reply.body
        response.encoding = "utf-8"
        response.url = request.url or ""
        response.request = request
        response.reason = "OK" if reply.status < 400 else "Error"
        return response

    def close(self) -> None:
        """Nothing to release: no sockets."""
