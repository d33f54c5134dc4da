"""Chinese typography in the print HTML: display text as spans, body paragraphs as composed lines, and the check
that WeasyPrint set every composed line as it was composed.

* `markup(text)` (the templates' `text` filter): titles, headings, bylines, the poster -- text that WeasyPrint
  breaks itself (short, centred or ragged) -- with the rules that do not depend on where a line breaks: the
  first of two adjacent marks at half width, the Han-Latin gap, the kinsoku Pango does not know, breaks
  beside quotes.
* `Composer.paragraph(text)` (the handout's `paragraph` filter): a body paragraph composed by `compose` and
  written out line by line -- a forced break after each line but the last, every adjustment a letter-spacing
  or a margin in px -- so that WeasyPrint sets each line exactly as composed, in one layout.
* `Composer.check(document)`: every composed paragraph found in the layout with its lines where the composer
  put them; what is not is a problem, which fails a strict build.

No character is ever added (but a hyphen where a word is broken) or removed (but whitespace that the layout
replaces by a gap), so the PDF's text is the source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from . import boxes, compose, emphasis
from .chars import FULLWIDTH, NO_BREAK_SPACES, NO_LINE_START, OPEN, is_cjk, is_han, is_latin, is_mark

FLUSH_TOLERANCE_PT = 0.1  # a composed line may end this far from where the composer put it
PX_PER_PT = 96 / 72
PANGO_UNIT = 1 / 1024  # px: WeasyPrint hands Pango letter-spacing in these, truncated
MAX_PIECES = 12_000  # spans in a handout's body: with 300,000 characters, 60 s and 1 GB (scripts/limits_bench.py)
URL_LINK = re.compile(r"https?://[^\s/?#]+\.[^\s]+")  # an address a reader can follow
ADDRESS_END = ".,;:!?'\")]}"  # sentence punctuation after an address, not part of it
HYPHENATED_WORD_MAX = 30  # characters: a display word with a hyphen up to this long is kept on one line

# --- display text -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    text: str
    kind: str  # "cjk", "word", "space"
    halt: bool = False
    gap_before: bool = False
    gap_after: bool = False
    no_break: bool = False  # a no-break space, written as a space with no line break beside it


def _units(text: str) -> list[_Unit]:
    found: list[_Unit] = []
    i = 0
    while i < len(text):
        ch, j = text[i], i + 1
        if ch in "—…":
            while j < len(text) and text[j] == ch:
                j += 1
            kind = "word"  # a group: set as one, never opened
        elif ch.isspace():
            kind = "space"
            if ch in NO_BREAK_SPACES:  # its glyph is the space's: a PDF can copy only one of them, so a space
                found.append(_Unit(" ", kind, no_break=True))
                i = j
                continue
        elif is_cjk(ch):
            kind = "cjk"
        else:
            while j < len(text) and not (text[j].isspace() or is_cjk(text[j])):
                j += 1
            kind = "word"
        found.append(_Unit(text[i:j], kind))
        i = j
    for k in range(len(found) - 1):
        a, b = found[k], found[k + 1]
        x, y = a.text[-1], b.text[0]
        if x in FULLWIDTH and y in FULLWIDTH and x != y:
            if x in OPEN and y in OPEN:
                found[k + 1] = _Unit(b.text, b.kind, True, b.gap_before, b.gap_after)
            elif x not in OPEN:
                found[k] = _Unit(a.text, a.kind, True, a.gap_before, a.gap_after)
        if is_han(x) and is_latin(y):
            b = found[k + 1]
            found[k + 1] = _Unit(b.text, b.kind, b.halt, True, b.gap_after)
        elif is_latin(x) and is_han(y):
            a = found[k]
            found[k] = _Unit(a.text, a.kind, a.halt, a.gap_before, True)
    return found


def _glued(units: list[_Unit]) -> list[bool]:
    """For each unit, whether no line may break before it: kinsoku Pango does not apply, and a last line of at
    least two characters besides its marks (孤字)."""
    glued = [k > 0 and ((u.text[0] in NO_LINE_START and units[k - 1].kind != "space") or u.no_break
                        or units[k - 1].no_break) for k, u in enumerate(units)]
    counted = 0
    for k in range(len(units) - 1, 0, -1):
        counted += sum(not is_mark(ch) for ch in units[k].text)
        if counted >= 2 or units[k - 1].kind == "space":
            break
        glued[k] = True
    return glued


def _quote_break(a: _Unit, b: _Unit) -> bool:
    """Whether a line may break between a and b where Pango will not: it takes “ ” ‘ ’ for ambiguous quotation
    marks (UAX #14 QU) and never breaks beside them; in Chinese “ ‘ open and ” ’ close."""
    if "space" in (a.kind, b.kind):
        return False
    x, y = a.text[-1], b.text[0]
    if y in "“‘":
        return x not in OPEN
    return x in "”’" and y not in NO_LINE_START


def _unit_html(u: _Unit) -> str:
    # a short word is never broken at its own hyphen: pdfium and poppler take a hyphen at a line end for a soft
    # one and drop it when the text is copied
    unbroken = u.kind == "word" and "-" in u.text[1:-1] and len(u.text) <= HYPHENATED_WORD_MAX
    classes = [name for name, on in (("h", u.halt), ("al", u.gap_before), ("ar", u.gap_after), ("w", u.kind == "word"),
                                     ("nb", unbroken)) if on]
    body = str(escape(u.text))
    return f'<span class="{" ".join(classes)}">{body}</span>' if classes else body


def markup(text: str) -> Markup:
    """Escaped HTML for a display text (a title, a heading, a byline), with its line-independent rules."""
    units = _units(text)
    glued = _glued(units)
    parts: list[str] = []
    k = 0
    while k < len(units):
        if k and _quote_break(units[k - 1], units[k]):
            parts.append("<wbr>")
        j = k + 1
        while j < len(units) and glued[j]:
            j += 1
        run = "".join(_unit_html(u) for u in units[k:j])
        parts.append(f'<span class="nb">{run}</span>' if j - k > 1 else run)
        k = j
    return Markup("".join(parts))


# --- body paragraphs ----------------------------------------------------------------------------------------------


class OverBudget(Exception):
    """The handout is set in more pieces than MAX_PIECES; raised as soon as it is, not after composing it all."""


@dataclass
class Composer:
    """Composes the body paragraphs of one handout (measure and indents in em, the body size in px) and keeps
    them, in order, for the check after layout. A paragraph's text may hold **emphasis** (set bold)."""

    measure: float
    indent: float  # a paragraph's first line
    em_px: float
    quote_indent: float  # a quotation is narrower by this on each side (handout.css: blockquote)
    item_indent: float  # a list item by this on the left, where its number or bullet stands (.list)
    template: str = "layouts/handout.html"
    composed: list[compose.Paragraph] = field(default_factory=list)
    pieces: int = 0  # spans so far (words, marks, gaps): WeasyPrint spends about 1.6 ms and 36 KB on each

    def paragraph(self, text: str) -> Markup:
        """The `paragraph` filter: one body paragraph's lines as HTML."""
        return self._compose(text, self.measure, self.indent)

    def quote(self, text: str) -> Markup:
        """The `quote` filter: a quotation paragraph, indented on both sides."""
        return self._compose(text, self.measure - 2 * self.quote_indent, self.indent)

    def item(self, text: str) -> Markup:
        """The `item` filter: a list item, beside its number or bullet, with no first-line indent."""
        return self._compose(text, self.measure - self.item_indent, 0.0)

    def _compose(self, text: str, measure: float, indent: float) -> Markup:
        runs = [compose.Run(piece, bold) for piece, bold in emphasis.runs(text)]
        composed = compose.compose(runs, measure, indent)
        self.composed.append(composed)
        links = addresses(composed)
        html = "<br>".join(_line_html(composed, line, self.em_px, links) for line in composed.lines)
        self.pieces += html.count("<span")
        if self.pieces > MAX_PIECES:
            raise OverBudget(f"the text is set in more than {MAX_PIECES:,} pieces (a Latin word, a number or a spaced "
                             "mark beside Chinese text is one), what a handout may have to build in a minute and "
                             f"1 GB; body paragraph {len(self.composed)} ('{_opening(composed)}') goes past it: split "
                             "the source")
        return Markup(html)

    def check(self, document: object) -> list[str]:
        """What in the layout is not as composed: a body paragraph not composed, a paragraph set in another
        number of lines, a line that does not end where the composer put it."""
        laid_out = _body_paragraphs(document)
        if len(laid_out) != len(self.composed):
            return [f"{self.template}: {len(laid_out)} paragraphs of class 'body' laid out, {len(self.composed)} "
                    "composed; every body paragraph must be written {{ text | paragraph }}"]
        problems = []
        tolerance = FLUSH_TOLERANCE_PT * PX_PER_PT
        for number, (composed, (column, lines)) in enumerate(zip(self.composed, laid_out, strict=True), 1):
            where = f"{self.template}: body paragraph {number} ('{_opening(composed)}')"
            if abs(column - composed.measure * self.em_px) > tolerance:
                problems.append(f"{where}: its column is {column / PX_PER_PT:.2f} pt wide, the composer's measure "
                                f"{composed.measure * self.em_px / PX_PER_PT:.2f} pt; the page style and the composer "
                                "disagree")
                continue
            if len(lines) != len(composed.lines):
                problems.append(f"{where}: laid out in {len(lines)} lines, composed in {len(composed.lines)}")
                continue
            for k, (line, (left, right)) in enumerate(zip(composed.lines, lines, strict=True), 1):
                expected = left + line.width * self.em_px
                if abs(right - expected) > tolerance:
                    problems.append(f"{where}: line {k} ends {(right - expected) / PX_PER_PT:+.2f} pt from where it "
                                    "was composed; the layout's font, size or features differ from the composer's")
                    break
        return problems


    def notes(self) -> list[str]:
        """The lines that could not be set within the usual limits (a long unbreakable word or path leaves no
        better break), for -v: an author may rephrase or shorten there."""
        found = []
        for number, p in enumerate(self.composed, 1):
            for k, line in enumerate(p.lines, 1):
                text = "".join(s.text for s in line.segments)
                if not line.justified and k < len(p.lines):
                    found.append(f"body paragraph {number}, line {k} ('{text[:16]}…'): left "
                                 f"{line.fit.short:.2f} em short; no break within the rules justifies it")
                elif abs(line.fit.tracking) > compose.TRACK_MAX + 1e-9:
                    found.append(f"body paragraph {number}, line {k} ('{text[:16]}…'): spaced out "
                                 f"{line.fit.tracking:.3f} em; no break within the rules justifies it otherwise")
        return found


def _opening(p: compose.Paragraph) -> str:
    text = "".join(a.text for a in p.atoms[:12])
    return text + ("…" if len(p.atoms) > 12 else "")


def _body_paragraphs(document: object) -> list[tuple[float, list[tuple[float, float]]]]:
    """Each laid-out paragraph of class 'body' (its parts on several pages joined): its column width and its
    lines' left and right ends, in px."""
    found: dict[int, tuple[float, list[tuple[float, float]]]] = {}
    for block in boxes.blocks(document):
        if block.tag == "p" and "body" in block.classes:
            _, lines = found.setdefault(id(block.element), (block.content_width, []))
            lines.extend((block.content_x, line.right) for line in block.lines)
    return list(found.values())


# --- writing a composed line ----------------------------------------------------------------------------------------

def _spaced(segment: compose.Segment) -> bool:
    """Whether the segment takes the line's letter-spacing after it: a Han character or a single mark, not a
    word or a group (—— ……), whose spans set letter-spacing 0."""
    return segment.kind in ("han", "mark") and len(segment.text) == 1


@dataclass
class _Piece:
    """One thing written on a line: a segment (or a space), with its classes and margins."""

    text: str
    classes: list[str]
    bold: bool
    spaced: bool  # takes the line's letter-spacing after each character
    left: float = 0.0  # margins, em
    right: float = 0.0
    href: str | None = None  # the piece is (part of) a web or e-mail address: a link to it

    def html(self, em_px: float) -> str:
        style = ";".join(f"margin-{side}:{value * em_px:.3f}px"
                         for side, value in (("left", self.left), ("right", self.right)) if abs(value) > 1e-6)
        attrs = (f' class="{" ".join(self.classes)}"' if self.classes else "") + (f' style="{style}"' if style else "")
        tag = "strong" if self.bold else "span"
        body = str(escape(self.text))
        html = f"<{tag}{attrs}>{body}</{tag}>" if attrs or self.bold else body
        return f'<a href="{escape(self.href)}">{html}</a>' if self.href else html


def _piece(segment: compose.Segment) -> _Piece:
    classes = [name for name, on in (("h", segment.halt), ("w", segment.kind in ("word", "alone")),
                                     ("g", segment.kind == "mark" and len(segment.text) > 1 or
                                      segment.kind == "blank"),
                                     ("f", "fwid" in segment.features)) if on]
    return _Piece(segment.text, classes, segment.bold, _spaced(segment))


def addresses(p: compose.Paragraph) -> dict[int, str]:
    """The atoms of web and e-mail addresses, each with the link it is part of: a URL (http, https) or an e-mail
    address, without the punctuation that ends a Latin sentence around it."""
    words: dict[int, list[int]] = {}
    for i, atom in enumerate(p.atoms):
        if atom.kind in ("word", "alone") and atom.word >= 0:
            words.setdefault(atom.word, []).append(i)
    found = {}
    for indices in words.values():
        word = "".join(p.atoms[i].text for i in indices).strip(ADDRESS_END)
        if URL_LINK.fullmatch(word):
            href = word
        elif compose.EMAIL.fullmatch(word):
            href = "mailto:" + word.strip("<>()")
        else:
            continue
        found.update(dict.fromkeys(indices, href))
    return found


def _pieces(p: compose.Paragraph, line: compose.Line, links: dict[int, str]) -> list[_Piece]:
    """The line's segments as pieces, each junction given its composed width: what the letter-spacing does not
    give is a margin on a span beside it; a space between words ends the word's span, one between two Han
    characters is a span of its own."""
    space = compose.space_width()
    out: list[_Piece] = []
    for n, segment in enumerate(line.segments):
        piece = _piece(segment)
        piece.href = links.get(segment.start)
        if n:
            junction = p.junctions[segment.start]
            width = line.fit.junction(junction)
            before = out[-1]
            given = line.fit.tracking if before.spaced else 0.0
            if junction.kind == "space":
                if "w" in before.classes and not before.href:
                    before.text += " "
                else:
                    before = _Piece(" ", ["w"], False, False)
                    out.append(before)
                given += space
            if before.classes or before.bold or not piece.classes:
                before.right += width - given
            else:  # a plain character before a span: the margin goes on the span, no new span is made
                piece.left += width - given
        out.append(piece)
    if line.fit.tracking and out[-1].spaced:
        # the last character in a span of its own, with no letter-spacing: WeasyPrint rounds each glyph's
        # position down to 1/1000 em, and a fresh text node puts the line's end back where it belongs
        out[-1].classes.append("z")
        out[-1].spaced = False
    return out


def _line_html(p: compose.Paragraph, line: compose.Line, em_px: float, links: dict[int, str]) -> str:
    inner = "".join(piece.html(em_px) for piece in _pieces(p, line, links))
    spacing = line.fit.tracking * em_px
    if abs(spacing) < PANGO_UNIT:
        return inner
    return f'<span class="ln" style="letter-spacing:{spacing:.4f}px">{inner}</span>'
