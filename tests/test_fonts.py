"""The shipped fonts: CID = GID, the documented repertoire, under 40 MB, and the only fonts in the PDFs (issue 2)."""

from __future__ import annotations

import bz2
import contextlib
import hashlib
import re
import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from studyprint import FONTS, fonts

SHIPPED = sorted(FONTS.glob("*.otf"))
UNIHAN = Path("/usr/share/unicode/Unihan_OtherMappings.txt.bz2")


def repertoire() -> set[str]:
    return set((FONTS / "repertoire.txt").read_text(encoding="utf-8").strip())


def gb2312() -> set[str]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([hi, lo]).decode("gb2312"))
    return chars


def is_han(ch: str) -> bool:
    return 0x3400 <= ord(ch) <= 0x9FFF or 0x20000 <= ord(ch) <= 0x3FFFF


def test_the_layouts_fonts_are_the_shipped_ones():
    assert sorted(p.name for p in SHIPPED) == sorted(fonts.FACES)
    css = (FONTS.parent / "layouts" / "fonts.css").read_text(encoding="utf-8")
    assert sorted(re.findall(r"url\(\.\./fonts/([^)]+)\)", css)) == sorted(fonts.FACES)
    assert "local(" not in css


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_cff_cids_equal_glyph_ids(path):
    font = TTFont(path)
    assert "CFF " in font
    top = font["CFF "].cff.topDictIndex[0]
    assert hasattr(top, "ROS"), "expected a CID-keyed CFF font"
    charset = top.charset  # glyph id -> 'cidNNNNN', the glyph's CID
    mismatched = [(gid, name) for gid, name in enumerate(charset) if gid and name != f"cid{gid:05d}"]
    assert mismatched == []
    assert len(charset) > 30000  # glyph ids kept: the subset is not renumbered


def test_fonts_folder_is_under_40_mb():
    assert sum(p.stat().st_size for p in FONTS.iterdir() if p.is_file()) < 40 * 1024 * 1024


def test_repertoire_covers_gb2312_and_the_8105_characters():
    chars = repertoire()
    assert gb2312() <= chars
    assert sum(map(is_han, chars)) >= 8105
    assert set("，。、；：？！“”‘’（）《》——……·0123456789ABCXYZabcxyz") <= chars


@pytest.mark.skipif(not UNIHAN.exists(), reason="Debian's unicode-data is not installed")
def test_repertoire_holds_every_character_of_tongyong_guifan_hanzi_biao():
    with bz2.open(UNIHAN, "rt", encoding="utf-8") as f:
        tgh = {chr(int(line.split("\t")[0][2:], 16)) for line in f if "\tkTGH\t" in line}
    assert len(tgh) == 8105
    assert tgh <= repertoire()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_face_draws_the_whole_repertoire(path):
    with TTFont(path, lazy=True) as font:
        cmap = font.getBestCmap()
    assert {ch for ch in repertoire() if ord(ch) not in cmap} == set()


def test_readme_gives_each_files_sha256():
    readme = (FONTS / "README.md").read_text(encoding="utf-8")
    for path in SHIPPED:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert re.search(rf"{re.escape(path.name)}.*{digest}", readme), f"{path.name}: sha256 {digest} not in README"
    assert (FONTS / "OFL.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE Version 1.1") == 1


@pytest.mark.parametrize("kind", ["handout", "poster"])
def test_pdf_fonts_are_the_shipped_ones_embedded_and_subset(built, kind):
    listing = subprocess.run(["pdffonts", str(built[kind])], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    assert rows
    for row in rows:
        name, emb, sub, uni = row[0], row[-5], row[-4], row[-3]
        assert re.fullmatch(r"[A-Z]{6}\+Study-(Serif|Sans)(-Bold)?", name), name
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
