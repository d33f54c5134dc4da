"""YAML mistakes an office clerk makes (issue 13): each gets a message in plain words, at the right line, with the
fix -- not YAML's jargon, not the wrong advice, and never a text silently cut or changed."""

from __future__ import annotations

import pytest
from conftest import run_build

from studyprint.html import created_date
from studyprint.pipeline import read_sources

BODY = """\
authors:
  - name: 作者
sections:
  - heading: 标题
    paragraphs:
      - 正文。
"""


def check(tmp_path, text: str) -> str:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_build(path, "--check")
    assert result.code == 1, result.out
    return result.err.replace(f"{path}:", "")


CASES = {
    "full-width colon after a key": (
        "title：标题\n" + BODY,
        "1:6: the key 'title' is followed by a full-width colon '：'; YAML needs a half-width colon and a space: "
        "title: 标题\n"),
    "key in full-width letters": (
        "ｔｉｔｌｅ: 标题\n" + BODY,
        "1:1: the key 'ｔｉｔｌｅ' is written in full-width letters; write 'title'\n"),
    "ideographic space after a colon": (
        "title:　标题\n" + BODY,
        "1:7: after 'title:' comes an ideographic space (U+3000); YAML needs an ordinary space after a key's "
        "colon\n"),
    "no-break space after a colon": (
        "title: 标题\n" + BODY.replace("name: 作者", "name:\u00a0作者"),
        "3:10: after 'name:' comes a no-break space (U+00A0); YAML needs an ordinary space after a key's colon\n"),
    "indented with an ideographic space": (
        "title: 标题\n" + BODY.replace("  - name", "　- name"),
        "3:1: the line is indented with an ideographic space (U+3000); indent with ordinary spaces\n"),
    "a text starting with [": (
        "title: 标题\n" + BODY + "      - [1] 参考文献。\n",
        "8:13: a text starting with '[' must be quoted: YAML reads '[' as a list; write - '[1] 参考文献。'\n"),
    "a text starting with @": (
        "title: 标题\n" + BODY + "      - @所有人 请注意\n",
        "8:9: a text starting with '@' must be quoted: YAML reads '@' as a reserved character; "
        "write - '@所有人 请注意'\n"),
    "a text starting with *": (
        "title: 标题\n" + BODY + "      - *重点*内容\n",
        "8:10: a text starting with '*' must be quoted: YAML reads '*' as an alias; write - '*重点*内容' "
        "(**emphasis** at the start of a text needs the quotes too)\n"),
    "a quoted word then text": (
        'title: "两学一做"学习教育\n' + BODY,
        "1:14: the text starts with a quotation mark, so YAML takes \"两学一做\" for the whole text and refuses what "
        "follows; quote the whole text, title: '\"两学一做\"学习教育', or use the Chinese quotes “ ”\n"),
    "a tab inside a text": (
        "title: 标题\t学习\n" + BODY,
        "1:10: a tab inside the text of line 1; replace it with a space\n"),
    "two documents in one file": (
        "title: 标题\n" + BODY + "---\ntitle: 二\n",
        "8:1: the file holds more than one YAML document (a line '---' separates them); a source is one article: "
        "remove the '---', or put the second article in a file of its own\n"),
    "a date in full-width digits": (
        "title: 标题\ndate: ２０２４-０６-１８\n" + BODY,
        "2:7: 'date' is written in full-width digits (２０２４-０６-１８); write 2024-06-18\n"),
    "a comment that cuts a text": (
        "title: 标题\n" + BODY + "      - 咨询电话 #123 转人工。\n",
        "8:14: the text of 'paragraphs' is cut here: YAML takes ' #' and what follows for a comment; quote the "
        "text, or write the full-width '＃'\n"),
    "a hashtag that cuts a text": (
        "title: 标题\n" + BODY + "      - 热议话题 #两会#\n",
        "8:14: the text of 'paragraphs' is cut here: YAML takes ' #' and what follows for a comment; quote the "
        "text, or write the full-width '＃'\n"),
    "a tag that drops a word": (
        "title: 标题\n" + BODY + "      - !word text\n",
        "8:9: the text starts with '!word', which YAML takes for a tag and drops; quote the text: '!word text'\n"),
    "a variation selector": (
        "title: 标题\n" + BODY.replace("正文。", "正文\ufe0f。"),
        "7:11: the variation selector U+FE0F (VARIATION SELECTOR-16) has no glyph in the fonts\n"),
    "a 900 KB key": (
        "title: 标题\n" + BODY + "k" * 900_000 + ": x\n",
        "8:900001: this line is not 'key: text': YAML found no ':' after what it read as a key (a key holds at "
        "most 1,024 characters); a text that goes on over several lines must be indented under its key\n"),
    "a tone mark with no character before it (pasted alone; Pango would draw it on a dotted circle)": (
        "title: 标题\n" + BODY.replace("正文。", "〪 正文。"),
        "7:9: U+302A (IDEOGRAPHIC LEVEL TONE MARK) is a mark that combines with the character before it, and "
        "there is none\n"),
    "a long unknown key": (
        "title: 标题\n" + BODY + "k" * 1_000 + ": x\n",
        "8:1: unknown key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk… (1,000 characters)'; expected one of: title, "
        "subtitle, authors, date, lang, intro, sections, editor, poster, subject, keywords\n"),
}


@pytest.mark.parametrize("case", CASES)
def test_each_mistake_gets_a_message_in_plain_words(tmp_path, case):
    text, expected = CASES[case]
    assert check(tmp_path, text) == expected


def test_a_list_item_that_only_looks_like_a_key_is_text(tmp_path):
    """`- dataset：因子特征工程` (a vnpy README line) is Chinese text, not a mistyped key: only the source format's
    own keys are taken for keys."""
    path = tmp_path / "x.yaml"
    path.write_text("title: 标题\n" + BODY + "      - dataset：因子特征工程\n", encoding="utf-8")
    assert run_build(path, "--check").code == 0


def test_a_comment_written_as_comments_are_is_not_a_cut(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("title: 标题  # the article's title\n" + BODY, encoding="utf-8")
    assert run_build(path, "--check").code == 0


def test_pinyin_in_decomposed_form_is_one_character(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("title: 标题\n" + BODY.replace("正文。", "拼音 ma\u0304。"), encoding="utf-8")
    assert run_build(path, "--check").code == 0  # NFC: 'mā' is in the fonts, the combining macron alone is not


def test_problems_are_capped_per_source(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("title: 标题\n" + BODY + "".join(f"title: {i}\n" for i in range(5_000)), encoding="utf-8")
    result = run_build(path, "--check")
    lines = result.err.splitlines()
    assert len(lines) == 101 and lines[-1] == f"{path}: ... and 4,900 more problems"


@pytest.mark.parametrize("epoch", ["abc", "-5", "1e9", "１２３", "99999999999999"])
def test_a_source_date_epoch_that_is_no_moment_is_refused(tmp_path, monkeypatch, epoch):
    """A CI job's SOURCE_DATE_EPOCH that is not whole seconds is said, never dropped for an undated PDF."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    path = tmp_path / "x.yaml"
    path.write_text("title: 标题\n" + BODY, encoding="utf-8")
    result = run_build(path, "--check")
    assert result.code == 1
    assert result.err == (f"SOURCE_DATE_EPOCH: '{epoch}' is not a moment: give whole seconds since 1970-01-01 as "
                          "ASCII digits, at most 253402300799 (9999-12-31), or unset it\n")


def test_a_source_date_epoch_dates_an_undated_source(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    path = tmp_path / "x.yaml"
    path.write_text("title: 标题\n" + BODY, encoding="utf-8")
    assert run_build(path, "--check").code == 0
    [article] = read_sources([path])
    assert created_date(article) == "2023-11-14T22:13:20Z"
