"""Stage 1: read a source file into a YAML node tree that keeps every value's position.

Refuses, with a position, what PyYAML would accept silently or dangerously: duplicate keys,
anchors and aliases (the "billion laughs"), deep nesting, non-UTF-8 encodings, binary files,
oversized files.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from . import legacy, mistakes
from .errors import Problem, UserError, capped, fail

MAX_SOURCE_BYTES = 1_000_000  # about 300 pages of handout; a study article is 10-50 KB
MAX_DEPTH = 20  # nesting of lists and mappings; a valid source needs 4
SOURCE_SUFFIXES = (".yaml", ".yml")  # in any case: editors and Windows save .yml and .YAML alike


def is_source_name(name: str) -> bool:
    """A source's file name: NAME.yaml or NAME.yml, not an editor's hidden or swap file."""
    return not name.startswith((".", "#")) and name.lower().endswith(SOURCE_SUFFIXES)


def sources_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*") if is_source_name(p.name))


def misnamed_in(folder: Path) -> list[Path]:
    """Files of a source folder that were meant as sources but are not read: NAME.yaml.txt is what Notepad saves
    when asked for NAME.yaml, and Windows hides the .txt."""
    return sorted(p for p in folder.glob("*") if p.name.lower().endswith(".txt") and is_source_name(p.name[:-4]))


class _Reject(Exception):
    def __init__(self, mark: yaml.Mark, message: str, syntax: bool = False) -> None:
        self.mark = mark
        self.message = message
        self.syntax = syntax  # YAML syntax a clerk may have typed by mistake (an alias, an anchor)


class _StrictComposer(yaml.SafeLoader):
    """SafeLoader that refuses aliases, anchors and deep nesting instead of expanding them."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: object) -> Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Reject(event.start_mark, f"aliases (*{event.anchor}) are not allowed in a source", syntax=True)
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Reject(event.start_mark, f"anchors (&{anchor}) are not allowed in a source", syntax=True)
        if isinstance(event, yaml.CollectionStartEvent):
            if self._depth >= MAX_DEPTH:
                raise _Reject(event.start_mark, f"lists and mappings are nested more than {MAX_DEPTH} deep")
            self._depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)


def link_out_of(path: Path, folder: Path) -> Path | None:
    """Where a symbolic link leads when that is outside the folder (None: not a link, inside, dangling or a loop,
    which opening it says). A source from a pull request must not make the build read, and echo in its messages,
    a file elsewhere such as /etc/passwd."""
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return None if target.is_relative_to(folder.resolve()) else target


def read_regular(path: Path, shown: str, limit: int, what: str = "source file") -> tuple[bytes, int]:
    """At most limit + 1 bytes of a regular file, and its size: a folder, a FIFO or a device (never waited on) or
    a file that cannot be read is a UserError naming it."""
    try:
        with open(path, "rb", opener=lambda p, flags: os.open(p, flags | os.O_NONBLOCK)) as f:
            info = os.fstat(f.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise fail(shown, f"is a folder, not a {what}")
            if not stat.S_ISREG(info.st_mode):
                raise fail(shown, "is not a regular file")
            data = f.read(limit + 1)
    except IsADirectoryError:
        raise fail(shown, f"is a folder, not a {what}") from None
    except OSError as e:
        raise fail(shown, f"cannot read the file: {e.strerror or e}") from None
    return data, max(info.st_size, len(data))


def read_bytes(path: Path, shown: str) -> bytes:
    """A source's bytes, refusing what is not a regular file or is too big (without reading it all), and a
    symlink that leads out of its folder."""
    target = link_out_of(path, path.absolute().parent)
    if target is not None:
        raise fail(shown, f"is a symbolic link to {target}, outside its folder; copy the file instead")
    data, size = read_regular(path, shown, MAX_SOURCE_BYTES)
    if len(data) > MAX_SOURCE_BYTES:
        raise fail(shown, f"the file is {size:,} bytes; a source may be at most {MAX_SOURCE_BYTES:,} bytes")
    return data


def read_text(path: Path, shown: str) -> str:
    """Decode a source as UTF-8 (a BOM is allowed), naming the encoding when it is not."""
    return decode(read_bytes(path, shown), shown)


def decode(data: bytes, shown: str) -> str:
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise fail(shown, _convert_hint("UTF-32", shown))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise fail(shown, _convert_hint("UTF-16", shown))
    utf16 = _looks_utf16(data)
    if utf16:
        raise fail(shown, _convert_hint(utf16, shown))
    if b"\0" in data:
        at = data.index(b"\0")
        line, column = _byte_position(data, at)
        raise UserError([Problem(shown, line, column,
                                 f"the file contains a NUL byte (byte offset {at}): it is not a text file; "
                                 "a source is a YAML text file saved as UTF-8")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line, column = _byte_position(data, e.start)
        encoding = legacy.guess(data) if data[:e.start].isascii() else None  # else UTF-8 with a damaged byte
        if encoding:
            message = _convert_hint(encoding, shown)
        else:
            message = (f"invalid UTF-8 at byte offset {e.start} (byte 0x{data[e.start]:02x}); "
                       "save the file as UTF-8")
        raise UserError([Problem(shown, line, column, message)]) from None
    odd = _ODD_BREAK.search(text)
    if odd:
        line, column = _char_position(text, odd.start())
        raise UserError([Problem(shown, line, column, _ODD_BREAKS[odd.group()])])
    return text


# Line breaks YAML counts but editors and our positions do not: refused so that every line number is right.
_ODD_BREAKS = {
    "\r": "a carriage return (U+000D) without a line feed (old Mac line endings); save the file with "
          "Windows or Unix line endings",
    "\x85": "next-line character U+0085 is not allowed in a source; use an ordinary line break",
    "\u2028": "line separator U+2028 is not allowed in a source; use an ordinary line break",
    "\u2029": "paragraph separator U+2029 is not allowed in a source; use an ordinary line break",
}
_ODD_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


def _byte_position(data: bytes, at: int) -> tuple[int, int]:
    """Line and column (in characters, counting the valid UTF-8 before it) of byte offset at."""
    start = data.rfind(b"\n", 0, at) + 1
    line = data.count(b"\n", 0, at) + 1
    if line == 1 and data.startswith(codecs.BOM_UTF8):
        start = len(codecs.BOM_UTF8)
    return line, len(data[start:at].decode("utf-8", errors="replace")) + 1


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: the ASCII of keys and indentation puts a zero in every other byte.
    Returns the byte order's name (iconv needs it when there is no BOM), or None."""
    head = data[:400]
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    if max(even, odd) < max(2, pairs // 4) or min(even, odd) > pairs // 50:
        return None
    return "UTF-16LE" if odd > even else "UTF-16BE"


def _convert_hint(encoding: str, shown: str) -> str:
    return (f"the file looks like {encoding}, not UTF-8; convert it with "
            f"`iconv -f {encoding} -t UTF-8 {shown} > converted.yaml`, or in Notepad use Save As with "
            "encoding UTF-8")


def compose(text: str, shown: str) -> Node:
    """Parse YAML text into one node tree, or raise UserError with every problem found. Lines that YAML would
    read as something else than meant (a full-width colon after a key, say) are problems too."""
    misread = [Problem(shown, line, column, message) for line, column, message in mistakes.lines(text)]
    try:
        node = yaml.compose(text, Loader=_StrictComposer)
    except _Reject as e:
        message = (mistakes.syntax(e.mark, None, text) if e.syntax else None) or e.message
        raise UserError(_explained(misread, _at(shown, e.mark, message))) from None
    except yaml.reader.ReaderError as e:  # a character YAML does not allow anywhere in a file
        line, column = _char_position(text, e.position)
        raise UserError([Problem(shown, line, column, _character_message(e.character))]) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        message = mistakes.syntax(mark, e.context, text) or _syntax_message(e)
        raise UserError(_explained(misread, _at(shown, mark, message))) from None
    except yaml.YAMLError as e:  # not raised by PyYAML 6 for str input; kept as a safety net
        raise fail(shown, f"YAML error: {e}") from None
    except RecursionError:
        raise fail(shown, f"lists and mappings are nested more than {MAX_DEPTH} deep") from None
    if node is None or (isinstance(node, ScalarNode) and node.tag.endswith(":null") and not node.value):
        raise UserError([Problem(shown, 1, 1, "the file is empty; a source needs at least "
                                               "'title', 'authors' and 'sections'")])
    problems = capped(sorted([*misread, *_key_problems(node, shown)]), shown)
    if problems:
        raise UserError(problems)
    return node


def _explained(misread: list[Problem], error: Problem) -> list[Problem]:
    """The YAML error, unless a misread line just before it (or on it) is its cause and says it better."""
    if error.line is not None and any(p.line is not None and 0 <= error.line - p.line <= 1 for p in misread):
        return misread
    return sorted([*misread, error])


def _syntax_message(e: yaml.MarkedYAMLError) -> str:
    reason = e.problem or e.context or "invalid YAML"
    if e.context and e.problem:
        reason += f" ({e.context}"
        mark = e.context_mark
        if mark is not None and e.problem_mark is not None and mark.line != e.problem_mark.line:
            reason += f" that starts at line {mark.line + 1}, column {mark.column + 1}"
        reason += ")"
    if "'\\t'" in reason or "\t" in reason:
        reason += "; indent with spaces, not tabs"
    elif reason.startswith("mapping values are not allowed"):
        reason += "; text containing ': ' must be quoted, or use the full-width '：'"
    elif e.context == "while scanning a quoted scalar":
        reason += "; is a closing quote missing?"
    return f"YAML syntax error: {reason}"


def _character_message(character: int | str) -> str:
    code = character if isinstance(character, int) else ord(character)
    if 0xD800 <= code <= 0xDFFF:
        return f"unpaired surrogate U+{code:04X} is not allowed in a source"
    return f"control character U+{code:04X} is not allowed in a source"


def _char_position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _key_problems(node: Node, shown: str):
    """Duplicate keys (PyYAML silently keeps the last) and keys that are not plain text."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, MappingNode):
            seen: dict[str, Node] = {}
            for key, value in current.value:
                stack.append(value)
                if not isinstance(key, ScalarNode):
                    yield _at(shown, key.start_mark, "a key must be plain text, not a list or a mapping")
                    continue
                name = str(key.value)
                if name in seen:
                    first = seen[name].start_mark.line + 1
                    yield _at(shown, key.start_mark, f"duplicate key '{name}' (first given on line {first})")
                else:
                    seen[name] = key
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
