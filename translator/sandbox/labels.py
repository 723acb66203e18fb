"""Real label and document bytes: PNG images, ZPL text and minimal PDFs, from the standard library.

Why real: the engine decodes labels to .png/.zpl files and slips to .pdf, and a vendor opens them.
Canned strings like "Base64EncodedLabelData" would let broken decoding pass unnoticed.
"""

from __future__ import annotations

import hashlib
import struct
import zlib

LABEL_WIDTH = 200   # pixels; 4x6 inch at 50 dpi keeps the PNG small and quick to build
LABEL_HEIGHT = 300


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def _barcode_columns(text: str, width: int) -> list[bool]:
    """A bar pattern derived from ``text`` (not a scannable symbology, but distinct per label)."""
    digest = hashlib.sha256(text.encode("utf-8")).digest() * 4
    bits = [(digest[i // 8] >> (i % 8)) & 1 == 1 for i in range(width)]
    return bits


def _row(width: int, black: list[bool]) -> bytes:
    return b"\x00" + bytes(0 if dark else 255 for dark in black)  # filter byte 0, then 8-bit greys


def label_png(text: str) -> bytes:
    """An 8-bit greyscale PNG with a border and a bar pattern unique to ``text``.

    Only three distinct rows exist (border, blank, bars), so each is built once and repeated.
    """
    width, height = LABEL_WIDTH, LABEL_HEIGHT
    bars = _barcode_columns(text, width)
    edge = [x < 4 or x >= width - 4 for x in range(width)]
    border = _row(width, [True] * width)
    blank = _row(width, edge)
    barred = _row(width, [edge[x] or (10 <= x < width - 10 and bars[x]) for x in range(width)])
    rows = [border if y < 4 or y >= height - 4 else barred if 180 <= y < 260 else blank for y in range(height)]
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + _png_chunk(b"IEND", b""))


def _zpl_text(value: str) -> str:
    """ZPL field data: ASCII only, no command characters."""
    return "".join(c if 32 <= ord(c) < 127 and c not in "^~" else "?" for c in value)


def label_zpl(tracking_number: str, ship_method: str, package_id: str) -> str:
    """A 4x6 label at 203 dpi with a Code 128 barcode of the tracking number."""
    return (
        "^XA^CI28^PW812^LL1218\n"
        f"^FO50,50^A0N,40,40^FD{_zpl_text(ship_method)}^FS\n"
        f"^FO50,110^A0N,30,30^FDPackage {_zpl_text(package_id)}^FS\n"
        f"^FO50,200^BY3^BCN,200,Y,N,N^FD{_zpl_text(tracking_number)}^FS\n"
        "^XZ\n"
    )


def _pdf_text(value: str) -> str:
    """A PDF literal string body in WinAnsi (Latin-1) with the delimiters escaped."""
    safe = value.encode("latin-1", "replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("\r", " ")


def _pdf_stream(lines: list[str]) -> bytes:
    ops = ["BT", "/F1 11 Tf", "14 TL", "50 800 Td"]
    for line in lines:
        for part in line.split("\n"):
            ops.append(f"({_pdf_text(part)}) Tj T*")
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


def simple_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF 1.4 with ``title`` and ``lines`` in Helvetica; xref offsets are exact."""
    content = _pdf_stream([title, "", *lines])
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
