"""Display typography: the poster's short texts (title, headings, practices, key sentences) set line by line.

A text is cut into pieces that never break inside -- a Han character with the marks kinsoku keeps with it, a
piece of a Latin word, a space -- each with a penalty for a line break after it: none after a phrase mark
(，；：。！？), a little after 、 (a list holds together) or between words (rjieba segments the Han), more inside a
long Latin word at / - _ ., much more inside a Han word of five or more characters (shorter ones never break), and
more again before a particle such as 的 (`chars.WEAK_START`).

`Breaks` holds, for every line count, the best ways to break a text (the widest line against the penalty),
computed once from the pieces' widths, which a layout pass measures (`galley`). The poster asks it for the
fewest lines that fit a measure, and `Breaks.html` writes those lines as nowrap runs with forced breaks, so
WeasyPrint sets exactly the lines that were predicted.

Rules (clreq, GB/T 15834): of two adjacent full-width marks the first takes half width (the second of two opening
ones), so the pair takes 1.5 em; a mark at a line's end takes half width (§5.1.10); closing and pause marks,
—— and …… never start a line and opening marks never end one; no line holds a single character; a Latin word
next to Han gets a gap of GAP_EM on that side, dropped at a line's ends. No character is added or removed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import rjieba
from markupsafe import Markup, escape

from .chars import (
    FULLWIDTH,
    LATIN_BREAK_AFTER,
    NO_LINE_START,
    OPEN,
    PHRASE_END,
    TRIM_AT_END,
    WEAK_START,
    is_cjk,
    is_han,
    is_latin,
)
from .compose import GAP
from .shaping import advance

GAP_EM = GAP  # the Han-Latin gap, as in the handout
PHRASE, LIST, WORD, IN_LATIN, IN_WORD, WEAK = 0.0, 1.0, 1.0, 3.0, 8.0, 3.0  # penalties, in em of the text
EVEN = 0.6  # a text set in more lines than it needs (to fill a card) keeps every line at least 60 % of the measure
LONG_LATIN = 12  # a Latin word this long may break after / - _ . (a shorter one never breaks)
SHORT_WORD = 4  # a Han word this short never breaks; a longer one may, at a price (IN_WORD)
BALANCE = 0.3  # a penalty of 1 is worth 1/BALANCE em of the widest line or of unevenness
ELLIPSIS = "……"  # what stands for the cut end of a shortened text (GB/T 15834 §4.11)
CUT_SLACK = 4.0  # shortening: a penalty of 1 is worth a quarter of the width left unused


@dataclass(frozen=True)
class Piece:
    """What never breaks inside: its characters, which of them are set at half width, and the break after it."""

    text: str
    halves: tuple[bool, ...]  # per character: set at half width (the first of two adjacent marks)
    penalty: float | None  # for a line break after this piece; None: no break here

    @property
    def space(self) -> bool:
        return self.text == " "

    @property
    def trims(self) -> bool:
        """Its last character is a mark set at half width when it ends a line."""
        return self.text[-1] in TRIM_AT_END and not self.halves[-1]

    @property
    def letters(self) -> int:
        return sum(is_han(ch) or is_latin(ch) for ch in self.text)

    def html(self, trimmed: bool = False) -> str:
        halves = self.halves[:-1] + (True,) if trimmed else self.halves
        return "".join(f'<span class="half">{escape(ch)}</span>' if half else str(escape(ch))
                       for ch, half in zip(self.text, halves, strict=True))


def _kind(ch: str) -> str:
    if ch.isspace():
        return "space"
    if ch in NO_LINE_START or ch in OPEN or ch in FULLWIDTH:
        return "mark"
    return "han" if is_cjk(ch) else "latin"


def _halves(text: str) -> list[bool]:
    halves = [False] * len(text)
    for i in range(len(text) - 1):
        x, y = text[i], text[i + 1]
        if x in FULLWIDTH and y in FULLWIDTH and x != y:
            if x in OPEN and y in OPEN:
                halves[i + 1] = True
            elif x not in OPEN:
                halves[i] = True
    return halves


def _atoms(text: str) -> list[tuple[str, float | None]]:
    """Han characters, Latin pieces, marks and spaces, each with the penalty of a line break after it."""
    atoms: list[tuple[str, float | None]] = []
    i = 0
    while i < len(text):
        kind = _kind(text[i])
        j = i + 1
        while j < len(text) and _kind(text[j]) == kind and kind != "mark":
            j += 1
        run = text[i:j]
        if kind == "han":
            for word in rjieba.cut(run):
                atoms.extend((ch, IN_WORD if len(word) > SHORT_WORD else None) for ch in word[:-1])
                atoms.append((word[-1], WORD))
        elif kind == "latin":
            parts = _latin_parts(run)
            atoms.extend((part, IN_LATIN) for part in parts[:-1])
            atoms.append((parts[-1], WORD))
        else:
            atoms.append((run, WORD))
        i = j
    return atoms


def _latin_parts(word: str) -> list[str]:
    """A long Latin word (a path, an address) cut after / - _ . where both sides keep two characters
    ('/usr/share/doc' -> '/usr/', 'share/', 'doc'); a shorter one ('CD-ROM', 'apt-get') stays whole."""
    if len(word) < LONG_LATIN:
        return [word]
    parts, start = [], 0
    for i, ch in enumerate(word[:-2]):
        if ch in LATIN_BREAK_AFTER and i + 1 - start >= 2:
            parts.append(word[start:i + 1])
            start = i + 1
    parts.append(word[start:])
    return parts


def pieces(text: str) -> list[Piece]:
    """The text (whitespace runs become one space) as pieces, marks kept with their neighbours (kinsoku)."""
    text = " ".join(text.split())
    groups: list[list] = []  # [text, penalty after it]
    opening = ""
    for atom, penalty in _atoms(text):
        if atom in OPEN:
            opening += atom  # an opening mark stays with what follows it
        elif _kind(atom[0]) == "mark" and groups and not opening:
            groups[-1][0] += atom  # a closing or pause mark, —— or …… stays with what precedes it
            groups[-1][1] = penalty
        else:
            groups.append([opening + atom, penalty])
            opening = ""
    if opening:
        if groups:
            groups[-1][0] += opening
        else:
            groups.append([opening, WORD])
    halves = _halves(text)
    found, at = [], 0
    for k, (piece, penalty) in enumerate(groups):
        following = groups[k + 1][0] if k + 1 < len(groups) else None
        found.append(Piece(piece, tuple(halves[at:at + len(piece)]), _penalty(piece, penalty, following)))
        at += len(piece)
    return found


def _penalty(text: str, inside: float | None, nxt: str | None) -> float | None:
    if nxt is None or inside is None:
        return None
    if nxt == " ":
        return None  # break after the space instead, so the space ends the line and is dropped
    if text == " ":
        penalty = WORD
    else:
        last = text.rstrip("”’）》〉」』】〕〗］｝")[-1:] or text[-1]
        penalty = (LIST if last == "、" else PHRASE) if last in PHRASE_END else inside
    return penalty + (WEAK if nxt[0] in WEAK_START else 0.0)


def gap_between(left: Piece, right: Piece) -> bool:
    """A Han character and a Latin letter or digit side by side get a gap."""
    x, y = left.text[-1], right.text[0]
    return (is_han(x) and is_latin(y)) or (is_latin(x) and is_han(y))


@dataclass(frozen=True)
class Option:
    """One way to break a text into lines: where each line starts and ends (piece indexes), its widest line in em,
    and the sum of its breaks' penalties."""

    lines: tuple[tuple[int, int], ...]
    widest: float
    penalty: float
    shortest: float  # the shortest line's width

    @property
    def count(self) -> int:
        return len(self.lines)

    @property
    def cost(self) -> float:
        """What a reader pays: the penalties, a wide line, uneven lines (a phrase break may be a little uneven)."""
        return self.penalty + BALANCE * (self.widest + self.widest - self.shortest)


class Breaks:
    """Every balanced way to break one text into 1..max_lines lines, for pieces of known widths (in em)."""

    def __init__(self, text: str, widths: dict[str, float], max_lines: int) -> None:
        """`widths` maps each piece's html (and html with its last mark trimmed) to its width in em."""
        self.text = text
        self.pieces = pieces(text)
        self._width = [widths[p.html()] for p in self.pieces]
        self._trimmed = [widths[p.html(trimmed=True)] if p.trims else w for p, w in zip(self.pieces, self._width,
                                                                                            strict=True)]
        # running sums: widths, gaps (a gap before piece i counts at i) and letters of the pieces before each index
        self._widths_before = list(itertools.accumulate(self._width, initial=0.0))
        self._gaps_before = list(itertools.accumulate(
            (gap_between(a, b) for a, b in zip(self.pieces, self.pieces[1:], strict=False)), initial=0))
        self._letters_before = list(itertools.accumulate((p.letters for p in self.pieces), initial=0))
        self.options = self._options(max_lines)

    def line_width(self, start: int, end: int) -> float:
        """The width in em of pieces start..end-1 set as one line (a space at its end dropped)."""
        if self.pieces[end - 1].space:
            end -= 1
        width = self._widths_before[end - 1] - self._widths_before[start] + self._trimmed[end - 1]
        return width + GAP_EM * (self._gaps_before[end - 1] - self._gaps_before[start])

    def _letters(self, start: int, end: int) -> int:
        return self._letters_before[end] - self._letters_before[start]

    def _options(self, max_lines: int) -> dict[int, list[Option]]:
        """Pareto-optimal (widest, penalty) breaks per line count, by dynamic programming over break positions."""
        ps, n = self.pieces, len(self.pieces)
        ends = [i + 1 for i, p in enumerate(ps) if p.penalty is not None] + [n]
        single = self._letters(0, n) < 2
        # front[k][end]: (widest, penalty, start, index in front[k-1][start]) of k lines covering pieces 0..end-1
        front: list[dict[int, list[tuple[float, float, int, int]]]] = [{0: [(0.0, 0.0, -1, -1)]}]
        for _ in range(max_lines):
            layer: dict[int, list[tuple[float, float, int, int]]] = {}
            for start, before in front[-1].items():
                if start == n:
                    continue
                cost = ps[start - 1].penalty if start else 0.0
                for end in (e for e in ends if e > start):
                    if not single and self._letters(start, end) < 2:
                        continue
                    width = self.line_width(start, end)
                    for index, (widest, penalty, _, _) in enumerate(before):
                        layer.setdefault(end, []).append((max(widest, width), penalty + cost, start, index))
            front.append({end: _pareto(entries) for end, entries in layer.items()})
        options: dict[int, list[Option]] = {}
        for k in range(1, max_lines + 1):
            for index, (widest, penalty, _, _) in enumerate(front[k].get(n, [])):
                lines = self._trace(front, k, n, index)
                shortest = min(self.line_width(*line) for line in lines)
                options.setdefault(k, []).append(Option(lines, widest, penalty, shortest))
        return options

    @staticmethod
    def _trace(front: list[dict[int, list[tuple[float, float, int, int]]]], k: int, end: int,
               index: int) -> tuple[tuple[int, int], ...]:
        lines = []
        while k:
            _, _, start, index = front[k][end][index]
            lines.append((start, end))
            k, end = k - 1, start
        return tuple(reversed(lines))

    def narrowest(self, lines: int) -> float:
        """The narrowest measure (em) in which the text can be set in this many lines, or inf."""
        return min((o.widest for o in self.options.get(lines, ())), default=float("inf"))

    def choose(self, measure: float) -> Option | None:
        """The fewest lines that fit the measure (em); among those, the best balance of evenness and penalty."""
        measure *= 1 + 1e-9  # a measure computed as exactly the widest line must hold it
        for k in sorted(self.options):
            fitting = [o for o in self.options[k] if o.widest <= measure]
            if fitting:
                return min(fitting, key=lambda o: o.cost)
        return None

    def evenly(self, lines: int, measure: float) -> Option | None:
        """The best way to set the text in exactly this many lines if every line is at least EVEN of the measure."""
        fitting = [o for o in self.options.get(lines, ()) if EVEN * measure <= o.shortest and o.widest <= measure]
        return min(fitting, key=lambda o: o.cost, default=None)

    def html(self, option: Option) -> Markup:
        """The chosen lines as nowrap runs separated by forced breaks; gaps and half-width marks as spans."""
        return Markup("<br>").join(Markup(f'<span class="ln">{self._line_html(*line)}</span>')
                                   for line in option.lines)

    def _line_html(self, start: int, end: int) -> str:
        ps = self.pieces
        if ps[end - 1].space:
            end -= 1
        parts = []
        for i in range(start, end):
            inner = ps[i].html(trimmed=(i == end - 1 and ps[i].trims))
            classes = [side for side, near in (("gap-l", i > start and gap_between(ps[i - 1], ps[i])),
                                               ("gap-r", i < end - 1 and gap_between(ps[i], ps[i + 1])))
                       if near and is_latin(ps[i].text[0 if side == "gap-l" else -1])]
            parts.append(f'<span class="{" ".join(classes)}">{inner}</span>' if classes else inner)
        return "".join(parts)


def _pareto(entries: list[tuple[float, float, int, int]]) -> list[tuple[float, float, int, int]]:
    """Keep the entries no other beats on both widest and penalty (ties: the first)."""
    kept: list[tuple[float, float, int, int]] = []
    for entry in sorted(entries, key=lambda e: (e[0], e[1])):
        if not kept or entry[1] < kept[-1][1] - 1e-9:
            kept.append(entry)
    return kept


def measured_html(texts: Iterable[str]) -> list[str]:
    """Every distinct piece html a galley must measure for these texts (with the trimmed forms)."""
    seen: dict[str, None] = {}
    for text in texts:
        for piece in pieces(text):
            seen[piece.html()] = None
            if piece.trims:
                seen[piece.html(trimmed=True)] = None
    return list(seen)


def shortened(text: str, width_em: float) -> str:
    """The text on one line of width_em: whole if it fits, else cut where a line would break best (a phrase
    mark, between words; against the share of the width left unused) and ended with ……, a pause mark before
    the cut dropped."""
    text = " ".join(text.split())
    if advance(text) <= width_em:
        return text
    room = width_em - advance(ELLIPSIS)
    best, best_cost, kept = "", float("inf"), ""
    for piece in pieces(text)[:-1]:
        kept += piece.text
        head = kept.rstrip().rstrip("".join(PHRASE_END))
        width = advance(head)
        if width > room:
            break
        cost = (room - width) / room * CUT_SLACK + (piece.penalty or 0.0)
        if piece.penalty is not None and head and cost < best_cost:
            best, best_cost = head, cost
    if not best:  # not one break fits (a long Latin word): cut at the last character that does
        best = next(text[:n] for n in range(len(text), -1, -1) if advance(text[:n]) <= room)
    return best + ELLIPSIS
