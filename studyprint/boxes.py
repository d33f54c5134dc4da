"""The one adapter over WeasyPrint's laid-out boxes, an internal API: every read of a layout goes through here.

WeasyPrint does not promise the shape of `Document.pages[i]._page_box` and its descendants, so this module
reads them in one place and one style and hands out plain records. `tests/test_boxes.py` pins the version it
was written for and fails loudly, naming what moved, when that structure changes. Lengths are CSS px.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from weasyprint.formatting_structure import boxes as wp

WRITTEN_FOR = "70.0"  # the WeasyPrint version whose box tree this module reads


@dataclass(frozen=True)
class Line:
    """One line box: its text and where its content ends."""

    text: str
    x: float  # the line box's left edge
    y: float  # the line box's top
    height: float
    right: float  # where the last glyph's advance ends (trailing spaces excluded)


@dataclass(frozen=True)
class Block:
    """One block-level box on one page (an element split across pages gives one Block per page)."""

    index: int  # position in `blocks()`'s list
    parent: int | None  # index of the enclosing Block
    page: int
    tag: str
    classes: tuple[str, ...]
    element: object  # identity of the source element, the same on every page it spans
    x: float  # margin box
    y: float
    width: float
    height: float
    content_x: float  # content box
    content_y: float
    content_width: float
    content_height: float
    padding_bottom: float
    border_bottom: float
    lines: tuple[Line, ...]  # its own line boxes, if it holds inline content
    margin: bool = False  # a page-margin box (running head, page number)


@dataclass(frozen=True)
class Inline:
    """One inline box (a span) whose element has an id: where it starts and how wide it is, margins included."""

    id: str
    page: int
    x: float
    width: float


def page_count(document: object) -> int:
    return len(document.pages)  # type: ignore[attr-defined]


def page_size(document: object, page: int = 0) -> tuple[float, float]:
    """The page's width and height, bleed included."""
    box = document.pages[page]._page_box  # type: ignore[attr-defined]
    return box.margin_width(), box.margin_height()


def blocks(document: object) -> list[Block]:
    """Every block-level box of every page, in document order, with its parent's index."""
    found: list[Block] = []
    for number, page in enumerate(document.pages):  # type: ignore[attr-defined]
        for box, parent in _block_boxes(page._page_box, None, found):
            found.append(_block(box, len(found), parent, number))
    return found


def page_area(document: object, page: int = 0) -> tuple[float, float, float, float]:
    """The page area (inside the page margins): x, y, width, height."""
    box = document.pages[page]._page_box  # type: ignore[attr-defined]
    return box.content_box_x(), box.content_box_y(), box.width, box.height


def inlines(document: object) -> list[Inline]:
    """Every inline box of an element with an id, on every page, in document order (one per line it is on)."""
    found = []
    for number, page in enumerate(document.pages):  # type: ignore[attr-defined]
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if isinstance(box, wp.InlineBox) and element is not None and element.get("id"):
                found.append(Inline(element.get("id"), number, box.position_x, box.margin_width()))
    return found


def extent(document: object, page: int = 0) -> tuple[float, float]:
    """How far right and down any box on the page reaches (margin boxes; the page box itself left out)."""
    right = bottom = 0.0
    page_box = document.pages[page]._page_box  # type: ignore[attr-defined]
    for box in page_box.descendants():
        if box is not page_box and hasattr(box, "position_y") and box.width is not None:
            right = max(right, box.position_x + box.margin_width())
            bottom = max(bottom, box.position_y + box.margin_height())
    return right, bottom


def _block_boxes(box: wp.Box, parent: int | None, found: list[Block]) -> Iterator[tuple[wp.Box, int | None]]:
    for child in getattr(box, "children", ()):
        if isinstance(child, wp.BlockLevelBox | wp.MarginBox) and not isinstance(child, wp.PageBox):
            index = len(found)
            yield child, parent
            yield from _block_boxes(child, index, found)
        elif isinstance(child, wp.ParentBox) and not isinstance(child, wp.LineBox):
            yield from _block_boxes(child, parent, found)


def _block(box: wp.Box, index: int, parent: int | None, page: int) -> Block:
    element = getattr(box, "element", None)
    classes = tuple((element.get("class") or "").split()) if element is not None else ()
    return Block(
        index=index, parent=parent, page=page,
        tag=getattr(box, "element_tag", "") or "", classes=classes, element=element,
        x=box.position_x, y=box.position_y, width=box.margin_width(), height=box.margin_height(),
        content_x=box.content_box_x(), content_y=box.content_box_y(),
        content_width=box.width, content_height=box.height,
        padding_bottom=box.padding_bottom, border_bottom=box.border_bottom_width,
        lines=tuple(_line(child) for child in getattr(box, "children", ()) if isinstance(child, wp.LineBox)),
        margin=isinstance(box, wp.MarginBox),
    )


def _line(line: wp.LineBox) -> Line:
    texts = [b for b in line.descendants() if isinstance(b, wp.TextBox)]
    right = max((t.position_x + t.width for t in texts if t.text.strip()), default=line.position_x)
    return Line("".join(t.text for t in texts), line.position_x, line.position_y, line.height, right)
