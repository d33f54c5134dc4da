"""Inline emphasis in a source's text: `**重点**` is set bold, as study materials print their key sentences.

The markers are the one piece of markup a text may hold (anything else is printed as written). They come in
pairs; an odd one out is an error at its position. A text keeps its markers in the model: `runs` turns it into
what the composer sets, `plain` into what is read elsewhere (metadata, the poster's key sentences).
"""

from __future__ import annotations

MARK = "**"


def runs(text: str) -> list[tuple[str, bool]]:
    """(text, bold) pieces, markers removed; empty pieces left out."""
    pieces = text.split(MARK)
    return [(piece, k % 2 == 1) for k, piece in enumerate(pieces) if piece]


def plain(text: str) -> str:
    return text.replace(MARK, "")


def unpaired(text: str) -> int | None:
    """The index of the last marker if the markers do not pair up, else None."""
    return text.rfind(MARK) if text.count(MARK) % 2 else None
