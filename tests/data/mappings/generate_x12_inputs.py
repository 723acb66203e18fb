"""Generate the X12 golden inputs (run from the repo root: python tests/data/mappings/generate_x12_inputs.py)."""
import io
from datetime import datetime

from translator.formats.x12 import writer
from translator.records import Record

OPTS = {"sender_id": "VENDOR1", "receiver_id": "AMAZONDS", "newline_after_segment": True, "usage": "T"}

def seg(tag, *els):
    vals = {}
    for i, e in enumerate(els, start=1):
        if isinstance(e, tuple):
            for j, c in enumerate(e, start=1):
                if c:
                    vals[f"{tag}{i:02d}.{j}"] = c
        elif e:
            vals[f"{tag}{i:02d}"] = e
    return Record(tag, vals)

def write(name, segs):
    buf = io.BytesIO()
    w = writer(buf, OPTS, now=datetime(2026, 11, 23, 10, 0))
    for s in segs:
        w.write(s)
    w.close()
    open(f"tests/data/mappings/x12/{name}", "wb").write(buf.getvalue())

write("acknowledgements.855.x12", [
    seg("ST", "855"), seg("BAK", "00", "AC", "2JK3S9VC", "20261123"), seg("REF", "VN", "SO-1"),
    seg("N1", "SU", "Vendor", "92", "VENDOR1"), seg("N1", "SF", "Warehouse", "92", "WH1"),
    seg("PO1", "1", "2", "EA", "12.50", "", "BP", "B00TEST01", "VN", "0012345678905"), seg("ACK", "00", "2", "EA"),
    seg("PO1", "2", "1", "EA", "7.00", "", "BP", "B00TEST02", "VN", "0098765432109"), seg("ACK", "03", "1", "EA"),
    seg("CTT", "2"),
    seg("ST", "855"), seg("BAK", "00", "AC", "7HQ2MM3X", "20261123"), seg("REF", "VN", "SO-2"),
    seg("N1", "SU", "Vendor", "92", "VENDOR1"), seg("N1", "SF", "Warehouse", "92", "WH1"),
    seg("PO1", "1", "3", "EA", "1.99", "", "BP", "B00TEST03", "VN", "0000000000017"), seg("ACK", "00", "3", "EA"),
    seg("CTT", "1"),
])

def order_head(po):
    return [seg("PRF", po), seg("N1", "SU", "Vendor", "92", "VENDOR1"), seg("N1", "SF", "Warehouse", "92", "WH1")]

def item(line, asin, sku, qty):
    return [seg("LIN", line, "BP", asin, "VN", sku), seg("SN1", line, qty, "EA")]

def pack(pkg, tracking):
    return [seg("MAN", "GM", pkg), seg("REF", "CN", tracking), seg("TD1", "CTN", "1", "", "", "", "G", "2.5", "LB"),
            seg("TD5", "", "2", "UPSN", "", "UPS_GROUND")]

# Shipment / Order / Pack / Item (pick and pack): line 1 split over two packs.
write("shipment-confirmations.sopi.856.x12", [
    seg("ST", "856"), seg("BSN", "00", "SHIP1", "20261123", "1000", "0001"),
    seg("HL", "1", "", "S"), seg("DTM", "011", "20261123"),
    seg("HL", "2", "1", "O"), *order_head("2JK3S9VC"),
    seg("HL", "3", "2", "P"), *pack("PKG1", "1Z001"),
    seg("HL", "4", "3", "I"), *item("1", "B00TEST01", "0012345678905", "1"),
    seg("HL", "5", "2", "P"), *pack("PKG2", "1Z002"),
    seg("HL", "6", "5", "I"), *item("1", "B00TEST01", "0012345678905", "1"),
    seg("HL", "7", "5", "I"), *item("2", "B00TEST02", "0098765432109", "1"),
    seg("CTT", "7"),
])
# Shipment / Order / Item: no packs, two orders in one 856.
write("shipment-confirmations.soi.856.x12", [
    seg("ST", "856"), seg("BSN", "00", "SHIP2", "20261123", "1000", "0002"),
    seg("HL", "1", "", "S"),
    seg("HL", "2", "1", "O"), *order_head("2JK3S9VC"),
    seg("HL", "3", "2", "I"), *item("1", "B00TEST01", "0012345678905", "2"),
    seg("HL", "4", "2", "I"), *item("2", "B00TEST02", "0098765432109", "1"),
    seg("HL", "5", "1", "O"), *order_head("7HQ2MM3X"),
    seg("HL", "6", "5", "I"), *item("1", "B00TEST03", "0000000000017", "3"),
    seg("CTT", "6"),
])
# Amazon DF Order / Item / Pack: one Item + Pack pair per carton.
write("shipment-confirmations.oip.856.x12", [
    seg("ST", "856"), seg("BSN", "00", "SHIP3", "20261123", "1000", "0004"),
    seg("HL", "1", "", "O"), *order_head("2JK3S9VC"),
    seg("HL", "2", "1", "I"), *item("1", "B00TEST01", "0012345678905", "2"),
    seg("HL", "3", "2", "P"), *pack("PKG1", "1Z001"),
    seg("HL", "4", "1", "I"), *item("2", "B00TEST02", "0098765432109", "1"),
    seg("HL", "5", "4", "P"), *pack("PKG2", "1Z002"),
    seg("CTT", "5"),
])
# Floor denial: BSN06=72, BSN07=REJ, SN102=0.
write("shipment-confirmations.floor-denial.856.x12", [
    seg("ST", "856"), seg("BSN", "00", "SHIP4", "20261123", "1000", "0004", "72", "REJ"),
    seg("HL", "1", "", "O"), *order_head("7HQ2MM3X"),
    seg("HL", "2", "1", "I"), seg("LIN", "1", "BP", "B00TEST03", "VN", "0000000000017"), seg("SN1", "1", "0", "EA", "", "", "", "", "IR"),
    seg("SLN", "1", "", "O", "3", "EA"),
    seg("CTT", "2"),
])
write("shipment-status-updates.214.x12", [
    seg("ST", "214"), seg("B10", "1Z001", "SHIP1", "UPSN"), seg("L11", "2JK3S9VC", "PO"),
    seg("N1", "SU", "Vendor", "92", "VENDOR1"), seg("N1", "SF", "Warehouse", "92", "WH1"),
    seg("LX", "1"), seg("AT7", "D1", "NS", "", "", "20261124", "1530"), seg("MS1", "SEATTLE", "WA", "US"),
    seg("ST", "214"), seg("B10", "1Z002", "SHIP1", "UPSN"), seg("L11", "2JK3S9VC", "PO"),
    seg("N1", "SU", "Vendor", "92", "VENDOR1"), seg("N1", "SF", "Warehouse", "92", "WH1"),
    seg("LX", "1"), seg("AT7", "DE", "ZZ", "", "", "20261124", "0900"),
])
write("invoices.810.x12", [
    seg("ST", "810"), seg("BIG", "20261123", "INV-1001", "", "2JK3S9VC"), seg("CUR", "SE", "USD"),
    seg("N1", "RI", "Vendor", "92", "VENDOR1"), seg("N1", "SF", "Warehouse", "92", "WH1"),
    seg("ITD", "01", "3", "", "", "", "", "30"),
    seg("IT1", "1", "2", "EA", "12.50", "", "BP", "B00TEST01", "VN", "0012345678905"),
    seg("IT1", "2", "1", "EA", "7.00", "", "BP", "B00TEST02", "VN", "0098765432109"),
    seg("TDS", "3200"), seg("CTT", "2"),
])
write("inventory.846.x12", [
    seg("ST", "846"), seg("BIA", "00", "MM", "INV1", "20261123"), seg("N1", "SU", "Vendor", "92", "VENDOR1"),
    seg("N1", "WH", "Warehouse", "92", "WH1"),
    seg("LIN", "1", "BP", "B00TEST01", "VN", "0012345678905"), seg("QTY", "33", "25", "EA"),
    seg("LIN", "2", "BP", "B00TEST02", "VN", "0098765432109"), seg("QTY", "33", "0", "EA"),
])
