"""The poster: exactly one page at every paper size, auto-fitted, legible or refused (issue 4)."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
import yaml
from conftest import SOURCE, pdf_text, run_build
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from studyprint import FONTS, poster
from studyprint.errors import shown_path

MM = 72 / 25.4
TWELVE = Path(__file__).parent / "posters" / "twelve.yaml"
HAN = sorted(ch for ch in (FONTS / "repertoire.txt").read_text(encoding="utf-8") if 0x4E00 <= ord(ch) <= 0x9FFF)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def build_poster(tmp_path: Path, source: Path, *options: str) -> tuple[Path, object]:
    result = run_build(source, "--out", tmp_path, "--only", "poster", *options)
    return tmp_path / f"{source.stem}-poster.pdf", result


def boxes(path: Path) -> tuple[list[float], list[float], int]:
    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[0]
        return list(page.get_mediabox()), list(page.get_trimbox()), len(doc)
    finally:
        doc.close()


def assert_all_text_on_the_page(path: Path, source: Path) -> None:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    text = flat(pdf_text(path)[0])
    for section in data["sections"]:
        for key in ("heading", "subheading", "poster_line"):
            if section.get(key):
                assert flat(section[key]) in text, section[key]


@pytest.mark.parametrize(("size", "orientation"), [("A3", "portrait"), ("A1", "portrait"), ("A2", "landscape")])
def test_six_principles_fits_one_page_of_each_size(tmp_path, size, orientation):
    path, result = build_poster(tmp_path, SOURCE, "--poster-size", size, "--orientation", orientation, "-q")
    assert result.code == 0, result.err
    media, trim, pages = boxes(path)
    w, h = poster.POSTER_SIZES[size]
    expected = [0, 0, w * MM, h * MM] if orientation == "portrait" else [0, 0, h * MM, w * MM]
    assert pages == 1
    assert media == pytest.approx(expected, abs=0.5)
    assert_all_text_on_the_page(path, SOURCE)


def test_the_design_scales_with_the_paper(tmp_path):
    scales = {}
    for size in ("A3", "A1"):
        result = run_build(SOURCE, "--out", tmp_path / size, "--only", "poster", "--poster-size", size, "-v")
        assert result.code == 0, result.err
        scales[size] = float(re.search(r"practice text ([\d.]+) pt", result.out).group(1))
    assert scales["A1"] / scales["A3"] == pytest.approx(2, rel=0.05)  # A1 is A3 enlarged twice


def test_verbose_reports_the_scale(tmp_path):
    _, result = build_poster(tmp_path, SOURCE, "-v")
    assert re.match(rf"{re.escape(shown_path(SOURCE))}: poster A3 portrait, scale \d\.\d{{3}} "
                    r"\(practice text [\d.]+ pt\), \d+ layout passes, [\d.]+ s\n", result.out), result.out


def test_bleed_sets_the_trim_and_bleed_boxes_and_room_for_the_crop_marks(tmp_path):
    path, result = build_poster(tmp_path, SOURCE, "--bleed", "3mm", "-q")
    assert result.code == 0, result.err
    media, trim, _ = boxes(path)
    doc = pdfium.PdfDocument(str(path))
    bleed_box = list(doc[0].get_bleedbox())
    doc.close()
    assert trim[2] - trim[0] == pytest.approx(297 * MM, abs=0.5)
    assert trim[3] - trim[1] == pytest.approx(420 * MM, abs=0.5)
    bleed = 3 * MM
    assert bleed_box == pytest.approx([trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed], abs=0.01)
    slug = (2 * 3 + poster.MARKS_MM) * MM  # the marks are drawn in the outer half, beyond the 3 mm bleed
    assert media == pytest.approx([trim[0] - slug, trim[1] - slug, trim[2] + slug, trim[3] + slug], abs=0.5)


def test_bad_bleed_is_a_usage_error():
    result = run_build(SOURCE, "--bleed", "3cm")
    assert result.code == 2
    assert "'3cm' is not a bleed like 3mm (0 to 10 mm)" in result.err


def test_mono_theme_prints_in_black_and_white(tmp_path):
    path, result = build_poster(tmp_path, SOURCE, "--theme", "mono", "-q")
    assert result.code == 0, result.err
    doc = pdfium.PdfDocument(str(path))
    image = np.asarray(doc[0].render(scale=0.3).to_pil().convert("RGB")).astype(int)
    spread = image.max(axis=2) - image.min(axis=2)
    assert (spread > 24).mean() < 0.001  # no colour
    red = np.asarray(pdfium.PdfDocument(str(build_poster(tmp_path / "r", SOURCE, "-q")[0]))[0]
                     .render(scale=0.3).to_pil().convert("RGB")).astype(int)
    assert ((red.max(axis=2) - red.min(axis=2)) > 24).mean() > 0.01  # the default theme has colour


def test_twelve_sections_in_three_columns(tmp_path):
    path, result = build_poster(tmp_path, TWELVE, "-q")
    assert result.code == 0, result.err
    assert boxes(path)[2] == 1
    assert_all_text_on_the_page(path, TWELVE)
    doc = pdfium.PdfDocument(str(path))
    textpage = doc[0].get_textpage()
    text = textpage.get_text_range()
    numbers = [m for m in re.finditer(r"(?m)^\d+(?=\r?$)", text)]  # a card's number is a line of its own
    lefts = {round((textpage.get_charbox(m.start())[0] + textpage.get_charbox(m.end() - 1)[2]) / 40)
             for m in numbers}  # the middle of the number, in 20 pt steps
    assert len(lefts) == 3, lefts  # the card numbers stand in three columns
    assert "学习贯彻" in pdf_text(path)[0]  # poster: tagline


def test_too_much_content_is_refused_with_what_to_shorten(tmp_path):
    data = yaml.safe_load(TWELVE.read_text(encoding="utf-8"))
    data["sections"] = [copy.deepcopy(s) for _ in range(4) for s in data["sections"]]  # 48 sections
    source = tmp_path / "many.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    path, result = build_poster(tmp_path / "out", source)
    assert result.code == 1
    assert result.err == (f"{shown_path(source)}: the poster cannot fit 48 sections on one A3 page at a legible "
                          "size; shorten the title, headings, practices or poster_line sentences, "
                          "or use --poster-size A2\n")
    assert not (tmp_path / "out").exists()


def test_headings_wrap_by_phrase():
    html = str(poster.phrase("树立远大信念，做到注重长远"))
    assert html.count('class="phrase"') == 2
    assert flat(re.sub(r"<[^>]+>", "", html)) == "树立远大信念，做到注重长远"


han_text = st.text(alphabet=st.sampled_from(HAN), min_size=2, max_size=20)
section = st.fixed_dictionaries(
    {"heading": han_text, "paragraphs": st.builds(lambda: ["正文。"])},  # a new list each: no YAML anchors
    optional={"subheading": st.text(alphabet=st.sampled_from(HAN), min_size=1, max_size=30),
              "poster_line": st.text(alphabet=st.sampled_from(HAN), min_size=4, max_size=40)},
)


@settings(max_examples=12, deadline=None, derandomize=True, database=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sections=st.lists(section, min_size=1, max_size=16), size=st.sampled_from(list(poster.POSTER_SIZES)))
def test_any_content_gives_one_page_or_the_clear_error(tmp_path_factory, sections, size):
    tmp = tmp_path_factory.mktemp("p")
    source = tmp / "gen.yaml"
    data = {"title": "学习材料", "authors": [{"name": "作者"}], "sections": sections}
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    path, result = build_poster(tmp / "out", source, "--poster-size", size, "-q")
    if result.code == 1:
        assert re.fullmatch(rf"{re.escape(shown_path(source))}: the poster cannot fit {len(sections)} sections? on "
                            rf"one {size} page at a legible size; shorten .*\n", result.err), result.err
        assert not path.exists()
        return
    assert result.code == 0, result.err
    assert boxes(path)[2] == 1
    assert_all_text_on_the_page(path, source)
    whole = {t for s in sections for t in s.values() if isinstance(t, str) and len(t) == 1}
    for line in pdf_text(path)[0].splitlines():  # no line wrapped down to one character
        assert len(line.strip()) != 1 or line.strip().isdigit() or line.strip() in whole, line
