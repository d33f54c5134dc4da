"""Every reader draws the same page: pdfium, poppler, MuPDF and Ghostscript agree on every page (issue 2).

MuPDF and Ghostscript look glyphs up by CID as the PDF specification says; a font whose CIDs differ from
its glyph ids renders in pdfium and poppler but comes out blank or as boxes there. The last test builds
such a font and shows that these checks catch it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import weasyprint
from engines import block_difference, font_messages, ink, render_all
from fontTools import subset
from fontTools.ttLib import TTFont

from studyprint import FONTS

INK_TOLERANCE = 0.10  # measured: within 1 % on the handout; Ghostscript 7.5 % lighter on the poster (anti-aliasing)
MAX_BLOCK_DIFFERENCE = 4.0  # grey levels over 8x8-pixel blocks at 100 dpi; measured 0.8-2.6


def disagreements(pdf: Path) -> list[str]:
    renderings = render_all(pdf)
    reference = renderings[0]
    problems = [f"{r.engine}: {m}" for r in renderings for m in font_messages(r)]
    for r in renderings[1:]:
        if len(r.pages) != len(reference.pages):
            problems.append(f"{r.engine}: {len(r.pages)} pages, pdfium {len(reference.pages)}")
            continue
        for number, (page, ref) in enumerate(zip(r.pages, reference.pages, strict=True), 1):
            ratio = ink(page) / ink(ref)
            if abs(ratio - 1) > INK_TOLERANCE:
                problems.append(f"{r.engine} page {number}: ink {ratio:.3f} of pdfium's")
            difference = block_difference(page, ref)
            if difference > MAX_BLOCK_DIFFERENCE:
                problems.append(f"{r.engine} page {number}: differs from pdfium by {difference:.2f} grey levels")
    return problems


@pytest.mark.parametrize("kind", ["handout", "poster"])
def test_four_engines_draw_the_same_pages(built, kind):
    assert disagreements(built[kind]) == []


def test_a_font_whose_cids_are_not_its_glyph_ids_is_caught(tmp_path):
    text = "党群干部要做到六个树立"
    font = TTFont(FONTS / "NotoSansSC-Bold.otf")
    options = subset.Options()
    options.retain_gids = False  # glyph ids renumbered, CIDs kept: the region-subset OTFs' situation
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    font.save(tmp_path / "broken.otf")
    html = (f"<style>@font-face {{ font-family: B; src: url({(tmp_path / 'broken.otf').as_uri()}) }}"
            f"p {{ font: 40pt B }}</style><p>{text}</p>")
    weasyprint.HTML(string=html).write_pdf(tmp_path / "broken.pdf")
    found = disagreements(tmp_path / "broken.pdf")
    assert any(line.startswith("mupdf: ") and "glyph" in line for line in found), found
    assert any(line.startswith("ghostscript page 1: ink 0.0") for line in found), found
