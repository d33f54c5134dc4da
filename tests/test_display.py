"""Display typography (studyprint/display.py): pieces, kinsoku, balanced breaks, half-width marks, gaps (issue 12)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyprint import display
from studyprint.chars import is_cjk

LATIN_EM = 0.55  # widths a test can compute: Han and marks 1 em (0.5 at half width), Latin 0.55 em, space 0.25 em


def width(html: str) -> float:
    half = re.findall(r'<span class="half">(.)</span>', html)
    text = re.sub(r"<[^>]+>", "", html)
    return sum(1.0 if is_cjk(ch) else 0.25 if ch == " " else LATIN_EM for ch in text) - 0.5 * len(half)


def breaks(text: str, max_lines: int = 4) -> display.Breaks:
    return display.Breaks(text, {html: width(html) for html in display.measured_html([text])}, max_lines)


def lines(text: str, measure: float) -> list[str]:
    b = breaks(text)
    option = b.choose(measure)
    assert option is not None
    return ["".join(p.text for p in b.pieces[start:end]).strip() for start, end in option.lines]


def test_marks_stay_with_their_neighbours():
    texts = [p.text for p in display.pieces("好的，我知道什么是 Debian 了……“自由软件”（free）")]
    assert "的，" in texts and "了……" in texts and "“自" in texts and "件”（" not in texts
    assert texts[-1] == "（free）"  # an opening mark stays with what follows it


def test_adjacent_marks_take_one_and_a_half_em():
    found = {p.text: p.halves for p in display.pieces("软件”，为何“（新）”")}
    assert found["件”，"] == (False, True, False)  # the first of ”， at half width
    assert found["“（新）”"] == (False, True, False, True, False)  # of two opening marks the second; ）” the first


def test_a_line_end_mark_is_set_at_half_width():
    b = breaks("做到注重长远，顾全大局")
    option = b.choose(7)
    assert [b.line_width(*line) for line in option.lines] == [6.5, 4.0]
    assert '<span class="half">，</span></span><br>' in str(b.html(option))


def test_headings_wrap_balanced_at_phrases_and_words():
    assert lines("做到注重长远，顾全大局", 7) == ["做到注重长远，", "顾全大局"]
    assert lines("如何升级到新的发布版本？", 8) == ["如何升级到", "新的发布版本？"]
    assert lines("诸如 etch、lenny 之类的名字是什么？", 10) == ["诸如 etch、lenny", "之类的名字是什么？"]
    assert lines("树立远大信念", 5) in (["树立远大", "信念"], ["树立", "远大信念"])  # never 树立远|大信念


def test_no_line_holds_a_single_character():
    for measure in (3, 4, 5, 6):
        for line in lines("树立平常心", measure):
            assert sum(not ch.isspace() for ch in line) >= 2, line


def test_han_latin_gap_inside_a_line_only():
    b = breaks("安装 Debian 系统与Linux内核")
    one = b.choose(100)
    assert b.line_width(*one.lines[0]) == pytest.approx(width("安装 Debian 系统与Linux内核") + 2 * display.GAP_EM)
    html = str(b.html(one))
    assert '<span class="gap-l gap-r">Linux</span>' in html


def test_long_paths_break_after_slashes_short_words_never():
    texts = [p.text for p in display.pieces("查看 /usr/share/doc/PACKAGE/copyright 与 CD-ROM")]
    assert "/usr/" in texts and "CD-ROM" in texts


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("树立远大信念做到注重长远，顾全大局。、“”（）ABC xyz"), min_size=1,
               max_size=30), st.floats(min_value=2, max_value=20))
def test_no_character_is_added_or_lost(text, measure):
    b = breaks(text, max_lines=8)
    assert "".join(p.text for p in b.pieces) == " ".join(text.split())
    option = b.choose(measure)
    if option is not None:
        shown = re.sub(r"<[^>]+>", "", str(b.html(option)).replace("<br>", " "))
        assert shown.replace(" ", "") == text.replace(" ", "").replace("\u3000", "")
        assert all(b.line_width(*line) <= measure + 1e-6 for line in option.lines)


LONG_TITLE = "关于深入学习贯彻新时代中国特色社会主义思想，进一步加强和改进基层党组织建设工作若干问题的实施意见"


def test_a_text_that_fits_is_not_shortened():
    assert display.shortened("党群干部要做到六个树立", 20) == "党群干部要做到六个树立"


def test_a_long_text_is_cut_at_a_phrase_and_ends_with_an_ellipsis():
    # the ， before the cut dropped
    assert display.shortened(LONG_TITLE, 30) == "关于深入学习贯彻新时代中国特色社会主义思想……"


@given(st.text(alphabet="党群干部要做到树立 Debian，、。“”《》apt-get/usr/share1.2", min_size=1, max_size=80),
       st.floats(4, 40))
@settings(max_examples=200, deadline=None)
def test_a_shortened_text_fits_and_keeps_the_start(text, width_em):
    short = display.shortened(text, width_em)
    assert display.advance(short) <= width_em + 1e-9
    start = short.removesuffix(display.ELLIPSIS)
    assert " ".join(text.split()).startswith(start)
