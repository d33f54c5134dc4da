"""PDFs for every reader and every printer (issue 10): tagged PDF/UA-1 checked by two validators and by our own
structure checks, compact, black ink only for text, print-ready page boxes, metadata, booklets, PDF/A-3b."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pdfcheck
import pikepdf
import pypdfium2 as pdfium
import pytest
import yaml
from conftest import SOURCE, environment, pdf_text, run_build
from fontTools.ttLib import TTFont
from PIL import Image
from test_engines import disagreements

from studyprint import __version__, impose, pdf, pdfpost, poster
from studyprint.errors import shown_path

MM = 72 / 25.4
NS = {"dc": "http://purl.org/dc/elements/1.1/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "xmp": "http://ns.adobe.com/xap/1.0/", "pdf": "http://ns.adobe.com/pdf/1.3/",
      "pdfuaid": "http://www.aiim.org/pdfua/ns/id/", "pdfaid": "http://www.aiim.org/pdfa/ns/id/"}
# pdfua 0.1.3's empty-heading rule calls getattr(.., "is_integer") on a pikepdf Array, which raises ValueError
# for any heading whose /K is an array (every heading of more than one text run, WeasyPrint's own too).
PDFUA_BROKEN_RULES = {"UA-14-001"}


def build(out: Path, *options: str, source: Path = SOURCE) -> dict[str, Path]:
    result = run_build(source, "--out", out, "-q", *options)
    assert result.code == 0, result.err
    return {p.stem.rsplit("-", 1)[1]: p for p in out.glob("*.pdf")}


@pytest.fixture(scope="session")
def a5(tmp_path_factory) -> dict[str, Path]:
    """The A5 handout and its booklet."""
    return build(tmp_path_factory.mktemp("a5"), "--booklet", "--only", "handout")


@pytest.fixture(scope="session")
def archival(tmp_path_factory) -> dict[str, Path]:
    """PDF/A-3b with subject, keywords and a date in the source."""
    folder = tmp_path_factory.mktemp("pdfa")
    source = folder / "six-principles.yaml"
    source.write_text(SOURCE.read_text(encoding="utf-8")
                      + "subject: 党群干部的六个树立\nkeywords: 党建, 群众路线\ndate: 2024-06-18\n", encoding="utf-8")
    return build(folder / "out", "--pdf-variant", "pdf/a-3b", source=source)


@pytest.fixture(scope="session")
def bled(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("bleed"), "--only", "poster", "--bleed", "3mm")["poster"]


def source_data() -> dict:
    return yaml.safe_load(SOURCE.read_text(encoding="utf-8"))


# --- validators -------------------------------------------------------------------------------------------------

def outloud(path: Path) -> dict:
    result = subprocess.run([shutil.which("outloud"), "--json", "-", "--fail-on", "never", str(path)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)["results"][0]


def pdfua(path: Path) -> dict:
    result = subprocess.run([shutil.which("pdfua"), "check", "-f", "json", str(path)], capture_output=True, text=True)
    assert result.returncode in (0, 1, 2, 3), result.stderr
    return json.loads(result.stdout)


def validator_problems(path: Path) -> list[str]:
    found = outloud(path)
    problems = [f"outloud {f.get('rule')}: {f.get('message')}" for f in found["findings"]
                if f.get("severity") in ("error", "warning")]
    problems += [f"outloud {r['rule']} {r['status']}: {r['reason']}" for r in found["rules"]
                 if r["status"] not in ("ran", "not-applicable", "not-implemented")
                 and not (r["status"] == "skipped" and r["reason"] == "needs --source")]
    checked = pdfua(path)
    problems += [f"pdfua {f['rule_id']}: {f['message']}" for f in checked["findings"]
                 if f["severity"].lower() in ("error", "warning")]
    problems += [f"pdfua {s['rule_id']} skipped: {s['reason']}" for s in checked["skipped"]
                 if s["rule_id"] not in PDFUA_BROKEN_RULES]
    return problems


@pytest.mark.parametrize("which", ["handout", "poster", "a5 handout", "booklet", "pdf/a-3b handout",
                                   "pdf/a-3b poster", "poster with bleed"])
def test_two_pdfua_validators_find_no_error_and_no_warning(which, built, a5, archival, bled):
    path = {"handout": built["handout"], "poster": built["poster"], "a5 handout": a5["handout"],
            "booklet": a5["booklet"], "pdf/a-3b handout": archival["handout"],
            "pdf/a-3b poster": archival["poster"], "poster with bleed": bled}[which]
    assert validator_problems(path) == []


def test_the_validators_fail_an_untagged_pdf(tmp_path):
    path = tmp_path / "untagged.pdf"
    path.write_bytes(pdf.layout('<html lang="zh-CN"><title>t</title><p>x</p></html>').document.write_pdf())
    found = validator_problems(path)
    assert any(p.startswith("outloud DOC-002") for p in found), found
    assert any(p.startswith("pdfua UA-01") for p in found), found


# --- our structure checks ---------------------------------------------------------------------------------------

def expected_blocks(data: dict) -> list[tuple[str, str]]:
    author = data["authors"][0]
    blocks = [("H1", data["title"]), ("P", author["name"]), ("P", f"（{author['affiliation']}，{author['address']}）")]
    blocks += [("P", text) for text in data["intro"]]
    for i, section in enumerate(data["sections"], 1):
        blocks.append(("H2", f"{i}　{section['heading']}，{section['subheading']}"))
        blocks += [("P", text) for text in section["paragraphs"]]
    blocks.append(("P", f"［责任编辑：{data['editor']}］"))
    return blocks


def shape(node: pdfcheck.Node) -> list:
    return [kid.role if not kid.kids else (kid.role, shape(kid)) for kid in node.kids]


def test_handout_structure_is_document_h1_paragraphs_and_one_sect_per_section(built):
    tagged = pdfcheck.read(built["handout"])
    data = source_data()
    paragraphs = sum(len(s["paragraphs"]) for s in data["sections"])
    assert tagged.root_kids == 1 and tagged.document.role == "Document"
    assert shape(tagged.document) == (["H1", "P", "P", "P", "P"]
                                      + [("Sect", ["H2", "P"]) for _ in data["sections"]] + ["P"])
    assert tagged.counts() == {"Document": 1, "H1": 1, "H2": 6, "Sect": 6, "P": 4 + paragraphs + 1}
    assert sum(tagged.counts().values()) <= 30  # WeasyPrint's own tree: 494 elements


def test_reading_the_tags_gives_the_source_text(built, a5):
    for path in (built["handout"], a5["handout"]):
        assert pdfcheck.read(path).blocks() == expected_blocks(source_data())


def test_a_paragraph_and_its_section_across_a_page_break_are_one_element_each(built, a5):
    for path in (built["handout"], a5["handout"]):
        tagged = pdfcheck.read(path)
        pages_of = {n.ref: {page for page, _ in n.contents} for n in tagged.document.walk()}
        split = [n for n in tagged.document.walk() if n.role == "P" and len(pages_of[n.ref]) > 1]
        assert split, "no paragraph crosses a page here: the test needs one"
        sections = [n for n in tagged.document.walk() if n.role == "Sect"]
        assert any(len({p for kid in s.kids for p in pages_of[kid.ref]}) > 1 for s in sections)


def test_running_heads_and_page_numbers_are_pagination_artifacts(built, a5):
    title = source_data()["title"]
    for path in (built["handout"], a5["handout"]):
        tagged = pdfcheck.read(path)
        pages = 1 + max(page for page, _ in tagged.marked)
        assert tagged.artifacts == [item for n in range(pages) for item in
                                    ((n, "/Header", title), (n, "/Footer", f"第 {n + 1} 页 共 {pages} 页"))]
        assert all(title != text for _, text in tagged.blocks()[1:])  # the running head is not read again


@pytest.mark.parametrize("kind", ["handout", "poster"])
def test_every_content_item_is_tagged_and_reachable_or_an_artifact(built, kind):
    tagged = pdfcheck.read(built[kind])
    assert tagged.untagged == []
    reachable = pdfcheck.reachable_contents(tagged)
    assert sorted(reachable) == sorted(tagged.marked)  # each marked sequence once in the tree, none left out
    assert tagged.parent_tree == tagged.owner()  # the ParentTree names the element that holds each one
    assert all(node.contents or node.kids for node in tagged.document.walk())  # no empty element


def test_poster_cards_are_sections_in_reading_order(built):
    tagged = pdfcheck.read(built["poster"])
    data = source_data()
    assert shape(tagged.document) == ["H1", "P"] + [("Sect", ["P", "H2", "P", "P"]) for _ in data["sections"]] + ["P"]
    cards = [n for n in tagged.document.walk() if n.role == "Sect"]
    assert [[k.text for k in card.kids][:3] for card in cards] == [
        [str(i), s["heading"], s["subheading"]] for i, s in enumerate(data["sections"], 1)]
    for card, section in zip(cards, data["sections"], strict=True):  # the key sentence, from the section's text
        assert card.kids[3].text in "".join(section["paragraphs"]), card.kids[3].text


def test_sub_points_are_h3_inside_their_section(tmp_path):
    html = ('<html lang="zh-CN"><head><title>标题</title><link rel="stylesheet" href="fonts.css">'
            '<style>html { font-family: "Study Serif" }</style></head><body><h1>标题</h1>'
            '<section><h2>一、原则</h2><h3>（一）要点</h3><p>正文<strong>重点</strong>。</p></section></body></html>')
    rendered = pdf.layout(html)
    path = tmp_path / "h3.pdf"
    path.write_bytes(pdfpost.finish(pdf.write(rendered), rendered.document, pdfpost.Finish()))
    tagged = pdfcheck.read(path)
    assert shape(tagged.document) == ["H1", ("Sect", ["H2", "H3", "P"])]
    assert tagged.blocks() == [("H1", "标题"), ("H2", "一、原则"), ("H3", "（一）要点"), ("P", "正文重点。")]


def test_a_strict_build_fails_when_post_processing_finds_no_structure(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "write", lambda rendered, variant="pdf/ua-1": rendered.document.write_pdf())
    result = run_build(SOURCE, "--out", tmp_path / "strict", "--only", "poster")
    assert result.code == 1
    assert result.err == (f"{shown_path(SOURCE)}: poster: post-processing WeasyPrint's PDF: WeasyPrint wrote no "
                          "structure tree (was the PDF written with pdf/ua-1 tags?) (nothing is written; "
                          "--no-strict ships WeasyPrint's unprocessed PDF)\n")
    assert not (tmp_path / "strict").exists()
    result = run_build(SOURCE, "--out", tmp_path / "lax", "--only", "poster", "--no-strict", "-q")
    assert result.code == 0, result.err
    with pikepdf.open(tmp_path / "lax" / "six-principles-poster.pdf") as shipped:
        assert "/StructTreeRoot" not in shipped.Root


# --- size and fonts ---------------------------------------------------------------------------------------------

def test_handout_and_poster_are_compact(built):
    assert built["handout"].stat().st_size <= 200_000  # WeasyPrint alone: 442 KB; Typst: 200 KB
    assert built["poster"].stat().st_size <= 40_000  # WeasyPrint alone: 377 KB; Typst: 35 KB


@pytest.mark.parametrize("kind", ["handout", "poster"])
def test_embedded_fonts_hold_only_the_glyphs_shown_with_cid_equal_to_glyph_id(built, kind):
    doc = pikepdf.open(built[kind])
    for font in doc.pages[0].Resources.Font.values():
        descendant = font.DescendantFonts[0]
        program = descendant.FontDescriptor.FontFile3
        assert program.Subtype == pikepdf.Name.OpenType
        face = TTFont(io.BytesIO(program.read_bytes()))
        charset = face["CFF "].cff.topDictIndex[0].charset
        assert [name for gid, name in enumerate(charset) if gid and name != f"cid{gid:05d}"] == []
        shown = len(descendant.W[1]) + 1  # /W [1 [w1 ... wn]]: every glyph but .notdef is shown
        assert len(charset) == shown


# --- printing -----------------------------------------------------------------------------------------------------

def separations(path: Path, dpi: int = 72) -> list[dict[str, np.ndarray]]:
    """Each page's ink per plate (0-255) after a standard CMYK conversion with Ghostscript."""
    with tempfile.TemporaryDirectory() as tmp:
        cmyk = Path(tmp) / "cmyk.pdf"
        gs = ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER"]
        subprocess.run([*gs, "-sDEVICE=pdfwrite", "-sColorConversionStrategy=CMYK", f"-sOutputFile={cmyk}",
                        str(path)], check=True)
        subprocess.run([*gs, "-sDEVICE=tiffsep", f"-r{dpi}", f"-sOutputFile={tmp}/p%d.tif", str(cmyk)], check=True)
        pages = []
        while (Path(tmp) / f"p{len(pages) + 1}(Black).tif").exists():
            pages.append({plate: 255 - np.asarray(Image.open(Path(tmp) / f"p{len(pages) + 1}({plate}).tif"), int)
                          for plate in ("Cyan", "Magenta", "Yellow", "Black")})
        return pages


def colour_under_black(page: dict[str, np.ndarray]) -> int:
    text = page["Black"] > 128  # body text is 90 % black, the muted grey 67 %; the accent red far less
    colour = np.maximum(np.maximum(page["Cyan"], page["Magenta"]), page["Yellow"])
    return int((colour[text] > 0).sum())


def test_body_text_prints_in_black_ink_only(built):
    handout = separations(built["handout"])
    assert all(page["Black"].sum() > 0 for page in handout)
    assert [int(page[p].sum()) for page in handout for p in ("Cyan", "Magenta", "Yellow")] == [0] * 3 * len(handout)
    [poster_page] = separations(built["poster"])
    assert (poster_page["Black"] > 128).sum() > 1000
    assert colour_under_black(poster_page) == 0


def test_rgb_text_as_weasyprint_writes_it_would_print_in_four_colours(tmp_path):
    """The control: the same colour straight from WeasyPrint (DeviceRGB) becomes rich black."""
    path = tmp_path / "rgb.pdf"
    path.write_bytes(pdf.layout('<html lang="zh-CN"><link rel="stylesheet" href="fonts.css"><p style="font: 40pt '
                                '\'Study Serif\'; color: #1a1a1a">党群干部</p></html>').document.write_pdf())
    [page] = separations(path)
    assert colour_under_black(page) > 100


def render(path: Path, dpi: float) -> np.ndarray:
    """The page's full MediaBox in RGB."""
    doc = pdfium.PdfDocument(str(path))
    try:
        return np.asarray(doc[0].render(scale=dpi / 72, may_draw_forms=False).to_pil().convert("RGB")).astype(int)
    finally:
        doc.close()


def test_poster_keeps_a_white_margin_an_office_printer_can_print(built):
    image = render(built["poster"], 72)
    px = 72 / 25.4
    edge = int(poster.FRAME_MM * px) - 1
    frame = np.concatenate([image[:edge].reshape(-1, 3), image[-edge:].reshape(-1, 3),
                            image[:, :edge].reshape(-1, 3), image[:, -edge:].reshape(-1, 3)])
    assert frame.min() >= 250  # white paper: nothing printed in the outer 6 mm
    inside = image[edge + 3:edge + 6, image.shape[1] // 2]
    assert (inside.max(axis=1) - inside.min(axis=1)).min() > 5  # the warm tint starts at the margin


def test_with_bleed_the_tint_runs_into_the_bleed_and_the_crop_marks_sit_beyond_it(bled):
    dpi = 72
    px = dpi / 25.4
    image = render(bled, dpi)
    slug = int((2 * 3 + poster.MARKS_MM) * px)  # the MediaBox edge to the trim edge
    tinted = lambda a: (a.max(axis=-1) - a.min(axis=-1)) > 5  # noqa: E731
    middle = image.shape[1] // 2
    in_bleed = image[slug - int(2.5 * px):slug - 1, middle]  # the 3 mm outside the trim, top edge
    assert tinted(in_bleed).all()
    beyond = image[:slug - int(3.5 * px), :]  # outside the bleed box: white paper, and the marks
    assert not tinted(beyond).any()
    dark = np.argwhere(beyond.max(axis=-1) < 128)
    assert len(dark) > 0  # the marks are there, and all of them beyond the bleed
    assert dark[:, 0].max() < slug - 3 * px


# --- metadata -----------------------------------------------------------------------------------------------------

def xmp(path: Path) -> ET.Element:
    with pikepdf.open(path) as doc:
        packet = doc.Root.Metadata.read_bytes()
    return ET.fromstring(packet.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])


def xmp_text(root: ET.Element, path: str) -> list[str]:
    return [e.text for e in root.findall(f".//{path}", NS)]


@pytest.mark.parametrize("kind", ["handout", "poster"])
def test_xmp_title_creator_version_pdfua_and_viewer_settings(built, kind):
    doc = pikepdf.open(built[kind])
    root = xmp(built[kind])
    assert str(doc.docinfo.Creator) == f"studyprint {__version__}" == xmp_text(root, "xmp:CreatorTool")[0]
    assert xmp_text(root, "dc:title/rdf:Alt/rdf:li") == [source_data()["title"]] == [str(doc.docinfo.Title)]
    assert xmp_text(root, "dc:creator/rdf:Seq/rdf:li") == ["李先波"]
    assert xmp_text(root, "pdfuaid:part") == ["1"] and xmp_text(root, "pdfaid:part") == []
    assert xmp_text(root, "xmp:CreateDate") == []  # no date in the source, no SOURCE_DATE_EPOCH: none
    assert doc.Root.ViewerPreferences.DisplayDocTitle is True
    assert doc.Root.PageMode == pikepdf.Name.UseOutlines
    assert str(doc.Root.Lang) == "zh-CN"


def test_subject_keywords_and_the_source_date_reach_info_and_xmp(archival):
    doc = pikepdf.open(archival["handout"])
    root = xmp(archival["handout"])
    assert str(doc.docinfo.Subject) == "党群干部的六个树立" == xmp_text(root, "dc:description/rdf:Alt/rdf:li")[0]
    assert str(doc.docinfo.Keywords) == "党建, 群众路线" == xmp_text(root, "pdf:Keywords")[0]
    assert str(doc.docinfo.CreationDate).startswith("D:20240618")
    assert xmp_text(root, "xmp:CreateDate") == ["2024-06-18"] == xmp_text(root, "xmp:ModifyDate")


def test_source_date_epoch_gives_the_xmp_dates(tmp_path):
    with environment(SOURCE_DATE_EPOCH="1718668800"):
        paths = build(tmp_path, "--only", "poster")
    assert xmp_text(xmp(paths["poster"]), "xmp:CreateDate") == ["2024-06-18T00:00:00Z"]


def test_pdfa_3b_has_an_srgb_output_intent_and_declares_both_standards(archival):
    doc = pikepdf.open(archival["handout"])
    [intent] = doc.Root.OutputIntents
    assert str(intent.S) == "/GTS_PDFA1" and int(intent.DestOutputProfile.N) == 3
    root = xmp(archival["handout"])
    assert xmp_text(root, "pdfaid:part") == ["3"] and xmp_text(root, "pdfaid:conformance") == ["B"]
    assert xmp_text(root, "pdfuaid:part") == ["1"]
    assert "http://www.aiim.org/pdfua/ns/id/" in doc.Root.Metadata.read_bytes().decode()
    assert "/Filter" not in doc.Root.Metadata  # readable without decoding, as PDF/A-1 required and tools expect
    assert len(doc.trailer.ID) == 2  # PDF/A requires a file identifier


def test_xmp_dates_keep_the_precision_of_the_info_dates():
    assert pdfpost.xmp_date("D:20240618") == "2024-06-18"
    assert pdfpost.xmp_date("D:20240618000000Z") == "2024-06-18T00:00:00Z"
    assert pdfpost.xmp_date("D:20240618093000+08'00'") == "2024-06-18T09:30:00+08:00"


# --- booklets -----------------------------------------------------------------------------------------------------

def page_numbers_per_side(path: Path) -> list[tuple[int | None, int | None]]:
    """Each sheet side's (left, right) page numbers, read back from the footers "第 N 页 共 M 页"."""
    doc = pdfium.PdfDocument(str(path))
    sides = []
    try:
        for page in doc:
            width, height = page.get_size()
            text = page.get_textpage()
            numbers = []
            for left in (0, width / 2):
                found = re.findall(r"第 (\d+) 页", text.get_text_bounded(left, 0, left + width / 2, height))
                numbers.append(int(found[0]) if found else None)
            sides.append(tuple(numbers))
    finally:
        doc.close()
    return sides


def test_booklet_sheets_carry_the_pages_in_saddle_stitch_order(a5):
    pages = len(pdfium.PdfDocument(str(a5["handout"])))
    assert pages == 5
    # 5 pages padded to 8; sheet 1: 8|1 and 2|7, sheet 2: 6|3 and 4|5 (6, 7, 8 blank)
    assert page_numbers_per_side(a5["booklet"]) == [(None, 1), (2, None), (None, 3), (4, 5)]
    doc = pdfium.PdfDocument(str(a5["booklet"]))
    assert [tuple(round(v) for v in p.get_size()) for p in doc] == [(842, 595)] * 4


@pytest.mark.parametrize("pages", range(1, 17))
def test_saddle_stitch_order_folds_into_reading_order(pages):
    sides = impose.saddle_stitch(pages)
    total = -(-pages // 4) * 4
    assert len(sides) == total // 2
    numbers = [n for side in sides for n in side if n is not None]
    assert sorted(numbers) == list(range(1, pages + 1))
    for i, (left, right) in enumerate(sides):
        left, right = left or 0, right or 0
        if left and right:
            assert left + right == total + 1  # the two pages of a side face each other across the fold
        if i % 2 == 0 and right:
            assert right == i + 1  # the fronts' right pages are 1, 3, 5… as the sheets are stacked


def test_booklet_is_tagged_and_reads_as_the_handout(a5):
    booklet, handout = pdfcheck.read(a5["booklet"]), pdfcheck.read(a5["handout"])
    assert booklet.blocks() == handout.blocks() == expected_blocks(source_data())
    assert booklet.untagged == [] and sorted(pdfcheck.reachable_contents(booklet)) == sorted(booklet.marked)
    assert booklet.parent_tree == booklet.owner()
    assert [text for _, _, text in booklet.artifacts] == [text for _, _, text in handout.artifacts]


def test_booklet_renders_alike_in_the_four_engines(a5):
    assert disagreements(a5["booklet"]) == []


def test_booklet_needs_a5():
    result = run_build(SOURCE, "--booklet", "--paper", "A4")
    assert (result.code, result.err) == (2, "build.py: --booklet imposes the A5 handout: give --paper A5 or leave "
                                            "--paper out\n")


def test_booklet_and_pdfa_builds_are_byte_identical(tmp_path, a5, archival):
    again = build(tmp_path / "a5", "--booklet", "--only", "handout")
    assert again["booklet"].read_bytes() == a5["booklet"].read_bytes()
    source = archival["handout"].parent.parent / "six-principles.yaml"
    again = build(tmp_path / "pdfa", "--pdf-variant", "pdf/a-3b", source=source)
    assert [again[k].read_bytes() == archival[k].read_bytes() for k in ("handout", "poster")] == [True, True]


# --- links ------------------------------------------------------------------------------------------------------

LINKED = (
    "title: 链接\nauthors:\n  - name: 作者\nsections:\n  - heading: 文档在哪里\n    paragraphs:\n"
    "      - 最新版本的安装指南：参见 https://www.debian.org/releases/stable/installmanual。有问题可写信给 "
    "<listmaster@lists.debian.org>，或者访问 https://lists.debian.org/ 的存档。\n"
    "      - 没有地址的段落。\n")


@pytest.fixture(scope="session")
def linked(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("links")
    source = folder / "links.yaml"
    source.write_text(LINKED, encoding="utf-8")
    return build(folder / "out", "--paper", "A5", "--booklet", "--only", "handout", source=source)


def link_annotations(path: Path) -> list[tuple[int, str, str]]:
    """(page, URI, /Contents) of every annotation, in page order."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        return [(n, str(a.A.URI), str(a.Contents)) for n, page in enumerate(pdf.pages, 1)
                for a in page.get("/Annots", []) if a.Subtype == "/Link" and int(a.F) == 4]


@pytest.mark.parametrize("which", ["handout", "booklet"])
def test_addresses_in_the_text_are_links_a_screen_reader_finds(linked, which):
    """A web or e-mail address is a link over each of its pieces (an address broken over two lines leads to the
    whole address from both), described by the address, printed with the page, in the structure tree as a Link
    element, and moved with its page onto the booklet's sheet: outloud's LNK-010 ('printed as text with no link
    annotation') and every other check of both validators pass."""
    links = {(uri, contents) for _, uri, contents in link_annotations(linked[which])}
    assert links == {("https://www.debian.org/releases/stable/installmanual",
                      "https://www.debian.org/releases/stable/installmanual"),
                     ("mailto:listmaster@lists.debian.org", "mailto:listmaster@lists.debian.org"),
                     ("https://lists.debian.org/", "https://lists.debian.org/")}
    assert validator_problems(linked[which]) == []
    assert "".join(pdf_text(linked[which])).count("https://") == 2  # the text as printed: links add none


def test_a_handout_without_addresses_has_no_annotations(built):
    assert link_annotations(built["handout"]) == []


def test_a_booklet_sheet_paints_its_pages_in_reading_order(tmp_path):
    """On a sheet side the left page may come after the right one (8 | 1); painted left first, outloud found 46 %
    of a side of Debian's FAQ chapter (7 pages) out of tag order (ORD-001). The earlier page is painted first."""
    example = SOURCE.parent / "debian-faq-support.yaml"
    booklet = build(tmp_path, "--paper", "A5", "--booklet", "--only", "handout", source=example)["booklet"]
    assert validator_problems(booklet) == []
