"""Stage 3: article + options -> print HTML, through autoescaping, strict Jinja2 templates in layouts/."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import LAYOUTS, __version__, compose, display, typography
from .errors import Problem, UserError
from .model import Article, Author, Section, source_date_epoch

RUNNING_HEAD_PT = 9  # the running head and the page number
RUNNING_HEAD_SHARE = 0.75  # of the measure, at most, that the running head takes


@dataclass(frozen=True)
class Paper:
    """A handout paper: the type area is a whole number of characters wide and of lines high."""

    name: str
    width_mm: float
    height_mm: float
    body_pt: float
    line_pt: float
    measure: int  # characters per line
    lines: int  # lines per page
    top_mm: float
    indent: int = 2  # characters a paragraph's first line is indented by
    quote_indent: int = 2  # characters a quotation is indented by on each side
    item_indent: int = 2  # characters a list item is indented by: its number or bullet stands there

    def page_css(self) -> str:
        mm = 72 / 25.4
        # the type area is exactly `measure` characters wide: the composer fills it to the hundredth of a point
        side = math.floor((self.width_mm * mm - self.measure * self.body_pt) / 2 * 10_000) / 10_000
        bottom = self.height_mm * mm - self.top_mm * mm - self.lines * self.line_pt
        return (
            f"@page {{ size: {self.name}; margin: {self.top_mm * mm:.3f}pt {side:.4f}pt {bottom:.3f}pt; }}\n"
            f":root {{ --body-size: {self.body_pt}pt; --line: {self.line_pt}pt; --measure: {self.measure}; "
            f"--indent: {self.indent}em; --quote-indent: {self.quote_indent}em; --item-indent: {self.item_indent}em; "
            f"--head-size: {RUNNING_HEAD_PT}pt; }}"
        )

    def running_head(self, title: str) -> str:
        """The title as the running head shows it: shortened to RUNNING_HEAD_SHARE of the measure."""
        return display.shortened(title, self.measure * self.body_pt * RUNNING_HEAD_SHARE / RUNNING_HEAD_PT)

    def composer(self) -> typography.Composer:
        return typography.Composer(self.measure, self.indent, self.body_pt * typography.PX_PER_PT,
                                   self.quote_indent, self.item_indent)


PAPERS = {
    "A4": Paper("A4", 210, 297, body_pt=12, line_pt=21, measure=38, lines=33, top_mm=25),
    "A5": Paper("A5", 148, 210, body_pt=10.5, line_pt=18, measure=30, lines=26, top_mm=20),
}


def _affiliation_line(author: Author) -> str:
    return "，".join(part for part in (author.affiliation, author.address) if part)


def _heading_line(section: Section) -> Markup:
    text = section.heading + ("，" + section.subheading if section.subheading else "")
    return typography.markup(text)


def _byline(authors: tuple[Author, ...]) -> Markup:
    parts = [a.name + (f"（{_affiliation_line(a)}）" if a.affiliation or a.address else "") for a in authors]
    return typography.markup("　".join(parts))


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(LAYOUTS),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["text"] = typography.markup
    env.filters["affiliation_line"] = lambda author: typography.markup(_affiliation_line(author))
    env.filters["heading_line"] = _heading_line
    env.filters["byline"] = _byline
    return env


def created_date(article: Article) -> str | None:
    """The document date: the source's, else SOURCE_DATE_EPOCH's, else none (never the clock)."""
    if article.date:
        return article.date.isoformat()
    moment = source_date_epoch()
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def render(kind: str, article: Article, page_css: str, theme: str = "red", template: str | None = None,
           composer: typography.Composer | None = None, **extra: object) -> str:
    """The print HTML for one output kind ('handout' or 'poster'), from `template` (default: KIND.html); body
    paragraphs go through `composer`."""
    env = environment()
    if composer is not None:
        env.filters.update(paragraph=composer.paragraph, quote=composer.quote, item=composer.item)
    try:
        return env.get_template(template or f"{kind}.html").render(
            kind=kind,
            article=article,
            # made by our code, never from a source
            page_css=Markup(f"{page_css}\n:root {{ --han-latin-gap: {compose.GAP}em; }}"),
            created=created_date(article),
            theme=theme,
            version=__version__,
            **extra,
        )
    except jinja2.TemplateError as e:
        name = getattr(e, "filename", None) or getattr(e, "name", None) or f"{kind}.html"
        where = Path(name).name
        line = getattr(e, "lineno", None)
        problem = Problem(f"layouts/{where}", line, 1 if line else None, f"template error: {e.message}")
        raise UserError([problem]) from None
