"""Text widths exactly as WeasyPrint will draw them: the same font files, features and script runs.

WeasyPrint shapes each text node of a line with Pango, which itemises it by script (a character of the Common
script takes the script of the text before it, or of the first letter after it at the start) and shapes each
run with HarfBuzz. Doing the same here with uharfbuzz makes the composer's lines as wide as the printed ones;
the handout's layout check (typography.check_layout) catches any difference.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import uharfbuzz as hb
from fontTools import unicodedata as ucd

from . import FONTS

# Latin words are set with `font-language-override: "ENG"` (typography.css, .w), so that Pango shapes them in
# English whatever the document's language (the Noto CJK fonts' digits differ between the zh and en language
# systems); a run of a script English does not include gets that script's sample language, as in Pango.
LANGUAGE = "en"
SAMPLE_LANGUAGES = {"Grek": "el", "Cyrl": "ru"}
BASE_FEATURES = {"kern": False}  # typography.css: font-kerning: none
FACES = {False: "NotoSerifSC-Regular.otf", True: "NotoSerifSC-Bold.otf"}  # the body face, by boldness
WEAK_SCRIPTS = frozenset({"Zyyy", "Zinh", "Zzzz"})  # Common, Inherited, Unknown


@cache
def _font(name: str) -> tuple[hb.Font, int]:
    face = hb.Face(hb.Blob.from_file_path(Path(FONTS, name)))
    return hb.Font(face), face.upem


def script_runs(text: str) -> list[tuple[str, str]]:
    """The text cut into (run, ISO 15924 script) as Pango itemises it."""
    scripts = [ucd.script(ch) for ch in text]
    strong = next((s for s in scripts if s not in WEAK_SCRIPTS), "Zyyy")
    runs: list[tuple[str, str]] = []
    current, start = strong, 0
    for i, script in enumerate(scripts):
        if script in WEAK_SCRIPTS or script == current:
            continue
        runs.append((text[start:i], current))
        current, start = script, i
    runs.append((text[start:], current))
    return [r for r in runs if r[0]]


@cache
def advance(text: str, bold: bool = False, features: tuple[str, ...] = ()) -> float:
    """The advance width of one text node, in em."""
    font, upem = _font(FACES[bold])
    wanted = {**BASE_FEATURES, **dict.fromkeys(features, True)}
    total = 0
    for run, script in script_runs(text):
        buffer = hb.Buffer()
        buffer.add_str(run)
        buffer.direction = "ltr"
        buffer.script = script
        buffer.language = LANGUAGE if script in WEAK_SCRIPTS | {"Latn"} else SAMPLE_LANGUAGES.get(script, "xx")
        hb.shape(font, buffer, wanted)
        total += sum(p.x_advance for p in buffer.glyph_positions)
    return total / upem
