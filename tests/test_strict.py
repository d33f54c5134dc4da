"""Strict by default: any WeasyPrint warning fails the build, with the warning in the message (issue 2)."""

from __future__ import annotations

import pytest
from conftest import SOURCE, run_build

from studyprint import html
from studyprint.errors import shown_path

UNKNOWN_PROPERTY = "<style>p { colour: red; }</style>"


@pytest.fixture
def warning_layout(monkeypatch):
    """Templates that add a CSS property WeasyPrint does not know (it only logs a warning for it)."""
    render = html.render

    def render_with_bad_css(*args, **kwargs):
        return render(*args, **kwargs).replace("</head>", UNKNOWN_PROPERTY + "</head>")

    monkeypatch.setattr(html, "render", render_with_bad_css)


def test_a_weasyprint_warning_fails_the_build(tmp_path, warning_layout):
    result = run_build(SOURCE, "--out", tmp_path / "out", "--only", "poster")
    assert result.code == 1
    assert result.err.startswith(f"{shown_path(SOURCE)}: poster: WeasyPrint warning: Ignored `colour: red`")
    assert result.err.rstrip().endswith("(this fails the build; --no-strict allows it)")
    assert not (tmp_path / "out").exists()


def test_no_strict_lets_warnings_pass(tmp_path, warning_layout):
    result = run_build(SOURCE, "--out", tmp_path, "--only", "poster", "--no-strict", "-q")
    assert result.code == 0
    assert result.err == (f"{shown_path(tmp_path / 'six-principles-poster.pdf')}: warning: WeasyPrint warning: "
                          "Ignored `colour: red` at 1:5, unknown property.\n")  # said, not silent
    assert (tmp_path / "six-principles-poster.pdf").stat().st_size > 10_000


def test_a_failed_build_leaves_earlier_pdfs_untouched(tmp_path, monkeypatch):
    assert run_build(SOURCE, "--out", tmp_path, "-q").code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    render = html.render

    def bad_poster(kind, *args, **kwargs):
        page = render(kind, *args, **kwargs)
        return page.replace("</head>", UNKNOWN_PROPERTY + "</head>") if kind == "poster" else page

    monkeypatch.setattr(html, "render", bad_poster)
    assert run_build(SOURCE, "--out", tmp_path).code == 1
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_text_that_runs_past_its_column_fails_the_build(tmp_path, source_copy):
    """A byline that cannot break (ideographic spaces before a mark that may not start a line) runs off the
    page in WeasyPrint's layout: said, never shipped."""
    text = source_copy.read_text(encoding="utf-8").replace("name: 李先波", "name: 李先波" + "\u3000" * 46 + "！学习", 1)
    source_copy.write_text(text, encoding="utf-8")
    result = run_build(source_copy, "--out", tmp_path / "out", "--only", "handout")
    assert result.code == 1
    assert result.err == (f"{source_copy}: handout: page 1: the line '波 ！' runs 120.0 pt past the right edge "
                          "of its column; shorten it or give it a place to break (a space, a comma) (this fails the "
                          "build; --no-strict allows it)\n")
    assert not (tmp_path / "out").exists()
