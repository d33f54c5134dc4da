"""The poster: paper, design, and the fit that chooses columns, line breaks and type size together.

Every size is a multiple of --u, the design unit: 1 pt on A3 at scale 1, growing with the paper, so an A1 poster is
the A3 design enlarged. DESIGN holds the design's numbers in units; the page style passes them to
layouts/poster.css as custom properties, and the same numbers predict the layout here. Every text is set in lines
chosen by display.Breaks (nowrap runs and forced breaks), so a card's height is known before WeasyPrint draws it:
lines times line height, plus margins, all linear in the unit.

The fit takes two layout passes: a galley that measures every piece of display text once (widths scale with the
type), then the poster itself. In between, `search` tries every column count and, for each, bisects the scale for
the largest one at which each text fits its measure in few enough lines and everything fits the page height (the
height only grows with the scale). Among the designs within 10 % of the largest scale, the one whose text covers the
most of the page's height wins (no empty bands: one column of short wide cards loses to two columns of full ones).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from markupsafe import Markup

from . import boxes, display, pdf, qr
from .chars import is_han
from .choices import POSTER_SIZES
from .key_sentence import KeySentence
from .key_sentence import choose as choose_key_sentence
from .model import Article

MM = 72 / 25.4
PX = 96 / 72  # CSS px per pt
FRAME_MM = 6  # without bleed, a white margin on A3 (office printers cannot print the outer 4-5 mm of a sheet),
# proportional to the paper like every other length, so that an A1 poster is the A3 design enlarged
MARKS_MM = 4  # with bleed, the crop marks' distance beyond the bleed (see Plan.page_css)
LEGIBLE_SHARE = 0.01  # floor: practice text >= 1 % of the paper's long side (A3: 11.9 pt, about 4 mm)
MAX_SCALE = 3.0
TITLE_SHARE = 0.06  # the title grows up to 6 % of the paper's long side (A3: 71 pt) or 1.6 times the headings
TITLE_OVER_HEADING = (1.25, 1.6)  # ... and stays at least 1.25 times the headings
TITLE_AT_MOST = 2.5  # ... but no more than 2.5 times the headings: on a dense poster the cards need the room
QR_MM = 32  # the QR code's side on A3 (with its quiet zone), proportional to the paper: scannable from ~1 m on A1
QR_CAPTION = "扫码阅读全文"
MAX_COLUMNS = 5
NAMED_CHARS = 20  # of a heading, naming its section in a message
NARROWEST_EM = 0.25  # no character but a Han one (1 em) is set narrower than this ('i', '.', a half-width mark)
TITLE_TO_HEADING = 1.25  # the title is at least this many times the headings' size
MIN_MEASURE = 11  # a card is at least this many key-sentence characters wide: narrower columns read as lists
CLOSE_ENOUGH = 1.12  # designs within 12 % of the largest scale compete on how much of the page's height holds text
TYPE_WORTH = 0.3  # ... where 1 % more of the height holding text is worth 3.3 % of type size
INK = 0.9  # a line of Han text inks about 0.9 em of its line box's height
GALLEY_PX = 64  # the galley's type size: widths are read as px / GALLEY_PX em

DESIGN: dict[str, float] = {  # in design units, except leadings (times the type size)
    "page-top": 34, "page-side": 38, "page-bottom": 28,
    "title-leading": 1.12,
    "tagline-size": 26, "tagline-leading": 1.3, "tagline-space": 6,
    "byline-size": 20, "byline-leading": 1.3, "byline-space": 8,
    "masthead-pad": 11, "masthead-rule": 2, "masthead-space": 14,
    "gap": 10,
    "card-pad-top": 10, "card-pad-side": 16, "card-pad-bottom": 11, "card-border": 1,
    "heading-size": 40, "heading-leading": 1.12, "disc": 34, "disc-space": 10,
    "practice-size": 28, "practice-leading": 1.22, "practice-space": 4,
    "key-size": 24, "key-leading": 1.32, "key-space": 6,
    "foot-space": 10, "foot-rule": 1, "foot-pad": 7, "foot-size": 18, "foot-leading": 1.3,
}
# Once the scale is as large as line breaks allow, the smallest text (key sentences, else practices) may grow on
# into the height left, up to the next size up (key sentences: the practices', or 0.8 of the headings' without any).
LARGEST = {"key": DESIGN["practice-size"], "lone key": 32, "practice": 32}
MAX_LINES = {"title": 3, "tagline": 2, "byline": 2, "heading": 6, "practice": 4, "key": 6, "foot": 2}


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

    @property
    def paper(self) -> float:
        """How much larger than A3 the paper is."""
        return min(POSTER_SIZES[self.size]) / 297

    @property
    def frame_mm(self) -> float:
        """The white margin around the design: none when the design bleeds."""
        return 0.0 if self.bleed_mm else FRAME_MM * self.paper

    @property
    def area_width_mm(self) -> float:
        """The width the design fills: the trim, less the white margin."""
        return self.width_mm - 2 * self.frame_mm

    @property
    def area_height_mm(self) -> float:
        return self.height_mm - 2 * self.frame_mm

    def box_css(self) -> str:
        """The page's margin, bleed and marks. The tint is the canvas (body background), painted on the page's
        border box. Without bleed a white margin frames it. With bleed the negative margin takes the border box
        bleed_mm past the trim and the padding brings the content back to it; WeasyPrint draws crop marks in the
        outer half of its CSS bleed, so a CSS bleed of 2 x bleed + MARKS_MM puts them beyond the real bleed, off
        the tint."""
        if self.bleed_mm:
            b = self.bleed_mm
            return f"bleed: {2 * b + MARKS_MM}mm; marks: crop cross; margin: -{b}mm; padding: {b}mm;"
        return f"margin: {self.frame_mm:.3f}mm;"

    def unit_pt(self) -> float:
        """1 design unit: 1 pt on A3 at scale 1, growing with the paper's short side."""
        return self.paper * self.scale

    def practice_pt(self) -> float:
        return DESIGN["practice-size"] * self.unit_pt()

    def floor_scale(self) -> float:
        """The smallest scale at which the practice text is still legible."""
        return LEGIBLE_SHARE * max(POSTER_SIZES[self.size]) * MM / (DESIGN["practice-size"] * self.paper)


# --- what the poster says -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Card:
    heading: str
    practice: str | None
    key: str | None
    chosen: KeySentence | None  # the key sentence the rule chose (None: the author's poster_line, or none)


@dataclass(frozen=True)
class Content:
    title: str
    tagline: str | None
    byline: str
    cards: tuple[Card, ...]
    footer: str | None
    qr: str | None

    def texts(self) -> dict[str, list[str]]:
        """Every display text by its role (type style), for the galley."""
        roles: dict[str, list[str]] = {"title": [self.title], "byline": [self.byline], "heading": [],
                                       "practice": [], "key": [], "tagline": [], "foot": []}
        roles["tagline"] += [self.tagline] if self.tagline else []
        roles["foot"] += [t for t in (self.footer, QR_CAPTION if self.qr else None) if t]
        for card in self.cards:
            roles["heading"].append(card.heading)
            roles["practice"] += [card.practice] if card.practice else []
            roles["key"] += [card.key] if card.key else []
        return roles

    def without_chosen_keys(self) -> Content:
        return replace(self, cards=tuple(replace(c, key=None, chosen=None) if c.chosen else c for c in self.cards))


def footer(article: Article) -> str | None:
    if article.poster.footer:
        return article.poster.footer
    parts = []
    if article.editor:
        parts.append(f"责任编辑：{article.editor}")
    if article.date:
        parts.append(f"{article.date.year}年{article.date.month}月{article.date.day}日")
    return "　".join(parts) or None


def content(article: Article) -> Content:
    """The poster's texts: the byline has names and units only (the address belongs to the handout)."""
    cards = []
    for section in article.sections:
        chosen = None if section.poster_line or not article.poster.key_sentences else choose_key_sentence(section)
        cards.append(Card(section.heading, section.subheading, section.poster_line or (chosen and chosen.text),
                          chosen))
    byline = "　".join(a.name + (f"（{a.affiliation}）" if a.affiliation else "") for a in article.authors)
    return Content(article.poster.title or article.title, article.poster.tagline or article.subtitle, byline,
                   tuple(cards), footer(article), article.poster.qr)


# --- the plan: every text's lines and every block's height, predicted -------------------------------------------

@dataclass(frozen=True)
class Set:
    """One display text set in chosen lines at a size."""

    breaks: display.Breaks
    option: display.Option
    size_pt: float

    def html(self) -> Markup:
        return self.breaks.html(self.option)

    @property
    def lines(self) -> int:
        return self.option.count

    def area(self, leading: float) -> float:
        """The area its lines' text covers, in pt²."""
        return sum(self.breaks.line_width(*line) for line in self.option.lines) * self.size_pt ** 2 * leading


@dataclass(frozen=True)
class CardPlan:
    number: int
    span: int  # grid columns it spans
    heading: Set
    practice: Set | None
    key: Set | None
    height_pt: float
    inner_pt: float  # the width inside its padding


@dataclass(frozen=True)
class Plan:
    page: PosterPage
    per_row: int  # cards per full row
    columns: int  # grid columns (a last row with fewer cards spreads them over all columns)
    title: Set
    tagline: Set | None
    byline: Set
    cards: tuple[CardPlan, ...]
    footer: Set | None
    caption: Set | None
    qr: str | None
    height_pt: float  # what the content needs; the page's height or less
    grown: str  # the role that grows into the height left ("key" or "practice")
    growth: float

    def units(self, role: str) -> float:
        """A text role's size in design units, after growth."""
        return DESIGN[f"{role}-size"] * (self.growth if role == self.grown else 1.0)

    def practice_pt(self) -> float:
        return self.units("practice") * self.page.unit_pt()

    @property
    def coverage(self) -> float:
        """The share of the page's height, from the first line of text to the last, that holds text: each line's
        ink is INK em tall, centred in its line box; rows share the height the content leaves."""
        u, page_height = self.page.unit_pt(), self.page.area_height_mm * MM
        inked: list[tuple[float, float]] = []

        def lines(s: Set | None, role: str, top: float, space: str | None = None) -> float:
            if s is None:
                return top
            top += DESIGN[space] * u if space else 0.0
            pitch = DESIGN[f"{role}-leading"] * s.size_pt
            inked.extend((top + k * pitch + (pitch - INK * s.size_pt) / 2,
                          top + k * pitch + (pitch + INK * s.size_pt) / 2) for k in range(s.lines))
            return top + s.lines * pitch

        y = lines(self.title, "title", DESIGN["page-top"] * u)
        y = lines(self.byline, "byline", lines(self.tagline, "tagline", y, "tagline-space"), "byline-space")
        y += (DESIGN["masthead-pad"] + DESIGN["masthead-rule"] + DESIGN["masthead-space"]) * u
        rows = self.rows()
        tops = [y + sum(rows[r] + DESIGN["gap"] * u for r in range(row)) for row in range(len(rows))]
        for i, card in enumerate(self.cards):
            top = tops[i // self.per_row] + (DESIGN["card-border"] + DESIGN["card-pad-top"]) * u
            top = lines(card.practice, "practice", lines(card.heading, "heading", top), "practice-space")
            lines(card.key, "key", top, "key-space")
        if self.footer or self.caption:
            foot = self.footer or self.caption
            text = (self.footer.lines if self.footer else 0) + (self.caption.lines if self.caption else 0)
            bottom = page_height - DESIGN["page-bottom"] * u
            lines(foot, "foot", bottom - text * DESIGN["foot-leading"] * foot.size_pt)
        inked.sort()
        covered, reach = 0.0, -math.inf
        for start, end in inked:
            covered += max(0.0, end - max(start, reach))
            reach = max(reach, end)
        return covered / (reach - inked[0][0])

    def rows(self) -> list[float]:
        """Each row's height: its tallest card, and an equal share of the height the content leaves."""
        tallest: dict[int, float] = {}
        for i, card in enumerate(self.cards):
            tallest[i // self.per_row] = max(tallest.get(i // self.per_row, 0.0), card.height_pt)
        left = (self.page.area_height_mm * MM - self.height_pt) / len(tallest)
        return [height + left for height in tallest.values()]

    def blocks(self) -> list[Set]:
        """Every text block in document order, as the layout must show them."""
        found = [self.title, *(s for s in (self.tagline, self.byline) if s)]
        for card in self.cards:
            found += [s for s in (card.heading, card.practice, card.key) if s]
        return found + [s for s in (self.footer, self.caption) if s]

    def page_css(self) -> str:
        page = self.page
        qr_side = f" --qr: {qr_pt(page):.3f}pt;" if self.qr else ""
        return (f"@page {{ size: {page.width_mm}mm {page.height_mm}mm; {page.box_css()} }}\n"
                f":root {{ --u: {page.unit_pt():.4f}pt; --page-height: {page.area_height_mm * MM:.3f}pt; "
                f"--title-size: {self.title.size_pt:.3f}pt;{qr_side} "
                f"{design_css({self.grown + '-size': self.units(self.grown)})} }}")

    def view(self) -> dict[str, object]:
        """What layouts/poster.html shows."""
        return {
            "title": self.title.html(), "tagline": self.tagline and self.tagline.html(), "byline": self.byline.html(),
            "columns": self.columns, "rows": " ".join(f"{height:.3f}pt" for height in self.rows()),
            "cards": [{"number": c.number, "span": c.span, "heading": c.heading.html(),
                       "practice": c.practice and c.practice.html(), "key": c.key and c.key.html()}
                      for c in self.cards],
            "footer": self.footer and self.footer.html(), "caption": self.caption and self.caption.html(),
            "qr": qr.svg(self.qr, f"二维码：{self.qr}") if self.qr else None,
        }


def design_css(changed: dict[str, float] | None = None) -> str:
    return " ".join(f"--{name}: {value:g};" for name, value in (DESIGN | (changed or {})).items())


def qr_pt(page: PosterPage) -> float:
    return QR_MM * MM * page.paper


@dataclass(frozen=True)
class Misfit:
    """Why a design does not fit: the block that overflows and the height the page would need (inf: a width)."""

    block: str
    height_pt: float


@dataclass(frozen=True)
class Texts:
    """Every display text's line breaks, from the galley's widths."""

    title: display.Breaks
    tagline: display.Breaks | None
    byline: display.Breaks
    cards: tuple[tuple[display.Breaks, display.Breaks | None, display.Breaks | None], ...]
    footer: display.Breaks | None
    caption: display.Breaks | None
    qr: str | None

    @classmethod
    def of(cls, what: Content, widths: dict[str, dict[str, float]]) -> Texts:
        def breaks(role: str, text: str | None) -> display.Breaks | None:
            return display.Breaks(text, widths[role], MAX_LINES[role]) if text else None

        return cls(breaks("title", what.title), breaks("tagline", what.tagline), breaks("byline", what.byline),
                   tuple((breaks("heading", c.heading), breaks("practice", c.practice), breaks("key", c.key))
                         for c in what.cards),
                   breaks("foot", what.footer), breaks("foot", QR_CAPTION if what.qr else None), what.qr)

    def first(self, n: int) -> Texts:
        return replace(self, cards=self.cards[:n])

    @property
    def smallest(self) -> str:
        """The role of the smallest text on the cards: it grows into the height the scale leaves."""
        return "key" if any(key for _, _, key in self.cards) else "practice"

    @property
    def growth(self) -> float:
        """How much the smallest text may grow: up to the next size up."""
        role = self.smallest
        if role == "key" and not any(practice for _, practice, _ in self.cards):
            role = "lone key"
        return LARGEST[role] / DESIGN[f"{self.smallest}-size"]


def _set(breaks: display.Breaks | None, measure_pt: float, size_pt: float, name: str) -> Set | None:
    if breaks is None:
        return None
    option = breaks.choose(measure_pt / size_pt)
    if option is None:
        raise _Overflow(Misfit(name, math.inf))
    return Set(breaks, option, size_pt)


class _Overflow(Exception):
    def __init__(self, misfit: Misfit) -> None:
        super().__init__(misfit.block)
        self.misfit = misfit


def _title_size(title: display.Breaks, measure: float, heading_pt: float, page: PosterPage) -> float:
    """The title's own size: the fewest lines in which it is at least 1.25 times the headings, as large as the
    measure allows up to 6 % of the paper's long side (at most 2.5 times the headings) or 1.6 times the headings."""
    low, high = (f * heading_pt for f in TITLE_OVER_HEADING)
    high = max(high, min(TITLE_SHARE * max(POSTER_SIZES[page.size]) * MM, TITLE_AT_MOST * heading_pt))
    for lines in range(1, MAX_LINES["title"] + 1):
        fit = measure / title.narrowest(lines)
        if fit >= low:
            return min(fit, high)
    if fit < heading_pt:
        raise _Overflow(Misfit("the title", math.inf))
    return fit


def evaluate(texts: Texts, page: PosterPage, per_row: int, names: list[str], growth: float = 1.0) -> Plan | Misfit:
    """The design at this page's scale with this many cards per row (the smallest text grown by `growth`), or why
    it does not fit."""
    try:
        return _evaluate(texts, page, per_row, names, growth)
    except _Overflow as e:
        return e.misfit


def _evaluate(texts: Texts, page: PosterPage, per_row: int, names: list[str], growth: float) -> Plan | Misfit:
    u = page.unit_pt()
    grown = texts.smallest

    def d(name: str) -> float:
        return DESIGN[name] * u * (growth if name == f"{grown}-size" else 1.0)

    def height(s: Set | None, role: str, space: str | None = None) -> float:
        return 0.0 if s is None else (d(space) if space else 0.0) + s.lines * DESIGN[f"{role}-leading"] * s.size_pt

    measure = page.area_width_mm * MM - 2 * d("page-side")
    title_pt = _title_size(texts.title, measure, d("heading-size"), page)
    title = _set(texts.title, measure, title_pt, "the title")
    tagline = _set(texts.tagline, measure, d("tagline-size"), "the tagline")
    byline = _set(texts.byline, measure, d("byline-size"), "the byline")
    assert title and byline
    masthead = (title.lines * DESIGN["title-leading"] * title_pt + height(tagline, "tagline", "tagline-space")
                + height(byline, "byline", "byline-space") + d("masthead-pad") + d("masthead-rule")
                + d("masthead-space"))

    foot = caption = None
    foot_height = 0.0
    if texts.footer or texts.qr:
        side = qr_pt(page) if texts.qr else 0.0
        room = measure - (side + d("gap") if side else 0.0)
        foot = _set(texts.footer, room, d("foot-size"), "the footer")
        caption = _set(texts.caption, room, d("foot-size"), "the QR code's caption")
        foot_height = (d("foot-space") + d("foot-rule") + d("foot-pad")
                       + max(side, height(foot, "foot") + height(caption, "foot")))

    n = len(texts.cards)
    rows = math.ceil(n / per_row)
    last = n - (rows - 1) * per_row
    columns = math.lcm(per_row, last)
    column = (measure - (columns - 1) * d("gap")) / columns
    cards, row_heights = [], [0.0] * rows

    def card_height(heading: Set, practice: Set | None, key: Set | None) -> float:
        return (2 * d("card-border") + d("card-pad-top") + d("card-pad-bottom") + height(heading, "heading")
                + height(practice, "practice", "practice-space") + height(key, "key", "key-space"))

    for i, (heading_breaks, practice_breaks, key_breaks) in enumerate(texts.cards):
        span = columns // (per_row if i // per_row < rows - 1 else last)
        inner = span * column + (span - 1) * d("gap") - 2 * (d("card-pad-side") + d("card-border"))
        if inner < MIN_MEASURE * DESIGN["key-size"] * u:
            raise _Overflow(Misfit(f"a card {per_row} to a row", math.inf))
        name = f"section {i + 1}'s"
        heading = _set(heading_breaks, inner - d("disc") - d("disc-space"), d("heading-size"),
                       f"{name} heading ({names[i]})")
        practice = _set(practice_breaks, inner, d("practice-size"), f"{name} practice")
        key = _set(key_breaks, inner, d("key-size"), f"{name} key sentence")
        assert heading
        cards.append(CardPlan(i + 1, span, heading, practice, key, card_height(heading, practice, key), inner))
        row_heights[i // per_row] = max(row_heights[i // per_row], cards[-1].height_pt)
    for i, card in enumerate(cards):  # a card shorter than its row sets its key sentence in more, shorter lines
        key = card.key
        while key and card.height_pt < row_heights[i // per_row]:
            option = key.breaks.evenly(key.lines + 1, card.inner_pt / key.size_pt)
            longer = option and replace(card, key=replace(key, option=option))
            taller = card_height(card.heading, card.practice, longer.key) if longer else math.inf
            if taller > row_heights[i // per_row]:
                break
            card = cards[i] = replace(longer, height_pt=taller)
            key = card.key
    total = (d("page-top") + masthead + sum(row_heights) + (rows - 1) * d("gap") + foot_height + d("page-bottom"))
    if total > page.area_height_mm * MM:
        tallest = max(range(n), key=lambda i: cards[i].height_pt)
        return Misfit(f"section {tallest + 1} ({names[tallest]})", total)
    return Plan(page, per_row, columns, title, tagline, byline, tuple(cards), foot, caption, texts.qr, total, grown,
                growth)


def _grow(texts: Texts, plan: Plan, names: list[str]) -> Plan:
    """The plan with its smallest text grown as far as the page's height allows (bisection)."""
    low, high = 1.0, texts.growth
    top = evaluate(texts, plan.page, plan.per_row, names, high)
    if isinstance(top, Plan):
        return top
    while high / low > 1.002:
        middle = math.sqrt(low * high)
        trial = evaluate(texts, plan.page, plan.per_row, names, middle)
        if isinstance(trial, Plan):
            plan, low = trial, middle
        else:
            high = middle
    return plan


def search(texts: Texts, page: PosterPage, names: list[str]) -> Plan | list[Misfit]:
    """The design with the largest type (within 2 %: the fullest cards), or why none fits at the legibility floor."""
    floor = page.floor_scale()
    plans, misfits = [], []
    for per_row in range(1, min(len(texts.cards), MAX_COLUMNS) + 1):
        found = evaluate(texts, replace(page, scale=floor), per_row, names)
        if isinstance(found, Misfit):
            misfits.append(found)
            continue
        low, high = floor, MAX_SCALE
        top = evaluate(texts, replace(page, scale=high), per_row, names)
        if isinstance(top, Plan):
            found, low = top, high
        while high / low > 1.001:
            middle = math.sqrt(low * high)
            trial = evaluate(texts, replace(page, scale=middle), per_row, names)
            if isinstance(trial, Plan):
                found, low = trial, middle
            else:
                high = middle
        plans.append(_grow(texts, found, names))
    if not plans:
        return misfits
    best = max(p.page.scale for p in plans)
    return max((p for p in plans if p.page.scale * CLOSE_ENOUGH >= best),
               key=lambda p: p.coverage + TYPE_WORTH * (p.page.scale / best - 1))


# --- the fit: a galley pass, the search, the poster pass --------------------------------------------------------

def galley(what: Content) -> tuple[list[dict[str, object]], dict[str, tuple[str, str]]]:
    """The galley's paragraphs (one per role: every distinct piece as a span with an id) and what each id is."""
    paragraphs, ids = [], {}
    for role, texts in what.texts().items():
        spans = []
        for html in display.measured_html(texts):
            ids[f"m{len(ids)}"] = (role, html)
            spans.append((f"m{len(ids) - 1}", Markup(html)))
        paragraphs.append({"role": role, "spans": spans})
    return paragraphs, ids


def galley_css(what: Content) -> str:
    lines = sum(len(display.measured_html(t)) for t in what.texts().values()) + 8
    return (f"@page {{ size: 4000px {lines * GALLEY_PX * 1.5:.0f}px; margin: 0; }}\n"
            f":root {{ --u: 1pt; --page-height: {lines * GALLEY_PX * 1.5 * 0.75:.0f}pt; --title-size: 40pt; "
            f"--galley: {GALLEY_PX}px; {design_css()} }}")


def widths(rendered: pdf.Rendered, ids: dict[str, tuple[str, str]]) -> dict[str, dict[str, float]]:
    """Each role's piece widths in em, from the galley's layout."""
    found: dict[str, dict[str, float]] = {}
    for inline in boxes.inlines(rendered.document):
        if inline.id in ids:
            role, html = ids[inline.id]
            found.setdefault(role, {})[html] = inline.width / GALLEY_PX
    return found


def differences(rendered: pdf.Rendered, plan: Plan) -> list[str]:
    """Where the laid-out poster differs from the plan: pages, boxes past the page, lines too long or too many."""
    if boxes.page_count(rendered.document) != 1:
        return [f"{boxes.page_count(rendered.document)} pages"]
    problems = []
    right, bottom = boxes.extent(rendered.document)
    x, y, width, height = boxes.page_area(rendered.document)
    if right > x + width + 0.5 or bottom > y + height + 0.5:
        problems.append(f"a box reaches {right:.1f}, {bottom:.1f} px, past the page area")
    laid_out = boxes.blocks(rendered.document)
    for card in (b for b in laid_out if "card" in b.classes):
        bottom = max(b.y + b.height for b in laid_out if b.parent == card.index)
        if bottom > card.content_y + card.content_height + 0.5:
            problems.append(f"a card's content ends at {bottom:.1f} px, past its box")
    texts = [b for b in laid_out if any(c.startswith("t-") for c in b.classes)]
    expected = plan.blocks()
    if len(texts) != len(expected):
        return problems + [f"{len(texts)} text blocks, {len(expected)} planned"]
    for block, planned in zip(texts, expected, strict=True):
        if len(block.lines) != planned.lines:
            problems.append(f"{block.tag}.{'.'.join(block.classes)}: {len(block.lines)} lines, {planned.lines} planned")
        edge = block.content_x + block.content_width + 0.5
        problems += [f"{block.tag}: a line ends at {line.right:.1f} px, past {edge:.1f}"
                     for line in block.lines if line.right > edge]
    return problems


@dataclass(frozen=True)
class Fit:
    rendered: pdf.Rendered
    plan: Plan
    passes: int
    seconds: float
    notes: list[str] = field(default_factory=list)  # what -v tells the author besides the scale

    def describe(self) -> str:
        page = self.plan.page
        per_row = self.plan.per_row
        return (f"poster {page.size} {page.orientation}, {per_row} column{'s' if per_row > 1 else ''}, "
                f"scale {page.scale:.3f} (practice text {self.plan.practice_pt():.1f} pt), "
                f"{self.passes} layout passes, {self.seconds:.2f} s")


class DoesNotFit(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unplanned(pdf.RenderError):
    """The laid-out poster differs from the plan (a bug, or a font that measures differently in context)."""


def least_text_area(what: Content, page: PosterPage) -> float:
    """The least area (pt²) the poster's texts can cover at the legibility floor: each character at its narrowest
    width, times its line's height. More than the page's area, and no design fits: found in milliseconds, where the
    search over line breaks of 100 long cards takes 20 s to find the same."""
    unit = replace(page, scale=page.floor_scale()).unit_pt()
    sizes = {role: DESIGN.get(f"{role}-size", TITLE_TO_HEADING * DESIGN["heading-size"]) for role in MAX_LINES}
    area = 0.0
    for role, texts in what.texts().items():
        size = sizes[role] * unit
        ems = sum(1.0 if is_han(ch) else NARROWEST_EM for text in texts for ch in text)
        area += ems * size * size * DESIGN[f"{role}-leading"]
    return area


def fit(page: PosterPage, what: Content, galley_html: Callable[[list[dict[str, object]], str], str],
        poster_html: Callable[[Plan], str]) -> Fit:
    """Measure (pass 1), search, lay the poster out (pass 2). Key sentences the rule chose are left out when the
    poster cannot hold them at a legible size; DoesNotFit says what can work when even that fails."""
    started = time.perf_counter()
    covered = least_text_area(what.without_chosen_keys(), page) / (page.area_width_mm * page.area_height_mm * MM * MM)
    if covered > 1:
        raise DoesNotFit(f"{_cannot_fit(len(what.cards), page)}: its text alone would cover {covered:.1f} times the "
                         "page at that size; shorten the title, headings, practices and poster_line sentences or keep "
                         "fewer sections")
    paragraphs, ids = galley(what)
    measured = widths(pdf.layout(galley_html(paragraphs, galley_css(what))), ids)
    names = [c.heading if len(c.heading) <= NAMED_CHARS else c.heading[:NAMED_CHARS] + "…" for c in what.cards]
    notes = [f"section {i} key sentence ({c.chosen.where()}; poster_line overrides it): {c.chosen.text}"
             for i, c in enumerate(what.cards, 1) if c.chosen]
    texts = Texts.of(what, measured)
    found = search(texts, page, names)
    if not isinstance(found, Plan) and any(c.chosen for c in what.cards):
        texts = Texts.of(what.without_chosen_keys(), measured)
        found = search(texts, page, names)
        notes = ["key sentences left out: with them the poster does not fit at a legible size"]
    if not isinstance(found, Plan):
        raise DoesNotFit(too_much_message(texts, page, names, found))
    passes = 1
    for _ in range(3):
        rendered = pdf.layout(poster_html(found))
        passes += 1
        problems = differences(rendered, found)
        if not problems:
            return Fit(rendered, found, passes, time.perf_counter() - started, notes)
        smaller = evaluate(texts, replace(found.page, scale=found.page.scale * 0.98), found.per_row, names)
        if not isinstance(smaller, Plan):
            break
        found = smaller
    raise Unplanned("the laid-out poster differs from its plan: " + "; ".join(problems))


def too_much_message(texts: Texts, page: PosterPage, names: list[str], misfits: list[Misfit]) -> str:
    """What does not fit at the legibility floor, and what would: the other orientation, fewer sections."""
    n = len(texts.cards)
    heights = [m for m in misfits if m.height_pt < math.inf]
    if heights:
        worst = min(heights, key=lambda m: m.height_pt)
        why = (f"the cards need {worst.height_pt / (page.area_height_mm * MM):.2f} times the page's height "
               f"(the tallest: {worst.block})")
    else:
        why = f"{misfits[0].block} is too long to set on the page"
    remedies = []
    other = "landscape" if page.orientation == "portrait" else "portrait"
    if not isinstance(search(texts, replace(page, orientation=other), names), list):
        remedies.append(f"use --orientation {other}")
    remedies.append("shorten the title, headings, practices and poster_line sentences")
    fewer = next((m for m in range(n - 1, 0, -1) if not isinstance(search(texts.first(m), page, names), list)), 0)
    if fewer:
        remedies.append(f"keep at most {fewer} section{'s' if fewer > 1 else ''}")
    return (f"{_cannot_fit(n, page)}: {why}; "
            f"{', '.join(remedies[:-1])}{' or ' if len(remedies) > 1 else ''}{remedies[-1]}")


def _cannot_fit(n: int, page: PosterPage) -> str:
    floor = replace(page, scale=page.floor_scale())
    return (f"the poster cannot fit {n} section{'s' if n != 1 else ''} on one {page.size} {page.orientation} page "
            f"at a legible size (practice text {floor.practice_pt():.1f} pt)")
