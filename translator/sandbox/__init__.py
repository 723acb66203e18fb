"""A local Vendor Direct Fulfillment sandbox that enforces what Amazon enforces.

``SandboxServer(SandboxConfig(...))`` serves the real SP-API paths over HTTP on loopback;
``SandboxAdapter`` mounts the same application on a ``requests.Session`` without a socket.
"""

from translator.sandbox.adapter import SandboxAdapter
from translator.sandbox.app import SandboxApp
from translator.sandbox.config import FaultConfig, SandboxConfig
from translator.sandbox.server import SandboxServer

__all__ = ["FaultConfig", "SandboxAdapter", "SandboxApp", "SandboxConfig", "SandboxServer"]
