"""Transient failures are retried with bounded jittered backoff; caller errors never are."""

from __future__ import annotations

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from tests.api.fakes import Answer, FakeAmazon, FakeTime
from translator.api.client import SpApiClient
from translator.api.retry import PayloadTooLarge, RetryPolicy, SubmissionUncertain
from translator.errors import ApiError, ConfigError, RetriableError, ThrottledError

TX_OK = Answer(200, {"transactionStatus": {"transactionId": "t1", "status": "Success"}})
THROTTLED = Answer(429, {"errors": [{"code": "QuotaExceeded", "message": "You exceeded your quota"}]},
                   {"x-amzn-RateLimit-Limit": "2.0"})


def test_429_backs_off_and_succeeds_without_surfacing(fake: FakeAmazon, fake_time: FakeTime,
                                                     client: SpApiClient) -> None:
    fake.script("getTransactionStatus", THROTTLED, THROTTLED, TX_OK)
    assert client.get_transaction_status("t1")["status"] == "Success"
    assert len(fake.calls("getTransactionStatus")) == 3
    assert sum(fake_time.sleeps) > 0


def test_429_lowers_the_bucket_to_the_advertised_rate(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.script("getTransactionStatus", THROTTLED, TX_OK)
    client.get_transaction_status("t1")
    op = client.operation("getTransactionStatus")
    assert client.limiter.bucket(op).rate == 2.0
    assert client.limiter.bucket(op).burst == 2


def test_persistent_429_raises_throttled_after_the_bound(fake: FakeAmazon, make_client) -> None:
    client = make_client(max_attempts=3)
    fake.handle("getTransactionStatus", lambda s: THROTTLED)
    with pytest.raises(ThrottledError, match="after 3 attempts"):
        client.get_transaction_status("t1")
    assert len(fake.calls("getTransactionStatus")) == 3


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_retried(fake: FakeAmazon, client: SpApiClient, status: int) -> None:
    fake.script("getTransactionStatus", Answer(status, {"code": "InternalFailure", "message": "x"}), TX_OK)
    assert client.get_transaction_status("t1")["status"] == "Success"


def test_persistent_5xx_raises_retriable_error(fake: FakeAmazon, make_client) -> None:
    client = make_client(max_attempts=2)
    fake.handle("getTransactionStatus", lambda s: Answer(503, {"code": "ServiceUnavailable", "message": "x"}))
    with pytest.raises(RetriableError) as caught:
        client.get_transaction_status("t1")
    assert not isinstance(caught.value, ThrottledError)


@pytest.mark.parametrize("error", [requests.ConnectTimeout("c"), requests.ReadTimeout("r"),
                                   requests.ConnectionError("reset")])
def test_timeouts_and_connection_errors_are_retried(fake: FakeAmazon, client: SpApiClient,
                                                    error: Exception) -> None:
    fake.script("getTransactionStatus", Answer(raise_=error), TX_OK)
    assert client.get_transaction_status("t1")["status"] == "Success"


def test_persistent_connection_errors_become_retriable_error(fake: FakeAmazon, make_client) -> None:
    client = make_client(max_attempts=3)
    fake.handle("getTransactionStatus", lambda s: Answer(raise_=requests.ConnectionError("refused")))
    with pytest.raises(RetriableError, match="connection dropped"):
        client.get_transaction_status("t1")
    assert len(fake.calls("getTransactionStatus")) == 3


@pytest.mark.parametrize("status", [400, 403, 404, 409, 415])
def test_4xx_is_never_retried(fake: FakeAmazon, client: SpApiClient, status: int) -> None:
    fake.handle("getOrder", lambda s: Answer(status, {"errors": [{"code": "InvalidInput", "message": "no"}]}))
    with pytest.raises(ApiError) as caught:
        client.get_order("PO1")
    assert caught.value.status == status
    assert len(fake.calls("getOrder")) == 1


def test_413_is_payload_too_large(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.script("createContainerLabel", Answer(413, {"errors": [{"code": "RequestTooLarge", "message": "big"}]}))
    with pytest.raises(PayloadTooLarge) as caught:
        client.create_container_label({"x": 1})
    assert isinstance(caught.value, ApiError) and caught.value.status == 413


def test_backoff_grows_exponentially_with_jitter_and_a_ceiling() -> None:
    low = RetryPolicy(base_delay=1.0, max_delay=10.0, rng=lambda: 0.0)
    high = RetryPolicy(base_delay=1.0, max_delay=10.0, rng=lambda: 1.0)
    assert [low.delay(n) for n in (1, 2, 3, 4, 5, 6)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    assert [high.delay(n) for n in (1, 2, 3, 4, 5, 6)] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert low.delay(1, at_least=3.0) == 3.0


def test_retry_after_header_is_honoured(fake: FakeAmazon, fake_time: FakeTime, client: SpApiClient) -> None:
    fake.script("getTransactionStatus", Answer(503, {"code": "x", "message": "y"}, {"Retry-After": "7"}), TX_OK)
    client.get_transaction_status("t1")
    assert 7.0 in fake_time.sleeps


def test_a_malformed_endpoint_url_is_a_config_error(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.script("getTransactionStatus", Answer(raise_=requests.exceptions.InvalidURL("bad")))
    with pytest.raises(ConfigError):
        client.get_transaction_status("t1")


def _refused() -> requests.ConnectionError:
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] refused")
    return requests.ConnectionError(MaxRetryError(None, "/x", reason))


ACCEPTED = Answer(202, {"transactionId": "tx-1"})


@pytest.mark.parametrize("error", [requests.ReadTimeout("r"), requests.ConnectionError("reset by peer")])
def test_a_submission_that_may_have_arrived_is_not_resent(fake: FakeAmazon, client: SpApiClient,
                                                          error: Exception) -> None:
    fake.script("submitInvoice", Answer(raise_=error), ACCEPTED)
    with pytest.raises(SubmissionUncertain, match="may have reached Amazon"):
        client.submit_invoices([{"invoiceNumber": "I1"}])
    assert len(fake.calls("submitInvoice")) == 1
    assert isinstance(SubmissionUncertain("x"), RetriableError)


@pytest.mark.parametrize("error", [requests.ConnectTimeout("c"), _refused()], ids=["connect-timeout", "refused"])
def test_a_submission_that_never_left_is_resent(fake: FakeAmazon, client: SpApiClient, error: Exception) -> None:
    fake.script("submitInvoice", Answer(raise_=error), ACCEPTED)
    assert client.submit_invoices([{"invoiceNumber": "I1"}]) == ["tx-1"]


def test_resend_uncertain_opts_into_retrying_submissions(fake: FakeAmazon, make_client) -> None:
    client = make_client(resend_uncertain=True)
    fake.script("submitInvoice", Answer(raise_=requests.ReadTimeout("r")), ACCEPTED)
    assert client.submit_invoices([{"invoiceNumber": "I1"}]) == ["tx-1"]


def test_5xx_on_a_submission_is_retried_because_the_server_answered(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.script("submitInvoice", Answer(500, {"errors": [{"code": "InternalFailure", "message": "x"}]}), ACCEPTED)
    assert client.submit_invoices([{"invoiceNumber": "I1"}]) == ["tx-1"]


def test_a_dead_token_endpoint_is_retried_once_per_budget_not_once_per_request_attempt(
        fake: FakeAmazon, make_client) -> None:
    """The LWA fetch has its own retry budget; the request loop must not multiply it."""
    client = make_client(max_attempts=3)
    refused = requests.ConnectionError("connection refused")
    fake.token_answers.extend([Answer(0, None, raise_=refused)] * 20)
    with pytest.raises(RetriableError):
        client.get_transaction_status("t1")
    token_calls = [s for s in fake.requests if s.path == "/auth/o2/token"]
    assert len(token_calls) <= 3
    assert fake.calls("getTransactionStatus") == []
