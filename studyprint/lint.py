"""Source lint (`build.py --lint`, `--fix`): what in a source's text breaks the Chinese punctuation rules, and
characters the fonts cannot draw.

The rules themselves are in `punctuation` (one text value at a time: `fix_text`). This module finds the text
values of a YAML source (never keys or comments), reports each problem at its line and column in the file, and
fixes them in place: only the characters of a problem change (`scalars` says where a value's characters are in
the file, through quoting, escapes and line folding) and every other byte (comments, indentation, quoting, line
endings, a BOM) stays as it was. The new text is parsed again and must hold exactly the fixed values before it
is written (`files.rewrite`: atomically, keeping the file's mode and links).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import fonts, load, punctuation
from .errors import MAX_PROBLEMS, Problem, UserError, more_problems
from .files import rewrite
from .punctuation import Edit, fix_text
from .scalars import Scalar

__all__ = ["Finding", "findings", "fix", "fix_text", "lint"]

# Chinese postal addresses separate place names with spaces ("山东 泰安 271021"): only their glyphs are checked.
SPACED_BY_CONVENTION = frozenset({"address"})
# A fix the YAML would read differently (": " in plain text, say) is not made: the text must be quoted first.
NOT_FIXED = " (not fixed: in this YAML text the fix would change more than the mark; put the text in quotes)"
ROUNDS = 3  # a character the fonts lack may be fixed into one the punctuation rules then fix


@dataclass(frozen=True, order=True)
class Finding:
    start: int  # index in the file's text
    end: int
    message: str
    replacement: str | None  # what the file gets instead of text[start:end]; None: reported, not fixed


@dataclass(frozen=True)
class _Plan:
    """Fixing one text value: its findings in the file, and the value (and its YAML tag) before and after."""
    findings: list[Finding]
    value: str
    fixed_value: str
    tag: str

    @property
    def fixes(self) -> int:
        return sum(f.replacement is not None for f in self.findings)


def findings(text: str, shown: str) -> list[Finding]:
    """Everything the lint finds in a source's text (raises UserError if the YAML is broken)."""
    return sorted(f for plan in _plans(text, shown) for f in plan.findings)


def lint(path: Path, shown: str) -> list[Problem]:
    _, text = _read(path, shown)
    return problems(text, shown, findings(text, shown))


def fix(path: Path, shown: str) -> tuple[int, list[Problem]]:
    """Rewrite the source with its fixable findings corrected; returns (number fixed, problems left)."""
    bom, text = _read(path, shown)
    fixed, count = text, 0
    for _ in range(ROUNDS):
        fixed, done = _fix_once(fixed, shown)
        count += done
        if not done:
            break
    if fixed != text:
        try:
            rewrite(path, bom + fixed.encode("utf-8"))
        except UserError as e:
            raise UserError(e.problems + problems(text, shown, findings(text, shown))) from None
    left = [f if f.replacement is None else Finding(f.start, f.end, f.message + NOT_FIXED, None)
            for f in findings(fixed, shown)]
    return count, problems(fixed, shown, left)


def problems(text: str, shown: str, found: list[Finding]) -> list[Problem]:
    """The findings as located problems, at most MAX_PROBLEMS of them, then how many more there are."""
    located = [Problem(shown, *_position(text, f.start), f.message) for f in found[:MAX_PROBLEMS]]
    if len(found) > MAX_PROBLEMS:
        located.append(more_problems(shown, len(found) - MAX_PROBLEMS))
    return located


def _read(path: Path, shown: str) -> tuple[bytes, str]:
    data = load.read_bytes(path, shown)
    text = load.decode(data, shown)
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    return bom, text


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _values(node: Node, punctuated: bool = True) -> Iterator[tuple[ScalarNode, bool]]:
    """Every scalar that is a value (mapping keys are skipped), and whether the punctuation rules apply to it."""
    if isinstance(node, ScalarNode):
        yield node, punctuated
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            yield from _values(value, punctuated and str(key.value) not in SPACED_BY_CONVENTION)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from _values(item, punctuated)


def _plans(text: str, shown: str) -> list[_Plan]:
    return [_plan(Scalar(text, node), punctuated) for node, punctuated in _values(load.compose(text, shown))]


def _plan(scalar: Scalar, punctuated: bool) -> _Plan:
    value = scalar.value
    edits = (punctuation.edits(value) if punctuated else []) + _glyph_edits(value)
    found, made = [], []
    for edit in sorted(edits):
        span = scalar.raw_span(edit.start, edit.end) if edit.new is not None else None
        if span is None:
            at = scalar.raw_index(edit.start)
            found.append(Finding(at, at, edit.message, None))
        else:
            found.append(Finding(*span, edit.message, scalar.written(edit.new)))
            made.append(edit)
    return _Plan(found, value, punctuation.apply(value, made), scalar.node.tag)


def _glyph_edits(value: str) -> list[Edit]:
    """A character the fonts cannot draw; fixed when its NFKC form is one they can (the same character)."""
    found = []
    for i, ch in fonts.missing(value):
        form = fonts.standard_form(ch)
        new = form[0] if form and form[1] else None
        found.append(Edit(i, i + 1, new, fonts.no_glyph_message(ch)))
    return found


def _fix_once(text: str, shown: str) -> tuple[str, int]:
    """The text with its fixable findings made, and how many. Made all at once if the result parses to exactly
    the fixed values; else one value at a time, keeping each value's fixes only if they check out alone."""
    plans = _plans(text, shown)
    tags = [plan.tag for plan in plans]
    fixed = _apply(text, [f for plan in plans for f in plan.findings])
    if _holds(fixed, [plan.fixed_value for plan in plans], tags, shown):
        return fixed, sum(plan.fixes for plan in plans)
    values, count = [plan.value for plan in plans], 0
    for k in reversed(range(len(plans))):  # from the last, so that earlier positions stay right
        trial = _apply(text, plans[k].findings)
        expected = values[:k] + [plans[k].fixed_value] + values[k + 1:]
        if trial != text and _holds(trial, expected, tags, shown):
            text, values, count = trial, expected, count + plans[k].fixes
    return text, count


def _holds(text: str, expected: list[str], tags: list[str], shown: str) -> bool:
    """Does the text parse to a source whose values are exactly `expected`, of the same types (１２ fixed into a
    plain 12 would be a number)?"""
    try:
        root = load.compose(text, shown)
    except UserError:
        return False
    nodes = [node for node, _ in _values(root)]
    return [str(node.value) for node in nodes] == expected and [node.tag for node in nodes] == tags


def _apply(text: str, found: list[Finding]) -> str:
    """The text with every fixable finding replaced (of overlapping ones, the first)."""
    return punctuation.replace_spans(text, [(f.start, f.end, f.replacement) for f in sorted(found)])
