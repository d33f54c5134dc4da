"""Compact font subsets: each embedded face keeps only the glyphs the PDF shows, numbered 0..n-1.

WeasyPrint 70 subsets with HarfBuzz keeping glyph ids (so that the code written in the content stream is
the glyph id, and the font's CID): every slot up to the highest glyph id used stays in the font, empty.
The shipped Noto faces put full-width punctuation and the CJK quotes at glyph ids 58,000-63,000, so a poster
with a dozen characters embedded three faces of 60,000 slots each. Here each face keeps the used glyphs
only, renumbered in their old order; the CFF charset is
rewritten so that CID = glyph id still holds (what MuPDF and Ghostscript look glyphs up by, see
fonts/README.md), and the content streams' codes, the widths (/W) and /ToUnicode follow the new numbers.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator

import pikepdf
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name

Ops = list[pikepdf.ContentStreamInstruction]
TEXT_SHOWING = {"Tj", "'", '"', "TJ"}


class FontError(Exception):
    pass


def compact(pdf: pikepdf.Pdf, streams: Iterable[tuple[pikepdf.Dictionary, Ops]]) -> None:
    """Rewrite every font the content streams show text with, and the codes they show, in place."""
    streams = list(streams)
    used: dict[tuple[int, int], set[int]] = {}
    fonts: dict[tuple[int, int], pikepdf.Dictionary] = {}
    for resources, ops in streams:
        for index, font in _text_ops(resources, ops):
            fonts[font.objgen] = font
            for data in _strings(ops[index]):
                used.setdefault(font.objgen, set()).update(_codes(data))
    renumbered = {key: _rewrite_font(pdf, fonts[key], codes) for key, codes in used.items()}
    for resources, ops in streams:
        for index, font in list(_text_ops(resources, ops)):
            ops[index] = _renumbered(ops[index], renumbered[font.objgen])


def _text_ops(resources: pikepdf.Dictionary, ops: Ops) -> Iterator[tuple[int, pikepdf.Dictionary]]:
    """(index in ops, font) of every text-showing operator."""
    font = None
    fonts = resources.get("/Font", Dictionary())
    for index, op in enumerate(ops):
        name = str(op.operator)
        if name == "Tf":
            font = fonts.get(op.operands[0])
            if font is None:
                raise FontError(f"the content selects font {op.operands[0]}, which its resources lack")
        elif name in TEXT_SHOWING:
            if font is None:
                raise FontError("text shown before any font is selected")
            yield index, font


def _strings(op: pikepdf.ContentStreamInstruction) -> list[bytes]:
    last = op.operands[-1]
    parts = list(last) if str(op.operator) == "TJ" else [last]
    return [bytes(part) for part in parts if isinstance(part, pikepdf.String)]


def _codes(data: bytes) -> list[int]:
    if len(data) % 2:
        raise FontError("a string of a two-byte (Identity-H) font has an odd length")
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]


def _renumbered(op: pikepdf.ContentStreamInstruction, mapping: dict[int, int]) -> pikepdf.ContentStreamInstruction:
    def convert(part: pikepdf.Object) -> pikepdf.Object:
        if not isinstance(part, pikepdf.String):
            return part
        return pikepdf.String(b"".join(mapping[code].to_bytes(2, "big") for code in _codes(bytes(part))))

    operands = list(op.operands)
    last = operands[-1]
    operands[-1] = Array([convert(p) for p in last]) if str(op.operator) == "TJ" else convert(last)
    return pikepdf.ContentStreamInstruction(operands, op.operator)


def _rewrite_font(pdf: pikepdf.Pdf, font: pikepdf.Dictionary, codes: set[int]) -> dict[int, int]:
    descendant = font.get("/DescendantFonts", [None])[0]
    if (font.get("/Subtype") != Name.Type0 or font.get("/Encoding") != Name("/Identity-H")
            or descendant is None or descendant.get("/Subtype") != Name.CIDFontType0):
        raise FontError(f"{font.get('/BaseFont')}: expected a CID-keyed CFF font with Identity-H encoding")
    descriptor = descendant.FontDescriptor
    file = descriptor.get("/FontFile3")
    if file is None:
        raise FontError(f"{font.BaseFont}: no embedded CFF font (FontFile3)")
    glyphs = sorted(codes | {0})
    mapping = {old: new for new, old in enumerate(glyphs)}
    descriptor.FontFile3 = pdf.make_stream(compact_font(file.read_bytes(), glyphs), Subtype=Name.OpenType)
    widths = _widths(descendant.get("/W", Array()))
    descendant.W = Array([1, Array([widths.get(old, 1000) for old in glyphs[1:]])]) if len(glyphs) > 1 else Array()
    if "/CIDToGIDMap" in descendant:  # defined for TrueType-based CIDFonts only
        del descendant["/CIDToGIDMap"]
    if "/ToUnicode" in font:
        text = _to_unicode(font.ToUnicode.read_bytes())
        font.ToUnicode = pdf.make_stream(cmap({mapping[c]: t for c, t in text.items() if c in mapping}))
    return mapping


# What a PDF reader uses of an OpenType CFF font; vertical metrics serve vertical writing only.
DROPPED_TABLES = ("vmtx", "vhea", "VORG")
KEPT_TABLES = {"CFF ", "head", "hhea", "hmtx", "maxp", "name", "OS/2", "post", "cmap"}


def compact_font(data: bytes, glyphs: list[int]) -> bytes:
    """An OpenType CFF font of the given glyph ids only (ascending, 0 first), renumbered 0..n-1 with
    CID = glyph id.

    No charstring is decompiled: HarfBuzz already pruned the subroutines to those the kept glyphs call, so
    the charstrings are copied as they are with the subroutines, and only the glyph-indexed structures
    (charset, charstrings index, FDSelect, hmtx) are cut down. (fontTools' subsetter would execute every
    charstring again, 0.3 s a face.) The OpenType wrapper is kept rather than a bare CFF because pdfium
    rasterises a bare CFF slightly differently: with the wrapper the pages render pixel for pixel as before."""
    if data[:4] != b"OTTO":
        raise FontError("the embedded font is not an OpenType CFF font (WeasyPrint 70 embeds those)")
    # bounding boxes kept from the whole font (still true of a subset); no clock in head.modified
    font = TTFont(io.BytesIO(data), recalcBBoxes=False, recalcTimestamp=False)
    unexpected = set(font.keys()) - KEPT_TABLES - set(DROPPED_TABLES) - {"GlyphOrder"}
    if unexpected:
        raise FontError(f"the embedded font has tables the renumbering does not handle: {sorted(unexpected)}")
    for tag in DROPPED_TABLES:
        if tag in font:
            del font[tag]
    top = font["CFF "].cff.topDictIndex[0]
    if not hasattr(top, "ROS") or not hasattr(top, "FDSelect"):
        raise FontError("the embedded font is not CID-keyed")
    order = font.getGlyphOrder()
    if glyphs[-1] >= len(order):
        raise FontError(f"the content shows glyph {glyphs[-1]}, the font has {len(order)}")
    kept = [order[gid] for gid in glyphs]
    names = [".notdef"] + [f"cid{gid:05d}" for gid in range(1, len(glyphs))]
    strings = top.CharStrings
    strings.charStrings = {new: strings[old] for old, new in zip(kept, names, strict=True)}  # read, not decompiled
    strings.charStringsAreIndexed = False
    top.charset = names
    top.CIDCount = len(names)
    top.FDSelect.gidArray = [top.FDSelect.gidArray[gid] for gid in glyphs]
    metrics = font["hmtx"].metrics
    font["hmtx"].metrics = {new: metrics[old] for old, new in zip(kept, names, strict=True)}
    font["cmap"].tables = []  # the PDF maps codes to glyphs itself (Identity-H), and text with /ToUnicode
    font.setGlyphOrder(names)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _widths(w: Array) -> dict[int, float]:
    widths: dict[int, float] = {}
    i = 0
    while i < len(w):
        first = int(w[i])
        if isinstance(w[i + 1], Array):
            widths.update((first + j, float(v)) for j, v in enumerate(w[i + 1]))
            i += 2
        else:
            widths.update((gid, float(w[i + 2])) for gid in range(first, int(w[i + 1]) + 1))
            i += 3
    return widths


def _to_unicode(data: bytes) -> dict[int, str]:
    text = data.decode("latin-1")
    found: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, value in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            found[int(code, 16)] = bytes.fromhex(value).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, value in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = bytes.fromhex(value).decode("utf-16-be")
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                found[code] = start[:-1] + chr(ord(start[-1]) + offset)
        if re.search(r">\s*\[", block):
            raise FontError("a ToUnicode bfrange with an array of strings is not supported")
    return found


def cmap(text: dict[int, str]) -> bytes:
    """A ToUnicode CMap for two-byte codes."""
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    items = sorted(text.items())
    for start in range(0, len(items), 100):
        chunk = items[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines.extend(f"<{code:04X}> <{value.encode('utf-16-be').hex().upper()}>" for code, value in chunk)
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")
