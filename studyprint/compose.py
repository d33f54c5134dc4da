"""The paragraph composer: the one path by which body text is set (clreq §3, JLREQ §3.8, GB/T 15834).

A paragraph (runs of text, each regular or bold) becomes atoms -- a Han character, a mark, a Latin word or a
piece of one -- with a junction between each two: what may stretch or shrink there and whether a line may
break there. The breaks are chosen over the whole paragraph (total-fit, after Knuth and Plass); a line's cost
is how far it must be adjusted from its natural width, and the adjustments are taken in clreq's order:

1. punctuation fixed by where the breaks fall: of two adjacent marks the first is set at half width, a
   closing or pause mark at a line end and an opening mark at a line start lose their blank half;
2. the Han-Latin gap between 1/8 and 1/4 em, the same whether or not the source has a space there, and the
   spaces between Latin words;
3. inter-character spacing a reader does not see (TRACK_FREE);
4. more of the same resources, at a higher cost: gaps up to GAP_MAX and spaces to twice their width when
   stretching; the blank halves of marks inside the line when shrinking;
5. inter-character spacing up to TRACK_MAX.
Only when no choice of breaks justifies every line so (a long unbreakable word after a short start, say) does
a second pass space the lines that need it out to TRACK_LOOSE; a line still short is left short.

A run of ideographic spaces (a fill-in blank) is one atom; at a line's end it hangs, and the line ends as a
paragraph's last line does (CSS Text 3 §4.1.3). Kinsoku and a paragraph's last line holding two characters are
hard rules. Latin words, numbers, versions,
times, options and paths are never broken, except a lower-case word at a hyphenation point (with a visible
hyphen) and a path or URL after a '/', each at a cost; a run with no break
opportunity that is wider than a line may break anywhere, at the highest cost. Widths come from `shaping`,
as WeasyPrint draws them; each line's text nodes (`Segment`s) are measured whole once the breaks are chosen.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import accumulate
from typing import NamedTuple

import pyphen

from . import shaping
from .chars import (
    CLOSE,
    FULLWIDTH,
    NO_BREAK_SPACES,
    NO_LINE_END,
    NO_LINE_START,
    OPEN,
    STOPS,
    TRIM_AT_END,
    is_cjk,
    is_han,
    is_mark,
)

GAP = 0.25  # the Han-Latin gap, em (clreq: 1/4 em, may shrink to 1/8, grow to 1/2)
GAP_MIN = 0.125
GAP_STRETCH = 0.0  # tier 2 never widens the gap: 1/8 to 1/4 em, as clreq asks
GAP_MAX = 0.45  # tier 4; below 1/2 em, where readers see a space
SPACE_STRETCH = 0.5  # a Latin space may grow by half its width and shrink by a third (as in TeX) ...
SPACE_SHRINK = 1 / 3
SPACE_MORE = 0.5  # ... and grow to twice its width at tier 4
MARK_WORD_STRETCH = 0.2  # tier 4: beside a Latin word, a mark's blank half may grow by this much
TRACK_FREE = 0.02  # em of inter-character spacing a reader does not see (the natural pitch within 2 %)
TRACK_MAX = 0.05  # em: beyond this only a line that cannot be justified otherwise is spaced out ...
TRACK_LOOSE = 0.08  # ... up to this (poppler copies wider gaps as spaces); a line still short is left short
LINE_PENALTY = 10  # Knuth-Plass: each line costs this much, so fewer lines are preferred
HYPHEN_PENALTY = 100  # a word broken at a hyphenation point: only when nothing better exists
SLASH_PENALTY = 60  # a path or URL broken after '/', an e-mail address after '@'
EMERGENCY_PENALTY = 10_000  # a break inside a run wider than the line
BREAK_PENALTIES = {"hyphen": HYPHEN_PENALTY, "slash": SLASH_PENALTY, "dot": HYPHEN_PENALTY,
                   "emergency": EMERGENCY_PENALTY}
SPACED_OUT = 1e5  # badness per em spaced out beyond TRACK_MAX (second pass only)
UNJUSTIFIED = 1e7  # badness per em missing from a line left short (second pass only)
HYPHEN = "-"
MIN_HYPHENATED = 6  # letters in a word before it may be hyphenated
SHAPING_CONTEXT = 8  # characters before a piece of a word that its shaping may depend on
LATIN_NO_START = frozenset(",.;:!?)]}%")
LATIN_NO_END = frozenset("([{")
PLAIN_WORD = re.compile(r"[(\[\"'“‘]?([a-z]+)[)\]\"'”’,.;:!?]*")  # lower case: never a name, acronym or code
DOTTED = re.compile(r"(?<=[A-Za-z]{2})\.(?=[A-Za-z]{2})")
EMAIL = re.compile(r"[<(]?[\w.+-]+@[\w-]+(\.[\w-]+)+[>),.;:]?")
BLANK_RIGHT = CLOSE | STOPS  # marks whose blank half is on the right
IDEOGRAPHIC_SPACE = "\u3000"
COMBINING = frozenset({"Mn", "Me", "Mc"})  # Unicode categories of marks that combine with the character before


class Run(NamedTuple):
    """A piece of paragraph text in one face."""

    text: str
    bold: bool = False


class Atom(NamedTuple):
    """What a line is made of; never split (a word is split into atoms where it may break)."""

    text: str
    kind: str  # "han" (ideograph, kana), "mark" (any other CJK character), "word" (a Latin word or a piece),
    # "blank" (a run of ideographic spaces: a fill-in blank, a deliberate gap)
    width: float  # em, as set (a mark of an adjacent pair at half width)
    bold: bool = False
    halt: bool = False  # a mark set at half width (of an adjacent pair)
    features: tuple[str, ...] = ()  # OpenType features it is shaped with
    word: int = -1  # pieces of one Latin word share its number
    alone: bool = False  # a character of a word wider than a line: a text node of its own


class Junction(NamedTuple):
    """What lies between two atoms, or before the first (index 0) and after the last."""

    kind: str  # "cjk" (tracked), "gap" (Han-Latin), "space", "join" (inside a word), "none" (beside a mark)
    natural: float = 0.0  # em, when no line breaks here
    stretch: float = 0.0  # tier 2
    shrink: float = 0.0
    more_stretch: float = 0.0  # tier 4
    more_shrink: float = 0.0
    tracked: bool = False  # inter-character spacing applies here
    breakable: bool = False
    penalty: float = 0.0
    end: float = 0.0  # width change of a line that ends here (a trimmed mark, an added hyphen)
    start: float = 0.0  # width change of a line that starts here (a trimmed opening mark)
    ragged: bool = False  # a line that ends here ends as a paragraph does (in ideographic spaces, which hang)


class Room(NamedTuple):
    """A line's natural width and how far it can be adjusted, in em."""

    natural: float
    stretch: float
    shrink: float
    more_stretch: float
    more_shrink: float
    tracked: int


class Fit(NamedTuple):
    """How a line is brought to the measure, and what that costs."""

    ratio: float = 0.0  # tier 2: -1 (all its shrink) .. 1 (all its stretch)
    more: float = 0.0  # tier 4, the same way
    tracking: float = 0.0  # em added at each tracked junction
    badness: float = 0.0  # math.inf: it cannot be justified
    short: float = 0.0  # em missing when it cannot be justified

    def junction(self, j: Junction) -> float:
        """The width of a junction inside a line so fitted."""
        tier2 = j.stretch if self.ratio > 0 else j.shrink
        tier4 = j.more_stretch if self.more > 0 else j.more_shrink
        return j.natural + self.ratio * tier2 + self.more * tier4 + (self.tracking if j.tracked else 0.0)

    def width(self, room: Room) -> float:
        tier2 = room.stretch if self.ratio > 0 else room.shrink
        tier4 = room.more_stretch if self.more > 0 else room.more_shrink
        return room.natural + self.ratio * tier2 + self.more * tier4 + self.tracking * room.tracked


class Segment(NamedTuple):
    """One text node of a line, as WeasyPrint will shape it: a Latin word (or the part of it on the line,
    with its hyphen), a character of a word wider than a line, or one mark or Han character."""

    text: str
    start: int  # atoms[start:end]
    end: int
    kind: str  # "word", "alone", "han", "mark", "blank"
    width: float  # em
    bold: bool = False
    halt: bool = False  # set at half width: an adjacent pair's mark, or trimmed at the line's start or end
    features: tuple[str, ...] = ()


class Line(NamedTuple):
    """A composed line: atoms[start:end] of its paragraph, its text nodes, and how its junctions are set."""

    start: int
    end: int
    segments: tuple[Segment, ...]
    fit: Fit
    width: float  # em, as set: the measure, unless it is the paragraph's last or could not be justified

    @property
    def justified(self) -> bool:
        return self.fit.badness != math.inf


class Paragraph(NamedTuple):
    atoms: tuple[Atom, ...]
    junctions: tuple[Junction, ...]  # len(atoms) + 1: before each atom, and after the last
    lines: tuple[Line, ...]
    measure: float
    indent: float
    loose: bool = False  # set in the second pass: some line could not be justified within TRACK_MAX


# --- atoms ------------------------------------------------------------------------------------------------------

@dataclass
class _Atoms:
    atoms: list[Atom] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # how each atom is joined to the one before: "" or a break kind
    spaced: list[bool] = field(default_factory=list)  # whether the source has whitespace before it
    glued: list[bool] = field(default_factory=list)  # ... a no-break space: no line breaks there

    def add(self, atom: Atom, link: str = "", spaced: bool = False, glued: bool = False) -> None:
        self.atoms.append(atom)
        self.links.append(link)
        self.spaced.append(spaced)
        self.glued.append(glued)


@dataclass(frozen=True)
class _Token:
    text: str
    kind: str  # as Atom.kind
    bold: bool
    spaced: bool  # preceded by whitespace
    glued: bool  # ... that is a no-break space


@cache
def _class(ch: str) -> str:
    """How a character tokenises: "space", "glue" (a no-break space), "—" or "…" (they run together), "blank"
    (the ideographic space: a character, not a gap), "han", "mark" (other CJK), "latin" (the rest)."""
    if ch == IDEOGRAPHIC_SPACE:
        return "blank"
    if ch.isspace():
        return "glue" if ch in NO_BREAK_SPACES else "space"
    if ch in "—…":
        return ch
    if is_cjk(ch):
        return "han" if is_han(ch) else "mark"
    return "latin"


def _tokens(runs: list[Run]) -> list[_Token]:
    """One CJK character, a run of — or …, a run of ideographic spaces, or a maximal run of other non-space
    characters in one face (a Latin word), each with the whitespace before it."""
    out: list[_Token] = []
    spaced = glued = False
    for run in runs:
        text, i, n = run.text, 0, len(run.text)
        classes = [_class(ch) for ch in text]
        while i < n:
            kind, j = classes[i], i + 1
            if kind in ("space", "glue"):
                spaced, glued, i = True, glued or kind == "glue", j
                continue
            if kind in ("—", "…", "latin", "blank"):
                while j < n and classes[j] == kind:
                    j += 1
                kind = {"latin": "word", "blank": "blank"}.get(kind, "mark")
            # a tone mark or an accent stays with its base in one text node (alone, Pango draws it on a dotted
            # circle, 1 em wide)
            while j < n and unicodedata.category(text[j]) in COMBINING:
                j += 1
            out.append(_Token(text[i:j], kind, run.bold, spaced, glued))
            spaced = glued = False
            i = j
    return out


@cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US", left=2, right=3)


def _word_breaks(word: str) -> dict[int, str]:
    """Where a Latin word may break, {offset: how}: at the hyphenation points of a plain lower-case word, after
    a '/' of a path or URL, after the '@' of an e-mail address, before the '.' of a dotted name (vnpy.alpha,
    README.md: not a number, an abbreviation or an option). Never after a hyphen of the source: pdfium
    takes a hyphen at a line end for a soft
    one and drops it from the copied text."""
    found: dict[int, str] = {}
    plain = PLAIN_WORD.fullmatch(word)
    if plain and len(plain.group(1)) >= MIN_HYPHENATED:
        for at in _hyphenator().positions(plain.group(1)):
            found[plain.start(1) + at] = "hyphen"
    path = "/" in word[1:-1] and (word.startswith(("/", "~/", "./")) or "://" in word or word.count("/") >= 2)
    mail = EMAIL.fullmatch(word)
    for i in range(2, len(word) - 1):
        if (path and word[i - 1] == "/" and word[i] != "/") or (mail and word[i - 1] == "@"):
            found[i] = "slash"
    if not word.startswith("-"):  # an option is never broken
        for m in DOTTED.finditer(word):
            found.setdefault(m.start(), "dot")
    return found


def _add_word(token: _Token, number: int, cut: bool, out: _Atoms) -> None:
    """A Latin word as atoms, one per piece between places it may break; each piece is as wide as it makes the
    shaped word. A word to `cut` (in a run wider than a line) becomes its characters, each a text node of its
    own."""
    text, bold = token.text, token.bold
    if cut:
        for i, ch in enumerate(text):
            out.add(Atom(ch, "word", shaping.advance(ch, bold), bold, word=number, alone=True),
                    "emergency" if i else "", token.spaced and not i, token.glued and not i)
        return
    breaks = _word_breaks(text)
    cuts = [0, *sorted(breaks), len(text)]
    for k in range(len(cuts) - 1):
        # the piece shaped after the few characters that can change its shape (a kern, a ligature): as wide as
        # in the whole word, in time linear in the word's length (a 20,000-letter word took 41 s as prefixes)
        context = max(0, cuts[k] - SHAPING_CONTEXT)
        width = shaping.advance(text[context:cuts[k + 1]], bold) - shaping.advance(text[context:cuts[k]], bold)
        out.add(Atom(text[cuts[k]:cuts[k + 1]], "word", width, bold, word=number),
                breaks[cuts[k]] if k else "", token.spaced and not k, token.glued and not k)


def atoms_of(runs: list[Run], cut: frozenset[int] = frozenset()) -> _Atoms:
    """The atoms of a paragraph, and how each is joined to the one before; the words numbered in `cut` are cut
    into characters."""
    out = _Atoms()
    for number, token in enumerate(_tokens(runs)):
        if token.kind == "word":
            _add_word(token, number, number in cut, out)
            continue
        text = token.text
        # —— and …… are one mark; a longer run (a leader line) is a row of such marks
        pieces = [text[i:i + 2] for i in range(0, len(text), 2)] if text[0] in "—…" else [text]
        for i, piece in enumerate(pieces):
            out.add(_cjk_atom(piece, token.kind, token.bold), spaced=token.spaced and not i,
                    glued=token.glued and not i)
    _compress_pairs(out.atoms)
    return out


@lru_cache(maxsize=16384)
def _cjk_atom(text: str, kind: str, bold: bool) -> Atom:
    features = ("fwid",) if text[0] == "—" else ()  # the dash is full width whatever the script around it
    return Atom(text, kind, shaping.advance(text, bold, features), bold, features=features)


def _compress_pairs(atoms: list[Atom]) -> None:
    """Of two adjacent full-width marks the first is set at half width (of two opening marks, the second)."""
    for k in range(len(atoms) - 1):
        x, y = atoms[k], atoms[k + 1]
        if x.text in FULLWIDTH and y.text in FULLWIDTH and x.text != y.text:
            if x.text in OPEN and y.text in OPEN:
                atoms[k + 1] = y._replace(width=y.width / 2, halt=True)
            elif x.text not in OPEN:
                atoms[k] = x._replace(width=x.width / 2, halt=True)


# --- junctions --------------------------------------------------------------------------------------------------

class _Profile(NamedTuple):
    """What of an atom its junctions depend on."""

    kind: str
    bold: bool
    no_start: bool  # may not start a line (kinsoku)
    no_end: bool  # may not end a line
    blank_right: float  # em of blank half on its right that may be squeezed, or trimmed at a line end
    blank_left: float  # ... on its left, trimmed at a line start
    hangs: float  # em that hang past a line's end (ideographic spaces): the line is flush without them


@lru_cache(maxsize=4096)
def _profile(atom: Atom) -> _Profile:
    word = atom.kind == "word"
    mark = atom.kind == "mark" and not atom.halt
    return _Profile(atom.kind, atom.bold,
                    atom.text[0] in (LATIN_NO_START if word else NO_LINE_START),
                    atom.text[-1] in (LATIN_NO_END if word else NO_LINE_END),
                    atom.width / 2 if mark and atom.text in TRIM_AT_END else 0.0,
                    atom.width / 2 if mark and atom.text in OPEN else 0.0,
                    atom.width if atom.kind == "blank" else 0.0)


def space_width() -> float:
    """A Latin space of the body face, em."""
    return shaping.advance(" ")


@lru_cache(maxsize=4096)
def _between(x: _Profile, y: _Profile, spaced: bool, glued: bool) -> Junction:
    """The junction between two atoms of different words (or none), with what a line break there changes:
    x's blank half trimmed at a line end, y's at a line start."""
    breakable = not (glued or y.no_start or x.no_end)
    trims = {"end": -x.blank_right - x.hangs, "start": -y.blank_left, "ragged": x.hangs > 0}
    words = (x.kind == "word") + (y.kind == "word")
    if words == 2 and not spaced:  # one word whose face changes inside it
        return Junction("join", **trims)
    if words == 2 or (spaced and x.kind == y.kind == "han"):
        space = space_width()
        return Junction("space", space, space * SPACE_STRETCH, space * SPACE_SHRINK, space * SPACE_MORE,
                        breakable=breakable, **trims)
    if words == 1 and "han" in (x.kind, y.kind):
        return Junction("gap", GAP, GAP_STRETCH, GAP - GAP_MIN, GAP_MAX - GAP - GAP_STRETCH, breakable=breakable,
                        **trims)
    blank = x.blank_right + y.blank_left  # what may be squeezed inside a line
    if words == 1:  # a word beside a mark: the mark's blank half is the space (a source space is dropped)
        return Junction("none", more_stretch=MARK_WORD_STRETCH, more_shrink=blank, breakable=breakable, **trims)
    return Junction("cjk", more_shrink=blank, tracked=True, breakable=breakable, **trims)


def _inside_word(atoms: list[Atom], j: int, link: str) -> Junction:
    """A place inside a Latin word where it may break: a hyphen added at a hyphenation point."""
    end = 0.0
    if link == "hyphen":
        # what the hyphen adds after the few letters its shape may depend on (not the whole word: quadratic)
        head, bold = _word_before(atoms, j, SHAPING_CONTEXT), atoms[j].bold
        end = shaping.advance(head + HYPHEN, bold) - shaping.advance(head, bold)
    return Junction("join", breakable=True, penalty=BREAK_PENALTIES[link], end=end)


def trim_at_end(atom: Atom) -> float:
    """How much narrower the atom is at the end of a line: a closing or pause mark's blank half."""
    return _profile(atom).blank_right


def trim_at_start(atom: Atom) -> float:
    """How much narrower the atom is at the start of a line: an opening mark's blank half."""
    return _profile(atom).blank_left


def junctions_of(parts: _Atoms) -> list[Junction]:
    """The junction before each atom and after the last, with what a line break there changes (trimmed marks,
    an added hyphen); no break may leave one character alone on the last line."""
    atoms = parts.atoms
    profiles = [_profile(atom) for atom in atoms]
    found = [Junction("none", breakable=True)]
    found += [_inside_word(atoms, k, link) if link else _between(profiles[k - 1], profiles[k], spaced, glued)
              for k, link, spaced, glued in zip(range(1, len(atoms)), parts.links[1:], parts.spaced[1:],
                                                parts.glued[1:], strict=False)]
    found.append(Junction("none", breakable=True,
                          end=-profiles[-1].blank_right - profiles[-1].hangs if atoms else 0.0))
    _keep_two_on_last_line(atoms, found)
    return found


def _word_before(atoms: list[Atom], j: int, chars: int) -> str:
    """The last `chars` characters before j of the word atoms[j] belongs to."""
    i, found = j, 0
    while i > 0 and atoms[i - 1].word == atoms[j].word and found < chars:
        i -= 1
        found += len(atoms[i].text)
    return "".join(a.text for a in atoms[i:j])[-chars:]


def _keep_two_on_last_line(atoms: list[Atom], found: list[Junction], room: float = math.inf) -> None:
    """孤字: no break leaves fewer than two characters (marks not counted) on the paragraph's last line -- unless
    the text has fewer, or keeping them together would make a run wider than a line (`room`)."""
    counted, width, closing = 0, 0.0, []
    for j in range(len(atoms) - 1, 0, -1):
        counted += sum(not is_mark(ch) for ch in atoms[j].text)
        width += atoms[j].width + found[j].natural
        if width + atoms[j - 1].width > room:
            return
        if counted >= 2:
            for k in closing:
                found[k] = found[k]._replace(breakable=False)
            return
        closing.append(j)


def _wide_runs(atoms: list[Atom], found: list[Junction], room: float) -> list[tuple[int, int]]:
    """The runs of atoms with no break opportunity inside that are wider than a line."""
    runs, start, width = [], 0, 0.0
    for k, atom in enumerate(atoms):
        if k and found[k].breakable:
            if width > room:
                runs.append((start, k))
            start, width = k, 0.0
        width += atom.width + (found[k].natural if k > start else 0.0)
    if width > room:
        runs.append((start, len(atoms)))
    return runs


def _allow_emergency_breaks(atoms: list[Atom], found: list[Junction], room: float) -> None:
    """A run with no break opportunity that is wider than a line may break anywhere inside, at a high cost,
    rather than run off the page (its words are cut into characters: `compose`)."""
    for a, b in _wide_runs(atoms, found, room):
        for j in range(a + 1, b):
            if not found[j].breakable:
                found[j] = found[j]._replace(breakable=True, penalty=EMERGENCY_PENALTY)


# --- fitting a line -----------------------------------------------------------------------------------------------

def fit(room: Room, measure: float, last: bool, loose: bool = False) -> Fit:
    """Bring a line to the measure, taking the adjustments in clreq's order (the module's docstring). What is
    still missing makes the badness infinite. A last line only shrinks, and only when it must. A `loose` line
    (second pass) may also be spaced out to TRACK_LOOSE, at a cost no other line comes near."""
    return Fit(*_fitted(*room, measure, last, loose))


def _fitted(natural: float, stretch: float, shrink: float, more_stretch: float, more_shrink: float, tracked: int,
            measure: float, last: bool, loose: bool) -> tuple[float, float, float, float, float]:
    """`fit` on plain numbers (the breaking loop calls it for every candidate line): ratio, more, tracking,
    badness, short."""
    need = measure - natural
    if need >= 0:
        if last or need < 1e-9:
            return 0.0, 0.0, 0.0, 0.0, 0.0
        sign, tier2, tier4 = 1.0, stretch, more_stretch
    else:
        sign, tier2, tier4, need = -1.0, shrink, more_shrink, -need
    used2 = need if need < tier2 else tier2
    need -= used2
    free = min(need, TRACK_FREE * tracked)
    need -= free
    used4 = need if need < tier4 else tier4
    need -= used4
    more = min(need, (TRACK_MAX - TRACK_FREE) * tracked)
    need -= more
    spaced = min(need, (TRACK_LOOSE - TRACK_MAX) * tracked) if loose and sign > 0 else 0.0
    need -= spaced
    ratio = used2 / tier2 if tier2 else 0.0
    share4 = used4 / tier4 if tier4 else 0.0
    badness = 100 * ratio ** 3 + 1000 * share4 ** 2
    if free:
        badness += 100 * (free / (TRACK_FREE * tracked)) ** 2
    if more > 1e-9:  # a line a reader sees spaced out costs more than any line that is not
        badness += 3000 + 10_000 * (more / ((TRACK_MAX - TRACK_FREE) * tracked)) ** 2
    if spaced > 1e-9:
        badness += SPACED_OUT * (1 + spaced)
    tracking = sign * (free + more + spaced) / tracked if tracked else 0.0
    if need > 1e-9:
        return sign * ratio, sign * share4, tracking, math.inf, need
    return sign * ratio, sign * share4, tracking, badness, 0.0


# --- breaking -----------------------------------------------------------------------------------------------------

@dataclass
class _Sums:
    """What any line atoms[a:b] is, in O(1): room(a, b) = ends[b] - starts[a], where ends[b] sums the atoms and
    junctions up to b and what a break at b changes (a trimmed mark, a hyphen), and starts[a] the same up to
    and including the break junction at a, less what a line start changes (a trimmed mark, the indent).
    `most` and `least` (natural width with all possible stretch, less all possible shrink) only grow along
    the paragraph: bisecting them bounds where a line ending at a given break may start."""

    ends: list[Room]
    starts: list[Room]
    most: list[float]
    least: list[float]

    @classmethod
    def of(cls, atoms: list[Atom], found: list[Junction], indent: float) -> _Sums:
        inner = [Junction("none"), *found[1:len(atoms)]]  # the junction before each atom, inside a line
        columns = [list(accumulate(values, initial=0.0)) for values in (  # type: ignore[call-overload]
            [a.width + j.natural for a, j in zip(atoms, inner, strict=True)], [j.stretch for j in inner],
            [j.shrink for j in inner], [j.more_stretch for j in inner], [j.more_shrink for j in inner],
            [j.tracked for j in inner])]
        sums = [Room(*values) for values in zip(*columns, strict=True)]
        ends = [Room(s.natural + j.end, *s[1:]) for s, j in zip(sums, found, strict=True)]
        starts = [Room(-indent, 0.0, 0.0, 0.0, 0.0, 0)]
        starts += [Room(s.natural + j.natural - j.start, s.stretch + j.stretch, s.shrink + j.shrink,
                        s.more_stretch + j.more_stretch, s.more_shrink + j.more_shrink, s.tracked + j.tracked)
                   for s, j in zip(sums[1:], found[1:], strict=True)]
        most = [s.natural + s.stretch + s.more_stretch + TRACK_MAX * s.tracked for s in sums]
        least = [s.natural - s.shrink - s.more_shrink - TRACK_MAX * s.tracked for s in sums]
        return cls(ends, starts, most, least)

    def room(self, a: int, b: int) -> Room:
        e, s = self.ends[b], self.starts[a]
        return Room(e.natural - s.natural, e.stretch - s.stretch, e.shrink - s.shrink, e.more_stretch - s.more_stretch,
                    e.more_shrink - s.more_shrink, e.tracked - s.tracked)


def _breaks(found: list[Junction], sums: _Sums, measure: float, indent: float, loose: bool) -> list[int] | None:
    """The break positions (atom indexes, the last being the number of atoms) of least total demerits. Without
    `loose`, None when no choice of breaks justifies every line; with it, lines that cannot be justified are
    accepted at a cost. A line wider than the measure after all shrinking is never accepted."""
    n = len(found) - 1
    slack = 2 + indent - min(j.end for j in found)  # more than any line's start and end corrections (a hang)
    best: dict[int, tuple[float, int]] = {0: (0.0, -1)}
    starts = [0]  # the reachable break positions, ascending
    least, most, floor = sums.least, sums.most, LINE_PENALTY ** 2
    for b in range(1, n + 1):
        if not found[b].breakable:
            continue
        lo = bisect.bisect_left(starts, bisect.bisect_left(least, least[b] - measure - slack))
        hi = len(starts)
        if not loose and b < n:
            hi = bisect.bisect_right(starts, bisect.bisect_right(most, most[b] - measure + slack))
        choice: tuple[float, int] | None = None
        penalty = found[b].penalty ** 2
        for a in starts[lo:hi]:
            before = best[a][0] + penalty
            if choice is not None and before + floor >= choice[0]:
                continue  # no line from a can do better than the choice so far
            room = sums.room(a, b)
            *_, badness, short = _fitted(*room, measure, b == n or found[b].ragged, loose)
            if badness == math.inf:
                if not loose or room.natural - room.shrink - room.more_shrink - TRACK_MAX * room.tracked > measure:
                    continue
                badness = UNJUSTIFIED * (1 + short)
            total = before + (LINE_PENALTY + badness) ** 2
            if choice is None or total < choice[0]:
                choice = (total, a)
        if choice is not None:
            best[b] = choice
            starts.append(b)
    if n not in best:
        return None
    ends, b = [], n
    while b > 0:
        ends.append(b)
        b = best[b][1]
    return ends[::-1]


# --- lines --------------------------------------------------------------------------------------------------------

def _segments(atoms: list[Atom], found: list[Junction], a: int, b: int, first: bool) -> tuple[Segment, ...]:
    """The text nodes of the line atoms[a:b]: a word's atoms on the line joined (with the hyphen if it is broken
    there), each other atom alone, marks at the line's ends trimmed."""
    out = []
    k = a
    while k < b:
        atom = atoms[k]
        m = k + 1
        if atom.kind == "word" and not atom.alone:
            while m < b and atoms[m].word == atom.word and not atoms[m].alone:
                m += 1
            text = "".join(x.text for x in atoms[k:m])
            if m == b and found[b].kind == "join" and found[b].end > 0:
                text += HYPHEN
            out.append(Segment(text, k, m, "word", shaping.advance(text, atom.bold), atom.bold))
        else:
            kind = "alone" if atom.kind == "word" else atom.kind
            trimmed = (k == a and not first and trim_at_start(atom)) or (k == b - 1 and trim_at_end(atom))
            width = atom.width / 2 if trimmed else atom.width
            if kind == "blank" and k == b - 1:
                width = 0.0  # it hangs: CSS Text 3 §4.1.3, and WeasyPrint gives it no width there
            out.append(Segment(atom.text, k, m, kind, width, atom.bold, atom.halt or bool(trimmed), atom.features))
        k = m
    return tuple(out)


def _exact_room(segments: tuple[Segment, ...], found: list[Junction], sums: _Sums, a: int, b: int,
                indent: float) -> Room:
    """The line's room with its natural width from its text nodes, each shaped whole as WeasyPrint will."""
    room = sums.room(a, b)
    inner = sum(found[s.start].natural for s in segments[1:])
    natural = sum(s.width for s in segments) + inner + (indent if a == 0 else 0.0)
    return room._replace(natural=natural)


def compose(runs: list[Run], measure: float, indent: float = 0.0) -> Paragraph:
    """Break a paragraph into lines of `measure` em, the first indented by `indent` em."""
    room = measure - indent
    parts = atoms_of(runs)
    found = junctions_of(parts)
    wide = {parts.atoms[k].word for a, b in _wide_runs(parts.atoms, found, room) for k in range(a, b)} - {-1}
    if wide:  # the words of a run wider than a line are cut into characters
        parts = atoms_of(runs, cut=frozenset(wide))
        found = junctions_of(parts)
    atoms = parts.atoms
    _allow_emergency_breaks(atoms, found, room)
    _keep_two_on_last_line(atoms, found, room)
    sums = _Sums.of(atoms, found, indent)
    loose = False
    ends = _breaks(found, sums, measure, indent, loose)
    if ends is None:
        loose = True
        ends = _breaks(found, sums, measure, indent, loose)
    assert ends is not None  # the loose pass accepts any line that is not too wide
    lines, a = [], 0
    for b in ends:
        segments = _segments(atoms, found, a, b, first=a == 0)
        room = _exact_room(segments, found, sums, a, b, indent)
        how = fit(room, measure, b == len(atoms) or found[b].ragged, loose)
        if how.badness == math.inf and room.natural < measure:  # stretched within the usual limits, left short
            how = Fit(1.0, 1.0, TRACK_MAX if room.tracked else 0.0, math.inf, how.short)
        lines.append(Line(a, b, segments, how, how.width(room)))
        a = b
    return Paragraph(tuple(atoms), tuple(found), tuple(lines), measure, indent, loose)
