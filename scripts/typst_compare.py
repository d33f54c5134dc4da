"""Typst figures for comparison: set an article the way the studyprint handout sets it, with Typst, and score it.

For each SOURCE and paper, writes DIR/NAME-typst-PAPER.typ and .pdf (Typst 0.15 through the PyPI package `typst`)
with the handout's page and type (studyprint.html.PAPERS: paper, body size, baseline-to-baseline leading, a measure
of a whole number of characters, lines per page, top margin and the computed side and bottom margins; 2 em
first-line indent, no paragraph spacing, justified; headings bold sans, numbered "1　"; the fonts in fonts/
only), then runs ../shared/tools/clreq_score.py PDF --source SOURCE on it and prints one JSON line per article
and paper: the scorer's figures plus article, paper, engine and pages.

    python scripts/typst_compare.py tests/articles/*.yaml source/six-principles.yaml --out /tmp/typst
    python scripts/typst_compare.py source/six-principles.yaml --paper A5 --out /tmp/typst

Text is never interpreted: every piece of source text goes into the document as a Typst string literal.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import typst

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studyprint import model  # noqa: E402
from studyprint.html import PAPERS, Paper  # noqa: E402
from studyprint.load import load  # noqa: E402

FONTS = ROOT / "fonts"
SCORER = ROOT.parent / "shared" / "tools" / "clreq_score.py"
MM = 72 / 25.4
SERIF, SANS = "Noto Serif CJK SC", "Noto Sans CJK SC"  # the family names inside fonts/*.otf
TOP_EDGE, BOTTOM_EDGE = 0.8, 0.2  # every line box is exactly 1 em of body type: 0.8 em above the baseline


def string(text: str) -> str:
    """A Typst string literal holding `text` exactly."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def margins(paper: Paper) -> dict[str, float]:
    """The handout's margins in pt, computed as studyprint.html.Paper.page_css computes them."""
    side = math.floor((paper.width_mm * MM - paper.measure * paper.body_pt) / 2 * 1000) / 1000
    top = paper.top_mm * MM
    return {"top": top, "bottom": paper.height_mm * MM - top - paper.lines * paper.line_pt, "side": side}


def document(article: model.Article, paper: Paper) -> str:
    """The Typst source of the handout of `article` on `paper`."""
    m = margins(paper)
    size, line = paper.body_pt, paper.line_pt
    gap = line - size  # leading and paragraph spacing: one line box of 1 em plus this gap is one line pitch
    # a line of any size gets the body's line box, so headings and title lines sit on the body's line grid
    edges = f"top-edge: {TOP_EDGE * size}pt, bottom-edge: {-BOTTOM_EDGE * size}pt"
    title = string(article.title)
    authors = ", ".join(string(a.name) for a in article.authors)
    out = [
        f"#set document(title: {title}, author: ({authors},))",
        f"#set page(width: {paper.width_mm}mm, height: {paper.height_mm}mm,",
        f"  margin: (top: {m['top']:.3f}pt, bottom: {m['bottom']:.3f}pt, left: {m['side']:.3f}pt,"
        f" right: {m['side']:.3f}pt),",
        "  header-ascent: 3mm, footer-descent: 4mm,",
        f'  header: align(center + bottom, text(font: "{SERIF}", size: 9pt, fill: rgb("#555555"), {title})),',
        f'  footer: context align(center + top, text(font: "{SERIF}", size: 9pt,',
        '    "第 " + str(counter(page).get().first()) + " 页 共 " + str(counter(page).final().first()) + " 页")),',
        ")",
        f'#set text(font: "{SERIF}", size: {size}pt, lang: "zh", region: "cn", {edges})',
        f"#set par(justify: true, leading: {gap}pt, spacing: {gap}pt, first-line-indent: (amount: 2em, all: true))",
        f"#set block(spacing: {gap}pt)",
        f"#show heading: it => block(above: {gap + line}pt, below: {gap}pt, sticky: true,",
        f'  text(font: "{SANS}", weight: "bold", size: {round(size * 1.167, 2)}pt, {edges}, it.body))',
        "",
        # the title block: a whole number of lines (title 2, subtitle and each author 1, then 1 blank line)
        f"#block(width: 100%, height: {2 * line - gap}pt, below: {gap}pt, align(center + horizon,",
        f'  text(font: "{SANS}", weight: "bold", size: {round(size * 1.834, 2)}pt, {edges}, {title})))',
    ]
    centred = []
    if article.subtitle:
        centred.append(f"text(size: {round(size * 1.167, 2)}pt, {edges}, {string(article.subtitle)})")
    for a in article.authors:
        centred.append(f"text({string(a.name)})")
        extra = "，".join(part for part in (a.affiliation, a.address) if part)
        if extra:
            centred.append(
                f'text(size: {round(size * 0.875, 2)}pt, fill: rgb("#555555"), {string("（" + extra + "）")})'
            )
    for item in centred:
        out.append(f"#block(width: 100%, below: {gap}pt, align(center, {item}))")
    out.append(f"#v({line}pt, weak: false)")
    out.append("")
    for block in article.intro:
        out += [f"#{string(block.text)}", ""] if block.kind == "paragraph" else []
    for number, section in enumerate(article.sections, 1):
        heading = f"{number}\u3000{section.heading}" + (f"，{section.subheading}" if section.subheading else "")
        out += [f"#heading(level: 1, {string(heading)})", ""]
        for paragraph in section.paragraphs:
            out += [f"#{string(paragraph)}", ""]
    if article.editor:
        out.append(
            f"#block(above: {gap + line}pt, width: 100%, align(right, {string(f'［责任编辑：{article.editor}］')}))"
        )
    return "\n".join(out) + "\n"


def read(source: Path) -> model.Article:
    root, text = load(source, source.name)
    return model.validate(root, text, source.name, source.stem)


def compile_and_score(source: Path, paper_name: str, out: Path) -> dict[str, object]:
    article = read(source)
    typ = out / f"{source.stem}-typst-{paper_name}.typ"
    pdf = typ.with_suffix(".pdf")
    typ.write_text(document(article, PAPERS[paper_name]), encoding="utf-8")
    _, warnings = typst.compile_with_warnings(
        str(typ), output=str(pdf), root=str(out), font_paths=[str(FONTS)], ignore_system_fonts=True
    )
    if warnings:  # e.g. "unknown font family": Typst would quietly set the text in another face
        raise SystemExit(f"{typ}: {warnings}")
    scored = subprocess.run(
        [sys.executable, str(SCORER), str(pdf), "--source", str(source)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(scored.stdout.splitlines()[-1])
    doc = pdfium.PdfDocument(str(pdf))
    try:
        pages = len(doc)
    finally:
        doc.close()
    return {"article": source.stem, "paper": paper_name, "engine": "typst", "pages": pages, **figures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", type=Path, metavar="SOURCE", help="article YAML files")
    parser.add_argument("--paper", choices=sorted(PAPERS), action="append", help="A4 and/or A5 (default: both)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the .typ and .pdf files")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for source in args.sources:
        for paper in args.paper or sorted(PAPERS):
            print(json.dumps(compile_and_score(source, paper, args.out), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
