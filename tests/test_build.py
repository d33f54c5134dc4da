"""The six-principles article builds into a correct handout and a one-page poster (issue 2)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import yaml
from conftest import SOURCE, pdf_text, run_build

from studyprint import ROOT

A4 = (595.28, 841.89)
A3 = (841.89, 1190.55)
A5 = (419.53, 595.28)


def page_sizes(path: Path) -> list[tuple[float, float]]:
    doc = pdfium.PdfDocument(str(path))
    try:
        return [tuple(round(v, 2) for v in page.get_size()) for page in doc]
    finally:
        doc.close()


def flat(text: str) -> str:
    """Extracted text with the line breaks (and any layout whitespace) taken out."""
    return re.sub(r"\s+", "", text)


def running_lines(pages: list[str]) -> list[list[str]]:
    """Each page's last two lines: WeasyPrint draws the page-margin boxes (header, footer) after the body."""
    return [page.splitlines()[-2:] for page in pages]


def body_text(pages: list[str]) -> str:
    return "".join("\n".join(page.splitlines()[:-2]) for page in pages)


def source_data() -> dict:
    return yaml.safe_load(SOURCE.read_text(encoding="utf-8"))


def test_poster_is_one_a3_page(built):
    assert page_sizes(built["poster"]) == [pytest.approx(A3, abs=0.5)]


def test_handout_is_a4_with_the_pages_its_text_needs(built):
    sizes = page_sizes(built["handout"])
    assert all(size == pytest.approx(A4, abs=0.5) for size in sizes)
    # ~4,900 characters at 38 x 33 a page: three pages, the last one not empty
    assert len(sizes) == 3
    assert len(flat(pdf_text(built["handout"])[-1])) > 200


def test_every_paragraph_appears_in_order_in_the_handout(built):
    data = source_data()
    expected = [data["title"], *data["intro"]]
    for section in data["sections"]:
        expected.append(section["heading"] + "，" + section["subheading"])
        expected.extend(section["paragraphs"])
    expected.append(data["editor"])
    text = flat(body_text(pdf_text(built["handout"])))
    at = 0
    for paragraph in expected:
        found = text.find(flat(paragraph), at)
        assert found >= 0, f"not found after offset {at}: {paragraph[:30]}"
        at = found + len(flat(paragraph))


def test_handout_title_block_header_footer_and_editor(built):
    pages = pdf_text(built["handout"])
    first = flat(pages[0])
    assert "李先波" in first
    assert "（山东省第五地质矿产勘查院，山东泰安271021）" in first
    assert running_lines(pages) == [["党群干部要做到六个树立", f"第 {n} 页 共 {len(pages)} 页"]
                                    for n in range(1, len(pages) + 1)]
    assert "［责任编辑：邓丽丽］" in flat(pages[-1])
    assert "1　树立远大信念，做到注重长远，顾全大局" in pages[0]


def test_handout_metadata_and_bookmarks(built):
    doc = pdfium.PdfDocument(str(built["handout"]))
    try:
        meta = doc.get_metadata_dict()
        toc = [(item.level, item.get_title()) for item in doc.get_toc()]
    finally:
        doc.close()
    assert meta["Title"] == "党群干部要做到六个树立"
    assert meta["Author"] == "李先波"
    assert toc[0] == (0, "1　树立远大信念，做到注重长远，顾全大局")
    assert len(toc) == 6
    lang = subprocess.run(["mutool", "show", str(built["handout"]), "trailer/Root/Lang"],
                          capture_output=True, text=True, check=True).stdout
    assert "zh-CN" in lang


def test_poster_shows_every_principle_and_practice(built):
    text = flat(pdf_text(built["poster"])[0])
    assert text.startswith(flat(source_data()["title"]))
    for section in source_data()["sections"]:
        assert flat(section["heading"]) in text
        assert flat(section["subheading"]) in text


def test_headings_never_sit_alone_at_a_page_bottom(built):
    doc = pdfium.PdfDocument(str(built["handout"]))
    try:
        for page in doc:
            body = page.get_textpage().get_text_range().splitlines()[:-2]
            assert not re.match(r"^\d+\u3000", body[-1]), f"a heading ends the page: {body[-1]}"
    finally:
        doc.close()


@pytest.mark.parametrize("repeat", [1, 4])  # 55 and 220 characters
def test_a_long_title_s_running_head_is_shortened_to_one_line_inside_the_type_area(tmp_path, source_copy, repeat):
    title = ("关于深入学习贯彻新时代中国特色社会主义思想进一步加强和改进基层党组织建设工作"
             "若干问题的实施意见和具体措施的通知") * repeat
    source_copy.write_text(re.sub(r"^title: .*$", f"title: {title}", source_copy.read_text(encoding="utf-8"),
                                  count=1, flags=re.M), encoding="utf-8")
    assert run_build(source_copy, "--out", tmp_path, "--only", "handout", "-q").code == 0
    doc = pdfium.PdfDocument(str(tmp_path / "six-principles-handout.pdf"))
    try:
        page = doc[1]
        text = page.get_textpage()
        head = running_lines([text.get_text_range()])[0][0]
        assert head.endswith("……") and title.startswith(head.removesuffix("……")) and len(head) < len(title)
        at = text.get_text_range().index(head)
        boxes = [text.get_charbox(i, loose=True) for i in range(at, at + len(head))]
        width = page.get_size()[0]
    finally:
        doc.close()
    assert len({round(box[1]) for box in boxes}) == 1  # one line
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    assert right - left <= 0.75 * 38 * 12 + 0.5 and left > (width - 38 * 12) / 2  # A4: 38 characters of 12 pt


def test_a5_handout(tmp_path):
    result = run_build(SOURCE, "--out", tmp_path, "--paper", "A5", "--only", "handout", "-q")
    assert result.code == 0, result.err
    sizes = page_sizes(tmp_path / "six-principles-handout.pdf")
    assert len(sizes) > 3
    assert all(size == pytest.approx(A5, abs=0.5) for size in sizes)
    assert not (tmp_path / "six-principles-poster.pdf").exists()


def test_only_poster_builds_only_the_poster(tmp_path):
    result = run_build(SOURCE, "--out", tmp_path, "--only", "poster")
    assert result.code == 0, result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["six-principles-poster.pdf"]
    assert result.out == f"{tmp_path / 'six-principles-poster.pdf'}  1 page(s)\n"


def test_check_writes_nothing(tmp_path):
    result = run_build(SOURCE, "--out", tmp_path / "out", "--check")
    assert (result.code, result.out, result.err) == (0, "1 source(s) OK\n", "")
    assert not (tmp_path / "out").exists()


def test_two_builds_give_identical_bytes(tmp_path, built):
    result = run_build(SOURCE, "--out", tmp_path, "-q")
    assert result.code == 0, result.err
    for kind in ("handout", "poster"):
        assert (tmp_path / f"six-principles-{kind}.pdf").read_bytes() == built[kind].read_bytes()


def test_source_date_epoch_sets_the_pdf_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1718668800")  # 2024-06-18T00:00:00Z
    assert run_build(SOURCE, "--out", tmp_path / "a", "--only", "poster", "-q").code == 0
    assert run_build(SOURCE, "--out", tmp_path / "b", "--only", "poster", "-q").code == 0
    first = (tmp_path / "a" / "six-principles-poster.pdf").read_bytes()
    assert first == (tmp_path / "b" / "six-principles-poster.pdf").read_bytes()
    doc = pdfium.PdfDocument(first)
    assert doc.get_metadata_dict()["CreationDate"].startswith("D:20240618000000")


def test_no_date_without_a_source_date(built):
    doc = pdfium.PdfDocument(str(built["handout"]))
    assert doc.get_metadata_dict()["CreationDate"] == ""


def test_help_and_usage_errors():
    result = run_build("--help")
    assert result.code == 0
    assert "--only" in result.out and "--paper" in result.out and "exit status" in result.out
    assert len(result.out.splitlines()) <= 45  # a screenful
    result = run_build("--paper", "B5")
    assert result.code == 2
    assert "invalid choice: 'B5'" in result.err


def test_build_py_runs_as_a_script(tmp_path):
    result = subprocess.run(["python", str(ROOT / "build.py"), str(SOURCE), "--out", str(tmp_path), "--check"],
                            capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (0, "1 source(s) OK\n")


def test_several_chinese_authors_are_listed_with_the_enumeration_comma(tmp_path, source_copy):
    text = source_copy.read_text(encoding="utf-8").replace("  - name: 李先波", "  - name: 李先波\n  - name: 邓丽丽", 1)
    source_copy.write_text(text, encoding="utf-8")
    assert run_build(source_copy, "--out", tmp_path, "--only", "poster", "-q").code == 0
    doc = pdfium.PdfDocument(str(tmp_path / "six-principles-poster.pdf"))
    try:
        assert doc.get_metadata_dict()["Author"] == "李先波、邓丽丽"
    finally:
        doc.close()
