"""The names a build's options take: light to import, so that the command line offers every choice (and its help
and --version answer) without loading WeasyPrint. The modules that use them import them from here."""

from __future__ import annotations

import re

from . import LAYOUTS

KINDS = ("handout", "poster")
PAPERS = ("A4", "A5")  # the handout's; html.PAPERS has their measures
POSTER_SIZES = {"A3": (297, 420), "A2": (420, 594), "A1": (594, 841), "A0": (841, 1189)}  # mm, portrait
VARIANTS = ("pdf/ua-1", "pdf/a-3b")


def themes() -> list[str]:
    """The themes tokens.css defines, as `.theme-NAME { ... }` blocks of custom properties."""
    css = (LAYOUTS / "tokens.css").read_text(encoding="utf-8")
    return sorted(set(re.findall(r"\.theme-([a-z]+)\b", css)))
