"""One user-error class that carries every problem found, each with its location."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{_printable(self.path)}: {_printable(self.message)}"
        return f"{_printable(self.path)}:{self.line}:{self.column}: {_printable(self.message)}"


def _printable(text: str) -> str:
    """One line, safe for a terminal: a key or value from a source (or a file name) echoed in a message
    keeps its line breaks, escape sequences and bidi controls as \\n, \\x1b, \\u202e."""
    if text.isprintable():
        return text
    return "".join(_escape(ch) if unicodedata.category(ch) in _UNSAFE else ch for ch in text)


_UNSAFE = ("Cc", "Cf", "Zl", "Zp", "Cs")  # controls, invisible format characters, line/paragraph separators


def _escape(ch: str) -> str:
    code = ord(ch)
    if ch == "\n":
        return "\\n"
    if ch == "\t":
        return "\\t"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def shown_char(ch: str) -> str:
    """A character for a message: itself and its code point, or, if it cannot be seen on its own, its code point
    and name (a line separator in a message would break the one-problem-per-line output; a combining mark or a
    variation selector would sit on the quote before it)."""
    category = unicodedata.category(ch)
    if category not in ("Zs", "Zl", "Zp", "Cf", "Cc", "Cs", "Mn", "Me"):
        return f"'{ch}' (U+{ord(ch):04X})"
    name = unicodedata.name(ch, "")
    what = "the combining mark" if category in ("Mn", "Me") else "the invisible character"
    if "VARIATION SELECTOR" in name:
        what = "the variation selector"
    return f"{what} U+{ord(ch):04X}" + (f" ({name})" if name else "")


MAX_PROBLEMS = 100  # reported per source; the rest are counted


def capped(problems: list[Problem], shown: str) -> list[Problem]:
    """At most MAX_PROBLEMS problems of one source, then how many more there are."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return problems[:MAX_PROBLEMS] + [more_problems(shown, len(problems) - MAX_PROBLEMS)]


def more_problems(shown: str, count: int) -> Problem:
    return Problem(shown, None, None, f"... and {count:,} more problems")


class UserError(Exception):
    """Bad input or a failed build the user can fix: one line per problem, exit status 1."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def fail(path: str, message: str) -> UserError:
    return UserError([Problem(path, None, None, message)])


def shown_path(path: Path) -> str:
    """The path as the user should see it in messages: relative to the working directory if inside it, its
    control characters escaped, and never starting with '::', which a CI log takes for a command (`::error::`)."""
    try:
        shown = str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))  # a link by its name
    except (ValueError, OSError, RuntimeError):  # outside the working directory, or a symlink loop
        shown = str(path)
    return _printable(f"./{shown}" if shown.startswith("::") else shown)
