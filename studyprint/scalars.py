"""Where each character of a YAML text value comes from in the file, so that an edit of the value can be made in
the file and nowhere else: quoting, escapes, indentation and line folding stay as they were written.

A value is cut into pieces: a literal piece is the same characters in the value and in the file; any other piece
(a folded line break, an escape such as \\" or '', a block's line break and indentation) is made whole or not at
all. The pieces are checked against PyYAML's own value: a scalar written in a way they do not reproduce is not
mapped (its problems are still reported, at its start, but not fixed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from yaml.nodes import ScalarNode

BREAKS = re.compile(r"[ \t]*(?:\r?\n[ \t]*)+")  # trailing blanks, line breaks, the next line's indentation
ESCAPES = {"0": "\0", "a": "\x07", "b": "\x08", "t": "\t", "\t": "\t", "n": "\n", "v": "\x0b", "f": "\x0c",
           "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
           "L": "\u2028", "P": "\u2029"}
HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


@dataclass(frozen=True)
class Piece:
    start: int  # in the value
    end: int
    raw_start: int  # in the file's text
    raw_end: int
    value: str  # value[start:end]
    literal: bool  # the same characters as text[raw_start:raw_end]


class Scalar:
    """A text value of a source and the pieces of the file it is made of."""

    def __init__(self, text: str, node: ScalarNode) -> None:
        self.node = node
        self.value = str(node.value)
        self.pieces = _pieces(text, node)

    def raw_index(self, i: int) -> int:
        """The file position of value[i] (the scalar's start if it is not mapped)."""
        if self.pieces is None:
            return self.node.start_mark.index
        for p in self.pieces:
            if p.start <= i < p.end or (i == p.end == len(self.value)):
                return p.raw_start + (i - p.start if p.literal else 0)
        return self.node.start_mark.index

    def raw_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The part of the file that makes value[start:end], or None if that cuts a piece that is not literal."""
        if self.pieces is None or start >= end:
            return None
        first = next(p for p in self.pieces if p.start <= start < p.end)
        last = next(p for p in self.pieces if p.start < end <= p.end)
        if not first.literal and start != first.start or not last.literal and end != last.end:
            return None
        raw_start = first.raw_start + (start - first.start if first.literal else 0)
        raw_end = last.raw_start + (end - last.start) if last.literal else last.raw_end
        return raw_start, raw_end

    def written(self, new: str) -> str:
        """Text to put in the file for `new` in the value, escaped as the scalar's quoting needs."""
        if self.node.style == '"':
            return new.replace("\\", "\\\\").replace('"', '\\"')
        if self.node.style == "'":
            return new.replace("'", "''")
        return new


def _pieces(text: str, node: ScalarNode) -> list[Piece] | None:
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ("|", ">"):
        pieces = _block_pieces(text, start, end, folded=node.style == ">", value=str(node.value))
    elif node.style in ("'", '"'):
        pieces = _flow_pieces(text, start + 1, end - 1, double=node.style == '"')
    else:
        pieces = _flow_pieces(text, start, end, double=False, plain=True)
    if pieces is None or "".join(p.value for p in pieces) != node.value:
        return None
    return pieces


class _Builder:
    """Collects pieces in order, keeping the value's length as it goes."""

    def __init__(self) -> None:
        self.pieces: list[Piece] = []
        self.length = 0

    def add(self, raw_start: int, raw_end: int, value: str, literal: bool) -> None:
        if value or not literal:
            self.pieces.append(Piece(self.length, self.length + len(value), raw_start, raw_end, value, literal))
            self.length += len(value)

    def literal(self, text: str, raw_start: int, raw_end: int) -> None:
        self.add(raw_start, raw_end, text[raw_start:raw_end], True)

    def made(self, raw_start: int, raw_end: int, value: str) -> None:
        self.add(raw_start, raw_end, value, False)


def _folded(breaks: str) -> str:
    """What YAML makes of a line break run inside a flow or plain scalar: a space, or the empty lines."""
    n = breaks.count("\n")
    return " " if n == 1 else "\n" * (n - 1)


def _flow_pieces(text: str, start: int, end: int, double: bool, plain: bool = False) -> list[Piece] | None:
    b, i = _Builder(), start
    while i < end:
        ch = text[i]
        fold = BREAKS.match(text, i, end)
        if fold and "\n" in fold.group():
            b.made(i, fold.end(), _folded(fold.group()))
            i = fold.end()
        elif not plain and not double and text.startswith("''", i):
            b.made(i, i + 2, "'")
            i += 2
        elif double and ch == "\\":
            i = _escape(text, i, end, b)
            if i < 0:
                return None
        else:
            j = i + 1
            while j < end and text[j] not in " \t\r\n\\'":
                j += 1
            b.literal(text, i, j)
            i = j
    return b.pieces


def _escape(text: str, i: int, end: int, b: _Builder) -> int:
    """One backslash escape of a double-quoted scalar at text[i]; returns where the next piece starts (-1: not
    understood)."""
    code = text[i + 1:i + 2]
    if code in ("\n", "\r"):  # an escaped line break: joins the lines, keeping only the empty ones between
        rest = BREAKS.match(text, i + 1, end)
        breaks = rest.group().count("\n") if rest else 0
        b.made(i, rest.end() if rest else i + 1, "\n" * (breaks - 1))
        return rest.end() if rest else -1
    if code in ESCAPES:
        b.made(i, i + 2, ESCAPES[code])
        return i + 2
    if code in HEX_ESCAPES:
        digits = text[i + 2:i + 2 + HEX_ESCAPES[code]]
        try:
            b.made(i, i + 2 + len(digits), chr(int(digits, 16)))
        except ValueError:
            return -1
        return i + 2 + len(digits)
    return -1


def _block_pieces(text: str, start: int, end: int, folded: bool, value: str) -> list[Piece] | None:
    """A literal (|) or folded (>) block: each line's content is literal; the line breaks and indentation between
    two content lines are one piece; the final line breaks (chomping) are one piece."""
    header_end = text.find("\n", start, end)
    if header_end < 0 or re.search(r"\d", text[start:header_end].split("#")[0]):
        return None  # an empty block, or an explicit indentation indicator
    content = []  # (start, end) of each line with text, without its line break
    at = header_end + 1
    while at < end:
        line_end = text.find("\n", at, end)
        line_end = end if line_end < 0 else line_end
        if text[at:line_end].strip(" \r"):
            content.append((at, line_end - 1 if text[at:line_end].endswith("\r") else line_end))
        at = line_end + 1
    if not content:
        return None
    first = text[content[0][0]:content[0][1]]
    indent = len(first) - len(first.lstrip(" "))
    b = _Builder()
    if content[0][0] > header_end + 1:
        b.made(header_end + 1, content[0][0] + indent, "\n" * text.count("\n", header_end + 1, content[0][0]))
    else:
        b.made(header_end + 1, content[0][0] + indent, "")
    for (s, e), following in zip(content, content[1:] + [None], strict=True):
        b.literal(text, s + indent, e)
        if following is None:
            break
        nxt = following[0]
        breaks = text.count("\n", e, nxt)
        joined = folded and not text[s + indent:s + indent + 1].isspace() \
            and not text[nxt + indent:nxt + indent + 1].isspace()
        b.made(e, nxt + indent, _folded("\n" * breaks) if joined else "\n" * breaks)
    b.made(content[-1][1], end, value[b.length:])
    return b.pieces
