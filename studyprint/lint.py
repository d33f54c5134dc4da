"""Source lint (`build.py --lint`, `--fix`): what in a source's text breaks the Chinese punctuation rules.

Finds, inside the text values of a YAML source (never in keys or comments):
* half-width , . ? ! : ; ( ) next to a Chinese character (and ... next to one): the full-width mark is meant;
* half-width " next to Chinese text, or a quote closed with the other width: “ ” are meant;
* a doubled pause or stop mark (，， 。。 、、 ；； ：：);
* a space between two Chinese characters or marks.
Each finding has the position of its character in the file. `fix()` rewrites only those characters: every
other byte of the file (comments, indentation, quoting, line endings, a BOM) stays as it was, and the file is
replaced atomically (a temp file renamed over it).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import load
from .chars import FULLWIDTH, is_han
from .errors import Problem
from .files import write_atomically

FULL = {",": "，", ".": "。", "?": "？", "!": "！", ":": "：", ";": "；", "(": "（", ")": "）"}
DOUBLED = re.compile(r"([，。、；：])\1+")
SPACED = re.compile(r"[ \t]+")
ELLIPSIS = re.compile(r"\.{3,}")


def _chinese(ch: str) -> bool:
    return is_han(ch) or ch in FULLWIDTH


@dataclass(frozen=True, order=True)
class Finding:
    start: int  # index in the file's text
    end: int
    message: str
    replacement: str | None  # None: reported, not fixed automatically


# Chinese postal addresses separate place names with spaces ("山东 泰安 271021"): not a lint finding.
SPACED_BY_CONVENTION = frozenset({"address"})


def _values(node: Node) -> Iterator[ScalarNode]:
    """Every scalar that is a value (mapping keys are skipped)."""
    if isinstance(node, ScalarNode):
        yield node
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            if str(key.value) not in SPACED_BY_CONVENTION:
                yield from _values(value)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from _values(item)


def _region(text: str, node: ScalarNode) -> tuple[int, int]:
    """The part of the file that holds the scalar's characters: no quotes, no block indicator line."""
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ("'", '"'):
        return start + 1, end - 1
    if node.style in ("|", ">"):
        newline = text.find("\n", start, end)
        return (end, end) if newline < 0 else (newline + 1, end)
    return start, end


def _scan(raw: str, base: int, style: str | None) -> Iterator[Finding]:
    def near(i: int, j: int) -> bool:  # raw[i:j] touches a Chinese character
        return (i > 0 and _chinese(raw[i - 1])) or (j < len(raw) and _chinese(raw[j]))

    taken: set[int] = set()
    for m in ELLIPSIS.finditer(raw):
        taken.update(range(m.start(), m.end()))
        if near(m.start(), m.end()):
            yield Finding(base + m.start(), base + m.end(), f"half-width '{m.group()}' next to Chinese text; "
                          "use ……", "……")
    # brackets: a pair is fixed together, so that ( ） never results
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for i, ch in enumerate(raw):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            pairs[stack.pop()] = i
    for i, j in pairs.items():
        if near(i, i + 1) or near(j, j + 1):
            taken.update((i, j))
            for at in (i, j):
                yield Finding(base + at, base + at + 1, f"half-width '{raw[at]}' in Chinese text; use "
                              f"'{FULL[raw[at]]}'", FULL[raw[at]])
    for i, ch in enumerate(raw):
        if ch in FULL and i not in taken and near(i, i + 1):
            if ch == "." and 0 < i < len(raw) - 1 and raw[i - 1].isdigit() and raw[i + 1].isdigit():
                continue
            yield Finding(base + i, base + i + 1, f"half-width '{ch}' next to a Chinese character; use "
                          f"'{FULL[ch]}'", FULL[ch])
    yield from _quotes(raw, base, style, near)
    for m in DOUBLED.finditer(raw):
        yield Finding(base + m.start() + 1, base + m.end(), f"doubled mark '{m.group()}'", "")
    for m in SPACED.finditer(raw):
        if m.start() > 0 and m.end() < len(raw) and _chinese(raw[m.start() - 1]) and _chinese(raw[m.end()]):
            yield Finding(base + m.start(), base + m.end(), "space between two Chinese characters", "")


def _quotes(raw: str, base: int, style: str | None, near) -> Iterator[Finding]:
    """Half-width " next to Chinese text, paired with the quotes around it: open “, close ”."""
    marks = [(i, ch) for i, ch in enumerate(raw) if ch in "“”\""]
    if not any(ch == '"' and near(i, i + 1) for i, ch in marks):
        return
    inside = False
    for i, ch in marks:
        want = "”" if inside else "“"
        inside = not inside if ch == '"' else ch == "“"
        if ch == '"':
            if style == '"':  # written \" in a double-quoted YAML string: left to the author
                yield Finding(base + i, base + i + 1, f"half-width quote in Chinese text; use '{want}'", None)
            else:
                yield Finding(base + i, base + i + 1, f"half-width quote in Chinese text; use '{want}'", want)


def findings(text: str, shown: str) -> list[Finding]:
    """Everything the lint finds in a source's text (raises UserError if the YAML is broken)."""
    root = load.compose(text, shown)
    found: set[Finding] = set()
    for node in _values(root):
        start, end = _region(text, node)
        found.update(_scan(text[start:end], start, node.style))
    return sorted(found)


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def problems(text: str, shown: str, found: list[Finding]) -> list[Problem]:
    return [Problem(shown, *_position(text, f.start), f.message) for f in found]


def _read(path: Path, shown: str) -> tuple[bytes, str]:
    data = load.read_bytes(path, shown)
    text = load.decode(data, shown)
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    return bom, text


def lint(path: Path, shown: str) -> list[Problem]:
    _, text = _read(path, shown)
    return problems(text, shown, findings(text, shown))


def apply(text: str, found: list[Finding]) -> str:
    """The text with every fixable finding replaced (overlapping ones: the first wins)."""
    out, done = [], 0
    for f in sorted(found):
        if f.replacement is None or f.start < done:
            continue
        out.append(text[done:f.start])
        out.append(f.replacement)
        done = f.end
    out.append(text[done:])
    return "".join(out)


def fix(path: Path, shown: str) -> tuple[int, list[Problem]]:
    """Rewrite the source with its fixable findings corrected; returns (number fixed, problems left)."""
    bom, text = _read(path, shown)
    found = findings(text, shown)
    fixed = apply(text, found)
    if fixed == text:
        return 0, problems(text, shown, found)
    left = findings(fixed, shown)  # also checks that the result is still a valid source
    write_atomically(path, bom + fixed.encode("utf-8"))
    return len(found) - len(left), problems(fixed, shown, left)
