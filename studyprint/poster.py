"""The poster: paper, grid, and the auto-fit that finds the largest type scale at which one page holds it all.

Every size in layouts/poster.css is a multiple of --u, the design unit: 1 pt on A3 at scale 1, growing with
the paper, so an A1 poster is the A3 design enlarged. The fit bisects the scale with layout passes (no PDF
is written for a try) and fails with a message when even the legibility floor does not fit.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from markupsafe import Markup

from . import LAYOUTS, boxes, pdf, typography
from .model import Article

MM = 72 / 25.4
POSTER_SIZES = {"A3": (297, 420), "A2": (420, 594), "A1": (594, 841), "A0": (841, 1189)}
PRACTICE_U = 28  # the practice line's size in design units (poster.css: .card .practice)
LEGIBLE_SHARE = 0.01  # floor: practice text >= 1 % of the paper's long side (A3: 11.9 pt, about 4 mm)
MIN_SCALE, MAX_SCALE = 0.3, 2.0
TOLERANCE = 1.02  # the fit stops when the bounds are within 2 % of each other
PHRASE_END = frozenset("，、；：。！？")
FRAME_MM = 6  # without bleed, a white margin: office printers cannot print the outer 4-5 mm of a sheet
MARKS_MM = 4  # with bleed, the crop marks' distance beyond the bleed (see page_css)


def themes() -> list[str]:
    """The themes tokens.css defines, as `.theme-NAME { ... }` blocks of custom properties."""
    css = (LAYOUTS / "tokens.css").read_text(encoding="utf-8")
    return sorted(set(re.findall(r"\.theme-([a-z]+)\b", css)))


@dataclass(frozen=True)
class PosterPage:
    size: str = "A3"
    orientation: str = "portrait"
    scale: float = 1.0
    bleed_mm: float = 0.0
    theme: str = "red"

    @property
    def width_mm(self) -> float:
        w, h = POSTER_SIZES[self.size]
        return w if self.orientation == "portrait" else h

    @property
    def height_mm(self) -> float:
        w, h = POSTER_SIZES[self.size]
        return h if self.orientation == "portrait" else w

    def unit_pt(self) -> float:
        """1 design unit: 1 pt on A3 at scale 1, growing with the paper's short side."""
        return min(POSTER_SIZES[self.size]) / 297 * self.scale

    def practice_pt(self) -> float:
        return PRACTICE_U * self.unit_pt()

    def legible(self) -> bool:
        return self.practice_pt() >= LEGIBLE_SHARE * max(POSTER_SIZES[self.size]) * MM

    def page_css(self) -> str:
        """The tint is the canvas (body background), painted on the page's border box. Without bleed a white
        margin frames it. With bleed the negative margin takes the border box bleed_mm past the trim and the
        padding brings the content back to it; WeasyPrint draws crop marks in the outer half of its CSS bleed,
        so a CSS bleed of 2 x bleed + MARKS_MM puts them beyond the real bleed, off the tint."""
        if self.bleed_mm:
            b = self.bleed_mm
            box = f"bleed: {2 * b + MARKS_MM}mm; marks: crop cross; margin: -{b}mm; padding: {b}mm;"
            height = self.height_mm
        else:
            box = f"margin: {FRAME_MM}mm;"
            height = self.height_mm - 2 * FRAME_MM
        return (
            f"@page {{ size: {self.width_mm}mm {self.height_mm}mm; {box} }}\n"
            f":root {{ --u: {self.unit_pt():.4f}pt; --page-height: {height * MM:.3f}pt; }}"
        )


def columns(article: Article, orientation: str) -> int:
    """Cards per row: few sections read best as full-width cards; more get a grid that keeps cards wide."""
    n = len(article.sections)
    if orientation == "landscape":
        return 1 if n <= 3 else 2 if n == 4 else 3 if n <= 6 else 4
    return 1 if n <= 3 else 2 if n <= 8 else 3 if n <= 12 else 4


def footer(article: Article) -> str | None:
    if article.poster.footer:
        return article.poster.footer
    parts = []
    if article.editor:
        parts.append(f"责任编辑：{article.editor}")
    if article.date:
        parts.append(f"{article.date.year}年{article.date.month}月{article.date.day}日")
    return "　".join(parts) or None


def phrase(text: str) -> Markup:
    """A heading that wraps by phrase: each phrase (up to a ， or 、…) is an inline block, so a line breaks
    between phrases first; inside one, typography keeps the last two characters together (no 孤字)."""
    phrases, start = [], 0
    for i, ch in enumerate(text):
        if ch in PHRASE_END:
            phrases.append(text[start:i + 1])
            start = i + 1
    if start < len(text):
        phrases.append(text[start:])
    return Markup("").join(Markup('<span class="phrase">{}</span>').format(typography.markup(p)) for p in phrases)


@dataclass(frozen=True)
class Fit:
    rendered: pdf.Rendered
    page: PosterPage
    passes: int
    seconds: float

    def describe(self) -> str:
        return (f"poster {self.page.size} {self.page.orientation}, scale {self.page.scale:.3f} "
                f"(practice text {self.page.practice_pt():.1f} pt), {self.passes} layout passes, "
                f"{self.seconds:.2f} s")


class DoesNotFit(Exception):
    pass


TEXT_BLOCKS = ("h1", "h2", "p")


def overflows(rendered: pdf.Rendered) -> bool:
    """True if the layout takes more than one page or any box reaches past the page area (into the margin)."""
    if boxes.page_count(rendered.document) != 1:
        return True
    x, y, width, height = boxes.page_area(rendered.document)
    right, bottom = boxes.extent(rendered.document)
    return right > x + width + 0.5 or bottom > y + height + 0.5


def _text_blocks(laid_out: list[boxes.Block]) -> list[boxes.Block]:
    return [b for b in laid_out if b.tag in TEXT_BLOCKS and b.lines]


def line_counts(rendered: pdf.Rendered) -> tuple[int, ...]:
    """How many lines each text block (title, headings, practices, key sentences…) takes."""
    return tuple(len(b.lines) for b in _text_blocks(boxes.blocks(rendered.document)))


def _no_more_lines(counts: tuple[int, ...], limit: tuple[int, ...]) -> bool:
    return len(counts) == len(limit) and all(c <= m for c, m in zip(counts, limit, strict=True))


def spare_ratio(rendered: pdf.Rendered) -> float:
    """The page height over the height the content needs: how much larger the type could roughly be.
    The cards' grid stretches its rows, so the spare height is what each row's tallest card leaves."""
    laid_out = boxes.blocks(rendered.document)
    rows: dict[float, float] = {}
    for card in (b for b in laid_out if b.tag == "article"):
        inside = [b for b in laid_out if b.parent == card.index]
        content_bottom = max((b.y + b.height for b in inside), default=card.y)
        used = content_bottom - card.y + card.padding_bottom + card.border_bottom
        row = round(card.y, 1)
        rows[row] = min(rows.get(row, card.height - used), card.height - used)
    page_height = boxes.page_area(rendered.document)[3]
    spare_total = sum(max(0.0, v) for v in rows.values())
    return min(page_height / max(page_height - spare_total, 1.0), _width_ratio(laid_out, rendered))


def _width_ratio(laid_out: list[boxes.Block], rendered: pdf.Rendered) -> float:
    """How much larger the type could grow before a one-line text block wraps. Everything scales with the
    type except the page's width, so a block's room at scale x times the current one is
    C - (C - room) * x, where C is its share of the page width (the page, or one column of cards)."""
    page_width = boxes.page_area(rendered.document)[2]
    cards = {b.index for b in laid_out if b.tag == "article"}
    share = page_width / max(len({round(b.x) for b in laid_out if b.index in cards}), 1)
    ratio = math.inf
    for block in _text_blocks(laid_out):
        whole = share if _inside(block, cards, laid_out) else page_width
        if len(block.lines) == 1:
            used = block.lines[0].right - block.lines[0].x
            ratio = min(ratio, whole / (used + whole - block.content_width))
    return ratio


def _inside(block: boxes.Block, ancestors: set[int], laid_out: list[boxes.Block]) -> bool:
    parent = block.parent
    while parent is not None:
        if parent in ancestors:
            return True
        parent = laid_out[parent].parent
    return False


def fit(page: PosterPage, render_html: Callable[[PosterPage], str]) -> Fit:
    """The largest scale at which the poster fits one page without its text taking more lines than at the
    legibility floor (growing the type never adds a line break). The floor's layout estimates the answer
    from the spare height; bisection on a log scale then narrows a bracket around it to 2 %. Raises
    DoesNotFit when even the floor does not fit."""
    started = time.perf_counter()
    passes = 0
    floor = max(MIN_SCALE, _floor_scale(page))
    lines: tuple[int, ...] = ()

    def attempt(scale: float) -> pdf.Rendered | None:
        nonlocal passes
        passes += 1
        trial = replace(page, scale=scale)
        rendered = pdf.layout(render_html(trial))
        ok = not overflows(rendered) and (not lines or _no_more_lines(line_counts(rendered), lines))
        return rendered if ok else None

    best = attempt(floor)
    if best is None:
        raise DoesNotFit()
    lines = line_counts(best)
    estimate = floor * spare_ratio(best)
    low, high = floor, min(MAX_SCALE, estimate * 1.03)
    if high > low * TOLERANCE:
        below = max(low, estimate * 0.95)
        guess = attempt(below)
        if guess is not None:
            low, best = below, guess
        else:
            high = below
    while high / low > TOLERANCE:
        middle = math.sqrt(low * high)
        rendered = attempt(middle)
        if rendered is None:
            high = middle
        else:
            low, best = middle, rendered
    return Fit(best, replace(page, scale=low), passes, time.perf_counter() - started)


def _floor_scale(page: PosterPage) -> float:
    """The smallest scale at which the practice text is still legible."""
    at_one = replace(page, scale=1.0)
    return LEGIBLE_SHARE * max(POSTER_SIZES[page.size]) * MM / at_one.practice_pt()


def next_size(size: str) -> str | None:
    names = list(POSTER_SIZES)
    i = names.index(size)
    return names[i + 1] if i + 1 < len(names) else None


def too_much_message(article: Article, page: PosterPage) -> str:
    n = len(article.sections)
    bigger = next_size(page.size)
    alternative = f"or use --poster-size {bigger}" if bigger else "or split the article into two posters"
    return (f"the poster cannot fit {n} section{'s' if n != 1 else ''} on one {page.size} page at a legible size; "
            f"shorten the title, headings, practices or poster_line sentences, {alternative}")

