"""The Chinese punctuation rules for one text value: `edits(text)` says what is wrong, `fix_text(text)` fixes it.

Whether a mark belongs to Chinese or to Latin text is read from the nearest letters around it (a Han character
or a Latin letter or digit; quotes, brackets, spaces and other marks are looked through), never from the mark
itself, so that a fixed text reads the same way again: `fix_text(fix_text(x)) == fix_text(x)`.
Code-like tokens (URLs, file names, options, ...) and the numbering at the start of a line are never edited:
they count as Latin letters. Spaces are never added between Han and Latin text: the layout adds that gap.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .chars import CLOSE, OPEN, STOPS, is_han

# ---- the rules, as data -------------------------------------------------------------------------------------

FULL = {",": "，", ".": "。", "?": "？", "!": "！", ":": "：", ";": "；"}  # half-width mark -> its Chinese form
HALF = {full: half for half, full in FULL.items()}
MARK_CHARS = frozenset(",.;:?!，。；：？！、…")
COMMA_LIKE = frozenset(",;?")  # after a Latin word they are Chinese when Chinese follows ("iPhone,好开心")
SENTENCE_END = frozenset(".?!")  # after one Latin word at the end of a Chinese sentence ("使用Rust.")
DASH_CHARS = frozenset("-—－―")
DASH_FORMS = frozenset({"--", "---", "—", "―", "－－", "――", "—-", "-—"})  # written for the Chinese dash ——
FULLWIDTH_ALNUM = re.compile(r"[０-９Ａ-Ｚａ-ｚ]+(?:[：．][０-９]+)*")  # "１６：３２" -> "16:32"
SPACE_CHARS = frozenset(" \t\n")  # not U+3000: a full-width space is a deliberate gap
CHINESE_STOPS = STOPS | frozenset("…")

DOUBLE, SINGLE = "double", "single"
QUOTE_FAMILY = {'"': DOUBLE, "“": DOUBLE, "”": DOUBLE, "'": SINGLE, "‘": SINGLE, "’": SINGLE}
OPENING_QUOTE = {DOUBLE: "“", SINGLE: "‘"}
CLOSING_QUOTE = {DOUBLE: "”", SINGLE: "’"}
OTHER_FAMILY = {DOUBLE: SINGLE, SINGLE: DOUBLE}
BRACKETS = {"(": "（", ")": "）"}  # half-width -> full-width
HALF_BRACKET = {"（": "(", "）": ")"}  # full-width brackets in English text
BRACKET_OPEN, BRACKET_CLOSE = frozenset("(（"), frozenset(")）")
# Pairs that only bound a scope (an English sentence inside them stays English); never rewritten.
SCOPE_PAIRS = {"「": "」", "『": "』", "《": "》", "〈": "〉", "[": "]"}

LIST_MARKS = frozenset("、（）《》【】「」『』")  # beside a quote they make it a Chinese one: “a”、"b"
OPENERS = frozenset("(（[<{「『《")  # a mark right after one (or an opening quote) is mentioned: "."、(?)
# A space beside these is dropped: their blank half is the gap (GB/T 15834; "iPhone ，" -> "iPhone，").
NO_SPACE_BESIDE = OPEN | CLOSE | STOPS
ENDS_A_QUOTATION = STOPS | frozenset(",.;:?!)）》」』…")  # a closing quote right after one is no opening one
DOUBLE_MARKS = ("……", "——")  # the Chinese ellipsis and dash (one … or — may be English)

CJK_MARKS = "，。；：！？、“”‘’（）《》【】「」『』…—"  # where a URL, a path or an assigned value ends
# Never edited, and read as Latin: (name, pattern). The first that matches at a position wins.
PROTECTED = [
    ("url", rf"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s{CJK_MARKS}]*[^\s{CJK_MARKS}.,;:!?'\"]"),  # no end mark
    ("e-mail", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
    ("code", r"`[^`\n]+`"),
    ("template", r"\{\{.*?\}\}|[$#]\{[^}\n]*\}|%[sdvSDV]\b"),
    ("entity", r"&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);"),
    ("quoted value", r"(?<==)\"[^\"\n]*\"|(?<==)'[^'\n]*'"),  # 格式="date"
    ("assignment", rf"(?<![A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_.-]*=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s{CJK_MARKS}]*)"),
    ("option", r"(?<![A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9_-]*"),
    ("abbreviation", r"(?<![A-Za-z])(?:[A-Za-z]\.){2,}"
                     r"|\b(?:vs|etc|Inc|Ltd|Co|Corp|Mr|Mrs|Ms|Dr|Prof|No|Fig|Vol|Jr|Sr|approx)\."),
    ("dotted name", r"(?<![A-Za-z0-9_.])\.[A-Za-z][A-Za-z0-9]*"),  # .NET, .docx
    ("file name", r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.[A-Za-z][A-Za-z0-9]*"),
    ("version", r"[vV]?\d+(?:\.\d+)+"),
    ("path", rf"(?<![\w.~/-])(?:~|\.{{1,2}})?/[^\s{CJK_MARKS}]+"
             r"|[A-Za-z0-9_.~-]+/[A-Za-z0-9_.~/-]+"),
    ("manual page", r"[A-Za-z0-9_.-]+\(\d[a-z]*\)"),  # grub-install(8)
    ("call", r"[A-Za-z_][A-Za-z0-9_.]*\([\x21-\x27\x2a-\x7e]*\)"),  # computed(), minite(s)
    ("link target", r"\]\([^()\s]*\)"),  # Markdown [text](target)
    ("emoticon", r"[:;]-[)(DP]"),
    # the numbering at the start of a paragraph or heading: GB/T 9704 writes "1." and "(1)" half-width
    ("numbering", r"(?:^|(?<=\n))[ \t]*(?:\((?:\d{1,3}|[A-Za-z])\)|(?:\d{1,3}|[A-Za-z]|[IVXivx]{1,4})[.)])"),
]
PROTECTED_RE = re.compile("|".join(f"(?:{pattern})" for _, pattern in PROTECTED))

MESSAGES = {
    "mark": "half-width '{old}' next to a Chinese character; use '{new}'",
    "english mark": "full-width '{old}' in an English sentence; use '{new}'",
    "bracket": "half-width '{old}' in Chinese text; use '{new}'",
    "english bracket": "full-width '{old}' in English text; use '{new}'",
    "quote": "half-width quote in Chinese text; use '{new}'",
    "quote direction": "quote '{old}' faces the wrong way; use '{new}'",
    "nested quote": "a quote inside a quote: use '{new}', not '{old}'",
    "unmatched quote": "quote '{old}' has no partner; check the quotes around it",
    "ellipsis": "'{old}' is not a Chinese ellipsis; use '……'",
    "dash": "'{old}' is not a Chinese dash; use '——'",
    "repeated": "repeated mark '{old}'; use '{new}'",
    "full-width letter": "full-width '{old}'; use '{new}'",
    "space between Han": "space between two Chinese characters",
    "space beside mark": "space beside a full-width mark",
}


@dataclass(frozen=True, order=True)
class Edit:
    start: int  # index in the text
    end: int
    new: str | None  # None: reported, not fixed automatically
    message: str


def fix_text(text: str) -> str:
    """The text with every fixable punctuation problem corrected."""
    return apply(text, edits(text))


def apply(text: str, found: list[Edit]) -> str:
    """The text with every fixable edit made (of overlapping ones, the first)."""
    return replace_spans(text, [(edit.start, edit.end, edit.new) for edit in sorted(found)])


def replace_spans(text: str, changes: list[tuple[int, int, str | None]]) -> str:
    """The text with text[start:end] replaced by each change's new text, taken in order: a change without one
    (None), or overlapping one already made, is passed over."""
    out, done = [], 0
    for start, end, new in changes:
        if new is None or start < done:
            continue
        out += [text[done:start], new]
        done = end
    out.append(text[done:])
    return "".join(out)


def edits(text: str) -> list[Edit]:
    """Every punctuation problem of one text value, as non-overlapping edits."""
    return _Reading(text).edits()


# ---- reading a text -----------------------------------------------------------------------------------------

HAN, LATIN = "han", "latin"


def _protected(text: str) -> list[bool]:
    """Which characters are in a protected token."""
    mask = [False] * len(text)
    for m in PROTECTED_RE.finditer(text):
        mask[m.start():m.end()] = [True] * (m.end() - m.start())
    return mask


def _is_latin_letter(ch: str) -> bool:
    return not is_han(ch) and unicodedata.category(ch)[0] in "LN"


class _Reading:
    """One text with what the rules need to know about it: protected spans, letters, quote and bracket pairs."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.halfwidth = FULLWIDTH_ALNUM.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
        self.protected = _protected(self.halfwidth)
        self.kind: list[str | None] = [
            LATIN if p else HAN if is_han(ch) else LATIN if _is_latin_letter(ch) else None
            for ch, p in zip(text, self.protected, strict=True)]
        n = len(text)
        self._left = [-1] * (n + 1)  # _left[i]: the nearest letter before i, or -1
        for i in range(1, n + 1):
            self._left[i] = i - 1 if self.kind[i - 1] else self._left[i - 1]
        self._right = [n] * (n + 1)  # _right[i]: the nearest letter at or after i, or n
        for i in range(n - 1, -1, -1):
            self._right[i] = i if self.kind[i] else self._right[i + 1]
        self.bracket_pairs = self._pair(BRACKET_OPEN, BRACKET_CLOSE)
        self.chinese_brackets = {i for o, c in self.bracket_pairs.items() if self._chinese_brackets(o, c)
                                 for i in (o, c)}
        self.quote_pairs, self.unmatched_quotes = self._pair_quotes()
        scope_pairs = self._pair(frozenset(SCOPE_PAIRS), frozenset(SCOPE_PAIRS.values()))
        self.closing = {**self.quote_pairs, **self.bracket_pairs, **scope_pairs}  # every pair: opening -> closing
        self.enclosing = _innermost(len(text), self.closing)
        self.quote_parent = _innermost(len(text), self.quote_pairs)
        self.closing_quotes = set(self.quote_pairs.values())
        self._english: dict[tuple[int, int], bool] = {}
        self.chinese_quote = self._chinese_quotes()

    def edit(self, start: int, end: int, new: str | None, rule: str) -> Edit:
        old = self.text[start:end]
        return Edit(start, end, new, MESSAGES[rule].format(old=old, new=new.strip() if new else new))

    # -- letters around a position

    def left(self, i: int) -> str | None:
        """The kind of the nearest letter before position i (None at the start)."""
        j = self._left[i]
        return self.kind[j] if j >= 0 else None

    def right(self, i: int) -> str | None:
        """The kind of the nearest letter at or after position i (None at the end)."""
        j = self._right[i]
        return self.kind[j] if j < len(self.text) else None

    def free(self, i: int) -> bool:
        return not self.protected[i]

    def has_han(self, start: int, end: int) -> bool:
        return HAN in self.kind[start:end]

    def chinese_around(self, start: int, end: int) -> bool:
        """Chinese inside text[start:end], or as the nearest letter on either side of it."""
        return self.left(start) == HAN or self.right(end) == HAN or self.has_han(start, end)

    def runs(self, chars: frozenset[str], taken: set[int]) -> list[tuple[int, int]]:
        """Maximal runs of unprotected characters from `chars` that no other edit has taken."""
        found, start = [], None
        for i, ch in enumerate(self.text + "\0"):
            inside = ch in chars and i < len(self.text) and self.free(i) and i not in taken
            if inside and start is None:
                start = i
            elif not inside and start is not None:
                found.append((start, i))
                start = None
        return found

    # -- pairs

    def _pair(self, opening: frozenset[str], closing: frozenset[str]) -> dict[int, int]:
        pairs, stack = {}, []
        for i, ch in enumerate(self.text):
            if self.free(i) and ch in opening:
                stack.append(i)
            elif self.free(i) and ch in closing and stack:
                pairs[stack.pop()] = i
        return pairs

    def _pair_quotes(self) -> tuple[dict[int, int], list[int]]:
        """Match quotes by their form where that balances (a nested pair stays nested), else in turn."""
        text = self.text
        marks = [i for i, ch in enumerate(text)
                 if ch in QUOTE_FAMILY and self.free(i) and not (ch in "'’" and self._is_apostrophe(i))]
        pairs, unmatched = _pair_by_form(text, marks)
        doubles = [i for i in marks if QUOTE_FAMILY[text[i]] == DOUBLE]
        if any(QUOTE_FAMILY[text[i]] == DOUBLE for i in unmatched) and len(doubles) % 2 == 0:
            turns = list(text)  # the double quotes taken in turn, opening and closing: “a“ -> “a”
            for k, i in enumerate(doubles):
                turns[i] = "“" if k % 2 == 0 else "”"
            in_turn = _pair_by_form("".join(turns), marks)
            # only if every pair so found is rewritten, so that the fixed text pairs the same way by form
            if all(self._chinese_pair(o, c) for o, c in in_turn[0].items() if o in doubles):
                pairs, unmatched = in_turn
        return pairs, unmatched

    def _is_apostrophe(self, i: int) -> bool:
        """' or ’ between Latin letters (can't), or after a plural before a Latin word (users' items)."""
        before, rest = self.text[i - 1:i], self.text[i + 1:i + 3]
        if not before or not _is_latin_letter(before):
            return False
        return (rest[:1] != "" and _is_latin_letter(rest[0])) or (
            before in "sS" and len(rest) == 2 and rest[0] == " " and _is_latin_letter(rest[1]))

    def _chinese_pair(self, o: int, c: int) -> bool:
        """Quotes at o and c around letters, with Chinese inside or beside them (a 、 or a Chinese bracket
        counts): “a”、"b" are both Chinese."""
        beside = [i for i in (self._nonblank(o - 1, -1), self._nonblank(c + 1, 1)) if 0 <= i < len(self.text)]
        return any(self.kind[o + 1:c]) and (
            self.chinese_around(o, c + 1) or any(self.text[i] in LIST_MARKS or i in self.chinese_brackets
                                                 for i in beside))

    def _chinese_quotes(self) -> dict[int, bool]:
        """For each quote mark: does it stand in Chinese text (its pair's, or for a lone one its own)? A pair
        with no letter inside quotes a symbol ("~", '/', " "): it is code, left as written."""
        chinese = {}
        for o, c in self.quote_pairs.items():
            chinese[o] = chinese[c] = self._chinese_pair(o, c)
        for i in self.unmatched_quotes:
            chinese[i] = self.left(i) == HAN or self.right(i + 1) == HAN
        return chinese

    def english_scope(self, i: int) -> bool:
        """Position i is in an English sentence: its scope (the innermost pair around it, else the lines around it
        up to a blank line) has no Han, starts with a Latin word and holds at least two words."""
        o = self.enclosing[i]
        start, end = (o + 1, self.closing[o]) if o >= 0 else self._block(i)
        if (start, end) not in self._english:  # asked once per mark: a long English text has many
            scope = self.halfwidth[start:end]
            self._english[start, end] = (
                not self.has_han(start, end) and re.match(r"[\s“‘\"'(]*[A-Za-z0-9]", scope) is not None
                and re.search(r"[A-Za-z0-9]\s+[(“‘\"']?[A-Za-z0-9]", scope) is not None)
        return self._english[start, end]

    def _block(self, i: int) -> tuple[int, int]:
        """The lines around position i up to a blank line: a single line break is a space in print."""
        start = self.text.rfind("\n\n", 0, i)
        end = self.text.find("\n\n", i)
        return (0 if start < 0 else start + 2), (len(self.text) if end < 0 else end)

    # -- the rules

    def edits(self) -> list[Edit]:
        found = self._fullwidth_alnum() + self._quotes() + self._brackets()
        taken = {i for e in found for i in range(e.start, e.end)}
        found += self._marks(taken) + self._dashes(taken)
        found += self._spaces(found, {i for e in found for i in range(e.start, e.end)})
        return sorted(found)

    def _fullwidth_alnum(self) -> list[Edit]:
        """Full-width letters and digits, even inside code: no name or number is meant to be written so."""
        return [self.edit(m.start(), m.end(), unicodedata.normalize("NFKC", m.group()), "full-width letter")
                for m in FULLWIDTH_ALNUM.finditer(self.text)]

    def _quotes(self) -> list[Edit]:
        text, found = self.text, []
        family: dict[int, str] = {}  # the family each Chinese pair is written with, outermost first
        for o in sorted(self.quote_pairs):
            if not self.chinese_quote[o]:
                continue
            want = QUOTE_FAMILY[text[o]]
            if family.get(self.quote_parent[o]) == want:
                want = OTHER_FAMILY[want]
            family[o] = want
            for at, new in ((o, OPENING_QUOTE[want]), (self.quote_pairs[o], CLOSING_QUOTE[want])):
                if text[at] != new:
                    found.append(self.edit(at, at + 1, new, _quote_rule(text[at], new)))
        for i in self.unmatched_quotes:
            line_start = text.rfind("\n", 0, i) + 1
            opens_paragraph = text[i] in '“"' and not text[line_start:i].strip()  # GB/T 15834 4.1.3.4
            if self.chinese_quote[i] and not opens_paragraph:
                found.append(self.edit(i, i + 1, None, "unmatched quote"))
        return found

    def _brackets(self) -> list[Edit]:
        text, found = self.text, []
        for o, c in self.bracket_pairs.items():
            if o in self.chinese_brackets:
                found += [self.edit(at, at + 1, BRACKETS[text[at]], "bracket") for at in (o, c) if text[at] in BRACKETS]
            elif self.english_scope(o + 1):
                found += [self._english_bracket(at) for at in (o, c) if text[at] in HALF_BRACKET]
        return found

    def _chinese_brackets(self, o: int, c: int) -> bool:
        """Brackets around Chinese, between Chinese on both sides, or touching a Chinese character (a full-width
        one through the blanks that go beside it)."""
        before = self._nonblank(o - 1, -1) if self.text[o] == "（" else o - 1
        after = self._nonblank(c + 1, 1) if self.text[c] == "）" else c + 1
        touching = [self.text[i] for i in (before, after) if 0 <= i < len(self.text)]
        return (self.has_han(o, c) or (self.left(o) == HAN and self.right(c + 1) == HAN)
                or any(is_han(ch) for ch in touching))

    def _english_bracket(self, at: int) -> Edit:
        """A full-width bracket in English text: half-width, spaced from the word it touches."""
        new = HALF_BRACKET[self.text[at]]
        if new == "(" and at > 0 and self.text[at - 1].isalnum():
            new = " " + new
        elif new == ")" and self.text[at + 1:at + 2].isalnum():
            new += " "
        return self.edit(at, at + 1, new, "english bracket")

    def _marks(self, taken: set[int]) -> list[Edit]:
        """Runs of marks, taking in the blanks between two marks ("， ，"), which go when a Chinese mark stays."""
        found = []
        for start, end in self.runs(MARK_CHARS | SPACE_CHARS, taken):
            groups: list[list[int]] = []  # the marks, split at a blank line and around an ellipsis
            for i in range(start, end):
                if self.text[i] in MARK_CHARS:
                    if not groups or self.text.count("\n", groups[-1][-1], i) > 1 \
                            or self._ellipsis_at(i) != self._ellipsis_at(groups[-1][-1]):
                        groups.append([])
                    groups[-1].append(i)
            for at in groups:
                first, last = at[0], at[-1] + 1
                fixed = self._fixed_marks(first, last, "".join(self.text[i] for i in at))
                if fixed and fixed[1] == "english mark":
                    while first > 0 and self.text[first - 1] in SPACE_CHARS:  # "word ，" -> "word,"
                        first -= 1
                if fixed and (len(at) == last - first or set(fixed[0]) & CHINESE_STOPS or fixed[1] == "english mark"):
                    found.append(self.edit(first, last, *fixed))
        return found

    def _ellipsis_at(self, i: int) -> bool:
        """Is text[i] part of an ellipsis (… or three dots or more)?"""
        if self.text[i] == "…":
            return True
        if self.text[i] != ".":
            return False
        start, end = i, i + 1
        while start > 0 and self.text[start - 1] == ".":
            start -= 1
        while end < len(self.text) and self.text[end] == ".":
            end += 1
        return end - start >= 3

    def _in_chinese_run(self, i: int) -> bool:
        """Is the mark at text[i] next to a Chinese mark (blanks between them aside)?"""
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(self.text) and (self.text[j] in MARK_CHARS or self.text[j] in SPACE_CHARS):
                if self.text[j] in CHINESE_STOPS:
                    return True
                j += step
        return False

    def _fixed_marks(self, start: int, end: int, run: str) -> tuple[str, str] | None:
        """What the marks `run` written at text[start:end] should be, and the rule, if they should change."""
        if set(run) & set(HALF) and set(run) <= set(HALF) | set(FULL) and self._english_marks(start):
            after = self.text[end:end + 1]
            english = "".join(dict.fromkeys(HALF.get(ch, ch) for ch in run))  # "，," -> ","
            return english + (" " if after.isalnum() else ""), "english mark"
        if run in (".", ".."):
            return ("。", "mark") if run == "." and self._chinese_mark(start, end) else None
        if set(run) <= set(".…"):
            chinese = self.left(start) == HAN or (self.left(start) is None and self.right(end) == HAN)
            return ("……", "ellipsis") if chinese and _tidy(run.replace("...", "…")) != run else None
        if not set(run) & CHINESE_STOPS and not self._chinese_mark(start, end):
            return None  # Latin marks only, not in a Chinese sentence; with a Chinese mark the run is Chinese
        new = _tidy("".join(FULL.get(ch, ch) for ch in run))
        if new == self.text[start:end]:
            return None
        return new, "ellipsis" if new == "……" else "mark" if set(run) & set(FULL) else "repeated"

    def _english_marks(self, start: int) -> bool:
        """Full-width marks right after a Latin word (or its closing quote) in an English sentence."""
        before = start - 1
        while before >= 0 and self.text[before] in "”’\"')） \t\n":
            before -= 1
        return before >= 0 and _is_latin_letter(self.text[before]) and self.english_scope(start)

    def _chinese_mark(self, start: int, end: int) -> bool:
        """Does the half-width mark run text[start:end] end or pause a Chinese sentence? Not when it is
        mentioned rather than used: right after an opening quote or bracket, or standing alone between spaces."""
        first, before, after = self.text[start], self.text[start - 1:start], self.text[end:end + 1]
        if before in OPENERS or start - 1 in self.quote_pairs or self._stands_alone(start, end):
            return False
        left = self.left(start)
        if left == HAN:  # but "工作方案.docx", "阿里巴巴.US": a dot right before a Latin letter is part of a name
            return not (first == "." and after != "" and _is_latin_letter(after))
        if left is None or self.english_scope(start):
            return False
        if first in COMMA_LIKE and self.right(end) == HAN:
            return True
        return first in SENTENCE_END and self._ends_block(end) and self._one_word_after_han(start)

    def _stands_alone(self, start: int, end: int) -> bool:
        """Blanks on both sides, and beyond them a letter or the text's end: "隐含的 . 和 ..", "h 或 ?"."""
        if self.text[start - 1:start].strip() or self.text[end:end + 1].strip():
            return False
        return all(self.text[i].isalnum() for i in (self._nonblank(start - 1, -1), self._nonblank(end, 1))
                   if 0 <= i < len(self.text))

    def _nonblank(self, i: int, step: int) -> int:
        """The first position from i on (going by step) that is not a blank; -1 or len(text) if none."""
        while 0 <= i < len(self.text) and self.text[i].isspace():
            i += step
        return i

    def _ends_block(self, end: int) -> bool:
        """Nothing but closing quotes and brackets between position `end` and a blank line or the text's end."""
        return all(self.text[i] in " \t\n)）》」』" or i in self.closing_quotes
                   or (i in self.unmatched_quotes and self.text[i] in "”’\"'") for i in range(end, self._block(end)[1]))

    def _one_word_after_han(self, start: int) -> bool:
        """Between the last Chinese character or mark before `start` and `start`: one Latin word, no opening
        quote or bracket ("使用Rust." is a Chinese sentence, "“Stay foolish.”" and "he said stay foolish." not)."""
        for i in range(start - 1, self._block(start)[0] - 1, -1):
            ch = self.text[i]
            if self.kind[i] == HAN:
                return True
            if ch in STOPS and self.free(i):  # a Chinese mark, unless it is one an English sentence gives up
                return not (ch in HALF and self._english_marks(i))
            if ch in ",;:.?!" and self.free(i):  # a Latin mark: Chinese only after Han or beside a Chinese mark
                return self.left(i) == HAN or self._in_chinese_run(i)
            opening_quote = i in self.quote_pairs or (i in self.unmatched_quotes and ch not in "”’")
            if ch in "(（《「『" or opening_quote or self._between_words(i):
                return False
        return False

    def _between_words(self, i: int) -> bool:
        """Is text[i] a blank between two Latin words (one that no fix removes)?"""
        if self.text[i] not in SPACE_CHARS or i == 0 or self.kind[i - 1] != LATIN:
            return False
        j = i
        while j < len(self.text) and self.text[j] in SPACE_CHARS:
            j += 1
        return j < len(self.text) and self.kind[j] == LATIN

    def _dashes(self, taken: set[int]) -> list[Edit]:
        return [self.edit(start, end, "——", "dash") for start, end in self.runs(DASH_CHARS, taken)
                if self.text[start:end] in DASH_FORMS and (self.left(start) == HAN or self.right(end) == HAN)]

    def _spaces(self, found: list[Edit], taken: set[int]) -> list[Edit]:
        """Spaces between two Han characters or beside a full-width mark, judged on the text as fixed."""
        starting = {e.start: e.new for e in found if e.new is not None}
        ending = {e.end: e.new for e in found if e.new is not None}
        spaces = []
        for start, end in self.runs(SPACE_CHARS, taken):
            breaks = self.text.count("\n", start, end)
            if start == 0 or end == len(self.text) or breaks > 1 or (breaks and self.protected[end]) \
                    or self.text[start - 1] == self.text[end] in "…—":
                continue  # the text's ends, a blank line, a line break before numbering, "… …": as written
            before = ending[start] if start in ending else self.text[max(start - 2, 0):start]
            after = starting[end] if end in starting else self.text[end:end + 2]
            if _is_latin_letter(before[-1:] or " ") and after[:1] in "‘’" \
                    or before[-1:] in "‘’" and _is_latin_letter(after[:1] or " "):
                continue  # a’b would read as an apostrophe
            if self.kind[start - 1] == HAN and self.kind[end] == HAN:
                spaces.append(self.edit(start, end, "", "space between Han"))
            elif self._no_space_after(before, start - 1) or self._no_space_before(after, end):
                spaces.append(self.edit(start, end, "", "space beside mark"))
        return spaces

    def _no_space_after(self, written: str, at: int) -> bool:
        """Does `written`, which ends at text[at] (or replaces what does), end with a full-width mark?"""
        return written.endswith(DOUBLE_MARKS) or self._full_width_mark(written[-1:], at)

    def _no_space_before(self, written: str, at: int) -> bool:
        return written.startswith(DOUBLE_MARKS) or self._full_width_mark(written[:1], at)

    def _full_width_mark(self, ch: str, at: int) -> bool:
        """Is ch, written at text[at] (or replacing it), a full-width mark that takes no space beside it?"""
        if ch not in NO_SPACE_BESIDE or not self.free(at):
            return False
        return self.chinese_quote.get(at, False) if self.text[at] in QUOTE_FAMILY else True


def _innermost(length: int, closing: dict[int, int]) -> list[int]:
    """For each position, the opening index of the innermost pair strictly around it (-1: none)."""
    inner, stack = [-1] * length, []
    for i in range(length):
        while stack and closing[stack[-1]] < i:
            stack.pop()
        inner[i] = stack[-1] if stack else -1
        if i in closing:
            stack.append(i)
    return inner


def _pair_by_form(text: str, marks: list[int]) -> tuple[dict[int, int], list[int]]:
    """Quotes matched on one stack: “ and ‘ open, ” and ’ close, a straight one closes an open one of its family
    or else opens; a closing one with nothing open opens (it faces the wrong way), and then the opening one that
    follows closes it."""
    pairs: dict[int, int] = {}
    stack: list[tuple[int, bool]] = []  # (index, opened by a closing form)
    for i in marks:
        ch, family = text[i], QUOTE_FAMILY[text[i]]
        top = stack[-1] if stack and QUOTE_FAMILY[text[stack[-1][0]]] == family else None
        if ch in "“‘":
            if top and top[1]:
                pairs[stack.pop()[0]] = i
            else:
                stack.append((i, False))
        elif ch in "”’" and not top:
            if any(QUOTE_FAMILY[text[j]] == family for j, _ in stack):  # close it; what opened since is lone
                while QUOTE_FAMILY[text[stack[-1][0]]] != family:
                    stack.pop()
                pairs[stack.pop()[0]] = i
            elif not stack and text[:i].rstrip()[-1:] not in ENDS_A_QUOTATION:  # faces the wrong way: ”中文“
                stack.append((i, True))  # (after 。 it closes a quotation opened before; inside quotes, a lone one)
        elif top:
            pairs[stack.pop()[0]] = i
        else:
            stack.append((i, False))
    paired = set(pairs) | set(pairs.values())
    return pairs, [i for i in marks if i not in paired]


def _quote_rule(old: str, new: str) -> str:
    if old in "\"'":
        return "quote"
    return "quote direction" if QUOTE_FAMILY[old] == QUOTE_FAMILY[new] else "nested quote"


def _tidy(run: str) -> str:
    """A run of Chinese marks as it should be: one mark for a repeated one, ？！ at most, …… for an ellipsis."""
    if run == "。。":
        return "。"
    if set(run) <= {"。", "…"} and run != "。":
        return run if set(run) == {"…"} and len(run) % 2 == 0 else "……"
    if set(run) <= {"？", "！"}:
        return "".join(dict.fromkeys(run))
    return run[0] if len(set(run)) == 1 else run
