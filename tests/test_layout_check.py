"""Never silently worse: when the layout does not set the body as the composer composed it (a template or style
changed, a paragraph not composed), a strict build fails naming the template and the paragraph."""

from __future__ import annotations

import re

import pytest
from conftest import SOURCE, run_build

from studyprint import html
from studyprint.errors import shown_path


@pytest.fixture
def changed_layout(monkeypatch):
    """Templates changed by a test: `change(print_html) -> print_html` applied to the handout's HTML."""
    render = html.render
    changes = []

    def render_changed(kind, *args, **kwargs):
        page = render(kind, *args, **kwargs)
        for change in changes:
            page = change(page) if kind == "handout" else page
        return page

    monkeypatch.setattr(html, "render", render_changed)
    return changes


def test_the_layout_as_composed_builds(tmp_path, changed_layout):
    """Control: the unchanged templates build, strictly."""
    assert run_build(SOURCE, "--out", tmp_path, "--only", "handout", "-q").code == 0


def test_a_style_that_changes_the_body_size_fails_the_build(tmp_path, changed_layout):
    changed_layout.append(lambda page: page.replace('<p class="body">', '<p class="body intro">', 1)
                          .replace("</head>", "<style>.intro { font-size: 13pt }</style></head>"))
    result = run_build(SOURCE, "--out", tmp_path, "--only", "handout")
    assert result.code == 1
    assert re.match(rf"{re.escape(shown_path(SOURCE))}: handout: layouts/handout.html: body paragraph 1 "
                    r"\('从事党群工作十余年来，一…'\): line 1 ends \+[\d.]+ pt from where it was composed; "
                    r"the layout's font, size or features differ from the composer's "
                    r"\(this fails the build; --no-strict allows it\)", result.err), result.err
    assert not tmp_path.joinpath("six-principles-handout.pdf").exists()


def test_a_body_paragraph_not_composed_fails_the_build(tmp_path, changed_layout):
    extra = '<p class="body">一段没有排过的文字。</p>'
    changed_layout.append(lambda page: page.replace("</section>", extra + "</section>", 1))
    result = run_build(SOURCE, "--out", tmp_path, "--only", "handout")
    assert result.code == 1
    assert ("handout: layouts/handout.html: 9 paragraphs of class 'body' laid out, 8 composed; every body "
            "paragraph must be written {{ text | paragraph }}") in result.err, result.err


def test_a_narrower_column_fails_the_build(tmp_path, changed_layout):
    changed_layout.append(lambda page: page.replace("</head>", "<style>section { margin-right: 2em }</style></head>"))
    result = run_build(SOURCE, "--out", tmp_path, "--only", "handout")
    assert result.code == 1 and "its column is 432.00 pt wide, the composer's measure 456.00 pt" in result.err


def test_without_strict_mode_the_problem_is_a_warning(tmp_path, changed_layout):
    changed_layout.append(lambda page: page.replace("</head>", "<style>p.body { letter-spacing: 1px }</style></head>"))
    result = run_build(SOURCE, "--out", tmp_path, "--only", "handout", "--no-strict", "-q")
    assert result.code == 0
    assert result.err.count("warning: layouts/handout.html: body paragraph") == 8, result.err  # each paragraph


def test_fill_in_blanks_and_ideographic_spaces_at_line_ends_build_as_composed(tmp_path):
    """Runs of U+3000 (fill-in blanks, a line's end) are set where composed: WeasyPrint gives a line-final
    whitespace-only text node no width, and the composer lets them hang there."""
    source = tmp_path / "blanks.yaml"
    source.write_text(
        "title: 填空练习\nauthors:\n  - name: 作者\nsections:\n  - heading: 练习一\n    paragraphs:\n"
        "      - 党的二十大报告指出，（　　　　）是全面建设社会主义现代化国家的首要任务。请说明理由：______。\n"
        "      - 第二题：我们要坚持（　　）、（　　）、（　　），这是新时代的要求。" + "　" * 52 + "结束。\n"
        "      - 第三题：全角空格在行尾" + "　" * 90 + "。\n", encoding="utf-8")
    result = run_build(source, "--out", tmp_path, "--only", "handout", "-q")
    assert (result.code, result.err) == (0, "")
