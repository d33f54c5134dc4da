"""The richer source format (issue 9): **emphasis**, sub-points, quotations, signatures and lists -- validated with
positions, set by the composer (emphasis in the bold face, quotations and list items to their own measures),
tagged for screen readers, and text that stays text."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from conftest import run_build

from studyprint import ROOT, emphasis, load, model
from studyprint.errors import UserError

RICH = """\
title: 学习安排
authors:
  - name: 某某
intro:
  - 导语中有**加粗的重点**，也有普通文字。
sections:
  - heading: 学习要求
    paragraphs:
      - 正文第一段，**必须坚持学习**，把学习作为一种责任和追求，学习 Linux 5.10 内核文档。
      - point: （一）坚持原原本本学
      - quote: >-
          人格乃是我们所有的各种习惯系统的最后产物，是一种非凡的力量，是人一生追求发展最重要的资本，
          它会对别人起到潜移默化的作用。
      - numbered:
          - 第一项：认真阅读原文，**逐字逐句**理解，做好读书笔记，把原文的精神实质学深悟透。
          - 第二项：结合实际工作写出心得体会。
      - list:
          - 学习笔记
          - 心得体会
      - signature:
          - 某某单位党委
          - 2024年6月18日
"""


def _validate(text: str, tmp_path: Path) -> model.Article:
    path = tmp_path / "rich.yaml"
    path.write_text(text, encoding="utf-8")
    root, raw = load.load(path, "rich.yaml")
    return model.validate(root, raw, "rich.yaml", "rich")


def _problems(text: str, tmp_path: Path) -> list[str]:
    with pytest.raises(UserError) as e:
        _validate(text, tmp_path)
    return [str(p) for p in e.value.problems]


def test_blocks_in_the_order_written(tmp_path):
    article = _validate(RICH, tmp_path)
    section = article.sections[0]
    assert [b.kind for b in section.blocks] == ["paragraph", "point", "quote", "numbered", "list", "signature"]
    assert section.blocks[4].lines == ("学习笔记", "心得体会")
    assert section.blocks[5].lines == ("某某单位党委", "2024年6月18日")
    assert section.paragraphs == (section.blocks[0].text,)  # the plain paragraphs, for key sentences
    assert article.intro[0].kind == "paragraph"


def test_every_existing_source_reads_as_before(tmp_path):
    """The contract only grows: a paragraph written as text is a paragraph."""
    article = _validate(Path("source/six-principles.yaml").read_text(encoding="utf-8"), tmp_path)
    assert all(b.kind == "paragraph" for s in article.sections for b in s.blocks)


def test_mistakes_in_the_richer_format_are_located(tmp_path):
    text = RICH.replace("- point:", "- piont:").replace("- list:", "- list: 学习笔记\n        extra: 1\n      - lst:")
    text = text.replace("**逐字逐句**理解", "**逐字逐句理解")
    assert _problems(text, tmp_path) == [
        "rich.yaml:10:9: unknown kind of paragraph 'piont'; did you mean 'point'?",
        "rich.yaml:15:24: '**' marks emphasis in pairs (**重点**); this one has no partner",
        "rich.yaml:17:9: an entry of 'paragraphs' is a paragraph's text, or one of point:, quote:, signature:, "
        "list:, numbered: with its text",
        "rich.yaml:19:9: unknown kind of paragraph 'lst'; did you mean 'list'?",
    ]


def test_emphasis_runs_and_plain_text():
    assert emphasis.runs("这是**重点**。") == [("这是", False), ("重点", True), ("。", False)]
    assert emphasis.plain("这是**重点**。") == "这是重点。"
    assert emphasis.unpaired("一**二**三**") == 7 and emphasis.unpaired("**二**") is None


@pytest.fixture(scope="module")
def handout(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rich")
    (folder / "rich.yaml").write_text(RICH, encoding="utf-8")
    result = run_build(folder / "rich.yaml", "--out", folder, "-q")  # strict: every line as composed
    assert result.code == 0, result.err
    return folder / "rich-handout.pdf"


def _fonts_of(path: Path, wanted: str) -> set[bytes]:
    """The font of each occurrence of `wanted`'s characters in the PDF."""
    doc = pdfium.PdfDocument(str(path))
    found = set()
    try:
        textpage = doc[0].get_textpage()
        text = textpage.get_text_range()
        at = text.find(wanted)
        assert at >= 0, wanted
        for i in range(at, at + len(wanted)):
            buffer = ctypes.create_string_buffer(200)
            pdfium_c.FPDFText_GetFontInfo(textpage.raw, i, buffer, 200, ctypes.c_int())
            found.add(buffer.value.split(b"+")[-1])
    finally:
        doc.close()
    return found


def test_emphasis_is_set_in_the_bold_face_and_the_rest_is_not(handout):
    assert _fonts_of(handout, "必须坚持学习") == {b"Study-Serif-Bold"}
    assert _fonts_of(handout, "把学习作为") == {b"Study-Serif"}
    text = "".join(pdfium.PdfDocument(str(handout))[0].get_textpage().get_text_range().split())
    assert "**" not in text and "必须坚持学习" in text


def test_quotations_and_list_items_are_set_to_their_measures(handout):
    """The quotation is four characters narrower than the body (two each side), a list item two (beside its
    number); both are justified lines ending at their own right edge, which the build's layout check verifies
    to 0.1 pt (the build above is strict). Here: the glyphs' own left edges."""
    doc = pdfium.PdfDocument(str(handout))
    textpage = doc[0].get_textpage()
    text = textpage.get_text_range()
    left = {}
    for word in ("正文第一段", "人格乃是", "第一项"):
        left[word] = textpage.get_charbox(text.index(word))[0]
    doc.close()
    body = left["正文第一段"] - 12 * 2  # the body column: the first paragraph's indent back to the edge
    assert left["人格乃是"] == pytest.approx(body + 12 * 4, abs=0.5)  # quote indent 2 + first-line indent 2
    assert left["第一项"] == pytest.approx(body + 12 * 2, abs=0.5)  # item indent 2, no first-line indent


def test_the_richer_blocks_are_tagged_as_such(handout):
    import pikepdf

    with pikepdf.open(handout) as pdf:
        roles = []

        def walk(node: object) -> None:
            if isinstance(node, pikepdf.Array):
                for kid in node:
                    walk(kid)
            elif isinstance(node, pikepdf.Dictionary):
                if "/S" in node:
                    roles.append(str(node.S)[1:])
                if "/K" in node:
                    walk(node.K)

        walk(pdf.Root.StructTreeRoot.K)
    assert roles.count("H3") == 1 and roles.count("BlockQuote") == 1 and roles.count("L") == 2
    assert roles.count("LI") == 4 and roles.count("Lbl") == 4 and roles.count("LBody") == 4


def test_markup_in_text_is_still_printed_literally(tmp_path):
    text = RICH.replace("- point: （一）坚持原原本本学", "- point: '<b>（一）</b>{{ x }}'")
    (tmp_path / "x.yaml").write_text(text, encoding="utf-8")
    result = run_build(tmp_path / "x.yaml", "--out", tmp_path, "-q", "--only", "handout")
    assert result.code == 0, result.err
    page = "".join(pdfium.PdfDocument(str(tmp_path / "x-handout.pdf"))[0].get_textpage().get_text_range().split())
    assert "<b>（一）</b>{{x}}" in page


def test_the_example_of_the_richer_format_in_source_builds_as_composed(tmp_path):
    """source/debian-faq-support.yaml (Debian's Chinese FAQ, chapter 12, imported) shows sub-points and lists."""
    example = ROOT / "source" / "debian-faq-support.yaml"
    root, text = load.load(example, str(example))
    kinds = {b.kind for s in model.validate(root, text, str(example), example.stem).sections for b in s.blocks}
    assert {"paragraph", "point", "list"} <= kinds
    result = run_build(example, "--out", tmp_path, "-q")  # strict: every line as composed, the poster one page
    assert (result.code, result.err) == (0, "")
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["debian-faq-support-handout.pdf",
                                                             "debian-faq-support-poster.pdf"]
