"""The adapter over WeasyPrint's box tree (studyprint/boxes.py) reads what it promises. These tests fail when a
WeasyPrint upgrade moves the internal structure the adapter reads: that is their purpose."""

from __future__ import annotations

import weasyprint

from studyprint import boxes, pdf

FONTS = '@font-face { font-family: S; src: url(../fonts/NotoSerifSC-Regular.otf); }'
PAGE = "@page { size: 400px 300px; margin: 10px; } html { font: 16px/20px S; } body { margin: 0; }"


def _layout(body: str) -> object:
    html = f'<html lang="zh-CN"><style>{FONTS} {PAGE}</style><body>{body}</body></html>'
    return pdf.layout(html).document


def test_written_for_the_pinned_weasyprint() -> None:
    assert weasyprint.__version__ == boxes.WRITTEN_FOR, (
        f"studyprint/boxes.py reads WeasyPrint {boxes.WRITTEN_FOR}'s internal box tree; WeasyPrint is now "
        f"{weasyprint.__version__}: re-check every read in boxes.py, then update WRITTEN_FOR")


def test_blocks_in_document_order_with_parents_and_classes() -> None:
    found = boxes.blocks(_layout('<section class="s"><h2>题</h2><p class="body x">一二三</p></section>'))
    tags = [(b.tag, b.classes) for b in found]
    assert tags == [("html", ()), ("body", ()), ("section", ("s",)), ("h2", ()), ("p", ("body", "x"))], tags
    section = found[2]
    assert found[3].parent == found[4].parent == section.index
    assert found[section.parent].tag == "body"


def test_lines_give_their_text_and_where_the_glyphs_end() -> None:
    found = boxes.blocks(_layout('<p style="width: 64px">一二三四五六</p>'))
    (paragraph,) = [b for b in found if b.tag == "p"]
    assert [line.text for line in paragraph.lines] == ["一二三四", "五六"]
    first, second = paragraph.lines
    assert first.x == paragraph.content_x == 10
    assert abs(first.right - first.x - 64) < 0.01 and abs(second.right - second.x - 32) < 0.01
    assert second.y - first.y == 20 and first.height == 20


def test_an_element_split_across_pages_is_one_block_per_page_with_one_identity() -> None:
    found = boxes.blocks(_layout("<p>" + "<br>".join("一二三" for _ in range(30)) + "</p>"))
    parts = [b for b in found if b.tag == "p"]
    assert [b.page for b in parts] == [0, 1, 2] and len({id(b.element) for b in parts}) == 1
    assert sum(len(b.lines) for b in parts) == 30


def test_page_size_count_and_extent() -> None:
    document = _layout('<div style="width: 500px; height: 30px"></div>')
    assert boxes.page_count(document) == 1
    assert boxes.page_size(document) == (400, 300)
    right, bottom = boxes.extent(document)
    assert right == 510 and bottom >= 40


def test_box_model_lengths() -> None:
    found = boxes.blocks(_layout('<div style="padding: 3px 4px 5px; border-bottom: 2px solid; margin: 1px">一</div>'))
    (div,) = [b for b in found if b.tag == "div"]
    assert (div.padding_bottom, div.border_bottom) == (5, 2)
    assert div.content_x - div.x == 1 + 4 and div.content_y - div.y == 1 + 3
    assert div.height == 1 + 3 + 20 + 5 + 2 + 1


def test_inlines_give_each_span_with_an_id_its_position_and_width() -> None:
    document = _layout('<p style="white-space: nowrap">一<span id="a">二三</span><span id="b">，</span>'
                       '<span>四</span><span id="c" style="margin-left: 5px">五</span></p>')
    found = {i.id: i for i in boxes.inlines(document)}
    assert sorted(found) == ["a", "b", "c"]
    assert (found["a"].x, found["a"].width) == (10 + 16, 32)
    assert found["b"].x == 10 + 48 and found["b"].width == 16
    assert found["c"].width == 16 + 5 and found["c"].page == 0
