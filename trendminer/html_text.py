"""Ticket bodies written in HTML, as plain text (tags dropped, block elements as new lines)."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

class _TextExtractor(HTMLParser):
    _BLOCK = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "table", "ul", "ol"}
    _SKIP = {"script", "style", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ARG002
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def html_to_text(text: str) -> str:
    """Turn HTML into plain text; plain text passes through.

    Examples
    --------
    >>> html_to_text("<p>VPN <b>down</b></p><p>again</p>").split()
    ['VPN', 'down', 'again']
    """
    if not _TAG.search(text):
        return html.unescape(text)
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)
