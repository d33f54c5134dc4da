"""Measuring a built PDF: its glyphs' positions (pypdfium2) and the clreq figures of its body text.

`score` computes the figures of ../shared/tools/clreq_score.py (the project's yardstick, not shipped with the
package) for `--report`; tests/test_typography_scores.py checks that both agree on the built handouts.
"""

from __future__ import annotations

import collections
import re
import statistics
from dataclasses import dataclass

from .chars import CLOSE, FULLWIDTH, OPEN, STOPS, TRIM_AT_END, is_han, is_latin, is_mark

ALNUM = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class Glyph:
    page: int
    ch: str
    x: float  # origin, pt
    y: float
    right: float  # right edge of its loose box
    size: float


def pdf_glyphs(data: bytes) -> list[Glyph]:
    """Every extracted character of a PDF with its origin and box."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = pdfium.PdfDocument(data)
    out = []
    try:
        for number, page in enumerate(doc):
            textpage = page.get_textpage()
            for i in range(textpage.count_chars()):
                ch = textpage.get_text_range(i, 1)
                if not ch or ch in "\r\n":
                    continue
                x, y = ctypes.c_double(), ctypes.c_double()
                pdfium_c.FPDFText_GetCharOrigin(textpage.raw, i, x, y)
                size = round(pdfium_c.FPDFText_GetFontSize(textpage.raw, i), 1)
                right = textpage.get_charbox(i, loose=True)[2]
                out.append(Glyph(number, ch, x.value, y.value, right, size))
    finally:
        doc.close()
    return out


@dataclass(frozen=True)
class _Row:
    page: int
    glyphs: list[Glyph]

    @property
    def text(self) -> str:
        return "".join(g.ch for g in self.glyphs)

    @property
    def y(self) -> float:
        return statistics.median(g.y for g in self.glyphs)


def _rows(glyphs: list[Glyph]) -> list[_Row]:
    rows: dict[tuple[int, int], list[Glyph]] = collections.OrderedDict()
    for g in glyphs:
        rows.setdefault((g.page, round(g.y)), []).append(g)
    found = []
    for (page, _), row in rows.items():
        visible = sorted((g for g in row if not g.ch.isspace()), key=lambda g: g.x)
        if visible:
            found.append(_Row(page, visible))
    return found


def _han_pitches(row: _Row) -> list[float]:
    return [b.x - a.x for a, b in zip(row.glyphs, row.glyphs[1:], strict=False) if is_han(a.ch) and is_han(b.ch)]


def score(glyphs: list[Glyph], source_words: set[str] | None = None) -> dict[str, object]:
    """clreq figures for the body text (the commonest size, lines with >= 4 Han), 1.0 is perfect: flush, pairs,
    end_trim, kinsoku, autospace, last_line, tracking and grid as rates; pitch_spread and tracking_max in em;
    word_breaks a count (exact with the source's words)."""
    rows = _rows(glyphs)
    if not rows:
        return {"error": "no body text found"}
    size = collections.Counter(g.size for row in rows for g in row.glyphs).most_common(1)[0][0]
    body = [r for r in rows if collections.Counter(g.size for g in r.glyphs).most_common(1)[0][0] == size
            and sum(is_han(g.ch) for g in r.glyphs) >= 4]
    pitches_all = [p for r in body for p in _han_pitches(r)]
    if not body or not pitches_all:
        return {"error": "no Chinese body text to measure (the figures are for lines of four Han characters or more)"}
    starts = collections.Counter(round(r.glyphs[0].x, 1) for r in body)
    left = min((x for x, n in starts.items() if n >= max(2, len(body) // 20)), default=starts.most_common(1)[0][0])
    em = statistics.median(pitches_all)
    body = [r for r in body if left - 1 <= r.glyphs[0].x <= left + 2.5 * em]
    final = set()
    for i, row in enumerate(body):
        nxt = body[i + 1] if i + 1 < len(body) else None
        if (nxt is None or nxt.glyphs[0].x > left + 0.5 * em
                or not ((nxt.page == row.page and 0 < row.glyphs[0].y - nxt.glyphs[0].y < 2.6 * em)
                        or nxt.page == row.page + 1)):
            final.add(i)
    nonfinal = [r for i, r in enumerate(body) if i not in final]
    ends = collections.Counter(round(r.glyphs[-1].x + em, 1) for r in nonfinal if is_han(r.glyphs[-1].ch))
    right = ends.most_common(1)[0][0] if ends else left

    def rate(ok: int, n: int) -> float | None:
        return round(ok / n, 3) if n else None

    flush = sum(abs(right - r.glyphs[-1].right) <= 0.5
                or (r.glyphs[-1].ch in TRIM_AT_END and 0.2 * em <= right - r.glyphs[-1].x <= 1.05 * em)
                for r in nonfinal)
    pairs = [(a, b) for r in body for a, b in zip(r.glyphs, r.glyphs[1:], strict=False)
             if a.ch in FULLWIDTH and b.ch in FULLWIDTH and not (a.ch in OPEN and b.ch in OPEN) and a.ch != b.ch]
    trimmed = [r for r in nonfinal if r.glyphs[-1].ch in STOPS]
    bad = [r for r in body if r.glyphs[0].ch in CLOSE | STOPS or r.glyphs[-1].ch in OPEN]
    gaps = [b.x - a.x - (em if is_han(a.ch) else a.right - a.x)
            for r in body for a, b in zip(r.glyphs, r.glyphs[1:], strict=False)
            if (is_han(a.ch) and is_latin(b.ch)) or (is_latin(a.ch) and is_han(b.ch))]
    spreads, tracks = [], []
    for r in nonfinal:
        pitches = _han_pitches(r)
        if len(pitches) > 2:
            spreads.append((max(pitches) - min(pitches)) / em)
            tracks.append(statistics.median(pitches) / em - 1)
    lasts = [body[i] for i in sorted(final)]
    return {
        "lines": len(body), "nonfinal": len(nonfinal), "em_pt": round(em, 2),
        "flush": rate(flush, len(nonfinal)),
        "pairs": rate(sum(b.x - a.x <= 0.6 * em for a, b in pairs), len(pairs)), "pairs_n": len(pairs),
        "end_trim": rate(sum(right - r.glyphs[-1].x <= 0.6 * em + 0.5 for r in trimmed), len(trimmed)),
        "end_n": len(trimmed),
        "kinsoku": rate(len(body) - len(bad), len(body)),
        "kinsoku_bad": [r.text[:3] + "…" + r.text[-3:] for r in bad],
        "autospace": rate(sum(0.12 * em <= g <= 0.5 * em for g in gaps), len(gaps)), "autospace_n": len(gaps),
        "last_line": rate(sum(sum(not is_mark(ch) for ch in r.text) >= 2 for r in lasts), len(lasts)),
        "pitch_spread": round(max(spreads), 3) if spreads else 0.0,
        "tracking": rate(sum(abs(t) <= 0.02 for t in tracks), len(tracks)),
        "tracking_max": round(max(tracks), 3) if tracks else 0.0,
        "word_breaks": len(_word_breaks(body, final, source_words)),
        "grid": _grid(body, em),
    }


def _word_breaks(body: list[_Row], final: set[int], source_words: set[str] | None) -> list[str]:
    """Latin words or numbers broken between lines without a hyphen: a line ending in a letter or digit, the
    next starting with one, the two pieces one word of the source (without it: any such pair)."""
    found = []
    for i, row in enumerate(body[:-1]):
        nxt = body[i + 1]
        end, start = row.text[-1:], nxt.text[:1]
        if i in final or not (end.isascii() and end.isalnum() and start.isascii() and start.isalnum()):
            continue
        a, b = ALNUM.findall(row.text)[-1], ALNUM.findall(nxt.text)[0]
        if source_words is None or any(a + b in w for w in source_words if len(w) >= len(a) + len(b)):
            found.append(f"{a}|{b}")
    return found


def _grid(body: list[_Row], em: float) -> float | None:
    """The share of body lines whose baseline sits on the one line grid of every page."""
    diffs = collections.Counter(round(a.y - b.y, 1) for a, b in zip(body, body[1:], strict=False)
                                if a.page == b.page and 0 < a.y - b.y < 2.6 * em)
    if not diffs:
        return None
    pitch = diffs.most_common(1)[0][0]
    offsets = [r.y % pitch for r in body]
    ref = collections.Counter(round(o * 2) / 2 for o in offsets).most_common(1)[0][0]
    return round(sum(min(abs(o - ref), pitch - abs(o - ref)) <= 0.75 for o in offsets) / len(body), 3)


def source_words(text: str) -> set[str]:
    """The Latin words and numbers of a source's text, for an exact word_breaks figure."""
    return set(ALNUM.findall(text))


FIGURES = ("flush", "pairs", "end_trim", "kinsoku", "autospace", "last_line", "tracking", "tracking_max",
           "word_breaks", "grid")


def report_line(figures: dict[str, object]) -> str:
    """The figures on one line, for the build's --report."""
    if "error" in figures:
        return str(figures["error"])
    return "  ".join(f"{name} {'-' if figures[name] is None else figures[name]}" for name in FIGURES)
