"""Stage 1: read a source file into a YAML node tree that keeps every value's position.

Refuses, with a position, what PyYAML would accept silently or dangerously: duplicate keys,
anchors and aliases (the "billion laughs"), non-UTF-8 encodings, oversized files.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node

from .errors import Problem, UserError

MAX_SOURCE_BYTES = 2_000_000


class _Reject(Exception):
    def __init__(self, mark: yaml.Mark, message: str) -> None:
        self.mark = mark
        self.message = message


class _StrictComposer(yaml.SafeLoader):
    """SafeLoader that refuses aliases and anchors instead of expanding them."""

    def compose_node(self, parent: Node | None, index: object) -> Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Reject(event.start_mark, f"aliases (*{event.anchor}) are not allowed in a source")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Reject(event.start_mark, f"anchors (&{anchor}) are not allowed in a source")
        return super().compose_node(parent, index)


def read_text(path: Path, shown: str) -> str:
    """Decode a source as UTF-8 (a BOM is allowed), naming the encoding when it is not."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UserError([Problem(shown, None, None, f"cannot read the file: {e.strerror}")]) from None
    if len(data) > MAX_SOURCE_BYTES:
        raise UserError([Problem(shown, None, None,
                                 f"the file is {len(data):,} bytes; a source may be at most "
                                 f"{MAX_SOURCE_BYTES:,} bytes")])
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(data):
        raise UserError([Problem(shown, None, None, _convert_hint("UTF-16", shown))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        if _decodes_as(data, "gb18030"):
            message = _convert_hint("GBK/GB18030", shown)
        else:
            message = f"invalid UTF-8 at byte offset {e.start} (byte 0x{data[e.start]:02x}); save the file as UTF-8"
        raise UserError([Problem(shown, line, column, message)]) from None
    return text


def _looks_utf16(data: bytes) -> bool:
    head = data[:200]
    return len(head) >= 4 and head.count(0) >= len(head) // 4


def _decodes_as(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _convert_hint(encoding: str, shown: str) -> str:
    source = "UTF-16" if encoding == "UTF-16" else "GBK"
    return (f"the file looks like {encoding}, not UTF-8; convert it with "
            f"`iconv -f {source} -t UTF-8 {shown} > converted.yaml` or save it as UTF-8")


def compose(text: str, shown: str) -> Node:
    """Parse YAML text into one node tree, or raise UserError with every problem found."""
    try:
        node = yaml.compose(text, Loader=_StrictComposer)
    except _Reject as e:
        raise UserError([_at(shown, e.mark, e.message)]) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        reason = e.problem or e.context or "invalid YAML"
        if "\t" in reason or "tab" in reason:
            reason += " (indent with spaces, not tabs)"
        raise UserError([_at(shown, mark, f"YAML syntax error: {reason}")]) from None
    except yaml.YAMLError as e:
        raise UserError([Problem(shown, None, None, f"YAML error: {e}")]) from None
    if node is None:
        raise UserError([Problem(shown, 1, 1, "the file is empty; a source needs at least "
                                               "'title', 'authors' and 'sections'")])
    problems = list(_duplicate_keys(node, shown))
    if problems:
        raise UserError(problems)
    return node


def _duplicate_keys(node: Node, shown: str):
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, MappingNode):
            seen: dict[str, Node] = {}
            for key, value in current.value:
                name = str(key.value)
                if name in seen:
                    first = seen[name].start_mark.line + 1
                    yield _at(shown, key.start_mark, f"duplicate key '{name}' (first given on line {first})")
                else:
                    seen[name] = key
                stack.append(value)
        elif isinstance(current.value, list):
            stack.extend(current.value)


def _at(shown: str, mark: yaml.Mark | None, message: str) -> Problem:
    if mark is None:
        return Problem(shown, None, None, message)
    return Problem(shown, mark.line + 1, mark.column + 1, message)


def position(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def load(path: Path, shown: str) -> tuple[Node, str]:
    """Read and parse a source; returns its root node and its text."""
    text = read_text(path, shown)
    return compose(text, shown), text
