"""createShippingLabels, label requests, packing slips and invoices: real PNG, ZPL and PDF bytes."""

from __future__ import annotations

import base64
import struct
import zlib

import pytest

from tests.sandbox import builders
from tests.sandbox.test_rules import Flow
from translator.sandbox import labels


def _create(flow: Flow, containers: list | None = None):
    body = {"sellingParty": {"partyId": "999US"}, "shipFromParty": flow.order["orderDetails"]["shipFromParty"]}
    if containers is not None:
        body["containers"] = containers
    return flow.api.call("createShippingLabels", path_params={"purchaseOrderNumber": flow.po}, json=body)


def _accepted(api, **flags) -> Flow:
    flow = Flow(api, **flags)
    flow.accept()
    return flow


def _png_pixels(data: bytes) -> tuple[int, int, bytes]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    pos, idat, size = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        assert struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0] == zlib.crc32(kind + chunk)
        if kind == b"IHDR":
            size = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    return size[0], size[1], zlib.decompress(idat)


def test_label_for_accepted_order_is_a_real_image_or_zpl(api):
    flow = _accepted(api, labelOnly=True)
    label = _create(flow).json()
    content = base64.b64decode(label["labelData"][0]["content"])
    if label["labelFormat"] == "PNG":
        width, height, raw = _png_pixels(content)
        assert len(raw) == height * (width + 1)
    else:
        assert content.startswith(b"^XA") and content.rstrip().endswith(b"^XZ")


def test_both_label_formats_are_real():
    width, height, raw = _png_pixels(labels.label_png("TBA1"))
    assert (width, height) == (labels.LABEL_WIDTH, labels.LABEL_HEIGHT) and len(raw) == height * (width + 1)
    zpl = labels.label_zpl("TBA1", "AMZN_US_STD", "001")
    assert zpl.startswith("^XA") and "^BC" in zpl and "TBA1" in zpl and zpl.rstrip().endswith("^XZ")


def test_one_label_with_its_own_tracking_number_per_container(api):
    flow = _accepted(api, labelOnly=True)
    items = builders.packed_items(flow.order)
    boxes = [builders.container(flow.order, "BOX1", items=items), builders.container(flow.order, "BOX2", items=[])]
    reply = _create(flow, boxes)
    assert reply.status_code == 200, reply.text
    data = reply.json()["labelData"]
    assert [d["packageIdentifier"] for d in data] == ["BOX1", "BOX2"]
    assert len({d["trackingNumber"] for d in data}) == 2


def test_decimal_weight_is_rounded_up(api):
    flow = _accepted(api, labelOnly=True)
    box = builders.container(flow.order)
    box["weight"]["value"] = "51.01"
    assert _create(flow, [box]).status_code == 200
    assert api.state(flow.po)["packages"][0]["weight"] == {"unitOfMeasure": "LB", "value": "52"}


def test_packed_quantity_short_of_ordered_is_not_all_items_present(api):
    flow = _accepted(api, labelOnly=True)
    items = builders.packed_items(flow.order)
    items[0]["packedQuantity"]["amount"] += 1
    reply = _create(flow, [builders.container(flow.order, items=items)])
    assert reply.status_code == 409
    assert reply.json()["errors"][0]["code"] == "NOT_ALL_ITEMS_PRESENT"


@pytest.mark.parametrize(("where", "value", "field"), [
    ("length", None, "Length"), ("width", "0", "Width"), ("height", "-3", "Height"), ("length", "ten", "Length"),
    ("weight", None, "PackageWeight"), ("weight", "0", "PackageWeight"), ("weight", "abc", "PackageWeight"),
])
def test_bad_dimensions_or_weight_are_invalid_message_payload(api, where, value, field):
    flow = _accepted(api, labelOnly=True)
    box = builders.container(flow.order)
    target, key = (box["weight"], "value") if where == "weight" else (box["dimensions"], where)
    if value is None:
        if where == "weight":
            del box["weight"]
        else:
            del target[key]
    else:
        target[key] = value
    reply = _create(flow, [box])
    assert reply.status_code == 400, reply.text
    error = reply.json()["errors"][0]
    assert error["code"] == "INVALID_MESSAGE_PAYLOAD" and error["message"] == f"Invalid input field {field}."


def test_labels_before_acceptance_are_refused(api):
    flow = Flow(api, labelOnly=True)
    reply = _create(flow)
    assert reply.status_code == 400 and reply.json()["errors"][0]["code"] == "LABEL-ORDER-NOT-ACCEPTED"


def test_label_request_then_get_shipping_label(api):
    flow = _accepted(api, labelOnly=True)
    txn = api.submit("submitShippingLabelRequest", {"shippingLabelRequests": [builders.label_request(flow.order)]}, "v1")
    assert api.outcome(txn, "v1")["status"] == "Success"
    reply = api.call("getShippingLabel", "v1", path_params={"purchaseOrderNumber": flow.po}).json()
    assert reply["payload"]["purchaseOrderNumber"] == flow.po and reply["payload"]["labelData"]
    listed = api.call("getShippingLabels", params={"createdAfter": "2026-11-20T00:00:00Z",
                                                   "createdBefore": "2026-11-26T00:00:00Z"}).json()
    assert flow.po in [x["purchaseOrderNumber"] for x in listed["shippingLabels"]]


def test_packing_slip_is_a_real_pdf_for_slip_orders_only(api):
    slip_po = next(o["purchaseOrderNumber"] for o in api.all_orders()
                   if o["orderDetails"]["shipmentDetails"]["isPslipRequired"])
    other_po = next(o["purchaseOrderNumber"] for o in api.all_orders()
                    if not o["orderDetails"]["shipmentDetails"]["isPslipRequired"])
    slip = api.call("getPackingSlip", path_params={"purchaseOrderNumber": slip_po}).json()
    pdf = base64.b64decode(slip["content"])
    assert slip["contentType"] == "application/pdf"
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF") and b"/Type /Page" in pdf
    assert api.call("getPackingSlip", path_params={"purchaseOrderNumber": other_po}).status_code == 404


def test_pdf_xref_offsets_point_at_objects():
    pdf = labels.simple_pdf("Slip", ['Title, with "quotes" (and parens) \\ and ü', "line\nbreak"])
    xref_at = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    rows = pdf[xref_at:].split(b"\n")[3:8]
    for number, row in enumerate(rows, start=1):
        offset = int(row[:10])
        assert pdf[offset:].startswith(f"{number} 0 obj".encode())


def test_customer_invoice_appears_after_shipment(api):
    flow = _accepted(api, voc=False)
    assert api.call("getCustomerInvoice", path_params={"purchaseOrderNumber": flow.po}).status_code == 404
    flow.ship()
    invoice = api.call("getCustomerInvoice", path_params={"purchaseOrderNumber": flow.po}).json()
    assert base64.b64decode(invoice["content"]).startswith(b"%PDF-")


def test_container_label_for_known_packages(api):
    flow = _accepted(api, labelOnly=True)
    tracking = flow.label()
    body = {"sellingParty": {"partyId": "999US"}, "shipFromParty": {"partyId": "ABCD"}, "carrierId": "SWA",
            "vendorContainerId": "PALLET1", "packages": [{"packageTrackingNumber": tracking}]}
    reply = api.call("createContainerLabel", json=body)
    assert reply.status_code == 200, reply.text
    assert base64.b64decode(reply.json()["containerLabel"]["content"]).startswith(b"\x89PNG")
    body["packages"] = [{"packageTrackingNumber": "UNKNOWN"}]
    assert api.call("createContainerLabel", json=body).status_code == 400


def test_create_shipping_labels_without_parties_is_400(api):
    flow = _accepted(api, labelOnly=True)
    reply = api.call("createShippingLabels", path_params={"purchaseOrderNumber": flow.po}, json={"containers": []})
    assert reply.status_code == 400
    assert reply.json()["errors"][0]["code"] == "InvalidInput"
