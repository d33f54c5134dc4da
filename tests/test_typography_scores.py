"""The built handouts, measured from the PDF: the clreq figures of ../shared/tools/clreq_score.py (the project's
yardstick) on every article (six-principles and tests/articles/*.yaml, real texts among them) on A4 and A5,
every line flush to a tenth of a point, and the text that pdfium, poppler and MuPDF copy out of it."""

from __future__ import annotations

import importlib.util
import re
import subprocess
from pathlib import Path

import pytest
from conftest import SOURCE, pdf_text, run_build

from studyprint import ROOT, compose, emphasis, html, measure, model, pdf, pipeline
from studyprint.chars import FULLWIDTH, is_cjk, is_han, is_latin
from studyprint.load import load

ARTICLES = {"six-principles": SOURCE,
            **{path.stem: path for path in sorted((Path(__file__).parent / "articles").glob("*.yaml"))}}
PAPERS = ("A4", "A5")
CASES = [(name, paper) for name in ARTICLES for paper in PAPERS]
SCORER = ROOT.parent / "shared" / "tools" / "clreq_score.py"


@pytest.fixture(scope="module")
def handouts(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every article built on both papers, once, strictly (so every line is laid out as composed)."""
    out = {}
    for paper in PAPERS:
        folder = tmp_path_factory.mktemp(paper)
        result = run_build(*ARTICLES.values(), "--out", folder, "--only", "handout", "--paper", paper, "-q")
        assert result.code == 0, result.err
        out.update({(name, paper): folder / f"{name}-handout.pdf" for name in ARTICLES})
    return out


@pytest.fixture(scope="module")
def scorer():
    if not SCORER.exists():
        pytest.skip("../shared/tools/clreq_score.py is not there")
    spec = importlib.util.spec_from_file_location("clreq_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def figures(handouts: dict, scorer) -> dict[tuple[str, str], dict]:
    out = {}
    for (name, paper), path in handouts.items():
        scorer.SOURCE_WORDS = set(scorer.ALNUM.findall(ARTICLES[name].read_text(encoding="utf-8")))
        out[name, paper] = scorer.score(str(path))
    return out


@pytest.mark.parametrize(("name", "paper"), CASES)
def test_clreq_figures(figures: dict, name: str, paper: str) -> None:
    f = figures[name, paper]
    assert f["kinsoku"] == f["last_line"] == f["grid"] == 1.0, f
    assert f["pairs"] is None or f["pairs"] >= 0.95, f
    assert f["end_trim"] is None or f["end_trim"] >= 0.95, f
    assert f["word_breaks"] == 0, f["word_breaks_at"]
    assert f["flush"] >= 0.95 and f["tracking"] >= 0.85, f  # each article; the corpus as a whole below
    assert f["tracking_max"] <= compose.TRACK_LOOSE + 0.005, f


def test_clreq_targets_over_all_articles(figures: dict) -> None:
    """Over every line of every article on both papers: flush lines, lines at the natural pitch."""
    lines = sum(f["nonfinal"] for f in figures.values())
    flush = sum(f["flush"] * f["nonfinal"] for f in figures.values()) / lines
    assert flush >= 0.99, flush
    pitched = [(f["tracking"], f["nonfinal"]) for f in figures.values() if f["tracking"] is not None]
    tracking = sum(t * n for t, n in pitched) / sum(n for _, n in pitched)
    assert tracking >= 0.97, tracking


def test_the_articles_are_real_mixed_text(figures: dict) -> None:
    """The corpus holds what it is meant to stress: Han-Latin neighbours, adjacent marks, trimmed line ends."""
    assert sum(f["autospace_n"] for f in figures.values()) >= 1000
    assert sum(f["pairs_n"] for f in figures.values()) >= 100 and sum(f["end_n"] for f in figures.values()) >= 100


@pytest.mark.parametrize("paper", PAPERS)
def test_every_line_is_flush_to_a_tenth_of_a_point(handouts: dict, paper: str) -> None:
    """Every non-final line that ends in a Han character or a trimmed mark ends at the column's right edge,
    measured from the glyph origins pdfium reads (a Han character is 1 em, a trimmed mark 1/2 em)."""
    for name in ARTICLES:
        rows = _body_rows(handouts[name, paper], paper)
        right = html.PAPERS[paper].measure * html.PAPERS[paper].body_pt
        for row, nxt in zip(rows, rows[1:], strict=False):
            if nxt[0].x - row[0].x > 1 or not (is_han(row[-1].ch) or row[-1].ch in "，。、；：？！"):
                continue  # the paragraph's last line (the next one is indented), or it ends in a Latin word
            em = html.PAPERS[paper].body_pt * (1 if is_han(row[-1].ch) else 0.5)
            end = row[-1].x + em - row[0].x if not _indented(row, rows) else None
            if end is not None:
                assert abs(end - right) <= 0.1, (name, "".join(g.ch for g in row), end - right)


def _body_rows(path: Path, paper: str) -> list[list[measure.Glyph]]:
    size = html.PAPERS[paper].body_pt
    rows: dict[tuple[int, int], list[measure.Glyph]] = {}
    for g in measure.pdf_glyphs(path.read_bytes()):
        if abs(g.size - size * 4 / 3) < 0.2 and not g.ch.isspace():
            rows.setdefault((g.page, round(g.y)), []).append(g)
    return [sorted(row, key=lambda g: g.x) for row in rows.values() if sum(is_han(g.ch) for g in row) >= 4]


def _indented(row: list[measure.Glyph], rows: list[list[measure.Glyph]]) -> bool:
    return row[0].x > min(r[0].x for r in rows) + 1


# --- copy and paste ---

def _article(path: Path) -> model.Article:
    root, text = load(path, path.name)
    return model.validate(root, text, path.name, path.stem)


def _paragraphs(article: model.Article) -> list[str]:
    return [emphasis.plain(p) for p in article.paragraphs()]


def _extracted(engine: str, path: Path, title: str) -> str:
    """The text an engine copies out of the PDF, without the running heads and page numbers."""
    if engine == "pdfium":
        text = "\n".join(pdf_text(path))
    elif engine == "poppler":
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    else:
        text = subprocess.run(["mutool", "draw", "-q", "-F", "txt", "-o", "-", str(path)], capture_output=True,
                              text=True, check=True).stdout
    head = r"\s+".join(map(re.escape, title.split()))  # pdfium copies the running head's spaces as U+00A0
    running = re.compile(rf"^\s*(?:{head}|第\s*\d+\s*页\s*共\s*\d+\s*页)\s*$")
    return "\n".join(line for line in text.splitlines() if not running.match(line))


def _boundary(source: str, at: int) -> bool:
    """Whether a space may appear between source[at - 1] and source[at], or source[at] (a space) be dropped:
    at a Han-Latin boundary (the layout's gap), or beside a full-width mark (whose blank half is the space)."""
    before = source[:at].rstrip()[-1:]
    after = source[at:].lstrip()[:1]
    kinds = {("cjk" if is_cjk(ch) else "latin" if is_latin(ch) or not ch.isspace() else "") for ch in (before, after)}
    return kinds == {"cjk", "latin"} or bool(FULLWIDTH & {before, after})


def differences(source: str, extracted: str) -> str | None:
    return walk(source, extracted)[0]


def walk(source: str, extracted: str) -> tuple[str | None, int]:
    """Walk the source and the extracted text together: the first difference not allowed (or None), and how
    much of the extracted text the source took. Allowed: a
    line break (where the source may have a space between words), a hyphen added at a line end (or pdfium's
    U+FFFE for it), one space at a Han-Latin boundary, a source space dropped at such a boundary or beside a
    full-width mark."""
    s = e = 0
    spaced = False
    while s < len(source):
        if e >= len(extracted):
            return f"lost: {source[s:s + 20]!r}", e
        a, b = source[s], extracted[e]
        if a == b:
            s, e, spaced = s + 1, e + 1, False
        elif b in "\r\n":
            e += 1
            s += a.isspace()
        elif b == "\ufffe" or (b == "-" and extracted[e + 1:e + 2] in ("\r", "\n")):
            e += 1
        elif b == " " and not spaced and _boundary(source, s):
            e, spaced = e + 1, True
        elif a.isspace() and _boundary(source, s):
            s += 1
        else:
            return f"at {source[max(0, s - 10):s]!r}: source {source[s:s + 12]!r}, copied {extracted[e:e + 12]!r}", e
    return None, e


@pytest.mark.parametrize("engine", ["pdfium", "poppler", "mupdf"])
@pytest.mark.parametrize("paper", PAPERS)
def test_copied_text_is_the_source_text(handouts: dict, engine: str, paper: str) -> None:
    """Each body paragraph comes out of the PDF with no character lost or added, but at most one space at a
    Han-Latin boundary: never a space inside a run of Han characters or inside a word, whatever the spacing."""
    for name, source in ARTICLES.items():
        article = _article(source)
        text = _extracted(engine, handouts[name, paper], article.title)
        at = 0
        for paragraph in _paragraphs(article):
            head = r"\s*".join(map(re.escape, "".join(paragraph.split())[:12]))  # line breaks and gaps between
            found = re.compile(head).search(text, at)
            assert found, (name, engine, paragraph[:20])
            problem, taken = walk(paragraph, text[found.start():])
            assert problem is None, (name, engine, paper, problem)
            at = found.start() + taken


def test_differences_catches_what_it_must() -> None:
    """Control: the comparison above fails on a space inside Han text or a word, or a lost character."""
    assert differences("学习Linux内核", "学习 Linux 内核") is None
    assert differences("学习内核", "学 习内核") is not None
    assert differences("initramfs工具", "initram fs工具") is not None
    assert differences("学习内核。", "学习内核") is not None
    assert differences("update initramfs", "update\ninitramfs") is None
    assert differences("变量。 EFI", "变量。EFI") is None and differences("学习 内核", "学习内核") is not None


def test_without_the_composer_lines_are_ragged(handouts: dict) -> None:
    """Control: the same article laid out by WeasyPrint alone (its paragraphs as plain text) is measured ragged
    and untrimmed, so the figures above are earned by the composer."""
    article = _article(ARTICLES["corpus-debian-faq"])
    options = pipeline.Options(out=Path("unused"), paper="A4")
    print_html, _ = pipeline.handout_html(article, options)
    plain = re.sub(r'<p class="body">.*?</p>', lambda m: '<p class="body" style="white-space: normal">'
                   + re.sub(r"<[^>]+>", "", m.group()[16:-4]) + "</p>", print_html, flags=re.S)
    f = measure.score(measure.pdf_glyphs(pdf.write(pdf.layout(plain))))
    assert f["flush"] < 0.5 and f["end_trim"] < 0.5, f


def test_report_prints_the_figures(tmp_path: Path) -> None:
    result = run_build(ARTICLES["stress-mixed"], "--out", tmp_path, "--only", "handout", "--report")
    assert result.code == 0, result.err
    assert re.search(r"stress-mixed-handout\.pdf: flush 1\.0 +pairs 1\.0 .*tracking 1\.0 .*word_breaks 0 +grid 1\.0",
                     result.out), result.out


def test_report_on_a_text_without_chinese_says_why_there_are_no_figures(tmp_path: Path) -> None:
    source = tmp_path / "latin.yaml"
    source.write_text("title: English only\nauthors:\n  - name: Someone\nsections:\n  - heading: Part one\n"
                      "    paragraphs:\n      - This article is written entirely in English, with no Chinese at all.\n",
                      encoding="utf-8")
    result = run_build(source, "--out", tmp_path, "--only", "handout", "--report")
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1] == (f"{tmp_path / 'latin-handout.pdf'}: no Chinese body text to measure "
                                           "(the figures are for lines of four Han characters or more)")


def test_a_double_space_or_a_tab_in_a_paragraph_leaves_it_flush(tmp_path: Path) -> None:
    """Whitespace inside a paragraph is one junction whatever it is made of (two spaces, a tab, a line break in a
    folded scalar), never a reason to leave the paragraph ragged."""
    text = ("党的二十大报告指出，全面建设社会主义现代化国家，必须坚持中国特色社会主义文化发展道路，增强文化自信，"
            "围绕举旗帜、聚民心、育新人、兴文化、展形象建设社会主义文化强国，发展面向现代化、面向世界、面向未来的，"
            "民族的科学的大众的社会主义文化，激发全民族文化创新创造活力。")
    two_spaces, tab = text.replace("，必须", "，  必须"), text.replace("，必须", "，\\t必须")  # \t: a YAML escape
    source = tmp_path / "spaces.yaml"
    source.write_text("title: 空白\nauthors:\n  - name: 作者\nsections:\n  - heading: 一\n    paragraphs:\n"
                      f'      - "{two_spaces}{text}"\n      - "{tab}{text}"\n'
                      f"      - >-\n        {text[:40]}\n        {text[40:]}{text}\n", encoding="utf-8")
    assert run_build(source, "--out", tmp_path, "--only", "handout", "-q").code == 0
    figures = measure.score(measure.pdf_glyphs((tmp_path / "spaces-handout.pdf").read_bytes()))
    assert figures["flush"] == 1.0 and figures["tracking"] == 1.0, figures
