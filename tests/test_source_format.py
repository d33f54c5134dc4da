"""The source format's contract: each kind of bad source gets its exact message, exit 1, no output (issue 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL_SOURCE as GOOD
from conftest import pdf_text, run_build


def build_text(tmp_path: Path, text: str, name: str = "x.yaml"):
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_build(src, "--out", out)
    return result, src, out


def assert_refused(tmp_path: Path, text: str, *messages: str) -> None:
    result, src, out = build_text(tmp_path, text)
    assert result.code == 1
    assert result.err.splitlines() == [f"{src}:{m}" for m in messages]
    assert not out.exists()


def test_minimal_source_builds(tmp_path):
    result, _, out = build_text(tmp_path, GOOD)
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir()) == ["x-handout.pdf", "x-poster.pdf"]


def test_unknown_key_with_did_you_mean(tmp_path):
    assert_refused(tmp_path, "titel: 标题\n" + GOOD.split("\n", 1)[1],
                   "1:1: unknown key 'titel'; did you mean 'title'?")


def test_unknown_key_without_a_near_miss(tmp_path):
    assert_refused(tmp_path, GOOD + "colour: red\n",
                   "8:1: unknown key 'colour'; expected one of: title, subtitle, authors, date, lang, intro, "
                   "sections, editor, poster, subject, keywords")


def test_nested_unknown_key(tmp_path):
    assert_refused(tmp_path, GOOD.replace("  - name: 作者", "  - name: 作者\n    affilation: 某院"),
                   "4:5: unknown key 'affilation'; did you mean 'affiliation'?")


def test_wrong_types(tmp_path):
    text = GOOD.replace("title: 标题", "title:\n  - 标题").replace("      - 正文。", "      正文。")
    assert_refused(tmp_path, text,
                   "2:3: 'title' must be text, not a list",
                   "8:7: 'paragraphs' must be a list (lines starting with '- '), not the text '正文。'")


def test_missing_required_fields(tmp_path):
    assert_refused(tmp_path, "title: 标题\nauthors:\n  - affiliation: 某院\n",
                   "1:1: missing required key 'sections' in the source",
                   "3:5: missing required key 'name' in an author")


def test_empty_lists_and_values(tmp_path):
    assert_refused(tmp_path, GOOD.replace("      - 正文。", "      []").replace("title: 标题", "title:"),
                   "1:1: 'title' is empty",
                   "7:7: 'paragraphs' is empty; give at least one entry")


def test_source_that_is_not_a_mapping(tmp_path):
    assert_refused(tmp_path, "- 标题\n- 正文\n",
                   "1:1: a source must be a mapping of keys (title:, authors:, sections:), not a list")


@pytest.mark.parametrize("char", ["𠀀", "\ue000", "🙂"])
def test_character_without_a_glyph_is_an_error_at_its_position(tmp_path, char):
    text = GOOD.replace("      - 正文。", f"      - 正文{char}。")
    assert_refused(tmp_path, text, f"7:11: '{char}' (U+{ord(char):04X}) has no glyph in the fonts")


def test_glyph_position_in_a_quoted_string(tmp_path):
    assert_refused(tmp_path, GOOD.replace("title: 标题", 'title: "标题 𠀀"'),
                   "1:12: '𠀀' (U+20000) has no glyph in the fonts")


def test_bad_date_and_lang(tmp_path):
    assert_refused(tmp_path, GOOD + "date: 2024-13-01\nlang: 中文\n",
                   "8:7: 'date' must be an ISO date like 2024-06-18",
                   "9:7: 'lang' must be a language tag like zh-CN, not '中文'")


def test_all_sources_are_checked_and_nothing_is_written(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("title:", "titel:"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_build(good, bad, "--out", out)
    assert result.code == 1
    assert f"{bad}:1:1: unknown key 'titel'; did you mean 'title'?" in result.err
    assert not out.exists()


def test_text_is_printed_literally(tmp_path):
    text = GOOD.replace("      - 正文。", "      - '正文<b>粗</b>{{ title }}&amp;'")
    result, _, out = build_text(tmp_path, text)
    assert result.code == 0, result.err
    # pdfium copies the 1/4 em Han-Latin gap around '<b>' and '</b>' as a space; nothing else differs
    assert "正文 <b> 粗 </b>{{ title }}&amp;" in "".join(pdf_text(out / "x-handout.pdf"))
