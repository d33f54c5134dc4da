"""The shipped fonts: which characters they can set, and what to write instead of one they cannot."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import uharfbuzz as hb

from . import FONTS
from .errors import shown_char

# The files the layouts use (fonts.css); every character of a source must be in all of them.
FACES = ("NotoSerifSC-Regular.otf", "NotoSerifSC-Bold.otf", "NotoSansSC-Regular.otf", "NotoSansSC-Bold.otf")
LAYOUT_ONLY = frozenset("\t\n\r")  # whitespace that layout collapses and no font needs to draw
VARIANTS = Path(__file__).with_name("variants.txt")  # made by scripts/make_variants.py from Unihan


@cache
def covered() -> frozenset[int]:
    """Code points every shipped face has a glyph for (HarfBuzz reads a cmap in 1 ms, fontTools in 35)."""
    return frozenset.intersection(*(frozenset(hb.Face(hb.Blob.from_file_path(FONTS / name)).unicodes)
                                    for name in FACES))


def missing(text: str) -> Iterator[tuple[int, str]]:
    """(index, character) for each character of text that no shipped face can draw."""
    have = covered()
    for i, ch in enumerate(text):
        if ord(ch) not in have and ch not in LAYOUT_ONLY:
            yield i, ch


@cache
def _variants() -> dict[str, str]:
    """Unihan's variant the fonts have, for each character they lack that has one."""
    rows = (line.split("\t") for line in VARIANTS.read_text(encoding="utf-8").splitlines()
            if not line.startswith("#"))
    return {row[0]: row[1] for row in rows}


def standard_form(ch: str) -> tuple[str, bool] | None:
    """What to write instead of a character the fonts lack: (text, is it the same character). The same character
    is its NFKC form (a compatibility ideograph, a Kangxi radical, a full-width or presentation form, as PDFs
    give when text is copied from them); else a Unihan variant, which may differ in meaning: a suggestion."""
    nfkc = unicodedata.normalize("NFKC", ch)
    if nfkc != ch and nfkc.strip() and all(ord(c) in covered() for c in nfkc):
        return nfkc, True
    variant = _variants().get(ch)
    return (variant, False) if variant else None


def no_glyph_message(ch: str) -> str:
    message = f"{shown_char(ch)} has no glyph in the fonts"
    form = standard_form(ch)
    if form:
        text = form[0]
        message += f"; did you mean {shown_char(text) if len(text) == 1 else repr(text)}?"
    return message
