"""The built handouts, measured from the PDF's glyph positions: clreq figures on the six-principles article and
on the stress articles in tests/articles/, on A4 and A5; the extracted text is the source text."""

from __future__ import annotations

import ctypes
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from conftest import SOURCE, pdf_text, run_build

from studyprint import html, model, pdf, pipeline, typography
from studyprint.load import load

STRESS = sorted((Path(__file__).parent / "articles").glob("*.yaml"))
ARTICLES = {"six-principles": SOURCE, **{p.stem: p for p in STRESS}}
CASES = [(name, paper) for name in ARTICLES for paper in ("A4", "A5")]


@pytest.fixture(scope="module")
def handouts(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every article built on both papers, once."""
    out = {}
    for paper in ("A4", "A5"):
        folder = tmp_path_factory.mktemp(paper)
        result = run_build(*ARTICLES.values(), "--out", folder, "--only", "handout", "--paper", paper, "-q")
        assert result.code == 0, result.err
        for name in ARTICLES:
            out[name, paper] = folder / f"{name}-handout.pdf"
    return out


def figures(path: Path) -> dict[str, object]:
    return typography.score(typography.pdf_glyphs(path.read_bytes()))


@pytest.mark.parametrize(("name", "paper"), CASES)
def test_clreq_figures(handouts: dict, name: str, paper: str) -> None:
    f = figures(handouts[name, paper])
    assert f["flush"] == 1.0, f
    assert f["pairs"] in (1.0, None), f
    assert f["end_trim"] is None or f["end_trim"] >= 0.95, f
    assert f["kinsoku"] == 1.0, f
    assert f["autospace"] is None or f["autospace"] >= 0.95, f
    assert f["last_line"] == 1.0, f
    assert f["pitch_spread"] <= 0.1, f


def test_stress_articles_exercise_the_rules(handouts: dict) -> None:
    """The stress articles really hold what they stress: pairs, line-end marks, Han-Latin neighbours."""
    for paper in ("A4", "A5"):
        mixed, edges = figures(handouts["stress-mixed", paper]), figures(handouts["stress-edges", paper])
        assert mixed["pairs_n"] >= 10 and mixed["autospace_n"] >= 30, mixed
        assert edges["end_n"] >= 5 and edges["pairs_n"] >= 3, edges


def _paragraphs(path: Path) -> tuple[str, list[str]]:
    root, text = load(path, path.name)
    article = model.validate(root, text, path.name, path.stem)
    return article.title, [*article.intro, *(p for s in article.sections for p in s.paragraphs)]


@pytest.mark.parametrize(("name", "paper"), CASES)
def test_extracted_text_is_the_source_text(handouts: dict, name: str, paper: str) -> None:
    """Every body paragraph comes back from the PDF exactly, line breaks apart: no space, joiner or zero width
    space added, none lost (a space may only give way to a line break)."""
    title, paragraphs = _paragraphs(ARTICLES[name])
    running = re.compile(rf"^(?:{re.escape(title)}|第 \d+ 页 共 \d+ 页)$")
    lines = [ln for page in pdf_text(handouts[name, paper]) for ln in page.split("\r\n") if not running.match(ln)]
    at = 0
    for paragraph in paragraphs:
        while at < len(lines) and not (lines[at] and paragraph.startswith(lines[at])):
            at += 1
        pos = 0
        while pos < len(paragraph):
            assert at < len(lines), f"not found: {paragraph[pos:pos + 30]}"
            line = lines[at]
            assert paragraph.startswith(line, pos), (paragraph[pos:pos + 40], line)
            pos += len(line)
            if paragraph[pos:pos + 1] == " ":
                pos += 1
            at += 1
    assert not any(ch in "".join(lines) for ch in "\u200b\u2060\ufeff")


def test_quotes_are_full_width_from_the_cjk_font(handouts: dict) -> None:
    """“ ” ‘ ’ not halved by a neighbouring mark are 1 em wide and come from the CJK face (Study Serif is
    Noto Serif SC in layouts/fonts.css; no Latin face is declared)."""
    data = handouts["stress-mixed", "A4"].read_bytes()
    doc = pdfium.PdfDocument(data)
    checked = 0
    try:
        for page in doc:
            tp = page.get_textpage()
            n = tp.count_chars()
            for i in range(n - 1):
                ch, nxt = tp.get_text_range(i, 1), tp.get_text_range(i + 1, 1)
                if ch not in "“”‘’" or nxt in typography.FULLWIDTH or not typography.is_han(nxt):
                    continue
                buf = ctypes.create_string_buffer(200)
                flags = ctypes.c_int()
                pdfium_c.FPDFText_GetFontInfo(tp.raw, i, buf, 200, flags)
                assert buf.value.endswith(b"+Study-Serif"), buf.value
                x0, x1 = ctypes.c_double(), ctypes.c_double()
                y = ctypes.c_double()
                pdfium_c.FPDFText_GetCharOrigin(tp.raw, i, x0, y)
                pdfium_c.FPDFText_GetCharOrigin(tp.raw, i + 1, x1, y)
                advance = x1.value - x0.value  # 12 pt, plus at most the justification spacing
                assert 11.9 <= advance <= 12 * (1 + typography.MAX_SPACING_EM) + 0.05, (ch, advance)
                checked += 1
    finally:
        doc.close()
    assert checked >= 4


def test_without_the_second_pass_lines_are_ragged(handouts: dict) -> None:
    """Control: the first layout alone (what WeasyPrint does by itself) is measured as ragged and untrimmed,
    so the figures above are earned by typography.justify."""
    root, text = load(ARTICLES["stress-edges"], "stress-edges.yaml")
    article = model.validate(root, text, "stress-edges.yaml", "stress-edges")
    options = pipeline.Options(out=Path("unused"), paper="A4")
    data = pdf.write(pdf.layout(pipeline.handout_html(article, options)))
    f = typography.score(typography.pdf_glyphs(data))
    assert f["flush"] < 0.9 and f["end_trim"] < 0.5, f
    assert html.PAPERS["A4"].measure == 38


def test_report_prints_the_figures(tmp_path: Path) -> None:
    result = run_build(ARTICLES["stress-mixed"], "--out", tmp_path, "--only", "handout", "--report")
    assert result.code == 0, result.err
    assert re.search(r"stress-mixed-handout\.pdf: flush 1\.0 +pairs 1\.0 .*autospace 1\.0", result.out), result.out
