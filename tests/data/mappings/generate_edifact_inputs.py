"""Generate the EDIFACT golden inputs (run from the repo root: python tests/data/mappings/generate_edifact_inputs.py)."""
import io
from datetime import datetime

from translator.formats.edifact import writer
from translator.records import Record

OPTS = {"sender_id": "VENDOR1", "sender_qualifier": "ZZ", "recipient_id": "AMAZON", "recipient_qualifier": "ZZ"}

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

def unh(kind):
    return seg("UNH", "", (kind, "D", "96A", "UN"))

def write(name, segs):
    buf = io.BytesIO()
    w = writer(buf, OPTS, now=datetime(2026, 11, 23, 10, 0))
    for s in segs:
        w.write(s)
    w.close()
    open(f"tests/data/mappings/edifact/{name}", "wb").write(buf.getvalue().replace(b"'", b"'\n"))

parties = [seg("NAD", "SU", ("VENDOR1", "", "92")), seg("NAD", "SF", ("WH1", "", "92"))]
write("acknowledgements.ordrsp.edi", [
    unh("ORDRSP"), seg("BGM", "231", "ACK-1", "9"), seg("DTM", ("137", "20261123", "102")),
    seg("RFF", ("ON", "2JK3S9VC")), seg("RFF", ("VN", "SO-1")), *parties,
    seg("LIN", "1", "", ("0012345678905", "SRV")), seg("PIA", "5", ("B00TEST01", "BP")), seg("QTY", ("12", "2", "PCE")), seg("FTX", "ACK", "", "", "00"),
    seg("LIN", "2", "", ("0098765432109", "SRV")), seg("PIA", "5", ("B00TEST02", "BP")), seg("QTY", ("12", "1", "PCE")), seg("FTX", "ACK", "", "", "03"),
    seg("UNS", "S"),
])
write("shipment-confirmations.desadv.edi", [
    unh("DESADV"), seg("BGM", "351", "SHIP1", "9"), seg("DTM", ("11", "202611231000", "203")),
    seg("RFF", ("ON", "2JK3S9VC")), *parties, seg("TDT", "20", "", "", "", ("UPSN", "", "", "UPS_GROUND")),
    seg("CPS", "1"), seg("PAC", "1", "", "CT"), seg("MEA", "PD", "AAB", ("KGM", "1.2")), seg("GIN", "BJ", "PKG1"), seg("RFF", ("CN", "1Z001")),
    seg("LIN", "1", "", ("0012345678905", "SRV")), seg("PIA", "5", ("B00TEST01", "BP")), seg("QTY", ("12", "2", "PCE")),
    seg("CPS", "2"), seg("PAC", "1", "", "CT"), seg("MEA", "PD", "AAB", ("KGM", "0.8")), seg("GIN", "BJ", "PKG2"), seg("RFF", ("CN", "1Z002")),
    seg("LIN", "2", "", ("0098765432109", "SRV")), seg("PIA", "5", ("B00TEST02", "BP")), seg("QTY", ("12", "1", "PCE")),
])
write("shipment-status-updates.iftsta.edi", [
    unh("IFTSTA"), seg("BGM", "23", "STAT1", "9"), *parties,
    seg("CNI", "1", ("2JK3S9VC",)), seg("STS", "1", "301", "000"), seg("RFF", ("CN", "1Z001")),
    seg("DTM", ("334", "202611241530", "203")), seg("NAD", "LW", "", "", "Seattle station", "1 Depot Rd", "Seattle", "WA", "98109", "US"),
])
write("invoices.invoic.edi", [
    unh("INVOIC"), seg("BGM", "380", "INV-1001", "9"), seg("DTM", ("137", "20261123", "102")),
    seg("RFF", ("ON", "2JK3S9VC")), seg("NAD", "PE", ("VENDOR1", "", "92")), seg("NAD", "SF", ("WH1", "", "92")),
    seg("CUX", ("2", "USD", "4")),
    seg("LIN", "1", "", ("0012345678905", "SRV")), seg("PIA", "5", ("B00TEST01", "BP")), seg("QTY", ("47", "2", "PCE")), seg("PRI", ("AAA", "12.50")),
    seg("LIN", "2", "", ("0098765432109", "SRV")), seg("PIA", "5", ("B00TEST02", "BP")), seg("QTY", ("47", "1", "PCE")), seg("PRI", ("AAA", "7.00")),
    seg("UNS", "S"), seg("MOA", ("77", "32.00")),
])
write("inventory.invrpt.edi", [
    unh("INVRPT"), seg("BGM", "35", "INV1", "5"), seg("NAD", "SU", ("VENDOR1", "", "92")), seg("LOC", "18", ("WH1",)),
    seg("LIN", "1", "", ("0012345678905", "SRV")), seg("PIA", "5", ("B00TEST01", "BP")), seg("QTY", ("145", "25", "PCE")),
    seg("LIN", "2", "", ("0098765432109", "SRV")), seg("PIA", "5", ("B00TEST02", "BP")), seg("QTY", ("145", "0", "PCE")),
])
