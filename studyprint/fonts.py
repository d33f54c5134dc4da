"""The shipped fonts: which characters they can set."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from fontTools.ttLib import TTFont

from . import FONTS

# The files the layouts use (fonts.css); every character of a source must be in all of them.
FACES = ("NotoSerifSC-Regular.otf", "NotoSerifSC-Bold.otf", "NotoSansSC-Regular.otf", "NotoSansSC-Bold.otf")
LAYOUT_ONLY = frozenset("\t\n\r")  # whitespace that layout collapses and no font needs to draw


@cache
def covered() -> frozenset[int]:
    """Code points every shipped face has a glyph for."""
    sets = []
    for name in FACES:
        with TTFont(FONTS / name, lazy=True) as font:
            sets.append(frozenset(font.getBestCmap()))
    return frozenset.intersection(*sets)


def missing(text: str) -> Iterator[tuple[int, str]]:
    """(index, character) for each character of text that no shipped face can draw."""
    have = covered()
    for i, ch in enumerate(text):
        if ord(ch) not in have and ch not in LAYOUT_ONLY:
            yield i, ch
