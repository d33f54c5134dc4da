"""Stage 2: validate a YAML node tree into a typed Article, collecting every problem with its position."""

from __future__ import annotations

import bisect
import datetime
import difflib
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import emphasis, fonts
from .errors import Problem, UserError, capped

MAX_TEXT_CHARS = 20_000  # one paragraph; ten pages of A4 handout
MAX_TOTAL_CHARS = 300_000  # all the text of a source: about 255 pages of A4 handout, built in 20-30 s
MAX_SECTIONS = 100
MAX_LINE_CHARS = 300  # a title, heading, name or other display text: the poster sets each in a few lines
MAX_BODY_TEXTS = 5_000  # paragraphs, list items, signature lines: each is a block WeasyPrint lays out (~2 ms, 25 KB)
SHOWN_KEY = 40  # characters of an unknown key echoed in a message
LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
URL = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$")
MAX_QR_URL = 200  # characters: a longer URL makes modules too fine to scan from a noticeboard


@dataclass(frozen=True)
class Author:
    name: str
    affiliation: str | None = None
    address: str | None = None


BLOCK_KINDS = ("point", "quote", "signature", "list", "numbered")  # what a paragraph entry may be besides text


@dataclass(frozen=True)
class Block:
    """One entry of a section's paragraphs (or of the intro), in the order written."""

    kind: str  # "paragraph", or one of BLOCK_KINDS: a sub-point (set as a sub-heading), a quotation, a signature
    # or attribution line, a bulleted or a numbered list
    lines: tuple[str, ...]  # its text: one for a paragraph, point or quote; a signature's lines; a list's items

    @property
    def text(self) -> str:
        return self.lines[0]


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]
    subheading: str | None = None
    poster_line: str | None = None

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The plain paragraphs' texts, emphasis marks included."""
        return tuple(b.text for b in self.blocks if b.kind == "paragraph")


@dataclass(frozen=True)
class PosterText:
    title: str | None = None
    tagline: str | None = None
    footer: str | None = None
    key_sentences: bool = True  # cards without a poster_line show a sentence chosen from their paragraphs
    qr: str | None = None  # a URL the poster's QR code leads to


@dataclass(frozen=True)
class Article:
    name: str  # the source file's stem: names the outputs
    title: str
    authors: tuple[Author, ...]
    sections: tuple[Section, ...]
    subtitle: str | None = None
    date: datetime.date | None = None
    lang: str = "zh-CN"
    intro: tuple[Block, ...] = ()
    editor: str | None = None
    poster: PosterText = PosterText()
    subject: str | None = None  # PDF metadata: /Subject, dc:description
    keywords: str | None = None  # PDF metadata: /Keywords

    def paragraphs(self) -> list[str]:
        """Every plain paragraph of the intro and the sections, in order."""
        intro = [b.text for b in self.intro if b.kind == "paragraph"]
        return intro + [p for s in self.sections for p in s.paragraphs]


@dataclass(frozen=True)
class Field:
    check: Callable[[Validator, Node, str], Any]
    required: bool = False


class Validator:
    def __init__(self, shown: str, text: str) -> None:
        self.shown = shown
        self.text = text
        self.problems: list[Problem] = []
        self.total_chars = 0
        self.body_texts_seen = 0
        self._line_starts: list[int] | None = None

    def problem(self, node: Node, message: str) -> None:
        self.problems.append(Problem(self.shown, node.start_mark.line + 1, node.start_mark.column + 1, message))

    def problem_at(self, index: int, message: str) -> None:
        if self._line_starts is None:  # computed once: a source may have thousands of bad characters
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_right(self._line_starts, index)
        column = index - self._line_starts[line - 1] + 1
        self.problems.append(Problem(self.shown, line, column, message))

    def record(self, node: Node, fields: dict[str, Field], what: str) -> dict[str, Any] | None:
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} must be a mapping of keys ({', '.join(_required(fields))}), not {_kind(node)}")
            return None
        values: dict[str, Any] = {}
        suggested: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key not in fields:
                near = _near_miss(key, fields)
                suggested.update(near)
                self.problem(key_node, _unknown_key(key, near, fields))
                continue
            if _is_null(value_node):
                if fields[key].required:
                    self.problem(value_node if value_node.value else key_node, f"'{key}' is empty")
                continue
            value = fields[key].check(self, value_node, key)
            if value is not None:
                values[key] = value
        seen = {str(k.value) for k, _ in node.value}
        for key in _required(fields):
            if key not in seen and key not in suggested:  # "did you mean" already names it
                self.problem(node, f"missing required key '{key}' in {what}")
        return values

    def text_value(self, node: Node, key: str) -> str | None:
        if not isinstance(node, ScalarNode):
            self.problem(node, f"'{key}' must be text, not {_kind(node)}")
            return None
        if not self._read_as_written(node, key):
            return None
        # NFC: a character and its decomposed form (pinyin with combining macrons, say) are one character
        value = unicodedata.normalize("NFC", str(node.value)).strip()
        if not value:
            self.problem(node, f"'{key}' is empty")
            return None
        if len(value) > MAX_TEXT_CHARS:
            self.problem(node, f"text too long: {len(value):,} characters in '{key}'; the limit is "
                               f"{MAX_TEXT_CHARS:,} per text (split it into paragraphs)")
            return None
        self.total_chars += len(value)
        self._check_characters(node, value)
        return value

    def _read_as_written(self, node: ScalarNode, key: str) -> bool:
        """False, with a problem, if YAML read the text otherwise than written: a tag (`- !word text` drops
        '!word') or a comment that cuts it (`咨询电话 #123 转人工。` keeps '咨询电话'). A comment is taken to cut
        the text when its '#' is followed by a character, not a space, as the comments of a source are written."""
        if node.tag.startswith("!"):
            self.problem(node, f"the text starts with '{node.tag}', which YAML takes for a tag and drops; quote the "
                               f"text: '{node.tag} {str(node.value)[:20]}'")
            return False
        if node.style is None:
            end = node.end_mark.index
            rest = self.text[end:self.text.find("\n", end) if "\n" in self.text[end:] else len(self.text)]
            cut = re.match(r"[ \t]+#(?=\S)", rest)
            if cut:
                self.problem_at(end + cut.end() - 1, f"the text of '{key}' is cut here: YAML takes ' #' and what "
                                                     "follows for a comment; quote the text, or write the full-width "
                                                     "'＃'")
                return False
        return True

    def _check_characters(self, node: ScalarNode, value: str) -> None:
        bad: list[tuple[int, str]] = []
        for i, ch in enumerate(value):
            category = unicodedata.category(ch)
            if category == "Cs":
                bad.append((i, f"unpaired surrogate U+{ord(ch):04X} is not allowed in text "
                               "(write the character itself, not a \\u escape)"))
            elif category == "Cc" and ch not in "\t\n\r":
                bad.append((i, f"control character U+{ord(ch):04X} is not allowed in text"))
            elif category in ("Mn", "Mc", "Me") and (i == 0 or value[i - 1].isspace()):
                name = unicodedata.name(ch, "a combining mark")
                bad.append((i, f"U+{ord(ch):04X} ({name}) is a mark that combines with the character before it, "
                               "and there is none"))
        for i, ch in fonts.missing(value):
            if unicodedata.category(ch) not in ("Cc", "Cs"):
                bad.append((i, fonts.no_glyph_message(ch)))
        if bad:
            for at, (_, message) in zip(self._file_indexes(node, value, sorted(i for i, _ in bad)),
                                        sorted(bad), strict=True):
                self.problem_at(at, message)

    def _file_indexes(self, node: ScalarNode, value: str, indexes: list[int]) -> list[int]:
        """Best position in the file of each value[i] (i ascending): the n-th occurrence of that character
        in the scalar's raw text, exact for plain and quoted text without escapes, else the scalar's start.
        One pass per character, so thousands of bad characters cost no more than one."""
        start, raw = node.start_mark.index, self.text[node.start_mark.index:node.end_mark.index]
        seen: dict[str, tuple[int, int, int]] = {}  # character -> (counted up to, count, raw index of that one)
        found = []
        for i in indexes:
            ch = value[i]
            upto, count, at = seen.get(ch, (0, -1, -1))
            target = count + value.count(ch, upto, i) + 1  # value[i] is occurrence number `target` (0-based)
            while count < target and at != -2:
                at = raw.find(ch, at + 1)
                count += 1
                if at < 0:
                    at = -2
            seen[ch] = (i + 1, target, at)
            found.append(start if at < 0 else start + at)
        return found

    def body_text(self, node: Node, key: str) -> str | None:
        """A text that is set as body text: it may hold **emphasis**, in pairs."""
        self.body_texts_seen += 1
        if self.body_texts_seen > MAX_BODY_TEXTS:  # said once; the rest is not checked (80,000 would take seconds)
            if self.body_texts_seen == MAX_BODY_TEXTS + 1:
                self.problem(node, f"a source may have at most {MAX_BODY_TEXTS:,} paragraphs, list items and "
                                   "signature lines; this is one more (split the source into several)")
            return None
        value = self.text_value(node, key)
        if value is not None and emphasis.unpaired(value) is not None:
            raw = self.text[node.start_mark.index:node.end_mark.index]
            at = raw.rfind(emphasis.MARK)
            self.problem_at(node.start_mark.index + max(at, 0),
                            f"'{emphasis.MARK}' marks emphasis in pairs (**重点**); this one has no partner")
            return None
        return value

    def blocks(self, node: Node, key: str) -> tuple[Block, ...] | None:
        """Paragraph entries: a text, or a mapping of one of BLOCK_KINDS (`- quote: ...`)."""
        items = self._items(node, key)
        if items is None:
            return None
        found = [self.block(item, key) for item in items]
        return tuple(b for b in found if b is not None)

    def block(self, node: Node, key: str) -> Block | None:
        if isinstance(node, ScalarNode):
            text = self.body_text(node, key)
            return Block("paragraph", (text,)) if text is not None else None
        if not isinstance(node, MappingNode) or len(node.value) != 1:
            self.problem(node, f"an entry of '{key}' is a paragraph's text, or one of "
                               f"{', '.join(k + ':' for k in BLOCK_KINDS)} with its text")
            return None
        (kind_node, value_node), = node.value
        kind = str(kind_node.value)
        if kind not in BLOCK_KINDS:
            near = difflib.get_close_matches(kind, BLOCK_KINDS, n=1, cutoff=0.6)
            hint = f"did you mean '{near[0]}'?" if near else f"expected one of: {', '.join(BLOCK_KINDS)}"
            self.problem(kind_node, f"unknown kind of paragraph '{kind}'; {hint}")
            return None
        if kind in ("list", "numbered") or (kind == "signature" and isinstance(value_node, SequenceNode)):
            lines = self.body_texts(value_node, kind)
        else:
            line = self.body_text(value_node, kind)
            lines = (line,) if line is not None else None
        return Block(kind, lines) if lines else None

    def body_texts(self, node: Node, key: str) -> tuple[str, ...] | None:
        items = self._items(node, key)
        if items is None:
            return None
        values = [self.body_text(item, key) for item in items]
        return tuple(v for v in values if v is not None) if all(v is not None for v in values) else None

    @staticmethod
    def records(fields: dict[str, Field], what: str, limit: int = MAX_SECTIONS):
        def check(v: Validator, node: Node, key: str) -> tuple[dict[str, Any], ...] | None:
            items = v._items(node, key)
            if items is None:
                return None
            if len(items) > limit:
                v.problem(node, f"'{key}' has {len(items)} entries; the limit is {limit}")
                return None
            found = [v.record(item, fields, what) for item in items]
            return tuple(f for f in found if f is not None)
        return check

    def _items(self, node: Node, key: str) -> list[Node] | None:
        if not isinstance(node, SequenceNode):
            self.problem(node, f"'{key}' must be a list (lines starting with '- '), not {_kind(node)}")
            return None
        if not node.value:
            self.problem(node, f"'{key}' is empty; give at least one entry")
            return None
        return node.value

    def date_value(self, node: Node, key: str) -> datetime.date | None:
        written = str(node.value).strip() if isinstance(node, ScalarNode) else ""
        try:
            return datetime.date.fromisoformat(written)
        except ValueError:
            pass
        ascii_form = unicodedata.normalize("NFKC", written)
        if ascii_form != written and _is_iso_date(ascii_form):
            self.problem(node, f"'{key}' is written in full-width digits ({written}); write {ascii_form}")
        else:
            self.problem(node, f"'{key}' must be an ISO date like 2024-06-18")
        return None

    def bool_value(self, node: Node, key: str) -> bool | None:
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return str(node.value).lower() in ("true", "yes", "on")
        self.problem(node, f"'{key}' must be true or false")
        return None

    def url_value(self, node: Node, key: str) -> str | None:
        value = self.text_value(node, key)
        if value is None:
            return None
        if not URL.match(value):
            self.problem(node, f"'{key}' must be a web address like https://example.org/article, not '{value[:60]}'")
            return None
        if len(value) > MAX_QR_URL:
            self.problem(node, f"'{key}' is {len(value)} characters long; a QR code on a poster stays scannable up to "
                               f"{MAX_QR_URL} (use a shorter address)")
            return None
        return value

    def line_value(self, node: Node, key: str) -> str | None:
        """A text set as display type (the poster's title, headings, cards, byline; the handout's headings), which
        WeasyPrint lays out at every width the poster's design search tries: 2,000 characters took 8 s, 20,000 over
        4 GB."""
        value = self.text_value(node, key)
        if value is not None and len(value) > MAX_LINE_CHARS:
            self.problem(node, f"'{key}' has {len(value):,} characters; a title, heading, name or other line of "
                               f"display text may have at most {MAX_LINE_CHARS} (move the rest into a paragraph)")
            return None
        return value

    def lang_value(self, node: Node, key: str) -> str | None:
        value = self.text_value(node, key)
        if value is not None and not LANG.match(value):
            self.problem(node, f"'{key}' must be a language tag like zh-CN, not '{value}'")
            return None
        return value


def _is_iso_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _kind(node: Node, echo: bool = True) -> str:
    """What the node is, for a message; a text is quoted (its start) only when `echo`."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"the text '{str(node.value)[:20]}'" if echo else "a text"


def _required(fields: dict[str, Field]) -> list[str]:
    return [k for k, f in fields.items() if f.required]


def _near_miss(key: str, fields: dict[str, Field]) -> list[str]:
    return difflib.get_close_matches(key, list(fields), n=1, cutoff=0.6)


def _unknown_key(key: str, near: list[str], fields: dict[str, Field]) -> str:
    shown = key if len(key) <= SHOWN_KEY else key[:SHOWN_KEY] + f"… ({len(key):,} characters)"
    if near:
        return f"unknown key '{shown}'; did you mean '{near[0]}'?"
    return f"unknown key '{shown}'; expected one of: {', '.join(fields)}"


TEXT = Field(Validator.text_value)
LINE = Field(Validator.line_value)
AUTHOR_FIELDS = {
    "name": Field(Validator.line_value, required=True),
    "affiliation": LINE,
    "address": LINE,
}
SECTION_FIELDS = {
    "heading": Field(Validator.line_value, required=True),
    "subheading": LINE,
    "paragraphs": Field(Validator.blocks, required=True),
    "poster_line": LINE,
}
POSTER_FIELDS = {"title": LINE, "tagline": LINE, "footer": LINE, "key_sentences": Field(Validator.bool_value),
                 "qr": Field(Validator.url_value)}
ARTICLE_FIELDS = {
    "title": Field(Validator.line_value, required=True),
    "subtitle": LINE,
    "authors": Field(Validator.records(AUTHOR_FIELDS, "an author"), required=True),  # type: ignore[arg-type]
    "date": Field(Validator.date_value),
    "lang": Field(Validator.lang_value),
    "intro": Field(Validator.blocks),
    "sections": Field(Validator.records(SECTION_FIELDS, "a section"), required=True),  # type: ignore[arg-type]
    "editor": LINE,
    "poster": Field(lambda v, node, key: v.record(node, POSTER_FIELDS, "'poster'")),
    "subject": TEXT,
    "keywords": TEXT,
}


LATEST_EPOCH = 253_402_300_799  # 9999-12-31T23:59:59Z: the last moment a date can say


def source_date_epoch() -> datetime.datetime | None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org): the date of a source that gives none. Unset or empty: none;
    anything but whole seconds since 1970 that a date can hold is an error, never ignored."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "")
    value = raw.strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > LATEST_EPOCH:
        shown = value if len(value) <= 20 else value[:20] + "…"
        raise UserError([Problem("SOURCE_DATE_EPOCH", None, None,
                                 f"'{shown}' is not a moment: give whole seconds since 1970-01-01 as ASCII digits, "
                                 f"at most {LATEST_EPOCH} (9999-12-31), or unset it")])
    return datetime.datetime.fromtimestamp(int(value), tz=datetime.UTC)


# Every key of the source format, and the kinds of paragraph entries: what a clerk's mistyped key may be
KEYS = frozenset({*ARTICLE_FIELDS, *AUTHOR_FIELDS, *SECTION_FIELDS, *POSTER_FIELDS, *BLOCK_KINDS})


def validate(root: Node, text: str, shown: str, name: str) -> Article:
    """Turn a source's node tree into an Article, or raise UserError listing every problem."""
    v = Validator(shown, text)
    if not isinstance(root, MappingNode):
        # nothing of a file that is no source (a token given by mistake) is echoed
        v.problem(root, "a source must be a mapping of keys (title:, authors:, sections:), "
                        f"not {_kind(root, echo=False)}")
        raise UserError(v.problems)
    values = v.record(root, ARTICLE_FIELDS, "the source")
    if v.total_chars > MAX_TOTAL_CHARS:
        v.problem(root, f"the source has {v.total_chars:,} characters of text; the limit is {MAX_TOTAL_CHARS:,} "
                        "(split it into several sources)")
    if v.problems or values is None:
        raise UserError(capped(sorted(v.problems, key=lambda p: (p.line or 0, p.column or 0)), shown))
    return Article(
        name=name,
        title=values["title"],
        subtitle=values.get("subtitle"),
        authors=tuple(Author(**a) for a in values["authors"]),
        date=values.get("date"),
        lang=values.get("lang", "zh-CN"),
        intro=values.get("intro", ()),
        sections=tuple(Section(s["heading"], s["paragraphs"], s.get("subheading"), s.get("poster_line"))
                       for s in values["sections"]),
        editor=values.get("editor"),
        poster=PosterText(**values.get("poster", {})),
        subject=values.get("subject"),
        keywords=values.get("keywords"),
    )
