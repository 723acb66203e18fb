"""The SP-API client for Amazon Vendor Direct Fulfillment (operations catalogue, auth, rate limits, client)."""
