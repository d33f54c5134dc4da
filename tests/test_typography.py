"""Unit tests of studyprint.typography: the spans written before layout and the justified lines after it."""

from __future__ import annotations

import html as htmllib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from studyprint import typography as t

TAG = re.compile(r"<[^>]*>")


def plain(markup: str) -> str:
    return htmllib.unescape(TAG.sub("", str(markup)))


def spans(markup: str, cls: str) -> list[str]:
    """The text of every span whose class list holds cls (innermost spans only)."""
    return [plain(m.group(2)) for m in re.finditer(r'<span class="([^"]*)"[^>]*>((?:(?!<span).)*?)</span>',
                                                   str(markup)) if cls in m.group(1).split()]


CHINESE = st.text(alphabet=st.sampled_from(list("中文排版测试，。、；：？！“”‘’（）《》——……·～／ GDP5G2023<&>\"'")),
                  max_size=60)


@settings(max_examples=300, deadline=None)
@given(CHINESE)
def test_markup_adds_and_drops_no_character(text: str) -> None:
    assert plain(t.markup(text)) == text


def test_markup_escapes() -> None:
    out = str(t.markup('<b>"&</b>'))
    assert "<b>" not in out and "&lt;b&gt;" in out and "&amp;" in out


def test_first_of_an_adjacent_pair_is_halved() -> None:
    out = t.markup("他说：“好。”）然后")
    assert spans(out, "h") == ["：", "。", "”"]


def test_of_two_opening_marks_the_second_is_halved() -> None:
    assert spans(t.markup("（“好”）"), "h") == ["“", "”"]


def test_single_marks_and_doubled_dashes_are_not_halved() -> None:
    assert spans(t.markup("一，二。三——四……五"), "h") == []


def test_latin_runs_next_to_han_get_a_gap_on_that_side_only() -> None:
    out = str(t.markup("2023年，GDP增长5G网络"))
    assert spans(out, "ar") == ["2023", "GDP", "5G"]
    assert spans(out, "al") == ["5G"]  # GDP follows ， : no gap on its left
    assert " " not in plain(out)


def test_explicit_space_is_the_gap() -> None:
    out = t.markup("使用 GDP 指标")
    assert spans(out, "al") == [] and spans(out, "ar") == []


def test_marks_that_must_not_start_a_line_are_kept_with_what_precedes_them() -> None:
    for mark in "·～—／":
        out = str(t.markup(f"甲乙丙{mark}丁戊己庚辛"))
        assert any(s.endswith(mark) and len(s) >= 2 for s in spans(out, "nb")), out


def test_last_line_keeps_two_characters() -> None:
    assert spans(t.markup("一二三四五六。"), "nb")[-1] == "五六。"  # a mark does not count: "六。" is 孤字
    assert spans(t.markup("一二三四五六"), "nb")[-1] == "五六"
    assert spans(t.markup("一二三 GDP"), "nb") == []  # a word of its own is two characters


def test_line_may_break_before_opening_and_after_closing_quote() -> None:
    out = str(t.markup("他说“好”了，“是的”。"))
    assert out.count("<wbr>") == 3  # before “好, after 好”, between ， and “是; never between ” and 。
    assert "”<wbr>。" not in out and "，</span><wbr>“" in out


def test_units_keep_dashes_and_ellipses_whole() -> None:
    text = "甲——乙……丙"
    assert [text[u.start:u.end] for u in t.units(text)] == ["甲", "——", "乙", "……", "丙"]


def _spacing(line_html: str) -> float:
    return float(re.search(r"letter-spacing:(-?[\d.]+)px", line_html).group(1))


def test_justified_line_spreads_the_slack_over_the_gaps() -> None:
    text = "一二三四五"
    line = t.justified_line(text, t.units(text), slack=4.0, em=16.0, flush=True)
    assert abs(_spacing(line) - 1.0) < 1e-3  # 4 gaps
    assert '<span class="z">五</span>' in line  # the last character carries no spacing
    assert plain(line) == text


def test_justified_line_trims_a_line_end_mark() -> None:
    text = "一二三四五六七八，"
    line = t.justified_line(text, t.units(text), slack=0.0, em=16.0, flush=True)
    assert abs(_spacing(line) - 1.0) < 1e-3  # the half em freed by the trimmed ， goes to 8 gaps
    assert spans(line, "h") == ["，"]


def test_spacing_stays_below_what_a_pdf_reader_copies_as_a_space() -> None:
    text = "一二三四五"
    line = t.justified_line(text, t.units(text), slack=100.0, em=16.0, flush=True)
    assert abs(_spacing(line) - t.MAX_SPACING_EM * 16) < 1e-3


def test_long_latin_words_may_break() -> None:
    assert spans(t.markup("写入PostgreSQL数据库"), "gl") == ["PostgreSQL"]
    assert spans(t.markup("写入SQL数据库"), "gl") == []


def test_justified_line_drops_the_gap_at_its_ends() -> None:
    text = "GDP增长5G"
    us = t.units(text)
    line = t.justified_line(text, us, slack=0.0, em=16.0, flush=True)
    assert "margin-left:2.240px" in line  # before 5G: 0.14 em less the spacing the 长 carries
    assert line.count("margin") == 2  # after GDP and before 5G, not at the line's end


def test_final_line_is_not_spread() -> None:
    text = "一二三，"
    line = t.justified_line(text, t.units(text), slack=100.0, em=16.0, flush=False)
    assert "letter-spacing" not in line and spans(line, "h") == []


def test_paragraph_that_does_not_match_its_lines_is_left_alone() -> None:
    assert t.justified_paragraph("一二三四", [t.Line("一二", 0, 16), t.Line("五六", 0, 16)]) is None
    assert t.justified_paragraph("一二三四", [t.Line("一二", 0, 16), t.Line("三四", 0, 16)]).count("<br>") == 1


def test_score_on_the_peers_references_is_perfect() -> None:
    from pathlib import Path

    import pytest

    reference = Path(__file__).resolve().parents[2] / "shared" / "reference"
    pdfs = sorted(reference.glob("*-handout.pdf"))
    if not pdfs:
        pytest.skip("../shared/reference is not there")
    for path in pdfs:
        figures = t.score(t.pdf_glyphs(path.read_bytes()))
        assert figures["flush"] == figures["pairs"] == figures["end_trim"] == 1.0, (path.name, figures)
