"""The SP-API client for Amazon Vendor Direct Fulfillment.

``operations`` is the catalogue shared with the sandbox; ``SpApiClient`` is the client; auth (LWA,
RDT), rate limiting, retries and envelopes live in their own modules below it.
"""

from translator.api.client import SpApiClient
from translator.api.credentials import Credentials
from translator.api.endpoints import Endpoint, resolve_endpoint
from translator.api.operations import OPERATIONS, Operation, find_operation, match_path
from translator.api.retry import PayloadTooLarge, RetryPolicy

__all__ = ["OPERATIONS", "Credentials", "Endpoint", "Operation", "PayloadTooLarge", "RetryPolicy",
           "SpApiClient", "find_operation", "match_path", "resolve_endpoint"]
