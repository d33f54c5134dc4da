"""Text that runs past the right edge of its column (or off the page) in any layout: a long unbreakable run in a
heading, a byline, a title. The body is composed to the measure and checked line by line (`typography`); this
catches the rest, so that a strict build never ships a glyph the reader cannot see."""

from __future__ import annotations

from . import boxes
from .typography import PX_PER_PT

TOLERANCE_PT = 0.2  # of overshoot that is rounding, not overflow
SHOWN_CHARS = 16  # of the line's text quoted in the message


def text_past_its_column(document: object) -> list[str]:
    """One message per line of text that ends past its block's content box or the page's edge."""
    found = []
    for block in boxes.blocks(document):
        if block.margin:
            continue
        page_width, _ = boxes.page_size(document, block.page)
        edge = min(block.content_x + block.content_width, page_width)
        for line in block.lines:
            past = (line.right - edge) / PX_PER_PT
            if past > TOLERANCE_PT:
                text = " ".join(line.text.split())
                shown = text[:SHOWN_CHARS] + ("…" if len(text) > SHOWN_CHARS else "")
                found.append(f"page {block.page + 1}: the line '{shown}' runs {past:.1f} pt past the right edge of "
                             "its column; shorten it or give it a place to break (a space, a comma)")
    return found
