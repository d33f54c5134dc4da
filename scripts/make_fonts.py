#!/usr/bin/env python3
"""Make the shipped fonts in fonts/ from Debian's fonts-noto-cjk (Noto CJK 2.00x, SIL OFL 1.1).

Why: the region-subset Noto SC OTFs are CID-keyed CFF fonts whose CIDs differ from their glyph ids,
and WeasyPrint writes glyph ids where MuPDF, Ghostscript and Acrobat look up CIDs. The SC faces of
the pan-CJK TTCs have CID == GID for all 65,535 glyphs. Subsetting them with fontTools while keeping
glyph ids (retain_gids) keeps that property and brings each face under 10 MB.

The requested repertoire is every character of 通用规范汉字表
(2013, the 8105 characters with a kTGH value in Unihan), every character of GB 2312, and the
punctuation, digits, Latin letters and symbols listed in EXTRA_RANGES. fonts/repertoire.txt lists
what every made face then draws: all of those but the few symbols Noto CJK lacks.

usage: apt-get install fonts-noto-cjk unicode-data && python scripts/make_fonts.py [--out DIR]
(default DIR: fonts/; the output is byte-identical from run to run)
"""

from __future__ import annotations

import bz2
import contextlib
import hashlib
import sys
import unicodedata
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts"
NOTO = Path("/usr/share/fonts/opentype/noto")
UNIHAN = Path("/usr/share/unicode/Unihan_OtherMappings.txt.bz2")

# (shipped file, Debian TTC, face index of the SC face in that TTC)
FACES = [
    ("NotoSerifSC-Regular.otf", "NotoSerifCJK-Regular.ttc", 2),
    ("NotoSerifSC-Bold.otf", "NotoSerifCJK-Bold.ttc", 2),
    ("NotoSansSC-Regular.otf", "NotoSansCJK-Regular.ttc", 2),
    ("NotoSansSC-Bold.otf", "NotoSansCJK-Bold.ttc", 2),
]

EXTRA_RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 punctuation, symbols and letters
    (0x0100, 0x017F),  # Latin Extended-A (pinyin vowels with tone marks among them)
    (0x01CD, 0x01DC),  # pinyin ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ
    (0x02C7, 0x02C9),  # ˇ ˉ
    (0x0391, 0x03C9),  # Greek (GB 2312 row 6)
    (0x0401, 0x0451),  # Cyrillic (GB 2312 row 7)
    (0x2000, 0x206F),  # General Punctuation: quotes, dashes, ellipsis, word joiner
    (0x2100, 0x218F),  # letterlike symbols, Roman numerals
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators
    (0x2460, 0x24FF),  # enclosed alphanumerics ①
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes ■ ○
    (0x2600, 0x26FF),  # miscellaneous symbols ★
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0x3200, 0x32FF),  # enclosed CJK ㈠
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # fullwidth forms
]


def tongyong_guifan() -> set[int]:
    chars = set()
    with bz2.open(UNIHAN, "rt", encoding="utf-8") as f:
        for line in f:
            if "\tkTGH\t" in line:
                chars.add(int(line.split("\t", 1)[0][2:], 16))
    if len(chars) != 8105:
        sys.exit(f"expected 8105 kTGH characters in {UNIHAN}, found {len(chars)}")
    return chars


def gb2312() -> set[int]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(ord(bytes([hi, lo]).decode("gb2312")))
    return chars


def repertoire() -> set[int]:
    extra = {cp for lo, hi in EXTRA_RANGES for cp in range(lo, hi + 1)}
    return tongyong_guifan() | gb2312() | extra


def cid_equals_gid(font: TTFont) -> bool:
    """True unless the font is CID-keyed CFF with a glyph whose CID is not its glyph id."""
    if "CFF " not in font:
        return True
    cff = font["CFF "].cff
    top = cff.topDictIndex[0]
    if not hasattr(top, "ROS"):
        return True
    order = font.getGlyphOrder()
    return all(name == ".notdef" or name == f"cid{gid:05d}" for gid, name in enumerate(order))


def make_face(out: Path, out_name: str, ttc: str, index: int, codepoints: set[int]) -> None:
    font = TTFont(NOTO / ttc, fontNumber=index, recalcTimestamp=False)
    if "SC" not in font["name"].getDebugName(4):
        sys.exit(f"{ttc} face {index} is {font['name'].getDebugName(4)}, not the SC face")
    options = subset.Options()
    options.retain_gids = True
    options.layout_features = ["*"]  # halt, palt, vhal, locl, fwid... the typography uses them
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints & set(font.getBestCmap())))
    subsetter.subset(font)
    if not cid_equals_gid(font):
        sys.exit(f"{out_name}: CIDs differ from glyph ids after subsetting")
    font.save(out / out_name)


def write_repertoire(out: Path) -> None:
    """repertoire.txt: the characters every made face draws (the requested set, less what Noto CJK lacks)."""
    common = None
    for out_name, _, _ in FACES:
        with TTFont(out / out_name, lazy=True) as font:
            cmap = set(font.getBestCmap())
        common = cmap if common is None else common & cmap
    chars = "".join(chr(cp) for cp in sorted(common) if cp > 0x20 and unicodedata.category(chr(cp)) != "Cc")
    (out / "repertoire.txt").write_text(chars + "\n", encoding="utf-8")


def main() -> int:
    out = Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in sys.argv else FONTS
    out.mkdir(parents=True, exist_ok=True)
    codepoints = repertoire()
    for out_name, ttc, index in FACES:
        make_face(out, out_name, ttc, index, codepoints)
        data = (out / out_name).read_bytes()
        print(f"{out_name}  {len(data):>9} bytes  sha256 {hashlib.sha256(data).hexdigest()}")
    write_repertoire(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
