"""The HTML side of the typography (studyprint/typography.py): display text as spans, composed lines written so
that WeasyPrint sets them as composed, and golden print HTML for a few paragraphs (`pytest --update-golden`
rewrites tests/golden/ after a deliberate change; review the diff)."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyprint import compose, typography
from studyprint.html import PAPERS

TAG = re.compile(r"<[^>]*>")
GOLDEN = Path(__file__).parent / "golden"


def plain(markup: str) -> str:
    return htmllib.unescape(TAG.sub("", str(markup)))


def spans(markup: str, cls: str) -> list[str]:
    """The text of every span whose class list holds cls (innermost spans only)."""
    return [plain(m.group(2)) for m in re.finditer(r'<span class="([^"]*)"[^>]*>((?:(?!<span).)*?)</span>',
                                                   str(markup)) if cls in m.group(1).split()]


CHINESE = st.text(alphabet=st.sampled_from(list("中文排版测试，。、；：？！“”‘’（）《》——……·～／ GDP5G2023<&>\"'")),
                  max_size=60)


# --- display text ---

@settings(max_examples=300, deadline=None)
@given(CHINESE)
def test_markup_adds_and_drops_no_character(text: str) -> None:
    assert plain(typography.markup(text)) == text


def test_markup_escapes() -> None:
    out = str(typography.markup('<b>"&</b>'))
    assert "<b>" not in out and "&lt;b&gt;" in out and "&amp;" in out


def test_display_text_compresses_adjacent_marks() -> None:
    assert spans(typography.markup("他说：“好。”）然后"), "h") == ["：", "。", "”"]
    assert spans(typography.markup("（“好”）"), "h") == ["“", "”"]
    assert spans(typography.markup("一，二。三——四……五"), "h") == []


def test_display_text_gaps_latin_from_han_on_that_side_only() -> None:
    out = typography.markup("2023年，GDP增长5G网络")
    assert spans(out, "ar") == ["2023", "GDP", "5G"] and spans(out, "al") == ["5G"]


def test_display_text_keeps_marks_that_must_not_start_a_line_with_what_precedes() -> None:
    for mark in "·～／":
        assert any(s.endswith(mark) and len(s) >= 2 for s in spans(typography.markup(f"甲乙丙{mark}丁戊"), "nb"))


def test_display_text_may_break_beside_quotes() -> None:
    out = str(typography.markup("他说“好”了，“是的”。"))
    assert out.count("<wbr>") == 3 and "”<wbr>。" not in out


# --- composed lines ---

def _lines(text: str, paper: str = "A4") -> list[str]:
    composer = PAPERS[paper].composer()
    return str(composer.paragraph(text)).split("<br>")


def test_a_line_at_the_natural_pitch_is_plain_text() -> None:
    lines = _lines("党群干部要树立一个为共产主义事业奉献终生的远大信念" * 4)
    assert "<span" not in lines[0] and len(plain(lines[0])) == 36


def test_a_tracked_line_carries_its_letter_spacing_and_nothing_else() -> None:
    text = "一二三四五六七八九十" * 3 + "一二三四五，" + "一二三四五六七八九十" * 4  # ， ends the indented line
    first = _lines(text, "A4")[0]
    spacing = float(re.search(r'letter-spacing:(-?[\d.]+)px', first).group(1))
    assert 0 < spacing <= compose.TRACK_FREE * 16 and first.count("margin") == 0
    assert spans(first, "h") == ["，"]  # the trimmed line-end mark


def test_gaps_and_spaces_are_margins_on_the_word_beside_them() -> None:
    (line,) = _lines("使用 Linux kernel 内核")
    assert '<span class="w" style="margin-left:4.000px">Linux </span>' in line  # 1/4 em at 16 px
    assert '<span class="w" style="margin-right:4.000px">kernel</span>内核' in line


def test_dashes_are_full_width_and_never_spaced() -> None:
    (line,) = _lines("学习——实践")
    assert '<span class="g f">——</span>' in line


def test_hyphen_added_where_a_word_is_broken_and_only_there() -> None:
    text = "内核" + "的各种" * 11 + "initramfs映像" * 3
    lines = _lines(text, "A5")
    broken = [ln for ln in lines if plain(ln).endswith("-")]
    assert all(re.search(r"[a-z]-$", plain(ln)) for ln in broken)
    assert plain("".join(ln.removesuffix("-") for ln in map(plain, lines))).replace("-", "") == text


@pytest.mark.parametrize("name", ["six-principles-first", "mixed-latin", "quotes-and-marks"])
@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_golden_print_html(name: str, paper: str, update_golden: bool) -> None:
    text = (GOLDEN / f"{name}.txt").read_text(encoding="utf-8").strip()
    html = "\n".join(_lines(text, paper)) + "\n"
    golden = GOLDEN / f"{name}-{paper}.html"
    if update_golden:
        golden.write_text(html, encoding="utf-8")
    assert html == golden.read_text(encoding="utf-8"), f"{golden.name} differs; if deliberate: pytest --update-golden"
