"""List operations walk nextToken pages and split long ranges into windows the API accepts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.fakes import Answer, FakeAmazon, Seen
from translator.api.client import SpApiClient
from translator.api.paging import date_windows
from translator.errors import ConfigError


def _pages(seen: Seen) -> Answer:
    """Three pages of two orders each, chained by nextToken."""
    page = int(seen.query.get("nextToken", "0"))
    orders = [{"purchaseOrderNumber": f"PO{page * 2 + i}"} for i in range(2)]
    body: dict = {"orders": orders}
    if page < 2:
        body["pagination"] = {"nextToken": str(page + 1)}
    return Answer(200, body)


def test_iter_orders_follows_next_token_to_the_end(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.handle("getOrders", _pages)
    pos = [o["purchaseOrderNumber"] for o in client.iter_orders("2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z")]
    assert pos == ["PO0", "PO1", "PO2", "PO3", "PO4", "PO5"]
    queries = [s.query for s in fake.calls("getOrders")]
    assert [q.get("nextToken") for q in queries] == [None, "1", "2"]
    assert all(q["createdAfter"] == "2024-05-01T00:00:00Z" and q["createdBefore"] == "2024-05-02T00:00:00Z"
               for q in queries)
    assert queries[0]["includeDetails"] == "true" and queries[0]["limit"] == "100"


def test_iter_orders_is_lazy_page_by_page(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.handle("getOrders", _pages)
    orders = client.iter_orders("2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z")
    next(orders)
    assert len(fake.calls("getOrders")) == 1


def test_v1_pages_are_unwrapped_too(fake: FakeAmazon, make_client) -> None:
    client = make_client(versions={"orders": "v1"})
    fake.handle("getOrders", lambda s: Answer(200, {"payload": _pages(s).body}))
    assert len(list(client.iter_orders("2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z"))) == 6


def test_filters_become_query_parameters(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.script("getOrders", Answer(200, {"orders": []}))
    list(client.iter_orders(datetime(2024, 5, 1), datetime(2024, 5, 2, tzinfo=UTC), status="NEW",
                            ship_from_party_id="WH1", include_details=False, limit=50))
    query = fake.calls("getOrders")[0].query
    assert query == {"createdAfter": "2024-05-01T00:00:00Z", "createdBefore": "2024-05-02T00:00:00Z",
                     "status": "NEW", "shipFromPartyId": "WH1", "includeDetails": "false", "limit": "50"}


def test_a_month_is_split_into_windows_of_at_most_seven_days(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.handle("getShippingLabels", lambda s: Answer(200, {"shippingLabels": []}))
    list(client.iter_shipping_labels("2024-05-01T00:00:00Z", "2024-05-31T00:00:00Z"))
    windows = [(s.query["createdAfter"], s.query["createdBefore"]) for s in fake.calls("getShippingLabels")]
    assert windows == [
        ("2024-05-01T00:00:00Z", "2024-05-08T00:00:00Z"), ("2024-05-08T00:00:00Z", "2024-05-15T00:00:00Z"),
        ("2024-05-15T00:00:00Z", "2024-05-22T00:00:00Z"), ("2024-05-22T00:00:00Z", "2024-05-29T00:00:00Z"),
        ("2024-05-29T00:00:00Z", "2024-05-31T00:00:00Z"),
    ]


def test_an_order_on_a_window_boundary_is_yielded_once(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.handle("getOrders", lambda s: Answer(200, {"orders": [{"purchaseOrderNumber": "EDGE"}]}))
    orders = list(client.iter_orders("2024-05-01T00:00:00Z", "2024-05-10T00:00:00Z"))
    assert orders == [{"purchaseOrderNumber": "EDGE"}]
    assert len(fake.calls("getOrders")) == 2


def test_offsets_are_kept_and_windows_cover_the_range_exactly() -> None:
    windows = list(date_windows("2024-05-01T00:00:00-08:00", datetime(2024, 5, 16, 8, tzinfo=UTC)))
    assert windows[0][0].isoformat() == "2024-05-01T00:00:00-08:00"
    assert windows[-1][1] == datetime(2024, 5, 16, 8, tzinfo=UTC)
    assert all(b - a <= timedelta(days=7) for a, b in windows)
    assert all(windows[i][1] == windows[i + 1][0] for i in range(len(windows) - 1))


@pytest.mark.parametrize(("after", "before", "message"), [
    (None, "2024-05-02T00:00:00Z", "createdAfter is required"),
    ("2024-05-01T00:00:00Z", None, "createdBefore is required"),
    ("2024-05-02T00:00:00Z", "2024-05-01T00:00:00Z", "must be before"),
    ("2024-05-0100:00:00", "2024-05-02T00:00:00Z", "not an ISO-8601"),
])
def test_bad_ranges_are_refused_before_any_call(fake: FakeAmazon, client: SpApiClient, after, before,
                                                message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        list(client.iter_orders(after, before))
    assert fake.requests == []


@pytest.mark.parametrize("limit", [0, 101])
def test_limit_outside_1_to_100_is_refused(client: SpApiClient, limit: int) -> None:
    with pytest.raises(ConfigError, match="between 1 and 100"):
        list(client.iter_customer_invoices("2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z", limit=limit))


def test_a_repeated_next_token_does_not_loop_forever(fake: FakeAmazon, client: SpApiClient) -> None:
    fake.handle("getPackingSlips", lambda s: Answer(200, {"packingSlips": [{"purchaseOrderNumber": "P"}],
                                                          "pagination": {"nextToken": "same"}}))
    assert len(list(client.iter_packing_slips("2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z"))) == 1
    assert len(fake.calls("getPackingSlips")) == 2


def test_enum_parameters_are_checked_locally(fake: FakeAmazon, client: SpApiClient) -> None:
    with pytest.raises(ConfigError, match="status must be one of NEW, SHIPPED, ACCEPTED, CANCELLED"):
        client.iter_orders("2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z", status="new")
    with pytest.raises(ConfigError, match="sortOrder must be one of ASC, DESC"):
        client.iter_packing_slips("2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z", sort_order="up")
    assert fake.requests == []
