"""Chinese typography (clreq, GB/T 15834): source text -> HTML that WeasyPrint sets by the rules.

WeasyPrint 70 justifies only at spaces and knows no CJK punctuation rules, so the work is done in two steps:

1. `markup(text)`, before layout (the template filter `text`): escaped HTML whose spans carry the rules that
   do not depend on where a line breaks --
   * the first of two adjacent full-width marks is set at half width (OpenType `halt`, class `h`);
     of two opening marks, the second;
   * a Latin/digit run next to a Han character gets a gap of GAP_EM on that side (margins of its span,
     classes `al`/`ar`): no space character is inserted;
   * no line may start with · ～ — ／ … (a `nowrap` span, class `nb`, keeps the mark with what precedes it),
     and a paragraph's last line keeps at least two characters (孤字);
   * a line may break before “ ‘ and after ” ’ (`<wbr>`: Pango treats them as ambiguous quotes);
   * —— , …… and Latin words are groups (class `g`, letter-spacing 0) that justification never opens.
2. `justify(html, document)`, after a first layout: reads every body paragraph's laid-out lines and writes it
   again as one `nowrap` run per line ending in a forced break, with the letter-spacing that makes the line
   end flush at the right edge, a line-end mark trimmed to half width (GB/T 15834 §5.1.10) and no
   Han-Latin gap at a line's start or end. The pipeline lays that HTML out once more.

No character is ever added or removed, so the PDF's text is the source text (line breaks excepted).
`score(pdf)` measures the result from the PDF's glyph positions, like ../shared/tools/clreq_score.py.
"""

from __future__ import annotations

import collections
import html as htmllib
import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, replace

from markupsafe import Markup, escape

from .chars import CLOSE, FULLWIDTH, OPEN, STOPS, TRIM_AT_END, is_cjk, is_han, is_latin, is_mark

NO_LINE_START = frozenset("·～—／…")  # Pango lets these start a line; clreq does not
GROUPS = ("——", "……")  # never split, never spaced apart
# A Latin word this long may break anywhere at a line end (class `gl`), as WPS and Word do in Chinese text:
# pushed whole to the next line it would leave a gap too wide to spread (see MAX_SPACING_EM).
LONG_WORD = 8
# Justification never spaces characters by more than this: pdfium (Chrome) copies a gap of half a space
# (0.128 em in Noto) or more inside a run as a space.
MAX_SPACING_EM = 0.12

# The Han-Latin gap. clreq asks for 1/4 em that may shrink to 1/8 em; PDF text extractors (pdfium: Chrome,
# and others) turn a gap of 1/6 em or more between two glyphs into a space in copied text, so we use the
# shrunk end of the range: the gap is seen but never copied as a space.
GAP_EM = 0.14


# --- units: what a line is made of -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Unit:
    start: int
    end: int
    kind: str  # "cjk" one CJK character, "group" a Latin run or —— / ……, "space"
    halt: bool = False  # set at half width (first of an adjacent pair)
    gap_before: bool = False  # Han-Latin gap on the left
    gap_after: bool = False  # ... on the right


def units(text: str) -> list[Unit]:
    """Split text into units and mark pairs and Han-Latin gaps."""
    found: list[Unit] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        group = next((g for g in GROUPS if text.startswith(g, i)), None)
        if group:
            j = i + len(group)
            while text.startswith(group[0], j):  # ———— or …………: one group
                j += 1
            found.append(Unit(i, j, "group"))
        elif ch.isspace():
            j = i + 1
            found.append(Unit(i, j, "space"))
        elif is_cjk(ch):
            j = i + 1
            found.append(Unit(i, j, "cjk"))
        else:
            j = i + 1
            while j < n and not text[j].isspace() and not is_cjk(text[j]):
                j += 1
            found.append(Unit(i, j, "group"))
        i = j
    for k, (a, b) in enumerate(zip(found, found[1:], strict=False)):
        x, y = text[a.end - 1], text[b.start]
        if x in FULLWIDTH and y in FULLWIDTH and x != y:
            if x in OPEN and y in OPEN:
                found[k + 1] = replace(found[k + 1], halt=True)
            elif x not in OPEN:
                found[k] = replace(found[k], halt=True)
        if is_han(x) and is_latin(y):
            found[k + 1] = replace(found[k + 1], gap_before=True)
        elif is_latin(x) and is_han(y):
            found[k] = replace(found[k], gap_after=True)
    return found


def _keep_together(text: str, us: list[Unit]) -> list[bool]:
    """For each unit, whether no line break may come before it."""
    glued = [False] * len(us)
    for k in range(1, len(us)):
        if text[us[k].start] in NO_LINE_START and us[k - 1].kind != "space":
            glued[k] = True
    # 孤字: a paragraph's last line holds at least two characters besides its marks ("口。" is one)
    counted = 0
    for k in range(len(us) - 1, 0, -1):
        counted += sum(not is_mark(ch) for ch in text[us[k].start:us[k].end])
        if counted >= 2 or us[k - 1].kind == "space":
            break
        glued[k] = True
    return glued


# --- before layout ---------------------------------------------------------------------------------------------

def _unit_html(text: str, u: Unit, classes: tuple[str, ...] = (), style: str = "") -> str:
    body = str(escape(text[u.start:u.end]))
    names = [*classes]
    if u.halt:
        names.append("h")
    if u.kind == "group":
        names.append("g" if u.end - u.start < LONG_WORD else "g gl")
    if not names and not style:
        return body
    attrs = f' class="{" ".join(names)}"' if names else ""
    if style:
        attrs += f' style="{style}"'
    return f"<span{attrs}>{body}</span>"


def _quote_break(text: str, a: Unit, b: Unit) -> bool:
    """Whether a line may break between units a and b where Pango would not: it takes “ ” ‘ ’ for
    ambiguous quotation marks (UAX #14 QU) and never breaks beside them; in Chinese “ ‘ open and ” ’ close."""
    if a.kind == "space" or b.kind == "space":
        return False
    x, y = text[a.end - 1], text[b.start]
    if y in "“‘":
        return x not in OPEN
    if x in "”’":
        return y not in CLOSE | STOPS | NO_LINE_START
    return False


def markup(text: str) -> Markup:
    """Escaped HTML for one run of plain source text, with the line-independent rules as spans."""
    us = units(text)
    glued = _keep_together(text, us)
    parts: list[str] = []
    k = 0
    while k < len(us):
        if k and _quote_break(text, us[k - 1], us[k]):
            parts.append("<wbr>")
        j = k + 1
        while j < len(us) and glued[j]:
            j += 1
        run = [_unit_html(text, u, tuple(c for c, on in (("al", u.gap_before), ("ar", u.gap_after)) if on))
               for u in us[k:j]]
        parts.append(f'<span class="nb">{"".join(run)}</span>' if j - k > 1 else run[0])
        k = j
    return Markup("".join(parts))


# --- after layout: justification --------------------------------------------------------------------------------

BODY_CLASS = "body"
_BODY_P = re.compile(r'<p class="body">(.*?)</p>', re.S)
_TAG = re.compile(r"<[^>]*>")
_ZWSP = "\u200b"


@dataclass(frozen=True)
class Line:
    text: str  # the characters laid out on the line
    slack: float  # px between the line's content and the right edge of the column
    em: float  # font size in px


def laid_out_paragraphs(document: object) -> list[list[Line]]:
    """The lines of every body paragraph (p.body), in document order, across pages."""
    from weasyprint.formatting_structure import boxes

    found: dict[int, list[Line]] = {}

    def leaves(box: boxes.Box) -> Iterator[boxes.Box]:
        yield box
        for child in getattr(box, "children", ()):
            yield from leaves(child)

    def visit(box: boxes.Box) -> None:
        element = getattr(box, "element", None)
        if (isinstance(box, boxes.BlockBox) and getattr(box, "element_tag", None) == "p"
                and BODY_CLASS in (element.get("class") or "").split()):
            right = box.content_box_x() + box.width
            lines = found.setdefault(id(element), [])
            for line in box.children:
                if not isinstance(line, boxes.LineBox):
                    continue
                inner = list(leaves(line))[1:]
                text = "".join(b.text for b in inner if isinstance(b, boxes.TextBox))
                end = max((b.position_x + b.margin_width() for b in inner), default=line.position_x)
                lines.append(Line(text, right - end, line.style["font_size"]))
            return
        for child in getattr(box, "children", ()):
            visit(child)

    for page in document.pages:  # type: ignore[attr-defined]
        visit(page._page_box)
    return list(found.values())


def _split(text: str, lines: list[Line]) -> list[tuple[int, int]] | None:
    """Where each laid-out line lies in the source text; None if they do not match it."""
    spans, pos = [], 0
    for line in lines:
        got = line.text.replace(_ZWSP, "").strip()  # <wbr> is laid out as a zero width space
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if not text.startswith(got, pos):
            return None
        spans.append((pos, pos + len(got)))
        pos += len(got)
    return spans if not text[pos:].strip() else None


def _clip(us: list[Unit], a: int, b: int) -> list[Unit]:
    """The units of text[a:b]; a unit cut by the line break loses its gap on that side."""
    out = []
    for u in us:
        if u.end <= a or u.start >= b:
            continue
        if u.start < a:
            u = replace(u, start=a, gap_before=False)
        if u.end > b:
            u = replace(u, end=b, gap_after=False, halt=False)
        out.append(u)
    return out


def _px(value: float) -> str:
    return f"{value:.3f}px"


def justified_line(text: str, us: list[Unit], slack: float, em: float, flush: bool) -> str:
    """One laid-out line as a nowrap run; if flush, spread so that it ends at the right edge."""
    while us and us[0].kind == "space":
        us = us[1:]
    while us and us[-1].kind == "space":
        us = us[:-1]
    if not us:
        return ""
    gap = GAP_EM * em
    first, last = us[0], us[-1]
    # the line's own changes to the first layout: no gap at its ends, its last mark at half width
    if first.gap_before:
        slack += gap
        us[0] = first = replace(first, gap_before=False)
    if last.gap_after:
        slack += gap
        us[-1] = last = replace(last, gap_after=False)
    if flush and last.kind == "cjk" and text[last.start] in TRIM_AT_END and not last.halt:
        slack += em / 2
        us[-1] = last = replace(last, halt=True)
    stretch = sum(1 for a, b in zip(us, us[1:], strict=False) if not (a.gap_after or b.gap_before))
    spacing = min(max(slack / stretch, -0.1 * em), MAX_SPACING_EM * em) if flush and stretch else 0.0
    parts = []
    for k, u in enumerate(us):
        nxt = us[k + 1] if k + 1 < len(us) else None
        style = []
        if u.gap_before:  # the unit before it already carries `spacing` as letter-spacing
            prev = us[k - 1]
            style.append(f"margin-left:{_px(gap - (spacing if prev.kind != 'group' else 0))}")
        if u.kind == "group":
            after = 0.0 if nxt is None else gap if u.gap_after else spacing
            if after:
                style.append(f"margin-right:{_px(after)}")
        classes = ("z",) if nxt is None and u.kind != "group" else ()
        parts.append(_unit_html(text, u, classes, ";".join(style)))
    inner = "".join(parts)
    if spacing:
        return f'<span class="ln" style="letter-spacing:{_px(spacing)}">{inner}</span>'
    return f'<span class="ln">{inner}</span>'


def justified_paragraph(text: str, lines: list[Line]) -> str | None:
    """The paragraph again, one run per laid-out line; None if its lines do not match the text."""
    spans = _split(text, lines)
    if spans is None:
        return None
    us = units(text)
    out = []
    for k, ((a, b), line) in enumerate(zip(spans, lines, strict=True)):
        final = k == len(lines) - 1
        out.append(justified_line(text, _clip(us, a, b), line.slack, line.em, flush=not final))
    return "<br>".join(out)


def justify(html: str, document: object) -> str:
    """The print HTML with every body paragraph set line by line, flush at both edges, as laid out in
    `document` (the first layout of that HTML)."""
    paragraphs = laid_out_paragraphs(document)
    matches = list(_BODY_P.finditer(html))
    if len(matches) != len(paragraphs):
        return html
    parts, done = [], 0
    for match, lines in zip(matches, paragraphs, strict=True):
        text = htmllib.unescape(_TAG.sub("", match.group(1)))
        body = justified_paragraph(text, lines)
        if body is None:
            continue
        parts.append(html[done:match.start()])
        parts.append(f'<p class="body justified">{body}</p>')
        done = match.end()
    parts.append(html[done:])
    return "".join(parts)


# --- measuring ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Glyph:
    page: int
    ch: str
    x: float
    y: float
    right: float
    size: float


def pdf_glyphs(data: bytes) -> list[Glyph]:
    """Every extracted character of a PDF with its origin and box (pypdfium2, a test dependency)."""
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


def score(glyphs: list[Glyph]) -> dict[str, object]:
    """clreq figures for the body text (the commonest size, lines with >= 4 Han), 1.0 is perfect:
    flush, pairs, end_trim, kinsoku, autospace, last_line as rates; pitch_spread in em (0 is even)."""
    rows: dict[tuple[int, int], list[Glyph]] = collections.OrderedDict()
    for g in glyphs:
        rows.setdefault((g.page, round(g.y)), []).append(g)
    lines = []
    for row in rows.values():
        visible = sorted((g for g in row if not g.ch.isspace()), key=lambda g: g.x)
        if visible:
            lines.append(visible)
    size = collections.Counter(g.size for line in lines for g in line).most_common(1)[0][0]
    body = [ln for ln in lines if collections.Counter(g.size for g in ln).most_common(1)[0][0] == size
            and sum(is_han(g.ch) for g in ln) >= 4]
    if not body:
        return {"error": "no body text found"}
    left = collections.Counter(round(ln[0].x, 1) for ln in body).most_common(1)[0][0]
    em = statistics.median(b.x - a.x for ln in body for a, b in zip(ln, ln[1:], strict=False)
                           if is_han(a.ch) and is_han(b.ch))
    body = [ln for ln in body if left - 1 <= ln[0].x <= left + 2.5 * em]
    final = set()
    for i, ln in enumerate(body):
        nxt = body[i + 1] if i + 1 < len(body) else None
        if (nxt is None or nxt[0].x > left + 0.5 * em
                or not ((nxt[0].page == ln[0].page and 0 < ln[0].y - nxt[0].y < 2.6 * em)
                        or nxt[0].page == ln[0].page + 1)):
            final.add(i)
    nonfinal = [ln for i, ln in enumerate(body) if i not in final]
    ends = collections.Counter(round(ln[-1].x + em, 1) for ln in nonfinal if is_han(ln[-1].ch))
    right = ends.most_common(1)[0][0] if ends else left

    def rate(ok: int, n: int) -> float | None:
        return round(ok / n, 3) if n else None

    flush = sum(abs(right - ln[-1].right) <= 0.5 or (ln[-1].ch in TRIM_AT_END and 0.2 * em <= right - ln[-1].x
                                                        <= 1.05 * em) for ln in nonfinal)
    pairs = [(a, b) for ln in body for a, b in zip(ln, ln[1:], strict=False)
             if a.ch in FULLWIDTH and b.ch in FULLWIDTH and not (a.ch in OPEN and b.ch in OPEN) and a.ch != b.ch]
    trimmed = [ln for ln in nonfinal if ln[-1].ch in STOPS]
    bad = [ln for ln in body if ln[0].ch in (CLOSE | STOPS | NO_LINE_START) or ln[-1].ch in OPEN]
    gaps = []
    for ln in body:
        for a, b in zip(ln, ln[1:], strict=False):
            if (is_han(a.ch) and is_latin(b.ch)) or (is_latin(a.ch) and is_han(b.ch)):
                gaps.append(b.x - a.x - (em if is_han(a.ch) else a.right - a.x))
    spreads = []
    for ln in nonfinal:
        pitches = [b.x - a.x for a, b in zip(ln, ln[1:], strict=False) if is_han(a.ch) and is_han(b.ch)]
        if len(pitches) > 2:
            spreads.append((max(pitches) - min(pitches)) / em)
    lasts = [body[i] for i in sorted(final)]
    return {
        "lines": len(body), "nonfinal": len(nonfinal), "em_pt": round(em, 2),
        "flush": rate(flush, len(nonfinal)),
        "pairs": rate(sum(b.x - a.x <= 0.6 * em for a, b in pairs), len(pairs)), "pairs_n": len(pairs),
        "end_trim": rate(sum(right - ln[-1].x <= 0.6 * em + 0.5 for ln in trimmed), len(trimmed)),
        "end_n": len(trimmed),
        "kinsoku": rate(len(body) - len(bad), len(body)),
        "kinsoku_bad": ["".join(g.ch for g in ln[:3]) + "…" + "".join(g.ch for g in ln[-3:]) for ln in bad],
        "autospace": rate(sum(0.12 * em <= g <= 0.5 * em for g in gaps), len(gaps)), "autospace_n": len(gaps),
        "last_line": rate(sum(sum(not is_mark(g.ch) for g in ln) >= 2 for ln in lasts), len(lasts)),
        "pitch_spread": round(max(spreads), 3) if spreads else 0.0,
    }


FIGURES = ("flush", "pairs", "end_trim", "kinsoku", "autospace", "last_line", "pitch_spread")


def report_line(figures: dict[str, object]) -> str:
    """The figures on one line, for the build's --report."""
    if "error" in figures:
        return str(figures["error"])
    shown = []
    for name in FIGURES:
        value = figures[name]
        shown.append(f"{name} {'-' if value is None else value}")
    return "  ".join(shown)
