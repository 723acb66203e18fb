"""Streaming orders out of a getOrders body without ``json.load`` of the whole file.

``json.load`` of 100,000 orders takes over a gigabyte; this reads the file in chunks and decodes one
order at a time with :meth:`json.JSONDecoder.raw_decode`. Accepted shapes: a JSON array of orders,
``{"orders": [...], ...}`` (the normalised getOrders body) and ``{"payload": {"orders": [...]}}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from translator.errors import DocumentRejected
from translator.problems import Problem

CHUNK = 1 << 16
_WS = " \t\r\n"


class _Buffer:
    """A growing window over a text stream with a read position."""

    def __init__(self, stream: TextIO, name: str) -> None:
        self.stream, self.name = stream, name
        self.text, self.pos, self.eof = "", 0, False
        self.decoder = json.JSONDecoder()

    def _more(self) -> bool:
        chunk = self.stream.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.text = self.text[self.pos:] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        """Next non-blank character ('' at end of file)."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WS:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self._more():
                return ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            self.fail(f"expected {char!r}")
        self.pos += 1

    def value(self) -> Any:
        """Decode the next complete JSON value, reading more text until it is complete."""
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if self.eof or not self._more():
                    self.fail(f"not valid JSON ({exc.msg})")
                continue
            if end == len(self.text) and not self.eof and isinstance(value, int | float) and self._more():
                continue  # a number may continue in the next chunk
            self.pos = end
            return value

    def fail(self, message: str) -> None:
        raise DocumentRejected([Problem(
            code="MAP-BAD-ORDERS-JSON", rule=f"the orders file is not a getOrders body or a JSON array of orders: {message}",
            file=self.name, hint="pass the body of a getOrders response, or a JSON array of order objects")])


def iter_orders(stream: TextIO, name: str = "<orders>") -> Iterator[dict[str, Any]]:
    """Yield each order object from ``stream``, one at a time."""
    buf = _Buffer(stream, name)
    first = buf.peek()
    if first == "[":
        yield from _array(buf)
    elif first == "{":
        yield from _object(buf)
    else:
        buf.fail("it does not start with [ or {")


def _array(buf: _Buffer) -> Iterator[dict[str, Any]]:
    buf.expect("[")
    if buf.peek() == "]":
        buf.pos += 1
        return
    while True:
        item = buf.value()
        if not isinstance(item, dict):
            buf.fail("an element of the orders array is not an object")
        yield item
        if buf.peek() == ",":
            buf.pos += 1
            continue
        buf.expect("]")
        return


def _object(buf: _Buffer) -> Iterator[dict[str, Any]]:
    buf.expect("{")
    found = False
    while buf.peek() != "}":
        key = buf.value()
        buf.expect(":")
        if key == "orders" and buf.peek() == "[":
            found = True
            yield from _array(buf)
        elif key == "payload" and buf.peek() == "{":
            found = True
            yield from _object(buf)
        else:
            buf.value()
        if buf.peek() == ",":
            buf.pos += 1
    buf.pos += 1
    if not found:
        buf.fail('no "orders" array found')
